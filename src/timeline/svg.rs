//! A timeline as a self-contained SVG picture: one lane per version (and per
//! parameter value, world and case when left open), coloured by verdict, with
//! the versions' effective dates and the rule boundaries marked.
//!
//! What the picture promises a reader: every lane's label sits above its bar,
//! in full; a verdict is written inside its span only where it fits between
//! the mark lines; the date labels at the top are laid out in rows so that no
//! label overlaps another or is crossed by a mark line; text is dark on light
//! fills. A version's lane is hatched grey where the version was not in force
//! (hovering shows what it says there, read as written); a disputed span is
//! cross-hatched, and hovering it shows the outcome under every other reading.

use super::render::{assignments, label as outcome_label, lane_life, lane_version, reason};
use super::{Lane, Span, TimelineReport};
use crate::ask::report::OutcomeReport;
use crate::diff::report::dates_text;
use crate::verdict::Verdict;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;

const LEFT: f64 = 24.0;
const PLOT_WIDTH: f64 = 1100.0;
const RIGHT_MARGIN: f64 = 24.0;
const LANE_LABEL_HEIGHT: f64 = 16.0;
const BAR_HEIGHT: f64 = 24.0;
const LANE_GAP: f64 = 10.0;
const LANE_HEIGHT: f64 = LANE_LABEL_HEIGHT + BAR_HEIGHT + LANE_GAP;
const MARK_ROW_HEIGHT: f64 = 16.0;
/// A generous width of one character at the picture's 12px sans-serif, so
/// that estimated text extents err on the side of room.
const CHAR_WIDTH: f64 = 7.0;
const TEXT: &str = "#1a1a1a";

/// Escapes text for XML content and attribute values. Control characters,
/// which XML 1.0 forbids (C0) or discourages (C1), become visible `\u{1b}`
/// escapes here too, so the picture is valid even outside the CLI's escaping writer.
fn escape(text: &str) -> String {
    let text = crate::output::escape::escape(text, crate::output::Escaping::Visible);
    crate::output::escape::xml(&text)
}

/// Light fills, each at least 7:1 against [`TEXT`], told apart by hue; the
/// terminal takes the nearest ANSI colour of each.
pub(crate) fn verdict_colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Required => "#9cc2ee",
        Verdict::Permitted => "#a5d9a5",
        Verdict::Forbidden => "#f3a3a3",
        Verdict::Conflict => "#d4b0e8",
        Verdict::Breached => "#f7c27b",
    }
}

const NO_AGREEMENT: &str = "#e4e4e4";

fn colour(outcome: &OutcomeReport) -> &'static str {
    match outcome {
        OutcomeReport::Decided { decision } => verdict_colour(decision.verdict),
        // Not on a lane (a lane's spans have one verdict each); drawn as no verdict.
        OutcomeReport::DependsOnFacts { .. } | OutcomeReport::NoAgreement { .. } => NO_AGREEMENT,
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

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// A lane's label: the version (or `in force`), its parameter values, world and case.
fn lane_label(lane: &Lane) -> String {
    let mut parts = vec![match &lane.version {
        None => "the version in force".to_string(),
        Some(version) => version.clone(),
    }];
    parts.extend(
        lane.params
            .iter()
            .map(|(param, values)| crate::ask::render::condition_text(param, values)),
    );
    parts.extend(lane.facts.iter().map(|(fact, values)| values.text(fact)));
    // Backticks set names apart in a terminal; in a picture they are noise.
    parts.join("  ·  ").replace('`', "")
}

/// The row (0 nearest the lanes) of each date label at the top: a label sits
/// to the right of its line, and rises above every label and line to its
/// right that it would otherwise touch, so no label overlaps another or is
/// crossed by a line. `at` is in increasing order; returns (row, label width).
fn label_rows(at: &[f64], labels: &[String]) -> Vec<usize> {
    let mut rows = vec![0usize; at.len()];
    for i in (0..at.len()).rev() {
        let reach = at[i] + 4.0 + text_width(&labels[i]) + 8.0;
        rows[i] = (i + 1..at.len())
            .take_while(|&j| at[j] <= reach)
            .map(|j| rows[j] + 1)
            .max()
            .unwrap_or(0);
    }
    rows
}

/// The widest stretch of `[left, right]` no mark line crosses.
fn widest_gap(left: f64, right: f64, lines: &[f64]) -> (f64, f64) {
    let mut cuts: Vec<f64> = lines
        .iter()
        .copied()
        .filter(|&x| x > left && x < right)
        .collect();
    cuts.push(right);
    let mut best = (left, left);
    let mut from = left;
    for cut in cuts {
        if cut - from > best.1 - best.0 {
            best = (from, cut);
        }
        from = cut;
    }
    best
}

/// The hover text of a span: its dates, outcome and rules, and every other
/// reading of a dispute with the outcome under it.
fn span_tip(lane: &Lane, span: &Span) -> String {
    let mut tip = format!(
        "{}: {} {}: {} ({})",
        lane_label(lane),
        lane_version(lane),
        dates_text(span.from, span.until),
        outcome_label(&span.outcome),
        reason(&span.outcome)
    );
    if let (Some(version), None) = (&span.version, &lane.version) {
        let _ = write!(tip, ", under {version}");
    }
    for dispute in &span.disputes {
        let _ = write!(
            tip,
            "\n{}",
            super::render::disputed_text(dispute).replace('`', "")
        );
    }
    tip
}

/// Draws the timeline as an SVG document.
pub fn svg(report: &TimelineReport) -> String {
    let (start, end) = view(report);
    let total = (end - start).num_days().max(1) as f64;
    let x = |date: Option<NaiveDate>, open: NaiveDate| {
        let date = date.unwrap_or(open).clamp(start, end);
        LEFT + (date - start).num_days() as f64 / total * PLOT_WIDTH
    };
    // The marks' dates, each with the numbers of its marks listed below.
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
    let lines: Vec<f64> = dates.iter().map(|(d, _, _)| x(Some(*d), start)).collect();
    let date_labels: Vec<String> = dates
        .iter()
        .map(|(date, numbers, _)| {
            let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
            format!("[{}] {date}", numbers.join(","))
        })
        .collect();
    let rows = label_rows(&lines, &date_labels);
    let row_count = rows.iter().max().map_or(0, |r| r + 1);
    let mut subtitle = Vec::new();
    if !report.facts.is_empty() {
        subtitle.push(format!("facts: {}", assignments(&report.facts)));
    }
    if !report.readings_used.is_empty() {
        subtitle.push(format!("readings: {}", assignments(&report.readings_used)));
    }
    let title_bottom = 30.0 + subtitle.len() as f64 * 18.0;
    let top = title_bottom + 16.0 + row_count as f64 * MARK_ROW_HEIGHT;
    // The bottom of the last bar: mark lines stop there, above the years.
    let lanes_bottom = top + report.lanes.len() as f64 * LANE_HEIGHT - LANE_GAP;
    let legend_top = lanes_bottom + 36.0;
    let marks_top = legend_top + 60.0;
    let height = marks_top + report.marks.len() as f64 * 16.0 + 10.0;
    let widest_label = lines
        .iter()
        .zip(&date_labels)
        .map(|(at, label)| at + 4.0 + text_width(label))
        .fold(LEFT + PLOT_WIDTH, f64::max);
    let width = (widest_label + RIGHT_MARGIN).ceil();
    let title = format!("{} over time", report.query);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\" fill=\"{TEXT}\">\n\
<title>{}</title>\n\
<defs>\
<pattern id=\"not-in-force\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f4f4f4\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#c4c4c4\" stroke-width=\"3\"/></pattern>\
<pattern id=\"disputed\" patternUnits=\"userSpaceOnUse\" width=\"10\" height=\"10\" patternTransform=\"rotate(-45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"10\" stroke=\"#333\" stroke-opacity=\"0.35\" stroke-width=\"2\"/></pattern>\
</defs>\n\
<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        escape(&title)
    );
    let _ = writeln!(
        out,
        "<text x=\"{LEFT}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        escape(&title)
    );
    for (index, line) in subtitle.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text class=\"subtitle\" x=\"{LEFT}\" y=\"{:.1}\" fill=\"#333\">{}</text>",
            44.0 + index as f64 * 18.0,
            escape(line)
        );
    }
    // Year ticks.
    let span_years = end.year() - start.year();
    let step = (span_years / 12).max(1);
    let mut year = start.year();
    while year <= end.year() {
        let date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start);
        let at = x(Some(date), start);
        let _ = writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{top:.1}\" x2=\"{at:.1}\" y2=\"{lanes_bottom:.1}\" stroke=\"#ececec\"/>\n<text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\">{year}</text>",
            lanes_bottom + 16.0
        );
        year += step;
    }
    // Lanes: the label above, the bar below it. The labels are drawn last,
    // on white, so that no mark line crosses them.
    let mut lane_labels = String::new();
    for (index, lane) in report.lanes.iter().enumerate() {
        let lane_top = top + index as f64 * LANE_HEIGHT;
        let bar_top = lane_top + LANE_LABEL_HEIGHT;
        let label = lane_label(lane);
        let _ = writeln!(
            lane_labels,
            "<g class=\"lane-label\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"15\" fill=\"white\"/><text x=\"{LEFT}\" y=\"{:.1}\">{}</text></g>",
            LEFT - 2.0,
            lane_top,
            text_width(&label) + 4.0,
            lane_top + 12.0,
            escape(&label)
        );
        // Where the version was in force; the rest of the lane is hatched.
        let life = lane_life(report, lane).map(|(from, until)| (x(from, start), x(until, end)));
        for span in &lane.spans {
            let (left, right) = (x(span.from, start), x(span.until, end));
            if right <= left {
                continue;
            }
            let (alive_left, alive_right) = match life {
                Some((from, until)) => (left.max(from), right.min(until)),
                None => (left, right),
            };
            let tip = span_tip(lane, span);
            let disputed = !span.disputes.is_empty();
            let _ = write!(
                out,
                "<g class=\"span\" data-from=\"{}\" data-until=\"{}\" data-verdict=\"{}\"{}><title>{}</title>",
                span.from.map(|d| d.to_string()).unwrap_or_default(),
                span.until.map(|d| d.to_string()).unwrap_or_default(),
                escape(&outcome_label(&span.outcome)),
                if disputed {
                    " data-disputed=\"true\""
                } else {
                    ""
                },
                escape(&tip),
            );
            // The stretches outside the version's life, hatched and unlabelled.
            for (from, until) in [
                (left, alive_left.min(right)),
                (alive_right.max(left), right),
            ] {
                if until > from {
                    let _ = write!(
                        out,
                        "<rect class=\"not-in-force\" x=\"{from:.1}\" y=\"{bar_top:.1}\" width=\"{:.1}\" height=\"{BAR_HEIGHT}\" fill=\"url(#not-in-force)\" stroke=\"white\"/>",
                        until - from
                    );
                }
            }
            if alive_right > alive_left {
                let _ = write!(
                    out,
                    "<rect x=\"{alive_left:.1}\" y=\"{bar_top:.1}\" width=\"{:.1}\" height=\"{BAR_HEIGHT}\" fill=\"{}\" stroke=\"white\"/>",
                    alive_right - alive_left,
                    colour(&span.outcome)
                );
                if disputed {
                    let _ = write!(
                        out,
                        "<rect class=\"disputed\" x=\"{alive_left:.1}\" y=\"{bar_top:.1}\" width=\"{:.1}\" height=\"{BAR_HEIGHT}\" fill=\"url(#disputed)\"/>",
                        alive_right - alive_left
                    );
                }
                // The verdict where it fits between the mark lines.
                let (gap_left, gap_right) = widest_gap(alive_left, alive_right, &lines);
                let verdict = outcome_label(&span.outcome);
                let texts = if disputed {
                    vec![format!("{verdict} (disputed)"), verdict]
                } else {
                    vec![verdict]
                };
                if let Some(text) = texts
                    .iter()
                    .find(|t| gap_right - gap_left >= text_width(t) + 10.0)
                {
                    let _ = write!(
                        out,
                        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                        (gap_left + gap_right) / 2.0,
                        bar_top + BAR_HEIGHT / 2.0 + 4.0,
                        escape(text)
                    );
                }
            }
            out.push_str("</g>\n");
        }
    }
    // Marks: one line per date (solid for a version's dates, dashed for rule
    // and event dates), labelled at the top with the numbers listed below.
    for (((date, _, version_date), at), (label, row)) in
        dates.iter().zip(&lines).zip(date_labels.iter().zip(&rows))
    {
        let (stroke, dash) = if *version_date {
            ("#222", "")
        } else {
            ("#555", " stroke-dasharray=\"4 3\"")
        };
        let label_y = top - 6.0 - *row as f64 * MARK_ROW_HEIGHT;
        let _ = writeln!(
            out,
            "<g class=\"mark\" data-date=\"{date}\"><title>{date}</title><line x1=\"{at:.1}\" y1=\"{:.1}\" x2=\"{at:.1}\" y2=\"{lanes_bottom:.1}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/><text x=\"{:.1}\" y=\"{label_y:.1}\" fill=\"{stroke}\">{}</text></g>",
            label_y - 10.0,
            at + 4.0,
            escape(label)
        );
    }
    out.push_str(&lane_labels);
    // Legend.
    let legend = [
        ("required", verdict_colour(Verdict::Required)),
        ("breached", verdict_colour(Verdict::Breached)),
        ("permitted", verdict_colour(Verdict::Permitted)),
        ("forbidden", verdict_colour(Verdict::Forbidden)),
        ("conflict", verdict_colour(Verdict::Conflict)),
        ("no agreement", NO_AGREEMENT),
        ("version not in force", "url(#not-in-force)"),
        ("disputed: hover for other readings", "url(#disputed)"),
    ];
    for (index, (name, fill)) in legend.iter().enumerate() {
        let (row, column) = (index / 6, index % 6);
        let left = LEFT + column as f64 * 160.0;
        let y = legend_top + row as f64 * 22.0;
        let _ = writeln!(
            out,
            "<rect x=\"{left:.1}\" y=\"{y:.1}\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#999\"/><text x=\"{:.1}\" y=\"{:.1}\">{name}</text>",
            left + 20.0,
            y + 11.0
        );
    }
    for (number, mark) in report.marks.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text class=\"mark-label\" x=\"{LEFT}\" y=\"{:.1}\">[{}] {}  {}</text>",
            marks_top + number as f64 * 16.0,
            number + 1,
            mark.date,
            escape(&mark.label.replace('`', ""))
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

    #[test]
    fn date_labels_close_together_climb_and_far_ones_return_to_the_first_row() {
        let labels: Vec<String> = [
            "[1] 2026-04-27",
            "[2] 2026-05-01",
            "[3] 2026-05-09",
            "[4] 2030-01-01",
        ]
        .map(String::from)
        .to_vec();
        let rows = super::label_rows(&[100.0, 104.0, 112.0, 600.0], &labels);
        assert_eq!(rows, [2, 1, 0, 0]);
    }

    #[test]
    fn a_verdict_goes_in_the_widest_stretch_between_mark_lines() {
        assert_eq!(
            super::widest_gap(0.0, 100.0, &[10.0, 70.0, 200.0]),
            (10.0, 70.0)
        );
        assert_eq!(super::widest_gap(0.0, 100.0, &[]), (0.0, 100.0));
    }
}
