//! Boxes of questions (one value set per dimension) and unions of them:
//! how a report names a set of questions, and how it counts them exactly.

use super::{Budget, Exhausted};
use crate::terms::ValueSet;
use std::collections::BTreeMap;

/// A box of questions: one value set per dimension; the questions it holds are their product.
pub type Cube = Vec<ValueSet>;

/// Whether `point` (one value index per dimension) lies in `cube`.
pub fn contains(cube: &[ValueSet], point: &[usize]) -> bool {
    cube.iter()
        .zip(point)
        .all(|(set, value)| set.contains(*value))
}

/// How many questions `cube` holds, saturating at `u128::MAX`.
pub fn volume(cube: &[ValueSet]) -> u128 {
    cube.iter()
        .fold(1u128, |total, set| total.saturating_mul(set.len() as u128))
}

/// Whether the two boxes hold a question in common.
pub fn meet(a: &[ValueSet], b: &[ValueSet]) -> bool {
    a.iter().zip(b).all(|(x, y)| !x.intersect(*y).is_empty())
}

/// The questions in both boxes, if there are any.
pub fn intersection(a: &[ValueSet], b: &[ValueSet]) -> Option<Cube> {
    let cube: Cube = a.iter().zip(b).map(|(x, y)| x.intersect(*y)).collect();
    (!cube.iter().any(|set| set.is_empty())).then_some(cube)
}

/// Merges disjoint boxes into fewer: boxes that agree on every dimension but
/// one are joined, until no two do. The boxes returned hold exactly the
/// questions of those given, and are disjoint when those given are.
/// Deterministic: the same boxes in any order give the same result, in a stable order.
pub fn merge(mut cubes: Vec<Cube>) -> Vec<Cube> {
    cubes.sort();
    cubes.dedup();
    let dimensions = cubes.first().map_or(0, Vec::len);
    loop {
        let before = cubes.len();
        for dimension in 0..dimensions {
            cubes = merge_along(cubes, dimension);
        }
        if cubes.len() == before {
            return cubes;
        }
    }
}

/// Joins boxes that carry equal values (each box holds questions with the same
/// answer): the distinct values, in the order first met, and each group's boxes
/// merged ([`merge`]) as (box, index of its value), in the order of the boxes'
/// lowest values.
pub fn join_alike<T: PartialEq>(
    items: impl IntoIterator<Item = (Cube, T)>,
) -> (Vec<T>, Vec<(Cube, usize)>) {
    let mut values: Vec<T> = Vec::new();
    let mut groups: Vec<Vec<Cube>> = Vec::new();
    for (cube, value) in items {
        match values.iter().position(|v| *v == value) {
            Some(at) => groups[at].push(cube),
            None => {
                values.push(value);
                groups.push(vec![cube]);
            }
        }
    }
    let mut joined: Vec<(Cube, usize)> = Vec::new();
    for (at, cubes) in groups.into_iter().enumerate() {
        joined.extend(merge(cubes).into_iter().map(|cube| (cube, at)));
    }
    joined.sort_by_cached_key(|(cube, _)| {
        cube.iter()
            .map(|set| set.indices().next())
            .collect::<Vec<_>>()
    });
    (values, joined)
}

/// Merges the cubes that are equal on every dimension except `dimension`.
fn merge_along(cubes: Vec<Cube>, dimension: usize) -> Vec<Cube> {
    let mut groups: BTreeMap<Cube, ValueSet> = BTreeMap::new();
    for mut cube in cubes {
        let along = std::mem::take(&mut cube[dimension]);
        let merged = groups.entry(cube).or_default();
        *merged = merged.union(along);
    }
    let mut merged: Vec<Cube> = groups
        .into_iter()
        .map(|(mut cube, along)| {
            cube[dimension] = along;
            cube
        })
        .collect();
    merged.sort();
    merged
}

/// A union of boxes kept as disjoint boxes, so that its size can be counted exactly.
#[derive(Debug, Clone, Default)]
pub struct Union {
    cubes: Vec<Cube>,
}

impl Union {
    /// Adds the questions of `cube`, spending a case from `budget` per box compared.
    pub fn add(&mut self, cube: &[ValueSet], budget: &mut Budget) -> Result<(), Exhausted> {
        let mut fresh: Vec<Cube> = vec![cube.to_vec()];
        for existing in &self.cubes {
            let mut next = Vec::with_capacity(fresh.len());
            for piece in fresh {
                budget.spend(1)?;
                subtract(piece, existing, &mut next);
            }
            fresh = next;
            if fresh.is_empty() {
                return Ok(());
            }
        }
        self.cubes.extend(fresh);
        Ok(())
    }

    /// How many questions the union holds, saturating at `u128::MAX`.
    pub fn volume(&self) -> u128 {
        self.cubes
            .iter()
            .fold(0u128, |total, cube| total.saturating_add(volume(cube)))
    }
}

/// Pushes onto `out` disjoint boxes holding the questions of `piece` not in `hole`.
fn subtract(mut piece: Cube, hole: &[ValueSet], out: &mut Vec<Cube>) {
    if intersection(&piece, hole).is_none() {
        out.push(piece);
        return;
    }
    for dimension in 0..piece.len() {
        let outside = piece[dimension].intersect(hole[dimension].complement(64));
        if !outside.is_empty() {
            let mut part = piece.clone();
            part[dimension] = outside;
            out.push(part);
        }
        piece[dimension] = piece[dimension].intersect(hole[dimension]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::testing::{grid, set};
    use proptest::prelude::*;

    proptest! {
        /// Merged boxes and a counted union hold exactly the points of the boxes given.
        #[test]
        fn merged_boxes_and_unions_hold_exactly_the_points_given(
            sizes in prop::collection::vec(1usize..4, 1..4),
            picks in prop::collection::vec((any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>()), 0..8),
        ) {
            let cubes: Vec<Cube> = picks.iter().map(|&(a, b, c, d)| {
                let bits = [a, b, c, d];
                sizes.iter().enumerate().map(|(i, &s)| {
                    let chosen = set(&(0..s).filter(|v| bits[i] >> v & 1 == 1).collect::<Vec<_>>());
                    if chosen.is_empty() { ValueSet::single(0) } else { chosen }
                }).collect()
            }).collect();
            let mut union = Union::default();
            for cube in &cubes {
                union.add(cube, &mut Budget::default()).unwrap();
            }
            let points: Vec<Vec<usize>> = grid(&sizes).into_iter()
                .filter(|p| cubes.iter().any(|c| contains(c, p))).collect();
            prop_assert_eq!(union.volume(), points.len() as u128);
            // Disjoint pieces of the union, merged, keep exactly the same points.
            let merged = merge(union.cubes.clone());
            for point in grid(&sizes) {
                let inside = merged.iter().filter(|c| contains(c, &point)).count();
                prop_assert_eq!(inside, usize::from(points.contains(&point)));
            }
        }
    }
}
