//! Overrides: which rules an exception beats, and the cycles they must not form.
//!
//! A rule's `overrides` names the rules of its version it beats when both
//! apply; beating is transitive. The loader resolves the names once, drops
//! nothing but cycles, and stores only the direct overrides: reachability is
//! asked of the graph ([`super::Version::beats`]), never stored as one set per rule, so that a
//! chain of 60,000 rules costs 60,000 edges rather than 60,000² entries.

use super::Rule;
use super::error::LoadErrorKind;
use super::load::Loader;
use crate::diagnostic::{Location, SourceFile};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use toml::Spanned;

/// A cycle longer than this is named by its first and last rules only, so a
/// long cycle costs a short message.
const MAX_CYCLE_NAMES: usize = 12;

impl Loader {
    /// Resolves each rule's `overrides` (in `raw`, one list per loaded rule) to
    /// rule indices. `declared` holds every rule id the version file declares,
    /// loaded or not: naming a rule that failed to load is not a second error.
    pub(super) fn resolve_overrides(
        &mut self,
        file: &Arc<SourceFile>,
        rules: &mut [Rule],
        raw: &[Vec<Spanned<String>>],
        declared: &HashMap<String, Location>,
    ) {
        let index: HashMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.0.as_str(), i))
            .collect();
        let mut resolved = vec![Vec::new(); rules.len()];
        let mut named = HashSet::new();
        for (rule, names) in raw.iter().enumerate() {
            named.clear();
            for name in names {
                match index.get(name.get_ref().as_str()) {
                    Some(&target) if target == rule => {
                        let kind = LoadErrorKind::SelfOverride {
                            rule: name.get_ref().clone(),
                        };
                        self.push(Some(self.at(file, name.span())), kind);
                    }
                    Some(&target) => {
                        if named.insert(target) {
                            resolved[rule].push(target);
                        }
                    }
                    None if declared.contains_key(name.get_ref()) => {}
                    None => {
                        let hint = self.suggest(
                            name.get_ref(),
                            "rule",
                            rules.iter().map(|r| r.id.0.as_str()),
                        );
                        let kind = LoadErrorKind::Unknown {
                            what: "rule",
                            found: name.get_ref().clone(),
                            hint,
                        };
                        self.push(Some(self.at(file, name.span())), kind);
                    }
                }
            }
        }
        let limit = if self.lenient { usize::MAX } else { 1 };
        for cycle in break_cycles(&mut resolved, limit) {
            let location = rules[cycle.rules[0]].location.clone();
            let names = cycle_names(&cycle, rules);
            self.push(
                Some(location),
                LoadErrorKind::OverrideCycle { cycle: names },
            );
        }
        for (rule, overrides) in rules.iter_mut().zip(resolved) {
            rule.overrides = overrides;
        }
    }
}

/// The names around a cycle, the first repeated at the end; a long cycle's middle elided.
fn cycle_names(cycle: &Cycle, rules: &[Rule]) -> Vec<String> {
    let mut names: Vec<String> = cycle.rules.iter().map(|&i| rules[i].id.0.clone()).collect();
    if cycle.left_out > 0 {
        names.insert(MAX_CYCLE_NAMES / 2, format!("… {} more …", cycle.left_out));
    }
    names
}

/// A cycle of overrides, as rule indices with the first repeated at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cycle {
    /// The rules around the cycle; when it is long, only the first and last
    /// [`MAX_CYCLE_NAMES`]` / 2` of them.
    pub rules: Vec<usize>,
    /// How many rules of the cycle are left out of `rules`, between its halves.
    pub left_out: usize,
}

/// Finds cycles in the override graph `edges` (rule → rules it overrides) in
/// one depth-first pass, iterative so that a long chain cannot overflow the
/// stack, and removes the edges of each cycle found. Returns at most `limit`
/// cycles; unless `limit` was reached, the graph has no cycle afterwards.
///
/// Every cycle holds a back edge of the search, and each back edge found is
/// removed, so what is left is acyclic. Time is linear in rules plus
/// overrides: each cycle costs a constant to record, and the edges around
/// cycles are removed only while their total length stays within a multiple
/// of the graph's size (past it, only the back edge is removed).
pub(super) fn break_cycles(edges: &mut [Vec<usize>], limit: usize) -> Vec<Cycle> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        /// On the current path, at this depth.
        Open(usize),
        Done,
    }
    let size = edges.len() + edges.iter().map(Vec::len).sum::<usize>();
    let mut budget = 4 * size;
    let mut marks = vec![Mark::New; edges.len()];
    let mut cycles = Vec::new();
    let mut removed: HashSet<(usize, usize)> = HashSet::new();
    'search: for start in 0..edges.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // `path` holds the open rules, each with the index of its next edge.
        let mut path = vec![(start, 0usize)];
        marks[start] = Mark::Open(0);
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let Some(&target) = edges[node].get(*next) else {
                marks[node] = Mark::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match marks[target] {
                Mark::Open(depth) => {
                    let around = &path[depth..];
                    let half = MAX_CYCLE_NAMES / 2;
                    let (mut rules, left_out) = if around.len() <= MAX_CYCLE_NAMES {
                        (around.iter().map(|&(n, _)| n).collect::<Vec<_>>(), 0)
                    } else {
                        let ends = around[..half].iter().chain(&around[around.len() - half..]);
                        (ends.map(|&(n, _)| n).collect(), around.len() - 2 * half)
                    };
                    rules.push(target);
                    removed.insert((node, target));
                    if around.len() <= budget {
                        budget -= around.len();
                        removed.extend(around.windows(2).map(|pair| (pair[0].0, pair[1].0)));
                    }
                    cycles.push(Cycle { rules, left_out });
                    if cycles.len() >= limit {
                        break 'search;
                    }
                }
                Mark::New => {
                    marks[target] = Mark::Open(path.len());
                    path.push((target, 0));
                }
                Mark::Done => {}
            }
        }
    }
    if !removed.is_empty() {
        for (from, targets) in edges.iter_mut().enumerate() {
            targets.retain(|&to| !removed.contains(&(from, to)));
        }
    }
    cycles
}

/// Whether rule `from` reaches rule `to` through one or more direct overrides:
/// an iterative depth-first search that visits each rule at most once and
/// remembers only the rules it has seen.
pub(super) fn reaches(rules: &[Rule], from: usize, to: usize) -> bool {
    let direct = &rules[from].overrides;
    if direct.is_empty() {
        return false;
    }
    if direct.contains(&to) {
        return true;
    }
    let mut seen: HashSet<usize> = HashSet::new();
    let mut stack: Vec<usize> = direct.clone();
    while let Some(rule) = stack.pop() {
        if rule == to {
            return true;
        }
        if seen.insert(rule) {
            stack.extend(rules[rule].overrides.iter().filter(|r| !seen.contains(r)));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Shape, generate};
    use crate::terms::load;
    use proptest::prelude::*;

    /// A chain where rule `i` overrides rule `i - 1`.
    fn chain(rules: usize) -> Vec<Vec<usize>> {
        (0..rules)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect()
    }

    #[test]
    fn a_cycle_is_found_and_its_edges_removed() {
        let mut edges = vec![vec![1], vec![2], vec![0]];
        let cycles = break_cycles(&mut edges, usize::MAX);
        assert_eq!(
            cycles,
            vec![Cycle {
                rules: vec![0, 1, 2, 0],
                left_out: 0
            }]
        );
        assert_eq!(edges, vec![Vec::<usize>::new(), vec![], vec![]]);
    }

    #[test]
    fn a_chain_has_no_cycle_and_keeps_every_edge() {
        let mut edges = chain(5);
        assert!(break_cycles(&mut edges, usize::MAX).is_empty());
        assert_eq!(edges, chain(5));
    }

    #[test]
    fn a_chain_of_100000_closed_into_a_cycle_is_found_without_overflowing_the_stack() {
        let mut edges = chain(100_000);
        edges[0].push(99_999);
        let cycles = break_cycles(&mut edges, 1);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].rules.len(), MAX_CYCLE_NAMES + 1);
        assert_eq!(cycles[0].left_out, 100_000 - MAX_CYCLE_NAMES);
        assert_eq!(cycles[0].rules.first(), cycles[0].rules.last());
    }

    #[test]
    fn strict_loading_stops_at_the_first_cycle_and_lenient_reports_each() {
        let mut edges = vec![vec![1], vec![0], vec![3], vec![2]];
        assert_eq!(break_cycles(&mut edges.clone(), 1).len(), 1);
        assert_eq!(break_cycles(&mut edges, usize::MAX).len(), 2);
        assert!(break_cycles(&mut edges, usize::MAX).is_empty());
    }

    /// Rules with only `overrides` set, for asking reachability of.
    fn rules_with(edges: &[Vec<usize>]) -> Vec<Rule> {
        let source = generate(&Shape {
            actions: 1,
            rules: 1,
            facts: 0,
            disputes: 0,
            dates: 0,
            events: 0,
            seed: 1,
        });
        let template = load(&source).expect("generated terms load").versions[0].rules[0].clone();
        edges
            .iter()
            .map(|overrides| Rule {
                overrides: overrides.clone(),
                ..template.clone()
            })
            .collect()
    }

    #[test]
    fn beating_follows_chains_of_overrides_one_way() {
        let rules = rules_with(&chain(60_000));
        assert!(reaches(&rules, 59_999, 0));
        assert!(reaches(&rules, 1, 0));
        assert!(!reaches(&rules, 0, 1));
        assert!(!reaches(&rules, 0, 0));
        assert!(!reaches(&rules, 30_000, 30_001));
    }

    #[allow(clippy::needless_range_loop)] // a relation as a matrix reads best by index
    /// Reachability the obvious way: repeat "beats what a beaten rule beats" until nothing changes.
    fn closure_oracle(edges: &[Vec<usize>]) -> Vec<Vec<bool>> {
        let n = edges.len();
        let mut beats = vec![vec![false; n]; n];
        for (from, targets) in edges.iter().enumerate() {
            for &to in targets {
                beats[from][to] = true;
            }
        }
        loop {
            let mut changed = false;
            for a in 0..n {
                for b in 0..n {
                    if beats[a][b] {
                        for c in 0..n {
                            if beats[b][c] && !beats[a][c] {
                                beats[a][c] = true;
                                changed = true;
                            }
                        }
                    }
                }
            }
            if !changed {
                return beats;
            }
        }
    }

    proptest! {
        #[allow(clippy::needless_range_loop)] // as above
        #[test]
        fn beats_agrees_with_the_transitive_closure(
            edges in proptest::collection::vec(proptest::collection::vec(0usize..8, 0..3), 1..8)
        ) {
            let n = edges.len();
            let edges: Vec<Vec<usize>> = edges
                .into_iter()
                .map(|targets| targets.into_iter().filter(|&t| t < n).collect())
                .collect();
            let rules = rules_with(&edges);
            let expected = closure_oracle(&edges);
            for a in 0..n {
                for b in 0..n {
                    prop_assert_eq!(reaches(&rules, a, b), expected[a][b], "{} beats {}?", a, b);
                }
            }
        }

        #[test]
        fn after_breaking_cycles_no_rule_beats_itself(
            edges in proptest::collection::vec(proptest::collection::vec(0usize..8, 0..3), 1..8)
        ) {
            let n = edges.len();
            let mut edges: Vec<Vec<usize>> = edges
                .into_iter()
                .map(|targets| targets.into_iter().filter(|&t| t < n).collect())
                .collect();
            break_cycles(&mut edges, usize::MAX);
            let closure = closure_oracle(&edges);
            for (a, row) in closure.iter().enumerate() {
                prop_assert!(!row[a], "rule {} still beats itself", a);
            }
        }
    }
}
