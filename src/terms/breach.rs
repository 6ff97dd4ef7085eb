//! Breach as an event: `breach(RULE_ID)` happens on the first day the duty
//! `RULE_ID` is overdue, so that remedies can start from it (`when =
//! "breach(payment)"`, `from = "breach(payment) + 30 days"`).
//!
//! Each `breach(…)` a rule names is declared as an event of its own when the
//! terms load. `diff`, `check` and `timeline` treat its day as they treat any
//! event's: any day, or never, so that what they say about a remedy is said
//! relative to the breach. A question that pins down every fact the duty
//! depends on pins down the breach too: [`Terms::breaches`] finds its day, and
//! `ask` and `timeline` use it as if it were given.

use super::condition::{FactKind, Given, Offset};
use super::error::LoadErrorKind;
use super::load::Loader;
use super::raw::RawVersionFile;
use super::{Fact, Terms, ValueSet, Version, Vocabulary};
use crate::diagnostic::{Location, SourceFile};
use crate::syntax::BREACH;
use crate::verdict::Effect;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Where the terms first name the breach of a rule: the rule id, and the
/// text (a rule's `when`, `from`, `until`, `due` or `done`) naming it.
pub(super) struct BreachReference {
    rule: String,
    file: Arc<SourceFile>,
    span: Range<usize>,
}

/// The ids inside each `breach(ID)` in `text`, spaces dropped as the
/// condition syntax drops them.
fn named_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(BREACH).map(|i| i + from) {
        from = at + BREACH.len();
        let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        if at > 0 && word_byte(bytes[at - 1]) {
            continue;
        }
        let rest = text[from..].trim_start();
        let Some(inner) = rest.strip_prefix('(') else {
            continue;
        };
        let Some(close) = inner.find(')') else {
            continue;
        };
        let id: String = inner[..close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !id.is_empty() && id.bytes().all(|b| word_byte(b) || b == b'.') {
            found.push(id);
        }
    }
    found
}

/// Every rule whose breach the rules of `versions` name, in the order first named.
pub(super) fn referenced(
    versions: &[(Arc<SourceFile>, Option<RawVersionFile>)],
) -> Vec<BreachReference> {
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut references = Vec::new();
    for (file, raw) in versions {
        let Some(raw) = raw else { continue };
        for rule in &raw.rules {
            let rule = rule.get_ref();
            let texts = [&rule.when, &rule.from, &rule.until, &rule.due, &rule.done];
            for text in texts.into_iter().flatten() {
                for id in named_in(text.get_ref()) {
                    if seen.insert(id.clone(), ()).is_none() {
                        references.push(BreachReference {
                            rule: id,
                            file: file.clone(),
                            span: text.span(),
                        });
                    }
                }
            }
        }
    }
    references
}

/// The name of the event that is the breach of rule `id`.
pub fn event_name(id: &str) -> String {
    format!("{BREACH}({id})")
}

impl Loader {
    /// Declares an event `breach(ID)` for each reference, unless the terms
    /// declare an event of that name themselves.
    pub(super) fn declare_breaches(
        &mut self,
        vocabulary: &mut Vocabulary,
        references: &[BreachReference],
    ) {
        for reference in references {
            let name = event_name(&reference.rule);
            if vocabulary.facts.iter().any(|f| f.name == name) {
                continue;
            }
            vocabulary.facts.push(Fact {
                name,
                description: format!("duty `{}` became overdue", reference.rule),
                values: Vec::new(),
                kind: FactKind::Event {
                    unit: super::TimeUnit::Day,
                    offsets: vec![0],
                },
                breach_of: Some(reference.rule.clone()),
            });
        }
    }

    /// Reports each `breach(ID)` whose ID names no rule of any version.
    pub(super) fn check_breaches(&mut self, versions: &[Version], references: &[BreachReference]) {
        for reference in references {
            let known = versions
                .iter()
                .any(|v| v.rules.iter().any(|r| r.id.0 == reference.rule));
            if known {
                continue;
            }
            let ids: Vec<&str> = versions
                .iter()
                .flat_map(|v| v.rules.iter().map(|r| r.id.0.as_str()))
                .collect();
            let hint = self.suggest(&reference.rule, "rule", ids.iter().copied());
            let kind = LoadErrorKind::Unknown {
                what: "rule",
                found: reference.rule.clone(),
                hint,
            };
            let location = Location::new(&reference.file, reference.span.clone());
            self.push(Some(location), kind);
        }
    }
}

/// Whether the grounded `rule` of `version` is a piece of the written rule `id`
/// (itself, or its copy surviving from an earlier version).
fn piece_of(terms: &Terms, rule: &super::Rule, id: &str) -> bool {
    match rule.survivor_of {
        None => rule.id.0 == id,
        Some(from) => {
            let prefix = &terms.versions[from].id;
            rule.id.0.len() == prefix.len() + 1 + id.len()
                && rule.id.0.starts_with(prefix.as_str())
                && rule.id.0.ends_with(id)
        }
    }
}

/// What the facts say of one overdue piece on one day.
enum Applies {
    Yes,
    No,
    /// It holds for some of the facts' values and not others.
    Unknown,
}

fn applies(rule: &super::Rule, facts: &[ValueSet], readings: &[usize], day: NaiveDate) -> Applies {
    if !rule.valid_on(day) {
        return Applies::No;
    }
    if let Some(reading) = rule.reading
        && readings.get(reading.dispute) != Some(&reading.reading)
    {
        return Applies::No;
    }
    let mut unknown = false;
    for &(fact, set) in &rule.condition {
        let values = facts[fact];
        if values.intersect(set).is_empty() {
            return Applies::No;
        }
        if values.intersect(set) != values {
            unknown = true;
        }
    }
    if unknown {
        Applies::Unknown
    } else {
        Applies::Yes
    }
}

impl Terms {
    /// Why duty `id` can never be breached, or `None` when it can: an
    /// overdue piece of it applies somewhere, whatever other rules say.
    pub fn never_breached(&self, id: &str) -> Option<&'static str> {
        let rules = || self.versions.iter().flat_map(|v| &v.rules);
        if rules().any(|r| r.effect == Effect::Overdue && piece_of(self, r, id)) {
            return None;
        }
        if rules().any(|r| r.id.0 == id && r.due.is_some()) {
            Some("its deadline never comes while it applies")
        } else {
            Some("it has no `due`, so it is never overdue")
        }
    }

    /// The day of each breach event that the question does not give but its
    /// facts pin down up to `asked`: the first day on which an overdue piece
    /// of the duty applies (its dates, condition and reading hold), whatever
    /// other rules say of the action; [`Given::Happened`]`(false)` when that
    /// day does not come by `asked`. Under `version` (`None`: the version in force on each day) the
    /// duty is that version's. A breach that depends on a fact left open
    /// (or on a breach that does) stays unknown.
    pub fn breaches(
        &self,
        given: &[(usize, Given)],
        readings: &[usize],
        version: Option<usize>,
        asked: NaiveDate,
    ) -> Vec<(usize, Given)> {
        let facts = &self.vocabulary.facts;
        let mut known: Vec<(usize, Given)> = given.to_vec();
        let mut open: Vec<usize> = (0..facts.len())
            .filter(|&f| facts[f].breach_of.is_some() && !given.iter().any(|&(g, _)| g == f))
            .collect();
        let mut derived = Vec::new();
        // A breach may depend on another: each pass settles those whose
        // inputs are settled, until a pass settles none.
        while !open.is_empty() {
            let before = open.len();
            open.retain(|&fact| {
                let rule = facts[fact].breach_of.as_deref().expect("filtered above");
                match self.first_overdue(rule, &known, readings, version, asked) {
                    Some(given) => {
                        known.push((fact, given));
                        derived.push((fact, given));
                        false
                    }
                    None => true,
                }
            });
            if open.len() == before {
                break;
            }
        }
        derived.sort_by_key(|&(fact, _)| fact);
        derived
    }

    /// The first day duty `id` is overdue given `known`, or `None` when the
    /// facts known leave it open.
    fn first_overdue(
        &self,
        id: &str,
        known: &[(usize, Given)],
        readings: &[usize],
        version: Option<usize>,
        asked: NaiveDate,
    ) -> Option<Given> {
        let in_scope: Vec<usize> = match version {
            Some(v) => vec![v],
            None => (0..self.versions.len()).collect(),
        };
        let pieces: Vec<(usize, &super::Rule)> = in_scope
            .iter()
            .flat_map(|&v| {
                self.versions[v]
                    .rules
                    .iter()
                    .filter(move |r| r.effect == Effect::Overdue && piece_of(self, r, id))
                    .map(move |r| (v, r))
            })
            .collect();
        if pieces.is_empty() {
            return Some(Given::Happened(false));
        }
        // What applies changes only where a piece's dates start, a version
        // takes effect, or a known event reaches one of its stages.
        let mut days: Vec<NaiveDate> = vec![NaiveDate::MIN];
        days.extend(pieces.iter().filter_map(|(_, r)| r.valid.from()));
        if version.is_none() {
            days.extend(self.versions.iter().map(|v| v.effective.date));
        }
        for &(fact, value) in known {
            let kind = &self.vocabulary.facts[fact].kind;
            if let (Given::On(day), FactKind::Event { unit, offsets }) = (value, kind) {
                days.extend(offsets.iter().filter_map(|&amount| {
                    Offset {
                        amount,
                        unit: *unit,
                    }
                    .after(day)
                }));
            }
        }
        days.retain(|&day| day <= asked);
        days.sort_unstable();
        days.dedup();
        for day in days {
            let mut facts = self.unknown_facts();
            for &(fact, value) in known {
                facts[fact] = value.classes_on(&self.vocabulary.facts[fact].kind, day);
            }
            let in_force = match version {
                Some(v) => Some(v),
                None => self.version_in_force(day),
            };
            let mut unknown = false;
            for &(v, rule) in &pieces {
                if Some(v) != in_force {
                    continue;
                }
                match applies(rule, &facts, readings, day) {
                    Applies::Yes => return Some(Given::On(day)),
                    Applies::Unknown => unknown = true,
                    Applies::No => {}
                }
            }
            if unknown {
                return None;
            }
        }
        Some(Given::Happened(false))
    }
}

#[cfg(test)]
mod tests {
    use super::named_in;

    #[test]
    fn breaches_are_found_in_any_text_with_or_without_spaces() {
        assert_eq!(named_in("breach(payment) + 30 days"), ["payment"]);
        assert_eq!(
            named_in("not breach( a.b ) and breach(c-d)"),
            ["a.b", "c-d"]
        );
        assert!(named_in("material_breach(x)").is_empty());
        assert!(named_in("breach").is_empty());
        assert!(named_in("breach()").is_empty());
        assert!(named_in("breach(a b").is_empty());
    }
}
