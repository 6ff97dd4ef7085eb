//! The Common Paper CSA example (`examples/common-paper-csa/`): the Standard
//! Terms 1.1 and 2.1 as two versions. It loads and checks clean, its scenarios
//! pass, every passage it cites is verbatim in its seed, a clause both texts
//! state alike is the same rule in both files, and `diff csa-1.1 csa-2.1`
//! reports exactly the clauses the texts change and nothing where they agree.

mod common;

use common::covenant;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const EXAMPLE: &str = "examples/common-paper-csa";
const TERMS: &str = "examples/common-paper-csa/terms";
const SCENARIOS: &str = "examples/common-paper-csa/scenarios.toml";
const VERSIONS: [&str; 2] = ["csa-1.1.toml", "csa-2.1.toml"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every seed of the example, by file name.
fn seeds() -> BTreeMap<String, String> {
    common::seeds_in(&format!("{EXAMPLE}/seeds"))
}

use common::citations;

fn terms_file(name: &str) -> toml::Value {
    let text = std::fs::read_to_string(root().join(TERMS).join(name)).unwrap();
    toml::from_str(&text).unwrap()
}

/// The rules of a version file, by id.
fn rules(file: &str) -> BTreeMap<String, toml::Value> {
    terms_file(file)["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| (rule["id"].as_str().unwrap().to_string(), rule.clone()))
        .collect()
}

#[test]
fn the_example_checks_clean_with_its_one_explained_warning() {
    let run = covenant(&["--terms", TERMS, "check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.ends_with(
            "0 error(s), 0 warning(s), 1 explained warning(s): the terms are consistent\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "explained[unused-reading]: no rule applies under the reading `reinstatement.only_if`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn every_scenario_of_the_example_passes() {
    let run = covenant(&["--terms", TERMS, "test", SCENARIOS]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("FAILED"), "{}", run.stdout);
    let questions = scenario_questions().len();
    assert!(questions >= 20, "only {questions} questions");
    assert!(
        run.stdout
            .ends_with(&format!("{questions} passed, 0 failed\n")),
        "{}",
        run.stdout
    );
}

fn scenario_questions() -> Vec<toml::Value> {
    let text = std::fs::read_to_string(root().join(SCENARIOS)).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    value["question"].as_array().unwrap().clone()
}

#[test]
fn the_scenarios_ask_both_versions_with_events_of_every_kind_and_numbers_on_both_sides() {
    let questions = scenario_questions();
    // Both versions, by the date asked (1.1 until 2025-06-01) or by name.
    let mut versions = BTreeSet::new();
    for question in &questions {
        let on = question["on"].as_str().unwrap();
        match question.get("under").and_then(|u| u.as_str()) {
            Some("all") => {
                versions.insert("csa-1.1");
                versions.insert("csa-2.1");
            }
            Some(version) => {
                versions.insert(if version == "csa-1.1" {
                    "csa-1.1"
                } else {
                    "csa-2.1"
                });
            }
            None if on < "2025-06-01" => {
                versions.insert("csa-1.1");
            }
            None => {
                versions.insert("csa-2.1");
            }
        }
    }
    assert_eq!(versions.len(), 2, "{versions:?}");

    let vocabulary = terms_file("vocabulary.toml");
    let events: BTreeSet<&str> = vocabulary["events"]
        .as_table()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut kinds = (false, false, false);
    let mut numbers: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for question in &questions {
        let Some(facts) = question.get("facts").and_then(|f| f.as_table()) else {
            continue;
        };
        for (name, value) in facts {
            if events.contains(name.as_str()) {
                match value {
                    toml::Value::Datetime(_) => kinds.0 = true,
                    toml::Value::Boolean(true) => kinds.1 = true,
                    toml::Value::Boolean(false) => kinds.2 = true,
                    _ => {}
                }
            }
            match value {
                toml::Value::Integer(n) => numbers.entry(name.clone()).or_default().push(*n as f64),
                toml::Value::String(s) if s.parse::<f64>().is_ok() => numbers
                    .entry(name.clone())
                    .or_default()
                    .push(s.parse().unwrap()),
                _ => {}
            }
        }
    }
    assert_eq!(kinds, (true, true, true), "events as a date, true, false");
    // Each constant a number fact is compared with, asked below, at and above.
    for (fact, constant) in [
        ("days_overdue", 30.0),
        ("insolvency_days", 60.0),
        ("force_majeure_days", 30.0),
    ] {
        let asked = &numbers[fact];
        assert!(asked.iter().any(|&n| n < constant), "{fact}: {asked:?}");
        assert!(asked.iter().any(|&n| n > constant), "{fact}: {asked:?}");
        assert!(asked.contains(&constant), "{fact}: {asked:?}");
    }
}

#[test]
fn every_rule_of_the_example_quotes_its_own_versions_seed_verbatim() {
    let seeds = seeds();
    for seed in ["csa-1.1.md", "csa-2.1.md", "cover-page.md", "NOTICE.md"] {
        assert!(seeds.contains_key(seed), "{:?}", seeds.keys());
    }
    let mut found = Vec::new();
    citations(&terms_file("vocabulary.toml"), "vocabulary", &mut found);
    for (owner, seed, quote) in &found {
        assert!(
            seeds[seed].contains(quote.as_str()),
            "{owner}: quote not verbatim in {seed}: {quote:?}"
        );
    }
    for (file, own_seed) in VERSIONS.iter().zip(["csa-1.1.md", "csa-2.1.md"]) {
        let mut found = Vec::new();
        citations(&terms_file(file), file, &mut found);
        for (owner, seed, quote) in &found {
            let text = seeds
                .get(seed)
                .unwrap_or_else(|| panic!("{owner}: cites missing seed {seed}"));
            assert!(
                text.contains(quote.as_str()),
                "{owner}: quote not verbatim in {seed}: {quote:?}"
            );
            // A version's rules quote its own text; only its dates (owned by
            // the `[version]` table, whose id is the file's stem) quote the Cover Page.
            assert!(
                seed == own_seed
                    || (seed == "cover-page.md"
                        && Some(owner.as_str()) == file.strip_suffix(".toml")),
                "{file}: {owner} quotes {seed}"
            );
        }
        let rules = rules(file);
        assert!(rules.len() >= 30, "{file}: only {} rules", rules.len());
        for id in rules.keys() {
            assert!(
                found.iter().any(|(owner, _, _)| owner == id),
                "{file}: rule {id} cites nothing"
            );
        }
    }
}

#[test]
fn the_seeds_are_the_standard_terms_without_their_span_tags_and_keep_their_attribution() {
    let seeds = seeds();
    for seed in ["csa-1.1.md", "csa-2.1.md"] {
        let text = &seeds[seed];
        assert!(
            !text.contains("<span") && !text.contains("</span>"),
            "{seed}"
        );
        assert!(text.starts_with("# Cloud Service Agreement\n"), "{seed}");
    }
    // The 2.1 seed is the one the smaller cloud-service example quotes.
    let cloud_service =
        std::fs::read_to_string(root().join("examples/cloud-service/seeds/csa-2.1.md")).unwrap();
    assert_eq!(seeds["csa-2.1.md"], cloud_service);

    let notice = &seeds["NOTICE.md"];
    for needed in [
        "CC BY 4.0",
        "Common Paper",
        "What was changed",
        "<span …>",
        "</span>",
        "HYPOTHETICAL",
    ] {
        assert!(notice.contains(needed), "NOTICE.md lacks {needed:?}");
    }
    let cover = &seeds["cover-page.md"];
    assert!(cover.starts_with("# HYPOTHETICAL Cover Page"), "{cover}");
    assert!(cover.contains("NOT A REAL AGREEMENT"), "{cover}");

    // With the originals at hand (a directory named by the environment),
    // stripping their tags gives the seeds byte for byte.
    if let Some(dir) = std::env::var_os("COVENANT_CSA_ORIGINALS") {
        for (original, seed) in [("CSA-1.1.md", "csa-1.1.md"), ("CSA-2.1.md", "csa-2.1.md")] {
            let original = std::fs::read_to_string(Path::new(&dir).join(original)).unwrap();
            assert_eq!(strip_spans(&original), seeds[seed], "{seed}");
        }
    }
}

/// `original` without `<span …>` and `</span>` tags.
fn strip_spans(original: &str) -> String {
    let mut out = String::with_capacity(original.len());
    let mut rest = original;
    while let Some(start) = rest
        .find("<span")
        .into_iter()
        .chain(rest.find("</span>"))
        .min()
    {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('>').expect("a tag ends") + start + 1;
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Rules only 1.1 has: clauses 2.1 dropped.
const ONLY_1_1: [&str; 10] = [
    "sla.remedies",              // §1.2 Service Level
    "services.perform",          // §3 Professional Services
    "security.policy",           // §4.3 Security
    "warranty.reperform",        // §7.4 reperform the Professional Services
    "insurance.carry",           // §11 Insurance
    "insurance.certificate",     // §11 Insurance
    "policy_update.with_notice", // §14.2 one-sided policy updates
    "terminate.policy_update",   // §14.2 termination during the notice period
    "publicity.needs_approval",  // §14.7 No Publicity
    "publicity.approved",        // §14.7 No Publicity
];

/// Rules only 2.1 has: clauses 2.1 added.
const ONLY_2_1: [&str; 9] = [
    "usage_data.promote",                   // §1.4 "and promote"
    "usage_data.train_models",              // §1.6 Machine Learning
    "content.train_models",                 // §1.6 Machine Learning
    "ml.deidentify",                        // §1.6(b)
    "fees.in_order_form_currency",          // §4.1, §4.5 another currency
    "dispute.after_automatic_payment",      // §4.6 within 30 days of an automatic payment
    "functionality.beta",                   // §12.7 Beta Products
    "logo.rights",                          // §12.8 Logo Rights
    "provider_terminate.export_compliance", // §12.13 Export Controls
];

/// Rules both versions have whose meaning changed.
const CHANGED: [&str; 2] = [
    "fees.in_usd",                   // 2.1: unless the Order Form names another currency
    "terminate.warranty_unresolved", // 2.1: no Professional Services warranty
];

#[test]
fn a_clause_both_texts_state_alike_is_the_same_rule_in_both_files() {
    let old = rules("csa-1.1.toml");
    let new = rules("csa-2.1.toml");
    let only_old: BTreeSet<&str> = old
        .keys()
        .filter(|id| !new.contains_key(*id))
        .map(String::as_str)
        .collect();
    let only_new: BTreeSet<&str> = new
        .keys()
        .filter(|id| !old.contains_key(*id))
        .map(String::as_str)
        .collect();
    assert_eq!(only_old, BTreeSet::from(ONLY_1_1));
    assert_eq!(only_new, BTreeSet::from(ONLY_2_1));
    let meaning = |rule: &toml::Value| {
        [
            "action",
            "effect",
            "from",
            "until",
            "when",
            "overrides",
            "reading",
        ]
        .map(|key| rule.get(key).cloned())
    };
    for (id, rule) in &old {
        let Some(other) = new.get(id) else { continue };
        if CHANGED.contains(&id.as_str()) {
            assert_ne!(meaning(rule), meaning(other), "{id} is listed as changed");
        } else {
            assert_eq!(
                meaning(rule),
                meaning(other),
                "{id} differs between the versions"
            );
        }
    }
}

/// One change the texts make, as `diff` reports it.
struct Change {
    /// What it is, for messages.
    clause: &'static str,
    action: &'static str,
    params: Value,
    /// Facts the region is limited to: each key must be in the region's facts,
    /// and each value must be contained in the region's (objects by key, all
    /// else equal).
    facts: Value,
    old: &'static str,
    new: &'static str,
    /// A rule that decides on one side or the other.
    rule: &'static str,
}

/// Whether `expected` is contained in `actual`: objects key by key, all else equal.
fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => expected
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|a| contains(a, value))),
        _ => actual == expected,
    }
}

fn days(from: Option<i64>, until: Option<i64>, or_never: bool) -> Value {
    json!({ "stages": [{ "unit": "day", "from": from, "until": until, "or_never": or_never }] })
}

fn expected_changes() -> Vec<Change> {
    vec![
        Change {
            clause: "1.1 §1.2 Service Level: dropped in 2.1",
            action: "provider.provide_sla_remedies",
            params: json!({}),
            facts: json!({ "sla_missed": ["true"], "outage_excused": ["false"] }),
            old: "required",
            new: "permitted",
            rule: "sla.remedies",
        },
        Change {
            clause: "2.1 §1.4: Usage Data may also promote Provider's products",
            action: "provider.use_usage_data",
            params: json!({ "purpose": ["promote_products"] }),
            facts: json!({}),
            old: "forbidden",
            new: "permitted",
            rule: "usage_data.promote",
        },
        Change {
            clause: "2.1 §1.6 Machine Learning: aggregated Usage Data",
            action: "provider.use_usage_data",
            params: json!({ "purpose": ["train_models"] }),
            facts: json!({ "ml_data_aggregated": ["true"] }),
            old: "forbidden",
            new: "permitted",
            rule: "usage_data.train_models",
        },
        Change {
            clause: "2.1 §1.6 Machine Learning: aggregated Customer Content",
            action: "provider.use_customer_content",
            params: json!({ "purpose": ["train_models"] }),
            facts: json!({ "ml_data_aggregated": ["true"] }),
            old: "forbidden",
            new: "permitted",
            rule: "content.train_models",
        },
        Change {
            clause: "2.1 §1.6(b): de-identify before training",
            action: "provider.deidentify_before_model_training",
            params: json!({}),
            facts: json!({ "uses_data_for_models": ["true"] }),
            old: "permitted",
            new: "required",
            rule: "ml.deidentify",
        },
        Change {
            clause: "1.1 §4.3 Security: dropped in 2.1",
            action: "provider.comply_with_security_policy",
            params: json!({}),
            facts: json!({ "security_policy_exists": ["true"] }),
            old: "required",
            new: "permitted",
            rule: "security.policy",
        },
        Change {
            clause: "1.1 §3 Professional Services: dropped in 2.1",
            action: "provider.perform_professional_services",
            params: json!({}),
            facts: json!({ "professional_services_ordered": ["true"] }),
            old: "required",
            new: "permitted",
            rule: "services.perform",
        },
        Change {
            clause: "2.1 §4.1, §4.5: the Order Form may name another currency (no longer U.S. Dollars)",
            action: "customer.pay_fees",
            params: json!({ "currency": ["usd"] }),
            facts: json!({ "other_currency_specified": ["true"] }),
            old: "required",
            new: "permitted",
            rule: "fees.in_usd",
        },
        Change {
            clause: "2.1 §4.1, §4.5: the Order Form may name another currency (pay in it)",
            action: "customer.pay_fees",
            params: json!({ "currency": ["order_form_currency"] }),
            facts: json!({ "other_currency_specified": ["true"] }),
            old: "permitted",
            new: "required",
            rule: "fees.in_order_form_currency",
        },
        Change {
            clause: "2.1 §4.6: a dispute within 30 days of an automatic payment",
            action: "customer.dispute_charges",
            params: json!({}),
            facts: json!({ "automatic_payment": days(Some(0), Some(30), false) }),
            old: "forbidden",
            new: "permitted",
            rule: "dispute.after_automatic_payment",
        },
        Change {
            clause: "1.1 §7.4: termination when Professional Services cannot be put right",
            action: "customer.terminate",
            params: json!({}),
            facts: json!({ "warranty_issue": ["professional_services"], "provider_cannot_resolve": ["true"] }),
            old: "permitted",
            new: "forbidden",
            rule: "terminate.warranty_unresolved",
        },
        Change {
            clause: "1.1 §14.2: termination during the notice period of a policy update",
            action: "customer.terminate",
            params: json!({}),
            facts: json!({
                "update_is_material_reduction": ["true"],
                "prior_version_restorable": ["false"],
                "policy_update_notice": days(Some(0), Some(30), false),
            }),
            old: "permitted",
            new: "forbidden",
            rule: "terminate.policy_update",
        },
        Change {
            clause: "2.1 §12.13: Provider may terminate to comply with export controls",
            action: "provider.terminate",
            params: json!({}),
            facts: json!({ "export_termination_needed": ["true"] }),
            old: "forbidden",
            new: "permitted",
            rule: "provider_terminate.export_compliance",
        },
        Change {
            clause: "2.1 §12.7 Beta Products: outside the functionality warranty",
            action: "provider.reduce_functionality",
            params: json!({ "feature": ["beta"] }),
            facts: json!({}),
            old: "forbidden",
            new: "permitted",
            rule: "functionality.beta",
        },
        Change {
            clause: "1.1 §7.4: reperform the Professional Services",
            action: "provider.reperform_professional_services",
            params: json!({}),
            facts: json!({
                "warranty_issue": ["professional_services"],
                "warranty_notice": days(Some(0), Some(45), false),
            }),
            old: "required",
            new: "permitted",
            rule: "warranty.reperform",
        },
        Change {
            clause: "1.1 §11 Insurance: dropped in 2.1",
            action: "provider.carry_insurance",
            params: json!({}),
            facts: json!({
                "subscription_end": { "stages": [{ "unit": "month", "from": null, "until": 6, "or_never": true }] },
            }),
            old: "required",
            new: "permitted",
            rule: "insurance.carry",
        },
        Change {
            clause: "1.1 §11 Insurance: the certificate",
            action: "provider.give_insurance_certificate",
            params: json!({}),
            facts: json!({}),
            old: "required",
            new: "permitted",
            rule: "insurance.certificate",
        },
        Change {
            clause: "1.1 §14.2: one-sided policy updates on 30 days' notice, dropped in 2.1",
            action: "provider.update_policy",
            params: json!({}),
            facts: json!({ "policy_update_notice": days(Some(30), None, false) }),
            old: "permitted",
            new: "forbidden",
            rule: "policy_update.with_notice",
        },
        Change {
            clause: "2.1 §12.8 Logo Rights, where 1.1 §14.7 needed approval",
            action: "provider.name_customer_in_marketing",
            params: json!({}),
            facts: json!({ "publicity_approved": ["false"] }),
            old: "forbidden",
            new: "permitted",
            rule: "logo.rights",
        },
    ]
}

#[test]
fn the_diff_of_the_two_versions_is_exactly_the_clauses_the_texts_change() {
    let run = covenant(&[
        "--terms", TERMS, "diff", "csa-1.1", "csa-2.1", "--format", "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let diff: Value = serde_json::from_str(&run.stdout).unwrap();
    let regions = diff["regions"].as_array().unwrap();
    let changes = expected_changes();
    let mut seen = vec![false; changes.len()];
    for region in regions {
        let rules: Vec<&str> = ["old", "new"]
            .iter()
            .flat_map(|side| {
                let ids = region[side]["outcome"]["decision"]["rules"]
                    .as_array()
                    .unwrap();
                // Each id names a rule described once, in the report's version.
                for id in ids {
                    assert!(diff[side]["rules"][id.as_str().unwrap()].is_object());
                }
                ids
            })
            .map(|rule| rule.as_str().unwrap())
            .collect();
        let matched: Vec<usize> = changes
            .iter()
            .enumerate()
            .filter(|(_, change)| {
                region["action"] == change.action
                    && region["params"] == change.params
                    && contains(&region["facts"], &change.facts)
                    && region["old"]["outcome"]["decision"]["verdict"] == change.old
                    && region["new"]["outcome"]["decision"]["verdict"] == change.new
                    && rules.contains(&change.rule)
            })
            .map(|(i, _)| i)
            .collect();
        assert!(
            !matched.is_empty(),
            "a region no clause explains: {}",
            serde_json::to_string_pretty(region).unwrap()
        );
        assert_eq!(region["under_every_reading"], true, "{region}");
        matched.iter().for_each(|&i| seen[i] = true);
    }
    for (change, seen) in changes.iter().zip(&seen) {
        assert!(seen, "diff does not report: {}", change.clause);
    }

    // Every other action is unchanged: where the texts agree, diff is silent.
    let vocabulary = terms_file("vocabulary.toml");
    let changed: BTreeSet<&str> = changes.iter().map(|c| c.action).collect();
    let unchanged: BTreeSet<&str> = vocabulary["actions"]
        .as_table()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|action| !changed.contains(action))
        .collect();
    assert!(unchanged.len() >= 15, "{unchanged:?}");
    for region in regions {
        let action = region["action"].as_str().unwrap();
        assert!(!unchanged.contains(action), "{action} changed");
    }
    let summary: BTreeSet<&str> = diff["summary"]["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(summary, changed);
}

#[test]
fn a_version_diffed_with_itself_has_no_differences() {
    let run = covenant(&["--terms", TERMS, "diff", "csa-2.1", "csa-2.1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("no differences"), "{}", run.stdout);
}

#[test]
fn insurance_runs_six_calendar_months_past_the_subscription_period() {
    let answer = |on: &str| {
        let run = covenant(&[
            "--terms",
            TERMS,
            "ask",
            "provider.carry_insurance",
            "--on",
            on,
            "--under",
            "csa-1.1",
            "--fact",
            "subscription_start=2024-01-01",
            "--fact",
            "subscription_end=2024-08-31",
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let value: Value = serde_json::from_str(&run.stdout).unwrap();
        let answers = value["versions"][0]["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 1, "{value}");
        answers[0]["outcome"]["decision"]["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(answer("2023-12-31"), "permitted");
    assert_eq!(answer("2024-01-01"), "required");
    // 31 August + 6 months is the last day of February.
    assert_eq!(answer("2025-02-27"), "required");
    assert_eq!(answer("2025-02-28"), "permitted");
}
