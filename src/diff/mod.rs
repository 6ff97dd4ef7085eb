//! The semantic diff of two versions: every question whose verdict differs,
//! on which dates, under which facts and readings, with the rules on each side.
//!
//! The diff is exact, not sampled. For each action it enumerates every value
//! of the finite parameter domains, every combination of the facts the action's
//! rules test (facts a user fixes with `--fact` stay fixed) and, when asked,
//! every reading of the disputes its rules belong to. Dates are never stepped
//! day by day: the window is cut at every rule boundary of both versions
//! ([`partition`]), and inside a piece no rule starts or ends, so one date
//! stands for the whole piece. Points where the verdicts differ are then
//! grouped into [`Region`]s: runs of adjacent pieces with the same change,
//! and boxes of parameter, fact and reading values ([`crate::cube`]).
//!
//! Both versions are read as written over the whole window, whatever their
//! effective dates: "old, had it stayed in force" against "new".

pub mod render;
pub mod report;

use crate::cube::{self, Cube};
use crate::eval::{Decision, decide_among, verdict_among};
use crate::interval::{DateInterval, partition};
use crate::terms::{Rule, Terms, ValueSet, Version};
use crate::verdict::Verdict;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// What to compare.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    /// Index of the version on the left ("old").
    pub old: usize,
    /// Index of the version on the right ("new").
    pub new: usize,
    /// The dates compared.
    pub window: DateInterval,
    /// One entry per fact: a value the user fixed, or `None` to compare every value.
    pub facts: Vec<Option<usize>>,
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
    /// Indices of the deciding rules in that side's version; empty when the action's default decided.
    pub deciding: Vec<usize>,
}

impl From<Decision> for Side {
    fn from(decision: Decision) -> Side {
        Side {
            verdict: decision.verdict,
            deciding: decision.deciding,
        }
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
        cube::contains(&self.params, params)
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
    pub questions_changed: Vec<usize>,
}

impl Diff {
    /// Whether the two versions give the same verdict everywhere compared.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

/// The facts and disputes an action's rules in `versions` test, which a diff or check must vary.
pub(crate) struct Dimensions {
    /// Facts to vary (indices), in vocabulary order.
    pub facts: Vec<usize>,
    /// Disputes to vary (indices), in vocabulary order.
    pub disputes: Vec<usize>,
}

impl Dimensions {
    /// The facts and disputes that `rules` test, leaving out those the request fixes.
    pub(crate) fn of<'r>(
        terms: &Terms,
        rules: impl IntoIterator<Item = &'r Rule>,
        fixed_facts: &[Option<usize>],
        fixed_readings: &[Option<usize>],
    ) -> Dimensions {
        let mut facts = vec![false; terms.vocabulary.facts.len()];
        let mut disputes = vec![false; terms.vocabulary.disputes.len()];
        for rule in rules {
            for (fact, _) in &rule.condition {
                facts[*fact] |= fixed_facts[*fact].is_none();
            }
            if let Some(reading) = rule.reading {
                disputes[reading.dispute] |= fixed_readings[reading.dispute].is_none();
            }
        }
        Dimensions {
            facts: (0..facts.len()).filter(|&f| facts[f]).collect(),
            disputes: (0..disputes.len()).filter(|&d| disputes[d]).collect(),
        }
    }

    /// The size of each dimension: facts first, then disputes.
    pub(crate) fn sizes(&self, terms: &Terms) -> Vec<usize> {
        let vocabulary = &terms.vocabulary;
        self.facts
            .iter()
            .map(|&f| vocabulary.facts[f].values.len())
            .chain(
                self.disputes
                    .iter()
                    .map(|&d| vocabulary.disputes[d].readings.len()),
            )
            .collect()
    }

    /// Fills `facts` and `readings` from one combination of this dimension's values.
    pub(crate) fn apply(&self, combination: &[usize], facts: &mut [usize], readings: &mut [usize]) {
        let (fact_values, reading_values) = combination.split_at(self.facts.len());
        for (&fact, &value) in self.facts.iter().zip(fact_values) {
            facts[fact] = value;
        }
        for (&dispute, &reading) in self.disputes.iter().zip(reading_values) {
            readings[dispute] = reading;
        }
    }
}

/// The rules of `version` about `action`, grouped by the piece of the window they are valid on.
pub(crate) fn rules_by_piece(
    version: &Version,
    action: usize,
    pieces: &[DateInterval],
) -> Vec<Vec<usize>> {
    pieces
        .iter()
        .map(|piece| {
            let date = piece.representative();
            version
                .rules_for(action)
                .iter()
                .copied()
                .filter(|&i| version.rules[i].valid_on(date))
                .collect()
        })
        .collect()
}

/// The dates where a rule of `versions` about `action` starts or stops.
pub(crate) fn boundaries(versions: &[&Version], action: usize) -> Vec<NaiveDate> {
    let mut cuts = Vec::new();
    for version in versions {
        for &index in version.rules_for(action) {
            let valid = version.rules[index].valid;
            cuts.extend(valid.from());
            cuts.extend(valid.until());
        }
    }
    cuts
}

/// A change found at one point, before points are grouped into regions.
type Change = (Side, Side);

/// Points of the grid of parameters, facts and readings, one value index per dimension.
type Points = Vec<Vec<usize>>;

/// Compares two versions exactly over the request's window.
pub fn diff(terms: &Terms, request: &DiffRequest) -> Diff {
    let old = &terms.versions[request.old];
    let new = &terms.versions[request.new];
    let mut regions = Vec::new();
    let mut questions_changed = Vec::new();
    for (action_index, action) in terms.vocabulary.actions.iter().enumerate() {
        let pieces = partition(request.window, boundaries(&[old, new], action_index));
        let old_rules = rules_by_piece(old, action_index, &pieces);
        let new_rules = rules_by_piece(new, action_index, &pieces);
        let action_rules = [old, new]
            .into_iter()
            .flat_map(|v| v.rules_for(action_index).iter().map(|&i| &v.rules[i]));
        let dimensions = Dimensions::of(terms, action_rules, &request.facts, &request.readings);
        let conditions = cube::points(&dimensions.sizes(terms));
        let reading_count: usize = dimensions
            .disputes
            .iter()
            .map(|&d| terms.vocabulary.disputes[d].readings.len())
            .product();
        let mut facts: Vec<usize> = request.facts.iter().map(|f| f.unwrap_or(0)).collect();
        let mut readings: Vec<usize> = request.readings.iter().map(|r| r.unwrap_or(0)).collect();
        let param_sizes: Vec<usize> = action.params.iter().map(|p| p.values.len()).collect();
        // (change, from, until) → the points of parameters and condition where it holds.
        let mut by_change: BTreeMap<(Change, Option<NaiveDate>, Option<NaiveDate>), Points> =
            BTreeMap::new();
        // (params, facts part of the condition, piece) → how many reading combinations change it.
        let mut changed_readings: HashMap<(Vec<usize>, Vec<usize>, usize), usize> = HashMap::new();
        let mut scratch = Vec::new();
        let mut changed_questions = 0;
        for params in cube::points(&param_sizes) {
            let covering = |version: &Version, valid: &[Vec<usize>]| -> Vec<Vec<usize>> {
                valid
                    .iter()
                    .map(|rules| {
                        rules
                            .iter()
                            .copied()
                            .filter(|&i| version.rules[i].covers(&params))
                            .collect()
                    })
                    .collect()
            };
            let old_candidates = covering(old, &old_rules);
            let new_candidates = covering(new, &new_rules);
            let mut question_changed = false;
            for condition in &conditions {
                dimensions.apply(condition, &mut facts, &mut readings);
                let mut run: Option<(usize, Change)> = None;
                for piece in 0..=pieces.len() {
                    let change = if piece == pieces.len()
                        || (old_candidates[piece].is_empty() && new_candidates[piece].is_empty())
                    {
                        None // past the end, or the same default on both sides
                    } else {
                        let (before, after) = (&old_candidates[piece], &new_candidates[piece]);
                        let old_verdict = verdict_among(
                            old,
                            action.default,
                            before,
                            &facts,
                            &readings,
                            &mut scratch,
                        );
                        let new_verdict = verdict_among(
                            new,
                            action.default,
                            after,
                            &facts,
                            &readings,
                            &mut scratch,
                        );
                        (old_verdict != new_verdict).then(|| {
                            let side = |version, candidates: &[usize]| -> Side {
                                decide_among(
                                    version,
                                    action.default,
                                    candidates.iter().copied(),
                                    &facts,
                                    &readings,
                                )
                                .into()
                            };
                            (side(old, before), side(new, after))
                        })
                    };
                    if change.is_some() {
                        question_changed = true;
                        if !dimensions.disputes.is_empty() {
                            let fact_part = condition[..dimensions.facts.len()].to_vec();
                            *changed_readings
                                .entry((params.clone(), fact_part, piece))
                                .or_default() += 1;
                        }
                    }
                    if run.as_ref().map(|(_, current)| current) == change.as_ref() {
                        continue; // the run goes on (or there is none and still none)
                    }
                    if let Some((start, current)) = run.take() {
                        let point: Vec<usize> = params.iter().chain(condition).copied().collect();
                        by_change
                            .entry((current, pieces[start].from(), pieces[piece - 1].until()))
                            .or_default()
                            .push(point);
                    }
                    run = change.map(|change| (piece, change));
                }
            }
            changed_questions += usize::from(question_changed);
        }
        questions_changed.push(changed_questions);

        let mut action_regions = Vec::new();
        for ((change, from, until), points) in by_change {
            let interval = DateInterval::new(from, until).expect("built from a valid interval");
            for cube in cube::cover(&points) {
                let region = region_from_cube(
                    terms,
                    action_index,
                    &dimensions,
                    &cube,
                    interval,
                    change.clone(),
                );
                let robust = every_point_changes_under_every_reading(
                    &cube,
                    &param_sizes,
                    &dimensions,
                    &pieces,
                    interval,
                    &changed_readings,
                    reading_count,
                );
                action_regions.push(Region {
                    under_every_reading: robust,
                    ..region
                });
            }
        }
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
    Diff {
        regions,
        questions_changed,
    }
}

fn region_from_cube(
    terms: &Terms,
    action: usize,
    dimensions: &Dimensions,
    cube: &Cube,
    interval: DateInterval,
    (old, new): Change,
) -> Region {
    let param_count = terms.vocabulary.actions[action].params.len();
    let (params, condition) = cube.split_at(param_count);
    let (fact_sets, reading_sets) = condition.split_at(dimensions.facts.len());
    let vocabulary = &terms.vocabulary;
    let facts = dimensions
        .facts
        .iter()
        .zip(fact_sets)
        .filter(|(f, set)| set.len() < vocabulary.facts[**f].values.len())
        .map(|(f, set)| (*f, *set))
        .collect();
    let readings = dimensions
        .disputes
        .iter()
        .zip(reading_sets)
        .filter(|(d, set)| set.len() < vocabulary.disputes[**d].readings.len())
        .map(|(d, set)| (*d, *set))
        .collect();
    Region {
        action,
        params: params.to_vec(),
        interval,
        facts,
        readings,
        under_every_reading: false,
        old,
        new,
    }
}

fn every_point_changes_under_every_reading(
    cube: &Cube,
    param_sizes: &[usize],
    dimensions: &Dimensions,
    pieces: &[DateInterval],
    interval: DateInterval,
    changed_readings: &HashMap<(Vec<usize>, Vec<usize>, usize), usize>,
    reading_count: usize,
) -> bool {
    if dimensions.disputes.is_empty() {
        return true;
    }
    let fact_count = dimensions.facts.len();
    let params_and_facts: Vec<ValueSet> = cube[..param_sizes.len() + fact_count].to_vec();
    let choices: Vec<Vec<usize>> = params_and_facts
        .iter()
        .map(|set| set.indices().collect())
        .collect();
    for values in cube::product(&choices) {
        let (params, facts) = values.split_at(param_sizes.len());
        for (piece, range) in pieces.iter().enumerate() {
            if interval.intersect(range) != Some(*range) {
                continue;
            }
            let count = changed_readings
                .get(&(params.to_vec(), facts.to_vec(), piece))
                .copied()
                .unwrap_or(0);
            if count < reading_count {
                return false;
            }
        }
    }
    true
}
