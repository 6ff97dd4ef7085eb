//! The Cloud Service Agreement example (`examples/cloud-service/`): it loads
//! and checks clean, its scenarios pass, every passage it cites is verbatim in
//! its seed, and its events, numbers and `or` conditions answer as the text says.

mod common;

use common::covenant;
use std::collections::BTreeMap;
use std::path::Path;

const TERMS: &str = "examples/cloud-service/terms";
const SCENARIOS: &str = "examples/cloud-service/scenarios.toml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every seed of the example, by file name.
fn seeds() -> BTreeMap<String, String> {
    common::seeds_in("examples/cloud-service/seeds")
}

use common::citations;

fn terms_file(name: &str) -> toml::Value {
    let text = std::fs::read_to_string(root().join(TERMS).join(name)).unwrap();
    toml::from_str(&text).unwrap()
}

#[test]
fn the_example_checks_clean_with_its_one_explained_warning() {
    let run = covenant(&["--terms", TERMS, "check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with(
            "0 error(s), 0 warning(s), 1 explained warning(s): the terms are consistent\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "explained[unused-reading]: no rule applies under the reading `reinstatement.only_if`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn every_scenario_of_the_example_passes() {
    let run = covenant(&["--terms", TERMS, "test", SCENARIOS]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("FAILED"), "{}", run.stdout);
    let questions = question_count(SCENARIOS);
    assert!(questions >= 20, "only {questions} questions");
    assert!(
        run.stdout
            .ends_with(&format!("{questions} passed, 0 failed\n")),
        "{}",
        run.stdout
    );
}

fn question_count(scenarios: &str) -> usize {
    let text = std::fs::read_to_string(root().join(scenarios)).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    value["question"].as_array().unwrap().len()
}

#[test]
fn the_scenarios_give_events_as_dates_true_and_false_and_numbers_on_both_sides_of_30() {
    let text = std::fs::read_to_string(root().join(SCENARIOS)).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    let mut events = (false, false, false);
    let mut overdue = Vec::new();
    for question in value["question"].as_array().unwrap() {
        let Some(facts) = question.get("facts").and_then(|f| f.as_table()) else {
            continue;
        };
        for event in ["agreement_ended", "deletion_request", "breach_notice"] {
            match facts.get(event) {
                Some(toml::Value::Datetime(_)) => events.0 = true,
                Some(toml::Value::Boolean(true)) => events.1 = true,
                Some(toml::Value::Boolean(false)) => events.2 = true,
                _ => {}
            }
        }
        match facts.get("days_overdue") {
            Some(toml::Value::Integer(n)) => overdue.push(*n as f64),
            Some(toml::Value::String(s)) => overdue.push(s.parse().unwrap()),
            _ => {}
        }
    }
    assert_eq!(events, (true, true, true), "date, true, false");
    assert!(overdue.iter().any(|&n| n < 30.0), "{overdue:?}");
    assert!(overdue.contains(&30.0), "{overdue:?}");
    assert!(overdue.iter().any(|&n| n > 30.0), "{overdue:?}");
}

#[test]
fn every_rule_of_the_example_quotes_its_seed_verbatim() {
    let seeds = seeds();
    assert!(seeds.contains_key("csa-2.1.md"), "{:?}", seeds.keys());
    let mut found = Vec::new();
    for file in ["vocabulary.toml", "csa.toml"] {
        citations(&terms_file(file), file, &mut found);
    }
    for (owner, seed, quote) in &found {
        let text = seeds
            .get(seed)
            .unwrap_or_else(|| panic!("{owner}: cites missing seed {seed}"));
        assert!(
            text.contains(quote.as_str()),
            "{owner}: quote not verbatim in {seed}: {quote:?}"
        );
    }
    let rules = terms_file("csa.toml")["rules"].as_array().unwrap().clone();
    assert!(rules.len() >= 7);
    for rule in &rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            found.iter().any(|(owner, _, _)| owner == id),
            "rule {id} cites nothing"
        );
    }
}

#[test]
fn the_seed_is_the_standard_terms_without_their_span_tags_and_keeps_its_attribution() {
    let seeds = seeds();
    let seed = &seeds["csa-2.1.md"];
    assert!(!seed.contains("<span") && !seed.contains("</span>"));
    assert!(seed.starts_with("# Cloud Service Agreement\n"));
    let notice = &seeds["NOTICE.md"];
    assert!(notice.contains("CC BY 4.0"), "{notice}");
    assert!(notice.contains("Common Paper"), "{notice}");
    assert!(notice.contains("What was changed"), "{notice}");
    // When the original is at hand, stripping its tags gives the seed byte for byte.
    let original = root().join("../shared/data/common-paper-csa/CSA-2.1.md");
    if let Ok(original) = std::fs::read_to_string(original) {
        assert_eq!(&strip_spans(&original), seed);
    }
}

/// `original` without `<span …>` and `</span>` tags.
fn strip_spans(original: &str) -> String {
    let mut out = String::with_capacity(original.len());
    let mut rest = original;
    while let Some(start) = rest
        .find("<span")
        .into_iter()
        .chain(rest.find("</span>"))
        .min()
    {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('>').expect("a tag ends") + start + 1;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_deletion_window_is_half_open_around_the_request() {
    let answer = |on: &str| {
        let run = covenant(&[
            "--terms",
            TERMS,
            "ask",
            "provider.delete_customer_content",
            "--on",
            on,
            "--fact",
            "deletion_request=2026-05-01",
            "--fact",
            "agreement_ended=true",
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let answers = value["versions"][0]["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 1, "{value}");
        answers[0]["outcome"]["decision"]["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(answer("2026-04-30"), "permitted");
    assert_eq!(answer("2026-05-01"), "required");
    assert_eq!(answer("2026-06-29"), "required");
    assert_eq!(answer("2026-06-30"), "permitted");
}
