//! The same input gives the same bytes every time: covenant is run twice on
//! generated bad input (queries, flags, scenario files, terms directories) and
//! both runs must print the same stdout and stderr and exit with the same code.
//!
//! Each run is a fresh process, so anything that leaks hash order (Rust seeds
//! every process's hash maps differently) shows up as a difference.
//! `COVENANT_FUZZ_CASES` raises the number of cases for long runs.

mod common;

use common::{TempDir, copy_shipped_terms};
use proptest::prelude::*;
use std::io::Write as _;
use std::process::{Command, Output};

fn cases(default: u32) -> u32 {
    std::env::var("COVENANT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run(args: &[String]) -> Output {
    // The operating system cannot pass a NUL byte in an argument.
    Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(args.iter().map(|arg| arg.replace('\0', "")))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the covenant binary runs")
}

/// Runs `args` twice and fails unless both runs agree byte for byte.
fn same_twice(args: &[String]) -> Result<(), TestCaseError> {
    let first = run(args);
    let second = run(args);
    prop_assert!(
        first.status.code().is_some_and(|code| code <= 2),
        "{args:?} exited {:?}: {}",
        first.status.code(),
        String::from_utf8_lossy(&first.stderr)
    );
    prop_assert_eq!(first.status.code(), second.status.code(), "{:?}", args);
    prop_assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&second.stdout),
        "stdout of {:?}",
        args
    );
    prop_assert_eq!(
        String::from_utf8_lossy(&first.stderr),
        String::from_utf8_lossy(&second.stderr),
        "stderr of {:?}",
        args
    );
    Ok(())
}

fn format() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["text", "json"])
}

/// Names near the shipped vocabulary, far from it, and plain noise.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "openai",
            "microsoft",
            "host_models",
            "host_model",
            "cloud",
            "azure",
            "asure",
            "aws",
            "agi_achieved",
            "agi",
            "microsoft_share_end",
            "after_2030",
            "ended",
            "old",
            "new",
            "all",
            "in-force",
            "permitted",
            "default",
        ])
        .prop_map(String::from),
        "[a-z_]{1,12}",
        ".{0,8}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        (name(), name()).prop_map(|(party, action)| format!("{party}.{action}")),
        (name(), name(), name(), name())
            .prop_map(|(party, action, param, value)| format!("{party}.{action}({param}={value})")),
        "[a-z_.()=!, ]{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn a_bad_query_gives_the_same_bytes_twice(query in query(), format in format()) {
        same_twice(&[
            "--format".into(), format.into(), "ask".into(), query, "--on".into(), "2027-03-01".into(),
        ])?;
    }

    #[test]
    fn bad_flags_give_the_same_bytes_twice(
        command in prop::sample::select(vec!["ask", "timeline", "diff"]),
        on in prop_oneof![Just("2027-03-01".to_string()), ".{0,12}"],
        under in name(),
        fact in (name(), name()).prop_map(|(n, v)| format!("{n}={v}")),
        reading in (name(), name()).prop_map(|(n, v)| format!("{n}={v}")),
        stray in prop_oneof![Just(None), "--[a-z]{1,8}".prop_map(Some)],
        format in format(),
    ) {
        let mut args: Vec<String> = vec!["--format".into(), format.into(), command.into()];
        match command {
            "ask" => args.extend(["openai.host_models".into(), "--on".into(), on, "--under".into(), under]),
            "timeline" => args.extend(["openai.host_models".into(), "--under".into(), under]),
            _ => args.extend([under, "new".into(), "--from".into(), on]),
        }
        args.extend(["--fact".into(), fact, "--reading".into(), reading]);
        args.extend(stray);
        same_twice(&args)?;
    }

    #[test]
    fn a_bad_scenario_file_gives_the_same_bytes_twice(
        questions in prop::collection::vec(
            (query(), prop_oneof![Just("2027-03-01".to_string()), ".{0,10}"], name(), name(), name(), name()),
            1..4,
        ),
        noise in prop_oneof![Just(String::new()), ".{0,10}"],
        ask in any::<bool>(),
        format in format(),
    ) {
        let dir = TempDir::new("same-scenario");
        let mut text = String::new();
        for (query, on, fact, reading, expect, rule) in &questions {
            text.push_str(&format!(
                "[[question]]\nname = \"q\"\nquery = {query:?}\non = {on:?}\nfacts = {{ {fact:?} = true }}\n\
readings = {{ microsoft_share_end = {reading:?} }}\nexpect = {expect:?}\nexpect_rule = {rule:?}\nunder = \"new\"\n"
            ));
        }
        text.push_str(&noise);
        let path = dir.write("scenario.toml", text).display().to_string();
        let mut args: Vec<String> = vec!["--format".into(), format.into()];
        if ask {
            args.extend(["ask".into(), "--scenario".into(), path]);
        } else {
            args.extend(["test".into(), path]);
        }
        same_twice(&args)?;
    }

    #[test]
    fn a_bad_terms_directory_gives_the_same_bytes_twice(
        rules in prop::collection::vec(
            (
                prop_oneof![name(), Just("new.host.azure.through_2032".to_string())],
                prop_oneof![
                    Just("openai.host_models".to_string()),
                    Just("openai.host_models(cloud = azure)".to_string()),
                    query(),
                ],
                prop::sample::select(vec!["permit", "forbid", "oblige", "permt"]),
                prop::collection::vec(prop_oneof![name(), Just("old.host.azure_only".to_string())], 0..3),
                prop_oneof![Just(None), name().prop_map(Some)],
            ),
            1..4,
        ),
        command in prop::sample::select(vec!["versions", "check", "actions", "diff", "ask"]),
        format in format(),
    ) {
        let dir = TempDir::new("same-terms");
        let terms = copy_shipped_terms(&dir);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(terms.join("new.toml"))
            .expect("the copied version file opens");
        for (id, action, effect, overrides, when) in &rules {
            let mut rule = format!(
                "\n[[rules]]\nid = {id:?}\naction = {action:?}\neffect = {effect:?}\noverrides = {overrides:?}\n"
            );
            if let Some(when) = when {
                rule.push_str(&format!("when = {when:?}\n"));
            }
            rule.push_str("citations = [{ seed = \"001_3bff8537bc01d4c6.txt\", quote = \"Azure\" }]\n");
            file.write_all(rule.as_bytes()).expect("the copied version file is writable");
        }
        drop(file);
        let mut args: Vec<String> = vec![
            "--terms".into(), terms.display().to_string(), "--format".into(), format.into(), command.into(),
        ];
        if command == "ask" {
            args.extend(["openai.host_models".into(), "--on".into(), "2027-03-01".into()]);
        }
        same_twice(&args)?;
    }
}
