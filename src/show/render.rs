//! `covenant show` as text: one block per rule, a line per thing it says,
//! and each citation as its sentence with the quote between « and ».

use super::report::{CitedSentence, ShowReport, ShownRule};
use crate::ask::render::condition_text;
use std::fmt::Write as _;

/// The width of the labels in a rule's block.
const LABEL: usize = 15;

fn line(out: &mut String, label: &str, text: &str) {
    let _ = writeln!(out, "  {label:<LABEL$}{text}");
}

/// The sentence with the quote marked: `Before «the quote» after.`
pub fn marked(cited: &CitedSentence) -> String {
    let s = &cited.sentence;
    format!(
        "{}{}«{}»{}{}",
        if s.cut_before { "…" } else { "" },
        s.before,
        s.quote,
        s.after,
        if s.cut_after { "…" } else { "" }
    )
}

fn rule_block(out: &mut String, rule: &ShownRule) {
    let _ = writeln!(out, "{}  ({})", rule.id, rule.location);
    line(
        out,
        "version",
        &format!(
            "{} — {} (in force {})",
            rule.version,
            rule.version_title,
            match (rule.version_life.from(), rule.version_life.until()) {
                (Some(from), None) => format!("since {from}"),
                _ => rule.version_life.to_string(),
            }
        ),
    );
    line(out, "effect", &rule.effect.to_string());
    line(out, "action", &rule.action);
    for param in &rule.params {
        let values = if param.all {
            format!("{}: any value", param.name)
        } else {
            condition_text(&param.name, &param.values)
        };
        line(out, "parameter", &values);
    }
    let dates = match (&rule.from, &rule.until) {
        (None, None) => "any date".to_string(),
        (Some(from), None) => format!("from {from}"),
        (None, Some(until)) => format!("until {until}"),
        (Some(from), Some(until)) => format!("from {from} until {until}"),
    };
    line(out, "dates", &dates);
    if let Some(when) = &rule.when {
        line(out, "when", when);
    }
    if let Some(due) = &rule.due {
        line(out, "due", due);
    }
    if let Some(done) = &rule.done {
        line(out, "done", &format!("once {done} happens"));
    }
    if let Some(survives) = rule
        .survives
        .as_ref()
        .filter(|_| rule.survives_from.is_none())
    {
        let how = match survives.as_str() {
            "true" => "until its own end, after its version is superseded".to_string(),
            time => format!("{time} after its version is superseded"),
        };
        line(out, "survives", &how);
    }
    for carried in &rule.carried_into {
        line(
            out,
            "carried into",
            &format!("`{}` as {}, {}", carried.version, carried.id, carried.valid),
        );
    }
    if let Some(from) = &rule.survives_from {
        line(
            out,
            "survives",
            &format!(
                "carried from `{from}`{}; any rule of `{}` about the same question beats it",
                rule.survives
                    .as_ref()
                    .filter(|s| *s != "true")
                    .map(|s| format!(" for {s} after it was superseded"))
                    .unwrap_or_default(),
                rule.version
            ),
        );
    }
    if !rule.overrides.is_empty() {
        line(out, "overrides", &rule.overrides.join(", "));
    }
    if !rule.overridden_by.is_empty() {
        line(out, "overridden by", &rule.overridden_by.join(", "));
    }
    if let Some(reading) = &rule.reading {
        line(
            out,
            "dispute",
            &format!("{}: {}", reading.dispute, reading.question),
        );
        let default = if reading.reading == reading.default {
            "the default".to_string()
        } else {
            format!("not the default, {}", reading.default)
        };
        line(
            out,
            "reading",
            &format!("{} ({default}): {}", reading.reading, reading.summary),
        );
    }
    if let Some(note) = &rule.note {
        line(out, "note", note);
    }
    if rule.citations.is_empty() {
        line(out, "citations", "none");
    } else {
        let _ = writeln!(out, "  citations");
        for cited in &rule.citations {
            let _ = writeln!(out, "    {}, line {}", cited.seed, cited.line);
            let _ = writeln!(out, "      {}", marked(cited));
        }
    }
}

/// The report as text: a heading when several versions have the rule, then a
/// block per rule.
pub fn text(report: &ShowReport) -> String {
    let mut out = String::new();
    if report.rules.len() > 1 {
        let versions: Vec<String> = report
            .in_versions
            .iter()
            .map(|v| format!("`{v}`"))
            .collect();
        let _ = writeln!(
            out,
            "{} versions have a rule `{}`: {}; each is shown (--version VERSION shows one)\n",
            report.rules.len(),
            report.id,
            versions.join(", ")
        );
    }
    for (i, rule) in report.rules.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        rule_block(&mut out, rule);
    }
    out
}
