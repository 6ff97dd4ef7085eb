//! `covenant show` and `covenant export` as a user runs them.

mod common;

use common::{Run, TempDir, covenant};
use insta::assert_snapshot;
use std::path::Path;
use std::process::Command;

/// Runs `covenant` with `args` from `dir`.
fn covenant_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the covenant binary runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

#[test]
fn show_prints_a_rule_with_each_quote_in_its_sentence() {
    let run = covenant(&["show", "new.host.any_cloud"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("new.host.any_cloud  (terms/new.toml:22:1)\n")
    );
    assert!(
        run.stdout.contains(
            "Following the termination of the agreement, «OpenAI will gain the freedom to choose other cloud service providers, including Google Cloud, Amazon AWS, and other competing platforms.»"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("001_3bff8537bc01d4c6.txt, line 7"));
    assert_snapshot!("show_any_cloud", run.stdout);
}

#[test]
fn show_names_the_condition_overrides_and_the_reading_of_a_disputed_rule() {
    let run = covenant(&["show", "old.agi.dissolve.hosting"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "when           agi_achieved",
        "overrides      old.host.azure_only, old.host.on_azure",
        "dispute        agi_clause_effect: ",
        "reading        openai_may_dissolve (not the default, openai_may_restrict): ",
        "note           OpenAI may dissolve the duty to run on Azure alone",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    let overridden = covenant(&["show", "old.host.azure_only"]);
    assert!(
        overridden
            .stdout
            .contains("overridden by  old.agi.dissolve.hosting"),
        "{}",
        overridden.stdout
    );
}

#[test]
fn show_gives_a_duty_its_dates_deadline_and_performance() {
    let run = covenant(&[
        "--terms",
        "examples/deadlines/terms",
        "show",
        "delete.within_60_days",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "dates          from deletion_request",
        "due            deletion_request + 60 days",
        "done           once content_deleted happens",
        "«Upon Customer's request, Provider will delete Customer Content within 60 days of the request», and will confirm the deletion to Customer.",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
}

#[test]
fn show_follows_a_surviving_rule_into_the_versions_it_is_carried_into() {
    let terms = ["--terms", "examples/survival/terms"];
    let original = covenant(&[&terms[..], &["show", "insurance"]].concat());
    assert_eq!(original.code, 0, "{}", original.stderr);
    assert!(
        original.stdout.contains(
            "carried into   `second` as first/insurance, from 2025-06-01 until 2025-12-01"
        ),
        "{}",
        original.stdout
    );
    let copy = covenant(&[&terms[..], &["show", "first/insurance"]].concat());
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    assert!(
        copy.stdout
            .contains("dates          from 2025-06-01 until 2025-12-01")
    );
    assert!(copy.stdout.contains("carried from `first` for 6 months"));
}

#[test]
fn a_rule_in_two_versions_is_shown_for_each_unless_version_picks_one() {
    let terms = ["--terms", "examples/common-paper-csa/terms"];
    let both = covenant(&[&terms[..], &["show", "content.only_as_needed"]].concat());
    assert_eq!(both.code, 0, "{}", both.stderr);
    assert!(both.stdout.starts_with(
        "2 versions have a rule `content.only_as_needed`: `csa-1.1`, `csa-2.1`; each is shown"
    ));
    assert!(
        both.stdout
            .contains("(examples/common-paper-csa/terms/csa-1.1.toml:97:1)")
    );
    assert!(
        both.stdout
            .contains("(examples/common-paper-csa/terms/csa-2.1.toml:89:1)")
    );
    let one = covenant(
        &[
            &terms[..],
            &["show", "content.only_as_needed", "--version", "csa-2.1"],
        ]
        .concat(),
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stdout.starts_with(
        "content.only_as_needed  (examples/common-paper-csa/terms/csa-2.1.toml:89:1)"
    ));
    assert!(!one.stdout.contains("csa-1.1.toml"));
}

#[test]
fn show_as_json_gives_the_same_as_data() {
    let run = covenant(&["show", "old.agi.dissolve.hosting", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(json["in_versions"], serde_json::json!(["old"]));
    let rule = &json["rules"][0];
    assert_eq!(rule["id"], "old.agi.dissolve.hosting");
    assert_eq!(rule["version"], "old");
    assert_eq!(rule["effect"], "permit");
    assert_eq!(rule["when"], "agi_achieved");
    assert_eq!(rule["params"][0]["name"], "cloud");
    assert_eq!(rule["params"][0]["all"], true);
    assert_eq!(rule["reading"]["reading"], "openai_may_dissolve");
    let citation = &rule["citations"][0];
    assert_eq!(citation["seed"], "002_3b06de75cd080f9e.txt");
    assert_eq!(citation["line"], 12);
    assert_eq!(citation["before"], "Removal of the AGI Clause: ");
    assert_eq!(
        citation["quote"],
        "A previous stipulation allowed OpenAI to renegotiate or dissolve obligations if Artificial General Intelligence (AGI) was achieved."
    );
    assert_eq!(citation["after"], "");
    assert_eq!(
        run.stdout,
        covenant(&["show", "old.agi.dissolve.hosting", "--format", "json"]).stdout,
        "same input, same bytes"
    );
}

#[test]
fn an_unknown_rule_or_version_is_an_error_with_a_suggestion() {
    let run = covenant(&["show", "new.host.anycloud"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_snapshot!("show_unknown_rule", run.stderr);
    let elsewhere = covenant(&["show", "new.host.any_cloud", "--version", "old"]);
    assert_eq!(elsewhere.code, 2);
    assert_snapshot!("show_rule_not_in_version", elsewhere.stderr);
    let version = covenant(&["show", "new.host.any_cloud", "--version", "nwe"]);
    assert_eq!(version.code, 2);
    assert!(
        version.stderr.contains("unknown version `nwe`"),
        "{}",
        version.stderr
    );
    assert!(
        version.stderr.contains("did you mean `new`?"),
        "{}",
        version.stderr
    );
}

#[test]
fn export_writes_exactly_the_embedded_files_and_check_and_ask_answer_the_same_from_them() {
    let tmp = TempDir::new("export");
    let dir = tmp.path().join("out");
    let dir_text = dir.display().to_string();
    let run = covenant(&["export", &dir_text]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut names: Vec<String> = covenant::terms::embedded_files().map(|(n, _)| n).collect();
    assert!(
        run.stdout
            .starts_with(&format!("wrote {} files to {dir_text}\n", names.len()))
    );
    for (name, bytes) in covenant::terms::embedded_files() {
        assert_eq!(
            std::fs::read(dir.join(&name)).expect("exported"),
            bytes,
            "{name}"
        );
    }
    // Nothing else was written.
    let mut found = Vec::new();
    for folder in std::fs::read_dir(&dir).expect("readable") {
        let folder = folder.expect("entry").path();
        for file in std::fs::read_dir(&folder).expect("a folder") {
            let file = file.expect("entry").path();
            found.push(
                file.strip_prefix(&dir)
                    .expect("inside")
                    .display()
                    .to_string(),
            );
        }
    }
    found.sort();
    names.sort();
    assert_eq!(found, names);

    // From inside the export, `--terms terms` names the files as the built-in
    // terms do (`terms/new.toml`): the output must be the same, byte for byte.
    let same = |args: &[&str]| {
        let builtin = covenant(args);
        let exported = covenant_in(&dir, &[&["--terms", "terms"], args].concat());
        assert_eq!(exported.code, builtin.code, "{args:?}: {}", exported.stderr);
        assert_eq!(exported.stdout, builtin.stdout, "{args:?}");
        assert_eq!(exported.stderr, builtin.stderr, "{args:?}");
    };
    same(&["check"]);
    same(&["check", "--format", "json"]);
    same(&[
        "ask",
        "openai.host_models",
        "--on",
        "2025-03-01",
        "--under",
        "all",
    ]);
    same(&["ask", "openai.*", "--on", "2027-03-01", "--format", "json"]);
    same(&["ask", "microsoft.pay_revenue_share", "--on", "2031-06-01"]);
    same(&["show", "old.agi.dissolve.hosting"]);
    // And from anywhere, through the path `export` printed.
    let elsewhere = covenant(&["--terms", &format!("{dir_text}/terms"), "check"]);
    assert_eq!(elsewhere.code, 0, "{}", elsewhere.stderr);
    assert_eq!(elsewhere.stdout, covenant(&["check"]).stdout);
}

#[test]
fn export_refuses_a_directory_that_is_not_empty_unless_forced() {
    let tmp = TempDir::new("export-full");
    tmp.write("mine.txt", "keep me");
    tmp.write("terms/new.toml", "stale");
    let dir = tmp.path().display().to_string();
    let run = covenant(&["export", &dir]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_snapshot!("export_not_empty", common::scrub(&run.stderr, &tmp));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("terms/new.toml")).unwrap(),
        "stale"
    );

    let forced = covenant(&["export", &dir, "--force", "--format", "json"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let json: serde_json::Value = serde_json::from_str(&forced.stdout).expect("valid JSON");
    let count = covenant::terms::embedded_files().count();
    assert_eq!(json["count"], count);
    assert_eq!(json["files"].as_array().map(Vec::len), Some(count));
    assert_eq!(json["directory"], dir);
    assert_eq!(json["terms"], format!("{dir}/terms"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("mine.txt")).unwrap(),
        "keep me"
    );
    assert_ne!(
        std::fs::read_to_string(tmp.path().join("terms/new.toml")).unwrap(),
        "stale"
    );
}

#[test]
fn export_refuses_a_file_for_a_directory() {
    let tmp = TempDir::new("export-file");
    let file = tmp.write("plain.txt", "not a directory");
    let run = covenant(&["export", &file.display().to_string()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a directory"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn export_never_writes_through_a_symbolic_link() {
    let tmp = TempDir::new("export-link");
    let outside = TempDir::new("export-outside");
    let dir = tmp.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    // A folder that is a link out of the directory: refused, nothing written there.
    std::os::unix::fs::symlink(outside.path(), dir.join("seeds")).unwrap();
    let run = covenant(&["export", &dir.display().to_string(), "--force"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("seeds` is not a directory"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert!(
        !dir.join("terms").exists(),
        "nothing is written when something is in the way"
    );
    // A file that is a link out of it: the link is replaced, its target untouched.
    std::fs::remove_file(dir.join("seeds")).unwrap();
    let target = outside.write("target.toml", "untouched");
    std::fs::create_dir(dir.join("terms")).unwrap();
    std::os::unix::fs::symlink(&target, dir.join("terms/new.toml")).unwrap();
    let run = covenant(&["export", &dir.display().to_string(), "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
    assert!(
        !std::fs::symlink_metadata(dir.join("terms/new.toml"))
            .unwrap()
            .is_symlink()
    );
}

#[test]
fn export_writes_only_the_built_in_terms_and_refuses_terms_dir() {
    let tmp = TempDir::new("export-terms-flag");
    let dir = tmp.path().join("out");
    let run = covenant(&[
        "--terms",
        "examples/lease/terms",
        "export",
        &dir.display().to_string(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--terms does not apply"),
        "{}",
        run.stderr
    );
    assert!(!dir.exists());
}
