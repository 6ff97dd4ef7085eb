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
//! The walk itself is in `observe.rs`; this module turns what it saw into findings.
//!
//! A warning the authors expect can be explained in the terms (`[[explained]]`
//! in `vocabulary.toml`); it is still listed, with the explanation, and does
//! not count.

mod observe;
pub mod render;

use observe::observe;

use crate::space::{Budget, TooLarge};
use crate::terms::{LoadError, Terms, Version};
use crate::verdict::Effect;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The terms give a wrong or meaningless answer somewhere: `check` exits 1.
    Error,
    /// Something the author probably did not mean.
    Warning,
}

/// A question that shows a finding: paste [`Witness::command`] into a shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

    /// Whether the terms passed `check --deny-warnings`: no errors and no
    /// warnings the terms do not explain (explained ones do not count).
    pub fn passed_denying_warnings(&self) -> bool {
        self.passed() && self.warnings == 0
    }
}
/// A point of the question space, by index.
#[derive(Debug, Clone)]
pub(super) struct Point {
    pub(super) version: usize,
    pub(super) action: usize,
    pub(super) params: Vec<usize>,
    pub(super) date: NaiveDate,
    pub(super) facts: Vec<(usize, usize)>,
    pub(super) readings: Vec<(usize, usize)>,
}

/// What the exhaustive walk over one version records.
#[derive(Default)]
pub(super) struct Observations {
    /// Per rule: a point where it applies (first found).
    pub(super) applies: Vec<Option<Point>>,
    /// Per rule: whether it decides somewhere.
    pub(super) decides: Vec<bool>,
    /// Per rule: the rules that beat it where it applies, in the order found.
    pub(super) shadowed_by: Vec<Vec<usize>>,
    /// Per rule, per entry of its `overrides`: whether that override fires somewhere.
    pub(super) fired: Vec<Vec<bool>>,
    /// Pairs of rules that clash where both decide (one forbids, the other
    /// permits or obliges), in file order, with the first point found.
    pub(super) conflicts: BTreeMap<(usize, usize), Point>,
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
            let value = fact
                .kind
                .example_on(point.date, v)
                .unwrap_or_else(|| fact.values[v].clone());
            (fact.name.clone(), value)
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

/// Whether a duty's deadline falls outside its own dates, in words: before
/// it starts (the duty is breached from its first day) or on or after it
/// ends (it is never overdue). Compared where both ends are dates, or counted
/// from the same event.
fn due_outside(rule: &crate::terms::Rule) -> Option<&'static str> {
    use crate::terms::Endpoint;
    let due = rule.due?;
    let order = |a: Endpoint, b: Endpoint| match (a, b) {
        (Endpoint::Date(a), Endpoint::Date(b)) => Some(a.cmp(&b)),
        (
            Endpoint::Event {
                event: e,
                offset: x,
            },
            Endpoint::Event {
                event: f,
                offset: y,
            },
        ) if e == f && (x.unit == y.unit || x.amount == 0 || y.amount == 0) => {
            Some(x.amount.cmp(&y.amount))
        }
        _ => None,
    };
    if rule.from.and_then(|from| order(due, from)) == Some(std::cmp::Ordering::Less) {
        return Some("comes before the duty starts: it is breached from its first day");
    }
    if rule
        .until
        .and_then(|until| order(due, until))
        .is_some_and(|o| o != std::cmp::Ordering::Less)
    {
        return Some("comes on or after the duty ends: it is never overdue");
    }
    None
}

/// Each breach event that every piece of the written rule `index` needs to
/// have happened, and that can never happen (`impossible`), with the reason.
fn never_fires(
    terms: &Terms,
    impossible: &std::collections::HashMap<usize, &'static str>,
    version: &Version,
    index: usize,
) -> Vec<(String, &'static str)> {
    if impossible.is_empty() {
        return Vec::new();
    }
    // Class 0 of an event: it has not happened (yet, or ever).
    let needed = |rule: &crate::terms::Rule| -> Vec<usize> {
        rule.condition
            .iter()
            .filter(|&&(f, set)| impossible.contains_key(&f) && !set.contains(0))
            .map(|&(f, _)| f)
            .collect()
    };
    // A rule's pieces follow each other from the first.
    let mut pieces = version.rules[index..]
        .iter()
        .take_while(|r| r.written == index && r.survivor_of.is_none());
    let Some(first) = pieces.next() else {
        return Vec::new();
    };
    let mut common = needed(first);
    for piece in pieces {
        let here = needed(piece);
        common.retain(|f| here.contains(f));
    }
    common
        .into_iter()
        .map(|f| (terms.vocabulary.facts[f].name.clone(), impossible[&f]))
        .collect()
}

/// The rules as written that rule `index` overrides, in the order written.
fn written_overrides(version: &Version, index: usize) -> Vec<usize> {
    let mut targets: Vec<usize> = Vec::new();
    for &target in &version.rules[index].overrides {
        let written = version.rules[target].written;
        if !targets.contains(&written) {
            targets.push(written);
        }
    }
    targets
}

/// What the walk saw of each alternative of a rule with `or`, told of the rule
/// as written (at its index): it applies or decides where one alternative
/// does, an override fires where one alternative's does, and a clash of
/// alternatives is a clash of their rules. `fired` of a rule as written is
/// indexed by [`written_overrides`].
fn fold_alternatives(version: &Version, mut seen: Observations) -> Observations {
    let rules = &version.rules;
    if rules.iter().enumerate().all(|(i, r)| r.is_written(i)) {
        return seen;
    }
    let mut fired: Vec<Vec<bool>> = (0..rules.len())
        .map(|i| vec![false; written_overrides(version, i).len()])
        .collect();
    for (index, rule) in rules.iter().enumerate() {
        let written = rule.written;
        let targets = written_overrides(version, written);
        for (slot, &target) in rule.overrides.iter().enumerate() {
            let at = targets
                .iter()
                .position(|&t| t == rules[target].written)
                .expect("every target of an alternative is a target of its rule");
            fired[written][at] |= seen.fired[index][slot];
        }
        if written != index {
            if seen.applies[written].is_none() {
                seen.applies[written] = seen.applies[index].take();
            }
            seen.decides[written] |= seen.decides[index];
            let by = std::mem::take(&mut seen.shadowed_by[index]);
            seen.shadowed_by[written].extend(by);
        }
    }
    for by in &mut seen.shadowed_by {
        let mut kept: Vec<usize> = Vec::with_capacity(by.len());
        for &rule in by.iter() {
            let written = rules[rule].written;
            if !kept.contains(&written) {
                kept.push(written);
            }
        }
        *by = kept;
    }
    seen.fired = fired;
    let mut conflicts = BTreeMap::new();
    for ((a, b), point) in std::mem::take(&mut seen.conflicts) {
        let (a, b) = (rules[a].written, rules[b].written);
        conflicts.entry((a.min(b), a.max(b))).or_insert(point);
    }
    seen.conflicts = conflicts;
    seen
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
        // A duty is named by its rule as written; the witness shows whether it is overdue.
        Effect::Overdue => "obliges",
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
            crate::terms::LoadErrorKind::EmptyInterval { .. }
            | crate::terms::LoadErrorKind::EmptyRelativeInterval { .. } => "empty-interval",
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
    let impossible = terms.impossible_breaches();
    for (version_index, version) in terms.versions.iter().enumerate() {
        let seen = fold_alternatives(
            version,
            observe(terms, version_index, &mut dispute_matters, budget)?,
        );
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
        for (index, rule) in version.written_rules() {
            let location = Some(rule.location.to_string());
            let dates = rule.written_dates();
            if !rule.empty_interval && dates.intersect(&life).is_none() {
                finding(
                    Severity::Warning,
                    ("outside-agreement-life", rule.id.0.clone()),
                    format!(
                        "rule `{}` is valid only {}, outside the life of `{}` ({})",
                        rule.id, dates, version.id, life
                    ),
                    location.clone(),
                    Some("check the rule's dates, or move it to the version in force then".into()),
                    None,
                );
            }
            if rule.empty_interval {
                continue; // reported as an error already
            }
            if let Some(problem) = due_outside(rule) {
                finding(
                    Severity::Warning,
                    ("due-outside-interval", rule.id.0.clone()),
                    format!("the deadline of `{}` {problem}", rule.id),
                    location.clone(),
                    Some("a duty is due within its own dates: check `due` against `from` and `until`".into()),
                    None,
                );
            }
            for (event, problem) in never_fires(terms, &impossible, version, index) {
                finding(
                    Severity::Warning,
                    ("remedy-never-fires", rule.id.0.clone()),
                    format!(
                        "rule `{}` applies only once `{event}` has happened, and it never happens: {problem}",
                        rule.id
                    ),
                    location.clone(),
                    Some("a remedy follows a duty with a deadline: give the duty a `due` within its dates, or name another duty".into()),
                    None,
                );
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
            for (slot, target) in written_overrides(version, index).into_iter().enumerate() {
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
    let mut used = vec![false; vocabulary.facts.len()];
    for rule in rules() {
        for &(fact, _) in &rule.condition {
            used[fact] = true;
        }
    }
    for (index, fact) in vocabulary.facts.iter().enumerate() {
        // A breach event is declared by the rule that names it, not by the
        // vocabulary: there is nothing to remove.
        if !used[index] && fact.breach_of.is_none() {
            finding(
                Severity::Warning,
                ("unused-fact", fact.name.clone()),
                if fact.is_event() {
                    format!(
                        "no rule's condition or dates count from the event `{}`",
                        fact.name
                    )
                } else {
                    format!("no rule's condition tests the fact `{}`", fact.name)
                },
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
