//! The class-based engine against the dumb oracle: on generated agreements,
//! what `check`, `timeline` and an open `ask` say about classes of questions
//! must be what walking every point (and, for the timeline, every day) says.

mod common;

use chrono::NaiveDate;
use common::oracle::{self, Point, boundary_dates, every_point};
use common::{generated, shapes};
use covenant::ask::report::FactValues;
use covenant::ask::report::OutcomeReport;
use covenant::ask::report::{self, AskRequest};
use covenant::check::{self, CheckReport, Severity};
use covenant::query::{Query, Under};
use covenant::space::Budget;
use covenant::terms::Terms;
use covenant::timeline::{self, TimelineRequest};
use covenant::verdict::{Effect, Verdict};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// The names in backticks in a message, in order.
fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn findings<'r>(report: &'r CheckReport, code: &str) -> Vec<&'r check::Finding> {
    report.findings.iter().filter(|f| f.code == code).collect()
}

/// What walking every point of every version finds.
#[derive(Default, Debug)]
struct Brute {
    decides: BTreeSet<String>,
    conflicts: BTreeSet<(String, String)>,
    fired: BTreeSet<(String, String)>,
    matters: BTreeSet<String>,
}

fn brute_force(terms: &Terms, points: &[Point]) -> Brute {
    let mut found = Brute::default();
    for (v, version) in terms.versions.iter().enumerate() {
        for point in points {
            let decision = oracle::decide(terms, v, point);
            let name = |r: usize| version.rules[r].id.0.clone();
            for &r in &decision.deciding {
                found.decides.insert(name(r));
            }
            for &a in &decision.deciding {
                for &f in &decision.deciding {
                    let (ea, ef) = (version.rules[a].effect, version.rules[f].effect);
                    if ef == Effect::Forbid && ea != Effect::Forbid {
                        found.conflicts.insert((name(a.min(f)), name(a.max(f))));
                    }
                }
            }
            let applicable: Vec<usize> = decision
                .deciding
                .iter()
                .chain(&decision.overridden)
                .copied()
                .collect();
            for &r in &applicable {
                for &target in &version.rules[r].overrides {
                    if applicable.contains(&target) {
                        found.fired.insert((name(r), name(target)));
                    }
                }
            }
            for (d, dispute) in terms.vocabulary.disputes.iter().enumerate() {
                for reading in 0..dispute.readings.len() {
                    let mut other = point.clone();
                    other.readings[d] = reading;
                    if oracle::decide(terms, v, &other).verdict != decision.verdict {
                        found.matters.insert(dispute.id.clone());
                    }
                }
            }
        }
    }
    found
}

/// Resolves a witness back into a point and the version it names.
fn witness_point(terms: &Terms, witness: &check::Witness) -> (usize, Point) {
    let query = covenant::query::parse_query(terms, &witness.query).expect("witness queries parse");
    let mut facts = vec![0; terms.vocabulary.facts.len()];
    for (name, value) in &witness.facts {
        let f = terms.fact_index(name).expect("a known fact");
        facts[f] = terms.vocabulary.facts[f]
            .value_index(value)
            .expect("a known value");
    }
    let mut readings = terms.default_readings();
    for (name, reading) in &witness.readings {
        let d = terms.dispute_index(name).expect("a known dispute");
        readings[d] = terms.vocabulary.disputes[d]
            .reading_index(reading)
            .expect("a known reading");
    }
    let version = terms
        .version_index(&witness.version)
        .expect("a known version");
    let point = Point {
        action: query.action,
        params: query
            .params
            .iter()
            .map(|p| p.expect("witnesses fix every parameter"))
            .collect(),
        date: witness.date,
        facts,
        readings,
    };
    (version, point)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

/// The verdict a timeline span gives for fully known facts.
/// Whether the facts a lane assumes (its `world`: the case of the facts its
/// verdict depends on) hold for `facts`.
fn lane_holds(
    terms: &Terms,
    world: &std::collections::BTreeMap<String, FactValues>,
    facts: &[usize],
) -> bool {
    world.iter().all(|(name, values)| {
        let f = terms.fact_index(name).expect("a known fact");
        let FactValues::Values(values) = values else {
            panic!("the generated facts are yes/no facts")
        };
        values.contains(&terms.vocabulary.facts[f].values[facts[f]])
    })
}

fn span_verdict(terms: &Terms, outcome: &OutcomeReport, facts: &[usize]) -> Option<Verdict> {
    match outcome {
        OutcomeReport::Decided { decision } => Some(decision.verdict),
        OutcomeReport::NoAgreement { .. } => None,
        OutcomeReport::DependsOnFacts { cases, .. } => {
            let holding: Vec<Verdict> = cases
                .iter()
                .filter(|case| {
                    case.facts.iter().all(|(name, values)| {
                        let f = terms.fact_index(name).expect("a known fact");
                        let FactValues::Values(values) = values else {
                            panic!("the generated facts are yes/no facts")
                        };
                        values.contains(&terms.vocabulary.facts[f].values[facts[f]])
                    })
                })
                .map(|case| case.decision.verdict)
                .collect();
            assert_eq!(holding.len(), 1, "exactly one branch holds for {facts:?}");
            Some(holding[0])
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn check_finds_exactly_what_walking_every_point_finds(shape in shapes(4, 16, 5)) {
        let terms = generated(&shape);
        let report = check::check(&terms, &[], None, &mut Budget::default())
            .expect("small generated terms fit the budget");
        let points = every_point(&terms, &boundary_dates(shape.dates));
        let brute = brute_force(&terms, &points);

        let never: BTreeSet<String> = findings(&report, "never-decides").iter().map(|f| f.subject.clone()).collect();
        let all_rules: BTreeSet<String> = terms.versions.iter().flat_map(|v| v.rules.iter().map(|r| r.id.0.clone())).collect();
        let expected_never: BTreeSet<String> = all_rules.difference(&brute.decides).cloned().collect();
        prop_assert_eq!(never, expected_never);

        let conflicts: BTreeSet<(String, String)> = findings(&report, "conflict")
            .iter()
            .map(|f| {
                let names = quoted(&f.message);
                let (a, b) = (names[1].to_string(), names[2].to_string());
                let index = |id: &str| terms.versions.iter().find_map(|v| v.rule_index(id)).expect("a known rule");
                if index(&a) <= index(&b) { (a, b) } else { (b, a) }
            })
            .collect();
        prop_assert_eq!(&conflicts, &brute.conflicts);
        for finding in findings(&report, "conflict") {
            let witness = finding.witness.as_ref().expect("every conflict has a witness");
            let (version, point) = witness_point(&terms, witness);
            let decision = oracle::decide(&terms, version, &point);
            prop_assert_eq!(decision.verdict, Verdict::Conflict, "witness {:?}", witness.command);
            let names = quoted(&finding.message);
            for name in &names[1..3] {
                let rule = terms.versions[version].rule_index(name).expect("a known rule");
                prop_assert!(decision.deciding.contains(&rule), "{} decides at {:?}", name, witness.command);
            }
        }

        let silent: BTreeSet<(String, String)> = findings(&report, "override-never-fires")
            .iter()
            .map(|f| { let n = quoted(&f.message); (n[0].to_string(), n[1].to_string()) })
            .collect();
        for version in &terms.versions {
            for rule in &version.rules {
                for &target in &rule.overrides {
                    let pair = (rule.id.0.clone(), version.rules[target].id.0.clone());
                    prop_assert_eq!(silent.contains(&pair), !brute.fired.contains(&pair), "{:?}", pair);
                }
            }
        }

        let idle: BTreeSet<String> = findings(&report, "dispute-never-matters").iter().map(|f| f.subject.clone()).collect();
        for dispute in &terms.vocabulary.disputes {
            prop_assert_eq!(idle.contains(&dispute.id), !brute.matters.contains(&dispute.id), "dispute {}", &dispute.id);
        }
        prop_assert!(report.findings.iter().all(|f| f.severity != Severity::Error || f.code == "conflict"));
    }

    #[test]
    fn a_timeline_gives_every_day_the_verdict_of_that_day(shape in shapes(3, 10, 4), action in 0usize..3, in_force in any::<bool>()) {
        let terms = generated(&shape);
        let action = action % terms.vocabulary.actions.len();
        let request = TimelineRequest {
            text: terms.vocabulary.actions[action].id.clone(),
            query: Query { action, params: vec![None; terms.vocabulary.actions[action].params.len()] },
            under: if in_force { Under::InForce } else { Under::All },
            facts: Vec::new(),
            readings: Vec::new(),
        };
        let report = timeline::timeline(&terms, &request, &mut Budget::default()).expect("fits the budget");
        let facts = oracle::product(&terms.vocabulary.facts.iter().map(|f| f.values.len()).collect::<Vec<_>>());
        let params = &terms.vocabulary.actions[action].params;
        // Every day from 1999 to the end of 2005: the generator's boundaries are 1 January 2000 + n years.
        let mut date = day("1999-01-01");
        while date < day("2006-01-01") {
            // A lane per case of the facts the verdict depends on: exactly one
            // lane of each version and class of parameters holds for given facts.
            for f in &facts {
                let mut holding: Vec<(&str, &std::collections::BTreeMap<String, Vec<String>>)> = report
                    .lanes
                    .iter()
                    .filter(|lane| lane_holds(&terms, &lane.facts, f))
                    .map(|lane| (lane.version.as_deref().unwrap_or("in force"), &lane.params))
                    .collect();
                let count = holding.len();
                holding.sort();
                holding.dedup();
                prop_assert_eq!(holding.len(), count, "one lane per version and class holds for {:?}", f);
            }
            for lane in &report.lanes {
                let version = if in_force {
                    terms.version_in_force(date)
                } else {
                    Some(terms.version_index(lane.version.as_deref().expect("a lane per version")).expect("a lane per version"))
                };
                let span = lane.spans.iter()
                    .find(|s| s.from.is_none_or(|f| f <= date) && s.until.is_none_or(|u| date < u))
                    .expect("the spans tile time");
                let choices: Vec<Vec<usize>> = params.iter().map(|p| {
                    lane.params[&p.name].iter().map(|v| p.values.iter().position(|x| x == v).unwrap()).collect()
                }).collect();
                for values in oracle::product(&choices.iter().map(Vec::len).collect::<Vec<_>>()) {
                    let chosen: Vec<usize> = values.iter().zip(&choices).map(|(&i, c)| c[i]).collect();
                    for f in facts.iter().filter(|f| lane_holds(&terms, &lane.facts, f)) {
                        let point = Point { action, params: chosen.clone(), date, facts: f.clone(), readings: terms.default_readings() };
                        let want = version.map(|v| oracle::decide(&terms, v, &point).verdict);
                        prop_assert_eq!(span_verdict(&terms, &span.outcome, f), want, "{} {:?} on {} facts {:?}", lane.version.as_deref().unwrap_or("in force"), &chosen, date, f);
                    }
                }
            }
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn an_open_ask_answers_each_class_as_asking_each_value_does(shape in shapes(4, 16, 5), pick in 0usize..1000) {
        let terms = generated(&shape);
        let dates = boundary_dates(shape.dates);
        let date = dates[pick % dates.len()];
        for action in 0..terms.vocabulary.actions.len() {
            let params = &terms.vocabulary.actions[action].params;
            let ask = |query: Vec<Option<usize>>| {
                let request = AskRequest {
                    text: String::new(),
                    query: Query { action, params: query },
                    date,
                    under: Under::All,
                    facts: Vec::new(),
                    readings: Vec::new(),
                };
                report::ask(&terms, &request, &mut Budget::default()).expect("fits the budget")
            };
            let open = ask(vec![None; params.len()]);
            let mut covered = 0;
            for (slot, version) in open.versions.iter().enumerate() {
                for row in &version.answers {
                    let choices: Vec<Vec<usize>> = params.iter().map(|p| {
                        row.params[&p.name].iter().map(|v| p.values.iter().position(|x| x == v).unwrap()).collect()
                    }).collect();
                    for values in oracle::product(&choices.iter().map(Vec::len).collect::<Vec<_>>()) {
                        let chosen: Vec<Option<usize>> = values.iter().zip(&choices).map(|(&i, c)| Some(c[i])).collect();
                        let one = ask(chosen.clone());
                        let answer = &one.versions[slot].answers;
                        prop_assert_eq!(answer.len(), 1);
                        prop_assert_eq!(&answer[0].outcome, &row.outcome, "{:?}", chosen);
                        let disputes = |a: &report::AnswerReport| serde_json::to_string(&a.disputes).unwrap();
                        prop_assert_eq!(disputes(&answer[0]), disputes(row));
                        if slot == 0 { covered += 1; }
                    }
                }
            }
            let all: usize = params.iter().map(|p| p.values.len()).product();
            prop_assert_eq!(covered, all, "the rows hold every parameter value once");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A region marked "under every reading" changes at each of its questions
    /// under every combination of readings; one not so marked has a question
    /// and a combination where it does not.
    #[test]
    fn under_every_reading_means_every_reading(shape in shapes(4, 16, 5)) {
        let terms = generated(&shape);
        let request = covenant::diff::DiffRequest {
            facts: vec![None; terms.vocabulary.facts.len()],
            readings: vec![None; terms.vocabulary.disputes.len()],
            ..covenant::diff::DiffRequest::new(&terms, 0, 1, covenant::interval::DateInterval::ALWAYS)
        };
        let diff = covenant::diff::diff(&terms, &request, &mut Budget::default()).expect("fits the budget");
        let dates = boundary_dates(shape.dates);
        let all_readings = oracle::product(&terms.vocabulary.disputes.iter().map(|d| d.readings.len()).collect::<Vec<_>>());
        for region in &diff.regions {
            let inside: Vec<Point> = oracle::points_of(&terms, region.action, &dates)
                .into_iter()
                .filter(|p| region.contains(&p.params, p.date, &p.facts, &p.readings))
                .collect();
            let everywhere = inside.iter().all(|p| {
                all_readings.iter().all(|readings| {
                    let q = Point { readings: readings.clone(), ..p.clone() };
                    oracle::decide(&terms, 0, &q).verdict != oracle::decide(&terms, 1, &q).verdict
                })
            });
            prop_assert_eq!(region.under_every_reading, everywhere, "{:?}", region);
        }
    }
}
