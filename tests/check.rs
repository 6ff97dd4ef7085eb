//! `covenant check` as a user runs it: the shipped terms pass; terms with every
//! kind of mistake get each finding, located, with a witness that `ask` confirms.

mod common;

use common::{TempDir, covenant, scrub};
use insta::assert_snapshot;
use serde_json::Value;

const VOCABULARY: &str = r#"
[agreement]
title = "a flawed agreement"
seeds = "seeds"

[parties]
p = "P"

[domains]
colour = ["red", "green", "blue"]

[actions."p.paint"]
description = "P paints in this colour"
params = { colour = "colour" }
default = "permitted"
default_reason = "a freedom"

[actions."p.sing"]
description = "P sings"
default = "permitted"
default_reason = "a freedom"

[facts.raining]
description = "it rains"

[facts.windy]
description = "it is windy"

[facts.snowing]
description = "it snows"

[disputes.how_loud]
question = "how loud may P paint?"
default = "loud"
default_reason = "most sources"

[disputes.how_loud.readings.loud]
summary = "loud"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[disputes.how_loud.readings.quiet]
summary = "quiet"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[disputes.how_loud.readings.whisper]
summary = "a whisper"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[disputes.reading_of_clause_2]
question = "does clause 2 bind?"
default = "binds"
default_reason = "most sources"

[disputes.reading_of_clause_2.readings.binds]
summary = "it binds"
citations = [{ seed = "source.txt", quote = "clause 2" }]

[disputes.reading_of_clause_2.readings.void]
summary = "it is void"
citations = [{ seed = "source.txt", quote = "clause 2" }]
"#;

const VERSION: &str = r#"
[version]
id = "v1"
title = "the first version"
[version.effective]
date = "2020-01-01"
source = "clause 1"

[[rules]]
id = "red_allowed"
action = "p.paint(colour = red)"
effect = "permit"
citations = [{ seed = "source.txt", quote = "clause 1" }]

[[rules]]
id = "no_red_when_raining"
action = "p.paint(colour = red)"
effect = "forbid"
when = "raining"
citations = [{ seed = "source.txt", quote = "clause 1" }]

[[rules]]
id = "no_blue"
action = "p.paint(colour = blue)"
effect = "forbid"
reading = "reading_of_clause_2.binds"
citations = [{ seed = "source.txt", quote = "clause 2" }]

[[rules]]
id = "no_blue_again"
action = "p.paint(colour = blue)"
effect = "forbid"
reading = "reading_of_clause_2.void"
citations = [{ seed = "source.txt", quote = "clause 2" }]

[[rules]]
id = "green_always"
action = "p.paint(colour = green)"
effect = "permit"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[[rules]]
id = "green_shadowed"
action = "p.paint(colour = green)"
effect = "forbid"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[[rules]]
id = "green_exception"
action = "p.paint(colour = green)"
effect = "permit"
overrides = ["green_shadowed"]
citations = [{ seed = "source.txt", quote = "clause 3" }]

[[rules]]
id = "green_loud"
action = "p.paint(colour = green)"
effect = "permit"
reading = "how_loud.loud"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[[rules]]
id = "green_quiet"
action = "p.paint(colour = green)"
effect = "permit"
reading = "how_loud.quiet"
citations = [{ seed = "source.txt", quote = "clause 3" }]

[[rules]]
id = "blue_in_the_rain"
action = "p.paint(colour = blue)"
effect = "permit"
until = "2010-01-01"
overrides = ["no_blue"]
citations = [{ seed = "source.txt", quote = "clause 4" }]

[[rules]]
id = "backwards"
action = "p.paint(colour = blue)"
effect = "permit"
from = "2030-01-01"
until = "2025-01-01"
citations = [{ seed = "source.txt", quote = "clause 5" }]

[[rules]]
id = "misquoted"
action = "p.paint(colour = green)"
effect = "permit"
citations = [{ seed = "source.txt", quote = "clause six" }]

[[rules]]
id = "chicken"
action = "p.paint(colour = red)"
effect = "permit"
when = "windy"
overrides = ["egg"]
citations = [{ seed = "source.txt", quote = "clause 1" }]

[[rules]]
id = "egg"
action = "p.paint(colour = red)"
effect = "permit"
when = "windy"
overrides = ["chicken"]
citations = [{ seed = "source.txt", quote = "clause 1" }]

[[rules]]
id = "misplaced_exception"
action = "p.paint(colour = green)"
effect = "permit"
overrides = ["red_allowed"]
citations = [{ seed = "source.txt", quote = "clause 3" }]
"#;

/// The version without the rules that only `check` can load (an empty
/// interval, a misquote, an override cycle), so that `ask` loads it too.
fn loadable_version() -> String {
    VERSION
        .split("\n[[rules]]\n")
        .filter(|part| {
            !["backwards", "misquoted", "chicken", "egg"]
                .iter()
                .any(|id| part.starts_with(&format!("id = \"{id}\"")))
        })
        .collect::<Vec<_>>()
        .join("\n[[rules]]\n")
}

fn flawed_terms() -> TempDir {
    terms_with(VERSION)
}

fn terms_with(version: &str) -> TempDir {
    let dir = TempDir::new("check");
    dir.write("vocabulary.toml", VOCABULARY);
    dir.write("v1.toml", version);
    dir.write(
        "seeds/source.txt",
        "clause 1, clause 2, clause 3, clause 4, clause 5, clause 6\n",
    );
    dir
}

fn findings(run: &common::Run) -> Vec<Value> {
    let report: Value = serde_json::from_str(&run.stdout).expect("check --format json is JSON");
    report["findings"].as_array().expect("findings").clone()
}

fn find<'a>(all: &'a [Value], code: &str, subject: &str) -> &'a Value {
    all.iter()
        .find(|f| f["code"] == code && f["subject"] == subject)
        .unwrap_or_else(|| panic!("no {code} finding about {subject} in {all:#?}"))
}

#[test]
fn the_shipped_terms_pass_and_every_remaining_warning_is_explained() {
    let run = covenant(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"], 0);
    assert_eq!(
        report["warnings"], 0,
        "unexplained warnings: {}",
        run.stdout
    );
    for finding in findings(&run) {
        assert!(finding["explained"].is_string(), "{finding}");
    }
    let lease = covenant(&["--terms", "examples/lease/terms", "check"]);
    assert_eq!(lease.code, 0, "{}", lease.stdout);
    assert!(
        lease.stdout.contains("0 error(s), 0 warning(s)"),
        "{}",
        lease.stdout
    );
}

#[test]
fn every_kind_of_finding_is_reported_with_its_location() {
    let dir = flawed_terms();
    let terms = dir.path().to_str().unwrap();
    let run = covenant(&["--terms", terms, "check", "--format", "json"]);
    assert_eq!(run.code, 1, "errors make check exit 1: {}", run.stderr);
    let all = findings(&run);
    let conflict = find(&all, "conflict", "red_allowed");
    assert_eq!(conflict["severity"], "error");
    assert!(
        conflict["message"]
            .as_str()
            .unwrap()
            .contains("`no_red_when_raining` forbids")
    );
    assert!(
        conflict["location"]
            .as_str()
            .unwrap()
            .ends_with("v1.toml:9:1")
    );
    let error_at = |code: &str| {
        all.iter()
            .find(|f| f["code"] == code)
            .and_then(|f| f["location"].as_str())
            .unwrap_or_else(|| panic!("no located {code}"))
            .to_string()
    };
    assert!(error_at("empty-interval").ends_with("v1.toml:82:9"));
    assert!(error_at("quote-not-found").ends_with("v1.toml:89:53"));
    assert!(error_at("override-cycle").ends_with("v1.toml:91:1"));
    let shadowed = find(&all, "never-decides", "green_shadowed");
    assert!(
        shadowed["message"]
            .as_str()
            .unwrap()
            .contains("overridden, by `green_exception`")
    );
    assert!(
        find(&all, "override-never-fires", "misplaced_exception")["message"]
            .as_str()
            .unwrap()
            .contains("never apply to the same question")
    );
    assert_eq!(
        find(&all, "outside-agreement-life", "blue_in_the_rain")["severity"],
        "warning"
    );
    find(&all, "unused-action", "p.sing");
    find(&all, "unused-fact", "snowing");
    find(&all, "unused-reading", "how_loud.whisper");
    find(&all, "dispute-never-matters", "how_loud");
    assert!(
        !all.iter().any(|f| f["subject"] == "reading_of_clause_2"),
        "the readings of clause 2 change the blue answers"
    );
}

#[test]
fn a_conflict_witness_pasted_into_ask_shows_the_conflict() {
    let dir = terms_with(&loadable_version());
    let terms = dir.path().to_str().unwrap();
    let run = covenant(&["--terms", terms, "check", "--format", "json"]);
    let all = findings(&run);
    let witness = &find(&all, "conflict", "red_allowed")["witness"];
    let command = witness["command"].as_str().unwrap();
    assert!(
        command.starts_with(&format!(
            "covenant --terms {terms} ask 'p.paint(colour=red)'"
        )),
        "{command}"
    );
    let mut args = vec![
        "--terms",
        terms,
        "ask",
        witness["query"].as_str().unwrap(),
        "--under",
        "v1",
    ];
    let date = witness["date"].as_str().unwrap().to_string();
    args.extend(["--on", &date]);
    let facts: Vec<String> = witness["facts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
        .collect();
    for fact in &facts {
        args.extend(["--fact", fact]);
    }
    let asked = covenant(&args);
    assert_eq!(asked.code, 0, "{}", asked.stderr);
    assert!(asked.stdout.contains("conflict"), "{}", asked.stdout);
}

#[test]
fn the_text_report_lists_errors_first_with_hints_and_witnesses() {
    let dir = flawed_terms();
    let run = covenant(&["--terms", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(run.code, 1);
    assert_snapshot!("check_flawed_terms", scrub(&run.stdout, &dir));
}

#[test]
fn terms_that_cannot_be_loaded_exit_2() {
    let dir = TempDir::new("check-broken");
    dir.write("vocabulary.toml", "[agreement\n");
    dir.write("v1.toml", VERSION);
    let run = covenant(&["--terms", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("vocabulary.toml:1"), "{}", run.stderr);
}

#[test]
fn a_witness_before_year_0_says_ask_cannot_take_its_date() {
    let version = VERSION.replace(
        "id = \"red_allowed\"",
        "id = \"red_allowed\"\nuntil = \"0000-01-01\"",
    );
    let dir = terms_with(&version);
    let terms = dir.path().to_str().unwrap();
    let run = covenant(&["--terms", terms, "check", "--format", "json"]);
    let all = findings(&run);
    let witness = &find(&all, "conflict", "red_allowed")["witness"];
    assert_eq!(witness["date"], "-0001-12-31");
    assert!(witness["command"].is_null(), "{witness}");
    let text = covenant(&["--terms", terms, "check"]);
    assert!(
        text.stdout.contains(
            "witness: `p.paint(colour=red)` under `v1` on -0001-12-31 with raining=true, windy=false, a date `covenant ask` cannot take"
        ),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains("--on -0001"), "{}", text.stdout);
}

#[test]
fn a_witness_command_quotes_a_terms_path_a_shell_would_run() {
    let dir = TempDir::new("quoting");
    let odd = dir.path().join("a;touch pwned $(id) 'x'");
    std::fs::create_dir_all(odd.join("seeds")).unwrap();
    std::fs::write(odd.join("vocabulary.toml"), VOCABULARY).unwrap();
    std::fs::write(odd.join("v1.toml"), loadable_version()).unwrap();
    std::fs::write(
        odd.join("seeds/source.txt"),
        "clause 1, clause 2, clause 3, clause 4, clause 5, clause 6\n",
    )
    .unwrap();
    let terms = odd.to_str().unwrap();
    let run = covenant(&["--terms", terms, "check", "--format", "json"]);
    let all = findings(&run);
    let command = find(&all, "conflict", "red_allowed")["witness"]["command"]
        .as_str()
        .unwrap()
        .to_string();
    // A POSIX shell reads the command back as the same words: the path is one word.
    let words = shlex::split(&command).expect("the command is well quoted");
    assert_eq!(words[0], "covenant");
    assert_eq!(words[1], "--terms");
    assert_eq!(words[2], terms);
    assert_eq!(words[3], "ask");
    assert_eq!(words[4], "p.paint(colour=red)");
}
