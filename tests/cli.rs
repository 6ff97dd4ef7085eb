//! The CLI as a user runs it: stdout, stderr and exit codes, on the shipped terms.

mod common;

use common::{TempDir, covenant};
use insta::assert_snapshot;

#[test]
fn readme_question_hosting_on_aws_in_march_2027_is_permitted_with_its_passage() {
    let run = covenant(&["ask", "openai.host_models(cloud=aws)", "--on", "2027-03-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("under `new`"));
    assert!(
        run.stdout
            .contains("aws    permitted  rule new.host.any_cloud"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "\"OpenAI can now host and offer its models through alternative cloud computing providers.\""
    ));
    assert_snapshot!("ask_aws_2027", run.stdout);
}

#[test]
fn an_open_parameter_is_answered_per_class_of_values_under_each_version() {
    let run = covenant(&[
        "ask",
        "openai.host_models",
        "--on",
        "2025-03-01",
        "--under",
        "all",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!("ask_hosting_all_versions", run.stdout);
}

#[test]
fn an_unknown_fact_the_answer_depends_on_is_answered_as_a_tree_over_it() {
    let run = covenant(&[
        "ask",
        "openai.restrict_microsoft_access",
        "--on",
        "2025-01-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("depends on `agi_achieved` (not given)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "if `agi_achieved` on or before 2025-01-01  permitted  rule old.agi.right_to_restrict"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("otherwise                                  forbidden  default"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_dispute_that_changes_the_answer_is_a_warning_with_each_reading() {
    let run = covenant(&["ask", "microsoft.pay_revenue_share", "--on", "2028-01-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!("ask_microsoft_share_2028", run.stdout);
}

#[test]
fn a_given_reading_is_used_and_named() {
    let run = covenant(&[
        "ask",
        "microsoft.pay_revenue_share",
        "--on",
        "2030-06-01",
        "--reading",
        "microsoft_share_end=after_2030",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("required   rule new.microsoft_share.after_2030"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("answered under `after_2030`, the reading you gave")
    );
}

#[test]
fn old_after_its_supersession_answers_as_if_still_in_force_and_says_so() {
    let run = covenant(&[
        "ask",
        "openai.host_models(cloud=aws)",
        "--on",
        "2027-03-01",
        "--under",
        "old",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("superseded on 2026-04-27: answered as if its terms still applied")
    );
    assert!(run.stdout.contains("forbidden  rule old.host.azure_only"));
}

#[test]
fn in_force_picks_the_version_by_date() {
    let before = covenant(&["ask", "openai.license_ip_to_others", "--on", "2026-04-26"]);
    let after = covenant(&["ask", "openai.license_ip_to_others", "--on", "2026-04-27"]);
    assert!(before.stdout.contains("under `old`") && before.stdout.contains("forbidden"));
    assert!(after.stdout.contains("under `new`") && after.stdout.contains("permitted"));
}

#[test]
fn json_output_carries_verdict_rules_citations_and_disputes() {
    let run = covenant(&[
        "ask",
        "openai.pay_revenue_share",
        "--on",
        "2030-06-01",
        "--fact",
        "revenue_share_cap_reached=false",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let version = &json["versions"][0];
    assert_eq!(version["id"], "new");
    assert_eq!(version["standing"], "in_force");
    let answer = &version["answers"][0];
    assert_eq!(answer["outcome"]["kind"], "decided");
    assert_eq!(answer["outcome"]["decision"]["verdict"], "required");
    assert_eq!(
        answer["outcome"]["decision"]["rules"][0],
        "new.openai_share.through_2030"
    );
    let rule = &version["rules"]["new.openai_share.through_2030"];
    assert_eq!(rule["citations"][0]["seed"], "003_5fa5df09a4eef054.txt");
    assert_eq!(rule["valid"]["until"], "2031-01-01");
    let dispute = &answer["disputes"][0];
    assert_eq!(dispute["dispute"], "openai_share_end");
    assert_eq!(dispute["changes_answer"], true);
    let verdicts: Vec<&str> = dispute["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"]["decision"]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["permitted", "permitted"]);
}

#[test]
fn versions_lists_dates_and_their_sources() {
    let run = covenant(&["versions"]);
    assert_eq!(run.code, 0);
    assert_snapshot!("versions", run.stdout);
    let json = covenant(&["versions", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["versions"][1]["effective"]["date"], "2026-04-27");
}

#[test]
fn actions_lists_the_vocabulary() {
    let run = covenant(&["actions"]);
    assert_eq!(run.code, 0);
    assert_snapshot!("actions", run.stdout);
    let json = covenant(&["actions", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["actions"][0]["id"], "openai.host_models");
    assert_eq!(value["disputes"][0]["default"], "ended");
}

#[test]
fn the_shipped_news_scenarios_all_pass() {
    let run = covenant(&["test", "scenarios/news.toml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with("82 passed, 0 failed, 1 skipped\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_failed_expectation_is_reported_and_exits_1() {
    let dir = TempDir::new("failing");
    let file = dir.write(
        "wrong.toml",
        r#"
[[question]]
name = "wrongly expects AWS hosting to be forbidden in 2027"
query = "openai.host_models(cloud=aws)"
on = "2027-03-01"
expect = "forbidden"

[[question]]
name = "wrongly expects the default to decide"
query = "openai.license_ip_to_others"
on = "2027-03-01"
expect_rule = "default"

[[question]]
name = "expects a verdict that depends on an unknown fact"
query = "openai.pay_revenue_share"
on = "2027-03-01"
expect = "required"
"#,
    );
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_snapshot!("test_failures", common::scrub(&run.stdout, &dir));
}

#[test]
fn ask_scenario_answers_every_question() {
    let run = covenant(&["ask", "--scenario", "scenarios/news.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("\n## ").count() + 1, 83);
    let json = covenant(&[
        "ask",
        "--scenario",
        "scenarios/news.toml",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["questions"].as_array().unwrap().len(), 83);
}

#[test]
fn another_agreement_loads_with_terms_dir() {
    let run = covenant(&[
        "--terms",
        "examples/lease/terms",
        "test",
        "examples/lease/scenarios.toml",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with("6 passed, 0 failed\n"));
    let ask = covenant(&[
        "--terms",
        "examples/lease/terms",
        "ask",
        "tenant.keep_pet(pet=cat)",
        "--on",
        "2024-06-01",
    ]);
    assert!(
        ask.stdout.contains(
            "if landlord_consented=true  permitted  rule cat_with_consent (overrides no_pets)"
        ),
        "{}",
        ask.stdout
    );
}

#[test]
fn the_binary_answers_from_any_directory_with_embedded_terms() {
    let dir = TempDir::new("elsewhere");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(["ask", "openai.sell_models(cloud=aws)", "--on", "2027-03-01"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("permitted  rule new.sell.any_cloud"));
}

#[test]
fn help_teaches_the_query_grammar_and_exit_codes() {
    let run = covenant(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("Exit codes: 0 answered, 1 a `test` expectation failed (or `diff --exit-code` found differences, or `check` found errors), 2 bad input (or a question space past --max-cases, or output that cannot be written).")
    );
    let ask = covenant(&["ask", "--help"]);
    assert!(
        ask.stdout
            .contains("Query grammar: party.action(param=value, ...)")
    );
}

#[test]
fn a_partys_whole_position_lists_every_action_required_first() {
    let run = covenant(&["ask", "openai.*", "--on", "2027-03-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("  openai."))
        .collect();
    // Every action of the party, and only its.
    for action in [
        "openai.host_models",
        "openai.sell_models",
        "openai.license_ip_to_others",
        "openai.restrict_microsoft_access",
        "openai.pay_revenue_share",
        "openai.launch_on_azure_first",
        "openai.keep_azure_as_primary_cloud",
    ] {
        assert!(
            rows.iter().any(|r| r.contains(action)),
            "{action}: {}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains("microsoft.use"), "{}", run.stdout);
    // What OpenAI must do comes first, what it may do last.
    let rank = |row: &str| {
        if row.contains(" required ") {
            0
        } else if row.contains("depends on") {
            2
        } else if row.contains(" forbidden ") {
            3
        } else {
            4
        }
    };
    let ranks: Vec<u8> = rows.iter().map(|r| rank(r)).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{}", run.stdout);
    assert!(
        rows[0].contains("required"),
        "the first row is a duty: {}",
        run.stdout
    );
    let json = covenant(&["ask", "*", "--on", "2027-03-01", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["query"], "*");
    let actions: Vec<&str> = value["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.len(),
        11,
        "every action of the vocabulary: {actions:?}"
    );
    assert_eq!(actions[0], "openai.host_models");
}

#[test]
fn an_unknown_party_in_a_wildcard_query_is_located() {
    let run = covenant(&["ask", "opneai.*", "--on", "2027-03-01"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown party `opneai`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `openai`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fact_given_twice_is_refused() {
    let run = covenant(&[
        "ask",
        "openai.pay_revenue_share",
        "--on",
        "2027-01-01",
        "--fact",
        "agi_achieved=true",
        "--fact",
        "agi_achieved=2025-06-01",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("fact `agi_achieved` is given twice"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_scenario_may_write_its_date_and_event_days_as_toml_dates() {
    let dir = TempDir::new("toml-dates");
    let file = dir.write(
        "dates.toml",
        r#"
[[question]]
name = "AGI reached in mid-2025 let OpenAI restrict Microsoft in January 2026"
query = "openai.restrict_microsoft_access"
on = 2026-01-01
facts = { agi_achieved = 2025-06-01 }
expect = "permitted"
"#,
    );
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("ok      AGI reached in mid-2025"),
        "{}",
        run.stdout
    );
    // An event given only as `true`, whose day still matters, is not "not given".
    let part = dir.write(
        "part.toml",
        r#"
[[question]]
name = "deletion asked for, day not given"
query = "provider.delete_customer_content"
on = 2026-06-01
facts = { agreement_ended = true, deletion_request = true }
expect = "required"
"#,
    );
    let run = covenant(&[
        "--terms",
        "examples/cloud-service/terms",
        "test",
        part.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("which the question gives only in part: the day of deletion_request (given as true) still matters"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_partys_timeline_shows_each_of_its_actions_over_time() {
    let run = covenant(&["timeline", "microsoft.*"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for action in [
        "microsoft.use_openai_ip over time",
        "microsoft.sell_openai_models over time",
        "microsoft.pay_revenue_share over time",
        "microsoft.use_rival_models over time",
    ] {
        assert!(run.stdout.contains(action), "{action}: {}", run.stdout);
    }
    assert!(!run.stdout.contains("openai.host_models"), "{}", run.stdout);
    let json = covenant(&["timeline", "microsoft.*", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["query"], "microsoft.*");
    assert_eq!(value["actions"].as_array().unwrap().len(), 4);
    let svg = covenant(&["timeline", "microsoft.*", "--format", "svg"]);
    assert_eq!(svg.code, 2);
    assert!(svg.stderr.contains("draws one action"), "{}", svg.stderr);
}
