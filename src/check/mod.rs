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
use crate::space::{self, Budget, Constraint, Dimension, Exhausted, TooLarge};
use crate::terms::{LoadError, Terms, ValueSet, Version};
use crate::verdict::{Effect, Verdict};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// Clashing deciding sets, with the first point found.
    conflicts: BTreeMap<Vec<usize>, Point>,
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

/// Walks every class of questions of `version` and records what applies,
/// decides, fires and clashes; also marks in `dispute_matters` every dispute
/// whose reading changes a verdict.
///
/// Time is cut at the rules' boundaries; on each piece, the questions are split
/// only as far as the rules valid there tell them apart ([`space::explore`]).
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
    let mut scratch = Overrides::default();
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
        let intervals: Vec<DateInterval> = space
            .rules
            .iter()
            .map(|&(_, index)| version.rules[index].valid)
            .collect();
        let mut failure: Option<Exhausted> = None;
        space::sweep(DateInterval::ALWAYS, &intervals, |piece, valid| {
            if failure.is_some() || valid.is_empty() {
                return;
            }
            // A witness date inside the version's life when the piece meets it.
            let date = piece.intersect(&life).unwrap_or(piece).representative();
            let in_life = life.contains(date);
            let refs: Vec<&[Constraint]> = valid
                .iter()
                .map(|&c| space.constraints[c].as_slice())
                .collect();
            let rule_at = |c: usize| space.rules[valid[c]].1;
            let mut applicable: Vec<usize> = Vec::new();
            let walked = space::explore(space.root.clone(), &refs, budget, |leaf| {
                applicable.clear();
                applicable.extend(leaf.applicable.iter().map(|&c| rule_at(c)));
                applicable.sort_unstable();
                let point = || leaf_point(&space, version_index, action_index, date, leaf.values);
                let any_beaten = scratch.mark(version, &applicable);
                let mut deciding = Vec::new();
                for &rule in &applicable {
                    let better = match &seen.applies[rule] {
                        None => true,
                        Some(found) => in_life && !life.contains(found.date),
                    };
                    if better {
                        seen.applies[rule] = Some(point());
                    }
                    match scratch.beaten_by(rule).filter(|_| any_beaten) {
                        Some(by) => {
                            if !seen.shadowed_by[rule].contains(&by) {
                                seen.shadowed_by[rule].push(by);
                            }
                        }
                        None => {
                            seen.decides[rule] = true;
                            deciding.push(rule);
                        }
                    }
                    for (slot, target) in version.rules[rule].overrides.iter().enumerate() {
                        if !seen.fired[rule][slot] && applicable.binary_search(target).is_ok() {
                            seen.fired[rule][slot] = true;
                        }
                    }
                }
                let verdict = Verdict::combine(deciding.iter().map(|&i| version.rules[i].effect))
                    .unwrap_or(action.default);
                if verdict == Verdict::Conflict {
                    let better = match seen.conflicts.get(&deciding) {
                        None => true,
                        Some(found) => in_life && !life.contains(found.date),
                    };
                    if better {
                        seen.conflicts.insert(deciding, point());
                    }
                }
            });
            if let Err(exhausted) = walked {
                failure = Some(exhausted);
                return;
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
                if !touched {
                    continue;
                }
                match reading_that_matters(
                    &space,
                    version,
                    action.default,
                    valid,
                    position,
                    date,
                    version_index,
                    action_index,
                    &mut scratch,
                    budget,
                ) {
                    Ok(found) => dispute_matters[dispute] = found,
                    Err(exhausted) => {
                        failure = Some(exhausted);
                        return;
                    }
                }
            }
        });
        if let Some(exhausted) = failure {
            return Err(space.too_large("check", terms, action_index, &exhausted));
        }
    }
    Ok(seen)
}

/// Looks for a question on one piece of time where the reading of the dispute
/// at `position` alone changes the verdict: walks the classes the rules tell
/// apart on every other dimension, and at each compares the verdict under
/// every reading. Returns the question under the reading that differs.
#[allow(clippy::too_many_arguments)]
fn reading_that_matters(
    space: &ActionSpace,
    version: &Version,
    default: Verdict,
    valid: &[usize],
    position: usize,
    date: NaiveDate,
    version_index: usize,
    action_index: usize,
    scratch: &mut Overrides,
    budget: &mut Budget,
) -> Result<Option<Point>, Exhausted> {
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
    let needs: Vec<ValueSet> = valid
        .iter()
        .map(|&c| {
            space.constraints[c]
                .iter()
                .find(|k| k.dimension == position)
                .map_or(space.root[position], |k| k.allowed)
        })
        .collect();
    let refs: Vec<&[Constraint]> = others.iter().map(Vec::as_slice).collect();
    let readings: Vec<usize> = space.root[position].indices().collect();
    let mut found: Option<Point> = None;
    let mut applicable = Vec::new();
    space::explore(space.root.clone(), &refs, budget, |leaf| {
        if found.is_some() {
            return;
        }
        let mut first: Option<Verdict> = None;
        for &reading in &readings {
            applicable.clear();
            applicable.extend(
                leaf.applicable
                    .iter()
                    .filter(|&&c| needs[c].contains(reading))
                    .map(|&c| space.rules[valid[c]].1),
            );
            applicable.sort_unstable();
            let verdict = settle(version, default, &applicable, scratch).verdict;
            match first {
                None => first = Some(verdict),
                Some(verdict_first) if verdict_first != verdict => {
                    let mut values = leaf.values.to_vec();
                    values[position] = ValueSet::single(reading);
                    found = Some(leaf_point(
                        space,
                        version_index,
                        action_index,
                        date,
                        &values,
                    ));
                    return;
                }
                Some(_) => {}
            }
        }
    })?;
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
        for (clash, point) in &seen.conflicts {
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
                    let (a, b) = (
                        &version.rules[clash[0]].id,
                        &version.rules[clash[clash.len() - 1]].id,
                    );
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
