//! Why, and why not: `ask` lists the action's rules that did not apply, with
//! the reason, under answers the default decided (every answer with
//! `--explain`), and always in JSON.

mod common;

use common::{TempDir, covenant, repository};
use insta::assert_snapshot;
use serde_json::{Value, json};

fn json_of(args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let run = covenant(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("ask writes JSON")
}

/// The first answer's decision under the first version.
fn first_decision(answer: &Value) -> &Value {
    &answer["versions"][0]["answers"][0]["outcome"]["decision"]
}

#[test]
fn the_day_a_duty_ends_the_default_decides_and_the_expired_rules_are_listed() {
    let run = covenant(&[
        "ask",
        "openai.keep_azure_as_primary_cloud",
        "--on",
        "2033-01-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("new.primary_cloud.through_2032  expired (until 2033-01-01)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "new.primary_cloud.until_2032    expired (until 2032-01-01); only under reading primary_cloud_end.until_2032 (in use: through_2032)"
        ),
        "{}",
        run.stdout
    );
    assert_snapshot!("why_not_primary_cloud_2033", run.stdout);
}

#[test]
fn the_day_before_it_ends_the_duty_decides_and_nothing_is_listed() {
    let run = covenant(&[
        "ask",
        "openai.keep_azure_as_primary_cloud",
        "--on",
        "2032-12-31",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("required   rule new.primary_cloud.through_2032"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("rules that did not apply"),
        "{}",
        run.stdout
    );
}

#[test]
fn explain_lists_the_rules_that_did_not_apply_to_an_answer_a_rule_decided() {
    let run = covenant(&[
        "ask",
        "openai.sell_models(cloud=aws, offering=new_launch)",
        "--on",
        "2027-03-01",
        "--explain",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = "  rules that did not apply:
    new.sell.any_cloud          beaten by new.sell.azure_first
    new.sell.aws_frontier       does not cover offering=new_launch (covers offering=frontier_exclusive)
    new.sell.frontier.aws_only  does not cover cloud=aws (covers cloud ∈ {azure, google_cloud, oracle, other}); does not cover offering=new_launch (covers offering=frontier_exclusive)
";
    assert!(run.stdout.contains(expected), "{}", run.stdout);
}

#[test]
fn json_gives_each_reason_as_data_whether_or_not_the_default_decided() {
    let answer = json_of(&["ask", "openai.host_models(cloud=aws)", "--on", "2027-03-01"]);
    let decision = first_decision(&answer);
    assert_eq!(decision["decided_by"], "rule");
    assert_eq!(
        decision["not_applying"],
        json!([
            {
                "rule": "new.host.azure.through_2032",
                "version": "new",
                "reasons": [
                    {"kind": "parameter", "param": "cloud", "values": ["aws"], "covers": ["azure"]}
                ]
            },
            {
                "rule": "new.host.azure.until_2032",
                "version": "new",
                "reasons": [
                    {"kind": "parameter", "param": "cloud", "values": ["aws"], "covers": ["azure"]},
                    {"kind": "reading", "dispute": "primary_cloud_end", "reading": "until_2032", "in_use": "through_2032"}
                ]
            }
        ])
    );
}

#[test]
fn a_rule_not_yet_valid_says_from_when() {
    let answer = json_of(&[
        "ask",
        "openai.restrict_microsoft_access",
        "--on",
        "2030-01-01",
        "--fact",
        "agi_achieved=false",
    ]);
    let decision = first_decision(&answer);
    let listed = decision["not_applying"].as_array().expect("a list");
    let licence_over = listed
        .iter()
        .find(|n| n["rule"] == "new.agi.licence_over")
        .expect("new.agi.licence_over is listed");
    assert_eq!(
        licence_over["reasons"],
        json!([{"kind": "not_yet_valid", "from": "2033-01-01"}])
    );
}

#[test]
fn unknown_facts_give_the_reasons_per_case() {
    let run = covenant(&[
        "ask",
        "openai.restrict_microsoft_access",
        "--on",
        "2026-01-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = "  rules that did not apply:
    if `agi_achieved` not by 2026-01-01:
      old.agi.right_to_restrict        needs `agi_achieved` on or before 2026-01-01
";
    assert!(run.stdout.contains(expected), "{}", run.stdout);
    // The case the rule decided lists nothing without --explain; with it, both cases do.
    let explained = covenant(&[
        "ask",
        "openai.restrict_microsoft_access",
        "--on",
        "2026-01-01",
        "--explain",
    ]);
    assert!(
        explained
            .stdout
            .contains("    if `agi_achieved` on or before 2026-01-01:\n"),
        "{}",
        explained.stdout
    );
}

#[test]
fn an_event_not_yet_happened_is_needed_with_its_dates_and_numbers_with_their_range() {
    let terms = repository().join("examples/cloud-service/terms");
    let terms = terms.to_str().expect("a UTF-8 path");
    let run = covenant(&[
        "--terms",
        terms,
        "ask",
        "provider.delete_customer_content",
        "--on",
        "2026-06-01",
        "--fact",
        "agreement_ended=true",
        "--fact",
        "deletion_request=false",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "delete.within_60_days  needs `deletion_request` between 2026-04-03 and 2026-06-01"
        ),
        "{}",
        run.stdout
    );
    let run = covenant(&[
        "--terms",
        terms,
        "ask",
        "provider.suspend_access",
        "--on",
        "2026-06-01",
        "--fact",
        "days_overdue=10",
        "--fact",
        "restrictions_breached=false",
        "--fact",
        "harmful_use=false",
        "--fact",
        "issue_resolved=false",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "suspend.grounds               needs `days_overdue` > 30; or needs restrictions_breached=true; or needs harmful_use=true"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_surviving_rule_is_named_as_carried_and_expires_with_its_survival() {
    let terms = repository().join("examples/survival/terms");
    let run = covenant(&[
        "--terms",
        terms.to_str().expect("a UTF-8 path"),
        "ask",
        "provider.carry_insurance",
        "--on",
        "2025-12-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "rules that did not apply:\n    first/insurance  expired (until 2025-12-01)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_surviving_rule_beaten_by_the_later_agreement_names_the_rule_that_beat_it() {
    let dir = TempDir::new("why-not-survivor");
    let terms = dir.path().join("terms");
    std::fs::create_dir_all(&terms).expect("a terms directory");
    let source = repository().join("examples/survival/terms");
    for name in ["vocabulary.toml", "first.toml", "second.toml"] {
        std::fs::copy(source.join(name), terms.join(name)).expect("copy the example");
    }
    std::fs::create_dir_all(dir.path().join("seeds")).expect("a seeds directory");
    for entry in std::fs::read_dir(repository().join("examples/survival/seeds")).expect("seeds") {
        let entry = entry.expect("a seed");
        std::fs::copy(
            entry.path(),
            dir.path().join("seeds").join(entry.file_name()),
        )
        .expect("copy a seed");
    }
    let quote = std::fs::read_to_string(terms.join("first.toml")).expect("first.toml");
    let citation = quote
        .lines()
        .find(|l| l.contains("seed = "))
        .expect("the rule's citation")
        .trim()
        .trim_end_matches(',');
    let mut second = std::fs::read_to_string(terms.join("second.toml")).expect("second.toml");
    second.push_str(&format!(
        "\n[[rules]]\nid = \"no_insurance\"\naction = \"provider.carry_insurance\"\neffect = \"permit\"\ncitations = [\n  {citation},\n]\n"
    ));
    std::fs::write(terms.join("second.toml"), second).expect("write second.toml");
    let run = covenant(&[
        "--terms",
        terms.to_str().expect("a UTF-8 path"),
        "ask",
        "provider.carry_insurance",
        "--on",
        "2025-07-01",
        "--explain",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("first/insurance  beaten by no_insurance"),
        "{}",
        run.stdout
    );
}

#[test]
fn explain_on_a_partys_every_action_gives_each_answer_in_full() {
    let deadlines = repository().join("examples/deadlines/terms");
    let args = [
        "--terms",
        deadlines.to_str().unwrap(),
        "ask",
        "provider.*",
        "--on",
        "2026-04-01",
        "--fact",
        "deletion_request=2026-03-01",
    ];
    let plain = covenant(&args);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stdout.contains("## "), "{}", plain.stdout);
    let mut explained = args.to_vec();
    explained.push("--explain");
    let run = covenant(&explained);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The one-line view first, then each action in full with its rules that did not apply.
    assert!(run.stdout.starts_with(&plain.stdout), "{}", run.stdout);
    for action in ["provider.delete_content", "provider.pay_credit"] {
        assert!(
            run.stdout.contains(&format!("\n## {action}\n")),
            "{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("delete.within_60_days  needs `content_deleted` not by 2026-04-01"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("credit.within_30_days  needs `breach(delete.within_60_days)`"),
        "{}",
        run.stdout
    );
}
