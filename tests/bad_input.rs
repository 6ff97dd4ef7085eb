//! Every kind of bad input gets exit code 2 and a located message with a hint.
//! The snapshots are the messages a person sees.

mod common;

use common::{TempDir, covenant, scrub};
use insta::assert_snapshot;

fn bad(args: &[&str]) -> String {
    let run = covenant(args);
    assert_eq!(
        run.code, 2,
        "expected exit 2 for {args:?}; stdout: {}",
        run.stdout
    );
    assert!(run.stdout.is_empty(), "nothing on stdout for bad input");
    run.stderr
}

#[test]
fn unknown_action_suggests_the_nearest() {
    assert_snapshot!(bad(&[
        "ask",
        "openai.host_model(cloud=aws)",
        "--on",
        "2027-03-01"
    ]));
}

#[test]
fn unknown_party_suggests_the_nearest() {
    assert_snapshot!(bad(&["ask", "openia.host_models", "--on", "2027-03-01"]));
}

#[test]
fn unknown_parameter_and_value() {
    assert_snapshot!(bad(&[
        "ask",
        "openai.host_models(clod=aws)",
        "--on",
        "2027-03-01"
    ]));
    assert_snapshot!(bad(&[
        "ask",
        "openai.host_models(cloud=azur)",
        "--on",
        "2027-03-01"
    ]));
}

#[test]
fn malformed_query_points_at_the_column() {
    assert_snapshot!(bad(&[
        "ask",
        "openai.host_models(cloud=aws",
        "--on",
        "2027-03-01"
    ]));
    assert_snapshot!(bad(&[
        "ask",
        "openai.host_models(cloud != aws)",
        "--on",
        "2027-03-01"
    ]));
}

#[test]
fn bad_flags_are_all_reported_together() {
    assert_snapshot!(bad(&[
        "ask",
        "openai.host_models",
        "--on",
        "2026-02-30",
        "--under",
        "newer",
        "--fact",
        "agi=true",
        "--fact",
        "agi_achieved=maybe",
        "--reading",
        "openai_share_end=through2030",
        "--reading",
        "nope=x",
    ]));
}

#[test]
fn json_errors_carry_file_line_column_and_hint() {
    let run = covenant(&[
        "ask",
        "openai.host_model",
        "--on",
        "2027-03-01",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    let value: serde_json::Value = serde_json::from_str(&run.stderr).unwrap();
    let error = &value["errors"][0];
    assert_eq!(error["file"], "<query>");
    assert_eq!(error["line"], 1);
    assert_eq!(error["column"], 1);
    assert_eq!(error["text"], "openai.host_model");
    assert_eq!(
        error["hint"],
        "did you mean `openai.host_models`? `covenant actions` lists them all"
    );
}

#[test]
fn bad_scenario_files_are_located() {
    let dir = TempDir::new("scenario");
    let file = dir.write(
        "bad.toml",
        "[[question]]\nname = \"x\"\nquery = \"openai.host_models(cloud=aws)\"\non = \"2027-13-01\"\nexpect = \"alowed\"\nfacts = { agi_achievd = true }\n",
    );
    // The run reports the question that cannot be asked among its results
    // (stdout), and what is wrong with it on stderr, exit 2.
    let run = covenant(&["test", file.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("ERROR   x  ("), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("0 passed, 0 failed, 1 error\n"),
        "{}",
        run.stdout
    );
    assert_snapshot!(scrub(&run.stderr, &dir));
    let broken = dir.write("broken.toml", "[[question]\nname = 1\n");
    let run = covenant(&["test", broken.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_snapshot!(scrub(&run.stderr, &dir));
}

#[test]
fn a_missing_terms_directory_is_an_error_not_a_panic() {
    let stderr = bad(&["--terms", "no/such/dir", "versions"]);
    assert!(stderr.contains("cannot read `no/such/dir`"), "{stderr}");
}

#[test]
fn clap_usage_errors_exit_2() {
    let run = covenant(&["ask", "openai.host_models", "--under"]);
    assert_eq!(run.code, 2);
    let run = covenant(&["frobnicate"]);
    assert_eq!(run.code, 2);
}
