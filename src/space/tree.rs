//! The decision tree over a box of questions: split a dimension only while a
//! rule still undecided there tests it, into the classes of values the rules
//! treat alike.

use super::{Budget, Exhausted};
use crate::terms::ValueSet;
use std::ops::ControlFlow;
use std::rc::Rc;

/// What a rule asks of one dimension: the values it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Constraint {
    /// The dimension.
    pub dimension: usize,
    /// The values of that dimension the rule applies to.
    pub allowed: ValueSet,
}

/// A leaf of the decision tree: a box of questions that every rule treats alike.
#[derive(Debug, Clone, Copy)]
pub struct Leaf<'a> {
    /// One value set per dimension: the questions in the box.
    pub values: &'a [ValueSet],
    /// The rules (indices into the walk's candidates, ascending) that apply to every question in the box.
    pub applicable: &'a [usize],
}

/// Where a rule stands on a box of questions.
enum Standing {
    Applies,
    Never,
    Undecided(usize),
}

fn standing(constraints: &[Constraint], values: &[ValueSet]) -> Standing {
    let mut undecided = None;
    for constraint in constraints {
        let have = values[constraint.dimension];
        let inside = have.intersect(constraint.allowed);
        if inside.is_empty() {
            return Standing::Never;
        }
        if inside != have {
            undecided = Some(
                undecided.map_or(constraint.dimension, |d: usize| d.min(constraint.dimension)),
            );
        }
    }
    match undecided {
        Some(dimension) => Standing::Undecided(dimension),
        None => Standing::Applies,
    }
}

/// A node waiting to be visited. Its rule lists are shared with its siblings:
/// a split copies only the box.
struct Node {
    values: Vec<ValueSet>,
    unsettled: Rc<Vec<usize>>,
    applicable: Rc<Vec<usize>>,
}

/// Walks the decision tree of the box `root` under `candidates` (each rule's
/// constraints; a dimension a rule does not constrain it leaves free), calling
/// `visit` on every leaf, in order: leaves come out sorted by the lowest value of
/// each dimension split, so the walk is deterministic. A node splits the lowest
/// dimension that some unsettled rule leaves undecided, so the tree depends on
/// the set of rules, not on the order they are given in.
///
/// The leaves are disjoint and together hold every question of `root` exactly
/// once. Each node visited spends a case from `budget`.
pub fn explore(
    root: Vec<ValueSet>,
    candidates: &[&[Constraint]],
    budget: &mut Budget,
    mut visit: impl FnMut(Leaf<'_>),
) -> Result<(), Exhausted> {
    walk(
        root,
        candidates,
        budget,
        |_: &[usize], _: &[usize]| false,
        |leaf: Leaf<'_>, _: &[usize]| {
            visit(leaf);
            ControlFlow::Continue(())
        },
    )
}

/// [`explore`], for a caller that needs less than every rule settled: a node
/// where `enough(applicable, unsettled)` holds is visited as a leaf although
/// the rules `unsettled` are not settled on it (they are passed to `visit`),
/// and the walk stops as soon as `visit` breaks. The boxes visited are still
/// disjoint and, unless the walk stops early, cover `root`.
pub fn walk(
    root: Vec<ValueSet>,
    candidates: &[&[Constraint]],
    budget: &mut Budget,
    mut enough: impl FnMut(&[usize], &[usize]) -> bool,
    mut visit: impl FnMut(Leaf<'_>, &[usize]) -> ControlFlow<()>,
) -> Result<(), Exhausted> {
    let mut splits = vec![0u64; root.len()];
    if root.iter().any(|set| set.is_empty()) {
        return Ok(());
    }
    let mut stack = vec![Node {
        values: root,
        unsettled: Rc::new((0..candidates.len()).collect()),
        applicable: Rc::new(Vec::new()),
    }];
    let blame = |splits: &[u64], mut exhausted: Exhausted| {
        let mut order: Vec<usize> = (0..splits.len()).filter(|&d| splits[d] > 0).collect();
        order.sort_by_key(|&d| (std::cmp::Reverse(splits[d]), d));
        exhausted.dimensions = order;
        exhausted
    };
    while let Some(node) = stack.pop() {
        // A node costs what it reads: every constraint of its unsettled rules.
        let tested: usize = node.unsettled.iter().map(|&r| candidates[r].len()).sum();
        if let Err(exhausted) = budget.spend_reads(tested) {
            return Err(blame(&splits, exhausted));
        }
        let mut still = Vec::new();
        let mut settled_here = Vec::new();
        let mut first_undecided = None;
        for &rule in node.unsettled.iter() {
            match standing(candidates[rule], &node.values) {
                Standing::Applies => settled_here.push(rule),
                Standing::Never => {}
                Standing::Undecided(dimension) => {
                    // The lowest dimension any rule leaves undecided: the tree
                    // then depends on the rules, not on the order they come in.
                    first_undecided =
                        Some(first_undecided.map_or(dimension, |d: usize| d.min(dimension)));
                    still.push(rule);
                }
            }
        }
        // The rules that apply on the whole box: the parent's, and those settled here.
        let applicable = if settled_here.is_empty() {
            node.applicable
        } else {
            let mut all = Vec::with_capacity(node.applicable.len() + settled_here.len());
            all.extend_from_slice(&node.applicable);
            all.extend(settled_here);
            Rc::new(all)
        };
        let dimension = match first_undecided {
            Some(dimension) if !enough(&applicable, &still) => dimension,
            _ => {
                let mut sorted = applicable.to_vec();
                sorted.sort_unstable();
                let leaf = Leaf {
                    values: &node.values,
                    applicable: &sorted,
                };
                if visit(leaf, &still).is_break() {
                    return Ok(());
                }
                continue;
            }
        };
        splits[dimension] += 1;
        let classes = classes_of(
            node.values[dimension],
            still.iter().flat_map(|&rule| {
                candidates[rule]
                    .iter()
                    .filter(|c| c.dimension == dimension)
                    .map(|c| c.allowed)
            }),
        );
        // Each child holds a copy of the box, and shares the rule lists made
        // here: waiting on the stack they are memory, paid for as they are made.
        let copied =
            node.values.len().saturating_mul(classes.len()) + still.len() + applicable.len();
        if let Err(exhausted) = budget.spend_words(copied) {
            return Err(blame(&splits, exhausted));
        }
        let still = Rc::new(still);
        // Pushed in reverse, so that the class holding the lowest value is visited first.
        for class in classes.into_iter().rev() {
            let mut values = node.values.clone();
            values[dimension] = class;
            stack.push(Node {
                values,
                unsettled: Rc::clone(&still),
                applicable: Rc::clone(&applicable),
            });
        }
    }
    Ok(())
}

/// Splits `values` into the classes that every set of `cuts` treats alike (each
/// class lies wholly inside or wholly outside each cut), ordered by their lowest value.
pub fn classes_of(values: ValueSet, cuts: impl IntoIterator<Item = ValueSet>) -> Vec<ValueSet> {
    let mut classes = vec![values];
    for cut in cuts {
        let mut next = Vec::with_capacity(classes.len() + 1);
        for class in classes {
            let inside = class.intersect(cut);
            let outside = class.intersect(cut.complement(64));
            if !inside.is_empty() {
                next.push(inside);
            }
            if !outside.is_empty() {
                next.push(outside);
            }
        }
        classes = next;
    }
    classes.sort_by_key(|class| class.indices().next());
    classes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::testing::{grid, set};
    use crate::space::{Cube, contains, volume};
    use proptest::prelude::*;

    fn applies(constraints: &[Constraint], point: &[usize]) -> bool {
        constraints
            .iter()
            .all(|c| c.allowed.contains(point[c.dimension]))
    }

    #[test]
    fn a_conjunction_of_thirteen_facts_costs_fourteen_leaves() {
        let constraints: Vec<Constraint> = (0..13)
            .map(|dimension| Constraint {
                dimension,
                allowed: ValueSet::single(1),
            })
            .collect();
        let mut root = vec![ValueSet::full(2); 13];
        root.extend([ValueSet::full(64); 3]);
        let mut leaves = 0;
        let mut budget = Budget::default();
        explore(root, &[&constraints], &mut budget, |_| leaves += 1).unwrap();
        assert_eq!(leaves, 14);
        // 27 nodes, each paying for what it reads and for the 16-dimension boxes it copies.
        assert!(budget.spent() < 200, "spent {}", budget.spent());
    }

    #[test]
    fn a_space_past_the_budget_names_what_made_it_large() {
        let rules: Vec<Vec<Constraint>> = (0..20)
            .map(|dimension| {
                vec![Constraint {
                    dimension,
                    allowed: ValueSet::single(1),
                }]
            })
            .collect();
        let refs: Vec<&[Constraint]> = rules.iter().map(Vec::as_slice).collect();
        let mut budget = Budget::new(1000);
        let error = explore(vec![ValueSet::full(2); 20], &refs, &mut budget, |_| {}).unwrap_err();
        assert_eq!(error.limit, 1000);
        assert!(!error.dimensions.is_empty());
    }

    fn constraint_strategy(sizes: Vec<usize>) -> impl Strategy<Value = Vec<Vec<Constraint>>> {
        let dims = sizes.len();
        prop::collection::vec(
            prop::collection::vec((0..dims, any::<u64>()), 0..4).prop_map(move |raw| {
                raw.into_iter()
                    .map(|(dimension, bits)| Constraint {
                        dimension,
                        allowed: set(&(0..sizes[dimension])
                            .filter(|i| bits >> i & 1 == 1)
                            .collect::<Vec<_>>()),
                    })
                    .collect()
            }),
            0..6,
        )
    }

    proptest! {
        /// The oracle walks every point: each lies in exactly one leaf, and the
        /// leaf's applicable rules are exactly those whose constraints hold there.
        #[test]
        fn leaves_tile_the_space_and_every_point_of_a_leaf_has_its_rules(
            (sizes, rules) in prop::collection::vec(1usize..5, 1..5)
                .prop_flat_map(|sizes| (Just(sizes.clone()), constraint_strategy(sizes)))
        ) {
            let refs: Vec<&[Constraint]> = rules.iter().map(Vec::as_slice).collect();
            let root: Vec<ValueSet> = sizes.iter().map(|&s| ValueSet::full(s)).collect();
            let mut leaves: Vec<(Cube, Vec<usize>)> = Vec::new();
            explore(root, &refs, &mut Budget::default(), |leaf| {
                leaves.push((leaf.values.to_vec(), leaf.applicable.to_vec()));
            }).unwrap();
            for point in grid(&sizes) {
                let holding: Vec<_> = leaves.iter().filter(|(cube, _)| contains(cube, &point)).collect();
                prop_assert_eq!(holding.len(), 1, "point {:?}", point);
                let expected: Vec<usize> = (0..rules.len()).filter(|&r| applies(&rules[r], &point)).collect();
                prop_assert_eq!(&holding[0].1, &expected);
            }
            let total: u128 = leaves.iter().map(|(cube, _)| volume(cube)).sum();
            prop_assert_eq!(total, grid(&sizes).len() as u128);
        }

    }
}
