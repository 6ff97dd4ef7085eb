//! Small terms, large question spaces: every exhaustive command ends within its
//! budget, quickly, with an answer or a clear error (exit 2) — never a hang,
//! an abort or a panic.

mod common;

use common::{TempDir, covenant, load_generated, write_source};
use covenant::ask::report::{self, AskRequest};
use covenant::check;
use covenant::diff::{self, DiffRequest};
use covenant::generate::{Family, family};
use covenant::interval::{DateInterval, parse_date};
use covenant::query::{Query, Under};
use covenant::space::Budget;
use covenant::terms::Terms;
use covenant::timeline::{self, TimelineRequest};
use proptest::prelude::*;

fn terms_dir(label: &str, which: Family) -> TempDir {
    let dir = TempDir::new(label);
    write_source(&family(which), &dir);
    dir
}

/// Runs check, diff (every fact and reading varied), timeline and an open ask
/// on `terms` within `limit` cases; `Err` names the first command that ran out.
fn every_command(terms: &Terms, limit: u64) -> Result<(), String> {
    let action = 0;
    let open = Query {
        action,
        params: vec![None; terms.vocabulary.actions[action].params.len()],
    };
    check::check(terms, &[], None, &mut Budget::new(limit)).map_err(|e| format!("check: {e}"))?;
    let request = DiffRequest {
        facts: vec![None; terms.vocabulary.facts.len()],
        readings: vec![None; terms.vocabulary.disputes.len()],
        ..DiffRequest::new(terms, 0, 1, DateInterval::ALWAYS)
    };
    diff::diff(terms, &request, &mut Budget::new(limit)).map_err(|e| format!("diff: {e}"))?;
    let request = TimelineRequest {
        text: "p.act".into(),
        query: open.clone(),
        under: Under::All,
        facts: Vec::new(),
        readings: Vec::new(),
    };
    timeline::timeline(terms, &request, &mut Budget::new(limit))
        .map_err(|e| format!("timeline: {e}"))?;
    let request = AskRequest {
        text: "p.act".into(),
        query: open,
        date: parse_date("2012-01-01").expect("a date"),
        under: Under::All,
        facts: Vec::new(),
        readings: Vec::new(),
    };
    report::ask(terms, &request, &mut Budget::new(limit)).map_err(|e| format!("ask: {e}"))?;
    Ok(())
}

#[test]
fn a_conjunction_of_thirteen_facts_over_three_wide_parameters_costs_a_few_cases() {
    // The 883-byte case: 64³ parameter values × 2¹³ facts as points; 14 classes here.
    // Most of the budget pays for reporting each branch (100 cases a branch).
    let terms = load_generated(&family(Family::Conjunction(13)));
    every_command(&terms, 50_000).expect("fifty thousand cases are enough");
    let terms = load_generated(&family(Family::Conjunction(30)));
    every_command(&terms, 100_000).expect("thirty facts cost little more than thirteen");
}

#[test]
fn parameters_no_rule_constrains_are_never_split() {
    for (params, values) in [(3, 64), (8, 50), (16, 16)] {
        let terms = load_generated(&family(Family::WideParams { params, values }));
        every_command(&terms, 10_000).expect("one class of parameter values");
    }
}

#[test]
fn readings_of_unrelated_disputes_are_not_multiplied() {
    let terms = load_generated(&family(Family::Disputes {
        disputes: 10,
        readings: 10,
    }));
    let report = check::check(&terms, &[], None, &mut Budget::default()).expect("fits the budget");
    // Each clashing pair once, however many readings of other disputes it recurs under.
    let conflicts: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "conflict")
        .map(|f| f.message.as_str())
        .collect();
    let unique: std::collections::BTreeSet<&str> = conflicts.iter().copied().collect();
    assert_eq!(conflicts.len(), unique.len());
    assert!(!conflicts.is_empty());
}

#[test]
fn overlapping_rules_and_long_override_chains_fit_the_default_budget() {
    for which in [Family::Overlapping(1_000), Family::OverrideChain(20_000)] {
        let terms = load_generated(&family(which));
        every_command(&terms, space_default()).unwrap_or_else(|e| panic!("{which:?}: {e}"));
    }
}

fn space_default() -> u64 {
    covenant::space::DEFAULT_MAX_CASES
}

#[test]
fn past_the_budget_a_command_stops_with_exit_2_naming_what_made_it_large() {
    let dir = terms_dir("indep", Family::IndependentFacts(30));
    let terms = dir.path().to_str().expect("a UTF-8 temp path");
    for args in [
        vec!["--terms", terms, "ask", "p.act", "--on", "2005-01-01"],
        vec!["--terms", terms, "timeline", "p.act"],
        vec!["--terms", terms, "diff"],
    ] {
        let run = covenant(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        // Thirty independent facts: a billion distinct answers, too many to report.
        assert!(
            run.stderr.contains(&format!(
                "`covenant {}` stopped: the answer about `p.act` has more branches, spans or regions than --max-cases 10000000 lets it report",
                args[2]
            )),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("fact `f0` (2 values)"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("narrow the question, e.g. with --fact f0=false"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("--max-cases 100000000"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"));
    }
    // Fixing facts narrows the question until it fits.
    let mut args = vec!["--terms", terms, "ask", "p.act", "--on", "2005-01-01"];
    let facts: Vec<String> = (0..28).map(|f| format!("f{f}=false")).collect();
    for fact in &facts {
        args.extend(["--fact", fact.as_str()]);
    }
    let run = covenant(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("depends on `f28`, `f29`"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_budget_is_a_flag_and_check_respects_it_on_the_shipped_terms() {
    let run = covenant(&["check", "--max-cases", "10"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`covenant check` stopped"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--max-cases 100"), "{}", run.stderr);
    let run = covenant(&["check", "--max-cases", "1000000"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn family_strategy() -> impl Strategy<Value = Family> {
    prop_oneof![
        (1usize..40).prop_map(Family::Conjunction),
        (1usize..20, 1usize..65).prop_map(|(params, values)| Family::WideParams { params, values }),
        (1usize..12, 1usize..12)
            .prop_map(|(disputes, readings)| Family::Disputes { disputes, readings }),
        (1usize..400).prop_map(Family::Overlapping),
        (1usize..400).prop_map(Family::OverrideChain),
        (1usize..40).prop_map(Family::IndependentFacts),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::fuzz_cases(48)))]

    /// Small terms, large spaces: every command either answers or stops with
    /// the budget error; none panics, and none runs past its budget.
    #[test]
    fn every_command_ends_within_its_budget(which in family_strategy(), limit in 1_000u64..300_000) {
        let terms = load_generated(&family(which));
        if let Err(stopped) = every_command(&terms, limit) {
            prop_assert!(
                stopped.contains("cases to answer exactly") || stopped.contains("lets it report"),
                "{}",
                stopped
            );
        }
    }
}
