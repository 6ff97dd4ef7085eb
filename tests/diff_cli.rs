//! `covenant diff` and `covenant timeline` on the shipped terms, as a user runs
//! them: the changes the seeds describe, each found with its dates and rules.

mod common;

use common::covenant;
use insta::assert_snapshot;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = covenant(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("diff --format json is JSON")
}

/// The regions of `action` in a JSON diff.
fn regions<'a>(diff: &'a Value, action: &str) -> Vec<&'a Value> {
    diff["regions"]
        .as_array()
        .expect("regions is a list")
        .iter()
        .filter(|r| r["action"] == action)
        .collect()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string"))
        .collect()
}

/// The times since an event a region covers, as `(from, until)` in days
/// (`None`: unbounded; a range without `from` holds for an event that never happens).
fn stages(value: &Value) -> Vec<(Option<i64>, Option<i64>)> {
    value["stages"]
        .as_array()
        .expect("an event's stages")
        .iter()
        .map(|s| (s["from"].as_i64(), s["until"].as_i64()))
        .collect()
}

/// The event has happened by the date asked.
const HAPPENED: (Option<i64>, Option<i64>) = (Some(0), None);
/// The event has not happened by the date asked (or never does).
const NOT_YET: (Option<i64>, Option<i64>) = (None, Some(0));

/// The ids of the rules that decide a side of a region.
fn deciding(side: &Value) -> Vec<&str> {
    strings(&side["outcome"]["decision"]["rules"])
}

#[test]
fn hosting_and_selling_on_other_clouds_change_from_forbidden_to_permitted_when_new_takes_effect() {
    let diff = json(&["diff"]);
    let hosting = regions(&diff, "openai.host_models");
    let other = hosting
        .iter()
        .find(|r| r["old"]["outcome"]["decision"]["verdict"] == "forbidden")
        .expect("hosting elsewhere has a forbidden → permitted region");
    assert_eq!(
        strings(&other["params"]["cloud"]),
        ["aws", "google_cloud", "oracle", "other"]
    );
    assert_eq!(other["new"]["outcome"]["decision"]["verdict"], "permitted");
    assert_eq!(other["from"], "2026-04-27");
    assert_eq!(other["until"], Value::Null);
    assert!(other["facts"].as_object().unwrap().is_empty());
    // Azure stays the primary cloud through 2032, so OpenAI still has to run there.
    let azure = hosting
        .iter()
        .find(|r| strings(&r["params"]["cloud"]) == ["azure"])
        .expect("hosting on Azure changes");
    assert_eq!(azure["old"]["outcome"]["decision"]["verdict"], "required");
    assert_eq!(azure["new"]["outcome"]["decision"]["verdict"], "permitted");
    assert_eq!(azure["from"], "2033-01-01");

    // Selling elsewhere what Azure already has is free from the rework; a new
    // launch goes to Azure first through 2032.
    let selling = regions(&diff, "openai.sell_models");
    let launched = selling
        .iter()
        .find(|r| strings(&r["params"]["offering"]) == ["launched"])
        .expect("selling what Azure has changes");
    assert_eq!(
        strings(&launched["params"]["cloud"]),
        ["aws", "google_cloud", "oracle", "other"]
    );
    assert_eq!(
        launched["old"]["outcome"]["decision"]["verdict"],
        "forbidden"
    );
    assert_eq!(
        launched["new"]["outcome"]["decision"]["verdict"],
        "permitted"
    );
    assert_eq!(launched["from"], "2026-04-27");
    assert_eq!(launched["until"], "2033-01-01");
    let after_azure_first = selling
        .iter()
        .find(|r| strings(&r["params"]["offering"]) == ["launched", "new_launch"])
        .expect("new launches are free after 2032");
    assert_eq!(after_azure_first["from"], "2033-01-01");
    assert_eq!(after_azure_first["until"], Value::Null);
    // The parts of the Frontier platform AWS holds exclusively: on AWS, not on Azure.
    let frontier = |cloud: &str| {
        selling
            .iter()
            .find(|r| {
                strings(&r["params"]["offering"]) == ["frontier_exclusive"]
                    && strings(&r["params"]["cloud"]) == [cloud]
            })
            .unwrap_or_else(|| panic!("the Frontier parts on {cloud} change"))
    };
    assert_eq!(
        frontier("aws")["old"]["outcome"]["decision"]["verdict"],
        "forbidden"
    );
    assert_eq!(
        frontier("aws")["new"]["outcome"]["decision"]["verdict"],
        "permitted"
    );
    assert!(deciding(&frontier("aws")["new"]).contains(&"new.sell.aws_frontier"));
    assert_eq!(
        frontier("azure")["old"]["outcome"]["decision"]["verdict"],
        "permitted"
    );
    assert_eq!(
        frontier("azure")["new"]["outcome"]["decision"]["verdict"],
        "forbidden"
    );
    assert_eq!(
        deciding(&frontier("azure")["new"]),
        ["new.sell.frontier.aws_only"]
    );
}

#[test]
fn exclusivity_ends_openai_may_license_others() {
    let diff = json(&["diff"]);
    let licence = regions(&diff, "openai.license_ip_to_others");
    assert_eq!(licence.len(), 1);
    assert_eq!(deciding(&licence[0]["old"]), ["old.licence.exclusive"]);
    assert_eq!(
        licence[0]["new"]["outcome"]["decision"]["verdict"],
        "permitted"
    );
}

#[test]
fn microsofts_licence_ends_after_2032_under_the_new_terms() {
    let diff = json(&["diff"]);
    let licence = regions(&diff, "microsoft.use_openai_ip");
    assert_eq!(licence.len(), 1);
    assert_eq!(licence[0]["from"], "2033-01-01");
    assert_eq!(
        licence[0]["old"]["outcome"]["decision"]["verdict"],
        "permitted"
    );
    assert_eq!(
        licence[0]["new"]["outcome"]["decision"]["verdict"],
        "forbidden"
    );
    assert_eq!(
        licence[0]["new"]["outcome"]["decision"]["decided_by"],
        "default"
    );
}

#[test]
fn azure_first_and_primary_cloud_end_after_2032() {
    let diff = json(&["diff"]);
    for action in [
        "openai.launch_on_azure_first",
        "openai.keep_azure_as_primary_cloud",
    ] {
        let found = regions(&diff, action);
        assert_eq!(found.len(), 1, "{action}");
        assert_eq!(found[0]["from"], "2033-01-01", "{action}");
        assert_eq!(
            found[0]["old"]["outcome"]["decision"]["verdict"],
            "required"
        );
        assert_eq!(
            found[0]["new"]["outcome"]["decision"]["verdict"],
            "permitted"
        );
    }
}

#[test]
fn the_agi_clause_changes_when_agi_is_achieved_until_microsofts_licence_ends() {
    let diff = json(&["diff"]);
    let agi = regions(&diff, "openai.restrict_microsoft_access");
    assert_eq!(agi.len(), 2);
    assert_eq!(stages(&agi[0]["facts"]["agi_achieved"]), [HAPPENED]);
    assert_eq!(
        agi[0]["facts"]["agi_achieved"]["text"],
        "once `agi_achieved` has happened"
    );
    assert_eq!(agi[0]["old"]["outcome"]["decision"]["verdict"], "permitted");
    assert_eq!(agi[0]["new"]["outcome"]["decision"]["verdict"], "forbidden");
    assert_eq!(agi[0]["until"], "2033-01-01");
    // After 2032 Microsoft holds no licence for OpenAI to restrict.
    assert_eq!(stages(&agi[1]["facts"]["agi_achieved"]), [NOT_YET]);
    assert_eq!(agi[1]["from"], "2033-01-01");
    assert_eq!(agi[1]["old"]["outcome"]["decision"]["verdict"], "forbidden");
    assert_eq!(agi[1]["new"]["outcome"]["decision"]["verdict"], "permitted");
    assert_eq!(deciding(&agi[1]["new"]), ["new.agi.licence_over"]);
    let without_agi = json(&["diff", "--fact", "agi_achieved=false", "--to", "2033-01-01"]);
    assert!(regions(&without_agi, "openai.restrict_microsoft_access").is_empty());
    assert!(
        strings(&without_agi["summary"]["unchanged"]).contains(&"openai.restrict_microsoft_access")
    );
}

#[test]
fn both_revenue_shares_change_and_the_readings_say_when() {
    let diff = json(&["diff"]);
    let microsoft = regions(&diff, "microsoft.pay_revenue_share");
    assert_eq!(microsoft.len(), 1);
    assert_eq!(microsoft[0]["from"], "2026-04-27");
    assert_eq!(
        microsoft[0]["old"]["outcome"]["decision"]["verdict"],
        "required"
    );
    // Two caps, two events: the old one on Microsoft's return (001), the new
    // one on the share itself (000).
    let openai = regions(&diff, "openai.pay_revenue_share");
    let caps: Vec<(&str, &str, Vec<_>, Vec<_>)> = openai
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap(),
                r["new"]["outcome"]["decision"]["verdict"].as_str().unwrap(),
                stages(&r["facts"]["microsoft_return_cap_reached"]),
                stages(&r["facts"]["revenue_share_cap_reached"]),
            )
        })
        .collect();
    assert_eq!(
        caps,
        [
            ("2026-04-27", "permitted", vec![NOT_YET], vec![HAPPENED]),
            ("2026-04-27", "required", vec![HAPPENED], vec![NOT_YET]),
            ("2031-01-01", "permitted", vec![NOT_YET], vec![NOT_YET]),
        ],
        "the new cap ends the share the old terms still owed; past the old cap the new share binds again; after 2030 no share flows"
    );

    let every = json(&["diff", "--readings", "all"]);
    let microsoft = regions(&every, "microsoft.pay_revenue_share");
    let starts: Vec<(&str, Vec<&str>)> = microsoft
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap(),
                strings(&r["readings"]["microsoft_share_end"]),
            )
        })
        .collect();
    assert_eq!(
        starts,
        [
            ("2026-04-27", vec!["ended"]),
            ("2031-01-01", vec!["after_2030"])
        ],
        "read as 000 (partly ended) Microsoft still pays: no change"
    );
    assert!(microsoft.iter().all(|r| r["under_every_reading"] == false));
    let openai = regions(&every, "openai.pay_revenue_share");
    let mut openai_from: Vec<&str> = openai.iter().map(|r| r["from"].as_str().unwrap()).collect();
    openai_from.dedup();
    assert_eq!(openai_from, ["2026-04-27", "2030-01-01", "2031-01-01"]);
    assert!(
        openai
            .iter()
            .all(|r| r["facts"]["agi_achieved"]["stages"].is_array())
    );
    assert!(
        openai.iter().any(
            |r| r["old"]["outcome"]["decision"]["verdict"] == "permitted"
                && listed(&r["readings"]["agi_clause_effect"]) == ["openai_may_dissolve"]
        ),
        "read as 002, reaching AGI let OpenAI dissolve the old share: the new one binds it again"
    );
    let hosting = regions(&every, "openai.host_models");
    let elsewhere = hosting
        .iter()
        .find(|r| {
            strings(&r["params"]["cloud"]) == ["aws", "google_cloud", "oracle", "other"]
                && stages(&r["facts"]["agi_achieved"]) == [NOT_YET]
        })
        .expect("hosting elsewhere changes without AGI");
    assert_eq!(elsewhere["under_every_reading"], true);
    assert!(
        hosting.iter().any(|r| r["from"] == "2032-01-01"
            && listed(&r["readings"]["primary_cloud_end"]) == ["until_2032"]
            && r["under_every_reading"] == false),
        "read as `until 2032` (002), the Azure hosting duty ends a year earlier"
    );
}

/// The strings of a list, or none when the key is absent.
fn listed(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn a_window_limits_the_dates_compared() {
    let diff = json(&["diff", "--from", "2027-01-01", "--to", "2030-01-01"]);
    assert!(regions(&diff, "openai.launch_on_azure_first").is_empty());
    let hosting = regions(&diff, "openai.host_models");
    assert!(
        hosting
            .iter()
            .all(|r| r["from"] == "2027-01-01" && r["until"] == "2030-01-01")
    );
}

#[test]
fn a_version_against_itself_has_no_differences_and_exit_code_reports_them() {
    let same = covenant(&["diff", "new", "new", "--exit-code"]);
    assert_eq!(same.code, 0);
    assert!(same.stdout.contains("no differences"), "{}", same.stdout);
    assert_eq!(covenant(&["diff", "--exit-code"]).code, 1);
    assert_eq!(covenant(&["diff"]).code, 0);
}

#[test]
fn swapping_the_versions_swaps_the_sides() {
    let forward = json(&["diff", "old", "new"]);
    let backward = json(&["diff", "new", "old"]);
    let sides = |diff: &Value, a: &str, b: &str| -> Vec<(String, String, String)> {
        diff["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["action"].to_string(),
                    r[a]["verdict"].to_string(),
                    r[b]["verdict"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        sides(&forward, "old", "new"),
        sides(&backward, "new", "old")
    );
}

#[test]
fn the_text_diff_puts_the_summary_first_with_every_passage_below() {
    let run = covenant(&["diff"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(
        "cloud ∈ {aws, google_cloud, oracle, other} forbidden → permitted from 2026-04-27 onward"
    ));
    assert_snapshot!("diff_old_new", run.stdout);
}

#[test]
fn the_markdown_diff_has_a_table_of_regions_and_the_sources() {
    let run = covenant(&["diff", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("| # | action | parameters | dates | condition | old | new |")
    );
    assert!(run.stdout.contains("## Rules and their sources"));
    assert_snapshot!("diff_markdown", run.stdout);
}

#[test]
fn diff_rejects_bad_versions_dates_and_formats_with_hints() {
    let run = covenant(&["diff", "olf", "new", "--from", "2026-02-30"]);
    assert_eq!(run.code, 2);
    assert_snapshot!("diff_bad_input", run.stderr);
    let run = covenant(&["diff", "--from", "2030-01-01", "--to", "2029-01-01"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("nothing to compare"), "{}", run.stderr);
    let run = covenant(&["diff", "--format", "svg"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("choose text, json, markdown"),
        "{}",
        run.stderr
    );
    let run = covenant(&["diff", "--readings", "most"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--readings all"), "{}", run.stderr);
}

#[test]
fn the_timeline_of_the_revenue_share_shows_each_version_over_time() {
    let run = covenant(&["timeline", "openai.pay_revenue_share"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!("timeline_openai_share", run.stdout);
    let report: Value = serde_json::from_str(
        &covenant(&[
            "timeline",
            "openai.pay_revenue_share",
            "--fact",
            "revenue_share_cap_reached=false",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    // The old lanes are one per stage of the old cap, an event not given, and,
    // before the cap, one per stage of AGI (after which the AGI clause is disputed).
    let lanes = report["lanes"].as_array().unwrap();
    let old_worlds: Vec<&str> = lanes
        .iter()
        .filter(|l| l["version"] == "old")
        .map(|l| {
            l["facts"]["microsoft_return_cap_reached"]["text"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        old_worlds,
        [
            "before `microsoft_return_cap_reached` happens",
            "once `microsoft_return_cap_reached` has happened",
            "before `microsoft_return_cap_reached` happens"
        ]
    );
    let new_lane = lanes
        .iter()
        .find(|l| l["version"] == "new")
        .expect("a lane for `new`");
    assert!(new_lane["facts"].as_object().unwrap().is_empty());
    let spans: Vec<(Value, Value, Value)> = new_lane["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["from"].clone(),
                s["until"].clone(),
                s["outcome"]["decision"]["verdict"].clone(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            (Value::Null, "2030-01-01".into(), "required".into()),
            ("2030-01-01".into(), "2031-01-01".into(), "required".into()),
            ("2031-01-01".into(), Value::Null, "permitted".into()),
        ]
    );
}

#[test]
fn a_timeline_with_the_cap_reached_on_a_day_changes_on_that_day() {
    let run = covenant(&[
        "timeline",
        "openai.pay_revenue_share",
        "--under",
        "new",
        "--fact",
        "revenue_share_cap_reached=2029-03-01",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "until 2029-03-01        required   new.openai_share.through_2030\n    disputed (`openai_share_end`, read as `through_2030`): under `until_2030`: required (new.openai_share.until_2030); under `terminated`: permitted (new.openai_share.terminated)\n  from 2029-03-01 onward  permitted  new.openai_share.cap"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("2029-03-01  `revenue_share_cap_reached` happens"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_in_force_timeline_switches_versions_on_the_effective_dates() {
    let run = covenant(&[
        "timeline",
        "openai.host_models(cloud=aws)",
        "--under",
        "in-force",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("until 2019-07-22                  no agreement"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("from 2019-07-22 until 2026-04-27  forbidden     `old`: old.host.azure_only"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("from 2026-04-27 onward            permitted     `new`: new.host.any_cloud"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_svg_timeline_is_well_formed_xml_with_a_lane_per_version_and_class_of_clouds() {
    let run = covenant(&["timeline", "openai.host_models", "--format", "svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let document = roxmltree::Document::parse(&run.stdout).expect("the SVG is well-formed XML");
    let spans: Vec<(String, String, String)> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("span"))
        .map(|n| {
            (
                n.attribute("data-from").unwrap_or_default().to_string(),
                n.attribute("data-until").unwrap_or_default().to_string(),
                n.attribute("data-verdict").unwrap_or_default().to_string(),
            )
        })
        .collect();
    // Both versions tell azure from the other clouds: two classes a version;
    // `old` also splits on whether AGI was reached, after which the AGI clause
    // is disputed. Hosting does not move within `old`; under `new` Azure is
    // required until the primary-cloud term ends after 2032 (disputed in
    // 2032), then a freedom.
    assert_eq!(spans.len(), 8, "{spans:?}");
    assert_eq!(spans.iter().filter(|s| s.2 == "forbidden").count(), 2);
    assert_eq!(spans.iter().filter(|s| s.2 == "required").count(), 4);
    assert_eq!(spans.iter().filter(|s| s.2 == "permitted").count(), 2);
    assert!(spans.contains(&(
        String::new(),
        "2032-01-01".to_string(),
        "required".to_string()
    )));
    // A disputed span says so, and its hover text gives every other reading.
    let disputed: Vec<String> = document
        .descendants()
        .filter(|n| n.attribute("data-disputed") == Some("true"))
        .filter_map(|n| n.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text().map(str::to_string))
        .collect();
    assert_eq!(disputed.len(), 3, "{disputed:?}");
    assert!(
        disputed
            .iter()
            .any(|t| t.contains("under openai_may_dissolve: permitted (old.agi.dissolve.hosting)")),
        "{disputed:?}"
    );
    // The versions' lives: `old` is hatched from 2026-04-27 on.
    assert!(
        document
            .descendants()
            .any(|n| n.attribute("class") == Some("not-in-force"))
    );
    // Each lane's label in full, without backticks, above its bar.
    let labels: Vec<String> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("lane-label"))
        .map(|n| {
            n.descendants()
                .filter(|c| c.is_text())
                .filter_map(|c| c.text())
                .collect::<String>()
        })
        .collect();
    assert_eq!(
        labels,
        [
            "old  ·  cloud=azure  ·  before agi_achieved happens",
            "old  ·  cloud ∈ {aws, google_cloud, oracle, other}  ·  before agi_achieved happens",
            "old  ·  cloud=azure  ·  once agi_achieved has happened",
            "old  ·  cloud ∈ {aws, google_cloud, oracle, other}  ·  once agi_achieved has happened",
            "new  ·  cloud=azure",
            "new  ·  cloud ∈ {aws, google_cloud, oracle, other}"
        ]
    );
    // The title names the readings used.
    let subtitle: Vec<&str> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("subtitle"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        subtitle,
        ["readings: agi_clause_effect=openai_may_restrict, primary_cloud_end=through_2032"]
    );
    let marks: Vec<&str> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("mark"))
        .filter_map(|n| n.attribute("data-date"))
        .collect();
    assert_eq!(
        marks,
        ["2019-07-22", "2026-04-27", "2032-01-01", "2033-01-01"]
    );
    let labels: Vec<String> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("mark-label"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    assert!(
        labels.iter().any(|l| l.contains("new takes effect")),
        "{labels:?}"
    );

    let run = covenant(&[
        "timeline",
        "openai.pay_revenue_share",
        "--fact",
        "revenue_share_cap_reached=false",
        "--format",
        "svg",
    ]);
    let document = roxmltree::Document::parse(&run.stdout).expect("well-formed");
    let new_spans: Vec<(Option<&str>, Option<&str>)> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("span"))
        .map(|n| (n.attribute("data-until"), n.attribute("data-verdict")))
        .collect();
    assert!(
        new_spans.contains(&(Some("2031-01-01"), Some("required"))),
        "{new_spans:?}"
    );
}

#[test]
fn timeline_rejects_bad_queries_versions_and_formats_with_hints() {
    let run = covenant(&["timeline", "openai.host_model", "--under", "nwe"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `openai.host_models`?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `new`?"), "{}", run.stderr);
    let run = covenant(&["timeline", "openai.host_models", "--format", "markdown"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("choose text, json, svg"),
        "{}",
        run.stderr
    );
}
