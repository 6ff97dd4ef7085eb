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
//! on one, the evaluator answers for every value of the unknown facts, as a
//! decision tree that splits only the facts that matter on each branch
//! ([`Outcome::DependsOnFacts`]), unless every value gives the same decision.
//! Every dispute a rule that could apply belongs to is re-evaluated under each
//! of its other readings. Evaluation is pure, total and deterministic.

use crate::space::{self, Budget, Constraint, Cube, Exhausted};
use crate::terms::{Rule, Terms, ValueSet, Version};
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
    /// One entry per fact of the vocabulary: the classes of values the
    /// question allows. A single class is a known value; every class
    /// ([`Terms::unknown_facts`]) is unknown; anything between narrows the
    /// fact without giving it (an event that happened, on a date not given).
    pub facts: &'q [ValueSet],
    /// One reading index per dispute of the vocabulary.
    pub readings: &'q [usize],
}

/// The verdict for fully known facts, and the rules behind it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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

/// One branch of an answer that depends on facts not given: the facts'
/// values on that branch, and the decision there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The facts that matter on this branch, each with the values it covers
    /// (indices into the vocabulary's facts, in vocabulary order); a fact not
    /// listed may take any value.
    pub facts: Vec<(usize, ValueSet)>,
    /// The decision on this branch.
    pub decision: Decision,
}

impl Case {
    /// Whether the fully known `facts` (one value index per fact) fall on this branch.
    pub fn holds_for(&self, facts: &[usize]) -> bool {
        self.facts
            .iter()
            .all(|(fact, values)| values.contains(facts[*fact]))
    }
}

/// The answer to a question whose facts may be partly unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The same decision whatever the unknown facts are.
    Decided(Decision),
    /// The decision depends on facts the question did not give: a decision
    /// tree over them, as its branches.
    DependsOnFacts {
        /// The unknown facts it depends on (indices into the vocabulary's facts, in vocabulary order).
        facts: Vec<usize>,
        /// The branches: disjoint, and together they cover every value of those facts.
        cases: Vec<Case>,
    },
}

impl Outcome {
    /// The verdicts the outcome can have, without repeats, in first-seen order.
    pub fn verdicts(&self) -> Vec<Verdict> {
        match self {
            Outcome::Decided(decision) => vec![decision.verdict],
            Outcome::DependsOnFacts { cases, .. } => {
                let mut verdicts = Vec::new();
                for case in cases {
                    if !verdicts.contains(&case.decision.verdict) {
                        verdicts.push(case.decision.verdict);
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

/// Which applicable rules are beaten, found by following overrides from the
/// applicable rules: reusable scratch space, so that hot loops (a diff, a
/// check) allocate nothing per question. Override chains are followed once per
/// question, whatever their length: the cost is the part of the override graph
/// reachable from the applicable rules, never rules × rules.
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    /// Per rule: the stamp of the last question that found it beaten.
    marks: Vec<u32>,
    /// Per rule: the applicable rule whose overrides reached it first.
    by: Vec<usize>,
    stamp: u32,
    stack: Vec<(usize, usize)>,
    /// How many rules every [`Overrides::mark`] so far has reached: the work it
    /// did, for a caller to charge to its budget.
    pub(crate) reached: usize,
}

impl Overrides {
    /// Finds the rules of `version` that some rule of `applicable` beats,
    /// directly or through a chain of overrides; false when none is.
    pub(crate) fn mark(&mut self, version: &Version, applicable: &[usize]) -> bool {
        if applicable
            .iter()
            .all(|&r| version.rules[r].overrides.is_empty())
        {
            self.stamp_next(version.rules.len());
            return false;
        }
        self.stamp_next(version.rules.len());
        for &root in applicable {
            for &target in &version.rules[root].overrides {
                self.visit(target, root);
            }
        }
        while let Some((rule, root)) = self.stack.pop() {
            for &target in &version.rules[rule].overrides {
                self.visit(target, root);
            }
        }
        true
    }

    fn stamp_next(&mut self, rules: usize) {
        if self.marks.len() < rules {
            self.marks.resize(rules, 0);
            self.by.resize(rules, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.stamp = 1;
        }
    }

    fn visit(&mut self, rule: usize, root: usize) {
        self.reached += 1;
        if self.marks[rule] != self.stamp {
            self.marks[rule] = self.stamp;
            self.by[rule] = root;
            self.stack.push((rule, root));
        }
    }

    /// The applicable rule that beats `rule`, if the last [`Overrides::mark`] found one.
    pub(crate) fn beaten_by(&self, rule: usize) -> Option<usize> {
        (self.marks.get(rule) == Some(&self.stamp)).then(|| self.by[rule])
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Overrides> = std::cell::RefCell::new(Overrides::default());
}

/// [`settle`] with this thread's scratch space, and how many rules its override
/// search reached (the work to charge).
fn settle_shared(version: &Version, default: Verdict, applicable: &[usize]) -> (Decision, usize) {
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let before = scratch.reached;
        let decision = settle(version, default, applicable, &mut scratch);
        (decision, scratch.reached.wrapping_sub(before))
    })
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
    SCRATCH.with(|scratch| settle(version, default, &applicable, &mut scratch.borrow_mut()))
}

/// The decision when exactly the rules `applicable` (ascending) apply: those
/// no other applicable rule beats decide together, or `default` when none applies.
pub(crate) fn settle(
    version: &Version,
    default: Verdict,
    applicable: &[usize],
    scratch: &mut Overrides,
) -> Decision {
    let (mut deciding, mut overridden): (Vec<usize>, Vec<usize>) =
        if scratch.mark(version, applicable) {
            applicable
                .iter()
                .partition(|&&index| scratch.beaten_by(index).is_none())
        } else {
            (applicable.to_vec(), Vec::new())
        };
    // The pieces that apply decide (a duty's overdue piece is `breached`);
    // then a rule with several pieces (`or`, `due`) is named once, as written.
    let verdict =
        Verdict::combine(deciding.iter().map(|&i| version.rules[i].effect)).unwrap_or(default);
    for list in [&mut deciding, &mut overridden] {
        if list.iter().any(|&i| !version.rules[i].is_written(i)) {
            list.iter_mut().for_each(|i| *i = version.rules[*i].written);
            list.sort_unstable();
            list.dedup();
        }
    }
    Decision {
        verdict,
        deciding,
        overridden,
    }
}

/// The rules of `version` about the question's action that could apply to it
/// under its readings and the facts it gives, with what each still asks of the
/// facts it does not give, as constraints on `unknown` (the dimensions: unknown facts).
fn fact_constraints(
    terms: &Terms,
    question: &Question,
    rules: &[usize],
) -> (Vec<usize>, Vec<usize>, Vec<Vec<Constraint>>) {
    let version = &terms.versions[question.version];
    let mut candidates = Vec::new();
    for &index in rules {
        let rule = &version.rules[index];
        let known_hold = rule
            .condition
            .iter()
            .all(|(fact, allowed)| !allowed.intersect(question.facts[*fact]).is_empty());
        if could_apply(rule, question) && rule.reading_matches(question.readings) && known_hold {
            candidates.push(index);
        }
    }
    let mut unknown: Vec<usize> = candidates
        .iter()
        .flat_map(|&i| version.rules[i].condition.iter())
        .filter(|(fact, allowed)| {
            let given = question.facts[*fact];
            given.intersect(*allowed) != given
        })
        .map(|(fact, _)| *fact)
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    let constraints = candidates
        .iter()
        .map(|&i| {
            version.rules[i]
                .condition
                .iter()
                .filter_map(|(fact, allowed)| {
                    let dimension = unknown.binary_search(fact).ok()?;
                    Some(Constraint {
                        dimension,
                        allowed: *allowed,
                    })
                })
                .collect()
        })
        .collect();
    (candidates, unknown, constraints)
}

/// The outcome of a question, answering for every value of the unknown facts
/// it depends on, as a decision tree over them: only the facts a rule still
/// undecided on a branch tests are split, so `n` facts in one conjunction cost
/// `n + 1` branches, not 2ⁿ. Fails when the tree would pass `budget`.
pub fn outcome(
    terms: &Terms,
    question: &Question,
    budget: &mut Budget,
) -> Result<Outcome, Exhausted> {
    let rules = terms.versions[question.version].rules_for(question.action);
    outcome_among(terms, question, rules, budget)
}

/// [`outcome`], looking only at `rules` (indices into the question's version,
/// ascending): the rules about the action that a caller sweeping over time
/// already knows to be valid around the date. A rule not valid on the date is
/// still left out.
pub fn outcome_among(
    terms: &Terms,
    question: &Question,
    rules: &[usize],
    budget: &mut Budget,
) -> Result<Outcome, Exhausted> {
    let version = &terms.versions[question.version];
    let default = terms.vocabulary.actions[question.action].default;
    let (candidates, unknown, constraints) = fact_constraints(terms, question, rules);
    if unknown.is_empty() {
        // Every fact the rules here test is given: no tree to walk.
        let (decision, reached_here) = settle_shared(version, default, &candidates);
        budget.spend_reads(rules.len() + reached_here)?;
        return Ok(Outcome::Decided(decision));
    }
    if let [fact] = unknown[..] {
        return one_unknown_fact(terms, question, &candidates, fact, budget);
    }
    let root: Vec<ValueSet> = unknown.iter().map(|&f| question.facts[f]).collect();
    let refs: Vec<&[Constraint]> = constraints.iter().map(Vec::as_slice).collect();
    let mut leaves: Vec<(Cube, Decision)> = Vec::new();
    let mut applicable = Vec::new();
    // Every leaf may be a branch of the answer, and reporting one has a cost:
    // stop as soon as the leaves alone would pass the budget.
    let width = root.len();
    let allowance =
        budget.remaining() / space::REPORTED_COST.saturating_mul(1 + (width / 64) as u64);
    let mut count: u64 = 0;
    let mut reached = 0;
    let walked = space::walk(
        root.clone(),
        &refs,
        budget,
        |_, _| false,
        |leaf, _| {
            count += 1;
            if count > allowance {
                return std::ops::ControlFlow::Break(());
            }
            applicable.clear();
            applicable.extend(leaf.applicable.iter().map(|&c| candidates[c]));
            applicable.sort_unstable();
            let (decision, reached_here) = settle_shared(version, default, &applicable);
            reached += reached_here;
            leaves.push((leaf.values.to_vec(), decision));
            std::ops::ControlFlow::Continue(())
        },
    );
    walked
        .and_then(|()| {
            budget.spend_reported_wide(usize::try_from(count).unwrap_or(usize::MAX), width)
        })
        .and_then(|()| budget.spend_reads(reached))
        .map_err(|exhausted| Exhausted {
            // Too many branches, not too deep a tree: every unknown fact is to blame.
            dimensions: if exhausted.dimensions.is_empty() {
                unknown.clone()
            } else {
                exhausted.dimensions.iter().map(|&d| unknown[d]).collect()
            },
            ..exhausted
        })?;
    if leaves.iter().all(|(_, d)| *d == leaves[0].1) {
        let (_, decision) = leaves.swap_remove(0);
        return Ok(Outcome::Decided(decision));
    }
    // Branches with the same decision that differ in one fact are one branch.
    let mut by_decision: Vec<(Decision, Vec<Cube>)> = Vec::new();
    // Few distinct decisions are found fastest by looking; many, by hashing.
    const FEW: usize = 16;
    let mut index: std::collections::HashMap<Decision, usize> = std::collections::HashMap::new();
    for (cube, decision) in leaves {
        let at = if by_decision.len() < FEW {
            by_decision.iter().position(|(d, _)| *d == decision)
        } else {
            if index.is_empty() {
                for (at, (d, _)) in by_decision.iter().enumerate() {
                    index.insert(d.clone(), at);
                }
            }
            index.get(&decision).copied()
        };
        match at {
            Some(at) => by_decision[at].1.push(cube),
            None => {
                if by_decision.len() >= FEW {
                    index.insert(decision.clone(), by_decision.len());
                }
                by_decision.push((decision, vec![cube]));
            }
        }
    }

    let mut cases: Vec<(Cube, Case)> = Vec::new();
    for (decision, cubes) in by_decision {
        let merged = if cubes.len() > 1 {
            space::merge(cubes)
        } else {
            cubes
        };
        let last = merged.len() - 1;
        let mut decision = Some(decision);
        for (at, cube) in merged.into_iter().enumerate() {
            let facts = cube
                .iter()
                .zip(&root)
                .zip(&unknown)
                .filter(|((set, full), _)| set != full)
                .map(|((set, _), &fact)| (fact, *set))
                .collect();
            let decision = if at == last {
                decision.take().expect("taken only for the last branch")
            } else {
                decision.clone().expect("taken only for the last branch")
            };
            cases.push((cube, Case { facts, decision }));
        }
    }
    // In the order of each branch's lowest values, fact by fact.
    let lowest = |cube: &Cube| {
        cube.iter()
            .map(|set| set.indices().next())
            .collect::<Vec<_>>()
    };
    if cases.len() > 1 {
        cases.sort_by_cached_key(|(cube, _)| lowest(cube));
    }
    let cases: Vec<Case> = cases.into_iter().map(|(_, case)| case).collect();
    let mut facts: Vec<usize> = cases
        .iter()
        .flat_map(|case| case.facts.iter().map(|(fact, _)| *fact))
        .collect();
    facts.sort_unstable();
    facts.dedup();
    Ok(Outcome::DependsOnFacts { facts, cases })
}

/// [`outcome_among`] when the rules that could apply test one fact the question
/// does not give: the tree is a single split of that fact's values into the
/// classes the rules tell apart, built directly, with branches of the same
/// decision joined.
fn one_unknown_fact(
    terms: &Terms,
    question: &Question,
    candidates: &[usize],
    fact: usize,
    budget: &mut Budget,
) -> Result<Outcome, Exhausted> {
    let version = &terms.versions[question.version];
    let default = terms.vocabulary.actions[question.action].default;
    let all = question.facts[fact];
    let too_large = |exhausted: Exhausted| Exhausted {
        dimensions: vec![fact],
        ..exhausted
    };
    budget.spend_case(candidates.len()).map_err(too_large)?;
    // What each candidate asks of the fact; `all` when it does not test it.
    let allowed: Vec<ValueSet> = candidates
        .iter()
        .map(|&c| {
            version.rules[c]
                .condition
                .iter()
                .filter(|(f, _)| *f == fact)
                .fold(all, |set, (_, values)| set.intersect(*values))
        })
        .collect();
    let classes = space::classes_of(all, allowed.iter().copied());
    budget.spend_reported(classes.len()).map_err(too_large)?;
    let mut branches: Vec<(Decision, ValueSet)> = Vec::with_capacity(classes.len());
    let mut applicable = Vec::with_capacity(candidates.len());
    for class in classes {
        applicable.clear();
        applicable.extend(
            candidates
                .iter()
                .zip(&allowed)
                .filter(|(_, set)| set.intersect(class) == class)
                .map(|(&c, _)| c),
        );
        let (decision, reached_here) = settle_shared(version, default, &applicable);
        budget.spend_reads(reached_here).map_err(too_large)?;
        match branches.iter_mut().find(|(d, _)| *d == decision) {
            Some((_, values)) => *values = values.union(class),
            None => branches.push((decision, class)),
        }
    }
    if branches.len() == 1 {
        let (decision, _) = branches.swap_remove(0);
        return Ok(Outcome::Decided(decision));
    }
    branches.sort_by_key(|(_, values)| values.indices().next());
    let cases = branches
        .into_iter()
        .map(|(decision, values)| Case {
            facts: vec![(fact, values)],
            decision,
        })
        .collect();
    Ok(Outcome::DependsOnFacts {
        facts: vec![fact],
        cases,
    })
}

/// Answers a question: its outcome, and how each dispute that touches it would
/// change it. Fails when the outcomes would pass `budget`.
pub fn answer(
    terms: &Terms,
    question: &Question,
    budget: &mut Budget,
) -> Result<Answer, Exhausted> {
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
            alternatives.push((reading, outcome(terms, &alternative, budget)?));
        }
        disputes.push(DisputeEffect {
            dispute,
            reading: question.readings[dispute],
            alternatives,
        });
    }
    Ok(Answer {
        outcome: outcome(terms, question, budget)?,
        disputes,
    })
}
