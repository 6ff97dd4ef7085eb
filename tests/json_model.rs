//! The JSON of `ask`, `timeline` and `diff` is one model: every outcome has
//! the same shape, names rules by id, and each id is described once, in the
//! `rules` of the version it belongs to; a diff's summary is data.

mod common;

use common::covenant;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = covenant(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("--format json is JSON")
}

const DECISION_KEYS: [&str; 6] = [
    "verdict",
    "decided_by",
    "rules",
    "more_rules",
    "overridden",
    "default_reason",
];

/// Checks one decision's shape, and that each rule it names is described
/// in `rules` (the map of the version it is under); returns how many it named.
fn check_decision(decision: &Value, rules: &Value) -> usize {
    for key in DECISION_KEYS {
        assert!(decision.get(key).is_some(), "`{key}` in {decision}");
    }
    assert!(decision["more_rules"].is_u64(), "{decision}");
    let named = decision["rules"].as_array().expect("rules is a list");
    assert_eq!(
        named.is_empty(),
        decision["decided_by"] == "default",
        "{decision}"
    );
    for id in named
        .iter()
        .chain(decision["overridden"].as_array().unwrap())
    {
        let id = id.as_str().expect("a rule is named by its id");
        let rule = &rules[id];
        assert_eq!(rule["id"], id, "rule `{id}` is described in its version");
        assert!(rule["version"].is_string(), "{rule}");
    }
    named.len()
}

/// Checks an outcome of any kind; returns how many rule ids it named.
fn check_outcome(outcome: &Value, rules: &Value) -> usize {
    match outcome["kind"].as_str() {
        Some("decided") => check_decision(&outcome["decision"], rules),
        Some("depends_on_facts") => {
            assert!(outcome["facts"].is_array(), "{outcome}");
            let cases = outcome["cases"].as_array().expect("cases");
            cases
                .iter()
                .map(|case| {
                    assert!(case["facts"].is_object(), "{case}");
                    check_decision(&case["decision"], rules)
                })
                .sum()
        }
        Some("no_agreement") => {
            for edge in [&outcome["ended"], &outcome["next"]] {
                assert!(
                    edge.is_null() || (edge["version"].is_string() && edge["date"].is_string()),
                    "{outcome}"
                );
            }
            0
        }
        other => panic!("an outcome of kind {other:?}: {outcome}"),
    }
}

/// The `rules` of the version object with id `id` in `versions`.
fn rules_of<'a>(versions: &'a Value, id: &Value) -> &'a Value {
    &versions
        .as_array()
        .expect("versions is a list")
        .iter()
        .find(|v| v["id"] == *id)
        .unwrap_or_else(|| panic!("version {id} is described"))["rules"]
}

#[test]
fn an_ask_answer_names_rules_by_id_and_describes_each_in_its_version() {
    let report = json(&[
        "ask",
        "openai.host_models",
        "--on",
        "2025-03-01",
        "--under",
        "all",
    ]);
    assert!(
        report["params"]["cloud"].is_array(),
        "params map names to values"
    );
    let mut named = 0;
    for version in report["versions"].as_array().unwrap() {
        assert!(version["id"].is_string());
        for answer in version["answers"].as_array().unwrap() {
            named += check_outcome(&answer["outcome"], &version["rules"]);
            for dispute in answer["disputes"].as_array().unwrap() {
                assert!(dispute["reading"]["id"].is_string());
                for alternative in dispute["alternatives"].as_array().unwrap() {
                    named += check_outcome(&alternative["outcome"], &version["rules"]);
                }
            }
        }
    }
    assert!(named > 0);
    // Every dispute's reading is there, the default ones too.
    assert_eq!(
        report["readings"]["agi_clause_effect"],
        "openai_may_restrict"
    );
}

#[test]
fn a_timeline_span_has_the_outcome_of_an_answer_and_its_rules_are_in_versions() {
    for under in ["all", "in-force"] {
        let report = json(&["timeline", "openai.host_models", "--under", under]);
        let mut named = 0;
        let mut no_agreement = 0;
        for lane in report["lanes"].as_array().unwrap() {
            assert!(lane["facts"].is_object(), "{lane}");
            assert_eq!(lane["version"].is_null(), under == "in-force", "{lane}");
            for span in lane["spans"].as_array().unwrap() {
                if span["version"].is_null() {
                    assert_eq!(span["outcome"]["kind"], "no_agreement", "{span}");
                    no_agreement += check_outcome(&span["outcome"], &Value::Null) + 1;
                    continue;
                }
                let rules = rules_of(&report["versions"], &span["version"]);
                named += check_outcome(&span["outcome"], rules);
                for dispute in span["disputes"].as_array().unwrap() {
                    for alternative in dispute["alternatives"].as_array().unwrap() {
                        named += check_outcome(&alternative["outcome"], rules);
                    }
                }
            }
        }
        assert!(named > 0, "{under}");
        assert_eq!(no_agreement > 0, under == "in-force", "{under}");
        for mark in report["marks"].as_array().unwrap() {
            assert!(mark["subject"].is_string(), "{mark}");
        }
    }
}

#[test]
fn a_diff_side_is_an_outcome_and_each_summary_change_is_its_region_as_data() {
    let report = json(&["diff", "--readings", "all"]);
    let regions = report["regions"].as_array().unwrap();
    for region in regions {
        for side in ["old", "new"] {
            assert_eq!(region[side]["version"], report[side]["id"]);
            assert_eq!(region[side]["outcome"]["kind"], "decided");
            check_outcome(&region[side]["outcome"], &report[side]["rules"]);
        }
    }
    let mut changes = 0;
    for action in report["summary"]["changed"].as_array().unwrap() {
        for change in action["changes"].as_array().unwrap() {
            changes += 1;
            let region = &regions[change["region"].as_u64().unwrap() as usize];
            assert_eq!(region["action"], action["action"]);
            for key in ["from", "until", "facts", "readings", "under_every_reading"] {
                assert_eq!(change[key], region[key], "{key} of {change}");
            }
            for side in ["old", "new"] {
                assert_eq!(change[side], region[side]["outcome"]["decision"]["verdict"]);
            }
            for (param, values) in change["params"].as_object().unwrap() {
                assert_eq!(*values, region["params"][param], "{change}");
            }
            assert!(change["text"].is_string());
        }
    }
    assert_eq!(changes, regions.len());
}
