//! The evaluator: which verdict a version gives a question, and why.
//!
//! A question fixes a version, an action with a value for every parameter, a
//! date, the facts that are known and a reading of every dispute. The rules
//! that *apply* are those of the action whose parameter sets, validity interval,
//! condition and reading all match. An applicable rule that another applicable
//! rule beats (names in `overrides`, directly or through a chain of overrides)
//! is set aside; the rest decide together ([`Verdict::combine`]). When no rule
//! applies, the action's default decides.
//!
//! Facts a question leaves out are unknown. When a rule that could apply depends
//! on one, the evaluator answers for every value of the unknown facts
//! ([`Outcome::DependsOnFacts`]), unless every value gives the same decision.
//! Every dispute a rule that could apply belongs to is re-evaluated under each
//! of its other readings. Evaluation is pure, total and deterministic.

use crate::terms::{Rule, Terms, Version};
use crate::verdict::Verdict;
use chrono::NaiveDate;

/// One fully specified question, by index into [`Terms`].
#[derive(Debug, Clone, Copy)]
pub struct Question<'q> {
    /// Index of the version to answer under.
    pub version: usize,
    /// Index of the action.
    pub action: usize,
    /// One value index per parameter of the action.
    pub params: &'q [usize],
    /// The date.
    pub date: NaiveDate,
    /// One entry per fact of the vocabulary: the value index, or `None` when unknown.
    pub facts: &'q [Option<usize>],
    /// One reading index per dispute of the vocabulary.
    pub readings: &'q [usize],
}

/// The verdict for fully known facts, and the rules behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The verdict.
    pub verdict: Verdict,
    /// The rules that decided (indices into the version's rules); empty when the default decided.
    pub deciding: Vec<usize>,
    /// Rules that applied but were beaten by a deciding rule's override.
    pub overridden: Vec<usize>,
}

impl Decision {
    /// Whether the action's default decided, no rule applying.
    pub fn is_default(&self) -> bool {
        self.deciding.is_empty()
    }
}

/// The answer to a question whose facts may be partly unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The same decision whatever the unknown facts are.
    Decided(Decision),
    /// The decision depends on facts the question did not give.
    DependsOnFacts {
        /// The unknown facts it depends on (indices into the vocabulary's facts).
        facts: Vec<usize>,
        /// For each combination of their values (indices, in the order of `facts`), the decision.
        cases: Vec<(Vec<usize>, Decision)>,
    },
}

impl Outcome {
    /// The verdicts the outcome can have, without repeats, in first-seen order.
    pub fn verdicts(&self) -> Vec<Verdict> {
        match self {
            Outcome::Decided(decision) => vec![decision.verdict],
            Outcome::DependsOnFacts { cases, .. } => {
                let mut verdicts = Vec::new();
                for (_, decision) in cases {
                    if !verdicts.contains(&decision.verdict) {
                        verdicts.push(decision.verdict);
                    }
                }
                verdicts
            }
        }
    }
}

/// How a dispute bears on an answer: the outcome under each reading not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeEffect {
    /// Index of the dispute.
    pub dispute: usize,
    /// The reading the answer used.
    pub reading: usize,
    /// Each other reading and the outcome under it.
    pub alternatives: Vec<(usize, Outcome)>,
}

/// A full answer: the outcome and every dispute that touched it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The outcome under the readings asked for.
    pub outcome: Outcome,
    /// Disputes whose readings decide rules that could apply here.
    pub disputes: Vec<DisputeEffect>,
}

/// Whether `rule` could apply to the question whatever the facts and readings.
fn could_apply(rule: &Rule, question: &Question) -> bool {
    rule.valid_on(question.date) && rule.covers(question.params)
}

/// Decides a question whose facts are all known (`facts` has one value index per fact).
pub fn decide(terms: &Terms, question: &Question, facts: &[usize]) -> Decision {
    let version: &Version = &terms.versions[question.version];
    let candidates = version
        .rules_for(question.action)
        .iter()
        .copied()
        .filter(|&index| could_apply(&version.rules[index], question));
    decide_among(
        version,
        terms.vocabulary.actions[question.action].default,
        candidates,
        facts,
        question.readings,
    )
}

/// Decides among `candidates`, rules of `version` already known to be valid on
/// the date and to cover the parameters: those whose reading and condition
/// match apply; an applicable rule beaten by another applicable rule is set
/// aside; the rest decide together, or `default` when none applies.
pub fn decide_among(
    version: &Version,
    default: Verdict,
    candidates: impl IntoIterator<Item = usize>,
    facts: &[usize],
    readings: &[usize],
) -> Decision {
    let applicable: Vec<usize> = candidates
        .into_iter()
        .filter(|&index| version.rules[index].holds(facts, readings))
        .collect();
    let (overridden, deciding): (Vec<usize>, Vec<usize>) = applicable
        .iter()
        .partition(|&&index| is_beaten(version, &applicable, index));
    let verdict =
        Verdict::combine(deciding.iter().map(|&i| version.rules[i].effect)).unwrap_or(default);
    Decision {
        verdict,
        deciding,
        overridden,
    }
}

/// The verdict [`decide_among`] would give, without building the decision:
/// `scratch` holds the applicable rules, so that hot loops (a diff, a check)
/// allocate nothing per point.
pub(crate) fn verdict_among(
    version: &Version,
    default: Verdict,
    candidates: &[usize],
    facts: &[usize],
    readings: &[usize],
    scratch: &mut Vec<usize>,
) -> Verdict {
    scratch.clear();
    scratch.extend(
        candidates
            .iter()
            .copied()
            .filter(|&index| version.rules[index].holds(facts, readings)),
    );
    let applicable = scratch.as_slice();
    let deciding = applicable
        .iter()
        .filter(|&&index| !is_beaten(version, applicable, index));
    Verdict::combine(deciding.map(|&i| version.rules[i].effect)).unwrap_or(default)
}

/// Whether another rule of `applicable` beats rule `index`, setting it aside.
pub(crate) fn is_beaten(version: &Version, applicable: &[usize], index: usize) -> bool {
    applicable.iter().any(|&other| version.beats(other, index))
}

/// The unknown facts that rules which could apply under `readings` depend on, in vocabulary order.
fn unknown_facts_relevant(terms: &Terms, question: &Question) -> Vec<usize> {
    let version = &terms.versions[question.version];
    let mut relevant = vec![false; terms.vocabulary.facts.len()];
    for &index in version.rules_for(question.action) {
        let rule = &version.rules[index];
        if could_apply(rule, question) && rule.reading_matches(question.readings) {
            for (fact, _) in &rule.condition {
                if question.facts[*fact].is_none() {
                    relevant[*fact] = true;
                }
            }
        }
    }
    (0..relevant.len()).filter(|&f| relevant[f]).collect()
}

/// The outcome of a question, answering for every value of the unknown facts it depends on.
pub fn outcome(terms: &Terms, question: &Question) -> Outcome {
    let unknown = unknown_facts_relevant(terms, question);
    // Unknown facts no rule here depends on cannot change the decision; any value will do.
    let mut facts: Vec<usize> = question.facts.iter().map(|f| f.unwrap_or(0)).collect();
    if unknown.is_empty() {
        return Outcome::Decided(decide(terms, question, &facts));
    }
    let sizes: Vec<usize> = unknown
        .iter()
        .map(|&f| terms.vocabulary.facts[f].values.len())
        .collect();
    let mut cases = Vec::new();
    let mut values = vec![0usize; unknown.len()];
    loop {
        for (slot, &fact) in unknown.iter().enumerate() {
            facts[fact] = values[slot];
        }
        cases.push((values.clone(), decide(terms, question, &facts)));
        // Count through the combinations like an odometer, last fact fastest.
        let mut slot = unknown.len();
        loop {
            if slot == 0 {
                let first = &cases[0].1;
                if cases.iter().all(|(_, d)| d == first) {
                    return Outcome::Decided(first.clone());
                }
                return Outcome::DependsOnFacts {
                    facts: unknown,
                    cases,
                };
            }
            slot -= 1;
            values[slot] += 1;
            if values[slot] < sizes[slot] {
                break;
            }
            values[slot] = 0;
        }
    }
}

/// Answers a question: its outcome, and how each dispute that touches it would change it.
pub fn answer(terms: &Terms, question: &Question) -> Answer {
    let version = &terms.versions[question.version];
    let mut touched = vec![false; terms.vocabulary.disputes.len()];
    for &index in version.rules_for(question.action) {
        let rule = &version.rules[index];
        if let Some(reading) = rule.reading {
            if could_apply(rule, question) {
                touched[reading.dispute] = true;
            }
        }
    }
    let mut disputes = Vec::new();
    for (dispute, _) in touched.iter().enumerate().filter(|(_, t)| **t) {
        let mut readings = question.readings.to_vec();
        let mut alternatives = Vec::new();
        for reading in 0..terms.vocabulary.disputes[dispute].readings.len() {
            if reading == question.readings[dispute] {
                continue;
            }
            readings[dispute] = reading;
            let alternative = Question {
                readings: &readings,
                ..*question
            };
            alternatives.push((reading, outcome(terms, &alternative)));
        }
        disputes.push(DisputeEffect {
            dispute,
            reading: question.readings[dispute],
            alternatives,
        });
    }
    Answer {
        outcome: outcome(terms, question),
        disputes,
    }
}
