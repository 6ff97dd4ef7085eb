//! Describing a set of points of a finite grid compactly, as a few boxes.
//!
//! A diff finds the questions whose answer changed as points: one value per
//! dimension (a parameter, a fact, a dispute). People read sets, not points:
//! "cloud ∈ {aws, oracle}, when agi_achieved = true". [`cover`] turns a set of
//! points into [`Cube`]s, each the product of one value set per dimension, whose
//! union is exactly the set of points given: nothing added, nothing lost.

use crate::terms::ValueSet;
use std::collections::BTreeMap;

/// A box of the grid: one set of values per dimension; the points it holds are their product.
pub type Cube = Vec<ValueSet>;

/// Every point of the grid whose dimensions have the given sizes, counting
/// like an odometer: the last dimension fastest.
pub fn points(sizes: &[usize]) -> Vec<Vec<usize>> {
    if sizes.contains(&0) {
        return Vec::new();
    }
    let mut all = Vec::with_capacity(sizes.iter().product());
    let mut current = vec![0; sizes.len()];
    loop {
        all.push(current.clone());
        let mut dimension = sizes.len();
        loop {
            if dimension == 0 {
                return all;
            }
            dimension -= 1;
            current[dimension] += 1;
            if current[dimension] < sizes[dimension] {
                break;
            }
            current[dimension] = 0;
        }
    }
}

/// Every point whose value in each dimension is one of that dimension's
/// `choices`, in the same odometer order.
pub fn product(choices: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let sizes: Vec<usize> = choices.iter().map(Vec::len).collect();
    points(&sizes)
        .into_iter()
        .map(|pick| pick.iter().zip(choices).map(|(&i, c)| c[i]).collect())
        .collect()
}

/// Whether `point` (one value index per dimension) lies in `cube`.
pub fn contains(cube: &[ValueSet], point: &[usize]) -> bool {
    cube.iter()
        .zip(point)
        .all(|(set, value)| set.contains(*value))
}

/// Covers exactly `points` with cubes, merging boxes that agree on every
/// dimension but one, until no two do. Deterministic: the same points in any
/// order give the same cubes, in a stable order.
pub fn cover(points: &[Vec<usize>]) -> Vec<Cube> {
    let mut cubes: Vec<Cube> = points
        .iter()
        .map(|point| point.iter().map(|&v| ValueSet::single(v)).collect())
        .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn points_of(cubes: &[Cube], sizes: &[usize]) -> Vec<Vec<usize>> {
        let mut all = vec![Vec::new()];
        for &size in sizes {
            all = all
                .into_iter()
                .flat_map(|p: Vec<usize>| {
                    (0..size).map(move |v| {
                        let mut q = p.clone();
                        q.push(v);
                        q
                    })
                })
                .collect();
        }
        all.into_iter()
            .filter(|p| cubes.iter().any(|c| contains(c, p)))
            .collect()
    }

    #[test]
    fn points_count_like_an_odometer() {
        assert_eq!(
            points(&[2, 3]),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(points(&[]), vec![Vec::<usize>::new()]);
        assert!(points(&[2, 0]).is_empty());
    }

    #[test]
    fn a_product_picks_from_each_dimension_s_choices_in_order() {
        assert_eq!(
            product(&[vec![4], vec![0, 2]]),
            vec![vec![4, 0], vec![4, 2]]
        );
        assert!(product(&[vec![1], vec![]]).is_empty());
    }

    #[test]
    fn a_full_row_becomes_one_cube() {
        let points = vec![vec![1, 0], vec![2, 0], vec![3, 0], vec![4, 0]];
        let cubes = cover(&points);
        assert_eq!(cubes.len(), 1);
        assert_eq!(cubes[0][0].indices().collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    proptest! {
        #[test]
        fn cubes_cover_exactly_the_points_given(
            sizes in prop::collection::vec(1usize..4, 0..4),
            picks in prop::collection::vec(any::<u16>(), 0..30),
        ) {
            let total: usize = sizes.iter().product();
            let mut points: Vec<Vec<usize>> = picks
                .iter()
                .map(|&pick| {
                    let mut rest = pick as usize % total;
                    sizes.iter().rev().map(|&s| { let v = rest % s; rest /= s; v })
                        .collect::<Vec<_>>().into_iter().rev().collect()
                })
                .collect();
            let cubes = cover(&points);
            points.sort();
            points.dedup();
            prop_assert_eq!(points_of(&cubes, &sizes), points);
        }
    }
}
