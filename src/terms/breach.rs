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
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

/// Where the terms first name the breach of a rule: the rule id, and the
/// text (a rule's `when`, `from`, `until`, `due` or `done`) naming it.
pub(super) struct BreachReference {
    rule: String,
    file: Arc<SourceFile>,
    span: Range<usize>,
}

/// What [`Terms::breaches`] finds: the breaches the facts pin down, and
/// those left open because their day depends on a reading not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breaches {
    /// Each breach event pinned down, with its day (or not by the date asked).
    pub derived: Vec<(usize, Given)>,
    /// Each breach event left open, with the dispute whose reading moves it.
    pub disputed: Vec<(usize, usize)>,
}

/// The ids inside each `breach(ID)` in `text`, spaces dropped as the
/// condition syntax drops them. Linear in `text`: each id is read up to the
/// first character that cannot be in one.
fn named_in(text: &str) -> Vec<String> {
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(BREACH).map(|i| i + from) {
        from = at + BREACH.len();
        if at > 0 && word_byte(bytes[at - 1]) {
            continue;
        }
        let mut i = from;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'(') {
            continue;
        }
        let mut id = String::new();
        i += 1;
        while i < bytes.len() {
            let b = bytes[i];
            if word_byte(b) || b == b'.' {
                id.push(char::from(b));
            } else if !b.is_ascii_whitespace() {
                break;
            }
            i += 1;
        }
        if bytes.get(i) == Some(&b')') && !id.is_empty() {
            found.push(id);
        }
        from = from.max(i.min(bytes.len()));
    }
    found
}

/// Every rule whose breach the rules of `versions` name, in the order first named.
pub(super) fn referenced(
    versions: &[(Arc<SourceFile>, Option<RawVersionFile>)],
) -> Vec<BreachReference> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut references = Vec::new();
    for (file, raw) in versions {
        let Some(raw) = raw else { continue };
        for rule in &raw.rules {
            let rule = rule.get_ref();
            let texts = [&rule.when, &rule.from, &rule.until, &rule.due, &rule.done];
            for text in texts.into_iter().flatten() {
                for id in named_in(text.get_ref()) {
                    if seen.insert(id.clone()) {
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
    /// Declares an event `breach(ID)` for each reference (a name no
    /// declared event can have: names have no parentheses).
    pub(super) fn declare_breaches(
        &mut self,
        vocabulary: &mut Vocabulary,
        references: &[BreachReference],
    ) {
        for reference in references {
            vocabulary.facts.push(Fact {
                name: event_name(&reference.rule),
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
        let ids: HashSet<&str> = versions
            .iter()
            .flat_map(|v| v.rules.iter().map(|r| r.id.0.as_str()))
            .collect();
        let mut sorted: Vec<&str> = ids.iter().copied().collect();
        sorted.sort_unstable();
        for reference in references {
            if ids.contains(reference.rule.as_str()) {
                continue;
            }
            let hint = self.suggest(&reference.rule, "rule", sorted.iter().copied());
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

/// The id of the written rule the grounded `rule` is a piece of: its own,
/// or for a copy surviving from an earlier version (`VERSION/ID`), the id
/// written there.
fn written_id<'r>(terms: &Terms, rule: &'r super::Rule) -> &'r str {
    match rule.survivor_of {
        None => &rule.id.0,
        Some(from) => rule
            .id
            .0
            .strip_prefix(terms.versions[from].id.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(&rule.id.0),
    }
}

/// What the facts say of one overdue piece on one day.
enum Applies {
    Yes,
    No,
    /// It holds for some of the facts' values and not others.
    Unknown,
}

fn applies(
    rule: &super::Rule,
    facts: &dyn Fn(usize) -> ValueSet,
    readings: &[usize],
    day: NaiveDate,
) -> Applies {
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
        let values = facts(fact);
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
    /// The breach events (by fact) whose duty is never overdue, with the
    /// reason: it has no overdue piece (no `due`, or a deadline that never
    /// comes while its dates and condition hold). A duty overdue only outside
    /// its version's life is not found here.
    pub fn impossible_breaches(&self) -> HashMap<usize, &'static str> {
        let duties: HashMap<&str, usize> = self.breach_facts().map(|(f, id)| (id, f)).collect();
        if duties.is_empty() {
            return HashMap::new();
        }
        let mut overdue: HashSet<usize> = HashSet::new();
        let mut with_due: HashSet<usize> = HashSet::new();
        let mut duty: HashSet<usize> = HashSet::new();
        for rule in self.versions.iter().flat_map(|v| &v.rules) {
            let Some(&fact) = duties.get(written_id(self, rule)) else {
                continue;
            };
            if rule.effect == Effect::Overdue {
                overdue.insert(fact);
            }
            if rule.due.is_some() {
                with_due.insert(fact);
            }
            if matches!(rule.effect, Effect::Oblige | Effect::Overdue) {
                duty.insert(fact);
            }
        }
        duties
            .values()
            .filter(|f| !overdue.contains(f))
            .map(|&f| {
                let why = if with_due.contains(&f) {
                    "its deadline never comes while it applies"
                } else if duty.contains(&f) {
                    "it has no `due`, so it is never overdue"
                } else {
                    "it is no duty (`oblige` with a `due`), so it is never overdue"
                };
                (f, why)
            })
            .collect()
    }

    /// Each breach event, with the id of its duty.
    fn breach_facts(&self) -> impl Iterator<Item = (usize, &str)> {
        self.vocabulary
            .facts
            .iter()
            .enumerate()
            .filter_map(|(f, fact)| fact.breach_of.as_deref().map(|id| (f, id)))
    }

    /// The day of each breach event that the question does not give but its
    /// facts pin down up to `asked`: the first day on which an overdue piece
    /// of the duty applies (its dates, condition and reading hold), whatever
    /// other rules say of the action; [`Given::Happened`]`(false)` when that
    /// day does not come by `asked` (nor by 9999-12-31). Under `version`
    /// (`None`: the version in force on each day) the duty is that version's.
    ///
    /// The readings are each dispute's default, or the one `given_readings`
    /// names. A breach whose day would change under another reading of a
    /// dispute its duty reads, not given, is left unknown, and so is one that
    /// depends on a fact left open (or on such a breach, or on itself).
    pub fn breaches(
        &self,
        given: &[(usize, Given)],
        given_readings: &[(usize, usize)],
        version: Option<usize>,
        asked: NaiveDate,
    ) -> Breaches {
        let mut found = Breaches::default();
        let given_facts: HashSet<usize> = given.iter().map(|&(f, _)| f).collect();
        let open: HashMap<&str, usize> = self
            .breach_facts()
            .filter(|(f, _)| !given_facts.contains(f))
            .map(|(f, id)| (id, f))
            .collect();
        if open.is_empty() {
            return found;
        }
        let readings = self.readings_with(given_readings);
        let mut chosen = vec![false; readings.len()];
        for &(dispute, _) in given_readings {
            chosen[dispute] = true;
        }
        // The overdue pieces of each open duty, in the versions in scope.
        let mut pieces: HashMap<usize, Vec<(usize, &super::Rule)>> = HashMap::new();
        for (v, version_rules) in self.versions.iter().enumerate() {
            if version.is_some_and(|only| only != v) {
                continue;
            }
            for rule in version_rules
                .rules
                .iter()
                .filter(|r| r.effect == Effect::Overdue)
            {
                if let Some(&fact) = open.get(written_id(self, rule)) {
                    pieces.entry(fact).or_default().push((v, rule));
                }
            }
        }
        // Settle each breach after the open breaches its pieces depend on
        // (Kahn's order); one in a cycle is never settled: it stays unknown.
        let mut facts: Vec<usize> = open.values().copied().collect();
        facts.sort_unstable();
        let is_open: HashSet<usize> = facts.iter().copied().collect();
        let mut waits_on: HashMap<usize, usize> = HashMap::new();
        let mut needed_by: HashMap<usize, Vec<usize>> = HashMap::new();
        for &fact in &facts {
            let mut needs: Vec<usize> = pieces
                .get(&fact)
                .into_iter()
                .flatten()
                .flat_map(|(_, r)| r.condition.iter().map(|&(f, _)| f))
                .filter(|f| is_open.contains(f))
                .collect();
            needs.sort_unstable();
            needs.dedup();
            waits_on.insert(fact, needs.len());
            for need in needs {
                needed_by.entry(need).or_default().push(fact);
            }
        }
        let mut ready: Vec<usize> = facts.iter().copied().filter(|f| waits_on[f] == 0).collect();
        let mut known: HashMap<usize, Given> = given.iter().copied().collect();
        while let Some(fact) = ready.pop() {
            let duty = pieces.get(&fact).map_or(&[][..], Vec::as_slice);
            let day = |readings: &[usize]| {
                if duty.is_empty() {
                    Some(Given::Happened(false))
                } else {
                    self.first_overdue(duty, &known, readings, version, asked)
                }
            };
            let mut value = day(&readings);
            // Each dispute the duty reads and the question leaves at its
            // default: the day must be the same under its every reading.
            let mut read: Vec<usize> = duty
                .iter()
                .filter_map(|(_, r)| r.reading.map(|r| r.dispute))
                .filter(|&d| !chosen[d])
                .collect();
            read.sort_unstable();
            read.dedup();
            for dispute in read {
                let used = readings[dispute];
                let count = self.vocabulary.disputes[dispute].readings.len();
                let mut other = readings.clone();
                let differs = (0..count).filter(|&r| r != used).any(|r| {
                    other[dispute] = r;
                    day(&other) != value
                });
                if differs && value.is_some() {
                    value = None;
                    found.disputed.push((fact, dispute));
                }
            }
            if let Some(value) = value {
                known.insert(fact, value);
                found.derived.push((fact, value));
            }
            for &next in needed_by.get(&fact).into_iter().flatten() {
                let count = waits_on.get_mut(&next).expect("every open breach counted");
                *count -= 1;
                if *count == 0 {
                    ready.push(next);
                }
            }
        }
        found.derived.sort_by_key(|&(fact, _)| fact);
        found.disputed.sort_unstable();
        found
    }

    /// The breach events the rules about `action` test, in every version.
    pub fn breach_events_of(&self, action: usize) -> HashSet<usize> {
        let is_breach = |f: usize| self.vocabulary.facts[f].breach_of.is_some();
        self.versions
            .iter()
            .flat_map(|v| v.rules_for(action).iter().map(move |&r| &v.rules[r]))
            .flat_map(|r| r.condition.iter().map(|&(f, _)| f))
            .filter(|&f| is_breach(f))
            .collect()
    }

    /// The first day one of a duty's overdue `pieces` applies given `known`,
    /// or `None` when the facts known leave it open.
    fn first_overdue(
        &self,
        pieces: &[(usize, &super::Rule)],
        known: &HashMap<usize, Given>,
        readings: &[usize],
        version: Option<usize>,
        asked: NaiveDate,
    ) -> Option<Given> {
        let facts = &self.vocabulary.facts;
        let mut used: Vec<usize> = pieces
            .iter()
            .flat_map(|(_, r)| r.condition.iter().map(|&(f, _)| f))
            .collect();
        used.sort_unstable();
        used.dedup();
        // What applies changes only where a piece's dates start, a version
        // takes effect, or an event the pieces test reaches one of its stages.
        let mut days: Vec<NaiveDate> = vec![NaiveDate::MIN];
        days.extend(pieces.iter().filter_map(|(_, r)| r.valid.from()));
        if version.is_none() {
            days.extend(self.versions.iter().map(|v| v.effective.date));
        }
        for &fact in &used {
            if let (Some(Given::On(day)), FactKind::Event { unit, offsets }) =
                (known.get(&fact), &facts[fact].kind)
            {
                days.extend(offsets.iter().filter_map(|&amount| {
                    Offset {
                        amount,
                        unit: *unit,
                    }
                    .after(*day)
                }));
            }
        }
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");
        days.retain(|&day| day <= asked && day <= last);
        days.sort_unstable();
        days.dedup();
        for day in days {
            let values = |fact: usize| match known.get(&fact) {
                // Happened by the date asked, on a day not given: on an
                // earlier day it may or may not have happened yet.
                Some(Given::Happened(true)) if day < asked => {
                    ValueSet::full(facts[fact].values.len())
                }
                Some(value) => value.classes_on(&facts[fact].kind, day),
                None => ValueSet::full(facts[fact].values.len()),
            };
            let in_force = match version {
                Some(v) => Some(v),
                None => self.version_in_force(day),
            };
            let mut unknown = false;
            for &(v, rule) in pieces {
                if Some(v) != in_force {
                    continue;
                }
                match applies(rule, &values, readings, day) {
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
