//! Why not: the rules of an action that did not apply to an answer, each
//! with every reason that keeps it from applying.
//!
//! A rule applies when its dates contain the date, it covers the parameter
//! values, its reading is in use, its condition holds and no applicable rule
//! beats it. Each reason here is one of those tests failing, true on its own:
//! a rule both expired and under another reading lists both.
//!
//! The engine holds a rule as *pieces* (an alternative of an `or`, the part of
//! a duty before or after its deadline, a copy surviving into a later
//! version); a rule is reported once, as written, with the reasons its pieces
//! share. Its condition fails when every piece has a part that fails; each
//! piece then says what it needs ([`Reason::Needs`]), one alternative each.
//! When an answer is per case of unknown facts, the reasons are per case: a
//! part fails when no value the case allows passes it.

use super::report::{FactValues, named_fact_sets};
use crate::eval::Decision;
use crate::space::{Budget, Exhausted};
use crate::terms::{Terms, ValueSet};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A rule of the action that did not apply, and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NotApplying {
    /// The rule's id as answers name it (`VERSION/ID` for a rule surviving
    /// from an earlier version).
    pub rule: String,
    /// The version the rule was written in.
    pub version: String,
    /// Every reason that holds, each enough on its own to keep the rule from
    /// applying: dates, parameters, reading, condition, override, in that order.
    pub reasons: Vec<Reason>,
}

/// One reason a rule did not apply, as data (`kind` is a stable word).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The date asked is before the rule starts.
    NotYetValid {
        /// The rule's first day.
        from: NaiveDate,
    },
    /// The date asked is on or after the rule's end.
    Expired {
        /// The day the rule stops applying (exclusive).
        until: NaiveDate,
    },
    /// The rule does not cover the parameter values asked about.
    Parameter {
        /// The parameter.
        param: String,
        /// The values asked about (the answer's class).
        values: Vec<String>,
        /// The values the rule covers.
        covers: Vec<String>,
    },
    /// The rule belongs to a reading of a dispute that is not in use.
    Reading {
        /// The dispute.
        dispute: String,
        /// The reading the rule belongs to.
        reading: String,
        /// The reading in use.
        in_use: String,
    },
    /// The rule's condition does not hold: one alternative of it (its `when`,
    /// dates counted from events, `done`) would need these facts, each with
    /// the values given. A rule with several alternatives gives one each.
    Needs {
        /// Each fact the alternative needs otherwise, with the values it needs.
        facts: BTreeMap<String, FactValues>,
    },
    /// The rule applied, but a rule that decided beats it (an override, or a
    /// rule of the version in force beating one that survives).
    Overridden {
        /// The deciding rules that beat it.
        by: Vec<String>,
    },
}

/// The question a list of rules not applying answers to: one class of
/// parameter values, one case of the facts, one set of readings.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'s> {
    /// Index of the version.
    pub version: usize,
    /// Index of the action.
    pub action: usize,
    /// Per parameter of the action, the values answered.
    pub class: &'s [ValueSet],
    /// The date asked about.
    pub date: NaiveDate,
    /// Per fact of the vocabulary, the classes the case allows (every class
    /// of a fact neither given nor split on).
    pub facts: &'s [ValueSet],
    /// One reading per dispute.
    pub readings: &'s [usize],
}

/// The rules of the setting's action, as written, that `decision` (the
/// decision in the setting) was not decided by, in file order, each with its
/// reasons. Charges `budget` for the rules read.
pub fn not_applying(
    terms: &Terms,
    setting: &Setting,
    decision: &Decision,
    budget: &mut Budget,
) -> Result<Vec<NotApplying>, Exhausted> {
    let version = &terms.versions[setting.version];
    let pieces_of_action = version.rules_for(setting.action);
    budget.spend_reads(pieces_of_action.len())?;
    let mut written: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &piece in pieces_of_action {
        if !version.rules[piece].empty_interval {
            written
                .entry(version.rules[piece].written)
                .or_default()
                .push(piece);
        }
    }
    let deciding: HashSet<usize> = decision.deciding.iter().copied().collect();
    let overridden: HashSet<usize> = decision.overridden.iter().copied().collect();
    // The rules each deciding rule beats, found once by one walk of the
    // overrides from its pieces: linear in the rules, however long a chain
    // of overrides the terms write.
    let mut beaten_by: Vec<(usize, HashSet<usize>)> = Vec::new();
    if !overridden.is_empty() {
        for &winner in &decision.deciding {
            let mut seen: HashSet<usize> = HashSet::new();
            let mut stack: Vec<usize> = written
                .get(&winner)
                .into_iter()
                .flatten()
                .flat_map(|&w| version.rules[w].overrides.iter().copied())
                .collect();
            while let Some(rule) = stack.pop() {
                if seen.insert(rule) {
                    stack.extend(version.rules[rule].overrides.iter().copied());
                }
            }
            budget.spend_reads(seen.len())?;
            beaten_by.push((winner, seen));
        }
    }
    let mut out = Vec::new();
    for (&rule_index, pieces) in &written {
        if deciding.contains(&rule_index) {
            continue;
        }
        let rule = &version.rules[rule_index];
        let mut reasons = date_reasons(terms, setting, pieces);
        reasons.extend(parameter_reasons(terms, setting, rule_index));
        if let Some(r) = rule
            .reading
            .filter(|_| !rule.reading_matches(setting.readings))
        {
            let dispute = &terms.vocabulary.disputes[r.dispute];
            reasons.push(Reason::Reading {
                dispute: dispute.id.clone(),
                reading: dispute.readings[r.reading].id.clone(),
                in_use: dispute.readings[setting.readings[r.dispute]].id.clone(),
            });
        }
        reasons.extend(needs(terms, setting, pieces));
        if overridden.contains(&rule_index) {
            let by = beaten_by
                .iter()
                .filter(|(_, beaten)| beaten.contains(&pieces[0]))
                .map(|&(winner, _)| version.rules[winner].id.0.clone())
                .collect();
            reasons.push(Reason::Overridden { by });
        }
        out.push(NotApplying {
            rule: rule.id.0.clone(),
            version: terms.versions[rule.survivor_of.unwrap_or(setting.version)]
                .id
                .clone(),
            reasons,
        });
    }
    Ok(out)
}

/// Before the rule's first day or from its end on: the dates of its pieces
/// together (a duty's parts before and after a date deadline meet; a
/// surviving rule's copy holds for its survival only).
fn date_reasons(terms: &Terms, setting: &Setting, pieces: &[usize]) -> Vec<Reason> {
    let rules = &terms.versions[setting.version].rules;
    let valid = pieces.iter().map(|&p| rules[p].valid);
    let from = valid
        .clone()
        .map(|v| v.from())
        .reduce(|a, b| a.zip(b).map(|(a, b)| a.min(b)));
    let until = valid
        .map(|v| v.until())
        .reduce(|a, b| a.zip(b).map(|(a, b)| a.max(b)));
    let mut reasons = Vec::new();
    if let Some(from) = from.flatten().filter(|&from| setting.date < from) {
        reasons.push(Reason::NotYetValid { from });
    }
    if let Some(until) = until.flatten().filter(|&until| until <= setting.date) {
        reasons.push(Reason::Expired { until });
    }
    reasons
}

/// Each parameter for which the rule covers none of the values answered.
fn parameter_reasons(terms: &Terms, setting: &Setting, rule: usize) -> Vec<Reason> {
    let rule = &terms.versions[setting.version].rules[rule];
    let params = &terms.vocabulary.actions[setting.action].params;
    let names = |param: &crate::terms::Param, set: ValueSet| -> Vec<String> {
        set.indices().map(|v| param.values[v].clone()).collect()
    };
    params
        .iter()
        .zip(&rule.params)
        .zip(setting.class)
        .filter(|((_, covers), asked)| covers.intersect(**asked).is_empty())
        .map(|((param, &covers), &asked)| Reason::Parameter {
            param: param.name.clone(),
            values: names(param, asked),
            covers: names(param, covers),
        })
        .collect()
}

/// What the rule's condition needs, when no piece of it can hold in the
/// setting: per piece, the parts no allowed value passes. A piece that needs
/// everything another needs, and more, is left out.
fn needs(terms: &Terms, setting: &Setting, pieces: &[usize]) -> Vec<Reason> {
    let rules = &terms.versions[setting.version].rules;
    let mut failing: Vec<Vec<(usize, ValueSet)>> = Vec::new();
    for &piece in pieces {
        let fails: Vec<(usize, ValueSet)> = rules[piece]
            .condition
            .iter()
            .filter(|(fact, allowed)| allowed.intersect(setting.facts[*fact]).is_empty())
            .copied()
            .collect();
        if fails.is_empty() {
            return Vec::new();
        }
        if !failing.contains(&fails) {
            failing.push(fails);
        }
    }
    // `a` asks at least what `b` does: every part of `b`, at most as widely.
    let asks_more = |a: &[(usize, ValueSet)], b: &[(usize, ValueSet)]| {
        b.iter().all(|(fact, wide)| {
            a.iter()
                .any(|(f, narrow)| f == fact && narrow.intersect(*wide) == *narrow)
        })
    };
    let kept: Vec<&Vec<(usize, ValueSet)>> = failing
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            !failing
                .iter()
                .enumerate()
                .any(|(j, b)| j != *i && asks_more(a, b) && (!asks_more(b, a) || j < *i))
        })
        .map(|(_, a)| a)
        .collect();
    kept.into_iter()
        .map(|parts| Reason::Needs {
            facts: named_fact_sets(terms, parts, Some(setting.date)),
        })
        .collect()
}
