//! A timeline as a self-contained SVG picture: one lane per version (and per
//! parameter value when left open), coloured by verdict, with the versions'
//! effective dates and the rule boundaries marked and labelled. Every span
//! carries a `<title>` (shown on hover) with its dates, verdict and rules.

use super::{SpanOutcome, TimelineReport};
use crate::diff::report::dates_text;
use crate::verdict::Verdict;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;

const LABEL_WIDTH: f64 = 280.0;
const PLOT_WIDTH: f64 = 840.0;
const RIGHT_MARGIN: f64 = 30.0;
const TOP: f64 = 110.0;
const LANE_HEIGHT: f64 = 26.0;
const LANE_GAP: f64 = 8.0;

/// Escapes text for XML content and attribute values. Control characters,
/// which XML 1.0 forbids (C0) or discourages (C1), become visible `\u{1b}`
/// escapes here too, so the picture is valid even outside the CLI's escaping writer.
fn escape(text: &str) -> String {
    let text = crate::output::escape::escape(text, crate::output::Escaping::Visible);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// The legend's colour of each verdict, `#rrggbb`; the terminal takes the nearest ANSI colour.
pub(crate) fn verdict_colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Required => "#3b6fb6",
        Verdict::Permitted => "#4caf50",
        Verdict::Forbidden => "#d9534f",
        Verdict::Conflict => "#8e44ad",
        Verdict::Breached => "#7a2a12",
    }
}

fn colour(outcome: &SpanOutcome) -> &'static str {
    match outcome {
        SpanOutcome::Decided { verdict, .. } => verdict_colour(*verdict),
        // The same verdict on every branch is drawn as that verdict.
        SpanOutcome::DependsOnFacts { cases, .. }
            if cases.iter().all(|c| c.verdict == cases[0].verdict) =>
        {
            verdict_colour(cases[0].verdict)
        }
        SpanOutcome::DependsOnFacts { .. } => "#f0ad4e",
        SpanOutcome::NoAgreement => "#e0e0e0",
    }
}

/// The years shown: from a year before the first marked date to two after the last.
fn view(report: &TimelineReport) -> (NaiveDate, NaiveDate) {
    let years = |date: &NaiveDate| date.year();
    let first = report
        .marks
        .iter()
        .map(|m| years(&m.date))
        .min()
        .unwrap_or(2000);
    let last = report
        .marks
        .iter()
        .map(|m| years(&m.date))
        .max()
        .unwrap_or(2010);
    let start = NaiveDate::from_ymd_opt(first - 1, 1, 1).unwrap_or(NaiveDate::MIN);
    let end = NaiveDate::from_ymd_opt(last + 2, 1, 1).unwrap_or(NaiveDate::MAX);
    (start, end)
}

/// Draws the timeline as an SVG document.
pub fn svg(report: &TimelineReport) -> String {
    let (start, end) = view(report);
    let total = (end - start).num_days().max(1) as f64;
    let x = |date: Option<NaiveDate>, open: NaiveDate| {
        let date = date.unwrap_or(open).clamp(start, end);
        LABEL_WIDTH + (date - start).num_days() as f64 / total * PLOT_WIDTH
    };
    let lanes_bottom = TOP + report.lanes.len() as f64 * (LANE_HEIGHT + LANE_GAP);
    let legend_top = lanes_bottom + 40.0;
    let marks_top = legend_top + 40.0;
    let height = marks_top + report.marks.len() as f64 * 16.0 + 20.0;
    let width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        escape(&format!("{} over time", report.query))
    );
    let _ = writeln!(
        out,
        "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        escape(&format!("{} over time", report.query))
    );
    // Year ticks.
    let span_years = end.year() - start.year();
    let step = (span_years / 12).max(1);
    let mut year = start.year();
    while year <= end.year() {
        let date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start);
        let at = x(Some(date), start);
        let _ = writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"#f0f0f0\"/>\n<text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{year}</text>",
            TOP - 6.0,
            lanes_bottom,
            lanes_bottom + 16.0
        );
        year += step;
    }
    // Lanes.
    for (index, lane) in report.lanes.iter().enumerate() {
        let top = TOP + index as f64 * (LANE_HEIGHT + LANE_GAP);
        let mut label = match lane.version.as_str() {
            "in force" => "in force".to_string(),
            version => format!("`{version}`"),
        };
        for (param, values) in &lane.params {
            let _ = write!(
                label,
                " {}",
                crate::ask::render::condition_text(param, values)
            );
        }
        for (event, stages) in &lane.world {
            let _ = write!(label, " {}", stages.text(event));
        }
        // A label longer than its column is cut with an ellipsis; the whole
        // label shows on hover.
        const LABEL_CHARS: usize = 38;
        let shown = if label.chars().count() > LABEL_CHARS {
            let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
            format!("{cut}…")
        } else {
            label.clone()
        };
        let _ = writeln!(
            out,
            "<text class=\"lane-label\" x=\"10\" y=\"{:.1}\"><title>{}</title>{}</text>",
            top + LANE_HEIGHT / 2.0 + 4.0,
            escape(&label),
            escape(&shown)
        );
        for span in &lane.spans {
            let (left, right) = (x(span.from, start), x(span.until, end));
            if right <= left {
                continue;
            }
            let mut tip = format!(
                "{} {}: {} ({})",
                lane.version,
                dates_text(span.from, span.until),
                span.outcome.label(),
                span.outcome.reason()
            );
            if let (Some(version), "in force") = (&span.version, lane.version.as_str()) {
                tip = format!("{tip}, under `{version}`");
            }
            let _ = writeln!(
                out,
                "<g class=\"span\" data-from=\"{}\" data-until=\"{}\" data-verdict=\"{}\"><title>{}</title><rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{LANE_HEIGHT}\" fill=\"{}\" stroke=\"white\"/>",
                span.from.map(|d| d.to_string()).unwrap_or_default(),
                span.until.map(|d| d.to_string()).unwrap_or_default(),
                escape(&span.outcome.label()),
                escape(&tip),
                right - left,
                colour(&span.outcome)
            );
            let text = span.outcome.label();
            if right - left > text.chars().count() as f64 * 7.0 + 8.0 {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"white\">{}</text>",
                    (left + right) / 2.0,
                    top + LANE_HEIGHT / 2.0 + 4.0,
                    escape(&text)
                );
            }
            out.push_str("</g>\n");
        }
    }
    // Marks: one line per date (solid for a version's dates, dashed for rule
    // boundaries), labelled with the numbers of the marks listed below.
    let mut dates: Vec<(NaiveDate, Vec<usize>, bool)> = Vec::new();
    for (number, mark) in report.marks.iter().enumerate() {
        match dates.last_mut() {
            Some((date, numbers, version)) if *date == mark.date => {
                numbers.push(number + 1);
                *version |= mark.kind != "rule";
            }
            _ => dates.push((mark.date, vec![number + 1], mark.kind != "rule")),
        }
    }
    for (date, numbers, version_date) in &dates {
        let at = x(Some(*date), start);
        let (stroke, dash) = if *version_date {
            ("#222", "")
        } else {
            ("#777", " stroke-dasharray=\"4 3\"")
        };
        let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "<g class=\"mark\" data-date=\"{date}\"><title>{date}</title><line x1=\"{at:.1}\" y1=\"{:.1}\" x2=\"{at:.1}\" y2=\"{lanes_bottom:.1}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/><text x=\"{at:.1}\" y=\"{:.1}\" transform=\"rotate(-45 {at:.1} {:.1})\" fill=\"{stroke}\">[{}] {date}</text></g>",
            TOP - 14.0,
            TOP - 18.0,
            TOP - 18.0,
            numbers.join(",")
        );
    }
    for (number, mark) in report.marks.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text class=\"mark-label\" x=\"10\" y=\"{:.1}\" fill=\"#222\">[{}] {}  {}</text>",
            marks_top + number as f64 * 16.0,
            number + 1,
            mark.date,
            escape(&mark.label)
        );
    }
    // Legend.
    let legend = [
        ("required", "#3b6fb6"),
        ("breached", "#7a2a12"),
        ("permitted", "#4caf50"),
        ("forbidden", "#d9534f"),
        ("conflict", "#8e44ad"),
        ("depends on facts", "#f0ad4e"),
        ("no agreement", "#e0e0e0"),
    ];
    for (index, (name, fill)) in legend.iter().enumerate() {
        let left = 10.0 + index as f64 * 150.0;
        let _ = writeln!(
            out,
            "<rect x=\"{left:.1}\" y=\"{legend_top:.1}\" width=\"14\" height=\"14\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{:.1}\">{name}</text>",
            left + 20.0,
            legend_top + 11.0
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped_so_the_svg_stays_xml() {
        assert_eq!(
            super::escape("a\u{1b}[2J<b>\u{7}\u{9b}"),
            "a\\u{1b}[2J&lt;b&gt;\\u{7}\\u{9b}"
        );
    }
}
