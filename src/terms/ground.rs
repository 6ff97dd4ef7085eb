//! Grounding: once every version is read, cut each number fact at the
//! constants rules compare it with and each event at the durations rules count
//! from it, then turn every rule's `when`, `from` and `until` into boxes over
//! those classes: one rule per alternative of its condition.

use super::condition::{self, FactKind, Formula, Offset, TimeUnit};
use super::error::LoadErrorKind;
use super::load::Loader;
use super::{Version, Vocabulary};
use crate::diagnostic::Location;
use crate::interval::DateInterval;
use crate::number::Number;
use crate::verdict::Effect;
use std::collections::HashMap;

/// The most constants one number fact may be compared with: its classes (the
/// points and the ranges between them) must fit in a value set.
pub const MAX_NUMBER_POINTS: usize = 31;
/// The most durations one event may be counted by, 0 included.
pub const MAX_EVENT_OFFSETS: usize = 63;

/// The most rules all versions may hold once each rule with `or` is counted
/// once per alternative: what bounds the memory a terms directory can ask for.
pub const MAX_ALTERNATIVES_IN_ALL: usize = 4 * super::MAX_RULES;

/// Where each constant and duration is written, in the order read.
#[derive(Debug, Default)]
pub(crate) struct CutSites {
    pub(super) points: Vec<(usize, Number, Location)>,
    pub(super) offsets: Vec<(usize, Offset, Location)>,
}

/// Adds `value` to `cuts` unless it is there already; the error to report
/// when it would be the cut past `limit`.
fn add_cut<T: PartialEq>(
    cuts: &mut Vec<T>,
    value: T,
    limit: usize,
    what: &'static str,
    name: impl FnOnce() -> String,
) -> Result<(), LoadErrorKind> {
    if cuts.contains(&value) {
        return Ok(());
    }
    if cuts.len() == limit {
        return Err(LoadErrorKind::TooManyCuts {
            what,
            name: name(),
            count: limit + 1,
            limit,
        });
    }
    cuts.push(value);
    Ok(())
}

impl Loader {
    /// Cuts the number facts and events, then grounds every rule of `versions`.
    pub(super) fn ground(&mut self, vocabulary: &mut Vocabulary, versions: &mut [Version]) {
        let errors_before = self.errors.len();
        self.cut(vocabulary);
        if self.errors.len() > errors_before {
            return;
        }
        let kinds: Vec<FactKind> = vocabulary.facts.iter().map(|f| f.kind.clone()).collect();
        let sizes: Vec<usize> = vocabulary.facts.iter().map(|f| f.values.len()).collect();
        let mut total = 0usize;
        for version in versions.iter_mut() {
            if !self.expand(
                version,
                &kinds,
                &sizes,
                vocabulary.actions.len(),
                &mut total,
            ) {
                self.push(
                    None,
                    LoadErrorKind::TooManyAlternatives {
                        scope: "the conditions of all versions",
                        count: total,
                        limit: MAX_ALTERNATIVES_IN_ALL,
                    },
                );
                return;
            }
        }
    }

    fn cut(&mut self, vocabulary: &mut Vocabulary) {
        let sites = std::mem::take(&mut self.cuts);
        let facts = &mut vocabulary.facts;
        let mut over: Vec<usize> = Vec::new();
        for (fact, number, location) in sites.points {
            let super::Fact { name, kind, .. } = &mut facts[fact];
            let FactKind::Number { points, .. } = kind else {
                continue;
            };
            let name = || name.clone();
            if over.contains(&fact) {
                continue;
            }
            if let Err(kind) = add_cut(points, number, MAX_NUMBER_POINTS, "number fact", name) {
                over.push(fact);
                self.push(Some(location), kind);
            }
        }
        let mut counted_in: HashMap<usize, (TimeUnit, Location)> = HashMap::new();
        for (event, offset, location) in sites.offsets {
            let super::Fact { name, kind, .. } = &mut facts[event];
            let FactKind::Event { unit, offsets } = kind else {
                continue;
            };
            if offset.amount != 0 {
                match counted_in.get(&event) {
                    None => {
                        counted_in.insert(event, (offset.unit, location.clone()));
                        *unit = offset.unit;
                    }
                    Some((first, at)) if *first != offset.unit => {
                        let words =
                            |u: TimeUnit| if u == TimeUnit::Day { "days" } else { "months" };
                        let kind = LoadErrorKind::MixedUnits {
                            event: name.clone(),
                            here: words(offset.unit),
                            there: words(*first),
                            at: at.to_string(),
                        };
                        self.push(Some(location), kind);
                        continue;
                    }
                    Some(_) => {}
                }
            }
            if over.contains(&event) {
                continue;
            }
            let name = || name.clone();
            if let Err(kind) = add_cut(offsets, offset.amount, MAX_EVENT_OFFSETS, "event", name) {
                over.push(event);
                self.push(Some(location), kind);
            }
        }
        for fact in facts.iter_mut() {
            match &mut fact.kind {
                FactKind::Number { points, .. } => points.sort_unstable(),
                FactKind::Event { offsets, .. } => offsets.sort_unstable(),
                FactKind::Choice => continue,
            }
            let classes = fact.kind.classes(0);
            fact.values = (0..classes).map(|class| fact.kind.label(class)).collect();
        }
    }

    /// Replaces each rule of `version` by one rule per alternative of its
    /// condition (with `from` and `until` counted from events folded in),
    /// keeping overrides between the rules as written. `total` counts the
    /// rules held so far over all versions; false (and the version left
    /// unexpanded) once it would pass [`MAX_ALTERNATIVES_IN_ALL`].
    fn expand(
        &mut self,
        version: &mut Version,
        kinds: &[FactKind],
        sizes: &[usize],
        actions: usize,
        total: &mut usize,
    ) -> bool {
        // Each rule's pieces: alternatives of its condition, each with the
        // effect and calendar dates it has there (a duty with `due` is two
        // pieces: due before the deadline, overdue from it).
        let mut grounded: Vec<Vec<(condition::Alternative, Effect, DateInterval)>> =
            Vec::with_capacity(version.rules.len());
        for rule in &version.rules {
            let mut parts: Vec<Formula> = Vec::new();
            parts.extend(rule.formula.clone());
            if let Some(super::Endpoint::Event { event, offset }) = rule.from {
                parts.push(Formula::Reached { event, offset });
            }
            if let Some(super::Endpoint::Event { event, offset }) = rule.until {
                parts.push(Formula::Not(Box::new(Formula::Reached { event, offset })));
            }
            if let Some(done) = rule.done {
                parts.push(Formula::Not(Box::new(Formula::Reached {
                    event: done,
                    offset: condition::Offset::ZERO,
                })));
            }
            let ground = |parts: Vec<Formula>| {
                if parts.is_empty() || rule.empty_interval {
                    vec![Vec::new()]
                } else {
                    condition::alternatives(&Formula::All(parts), kinds, sizes)
                }
            };
            let mut pieces: Vec<(condition::Alternative, Effect, DateInterval)> = Vec::new();
            match rule.due.filter(|_| !rule.empty_interval) {
                None => {
                    for alternative in ground(parts) {
                        pieces.push((alternative, rule.effect, rule.valid));
                    }
                }
                Some(super::Endpoint::Event { event, offset }) => {
                    let reached = Formula::Reached { event, offset };
                    let mut due = parts.clone();
                    due.push(Formula::Not(Box::new(reached.clone())));
                    let mut overdue = parts;
                    overdue.push(reached);
                    for (parts, effect) in [(due, rule.effect), (overdue, Effect::Overdue)] {
                        for alternative in ground(parts) {
                            pieces.push((alternative, effect, rule.valid));
                        }
                    }
                }
                Some(super::Endpoint::Date(deadline)) => {
                    let before = DateInterval::new(None, Some(deadline)).ok();
                    let after = DateInterval::new(Some(deadline), None).ok();
                    for (dates, effect) in [(before, rule.effect), (after, Effect::Overdue)] {
                        let Some(valid) = dates.and_then(|d| d.intersect(&rule.valid)) else {
                            continue;
                        };
                        for alternative in ground(parts.clone()) {
                            pieces.push((alternative, effect, valid));
                        }
                    }
                }
            }
            *total += pieces.len().max(1);
            if *total > MAX_ALTERNATIVES_IN_ALL {
                return false;
            }
            grounded.push(pieces);
        }
        let written = std::mem::take(&mut version.rules);
        let mut first_of: Vec<usize> = Vec::with_capacity(written.len());
        let mut count_of: Vec<usize> = Vec::with_capacity(written.len());
        let mut rules = Vec::with_capacity(written.len());
        for (rule, pieces) in written.into_iter().zip(grounded) {
            first_of.push(rules.len());
            count_of.push(pieces.len().max(1));
            if pieces.is_empty() {
                let kind = LoadErrorKind::NeverHolds {
                    rule: rule.id.0.clone(),
                };
                self.push(Some(rule.location.clone()), kind);
                let mut never = rule;
                never.written = rules.len();
                never.empty_interval = true;
                rules.push(never);
                continue;
            }
            let written_at = rules.len();
            for (alternative, effect, valid) in pieces {
                let mut part = rule.clone();
                part.written = written_at;
                part.condition = alternative;
                part.effect = effect;
                part.valid = valid;
                rules.push(part);
            }
        }
        for rule in &mut rules {
            rule.overrides = rule
                .overrides
                .iter()
                .flat_map(|&beaten| first_of[beaten]..first_of[beaten] + count_of[beaten])
                .collect();
        }
        version.rules = rules;
        version.index_actions(actions);
        true
    }
}

/// The most implicit overrides surviving rules may add (each rule of a later
/// version about the same action beats each surviving piece), bounding the
/// memory survival can ask for.
pub const MAX_SURVIVAL_OVERRIDES: usize = 1_000_000;

impl Loader {
    /// Carries every rule that `survives` into each later version in force
    /// while it survives: a copy of each of its pieces, named
    /// `VERSION/ID`, valid from the day its version is superseded for as long
    /// as it survives, and beaten by every rule of the later version about the
    /// same action. `versions` are in order of their effective dates.
    pub(super) fn carry_survivors(&mut self, versions: &mut [Version], actions: usize) {
        let mut added_overrides = 0usize;
        for from in 0..versions.len() {
            let Some(superseded) = versions[from].superseded.as_ref().map(|s| s.date) else {
                continue;
            };
            let survivors: Vec<super::Rule> = versions[from]
                .rules
                .iter()
                .filter(|rule| {
                    rule.survives.is_some() && rule.survivor_of.is_none() && !rule.empty_interval
                })
                .cloned()
                .collect();
            if survivors.is_empty() {
                continue;
            }
            let source = versions[from].id.clone();
            for later in versions.iter_mut().skip(from + 1) {
                let base = later.rules.len();
                let mut carried: Vec<super::Rule> = Vec::new();
                let mut first_copy: HashMap<usize, usize> = HashMap::new();
                for rule in &survivors {
                    let end = match rule.survives {
                        Some(super::Survival::For(offset)) => offset.after(superseded),
                        _ => None,
                    };
                    let window = DateInterval::new(Some(superseded), end).ok();
                    let Some(valid) = window
                        .and_then(|w| w.intersect(&rule.valid))
                        .and_then(|v| v.intersect(&later.life()))
                    else {
                        continue;
                    };
                    let mut copy = rule.clone();
                    copy.id = super::RuleId(format!("{source}/{}", rule.id));
                    copy.valid = valid;
                    copy.overrides = Vec::new();
                    copy.survivor_of = Some(from);
                    let index = base + carried.len();
                    copy.written = *first_copy.entry(rule.written).or_insert(index);
                    carried.push(copy);
                }
                if carried.is_empty() {
                    continue;
                }
                for (at, copy) in carried.iter().enumerate() {
                    for rule in later
                        .rules
                        .iter_mut()
                        .filter(|r| r.action == copy.action && r.survivor_of.is_none())
                    {
                        rule.overrides.push(base + at);
                        added_overrides += 1;
                    }
                }
                if added_overrides > MAX_SURVIVAL_OVERRIDES {
                    self.push(
                        None,
                        LoadErrorKind::Syntax {
                            message: format!(
                                "surviving rules would be beaten by {added_overrides} rules of later versions, over the limit of {MAX_SURVIVAL_OVERRIDES}"
                            ),
                            hint: Some("let fewer rules survive, or split the agreement".into()),
                        },
                    );
                    return;
                }
                later.rules.extend(carried);
                later.index_actions(actions);
            }
        }
    }
}
