//! Mistakes in a terms directory: each gives exit code 2 and the message a
//! person sees, located at file:line:column with a hint. Loading reports every
//! error it finds, not just the first.

mod common;

use common::{TempDir, covenant, scrub};
use insta::assert_snapshot;

const SEED: &str = "The Tenant shall not keep any pet.\nThe Landlord may enter after notice.\n";

const VOCABULARY: &str = r#"[agreement]
title = "test lease"
seeds = "seeds"

[parties]
tenant = "the Tenant"
landlord = "the Landlord"

[domains]
pet = ["cat", "dog"]

[actions."tenant.keep_pet"]
description = "keep a pet"
params = { pet = "pet" }
default = "permitted"
default_reason = "a freedom"

[actions."landlord.enter"]
description = "enter the flat"
default = "forbidden"
default_reason = "a right the lease grants"

[facts.notice_given]
description = "notice was given"

[disputes.notice]
question = "how much notice?"
default = "short"
default_reason = "test"

[disputes.notice.readings.short]
summary = "a day"
citations = [{ seed = "lease.txt", quote = "after notice" }]

[disputes.notice.readings.long]
summary = "a week"
citations = [{ seed = "lease.txt", quote = "after notice" }]
"#;

const VERSION: &str = r#"[version]
id = "v1"
title = "the lease"

[version.effective]
date = "2024-03-01"
source = "test"

[[rules]]
id = "no_pets"
action = "tenant.keep_pet"
effect = "forbid"
citations = [{ seed = "lease.txt", quote = "The Tenant shall not keep any pet." }]

[[rules]]
id = "entry"
action = "landlord.enter"
effect = "permit"
when = "notice_given"
reading = "notice.short"
citations = [{ seed = "lease.txt", quote = "The Landlord may enter after notice." }]
"#;

/// Writes a terms directory whose files are the valid ones with `edit` applied
/// to (vocabulary, version), runs `covenant versions` on it and returns stderr.
fn load_with(edit: impl Fn(&mut String, &mut String)) -> String {
    let dir = TempDir::new("terms");
    let (mut vocabulary, mut version) = (VOCABULARY.to_string(), VERSION.to_string());
    edit(&mut vocabulary, &mut version);
    dir.write("vocabulary.toml", &vocabulary);
    dir.write("v1.toml", &version);
    dir.write("seeds/lease.txt", SEED);
    let run = covenant(&["--terms", dir.path().to_str().unwrap(), "versions"]);
    assert_eq!(
        run.code, 2,
        "expected a load error; stdout:\n{}",
        run.stdout
    );
    scrub(&run.stderr, &dir)
}

fn replace(text: &mut String, from: &str, to: &str) {
    assert!(text.contains(from), "the template contains {from:?}");
    *text = text.replacen(from, to, 1);
}

#[test]
fn the_template_itself_loads() {
    let dir = TempDir::new("valid");
    dir.write("vocabulary.toml", VOCABULARY);
    dir.write("v1.toml", VERSION);
    dir.write("seeds/lease.txt", SEED);
    let run = covenant(&["--terms", dir.path().to_str().unwrap(), "versions"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn malformed_toml() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "effect = \"forbid\"",
        "effect = forbid"
    )));
}

#[test]
fn wrong_type_and_unknown_key() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "effect = \"forbid\"",
        "effect = 3"
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "effect = \"forbid\"",
        "efect = \"forbid\""
    )));
}

#[test]
fn unknown_effect_suggests_the_spelling() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "effect = \"forbid\"",
        "effect = \"forbidd\""
    )));
}

#[test]
fn unknown_action_parameter_and_value_in_a_pattern() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "action = \"tenant.keep_pet\"",
        "action = \"tenant.keep_pets\""
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "action = \"tenant.keep_pet\"",
        "action = \"tenant.keep_pet(pets = cat)\""
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "action = \"tenant.keep_pet\"",
        "action = \"tenant.keep_pet(pet != cta)\""
    )));
}

#[test]
fn unknown_party_in_the_vocabulary() {
    assert_snapshot!(load_with(|voc, _| replace(
        voc,
        "[actions.\"landlord.enter\"]",
        "[actions.\"landlrd.enter\"]"
    )));
}

#[test]
fn unknown_fact_dispute_and_reading() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "when = \"notice_given\"",
        "when = \"notice_givn\""
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "reading = \"notice.short\"",
        "reading = \"notise.short\""
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "reading = \"notice.short\"",
        "reading = \"notice.shrt\""
    )));
}

#[test]
fn impossible_date_and_reversed_interval() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "date = \"2024-03-01\"",
        "date = \"2026-02-30\""
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "effect = \"forbid\"",
        "effect = \"forbid\"\nfrom = \"2030-01-01\"\nuntil = \"2029-01-01\""
    )));
}

#[test]
fn duplicate_rule_ids() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "id = \"entry\"",
        "id = \"no_pets\""
    )));
}

#[test]
fn override_of_an_unknown_rule_and_override_cycles() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "effect = \"forbid\"",
        "effect = \"forbid\"\noverrides = [\"entyr\"]"
    )));
    assert_snapshot!(load_with(|_, v| {
        replace(
            v,
            "effect = \"forbid\"",
            "effect = \"forbid\"\noverrides = [\"entry\"]",
        );
        replace(
            v,
            "effect = \"permit\"",
            "effect = \"permit\"\noverrides = [\"no_pets\"]",
        );
    }));
}

#[test]
fn citation_of_a_missing_seed_and_an_altered_quote() {
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "seed = \"lease.txt\", quote = \"The Tenant",
        "seed = \"leases.txt\", quote = \"The Tenant"
    )));
    assert_snapshot!(load_with(|_, v| replace(
        v,
        "shall not keep any pet.",
        "shall never keep any pet."
    )));
}

#[test]
fn all_errors_are_reported_not_just_the_first() {
    let stderr = load_with(|_, v| {
        replace(v, "effect = \"forbid\"", "effect = \"forbidd\"");
        replace(v, "when = \"notice_given\"", "when = \"notice_givn\"");
        replace(v, "after notice.\" }", "after a notice.\" }");
    });
    assert_eq!(stderr.matches("error:").count(), 3, "{stderr}");
}

#[test]
fn a_terms_file_that_is_not_utf8() {
    let dir = TempDir::new("utf8");
    dir.write("vocabulary.toml", VOCABULARY);
    dir.write("v1.toml", b"[version]\nid = \"\xff\"\n");
    dir.write("seeds/lease.txt", SEED);
    let run = covenant(&["--terms", dir.path().to_str().unwrap(), "versions"]);
    assert_eq!(run.code, 2);
    assert_snapshot!(scrub(&run.stderr, &dir));
}
