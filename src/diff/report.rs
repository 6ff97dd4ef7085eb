//! A diff as named, serialisable data: what `covenant diff` prints as text,
//! markdown or JSON. The JSON shape is documented in the README and stable:
//! one object per region under `regions`.

use super::{Diff, DiffRequest, Region, Side};
use crate::ask::report::FactValues;
use crate::ask::report::{RuleReport, rule_report};
use crate::interval::DateInterval;
use crate::terms::{Terms, ValueSet};
use crate::verdict::Verdict;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything `covenant diff` says.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The version on the left.
    pub old: VersionRef,
    /// The version on the right.
    pub new: VersionRef,
    /// The dates compared, `[from, until)`; `null` is open.
    pub window: DateInterval,
    /// Facts the user fixed; every other fact is compared at each of its values.
    pub facts: BTreeMap<String, String>,
    /// The reading each dispute was held at; disputes not listed were compared under every reading.
    pub readings: BTreeMap<String, String>,
    /// The disputes compared under every reading (`--readings all`).
    pub readings_compared: Vec<String>,
    /// Counts, and one line per change, by action.
    pub summary: Summary,
    /// Every region where the verdict differs.
    pub regions: Vec<RegionReport>,
}

/// A version as the diff names it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRef {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When it took effect.
    pub effective: NaiveDate,
}

/// The diff at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Fully specified questions (action and parameter values) whose verdict changes somewhere.
    pub questions_changed: u128,
    /// All fully specified questions.
    pub questions: u128,
    /// How many regions follow.
    pub regions: usize,
    /// The actions with a change, in vocabulary order.
    pub changed: Vec<ActionSummary>,
    /// The actions whose verdicts do not change.
    pub unchanged: Vec<String>,
}

/// The changes to one action.
#[derive(Debug, Clone, Serialize)]
pub struct ActionSummary {
    /// The action.
    pub action: String,
    /// Its questions whose verdict changes somewhere.
    pub questions_changed: u128,
    /// All its questions.
    pub questions: u128,
    /// One line per region, e.g. `cloud ∈ {aws, oracle} forbidden → permitted from 2026-04-27 onward`.
    pub changes: Vec<String>,
}

/// One region: a box of questions, dates, facts and readings with the same change.
#[derive(Debug, Clone, Serialize)]
pub struct RegionReport {
    /// The action.
    pub action: String,
    /// Each parameter and the values in the region (all of them when unconstrained).
    pub params: BTreeMap<String, Vec<String>>,
    /// The first date of the region, or `null` when open.
    pub from: Option<NaiveDate>,
    /// The first date after the region, or `null` when open.
    pub until: Option<NaiveDate>,
    /// The facts the region is limited to and their values; empty: any facts.
    pub facts: BTreeMap<String, FactValues>,
    /// The readings the region is limited to; empty: the readings of the request.
    pub readings: BTreeMap<String, Vec<String>>,
    /// Whether the verdict changes here under every reading of the disputes compared.
    pub under_every_reading: bool,
    /// The old side.
    pub old: SideReport,
    /// The new side.
    pub new: SideReport,
}

/// One side of a change.
#[derive(Debug, Clone, Serialize)]
pub struct SideReport {
    /// The version.
    pub version: String,
    /// Its verdict.
    pub verdict: Verdict,
    /// `rule` or `default`.
    pub decided_by: &'static str,
    /// The deciding rules, with their locations and citations (at most ten).
    pub rules: Vec<RuleReport>,
    /// How many more rules decided than `rules` lists.
    pub more_rules: usize,
}

fn values(set: ValueSet, names: &[String]) -> Vec<String> {
    set.indices().map(|i| names[i].clone()).collect()
}

fn side_report(terms: &Terms, version: usize, side: &Side) -> SideReport {
    let version = &terms.versions[version];
    SideReport {
        version: version.id.clone(),
        verdict: side.verdict,
        decided_by: if side.deciding.is_empty() {
            "default"
        } else {
            "rule"
        },
        rules: side
            .deciding
            .iter()
            .map(|&i| rule_report(terms, version, i))
            .collect(),
        more_rules: side.unlisted,
    }
}

fn region_report(terms: &Terms, request: &DiffRequest, region: &Region) -> RegionReport {
    let vocabulary = &terms.vocabulary;
    let action = &vocabulary.actions[region.action];
    RegionReport {
        action: action.id.clone(),
        params: action
            .params
            .iter()
            .zip(&region.params)
            .map(|(p, set)| (p.name.clone(), values(*set, &p.values)))
            .collect(),
        from: region.interval.from(),
        until: region.interval.until(),
        facts: crate::ask::report::named_fact_sets(terms, &region.facts, None),
        readings: region
            .readings
            .iter()
            .map(|(d, set)| {
                let dispute = &vocabulary.disputes[*d];
                let names: Vec<String> = dispute.readings.iter().map(|r| r.id.clone()).collect();
                (dispute.id.clone(), values(*set, &names))
            })
            .collect(),
        under_every_reading: region.under_every_reading,
        old: side_report(terms, request.old, &region.old),
        new: side_report(terms, request.new, &region.new),
    }
}

/// How many fully specified questions an action has: the product of its
/// parameters' domain sizes, saturating rather than wrapping.
fn questions_of(action: &crate::terms::Action) -> u128 {
    action.params.iter().fold(1, |total: u128, p| {
        total.saturating_mul(p.values.len() as u128)
    })
}

/// Sets as people read them: `cloud = aws`, `cloud ∈ {aws, oracle}`.
pub fn constraint_text(name: &str, values: &[String]) -> String {
    match values {
        [one] => format!("{name} = {one}"),
        _ => format!("{name} ∈ {{{}}}", values.join(", ")),
    }
}

/// The parameters of a region that are constrained, e.g. `cloud ∈ {aws, oracle}`; empty when all values.
pub fn params_text(terms: &Terms, region: &RegionReport) -> String {
    let action = terms
        .action_index(&region.action)
        .map(|a| &terms.vocabulary.actions[a]);
    let mut parts = Vec::new();
    for param in action.map(|a| a.params.as_slice()).unwrap_or_default() {
        if let Some(chosen) = region.params.get(&param.name) {
            if chosen.len() < param.values.len() {
                parts.push(constraint_text(&param.name, chosen));
            }
        }
    }
    parts.join(", ")
}

/// Dates in words: `from 2026-04-27 onward`, `from 2026-04-27 until 2031-01-01`, `until 2020-01-01`, `at any date`.
pub fn dates_text(from: Option<NaiveDate>, until: Option<NaiveDate>) -> String {
    match (from, until) {
        (Some(from), None) => format!("from {from} onward"),
        (Some(from), Some(until)) => format!("from {from} until {until}"),
        (None, Some(until)) => format!("until {until}"),
        (None, None) => "at any date".to_string(),
    }
}

/// The condition of a region on facts and readings in words, or `None` when there is none.
///
/// Facts, numbers and readings follow "when"; the time since an event reads
/// on its own ("once `agi_achieved` has happened", "within 60 days after
/// `deletion_request`"), after them.
pub fn condition_text(region: &RegionReport) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut events: Vec<String> = Vec::new();
    for (fact, values) in &region.facts {
        match values {
            FactValues::Values(values) => parts.push(constraint_text(fact, values)),
            FactValues::Stages { .. } => events.push(values.text(fact)),
            other => parts.push(other.text(fact)),
        }
    }
    parts.extend(
        region
            .readings
            .iter()
            .map(|(dispute, readings)| format!("reading {}", constraint_text(dispute, readings))),
    );
    let when = (!parts.is_empty()).then(|| format!("when {}", parts.join(" and ")));
    let since = (!events.is_empty()).then(|| events.join(" and "));
    match (when, since) {
        (Some(when), Some(since)) => Some(format!("{when}, {since}")),
        (when, since) => when.or(since),
    }
}

fn summary_line(terms: &Terms, region: &RegionReport, readings_compared: bool) -> String {
    let mut line = String::new();
    let params = params_text(terms, region);
    if !params.is_empty() {
        line.push_str(&params);
        line.push(' ');
    }
    line.push_str(&format!(
        "{} → {} {}",
        region.old.verdict,
        region.new.verdict,
        dates_text(region.from, region.until)
    ));
    if let Some(condition) = condition_text(region) {
        line.push_str(condition_separator(&condition));
        line.push_str(&condition);
    }
    if readings_compared {
        line.push_str(if region.under_every_reading {
            "  [under every reading]"
        } else {
            "  [depends on the reading]"
        });
    }
    line
}

/// What goes between a region's dates and its condition: a space before
/// "when …", a comma before the time since an event ("…, once `e` has happened").
pub fn condition_separator(condition: &str) -> &'static str {
    if condition.starts_with("when ") {
        " "
    } else {
        ", "
    }
}

/// Names the diff's regions and counts, ready to print or serialise.
pub fn report(terms: &Terms, request: &DiffRequest, diff: &Diff) -> DiffReport {
    let vocabulary = &terms.vocabulary;
    let version_ref = |index: usize| {
        let version = &terms.versions[index];
        VersionRef {
            id: version.id.clone(),
            title: version.title.clone(),
            effective: version.effective.date,
        }
    };
    let regions: Vec<RegionReport> = diff
        .regions
        .iter()
        .map(|region| region_report(terms, request, region))
        .collect();
    let compared = request.readings.iter().any(Option::is_none);
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    for (index, action) in vocabulary.actions.iter().enumerate() {
        let changes: Vec<String> = diff
            .regions
            .iter()
            .zip(&regions)
            .filter(|(region, _)| region.action == index)
            .map(|(_, report)| summary_line(terms, report, compared))
            .collect();
        if changes.is_empty() {
            unchanged.push(action.id.clone());
        } else {
            changed.push(ActionSummary {
                action: action.id.clone(),
                questions_changed: diff.questions_changed[index],
                questions: questions_of(action),
                changes,
            });
        }
    }
    DiffReport {
        old: version_ref(request.old),
        new: version_ref(request.new),
        window: request.window,
        facts: crate::ask::report::named_facts(
            terms,
            &request
                .facts
                .iter()
                .enumerate()
                .filter_map(|(f, value)| value.map(|v| (f, v)))
                .collect::<Vec<_>>(),
        ),
        readings: request
            .readings
            .iter()
            .enumerate()
            .filter_map(|(d, reading)| {
                let dispute = &vocabulary.disputes[d];
                reading.map(|r| (dispute.id.clone(), dispute.readings[r].id.clone()))
            })
            .collect(),
        readings_compared: request
            .readings
            .iter()
            .enumerate()
            .filter(|(_, reading)| reading.is_none())
            .map(|(d, _)| vocabulary.disputes[d].id.clone())
            .collect(),
        summary: Summary {
            questions_changed: diff
                .questions_changed
                .iter()
                .fold(0, |total: u128, n| total.saturating_add(*n)),
            questions: vocabulary
                .actions
                .iter()
                .fold(0, |total: u128, a| total.saturating_add(questions_of(a))),
            regions: regions.len(),
            changed,
            unchanged,
        },
        regions,
    }
}
