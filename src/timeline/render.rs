//! A timeline as a text table: one block per lane, one row per span.

use super::{Lane, TimelineReport};
use crate::ask::report::{CaseReport, DecisionReport, DisputeReport, OutcomeReport};
use crate::diff::report::dates_text;
use chrono::NaiveDate;
use std::fmt::Write;

/// The dates the version a lane reads as written was in force, `(from,
/// until)`; `None` for the lane of the version in force.
pub fn lane_life(
    report: &TimelineReport,
    lane: &Lane,
) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let version = lane.version.as_deref()?;
    let version = report.versions.iter().find(|v| v.id == version)?;
    Some((Some(version.effective), version.superseded))
}

/// A lane's version as the text names it: its id, or `in force`.
pub fn lane_version(lane: &Lane) -> &str {
    lane.version.as_deref().unwrap_or("in force")
}

/// A short label of an outcome: the verdict, `depends on FACT`, or `no agreement`.
pub fn label(outcome: &OutcomeReport) -> String {
    match outcome {
        OutcomeReport::Decided { decision } => decision.verdict.to_string(),
        // The same verdict on every branch: only which rules decide depends on the facts.
        OutcomeReport::DependsOnFacts { cases, .. }
            if cases
                .iter()
                .all(|c| c.decision.verdict == cases[0].decision.verdict) =>
        {
            cases[0].decision.verdict.to_string()
        }
        OutcomeReport::DependsOnFacts { facts, .. } => format!("depends on {}", facts.join(", ")),
        OutcomeReport::NoAgreement { .. } => "no agreement".to_string(),
    }
}

/// Why, in a few words: the deciding rules or `default`, per case when it depends on facts.
pub fn reason(outcome: &OutcomeReport) -> String {
    let rules = |decision: &DecisionReport| {
        if decision.rules.is_empty() {
            "default".to_string()
        } else if decision.more_rules > 0 {
            format!(
                "{}, and {} more",
                decision.rules.join(", "),
                decision.more_rules
            )
        } else {
            decision.rules.join(", ")
        }
    };
    match outcome {
        OutcomeReport::Decided { decision } => rules(decision),
        OutcomeReport::DependsOnFacts { cases, .. } => {
            let alike = |a: &CaseReport, b: &CaseReport| {
                a.decision.verdict == b.decision.verdict && a.decision.rules == b.decision.rules
            };
            // The most common branch reads last, as "otherwise".
            let count = |case: &CaseReport| cases.iter().filter(|c| alike(c, case)).count();
            let mut otherwise = &cases[0];
            for case in cases {
                if count(case) > count(otherwise) {
                    otherwise = case;
                }
            }
            cases
                .iter()
                .filter(|case| !alike(case, otherwise))
                .map(|case| {
                    let facts: Vec<String> = case.facts.iter().map(|(f, v)| v.text(f)).collect();
                    format!(
                        "if {}: {} ({})",
                        facts.join(", "),
                        case.decision.verdict,
                        rules(&case.decision)
                    )
                })
                .chain([format!(
                    "otherwise: {} ({})",
                    otherwise.decision.verdict,
                    rules(&otherwise.decision)
                )])
                .collect::<Vec<_>>()
                .join("; ")
        }
        OutcomeReport::NoAgreement { ended, next } => {
            crate::ask::render::no_agreement_text(ended, next)
        }
    }
}

/// `name=value` pairs (facts given, readings used) as one list, in name order.
pub(crate) fn assignments(pairs: &std::collections::BTreeMap<String, String>) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders the timeline as text.
pub fn text(report: &TimelineReport) -> String {
    let mut out = format!("{} over time", report.query);
    if !report.facts.is_empty() {
        let _ = write!(out, ", with {}", assignments(&report.facts));
    }
    out.push('\n');
    if !report.readings_used.is_empty() {
        let _ = writeln!(out, "readings: {}", assignments(&report.readings_used));
    }
    for lane in &report.lanes {
        let mut title = match (&lane.version, lane_life(report, lane)) {
            (Some(version), Some((from, until))) => format!(
                "under `{version}` (in force {}), read as written",
                dates_text(from, until)
            ),
            _ => "under the version in force".to_string(),
        };
        if !lane.params.is_empty() {
            let params: Vec<String> = lane
                .params
                .iter()
                .map(|(p, v)| crate::ask::render::condition_text(p, v))
                .collect();
            let _ = write!(title, ", {}", params.join(", "));
        }
        for (event, stages) in &lane.facts {
            let _ = write!(title, ", {}", stages.text(event));
        }
        let _ = writeln!(out, "\n{title}");
        let rows: Vec<([String; 3], &[DisputeReport])> = lane
            .spans
            .iter()
            .map(|span| {
                let mut reason = reason(&span.outcome);
                if lane.version.is_none() {
                    if let Some(version) = &span.version {
                        reason = format!("`{version}`: {reason}");
                    }
                }
                (
                    [
                        dates_text(span.from, span.until),
                        label(&span.outcome),
                        reason,
                    ],
                    span.disputes.as_slice(),
                )
            })
            .collect();
        let widths: Vec<usize> = (0..2)
            .map(|c| {
                rows.iter()
                    .map(|(r, _)| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for ([dates, label, reason], disputes) in &rows {
            let _ = writeln!(
                out,
                "  {dates:<w0$}  {label:<w1$}  {reason}",
                w0 = widths[0],
                w1 = widths[1]
            );
            for dispute in *disputes {
                let _ = writeln!(out, "    {}", disputed_text(dispute));
            }
        }
    }
    out.push_str("\ndates:\n");
    for mark in &report.marks {
        let _ = writeln!(out, "  {}  {}", mark.date, mark.label);
    }
    out
}

/// A disputed span's note: the reading used, and the outcome under each other.
pub fn disputed_text(dispute: &DisputeReport) -> String {
    let others: Vec<String> = dispute
        .alternatives
        .iter()
        .map(|a| {
            format!(
                "under `{}`: {} ({})",
                a.reading.id,
                label(&a.outcome),
                reason(&a.outcome)
            )
        })
        .collect();
    format!(
        "disputed (`{}`, read as `{}`): {}",
        dispute.dispute,
        dispute.reading.id,
        others.join("; ")
    )
}
