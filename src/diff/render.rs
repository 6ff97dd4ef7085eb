//! A diff for people: text for the terminal, markdown for a review or a wiki.

use super::report::{
    DiffReport, RegionReport, SideReport, condition_text, dates_text, params_text,
};
use crate::ask::render::citation_lines;
use crate::ask::report::{RuleReport, VersionReport};
use crate::terms::Terms;
use std::collections::BTreeSet;
use std::fmt::Write;

fn heading(report: &DiffReport) -> String {
    let mut out = format!(
        "diff `{}` → `{}`, {}",
        report.old.id,
        report.new.id,
        dates_text(report.window.from(), report.window.until())
    );
    if !report.facts.is_empty() {
        let facts: Vec<String> = report
            .facts
            .iter()
            .map(|(fact, value)| format!("{fact}={value}"))
            .collect();
        let _ = write!(out, ", with {}", facts.join(", "));
    }
    out.push('\n');
    if report.readings_compared.is_empty() && report.readings.is_empty() {
        // No disputes: nothing to say about readings.
    } else if report.readings_compared.is_empty() {
        out.push_str("each dispute under its default reading");
        let given: Vec<String> = report
            .readings
            .iter()
            .map(|(d, r)| format!("{d}={r}"))
            .collect();
        let _ = writeln!(
            out,
            " ({}); --readings all compares every reading",
            given.join(", ")
        );
    } else {
        let _ = writeln!(
            out,
            "every reading of {} compared",
            report.readings_compared.join(", ")
        );
    }
    out
}

fn readings_note(report: &DiffReport, region: &RegionReport) -> Option<String> {
    if report.readings_compared.is_empty() {
        return None;
    }
    Some(
        match (region.readings.is_empty(), region.under_every_reading) {
            (true, _) => "under every reading".to_string(),
            (false, true) => {
                "under every reading (other readings change it too, by other rules)".to_string()
            }
            (false, false) => "depends on the reading: only under the readings named".to_string(),
        },
    )
}

/// A rule as `ask` states it: its terms (dates, `when`, due, done), the
/// reading it holds under and what it overrides.
fn rule_line(rule: &RuleReport) -> String {
    let mut line = crate::ask::render::rule_terms(rule);
    if let Some(reading) = &rule.reading {
        let _ = write!(line, " under reading {reading}");
    }
    if !rule.overrides.is_empty() {
        let _ = write!(line, "; overrides {}", rule.overrides.join(", "));
    }
    line
}

/// The rule objects a side names, from the version of the report they are under.
fn side_rules<'r>(version: &'r VersionReport, side: &SideReport) -> Vec<&'r RuleReport> {
    side.decision()
        .map(|d| {
            d.rules
                .iter()
                .filter_map(|id| version.rules.get(id))
                .collect()
        })
        .unwrap_or_default()
}

fn side_verdict(side: &SideReport) -> String {
    side.verdict().map(|v| v.to_string()).unwrap_or_default()
}

fn side_more(side: &SideReport) -> usize {
    side.decision().map_or(0, |d| d.more_rules)
}

fn side_lines(out: &mut String, version: &VersionReport, side: &SideReport) {
    let rules = side_rules(version, side);
    if rules.is_empty() {
        let _ = writeln!(
            out,
            "   `{}`: {} by default",
            side.version,
            side_verdict(side)
        );
        return;
    }
    let _ = writeln!(out, "   `{}`: {} by", side.version, side_verdict(side));
    for rule in rules {
        let _ = writeln!(
            out,
            "     {}  ({}): {}",
            rule.id,
            rule.location,
            rule_line(rule)
        );
        citation_lines(out, &rule.citations, "       ");
    }
    if side_more(side) > 0 {
        let _ = writeln!(out, "     and {} more rules", side_more(side));
    }
}

/// Renders a diff as text: the summary first, then every region with the rules and passages on each side.
pub fn text(terms: &Terms, report: &DiffReport) -> String {
    let mut out = heading(report);
    if report.regions.is_empty() {
        out.push_str("\nno differences\n");
        return out;
    }
    let summary = &report.summary;
    let _ = writeln!(
        out,
        "\n{} of {} questions change, in {} of {} actions ({} regions):",
        summary.questions_changed,
        summary.questions,
        summary.changed.len(),
        summary.changed.len() + summary.unchanged.len(),
        summary.regions
    );
    for action in &summary.changed {
        let _ = writeln!(
            out,
            "  {}  ({} of {} questions)",
            action.action, action.questions_changed, action.questions
        );
        for change in &action.changes {
            let _ = writeln!(out, "    {}", change.text);
        }
    }
    if !summary.unchanged.is_empty() {
        let _ = writeln!(out, "unchanged: {}", summary.unchanged.join(", "));
    }
    out.push_str("\nregions:\n");
    for (number, region) in report.regions.iter().enumerate() {
        let params = params_text(terms, region);
        let mut title = region.action.clone();
        if !params.is_empty() {
            let _ = write!(title, "({params})");
        }
        let _ = write!(
            out,
            "\n{}. {title} {}",
            number + 1,
            dates_text(region.from, region.until)
        );
        match condition_text(region) {
            Some(condition) => {
                let _ = write!(
                    out,
                    "{}{condition}",
                    super::report::condition_separator(&condition)
                );
            }
            None if report.facts.is_empty() => out.push_str(", any facts"),
            None => {}
        }
        out.push('\n');
        if let Some(note) = readings_note(report, region) {
            let _ = writeln!(out, "   {note}");
        }
        side_lines(&mut out, &report.old, &region.old);
        side_lines(&mut out, &report.new, &region.new);
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn side_cell(side: &SideReport) -> String {
    let rules = side
        .decision()
        .map(|d| d.rules.as_slice())
        .unwrap_or_default();
    if rules.is_empty() {
        format!("{} (default)", side_verdict(side))
    } else {
        let mut ids: Vec<String> = rules.iter().map(|id| format!("`{id}`")).collect();
        if side_more(side) > 0 {
            ids.push(format!("and {} more", side_more(side)));
        }
        format!("{} ({})", side_verdict(side), ids.join(", "))
    }
}

/// Text from the terms or a seed, escaped so markdown shows it as written:
/// no emphasis, link, HTML or heading is made of it.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // An underscore inside a word (`002_3b06.txt`) emphasises nothing.
        let in_word = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        let special = match c {
            '_' => !(in_word(i.checked_sub(1)) && in_word(Some(i + 1))),
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '#' | '|' => true,
            _ => false,
        };
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Inline code for text that may hold backticks: fenced with more of them.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Renders a diff as markdown: one title, a summary list, a table of regions,
/// and every rule named, stated as `ask` states it, each passage a block quote
/// of its own.
pub fn markdown(terms: &Terms, report: &DiffReport) -> String {
    let heading = heading(report);
    let mut lines = heading.lines();
    let mut out = format!("# {}\n", lines.next().unwrap_or_default());
    for line in lines {
        let _ = write!(out, "\n{line}\n");
    }
    if report.regions.is_empty() {
        out.push_str("\nNo differences.\n");
        return out;
    }
    let summary = &report.summary;
    let _ = writeln!(
        out,
        "\n## Summary\n\n{} of {} questions change, in {} of {} actions.\n",
        summary.questions_changed,
        summary.questions,
        summary.changed.len(),
        summary.changed.len() + summary.unchanged.len()
    );
    for action in &summary.changed {
        let _ = writeln!(out, "- **`{}`**", action.action);
        for change in &action.changes {
            let _ = writeln!(out, "  - {}", cell(&change.text));
        }
    }
    if !summary.unchanged.is_empty() {
        let unchanged: Vec<String> = summary.unchanged.iter().map(|a| format!("`{a}`")).collect();
        let _ = writeln!(out, "\nUnchanged: {}.", unchanged.join(", "));
    }
    out.push_str("\n## Regions\n\n| # | action | parameters | dates | condition | old | new |\n|---|---|---|---|---|---|---|\n");
    for (number, region) in report.regions.iter().enumerate() {
        let mut condition = condition_text(region).unwrap_or_else(|| "any facts".into());
        if let Some(note) = readings_note(report, region) {
            let _ = write!(condition, "; {note}");
        }
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            number + 1,
            region.action,
            cell(&params_text(terms, region)),
            dates_text(region.from, region.until),
            cell(&condition),
            cell(&side_cell(&region.old)),
            cell(&side_cell(&region.new)),
        );
    }
    out.push_str("\n## Rules and their sources\n");
    let mut seen = BTreeSet::new();
    for region in &report.regions {
        for (version, side) in [(&report.old, &region.old), (&report.new, &region.new)] {
            for rule in side_rules(version, side) {
                if !seen.insert((side.version.clone(), rule.id.clone())) {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "\n- **`{}`** in `{}` ({}): {}",
                    rule.id,
                    side.version,
                    rule.location,
                    code(&rule_line(rule))
                );
                if let Some(note) = &rule.note {
                    let _ = writeln!(out, "\n  note: {}", markdown_text(note));
                }
                for citation in &rule.citations {
                    let _ = writeln!(
                        out,
                        "\n  > {}\n  >\n  > — {}, line {}",
                        markdown_text(&citation.quote),
                        markdown_text(&citation.seed),
                        citation.line
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_shows_text_from_the_terms_as_written() {
        assert_eq!(markdown_text("a_b *c* <b> #1"), "a_b \\*c\\* \\<b\\> \\#1");
        assert_eq!(markdown_text("_x_"), "\\_x\\_");
        assert_eq!(code("permit a.b"), "`permit a.b`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
    }
}
