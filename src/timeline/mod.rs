//! How the verdict on one action moves over time, under each version.
//!
//! A timeline cuts the whole time line at every rule boundary of the action
//! and every version's effective and superseded date ([`space::sweep`], which
//! keeps the rules valid on each piece as it moves on); inside a piece nothing
//! changes, so one date answers for it. Adjacent pieces with the
//! same outcome are joined into [`Span`]s. Each lane is one version read as
//! written (or, under `in-force`, whichever version was in force) for one
//! combination of the parameters, one world of the events not given, and one
//! case of the other facts not given ([`cases`]): every span has one verdict.
//! A span whose verdict another reading of a dispute would change lists, per
//! dispute, the outcome under each other reading.

mod cases;
pub mod render;
pub mod svg;

use crate::ask::report::{
    AlternativeReport, CaseReport, DecidedBy, DecisionReport, DisputeReport, FactValues,
    OutcomeReport, VersionEdge, VersionReport, facts_on, named_fact_sets, named_facts,
    named_params, named_readings, parameter_classes, reading_report, representative,
    too_large_over_facts, too_large_over_params,
};
use crate::eval::{self, Outcome, Question};
use crate::interval::DateInterval;
use crate::query::{Query, Under};
use crate::space::{self, Budget, Cube, LISTED_RULES, TooLarge};
use crate::terms::{FactKind, Given, Offset, Terms, ValueSet};
use crate::verdict::Verdict;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What to draw: the action, parameters fixed or open, the versions, facts and readings.
#[derive(Debug, Clone)]
pub struct TimelineRequest {
    /// The query text, for the report.
    pub text: String,
    /// The resolved query.
    pub query: Query,
    /// Which version(s): one lane per version under `all`.
    pub under: Under,
    /// Facts given: (fact, what the question says of it) pairs.
    pub facts: Vec<(usize, Given)>,
    /// Readings given: (dispute, reading) pairs; other disputes use their default.
    pub readings: Vec<(usize, usize)>,
}

/// `covenant timeline 'party.*'`: each action of the query over time.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TimelinePosition {
    /// The query as given, e.g. `provider.*`.
    pub query: String,
    /// One timeline per action, in the vocabulary's order.
    pub actions: Vec<TimelineReport>,
}

/// The verdict over time for each lane, and the dates worth marking.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TimelineReport {
    /// The query as given.
    pub query: String,
    /// The action.
    pub action: String,
    /// `all`, `in-force` or a version id.
    pub under: String,
    /// The facts given.
    pub facts: BTreeMap<String, String>,
    /// The reading of every dispute used: the one given, or the default.
    pub readings: BTreeMap<String, String>,
    /// The readings of the disputes that some rule about the action is read
    /// under: the ones that can matter here.
    pub readings_used: BTreeMap<String, String>,
    /// Every version a lane or span answers under, in order, each with the
    /// rules the outcomes name under it.
    pub versions: Vec<VersionReport>,
    /// One lane per version (or the version in force) and class of parameter
    /// values: values that no rule tells apart, or that move alike, share a lane.
    pub lanes: Vec<Lane>,
    /// Effective and superseded dates of the versions, and the rule boundaries, in date order.
    pub marks: Vec<Mark>,
}

/// One row of the timeline.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Lane {
    /// The version the lane reads as written (its dates are in the report's
    /// `versions`); `null` for the lane of the version in force on each date.
    pub version: Option<String>,
    /// Each parameter and its values in this lane.
    pub params: BTreeMap<String, Vec<String>>,
    /// The facts not given that this lane assumes, so that each world and
    /// case reads on a lane of its own: for an event the rules count from, its
    /// stages (`once agi_achieved has happened`); for another fact the
    /// verdict depends on, its values. Empty when no such fact matters.
    pub facts: BTreeMap<String, FactValues>,
    /// The spans, tiling the whole time line in order.
    pub spans: Vec<Span>,
}

/// A stretch of time with one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Span {
    /// The first date, or `null` from the beginning of time.
    pub from: Option<NaiveDate>,
    /// The first date after, or `null` for ever.
    pub until: Option<NaiveDate>,
    /// The version that answers (under `in-force`, the one in force; `null` when none was).
    pub version: Option<String>,
    /// The outcome: on a lane, always decided (or no agreement); the rules
    /// it names are at most ten, `more_rules` counting the rest.
    pub outcome: OutcomeReport,
    /// The disputes another reading of which gives another outcome here; empty
    /// when the span is not disputed.
    pub disputes: Vec<DisputeReport>,
}

/// A date worth marking on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Mark {
    /// The date.
    pub date: NaiveDate,
    /// `effective`, `superseded`, `rule` (a rule starts or ends) or `event`
    /// (an event given with its day, or a duration counted from it).
    pub kind: &'static str,
    /// What the mark is about: the version's id, the rule's id or the event's name.
    pub subject: String,
    /// What happens on it, e.g. `new takes effect` or `new.host.any_cloud starts`.
    pub label: String,
}

/// The rules a timeline's outcomes name, per version (by index): the piece
/// each id was first met as, to describe it once.
type Named = BTreeMap<usize, BTreeMap<String, usize>>;

/// The first [`LISTED_RULES`] of `indices` by id, and how many more there
/// are; the listed ones are noted in `named`.
fn rule_names(
    version: usize,
    rules: &[crate::terms::Rule],
    indices: &[usize],
    named: &mut Named,
) -> (Vec<String>, usize) {
    let names = indices
        .iter()
        .take(LISTED_RULES)
        .map(|&i| {
            let id = rules[i].id.0.clone();
            named
                .entry(version)
                .or_default()
                .entry(id.clone())
                .or_insert(i);
            id
        })
        .collect();
    (names, indices.len().saturating_sub(LISTED_RULES))
}

/// One branch of a decision tree: its (fact, values) pairs, verdict and deciding rules.
type Branch = (Vec<(usize, ValueSet)>, Verdict, Vec<usize>);

/// A span's outcome while the lanes are built, with facts and rules as indices
/// (rules into the answering version's), so that cases can be intersected.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// One verdict, and the rules that decide it.
    Decided(Verdict, Vec<usize>),
    /// A decision tree over facts not given: (facts, verdict, rules) per
    /// branch; the branches disagree on the verdict.
    Cases(Vec<Branch>),
    /// No version was in force.
    NoAgreement {
        /// The version that ended before, if any.
        ended: Option<VersionEdge>,
        /// The version that takes effect next, if any.
        next: Option<VersionEdge>,
    },
}

impl Shape {
    fn of(outcome: &Outcome) -> Shape {
        match outcome {
            Outcome::Decided(decision) => {
                Shape::Decided(decision.verdict, decision.deciding.clone())
            }
            Outcome::DependsOnFacts { cases, .. } => Shape::from_branches(
                cases
                    .iter()
                    .map(|case| {
                        (
                            case.facts.clone(),
                            case.decision.verdict,
                            case.decision.deciding.clone(),
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// Branches that all give one verdict are that verdict, decided by the
    /// rules of any of them: only which rule decides depends on the facts.
    fn from_branches(branches: Vec<Branch>) -> Shape {
        match branches.first() {
            Some((_, verdict, _)) if branches.iter().all(|(_, v, _)| v == verdict) => {
                let mut rules: Vec<usize> = branches
                    .iter()
                    .flat_map(|(_, _, rules)| rules.iter().copied())
                    .collect();
                rules.sort_unstable();
                rules.dedup();
                Shape::Decided(*verdict, rules)
            }
            _ => Shape::Cases(branches),
        }
    }

    /// The verdicts it can give, in first-seen order.
    fn verdicts(&self) -> Vec<Verdict> {
        match self {
            Shape::Decided(verdict, _) => vec![*verdict],
            Shape::Cases(branches) => {
                let mut verdicts: Vec<Verdict> = Vec::new();
                for (_, verdict, _) in branches {
                    if !verdicts.contains(verdict) {
                        verdicts.push(*verdict);
                    }
                }
                verdicts
            }
            Shape::NoAgreement { .. } => Vec::new(),
        }
    }

    /// The shape as an outcome report; the rules it names are noted in `named`.
    fn outcome(
        &self,
        terms: &Terms,
        action: usize,
        version: Option<usize>,
        named: &mut Named,
    ) -> OutcomeReport {
        let mut decision = |verdict: Verdict, deciding: &[usize]| {
            let (rules, more_rules) = match version {
                Some(v) => rule_names(v, &terms.versions[v].rules, deciding, named),
                None => (Vec::new(), 0),
            };
            let default = deciding.is_empty();
            DecisionReport {
                verdict,
                decided_by: if default {
                    DecidedBy::Default
                } else {
                    DecidedBy::Rule
                },
                rules,
                more_rules,
                overridden: Vec::new(),
                default_reason: default
                    .then(|| terms.vocabulary.actions[action].default_reason.clone()),
                due: None,
                not_applying: None,
            }
        };
        match self {
            Shape::Decided(verdict, deciding) => OutcomeReport::Decided {
                decision: decision(*verdict, deciding),
            },
            Shape::Cases(branches) => {
                let mut facts: Vec<usize> = branches
                    .iter()
                    .flat_map(|(facts, _, _)| facts.iter().map(|(f, _)| *f))
                    .collect();
                facts.sort_unstable();
                facts.dedup();
                OutcomeReport::DependsOnFacts {
                    facts: facts
                        .iter()
                        .map(|&f| terms.vocabulary.facts[f].name.clone())
                        .collect(),
                    cases: branches
                        .iter()
                        .map(|(facts, verdict, deciding)| CaseReport {
                            facts: named_fact_sets(terms, facts, None),
                            decision: decision(*verdict, deciding),
                        })
                        .collect(),
                }
            }
            Shape::NoAgreement { ended, next } => OutcomeReport::NoAgreement {
                ended: ended.clone(),
                next: next.clone(),
            },
        }
    }
}

/// A dispute read on a span while the lanes are built: (dispute, reading
/// used, each other reading with its shape).
type Disputed = (usize, usize, Vec<(usize, Shape)>);

/// A span while the lanes are built.
#[derive(Debug, Clone, PartialEq)]
struct RowSpan {
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    version: Option<usize>,
    shape: Shape,
    disputes: Vec<Disputed>,
}

impl RowSpan {
    /// The span as a lane of `case` shows it: one verdict, and the disputes
    /// whose other readings give another outcome within the case. `given`:
    /// per dispute, whether the question gave its reading.
    fn public(
        &self,
        terms: &Terms,
        action: usize,
        case: &[ValueSet],
        given: &[bool],
        named: &mut Named,
    ) -> Span {
        let shape = self.shape.within(terms, case);
        let verdicts = shape.verdicts();
        let mut disputes = Vec::new();
        for (dispute, reading, alternatives) in &self.disputes {
            let alternatives: Vec<(usize, Shape)> = alternatives
                .iter()
                .map(|(r, alternative)| (*r, alternative.within(terms, case)))
                .collect();
            if alternatives.iter().all(|(_, a)| a.verdicts() == verdicts) {
                continue;
            }
            let declared = &terms.vocabulary.disputes[*dispute];
            disputes.push(DisputeReport {
                dispute: declared.id.clone(),
                question: declared.question.clone(),
                reading: reading_report(terms, *dispute, *reading),
                reading_is_default: !given[*dispute],
                changes_answer: true,
                alternatives: alternatives
                    .iter()
                    .map(|(r, alternative)| AlternativeReport {
                        reading: reading_report(terms, *dispute, *r),
                        outcome: alternative.outcome(terms, action, self.version, named),
                    })
                    .collect(),
            });
        }
        Span {
            from: self.from,
            until: self.until,
            version: self.version.map(|v| terms.versions[v].id.clone()),
            outcome: shape.outcome(terms, action, self.version, named),
            disputes,
        }
    }
}

/// Joins adjacent spans that read the same.
fn join_adjacent(spans: Vec<Span>) -> Vec<Span> {
    let mut joined: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match joined.last_mut() {
            Some(last)
                if last.outcome == span.outcome
                    && last.version == span.version
                    && last.disputes == span.disputes =>
            {
                last.until = span.until;
            }
            _ => joined.push(span),
        }
    }
    joined
}

/// For each event given with its day, the days the action's rules count from
/// it: the day itself and each duration after or before it, as (fact, offset, date).
fn event_days(
    terms: &Terms,
    action: usize,
    facts: &[(usize, Given)],
) -> Vec<(usize, Offset, NaiveDate)> {
    let mut days = Vec::new();
    for &(fact, given) in facts {
        let (Given::On(day), FactKind::Event { unit, offsets }) =
            (given, &terms.vocabulary.facts[fact].kind)
        else {
            continue;
        };
        let rules = || {
            terms.versions.iter().flat_map(move |version| {
                version
                    .rules_for(action)
                    .iter()
                    .map(move |&i| &version.rules[i])
            })
        };
        for &amount in offsets {
            let counted = |end: Option<crate::terms::Endpoint>| {
                matches!(end, Some(crate::terms::Endpoint::Event { event, offset })
                    if event == fact && offset.amount == amount)
            };
            let used = rules().any(|rule| {
                counted(rule.from)
                    || counted(rule.until)
                    || counted(rule.due)
                    || (amount == 0 && rule.done == Some(fact))
                    || (amount == 0
                        && rule.formula.as_ref().is_some_and(|f| {
                            let mut named = Vec::new();
                            f.facts(&mut named);
                            named.contains(&fact)
                        }))
            });
            let offset = Offset {
                amount,
                unit: *unit,
            };
            if let (true, Some(date)) = (used || amount == 0, offset.after(day)) {
                days.push((fact, offset, date));
            }
        }
    }
    days
}

fn marks(terms: &Terms, action: usize, facts: &[(usize, Given)]) -> Vec<Mark> {
    let mut marks = Vec::new();
    // An event given with its day, and each duration the rules count from it.
    for (fact, offset, date) in event_days(terms, action, facts) {
        let name = &terms.vocabulary.facts[fact].name;
        let label = match offset.amount.signum() {
            0 => format!("`{name}` happens"),
            1 => format!("{offset} after `{name}`"),
            _ => format!("{offset} before `{name}`"),
        };
        marks.push(Mark {
            date,
            kind: "event",
            subject: name.clone(),
            label,
        });
    }
    for version in &terms.versions {
        marks.push(Mark {
            date: version.effective.date,
            kind: "effective",
            subject: version.id.clone(),
            label: format!("`{}` takes effect", version.id),
        });
        if let Some(superseded) = &version.superseded {
            marks.push(Mark {
                date: superseded.date,
                kind: "superseded",
                subject: version.id.clone(),
                label: format!("`{}` superseded", version.id),
            });
        }
        for &index in version.rules_for(action) {
            let rule = &version.rules[index];
            if let Some(from) = rule.valid.from() {
                marks.push(Mark {
                    date: from,
                    kind: "rule",
                    subject: rule.id.0.clone(),
                    label: format!("{} starts", rule.id),
                });
            }
            if let Some(until) = rule.valid.until() {
                marks.push(Mark {
                    date: until,
                    kind: "rule",
                    subject: rule.id.0.clone(),
                    label: format!("{} ends", rule.id),
                });
            }
        }
    }
    marks.sort_by(|a, b| {
        (a.date, a.kind, &a.label, &a.subject).cmp(&(b.date, b.kind, &b.label, &b.subject))
    });
    marks.dedup();
    marks
}

/// The worlds a timeline shows side by side: for each event not given that
/// the rules about the action count from, each class of its stages those
/// rules treat alike (the product, over several events); one empty world when
/// there is none. Fails, before building them, when there would be more than
/// `budget` lets a report hold.
fn worlds<'r>(
    terms: &Terms,
    given: &[(usize, Given)],
    rules: impl Iterator<Item = &'r crate::terms::Rule> + Clone,
    budget: &mut Budget,
) -> Result<Vec<Vec<(usize, ValueSet)>>, space::Exhausted> {
    let mut events: Vec<usize> = rules
        .clone()
        .flat_map(|rule| rule.condition.iter().map(|(fact, _)| *fact))
        .filter(|&fact| {
            terms.vocabulary.facts[fact].is_event() && !given.iter().any(|(g, _)| *g == fact)
        })
        .collect();
    events.sort_unstable();
    events.dedup();
    let classes: Vec<Vec<ValueSet>> = events
        .iter()
        .map(|&event| {
            let all = ValueSet::full(terms.vocabulary.facts[event].values.len());
            let asked = rules.clone().flat_map(|rule| {
                rule.condition
                    .iter()
                    .filter(move |(fact, _)| *fact == event)
                    .map(|(_, allowed)| *allowed)
            });
            space::classes_of(all, asked)
        })
        .collect();
    let count = classes
        .iter()
        .fold(1usize, |n, c| n.saturating_mul(c.len()));
    budget
        .spend_reported(count)
        .map_err(|exhausted| space::Exhausted {
            dimensions: events.clone(),
            ..exhausted
        })?;
    let mut worlds: Vec<Vec<(usize, ValueSet)>> = vec![Vec::new()];
    for (&event, classes) in events.iter().zip(&classes) {
        worlds = worlds
            .into_iter()
            .flat_map(|world| {
                classes.iter().map(move |&class| {
                    let mut world = world.clone();
                    world.push((event, class));
                    world
                })
            })
            .collect();
    }
    Ok(worlds)
}

/// The worlds `joined` (indices into `worlds`, which all give the same spans)
/// as few lane labels as stay exact: every world at once is no label; worlds
/// that form a box (a set of stages per event) are one label; otherwise one
/// label per world.
fn world_groups(
    terms: &Terms,
    worlds: &[Vec<(usize, ValueSet)>],
    joined: &[usize],
) -> Vec<BTreeMap<String, FactValues>> {
    if joined.len() == worlds.len() {
        return vec![BTreeMap::new()];
    }
    let events: Vec<usize> = worlds[0].iter().map(|(event, _)| *event).collect();
    let mut sets = vec![ValueSet::default(); events.len()];
    let mut distinct: Vec<Vec<ValueSet>> = vec![Vec::new(); events.len()];
    for &world in joined {
        for (at, &(_, class)) in worlds[world].iter().enumerate() {
            sets[at] = sets[at].union(class);
            if !distinct[at].contains(&class) {
                distinct[at].push(class);
            }
        }
    }
    let volume: usize = distinct.iter().map(Vec::len).product();
    let label = |pairs: Vec<(usize, ValueSet)>| {
        named_fact_sets(
            terms,
            &pairs
                .into_iter()
                .filter(|(event, set)| set.len() < terms.vocabulary.facts[*event].values.len())
                .collect::<Vec<_>>(),
            None,
        )
    };
    if volume == joined.len() {
        return vec![label(events.iter().copied().zip(sets).collect())];
    }
    joined
        .iter()
        .map(|&world| label(worlds[world].clone()))
        .collect()
}

/// Builds the timeline of an action: for each lane, the spans of equal outcome
/// over all time. Parameters left open get a lane per class of values no rule
/// tells apart; classes whose lanes are the same are joined. Fails when the
/// answers would pass `budget`.
pub fn timeline(
    terms: &Terms,
    request: &TimelineRequest,
    budget: &mut Budget,
) -> Result<TimelineReport, TooLarge> {
    let action_index = request.query.action;
    let action = &terms.vocabulary.actions[action_index];
    // The rules of every version about the action, and each version's life
    // (which cuts time too, for the lane of the version in force).
    let mut owners: Vec<Option<(usize, usize)>> = Vec::new();
    let mut intervals: Vec<DateInterval> = Vec::new();
    for (v, version) in terms.versions.iter().enumerate() {
        for &index in version.rules_for(action_index) {
            if !version.rules[index].empty_interval {
                owners.push(Some((v, index)));
                intervals.push(version.rules[index].valid);
            }
        }
        owners.push(None);
        intervals.push(version.life());
    }
    // An event given with its day moves from stage to stage on the dates its
    // durations reach: time is cut there too.
    for (_, _, date) in event_days(terms, action_index, &request.facts) {
        if let Ok(interval) = DateInterval::new(Some(date), None) {
            owners.push(None);
            intervals.push(interval);
        }
    }
    let readings = terms.readings_with(&request.readings);
    // Each lane answers under a fixed version, or under the one in force (None).
    let lanes: Vec<Option<usize>> = match request.under {
        Under::All => (0..terms.versions.len()).map(Some).collect(),
        Under::Version(v) => vec![Some(v)],
        Under::InForce => vec![None],
    };
    let action_rules = terms.versions.iter().flat_map(|version| {
        version
            .rules_for(action_index)
            .iter()
            .map(move |&i| &version.rules[i])
    });
    let classes = parameter_classes(terms, &request.query, action_rules.clone(), budget)
        .map_err(|e| too_large_over_params("timeline", terms, action_index, &e))?;
    let worlds = worlds(terms, &request.facts, action_rules, budget)
        .map_err(|e| too_large_over_facts("timeline", terms, action_index, &e))?;
    // One row per lane, world and class, filled piece by piece as the sweep moves on.
    struct Row {
        lane: Option<usize>,
        world: usize,
        params: Vec<usize>,
        spans: Vec<RowSpan>,
    }
    let mut rows: Vec<Row> = Vec::new();
    for &lane in &lanes {
        for world in 0..worlds.len() {
            for class in &classes {
                rows.push(Row {
                    lane,
                    world,
                    params: representative(class),
                    spans: Vec::new(),
                });
            }
        }
    }
    let mut failure: Option<TooLarge> = None;
    let mut valid_rules: Vec<Vec<usize>> = vec![Vec::new(); terms.versions.len()];
    let mut other_readings = readings.clone();
    space::sweep(DateInterval::ALWAYS, &intervals, |piece, valid| {
        if failure.is_some() {
            return;
        }
        for rules in &mut valid_rules {
            rules.clear();
        }
        for &i in valid {
            if let Some((v, index)) = owners[i] {
                valid_rules[v].push(index);
            }
        }
        for rules in &mut valid_rules {
            rules.sort_unstable();
        }
        let date = piece.representative();
        let given = facts_on(terms, &request.facts, date);
        let mut facts = given.clone();
        for row in &mut rows {
            facts.clone_from(&given);
            for &(event, class) in &worlds[row.world] {
                facts[event] = class;
            }
            let version = row.lane.or_else(|| terms.version_in_force(date));
            let (shape, disputes) = match version {
                Some(v) => {
                    let mut ask = |readings: &[usize]| {
                        let question = Question {
                            version: v,
                            action: action_index,
                            params: &row.params,
                            date,
                            facts: &facts,
                            readings,
                        };
                        eval::outcome_among(terms, &question, &valid_rules[v], budget)
                            .map(|outcome| Shape::of(&outcome))
                    };
                    let answered = ask(&readings).and_then(|shape| {
                        // Each dispute a rule that could apply here is read
                        // under, asked again under its every other reading.
                        let rules = &terms.versions[v].rules;
                        let mut read: Vec<usize> = valid_rules[v]
                            .iter()
                            .filter(|&&i| rules[i].covers(&row.params))
                            .filter_map(|&i| rules[i].reading.map(|r| r.dispute))
                            .collect();
                        read.sort_unstable();
                        read.dedup();
                        let mut disputes = Vec::new();
                        for dispute in read {
                            let mut alternatives = Vec::new();
                            for other in 0..terms.vocabulary.disputes[dispute].readings.len() {
                                if other == readings[dispute] {
                                    continue;
                                }
                                other_readings[dispute] = other;
                                alternatives.push((other, ask(&other_readings)?));
                            }
                            other_readings[dispute] = readings[dispute];
                            if alternatives
                                .iter()
                                .any(|(_, a)| a.verdicts() != shape.verdicts())
                                || alternatives.iter().any(|(_, a)| *a != shape)
                                    && matches!(shape, Shape::Cases(_))
                            {
                                disputes.push((dispute, readings[dispute], alternatives));
                            }
                        }
                        Ok((shape, disputes))
                    });
                    match answered {
                        Ok(answered) => answered,
                        Err(e) => {
                            failure =
                                Some(too_large_over_facts("timeline", terms, action_index, &e));
                            return;
                        }
                    }
                }
                None => {
                    let none = crate::ask::report::NoVersionInForce::on(terms, date);
                    let shape = Shape::NoAgreement {
                        ended: none.ended,
                        next: none.next,
                    };
                    (shape, Vec::new())
                }
            };
            if let Some(span) = row.spans.last_mut().filter(|span| {
                span.version == version && span.shape == shape && span.disputes == disputes
            }) {
                span.until = piece.until();
                continue;
            }
            if let Err(e) = budget.spend_reported(1) {
                failure = Some(too_large_over_params("timeline", terms, action_index, &e));
                return;
            }
            row.spans.push(RowSpan {
                from: piece.from(),
                until: piece.until(),
                version,
                shape,
                disputes,
            });
        }
    });
    if let Some(too_large) = failure {
        return Err(too_large);
    }
    let mut report_lanes = Vec::new();
    let mut named = Named::new();
    let mut given = vec![false; terms.vocabulary.disputes.len()];
    for &(dispute, _) in &request.readings {
        given[dispute] = true;
    }
    let per_lane = worlds.len() * classes.len();
    for (slot, &lane) in lanes.iter().enumerate() {
        // Classes with the same spans share a lane; so do worlds.
        let mut seen: Vec<(Vec<RowSpan>, Cube, Vec<usize>)> = Vec::new();
        for world in 0..worlds.len() {
            let start = slot * per_lane + world * classes.len();
            let (spans, lane_rows) = space::join_alike(
                classes
                    .iter()
                    .zip(&rows[start..])
                    .map(|(class, row)| (class.clone(), row.spans.clone())),
            );
            for (cube, row) in lane_rows {
                let spans = &spans[row];
                match seen.iter_mut().find(|(s, c, _)| s == spans && *c == cube) {
                    Some((_, _, joined)) => joined.push(world),
                    None => seen.push((spans.clone(), cube, vec![world])),
                }
            }
        }
        for (spans, cube, joined) in seen {
            // A lane per case of the facts its verdict depends on; cases
            // whose spans read the same share one.
            let cases = cases::refine(terms, spans.iter().map(|s| &s.shape), budget)
                .map_err(|e| too_large_over_facts("timeline", terms, action_index, &e))?;
            let (case_spans, case_lanes) = space::join_alike(cases.into_iter().map(|case| {
                let public = spans
                    .iter()
                    .map(|span| span.public(terms, action_index, &case, &given, &mut named))
                    .collect();
                (case, join_adjacent(public))
            }));
            for world in world_groups(terms, &worlds, &joined) {
                for (case, at) in &case_lanes {
                    let mut world = world.clone();
                    world.extend(named_fact_sets(terms, &cases::pairs_of(terms, case), None));
                    report_lanes.push(Lane {
                        version: lane.map(|v| terms.versions[v].id.clone()),
                        params: named_params(terms, action_index, &cube),
                        facts: world,
                        spans: case_spans[*at].clone(),
                    });
                }
            }
        }
    }
    Ok(TimelineReport {
        query: request.text.clone(),
        action: action.id.clone(),
        under: request.under.name(terms),
        facts: named_facts(terms, &request.facts),
        readings: named_readings(
            terms,
            &readings.iter().copied().enumerate().collect::<Vec<_>>(),
        ),
        readings_used: named_readings(
            terms,
            &readings_used(terms, action_index)
                .into_iter()
                .map(|d| (d, readings[d]))
                .collect::<Vec<_>>(),
        ),
        versions: (0..terms.versions.len())
            .filter(|v| {
                lanes.contains(&Some(*v))
                    || report_lanes
                        .iter()
                        .flat_map(|lane| &lane.spans)
                        .any(|span| span.version.as_deref() == Some(&terms.versions[*v].id))
            })
            .map(|v| {
                let rules: Option<Vec<usize>> =
                    named.get(&v).map(|ids| ids.values().copied().collect());
                VersionReport::of(terms, v, rules.unwrap_or_default())
            })
            .collect(),
        lanes: report_lanes,
        marks: marks(terms, action_index, &request.facts),
    })
}

/// The disputes some rule about `action`, in any version, is read under, in vocabulary order.
fn readings_used(terms: &Terms, action: usize) -> Vec<usize> {
    let mut disputes: Vec<usize> = terms
        .versions
        .iter()
        .flat_map(|version| {
            version
                .rules_for(action)
                .iter()
                .filter_map(|&i| version.rules[i].reading.map(|r| r.dispute))
        })
        .collect();
    disputes.sort_unstable();
    disputes.dedup();
    disputes
}
