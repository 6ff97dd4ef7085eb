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
    let mut seen: HashSet<usize> = HashSet::from([from]);
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
