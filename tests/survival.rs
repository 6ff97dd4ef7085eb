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

mod oracle {
    //! On generated pairs of agreements whose rules may survive, the verdict
    //! under the version in force agrees on every day with a dumb oracle that
    //! reads the rules as written.

    use chrono::{Days, Months, NaiveDate};
    use covenant::eval::{self, Question};
    use covenant::space::Budget;
    use covenant::terms::{self, TermsSource};
    use covenant::verdict::{Effect, Verdict};
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Written {
        effect: Effect,
        /// Days after 2025-01-01 the rule ends, if it does.
        until: Option<u32>,
        /// `None`: does not survive; `Some(None)`: `true`; `Some(Some(m))`: `m months`.
        survives: Option<Option<u32>>,
    }

    fn rules() -> impl Strategy<Value = Vec<Written>> {
        let effect = prop::sample::select(vec![Effect::Permit, Effect::Forbid, Effect::Oblige]);
        prop::collection::vec(
            (
                effect,
                prop::option::of(100u32..400),
                prop::option::of(prop::option::of(1u32..8)),
            )
                .prop_map(|(effect, until, survives)| Written {
                    effect,
                    until,
                    survives,
                }),
            0..4,
        )
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new(u64::from(n))
    }

    const SUPERSEDED: u32 = 150; // 2025-05-31

    fn toml(id: &str, rules: &[Written], superseded: bool) -> String {
        let mut out = format!(
            "[version]\nid = \"{id}\"\ntitle = \"{id}\"\n[version.effective]\ndate = \"{}\"\nsource = \"s\"\n",
            if superseded { day(0) } else { day(SUPERSEDED) }
        );
        if superseded {
            out.push_str(&format!(
                "[version.superseded]\ndate = \"{}\"\nsource = \"s\"\n",
                day(SUPERSEDED)
            ));
        }
        for (i, rule) in rules.iter().enumerate() {
            out.push_str(&format!(
                "[[rules]]\nid = \"r{i}\"\naction = \"p.act\"\neffect = \"{}\"\ncitations = [{{ seed = \"s.txt\", quote = \"q\" }}]\n",
                rule.effect
            ));
            if let Some(until) = rule.until {
                out.push_str(&format!("until = \"{}\"\n", day(until)));
            }
            match rule.survives {
                Some(None) => out.push_str("survives = true\n"),
                Some(Some(months)) => out.push_str(&format!("survives = \"{months} months\"\n")),
                None => {}
            }
        }
        out
    }

    /// The verdict in force on `d`, from the rules as written.
    fn oracle(first: &[Written], second: &[Written], d: NaiveDate) -> Verdict {
        let valid = |rule: &Written| rule.until.is_none_or(|u| d < day(u));
        let combine =
            |effects: Vec<Effect>| Verdict::combine(effects).unwrap_or(Verdict::Permitted);
        if d < day(SUPERSEDED) {
            return combine(
                first
                    .iter()
                    .filter(|r| valid(r))
                    .map(|r| r.effect)
                    .collect(),
            );
        }
        let own: Vec<Effect> = second
            .iter()
            .filter(|r| valid(r))
            .map(|r| r.effect)
            .collect();
        if !own.is_empty() {
            return combine(own);
        }
        let surviving = first.iter().filter(|r| {
            valid(r)
                && match r.survives {
                    None => false,
                    Some(None) => true,
                    Some(Some(months)) => d < day(SUPERSEDED) + Months::new(months),
                }
        });
        combine(surviving.map(|r| r.effect).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_version_in_force_with_its_survivors_agrees_with_the_oracle(first in rules(), second in rules()) {
            let vocabulary = "[agreement]\ntitle = \"t\"\nseeds = \"seeds\"\n[parties]\np = \"P\"\n[actions.\"p.act\"]\ndescription = \"a\"\ndefault = \"permitted\"\ndefault_reason = \"r\"\n";
            let source = TermsSource::InMemory {
                terms: vec![
                    ("vocabulary.toml".into(), vocabulary.into()),
                    ("first.toml".into(), toml("first", &first, true)),
                    ("second.toml".into(), toml("second", &second, false)),
                ],
                seeds: vec![("s.txt".into(), "q".into())],
            };
            let terms = terms::load(&source).expect("generated terms load");
            let facts = terms.unknown_facts();
            let readings = terms.default_readings();
            for n in 0..500 {
                let date = day(n);
                let version = terms.version_in_force(date).expect("a version is in force");
                let question = Question { version, action: 0, params: &[], date, facts: &facts, readings: &readings };
                let outcome = eval::outcome(&terms, &question, &mut Budget::default()).expect("fits");
                let got = outcome.verdicts();
                prop_assert_eq!(got.clone(), vec![oracle(&first, &second, date)], "on {}", date);
            }
        }
    }
}

#[test]
fn a_rule_that_survives_is_carried_into_every_later_version_once() {
    let dir = agreement(&SECOND.replace(
        "source = \"the cover page\"\n",
        "source = \"the cover page\"\n[version.superseded]\ndate = \"2026-01-01\"\nsource = \"the cover page\"\n",
    ));
    dir.write(
        "terms/first.toml",
        FIRST.replace("survives = \"6 months\"", "survives = true"),
    );
    dir.write(
        "terms/third.toml",
        "[version]\nid = \"third\"\ntitle = \"the third agreement\"\n[version.effective]\ndate = \"2026-01-01\"\nsource = \"the cover page\"\n",
    );
    let answer = run(
        &dir,
        &["ask", "provider.carry_insurance", "--on", "2027-01-01"],
    );
    assert!(answer.contains("under `third`"), "{answer}");
    assert!(
        answer.contains("required   rule first/insurance\n"),
        "{answer}"
    );
    assert!(!answer.contains("second/first"), "{answer}");
}
