//! `covenant test` as a user runs it: skipped questions, --filter, --list,
//! --format junit, --bless, errors in one question, `expect = "no agreement"`;
//! answers on a date no version is in force; `check --deny-warnings`.

mod common;

use common::{TempDir, covenant, replace_in, scrub};
use insta::assert_snapshot;
use std::path::{Path, PathBuf};

/// A copy of the lease example (terms and seeds) in `dir`; its terms directory.
fn copy_lease(dir: &TempDir) -> PathBuf {
    for sub in ["terms", "seeds"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/lease")
            .join(sub);
        for entry in std::fs::read_dir(&from).unwrap() {
            let entry = entry.unwrap();
            let text = std::fs::read(entry.path()).unwrap();
            dir.write(
                &format!("{sub}/{}", entry.file_name().to_string_lossy()),
                text,
            );
        }
    }
    dir.path().join("terms")
}

/// The lease with a gap: `original` ends 2025-03-01, `renewal` runs from
/// 2025-06-01 until 2027-01-01.
fn lease_with_gap(dir: &TempDir) -> String {
    let terms = copy_lease(dir);
    let renewal = terms.join("renewal.toml");
    replace_in(&renewal, "date = \"2025-03-01\"", "date = \"2025-06-01\"");
    let text = std::fs::read_to_string(&renewal).unwrap();
    let (header, rest) = text.split_once("\n[[rules]]").unwrap();
    std::fs::write(
        &renewal,
        format!("{header}\n[version.superseded]\ndate = \"2027-01-01\"\nsource = \"made up for the test\"\n\n[[rules]]{rest}"),
    )
    .unwrap();
    terms.display().to_string()
}

const THREE: &str = r#"# Three questions about hosting.
[[question]]
name = "AWS hosting in 2027"
query = "openai.host_models(cloud=aws)"   # the open cloud
on = "2027-03-01"
expect = "permitted"

[[question]]
name = "Azure hosting in 2027, no expectation"
query = "openai.host_models(cloud=azure)"
on = "2027-03-01"

[[question]]
name = "AWS hosting in 2025"
query = "openai.host_models(cloud=aws)"
on = "2025-03-01"
expect = "permitted"
"#;

#[test]
fn questions_without_expectations_are_skipped_and_counted() {
    let dir = TempDir::new("skipped");
    let file = dir.write("three.toml", THREE);
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("skipped Azure hosting in 2027, no expectation\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("\n1 passed, 1 failed, 1 skipped\n"),
        "{}",
        run.stdout
    );
    let json = covenant(&["test", file.to_str().unwrap(), "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["skipped"], 1);
    assert_eq!(value["results"][1]["status"], "skipped");
    assert_eq!(
        value["results"][2]["mismatches"][0]["expected"],
        "permitted"
    );
    assert_eq!(
        value["results"][2]["mismatches"][0]["actual"],
        "forbidden (by rule old.host.azure_only)"
    );
}

#[test]
fn a_scenario_file_without_questions_is_an_error_with_a_hint() {
    let dir = TempDir::new("empty");
    let file = dir.write("empty.toml", "# nothing yet\n");
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_snapshot!(scrub(&run.stderr, &dir));
}

#[test]
fn filter_runs_the_questions_whose_name_contains_the_text_and_counts_the_rest() {
    let dir = TempDir::new("filter");
    let file = dir.write("three.toml", THREE);
    let run = covenant(&["test", file.to_str().unwrap(), "--filter", "2027"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("\n1 passed, 0 failed, 1 skipped, 1 filtered out\n"),
        "{}",
        run.stdout
    );
    let none = covenant(&["test", file.to_str().unwrap(), "--filter", "Oracle"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("no question's name contains `Oracle`"),
        "{}",
        none.stderr
    );
    // A question about `party.*` is one question per action, each filtered by its name.
    let file = dir.write(
        "party.toml",
        "[[question]]\nname = \"Microsoft's position\"\nquery = \"microsoft.*\"\non = \"2027-03-01\"\n",
    );
    let party = covenant(&[
        "test",
        file.to_str().unwrap(),
        "--filter",
        "use_rival",
        "--list",
    ]);
    assert_eq!(party.code, 0, "{}", party.stderr);
    assert_eq!(
        party.stdout,
        "Microsoft's position: microsoft.use_rival_models — microsoft.use_rival_models on 2027-03-01\n\n1 question, 3 filtered out\n"
    );
}

#[test]
fn list_shows_name_query_and_date_without_asking() {
    let dir = TempDir::new("list");
    let file = dir.write("three.toml", THREE);
    let run = covenant(&["test", file.to_str().unwrap(), "--list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!(run.stdout);
    let json = covenant(&["test", file.to_str().unwrap(), "--list", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        value["questions"][2]["query"],
        "openai.host_models(cloud=aws)"
    );
    assert_eq!(value["questions"][2]["on"], "2025-03-01");
}

#[test]
fn junit_reports_parse_as_xml_with_failures_skips_and_errors() {
    let dir = TempDir::new("junit");
    let with_error = format!(
        "{THREE}\n[[question]]\nname = \"a <bad> & unknown fact\"\nquery = \"openai.host_models\"\non = \"2027-03-01\"\nfacts = {{ agi = true }}\nexpect = \"permitted\"\n"
    );
    let file = dir.write("four.toml", with_error);
    let run = covenant(&["test", file.to_str().unwrap(), "--format", "junit"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let xml = roxmltree::Document::parse(&run.stdout).expect("the report is XML");
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("4"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("skipped"), Some("1"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let cases: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    assert_eq!(cases[0].attribute("name"), Some("AWS hosting in 2027"));
    assert_eq!(cases[0].attribute("line"), Some("2"));
    assert!(cases[1].children().any(|n| n.has_tag_name("skipped")));
    let failure = cases[2]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("the 2025 question fails");
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .contains("expected permitted, got forbidden"),
        "{:?}",
        failure.attribute("message")
    );
    let body = failure.text().unwrap();
    assert!(body.contains("expected: permitted"), "{body}");
    assert!(
        body.contains("actual:   forbidden (by rule old.host.azure_only)"),
        "{body}"
    );
    assert_eq!(cases[3].attribute("name"), Some("a <bad> & unknown fact"));
    let error = cases[3]
        .children()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert!(
        error
            .attribute("message")
            .unwrap()
            .contains("unknown fact `agi`")
    );
    // Only `test` writes JUnit.
    let ask = covenant(&["versions", "--format", "junit"]);
    assert_eq!(ask.code, 2);
    assert!(
        ask.stderr
            .contains("`covenant versions` cannot write --format junit"),
        "{}",
        ask.stderr
    );
    assert!(
        ask.stderr.contains("hint: choose text, json"),
        "{}",
        ask.stderr
    );
    let before = covenant(&["--format", "junit", "versions"]);
    assert_eq!(before.code, 2);
    assert!(
        before
            .stderr
            .contains("`covenant versions` cannot write --format junit"),
        "{}",
        before.stderr
    );
}

#[test]
fn an_error_in_one_question_is_located_and_the_others_still_run() {
    let dir = TempDir::new("one-bad");
    let file = dir.write(
        "mixed.toml",
        r#"[[question]]
name = "fine"
query = "openai.host_models(cloud=aws)"
on = "2027-03-01"
expect = "permitted"

[[question]]
name = "bad date"
query = "openai.host_models(cloud=aws)"
on = "2027-02-30"
expect = "permitted"

[[question]]
name = "bad query"
query = "openai.host_model"
on = "2027-03-01"
expect = "permitted"

[[question]]
name = "also fine"
query = "openai.license_ip_to_others"
on = "2027-03-01"
expect = "permitted"
"#,
    );
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_snapshot!("one_bad_question_stdout", scrub(&run.stdout, &dir));
    assert_snapshot!("one_bad_question_stderr", scrub(&run.stderr, &dir));
}

#[test]
fn an_expect_rule_naming_no_rule_is_bad_input_with_a_suggestion() {
    let dir = TempDir::new("rule");
    let file = dir.write(
        "rule.toml",
        r#"[[question]]
name = "misspelt rule"
query = "openai.host_models(cloud=aws)"
on = "2027-03-01"
expect = "permitted"
expect_rule = "new.host.any_clod"
"#,
    );
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(!run.stdout.contains("FAILED"), "{}", run.stdout);
    assert_snapshot!(scrub(&run.stderr, &dir));
}

#[test]
fn no_agreement_in_force_is_an_answer_naming_the_nearest_versions() {
    let dir = TempDir::new("gap");
    let terms = lease_with_gap(&dir);
    let ask = |on: &str| {
        let run = covenant(&[
            "--terms",
            &terms,
            "ask",
            "tenant.keep_pet(pet=dog)",
            "--on",
            on,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    assert!(ask("2024-01-01").contains(
        "no agreement in force on 2024-01-01: the first version, `original`, takes effect on 2024-03-01"
    ));
    assert!(ask("2025-04-01").contains(
        "no agreement in force on 2025-04-01: `original` ended on 2025-03-01 and `renewal` takes effect on 2025-06-01"
    ));
    assert!(ask("2027-01-01").contains(
        "no agreement in force on 2027-01-01: the last version, `renewal`, ended on 2027-01-01 and none follows it"
    ));
    let json = covenant(&[
        "--terms",
        &terms,
        "ask",
        "tenant.keep_pet(pet=dog)",
        "--on",
        "2025-04-01",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["versions"], serde_json::json!([]));
    assert_eq!(
        value["no_agreement"],
        serde_json::json!({
            "date": "2025-04-01",
            "ended": { "version": "original", "date": "2025-03-01" },
            "next": { "version": "renewal", "date": "2025-06-01" },
        })
    );
    let timeline = covenant(&[
        "--terms",
        &terms,
        "timeline",
        "tenant.keep_pet(pet=dog)",
        "--under",
        "in-force",
    ]);
    assert_eq!(timeline.code, 0, "{}", timeline.stderr);
    assert_snapshot!(timeline.stdout);
    let file = dir.write(
        "gap.toml",
        r#"[[question]]
name = "no lease in the gap"
query = "tenant.keep_pet(pet=dog)"
on = "2025-04-01"
expect = "no agreement"

[[question]]
name = "wrongly expects a lease in the gap"
query = "tenant.keep_pet(pet=dog)"
on = "2025-04-01"
expect = "permitted"

[[question]]
name = "wrongly expects no lease after the renewal"
query = "tenant.keep_pet(pet=dog)"
on = "2025-07-01"
expect = "no agreement"
"#,
    );
    let run = covenant(&["--terms", &terms, "test", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot!("no_agreement_expectations", scrub(&run.stdout, &dir));
}

const TO_BLESS: &str = r#"# Questions whose expectations are out of date.
# Comments, order and spacing must survive blessing.

[[question]]
name   = "AWS hosting in 2027"      # aligned on purpose
query  = "openai.host_models(cloud=aws)"
on     = "2027-03-01"
expect = "forbidden"   # wrong: bless fixes it

# a question without expectation
[[question]]
name = "licensing in 2027"
query = "openai.license_ip_to_others"
on = 2027-03-01

[[question]]
name = "before the agreement"
query = "openai.host_models(cloud=aws)"
on = "2018-01-01"

[[question]]
name = "every cloud: the answers differ"
query = "openai.host_models"
on = "2027-03-01"
expect = "permitted"

[[question]]
name = "Microsoft's position"
query = "microsoft.*"
on = "2027-03-01"
expect = { "microsoft.use_rival_models" = "forbidden" }
"#;

#[test]
fn bless_writes_the_answers_as_expectations_and_keeps_everything_else() {
    let dir = TempDir::new("bless");
    let file = dir.write("bless.toml", TO_BLESS);
    let path = file.to_str().unwrap();
    let run = covenant(&["test", "--bless", path]);
    // One question's answers differ by cloud: it cannot be blessed.
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_snapshot!("bless_report", scrub(&run.stdout, &dir));
    let blessed = std::fs::read_to_string(&file).unwrap();
    assert_snapshot!("blessed_file", blessed);
    // Byte for byte the same but for the values blessed.
    let expected = TO_BLESS
        .replace(
            "expect = \"forbidden\"   # wrong: bless fixes it",
            "expect = \"permitted\"   # wrong: bless fixes it\nexpect_rule = \"new.host.any_cloud\"",
        )
        .replace(
            "on = 2027-03-01\n",
            "on = 2027-03-01\nexpect = \"permitted\"\nexpect_rule = \"new.licence.not_exclusive\"\n",
        )
        .replace(
            "on = \"2018-01-01\"\n",
            "on = \"2018-01-01\"\nexpect = \"no agreement\"\n",
        );
    let expected_start = &expected[..expected.find("expect = { ").unwrap()];
    assert_eq!(&blessed[..expected_start.len()], expected_start);
    // Blessed, the file passes but for the question that cannot be blessed.
    let run = covenant(&["test", path]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.stdout.matches("FAILED").count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("FAILED  every cloud"), "{}", run.stdout);
    // A second blessing changes nothing.
    let again = covenant(&["test", "--bless", path]);
    assert!(!again.stdout.contains("blessed      "), "{}", again.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), blessed);
}

#[test]
fn deny_warnings_fails_on_unexplained_warnings_only() {
    let dir = TempDir::new("deny");
    let terms = copy_lease(&dir);
    let vocabulary = terms.join("vocabulary.toml");
    let mut text = std::fs::read_to_string(&vocabulary).unwrap();
    text.push_str(
        "\n[actions.\"tenant.paint_walls\"]\ndescription = \"The Tenant paints the walls\"\ndefault = \"permitted\"\ndefault_reason = \"a freedom\"\n",
    );
    std::fs::write(&vocabulary, &text).unwrap();
    let terms = terms.display().to_string();
    let plain = covenant(&["--terms", &terms, "check"]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    let denied = covenant(&["--terms", &terms, "check", "--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stdout);
    assert!(
        denied
            .stdout
            .ends_with("--deny-warnings: 1 warning(s) not explained in the terms fail the check\n"),
        "{}",
        denied.stdout
    );
    text.push_str("\n[[explained]]\nwarning = \"unused-action\"\nsubject = \"tenant.paint_walls\"\nwhy = \"kept for the next renewal\"\n");
    std::fs::write(&vocabulary, &text).unwrap();
    let explained = covenant(&["--terms", &terms, "check", "--deny-warnings"]);
    assert_eq!(
        explained.code, 0,
        "{}{}",
        explained.stdout, explained.stderr
    );
    // The shipped terms' one warning is explained.
    assert_eq!(covenant(&["check", "--deny-warnings"]).code, 0);
}
