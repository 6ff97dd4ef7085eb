//! A timeline as a text table: one block per lane, one row per span.

use super::TimelineReport;
use crate::diff::report::dates_text;
use std::fmt::Write;

/// Renders the timeline as text.
pub fn text(report: &TimelineReport) -> String {
    let mut out = format!("{} over time", report.query);
    if !report.facts.is_empty() {
        let facts: Vec<String> = report
            .facts
            .iter()
            .map(|(f, v)| format!("{f}={v}"))
            .collect();
        let _ = write!(out, ", with {}", facts.join(", "));
    }
    out.push('\n');
    if !report.readings_used.is_empty() {
        let readings: Vec<String> = report
            .readings_used
            .iter()
            .map(|(d, r)| format!("{d}={r}"))
            .collect();
        let _ = writeln!(out, "readings: {}", readings.join(", "));
    }
    for lane in &report.lanes {
        let mut title = match (lane.version.as_str(), &lane.in_force) {
            ("in force", _) | (_, None) => "under the version in force".to_string(),
            (version, Some(life)) => format!(
                "under `{version}` (in force {}), read as written",
                dates_text(life.from, life.until)
            ),
        };
        if !lane.params.is_empty() {
            let params: Vec<String> = lane
                .params
                .iter()
                .map(|(p, v)| crate::ask::render::condition_text(p, v))
                .collect();
            let _ = write!(title, ", {}", params.join(", "));
        }
        for (event, stages) in &lane.world {
            let _ = write!(title, ", {}", stages.text(event));
        }
        let _ = writeln!(out, "\n{title}");
        let rows: Vec<([String; 3], &[super::SpanDispute])> = lane
            .spans
            .iter()
            .map(|span| {
                let mut reason = span.outcome.reason();
                if lane.version == "in force" {
                    if let Some(version) = &span.version {
                        reason = format!("`{version}`: {reason}");
                    }
                }
                (
                    [
                        dates_text(span.from, span.until),
                        span.outcome.label(),
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
pub fn disputed_text(dispute: &super::SpanDispute) -> String {
    let others: Vec<String> = dispute
        .alternatives
        .iter()
        .map(|a| {
            format!(
                "under `{}`: {} ({})",
                a.reading,
                a.outcome.label(),
                a.outcome.reason()
            )
        })
        .collect();
    format!(
        "disputed (`{}`, read as `{}`): {}",
        dispute.dispute,
        dispute.reading,
        others.join("; ")
    )
}
