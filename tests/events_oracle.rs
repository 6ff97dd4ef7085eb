//! Events, relative dates, numbers and `or` against a dumb oracle.
//!
//! Agreements are generated (`common::events`): one or two events counted in
//! days or months, `from`/`until` as an event ± a few days (or a month) or a
//! date, a number fact compared with one to three constants, yes/no facts,
//! `or`/`not`/parentheses, overrides, two versions; some `oblige` rules have a
//! deadline (`due`, a date or an event ± days or a month) and a performance
//! (`done`, an event). The oracle reads each rule
//! as written (`from`, `until`, `valid`, `formula`) and decides concrete worlds
//! one by one: every day of a six-week window; for each event every date near
//! that day, and never; a number at, between, below and above the constants;
//! every yes/no value. What `ask`, `diff`, `check` and `timeline` say about
//! classes (stages, number ranges, alternatives) must be what it finds, and
//! so must the ranges their reports give as data (days an event may happen
//! on, times since it, ranges of the number).
//!
//! Each property runs a few seconds with its default case count (set
//! `PROPTEST_CASES` to run more): the walk decides up to about a million
//! worlds per agreement.

mod common;

use chrono::NaiveDate;
use common::events::{
    self, Agreement, Judgement, Loaded, Oracle, VERSIONS, WINDOW_DAYS, World, agreements, day,
    decimal, hundredths,
};
use covenant::ask::report::{FactValues, OutcomeReport, facts_on};
use covenant::check::{self, Severity};
use covenant::diff::{self, DiffRequest};
use covenant::eval::{self, Decision, Outcome, Question};
use covenant::number::Number;
use covenant::query::{self, Query, Under};
use covenant::space::Budget;
use covenant::terms::{Given, Terms, ValueSet};
use covenant::timeline::{self, TimelineRequest};
use covenant::verdict::{Effect, Verdict};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// A quick hasher for the small keys of the memos below (the default one
/// dominated the walk's time).
#[derive(Default)]
struct Quick(u64);

impl std::hash::Hasher for Quick {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

type Memo<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Quick>>;

/// `cases` cases, or `PROPTEST_CASES` when set.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig::with_cases(cases)
}

/// Loads the agreement and confirms that every rule the loader refused as
/// never holding holds in no world of the window (by the generator's reading).
fn load(agreement: &Agreement) -> Result<(Loaded, Oracle), TestCaseError> {
    let loaded = events::load(agreement);
    for (_, rule) in &loaded.pruned {
        prop_assert!(
            !loaded.agreement.ever_holds(rule),
            "the loader says `{}` never holds, but it does in some world\n{:?}",
            rule.id,
            agreement
        );
    }
    let oracle = Oracle::new(&loaded.terms);
    Ok((loaded, oracle))
}

/// The world's facts as the engine's classes: a yes/no value, the number's
/// range, the event's stage on the day.
struct Classes {
    numbers: Memo<i64, (Number, usize)>,
}

impl Classes {
    fn new(terms: &Terms, oracle: &Oracle) -> Classes {
        let kind = &terms.vocabulary.facts[oracle.number_fact].kind;
        let numbers = oracle
            .numbers
            .iter()
            .map(|&n| {
                let number = Number::parse(&decimal(n)).expect("a decimal");
                (n, (number, kind.number_class(number)))
            })
            .collect();
        Classes { numbers }
    }

    /// The classes of `world`; `stages`: the events' stages on the day, when known.
    fn of(
        &self,
        terms: &Terms,
        oracle: &Oracle,
        world: &World,
        stages: &[usize],
    ) -> [usize; FACTS] {
        let facts = &terms.vocabulary.facts;
        let mut classes = [0; FACTS];
        for (i, &f) in oracle.yes_facts.iter().enumerate() {
            let word = if world.yes[i] { "true" } else { "false" };
            classes[f] = facts[f].value_index(word).expect("yes/no values");
        }
        classes[oracle.number_fact] = self.numbers[&world.number].1;
        for (k, &f) in oracle.event_facts.iter().enumerate() {
            classes[f] = match stages.get(k) {
                Some(&stage) => stage,
                None => facts[f].kind.stage_on(world.day, world.events[k]),
            };
        }
        classes
    }

    fn number(&self, world: &World) -> Number {
        self.numbers[&world.number].0
    }
}

/// How an `ask` question gives the world's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every fact; an event as its day (`--fact e=DATE`), or `false` when it never happens.
    Everything,
    /// Every fact but the events.
    EventsUnknown,
    /// Every fact; an event only as whether it has happened by the day (`--fact e=true`).
    EventsHappened,
    /// No fact.
    Nothing,
}

const MODES: [Mode; 4] = [
    Mode::Everything,
    Mode::EventsUnknown,
    Mode::EventsHappened,
    Mode::Nothing,
];

/// What a question in `mode` gives of fact `f` in `world`; `None`: unknown.
fn given(oracle: &Oracle, classes: &Classes, world: &World, mode: Mode, f: usize) -> Option<Given> {
    if mode == Mode::Nothing {
        return None;
    }
    if let Some(i) = oracle.yes_facts.iter().position(|&y| y == f) {
        // Yes/no values are `false`, `true`.
        return Some(Given::Class(usize::from(world.yes[i])));
    }
    if f == oracle.number_fact {
        return Some(Given::Number(classes.number(world)));
    }
    let k = oracle.event_facts.iter().position(|&e| e == f)?;
    let event = world.events[k];
    match mode {
        Mode::Everything => Some(event.map_or(Given::Happened(false), Given::On)),
        Mode::EventsHappened => Some(Given::Happened(event.is_some_and(|e| e <= world.day))),
        _ => None,
    }
}

/// The most facts a generated agreement has.
const FACTS: usize = 4;

/// The decision of the branch of `outcome` that holds for `classes`.
fn branch<'o>(outcome: &'o Outcome, classes: &[usize]) -> Result<&'o Decision, String> {
    match outcome {
        Outcome::Decided(decision) => Ok(decision),
        Outcome::DependsOnFacts { cases, .. } => {
            let mut holding = cases.iter().filter(|case| case.holds_for(classes));
            match (holding.next(), holding.count()) {
                (Some(case), 0) => Ok(&case.decision),
                (first, more) => Err(format!(
                    "{} branches hold for classes {classes:?}: {outcome:?}",
                    usize::from(first.is_some()) + more
                )),
            }
        }
    }
}

fn ids(terms: &Terms, version: usize, rules: &[usize]) -> Vec<String> {
    let mut ids: Vec<String> = rules
        .iter()
        .map(|&r| terms.versions[version].rules[r].id.0.clone())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// Per version, per rule of the loaded terms: its bit among the oracle's rules
/// as written (an alternative of a rule with `or` has its rule's bit).
fn bit_table(terms: &Terms, oracle: &Oracle) -> Vec<Vec<u32>> {
    terms
        .versions
        .iter()
        .enumerate()
        .map(|(v, version)| {
            version
                .rules
                .iter()
                .map(|rule| {
                    let at = oracle.versions[v]
                        .iter()
                        .position(|r| r.id == rule.id.0)
                        .expect("a rule the oracle knows");
                    1 << at
                })
                .collect()
        })
        .collect()
}

fn bits(table: &[Vec<u32>], version: usize, rules: &[usize]) -> u32 {
    rules.iter().fold(0, |acc, &r| acc | table[version][r])
}

/// The decision agrees with the oracle's judgement: verdict, deciding rules, applicable rules.
fn agree(
    terms: &Terms,
    oracle: &Oracle,
    table: &[Vec<u32>],
    version: usize,
    decision: &Decision,
    judgement: &Judgement,
) -> Result<(), String> {
    let deciding = bits(table, version, &decision.deciding);
    let applicable = deciding | bits(table, version, &decision.overridden);
    if decision.verdict != judgement.verdict
        || deciding != judgement.deciding
        || applicable != judgement.applicable
    {
        let mut all = decision.deciding.clone();
        all.extend(&decision.overridden);
        return Err(format!(
            "engine: {} by {:?} (applicable {:?}); oracle: {} by {:?} (applicable {:?})",
            decision.verdict,
            ids(terms, version, &decision.deciding),
            ids(terms, version, &all),
            judgement.verdict,
            sorted(oracle.ids(version, judgement.deciding)),
            sorted(oracle.ids(version, judgement.applicable)),
        ));
    }
    Ok(())
}

fn world_text(world: &World) -> String {
    let event = |e: Option<NaiveDate>| e.map_or("never".to_string(), |d| d.to_string());
    format!(
        "on {} with e0 {}, e1 {}, n = {}, f0 = {}, f1 = {}",
        world.day,
        event(world.events[0]),
        event(world.events[1]),
        decimal(world.number),
        world.yes[0],
        world.yes[1]
    )
}

/// Property 1: `ask` (the evaluator, with facts given as classes) gives every
/// world the oracle's decision, whether the events are given as days, left
/// unknown, or given as "happened by the day"; and with nothing given.
fn ask_agrees(agreement: &Agreement) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let classes = Classes::new(terms, &oracle);
    let facts = &terms.vocabulary.facts;
    let table = bit_table(terms, &oracle);
    let yes_values = 1usize << oracle.yes_facts.len();
    let slots = 2 * oracle.numbers.len() * yes_values;
    // The questions asked on the current day, answered once each: per mode, the
    // classes the events are given as lead to a table of outcomes (indices into
    // `outcomes`) per version, number and yes/no values.
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut tables: Vec<Vec<Option<usize>>> = Vec::new();
    let mut by_events: Memo<(usize, [ValueSet; 2]), usize> = Memo::default();
    // What the current day and event dates give: per mode its table, the events' stages.
    let mut block: Option<(NaiveDate, [Option<NaiveDate>; 2])> = None;
    let mut current = [0usize; 4];
    let mut event_sets = [[ValueSet::default(); 2]; 4];
    let mut stages = [0usize; 2];
    oracle
        .walk([None, None], |world, judgements| {
            if block.is_none_or(|(day, _)| day != world.day) {
                outcomes.clear();
                tables.clear();
                by_events.clear();
            }
            if block != Some((world.day, world.events)) {
                block = Some((world.day, world.events));
                for (k, &f) in oracle.event_facts.iter().enumerate() {
                    stages[k] = facts[f].kind.stage_on(world.day, world.events[k]);
                    for (m, &mode) in MODES.iter().enumerate() {
                        event_sets[m][k] = match given(&oracle, &classes, world, mode, f) {
                            Some(given) => given.classes_on(&facts[f].kind, world.day),
                            None => ValueSet::full(facts[f].values.len()),
                        };
                    }
                }
                for m in 0..MODES.len() {
                    let next = tables.len();
                    current[m] = *by_events.entry((m, event_sets[m])).or_insert(next);
                    if current[m] == next {
                        tables.push(vec![None; slots]);
                    }
                }
            }
            let n = oracle
                .numbers
                .binary_search(&world.number)
                .expect("a number of the buckets");
            let y = usize::from(world.yes[0]) | usize::from(world.yes[1]) << 1;
            let point = classes.of(terms, &oracle, world, &stages);
            for (m, &mode) in MODES.iter().enumerate() {
                for (v, judgement) in judgements.iter().enumerate() {
                    let slot = (v * oracle.numbers.len() + n) * yes_values + y;
                    let at = match tables[current[m]][slot] {
                        Some(at) => at,
                        None => {
                            // What `report::facts_on` makes of the facts given: each as its classes on the day.
                            let given: Vec<(usize, Given)> = (0..facts.len())
                                .filter_map(|f| {
                                    Some((f, given(&oracle, &classes, world, mode, f)?))
                                })
                                .collect();
                            let on = facts_on(terms, &given, world.day);
                            for (k, &f) in oracle.event_facts.iter().enumerate() {
                                if on[f] != event_sets[m][k] {
                                    return Err(format!("facts_on gives {on:?} for {given:?}"));
                                }
                            }
                            let question = Question {
                                version: v,
                                action: 0,
                                params: &[],
                                date: world.day,
                                facts: &on,
                                readings: &[],
                            };
                            let outcome = eval::outcome(terms, &question, &mut Budget::default())
                                .expect("small terms fit the budget");
                            outcomes.push(outcome);
                            tables[current[m]][slot] = Some(outcomes.len() - 1);
                            outcomes.len() - 1
                        }
                    };
                    let outcome = &outcomes[at];
                    let context = || {
                        format!(
                            "version {} {} given {mode:?}",
                            VERSIONS[v],
                            world_text(world)
                        )
                    };
                    if mode == Mode::Everything
                        && world
                            .events
                            .iter()
                            .take(oracle.event_facts.len())
                            .all(Option::is_some)
                        && !matches!(outcome, Outcome::Decided(_))
                    {
                        return Err(format!("every fact given, yet {outcome:?}: {}", context()));
                    }
                    let decision = branch(outcome, &point[..facts.len()])
                        .map_err(|e| format!("{e}: {}", context()))?;
                    agree(terms, &oracle, &table, v, decision, judgement)
                        .map_err(|e| format!("{e}: {}", context()))?;
                }
            }
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))
}

/// Property 2: a world lies in a region of the diff of `a` and `b` over the
/// window if and only if the oracle's verdicts of the two versions differ
/// there, and the region's sides are the oracle's. With `fixed`, the first
/// event is given as that day (`--fact e0=DATE`) and only worlds where it
/// happened then are walked.
fn diff_agrees(agreement: &Agreement, fixed: Option<i64>) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let classes = Classes::new(terms, &oracle);
    let mut request = DiffRequest {
        facts: vec![None; terms.vocabulary.facts.len()],
        readings: Vec::new(),
        ..DiffRequest::new(terms, 0, 1, events::window())
    };
    let fixed = fixed.map(day);
    if let Some(date) = fixed {
        request.facts[oracle.event_facts[0]] = Some(Given::On(date));
    }
    let diff = diff::diff(terms, &request, &mut Budget::default()).expect("fits the budget");
    let table = bit_table(terms, &oracle);
    let mut memo: Memo<[usize; FACTS], Vec<usize>> = Memo::default();
    let mut memo_day = None;
    oracle
        .walk([fixed.map(Some), None], |world, judgements| {
            if memo_day != Some(world.day) {
                memo.clear();
                memo_day = Some(world.day);
            }
            let point = classes.of(terms, &oracle, world, &[]);
            let holding = memo.entry(point).or_insert_with(|| {
                diff.regions
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.contains(&[], world.day, &point[..], &[]))
                    .map(|(i, _)| i)
                    .collect()
            });
            let (old, new) = (&judgements[0], &judgements[1]);
            let context = || format!("{} ({} regions)", world_text(world), diff.regions.len());
            match holding[..] {
                [] if old.verdict == new.verdict => Ok(()),
                [] => Err(format!(
                    "no region, yet {} in a and {} in b: {}",
                    old.verdict,
                    new.verdict,
                    context()
                )),
                [r] => {
                    let region = &diff.regions[r];
                    let side = |v: usize, side: &diff::Side, judgement: &Judgement| {
                        if side.verdict == judgement.verdict
                            && bits(&table, v, &side.deciding) == judgement.deciding
                        {
                            return Ok(());
                        }
                        let deciding = ids(terms, v, &side.deciding);
                        let want = sorted(oracle.ids(v, judgement.deciding));
                        Err(format!(
                                    "region {region:?} says {} by {deciding:?} in {}; the oracle {} by {want:?}: {}",
                                    side.verdict,
                                    VERSIONS[v],
                                    judgement.verdict,
                                    context()
                                ))
                    };
                    side(0, &region.old, old)?;
                    side(1, &region.new, new)
                }
                _ => Err(format!("regions {holding:?} overlap: {}", context())),
            }
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\nfixed e0 = {fixed:?}\n{agreement:?}")))
}

/// The names in backticks in a message, in order.
fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// What the oracle finds over the window, per version.
#[derive(Default)]
struct Seen {
    /// (version, rule, rule) by position, the first before the second.
    conflicts: BTreeSet<(usize, usize, usize)>,
    decides: Vec<u32>,
    /// (version, rule, target): both apply in some world.
    fired: BTreeSet<(usize, usize, usize)>,
    /// Conflicts (as in `conflicts`) seen with a duty past its deadline, and
    /// those seen with every duty in them still ahead of it (or without one).
    overdue_conflicts: BTreeSet<(usize, usize, usize)>,
    timely_conflicts: BTreeSet<(usize, usize, usize)>,
}

/// Property 3: `check` reports a conflict between two rules if and only if
/// the oracle finds a world where both apply, neither is beaten and their
/// effects clash; its witnesses' facts reproduce the conflict when given back
/// to the evaluator, and to the oracle. (Also: `never-decides` and
/// `override-never-fires` are the oracle's.)
///
/// `check` looks at every date; the oracle at the window only. That is
/// exact here: every calendar date a rule names lies strictly inside the
/// window, so each stretch of time between them holds a day of the window;
/// on one day, which rules hold depends on the facts only through their
/// classes (the stages of events, the ranges of the number, the yes/no
/// values), and the oracle realises every class on every day, since it tries
/// every event date from more than the longest duration before the day to
/// more than the longest duration after it (and never), a number in every
/// range, and every yes/no value.
fn check_agrees(agreement: &Agreement) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let report = check::check(terms, &[], None, &mut Budget::default()).expect("fits the budget");
    let mut seen = Seen {
        decides: vec![0; oracle.versions.len()],
        ..Seen::default()
    };
    oracle
        .walk([None, None], |_, judgements| {
            for (v, judgement) in judgements.iter().enumerate() {
                let rules = &oracle.versions[v];
                seen.decides[v] |= judgement.deciding;
                let on = |bits: u32, i: usize| bits & 1 << i != 0;
                for i in 0..rules.len() {
                    for j in 0..rules.len() {
                        if on(judgement.applicable, i)
                            && on(judgement.applicable, j)
                            && on(rules[i].overrides, j)
                        {
                            seen.fired.insert((v, i, j));
                        }
                        let clash =
                            rules[i].effect != Effect::Forbid && rules[j].effect == Effect::Forbid;
                        if clash && on(judgement.deciding, i) && on(judgement.deciding, j) {
                            let pair = (v, i.min(j), i.max(j));
                            seen.conflicts.insert(pair);
                            if on(judgement.overdue, i) {
                                seen.overdue_conflicts.insert(pair);
                            } else {
                                seen.timely_conflicts.insert(pair);
                            }
                        }
                    }
                }
            }
            Ok(())
        })
        .map_err(TestCaseError::fail)?;
    let position = |v: usize, id: &str| {
        oracle.versions[v]
            .iter()
            .position(|r| r.id == id)
            .expect("a rule the oracle knows")
    };
    let version_of = |id: &str| VERSIONS.iter().position(|&v| v == id).expect("a version");
    let findings = |code: &'static str| report.findings.iter().filter(move |f| f.code == code);

    let mut conflicts = BTreeSet::new();
    for finding in findings("conflict") {
        prop_assert_eq!(finding.severity, Severity::Error);
        let names = quoted(&finding.message);
        let v = version_of(names[0]);
        let (a, b) = (position(v, names[1]), position(v, names[2]));
        conflicts.insert((v, a.min(b), a.max(b)));
        let witness = finding.witness.as_ref().expect("a conflict has a witness");
        let overdue = witness_reproduces(terms, &oracle, v, [names[1], names[2]], witness)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))?;
        // A duty that clashes only once overdue (or only before) is witnessed so.
        let pair = (v, a.min(b), a.max(b));
        let only = |seen: &BTreeSet<_>, other: &BTreeSet<_>| {
            seen.contains(&pair) && !other.contains(&pair)
        };
        prop_assert!(
            !only(&seen.overdue_conflicts, &seen.timely_conflicts) || overdue,
            "the witness {:?} of a conflict only an overdue duty has finds it not overdue\n{:?}",
            witness,
            agreement
        );
        prop_assert!(
            !only(&seen.timely_conflicts, &seen.overdue_conflicts) || !overdue,
            "the witness {:?} of a conflict no overdue duty has finds one overdue\n{:?}",
            witness,
            agreement
        );
    }
    prop_assert_eq!(&conflicts, &seen.conflicts, "conflicts\n{:?}", agreement);

    let never: BTreeSet<String> = findings("never-decides")
        .map(|f| f.subject.clone())
        .collect();
    let mut want_never = BTreeSet::new();
    for (v, rules) in oracle.versions.iter().enumerate() {
        for (i, rule) in rules.iter().enumerate() {
            if seen.decides[v] & 1 << i == 0 {
                want_never.insert(rule.id.clone());
            }
        }
    }
    prop_assert_eq!(&never, &want_never, "never-decides\n{:?}", agreement);

    let silent: BTreeSet<(usize, usize, usize)> = findings("override-never-fires")
        .map(|f| {
            let names = quoted(&f.message);
            let v = usize::from(names[0].starts_with('b'));
            (v, position(v, names[0]), position(v, names[1]))
        })
        .collect();
    let mut want_silent = BTreeSet::new();
    for (v, rules) in oracle.versions.iter().enumerate() {
        for (i, rule) in rules.iter().enumerate() {
            for j in 0..rules.len() {
                if rule.overrides & 1 << j != 0 && !seen.fired.contains(&(v, i, j)) {
                    want_silent.insert((v, i, j));
                }
            }
        }
    }
    prop_assert_eq!(
        &silent,
        &want_silent,
        "override-never-fires\n{:?}",
        agreement
    );
    Ok(())
}

/// A conflict's witness, given back to the evaluator as `--fact` values, is a
/// conflict of the two rules; and so it is to the oracle, in the world those
/// values describe (facts the witness leaves out set to anything). Whether
/// one of the two is a duty past its deadline there, by the oracle.
fn witness_reproduces(
    terms: &Terms,
    oracle: &Oracle,
    version: usize,
    rules: [&str; 2],
    witness: &check::Witness,
) -> Result<bool, String> {
    let query = query::parse_query(terms, &witness.query).map_err(|e| e.message.clone())?;
    let mut given = Vec::new();
    for (name, value) in &witness.facts {
        let parsed = query::parse_fact(terms, &format!("{name}={value}"))
            .map_err(|e| format!("witness fact {name}={value}: {}", e.message))?;
        given.push(parsed);
    }
    let facts = facts_on(terms, &given, witness.date);
    let question = Question {
        version,
        action: query.action,
        params: &[],
        date: witness.date,
        facts: &facts,
        readings: &[],
    };
    let outcome = eval::outcome(terms, &question, &mut Budget::default()).expect("fits the budget");
    let Outcome::Decided(decision) = &outcome else {
        return Err(format!(
            "witness {witness:?} leaves the answer open: {outcome:?}"
        ));
    };
    let deciding = ids(terms, version, &decision.deciding);
    if decision.verdict != Verdict::Conflict
        || rules.iter().any(|r| !deciding.iter().any(|d| d == r))
    {
        return Err(format!(
            "witness {witness:?} of {rules:?} gives {} by {deciding:?}",
            decision.verdict
        ));
    }
    let mut world = World {
        day: witness.date,
        events: [None; 2],
        number: oracle.numbers[0],
        yes: [false; 2],
    };
    for (fact, value) in &given {
        let name = &terms.vocabulary.facts[*fact].name;
        let k = oracle.event_facts.iter().position(|f| f == fact);
        let y = oracle.yes_facts.iter().position(|f| f == fact);
        match (value, k, y) {
            (Given::On(date), Some(k), _) => world.events[k] = Some(*date),
            (Given::Happened(false), Some(k), _) => world.events[k] = None,
            (Given::Class(c), _, Some(y)) => world.yes[y] = *c == 1,
            (Given::Number(_), _, _) => {
                world.number = hundredths(&witness.facts[name])
                    .ok_or_else(|| format!("witness number {name}={}", witness.facts[name]))?;
            }
            other => return Err(format!("unexpected witness value {other:?} for {name}")),
        }
    }
    let judgement = oracle.decide(&world)[version];
    let deciding = oracle.ids(version, judgement.deciding);
    if judgement.verdict != Verdict::Conflict
        || rules.iter().any(|r| !deciding.iter().any(|d| d == r))
    {
        return Err(format!(
            "the oracle gives witness {witness:?} ({}) {} by {deciding:?}",
            world_text(&world),
            judgement.verdict
        ));
    }
    let overdue = oracle.ids(version, judgement.overdue);
    Ok(rules.iter().any(|r| overdue.iter().any(|o| o == r)))
}

/// Whether a timeline branch's facts hold in `world`.
fn case_holds(
    terms: &Terms,
    oracle: &Oracle,
    facts: &std::collections::BTreeMap<String, FactValues>,
    world: &World,
) -> Result<bool, String> {
    for (name, values) in facts {
        let f = terms.fact_index(name).expect("a known fact");
        let holds = match values {
            FactValues::Values(values) => {
                let y = oracle
                    .yes_facts
                    .iter()
                    .position(|&x| x == f)
                    .expect("a yes/no fact");
                let word = if world.yes[y] { "true" } else { "false" };
                values.iter().any(|v| v == word)
            }
            FactValues::Numbers { numbers, .. } => numbers.iter().any(|range| {
                let bound = |b: &Option<String>| {
                    b.as_deref()
                        .map(|t| hundredths(t).expect("bounds in hundredths"))
                };
                let above = bound(&range.min)
                    .is_none_or(|m| world.number > m || (range.min_included && world.number == m));
                let below = bound(&range.max)
                    .is_none_or(|m| world.number < m || (range.max_included && world.number == m));
                above && below
            }),
            other => {
                return Err(format!(
                    "a branch on `{name}`, given with its day: {other:?}"
                ));
            }
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Property 4: a timeline with every event given as a day (`--fact e0=DATE`)
/// gives, on every day of the window, every number and yes/no value, the
/// oracle's verdict. The first event's day runs over the window and ten days
/// either side; the second's is `second` days into the window.
fn timeline_agrees(agreement: &Agreement, second: i64) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    for first in -10..WINDOW_DAYS + 10 {
        let dates = [day(first), day(second)];
        let facts: Vec<(usize, Given)> = oracle
            .event_facts
            .iter()
            .zip(dates)
            .map(|(&f, date)| (f, Given::On(date)))
            .collect();
        let request = TimelineRequest {
            text: "p.act".into(),
            query: Query {
                action: 0,
                params: Vec::new(),
            },
            under: Under::All,
            facts,
            readings: Vec::new(),
        };
        let report =
            timeline::timeline(terms, &request, &mut Budget::default()).expect("fits the budget");
        oracle
            .walk([Some(Some(dates[0])), Some(Some(dates[1]))], |world, judgements| {
                // A lane per version and case of the facts not given: exactly
                // one lane of each version holds in the world.
                let mut holding = Vec::new();
                for lane in &report.lanes {
                    if case_holds(terms, &oracle, &lane.facts, world)? {
                        holding.push(lane);
                    }
                }
                let versions: Vec<&str> = holding.iter().map(|l| l.version.as_deref().unwrap_or("in force")).collect();
                if versions != VERSIONS {
                    return Err(format!("one lane of each version holds, not {versions:?}"));
                }
                for lane in holding {
                    let v = VERSIONS.iter().position(|&id| lane.version.as_deref() == Some(id)).expect("a version");
                    let span = lane
                        .spans
                        .iter()
                        .find(|s| {
                            s.from.is_none_or(|f| f <= world.day)
                                && s.until.is_none_or(|u| world.day < u)
                        })
                        .ok_or("the spans tile time")?;
                    let verdict = match &span.outcome {
                        OutcomeReport::Decided { decision } => decision.verdict,
                        OutcomeReport::NoAgreement { .. } => return Err("no agreement under `all`".into()),
                        OutcomeReport::DependsOnFacts { cases, .. } => {
                            let mut holding = Vec::new();
                            for case in cases {
                                if case_holds(terms, &oracle, &case.facts, world)? {
                                    holding.push(case.decision.verdict);
                                }
                            }
                            match holding[..] {
                                [verdict] => verdict,
                                _ => return Err(format!("{} branches hold: {span:?}", holding.len())),
                            }
                        }
                    };
                    if verdict != judgements[v].verdict {
                        return Err(format!(
                            "the timeline of {} says {verdict}, the oracle {}: {} (span {span:?})",
                            VERSIONS[v],
                            judgements[v].verdict,
                            world_text(world)
                        ));
                    }
                }
                Ok(())
            })
            .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))?;
    }
    Ok(())
}

/// A branch of a report (an `ask` case, a timeline case) read back into the
/// oracle's terms: what it asks of each fact, from the report's data alone.
#[derive(Clone)]
struct Branch {
    verdict: Verdict,
    /// The deciding rules, when the report names them all.
    rules: Option<Vec<String>>,
    /// Per yes/no fact tested: the values allowed (`false`, `true`).
    yes: Vec<(usize, [bool; 2])>,
    /// The ranges of the number, if tested: each bound in hundredths, with whether it is included.
    numbers: Option<Vec<Range>>,
    /// Per event tested: the ranges of its day (an answer) or of the time since it (a timeline).
    events: Vec<(usize, Vec<EventRange>)>,
}

type Range = (Option<(i64, bool)>, Option<(i64, bool)>);

#[derive(Clone)]
enum EventRange {
    /// The event happened on a day in `[from, until)`, or never when `never`.
    Dates {
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
        never: bool,
    },
    /// The day asked is at least `from` and less than `until` units after the
    /// event (days or calendar months), or it never happens when `never`.
    Stages {
        months: bool,
        from: Option<i64>,
        until: Option<i64>,
        never: bool,
    },
}

impl Branch {
    fn read(
        facts: &std::collections::BTreeMap<String, FactValues>,
        verdict: Verdict,
        rules: Option<Vec<String>>,
    ) -> Result<Branch, String> {
        let mut branch = Branch {
            verdict,
            rules: rules.map(sorted),
            yes: Vec::new(),
            numbers: None,
            events: Vec::new(),
        };
        let bound = |b: &Option<String>, included: bool| -> Result<Option<(i64, bool)>, String> {
            b.as_deref()
                .map(|t| {
                    hundredths(t)
                        .map(|n| (n, included))
                        .ok_or(format!("a bound {t}"))
                })
                .transpose()
        };
        for (name, values) in facts {
            let which = |prefix: &str| {
                name.strip_prefix(prefix)
                    .and_then(|i| i.parse::<usize>().ok())
                    .ok_or(format!("a fact `{name}`"))
            };
            match values {
                FactValues::Values(values) => {
                    let has = |w: &str| values.iter().any(|v| v == w);
                    branch.yes.push((which("f")?, [has("false"), has("true")]));
                }
                FactValues::Numbers { numbers, .. } => {
                    let mut ranges = Vec::new();
                    for range in numbers {
                        ranges.push((
                            bound(&range.min, range.min_included)?,
                            bound(&range.max, range.max_included)?,
                        ));
                    }
                    branch.numbers = Some(ranges);
                }
                FactValues::Dates { dates, .. } => {
                    let ranges = dates
                        .iter()
                        .map(|d| EventRange::Dates {
                            from: d.from,
                            until: d.until,
                            never: d.or_never,
                        })
                        .collect();
                    branch.events.push((which("e")?, ranges));
                }
                FactValues::Stages { stages, .. } => {
                    let ranges = stages
                        .iter()
                        .map(|s| EventRange::Stages {
                            months: s.unit == "month",
                            from: s.from,
                            until: s.until,
                            never: s.or_never,
                        })
                        .collect();
                    branch.events.push((which("e")?, ranges));
                }
            }
        }
        Ok(branch)
    }

    fn holds(&self, world: &World) -> bool {
        let number = |&(min, max): &Range| {
            min.is_none_or(|(m, inc)| world.number > m || (inc && world.number == m))
                && max.is_none_or(|(m, inc)| world.number < m || (inc && world.number == m))
        };
        let event = |k: usize, range: &EventRange| match (range, world.events[k]) {
            (EventRange::Dates { never, .. }, None) | (EventRange::Stages { never, .. }, None) => {
                *never
            }
            (EventRange::Dates { from, until, .. }, Some(e)) => {
                from.is_none_or(|f| f <= e) && until.is_none_or(|u| e < u)
            }
            (
                EventRange::Stages {
                    months,
                    from,
                    until,
                    ..
                },
                Some(e),
            ) => {
                from.is_none_or(|f| events::shift(e, f, *months) <= world.day)
                    && until.is_none_or(|u| events::shift(e, u, *months) > world.day)
            }
        };
        self.yes
            .iter()
            .all(|&(i, allowed)| allowed[usize::from(world.yes[i])])
            && self.numbers.as_ref().is_none_or(|r| r.iter().any(number))
            && self
                .events
                .iter()
                .all(|(k, ranges)| ranges.iter().any(|r| event(*k, r)))
    }
}

/// The one branch of `branches` that holds in `world`, checked against the
/// oracle's judgement.
fn one_branch(
    branches: &[Branch],
    oracle: &Oracle,
    version: usize,
    world: &World,
    judgement: &Judgement,
) -> Result<(), String> {
    let mut holding = branches.iter().filter(|b| b.holds(world));
    let (Some(branch), None) = (holding.next(), holding.next()) else {
        let count = branches.iter().filter(|b| b.holds(world)).count();
        return Err(format!("{count} branches hold: {}", world_text(world)));
    };
    let want = sorted(oracle.ids(version, judgement.deciding));
    if branch.verdict != judgement.verdict || branch.rules.as_ref().is_some_and(|r| *r != want) {
        return Err(format!(
            "the report says {} by {:?}, the oracle {} by {want:?}: {} in {}",
            branch.verdict,
            branch.rules,
            judgement.verdict,
            world_text(world),
            VERSIONS[version]
        ));
    }
    Ok(())
}

/// Property 1, as `covenant ask` reports it: asked on each day with no fact
/// given, each version's answer is a set of branches whose facts are given as
/// data (days an event may happen on, ranges of the number, yes/no values);
/// in every world exactly one holds, with the oracle's verdict and rules.
fn ask_report_agrees(agreement: &Agreement) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let mut branches: Vec<Vec<Branch>> = Vec::new();
    let mut today = None;
    oracle
        .walk([None, None], |world, judgements| {
            if today != Some(world.day) {
                today = Some(world.day);
                let request = covenant::ask::report::AskRequest {
                    text: "p.act".into(),
                    query: Query {
                        action: 0,
                        params: Vec::new(),
                    },
                    date: world.day,
                    under: Under::All,
                    facts: Vec::new(),
                    readings: Vec::new(),
                };
                let report = covenant::ask::report::ask(terms, &request, &mut Budget::default())
                    .map_err(|e| e.to_string())?;
                branches.clear();
                for (v, answers) in report.versions.iter().enumerate() {
                    if answers.version != VERSIONS[v] || answers.answers.len() != 1 {
                        return Err(format!("one answer per version: {report:?}"));
                    }
                    let read = |facts, decision: &covenant::ask::report::DecisionReport| {
                        Branch::read(facts, decision.verdict, Some(decision.rules.clone()))
                    };
                    let none = std::collections::BTreeMap::new();
                    branches.push(match &answers.answers[0].outcome {
                        OutcomeReport::Decided { decision } => vec![read(&none, decision)?],
                        OutcomeReport::DependsOnFacts { cases, .. } => cases
                            .iter()
                            .map(|case| read(&case.facts, &case.decision))
                            .collect::<Result<_, _>>()?,
                        OutcomeReport::NoAgreement { .. } => {
                            return Err("no agreement under a version".into());
                        }
                    });
                }
            }
            for (v, judgement) in judgements.iter().enumerate() {
                one_branch(&branches[v], &oracle, v, world, judgement)?;
            }
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))
}

/// Property 5, why not: asked on each day with no fact given, each case lists
/// as not applying exactly the oracle's rules (as written) that do not decide
/// in each of its worlds; a rule listed as beaten applies there, any other
/// does not; a date reason is true on the day; and every fact a `needs` names
/// (a yes/no value, a range of the number, days an event may happen on) is
/// outside what the world has.
fn why_not_agrees(agreement: &Agreement) -> Result<(), TestCaseError> {
    use covenant::ask::why::{NotApplying, Reason};
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let mut cases: Vec<Vec<(Branch, Vec<NotApplying>)>> = Vec::new();
    let mut today = None;
    oracle
        .walk([None, None], |world, judgements| {
            if today != Some(world.day) {
                today = Some(world.day);
                let request = covenant::ask::report::AskRequest {
                    text: "p.act".into(),
                    query: Query {
                        action: 0,
                        params: Vec::new(),
                    },
                    date: world.day,
                    under: Under::All,
                    facts: Vec::new(),
                    readings: Vec::new(),
                };
                let report = covenant::ask::report::ask(terms, &request, &mut Budget::default())
                    .map_err(|e| e.to_string())?;
                cases.clear();
                for answers in &report.versions {
                    let none = std::collections::BTreeMap::new();
                    let read = |facts, decision: &covenant::ask::report::DecisionReport| {
                        let listed = decision
                            .not_applying
                            .clone()
                            .ok_or("an answer lists the rules not applying")?;
                        Ok::<_, String>((Branch::read(facts, decision.verdict, None)?, listed))
                    };
                    cases.push(match &answers.answers[0].outcome {
                        OutcomeReport::Decided { decision } => vec![read(&none, decision)?],
                        OutcomeReport::DependsOnFacts { cases, .. } => cases
                            .iter()
                            .map(|case| read(&case.facts, &case.decision))
                            .collect::<Result<_, _>>()?,
                        OutcomeReport::NoAgreement { .. } => {
                            return Err("no agreement under a version".into());
                        }
                    });
                }
            }
            for (v, judgement) in judgements.iter().enumerate() {
                let at = || format!("{} in {}", world_text(world), VERSIONS[v]);
                let mut holding = cases[v].iter().filter(|(b, _)| b.holds(world));
                let (Some((_, listed)), None) = (holding.next(), holding.next()) else {
                    return Err(format!("not one case holds: {}", at()));
                };
                let all = (1u32 << oracle.versions[v].len()) - 1;
                let want = sorted(oracle.ids(v, all & !judgement.deciding));
                let got = sorted(listed.iter().map(|n| n.rule.clone()).collect());
                if got != want {
                    return Err(format!("listed {got:?}, the oracle {want:?}: {}", at()));
                }
                for entry in listed {
                    let bit = oracle.versions[v]
                        .iter()
                        .position(|r| r.id == entry.rule)
                        .ok_or(format!("an unknown rule {}", entry.rule))?;
                    let applies = judgement.applicable & (1 << bit) != 0;
                    let beaten = entry
                        .reasons
                        .iter()
                        .any(|r| matches!(r, Reason::Overridden { .. }));
                    if entry.reasons.is_empty() || applies != beaten {
                        return Err(format!(
                            "{} {:?}, yet it applies: {applies}: {}",
                            entry.rule,
                            entry.reasons,
                            at()
                        ));
                    }
                    for reason in &entry.reasons {
                        let wrong = match reason {
                            Reason::NotYetValid { from } => world.day >= *from,
                            Reason::Expired { until } => world.day < *until,
                            Reason::Needs { facts } => facts.iter().any(|(name, values)| {
                                let one = std::collections::BTreeMap::from([(
                                    name.clone(),
                                    values.clone(),
                                )]);
                                Branch::read(&one, judgement.verdict, None)
                                    .map_or(true, |b| b.holds(world))
                            }),
                            Reason::Overridden { by } => {
                                let deciding = oracle.ids(v, judgement.deciding);
                                by.is_empty() || by.iter().any(|b| !deciding.contains(b))
                            }
                            other => return Err(format!("no params or readings here: {other:?}")),
                        };
                        if wrong {
                            return Err(format!("{} {reason:?} is wrong: {}", entry.rule, at()));
                        }
                    }
                }
            }
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))
}

/// Property 4, with nothing given: each span of a timeline's lanes is a set of
/// branches whose events are given as times since them (stages, as data); on
/// every day of the window and in every world exactly one holds, with the
/// oracle's verdict.
fn open_timeline_agrees(agreement: &Agreement) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let request = TimelineRequest {
        text: "p.act".into(),
        query: Query {
            action: 0,
            params: Vec::new(),
        },
        under: Under::All,
        facts: Vec::new(),
        readings: Vec::new(),
    };
    let report =
        timeline::timeline(terms, &request, &mut Budget::default()).expect("fits the budget");
    // Per version, its lanes: an event not given that the rules count from
    // gives a lane per stage (the lane's `world`), so a branch of a span holds
    // in a world when the lane's world and the branch's facts both do.
    let mut lanes: Vec<Vec<(covenant::interval::DateInterval, Vec<Branch>)>> =
        vec![Vec::new(); VERSIONS.len()];
    for lane in &report.lanes {
        let v = VERSIONS
            .iter()
            .position(|id| lane.version.as_deref() == Some(*id))
            .ok_or_else(|| TestCaseError::fail(format!("a lane of `{:?}`", lane.version)))?;
        for span in &lane.spans {
            let interval = covenant::interval::DateInterval::new(span.from, span.until)
                .expect("a span is not empty");
            let with_world = |facts: &std::collections::BTreeMap<String, FactValues>| {
                let mut all = lane.facts.clone();
                all.extend(facts.iter().map(|(k, v)| (k.clone(), v.clone())));
                all
            };
            let none = std::collections::BTreeMap::new();
            let branches = match &span.outcome {
                OutcomeReport::Decided { decision } => {
                    vec![Branch::read(&with_world(&none), decision.verdict, None)]
                }
                OutcomeReport::DependsOnFacts { cases, .. } => cases
                    .iter()
                    .map(|case| Branch::read(&with_world(&case.facts), case.decision.verdict, None))
                    .collect(),
                OutcomeReport::NoAgreement { .. } => {
                    return Err(TestCaseError::fail("no agreement under `all`"));
                }
            };
            let branches: Result<Vec<Branch>, String> = branches.into_iter().collect();
            lanes[v].push((interval, branches.map_err(TestCaseError::fail)?));
        }
    }
    oracle
        .walk([None, None], |world, judgements| {
            for (v, judgement) in judgements.iter().enumerate() {
                // Every lane of the version has a span on the day; together
                // their branches must hold exactly once in the world.
                let branches: Vec<Branch> = lanes[v]
                    .iter()
                    .filter(|(interval, _)| interval.contains(world.day))
                    .flat_map(|(_, branches)| branches.iter().cloned())
                    .collect();
                if branches.is_empty() {
                    return Err("the spans tile time".into());
                }
                one_branch(&branches, &oracle, v, world, judgement)?;
            }
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))
}

/// The oracle reads the loaded rules as the generator wrote them: in every
/// world, each rule applies by the loaded `from`, `until`, `valid` and
/// `formula` exactly when it does by the generator's own description (so the
/// parser, `not`/`and`/`or` precedence, `in`/`not in` on numbers and the
/// endpoints mean what was written, and the oracle is not fooled by them).
fn loaded_rules_mean_what_was_written(agreement: &Agreement) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let generated = &loaded.agreement;
    oracle
        .walk([None, None], |world, judgements| {
            for (v, judgement) in judgements.iter().enumerate() {
                for (i, rule) in oracle.versions[v].iter().enumerate() {
                    let written = generated.versions[v]
                        .iter()
                        .find(|r| r.id == rule.id)
                        .ok_or("a generated rule")?;
                    let applies = judgement.applicable & 1 << i != 0;
                    if applies != written.applies(generated, world) {
                        return Err(format!(
                            "`{}` applies: loaded {applies}, as written {}: {}",
                            rule.id,
                            !applies,
                            world_text(world)
                        ));
                    }
                    let overdue = judgement.overdue & 1 << i != 0;
                    if applies && overdue != written.overdue(generated, world) {
                        return Err(format!(
                            "`{}` is overdue: loaded {overdue}, as written {}: {}",
                            rule.id,
                            !overdue,
                            world_text(world)
                        ));
                    }
                }
            }
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))
}

/// Property 5 (duties): asked with every fact given (events as their days, or
/// never), `covenant ask` decides; its verdict is the oracle's, `breached`
/// exactly when the oracle's is;
/// and `decision.due` is the deadline of a deciding duty that the verdict
/// speaks of: one already passed when `breached`, one still ahead when
/// `required` (with one deciding duty with a deadline: its deadline), none
/// when no deciding duty has a deadline the question pins down (a deadline
/// counted from an event that never happens is never reached). Worlds where
/// no duty with a deadline decides are asked one in eleven.
fn deadlines_agree(agreement: &Agreement) -> Result<(), TestCaseError> {
    let (loaded, oracle) = load(agreement)?;
    let terms = &loaded.terms;
    let classes = Classes::new(terms, &oracle);
    let facts = &terms.vocabulary.facts;
    let mut count = 0u64;
    oracle
        .walk([None, None], |world, judgements| {
            let dated = |v: usize, bits: u32| -> Vec<(usize, NaiveDate)> {
                (0..oracle.versions[v].len())
                    .filter(|&i| bits & 1 << i != 0)
                    .filter_map(|i| Some((i, oracle.deadline(v, i, world)?)))
                    .collect()
            };
            let duties = (0..judgements.len()).any(|v| !dated(v, judgements[v].deciding).is_empty());
            count += 1;
            if !duties && count % 11 != 0 {
                return Ok(());
            }
            let given: Vec<(usize, Given)> = (0..facts.len())
                .filter_map(|f| Some((f, given(&oracle, &classes, world, Mode::Everything, f)?)))
                .collect();
            let request = covenant::ask::report::AskRequest {
                text: "p.act".into(),
                query: Query {
                    action: 0,
                    params: Vec::new(),
                },
                date: world.day,
                under: Under::All,
                facts: given,
                readings: Vec::new(),
            };
            let report = covenant::ask::report::ask(terms, &request, &mut Budget::default())
                .map_err(|e| e.to_string())?;
            for (v, judgement) in judgements.iter().enumerate() {
                let answers = &report.versions[v];
                // An event that never happens is given as not having happened
                // by the day: the answer may still depend on whether it happens
                // later, and the branch for this world tells.
                let decision = match &answers.answers[0].outcome {
                    OutcomeReport::Decided { decision } => decision,
                    OutcomeReport::DependsOnFacts { cases, .. }
                        if world.events.iter().any(Option::is_none) =>
                    {
                        let mut holding = Vec::new();
                        for case in cases {
                            let branch = Branch::read(&case.facts, case.decision.verdict, None)?;
                            if branch.holds(world) {
                                holding.push(&case.decision);
                            }
                        }
                        match holding[..] {
                            [decision] => decision,
                            _ => {
                                return Err(format!(
                                    "{} branches hold: {answers:?}: {}",
                                    holding.len(),
                                    world_text(world)
                                ));
                            }
                        }
                    }
                    _ => {
                        return Err(format!(
                            "every fact given, yet {answers:?}: {}",
                            world_text(world)
                        ));
                    }
                };
                let context = || format!("in {}, {}", VERSIONS[v], world_text(world));
                let want = sorted(oracle.ids(v, judgement.deciding));
                if decision.verdict != judgement.verdict || sorted(decision.rules.clone()) != want {
                    return Err(format!(
                        "ask says {} by {:?}, the oracle {} by {want:?}: {}",
                        decision.verdict,
                        decision.rules,
                        judgement.verdict,
                        context()
                    ));
                }
                let deciding = dated(v, judgement.deciding);
                let overdue = dated(v, judgement.deciding & judgement.overdue);
                let ahead = dated(v, judgement.deciding & !judgement.overdue);
                let allowed = match judgement.verdict {
                    Verdict::Breached => &overdue,
                    Verdict::Required => &ahead,
                    _ => &deciding,
                };
                let fine = match decision.due {
                    None => deciding.is_empty(),
                    Some(due) => allowed.iter().any(|&(_, d)| d == due),
                };
                if !fine {
                    return Err(format!(
                        "ask says {} with due {:?}; the deciding duties' deadlines are {:?} (overdue: {:?}): {}",
                        decision.verdict,
                        decision.due,
                        deciding
                            .iter()
                            .map(|&(i, d)| (oracle.versions[v][i].id.clone(), d))
                            .collect::<Vec<_>>(),
                        sorted(oracle.ids(v, judgement.overdue)),
                        context()
                    ));
                }
            }
            Ok(())
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:?}")))
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn ask_gives_every_world_the_oracles_decision(agreement in agreements(false)) {
        ask_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn ask_agrees_with_the_oracle_when_an_event_counts_months(agreement in agreements(true)) {
        ask_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn a_world_is_in_a_diff_region_iff_the_oracles_verdicts_differ(
        agreement in agreements(false),
        fixed in prop::option::of(-10..WINDOW_DAYS + 10),
    ) {
        diff_agrees(&agreement, fixed)?;
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn the_diff_agrees_with_the_oracle_when_an_event_counts_months(
        agreement in agreements(true),
        fixed in prop::option::of(-10..WINDOW_DAYS + 10),
    ) {
        diff_agrees(&agreement, fixed)?;
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn check_finds_exactly_the_oracles_conflicts(agreement in agreements(false)) {
        check_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn a_timeline_with_event_days_gives_each_day_the_oracles_verdict(
        agreement in agreements(false),
        second in -10..WINDOW_DAYS + 10,
    ) {
        timeline_agrees(&agreement, second)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn the_loaded_rules_mean_what_the_generator_wrote(agreement in agreements(false)) {
        loaded_rules_mean_what_was_written(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn an_ask_report_gives_every_world_the_oracles_decision(agreement in agreements(false)) {
        ask_report_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn an_open_timeline_gives_every_day_and_world_the_oracles_verdict(agreement in agreements(false)) {
        open_timeline_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn an_ask_report_agrees_with_the_oracle_when_an_event_counts_months(agreement in agreements(true)) {
        ask_report_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn an_answer_gives_the_deadline_of_the_duty_it_speaks_of(agreement in agreements(false)) {
        deadlines_agree(&agreement)?;
    }
}

/// The generator exercises duties: over a fixed sample of agreements the
/// oracle meets a duty `required` before a calendar deadline and `breached`
/// from it, one counted from an event that never happens (so never reached),
/// a duty performed (its `done` event has happened) that would apply
/// otherwise, and a conflict of `forbid` with a duty past its deadline.
#[test]
fn the_generator_exercises_duties() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = agreements(false);
    // What has been met: breached, required by a date, an event's deadline never
    // reached, performed, an overdue duty in conflict.
    let mut met = [false; 5];
    for _ in 0..60 {
        if met.iter().all(|&m| m) {
            break;
        }
        let agreement = strategy
            .new_tree(&mut runner)
            .expect("an agreement")
            .current();
        let duties = agreement
            .versions
            .iter()
            .flatten()
            .any(|r| r.due.is_some() || r.done.is_some());
        if !duties {
            continue;
        }
        let loaded = events::load(&agreement);
        let oracle = Oracle::new(&loaded.terms);
        let generated = &loaded.agreement;
        oracle
            .walk([None, None], |world, judgements| {
                for (v, judgement) in judgements.iter().enumerate() {
                    let deciding = judgement.deciding;
                    met[0] |= judgement.verdict == Verdict::Breached;
                    met[4] |=
                        judgement.verdict == Verdict::Conflict && deciding & judgement.overdue != 0;
                    for (i, rule) in oracle.versions[v].iter().enumerate() {
                        let written = generated.versions[v]
                            .iter()
                            .find(|r| r.id == rule.id)
                            .expect("a generated rule");
                        let decides = deciding & 1 << i != 0;
                        match written.due {
                            Some(events::End::Date(_)) => {
                                met[1] |= decides && judgement.verdict == Verdict::Required;
                            }
                            Some(events::End::Event(k, _)) => {
                                met[2] |= decides && world.events[k].is_none();
                            }
                            None => {}
                        }
                        if let Some(k) = written.done {
                            let performed = world.events[k].is_some_and(|e| e <= world.day);
                            let mut unperformed = *world;
                            unperformed.events[k] = None;
                            met[3] |= performed && written.applies(generated, &unperformed);
                        }
                    }
                }
                Ok(())
            })
            .expect("the walk only counts");
    }
    assert_eq!(
        met, [true; 5],
        "breached, required by a date, never reached, performed, overdue in conflict"
    );
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn an_answer_gives_the_deadline_when_an_event_counts_months(agreement in agreements(true)) {
        deadlines_agree(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn the_rules_ask_lists_as_not_applying_are_the_oracles_for_the_reasons_given(agreement in agreements(false)) {
        why_not_agrees(&agreement)?;
    }
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn the_rules_not_applying_agree_with_the_oracle_when_an_event_counts_months(agreement in agreements(true)) {
        why_not_agrees(&agreement)?;
    }
}
