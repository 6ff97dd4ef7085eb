//! The evaluator against a dumb, obviously correct oracle, on generated
//! agreements: random rules with parameter constraints, dates, conditions on
//! facts, readings of a dispute and overrides. The oracle re-reads the
//! generator's own description of each rule, never the loaded terms.

use chrono::NaiveDate;
use covenant::eval::{self, Outcome, Question};
use covenant::space::Budget;
use covenant::terms::{self, Terms, TermsSource, ValueSet};
use covenant::verdict::Verdict;
use proptest::prelude::*;

const VALUES: [&str; 3] = ["a", "b", "c"];
const F2: [&str; 3] = ["u", "v", "w"];
const DATES: [&str; 4] = ["2020-01-01", "2022-01-01", "2024-01-01", "2026-01-01"];
const EFFECTS: [&str; 3] = ["permit", "forbid", "oblige"];
const DEFAULTS: [&str; 3] = ["permitted", "forbidden", "required"];

/// A generated rule, in the generator's own terms.
#[derive(Debug, Clone)]
struct GenRule {
    action: usize,        // 0 = p.act(x), 1 = p.bare
    x: Option<Vec<bool>>, // allowed values of x, None = unconstrained
    effect: usize,
    from: Option<usize>,
    until: Option<usize>,
    f1: Option<bool>,
    f2: Option<Vec<bool>>,
    reading: Option<usize>,
    overrides: Vec<usize>, // indices of earlier rules
}

fn gen_rule(index: usize) -> impl Strategy<Value = GenRule> {
    (
        0..2usize,
        prop::option::of(prop::collection::vec(any::<bool>(), 3)),
        0..3usize,
        prop::option::of(0..4usize),
        prop::option::of(0..4usize),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::collection::vec(any::<bool>(), 3)),
        prop::option::of(0..2usize),
        prop::collection::vec(0..index.max(1), 0..3),
    )
        .prop_map(
            move |(action, x, effect, from, until, f1, f2, reading, overrides)| {
                // Keep only well-formed rules: non-empty sets, from < until, earlier overrides.
                let x = x.filter(|set| set.iter().any(|b| *b));
                let f2 = f2.filter(|set| set.iter().any(|b| *b));
                let (from, until) = match (from, until) {
                    (Some(f), Some(u)) if f >= u => (Some(u), None),
                    other => other,
                };
                let mut overrides: Vec<usize> =
                    overrides.into_iter().filter(|o| *o < index).collect();
                overrides.sort();
                overrides.dedup();
                GenRule {
                    action,
                    x: if action == 0 { x } else { None },
                    effect,
                    from,
                    until,
                    f1,
                    f2,
                    reading,
                    overrides,
                }
            },
        )
}

fn gen_rules() -> impl Strategy<Value = (Vec<GenRule>, [usize; 2])> {
    (0..12usize, 0..3usize, 0..3usize).prop_flat_map(|(n, d0, d1)| {
        let rules: Vec<_> = (0..n).map(gen_rule).collect();
        (rules, Just([d0, d1]))
    })
}

fn set_text(name: &str, set: &[bool], values: &[&str]) -> String {
    let chosen: Vec<&str> = values
        .iter()
        .zip(set)
        .filter(|(_, b)| **b)
        .map(|(v, _)| *v)
        .collect();
    format!("{name} in [{}]", chosen.join(", "))
}

fn terms_toml(rules: &[GenRule], defaults: [usize; 2]) -> (String, String) {
    let vocabulary = format!(
        r#"[agreement]
title = "generated"
seeds = "seeds"
[parties]
p = "P"
[domains]
d = ["a", "b", "c"]
[actions."p.act"]
description = "act"
params = {{ x = "d" }}
default = "{}"
default_reason = "generated"
[actions."p.bare"]
description = "bare"
default = "{}"
default_reason = "generated"
[facts.f1]
description = "yes or no"
[facts.f2]
description = "three values"
values = ["u", "v", "w"]
[disputes.dis]
question = "which?"
default = "r0"
default_reason = "generated"
[disputes.dis.readings.r0]
summary = "zero"
citations = [{{ seed = "s.txt", quote = "source" }}]
[disputes.dis.readings.r1]
summary = "one"
citations = [{{ seed = "s.txt", quote = "source" }}]
"#,
        DEFAULTS[defaults[0]], DEFAULTS[defaults[1]]
    );
    let mut version = String::from(
        "[version]\nid = \"v\"\ntitle = \"v\"\n[version.effective]\ndate = \"2019-01-01\"\nsource = \"generated\"\n",
    );
    for (i, rule) in rules.iter().enumerate() {
        let action = match (&rule.x, rule.action) {
            (Some(set), 0) => format!("p.act({})", set_text("x", set, &VALUES)),
            (None, 0) => "p.act".to_string(),
            _ => "p.bare".to_string(),
        };
        version.push_str(&format!(
            "[[rules]]\nid = \"r{i}\"\naction = \"{action}\"\neffect = \"{}\"\ncitations = [{{ seed = \"s.txt\", quote = \"source\" }}]\n",
            EFFECTS[rule.effect]
        ));
        if let Some(from) = rule.from {
            version.push_str(&format!("from = \"{}\"\n", DATES[from]));
        }
        if let Some(until) = rule.until {
            version.push_str(&format!("until = \"{}\"\n", DATES[until]));
        }
        let mut when = Vec::new();
        match rule.f1 {
            Some(true) => when.push("f1".to_string()),
            Some(false) => when.push("not f1".to_string()),
            None => {}
        }
        if let Some(set) = &rule.f2 {
            when.push(set_text("f2", set, &F2));
        }
        if !when.is_empty() {
            version.push_str(&format!("when = \"{}\"\n", when.join(" and ")));
        }
        if let Some(reading) = rule.reading {
            version.push_str(&format!("reading = \"dis.r{reading}\"\n"));
        }
        if !rule.overrides.is_empty() {
            let names: Vec<String> = rule.overrides.iter().map(|o| format!("\"r{o}\"")).collect();
            version.push_str(&format!("overrides = [{}]\n", names.join(", ")));
        }
    }
    (vocabulary, version)
}

fn load(rules: &[GenRule], defaults: [usize; 2]) -> Terms {
    let (vocabulary, version) = terms_toml(rules, defaults);
    terms::load(&TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), vocabulary),
            ("v.toml".into(), version.clone()),
        ],
        seeds: vec![("s.txt".into(), "the source text".into())],
    })
    .unwrap_or_else(|e| panic!("generated terms load: {e:?}\n{version}"))
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A point of the generated agreement's question space.
#[derive(Clone, Copy)]
struct Point {
    action: usize,
    x: usize,
    date: NaiveDate,
    f1: bool,
    f2: usize,
    reading: usize,
}

/// The oracle: the semantics written out directly over generated rules.
fn oracle(rules: &[GenRule], defaults: [usize; 2], point: &Point) -> Verdict {
    let Point {
        action,
        x,
        date,
        f1,
        f2,
        reading,
    } = *point;
    let applies = |r: &GenRule| {
        r.action == action
            && r.x.as_ref().is_none_or(|set| set[x])
            && r.from.is_none_or(|f| day(DATES[f]) <= date)
            && r.until.is_none_or(|u| date < day(DATES[u]))
            && r.f1.is_none_or(|v| v == f1)
            && r.f2.as_ref().is_none_or(|set| set[f2])
            && r.reading.is_none_or(|rd| rd == reading)
    };
    // beats[a][b]: a overrides b through a chain of overrides (naive fixpoint).
    let n = rules.len();
    let mut beats = vec![vec![false; n]; n];
    for (a, rule) in rules.iter().enumerate() {
        for &b in &rule.overrides {
            beats[a][b] = true;
        }
    }
    for _ in 0..n {
        for a in 0..n {
            for b in 0..n {
                if beats[a][b] {
                    let through_b = beats[b].clone();
                    for (c, beaten) in through_b.into_iter().enumerate() {
                        beats[a][c] |= beaten;
                    }
                }
            }
        }
    }
    let applicable: Vec<usize> = (0..n).filter(|&i| applies(&rules[i])).collect();
    let winners: Vec<usize> = applicable
        .iter()
        .copied()
        .filter(|&b| !applicable.iter().any(|&a| beats[a][b]))
        .collect();
    let effects: Vec<&str> = winners.iter().map(|&w| EFFECTS[rules[w].effect]).collect();
    if effects.is_empty() {
        return Verdict::parse(DEFAULTS[defaults[action]]).unwrap();
    }
    let has = |e: &str| effects.contains(&e);
    if has("forbid") && (has("permit") || has("oblige")) {
        Verdict::Conflict
    } else if has("forbid") {
        Verdict::Forbidden
    } else if has("oblige") {
        Verdict::Required
    } else {
        Verdict::Permitted
    }
}

const PROBES: [&str; 6] = [
    "2019-06-01",
    "2020-01-01",
    "2021-12-31",
    "2023-05-05",
    "2025-12-31",
    "2030-01-01",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn evaluation_agrees_with_the_oracle_at_every_point((rules, defaults) in gen_rules()) {
        let terms = load(&rules, defaults);
        let readings_all = [[0usize], [1usize]];
        for action in 0..2 {
            for x in 0..(if action == 0 { 3 } else { 1 }) {
                for probe in PROBES {
                    for f1 in [false, true] {
                        for f2 in 0..3 {
                            for readings in &readings_all {
                                let params = if action == 0 { vec![x] } else { vec![] };
                                let facts = [ValueSet::single(usize::from(f1)), ValueSet::single(f2)];
                                let question = Question { version: 0, action, params: &params, date: day(probe), facts: &facts, readings };
                                let got = eval::decide(&terms, &question, &[usize::from(f1), f2]);
                                let point = Point { action, x, date: day(probe), f1, f2, reading: readings[0] };
                                let want = oracle(&rules, defaults, &point);
                                prop_assert_eq!(got.verdict, want, "action {} x {} on {} f1 {} f2 {} reading {}", action, x, probe, f1, f2, readings[0]);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_facts_are_answered_with_the_decision_for_each_value_and_deterministically((rules, defaults) in gen_rules(), probe in 0..6usize) {
        let terms = load(&rules, defaults);
        let params = vec![1usize];
        let readings = [0usize];
        let unknown = terms.unknown_facts();
        let question = Question { version: 0, action: 0, params: &params, date: day(PROBES[probe]), facts: &unknown, readings: &readings };
        let answer = |question: &Question| eval::answer(&terms, question, &mut Budget::default()).expect("two facts fit the budget");
        let first = answer(&question);
        prop_assert_eq!(&first, &answer(&question));
        for f1 in 0..2 {
            for f2 in 0..3 {
                let known = eval::decide(&terms, &question, &[f1, f2]);
                let expected = match &first.outcome {
                    Outcome::Decided(decision) => decision.clone(),
                    Outcome::DependsOnFacts { cases, .. } => {
                        let holding: Vec<_> = cases.iter().filter(|c| c.holds_for(&[f1, f2])).collect();
                        prop_assert_eq!(holding.len(), 1, "exactly one branch holds for f1={} f2={}", f1, f2);
                        holding[0].decision.clone()
                    }
                };
                prop_assert_eq!(known, expected);
            }
        }
    }
}

/// Which rules apply at `point` as the generator wrote them, ignoring
/// overrides; which beat which through a chain of overrides; and the winners.
struct Judged {
    applies: Vec<bool>,
    beats: Vec<Vec<bool>>,
    winners: Vec<usize>,
}

fn judge(rules: &[GenRule], point: &Point) -> Judged {
    let applies: Vec<bool> = rules
        .iter()
        .map(|r| {
            r.action == point.action
                && r.x.as_ref().is_none_or(|set| set[point.x])
                && r.from.is_none_or(|f| day(DATES[f]) <= point.date)
                && r.until.is_none_or(|u| point.date < day(DATES[u]))
                && r.f1.is_none_or(|v| v == point.f1)
                && r.f2.as_ref().is_none_or(|set| set[point.f2])
                && r.reading.is_none_or(|rd| rd == point.reading)
        })
        .collect();
    let n = rules.len();
    let mut beats = vec![vec![false; n]; n];
    for (a, rule) in rules.iter().enumerate() {
        for &b in &rule.overrides {
            beats[a][b] = true;
        }
    }
    for _ in 0..n {
        for a in 0..n {
            for b in 0..n {
                if beats[a][b] {
                    let through_b = beats[b].clone();
                    for (c, beaten) in through_b.into_iter().enumerate() {
                        beats[a][c] |= beaten;
                    }
                }
            }
        }
    }
    let winners = (0..n)
        .filter(|&b| applies[b] && !(0..n).any(|a| applies[a] && beats[a][b]))
        .collect();
    Judged {
        applies,
        beats,
        winners,
    }
}

fn rule_number(id: &str) -> usize {
    id.strip_prefix('r')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("generated rule ids are r<N>, not {id}"))
}

fn chosen(set: &[bool], values: &[&str]) -> Vec<String> {
    values
        .iter()
        .zip(set)
        .filter(|(_, b)| **b)
        .map(|(v, _)| v.to_string())
        .collect()
}

/// Checks what `ask` says did not apply at `point` against the oracle: every
/// reason is true of the rule as generated (the test it names fails there,
/// and satisfying what `needs` lists makes the condition hold), and the rules
/// listed are exactly the action's rules that do not decide.
fn check_not_applying(
    rules: &[GenRule],
    point: &Point,
    row: &[String],
    case: &[(bool, usize)],
    listed: &[covenant::ask::why::NotApplying],
) -> Result<(), TestCaseError> {
    use covenant::ask::report::FactValues;
    use covenant::ask::why::Reason;
    let judged = judge(rules, point);
    let mut want: Vec<usize> = (0..rules.len())
        .filter(|&i| rules[i].action == point.action && !judged.winners.contains(&i))
        .collect();
    want.sort_unstable();
    let mut got: Vec<usize> = listed.iter().map(|n| rule_number(&n.rule)).collect();
    got.sort_unstable();
    prop_assert_eq!(&got, &want, "the rules not applying");
    for entry in listed {
        let i = rule_number(&entry.rule);
        let rule = &rules[i];
        prop_assert!(!entry.reasons.is_empty(), "{} has a reason", entry.rule);
        prop_assert_eq!(&entry.version, "v");
        for reason in &entry.reasons {
            let at = format!("{} {:?}", entry.rule, reason);
            match reason {
                Reason::NotYetValid { from } => {
                    prop_assert_eq!(rule.from.map(|f| day(DATES[f])), Some(*from), "{}", at);
                    prop_assert!(point.date < *from, "{}", at);
                }
                Reason::Expired { until } => {
                    prop_assert_eq!(rule.until.map(|u| day(DATES[u])), Some(*until), "{}", at);
                    prop_assert!(point.date >= *until, "{}", at);
                }
                Reason::Parameter {
                    param,
                    values,
                    covers,
                } => {
                    let set = rule
                        .x
                        .as_ref()
                        .expect("a parameter reason has a constraint");
                    prop_assert_eq!(param, "x");
                    prop_assert_eq!(covers, &chosen(set, &VALUES), "{}", at);
                    prop_assert_eq!(values, row, "{}", at);
                    prop_assert!(!set[point.x], "{}", at);
                }
                Reason::Reading {
                    dispute,
                    reading,
                    in_use,
                } => {
                    prop_assert_eq!(dispute, "dis");
                    prop_assert_eq!(
                        rule.reading.map(|r| format!("r{r}")),
                        Some(reading.clone()),
                        "{}",
                        at
                    );
                    prop_assert_eq!(in_use, &format!("r{}", point.reading), "{}", at);
                    prop_assert_ne!(reading, in_use, "{}", at);
                }
                Reason::Needs { facts } => {
                    prop_assert!(!facts.is_empty(), "{}", at);
                    let (mut f1, mut f2) = (None, None);
                    for (name, values) in facts {
                        let FactValues::Values(values) = values else {
                            return Err(TestCaseError::fail(format!(
                                "{at}: a choice fact lists values"
                            )));
                        };
                        match name.as_str() {
                            "f1" => {
                                let wanted = rule.f1.expect("needs f1 only when the rule tests it");
                                prop_assert_eq!(values, &vec![wanted.to_string()], "{}", at);
                                prop_assert_ne!(point.f1, wanted, "{}", at);
                                f1 = Some(wanted);
                            }
                            "f2" => {
                                let set = rule
                                    .f2
                                    .as_ref()
                                    .expect("needs f2 only when the rule tests it");
                                prop_assert_eq!(values, &chosen(set, &F2), "{}", at);
                                prop_assert!(!set[point.f2], "{}", at);
                                f2 = Some(set.iter().position(|b| *b).expect("non-empty"));
                            }
                            other => {
                                return Err(TestCaseError::fail(format!(
                                    "{at}: unknown fact {other}"
                                )));
                            }
                        }
                    }
                    // For that reason: in some world of the case, giving
                    // the facts what they need makes the condition hold.
                    let fixed = case.iter().any(|&(a, b)| {
                        let (a, b) = (f1.unwrap_or(a), f2.unwrap_or(b));
                        rule.f1.is_none_or(|v| v == a) && rule.f2.as_ref().is_none_or(|s| s[b])
                    });
                    prop_assert!(fixed, "{}: what it needs is not enough", at);
                }
                Reason::Overridden { by } => {
                    prop_assert!(judged.applies[i], "{}: an overridden rule applies", at);
                    prop_assert!(!by.is_empty(), "{}", at);
                    for winner in by {
                        let w = rule_number(winner);
                        prop_assert!(judged.winners.contains(&w), "{}: {} decides", at, winner);
                        prop_assert!(judged.beats[w][i], "{}: {} beats it", at, winner);
                    }
                }
            }
        }
        // Every test that fails is named: a rule with no reason of a kind passes that test.
        let has = |kind: fn(&Reason) -> bool| entry.reasons.iter().any(kind);
        if !has(|r| matches!(r, Reason::NotYetValid { .. })) {
            prop_assert!(
                rule.from.is_none_or(|f| day(DATES[f]) <= point.date),
                "{} starts",
                entry.rule
            );
        }
        if !has(|r| matches!(r, Reason::Expired { .. })) {
            prop_assert!(
                rule.until.is_none_or(|u| point.date < day(DATES[u])),
                "{} has not ended",
                entry.rule
            );
        }
        if !has(|r| matches!(r, Reason::Parameter { .. })) {
            // The row's values share the answer: the rule covers one of them.
            let covers = |s: &Vec<bool>| {
                row.iter()
                    .any(|v| s[VALUES.iter().position(|w| w == v).unwrap()])
            };
            prop_assert!(
                rule.x.as_ref().is_none_or(covers),
                "{} covers x",
                entry.rule
            );
        }
        if !has(|r| matches!(r, Reason::Reading { .. })) {
            prop_assert!(
                rule.reading.is_none_or(|r| r == point.reading),
                "{} reading",
                entry.rule
            );
        }
        if !has(|r| matches!(r, Reason::Needs { .. })) {
            // The answer's facts share it: the condition holds for one of them.
            let holds = case.iter().any(|&(f1, f2)| {
                rule.f1.is_none_or(|v| v == f1) && rule.f2.as_ref().is_none_or(|s| s[f2])
            });
            prop_assert!(holds, "{} holds in the case", entry.rule);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// `ask` with every parameter open, facts given or not: at every point,
    /// the rules it lists as not applying are the oracle's, for the reasons given.
    #[test]
    fn rules_listed_as_not_applying_do_not_apply_for_the_reasons_given(
        (rules, defaults) in gen_rules(),
        probe in 0..6usize,
        reading in 0..2usize,
        known in any::<bool>(),
    ) {
        use covenant::ask::report::{self, AskRequest, FactValues, OutcomeReport};
        use covenant::query::{Query, Under};
        use covenant::terms::Given;
        let terms = load(&rules, defaults);
        let date = day(PROBES[probe]);
        let (f1, f2) = (terms.fact_index("f1").unwrap(), terms.fact_index("f2").unwrap());
        let worlds: Vec<(bool, usize)> = [false, true].into_iter().flat_map(|a| (0..3).map(move |b| (a, b))).collect();
        for action in 0..2 {
            let asks: Vec<Option<(bool, usize)>> = if known { worlds.iter().copied().map(Some).collect() } else { vec![None] };
            for given in asks {
                let request = AskRequest {
                    text: "generated".into(),
                    query: Query { action, params: vec![None; if action == 0 { 1 } else { 0 }] },
                    date,
                    under: Under::Version(0),
                    facts: given.map(|(a, b)| vec![(f1, Given::Class(usize::from(a))), (f2, Given::Class(b))]).unwrap_or_default(),
                    readings: vec![(0, reading)],
                };
                let asked = report::ask(&terms, &request, &mut Budget::default()).expect("small agreements fit the budget");
                for answer in &asked.versions[0].answers {
                    let row = answer.params.get("x").cloned().unwrap_or_default();
                    let xs: Vec<usize> = if action == 0 { row.iter().map(|v| VALUES.iter().position(|w| w == v).unwrap()).collect() } else { vec![0] };
                    // Each world of the answer, with the branch it falls on.
                    let in_case = |case: &covenant::ask::report::CaseReport, (a, b): (bool, usize)| {
                        case.facts.iter().all(|(name, values)| match (values, name.as_str()) {
                            (FactValues::Values(values), "f1") => values.contains(&a.to_string()),
                            (FactValues::Values(values), "f2") => values.contains(&F2[b].to_string()),
                            _ => false,
                        })
                    };
                    let ours: Vec<(bool, usize)> = worlds.iter().copied().filter(|w| given.is_none_or(|g| g == *w)).collect();
                    for &x in &xs {
                        for &world in &ours {
                            let point = Point { action, x, date, f1: world.0, f2: world.1, reading };
                            let (decision, case) = match &answer.outcome {
                                OutcomeReport::Decided { decision } => (decision, ours.clone()),
                                OutcomeReport::DependsOnFacts { cases, .. } => {
                                    let holding: Vec<_> = cases.iter().filter(|c| in_case(c, world)).collect();
                                    prop_assert_eq!(holding.len(), 1);
                                    let case = ours.iter().copied().filter(|w| in_case(holding[0], *w)).collect();
                                    (&holding[0].decision, case)
                                }
                                OutcomeReport::NoAgreement { .. } => {
                                    return Err(TestCaseError::fail("no agreement under a version"));
                                }
                            };
                            let listed = decision.not_applying.as_deref().expect("an answer lists the rules not applying");
                            check_not_applying(&rules, &point, &row, &case, listed)?;
                        }
                    }
                }
            }
        }
    }
}
