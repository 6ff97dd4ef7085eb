//! The JSON model: every command's JSON starts with `"schema_version": 1` and
//! validates against the schema in `schemas/` generated from the types it is
//! serialised from; the files in `schemas/` are what the code generates now
//! (`UPDATE_SCHEMAS=1 cargo test --test json_schema` rewrites them).

mod common;

use common::{TempDir, covenant, repository};
use serde_json::Value;
use std::path::PathBuf;

fn schemas_dir() -> PathBuf {
    repository().join("schemas")
}

fn pretty(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a schema serialises");
    text.push('\n');
    text
}

#[test]
fn the_schema_files_are_what_the_types_generate() {
    let dir = schemas_dir();
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let generated = covenant::json::schemas();
    let mut stale = Vec::new();
    for (name, schema) in &generated {
        let path = dir.join(format!("{name}.json"));
        let text = pretty(schema);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/ is stale for {stale:?}: run UPDATE_SCHEMAS=1 cargo test --test json_schema"
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = generated
        .iter()
        .map(|(name, _)| format!("{name}.json"))
        .collect();
    expected.sort();
    assert_eq!(files, expected, "schemas/ holds a file no output has");
}

/// The schema file `name` as a validator.
fn validator(name: &str) -> jsonschema::Validator {
    let path = schemas_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Checks `json` (what a command wrote) against schema `name`.
fn assert_valid(name: &str, args: &[&str], json: &str) {
    let value: Value = serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("covenant {args:?} wrote no JSON ({e}):\n{json}"));
    assert_eq!(
        value["schema_version"], 1,
        "covenant {args:?}: schema_version"
    );
    let first_key = json.lines().nth(1).unwrap_or_default().trim();
    assert!(
        first_key.starts_with("\"schema_version\""),
        "covenant {args:?}: schema_version is not the first key"
    );
    let validator = validator(name);
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "covenant {args:?} does not follow schemas/{name}.json:\n{}",
        errors.join("\n")
    );
}

/// Runs covenant with `--format json` and checks its standard output.
fn check_stdout(name: &str, args: &[&str]) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "json"]);
    let run = covenant(&all);
    assert!(run.code <= 1, "covenant {all:?}: {}", run.stderr);
    assert_valid(name, &all, &run.stdout);
}

const EXAMPLES: [&str; 6] = [
    "examples/lease/terms",
    "examples/cloud-service/terms",
    "examples/common-paper-csa/terms",
    "examples/deadlines/terms",
    "examples/survival/terms",
    "examples/flawed/terms",
];

#[test]
fn check_versions_and_actions_follow_their_schemas() {
    for command in ["check", "versions", "actions"] {
        check_stdout(command, &[command]);
        for example in EXAMPLES {
            let dir = repository().join(example);
            check_stdout(command, &["--terms", dir.to_str().unwrap(), command]);
        }
    }
}

#[test]
fn show_and_export_follow_their_schemas() {
    check_stdout("show", &["show", "new.host.any_cloud"]);
    check_stdout("show", &["show", "old.agi.dissolve.hosting"]);
    let deadlines = repository().join("examples/deadlines/terms");
    check_stdout(
        "show",
        &[
            "--terms",
            deadlines.to_str().unwrap(),
            "show",
            "credit.within_30_days",
        ],
    );
    let survival = repository().join("examples/survival/terms");
    check_stdout(
        "show",
        &["--terms", survival.to_str().unwrap(), "show", "insurance"],
    );
    let dir = TempDir::new("schema-export");
    let target = dir.path().join("out");
    check_stdout("export", &["export", target.to_str().unwrap()]);
}

#[test]
fn errors_follow_their_schema() {
    for args in [
        vec!["ask", "openai.host_model", "--on", "2027-01-01"],
        vec!["ask", "openai.host_models", "--on", "2027-02-30"],
        vec!["show", "no.such.rule"],
    ] {
        let mut all = args.clone();
        all.extend(["--format", "json"]);
        let run = covenant(&all);
        assert_eq!(run.code, 2, "covenant {all:?}");
        assert_valid("errors", &all, &run.stderr);
    }
}

#[test]
fn test_runs_lists_and_blessings_follow_their_schemas() {
    check_stdout("test", &["test", "scenarios/news.toml"]);
    check_stdout("test-list", &["test", "scenarios/news.toml", "--list"]);
    let csa = repository().join("examples/common-paper-csa");
    check_stdout(
        "test",
        &[
            "--terms",
            csa.join("terms").to_str().unwrap(),
            "test",
            csa.join("scenarios.toml").to_str().unwrap(),
        ],
    );
    // A failing expectation, and a question that cannot be asked.
    let failing = repository().join("examples/failing-scenario.toml");
    let run = covenant(&["test", failing.to_str().unwrap(), "--format", "json"]);
    assert_valid(
        "test",
        &["test", "examples/failing-scenario.toml"],
        &run.stdout,
    );
    let dir = TempDir::new("schema-bless");
    let file = dir.write(
        "bless.toml",
        "[[question]]\nname = \"aws\"\nquery = \"openai.host_models(cloud=aws)\"\non = 2027-03-01\n",
    );
    check_stdout("test-bless", &["test", "--bless", file.to_str().unwrap()]);
}

#[test]
fn ask_follows_its_schemas() {
    for args in [
        vec!["ask", "openai.host_models(cloud=aws)", "--on", "2027-03-01"],
        vec![
            "ask",
            "openai.host_models",
            "--on",
            "2025-01-01",
            "--under",
            "all",
        ],
        vec!["ask", "openai.pay_revenue_share", "--on", "2028-06-01"],
        vec!["ask", "openai.host_models", "--on", "2019-01-01"],
        vec![
            "ask",
            "openai.keep_azure_as_primary_cloud",
            "--on",
            "2033-01-01",
            "--explain",
        ],
    ] {
        check_stdout("ask", &args);
    }
    check_stdout("ask-position", &["ask", "openai.*", "--on", "2027-03-01"]);
    check_stdout("ask-position", &["ask", "*", "--on", "2030-06-01"]);
    check_stdout(
        "ask-scenario",
        &["ask", "--scenario", "scenarios/news.toml"],
    );
    let deadlines = repository().join("examples/deadlines/terms");
    let terms = deadlines.to_str().unwrap();
    check_stdout(
        "ask-position",
        &[
            "--terms",
            terms,
            "ask",
            "*",
            "--on",
            "2026-06-15",
            "--fact",
            "deletion_request=2026-03-01",
        ],
    );
    let cloud = repository().join("examples/cloud-service/terms");
    check_stdout(
        "ask",
        &[
            "--terms",
            cloud.to_str().unwrap(),
            "ask",
            "provider.suspend_access",
            "--on",
            "2026-06-01",
        ],
    );
}

#[test]
fn diff_and_timeline_follow_their_schemas() {
    check_stdout("diff", &["diff"]);
    check_stdout("diff", &["diff", "--readings", "all"]);
    let csa = repository().join("examples/common-paper-csa/terms");
    check_stdout("diff", &["--terms", csa.to_str().unwrap(), "diff"]);
    check_stdout("timeline", &["timeline", "openai.pay_revenue_share"]);
    check_stdout(
        "timeline",
        &["timeline", "openai.host_models", "--under", "all"],
    );
    check_stdout("timeline", &["timeline", "openai.host_models(cloud=aws)"]);
    check_stdout("timeline-position", &["timeline", "microsoft.*"]);
    let deadlines = repository().join("examples/deadlines/terms");
    check_stdout(
        "timeline-position",
        &[
            "--terms",
            deadlines.to_str().unwrap(),
            "timeline",
            "*",
            "--fact",
            "deletion_request=2026-03-01",
            "--fact",
            "content_deleted=2026-05-10",
        ],
    );
    let survival = repository().join("examples/survival/terms");
    check_stdout(
        "timeline",
        &[
            "--terms",
            survival.to_str().unwrap(),
            "timeline",
            "provider.carry_insurance",
        ],
    );
}
