//! Laws of the evaluator and of `check`, on generated agreements. Each test's
//! name states its law.

mod common;

use common::oracle::{self, Point};
use common::{load_generated as load, shapes};
use covenant::check::{self, Severity};
use covenant::eval;
use covenant::generate::{Shape, generate};
use covenant::space::Budget;
use covenant::terms::{Terms, TermsSource};
use covenant::verdict::Verdict;
use proptest::prelude::*;

/// Every fully specified question: each action, each parameter value, a date
/// in every piece between the generated boundaries (each 1 January from 2000),
/// each combination of facts and of readings.
fn every_point(terms: &Terms, shape: &Shape) -> Vec<Point> {
    oracle::every_point(terms, &oracle::boundary_dates(shape.dates))
}

fn decide(terms: &Terms, version: usize, point: &Point) -> eval::Decision {
    oracle::decide(terms, version, point)
}

/// The rule chunks of a generated version file, after its header.
fn split_rules(text: &str) -> (String, Vec<String>) {
    let mut parts = text.split("\n[[rules]]\n");
    let header = parts.next().unwrap_or_default().to_string();
    (header, parts.map(str::to_string).collect())
}

fn join_rules(header: &str, rules: &[String]) -> String {
    let mut text = header.to_string();
    for rule in rules {
        text.push_str("\n[[rules]]\n");
        text.push_str(rule);
    }
    text
}

fn with_version_text(source: &TermsSource, file: &str, text: String) -> TermsSource {
    let TermsSource::InMemory { terms, seeds } = source else {
        unreachable!("generate() makes in-memory terms")
    };
    let terms = terms
        .iter()
        .map(|(name, old)| {
            (
                name.clone(),
                if name == file {
                    text.clone()
                } else {
                    old.clone()
                },
            )
        })
        .collect();
    TermsSource::InMemory {
        terms,
        seeds: seeds.clone(),
    }
}

fn version_text(source: &TermsSource, file: &str) -> String {
    let TermsSource::InMemory { terms, .. } = source else {
        unreachable!("generate() makes in-memory terms")
    };
    terms
        .iter()
        .find(|(name, _)| name == file)
        .map(|(_, t)| t.clone())
        .unwrap_or_default()
}

fn id_of(chunk: &str) -> String {
    chunk
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("id = \"")
        .trim_end_matches('"')
        .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn evaluation_is_total_and_deterministic(shape in shapes(4, 20, 5)) {
        let terms = load(&generate(&shape));
        for point in every_point(&terms, &shape).iter().step_by(7) {
            for version in 0..terms.versions.len() {
                let first = decide(&terms, version, point);
                prop_assert_eq!(&first, &decide(&terms, version, point));
                // Every applicable rule either decides or is overridden, never both.
                prop_assert!(first.deciding.iter().all(|r| !first.overridden.contains(r)));
                if first.deciding.is_empty() {
                    prop_assert_eq!(first.verdict, terms.vocabulary.actions[point.action].default);
                }
            }
        }
    }

    #[test]
    fn a_rule_that_overrides_every_rule_applying_at_a_point_decides_it(shape in shapes(4, 20, 5)) {
        let terms = load(&generate(&shape));
        for point in every_point(&terms, &shape).iter().step_by(3) {
            for (version_index, version) in terms.versions.iter().enumerate() {
                let decision = decide(&terms, version_index, point);
                let applicable: Vec<usize> =
                    decision.deciding.iter().chain(&decision.overridden).copied().collect();
                for &rule in &applicable {
                    let beats_all = applicable
                        .iter()
                        .all(|&other| other == rule || version.beats(rule, other));
                    if beats_all {
                        prop_assert_eq!(&decision.deciding, &vec![rule]);
                        prop_assert_eq!(decision.verdict, version.rules[rule].effect.verdict());
                    }
                }
            }
        }
    }

    #[test]
    fn removing_a_rule_that_check_calls_dead_changes_no_answer(shape in shapes(4, 20, 5)) {
        let source = generate(&shape);
        let terms = load(&source);
        let report = check::check(&terms, &[], None, &mut Budget::default()).expect("small generated terms fit the budget");
        for finding in report.findings.iter().filter(|f| f.code == "never-decides") {
            let dead = &finding.subject;
            let file = if dead.starts_with('a') { "a.toml" } else { "b.toml" };
            let version = if file == "a.toml" { 0 } else { 1 };
            let (header, rules) = split_rules(&version_text(&source, file));
            let dead_chunk = rules.iter().find(|r| id_of(r) == *dead).expect("the dead rule is in its file");
            // Rules that named the dead rule now name what it overrode, keeping the order of exceptions.
            let inherited: Vec<String> = dead_chunk
                .lines()
                .filter_map(|l| l.strip_prefix("overrides = "))
                .map(str::to_string)
                .collect();
            let kept: Vec<String> = rules
                .iter()
                .filter(|r| id_of(r) != *dead)
                .map(|r| {
                    let named = format!("overrides = [\"{dead}\"]");
                    match (r.contains(&named), inherited.first()) {
                        (true, Some(list)) => r.replace(&named, &format!("overrides = {list}")),
                        (true, None) => r.replace(&format!("{named}\n"), ""),
                        (false, _) => r.clone(),
                    }
                })
                .collect();
            let pruned = load(&with_version_text(&source, file, join_rules(&header, &kept)));
            for point in every_point(&terms, &shape) {
                let before = decide(&terms, version, &point);
                let after = decide(&pruned, version, &point);
                let names = |t: &Terms, d: &eval::Decision| -> Vec<String> {
                    d.deciding.iter().map(|&i| t.versions[version].rules[i].id.0.clone()).collect()
                };
                prop_assert_eq!(before.verdict, after.verdict, "removing {} changed {:?}", dead, point);
                prop_assert_eq!(names(&terms, &before), names(&pruned, &after));
            }
        }
    }

    #[test]
    fn check_reports_a_conflict_if_and_only_if_brute_force_finds_one(shape in shapes(4, 20, 5)) {
        let terms = load(&generate(&shape));
        let report = check::check(&terms, &[], None, &mut Budget::default()).expect("small generated terms fit the budget");
        let points = every_point(&terms, &shape);
        for (version_index, version) in terms.versions.iter().enumerate() {
            let reported = report.findings.iter().any(|f| {
                f.code == "conflict" && f.severity == Severity::Error
                    && f.witness.as_ref().is_some_and(|w| w.version == version.id)
            });
            let found = points
                .iter()
                .any(|p| decide(&terms, version_index, p).verdict == Verdict::Conflict);
            prop_assert_eq!(reported, found, "version {}", &version.id);
        }
    }

    #[test]
    fn loading_is_independent_of_the_order_of_rules_in_the_file(shape in shapes(4, 20, 5), rotate in 0usize..20) {
        let source = generate(&shape);
        let (header, mut rules) = split_rules(&version_text(&source, "b.toml"));
        if !rules.is_empty() {
            let by = rotate % rules.len();
            rules.rotate_left(by);
            rules.reverse();
        }
        let reordered = load(&with_version_text(&source, "b.toml", join_rules(&header, &rules)));
        let terms = load(&source);
        for point in every_point(&terms, &shape).iter().step_by(5) {
            let a = decide(&terms, 1, point);
            let b = decide(&reordered, 1, point);
            let mut names_a: Vec<&str> = a.deciding.iter().map(|&i| terms.versions[1].rules[i].id.0.as_str()).collect();
            let mut names_b: Vec<&str> = b.deciding.iter().map(|&i| reordered.versions[1].rules[i].id.0.as_str()).collect();
            names_a.sort_unstable();
            names_b.sort_unstable();
            prop_assert_eq!(a.verdict, b.verdict);
            prop_assert_eq!(names_a, names_b);
        }
    }
}
