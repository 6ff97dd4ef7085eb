//! A diff as named, serialisable data: what `covenant diff` prints as text,
//! markdown or JSON. The JSON shape is documented in the README ("JSON
//! output") and stable: one object per region under `regions`, each side an
//! outcome as `ask` and `timeline` give it, the rules once per version.

use super::{Diff, DiffRequest, Region, Side};
use crate::ask::report::{DecidedBy, DecisionReport, FactValues, OutcomeReport, VersionReport};
use crate::interval::DateInterval;
use crate::terms::{Terms, ValueSet};
use crate::verdict::Verdict;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything `covenant diff` says.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiffReport {
    /// The version on the left, with every rule its sides name.
    pub old: VersionReport,
    /// The version on the right, with every rule its sides name.
    pub new: VersionReport,
    /// The dates compared, `[from, until)`; `null` is open.
    pub window: DateInterval,
    /// Facts the user fixed; every other fact is compared at each of its values.
    pub facts: BTreeMap<String, String>,
    /// The reading each dispute was held at (given, or its default);
    /// disputes not listed were compared under every reading.
    pub readings: BTreeMap<String, String>,
    /// The disputes compared under every reading (`--readings all`).
    pub readings_compared: Vec<String>,
    /// Counts, and one entry per change (as data and in words), by action.
    pub summary: Summary,
    /// Every region where the verdict differs.
    pub regions: Vec<RegionReport>,
}

/// The diff at a glance.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ActionSummary {
    /// The action.
    pub action: String,
    /// Its questions whose verdict changes somewhere.
    pub questions_changed: u128,
    /// All its questions.
    pub questions: u128,
    /// One entry per region of the action, in the order of `regions`.
    pub changes: Vec<ChangeSummary>,
}

/// One change of an action at a glance: a region's limits and verdicts as
/// data, and the same in words.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChangeSummary {
    /// The region it summarises: its index (from 0) in the report's `regions`.
    pub region: usize,
    /// The parameters the change is limited to, each with its values; a
    /// parameter not listed may take any value.
    pub params: BTreeMap<String, Vec<String>>,
    /// The first date of the change, or `null` when open.
    pub from: Option<NaiveDate>,
    /// The first date after it, or `null` when open.
    pub until: Option<NaiveDate>,
    /// The facts it is limited to and their values; empty: any facts.
    pub facts: BTreeMap<String, FactValues>,
    /// The readings it is limited to; empty: the readings of the request.
    pub readings: BTreeMap<String, Vec<String>>,
    /// Whether the verdict changes here under every reading of the disputes compared.
    pub under_every_reading: bool,
    /// The verdict under the old version.
    pub old: Verdict,
    /// The verdict under the new version.
    pub new: Verdict,
    /// The same in words, e.g. `cloud ∈ {aws, oracle} forbidden → permitted from 2026-04-27 onward`.
    pub text: String,
}

/// One region: a box of questions, dates, facts and readings with the same change.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SideReport {
    /// The version (its rules are in the report's `old` or `new`).
    pub version: String,
    /// The outcome: always `decided` (a diff compares one question at a
    /// time); at most ten rules, `more_rules` counting the rest.
    pub outcome: OutcomeReport,
}

impl SideReport {
    /// The side's decision.
    pub fn decision(&self) -> Option<&DecisionReport> {
        match &self.outcome {
            OutcomeReport::Decided { decision } => Some(decision),
            _ => None,
        }
    }

    /// The side's verdict, if it has one.
    pub fn verdict(&self) -> Option<Verdict> {
        self.outcome.verdict()
    }
}

fn values(set: ValueSet, names: &[String]) -> Vec<String> {
    set.indices().map(|i| names[i].clone()).collect()
}

/// A side as a report; the rules it names are noted in `named` (id → index).
fn side_report(
    terms: &Terms,
    version: usize,
    action: usize,
    side: &Side,
    named: &mut BTreeMap<String, usize>,
) -> SideReport {
    let version = &terms.versions[version];
    let default = side.deciding.is_empty();
    SideReport {
        version: version.id.clone(),
        outcome: OutcomeReport::Decided {
            decision: DecisionReport {
                verdict: side.verdict,
                decided_by: if default {
                    DecidedBy::Default
                } else {
                    DecidedBy::Rule
                },
                rules: side
                    .deciding
                    .iter()
                    .map(|&i| {
                        let id = version.rules[i].id.0.clone();
                        named.entry(id.clone()).or_insert(i);
                        id
                    })
                    .collect(),
                more_rules: side.unlisted,
                overridden: Vec::new(),
                default_reason: default
                    .then(|| terms.vocabulary.actions[action].default_reason.clone()),
                due: None,
                not_applying: None,
            },
        },
    }
}

/// The rules each side of the diff names, by id: (old, new).
type Named = (BTreeMap<String, usize>, BTreeMap<String, usize>);

fn region_report(
    terms: &Terms,
    request: &DiffRequest,
    region: &Region,
    named: &mut Named,
) -> RegionReport {
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
        old: side_report(terms, request.old, region.action, &region.old, &mut named.0),
        new: side_report(terms, request.new, region.action, &region.new, &mut named.1),
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
    let verdict = |side: &SideReport| side.verdict().map(|v| v.to_string()).unwrap_or_default();
    line.push_str(&format!(
        "{} → {} {}",
        verdict(&region.old),
        verdict(&region.new),
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
    let mut named = Named::default();
    let regions: Vec<RegionReport> = diff
        .regions
        .iter()
        .map(|region| region_report(terms, request, region, &mut named))
        .collect();
    let compared = request.readings.iter().any(Option::is_none);
    let mut changed = Vec::new();
    let mut unchanged = Vec::new();
    for (index, action) in vocabulary.actions.iter().enumerate() {
        let changes: Vec<ChangeSummary> = diff
            .regions
            .iter()
            .zip(&regions)
            .enumerate()
            .filter(|(_, (region, _))| region.action == index)
            .map(|(number, (region, report))| ChangeSummary {
                region: number,
                params: action
                    .params
                    .iter()
                    .zip(&region.params)
                    .filter(|(p, set)| set.len() < p.values.len())
                    .map(|(p, set)| (p.name.clone(), values(*set, &p.values)))
                    .collect(),
                from: report.from,
                until: report.until,
                facts: report.facts.clone(),
                readings: report.readings.clone(),
                under_every_reading: report.under_every_reading,
                old: region.old.verdict,
                new: region.new.verdict,
                text: summary_line(terms, report, compared),
            })
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
        old: VersionReport::of(terms, request.old, named.0.into_values()),
        new: VersionReport::of(terms, request.new, named.1.into_values()),
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
