//! What `covenant show` reports about a rule, as data: everything the rule
//! says, and each passage it cites in the sentence that holds it.

use super::sentence::{self, InSentence};
use crate::ask::report::{endpoint_text, rule_report};
use crate::interval::DateInterval;
use crate::terms::{Citation, Endpoint, Survival, Terms, Version};
use crate::verdict::Effect;
use serde::Serialize;

/// The rules `covenant show RULE_ID` found: one per version that has the id.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ShowReport {
    /// The id asked about.
    pub id: String,
    /// The versions that have a rule of that id, in version order (all of
    /// them, even when `--version` picked one).
    pub in_versions: Vec<String>,
    /// The rule as written in each version shown.
    pub rules: Vec<ShownRule>,
}

/// One rule, everything it says.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ShownRule {
    /// The rule's id.
    pub id: String,
    /// The version it belongs to.
    pub version: String,
    /// That version's title.
    pub version_title: String,
    /// The dates that version was in force.
    pub version_life: DateInterval,
    /// `file:line:column` of the rule.
    pub location: String,
    /// What the rule does: `permit`, `forbid` or `oblige`.
    pub effect: Effect,
    /// Its action pattern as written, e.g. `openai.host_models(cloud != azure)`.
    pub action: String,
    /// Each parameter of the action and the values the rule covers.
    pub params: Vec<ParamValues>,
    /// `from` as written: a date, or counted from an event (`deletion_request`).
    pub from: Option<String>,
    /// `until` as written (the first day the rule no longer applies): a date,
    /// or counted from an event (`deletion_request + 60 days`).
    pub until: Option<String>,
    /// The condition as written.
    pub when: Option<String>,
    /// A duty's deadline as written: a date, or counted from an event.
    pub due: Option<String>,
    /// The event by which a duty is performed.
    pub done: Option<String>,
    /// How long the rule outlives its version: `true` (until its own end) or a duration.
    pub survives: Option<String>,
    /// For a surviving rule carried into a later version: the version it was written in.
    pub survives_from: Option<String>,
    /// Where a surviving rule is carried: each later version, the id it has
    /// there and the dates it applies there.
    pub carried_into: Vec<Carried>,
    /// The rules of the same version it beats when both apply.
    pub overrides: Vec<String>,
    /// The rules of the same version that beat it when both apply.
    pub overridden_by: Vec<String>,
    /// The side of a dispute it belongs to, if any.
    pub reading: Option<RuleReading>,
    /// The author's note.
    pub note: Option<String>,
    /// The passages it rests on, each in its sentence.
    pub citations: Vec<CitedSentence>,
}

/// A parameter and the values a rule covers.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ParamValues {
    /// The parameter's name.
    pub name: String,
    /// The values covered, in domain order.
    pub values: Vec<String>,
    /// Whether that is every value of the domain.
    pub all: bool,
}

/// A surviving rule as carried into a later version.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Carried {
    /// The later version.
    pub version: String,
    /// The rule's id there, e.g. `first/insurance`.
    pub id: String,
    /// The dates it applies there.
    pub valid: DateInterval,
}

/// The reading of a dispute a rule applies under.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RuleReading {
    /// The dispute's id.
    pub dispute: String,
    /// The question the sources answer differently.
    pub question: String,
    /// The reading's id.
    pub reading: String,
    /// What the reading says.
    pub summary: String,
    /// The dispute's default reading.
    pub default: String,
}

/// A citation and the sentence of its seed that holds the quote.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CitedSentence {
    /// The seed's file name.
    pub seed: String,
    /// The line of the seed where the quote starts.
    pub line: usize,
    /// The quote, verbatim, with the sentence around it (the quote alone
    /// should the seed be missing, which loading rules out).
    #[serde(flatten)]
    pub sentence: InSentence,
}

/// Why `covenant show` found no rule to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShowError {
    /// No version has a rule of that id.
    #[error("unknown rule `{id}`")]
    UnknownRule {
        /// The id asked about.
        id: String,
        /// A "did you mean", or the known ids.
        hint: String,
    },
    /// Other versions have the rule, not the one asked for.
    #[error("version `{version}` has no rule `{id}`")]
    NotInVersion {
        /// The id asked about.
        id: String,
        /// The version asked for.
        version: String,
        /// The versions that have it.
        found_in: Vec<String>,
    },
}

impl ShowError {
    /// What to do instead.
    pub fn hint(&self) -> String {
        match self {
            ShowError::UnknownRule { hint, .. } => hint.clone(),
            ShowError::NotInVersion { found_in, .. } => {
                let names: Vec<String> = found_in.iter().map(|v| format!("`{v}`")).collect();
                format!(
                    "it is in {}; leave out --version to see it",
                    names.join(", ")
                )
            }
        }
    }
}

/// The rules called `id`: in `version` only when given, else in each version
/// that has one, in version order. Each version's rules as written are
/// searched, survivors carried in from earlier versions (`first/insurance`) included.
pub fn show(terms: &Terms, id: &str, version: Option<usize>) -> Result<ShowReport, ShowError> {
    let found: Vec<(usize, usize)> = terms
        .versions
        .iter()
        .enumerate()
        .filter_map(|(v, version)| {
            version
                .written_rules()
                .find(|(_, rule)| rule.id.0 == id)
                .map(|(index, _)| (v, index))
        })
        .collect();
    if found.is_empty() {
        let mut known: Vec<&str> = terms
            .versions
            .iter()
            .flat_map(|v| v.written_rules().map(|(_, r)| r.id.0.as_str()))
            .collect();
        known.sort_unstable();
        known.dedup();
        return Err(ShowError::UnknownRule {
            id: id.to_string(),
            hint: crate::diagnostic::did_you_mean(id, "rule", known),
        });
    }
    let in_versions: Vec<String> = found
        .iter()
        .map(|&(v, _)| terms.versions[v].id.clone())
        .collect();
    let shown: Vec<(usize, usize)> = match version {
        None => found,
        Some(asked) => {
            let one: Vec<(usize, usize)> = found.into_iter().filter(|&(v, _)| v == asked).collect();
            if one.is_empty() {
                return Err(ShowError::NotInVersion {
                    id: id.to_string(),
                    version: terms.versions[asked].id.clone(),
                    found_in: in_versions,
                });
            }
            one
        }
    };
    Ok(ShowReport {
        id: id.to_string(),
        in_versions,
        rules: shown
            .into_iter()
            .map(|(v, index)| shown_rule(terms, v, index))
            .collect(),
    })
}

/// An endpoint as written: a date, or counted from an event.
fn endpoint(terms: &Terms, end: Endpoint) -> String {
    match end {
        Endpoint::Date(date) => date.to_string(),
        event => endpoint_text(terms, event).unwrap_or_default(),
    }
}

/// `from` or `until` as written; for a survivor carried into a later
/// version, a calendar date as narrowed there (`carried`: the date it has there).
fn dates_of(
    terms: &Terms,
    rule: &crate::terms::Rule,
    written: Option<Endpoint>,
    carried: Option<chrono::NaiveDate>,
) -> Option<String> {
    match written {
        Some(event @ Endpoint::Event { .. }) => Some(endpoint(terms, event)),
        _ if rule.survivor_of.is_some() => carried.map(|date| date.to_string()),
        written => written.map(|e| endpoint(terms, e)),
    }
}

/// Rule `index` of version `v`, everything it says.
fn shown_rule(terms: &Terms, v: usize, index: usize) -> ShownRule {
    let version = &terms.versions[v];
    let rule = &version.rules[index];
    let base = rule_report(terms, version, index);
    let action = &terms.vocabulary.actions[rule.action];
    let params = action
        .params
        .iter()
        .zip(&rule.params)
        .map(|(param, set)| ParamValues {
            name: param.name.clone(),
            values: set.indices().map(|i| param.values[i].clone()).collect(),
            all: set.len() == param.values.len(),
        })
        .collect();
    ShownRule {
        id: base.id,
        version: version.id.clone(),
        version_title: version.title.clone(),
        version_life: version.life(),
        location: base.location,
        effect: base.effect,
        action: base.action,
        params,
        from: dates_of(terms, rule, rule.from, rule.valid.from()),
        until: dates_of(terms, rule, rule.until, rule.valid.until()),
        when: base.when,
        due: base.due,
        done: base.done,
        survives: rule.survives.map(|s| match s {
            Survival::UntilItsEnd => "true".to_string(),
            Survival::For(offset) => offset.to_string(),
        }),
        survives_from: base.survives_from,
        carried_into: carried_into(terms, v, &rule.id.0),
        overrides: base.overrides,
        overridden_by: overridden_by(version, index),
        reading: rule.reading.map(|r| {
            let dispute = &terms.vocabulary.disputes[r.dispute];
            RuleReading {
                dispute: dispute.id.clone(),
                question: dispute.question.clone(),
                reading: dispute.readings[r.reading].id.clone(),
                summary: dispute.readings[r.reading].summary.clone(),
                default: dispute.readings[dispute.default].id.clone(),
            }
        }),
        note: base.note,
        citations: base
            .citations
            .iter()
            .map(|c| cited_sentence(terms, c))
            .collect(),
    }
}

/// The ids of the rules of `version` that override rule `index` (any of its
/// alternatives), in file order, each once.
fn overridden_by(version: &Version, index: usize) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for rule in &version.rules {
        let beats = rule
            .overrides
            .iter()
            .any(|&o| version.rules[o].written == index);
        if beats && !ids.contains(&rule.id.0) {
            ids.push(rule.id.0.clone());
        }
    }
    ids
}

/// Where the rule `id` written in version `v` is carried as a survivor.
fn carried_into(terms: &Terms, v: usize, id: &str) -> Vec<Carried> {
    let carried_id = format!("{}/{id}", terms.versions[v].id);
    terms
        .versions
        .iter()
        .skip(v + 1)
        .filter_map(|later| {
            later
                .written_rules()
                .find(|(_, r)| r.survivor_of == Some(v) && r.id.0 == carried_id)
                .map(|(_, r)| Carried {
                    version: later.id.clone(),
                    id: carried_id.clone(),
                    valid: r.valid,
                })
        })
        .collect()
}

/// A citation in its sentence; the quote alone should its seed be missing.
fn cited_sentence(terms: &Terms, citation: &Citation) -> CitedSentence {
    let sentence = terms
        .seeds
        .iter()
        .find(|s| s.name == citation.seed)
        .and_then(|seed| sentence::around_quote(&seed.text, &citation.quote, citation.line))
        .unwrap_or_else(|| InSentence {
            before: String::new(),
            quote: citation.quote.clone(),
            after: String::new(),
            cut_before: false,
            cut_after: false,
        });
    CitedSentence {
        seed: citation.seed.clone(),
        line: citation.line,
        sentence,
    }
}
