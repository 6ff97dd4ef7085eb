//! Duties with deadlines, as a user runs them: `due` and `done` on an `oblige`
//! rule give `required` before the deadline, `breached` from it, and nothing
//! once the duty is done.

mod common;

use common::{TempDir, covenant};

const VOCABULARY: &str = r#"
[agreement]
title = "a deletion duty"
seeds = "../seeds"

[parties]
provider = "Provider"

[actions."provider.delete_content"]
description = "Provider deletes Customer Content"
default = "permitted"
default_reason = "a freedom"

[events.deletion_request]
description = "Customer asks Provider to delete its content"

[events.content_deleted]
description = "Provider deleted the content"
"#;

const VERSION: &str = r#"
[version]
id = "v"
title = "v"
[version.effective]
date = "2026-01-01"
source = "the cover page"

[[rules]]
id = "delete.within_60_days"
action = "provider.delete_content"
effect = "oblige"
from = "deletion_request"
due = "deletion_request + 60 days"
done = "content_deleted"
citations = [{ seed = "terms.txt", quote = "Provider will delete Customer Content within 60 days" }]
"#;

fn agreement(version: &str) -> TempDir {
    let dir = TempDir::new("duties");
    dir.write("terms/vocabulary.toml", VOCABULARY);
    dir.write("terms/v.toml", version);
    dir.write(
        "seeds/terms.txt",
        "Upon Customer's request, Provider will delete Customer Content within 60 days.\n",
    );
    dir
}

fn ask(dir: &TempDir, args: &[&str]) -> String {
    let terms = dir.path().join("terms");
    let mut all = vec![
        "--terms",
        terms.to_str().unwrap(),
        "ask",
        "provider.delete_content",
    ];
    all.extend(args);
    let run = covenant(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn a_duty_is_required_until_it_is_due_then_breached_until_it_is_done() {
    let dir = agreement(VERSION);
    let request = "deletion_request=2026-03-01";
    // Due 60 days after the request: 2026-04-30.
    let before = ask(
        &dir,
        &[
            "--on",
            "2026-04-29",
            "--fact",
            request,
            "--fact",
            "content_deleted=false",
        ],
    );
    assert!(
        before.contains("required   rule delete.within_60_days (due by 2026-04-30)"),
        "{before}"
    );
    let on_the_day = ask(
        &dir,
        &[
            "--on",
            "2026-04-30",
            "--fact",
            request,
            "--fact",
            "content_deleted=false",
        ],
    );
    assert!(
        on_the_day.contains("breached   rule delete.within_60_days (overdue since 2026-04-30)"),
        "{on_the_day}"
    );
    // Done on 2026-05-10: from that day the duty no longer applies.
    let done = ask(
        &dir,
        &[
            "--on",
            "2026-05-10",
            "--fact",
            request,
            "--fact",
            "content_deleted=2026-05-10",
        ],
    );
    assert!(done.contains("  permitted  default"), "{done}");
    let day_before_done = ask(
        &dir,
        &[
            "--on",
            "2026-05-09",
            "--fact",
            request,
            "--fact",
            "content_deleted=2026-05-10",
        ],
    );
    assert!(day_before_done.contains("breached"), "{day_before_done}");
    // Not told when it was done: per range of that day.
    let open = ask(&dir, &["--on", "2026-05-10", "--fact", request]);
    assert!(
        open.contains("if `content_deleted` on or before 2026-05-10  permitted  default"),
        "{open}"
    );
    assert!(
        open.contains(
            "otherwise                                     breached   rule delete.within_60_days"
        ),
        "{open}"
    );
    // The rule names its deadline and performance.
    assert!(
        open.contains("oblige provider.delete_content from deletion_request, due deletion_request + 60 days, done once content_deleted happens"),
        "{open}"
    );
}

#[test]
fn breached_is_a_verdict_scenarios_expect_and_json_carries_the_deadline() {
    let dir = agreement(VERSION);
    let scenario = dir.write(
        "scenario.toml",
        r#"
[[question]]
name = "overdue"
query = "provider.delete_content"
on = 2026-06-01
facts = { deletion_request = 2026-03-01, content_deleted = false }
expect = "breached"
expect_rule = "delete.within_60_days"
"#,
    );
    let terms = dir.path().join("terms");
    let run = covenant(&[
        "--terms",
        terms.to_str().unwrap(),
        "test",
        scenario.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json = ask(
        &dir,
        &[
            "--on",
            "2026-06-01",
            "--fact",
            "deletion_request=2026-03-01",
            "--fact",
            "content_deleted=false",
            "--format",
            "json",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let decision = &value["versions"][0]["answers"][0]["outcome"]["decision"];
    assert_eq!(decision["verdict"], "breached");
    assert_eq!(decision["due"], "2026-04-30");
    let rule = &value["versions"][0]["rules"]["delete.within_60_days"];
    assert_eq!(rule["effect"], "oblige");
    assert_eq!(rule["due"], "deletion_request + 60 days");
    assert_eq!(rule["done"], "content_deleted");
}

#[test]
fn a_timeline_shows_the_duty_due_then_breached() {
    let dir = agreement(VERSION);
    let terms = dir.path().join("terms");
    let run = covenant(&[
        "--terms",
        terms.to_str().unwrap(),
        "timeline",
        "provider.delete_content",
        "--fact",
        "deletion_request=2026-03-01",
        "--fact",
        "content_deleted=false",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "from 2026-03-01 until 2026-04-30  required   delete.within_60_days\n  from 2026-04-30 onward            breached   delete.within_60_days"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn only_a_duty_has_a_deadline_and_a_performance() {
    let dir = agreement(&VERSION.replace("effect = \"oblige\"", "effect = \"permit\""));
    let terms = dir.path().join("terms");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("`due` belongs to a duty, and this rule has `effect = \"permit\"`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`done` belongs to a duty"),
        "{}",
        run.stderr
    );
    let dir =
        agreement(&VERSION.replace("done = \"content_deleted\"", "done = \"content_deletd\""));
    let terms = dir.path().join("terms");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert!(
        run.stderr.contains("unknown event `content_deletd`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `content_deleted`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_duty_with_its_deadline_counts_once_in_the_version() {
    let dir = agreement(VERSION);
    let terms = dir.path().join("terms");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "versions"]);
    assert!(
        run.stdout.contains("(1 rules)") || run.stdout.contains("(1 rule)"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_warns_of_a_deadline_outside_the_duty() {
    let late = VERSION.replace(
        "due = \"deletion_request + 60 days\"",
        "due = \"deletion_request + 90 days\"\nuntil = \"deletion_request + 60 days\"",
    );
    let dir = agreement(&late);
    let terms = dir.path().join("terms");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert!(
        run.stdout.contains("warning[due-outside-interval]: the deadline of `delete.within_60_days` comes on or after the duty ends: it is never overdue"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let early = VERSION.replace(
        "from = \"deletion_request\"",
        "from = \"deletion_request + 90 days\"",
    );
    let dir = agreement(&early);
    let terms = dir.path().join("terms");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert!(
        run.stdout
            .contains("comes before the duty starts: it is breached from its first day"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let dir = agreement(VERSION);
    let terms = dir.path().join("terms");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert!(
        !run.stdout.contains("due-outside-interval"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_breach_names_the_deadline_that_passed_not_another_duty_s() {
    // Two duties decide together; asked between their deadlines, the answer
    // is breached since the earlier one, not "overdue since" the later one.
    // The later deadline is written first.
    let later = "[[rules]]\nid = \"delete.backups\"\naction = \"provider.delete_content\"\neffect = \"oblige\"\nfrom = \"deletion_request\"\ndue = \"deletion_request + 90 days\"\ncitations = [{ seed = \"terms.txt\", quote = \"Provider will delete Customer Content\" }]\n\n[[rules]]";
    let two = VERSION.replacen("[[rules]]", later, 1);
    let dir = agreement(&two);
    let between = ask(
        &dir,
        &[
            "--on",
            "2026-05-10",
            "--fact",
            "deletion_request=2026-03-01",
            "--fact",
            "content_deleted=false",
        ],
    );
    assert!(between.contains("breached"), "{between}");
    assert!(between.contains("(overdue since 2026-04-30)"), "{between}");
    assert!(!between.contains("2026-05-30"), "{between}");
}

#[test]
fn a_scenario_about_a_partys_whole_position_expects_a_verdict_per_action() {
    let dir = agreement(VERSION);
    let scenario = dir.write(
        "position.toml",
        r#"
[[question]]
name = "Provider's position on day 61"
query = "provider.*"
on = 2026-05-01
facts = { deletion_request = 2026-03-01, content_deleted = false }
expect = { "provider.delete_content" = "breached" }

[[question]]
name = "Provider's position before any request"
query = "provider.*"
on = 2026-02-01
facts = { deletion_request = false, content_deleted = false }
expect = "permitted"
"#,
    );
    let terms = dir.path().join("terms");
    let run = covenant(&[
        "--terms",
        terms.to_str().unwrap(),
        "test",
        scenario.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("ok      Provider's position on day 61: provider.delete_content"),
        "{}",
        run.stdout
    );
    let wrong = dir.write(
        "wrong.toml",
        r#"
[[question]]
name = "a typo in an action"
query = "provider.*"
on = 2026-05-01
expect = { "provider.delete_contnet" = "required" }
"#,
    );
    let run = covenant(&[
        "--terms",
        terms.to_str().unwrap(),
        "test",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "`provider.delete_contnet` is not one of the actions `provider.*` asks about"
        ),
        "{}",
        run.stderr
    );
}
