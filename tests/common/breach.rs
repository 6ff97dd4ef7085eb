//! Generated agreements with a duty, its breach and remedies, and the dumb
//! oracle that decides them (for `tests/breach_oracle.rs`).
//!
//! An [`Agreement`] has a duty `pay`, sometimes a duty `cure` counting from
//! `breach(pay)`, and one or two remedies (or an exception overriding a duty)
//! naming `breach(pay)` or `breach(cure)`, in one or two versions. It is
//! written as a terms directory (with a seed holding its one quote) and
//! loaded as a user's terms are.
//!
//! The [`Oracle`] never looks at the loaded terms: it reads each [`Rule`] as
//! the generator wrote it and decides concrete days and worlds one by one,
//! walking every day for the first on which a duty is overdue.

use super::TempDir;
use chrono::NaiveDate;
use covenant::query::Under;
use covenant::terms::{self, Terms, TermsSource};
use covenant::verdict::Verdict;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// How many days `ask` is asked on: day 0 to day 59.
pub const WINDOW: i64 = 60;
/// The first and last day (exclusive) the oracle walks for a breach: well
/// before any event or date, and well after the last day anything counts to.
pub const WALK: std::ops::Range<i64> = -100..200;
/// The day the first version takes effect.
pub const FIRST_EFFECTIVE: i64 = -60;

/// The day `index` days after the window's first day, 2 March 2026.
pub fn day(index: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date") + chrono::Duration::days(index)
}

/// The index of `date`, as [`day`] counts.
pub fn index(date: NaiveDate) -> i64 {
    (date - day(0)).num_days()
}

/// The duties whose breach rules can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    Pay,
    Cure,
}

impl Duty {
    pub fn id(self) -> &'static str {
        match self {
            Duty::Pay => "pay",
            Duty::Cure => "cure",
        }
    }
}

/// The events: three declared ones, and the breach of each duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    Order,
    Paid,
    Cured,
    Breach(Duty),
}

impl Event {
    pub fn name(self) -> String {
        match self {
            Event::Order => "order".into(),
            Event::Paid => "paid".into(),
            Event::Cured => "cured".into(),
            Event::Breach(duty) => format!("breach({})", duty.id()),
        }
    }
}

/// The actions, their defaults, and the duty each one's rule is.
pub const ACTIONS: [(&str, &str); 3] = [
    ("p.pay", "permitted"),
    ("p.cure", "permitted"),
    ("p.terminate", "forbidden"),
];

/// A rule's `from`, `until` or `due`: a day, or an event moved by some days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Date(i64),
    Event(Event, i64),
}

impl At {
    pub fn text(self) -> String {
        match self {
            At::Date(d) => day(d).to_string(),
            At::Event(e, 0) => e.name(),
            At::Event(e, k) => format!("{} + {k} days", e.name()),
        }
    }

    /// The day it stands for, `None` when it counts from an event that never happens.
    pub fn on(self, days: &Days) -> Option<i64> {
        match self {
            At::Date(d) => Some(d),
            At::Event(e, k) => days.of(e).map(|t| t + k),
        }
    }
}

/// One part of a `when`, joined to the others with `and`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Atom {
    /// Yes/no fact `f0` or `f1` has the value.
    Fact(usize, bool),
    /// The event has (or has not) happened on or before the day.
    Happened(Event, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Permit,
    Forbid,
    Oblige,
}

/// A rule as the generator writes it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub action: usize,
    pub effect: Effect,
    pub from: Option<At>,
    pub until: Option<At>,
    pub when: Vec<Atom>,
    pub due: Option<At>,
    pub done: Option<Event>,
    pub overrides: Option<String>,
}

/// Which answers a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    InForce,
    Version(usize),
}

/// A generated agreement: the rules of each version (the second, when there
/// is one, takes effect on day `switch`), and the versions questions ask about.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub versions: Vec<Vec<Rule>>,
    pub switch: i64,
    pub scope: Scope,
}

/// The day every event happens (`None`: never), breaches included.
#[derive(Debug, Clone, Copy, Default)]
pub struct Days {
    pub order: Option<i64>,
    pub paid: Option<i64>,
    pub cured: Option<i64>,
    pub breach: [Option<i64>; 2],
}

impl Days {
    pub fn of(&self, event: Event) -> Option<i64> {
        match event {
            Event::Order => self.order,
            Event::Paid => self.paid,
            Event::Cured => self.cured,
            Event::Breach(duty) => self.breach[duty as usize],
        }
    }

    pub fn set(&mut self, event: Event, on: Option<i64>) {
        match event {
            Event::Order => self.order = on,
            Event::Paid => self.paid = on,
            Event::Cured => self.cured = on,
            Event::Breach(duty) => self.breach[duty as usize] = on,
        }
    }
}

/// A world as a question gives it: the declared events' days and the yes/no facts.
#[derive(Debug, Clone, Copy)]
pub struct World {
    pub order: Option<i64>,
    pub paid: Option<i64>,
    pub cured: Option<i64>,
    pub facts: [bool; 2],
}

impl Rule {
    /// Whether the rule applies on day `d`: its dates, its `when`, and for a
    /// duty, not yet done.
    pub fn applies(&self, d: i64, days: &Days, facts: &[bool; 2]) -> bool {
        let from = self
            .from
            .is_none_or(|at| at.on(days).is_some_and(|t| t <= d));
        let until = self
            .until
            .is_none_or(|at| at.on(days).is_none_or(|t| d < t));
        let when = self.when.iter().all(|&atom| match atom {
            Atom::Fact(i, value) => facts[i] == value,
            Atom::Happened(e, happened) => days.of(e).is_some_and(|t| t <= d) == happened,
        });
        let undone = self.done.is_none_or(|e| days.of(e).is_none_or(|t| t > d));
        from && until && when && undone
    }

    /// Whether the rule applies on `d` as a duty past its deadline.
    pub fn overdue(&self, d: i64, days: &Days, facts: &[bool; 2]) -> bool {
        self.effect == Effect::Oblige
            && self
                .due
                .is_some_and(|at| at.on(days).is_some_and(|t| d >= t))
            && self.applies(d, days, facts)
    }

    /// Every event the rule names.
    pub fn events(&self) -> BTreeSet<Event> {
        let mut events: BTreeSet<Event> = [self.from, self.until, self.due]
            .into_iter()
            .flatten()
            .filter_map(|at| match at {
                At::Event(e, _) => Some(e),
                At::Date(_) => None,
            })
            .collect();
        events.extend(self.done);
        events.extend(self.when.iter().filter_map(|atom| match atom {
            Atom::Happened(e, _) => Some(*e),
            Atom::Fact(..) => None,
        }));
        events
    }

    /// The duties whose breach every piece of the rule needs to have happened.
    pub fn needs(&self) -> BTreeSet<Duty> {
        let mut needs = BTreeSet::new();
        if let Some(At::Event(Event::Breach(duty), _)) = self.from {
            needs.insert(duty);
        }
        for atom in &self.when {
            if let Atom::Happened(Event::Breach(duty), true) = atom {
                needs.insert(*duty);
            }
        }
        needs
    }

    /// The rule as a `[[rules]]` table.
    pub fn toml(&self) -> String {
        let effect = match self.effect {
            Effect::Permit => "permit",
            Effect::Forbid => "forbid",
            Effect::Oblige => "oblige",
        };
        let mut out = format!(
            "\n[[rules]]\nid = \"{}\"\naction = \"{}\"\neffect = \"{effect}\"\n",
            self.id, ACTIONS[self.action].0
        );
        for (key, at) in [
            ("from", self.from),
            ("until", self.until),
            ("due", self.due),
        ] {
            if let Some(at) = at {
                out += &format!("{key} = \"{}\"\n", at.text());
            }
        }
        if !self.when.is_empty() {
            let parts: Vec<String> = self
                .when
                .iter()
                .map(|atom| match *atom {
                    Atom::Fact(i, true) => format!("f{i}"),
                    Atom::Fact(i, false) => format!("not f{i}"),
                    Atom::Happened(e, true) => e.name(),
                    Atom::Happened(e, false) => format!("not {}", e.name()),
                })
                .collect();
            out += &format!("when = \"{}\"\n", parts.join(" and "));
        }
        if let Some(done) = self.done {
            out += &format!("done = \"{}\"\n", done.name());
        }
        if let Some(target) = &self.overrides {
            out += &format!("overrides = [\"{target}\"]\n");
        }
        out + "citations = [{ seed = \"source.txt\", quote = \"the source\" }]\n"
    }
}

pub const VOCABULARY: &str = r#"
[agreement]
title = "a duty and its remedies"
seeds = "../seeds"

[parties]
p = "Party"

[actions."p.pay"]
description = "pays"
default = "permitted"
default_reason = "a freedom"

[actions."p.cure"]
description = "cures"
default = "permitted"
default_reason = "a freedom"

[actions."p.terminate"]
description = "terminates"
default = "forbidden"
default_reason = "a right the contract grants"

[facts.f0]
description = "f0"

[facts.f1]
description = "f1"

[events.order]
description = "an order"

[events.paid]
description = "payment"

[events.cured]
description = "a cure"
"#;

/// The versions' ids, in order.
pub const VERSIONS: [&str; 2] = ["one", "two"];

impl Agreement {
    /// The version in force on day `d`.
    pub fn in_force(&self, d: i64) -> Option<usize> {
        if d < FIRST_EFFECTIVE {
            None
        } else if self.versions.len() == 2 && d >= self.switch {
            Some(1)
        } else {
            Some(0)
        }
    }

    pub fn rule(&self, version: usize, id: &str) -> Option<&Rule> {
        self.versions[version].iter().find(|r| r.id == id)
    }

    /// The duties whose breach some rule names.
    pub fn named_breaches(&self) -> BTreeSet<Duty> {
        self.versions
            .iter()
            .flatten()
            .flat_map(|r| r.events())
            .filter_map(|e| match e {
                Event::Breach(duty) => Some(duty),
                _ => None,
            })
            .collect()
    }

    /// The version the breach is judged under: `None` for the one in force each day.
    pub fn breach_scope(&self) -> Option<usize> {
        match self.scope {
            Scope::Version(v) => Some(v),
            Scope::All | Scope::InForce => None,
        }
    }

    pub fn under(&self) -> Under {
        match self.scope {
            Scope::All => Under::All,
            Scope::InForce => Under::InForce,
            Scope::Version(v) => Under::Version(v),
        }
    }

    /// The versions answering a question on day `d`.
    pub fn answering(&self, d: i64) -> Vec<usize> {
        match self.scope {
            Scope::All => (0..self.versions.len()).collect(),
            Scope::InForce => self.in_force(d).into_iter().collect(),
            Scope::Version(v) => vec![v],
        }
    }

    /// Writes the agreement as a terms directory (with its seed) and loads it.
    pub fn load(&self) -> (TempDir, Terms) {
        let dir = TempDir::new("breach");
        dir.write("terms/vocabulary.toml", VOCABULARY);
        for (v, rules) in self.versions.iter().enumerate() {
            let mut text = format!(
                "[version]\nid = \"{id}\"\ntitle = \"{id}\"\n[version.effective]\ndate = \"{}\"\nsource = \"s\"\n",
                day(if v == 0 { FIRST_EFFECTIVE } else { self.switch }),
                id = VERSIONS[v],
            );
            if v == 0 && self.versions.len() == 2 {
                text += &format!(
                    "[version.superseded]\ndate = \"{}\"\nsource = \"s\"\n",
                    day(self.switch)
                );
            }
            text.extend(rules.iter().map(Rule::toml));
            dir.write(&format!("terms/{}.toml", VERSIONS[v]), text);
        }
        dir.write("seeds/source.txt", "the source\n");
        let terms = terms::load(&TermsSource::Directory(dir.path().join("terms")))
            .unwrap_or_else(|e| panic!("generated terms load: {e:?}\n{self:#?}"));
        (dir, terms)
    }
}

// ---------------------------------------------------------------------------
// The oracle.

/// The dumb oracle: each rule read as written, every day walked.
pub struct Oracle<'a> {
    pub agreement: &'a Agreement,
}

impl Oracle<'_> {
    /// The first day on which duty `duty` is overdue (its piece of the version
    /// `scope`, or of the version in force that day), walking every day.
    pub fn breach_day(
        &self,
        duty: Duty,
        scope: Option<usize>,
        days: &Days,
        facts: &[bool; 2],
    ) -> Option<i64> {
        WALK.clone().find(|&d| {
            scope
                .or_else(|| self.agreement.in_force(d))
                .and_then(|v| self.agreement.rule(v, duty.id()))
                .is_some_and(|rule| rule.overdue(d, days, facts))
        })
    }

    /// The days of every event in `world`: a breach `given` (`Some(day)`,
    /// `Some(None)` for never) is taken as given, the others are walked for,
    /// `pay` first since `cure` may count from its breach.
    pub fn days(&self, world: &World, given: [Option<Option<i64>>; 2]) -> Days {
        let mut days = Days {
            order: world.order,
            paid: world.paid,
            cured: world.cured,
            breach: [None, None],
        };
        for duty in [Duty::Pay, Duty::Cure] {
            days.breach[duty as usize] = match given[duty as usize] {
                Some(on) => on,
                None => self.breach_day(duty, self.agreement.breach_scope(), &days, &world.facts),
            };
        }
        days
    }

    /// What version `v` decides for `action` on day `d`: the verdict and the
    /// deciding rules' ids, sorted.
    pub fn decide(
        &self,
        v: usize,
        action: usize,
        d: i64,
        days: &Days,
        facts: &[bool; 2],
    ) -> (Verdict, Vec<String>) {
        let applicable: Vec<&Rule> = self.agreement.versions[v]
            .iter()
            .filter(|r| r.action == action && r.applies(d, days, facts))
            .collect();
        let deciding: Vec<&Rule> = applicable
            .iter()
            .filter(|r| {
                !applicable
                    .iter()
                    .any(|s| s.overrides.as_deref() == Some(&r.id))
            })
            .copied()
            .collect();
        let has = |effect| deciding.iter().any(|r| r.effect == effect);
        let overdue = deciding.iter().any(|r| r.overdue(d, days, facts));
        let verdict = if has(Effect::Forbid) && (has(Effect::Permit) || has(Effect::Oblige)) {
            Verdict::Conflict
        } else if has(Effect::Forbid) {
            Verdict::Forbidden
        } else if overdue {
            Verdict::Breached
        } else if has(Effect::Oblige) {
            Verdict::Required
        } else if has(Effect::Permit) {
            Verdict::Permitted
        } else if ACTIONS[action].1 == "forbidden" {
            Verdict::Forbidden
        } else {
            Verdict::Permitted
        };
        let mut ids: Vec<String> = deciding.iter().map(|r| r.id.clone()).collect();
        ids.sort();
        (verdict, ids)
    }

    /// Whether `duty` is overdue in some version, world and day: each event
    /// the rule names on every day of a window or never (a breach it names is
    /// free, as `check` takes it), each yes/no value.
    pub fn ever_overdue(&self, duty: Duty) -> bool {
        // A duty's dates are in `-10..WINDOW` and its durations at most 30
        // days: an event before day -41 is as one on day -41, one after the
        // window as never, and nothing changes after day 100.
        let choices: Vec<Option<i64>> = (-45..WINDOW + 5).map(Some).chain([None]).collect();
        self.agreement
            .versions
            .iter()
            .flatten()
            .filter(|r| r.id == duty.id())
            .any(|rule| {
                let events: Vec<Event> = rule.events().into_iter().collect();
                let mut at = vec![0usize; events.len()];
                loop {
                    let mut days = Days::default();
                    for (e, &i) in events.iter().zip(&at) {
                        days.set(*e, choices[i]);
                    }
                    // A duty tests one fact at most: both values of each suffice.
                    for facts in [[false, false], [true, true]] {
                        if (-45..100).any(|d| rule.overdue(d, &days, &facts)) {
                            return true;
                        }
                    }
                    // The next combination of event days, as an odometer.
                    let Some(k) = at.iter().rposition(|&i| i + 1 < choices.len()) else {
                        return false;
                    };
                    at[k] += 1;
                    at[k + 1..].iter_mut().for_each(|i| *i = 0);
                }
            })
    }
}

// ---------------------------------------------------------------------------
// Generators.

/// An event's day in `days`, or (one time in `1 + 1 / never`) never.
pub fn event_day(days: std::ops::Range<i64>, never: u32) -> impl Strategy<Value = Option<i64>> {
    prop_oneof![never => Just(None), 4 => days.prop_map(Some)]
}

/// Worlds in which the duties often fall overdue inside the window: `order`
/// mostly early, `paid` and `cured` often never or late.
pub fn worlds() -> impl Strategy<Value = World> {
    (
        event_day(-10..35, 1),
        event_day(-10..WINDOW + 5, 4),
        event_day(-10..WINDOW + 5, 4),
        any::<[bool; 2]>(),
    )
        .prop_map(|(order, paid, cured, facts)| World {
            order,
            paid,
            cured,
            facts,
        })
}

/// A deadline for `pay`: counted from `order`, a date, counted from its own
/// performance `paid`, or none.
pub fn pay_due() -> impl Strategy<Value = Option<At>> {
    prop_oneof![
        1 => Just(None),
        4 => (0i64..=20).prop_map(|n| Some(At::Event(Event::Order, n))),
        2 => (-5i64..50).prop_map(|d| Some(At::Date(d))),
        1 => (0i64..=3).prop_map(|n| Some(At::Event(Event::Paid, n))),
    ]
}

/// The duty `pay`; with `done`, always performed by `paid`.
pub fn pay(done: bool) -> impl Strategy<Value = Rule> {
    (
        0u8..3,
        0i64..=3,
        -10i64..30,
        0u8..3,
        1i64..=30,
        pay_due(),
        any::<bool>(),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            move |(from_kind, a, date, until_kind, len, due, has_done, when)| {
                let from = match from_kind {
                    0 => None,
                    1 => Some(At::Event(Event::Order, a)),
                    _ => Some(At::Date(date)),
                };
                let until = match (until_kind, from) {
                    (0, _) => None,
                    (1, Some(At::Event(e, k))) => Some(At::Event(e, k + len)),
                    (1, _) => Some(At::Event(Event::Order, len)),
                    (_, Some(At::Date(d))) => Some(At::Date(d + len)),
                    _ => Some(At::Date(date + len)),
                };
                Rule {
                    id: "pay".into(),
                    action: 0,
                    effect: Effect::Oblige,
                    from,
                    until,
                    when: when.map(|b| Atom::Fact(0, b)).into_iter().collect(),
                    due,
                    done: (done || has_done).then_some(Event::Paid),
                    overrides: None,
                }
            },
        )
}

/// The duty `cure`, from the breach of `pay` on, due some days later (or
/// with no deadline), sometimes ending.
pub fn cure() -> impl Strategy<Value = Rule> {
    (
        prop_oneof![1 => Just(None), 4 => (0i64..=10).prop_map(Some)],
        prop::option::of(3i64..=30),
        any::<bool>(),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(due, until, done, when)| {
            let breach = Event::Breach(Duty::Pay);
            Rule {
                id: "cure".into(),
                action: 1,
                effect: Effect::Oblige,
                from: Some(At::Event(breach, 0)),
                until: until.map(|n| At::Event(breach, n)),
                when: when.map(|b| Atom::Fact(1, b)).into_iter().collect(),
                due: due.map(|n| At::Event(breach, n)),
                done: done.then_some(Event::Cured),
                overrides: None,
            }
        })
}

/// A remedy counting from the breach of `pay`, or of `cure` when `chain`:
/// from some days after it, or (`when = "not breach(…)"`) until it, or
/// while it has happened; on any action, sometimes overriding the duty
/// of that action.
pub fn remedy(id: &'static str, chain: bool) -> impl Strategy<Value = Rule> {
    (
        (any::<bool>(), 0usize..3, 0u8..3, 0u8..3),
        (0i64..=10, 1i64..=20, 0u8..3, 0i64..WINDOW),
        (
            0u8..3,
            0i64..=15,
            any::<bool>(),
            prop::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            move |(
                (cure, action, effect, variant),
                (k, len, until_kind, date),
                (due_kind, n, overrides, fact),
            )| {
                let breach = Event::Breach(if chain && cure { Duty::Cure } else { Duty::Pay });
                let effect = [Effect::Permit, Effect::Forbid, Effect::Oblige][usize::from(effect)];
                let mut when: Vec<Atom> = Vec::new();
                let (from, until) = match variant {
                    // From K days after the breach.
                    0 => {
                        let until = match until_kind {
                            0 => None,
                            1 => Some(At::Event(breach, k + len)),
                            _ => Some(At::Date(date)),
                        };
                        if fact == Some(true) {
                            when.push(Atom::Happened(breach, true));
                        }
                        (Some(At::Event(breach, k)), until)
                    }
                    // Until the breach (or some days after it).
                    1 => {
                        when.push(Atom::Happened(breach, false));
                        let from = (until_kind == 2).then_some(At::Date(date));
                        let until = match until_kind {
                            0 => Some(At::Event(breach, len)),
                            1 => None,
                            _ => Some(At::Date(date + len)),
                        };
                        (from, until)
                    }
                    // While the breach has happened, within dates.
                    _ => {
                        when.push(Atom::Happened(breach, true));
                        let from = (until_kind != 0).then_some(At::Date(date));
                        let until = (until_kind == 2).then_some(At::Date(date + len));
                        (from, until)
                    }
                };
                if variant != 0
                    && let Some(value) = fact
                {
                    when.push(Atom::Fact(1, value));
                }
                let due = match (effect, due_kind) {
                    (Effect::Oblige, 1) => Some(At::Event(breach, k + n)),
                    (Effect::Oblige, 2) => Some(At::Date(date + n)),
                    _ => None,
                };
                let duty = match action {
                    0 => Some("pay"),
                    1 if chain => Some("cure"),
                    _ => None,
                };
                Rule {
                    id: id.into(),
                    action,
                    effect,
                    from,
                    until,
                    when,
                    due,
                    done: None,
                    overrides: duty.filter(|_| overrides).map(String::from),
                }
            },
        )
}

/// An exception to a duty that names no breach: `permit` or `forbid` on the
/// duty's action, overriding it, within dates and sometimes only when `f1`.
/// The duty's breach comes all the same.
pub fn waiver(id: &'static str, chain: bool) -> impl Strategy<Value = Rule> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::of(-10i64..WINDOW),
        prop::option::of(1i64..=20),
        prop::option::of(any::<bool>()),
    )
        .prop_map(move |(cure, forbid, from, len, fact)| {
            let action = usize::from(chain && cure);
            Rule {
                id: id.into(),
                action,
                effect: if forbid {
                    Effect::Forbid
                } else {
                    Effect::Permit
                },
                from: from.map(At::Date),
                until: len.map(|n| At::Date(from.unwrap_or(0) + n)),
                when: fact.map(|b| Atom::Fact(1, b)).into_iter().collect(),
                due: None,
                done: None,
                overrides: Some(["pay", "cure"][action].into()),
            }
        })
}

/// Agreements; with `done`, `pay` is always performed by `paid`.
pub fn agreements(done: bool) -> impl Strategy<Value = Agreement> {
    (
        pay(done),
        prop::option::of(cure()),
        any::<bool>(),
        prop::option::of(pay_due()),
        5i64..55,
        0u8..4,
    )
        .prop_flat_map(move |(pay, cure, two, second_due, switch, scope)| {
            let chain = cure.is_some();
            let remedies = prop::option::of(prop_oneof![
                2 => remedy("r2", chain),
                1 => waiver("r2", chain),
            ]);
            (
                Just((pay, cure, second_due, switch, scope)),
                remedy("r1", chain),
                remedies,
            )
                .prop_map(move |((pay, cure, second_due, switch, scope), r1, r2)| {
                    let mut rules = vec![pay];
                    rules.extend(cure.clone());
                    rules.push(r1);
                    rules.extend(r2);
                    let mut versions = vec![rules.clone()];
                    if let Some(due) = second_due.filter(|_| two) {
                        rules[0].due = due;
                        versions.push(rules);
                    }
                    let scope = match scope {
                        0 => Scope::All,
                        1 => Scope::InForce,
                        s => Scope::Version(usize::from(s - 2) % versions.len()),
                    };
                    Agreement {
                        versions,
                        switch,
                        scope,
                    }
                })
        })
}
