//! Overrides: which rules an exception beats, and the cycles they must not form.

use super::Rule;
use super::error::LoadErrorKind;
use super::load::Loader;
use crate::diagnostic::{SourceFile, did_you_mean};
use std::collections::HashMap;
use std::sync::Arc;
use toml::Spanned;

impl Loader {
    pub(super) fn resolve_overrides(
        &mut self,
        file: &Arc<SourceFile>,
        rules: &mut [Rule],
        raw: &[Vec<Spanned<String>>],
    ) {
        let index: HashMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.0.as_str(), i))
            .collect();
        let mut resolved = vec![Vec::new(); rules.len()];
        for (rule, names) in raw.iter().enumerate() {
            for name in names {
                match index.get(name.get_ref().as_str()) {
                    Some(&target) if target == rule => {
                        let kind = LoadErrorKind::SelfOverride {
                            rule: name.get_ref().clone(),
                        };
                        self.push(Some(self.at(file, name.span())), kind);
                    }
                    Some(&target) => resolved[rule].push(target),
                    None => {
                        let hint = did_you_mean(name.get_ref(), "rule", index.keys().copied());
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
        while let Some(cycle) = find_cycle(&resolved) {
            let names: Vec<String> = cycle.iter().map(|&i| rules[i].id.0.clone()).collect();
            let location = rules[cycle[0]].location.clone();
            self.push(
                Some(location),
                LoadErrorKind::OverrideCycle { cycle: names },
            );
            if !self.lenient {
                return;
            }
            for (at, &from) in cycle.iter().enumerate() {
                let to = cycle[(at + 1) % cycle.len()];
                resolved[from].retain(|&target| target != to);
            }
        }
        for (i, rule) in rules.iter_mut().enumerate() {
            rule.overrides = resolved[i].clone();
            rule.beats = reachable(&resolved, i);
        }
    }
}

/// A cycle in the override graph, as rule indices with the first repeated at the end.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; edges.len()];
    for start in 0..edges.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search; `path` holds the open nodes.
        let mut path = vec![start];
        let mut next_edge = vec![0usize];
        marks[start] = Mark::Open;
        while let Some(&node) = path.last() {
            let at = next_edge
                .last_mut()
                .expect("next_edge has one entry per path node");
            if let Some(&target) = edges[node].get(*at) {
                *at += 1;
                match marks[target] {
                    Mark::Open => {
                        let from = path
                            .iter()
                            .position(|&n| n == target)
                            .expect("open nodes are on the path");
                        let mut cycle = path[from..].to_vec();
                        cycle.push(target);
                        return Some(cycle);
                    }
                    Mark::New => {
                        marks[target] = Mark::Open;
                        path.push(target);
                        next_edge.push(0);
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                path.pop();
                next_edge.pop();
            }
        }
    }
    None
}

fn reachable(edges: &[Vec<usize>], start: usize) -> Vec<usize> {
    let mut seen = vec![false; edges.len()];
    let mut stack = edges[start].clone();
    while let Some(node) = stack.pop() {
        if !seen[node] {
            seen[node] = true;
            stack.extend(&edges[node]);
        }
    }
    (0..edges.len()).filter(|&i| seen[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn cycles_are_found_and_closures_follow_chains() {
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![0]]),
            Some(vec![0, 1, 2, 0])
        );
        assert_eq!(find_cycle(&[vec![1], vec![2], vec![]]), None);
        assert_eq!(reachable(&[vec![1], vec![2], vec![]], 0), vec![1, 2]);
    }
}
