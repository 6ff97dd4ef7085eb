//! The walk `check` makes over one version: where each rule applies and
//! decides, which overrides fire, which rules clash and which disputes matter.
//! Each is looked for only where it can happen, piece of time by piece of time.

use super::{Observations, Point};
use crate::eval::{Overrides, settle};
use crate::interval::DateInterval;
use crate::space::{self, ActionSpace, Budget, Constraint, Cube, Dimension, Exhausted, TooLarge};
use crate::terms::{Terms, ValueSet, Version};
use crate::verdict::{Effect, Verdict};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// The question standing for a leaf of the walk: the first value of each
/// parameter's class, and the facts and readings the leaf is limited to.
fn leaf_point(
    space: &ActionSpace,
    version: usize,
    action: usize,
    date: NaiveDate,
    values: &[ValueSet],
) -> Point {
    let first = |set: &ValueSet| set.indices().next().expect("a leaf is never empty");
    let mut point = Point {
        version,
        action,
        params: Vec::new(),
        date,
        facts: Vec::new(),
        readings: Vec::new(),
    };
    for (position, dimension) in space.dimensions.iter().enumerate() {
        let set = &values[position];
        match *dimension {
            Dimension::Param(_) => point.params.push(first(set)),
            Dimension::Fact(f) if *set != space.root[position] => {
                point.facts.push((f, first(set)));
            }
            Dimension::Dispute(d) if *set != space.root[position] => {
                point.readings.push((d, first(set)));
            }
            _ => {}
        }
    }
    point
}

/// The rules of a version that beat each rule directly: its `overrides`, read backwards.
fn overridden_by(version: &Version) -> Vec<Vec<usize>> {
    let mut by = vec![Vec::new(); version.rules.len()];
    for (index, rule) in version.rules.iter().enumerate() {
        for &target in &rule.overrides {
            by[target].push(index);
        }
    }
    by
}

/// What `observe` knows about one action while it sweeps over time.
struct ActionWalk<'a> {
    space: ActionSpace,
    version: &'a Version,
    version_index: usize,
    action: usize,
    default: Verdict,
    /// Per rule of the version: its position in `space.rules`, if it is about this action.
    position: Vec<Option<usize>>,
    /// Per position: the box of questions the rule applies to.
    boxes: Vec<Cube>,
    /// The rules that beat each rule directly.
    overridden_by: &'a [Vec<usize>],
}

impl ActionWalk<'_> {
    /// The rules valid on this piece (positions) that beat the rule at `position`,
    /// directly or through a chain; stops early, with `covered` set, at one that
    /// applies wherever the rule does (it is beaten on all of this piece).
    fn beaters(
        &self,
        position: usize,
        valid: &[bool],
        budget: &mut Budget,
        stop_at_cover: bool,
    ) -> Result<(Vec<usize>, Option<usize>), Exhausted> {
        let rule = self.space.rules[position].1;
        if self.overridden_by[rule].is_empty() {
            return Ok((Vec::new(), None));
        }
        let mut seen = std::collections::BTreeSet::from([rule]);
        let mut queue = std::collections::VecDeque::from([rule]);
        let mut found = Vec::new();
        while let Some(next) = queue.pop_front() {
            budget.spend_case(self.overridden_by[next].len())?;
            for &winner in &self.overridden_by[next] {
                if !seen.insert(winner) {
                    continue;
                }
                queue.push_back(winner);
                let Some(at) = self.position[winner] else {
                    continue;
                };
                if !valid[at] {
                    continue;
                }
                let covers = self.boxes[position]
                    .iter()
                    .zip(&self.boxes[at])
                    .all(|(mine, theirs)| mine.intersect(*theirs) == *mine);
                if covers && stop_at_cover {
                    return Ok((found, Some(at)));
                }
                found.push(at);
            }
        }
        found.sort_unstable();
        Ok((found, None))
    }

    /// A question in `region` where none of `beaters` applies, settled down to a
    /// leaf of every rule valid on the piece (`valid`), so that `ask` answers it
    /// plainly; `None` when the beaters cover the region. `shadowed` collects the
    /// beaters found applying in it.
    fn unbeaten(
        &self,
        region: Cube,
        beaters: &[usize],
        valid: &[usize],
        budget: &mut Budget,
        shadowed: &mut Vec<usize>,
    ) -> Result<Option<Cube>, Exhausted> {
        let refs: Vec<&[Constraint]> = beaters
            .iter()
            .map(|&b| self.space.constraints[b].as_slice())
            .collect();
        let mut found = None;
        space::walk(
            region,
            &refs,
            budget,
            |applicable, _| !applicable.is_empty(),
            |leaf, _| {
                if leaf.applicable.is_empty() {
                    found = Some(leaf.values.to_vec());
                    return ControlFlow::Break(());
                }
                for &b in leaf.applicable {
                    if !shadowed.contains(&beaters[b]) {
                        shadowed.push(beaters[b]);
                    }
                }
                ControlFlow::Continue(())
            },
        )?;
        match found {
            Some(values) => Ok(Some(self.settled(values, valid, budget)?)),
            None => Ok(None),
        }
    }

    /// The first leaf below `region` of the tree of the rules `valid`: a box where
    /// every one of them is settled.
    fn settled(
        &self,
        region: Cube,
        valid: &[usize],
        budget: &mut Budget,
    ) -> Result<Cube, Exhausted> {
        let refs: Vec<&[Constraint]> = valid
            .iter()
            .map(|&c| self.space.constraints[c].as_slice())
            .collect();
        let mut first = None;
        space::walk(
            region.clone(),
            &refs,
            budget,
            |_, _| false,
            |leaf, _| {
                first = Some(leaf.values.to_vec());
                ControlFlow::Break(())
            },
        )?;
        Ok(first.unwrap_or(region))
    }

    fn point(&self, date: NaiveDate, values: &[ValueSet]) -> Point {
        leaf_point(&self.space, self.version_index, self.action, date, values)
    }
}

/// Walks the questions of `version` and records what applies, decides, fires
/// and clashes; also marks in `dispute_matters` every dispute whose reading
/// changes a verdict.
///
/// Time is cut at the rules' boundaries ([`space::sweep`]). On each piece every
/// finding is looked for where it can happen, never by walking every class of
/// questions: a rule applies in its own box of questions; it decides where no
/// rule that beats it applies (a decision tree over its box and its beaters
/// only); two rules clash where their boxes meet and neither is beaten; a
/// dispute matters where changing only its reading changes the verdict (a
/// decision tree that stops splitting as soon as the verdict no longer depends on it).
pub(super) fn observe(
    terms: &Terms,
    version_index: usize,
    dispute_matters: &mut [Option<Point>],
    budget: &mut Budget,
) -> Result<Observations, TooLarge> {
    let version = &terms.versions[version_index];
    let life = version.life();
    let rule_count = version.rules.len();
    let mut seen = Observations {
        applies: vec![None; rule_count],
        decides: vec![false; rule_count],
        shadowed_by: vec![Vec::new(); rule_count],
        fired: version
            .rules
            .iter()
            .map(|r| vec![false; r.overrides.len()])
            .collect(),
        ..Observations::default()
    };
    let no_facts_fixed = vec![None; terms.vocabulary.facts.len()];
    let no_readings_fixed = vec![None; terms.vocabulary.disputes.len()];
    let overridden_by = overridden_by(version);
    let mut scratch = Overrides::default();
    let mut position: Vec<Option<usize>> = vec![None; rule_count];
    for (action_index, action) in terms.vocabulary.actions.iter().enumerate() {
        let space = ActionSpace::new(
            terms,
            action_index,
            &[version],
            &no_facts_fixed,
            &no_readings_fixed,
        );
        if space.rules.is_empty() {
            continue;
        }
        for (at, &(_, index)) in space.rules.iter().enumerate() {
            position[index] = Some(at);
        }
        let boxes = space
            .constraints
            .iter()
            .map(|constraints| {
                let mut region = space.root.clone();
                for constraint in constraints {
                    region[constraint.dimension] =
                        region[constraint.dimension].intersect(constraint.allowed);
                }
                region
            })
            .collect();
        let walk = ActionWalk {
            space,
            version,
            version_index,
            action: action_index,
            default: action.default,
            position: std::mem::take(&mut position),
            boxes,
            overridden_by: &overridden_by,
        };
        let intervals: Vec<DateInterval> = walk.space.intervals.clone();
        let mut failure: Option<Exhausted> = None;
        // Per rule of the action, kept between pieces: valid here; may decide here.
        let mut is_valid = vec![false; walk.space.rules.len()];
        let mut may_decide: Vec<Option<bool>> = vec![None; walk.space.rules.len()];
        space::sweep(DateInterval::ALWAYS, &intervals, |piece, valid| {
            if failure.is_some() || valid.is_empty() {
                return;
            }
            for &c in valid {
                is_valid[c] = true;
                may_decide[c] = None;
            }
            if let Err(exhausted) = observe_piece(
                &walk,
                piece,
                valid,
                life,
                &mut seen,
                dispute_matters,
                &mut scratch,
                budget,
                &is_valid,
                &mut may_decide,
            ) {
                failure = Some(exhausted);
            }
            for &c in valid {
                is_valid[c] = false;
            }
        });
        position = walk.position;
        for &(_, index) in &walk.space.rules {
            position[index] = None;
        }
        if let Some(exhausted) = failure {
            return Err(walk
                .space
                .too_large("check", terms, action_index, &exhausted));
        }
    }
    Ok(seen)
}

/// Whether a witness found at `in_life` should replace `found`: the first one
/// found stands, unless a later one falls inside the version's life and it did not.
fn better(found: Option<&Point>, in_life: bool, life: &DateInterval) -> bool {
    match found {
        None => true,
        Some(found) => in_life && !life.contains(found.date),
    }
}

/// Looks on one piece of time for every finding. `is_valid` marks the rules
/// valid here; `may_decide` is scratch space, per rule of the action, for
/// whether the rule may decide here. A witness date lies inside the version's
/// life when the piece meets it.
#[allow(clippy::too_many_arguments)]
fn observe_piece(
    walk: &ActionWalk<'_>,
    piece: DateInterval,
    valid: &[usize],
    life: DateInterval,
    seen: &mut Observations,
    dispute_matters: &mut [Option<Point>],
    scratch: &mut Overrides,
    budget: &mut Budget,
    is_valid: &[bool],
    may_decide: &mut [Option<bool>],
) -> Result<(), Exhausted> {
    let version = walk.version;
    let space = &walk.space;
    let date = piece.intersect(&life).unwrap_or(piece).representative();
    let in_life = life.contains(date);
    let rule_of = |c: usize| space.rules[c].1;
    budget.spend_case(valid.len())?;
    for &c in valid {
        let rule = rule_of(c);
        if better(seen.applies[rule].as_ref(), in_life, &life) {
            seen.applies[rule] = Some(walk.point(date, &walk.boxes[c]));
        }
        let (beaters, cover) = walk.beaters(c, is_valid, budget, true)?;
        if let Some(cover) = cover {
            let by = rule_of(cover);
            if !seen.shadowed_by[rule].contains(&by) {
                seen.shadowed_by[rule].push(by);
            }
            may_decide[c] = Some(false);
        } else if beaters.is_empty() {
            seen.decides[rule] = true;
            may_decide[c] = Some(true);
        } else if !seen.decides[rule] {
            let mut shadowed = Vec::new();
            let found = walk.unbeaten(
                walk.boxes[c].clone(),
                &beaters,
                valid,
                budget,
                &mut shadowed,
            )?;
            for b in shadowed {
                let by = rule_of(b);
                if !seen.shadowed_by[rule].contains(&by) {
                    seen.shadowed_by[rule].push(by);
                }
            }
            seen.decides[rule] |= found.is_some();
            may_decide[c] = Some(found.is_some());
        }
        for (slot, &target) in version.rules[rule].overrides.iter().enumerate() {
            if seen.fired[rule][slot] {
                continue;
            }
            let meets = walk.position[target]
                .is_some_and(|t| is_valid[t] && space::meet(&walk.boxes[c], &walk.boxes[t]));
            seen.fired[rule][slot] = meets;
        }
    }
    // Clashes: a permit or oblige rule and a forbid rule that both decide somewhere here.
    let (forbids, others): (Vec<usize>, Vec<usize>) = valid
        .iter()
        .copied()
        .filter(|&c| may_decide[c] != Some(false))
        .partition(|&c| version.rules[rule_of(c)].effect == Effect::Forbid);
    // Each rule's beaters valid here, found once for all the pairs it is in.
    let mut beaters_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut beaters_here = |c: usize, budget: &mut Budget| -> Result<Vec<usize>, Exhausted> {
        if let Some(found) = beaters_of.get(&c) {
            return Ok(found.clone());
        }
        let (found, _) = walk.beaters(c, is_valid, budget, false)?;
        beaters_of.insert(c, found.clone());
        Ok(found)
    };
    for &a in &others {
        for &f in &forbids {
            budget.spend(1)?;
            let key = (rule_of(a).min(rule_of(f)), rule_of(a).max(rule_of(f)));
            if !better(seen.conflicts.get(&key), in_life, &life) {
                continue;
            }
            if !space::meet(&walk.boxes[a], &walk.boxes[f]) {
                continue;
            }
            let Some(meet) = space::intersection(&walk.boxes[a], &walk.boxes[f]) else {
                continue;
            };
            let mut beaters = beaters_here(a, budget)?;
            beaters.extend(beaters_here(f, budget)?);
            beaters.sort_unstable();
            beaters.dedup();
            if let Some(values) = walk.unbeaten(meet, &beaters, valid, budget, &mut Vec::new())? {
                // A finding reported, as wide as the facts its witness names.
                budget.spend_reported_wide(1, values.len())?;
                seen.conflicts.insert(key, walk.point(date, &values));
            }
        }
    }
    // A dispute matters where changing only its reading changes the verdict.
    for position in space.dispute_positions() {
        let Dimension::Dispute(dispute) = space.dimensions[position] else {
            continue;
        };
        if dispute_matters[dispute].is_some() {
            continue;
        }
        let touched = valid
            .iter()
            .any(|&c| space.constraints[c].iter().any(|k| k.dimension == position));
        if touched {
            dispute_matters[dispute] =
                reading_that_matters(walk, valid, is_valid, position, date, scratch, budget)?;
        }
    }
    Ok(())
}

/// Looks for a question on one piece of time where the reading of the dispute
/// at `position` alone changes the verdict: walks the classes the rules tell
/// apart on every other dimension and compares the verdict under each reading,
/// but stops splitting a box where the verdict cannot depend on the reading (no
/// rule of the dispute can apply there, or rules nothing can beat already clash
/// there whatever the reading). Returns the question under the reading that differs.
fn reading_that_matters(
    walk: &ActionWalk<'_>,
    valid: &[usize],
    is_valid: &[bool],
    position: usize,
    date: NaiveDate,
    scratch: &mut Overrides,
    budget: &mut Budget,
) -> Result<Option<Point>, Exhausted> {
    let space = &walk.space;
    let version = walk.version;
    let others: Vec<Vec<Constraint>> = valid
        .iter()
        .map(|&c| {
            space.constraints[c]
                .iter()
                .filter(|k| k.dimension != position)
                .copied()
                .collect()
        })
        .collect();
    let needs: Vec<Option<ValueSet>> = valid
        .iter()
        .map(|&c| {
            space.constraints[c]
                .iter()
                .find(|k| k.dimension == position)
                .map(|k| k.allowed)
        })
        .collect();
    // Rules nothing valid here can beat: where two of them clash, the verdict is a conflict.
    let mut unbeatable = Vec::with_capacity(valid.len());
    for &c in valid {
        let (beaters, _) = walk.beaters(c, is_valid, budget, false)?;
        unbeatable.push(beaters.is_empty());
    }
    let effect = |slot: usize| version.rules[walk.space.rules[valid[slot]].1].effect;
    let refs: Vec<&[Constraint]> = others.iter().map(Vec::as_slice).collect();
    let readings: Vec<usize> = space.root[position].indices().collect();
    let mut found: Option<Point> = None;
    let mut applicable = Vec::new();
    let reached_before = scratch.reached;
    space::walk(
        space.root.clone(),
        &refs,
        budget,
        |applicable, still| {
            let disputed = applicable
                .iter()
                .chain(still)
                .any(|&slot| needs[slot].is_some());
            let clash = |forbid: bool| {
                applicable.iter().any(|&slot| {
                    needs[slot].is_none()
                        && unbeatable[slot]
                        && (effect(slot) == Effect::Forbid) == forbid
                })
            };
            !disputed || (clash(true) && clash(false))
        },
        |leaf, still| {
            if !still.is_empty() {
                return ControlFlow::Continue(());
            }
            let mut first: Option<Verdict> = None;
            for &reading in &readings {
                applicable.clear();
                applicable.extend(
                    leaf.applicable
                        .iter()
                        .filter(|&&slot| needs[slot].is_none_or(|set| set.contains(reading)))
                        .map(|&slot| space.rules[valid[slot]].1),
                );
                applicable.sort_unstable();
                let verdict = settle(version, walk.default, &applicable, scratch).verdict;
                match first {
                    None => first = Some(verdict),
                    Some(earlier) if earlier != verdict => {
                        let mut values = leaf.values.to_vec();
                        values[position] = ValueSet::single(reading);
                        found = Some(walk.point(date, &values));
                        return ControlFlow::Break(());
                    }
                    Some(_) => {}
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    budget.spend_reads(scratch.reached.wrapping_sub(reached_before))?;
    Ok(found)
}
