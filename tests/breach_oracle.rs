//! `breach(RULE)` against a dumb oracle.
//!
//! Agreements are generated: a duty `pay` (`oblige`, `from` the event `order`
//! or a date, an optional `until`, `due` counted from `order` or from its own
//! performance `paid`, or a date, or none; an optional `done = "paid"` and
//! `when` on a yes/no fact), sometimes a duty `cure` that starts at
//! `breach(pay)` and falls due some days later (a chain), and one or two
//! remedies counting from `breach(pay)` or `breach(cure)`: `from = "breach(…) +
//! K days"`, `when = "breach(…)"` or `"not breach(…)"`, an `until` counted
//! from the breach or a date, `permit`, `forbid` or `oblige` with a deadline of
//! its own, on the duty's action (sometimes overriding the duty) or another.
//! A second version may take over inside the window with the duty's deadline
//! changed.
//!
//! The [`Oracle`] knows nothing of the engine: it reads each rule as the
//! generator wrote it and finds the day of a breach by walking every day from
//! well before the events, taking the duty of the version in force that day
//! (or of the version asked about). It checks:
//!
//! 1. with every event given (its day, or `false` for never) and every yes/no
//!    fact, `ask` on each day of a 60-day window gives the oracle's verdict and
//!    deciding rules, and `breaches` gives the oracle's breach days (`false`
//!    when not by the date asked);
//! 2. with the duty's performance `paid` left unknown, in every world of its
//!    day exactly one branch of the answer holds, with the oracle's decision;
//!    each branch, for a day picked at each end of each of its ranges, agrees
//!    with the oracle told those days; a breach the report pins down is the
//!    same in every world;
//! 3. `check` warns `remedy-never-fires` for exactly the rules needing a
//!    breach the oracle finds in no world (each event on every day of a window,
//!    or never; every yes/no value) and on no day.
//!
//! Each property runs a few seconds with its default case count; set
//! `PROPTEST_CASES` to run more.

mod common;

use chrono::NaiveDate;
use common::breach::{
    ACTIONS, Agreement, Days, Duty, Event, Oracle, VERSIONS, WINDOW, World, agreements, day, index,
    worlds,
};
use covenant::ask::report::{AskRequest, DecisionReport, FactValues, OutcomeReport, ask};
use covenant::check;
use covenant::query::Query;
use covenant::space::Budget;
use covenant::terms::{Given, Terms};
use covenant::verdict::Verdict;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------
// Asking the engine.

/// Fact indices of the loaded terms, by name.
struct Names<'t> {
    terms: &'t Terms,
}

impl Names<'_> {
    fn fact(&self, name: &str) -> usize {
        self.terms
            .vocabulary
            .facts
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("a fact `{name}`"))
    }

    /// What a question gives: every yes/no fact, and each declared event as
    /// its day (`false` when it never happens), but the events in `unknown`.
    fn given(&self, world: &World, unknown: &[Event]) -> Vec<(usize, Given)> {
        let mut given = vec![
            (self.fact("f0"), Given::Class(usize::from(world.facts[0]))),
            (self.fact("f1"), Given::Class(usize::from(world.facts[1]))),
        ];
        for (event, on) in [
            (Event::Order, world.order),
            (Event::Paid, world.paid),
            (Event::Cured, world.cured),
        ] {
            if !unknown.contains(&event) {
                given.push((
                    self.fact(&event.name()),
                    on.map_or(Given::Happened(false), |t| Given::On(day(t))),
                ));
            }
        }
        given
    }
}

/// Asks `action` on day `d` with `facts` given.
fn ask_on(
    terms: &Terms,
    agreement: &Agreement,
    action: usize,
    d: i64,
    facts: Vec<(usize, Given)>,
) -> Result<covenant::ask::report::AskReport, String> {
    let request = AskRequest {
        text: ACTIONS[action].0.into(),
        query: Query {
            action,
            params: Vec::new(),
        },
        date: day(d),
        under: agreement.under(),
        facts,
        readings: Vec::new(),
    };
    ask(terms, &request, &mut Budget::default()).map_err(|e| e.to_string())
}

/// The report's breaches the oracle expects on day `d`: each breach named,
/// on its day, or `false` when not by `d`.
fn expected_breaches(agreement: &Agreement, days: &Days, d: i64) -> BTreeMap<String, String> {
    agreement
        .named_breaches()
        .into_iter()
        .map(|duty| {
            let value = match days.breach[duty as usize] {
                Some(t) if t <= d => day(t).to_string(),
                _ => "false".into(),
            };
            (Event::Breach(duty).name(), value)
        })
        .collect()
}

/// Whether a decision of the report is the oracle's.
fn same(decision: &DecisionReport, want: &(Verdict, Vec<String>)) -> bool {
    let mut rules = decision.rules.clone();
    rules.sort();
    decision.verdict == want.0 && rules == want.1
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig::with_cases(cases)
}

// ---------------------------------------------------------------------------
// Property 1.

/// Every fact given: each day, each action, each version answering decides
/// as the oracle does, and the breaches are the oracle's.
fn everything_given_agrees(agreement: &Agreement, worlds: &[World]) -> Result<(), String> {
    let (_dir, terms) = agreement.load();
    let names = Names { terms: &terms };
    let oracle = Oracle { agreement };
    for world in worlds {
        let days = oracle.days(world, [None, None]);
        for d in 0..WINDOW {
            for (action, &(name, _)) in ACTIONS.iter().enumerate() {
                let report = ask_on(&terms, agreement, action, d, names.given(world, &[]))?;
                let context = || {
                    format!(
                        "{} on {} in {world:?}, breaches {:?}",
                        name,
                        day(d),
                        days.breach
                    )
                };
                // The report lists the breaches the action's rules test.
                let action_index = terms
                    .vocabulary
                    .actions
                    .iter()
                    .position(|a| a.id == name)
                    .expect("the action is declared");
                let tested: Vec<String> = terms
                    .breach_events_of(action_index)
                    .into_iter()
                    .map(|f| terms.vocabulary.facts[f].name.clone())
                    .collect();
                let mut want = expected_breaches(agreement, &days, d);
                want.retain(|event, _| tested.contains(event));
                if report.breaches != want {
                    return Err(format!(
                        "breaches {:?}, the oracle {want:?}: {}",
                        report.breaches,
                        context()
                    ));
                }
                let answering = agreement.answering(d);
                if report.versions.len() != answering.len() {
                    return Err(format!(
                        "{} versions answer, not {answering:?}: {}",
                        report.versions.len(),
                        context()
                    ));
                }
                for (answers, &v) in report.versions.iter().zip(&answering) {
                    let want = oracle.decide(v, action, d, &days, &world.facts);
                    match &answers.answers[..] {
                        [answer] => match &answer.outcome {
                            OutcomeReport::Decided { decision } if same(decision, &want) => {}
                            outcome => {
                                return Err(format!(
                                    "`{}` says {outcome:?}, the oracle {want:?}: {}",
                                    VERSIONS[v],
                                    context()
                                ));
                            }
                        },
                        _ => return Err(format!("one answer: {answers:?}")),
                    }
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Property 2.

/// A branch of an answer: the ranges of days it gives each event.
struct Branch<'r> {
    events: Vec<(String, Vec<covenant::ask::report::DateBounds>)>,
    decision: &'r DecisionReport,
}

impl Branch<'_> {
    fn read<'r>(
        facts: &BTreeMap<String, FactValues>,
        decision: &'r DecisionReport,
    ) -> Result<Branch<'r>, String> {
        let mut events = Vec::new();
        for (name, values) in facts {
            match values {
                FactValues::Dates { dates, .. } => events.push((name.clone(), dates.clone())),
                other => {
                    return Err(format!(
                        "only events are unknown, yet `{name}` is {other:?}"
                    ));
                }
            }
        }
        Ok(Branch { events, decision })
    }

    fn holds(&self, days: &Days) -> bool {
        self.events.iter().all(|(name, ranges)| {
            let on = days.of(event_named(name));
            ranges.iter().any(|r| match on {
                None => r.or_never,
                Some(t) => r.from.is_none_or(|f| f <= day(t)) && r.until.is_none_or(|u| day(t) < u),
            })
        })
    }

    /// Days to try for each event the branch names: each end of each range,
    /// and never when a range allows it.
    fn picks(&self, asked: i64) -> Vec<(Event, Vec<Option<i64>>)> {
        self.events
            .iter()
            .map(|(name, ranges)| {
                let mut picks = Vec::new();
                for r in ranges {
                    picks.extend(r.from.map(|f| Some(index(f))));
                    picks.extend(r.until.map(|u| Some(index(u) - 1)));
                    if r.or_never {
                        picks.push(None);
                    }
                    if r.from.is_none() && r.until.is_none() {
                        picks.push(Some(asked));
                    }
                }
                (event_named(name), picks)
            })
            .collect()
    }
}

fn event_named(name: &str) -> Event {
    [
        Event::Order,
        Event::Paid,
        Event::Cured,
        Event::Breach(Duty::Pay),
        Event::Breach(Duty::Cure),
    ]
    .into_iter()
    .find(|e| e.name() == name)
    .unwrap_or_else(|| panic!("an event `{name}`"))
}

/// `paid` unknown: in every world of its day one branch holds, with the
/// oracle's decision; each branch at each end of its ranges agrees with the
/// oracle told those days; the breaches reported are the same in every world.
fn done_unknown_agrees(agreement: &Agreement, world: &World) -> Result<(), String> {
    let (_dir, terms) = agreement.load();
    let names = Names { terms: &terms };
    let oracle = Oracle { agreement };
    // Every day `paid` may happen on, with the days of the breaches then.
    let paid_worlds: Vec<(Option<i64>, Days)> = (-12..WINDOW + 3)
        .map(Some)
        .chain([Some(WINDOW + 30), None])
        .map(|paid| (paid, oracle.days(&World { paid, ..*world }, [None, None])))
        .collect();
    for d in 0..WINDOW {
        for (action, &(name, _)) in ACTIONS.iter().enumerate() {
            let report = ask_on(
                &terms,
                agreement,
                action,
                d,
                names.given(world, &[Event::Paid]),
            )?;
            let context = |paid: Option<i64>| {
                format!("{} on {} with paid {paid:?} in {world:?}", name, day(d))
            };
            for &(paid, days) in &paid_worlds {
                let want = expected_breaches(agreement, &days, d);
                for (name, value) in &report.breaches {
                    if want.get(name) != Some(value) {
                        return Err(format!(
                            "the report pins `{name}` to {value}, the oracle finds {want:?}: {}",
                            context(paid)
                        ));
                    }
                }
            }
            for (answers, &v) in report.versions.iter().zip(&agreement.answering(d)) {
                let [answer] = &answers.answers[..] else {
                    return Err(format!("one answer: {answers:?}"));
                };
                let branches: Vec<Branch> = match &answer.outcome {
                    OutcomeReport::Decided { decision } => vec![Branch {
                        events: Vec::new(),
                        decision,
                    }],
                    OutcomeReport::DependsOnFacts { cases, .. } => cases
                        .iter()
                        .map(|c| Branch::read(&c.facts, &c.decision))
                        .collect::<Result<_, _>>()?,
                    OutcomeReport::NoAgreement { .. } => {
                        return Err(format!("no agreement under a version: {answer:?}"));
                    }
                };
                // Every world of `paid`'s day: one branch, the oracle's decision.
                for &(paid, days) in &paid_worlds {
                    let want = oracle.decide(v, action, d, &days, &world.facts);
                    let holding: Vec<&Branch> =
                        branches.iter().filter(|b| b.holds(&days)).collect();
                    match holding[..] {
                        [branch] if same(branch.decision, &want) => {}
                        _ => {
                            return Err(format!(
                                "`{}`: {} branches hold, the oracle {want:?} (breaches {:?}): {}\n{:?}",
                                VERSIONS[v],
                                holding.len(),
                                days.breach,
                                context(paid),
                                answer.outcome
                            ));
                        }
                    }
                }
                // Each branch at each end of its ranges, the days taken as given.
                for branch in &branches {
                    let picks = branch.picks(d);
                    let mut at = vec![0usize; picks.len()];
                    loop {
                        let mut world = World {
                            paid: None,
                            ..*world
                        };
                        let mut given = [None, None];
                        for ((event, days), &i) in picks.iter().zip(&at) {
                            match *event {
                                Event::Paid => world.paid = days[i],
                                Event::Breach(duty) => given[duty as usize] = Some(days[i]),
                                _ => return Err(format!("`{}` is given", event.name())),
                            }
                        }
                        for (name, value) in &report.breaches {
                            let Event::Breach(duty) = event_named(name) else {
                                unreachable!()
                            };
                            given[duty as usize] = Some(value.parse::<NaiveDate>().ok().map(index));
                        }
                        let days = oracle.days(&world, given);
                        let want = oracle.decide(v, action, d, &days, &world.facts);
                        if !same(branch.decision, &want) {
                            return Err(format!(
                                "`{}`: the branch {:?} says {:?} by {:?}; at days {days:?} the oracle says {want:?}: {}",
                                VERSIONS[v],
                                branch.events,
                                branch.decision.verdict,
                                branch.decision.rules,
                                context(world.paid)
                            ));
                        }
                        let Some(k) = (0..at.len()).rposition(|k| at[k] + 1 < picks[k].1.len())
                        else {
                            break;
                        };
                        at[k] += 1;
                        at[k + 1..].iter_mut().for_each(|i| *i = 0);
                    }
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Property 3.

/// `check` warns `remedy-never-fires` for exactly the rules that need a
/// breach the oracle finds in no world and on no day.
fn never_fires_agrees(agreement: &Agreement) -> Result<(), String> {
    let (_dir, terms) = agreement.load();
    let oracle = Oracle { agreement };
    let report =
        check::check(&terms, &[], None, &mut Budget::default()).map_err(|e| format!("{e:?}"))?;
    let found: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.code == "remedy-never-fires")
        .map(|f| {
            let event = f.message.split('`').nth(3).unwrap_or_default().to_string();
            (f.subject.clone(), event)
        })
        .collect();
    let mut want = BTreeSet::new();
    for rule in agreement.versions.iter().flatten() {
        for duty in rule.needs() {
            if !oracle.ever_overdue(duty) {
                want.insert((rule.id.clone(), Event::Breach(duty).name()));
            }
        }
    }
    if found != want {
        return Err(format!("check warns {found:?}, the oracle {want:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn ask_derives_the_breach_and_decides_as_the_oracle_when_every_fact_is_given(
        agreement in agreements(false),
        worlds in prop::collection::vec(worlds(), 2),
    ) {
        everything_given_agrees(&agreement, &worlds).map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:#?}")))?;
    }

    #[test]
    fn ask_answers_per_range_of_the_breach_when_the_performance_is_unknown(
        agreement in agreements(true),
        world in worlds(),
    ) {
        done_unknown_agrees(&agreement, &world).map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:#?}")))?;
    }

    #[test]
    fn check_warns_a_remedy_never_fires_exactly_when_its_duty_is_never_overdue(
        agreement in agreements(false),
    ) {
        never_fires_agrees(&agreement).map_err(|e| TestCaseError::fail(format!("{e}\n{agreement:#?}")))?;
    }
}
