//! `covenant check`: prove the rules consistent, or show where they are not.
//!
//! Like the diff, the check is exhaustive over the finite domains and the date
//! partition, and never walks questions one by one: for each version and
//! action it cuts time at the rules' boundaries and, on each piece, splits the
//! questions (parameter values, the facts the rules test, the readings of the
//! disputes they belong to) into the classes the rules valid there tell apart
//! ([`crate::space`]). In each class it records which rules apply, which
//! decide, which overrides fire and whether the deciding rules clash. The walk
//! is bounded by a budget of cases; past it, `check` stops with an error
//! naming what made the space large. From that it reports, each with a
//! location and a witness a person can paste into `covenant ask`:
//!
//! - errors: rules that clash with no override between them; and, from loading,
//!   an override cycle, a quote not verbatim in its seed, an empty interval;
//! - warnings: a rule that never decides (with the rules that shadow it), an
//!   override that never fires, a rule valid only outside its version's life,
//!   a dispute whose readings never change an answer, and an action, fact or
//!   reading no rule uses.
//!
//! A warning the authors expect can be explained in the terms (`[[explained]]`
//! in `vocabulary.toml`); it is still listed, with the explanation, and does
//! not count.

pub mod render;

use crate::diff::ActionSpace;
use crate::eval::{Overrides, settle};
use crate::interval::DateInterval;
use crate::space::{self, Budget, Constraint, Cube, Dimension, Exhausted, TooLarge};
use crate::terms::{LoadError, Terms, ValueSet, Version};
use crate::verdict::{Effect, Verdict};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The terms give a wrong or meaningless answer somewhere: `check` exits 1.
    Error,
    /// Something the author probably did not mean.
    Warning,
}

/// A question that shows a finding: paste [`Witness::command`] into a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Witness {
    /// The version.
    pub version: String,
    /// The query, e.g. `openai.host_models(cloud=aws)`.
    pub query: String,
    /// The date.
    pub date: NaiveDate,
    /// The facts that matter here.
    pub facts: BTreeMap<String, String>,
    /// The readings that matter here.
    pub readings: BTreeMap<String, String>,
    /// The `covenant ask` command that shows it, quoted for a POSIX shell;
    /// `null` when no question `ask` accepts can show it (a date before year 0).
    pub command: Option<String>,
}

/// One thing `check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// A stable name for the kind of finding, e.g. `conflict`, `never-decides`.
    pub code: &'static str,
    /// What it is about: a rule id, an action, a fact, a dispute or `dispute.reading`.
    pub subject: String,
    /// What is wrong.
    pub message: String,
    /// `file:line:column` of the rule or declaration at fault, when there is one.
    pub location: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
    /// A question that shows it, when there is one.
    pub witness: Option<Witness>,
    /// The authors' explanation, when the terms explain this warning.
    pub explained: Option<String>,
}

/// Everything `check` found, errors first.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Errors found.
    pub errors: usize,
    /// Warnings found that the terms do not explain.
    pub warnings: usize,
    /// Warnings the terms explain.
    pub explained: usize,
    /// Every finding.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Whether the terms passed: no errors.
    pub fn passed(&self) -> bool {
        self.errors == 0
    }
}

/// A point of the question space, by index.
#[derive(Debug, Clone)]
struct Point {
    version: usize,
    action: usize,
    params: Vec<usize>,
    date: NaiveDate,
    facts: Vec<(usize, usize)>,
    readings: Vec<(usize, usize)>,
}

/// What the exhaustive walk over one version records.
#[derive(Default)]
struct Observations {
    /// Per rule: a point where it applies (first found).
    applies: Vec<Option<Point>>,
    /// Per rule: whether it decides somewhere.
    decides: Vec<bool>,
    /// Per rule: the rules that beat it where it applies, in the order found.
    shadowed_by: Vec<Vec<usize>>,
    /// Per rule, per entry of its `overrides`: whether that override fires somewhere.
    fired: Vec<Vec<bool>>,
    /// Pairs of rules that clash where both decide (one forbids, the other
    /// permits or obliges), in file order, with the first point found.
    conflicts: BTreeMap<(usize, usize), Point>,
}

fn witness(terms: &Terms, point: &Point, terms_flag: Option<&str>) -> Witness {
    let vocabulary = &terms.vocabulary;
    let action = &vocabulary.actions[point.action];
    let mut query = action.id.clone();
    if !action.params.is_empty() {
        let params: Vec<String> = action
            .params
            .iter()
            .zip(&point.params)
            .map(|(p, &v)| format!("{}={}", p.name, p.values[v]))
            .collect();
        query = format!("{query}({})", params.join(", "));
    }
    let facts: BTreeMap<String, String> = point
        .facts
        .iter()
        .map(|&(f, v)| {
            let fact = &vocabulary.facts[f];
            (fact.name.clone(), fact.values[v].clone())
        })
        .collect();
    let readings: BTreeMap<String, String> = point
        .readings
        .iter()
        .map(|&(d, r)| {
            let dispute = &vocabulary.disputes[d];
            (dispute.id.clone(), dispute.readings[r].id.clone())
        })
        .collect();
    let version = terms.versions[point.version].id.clone();
    let mut words: Vec<String> = vec!["covenant".into()];
    if let Some(dir) = terms_flag {
        words.extend(["--terms".into(), dir.to_string()]);
    }
    words.extend([
        "ask".into(),
        query.clone(),
        "--on".into(),
        point.date.to_string(),
        "--under".into(),
        version.clone(),
    ]);
    for (fact, value) in &facts {
        words.extend(["--fact".into(), format!("{fact}={value}")]);
    }
    for (dispute, reading) in &readings {
        words.extend(["--reading".into(), format!("{dispute}={reading}")]);
    }
    // `ask` takes dates written YYYY-MM-DD only.
    let expressible = crate::interval::parse_date(&point.date.to_string()).is_ok();
    let command = expressible.then(|| shell_words(&words)).flatten();
    Witness {
        version,
        query,
        date: point.date,
        facts,
        readings,
        command,
    }
}

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
fn observe(
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
        let intervals: Vec<DateInterval> = walk
            .space
            .rules
            .iter()
            .map(|&(_, index)| version.rules[index].valid)
            .collect();
        let mut failure: Option<Exhausted> = None;
        let mut buffers = (Vec::new(), Vec::new());
        space::sweep(DateInterval::ALWAYS, &intervals, |piece, valid| {
            if failure.is_some() || valid.is_empty() {
                return;
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
                &mut buffers,
            ) {
                failure = Some(exhausted);
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

#[allow(clippy::too_many_arguments)]
/// Looks on one piece of time for every finding, with `buffers` (per rule of
/// the action: valid here; may decide here) kept between pieces.
/// A witness date lies inside the version's life when the piece meets it.
fn observe_piece(
    walk: &ActionWalk<'_>,
    piece: DateInterval,
    valid: &[usize],
    life: DateInterval,
    seen: &mut Observations,
    dispute_matters: &mut [Option<Point>],
    scratch: &mut Overrides,
    budget: &mut Budget,
    buffers: &mut (Vec<bool>, Vec<Option<bool>>),
) -> Result<(), Exhausted> {
    let (is_valid, may_decide) = buffers;
    is_valid.resize(walk.space.rules.len(), false);
    may_decide.resize(walk.space.rules.len(), None);
    for &c in valid {
        is_valid[c] = true;
        // May the rule decide on this piece? `None`: not looked at (it might).
        may_decide[c] = None;
    }
    let found = observe_valid(
        walk,
        piece,
        valid,
        life,
        seen,
        dispute_matters,
        scratch,
        budget,
        is_valid,
        may_decide,
    );
    for &c in valid {
        is_valid[c] = false;
    }
    found
}

#[allow(clippy::too_many_arguments)]
fn observe_valid(
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
            let (mut beaters, _) = walk.beaters(a, is_valid, budget, false)?;
            beaters.extend(walk.beaters(f, is_valid, budget, false)?.0);
            beaters.sort_unstable();
            beaters.dedup();
            if let Some(values) = walk.unbeaten(meet, &beaters, valid, budget, &mut Vec::new())? {
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
    Ok(found)
}

/// Joins `words` into one command line a POSIX shell reads back as the same
/// words: a word of plain characters stays bare, any other is quoted (by
/// `shlex`), so that a terms path holding `;` or `$(…)` runs nothing when pasted.
/// `None` when a word cannot be quoted (it holds a NUL byte).
fn shell_words(words: &[String]) -> Option<String> {
    let plain = |word: &str| {
        !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c))
    };
    let quoted: Option<Vec<String>> = words
        .iter()
        .map(|word| {
            if plain(word) {
                Some(word.clone())
            } else {
                shlex::try_quote(word).ok().map(|q| q.into_owned())
            }
        })
        .collect();
    quoted.map(|words| words.join(" "))
}

fn rule_name(version: &Version, index: usize) -> String {
    format!("`{}`", version.rules[index].id)
}

fn names(version: &Version, rules: impl IntoIterator<Item = usize>) -> String {
    rules
        .into_iter()
        .map(|r| rule_name(version, r))
        .collect::<Vec<_>>()
        .join(", ")
}

fn effect_word(effect: Effect) -> &'static str {
    match effect {
        Effect::Permit => "permits",
        Effect::Forbid => "forbids",
        Effect::Oblige => "obliges",
    }
}

/// Checks the terms; `findings` are the consistency mistakes found while loading
/// ([`crate::terms::load_for_check`]); `terms_flag` is the `--terms` directory to
/// repeat in witnesses' commands.
pub fn check(
    terms: &Terms,
    loading: &[LoadError],
    terms_flag: Option<&str>,
    budget: &mut Budget,
) -> Result<CheckReport, TooLarge> {
    let vocabulary = &terms.vocabulary;
    let mut findings = Vec::new();
    let mut finding = |severity,
                       (code, subject): (&'static str, String),
                       message: String,
                       location: Option<String>,
                       hint: Option<String>,
                       witness: Option<Witness>| {
        findings.push(Finding {
            severity,
            code,
            subject,
            message,
            location,
            hint,
            witness,
            explained: None,
        })
    };
    for error in loading {
        let code = match error.kind {
            crate::terms::LoadErrorKind::OverrideCycle { .. } => "override-cycle",
            crate::terms::LoadErrorKind::EmptyInterval { .. } => "empty-interval",
            _ => "quote-not-found",
        };
        let subject = error
            .location
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        finding(
            Severity::Error,
            (code, subject),
            error.kind.to_string(),
            error.location.as_ref().map(ToString::to_string),
            error.kind.hint(),
            None,
        );
    }
    let mut dispute_matters: Vec<Option<Point>> = vec![None; vocabulary.disputes.len()];
    for (version_index, version) in terms.versions.iter().enumerate() {
        let seen = observe(terms, version_index, &mut dispute_matters, budget)?;
        for (&(first, second), point) in &seen.conflicts {
            let clash = [first, second];
            let parts: Vec<String> = clash
                .iter()
                .map(|&r| {
                    format!(
                        "{} {}",
                        rule_name(version, r),
                        effect_word(version.rules[r].effect)
                    )
                })
                .collect();
            finding(
                Severity::Error,
                ("conflict", version.rules[clash[0]].id.0.clone()),
                format!(
                    "conflict in `{}`: {} the same question, and no override settles it",
                    version.id,
                    parts.join(" and ")
                ),
                Some(version.rules[clash[0]].location.to_string()),
                Some({
                    let (a, b) = (&version.rules[first].id, &version.rules[second].id);
                    format!(
                        "make one an exception to the other: `overrides = [\"{a}\"]` on `{b}`, or `overrides = [\"{b}\"]` on `{a}`; or narrow one of them"
                    )
                }),
                Some(witness(terms, point, terms_flag)),
            );
        }
        let life = version.life();
        for (index, rule) in version.rules.iter().enumerate() {
            let location = Some(rule.location.to_string());
            if !rule.empty_interval && rule.valid.intersect(&life).is_none() {
                finding(
                    Severity::Warning,
                    ("outside-agreement-life", rule.id.0.clone()),
                    format!(
                        "rule `{}` is valid only {}, outside the life of `{}` ({})",
                        rule.id, rule.valid, version.id, life
                    ),
                    location.clone(),
                    Some("check the rule's dates, or move it to the version in force then".into()),
                    None,
                );
            }
            if rule.empty_interval {
                continue; // reported as an error already
            }
            match &seen.applies[index] {
                None => finding(
                    Severity::Warning,
                    ("never-decides", rule.id.0.clone()),
                    format!(
                        "rule `{}` never applies: no parameter value, date, facts and reading make it apply",
                        rule.id
                    ),
                    location.clone(),
                    Some(
                        "check its parameters, dates, condition and reading against each other"
                            .into(),
                    ),
                    None,
                ),
                Some(point) if !seen.decides[index] => finding(
                    Severity::Warning,
                    ("never-decides", rule.id.0.clone()),
                    format!(
                        "rule `{}` never decides an answer: wherever it applies it is overridden, by {}",
                        rule.id,
                        names(version, {
                            let mut by = seen.shadowed_by[index].clone();
                            by.sort_unstable();
                            by
                        })
                    ),
                    location.clone(),
                    Some("remove it, or narrow the rules that shadow it".into()),
                    Some(witness(terms, point, terms_flag)),
                ),
                Some(_) => {}
            }
            for (slot, &target) in rule.overrides.iter().enumerate() {
                if !seen.fired[index][slot] {
                    finding(
                        Severity::Warning,
                        ("override-never-fires", rule.id.0.clone()),
                        format!(
                            "`{}` overrides {}, but the two never apply to the same question",
                            rule.id,
                            rule_name(version, target)
                        ),
                        location.clone(),
                        Some("their parameters, dates, conditions or readings never meet; remove the override or fix the rules".into()),
                        None,
                    );
                }
            }
        }
    }
    // What no rule uses.
    let rules = || terms.versions.iter().flat_map(|v| v.rules.iter());
    for (index, action) in vocabulary.actions.iter().enumerate() {
        if !rules().any(|r| r.action == index) {
            finding(
                Severity::Warning,
                ("unused-action", action.id.clone()),
                format!(
                    "no rule is about `{}`: its default, {}, always decides",
                    action.id, action.default
                ),
                Some(action.location.to_string()),
                None,
                None,
            );
        }
    }
    for (index, fact) in vocabulary.facts.iter().enumerate() {
        if !rules().any(|r| r.condition.iter().any(|(f, _)| *f == index)) {
            finding(
                Severity::Warning,
                ("unused-fact", fact.name.clone()),
                format!("no rule's condition tests the fact `{}`", fact.name),
                None,
                Some("remove the fact, or add the rule that depends on it".into()),
                None,
            );
        }
    }
    for (index, dispute) in vocabulary.disputes.iter().enumerate() {
        for (reading_index, reading) in dispute.readings.iter().enumerate() {
            let used = rules().any(|r| {
                r.reading
                    .is_some_and(|used| used.dispute == index && used.reading == reading_index)
            });
            if !used {
                finding(
                    Severity::Warning,
                    ("unused-reading", format!("{}.{}", dispute.id, reading.id)),
                    format!("no rule applies under the reading `{}.{}`", dispute.id, reading.id),
                    None,
                    Some("under it the dispute's other rules simply do not apply; say so in its summary, or add its rules".into()),
                    None,
                );
            }
        }
        if dispute_matters[index].is_none() {
            finding(
                Severity::Warning,
                ("dispute-never-matters", dispute.id.clone()),
                format!("the readings of `{}` never change an answer", dispute.id),
                None,
                Some("the sources' disagreement makes no difference to any rule; remove the dispute or check its rules".into()),
                None,
            );
        }
    }
    for finding in &mut findings {
        if finding.severity == Severity::Warning {
            finding.explained = vocabulary
                .explained
                .iter()
                .find(|e| e.code == finding.code && e.subject == finding.subject)
                .map(|e| e.why.clone());
        }
    }
    let stale: Vec<Finding> = vocabulary
        .explained
        .iter()
        .filter(|e| {
            !findings
                .iter()
                .any(|f| f.code == e.code && f.subject == e.subject)
        })
        .map(|e| Finding {
            severity: Severity::Warning,
            code: "stale-explanation",
            subject: e.subject.clone(),
            message: format!(
                "vocabulary.toml explains a `{}` warning about `{}`, but check no longer gives it",
                e.code, e.subject
            ),
            location: None,
            hint: Some(
                "remove the [[explained]] entry, or check its `warning` and `subject`".into(),
            ),
            witness: None,
            explained: None,
        })
        .collect();
    findings.extend(stale);
    findings.sort_by_key(|f| f.severity);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let explained = findings.iter().filter(|f| f.explained.is_some()).count();
    Ok(CheckReport {
        errors,
        warnings: findings.len() - errors - explained,
        explained,
        findings,
    })
}
