//! The terms files exactly as written: serde shapes with spans, before validation.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use toml::Spanned;

/// A TOML table read as key–value pairs in the order written, so that lists
/// (actions, facts, readings) are shown in the author's order.
#[derive(Debug)]
pub struct Ordered<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

/// A date written as a string, `"2026-04-27"`; checked during validation.
pub type RawDate = Spanned<String>;

/// `vocabulary.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVocabulary {
    pub agreement: RawAgreement,
    #[serde(default)]
    pub parties: Ordered<Spanned<String>>,
    #[serde(default)]
    pub domains: Ordered<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub actions: Ordered<Spanned<RawAction>>,
    #[serde(default)]
    pub facts: Ordered<Spanned<RawFact>>,
    #[serde(default)]
    pub events: Ordered<Spanned<RawEvent>>,
    #[serde(default)]
    pub disputes: Ordered<Spanned<RawDispute>>,
    #[serde(default)]
    pub explained: Vec<RawExplanation>,
}

/// A `check` warning the authors expect, and why.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExplanation {
    pub warning: String,
    pub subject: String,
    pub why: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgreement {
    pub title: String,
    /// The seeds directory, relative to the terms directory.
    #[serde(default)]
    pub seeds: Option<Spanned<String>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    pub description: String,
    #[serde(default)]
    pub params: Ordered<Spanned<String>>,
    pub default: Spanned<String>,
    pub default_reason: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub description: String,
    /// Absent for a yes/no fact.
    #[serde(default)]
    pub values: Option<Spanned<Vec<Spanned<String>>>>,
    /// `choice` (the default) or `number`.
    #[serde(default)]
    pub kind: Option<Spanned<String>>,
    /// What a number fact counts, e.g. `days`.
    #[serde(default)]
    pub unit: Option<String>,
}

/// `[events.NAME]`: something that happens at most once, on a date.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub description: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDispute {
    pub question: String,
    pub default: Spanned<String>,
    pub default_reason: String,
    pub readings: Ordered<Spanned<RawReading>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReading {
    pub summary: String,
    pub citations: Spanned<Vec<Spanned<RawCitation>>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCitation {
    pub seed: Spanned<String>,
    pub quote: Spanned<String>,
}

/// A version file such as `old.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVersionFile {
    pub version: RawVersionHeader,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVersionHeader {
    pub id: Spanned<String>,
    pub title: String,
    pub effective: RawDatedEvent,
    #[serde(default)]
    pub superseded: Option<RawDatedEvent>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatedEvent {
    pub date: RawDate,
    pub source: String,
    #[serde(default)]
    pub citations: Vec<Spanned<RawCitation>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub action: Spanned<String>,
    pub effect: Spanned<String>,
    #[serde(default)]
    pub from: Option<RawDate>,
    #[serde(default)]
    pub until: Option<RawDate>,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// For an `oblige` rule: the deadline, a date or a date counted from an event.
    #[serde(default)]
    pub due: Option<Spanned<String>>,
    /// For an `oblige` rule: the event by which the party performs the duty.
    #[serde(default)]
    pub done: Option<Spanned<String>>,
    /// `true`, or a duration such as `"6 months"`: the rule keeps applying
    /// after its version is superseded.
    #[serde(default)]
    pub survives: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub overrides: Vec<Spanned<String>>,
    #[serde(default)]
    pub reading: Option<Spanned<String>>,
    #[serde(default)]
    pub note: Option<String>,
    pub citations: Spanned<Vec<Spanned<RawCitation>>>,
}
