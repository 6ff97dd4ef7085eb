//! Terms that survive: a rule with `survives` keeps applying after its
//! version is superseded, for as long as it says, unless a rule of the
//! version in force decides the same question.

mod common;

use common::{TempDir, covenant};

const VOCABULARY: &str = r#"
[agreement]
title = "an insurance duty that survives"
seeds = "../seeds"

[parties]
provider = "Provider"

[actions."provider.carry_insurance"]
description = "Provider carries insurance"
default = "permitted"
default_reason = "a freedom"
"#;

const FIRST: &str = r#"
[version]
id = "first"
title = "the first agreement"
[version.effective]
date = "2024-01-01"
source = "the cover page"
[version.superseded]
date = "2025-06-01"
source = "the cover page"

[[rules]]
id = "insurance"
action = "provider.carry_insurance"
effect = "oblige"
survives = "6 months"
citations = [{ seed = "terms.txt", quote = "this obligation survives for six months" }]
"#;

const SECOND: &str = r#"
[version]
id = "second"
title = "the second agreement"
[version.effective]
date = "2025-06-01"
source = "the cover page"
"#;

fn agreement(second: &str) -> TempDir {
    let dir = TempDir::new("survival");
    dir.write("terms/vocabulary.toml", VOCABULARY);
    dir.write("terms/first.toml", FIRST);
    dir.write("terms/second.toml", second);
    dir.write(
        "seeds/terms.txt",
        "Provider will carry insurance; this obligation survives for six months after the agreement ends. The second agreement frees Provider of it.\n",
    );
    dir
}

fn run(dir: &TempDir, args: &[&str]) -> String {
    let terms = dir.path().join("terms");
    let mut all = vec!["--terms", terms.to_str().unwrap()];
    all.extend(args);
    let run = covenant(&all);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

#[test]
fn a_surviving_duty_binds_for_six_months_after_its_version_is_superseded() {
    let dir = agreement(SECOND);
    let during = run(
        &dir,
        &["ask", "provider.carry_insurance", "--on", "2025-11-30"],
    );
    assert!(during.contains("under `second`"), "{during}");
    assert!(
        during.contains("required   rule first/insurance"),
        "{during}"
    );
    assert!(
        during.contains("oblige provider.carry_insurance from 2025-06-01 until 2025-12-01 (survives from `first`)"),
        "{during}"
    );
    let after = run(
        &dir,
        &["ask", "provider.carry_insurance", "--on", "2025-12-01"],
    );
    assert!(after.contains("permitted  default"), "{after}");
    let timeline = run(
        &dir,
        &[
            "timeline",
            "provider.carry_insurance",
            "--under",
            "in-force",
        ],
    );
    assert!(
        timeline
            .contains("from 2025-06-01 until 2025-12-01  required      `second`: first/insurance"),
        "{timeline}"
    );
    // The diff sees the duty end when its survival does, not when the first agreement does.
    let diff = run(&dir, &["diff", "first", "second"]);
    assert!(
        diff.contains("required → permitted from 2025-12-01 onward"),
        "{diff}"
    );
    let json = run(
        &dir,
        &[
            "ask",
            "provider.carry_insurance",
            "--on",
            "2025-09-01",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["versions"][0]["rules"]["first/insurance"]["survives_from"],
        "first"
    );
}

#[test]
fn a_rule_of_the_version_in_force_beats_a_surviving_one() {
    let second = format!(
        "{SECOND}\n[[rules]]\nid = \"no_insurance\"\naction = \"provider.carry_insurance\"\neffect = \"permit\"\ncitations = [{{ seed = \"terms.txt\", quote = \"The second agreement frees Provider of it.\" }}]\n"
    );
    let dir = agreement(&second);
    let answer = run(
        &dir,
        &["ask", "provider.carry_insurance", "--on", "2025-09-01"],
    );
    assert!(
        answer.contains("permitted  rule no_insurance (overrides first/insurance)"),
        "{answer}"
    );
    let check = run(&dir, &["check"]);
    assert!(check.contains("0 error(s)"), "{check}");
}

#[test]
fn survives_takes_true_or_a_duration() {
    let dir = agreement(SECOND);
    let forever = FIRST.replace("survives = \"6 months\"", "survives = true");
    dir.write("terms/first.toml", forever);
    let later = run(
        &dir,
        &["ask", "provider.carry_insurance", "--on", "2030-01-01"],
    );
    assert!(later.contains("required   rule first/insurance"), "{later}");
    dir.write(
        "terms/first.toml",
        FIRST.replace("survives = \"6 months\"", "survives = \"six months\""),
    );
    let terms = dir.path().join("terms");
    let bad = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("expected a duration such as `6 months`, found `six`"),
        "{}",
        bad.stderr
    );
}
