//! Sub-lanes per case: a lane whose verdict depends on facts not given is
//! split into one lane per case (a box of fact values), so that every span of
//! every lane has one verdict.
//!
//! The cases of a lane are the common refinement of the decision trees of its
//! spans (each tree's branches are disjoint boxes that cover every value, so
//! the boxes met by intersecting them are too); cases whose spans read the
//! same are then merged back into as few boxes as stay exact ([`space::merge`]).

use super::Shape;
use crate::space::{self, Budget, Cube, Exhausted};
use crate::terms::{Terms, ValueSet};

/// A box over every fact of the vocabulary, from a branch's (fact, values) pairs.
pub(super) fn cube_of(terms: &Terms, facts: &[(usize, ValueSet)]) -> Cube {
    let mut cube = terms.unknown_facts();
    for &(fact, values) in facts {
        cube[fact] = cube[fact].intersect(values);
    }
    cube
}

/// The facts a box constrains, as (fact, values) pairs: the dimensions not full.
pub(super) fn pairs_of(terms: &Terms, cube: &[ValueSet]) -> Vec<(usize, ValueSet)> {
    cube.iter()
        .enumerate()
        .filter(|(fact, set)| set.len() < terms.vocabulary.facts[*fact].values.len())
        .map(|(fact, set)| (fact, *set))
        .collect()
}

/// The cases a lane's spans need: one box (every value of every fact) when no
/// span depends on facts; otherwise the common refinement of their trees.
/// Fails when there would be more cases than `budget` lets a report hold.
pub(super) fn refine<'s>(
    terms: &Terms,
    shapes: impl Iterator<Item = &'s Shape>,
    budget: &mut Budget,
) -> Result<Vec<Cube>, Exhausted> {
    let mut cases: Vec<Cube> = vec![terms.unknown_facts()];
    for shape in shapes {
        let Shape::Cases(branches) = shape else {
            continue;
        };
        let mut finer = Vec::new();
        for case in &cases {
            for (facts, _, _) in branches {
                budget.spend(1)?;
                if let Some(met) = space::intersection(case, &cube_of(terms, facts)) {
                    finer.push(met);
                }
            }
        }
        budget.spend_reported(finer.len().saturating_sub(cases.len()))?;
        cases = finer;
    }
    Ok(cases)
}

impl Shape {
    /// The shape within `case`: only the branches that meet it, each narrowed
    /// to it and naming only the facts `case` leaves open; one verdict (the
    /// rules of every branch) when they all agree.
    pub(super) fn within(&self, terms: &Terms, case: &[ValueSet]) -> Shape {
        let Shape::Cases(branches) = self else {
            return self.clone();
        };
        let met: Vec<super::Branch> = branches
            .iter()
            .filter_map(|(facts, verdict, rules)| {
                let cube = space::intersection(case, &cube_of(terms, facts))?;
                // Only what the branch says beyond the case itself.
                let narrower: Vec<(usize, ValueSet)> = pairs_of(terms, &cube)
                    .into_iter()
                    .filter(|&(fact, set)| set != case[fact])
                    .collect();
                Some((narrower, *verdict, rules.clone()))
            })
            .collect();
        Shape::from_branches(met)
    }
}
