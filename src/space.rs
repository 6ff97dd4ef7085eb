//! The question space, as classes of questions no rule can tell apart.
//!
//! A question fixes an action's parameters, the facts and the reading of each
//! dispute: one value per *dimension*. The space of questions is their product,
//! and it grows fast: three parameters over 64 values and thirteen yes/no facts
//! make 2⁴⁴ points. covenant never walks them one by one. It splits the space
//! lazily, as a decision tree ([`explore`]): a node is a box of questions (one
//! [`ValueSet`] per dimension); a rule is *settled* at a node when it applies to
//! every question in the box or to none; a node whose rules are all settled is a
//! leaf, where every question gets the same answer. Otherwise the node splits
//! one dimension that an unsettled rule tests, into the classes of values the
//! unsettled rules treat alike. A rule that tests thirteen facts in conjunction
//! costs fourteen leaves, not 8,192; a parameter no rule constrains is never
//! split at all.
//!
//! Time is cut the same way ([`sweep`]): at the dates where a rule starts or
//! stops, with the rules valid on each piece kept up to date as the sweep moves
//! on, never recomputed from all rules.
//!
//! Every exhaustive walk is bounded by a [`Budget`] of cases, counted with
//! checked arithmetic: past it, the walk stops with [`Exhausted`], naming the
//! dimensions that made the space large, instead of running for hours.

use crate::interval::{DateInterval, partition};
use crate::terms::{Terms, ValueSet};
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// How many cases an exhaustive command may visit unless told otherwise (`--max-cases`).
pub const DEFAULT_MAX_CASES: u64 = 10_000_000;

/// What each branch of an answer, span of a timeline or region of a diff
/// costs from the budget when it is reported.
pub const REPORTED_COST: u64 = 100;

/// The most deciding rules a diff region's side or a timeline span lists by
/// name; the rest are counted.
pub const LISTED_RULES: usize = 10;

/// A count of the work an exhaustive command may still do.
///
/// A *case* is one box of questions visited (a node of the decision tree, or
/// one piece of time for one box), plus one for every 64 rules tested there, so
/// that the count follows the time spent; every branch, span or region a report
/// holds costs [`REPORTED_COST`] more.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: u64,
    spent: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(DEFAULT_MAX_CASES)
    }
}

impl Budget {
    /// A budget of `limit` cases.
    pub fn new(limit: u64) -> Budget {
        Budget { limit, spent: 0 }
    }

    /// How many cases have been spent.
    pub fn spent(&self) -> u64 {
        self.spent
    }

    /// How many cases are left.
    pub fn remaining(&self) -> u64 {
        self.limit - self.spent
    }

    /// The most cases this budget allows.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Spends `cases`, or reports that the limit is passed.
    pub fn spend(&mut self, cases: u64) -> Result<(), Exhausted> {
        match self.spent.checked_add(cases) {
            Some(total) if total <= self.limit => {
                self.spent = total;
                Ok(())
            }
            _ => {
                self.spent = self.limit;
                Err(Exhausted {
                    limit: self.limit,
                    dimensions: Vec::new(),
                })
            }
        }
    }

    /// Spends what reporting `items` branches, spans or regions costs: each is
    /// [`REPORTED_COST`] cases, so that a report stays a size a person can read
    /// and memory can hold.
    pub fn spend_reported(&mut self, items: usize) -> Result<(), Exhausted> {
        self.spend((items as u64).saturating_mul(REPORTED_COST))
    }

    /// Spends one case for a box where `rules` rules were tested.
    pub fn spend_case(&mut self, rules: usize) -> Result<(), Exhausted> {
        self.spend(1 + (rules as u64) / 64)
    }
}

/// The budget ran out: the space is too large to walk exhaustively.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("more than {limit} cases to visit")]
pub struct Exhausted {
    /// The limit that was passed.
    pub limit: u64,
    /// The dimensions split most often when the budget ran out (indices into the
    /// walk's dimensions), most split first: what made the space large.
    pub dimensions: Vec<usize>,
}

/// What a dimension of a walk stands for, so that a report can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    /// A parameter of the action (index into its parameters).
    Param(usize),
    /// A fact (index into the vocabulary's facts).
    Fact(usize),
    /// A dispute, whose values are its readings (index into the vocabulary's disputes).
    Dispute(usize),
}

impl Dimension {
    /// The dimension in words, e.g. `parameter `cloud` (5 values)`.
    pub fn describe(self, terms: &Terms, action: usize) -> String {
        let vocabulary = &terms.vocabulary;
        match self {
            Dimension::Param(p) => {
                let param = &vocabulary.actions[action].params[p];
                format!("parameter `{}` ({} values)", param.name, param.values.len())
            }
            Dimension::Fact(f) => {
                let fact = &vocabulary.facts[f];
                format!("fact `{}` ({} values)", fact.name, fact.values.len())
            }
            Dimension::Dispute(d) => {
                let dispute = &vocabulary.disputes[d];
                format!(
                    "dispute `{}` ({} readings)",
                    dispute.id,
                    dispute.readings.len()
                )
            }
        }
    }
}

/// A command passed its budget of cases: what it was doing and what made it large.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`covenant {command}` stopped: the questions about `{action}` need more than {limit} cases to answer exactly"
)]
pub struct TooLarge {
    /// The command, e.g. `check`.
    pub command: &'static str,
    /// The action whose questions were being walked.
    pub action: String,
    /// The dimensions that made it large, in words, most split first.
    pub dimensions: Vec<String>,
    /// The budget that was passed.
    pub limit: u64,
    /// Facts a user could fix with `--fact` to narrow the question, if the command takes it.
    pub facts: Vec<String>,
}

impl TooLarge {
    /// Names the action and the dimensions of an [`Exhausted`] walk.
    pub fn new(
        command: &'static str,
        terms: &Terms,
        action: usize,
        exhausted: &Exhausted,
        dimensions: &[Dimension],
    ) -> TooLarge {
        let named: Vec<Dimension> = exhausted
            .dimensions
            .iter()
            .filter_map(|&d| dimensions.get(d).copied())
            .collect();
        TooLarge {
            command,
            action: terms.vocabulary.actions[action].id.clone(),
            dimensions: named
                .iter()
                .take(10)
                .map(|d| d.describe(terms, action))
                .collect(),
            limit: exhausted.limit,
            facts: named
                .iter()
                .filter_map(|d| match d {
                    Dimension::Fact(f) => Some(terms.vocabulary.facts[*f].name.clone()),
                    _ => None,
                })
                .take(3)
                .collect(),
        }
    }

    /// How to narrow the question or raise the limit.
    pub fn hint(&self) -> String {
        let mut hint = String::new();
        if !self.dimensions.is_empty() {
            hint.push_str(&format!(
                "what made it large: {}; ",
                self.dimensions.join(", ")
            ));
        }
        let narrow = match self.command {
            "ask" | "timeline" | "diff" => {
                let example = self
                    .facts
                    .first()
                    .map_or_else(|| "NAME=VALUE".to_string(), |f| format!("{f}=VALUE"));
                format!(
                    "narrow the question with --fact {example} (or fix a parameter or --reading); "
                )
            }
            _ => String::new(),
        };
        hint.push_str(&narrow);
        hint.push_str(&format!(
            "or raise the limit with --max-cases {}",
            self.limit.saturating_mul(10)
        ));
        hint
    }
}

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

/// A node waiting to be visited.
struct Node {
    values: Vec<ValueSet>,
    unsettled: Vec<usize>,
    applicable: Vec<usize>,
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
        unsettled: (0..candidates.len()).collect(),
        applicable: Vec::new(),
    }];
    while let Some(mut node) = stack.pop() {
        if let Err(mut exhausted) = budget.spend_case(node.unsettled.len()) {
            let mut order: Vec<usize> = (0..splits.len()).filter(|&d| splits[d] > 0).collect();
            order.sort_by_key(|&d| (std::cmp::Reverse(splits[d]), d));
            exhausted.dimensions = order;
            return Err(exhausted);
        }
        let mut still = Vec::new();
        let mut first_undecided = None;
        for &rule in &node.unsettled {
            match standing(candidates[rule], &node.values) {
                Standing::Applies => node.applicable.push(rule),
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
        let dimension = match first_undecided {
            Some(dimension) if !enough(&node.applicable, &still) => dimension,
            _ => {
                node.applicable.sort_unstable();
                let leaf = Leaf {
                    values: &node.values,
                    applicable: &node.applicable,
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
        // Pushed in reverse, so that the class holding the lowest value is visited first.
        for class in classes.into_iter().rev() {
            let mut values = node.values.clone();
            values[dimension] = class;
            stack.push(Node {
                values,
                unsettled: still.clone(),
                applicable: node.applicable.clone(),
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

/// Cuts `window` at every date where one of `intervals` starts or stops and
/// calls `visit` on each piece, in date order, with the indices of the
/// intervals valid on all of it (ascending). The valid set is kept up to date as
/// the sweep moves from piece to piece, never recomputed from every interval:
/// `n` intervals cost `O(n log n)` plus the size of the valid sets visited.
pub fn sweep(
    window: DateInterval,
    intervals: &[DateInterval],
    mut visit: impl FnMut(DateInterval, &[usize]),
) {
    let cuts = intervals
        .iter()
        .flat_map(|interval| interval.from().into_iter().chain(interval.until()));
    let pieces = partition(window, cuts);
    // Where each interval starts and stops, as (piece position, interval), in order.
    let piece_of =
        |date: chrono::NaiveDate| pieces.partition_point(|p| p.until().is_some_and(|u| u <= date));
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(intervals.len());
    let mut stops: Vec<(usize, usize)> = Vec::with_capacity(intervals.len());
    for (index, interval) in intervals.iter().enumerate() {
        let Some(clipped) = interval.intersect(&window) else {
            continue;
        };
        starts.push((clipped.from().map_or(0, piece_of), index));
        if let Some(until) = clipped.until() {
            stops.push((piece_of(until), index));
        }
    }
    starts.sort_unstable();
    stops.sort_unstable();
    let (mut next_start, mut next_stop) = (0, 0);
    // The intervals valid on the current piece, ascending.
    let mut valid: Vec<usize> = Vec::new();
    for (position, piece) in pieces.iter().enumerate() {
        while next_stop < stops.len() && stops[next_stop].0 == position {
            if let Ok(at) = valid.binary_search(&stops[next_stop].1) {
                valid.remove(at);
            }
            next_stop += 1;
        }
        while next_start < starts.len() && starts[next_start].0 == position {
            if let Err(at) = valid.binary_search(&starts[next_start].1) {
                valid.insert(at, starts[next_start].1);
            }
            next_start += 1;
        }
        visit(*piece, &valid);
    }
}

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
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn set(indices: &[usize]) -> ValueSet {
        indices
            .iter()
            .fold(ValueSet::default(), |s, &i| s.union(ValueSet::single(i)))
    }

    /// Every point of a grid of `sizes`, the dumb way.
    fn grid(sizes: &[usize]) -> Vec<Vec<usize>> {
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
        all
    }

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
        assert!(budget.spent() < 40, "spent {}", budget.spent());
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

    #[test]
    fn the_sweep_keeps_the_valid_intervals_of_each_piece() {
        let day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let intervals = [
            DateInterval::new(Some(day(2020)), Some(day(2030))).unwrap(),
            DateInterval::new(None, Some(day(2025))).unwrap(),
            DateInterval::new(Some(day(2025)), None).unwrap(),
        ];
        let mut seen = Vec::new();
        sweep(DateInterval::ALWAYS, &intervals, |piece, valid| {
            seen.push((piece.from(), valid.to_vec()));
        });
        assert_eq!(
            seen,
            vec![
                (None, vec![1]),
                (Some(day(2020)), vec![0, 1]),
                (Some(day(2025)), vec![0, 2]),
                (Some(day(2030)), vec![2]),
            ]
        );
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

        #[test]
        fn the_sweep_agrees_with_testing_every_interval_on_every_piece(
            raw in prop::collection::vec((prop::option::of(0i64..40), prop::option::of(1i64..40)), 0..8),
            window_from in prop::option::of(0i64..40),
        ) {
            let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
            let at = |n: i64| base + chrono::Duration::days(n);
            let intervals: Vec<DateInterval> = raw.iter().map(|&(from, len)| {
                DateInterval::new(from.map(at), len.map(|l| at(from.unwrap_or(0) + l))).unwrap()
            }).collect();
            let window = DateInterval::new(window_from.map(at), None).unwrap();
            let mut covered = 0;
            sweep(window, &intervals, |piece, valid| {
                let date = piece.representative();
                let expected: Vec<usize> = (0..intervals.len()).filter(|&i| intervals[i].contains(date)).collect();
                assert_eq!(valid, expected.as_slice(), "piece {piece}");
                covered += 1;
            });
            prop_assert!(covered >= 1);
        }
    }
}
