//! The typed, validated model of an agreement's terms, and how it is loaded.
//!
//! Terms are a directory of TOML files (documented in `terms/README.md`):
//! `vocabulary.toml` declares parties, actions with their parameters and
//! defaults, facts and disputes; every other `*.toml` file is one version of the
//! agreement with its rules. [`load`] parses and validates them once; everything
//! downstream works on indices into these types and never re-checks a string.

mod breach;
mod citations;
mod condition;
mod error;
mod ground;
mod load;
mod overrides;
mod quotes;
pub(crate) mod raw;
mod rules;
mod source;
mod version;
mod vocabulary;

pub use breach::{Breaches, event_name as breach_event};
pub use condition::{
    Alternative, Endpoint, EventDates, FactKind, Formula, Given, NumberRange, NumberTest, Offset,
    TimeUnit,
};
pub use error::{LoadError, LoadErrorKind, LoadErrors};
pub use load::{MAX_FILE_BYTES, MAX_RULES, load, load_for_check, locate_in_string};
pub use source::{TermsSource, embedded_files, embedded_seed_names};

use crate::diagnostic::Location;
use crate::interval::DateInterval;
use crate::verdict::{Effect, Verdict};
use chrono::NaiveDate;

/// A whole agreement: what can be asked about it, its versions, and the sources it cites.
#[derive(Debug, Clone)]
pub struct Terms {
    /// Parties, actions, facts and disputes.
    pub vocabulary: Vocabulary,
    /// The versions, ordered by effective date.
    pub versions: Vec<Version>,
    /// The source documents rules cite, by file name.
    pub seeds: Vec<Seed>,
}

/// A source document that citations quote.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file name, e.g. `004_a4d9b4ab4c4da804.txt`.
    pub name: String,
    /// The whole text.
    pub text: String,
}

/// Everything a question or a rule may name.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The agreement's title.
    pub title: String,
    /// The parties, in the order declared.
    pub parties: Vec<Party>,
    /// The actions, in the order declared.
    pub actions: Vec<Action>,
    /// The facts a scenario may give, in the order declared.
    pub facts: Vec<Fact>,
    /// The points on which the sources disagree.
    pub disputes: Vec<Dispute>,
    /// `check` warnings the authors expect, each with the reason.
    pub explained: Vec<Explanation>,
}

/// A `check` warning the authors of the terms expect, and why (`[[explained]]`).
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The warning's code, e.g. `never-decides`.
    pub code: String,
    /// What it is about: a rule id, an action, a fact, a dispute, or `dispute.reading`.
    pub subject: String,
    /// Why the terms are right as they are.
    pub why: String,
}

/// A party to the agreement.
#[derive(Debug, Clone)]
pub struct Party {
    /// The short name used in actions, e.g. `openai`.
    pub id: String,
    /// The full name, e.g. `OpenAI`.
    pub name: String,
}

/// Something a party may, must or must not do, e.g. `openai.host_models(cloud)`.
#[derive(Debug, Clone)]
pub struct Action {
    /// `party.action`.
    pub id: String,
    /// What doing it means.
    pub description: String,
    /// The parameters, each over a finite domain.
    pub params: Vec<Param>,
    /// The verdict when no rule applies.
    pub default: Verdict,
    /// Why the default is what it is (a freedom, a right the contract grants, ...).
    pub default_reason: String,
    /// Where the action is declared.
    pub location: Location,
}

impl Action {
    /// Position of the parameter called `name`.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// How many fully specified questions the action has (the product of its domains' sizes).
    pub fn combinations(&self) -> usize {
        self.params.iter().map(|p| p.values.len()).product()
    }
}

/// A parameter of an action and the values it can take.
#[derive(Debug, Clone)]
pub struct Param {
    /// The parameter's name, e.g. `cloud`.
    pub name: String,
    /// The name of its domain in `[domains]`.
    pub domain: String,
    /// The domain's values, in the order declared.
    pub values: Vec<String>,
}

/// Something about the world a question may state: a yes/no or choice fact
/// (`agi_achieved`), a number (`days_overdue`), or an event with a date
/// (`[events.deletion_request]`).
#[derive(Debug, Clone)]
pub struct Fact {
    /// The fact's name.
    pub name: String,
    /// What it means for the fact to hold.
    pub description: String,
    /// Its classes of values, as words: `false`, `true` for a yes/no fact; for
    /// a number or an event, the classes the rules cut it into.
    pub values: Vec<String>,
    /// A choice, a number or an event, with the cuts the rules make in it.
    pub kind: FactKind,
    /// For the event `breach(ID)`: the id of the duty whose breach it is.
    pub breach_of: Option<String>,
}

impl Fact {
    /// Whether the fact is an event (declared under `[events]`).
    pub fn is_event(&self) -> bool {
        matches!(self.kind, FactKind::Event { .. })
    }

    /// Whether the fact is a number (`kind = "number"`).
    pub fn is_number(&self) -> bool {
        matches!(self.kind, FactKind::Number { .. })
    }
}

impl Fact {
    /// Position of `value` among the fact's values.
    pub fn value_index(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v == value)
    }
}

/// A point on which the sources disagree, with each side as a reading.
#[derive(Debug, Clone)]
pub struct Dispute {
    /// The dispute's name.
    pub id: String,
    /// The question the sources answer differently.
    pub question: String,
    /// The readings, in the order declared.
    pub readings: Vec<Reading>,
    /// The reading used unless a question names another.
    pub default: usize,
    /// Why that reading is the default.
    pub default_reason: String,
}

impl Dispute {
    /// Position of the reading called `id`.
    pub fn reading_index(&self, id: &str) -> Option<usize> {
        self.readings.iter().position(|r| r.id == id)
    }
}

/// One side of a dispute and the sources that take it.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The reading's name.
    pub id: String,
    /// What this reading says.
    pub summary: String,
    /// The passages that support it.
    pub citations: Vec<Citation>,
}

/// A passage of a seed that supports a rule, a reading or a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Citation {
    /// The seed's file name.
    pub seed: String,
    /// The passage, verbatim.
    pub quote: String,
    /// The line of the seed where the passage starts.
    pub line: usize,
}

/// One version of the agreement: its dates and its rules.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version's name, e.g. `new`.
    pub id: String,
    /// A title for people.
    pub title: String,
    /// When it took effect, and the evidence for that date.
    pub effective: DatedEvent,
    /// When a later version replaced it, if one did.
    pub superseded: Option<DatedEvent>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// The file the version was loaded from.
    pub file: String,
    rules_by_action: Vec<Vec<usize>>,
}

impl Version {
    /// The indices of the rules about `action`, in file order.
    pub fn rules_for(&self, action: usize) -> &[usize] {
        self.rules_by_action
            .get(action)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The dates this version was in force.
    pub fn life(&self) -> DateInterval {
        DateInterval::new(
            Some(self.effective.date),
            self.superseded.as_ref().map(|s| s.date),
        )
        .expect("superseded after effective is checked at load")
    }

    /// Whether rule `winner` beats rule `loser`: `winner` overrides `loser`,
    /// or overrides a rule that beats it (a chain of direct overrides).
    ///
    /// A search over the direct overrides on every call, in time and memory
    /// proportional to the rules `winner` reaches, with nothing stored per pair
    /// of rules; code asking it of many pairs should compute reachability once.
    pub fn beats(&self, winner: usize, loser: usize) -> bool {
        overrides::reaches(&self.rules, winner, loser)
    }

    /// The rules as written, with their indices: one per id, leaving out the
    /// further alternatives of a rule with `or`.
    pub fn written_rules(&self) -> impl Iterator<Item = (usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(i, r)| r.is_written(*i))
    }

    /// Position of the rule called `id` (its first alternative).
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id.0 == id)
    }
}

/// A date in a version's header, and where it comes from.
#[derive(Debug, Clone)]
pub struct DatedEvent {
    /// The date.
    pub date: NaiveDate,
    /// Where the date is written.
    pub location: Location,
    /// Where the date comes from, in words.
    pub source: String,
    /// The passages it rests on.
    pub citations: Vec<Citation>,
}

/// A set of values of a finite domain (at most 64 values), as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ValueSet(u64);

impl ValueSet {
    /// The largest domain a parameter or fact may have.
    pub const MAX_VALUES: usize = 64;

    /// Every value of a domain of `size` values.
    pub fn full(size: usize) -> ValueSet {
        if size >= 64 {
            ValueSet(u64::MAX)
        } else {
            ValueSet((1u64 << size) - 1)
        }
    }

    /// Just the value at `index`.
    pub fn single(index: usize) -> ValueSet {
        ValueSet(1u64 << index)
    }

    /// Whether the value at `index` is in the set.
    pub fn contains(self, index: usize) -> bool {
        index < 64 && self.0 & (1u64 << index) != 0
    }

    /// The values in both sets.
    pub fn intersect(self, other: ValueSet) -> ValueSet {
        ValueSet(self.0 & other.0)
    }

    /// The values of a domain of `size` values not in the set.
    pub fn complement(self, size: usize) -> ValueSet {
        ValueSet(!self.0 & ValueSet::full(size).0)
    }

    /// The values in either set.
    pub fn union(self, other: ValueSet) -> ValueSet {
        ValueSet(self.0 | other.0)
    }

    /// How many values the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set has no value.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The indices in the set, in order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..64).filter(move |i| self.contains(*i))
    }
}

/// How long a rule outlives its version (`survives = true | "6 months"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Survival {
    /// Until its own `until`, if it has one.
    UntilItsEnd,
    /// For this long after its version is superseded (and not past its own `until`).
    For(Offset),
}

/// The name of a rule, unique within its version.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct RuleId(pub String);

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reading of a dispute a rule depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadingRef {
    /// Index of the dispute in the vocabulary.
    pub dispute: usize,
    /// Index of the reading in the dispute.
    pub reading: usize,
}

/// One rule: while it applies, it gives its action an effect.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's name.
    pub id: RuleId,
    /// Index of the action in the vocabulary.
    pub action: usize,
    /// For each of the action's parameters, the values the rule covers.
    pub params: Vec<ValueSet>,
    /// What the rule does.
    pub effect: Effect,
    /// The dates it is valid, as far as calendar dates say: a `from` or
    /// `until` counted from an event is part of [`Rule::condition`] instead.
    pub valid: DateInterval,
    /// `from` as written, resolved.
    pub from: Option<Endpoint>,
    /// `until` as written, resolved.
    pub until: Option<Endpoint>,
    /// `when` as written, resolved: the condition the oracle tests evaluate directly.
    pub formula: Option<Formula>,
    /// For an `oblige` rule, its deadline: before it the duty is `required`,
    /// from it on `breached` (the part of the rule from the deadline on has
    /// the effect [`Effect::Overdue`]).
    pub due: Option<Endpoint>,
    /// For an `oblige` rule, the event by which the party performs it: from
    /// the day it happens the rule no longer applies.
    pub done: Option<usize>,
    /// Whether, and how long, the rule keeps applying after its version is superseded.
    pub survives: Option<Survival>,
    /// For a surviving rule carried into a later version: the index of the
    /// version it was written in. Any rule of the later version that applies
    /// to the same question beats it.
    pub survivor_of: Option<usize>,
    /// The index of the rule as written: a rule whose condition has several
    /// alternatives (`or`) is held as one rule per alternative, all with the
    /// same id, each pointing at the first; a rule with one alternative points at itself.
    pub written: usize,
    /// Whether the interval as written is empty (`from` not before `until`):
    /// the rule applies on no date. Only terms loaded for `check` hold such a rule.
    pub empty_interval: bool,
    /// What this alternative of the rule asks of the facts, each as the set
    /// of classes allowed: its `when`, and any `from` or `until` counted from
    /// an event (as "the event's stage has reached …").
    pub condition: Vec<(usize, ValueSet)>,
    /// The rules of the same version it beats when both apply, as written
    /// (without duplicates, and without overrides on a cycle in terms loaded for
    /// `check`); [`Version::beats`] follows them through chains.
    pub overrides: Vec<usize>,
    /// The reading it applies under, if it belongs to one side of a dispute.
    pub reading: Option<ReadingRef>,
    /// The passages it rests on.
    pub citations: Vec<Citation>,
    /// An optional explanation by the author.
    pub note: Option<String>,
    /// The action pattern as written, e.g. `openai.host_models(cloud != azure)`.
    pub pattern: String,
    /// The condition as written.
    pub when: Option<String>,
    /// Where the rule is written.
    pub location: Location,
}

impl Rule {
    /// Whether this is the rule as written, not a further alternative of it.
    pub fn is_written(&self, index: usize) -> bool {
        self.written == index
    }

    /// The calendar dates the rule as written is valid: its `from` and
    /// `until` when they are dates ([`Rule::valid`] of a duty's piece is
    /// narrowed further, to before or after its deadline).
    pub fn written_dates(&self) -> DateInterval {
        let date = |end: Option<Endpoint>| match end {
            Some(Endpoint::Date(date)) => Some(date),
            _ => None,
        };
        DateInterval::new(date(self.from), date(self.until)).unwrap_or(DateInterval::ALWAYS)
    }

    /// Whether the rule is valid on `date`.
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        !self.empty_interval && self.valid.contains(date)
    }

    /// Whether the rule covers the question `params` (one value index per parameter).
    pub fn covers(&self, params: &[usize]) -> bool {
        self.params
            .iter()
            .zip(params)
            .all(|(set, value)| set.contains(*value))
    }

    /// Whether the rule's condition holds for fully known `facts` (one value index per fact).
    pub fn condition_holds(&self, facts: &[usize]) -> bool {
        self.condition
            .iter()
            .all(|(fact, allowed)| allowed.contains(facts[*fact]))
    }

    /// Whether the rule belongs to no reading, or to the one `readings` (one per dispute) uses.
    pub fn reading_matches(&self, readings: &[usize]) -> bool {
        self.reading
            .is_none_or(|r| readings[r.dispute] == r.reading)
    }

    /// Whether the rule applies, given that it is valid on the date and covers
    /// the parameters: its reading is in use and its condition holds.
    pub fn holds(&self, facts: &[usize], readings: &[usize]) -> bool {
        self.reading_matches(readings) && self.condition_holds(facts)
    }
}

impl Terms {
    /// Position of the action called `party.action`.
    pub fn action_index(&self, id: &str) -> Option<usize> {
        self.vocabulary.actions.iter().position(|a| a.id == id)
    }

    /// Position of the version called `id`.
    pub fn version_index(&self, id: &str) -> Option<usize> {
        self.versions.iter().position(|v| v.id == id)
    }

    /// Position of the fact called `name`.
    pub fn fact_index(&self, name: &str) -> Option<usize> {
        self.vocabulary.facts.iter().position(|f| f.name == name)
    }

    /// Position of the dispute called `id`.
    pub fn dispute_index(&self, id: &str) -> Option<usize> {
        self.vocabulary.disputes.iter().position(|d| d.id == id)
    }

    /// The version in force on `date`, if any.
    pub fn version_in_force(&self, date: NaiveDate) -> Option<usize> {
        self.versions.iter().position(|v| v.life().contains(date))
    }

    /// Every fact unknown: each fact's full set of classes, as a question that gives none.
    pub fn unknown_facts(&self) -> Vec<ValueSet> {
        self.vocabulary
            .facts
            .iter()
            .map(|f| ValueSet::full(f.values.len()))
            .collect()
    }

    /// The default reading of every dispute.
    pub fn default_readings(&self) -> Vec<usize> {
        self.vocabulary.disputes.iter().map(|d| d.default).collect()
    }

    /// The reading of every dispute: the one `given` (dispute, reading)
    /// pairs name, or the default.
    pub fn readings_with(&self, given: &[(usize, usize)]) -> Vec<usize> {
        let mut readings = self.default_readings();
        for &(dispute, reading) in given {
            readings[dispute] = reading;
        }
        readings
    }
}
