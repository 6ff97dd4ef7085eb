//! Text output for people: answers, versions and the vocabulary.

use crate::ask::report::{
    AskReport, CaseReport, DecidedBy, DecisionReport, DisputeReport, OutcomeReport, RuleReport,
    Standing, VersionAnswers, VersionEdge,
};
use crate::ask::why::{NotApplying, Reason};
use crate::terms::{Citation, Terms};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn decision_line(decision: &DecisionReport) -> String {
    let mut line = format!("{:<11}", decision.verdict.to_string());
    match decision.decided_by {
        DecidedBy::Default => line.push_str("default"),
        DecidedBy::Rule => {
            let label = if decision.rules.len() > 1 {
                "rules"
            } else {
                "rule"
            };
            let _ = write!(line, "{label} {}", decision.rules.join(", "));
        }
    }
    if !decision.overridden.is_empty() {
        let _ = write!(line, " (overrides {})", decision.overridden.join(", "));
    }
    match (decision.due, decision.verdict) {
        (Some(due), crate::verdict::Verdict::Breached) => {
            let _ = write!(line, " (overdue since {due})");
        }
        (Some(due), crate::verdict::Verdict::Required) => {
            let _ = write!(line, " (due by {due})");
        }
        _ => {}
    }
    line
}

/// A fact or parameter and its values as a condition: `agi_achieved=true`, `region ∈ {eu, us}`.
pub(crate) fn condition_text(name: &str, values: &[String]) -> String {
    match values {
        [one] => format!("{name}={one}"),
        _ => format!("{name} ∈ {{{}}}", values.join(", ")),
    }
}

/// A class of parameter values for a table cell: `aws`, `aws | oracle`, or the
/// first few and how many when there are many.
fn values_cell(values: &[String]) -> String {
    const SHOWN: usize = 6;
    if values.len() <= SHOWN {
        values.join(" | ")
    } else {
        format!(
            "{} | … ({} values)",
            values[..SHOWN - 1].join(" | "),
            values.len()
        )
    }
}

fn case_text(case: &CaseReport) -> String {
    let parts: Vec<String> = case
        .facts
        .iter()
        .map(|(name, values)| values.text(name))
        .collect();
    parts.join(", ")
}

/// The branches of a decision tree in reading order: every branch but those of
/// the most common decision, each with its condition, then that decision as
/// "otherwise". Branches are disjoint and cover every case, so this is exact.
fn branches(cases: &[CaseReport]) -> (Vec<&CaseReport>, &DecisionReport) {
    let mut best = &cases[0].decision;
    let mut best_count = 0;
    for case in cases {
        let count = cases.iter().filter(|c| c.decision == case.decision).count();
        if count > best_count {
            best = &case.decision;
            best_count = count;
        }
    }
    let explicit = cases.iter().filter(|c| c.decision != *best).collect();
    (explicit, best)
}

/// The lines of an outcome; `given` holds the facts the question gave, so
/// that one given only in part (an event `false`, whose day still matters)
/// is not called "not given".
fn outcome_lines(outcome: &OutcomeReport, given: &BTreeMap<String, String>) -> Vec<String> {
    match outcome {
        OutcomeReport::Decided { decision } => vec![decision_line(decision)],
        OutcomeReport::DependsOnFacts { facts, cases } => {
            let named = |f: &String| match given.get(f) {
                Some(value) => format!("`{f}` (given as {value}: when it happened still matters)"),
                None => format!("`{f}`"),
            };
            let open = if facts.iter().all(|f| !given.contains_key(f)) {
                " (not given)"
            } else {
                ""
            };
            let mut lines = vec![format!(
                "depends on {}{open}:",
                facts.iter().map(named).collect::<Vec<_>>().join(", ")
            )];
            let (explicit, otherwise) = branches(cases);
            let conditions: Vec<String> = explicit
                .iter()
                .map(|case| format!("if {}", case_text(case)))
                .chain(["otherwise".to_string()])
                .collect();
            let width = conditions
                .iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0);
            let decisions = explicit
                .iter()
                .map(|case| &case.decision)
                .chain([otherwise]);
            for (condition, decision) in conditions.iter().zip(decisions) {
                let pad = width - condition.chars().count();
                lines.push(format!(
                    "  {condition}{}  {}",
                    " ".repeat(pad),
                    decision_line(decision)
                ));
            }
            lines
        }
        OutcomeReport::NoAgreement { ended, next } => vec![no_agreement_text(ended, next)],
    }
}

/// No version in force, in words: `no version in force: between `a` and `b``.
pub fn no_agreement_text(ended: &Option<VersionEdge>, next: &Option<VersionEdge>) -> String {
    match (ended, next) {
        (Some(ended), Some(next)) => format!(
            "no version in force: between `{}` and `{}`",
            ended.version, next.version
        ),
        (None, Some(next)) => format!("no version in force: before `{}`", next.version),
        (Some(ended), None) => format!("no version in force: after `{}`", ended.version),
        (None, None) => "no version in force".to_string(),
    }
}

fn outcome_summary(outcome: &OutcomeReport) -> String {
    let by = |decision: &DecisionReport| match decision.decided_by {
        DecidedBy::Default => "by default".to_string(),
        DecidedBy::Rule => format!("by {}", decision.rules.join(", ")),
    };
    match outcome {
        OutcomeReport::Decided { decision } => format!("{} {}", decision.verdict, by(decision)),
        OutcomeReport::DependsOnFacts { cases, .. }
            if cases
                .iter()
                .all(|c| c.decision.verdict == cases[0].decision.verdict) =>
        {
            format!("{} whatever the facts", cases[0].decision.verdict)
        }
        OutcomeReport::DependsOnFacts { cases, .. } => {
            let (explicit, otherwise) = branches(cases);
            explicit
                .iter()
                .map(|case| format!("{} if {}", case.decision.verdict, case_text(case)))
                .chain([format!("otherwise {}", otherwise.verdict)])
                .collect::<Vec<_>>()
                .join("; ")
        }
        OutcomeReport::NoAgreement { ended, next } => no_agreement_text(ended, next),
    }
}

pub(crate) fn citation_lines(out: &mut String, citations: &[Citation], indent: &str) {
    for citation in citations {
        let _ = writeln!(
            out,
            "{indent}\"{}\"\n{indent}    — {}, line {}",
            citation.quote, citation.seed, citation.line
        );
    }
}

/// What a rule says, in one line: its effect, action, dates (as written when
/// counted from an event) and condition, e.g. `oblige p.delete from
/// deletion_request until deletion_request + 60 days when agreement_ended`.
pub(crate) fn rule_terms(rule: &RuleReport) -> String {
    let mut what = format!("{} {}", rule.effect, rule.action);
    if rule.from_event.is_some() || rule.until_event.is_some() {
        let from = rule
            .from_event
            .clone()
            .or_else(|| rule.valid.from().map(|d| d.to_string()));
        let until = rule
            .until_event
            .clone()
            .or_else(|| rule.valid.until().map(|d| d.to_string()));
        match (from, until) {
            (Some(from), Some(until)) => {
                let _ = write!(what, " from {from} until {until}");
            }
            (Some(from), None) => {
                let _ = write!(what, " from {from}");
            }
            (None, Some(until)) => {
                let _ = write!(what, " until {until}");
            }
            (None, None) => {}
        }
    } else if rule.valid != crate::interval::DateInterval::ALWAYS {
        let _ = write!(what, " {}", rule.valid);
    }
    if let Some(when) = &rule.when {
        let _ = write!(what, " when {when}");
    }
    if let Some(due) = &rule.due {
        let _ = write!(what, ", due {due}");
    }
    if let Some(done) = &rule.done {
        let _ = write!(what, ", done once {done} happens");
    }
    if let Some(version) = &rule.survives_from {
        let _ = write!(what, " (survives from `{version}`)");
    }
    what
}

pub(crate) fn rule_block(out: &mut String, rule: &RuleReport) {
    let _ = writeln!(out, "  {}  ({})", rule.id, rule.location);
    let mut what = format!("    {}", rule_terms(rule));
    if let Some(reading) = &rule.reading {
        let _ = write!(what, " under reading {reading}");
    }
    if !rule.overrides.is_empty() {
        let _ = write!(what, "; overrides {}", rule.overrides.join(", "));
    }
    let _ = writeln!(out, "{what}");
    if let Some(note) = &rule.note {
        let _ = writeln!(out, "    note: {note}");
    }
    citation_lines(out, &rule.citations, "    ");
}

/// What values a fact takes, for the vocabulary listing: `= false | true`;
/// `(number of days; rules compare it with 30, 45)`; `(event; rules count 0 days, 60 days from it)`.
fn fact_kind_text(fact: &crate::terms::Fact) -> String {
    use crate::terms::{FactKind, Offset};
    match &fact.kind {
        FactKind::Choice => format!("= {}", fact.values.join(" | ")),
        FactKind::Number { unit, points } => {
            let of = unit
                .as_ref()
                .map(|u| format!(" of {u}"))
                .unwrap_or_default();
            let compared = if points.is_empty() {
                "no rule compares it".to_string()
            } else {
                let points: Vec<String> = points.iter().map(ToString::to_string).collect();
                format!("rules compare it with {}", points.join(", "))
            };
            format!("(a number{of}; {compared}; give it as `{}=31`)", fact.name)
        }
        FactKind::Event { unit, offsets } => {
            let counted: Vec<String> = offsets
                .iter()
                .filter(|&&a| a != 0)
                .map(|&amount| {
                    let offset = Offset {
                        amount,
                        unit: *unit,
                    };
                    if amount > 0 {
                        format!("+{offset}")
                    } else {
                        format!("-{offset}")
                    }
                })
                .collect();
            let counted = if counted.is_empty() {
                String::new()
            } else {
                format!("; rules count {} from it", counted.join(", "))
            };
            format!(
                "(an event{counted}; give it as `{0}=YYYY-MM-DD`, `{0}=true` or `{0}=false`)",
                fact.name
            )
        }
    }
}

fn dispute_block(out: &mut String, dispute: &DisputeReport, row: &str) {
    let origin = if dispute.reading_is_default {
        "the default reading"
    } else {
        "the reading you gave"
    };
    let _ = writeln!(
        out,
        "warning: the sources disagree{row}: {} (dispute `{}`)",
        dispute.question, dispute.dispute
    );
    let _ = writeln!(
        out,
        "  answered under `{}`, {origin}: {}",
        dispute.reading.id, dispute.reading.summary
    );
    citation_lines(out, &dispute.reading.citations, "    ");
    for alternative in &dispute.alternatives {
        let _ = writeln!(
            out,
            "  under `{}`: {} — {}",
            alternative.reading.id,
            outcome_summary(&alternative.outcome).trim_end(),
            alternative.reading.summary
        );
        citation_lines(out, &alternative.reading.citations, "    ");
    }
    if !dispute.changes_answer {
        let _ = writeln!(out, "  (every reading gives the same answer here)");
    }
}

fn version_heading(report: &AskReport, answers: &VersionAnswers) -> String {
    let life = match answers.superseded {
        Some(until) => format!("in force {} until {}", answers.effective, until),
        None => format!("in force since {}", answers.effective),
    };
    let standing = match answers.standing {
        Standing::InForce if report.under == "in-force" => {
            format!("the version in force on {}", report.date)
        }
        Standing::InForce => format!("in force on {}", report.date),
        Standing::Superseded => format!(
            "superseded on {}: answered as if its terms still applied",
            answers
                .superseded
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        Standing::NotYetInForce => format!(
            "not yet in force on {}: answered as if its terms already applied",
            report.date
        ),
    };
    format!(
        "under `{}` — {} ({life}); {standing}",
        answers.version, answers.title
    )
}

fn verdict_cell(outcome: &OutcomeReport) -> String {
    match outcome {
        OutcomeReport::Decided { decision } => decision.verdict.to_string(),
        OutcomeReport::DependsOnFacts { facts, .. } => format!("depends on {}", facts.join(", ")),
        OutcomeReport::NoAgreement { .. } => "no agreement".to_string(),
    }
}

/// A compact table with one verdict column per version, before the details.
fn side_by_side(out: &mut String, report: &AskReport) {
    let rows = report.versions[0].answers.len();
    let mut table: Vec<Vec<String>> = vec![
        report
            .columns
            .iter()
            .cloned()
            .chain(
                report
                    .versions
                    .iter()
                    .map(|v| format!("under `{}`", v.version)),
            )
            .collect(),
    ];
    for row in 0..rows {
        let first = &report.versions[0].answers[row];
        table.push(
            report
                .columns
                .iter()
                .map(|p| {
                    first
                        .params
                        .get(p)
                        .map(|v| values_cell(v))
                        .unwrap_or_default()
                })
                .chain(
                    report
                        .versions
                        .iter()
                        .map(|v| verdict_cell(&v.answers[row].outcome)),
                )
                .collect(),
        );
    }
    let columns = table[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    out.push('\n');
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    out.push('\n');
}

/// The first lines of an answer, one action's or a party's: the query and
/// date, the facts and readings given, and the breaches they pin down (or
/// leave open for a reading).
fn heading(
    query: &str,
    date: NaiveDate,
    facts: &BTreeMap<String, String>,
    readings_given: &BTreeMap<String, String>,
    breaches: &BTreeMap<String, String>,
    breaches_open: &BTreeMap<String, String>,
) -> String {
    let mut out = format!("{query} on {date}");
    let known: Vec<String> = facts
        .iter()
        .chain(readings_given)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !known.is_empty() {
        let _ = write!(out, ", with {}", known.join(", "));
    }
    out.push('\n');
    breach_lines(&mut out, breaches, breaches_open, date);
    out
}

/// A line for each breach the facts given pin down.
fn breach_lines(
    out: &mut String,
    breaches: &BTreeMap<String, String>,
    open: &BTreeMap<String, String>,
    date: NaiveDate,
) {
    for (event, dispute) in open {
        let _ = writeln!(
            out,
            "  {event} is left open: its day depends on the reading of `{dispute}`; give --reading {dispute}=… to work it out"
        );
    }
    for (event, day) in breaches {
        let _ = match day.as_str() {
            "false" => writeln!(
                out,
                "  {event} has not happened by {date}, given these facts"
            ),
            _ => writeln!(
                out,
                "  {event} on {day}: the duty is first overdue that day, given these facts"
            ),
        };
    }
}

/// The answer on a date no version is in force, naming the nearest versions.
pub fn no_agreement_line(none: &crate::ask::report::NoVersionInForce) -> String {
    format!(
        "  no agreement in force on {}: {}",
        none.date,
        none.between()
    )
}

/// Which answers list the rules that did not apply, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhyNot {
    /// Answers the action's default decided (no rule applying).
    #[default]
    Defaults,
    /// Every answer (`ask --explain`).
    Every,
}

/// A reason a rule did not apply, in words: `expired (until 2026-04-27)`.
fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::NotYetValid { from } => format!("not yet valid (from {from})"),
        Reason::Expired { until } => format!("expired (until {until})"),
        Reason::Parameter {
            param,
            values,
            covers,
        } => format!(
            "does not cover {} (covers {})",
            condition_text(param, values),
            condition_text(param, covers)
        ),
        Reason::Reading {
            dispute,
            reading,
            in_use,
        } => format!("only under reading {dispute}.{reading} (in use: {in_use})"),
        Reason::Needs { facts } => {
            let parts: Vec<String> = facts
                .iter()
                .map(|(name, values)| values.text(name))
                .collect();
            format!("needs {}", parts.join(" and "))
        }
        Reason::Overridden { by } => format!("beaten by {}", by.join(", ")),
    }
}

/// One line per rule that did not apply, its id then its reasons; a rule's
/// further alternatives read "or needs …".
fn not_applying_lines(out: &mut String, rules: &[NotApplying], indent: &str) {
    let width = rules
        .iter()
        .map(|r| r.rule.chars().count())
        .max()
        .unwrap_or(0);
    for rule in rules {
        let mut needs = 0;
        let reasons: Vec<String> = rule
            .reasons
            .iter()
            .map(|reason| {
                let text = reason_text(reason);
                if matches!(reason, Reason::Needs { .. }) {
                    needs += 1;
                    if needs > 1 {
                        return format!("or {text}");
                    }
                }
                text
            })
            .collect();
        let _ = writeln!(out, "{indent}{:<width$}  {}", rule.rule, reasons.join("; "));
    }
}

/// The rules that did not apply to the answers `why_not` asks for, under
/// one heading per row and case when there are several.
fn why_not_block(out: &mut String, answers: &VersionAnswers, why_not: WhyNot) {
    let shown = |decision: &DecisionReport| {
        decision
            .not_applying
            .as_ref()
            .is_some_and(|n| !n.is_empty())
            && (why_not == WhyNot::Every || decision.decided_by == DecidedBy::Default)
    };
    let mut groups: Vec<(Vec<String>, &[NotApplying])> = Vec::new();
    for answer in &answers.answers {
        let row: Vec<String> = answer
            .params
            .iter()
            .filter(|_| answers.answers.len() > 1)
            .map(|(k, v)| condition_text(k, v))
            .collect();
        match &answer.outcome {
            OutcomeReport::Decided { decision } if shown(decision) => {
                groups.push((row, decision.not_applying.as_deref().unwrap_or_default()));
            }
            OutcomeReport::Decided { .. } | OutcomeReport::NoAgreement { .. } => {}
            OutcomeReport::DependsOnFacts { cases, .. } => {
                for case in cases.iter().filter(|c| shown(&c.decision)) {
                    let mut heading = row.clone();
                    heading.push(format!("if {}", case_text(case)));
                    groups.push((
                        heading,
                        case.decision.not_applying.as_deref().unwrap_or_default(),
                    ));
                }
            }
        }
    }
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  rules that did not apply:");
    if let [(heading, rules)] = &groups[..] {
        if heading.is_empty() {
            not_applying_lines(out, rules, "    ");
            return;
        }
    }
    for (heading, rules) in &groups {
        let _ = writeln!(out, "    {}:", heading.join(", "));
        not_applying_lines(out, rules, "      ");
    }
}

/// Renders an answer for people: a table of verdicts, the rules that did not
/// apply where the default decided, the deciding rules with their passages,
/// and a warning for every dispute that touches the answer.
pub fn ask(report: &AskReport) -> String {
    ask_with(report, WhyNot::Defaults)
}

/// [`ask`], listing the rules that did not apply for the answers `why_not` names.
pub fn ask_with(report: &AskReport, why_not: WhyNot) -> String {
    let mut out = heading(
        &report.query,
        report.date,
        &report.facts,
        &report.readings_given,
        &report.breaches,
        &report.breaches_open,
    );
    if let Some(none) = &report.no_agreement {
        let _ = writeln!(out, "\n{}", no_agreement_line(none));
    }
    if report.versions.len() > 1 {
        side_by_side(&mut out, report);
    }
    for answers in &report.versions {
        let _ = writeln!(out, "{}\n", version_heading(report, answers));
        let widths: Vec<usize> = report
            .columns
            .iter()
            .map(|p| {
                answers
                    .answers
                    .iter()
                    .map(|a| {
                        a.params
                            .get(p)
                            .map_or(0, |v| values_cell(v).chars().count())
                    })
                    .chain([p.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let prefix = |cells: Vec<&str>| -> String {
            cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}  "))
                .collect()
        };
        if !report.columns.is_empty() {
            let header = prefix(report.columns.iter().map(String::as_str).collect());
            let _ = writeln!(out, "  {header}verdict    decided by");
        }
        for answer in &answers.answers {
            let texts: Vec<String> = report
                .columns
                .iter()
                .map(|p| {
                    answer
                        .params
                        .get(p)
                        .map(|v| values_cell(v))
                        .unwrap_or_default()
                })
                .collect();
            let cells = prefix(texts.iter().map(String::as_str).collect());
            let blank = " ".repeat(cells.chars().count());
            for (i, line) in outcome_lines(&answer.outcome, &report.facts)
                .iter()
                .enumerate()
            {
                let lead = if i == 0 { &cells } else { &blank };
                let _ = writeln!(out, "  {lead}{line}");
            }
        }
        let mut defaults: Vec<&str> = answers
            .answers
            .iter()
            .flat_map(|a| match &a.outcome {
                OutcomeReport::Decided { decision } => vec![decision],
                OutcomeReport::DependsOnFacts { cases, .. } => {
                    cases.iter().map(|c| &c.decision).collect()
                }
                OutcomeReport::NoAgreement { .. } => Vec::new(),
            })
            .filter_map(|d| d.default_reason.as_deref())
            .collect();
        defaults.dedup();
        if let Some(reason) = defaults.first() {
            let _ = writeln!(out, "\n  default: {reason}");
        }
        why_not_block(&mut out, answers, why_not);
        if !answers.rules.is_empty() {
            let _ = writeln!(out, "\nrules:");
            for rule in answers.rules.values() {
                rule_block(&mut out, rule);
            }
        }
        for answer in &answers.answers {
            let row: Vec<String> = answer
                .params
                .iter()
                .map(|(k, v)| condition_text(k, v))
                .collect();
            let row = if row.is_empty() || answers.answers.len() == 1 {
                String::new()
            } else {
                format!(" for {}", row.join(", "))
            };
            for dispute in &answer.disputes {
                out.push('\n');
                dispute_block(&mut out, dispute, &row);
            }
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Lists the versions with their dates and where each date comes from.
pub fn versions(terms: &Terms) -> String {
    let mut out = format!("{}\n", terms.vocabulary.title);
    for version in &terms.versions {
        let _ = writeln!(
            out,
            "\n{}  {}\n  file: {}  ({} rules)",
            version.id,
            version.title,
            version.file,
            version
                .written_rules()
                .filter(|(_, r)| r.survivor_of.is_none())
                .count()
        );
        let _ = writeln!(
            out,
            "  effective {}: {}",
            version.effective.date, version.effective.source
        );
        citation_lines(&mut out, &version.effective.citations, "    ");
        match &version.superseded {
            Some(superseded) => {
                let _ = writeln!(
                    out,
                    "  superseded {}: {}",
                    superseded.date, superseded.source
                );
                citation_lines(&mut out, &superseded.citations, "    ");
            }
            None => {
                let _ = writeln!(out, "  not superseded");
            }
        }
    }
    out
}

/// Lists the vocabulary: actions with parameters and defaults, facts, disputes and readings.
pub fn actions(terms: &Terms) -> String {
    let vocabulary = &terms.vocabulary;
    let mut out = String::from("actions:\n");
    for action in &vocabulary.actions {
        let params: Vec<String> = action
            .params
            .iter()
            .map(|p| format!("{} = {}", p.name, p.values.join(" | ")))
            .collect();
        let signature = if params.is_empty() {
            action.id.clone()
        } else {
            format!("{}({})", action.id, params.join(", "))
        };
        let _ = writeln!(out, "  {signature}\n    {}", action.description);
        let _ = writeln!(
            out,
            "    default {}: {}",
            action.default, action.default_reason
        );
    }
    out.push_str("\nfacts:\n");
    for fact in &vocabulary.facts {
        let _ = writeln!(
            out,
            "  {} {}\n    {}",
            fact.name,
            fact_kind_text(fact),
            fact.description
        );
    }
    out.push_str("\ndisputes:\n");
    for dispute in &vocabulary.disputes {
        let _ = writeln!(out, "  {}: {}", dispute.id, dispute.question);
        for (index, reading) in dispute.readings.iter().enumerate() {
            let mark = if index == dispute.default {
                " (default)"
            } else {
                ""
            };
            let seeds: Vec<&str> = reading.citations.iter().map(|c| c.seed.as_str()).collect();
            let _ = writeln!(
                out,
                "    {}{mark}: {} [{}]",
                reading.id,
                reading.summary,
                seeds.join(", ")
            );
        }
        let _ = writeln!(out, "    why the default: {}", dispute.default_reason);
    }
    out
}

/// How high a row of a party's position sits: what the party must do (or has
/// failed to do) first, then clashes and open answers, then what it may not
/// do, then what it may.
fn position_rank(outcome: &OutcomeReport) -> u8 {
    match outcome.verdict() {
        Some(crate::verdict::Verdict::Breached) => 0,
        Some(crate::verdict::Verdict::Required) => 0,
        Some(crate::verdict::Verdict::Conflict) => 1,
        None => 2,
        Some(crate::verdict::Verdict::Forbidden) => 3,
        Some(crate::verdict::Verdict::Permitted) => 4,
    }
}

/// An answer that depends on facts, on one line of a position: its branches
/// when they are short, else the verdicts it can have and where to see each case.
fn position_depends(outcome: &OutcomeReport, action: &str) -> String {
    const SHORT: usize = 110;
    let summary = format!("{}: {}", verdict_cell(outcome), outcome_summary(outcome));
    if summary.chars().count() <= SHORT {
        return summary;
    }
    let OutcomeReport::DependsOnFacts { facts, cases } = outcome else {
        return summary;
    };
    let mut verdicts: Vec<String> = Vec::new();
    for case in cases {
        let verdict = case.decision.verdict.to_string();
        if !verdicts.contains(&verdict) {
            verdicts.push(verdict);
        }
    }
    format!(
        "{} depending on {}; `covenant ask {action}` gives each case",
        verdicts.join(" or "),
        facts.join(", ")
    )
}

/// A party's whole position on a date (`covenant ask 'provider.*'`): per
/// version, one line per action and class of parameter values, required
/// first; an answer that depends on facts reads as its branches on the line.
pub fn position(report: &crate::ask::report::PositionReport) -> String {
    let mut out = heading(
        &report.query,
        report.date,
        &report.facts,
        &report.readings_given,
        &report.breaches,
        &report.breaches_open,
    );
    let Some(first) = report.actions.first() else {
        return out;
    };
    if let Some(none) = &first.no_agreement {
        let _ = writeln!(out, "\n{}", no_agreement_line(none));
    }
    for (slot, version) in first.versions.iter().enumerate() {
        let _ = writeln!(out, "\n{}\n", version_heading(first, version));
        let mut rows: Vec<(u8, usize, String, String)> = Vec::new();
        for (order, action) in report.actions.iter().enumerate() {
            let Some(answers) = action.versions.get(slot) else {
                continue;
            };
            for answer in &answers.answers {
                let params: Vec<String> = action
                    .columns
                    .iter()
                    .filter_map(|p| answer.params.get(p).map(|values| condition_text(p, values)))
                    .collect();
                let label = if params.is_empty() {
                    action.action.clone()
                } else {
                    format!("{}({})", action.action, params.join(", "))
                };
                let why = match &answer.outcome {
                    OutcomeReport::Decided { decision } => decision_line(decision),
                    outcome => position_depends(outcome, &action.action),
                };
                rows.push((position_rank(&answer.outcome), order, label, why));
            }
        }
        rows.sort_by_key(|(rank, order, _, _)| (*rank, *order));
        let width = rows
            .iter()
            .map(|(_, _, label, _)| label.chars().count())
            .max()
            .unwrap_or(0);
        for (_, _, label, why) in rows {
            let pad = width - label.chars().count();
            let _ = writeln!(out, "  {label}{}  {why}", " ".repeat(pad));
        }
    }
    out
}
