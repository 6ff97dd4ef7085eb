//! Answers as reports: named, self-contained, serialisable data built from the
//! evaluator's results, so that text and JSON output say exactly the same thing.

use crate::ask::why::{self, NotApplying, Setting};
use crate::eval::{self, Answer, Decision, Outcome, Question};
use crate::interval::DateInterval;
use crate::query::{Query, Under};
use crate::space::{self, Budget, Constraint, Cube, Dimension, Exhausted, TooLarge};
use crate::terms::{Breaches, Citation, Endpoint, FactKind, Given, Rule, Terms, ValueSet, Version};
use crate::verdict::{Effect, Verdict};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything `covenant ask` says about one query.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AskReport {
    /// The query as given.
    pub query: String,
    /// The action asked about.
    pub action: String,
    /// Each parameter and the values asked about: the one value the query
    /// fixes, or every value of its domain when left open.
    pub params: BTreeMap<String, Vec<String>>,
    /// The action's parameter names, in declared order (the columns of the
    /// answer table); not in JSON, where `params` says the same.
    #[serde(skip)]
    pub columns: Vec<String>,
    /// The date asked about.
    pub date: NaiveDate,
    /// `in-force`, `all` or a version id.
    pub under: String,
    /// The facts given.
    pub facts: BTreeMap<String, String>,
    /// Each breach event the action's rules test and the facts given pin
    /// down (`breach(ID)`), with its day, or `false` when it has not
    /// happened by the date asked.
    pub breaches: BTreeMap<String, String>,
    /// Each breach event the action's rules test that is left unknown
    /// because its day depends on the reading of a dispute not given, with
    /// that dispute.
    pub breaches_open: BTreeMap<String, String>,
    /// The reading of every dispute the answer is under: the one given, or
    /// the dispute's default.
    pub readings: BTreeMap<String, String>,
    /// The disputes whose reading was given explicitly (the rest are at
    /// their default); not in JSON.
    #[serde(skip)]
    pub readings_given: BTreeMap<String, String>,
    /// One entry per version answered under; none when no version is in force
    /// on the date (under `in-force`), which `no_agreement` then says.
    pub versions: Vec<VersionAnswers>,
    /// Under `in-force`, on a date no version is in force: that, and the
    /// versions nearest to the date. Absent from JSON when a version answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_agreement: Option<NoVersionInForce>,
}

/// `covenant ask --scenario FILE`: every question of the file, answered.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScenarioAnswers {
    /// Each question, in the order written.
    pub questions: Vec<ScenarioAnswer>,
}

/// One question of a scenario file, answered.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScenarioAnswer {
    /// The question's name.
    pub name: String,
    /// The answer, as `covenant ask` gives it.
    pub answer: AskReport,
}

/// Every action of a query such as `provider.*` answered on one date: a
/// party's whole position, one answer per action.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PositionReport {
    /// The query as given, e.g. `provider.*`.
    pub query: String,
    /// The date asked about.
    pub date: NaiveDate,
    /// `in-force`, `all` or a version id.
    pub under: String,
    /// The facts given.
    pub facts: BTreeMap<String, String>,
    /// Each breach event the facts given pin down, as in [`AskReport::breaches`].
    pub breaches: BTreeMap<String, String>,
    /// Each breach event left open for a reading, as in [`AskReport::breaches_open`].
    pub breaches_open: BTreeMap<String, String>,
    /// The reading of every dispute the answers are under, as in [`AskReport::readings`].
    pub readings: BTreeMap<String, String>,
    /// The readings given explicitly; not in JSON.
    #[serde(skip)]
    pub readings_given: BTreeMap<String, String>,
    /// One answer per action, in the vocabulary's order, each as `ask` gives
    /// it for that action with every parameter open.
    pub actions: Vec<AskReport>,
}

/// Asks `request` (its query ignored) about each of `actions`, every
/// parameter open, under one budget.
pub fn position(
    terms: &Terms,
    request: &AskRequest,
    actions: &[usize],
    budget: &mut Budget,
) -> Result<PositionReport, AskError> {
    // The breaches are the same for every action: found once.
    let breaches = request_breaches(terms, request);
    let mut reports = Vec::with_capacity(actions.len());
    for &action in actions {
        let one = AskRequest {
            text: terms.vocabulary.actions[action].id.clone(),
            query: Query::every(terms, action),
            ..request.clone()
        };
        reports.push(ask_with_breaches(terms, &one, &breaches, budget)?);
    }
    Ok(PositionReport {
        query: request.text.clone(),
        date: request.date,
        under: request.under.name(terms),
        facts: named_facts(terms, &request.facts),
        breaches: named_facts(terms, &breaches.derived),
        breaches_open: named_disputed(terms, &breaches, None),
        readings: all_readings(terms, &request.readings),
        readings_given: named_readings(terms, &request.readings),
        actions: reports,
    })
}

/// Whether a version was in force on the date asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// It was in force.
    InForce,
    /// It had been superseded; answered as if its terms still applied.
    Superseded,
    /// It had not yet taken effect; answered as if its terms already applied.
    NotYetInForce,
}

/// Why `covenant ask` could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    /// The answer needs more cases than the budget allows.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

/// The answers under one version.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VersionAnswers {
    /// The version's id (`id` in JSON, as every object describing a version).
    #[serde(rename = "id")]
    pub version: String,
    /// The version's title.
    pub title: String,
    /// When it took effect.
    pub effective: NaiveDate,
    /// When it was superseded, if it was.
    pub superseded: Option<NaiveDate>,
    /// Whether it was in force on the date asked about.
    pub standing: Standing,
    /// One answer per class of the parameters left open: values no rule tells apart share one.
    pub answers: Vec<AnswerReport>,
    /// Every rule the answers mention, by id.
    pub rules: BTreeMap<String, RuleReport>,
}

/// A version as every report but `ask`'s answers describes it: its dates,
/// and every rule the report's outcomes name under it, by id.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct VersionReport {
    /// The version's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When it took effect.
    pub effective: NaiveDate,
    /// When it was superseded, if it was.
    pub superseded: Option<NaiveDate>,
    /// Every rule the report's outcomes name under this version, by id.
    pub rules: BTreeMap<String, RuleReport>,
}

impl VersionReport {
    /// Version `index` of `terms`, its `rules` (indices into its rules) described.
    pub fn of(
        terms: &Terms,
        index: usize,
        rules: impl IntoIterator<Item = usize>,
    ) -> VersionReport {
        let version = &terms.versions[index];
        VersionReport {
            id: version.id.clone(),
            title: version.title.clone(),
            effective: version.effective.date,
            superseded: version.superseded.as_ref().map(|s| s.date),
            rules: rules
                .into_iter()
                .map(|i| {
                    (
                        version.rules[i].id.0.clone(),
                        rule_report(terms, version, i),
                    )
                })
                .collect(),
        }
    }
}

/// The answer for one class of questions: parameter values the rules treat alike.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AnswerReport {
    /// Each parameter and its values in this class (one value when the query fixes it).
    pub params: BTreeMap<String, Vec<String>>,
    /// The verdict, or the verdicts for each value of unknown facts.
    pub outcome: OutcomeReport,
    /// Disputes that touch this answer.
    pub disputes: Vec<DisputeReport>,
}

/// An outcome with names instead of indices: what every command says of one
/// question (an `ask` answer, a `timeline` span, a side of a `diff` region).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutcomeReport {
    /// One decision whatever the unknown facts.
    Decided {
        /// The decision.
        decision: DecisionReport,
    },
    /// The decision depends on facts not given: a decision tree over them, as its branches.
    DependsOnFacts {
        /// The unknown facts it depends on.
        facts: Vec<String>,
        /// The branches, disjoint, together covering every value of those facts.
        cases: Vec<CaseReport>,
    },
    /// No version of the agreement is in force (under `in-force` only): the
    /// versions on either side, as `ask`'s top-level `no_agreement` gives them.
    NoAgreement {
        /// The version that ended last before, if one did.
        ended: Option<VersionEdge>,
        /// The version that takes effect first after, if one does.
        next: Option<VersionEdge>,
    },
}

impl OutcomeReport {
    /// The verdict when there is one decision.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            OutcomeReport::Decided { decision } => Some(decision.verdict),
            OutcomeReport::DependsOnFacts { .. } | OutcomeReport::NoAgreement { .. } => None,
        }
    }
}

/// One branch of a decision tree over unknown facts, and its decision.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CaseReport {
    /// The facts that matter on this branch, each with the values it covers;
    /// a fact the answer depends on but not listed here may take any value.
    pub facts: BTreeMap<String, FactValues>,
    /// The decision under them.
    pub decision: DecisionReport,
}

/// Where a decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// One or more rules.
    Rule,
    /// The action's default, no rule applying.
    Default,
}

/// A decision with names instead of indices.
///
/// Two decisions are equal when they decide alike (verdict, rules, default,
/// deadline), whatever they say of the rules that did not apply: branches of
/// an answer, and the answers under two readings, are compared so.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DecisionReport {
    /// The verdict.
    pub verdict: Verdict,
    /// Rule or default.
    pub decided_by: DecidedBy,
    /// The deciding rules by id (for a conflict, the rules that clash); at
    /// most ten where a command cuts the list (`timeline`, `diff`).
    pub rules: Vec<String>,
    /// How many more rules decided than `rules` lists; 0 when none was cut.
    pub more_rules: usize,
    /// Rules that applied but were overridden, by id (`ask` only: `timeline`
    /// and `diff` leave it empty).
    pub overridden: Vec<String>,
    /// Why the default is what it is, when the default decided.
    pub default_reason: Option<String>,
    /// For a duty with a deadline the question pins down (a date, or counted
    /// from an event given with its day): the deadline. `required` is due by
    /// it; `breached` has been overdue since it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Every other rule about the action, as written, and why it did not
    /// decide: the reasons it did not apply, or the rule that beat it.
    /// Always there in an answer; left out (`None`) of the outcomes under
    /// other readings of a dispute, which say only how those readings decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applying: Option<Vec<NotApplying>>,
}

impl PartialEq for DecisionReport {
    fn eq(&self, other: &DecisionReport) -> bool {
        self.verdict == other.verdict
            && self.decided_by == other.decided_by
            && self.rules == other.rules
            && self.more_rules == other.more_rules
            && self.overridden == other.overridden
            && self.default_reason == other.default_reason
            && self.due == other.due
    }
}

/// A rule as the answers cite it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RuleReport {
    /// The rule's id (`VERSION/ID` for a rule surviving from an earlier version).
    pub id: String,
    /// The version whose rules it is among (for a surviving rule, the later
    /// version it is carried into; `survives_from` names the earlier).
    pub version: String,
    /// Its effect.
    pub effect: Effect,
    /// Its action pattern as written.
    pub action: String,
    /// Its validity interval, as far as calendar dates say.
    pub valid: DateInterval,
    /// `from` as written, when it counts from an event (`deletion_request`).
    pub from_event: Option<String>,
    /// `until` as written, when it counts from an event (`deletion_request + 60 days`).
    pub until_event: Option<String>,
    /// A duty's deadline as written: a date, or counted from an event.
    pub due: Option<String>,
    /// The event by which the duty is performed.
    pub done: Option<String>,
    /// For a rule that outlives its version, carried into a later one: the version it was written in.
    pub survives_from: Option<String>,
    /// Its condition as written.
    pub when: Option<String>,
    /// The reading it applies under, as `dispute.reading`.
    pub reading: Option<String>,
    /// The rules it overrides.
    pub overrides: Vec<String>,
    /// `file:line:column` of the rule.
    pub location: String,
    /// The author's note.
    pub note: Option<String>,
    /// The passages it rests on.
    pub citations: Vec<Citation>,
}

/// How a dispute bears on an answer.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DisputeReport {
    /// The dispute's id.
    pub dispute: String,
    /// The question the sources answer differently.
    pub question: String,
    /// The reading used.
    pub reading: ReadingReport,
    /// Whether the reading used is the dispute's default (rather than given).
    pub reading_is_default: bool,
    /// Whether some other reading gives a different outcome.
    pub changes_answer: bool,
    /// The other readings and the outcome under each.
    pub alternatives: Vec<AlternativeReport>,
}

/// A reading and the passages that take it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ReadingReport {
    /// The reading's id.
    pub id: String,
    /// What it says.
    pub summary: String,
    /// The passages.
    pub citations: Vec<Citation>,
}

/// The outcome under another reading.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AlternativeReport {
    /// The reading.
    pub reading: ReadingReport,
    /// The outcome under it.
    pub outcome: OutcomeReport,
}

/// A fully resolved question as the user asked it: the inputs to [`ask`].
#[derive(Debug, Clone)]
pub struct AskRequest {
    /// The query text, for the report.
    pub text: String,
    /// The resolved query.
    pub query: Query,
    /// The date.
    pub date: NaiveDate,
    /// Which version(s).
    pub under: Under,
    /// Facts given: (fact, what the question says of it) pairs.
    pub facts: Vec<(usize, Given)>,
    /// Readings given: (dispute, reading) pairs.
    pub readings: Vec<(usize, usize)>,
}

/// The answer on a date no version of the agreement is in force (under
/// `in-force`): before the first version, in a gap between two, or after the
/// last has ended. Not an error: "no agreement" is what the contract says then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NoVersionInForce {
    /// The date asked about.
    pub date: NaiveDate,
    /// The version that ended last on or before the date, if one did.
    pub ended: Option<VersionEdge>,
    /// The version that takes effect first after the date, if one does.
    pub next: Option<VersionEdge>,
}

/// A version next to a date no version is in force: its id and the day it
/// ended (for [`NoVersionInForce::ended`]) or takes effect (for [`NoVersionInForce::next`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct VersionEdge {
    /// The version's id.
    pub version: String,
    /// The day it was superseded, or the day it takes effect.
    pub date: NaiveDate,
}

impl NoVersionInForce {
    /// The versions nearest to `date`, on which none is in force.
    pub fn on(terms: &Terms, date: NaiveDate) -> NoVersionInForce {
        let ended = terms
            .versions
            .iter()
            .filter_map(|v| Some((v.superseded.as_ref()?.date, v)))
            .filter(|(end, _)| *end <= date)
            // The latest end; of two ending the same day, the later in order.
            .max_by_key(|(end, _)| *end)
            .map(|(end, v)| VersionEdge {
                version: v.id.clone(),
                date: end,
            });
        let next = terms
            .versions
            .iter()
            .filter(|v| v.effective.date > date)
            // Versions are ordered by effective date: the first is the nearest.
            .map(|v| VersionEdge {
                version: v.id.clone(),
                date: v.effective.date,
            })
            .next();
        NoVersionInForce { date, ended, next }
    }

    /// Where the date stands between the versions, e.g. "`original` ended on
    /// 2025-03-01 and `renewal` takes effect on 2025-06-01".
    pub fn between(&self) -> String {
        match (&self.ended, &self.next) {
            (Some(ended), Some(next)) => format!(
                "`{}` ended on {} and `{}` takes effect on {}",
                ended.version, ended.date, next.version, next.date
            ),
            (None, Some(next)) => format!(
                "the first version, `{}`, takes effect on {}",
                next.version, next.date
            ),
            (Some(ended), None) => format!(
                "the last version, `{}`, ended on {} and none follows it",
                ended.version, ended.date
            ),
            (None, None) => "no version has dates around it".to_string(),
        }
    }
}

struct Builder<'t> {
    terms: &'t Terms,
    version: &'t Version,
    /// The version's index, for the rules that did not apply.
    version_index: usize,
    date: NaiveDate,
    given: &'t [(usize, Given)],
    /// What the question says of each fact, as classes.
    facts: &'t [ValueSet],
    /// The readings the answer is under.
    readings: &'t [usize],
    rules: BTreeMap<String, RuleReport>,
}

impl Builder<'_> {
    fn rule_ids(&mut self, indices: &[usize]) -> Vec<String> {
        indices
            .iter()
            .map(|&i| {
                let rule = &self.version.rules[i];
                self.rules
                    .entry(rule.id.0.clone())
                    .or_insert_with(|| rule_report(self.terms, self.version, i));
                rule.id.0.clone()
            })
            .collect()
    }

    /// `decision` as a report, for the parameter values `class`, the facts
    /// `facts` (the case's) and the readings `readings`.
    fn decision(
        &mut self,
        decision: &Decision,
        at: &Setting,
        why_not: bool,
        budget: &mut Budget,
    ) -> Result<DecisionReport, Exhausted> {
        let action = at.action;
        let default_reason = decision
            .is_default()
            .then(|| self.terms.vocabulary.actions[action].default_reason.clone());
        Ok(DecisionReport {
            verdict: decision.verdict,
            decided_by: if decision.is_default() {
                DecidedBy::Default
            } else {
                DecidedBy::Rule
            },
            rules: self.rule_ids(&decision.deciding),
            more_rules: 0,
            overridden: self.rule_ids(&decision.overridden),
            default_reason,
            due: self.due(decision),
            not_applying: match why_not {
                true => Some(why::not_applying(self.terms, at, decision, budget)?),
                false => None,
            },
        })
    }

    /// The deadline the verdict speaks of, among the deciding duties': the
    /// earliest one passed when `breached`, the earliest one ahead when
    /// `required` (another duty's later or earlier deadline is not it).
    fn due(&self, decision: &Decision) -> Option<NaiveDate> {
        let mut deadlines = decision
            .deciding
            .iter()
            .filter_map(|&i| self.deadline(&self.version.rules[i]));
        match decision.verdict {
            Verdict::Breached => deadlines.filter(|&d| d <= self.date).min(),
            Verdict::Required => deadlines.filter(|&d| d > self.date).min(),
            _ => deadlines.next(),
        }
    }

    /// A duty's deadline as a date, when it is one or counts from an event the question dates.
    fn deadline(&self, rule: &Rule) -> Option<NaiveDate> {
        match rule.due? {
            Endpoint::Date(date) => Some(date),
            Endpoint::Event { event, offset } => {
                self.given.iter().find_map(|&(fact, given)| match given {
                    Given::On(day) if fact == event => offset.after(day),
                    _ => None,
                })
            }
        }
    }

    /// `outcome` as a report; with `why_not`, each decision lists the rules
    /// that did not apply.
    fn outcome(
        &mut self,
        outcome: &Outcome,
        at: &Setting,
        why_not: bool,
        budget: &mut Budget,
    ) -> Result<OutcomeReport, Exhausted> {
        Ok(match outcome {
            Outcome::Decided(decision) => OutcomeReport::Decided {
                decision: self.decision(decision, at, why_not, budget)?,
            },
            Outcome::DependsOnFacts { facts, cases } => {
                let names: Vec<String> = facts
                    .iter()
                    .map(|&f| self.terms.vocabulary.facts[f].name.clone())
                    .collect();
                let mut reports = Vec::with_capacity(cases.len());
                for case in cases {
                    let mut within = at.facts.to_vec();
                    for &(fact, values) in &case.facts {
                        within[fact] = within[fact].intersect(values);
                    }
                    let at = Setting {
                        facts: &within,
                        ..*at
                    };
                    reports.push(CaseReport {
                        facts: named_fact_sets(self.terms, &case.facts, Some(self.date)),
                        decision: self.decision(&case.decision, &at, why_not, budget)?,
                    });
                }
                OutcomeReport::DependsOnFacts {
                    facts: names,
                    cases: reports,
                }
            }
        })
    }

    fn answer(
        &mut self,
        answer: &Answer,
        action: usize,
        class: &[ValueSet],
        given: &[bool],
        budget: &mut Budget,
    ) -> Result<(OutcomeReport, Vec<DisputeReport>), Exhausted> {
        let at = Setting {
            version: self.version_index,
            action,
            class,
            date: self.date,
            facts: self.facts,
            readings: self.readings,
        };
        let outcome = self.outcome(&answer.outcome, &at, true, budget)?;
        let mut disputes = Vec::with_capacity(answer.disputes.len());
        for effect in &answer.disputes {
            let dispute = &self.terms.vocabulary.disputes[effect.dispute];
            let mut alternatives = Vec::with_capacity(effect.alternatives.len());
            for (reading, alternative) in &effect.alternatives {
                alternatives.push(AlternativeReport {
                    reading: reading_report(self.terms, effect.dispute, *reading),
                    outcome: self.outcome(alternative, &at, false, budget)?,
                });
            }
            disputes.push(DisputeReport {
                dispute: dispute.id.clone(),
                question: dispute.question.clone(),
                reading: reading_report(self.terms, effect.dispute, effect.reading),
                reading_is_default: !given[effect.dispute],
                changes_answer: alternatives.iter().any(|a| a.outcome != outcome),
                alternatives,
            });
        }
        Ok((outcome, disputes))
    }
}

/// Reading `reading` of dispute `dispute`, with its summary and passages, for a report.
pub(crate) fn reading_report(terms: &Terms, dispute: usize, reading: usize) -> ReadingReport {
    let reading = &terms.vocabulary.disputes[dispute].readings[reading];
    ReadingReport {
        id: reading.id.clone(),
        summary: reading.summary.clone(),
        citations: reading.citations.clone(),
    }
}

/// The facts given, by name, as a question writes them, for a report.
pub(crate) fn named_facts(terms: &Terms, facts: &[(usize, Given)]) -> BTreeMap<String, String> {
    facts
        .iter()
        .map(|&(f, given)| {
            let fact = &terms.vocabulary.facts[f];
            let value = match given {
                Given::Class(v) => fact.values[v].clone(),
                Given::Number(n) => n.to_string(),
                Given::On(day) => day.to_string(),
                Given::Happened(happened) => happened.to_string(),
            };
            (fact.name.clone(), value)
        })
        .collect()
}

/// The reading of every dispute, by name: the one in `given`, or the default.
pub(crate) fn all_readings(terms: &Terms, given: &[(usize, usize)]) -> BTreeMap<String, String> {
    let readings = terms.readings_with(given);
    named_readings(terms, &readings.into_iter().enumerate().collect::<Vec<_>>())
}

/// (dispute, reading) index pairs by name, for a report.
pub(crate) fn named_readings(
    terms: &Terms,
    readings: &[(usize, usize)],
) -> BTreeMap<String, String> {
    readings
        .iter()
        .map(|&(d, r)| {
            let dispute = &terms.vocabulary.disputes[d];
            (dispute.id.clone(), dispute.readings[r].id.clone())
        })
        .collect()
}

/// What `given` says of each fact on `date`, as the classes of values each
/// fact may take: every class of a fact not given.
pub fn facts_on(terms: &Terms, given: &[(usize, Given)], date: NaiveDate) -> Vec<ValueSet> {
    let mut facts = terms.unknown_facts();
    for &(fact, value) in given {
        facts[fact] = value.classes_on(&terms.vocabulary.facts[fact].kind, date);
    }
    facts
}

/// What a branch, span or region asks of one fact: the values of a yes/no or
/// choice fact as a list (`["true"]`); for a number or an event, the words a
/// reader follows and the same ranges as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum FactValues {
    /// The values of a yes/no or choice fact.
    Values(Vec<String>),
    /// Ranges of a number fact.
    Numbers {
        /// In words: `` `days_overdue` > 30 ``.
        text: String,
        /// The ranges, as data.
        numbers: Vec<NumberBounds>,
    },
    /// Ranges of the day an event happens, on the date asked.
    Dates {
        /// In words: `` `agi_achieved` on or before 2026-01-01 ``.
        text: String,
        /// The ranges, as data.
        dates: Vec<DateBounds>,
    },
    /// Ranges of the time since an event, whatever the date (diff, timeline).
    Stages {
        /// In words: `` within 60 days after `deletion_request` ``.
        text: String,
        /// The ranges, as data.
        stages: Vec<StageBounds>,
    },
}

impl FactValues {
    /// The condition in words, as text output shows it: `name=value`,
    /// `name ∈ {a, b}`, or the words of a range.
    pub fn text(&self, name: &str) -> String {
        match self {
            FactValues::Values(values) => crate::ask::render::condition_text(name, values),
            FactValues::Numbers { text, .. }
            | FactValues::Dates { text, .. }
            | FactValues::Stages { text, .. } => text.clone(),
        }
    }
}

/// A range of numbers; an absent bound is unbounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NumberBounds {
    /// The lower bound, as a decimal.
    pub min: Option<String>,
    /// Whether the range includes `min`.
    pub min_included: bool,
    /// The upper bound, as a decimal.
    pub max: Option<String>,
    /// Whether the range includes `max`.
    pub max_included: bool,
}

/// The days an event may happen on, `[from, until)`; an absent bound is
/// unbounded. `or_never`: the range also holds if the event never happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DateBounds {
    /// The first day.
    pub from: Option<NaiveDate>,
    /// The first day after the range.
    pub until: Option<NaiveDate>,
    /// Whether the event never happening is in the range too.
    pub or_never: bool,
}

/// The time from an event to the date asked, `[from, until)` in `unit`s
/// (negative: before the event); an absent bound is unbounded.
/// `or_never`: the range also holds if the event never happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StageBounds {
    /// `day` or `month`.
    pub unit: &'static str,
    /// The least time since the event, if bounded.
    pub from: Option<i64>,
    /// The time since the event the range stops before, if bounded.
    pub until: Option<i64>,
    /// Whether the event never happening is in the range too.
    pub or_never: bool,
}

/// What the classes `values` of fact `fact` say, for a report: on `date`
/// (an answer) an event's classes are days it happens on; without one
/// (a diff, a timeline) they are times since it.
pub fn fact_values(
    terms: &Terms,
    fact: usize,
    values: ValueSet,
    date: Option<NaiveDate>,
) -> FactValues {
    let declared = &terms.vocabulary.facts[fact];
    let name = &declared.name;
    match (&declared.kind, date) {
        (FactKind::Choice, _) => FactValues::Values(
            values
                .indices()
                .map(|v| declared.values[v].clone())
                .collect(),
        ),
        (kind @ FactKind::Number { .. }, _) => FactValues::Numbers {
            text: kind.describe(name, values),
            numbers: kind
                .number_ranges(values)
                .into_iter()
                .map(|range| NumberBounds {
                    min: range.min.map(|(n, _)| n.to_string()),
                    min_included: range.min.is_some_and(|(_, included)| included),
                    max: range.max.map(|(n, _)| n.to_string()),
                    max_included: range.max.is_some_and(|(_, included)| included),
                })
                .collect(),
        },
        (kind @ FactKind::Event { .. }, Some(date)) => FactValues::Dates {
            text: kind.describe_on(name, date, values),
            dates: kind
                .event_dates(date, values)
                .into_iter()
                .map(|range| DateBounds {
                    from: range.after.and_then(|d| d.succ_opt()),
                    until: range.on_or_before.and_then(|d| d.succ_opt()),
                    or_never: range.never,
                })
                .collect(),
        },
        (kind @ FactKind::Event { unit, .. }, None) => FactValues::Stages {
            text: kind.describe(name, values),
            stages: kind
                .stage_ranges(values)
                .into_iter()
                .map(|(from, until)| StageBounds {
                    unit: unit.name(),
                    from,
                    until,
                    or_never: from.is_none(),
                })
                .collect(),
        },
    }
}

/// (fact, values) pairs by name, for a report; `date` as [`fact_values`] takes it.
pub(crate) fn named_fact_sets(
    terms: &Terms,
    facts: &[(usize, ValueSet)],
    date: Option<NaiveDate>,
) -> BTreeMap<String, FactValues> {
    facts
        .iter()
        .map(|&(f, values)| {
            (
                terms.vocabulary.facts[f].name.clone(),
                fact_values(terms, f, values, date),
            )
        })
        .collect()
}

/// An endpoint counted from an event, as a reader writes it:
/// `deletion_request + 60 days`; `None` for a calendar date.
pub fn endpoint_text(terms: &Terms, endpoint: Endpoint) -> Option<String> {
    let Endpoint::Event { event, offset } = endpoint else {
        return None;
    };
    let name = &terms.vocabulary.facts[event].name;
    Some(match offset.amount.signum() {
        0 => name.clone(),
        1 => format!("{name} + {offset}"),
        _ => format!("{name} - {offset}"),
    })
}

/// Describes rule `index` of `version` for a report.
pub fn rule_report(terms: &Terms, version: &Version, index: usize) -> RuleReport {
    let rule = &version.rules[index];
    RuleReport {
        id: rule.id.0.clone(),
        version: version.id.clone(),
        // A duty with a deadline reads as the duty, whichever of its parts comes first.
        effect: if rule.effect == Effect::Overdue {
            Effect::Oblige
        } else {
            rule.effect
        },
        action: rule.pattern.clone(),
        valid: rule.valid,
        from_event: rule.from.and_then(|e| endpoint_text(terms, e)),
        until_event: rule.until.and_then(|e| endpoint_text(terms, e)),
        due: rule.due.map(|due| match due {
            Endpoint::Date(date) => date.to_string(),
            event => endpoint_text(terms, event).unwrap_or_default(),
        }),
        done: rule.done.map(|e| terms.vocabulary.facts[e].name.clone()),
        survives_from: rule.survivor_of.map(|v| terms.versions[v].id.clone()),
        when: rule.when.clone(),
        reading: rule.reading.map(|r| {
            let dispute = &terms.vocabulary.disputes[r.dispute];
            format!("{}.{}", dispute.id, dispute.readings[r.reading].id)
        }),
        overrides: {
            let mut ids: Vec<String> = Vec::new();
            for &o in &rule.overrides {
                let id = &version.rules[o].id.0;
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            ids
        },
        location: rule.location.to_string(),
        note: rule.note.clone(),
        citations: rule.citations.clone(),
    }
}

/// Splits the parameters a query left open into classes: boxes of parameter
/// values that every rule of `rules` treats alike (it covers all of a box or
/// none of it), in the order of their lowest values. A parameter no rule
/// constrains stays whole; one the query fixes holds its one value.
pub(crate) fn parameter_classes<'r>(
    terms: &Terms,
    query: &Query,
    rules: impl IntoIterator<Item = &'r Rule>,
    budget: &mut Budget,
) -> Result<Vec<Cube>, Exhausted> {
    let action = &terms.vocabulary.actions[query.action];
    let root: Cube = action
        .params
        .iter()
        .zip(&query.params)
        .map(|(param, given)| match given {
            Some(value) => ValueSet::single(*value),
            None => ValueSet::full(param.values.len()),
        })
        .collect();
    let full: Vec<ValueSet> = action
        .params
        .iter()
        .map(|p| ValueSet::full(p.values.len()))
        .collect();
    let mut constraints: Vec<Vec<Constraint>> = rules
        .into_iter()
        .map(|rule| {
            rule.params
                .iter()
                .enumerate()
                .filter(|(p, set)| **set != full[*p])
                .map(|(dimension, &allowed)| Constraint { dimension, allowed })
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .collect();
    constraints.sort();
    constraints.dedup();
    let refs: Vec<&[Constraint]> = constraints.iter().map(Vec::as_slice).collect();
    let mut classes = Vec::new();
    space::explore(root, &refs, budget, |leaf| {
        classes.push(leaf.values.to_vec())
    })?;
    Ok(classes)
}

/// The first value of each parameter's class: the question that stands for the class.
pub(crate) fn representative(class: &[ValueSet]) -> Vec<usize> {
    class
        .iter()
        .map(|set| set.indices().next().expect("classes are never empty"))
        .collect()
}

/// Each parameter and its values in `class`, by name.
pub(crate) fn named_params(
    terms: &Terms,
    action: usize,
    class: &[ValueSet],
) -> BTreeMap<String, Vec<String>> {
    terms.vocabulary.actions[action]
        .params
        .iter()
        .zip(class)
        .map(|(p, set)| {
            (
                p.name.clone(),
                set.indices().map(|v| p.values[v].clone()).collect(),
            )
        })
        .collect()
}

fn param_dimensions(terms: &Terms, action: usize) -> Vec<Dimension> {
    (0..terms.vocabulary.actions[action].params.len())
        .map(Dimension::Param)
        .collect()
}

/// Turns an exhausted walk over facts into the error a user sees.
pub(crate) fn too_large_over_facts(
    command: &'static str,
    terms: &Terms,
    action: usize,
    exhausted: &Exhausted,
) -> TooLarge {
    // The walk over facts names facts by vocabulary index already.
    let dimensions: Vec<Dimension> = (0..terms.vocabulary.facts.len())
        .map(Dimension::Fact)
        .collect();
    TooLarge::new(command, terms, action, exhausted, &dimensions)
}

/// Turns an exhausted walk over parameters into the error a user sees.
pub(crate) fn too_large_over_params(
    command: &'static str,
    terms: &Terms,
    action: usize,
    exhausted: &Exhausted,
) -> TooLarge {
    TooLarge::new(
        command,
        terms,
        action,
        exhausted,
        &param_dimensions(terms, action),
    )
}

/// Answers a question under the version(s) it names, within `budget`.
///
/// Parameters the query leaves open are answered per class: values that no
/// rule valid on the date tells apart share one answer, and classes with the
/// same answers under every version asked are joined into one row.
pub fn ask(
    terms: &Terms,
    request: &AskRequest,
    budget: &mut Budget,
) -> Result<AskReport, AskError> {
    ask_with_breaches(terms, request, &request_breaches(terms, request), budget)
}

/// The breaches the facts of `request` pin down, or leave open for a reading.
fn request_breaches(terms: &Terms, request: &AskRequest) -> Breaches {
    terms.breaches(
        &request.facts,
        &request.readings,
        request.under.version(),
        request.date,
    )
}

/// Each breach event left open for a reading (of those `only` names, when
/// given), with the dispute whose reading moves it.
fn named_disputed(
    terms: &Terms,
    breaches: &Breaches,
    only: Option<&std::collections::HashSet<usize>>,
) -> BTreeMap<String, String> {
    breaches
        .disputed
        .iter()
        .filter(|(fact, _)| only.is_none_or(|only| only.contains(fact)))
        .map(|&(fact, dispute)| {
            (
                terms.vocabulary.facts[fact].name.clone(),
                terms.vocabulary.disputes[dispute].id.clone(),
            )
        })
        .collect()
}

/// [`ask`], with the breaches the request's facts pin down already found.
fn ask_with_breaches(
    terms: &Terms,
    request: &AskRequest,
    breaches: &Breaches,
    budget: &mut Budget,
) -> Result<AskReport, AskError> {
    let versions: Vec<usize> = match request.under {
        Under::All => (0..terms.versions.len()).collect(),
        Under::Version(v) => vec![v],
        Under::InForce => match terms.version_in_force(request.date) {
            Some(v) => vec![v],
            None => Vec::new(),
        },
    };
    let no_agreement = versions
        .is_empty()
        .then(|| NoVersionInForce::on(terms, request.date));
    let readings = terms.readings_with(&request.readings);
    let mut given = vec![false; readings.len()];
    for &(dispute, _) in &request.readings {
        given[dispute] = true;
    }
    let known: Vec<(usize, Given)> = request
        .facts
        .iter()
        .chain(&breaches.derived)
        .copied()
        .collect();
    let facts = facts_on(terms, &known, request.date);
    let action_index = request.query.action;
    let action = &terms.vocabulary.actions[action_index];
    let valid_rules = versions.iter().flat_map(|&v| {
        let version = &terms.versions[v];
        version
            .rules_for(action_index)
            .iter()
            .map(move |&i| &version.rules[i])
            .filter(|rule| rule.valid_on(request.date))
    });
    let classes = parameter_classes(terms, &request.query, valid_rules, budget)
        .map_err(|e| too_large_over_params("ask", terms, action_index, &e))?;
    // Each class's answers under every version asked; classes answered alike are joined.
    let mut answered: Vec<(Cube, Vec<Answer>)> = Vec::new();
    for class in classes {
        let params = representative(&class);
        let mut answers = Vec::with_capacity(versions.len());
        for &v in &versions {
            let question = Question {
                version: v,
                action: action_index,
                params: &params,
                date: request.date,
                facts: &facts,
                readings: &readings,
            };
            let answer = eval::answer(terms, &question, budget)
                .map_err(|e| too_large_over_facts("ask", terms, action_index, &e))?;
            answers.push(answer);
        }
        answered.push((class, answers));
    }
    let (rows, joined) = space::join_alike(answered);
    let mut reports = Vec::new();
    for (slot, &v) in versions.iter().enumerate() {
        let version = &terms.versions[v];
        let mut builder = Builder {
            terms,
            version,
            version_index: v,
            date: request.date,
            given: &known,
            facts: &facts,
            readings: &readings,
            rules: BTreeMap::new(),
        };
        let mut answers = Vec::with_capacity(joined.len());
        for (cube, row) in &joined {
            let (outcome, disputes) = builder
                .answer(&rows[*row][slot], action_index, cube, &given, budget)
                .map_err(|e| too_large_over_facts("ask", terms, action_index, &e))?;
            answers.push(AnswerReport {
                params: named_params(terms, action_index, cube),
                outcome,
                disputes,
            });
        }
        let life = version.life();
        let standing = if life.contains(request.date) {
            Standing::InForce
        } else if request.date < version.effective.date {
            Standing::NotYetInForce
        } else {
            Standing::Superseded
        };
        reports.push(VersionAnswers {
            version: version.id.clone(),
            title: version.title.clone(),
            effective: version.effective.date,
            superseded: version.superseded.as_ref().map(|s| s.date),
            standing,
            answers,
            rules: builder.rules,
        });
    }
    // The breaches this action's rules count from: the ones its answer names.
    let tested = terms.breach_events_of(action_index);
    Ok(AskReport {
        query: request.text.clone(),
        action: action.id.clone(),
        params: action
            .params
            .iter()
            .zip(&request.query.params)
            .map(|(p, given)| {
                let values = match given {
                    Some(value) => vec![p.values[*value].clone()],
                    None => p.values.clone(),
                };
                (p.name.clone(), values)
            })
            .collect(),
        columns: action.params.iter().map(|p| p.name.clone()).collect(),
        date: request.date,
        under: request.under.name(terms),
        facts: named_facts(terms, &request.facts),
        breaches: named_facts(
            terms,
            &breaches
                .derived
                .iter()
                .filter(|(fact, _)| tested.contains(fact))
                .copied()
                .collect::<Vec<_>>(),
        ),
        breaches_open: named_disputed(terms, breaches, Some(&tested)),
        readings: all_readings(terms, &request.readings),
        readings_given: named_readings(terms, &request.readings),
        versions: reports,
        no_agreement,
    })
}
