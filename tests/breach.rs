//! Breach as an event, as a user runs it on `examples/deadlines/`: a duty to
//! delete within 60 days of a request, a right to terminate from the day it
//! is overdue (`from = "breach(delete.within_60_days)"`), and a credit due 30
//! days after that day.

mod common;

use common::{TempDir, covenant, replace_in, repository};
use std::path::PathBuf;

fn terms() -> String {
    repository()
        .join("examples/deadlines/terms")
        .to_str()
        .unwrap()
        .to_string()
}

fn run(args: &[&str]) -> String {
    let terms = terms();
    let mut all = vec!["--terms", terms.as_str()];
    all.extend(args);
    let run = covenant(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

/// The verdict line of a one-answer `ask`.
fn verdict(output: &str) -> &str {
    output
        .lines()
        .find(|l| {
            let l = l.trim_start();
            ["permitted", "forbidden", "required", "breached"]
                .iter()
                .any(|v| l.starts_with(v))
        })
        .unwrap_or_else(|| panic!("no verdict in:\n{output}"))
        .trim()
}

const REQUEST: &str = "deletion_request=2026-03-01";

#[test]
fn the_remedy_starts_on_the_day_the_duty_is_first_overdue() {
    let ask = |on: &str| {
        run(&[
            "ask",
            "customer.terminate",
            "--on",
            on,
            "--fact",
            REQUEST,
            "--fact",
            "content_deleted=false",
        ])
    };
    // Due 60 days after the request: overdue from 2026-04-30.
    let before = ask("2026-04-29");
    assert_eq!(verdict(&before), "forbidden  default");
    assert!(
        before.contains("breach(delete.within_60_days) has not happened by 2026-04-29"),
        "{before}"
    );
    let on = ask("2026-04-30");
    assert_eq!(verdict(&on), "permitted  rule terminate.on_failure");
    assert!(
        on.contains(
            "breach(delete.within_60_days) on 2026-04-30: the duty is first overdue that day"
        ),
        "{on}"
    );
}

#[test]
fn a_duty_met_in_time_is_never_breached_and_the_remedy_never_starts() {
    let out = run(&[
        "ask",
        "customer.terminate",
        "--on",
        "2027-01-01",
        "--fact",
        REQUEST,
        "--fact",
        "content_deleted=2026-04-29",
    ]);
    assert_eq!(verdict(&out), "forbidden  default");
    assert!(
        out.contains("breach(delete.within_60_days) has not happened by 2027-01-01"),
        "{out}"
    );
}

#[test]
fn a_penalty_duty_counts_its_own_deadline_from_the_breach() {
    let ask = |on: &str, paid: &str| {
        run(&[
            "ask",
            "provider.pay_credit",
            "--on",
            on,
            "--fact",
            REQUEST,
            "--fact",
            "content_deleted=2026-05-15",
            "--fact",
            &format!("credit_paid={paid}"),
        ])
    };
    // Breach on 2026-04-30 (deleted late, on 2026-05-15): the credit is due by 2026-05-30.
    let due = ask("2026-05-29", "false");
    assert_eq!(
        verdict(&due),
        "required   rule credit.within_30_days (due by 2026-05-30)"
    );
    let late = ask("2026-05-30", "false");
    assert_eq!(
        verdict(&late),
        "breached   rule credit.within_30_days (overdue since 2026-05-30)"
    );
    let paid = ask("2026-06-15", "2026-06-10");
    assert_eq!(verdict(&paid), "permitted  default");
}

#[test]
fn a_breach_the_facts_leave_open_is_answered_per_range_of_its_day() {
    let out = run(&[
        "ask",
        "customer.terminate",
        "--on",
        "2026-06-01",
        "--fact",
        REQUEST,
    ]);
    assert!(
        out.contains("depends on `breach(delete.within_60_days)` (not given)"),
        "{out}"
    );
    assert!(
        out.contains(
            "if `breach(delete.within_60_days)` on or before 2026-06-01  permitted  rule terminate.on_failure"
        ),
        "{out}"
    );
    assert!(!out.contains("first overdue"), "{out}");
}

#[test]
fn a_breach_given_outright_is_taken_as_given() {
    let out = run(&[
        "ask",
        "customer.terminate",
        "--on",
        "2026-03-05",
        "--fact",
        "breach(delete.within_60_days)=2026-03-02",
    ]);
    assert_eq!(verdict(&out), "permitted  rule terminate.on_failure");
    assert!(!out.contains("first overdue"), "{out}");
}

#[test]
fn json_gives_the_breach_day_as_data() {
    let out = run(&[
        "ask",
        "customer.terminate",
        "--on",
        "2026-06-01",
        "--fact",
        REQUEST,
        "--fact",
        "content_deleted=false",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["breaches"]["breach(delete.within_60_days)"],
        "2026-04-30"
    );
    assert_eq!(json["facts"]["content_deleted"], "false");
    assert!(json["facts"].get("breach(delete.within_60_days)").is_none());
}

#[test]
fn a_timeline_marks_the_breach_and_the_days_counted_from_it() {
    let out = run(&[
        "timeline",
        "provider.pay_credit",
        "--fact",
        REQUEST,
        "--fact",
        "content_deleted=2026-05-10",
        "--fact",
        "credit_paid=2026-06-20",
    ]);
    for line in [
        "from 2026-04-30 until 2026-05-30  required   credit.within_30_days",
        "from 2026-05-30 until 2026-06-20  breached   credit.within_30_days",
        "2026-04-30  `breach(delete.within_60_days)` happens",
        "2026-05-30  30 days after `breach(delete.within_60_days)`",
    ] {
        assert!(out.contains(line), "no `{line}` in:\n{out}");
    }
    // The deletion duty's own timeline does not count from its breach.
    let own = run(&["timeline", "provider.delete_content", "--fact", REQUEST]);
    assert!(!own.contains("breach("), "{own}");
}

#[test]
fn a_scenario_expects_a_remedy_after_a_breach() {
    let dir = TempDir::new("breach-scenario");
    let file = dir.write(
        "remedies.toml",
        r#"
[[question]]
name = "terminate once the deletion is overdue"
query = "customer.terminate"
on = 2026-05-01
facts = { deletion_request = 2026-03-01, content_deleted = false }
expect = "permitted"
expect_rule = "terminate.on_failure"

[[question]]
name = "no termination when deleted in time"
query = "customer.terminate"
on = 2026-05-01
facts = { deletion_request = 2026-03-01, content_deleted = 2026-04-01 }
expect = "forbidden"
"#,
    );
    let out = run(&["test", file.to_str().unwrap()]);
    assert!(out.contains("2 passed"), "{out}");
}

/// A copy of the example in a temporary directory, to break.
fn copy() -> (TempDir, PathBuf) {
    let dir = TempDir::new("breach-copy");
    let from = repository().join("examples/deadlines");
    for name in [
        "terms/vocabulary.toml",
        "terms/clause.toml",
        "seeds/clause.txt",
    ] {
        dir.write(name, std::fs::read(from.join(name)).unwrap());
    }
    let terms = dir.path().join("terms");
    (dir, terms)
}

#[test]
fn check_warns_of_a_remedy_after_a_duty_that_is_never_overdue() {
    let (_dir, terms) = copy();
    let clause = terms.join("clause.toml");
    replace_in(&clause, "due = \"deletion_request + 60 days\"\n", "");
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for rule in ["terminate.on_failure", "credit.within_30_days"] {
        assert!(
            run.stdout.contains(&format!(
                "warning[remedy-never-fires]: rule `{rule}` applies only once `breach(delete.within_60_days)` has happened, and it never happens: it has no `due`, so it is never overdue"
            )),
            "{}",
            run.stdout
        );
    }
    // With the deadline back, nothing to warn of.
    let shipped = covenant(&["--terms", &self::terms(), "check"]);
    assert!(
        !shipped.stdout.contains("remedy-never-fires"),
        "{}",
        shipped.stdout
    );
}

#[test]
fn a_breach_of_no_rule_is_an_error_with_the_nearest_id() {
    let (_dir, terms) = copy();
    let clause = terms.join("clause.toml");
    replace_in(
        &clause,
        "from = \"breach(delete.within_60_days)\"\nnote",
        "from = \"breach(delete.within_6_days)\"\nnote",
    );
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error: unknown rule `delete.within_6_days`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `delete.within_60_days`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_breach_written_badly_is_located() {
    let (_dir, terms) = copy();
    let clause = terms.join("clause.toml");
    replace_in(
        &clause,
        "from = \"breach(delete.within_60_days)\"\nnote",
        "from = \"breach(delete.within_60_days\"\nnote",
    );
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("expected a rule id and `)` in `breach(…)`, found the end of the text"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("clause.toml:27:"), "{}", run.stderr);
}

#[test]
fn a_chain_of_breaches_each_counted_from_the_last_is_settled_in_order() {
    // r0 is overdue a day after `start`; each r{i} is a duty from the breach
    // of r{i-1}, due a day later: r{i} is breached i + 1 days after `start`.
    const CHAIN: usize = 2_000;
    let dir = TempDir::new("breach-chain");
    dir.write(
        "terms/vocabulary.toml",
        r#"
[agreement]
title = "a chain of duties"
seeds = "../seeds"
[parties]
p = "P"
[actions."p.act"]
description = "P acts"
default = "permitted"
default_reason = "a freedom"
[events.start]
description = "it starts"
"#,
    );
    dir.write("seeds/s.txt", "P will act.\n");
    let mut version = String::from(
        "[version]\nid = \"v\"\ntitle = \"v\"\n[version.effective]\ndate = \"2000-01-01\"\nsource = \"s\"\n",
    );
    let cite = "citations = [{ seed = \"s.txt\", quote = \"P will act.\" }]\n";
    version.push_str(&format!(
        "[[rules]]\nid = \"r0\"\naction = \"p.act\"\neffect = \"oblige\"\nfrom = \"start\"\ndue = \"start + 1 day\"\n{cite}"
    ));
    for i in 1..CHAIN {
        let last = i - 1;
        version.push_str(&format!(
            "[[rules]]\nid = \"r{i}\"\naction = \"p.act\"\neffect = \"oblige\"\nfrom = \"breach(r{last})\"\ndue = \"breach(r{last}) + 1 day\"\n{cite}"
        ));
    }
    dir.write("terms/v.toml", version);
    let terms = dir.path().join("terms");
    let run = covenant(&[
        "--terms",
        terms.to_str().unwrap(),
        "ask",
        "p.act",
        "--on",
        "2010-01-01",
        "--fact",
        "start=2000-01-01",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let breaches = json["breaches"].as_object().unwrap();
    assert_eq!(breaches.len(), CHAIN - 1, "every breach named is settled");
    let last = format!("breach(r{})", CHAIN - 2);
    let day =
        chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(CHAIN as u64 - 1);
    assert_eq!(breaches[&last], day.to_string());
}

/// A duty under one reading of a dispute, and a remedy from its breach.
fn disputed_duty() -> (TempDir, PathBuf) {
    let dir = TempDir::new("breach-disputed");
    dir.write(
        "terms/vocabulary.toml",
        r#"
[agreement]
title = "a disputed deadline"
seeds = "../seeds"
[parties]
p = "P"
[actions."p.pay"]
description = "P pays"
default = "permitted"
default_reason = "a freedom"
[actions."p.sue"]
description = "P is sued"
default = "forbidden"
default_reason = "no ground"
[events.req]
description = "an invoice"
[events.paid]
description = "P paid"
[disputes.d]
question = "is the deadline strict?"
default = "strict"
default_reason = "the first report"
[disputes.d.readings.strict]
summary = "strict"
citations = [{ seed = "s.txt", quote = "P will pay" }]
[disputes.d.readings.lax]
summary = "lax"
citations = [{ seed = "s.txt", quote = "P will pay" }]
"#,
    );
    dir.write("seeds/s.txt", "P will pay within ten days.\n");
    dir.write(
        "terms/v.toml",
        r#"
[version]
id = "v"
title = "v"
[version.effective]
date = "2026-01-01"
source = "s"
[[rules]]
id = "pay"
action = "p.pay"
effect = "oblige"
from = "req"
due = "req + 10 days"
done = "paid"
reading = "d.strict"
citations = [{ seed = "s.txt", quote = "P will pay" }]
[[rules]]
id = "sue"
action = "p.sue"
effect = "permit"
from = "breach(pay)"
citations = [{ seed = "s.txt", quote = "P will pay" }]
"#,
    );
    let terms = dir.path().join("terms");
    (dir, terms)
}

#[test]
fn a_breach_that_depends_on_a_reading_not_given_is_left_open() {
    let (_dir, terms) = disputed_duty();
    let terms = terms.to_str().unwrap();
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "--terms",
            terms,
            "ask",
            "p.sue",
            "--on",
            "2026-03-01",
            "--fact",
            "req=2026-01-05",
            "--fact",
            "paid=false",
        ];
        args.extend(extra);
        let run = covenant(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    // Under the default reading the duty is overdue from 2026-01-15, under
    // the other never: the breach is not worked out on the default's word.
    let open = ask(&[]);
    assert!(
        open.contains("breach(pay) is left open: its day depends on the reading of `d`"),
        "{open}"
    );
    assert!(
        open.contains("depends on `breach(pay)` (not given)"),
        "{open}"
    );
    // A reading given settles it, either way.
    let strict = ask(&["--reading", "d=strict"]);
    assert!(strict.contains("breach(pay) on 2026-01-15"), "{strict}");
    assert_eq!(verdict(&strict), "permitted  rule sue");
    let lax = ask(&["--reading", "d=lax"]);
    assert!(
        lax.contains("breach(pay) has not happened by 2026-03-01"),
        "{lax}"
    );
    assert_eq!(verdict(&lax), "forbidden  default");
}

#[test]
fn an_answer_names_only_the_breaches_its_rules_count_from() {
    let on = [
        "--on",
        "2026-06-01",
        "--fact",
        REQUEST,
        "--fact",
        "content_deleted=false",
    ];
    let mut args = vec!["ask", "provider.delete_content"];
    args.extend(on);
    let duty = run(&args);
    assert!(!duty.contains("breach("), "{duty}");
    let mut args = vec!["ask", "customer.terminate"];
    args.extend(on);
    let remedy = run(&args);
    assert!(
        remedy.contains("breach(delete.within_60_days) on 2026-04-30"),
        "{remedy}"
    );
}

#[test]
fn a_scenario_cannot_give_a_breach_twice_under_two_spellings() {
    let dir = TempDir::new("breach-twice");
    let file = dir.write(
        "twice.toml",
        r#"
[[question]]
name = "twice"
query = "customer.terminate"
on = 2026-06-01
facts = { "breach(delete.within_60_days)" = 2026-05-01, "breach( delete.within_60_days )" = 2026-05-20 }
expect = "permitted"
"#,
    );
    let terms = terms();
    let run = covenant(&["--terms", &terms, "test", file.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("fact `breach(delete.within_60_days)` is given twice"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_long_condition_full_of_breach_openings_is_read_once() {
    // Every `breach(` here runs into the next before any `)`: no id is named.
    let (_dir, terms) = copy();
    let clause = terms.join("clause.toml");
    let noise = "breach(".repeat(20_000);
    replace_in(
        &clause,
        "note = \"from the day the deletion is overdue\"",
        &format!("when = \"{noise})\""),
    );
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("in `breach(…)`"),
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
}

#[test]
fn a_performance_known_only_to_have_happened_leaves_the_breach_open() {
    // `content_deleted=true`: deleted by the date asked, on a day not given;
    // in time (no breach) or late (a breach on 2026-04-30) alike.
    let out = run(&[
        "ask",
        "customer.terminate",
        "--on",
        "2026-06-15",
        "--fact",
        REQUEST,
        "--fact",
        "content_deleted=true",
    ]);
    assert!(
        out.contains("depends on `breach(delete.within_60_days)` (not given)"),
        "{out}"
    );
    assert!(!out.contains("has not happened"), "{out}");
}

#[test]
fn the_breach_of_a_rule_that_is_no_duty_never_happens_and_check_says_why() {
    let (_dir, terms) = copy();
    let clause = terms.join("clause.toml");
    replace_in(
        &clause,
        "from = \"breach(delete.within_60_days)\"\nnote",
        "from = \"breach(credit.within_30_days)\"\nnote",
    );
    replace_in(
        &clause,
        "id = \"credit.within_30_days\"\naction = \"provider.pay_credit\"\neffect = \"oblige\"",
        "id = \"credit.within_30_days\"\naction = \"provider.pay_credit\"\neffect = \"permit\"",
    );
    replace_in(
        &clause,
        "due = \"breach(delete.within_60_days) + 30 days\"\ndone = \"credit_paid\"\n",
        "",
    );
    let run = covenant(&["--terms", terms.to_str().unwrap(), "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "`breach(credit.within_30_days)` has happened, and it never happens: it is no duty (`oblige` with a `due`)"
        ),
        "{}",
        run.stdout
    );
}
