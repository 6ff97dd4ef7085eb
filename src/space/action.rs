//! The question space of one action: its dimensions (the action's parameters,
//! then the facts and disputes its rules test), and each rule as constraints on
//! them. `diff` and `check` both walk it.

use super::{Constraint, Cube, Dimension, Exhausted, TooLarge};
use crate::terms::{Terms, ValueSet, Version};

/// The dimensions of an action's question space for a walk, and each rule
/// translated into constraints on them.
pub(crate) struct ActionSpace {
    /// What each dimension stands for: the action's parameters first, then
    /// facts and disputes in vocabulary order.
    pub dimensions: Vec<Dimension>,
    /// The box of every question: each dimension whole, or the one value fixed.
    pub root: Cube,
    /// The rules that can apply under the fixed facts and readings, as (version slot, rule index).
    pub rules: Vec<(usize, usize)>,
    /// Each of those rules' constraints.
    pub constraints: Vec<Vec<Constraint>>,
}

impl ActionSpace {
    /// The space of `action` under the rules of `versions`, facts and readings
    /// fixed where `fixed_facts` and `fixed_readings` say (`None`: varied).
    /// Rules with an empty interval, or that the fixed values rule out, are left out.
    pub(crate) fn new(
        terms: &Terms,
        action: usize,
        versions: &[&Version],
        fixed_facts: &[Option<usize>],
        fixed_readings: &[Option<usize>],
    ) -> ActionSpace {
        let vocabulary = &terms.vocabulary;
        let params = &vocabulary.actions[action].params;
        let mut rules = Vec::new();
        for (slot, version) in versions.iter().enumerate() {
            for &index in version.rules_for(action) {
                let rule = &version.rules[index];
                let facts_allow = rule
                    .condition
                    .iter()
                    .all(|(f, allowed)| fixed_facts[*f].is_none_or(|v| allowed.contains(v)));
                let reading_allows = rule.reading.is_none_or(|r| {
                    fixed_readings[r.dispute].is_none_or(|fixed| fixed == r.reading)
                });
                if !rule.empty_interval && facts_allow && reading_allows {
                    rules.push((slot, index));
                }
            }
        }
        let rule_of = |&(slot, index): &(usize, usize)| &versions[slot].rules[index];
        let mut facts: Vec<usize> = rules
            .iter()
            .flat_map(|r| rule_of(r).condition.iter().map(|(f, _)| *f))
            .filter(|&f| fixed_facts[f].is_none())
            .collect();
        facts.sort_unstable();
        facts.dedup();
        let mut disputes: Vec<usize> = rules
            .iter()
            .filter_map(|r| rule_of(r).reading.map(|reading| reading.dispute))
            .filter(|&d| fixed_readings[d].is_none())
            .collect();
        disputes.sort_unstable();
        disputes.dedup();
        let dimensions: Vec<Dimension> = (0..params.len())
            .map(Dimension::Param)
            .chain(facts.iter().map(|&f| Dimension::Fact(f)))
            .chain(disputes.iter().map(|&d| Dimension::Dispute(d)))
            .collect();
        let root: Cube = dimensions
            .iter()
            .map(|dimension| match *dimension {
                Dimension::Param(p) => ValueSet::full(params[p].values.len()),
                Dimension::Fact(f) => ValueSet::full(vocabulary.facts[f].values.len()),
                Dimension::Dispute(d) => ValueSet::full(vocabulary.disputes[d].readings.len()),
            })
            .collect();
        let fact_base = params.len();
        let dispute_base = fact_base + facts.len();
        let constraints = rules
            .iter()
            .map(|r| {
                let rule = rule_of(r);
                let mut constraints: Vec<Constraint> = rule
                    .params
                    .iter()
                    .enumerate()
                    .filter(|(p, set)| **set != root[*p])
                    .map(|(dimension, &allowed)| Constraint { dimension, allowed })
                    .collect();
                for (fact, allowed) in &rule.condition {
                    if let Ok(at) = facts.binary_search(fact) {
                        constraints.push(Constraint {
                            dimension: fact_base + at,
                            allowed: *allowed,
                        });
                    }
                }
                if let Some(reading) = rule.reading {
                    if let Ok(at) = disputes.binary_search(&reading.dispute) {
                        constraints.push(Constraint {
                            dimension: dispute_base + at,
                            allowed: ValueSet::single(reading.reading),
                        });
                    }
                }
                constraints
            })
            .collect();
        ActionSpace {
            dimensions,
            root,
            rules,
            constraints,
        }
    }

    /// The dimensions that are disputes, as positions.
    pub(crate) fn dispute_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.dimensions
            .iter()
            .enumerate()
            .filter(|(_, d)| matches!(d, Dimension::Dispute(_)))
            .map(|(i, _)| i)
    }

    /// Names the dimensions of an exhausted walk, for the error a user sees.
    pub(crate) fn too_large(
        &self,
        command: &'static str,
        terms: &Terms,
        action: usize,
        exhausted: &Exhausted,
    ) -> TooLarge {
        if !exhausted.dimensions.is_empty() {
            return TooLarge::new(command, terms, action, exhausted, &self.dimensions);
        }
        // Too many classes to report rather than too deep a tree: name every
        // dimension a rule tells apart.
        let mut constrained: Vec<usize> = self
            .constraints
            .iter()
            .flatten()
            .map(|c| c.dimension)
            .collect();
        constrained.sort_unstable();
        constrained.dedup();
        let named = Exhausted {
            dimensions: constrained,
            ..exhausted.clone()
        };
        TooLarge::new(command, terms, action, &named, &self.dimensions)
    }
}
