//! The semantic diff of two versions: every question whose verdict differs,
//! on which dates, under which facts and readings, with the rules on each side.
//!
//! The diff is exact, not sampled, and never walks questions one by one. Dates
//! are cut at every rule boundary of both versions ([`space::sweep`]); inside a
//! piece no rule starts or ends. On each piece, the questions about an action
//! (its parameters, the facts its rules test — facts a user fixes with
//! `--fact` stay fixed — and, when asked, the readings of the disputes its rules
//! belong to) are split into classes no rule of either version tells apart
//! ([`space::explore`]); one question answers for each class. Classes where the
//! verdicts differ are grouped into [`Region`]s: boxes of parameter, fact and
//! reading values, joined over runs of adjacent pieces with the same change.
//! An action no rule of either version is about costs nothing.
//!
//! Both versions are read as written over the whole window, whatever their
//! effective dates: "old, had it stayed in force" against "new".

pub mod render;
pub mod report;

use crate::eval::{Decision, Overrides, settle};
use crate::interval::DateInterval;
use crate::space::{
    self, ActionSpace, Budget, Constraint, Cube, Dimension, Exhausted, LISTED_RULES, TooLarge,
    Union, intersection, volume,
};
use crate::terms::{Given, Terms, ValueSet};
use crate::verdict::Verdict;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    /// Index of the version on the left ("old").
    pub old: usize,
    /// Index of the version on the right ("new").
    pub new: usize,
    /// The dates compared.
    pub window: DateInterval,
    /// One entry per fact: what the user gave, or `None` to compare every value.
    pub facts: Vec<Option<Given>>,
    /// One entry per dispute: a reading to use, or `None` to compare every reading.
    pub readings: Vec<Option<usize>>,
}

impl DiffRequest {
    /// Compares `old` with `new` over `window`, every fact unknown, each dispute under its default reading.
    pub fn new(terms: &Terms, old: usize, new: usize, window: DateInterval) -> DiffRequest {
        DiffRequest {
            old,
            new,
            window,
            facts: vec![None; terms.vocabulary.facts.len()],
            readings: terms.default_readings().into_iter().map(Some).collect(),
        }
    }
}

/// One side of a change: the verdict and the rules that decided it (empty: the default).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Side {
    /// The verdict.
    pub verdict: Verdict,
    /// Indices of the deciding rules in that side's version, the first
    /// [`LISTED_RULES`] of them; empty when the action's default decided.
    pub deciding: Vec<usize>,
    /// How many more rules decided than `deciding` lists.
    pub unlisted: usize,
}

impl From<Decision> for Side {
    fn from(decision: Decision) -> Side {
        Side {
            verdict: decision.verdict,
            deciding: decision.deciding,
            unlisted: 0,
        }
    }
}

impl Side {
    /// The side as a region reports it: at most [`LISTED_RULES`] rules by name, the rest counted.
    fn listed(mut self) -> Side {
        if self.deciding.len() > LISTED_RULES {
            self.unlisted += self.deciding.len() - LISTED_RULES;
            self.deciding.truncate(LISTED_RULES);
        }
        self
    }
}

/// A set of questions over which the verdict changes the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Index of the action.
    pub action: usize,
    /// For each parameter of the action, the values in the region.
    pub params: Vec<ValueSet>,
    /// The dates.
    pub interval: DateInterval,
    /// The facts the region is limited to, as (fact, values); a fact not listed may take any value.
    pub facts: Vec<(usize, ValueSet)>,
    /// The readings the region is limited to, as (dispute, readings); a dispute
    /// not listed is read as the request says.
    pub readings: Vec<(usize, ValueSet)>,
    /// Whether, at every point of the region, the verdict changes under every
    /// reading of the disputes compared (perhaps by other rules): the change
    /// does not depend on how the sources are read.
    pub under_every_reading: bool,
    /// The verdict under the old version, and why.
    pub old: Side,
    /// The verdict under the new version, and why.
    pub new: Side,
}

impl Region {
    /// Whether the question at (`params`, `date`, `facts`, `readings`) lies in
    /// the region; `facts` and `readings` hold one value index per fact and per dispute.
    pub fn contains(
        &self,
        params: &[usize],
        date: NaiveDate,
        facts: &[usize],
        readings: &[usize],
    ) -> bool {
        space::contains(&self.params, params)
            && self.interval.contains(date)
            && self.facts.iter().all(|(f, set)| set.contains(facts[*f]))
            && self
                .readings
                .iter()
                .all(|(d, set)| set.contains(readings[*d]))
    }
}

/// The diff of two versions: every region where the verdict differs, in action order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The regions, by action, then date, then values.
    pub regions: Vec<Region>,
    /// For each action, how many of its fully specified questions (parameter
    /// combinations) change somewhere in the window.
    pub questions_changed: Vec<u128>,
}

impl Diff {
    /// Whether the two versions give the same verdict everywhere compared.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

/// A change found on one piece of time, before pieces are joined into runs.
type Change = (Side, Side);

/// A run of adjacent pieces with the same change over the same box: where it
/// started, and whether every piece so far changed under every reading.
struct Run {
    from: Option<NaiveDate>,
    under_every_reading: bool,
}

/// Compares two versions exactly over the request's window, within `budget`.
pub fn diff(terms: &Terms, request: &DiffRequest, budget: &mut Budget) -> Result<Diff, TooLarge> {
    let old = &terms.versions[request.old];
    let new = &terms.versions[request.new];
    let mut regions = Vec::new();
    let mut questions_changed = Vec::new();
    let mut scratch = Overrides::default();
    for (action_index, action) in terms.vocabulary.actions.iter().enumerate() {
        let space = ActionSpace::new(
            terms,
            action_index,
            &[old, new],
            &request.facts,
            &request.readings,
        );
        if space.rules.is_empty() {
            questions_changed.push(0);
            continue;
        }
        let param_count = action.params.len();
        let disputes: Vec<usize> = space.dispute_positions().collect();
        let intervals = &space.intervals;
        let mut open: BTreeMap<(Change, Cube), Run> = BTreeMap::new();
        let mut closed: Vec<(Change, Cube, DateInterval, bool)> = Vec::new();
        let mut changed_params = Union::default();
        let mut params_seen: std::collections::BTreeSet<Cube> = Default::default();
        let mut failure: Option<Exhausted> = None;
        let mut last_until = request.window.from();
        space::sweep(request.window, intervals, |piece, valid| {
            if failure.is_some() {
                return;
            }
            last_until = piece.until();
            let refs: Vec<&[Constraint]> = valid
                .iter()
                .map(|&c| space.constraints[c].as_slice())
                .collect();
            let mut changes: BTreeMap<Change, Vec<Cube>> = BTreeMap::new();
            let mut changed_leaves: Vec<Cube> = Vec::new();
            let mut applicable = [Vec::new(), Vec::new()];
            // Every changed leaf may become a region, and reporting one has a
            // cost: stop as soon as they alone would pass the budget.
            let width = space.dimensions.len();
            let allowance =
                budget.remaining() / space::REPORTED_COST.saturating_mul(1 + (width / 64) as u64);
            let mut changed: u64 = 0;
            let reached_before = scratch.reached;
            let walked = space::walk(
                space.root.clone(),
                &refs,
                budget,
                |_, _| false,
                |leaf, _| {
                    applicable[0].clear();
                    applicable[1].clear();
                    for &c in leaf.applicable {
                        let (slot, index) = space.rules[valid[c]];
                        applicable[slot].push(index);
                    }
                    applicable[0].sort_unstable();
                    applicable[1].sort_unstable();
                    let before = settle(old, action.default, &applicable[0], &mut scratch);
                    let after = settle(new, action.default, &applicable[1], &mut scratch);
                    if before.verdict != after.verdict {
                        changed += 1;
                        if changed > allowance {
                            return ControlFlow::Break(());
                        }
                        changes
                            .entry((before.into(), after.into()))
                            .or_default()
                            .push(leaf.values.to_vec());
                        if !disputes.is_empty() {
                            changed_leaves.push(leaf.values.to_vec());
                        }
                    }
                    ControlFlow::Continue(())
                },
            )
            .and_then(|()| {
                budget.spend_reported_wide(usize::try_from(changed).unwrap_or(usize::MAX), width)
            })
            // The override searches of the leaves were work too.
            .and_then(|()| budget.spend_reads(scratch.reached.wrapping_sub(reached_before)));
            if let Err(exhausted) = walked {
                failure = Some(exhausted);
                return;
            }
            let mut here: BTreeMap<(Change, Cube), bool> = BTreeMap::new();
            for (change, cubes) in changes {
                for cube in space::merge(cubes) {
                    let robust = disputes.is_empty()
                        || changes_under_every_reading(
                            &cube,
                            &disputes,
                            &space.root,
                            &changed_leaves,
                        );
                    let params: Cube = cube[..param_count].to_vec();
                    if params_seen.insert(params.clone()) {
                        if let Err(exhausted) = changed_params.add(&params, budget) {
                            failure = Some(exhausted);
                            return;
                        }
                    }
                    here.insert((change.clone(), cube), robust);
                }
            }
            // Runs that do not go on end where this piece starts.
            let ended: Vec<(Change, Cube)> = open
                .keys()
                .filter(|key| !here.contains_key(*key))
                .cloned()
                .collect();
            for key in ended {
                let run = open.remove(&key).expect("the key was just listed");
                let interval =
                    DateInterval::new(run.from, piece.from()).expect("a run ends after it starts");
                let ((before, after), cube) = key;
                closed.push((
                    (before.listed(), after.listed()),
                    cube,
                    interval,
                    run.under_every_reading,
                ));
            }
            for (key, robust) in here {
                let run = open.entry(key).or_insert(Run {
                    from: piece.from(),
                    under_every_reading: true,
                });
                run.under_every_reading &= robust;
            }
        });
        if let Some(exhausted) = failure {
            return Err(space.too_large("diff", terms, action_index, &exhausted));
        }
        for (((before, after), cube), run) in open {
            let interval =
                DateInterval::new(run.from, last_until).expect("a run ends after it starts");
            closed.push((
                (before.listed(), after.listed()),
                cube,
                interval,
                run.under_every_reading,
            ));
        }
        questions_changed.push(changed_params.volume());
        let mut action_regions: Vec<Region> = closed
            .into_iter()
            .map(|((before, after), cube, interval, robust)| {
                region_from_cube(
                    terms,
                    action_index,
                    &space,
                    &cube,
                    interval,
                    before,
                    after,
                    robust,
                )
            })
            .collect();
        action_regions.sort_by(|a, b| {
            (a.interval.from(), &a.params, &a.facts, &a.readings).cmp(&(
                b.interval.from(),
                &b.params,
                &b.facts,
                &b.readings,
            ))
        });
        regions.extend(action_regions);
    }
    Ok(Diff {
        regions,
        questions_changed,
    })
}

/// Whether every question of `cube`, under every reading of the disputes
/// compared, lies in one of the disjoint `changed` boxes: the change does not
/// depend on how the sources are read.
fn changes_under_every_reading(
    cube: &[ValueSet],
    disputes: &[usize],
    root: &[ValueSet],
    changed: &[Cube],
) -> bool {
    let mut every_reading = cube.to_vec();
    for &d in disputes {
        every_reading[d] = root[d];
    }
    let inside: u128 = changed
        .iter()
        .filter_map(|leaf| intersection(&every_reading, leaf))
        .map(|part| volume(&part))
        .fold(0, u128::saturating_add);
    inside == volume(&every_reading)
}

#[allow(clippy::too_many_arguments)]
fn region_from_cube(
    terms: &Terms,
    action: usize,
    space: &ActionSpace,
    cube: &[ValueSet],
    interval: DateInterval,
    old: Side,
    new: Side,
    under_every_reading: bool,
) -> Region {
    let param_count = terms.vocabulary.actions[action].params.len();
    let mut facts = Vec::new();
    let mut readings = Vec::new();
    for (position, dimension) in space.dimensions.iter().enumerate() {
        if cube[position] == space.root[position] {
            continue;
        }
        match *dimension {
            Dimension::Fact(f) => facts.push((f, cube[position])),
            Dimension::Dispute(d) => readings.push((d, cube[position])),
            Dimension::Param(_) => {}
        }
    }
    Region {
        action,
        params: cube[..param_count].to_vec(),
        interval,
        facts,
        readings,
        under_every_reading,
        old,
        new,
    }
}
