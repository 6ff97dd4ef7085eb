//! `covenant versions` and `covenant actions` as data: the versions with the
//! evidence for their dates, and the vocabulary a question may use.

use crate::terms::{Citation, Fact, FactKind, Terms, Version};
use crate::verdict::Verdict;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

/// Everything `covenant versions` says.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VersionsReport {
    /// The agreement's title.
    pub title: String,
    /// Each version, in order of its effective date.
    pub versions: Vec<VersionListing>,
}

/// One version: its dates, where they come from, and how many rules it has.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VersionListing {
    /// Its id, e.g. `new`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The terms file it is written in.
    pub file: String,
    /// The rules written in it (rules carried in from earlier versions not counted).
    pub rules: usize,
    /// When it took effect, and the evidence.
    pub effective: DateEvidence,
    /// When a later version replaced it, and the evidence; `null` while in force.
    pub superseded: Option<DateEvidence>,
}

/// A date of a version and the evidence for it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DateEvidence {
    /// The date.
    pub date: NaiveDate,
    /// Where the date comes from, in words.
    pub source: String,
    /// The passages it rests on.
    pub citations: Vec<Citation>,
}

/// Everything `covenant actions` says: what a question may name.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ActionsReport {
    /// The parties.
    pub parties: Vec<PartyListing>,
    /// The actions, with their parameters and defaults.
    pub actions: Vec<ActionListing>,
    /// The facts and events a question may give.
    pub facts: Vec<FactListing>,
    /// The points on which the sources disagree, with their readings.
    pub disputes: Vec<DisputeListing>,
}

/// A party.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PartyListing {
    /// The short name used in actions, e.g. `openai`.
    pub id: String,
    /// The full name.
    pub name: String,
}

/// An action.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ActionListing {
    /// `party.action`.
    pub id: String,
    /// What doing it means.
    pub description: String,
    /// Its parameters, in order.
    pub params: Vec<ParamListing>,
    /// The verdict when no rule applies.
    pub default: Verdict,
    /// Why the default is what it is.
    pub default_reason: String,
}

/// A parameter of an action.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ParamListing {
    /// Its name, e.g. `cloud`.
    pub name: String,
    /// The domain it takes its values from.
    pub domain: String,
    /// The values, in order.
    pub values: Vec<String>,
}

/// A fact or event a question may give.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactListing {
    /// A yes/no or choice fact.
    Choice {
        /// Its name.
        name: String,
        /// What it means for it to hold.
        description: String,
        /// Its values.
        values: Vec<String>,
    },
    /// A number.
    Number {
        /// Its name.
        name: String,
        /// What it counts.
        description: String,
        /// Its unit, if the vocabulary names one.
        unit: Option<String>,
        /// The constants rules compare it with, ascending, as decimals.
        compared_with: Vec<String>,
    },
    /// An event, on a day.
    Event {
        /// Its name.
        name: String,
        /// What happens.
        description: String,
        /// The unit of the durations rules count from it: `day` or `month`.
        unit: String,
        /// The durations rules count from it, ascending, 0 included.
        offsets: Vec<i64>,
    },
}

/// A dispute and its readings.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DisputeListing {
    /// Its id.
    pub id: String,
    /// The question the sources answer differently.
    pub question: String,
    /// The reading used unless a question names another.
    pub default: String,
    /// Why that reading.
    pub default_reason: String,
    /// Each reading.
    pub readings: Vec<ReadingListing>,
}

/// One reading of a dispute.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReadingListing {
    /// Its id.
    pub id: String,
    /// What it says.
    pub summary: String,
    /// The passages it rests on.
    pub citations: Vec<Citation>,
}

fn evidence(event: &crate::terms::DatedEvent) -> DateEvidence {
    DateEvidence {
        date: event.date,
        source: event.source.clone(),
        citations: event.citations.clone(),
    }
}

fn version_listing(version: &Version) -> VersionListing {
    VersionListing {
        id: version.id.clone(),
        title: version.title.clone(),
        file: version.file.clone(),
        rules: version
            .written_rules()
            .filter(|(_, r)| r.survivor_of.is_none())
            .count(),
        effective: evidence(&version.effective),
        superseded: version.superseded.as_ref().map(evidence),
    }
}

/// The versions of `terms`, as `covenant versions --format json` gives them.
pub fn versions(terms: &Terms) -> VersionsReport {
    VersionsReport {
        title: terms.vocabulary.title.clone(),
        versions: terms.versions.iter().map(version_listing).collect(),
    }
}

fn fact_listing(fact: &Fact) -> FactListing {
    let name = fact.name.clone();
    let description = fact.description.clone();
    match &fact.kind {
        FactKind::Choice => FactListing::Choice {
            name,
            description,
            values: fact.values.clone(),
        },
        FactKind::Number { unit, points } => FactListing::Number {
            name,
            description,
            unit: unit.clone(),
            compared_with: points.iter().map(ToString::to_string).collect(),
        },
        FactKind::Event { unit, offsets } => FactListing::Event {
            name,
            description,
            unit: unit.name().to_string(),
            offsets: offsets.clone(),
        },
    }
}

/// The vocabulary of `terms`, as `covenant actions --format json` gives it.
pub fn actions(terms: &Terms) -> ActionsReport {
    let vocabulary = &terms.vocabulary;
    ActionsReport {
        parties: vocabulary
            .parties
            .iter()
            .map(|p| PartyListing {
                id: p.id.clone(),
                name: p.name.clone(),
            })
            .collect(),
        actions: vocabulary
            .actions
            .iter()
            .map(|a| ActionListing {
                id: a.id.clone(),
                description: a.description.clone(),
                params: a
                    .params
                    .iter()
                    .map(|p| ParamListing {
                        name: p.name.clone(),
                        domain: p.domain.clone(),
                        values: p.values.clone(),
                    })
                    .collect(),
                default: a.default,
                default_reason: a.default_reason.clone(),
            })
            .collect(),
        facts: vocabulary.facts.iter().map(fact_listing).collect(),
        disputes: vocabulary
            .disputes
            .iter()
            .map(|d| DisputeListing {
                id: d.id.clone(),
                question: d.question.clone(),
                default: d.readings[d.default].id.clone(),
                default_reason: d.default_reason.clone(),
                readings: d
                    .readings
                    .iter()
                    .map(|r| ReadingListing {
                        id: r.id.clone(),
                        summary: r.summary.clone(),
                        citations: r.citations.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
