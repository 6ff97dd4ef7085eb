//! The question space of one action: its dimensions (the action's parameters,
//! then the facts and disputes its rules test), and each rule as constraints on
//! them. `diff` and `check` both walk it.

use super::{Constraint, Cube, Dimension, Exhausted, TooLarge};
use crate::interval::DateInterval;
use crate::terms::{Given, Terms, ValueSet, Version};

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
    /// The dates each of those rules is valid: its own dates, narrowed to the
    /// stages it asks of an event given with its day.
    pub intervals: Vec<DateInterval>,
}

impl ActionSpace {
    /// The space of `action` under the rules of `versions`, facts and readings
    /// fixed where `fixed_facts` and `fixed_readings` say (`None`: varied). A
    /// fact given as classes limits its dimension to them; an event given with
    /// its day turns what each rule asks of it into dates. Rules with an empty
    /// interval, or that the fixed values rule out, are left out.
    pub(crate) fn new(
        terms: &Terms,
        action: usize,
        versions: &[&Version],
        fixed_facts: &[Option<Given>],
        fixed_readings: &[Option<usize>],
    ) -> ActionSpace {
        let vocabulary = &terms.vocabulary;
        let params = &vocabulary.actions[action].params;
        // What each fact may be, whatever the date; `None` for an event given with its day.
        let sets: Vec<Option<ValueSet>> = vocabulary
            .facts
            .iter()
            .zip(fixed_facts)
            .map(|(fact, given)| match given {
                None => Some(ValueSet::full(fact.values.len())),
                Some(Given::On(_)) => None,
                Some(given) => Some(given.classes_on(&fact.kind, chrono::NaiveDate::MIN)),
            })
            .collect();
        let mut rules = Vec::new();
        let mut intervals = Vec::new();
        for (slot, version) in versions.iter().enumerate() {
            'rules: for &index in version.rules_for(action) {
                let rule = &version.rules[index];
                let reading_allows = rule.reading.is_none_or(|r| {
                    fixed_readings[r.dispute].is_none_or(|fixed| fixed == r.reading)
                });
                if rule.empty_interval || !reading_allows {
                    continue;
                }
                let mut valid = rule.valid;
                for &(f, allowed) in &rule.condition {
                    match (sets[f], fixed_facts[f]) {
                        (Some(set), _) if set.intersect(allowed).is_empty() => continue 'rules,
                        (None, Some(Given::On(day))) => {
                            let dates = vocabulary.facts[f].kind.dates_in_stages(day, allowed);
                            match dates.and_then(|d| d.intersect(&valid)) {
                                Some(narrowed) => valid = narrowed,
                                None => continue 'rules,
                            }
                        }
                        _ => {}
                    }
                }
                rules.push((slot, index));
                intervals.push(valid);
            }
        }
        let rule_of = |&(slot, index): &(usize, usize)| &versions[slot].rules[index];
        let mut facts: Vec<usize> = rules
            .iter()
            .flat_map(|r| rule_of(r).condition.iter())
            .filter(|(f, allowed)| sets[*f].is_some_and(|set| set.intersect(*allowed) != set))
            .map(|(f, _)| *f)
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
                Dimension::Fact(f) => sets[f].expect("an event given with its day is no dimension"),
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
            intervals,
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
