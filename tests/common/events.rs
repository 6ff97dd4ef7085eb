//! Generated agreements with events, and the dumb oracle that decides them.
//!
//! An [`Agreement`] has one action, one or two yes/no facts, a number fact `n`
//! compared with one to three constants, one or two events (at most one
//! counted in months), and two versions of a few rules each: `from` and
//! `until` as calendar dates inside the window or as an event moved by a few
//! days (or one month), `when` built from `and`, `or`, `not` and parentheses,
//! and overrides of earlier rules; an `oblige` rule sometimes has a deadline
//! (`due`, a date inside the window or an event moved by a few days or one
//! month) and a performance (`done`, one of the events). It is written as
//! terms files (with a seed holding every quote) and loaded as a user's terms
//! are.
//!
//! The [`Oracle`] never looks at the grounding (classes, stages, boxes,
//! alternatives): it reads each rule as written (`from`, `until`, `valid`,
//! `formula`) and decides concrete worlds one by one, with its own calendar
//! arithmetic and its own numbers.

use super::TempDir;
use chrono::{Datelike, Duration, NaiveDate};
use covenant::terms::{
    self, Endpoint, Formula, LoadErrorKind, NumberTest, Terms, TermsSource, TimeUnit,
};
use covenant::verdict::{Effect, Verdict};
use proptest::prelude::*;
use std::fmt::Write;

/// The first day of the window the oracle walks.
pub fn window_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 22).expect("a valid date")
}

/// How many days the window has: from 22 January to 4 March 2026, over the
/// ends of January and February, where months clamp.
pub const WINDOW_DAYS: i64 = 42;

/// The day `index` days after the window's start.
pub fn day(index: i64) -> NaiveDate {
    window_start() + Duration::days(index)
}

/// The window, as an interval.
pub fn window() -> covenant::interval::DateInterval {
    covenant::interval::DateInterval::new(Some(day(0)), Some(day(WINDOW_DAYS)))
        .expect("a window of some days")
}

/// `date` moved by `amount` days, or calendar months (the same day of the
/// month, or the month's last day when it has no such day): the oracle's own
/// calendar, independent of the engine's.
pub fn shift(date: NaiveDate, amount: i64, months: bool) -> NaiveDate {
    if !months {
        return date + Duration::days(amount);
    }
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + amount;
    let year = i32::try_from(index.div_euclid(12)).expect("a year near 2026");
    let month = u32::try_from(index.rem_euclid(12)).expect("a month") + 1;
    let mut day = date.day();
    loop {
        if let Some(moved) = NaiveDate::from_ymd_opt(year, month, day) {
            return moved;
        }
        day -= 1;
    }
}

/// A number in hundredths as a decimal, e.g. `-1.25`.
pub fn decimal(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, fraction) = (hundredths.abs() / 100, hundredths.abs() % 100);
    match fraction {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// A decimal as hundredths; `None` when it is not a whole number of hundredths.
pub fn hundredths(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let magnitude = whole * 100 + fraction;
    Some(if negative { -magnitude } else { magnitude })
}

// ---------------------------------------------------------------------------
// The generator.

/// How a condition compares `n` with a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Less => "<",
            Cmp::LessEqual => "<=",
            Cmp::Greater => ">",
            Cmp::GreaterEqual => ">=",
            Cmp::Equal => "=",
            Cmp::NotEqual => "!=",
        }
    }

    fn holds(self, value: i64, constant: i64) -> bool {
        match self {
            Cmp::Less => value < constant,
            Cmp::LessEqual => value <= constant,
            Cmp::Greater => value > constant,
            Cmp::GreaterEqual => value >= constant,
            Cmp::Equal => value == constant,
            Cmp::NotEqual => value != constant,
        }
    }
}

/// A condition as the generator writes it. Indices into the agreement's
/// yes/no facts, events and constants are taken modulo their counts.
#[derive(Debug, Clone)]
pub enum Cond {
    /// `f0`
    Yes(usize),
    /// `e0`: the event has happened on or before the date asked.
    Happened(usize),
    /// `n < 1.5`
    Compare(Cmp, usize),
    /// `n in [..]` (true) or `n not in [..]` (false).
    Among(bool, Vec<usize>),
    /// `not …`
    Not(Box<Cond>),
    /// `… and …`, with parentheses even where none are needed when the flag is set.
    All(Vec<Cond>, bool),
    /// `… or …`, likewise.
    Any(Vec<Cond>, bool),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    And,
    Or,
    Not,
}

impl Cond {
    fn normalize(self, shape: &Shape) -> Cond {
        match self {
            Cond::Yes(i) => Cond::Yes(i % shape.yes_no),
            Cond::Happened(k) => Cond::Happened(k % shape.events),
            Cond::Compare(cmp, c) => Cond::Compare(cmp, c % shape.constants),
            Cond::Among(inside, list) => Cond::Among(
                inside,
                list.into_iter().map(|c| c % shape.constants).collect(),
            ),
            Cond::Not(inner) => Cond::Not(Box::new(inner.normalize(shape))),
            Cond::All(parts, paren) => Cond::All(
                parts.into_iter().map(|p| p.normalize(shape)).collect(),
                paren,
            ),
            Cond::Any(parts, paren) => Cond::Any(
                parts.into_iter().map(|p| p.normalize(shape)).collect(),
                paren,
            ),
        }
    }

    fn write(&self, constants: &[i64], context: Context, out: &mut String) {
        let constant = |c: usize| decimal(constants[c] * 10);
        match self {
            Cond::Yes(i) => {
                let _ = write!(out, "f{i}");
            }
            Cond::Happened(k) => {
                let _ = write!(out, "e{k}");
            }
            Cond::Compare(cmp, c) => {
                let _ = write!(out, "n {} {}", cmp.symbol(), constant(*c));
            }
            Cond::Among(inside, list) => {
                let values: Vec<String> = list.iter().map(|&c| constant(c)).collect();
                let not = if *inside { "" } else { "not " };
                let _ = write!(out, "n {not}in [{}]", values.join(", "));
            }
            Cond::Not(inner) => {
                out.push_str("not ");
                inner.write(constants, Context::Not, out);
            }
            Cond::All(parts, paren) | Cond::Any(parts, paren) => {
                let and = matches!(self, Cond::All(..));
                let wrap = *paren || context == Context::Not || (!and && context == Context::And);
                if wrap {
                    out.push('(');
                }
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if and { " and " } else { " or " });
                    }
                    part.write(constants, if and { Context::And } else { Context::Or }, out);
                }
                if wrap {
                    out.push(')');
                }
            }
        }
    }

    /// The condition as `when` text.
    pub fn text(&self, constants: &[i64]) -> String {
        let mut out = String::new();
        self.write(constants, Context::Top, &mut out);
        out
    }

    /// How many alternatives the loader multiplies the condition out to,
    /// counted as it counts them (before removing empty or repeated ones).
    fn alternatives(&self, negated: bool) -> usize {
        match self {
            Cond::Not(inner) => inner.alternatives(!negated),
            // `in` with several values is an `or` of `=`; `not in`, an `and` of `!=`.
            Cond::Among(inside, list) if list.len() > 1 && *inside != negated => list.len(),
            Cond::All(parts, _) | Cond::Any(parts, _) => {
                let product = matches!(self, Cond::All(..)) != negated;
                parts.iter().fold(usize::from(product), |n, p| {
                    let m = p.alternatives(negated);
                    if product {
                        n.saturating_mul(m)
                    } else {
                        n.saturating_add(m)
                    }
                })
            }
            _ => 1,
        }
    }

    /// Whether the condition holds in `world`, by the generator's reading of what it wrote.
    pub fn holds(&self, agreement: &Agreement, world: &World) -> bool {
        let constant = |c: usize| agreement.constants[c] * 10;
        match self {
            Cond::Yes(i) => world.yes[*i],
            Cond::Happened(k) => world.events[*k].is_some_and(|e| e <= world.day),
            Cond::Compare(cmp, c) => cmp.holds(world.number, constant(*c)),
            Cond::Among(true, list) => list.iter().any(|&c| world.number == constant(c)),
            Cond::Among(false, list) => list.iter().all(|&c| world.number != constant(c)),
            Cond::Not(inner) => !inner.holds(agreement, world),
            Cond::All(parts, _) => parts.iter().all(|p| p.holds(agreement, world)),
            Cond::Any(parts, _) => parts.iter().any(|p| p.holds(agreement, world)),
        }
    }
}

/// A rule's `from` or `until` as the generator writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The day this many days into the window.
    Date(i64),
    /// Event `k` moved by an amount in the event's unit.
    Event(usize, i64),
}

impl End {
    fn text(self, agreement: &Agreement) -> String {
        match self {
            End::Date(i) => day(i).to_string(),
            End::Event(k, 0) => format!("e{k}"),
            End::Event(k, amount) => {
                let sign = if amount < 0 { "-" } else { "+" };
                let n = amount.abs();
                let unit = match (agreement.months[k], n) {
                    (true, 1) => "month".to_string(),
                    (true, _) => "months".to_string(),
                    (false, 7) => return format!("e{k} {sign} 1 week"),
                    (false, 1) => "day".to_string(),
                    (false, _) => "days".to_string(),
                };
                format!("e{k} {sign} {n} {unit}")
            }
        }
    }

    /// Whether the endpoint has been reached on the world's day; an event that
    /// never happens is never reached.
    fn reached(self, agreement: &Agreement, world: &World) -> bool {
        match self {
            End::Date(i) => day(i) <= world.day,
            End::Event(k, amount) => {
                world.events[k].is_some_and(|e| shift(e, amount, agreement.months[k]) <= world.day)
            }
        }
    }
}

/// A rule as the generator writes it.
#[derive(Debug, Clone)]
pub struct GenRule {
    pub id: String,
    pub effect: Effect,
    pub from: Option<End>,
    pub until: Option<End>,
    pub when: Option<Cond>,
    pub overrides: Vec<String>,
    /// An `oblige` rule's deadline.
    pub due: Option<End>,
    /// The event that performs an `oblige` rule.
    pub done: Option<usize>,
}

impl GenRule {
    /// Whether the rule applies in `world` (not counting overrides), by the
    /// generator's reading: its dates and condition hold, and the duty (if it
    /// has `done`) has not been performed on or before the day.
    pub fn applies(&self, agreement: &Agreement, world: &World) -> bool {
        self.from.is_none_or(|f| f.reached(agreement, world))
            && self.until.is_none_or(|u| !u.reached(agreement, world))
            && self.when.as_ref().is_none_or(|w| w.holds(agreement, world))
            && !self.performed(world)
    }

    /// Whether the duty's `done` event has happened on or before the day.
    fn performed(&self, world: &World) -> bool {
        self.done
            .is_some_and(|k| world.events[k].is_some_and(|e| e <= world.day))
    }

    /// Whether the duty's deadline has been reached on the world's day (a
    /// deadline counted from an event that never happens is never reached).
    pub fn overdue(&self, agreement: &Agreement, world: &World) -> bool {
        self.due.is_some_and(|d| d.reached(agreement, world))
    }

    /// Whether the rule's condition and the dates it counts from events hold
    /// in `world`, whatever its calendar dates.
    pub fn holds_ignoring_calendar(&self, agreement: &Agreement, world: &World) -> bool {
        let event = |end: Option<End>| end.filter(|e| matches!(e, End::Event(..)));
        event(self.from).is_none_or(|f| f.reached(agreement, world))
            && event(self.until).is_none_or(|u| !u.reached(agreement, world))
            && self.when.as_ref().is_none_or(|w| w.holds(agreement, world))
            && !self.performed(world)
    }
}

/// The counts a generated agreement's indices are taken modulo.
struct Shape {
    yes_no: usize,
    events: usize,
    constants: usize,
}

/// A generated agreement.
#[derive(Clone)]
pub struct Agreement {
    /// How many yes/no facts (`f0`, `f1`).
    pub yes_no: usize,
    /// The constants `n` is compared with, in tenths, ascending.
    pub constants: Vec<i64>,
    /// Per event (`e0`, `e1`): whether its durations count months.
    pub months: Vec<bool>,
    /// The action's default.
    pub default: &'static str,
    /// The rules of versions `a` and `b`.
    pub versions: [Vec<GenRule>; 2],
}

/// The versions' ids, in file order.
pub const VERSIONS: [&str; 2] = ["a", "b"];

type RawRule = (
    usize,
    Option<End>,
    Option<End>,
    Option<Cond>,
    Vec<usize>,
    Option<End>,
    Option<usize>,
);

fn cmp() -> impl Strategy<Value = Cmp> {
    prop_oneof![
        Just(Cmp::Less),
        Just(Cmp::LessEqual),
        Just(Cmp::Greater),
        Just(Cmp::GreaterEqual),
        Just(Cmp::Equal),
        Just(Cmp::NotEqual),
    ]
}

fn cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        (0usize..2).prop_map(Cond::Yes),
        (0usize..2).prop_map(Cond::Happened),
        (cmp(), 0usize..3).prop_map(|(c, i)| Cond::Compare(c, i)),
        (any::<bool>(), prop::collection::vec(0usize..3, 1..=2))
            .prop_map(|(inside, list)| Cond::Among(inside, list)),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            (prop::collection::vec(inner.clone(), 2..=3), any::<bool>())
                .prop_map(|(parts, paren)| Cond::All(parts, paren)),
            (prop::collection::vec(inner, 2..=3), any::<bool>())
                .prop_map(|(parts, paren)| Cond::Any(parts, paren)),
        ]
    })
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![
        1 => (1..WINDOW_DAYS).prop_map(End::Date),
        3 => (0usize..2, -7i64..=7).prop_map(|(k, n)| End::Event(k, n)),
    ]
}

/// A duty's deadline: a date inside the window, or an event moved by up to
/// two weeks either way (one month, for an event counted in months).
fn due() -> impl Strategy<Value = End> {
    prop_oneof![
        1 => (1..WINDOW_DAYS).prop_map(End::Date),
        2 => (0usize..2, -14i64..=14).prop_map(|(k, n)| End::Event(k, n)),
    ]
}

fn raw_rule() -> impl Strategy<Value = RawRule> {
    (
        // `oblige` a little more often than the others: duties have more to them.
        prop_oneof![2 => Just(0usize), 2 => Just(1), 3 => Just(2)],
        prop::option::weighted(0.6, end()),
        prop::option::weighted(0.5, end()),
        prop::option::weighted(0.75, cond()),
        prop::collection::vec(0usize..6, 0..3),
        // Kept for `oblige` rules only.
        prop::option::weighted(0.6, due()),
        prop::option::weighted(0.35, 0usize..2),
    )
}

/// Generated agreements; with `months`, the first event always counts months.
pub fn agreements(months: bool) -> impl Strategy<Value = Agreement> {
    (
        1usize..=2,
        1usize..=2,
        prop::collection::btree_set(-30i64..=30, 1..=3),
        0usize..4,
        0usize..3,
        prop::collection::vec(raw_rule(), 1..=4),
        prop::collection::vec(raw_rule(), 1..=4),
    )
        .prop_map(
            move |(events, yes_no, constants, month_roll, default, a, b)| {
                // Two events and two yes/no facts make too many worlds to walk quickly.
                let yes_no = if events == 2 { 1 } else { yes_no };
                let mut event_months = vec![false; events];
                event_months[0] = months || month_roll == 0;
                let constants: Vec<i64> = constants.into_iter().collect();
                let shape = Shape {
                    yes_no,
                    events,
                    constants: constants.len(),
                };
                let mut agreement = Agreement {
                    yes_no,
                    constants,
                    months: event_months,
                    default: ["permitted", "forbidden", "required"][default],
                    versions: [Vec::new(), Vec::new()],
                };
                for (v, raws) in [a, b].into_iter().enumerate() {
                    let rules = raws
                        .into_iter()
                        .enumerate()
                        .map(|(i, raw)| agreement.rule(&shape, v, i, raw))
                        .collect();
                    agreement.versions[v] = rules;
                }
                agreement
            },
        )
}

impl Agreement {
    /// A raw rule made well-formed: indices in range, an event's amounts in its
    /// unit (months: one at most), `from` before `until`, overrides of earlier rules only.
    fn rule(&self, shape: &Shape, version: usize, index: usize, raw: RawRule) -> GenRule {
        let (effect, from, until, when, overrides, due, done) = raw;
        let end = |e: Option<End>| {
            e.map(|e| match e {
                End::Date(i) => End::Date(i),
                End::Event(k, n) => {
                    let k = k % shape.events;
                    End::Event(k, if self.months[k] { n.signum() } else { n })
                }
            })
        };
        let (mut from, mut until) = (end(from), end(until));
        let order = match (from, until) {
            (Some(End::Date(f)), Some(End::Date(u))) => Some(f.cmp(&u)),
            (Some(End::Event(a, x)), Some(End::Event(b, y))) if a == b => Some(x.cmp(&y)),
            _ => None,
        };
        match order {
            Some(std::cmp::Ordering::Equal) => until = None,
            Some(std::cmp::Ordering::Greater) => std::mem::swap(&mut from, &mut until),
            _ => {}
        }
        let when = when
            .map(|w| w.normalize(shape))
            .filter(|w| w.alternatives(false) <= 64);
        let mut overrides: Vec<usize> = overrides.into_iter().filter(|&o| o < index).collect();
        overrides.sort_unstable();
        overrides.dedup();
        let effect = [Effect::Permit, Effect::Forbid, Effect::Oblige][effect];
        let duty = effect == Effect::Oblige;
        GenRule {
            id: format!("{}{index}", VERSIONS[version]),
            effect,
            due: end(due).filter(|_| duty),
            done: done.filter(|_| duty).map(|k| k % shape.events),
            from,
            until,
            when,
            overrides: overrides
                .into_iter()
                .map(|o| format!("{}{o}", VERSIONS[version]))
                .collect(),
        }
    }

    /// How many events.
    pub fn events(&self) -> usize {
        self.months.len()
    }

    fn quote(id: &str) -> String {
        format!("Clause {id} says so.")
    }

    /// The terms files, as (name, text), and the seed.
    pub fn files(&self) -> (Vec<(String, String)>, String) {
        let mut vocabulary = format!(
            "[agreement]\ntitle = \"events oracle\"\nseeds = \"seeds\"\n\n[parties]\np = \"P\"\n\n\
             [actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"{}\"\ndefault_reason = \"generated\"\n",
            self.default
        );
        for i in 0..self.yes_no {
            let _ = write!(
                vocabulary,
                "\n[facts.f{i}]\ndescription = \"yes or no {i}\"\n"
            );
        }
        vocabulary.push_str("\n[facts.n]\ndescription = \"a number\"\nkind = \"number\"\n");
        for k in 0..self.events() {
            let _ = write!(vocabulary, "\n[events.e{k}]\ndescription = \"event {k}\"\n");
        }
        let mut files = vec![("vocabulary.toml".to_string(), vocabulary)];
        let mut seed = String::from("The generated agreement.\n");
        let lives = [("2025-01-01", Some("2026-02-15")), ("2026-02-15", None)];
        for (v, rules) in self.versions.iter().enumerate() {
            let (effective, superseded) = lives[v];
            let id = VERSIONS[v];
            let mut text = format!(
                "[version]\nid = \"{id}\"\ntitle = \"version {id}\"\n[version.effective]\ndate = \"{effective}\"\nsource = \"generated\"\n"
            );
            if let Some(superseded) = superseded {
                let _ = write!(
                    text,
                    "[version.superseded]\ndate = \"{superseded}\"\nsource = \"generated\"\n"
                );
            }
            for rule in rules {
                let quote = Agreement::quote(&rule.id);
                let _ = writeln!(seed, "{quote}");
                let _ = write!(
                    text,
                    "\n[[rules]]\nid = \"{}\"\naction = \"p.act\"\neffect = \"{}\"\ncitations = [{{ seed = \"source.txt\", quote = \"{quote}\" }}]\n",
                    rule.id, rule.effect
                );
                if let Some(from) = rule.from {
                    let _ = writeln!(text, "from = \"{}\"", from.text(self));
                }
                if let Some(until) = rule.until {
                    let _ = writeln!(text, "until = \"{}\"", until.text(self));
                }
                if let Some(when) = &rule.when {
                    let _ = writeln!(text, "when = \"{}\"", when.text(&self.constants));
                }
                if let Some(due) = rule.due {
                    let _ = writeln!(text, "due = \"{}\"", due.text(self));
                }
                if let Some(done) = rule.done {
                    let _ = writeln!(text, "done = \"e{done}\"");
                }
                if !rule.overrides.is_empty() {
                    let names: Vec<String> =
                        rule.overrides.iter().map(|o| format!("\"{o}\"")).collect();
                    let _ = writeln!(text, "overrides = [{}]", names.join(", "));
                }
            }
            files.push((format!("{id}.toml"), text));
        }
        (files, seed)
    }

    /// Every world the generator's own reading says the rule holds in, ignoring
    /// its calendar dates: whether there is one, over the window.
    pub fn ever_holds(&self, rule: &GenRule) -> bool {
        let mut found = false;
        self.each_world(|world| {
            found |= rule.holds_ignoring_calendar(self, world);
            !found
        });
        found
    }

    /// Walks every world of the window (days, event dates near each day or
    /// never, numbers, yes/no values) by the generator's own description,
    /// until `visit` returns false.
    pub fn each_world(&self, mut visit: impl FnMut(&World) -> bool) {
        let constants: Vec<i64> = self.constants.iter().map(|c| c * 10).collect();
        let numbers = buckets(&constants);
        let reach: Vec<(i64, i64)> = self
            .months
            .iter()
            .map(|&m| if m { (34, 34) } else { (9, 9) })
            .collect();
        for d in 0..WINDOW_DAYS {
            let today = day(d);
            let dates = |k: usize| -> Vec<Option<NaiveDate>> {
                match reach.get(k) {
                    None => vec![None],
                    Some(&(back, ahead)) => std::iter::once(None)
                        .chain((-back..=ahead).map(|i| Some(today + Duration::days(i))))
                        .collect(),
                }
            };
            for e0 in dates(0) {
                for e1 in dates(1) {
                    for &number in &numbers {
                        for yes in 0..1usize << self.yes_no {
                            let world = World {
                                day: today,
                                events: [e0, e1],
                                number,
                                yes: [yes & 1 != 0, yes & 2 != 0],
                            };
                            if !visit(&world) {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

impl std::fmt::Debug for Agreement {
    /// The terms files themselves: what a failing case shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (files, _) = self.files();
        for (name, text) in files {
            writeln!(f, "# {name}\n{text}")?;
        }
        Ok(())
    }
}

/// Numbers to try for a number fact compared with `constants` (hundredths):
/// each constant, a number between each two, one below and one above.
pub fn buckets(constants: &[i64]) -> Vec<i64> {
    let mut sorted = constants.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let (Some(&low), Some(&high)) = (sorted.first(), sorted.last()) else {
        return vec![0];
    };
    let mut out = vec![low - 7];
    for (i, &c) in sorted.iter().enumerate() {
        if i > 0 {
            out.push((sorted[i - 1] + c) / 2);
        }
        out.push(c);
    }
    out.push(high + 13);
    out
}

/// Generated terms, loaded.
pub struct Loaded {
    pub terms: Terms,
    /// The agreement as loaded: without the rules the loader refused as never holding.
    pub agreement: Agreement,
    /// Rules the loader refused because no world satisfies their condition, by version.
    pub pruned: Vec<(usize, GenRule)>,
}

/// Writes `agreement` into a temporary terms directory and loads it. A rule
/// the loader refuses as never holding is set aside (and kept in
/// [`Loaded::pruned`], for the caller to confirm no world satisfies it); any
/// other load error fails the test.
pub fn load(agreement: &Agreement) -> Loaded {
    let mut agreement = agreement.clone();
    let mut pruned = Vec::new();
    loop {
        let dir = TempDir::new("events");
        let (files, seed) = agreement.files();
        for (name, text) in &files {
            dir.write(name, text);
        }
        dir.write("seeds/source.txt", seed);
        match terms::load(&TermsSource::Directory(dir.path().to_path_buf())) {
            Ok(terms) => {
                return Loaded {
                    terms,
                    agreement,
                    pruned,
                };
            }
            Err(errors) => {
                for error in errors.0 {
                    let LoadErrorKind::NeverHolds { rule } = &error.kind else {
                        panic!("generated terms load: {}\n{agreement:?}", error.kind);
                    };
                    let v = usize::from(rule.starts_with('b'));
                    let at = agreement.versions[v]
                        .iter()
                        .position(|r| &r.id == rule)
                        .expect("the loader names a generated rule");
                    let removed = agreement.versions[v].remove(at);
                    for other in &mut agreement.versions[v] {
                        other.overrides.retain(|o| o != rule);
                    }
                    pruned.push((v, removed));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The oracle.

/// One concrete world: a day, the day each event happened (`None`: never),
/// the number (in hundredths) and each yes/no fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct World {
    pub day: NaiveDate,
    pub events: [Option<NaiveDate>; 2],
    pub number: i64,
    pub yes: [bool; 2],
}

/// What a version decides in one world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: Verdict,
    /// The rules as written that apply (bits, in file order).
    pub applicable: u32,
    /// Those no applicable rule beats.
    pub deciding: u32,
    /// The applicable duties whose deadline has been reached.
    pub overdue: u32,
}

/// A formula with the oracle's own numbers and event moves.
#[derive(Debug)]
enum Test {
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
    /// A yes/no fact (by its position among the yes/no facts) takes one of these values.
    Yes(usize, [bool; 2]),
    Number(NumberTest, i64),
    /// An event moved by a duration (a slot of [`Oracle::moves`]) is on or before the day.
    Reached(usize),
}

/// A rule as the oracle reads it.
#[derive(Debug)]
pub struct OracleRule {
    pub id: String,
    /// As written: `permit`, `forbid` or `oblige` (a duty that is overdue
    /// is told by [`Judgement::overdue`], never by its effect).
    pub effect: Effect,
    from: Option<Bound>,
    until: Option<Bound>,
    /// The loaded calendar dates, checked against `from` and `until`; none for
    /// a duty with a calendar deadline (the loader cuts its dates there).
    valid: Option<covenant::interval::DateInterval>,
    test: Option<Test>,
    /// A duty's deadline.
    pub due: Option<Bound>,
    /// A duty's performance: the slot of its event, moved by nothing.
    done: Option<usize>,
    /// The rules as written it names in `overrides` (bits).
    pub overrides: u32,
    /// The rules as written it beats, directly or through a chain (bits).
    beats: u32,
}

#[derive(Debug, Clone, Copy)]
pub enum Bound {
    Date(NaiveDate),
    Reached(usize),
}

/// The dumb oracle over loaded terms: each rule read as written.
pub struct Oracle {
    pub default: Verdict,
    /// Per version (file order), its rules as written, in file order.
    pub versions: Vec<Vec<OracleRule>>,
    /// The distinct (event, amount, months) moves the rules count.
    moves: Vec<(usize, i64, bool)>,
    /// The fact index of each yes/no fact, the number and each event.
    pub yes_facts: Vec<usize>,
    pub number_fact: usize,
    pub event_facts: Vec<usize>,
    /// Numbers to try.
    pub numbers: Vec<i64>,
    /// Per event: how many days before and after the day asked its date may
    /// lie and still tell stages apart, with a margin.
    reach: Vec<(i64, i64)>,
}

impl Oracle {
    pub fn new(terms: &Terms) -> Oracle {
        let vocabulary = &terms.vocabulary;
        let index = |name: String| terms.fact_index(&name).expect("a generated fact");
        let yes_facts: Vec<usize> = (0..2)
            .filter_map(|i| terms.fact_index(&format!("f{i}")))
            .collect();
        let event_facts: Vec<usize> = (0..2)
            .filter_map(|k| terms.fact_index(&format!("e{k}")))
            .collect();
        let number_fact = index("n".into());
        let mut oracle = Oracle {
            default: vocabulary.actions[0].default,
            versions: Vec::new(),
            moves: Vec::new(),
            yes_facts,
            number_fact,
            event_facts,
            numbers: Vec::new(),
            reach: Vec::new(),
        };
        let mut constants = Vec::new();
        for version in &terms.versions {
            let written: Vec<usize> = version.written_rules().map(|(i, _)| i).collect();
            let position = |rule: usize| {
                let at = version.rules[rule].written;
                written
                    .iter()
                    .position(|&w| w == at)
                    .expect("a rule as written")
            };
            let mut rules: Vec<OracleRule> = Vec::new();
            let mut direct: Vec<u32> = Vec::new();
            for &w in &written {
                let rule = &version.rules[w];
                let mut bound = |end: Option<Endpoint>| {
                    end.map(|end| match end {
                        Endpoint::Date(d) => Bound::Date(d),
                        Endpoint::Event { event, offset } => {
                            Bound::Reached(oracle.slot(event, offset))
                        }
                    })
                };
                let from = bound(rule.from);
                let until = bound(rule.until);
                let due = bound(rule.due);
                let done = rule.done.map(|event| {
                    let zero = covenant::terms::Offset {
                        amount: 0,
                        unit: TimeUnit::Day,
                    };
                    oracle.slot(event, zero)
                });
                // A duty with a deadline is loaded as its part before the
                // deadline and its part from it; as written, it obliges.
                let effect = match rule.effect {
                    Effect::Overdue => Effect::Oblige,
                    effect => effect,
                };
                assert!(
                    rule.due.is_none() && rule.done.is_none() || effect == Effect::Oblige,
                    "only a duty has `due` or `done`: {}",
                    rule.id.0
                );
                let test = rule
                    .formula
                    .as_ref()
                    .map(|f| oracle.test(terms, f, &mut constants));
                direct.push(
                    rule.overrides
                        .iter()
                        .fold(0, |bits, &target| bits | 1 << position(target)),
                );
                rules.push(OracleRule {
                    id: rule.id.0.clone(),
                    effect,
                    from,
                    until,
                    valid: match due {
                        Some(Bound::Date(_)) => None,
                        _ => Some(rule.valid),
                    },
                    test,
                    due,
                    done,
                    overrides: *direct.last().expect("just pushed"),
                    beats: 0,
                });
            }
            // Beating is following overrides: a naive fixpoint.
            let mut beats = direct.clone();
            loop {
                let next: Vec<u32> = beats
                    .iter()
                    .map(|&b| {
                        (0..rules.len())
                            .filter(|&t| b & 1 << t != 0)
                            .fold(b, |acc, t| acc | beats[t])
                    })
                    .collect();
                if next == beats {
                    break;
                }
                beats = next;
            }
            for (rule, b) in rules.iter_mut().zip(beats) {
                rule.beats = b;
            }
            oracle.versions.push(rules);
        }
        oracle.numbers = buckets(&constants);
        oracle.reach = (0..oracle.event_facts.len())
            .map(|k| {
                let days = |&(_, amount, months): &(usize, i64, bool)| {
                    if months { amount * 31 } else { amount }
                };
                let mine = oracle.moves.iter().filter(|m| m.0 == k);
                let back = mine.clone().map(days).max().unwrap_or(0).max(0);
                let ahead = mine.map(days).min().unwrap_or(0).min(0).abs();
                (back + 3, ahead + 3)
            })
            .collect();
        oracle
    }

    fn slot(&mut self, event: usize, offset: covenant::terms::Offset) -> usize {
        let k = self
            .event_facts
            .iter()
            .position(|&f| f == event)
            .expect("a generated event");
        let key = (k, offset.amount, offset.unit == TimeUnit::Month);
        match self.moves.iter().position(|m| *m == key) {
            Some(at) => at,
            None => {
                self.moves.push(key);
                self.moves.len() - 1
            }
        }
    }

    fn test(&mut self, terms: &Terms, formula: &Formula, constants: &mut Vec<i64>) -> Test {
        match formula {
            Formula::All(parts) => Test::All(
                parts
                    .iter()
                    .map(|p| self.test(terms, p, constants))
                    .collect(),
            ),
            Formula::Any(parts) => Test::Any(
                parts
                    .iter()
                    .map(|p| self.test(terms, p, constants))
                    .collect(),
            ),
            Formula::Not(inner) => Test::Not(Box::new(self.test(terms, inner, constants))),
            Formula::Is { fact, values } => {
                let i = self
                    .yes_facts
                    .iter()
                    .position(|f| f == fact)
                    .expect("a yes/no fact");
                let fact = &terms.vocabulary.facts[*fact];
                let allows =
                    |word: &str| values.contains(fact.value_index(word).expect("yes/no values"));
                Test::Yes(i, [allows("false"), allows("true")])
            }
            Formula::Compare {
                fact,
                test,
                constant,
            } => {
                assert_eq!(*fact, self.number_fact);
                let c = hundredths(&constant.to_string()).expect("constants in tenths");
                constants.push(c);
                Test::Number(*test, c)
            }
            Formula::Reached { event, offset } => Test::Reached(self.slot(*event, *offset)),
        }
    }

    /// The days each of the moves reaches from event date `e`.
    fn moved(&self, k: usize, e: Option<NaiveDate>) -> Vec<Option<NaiveDate>> {
        self.moves
            .iter()
            .map(|&(event, amount, months)| {
                if event == k {
                    e.map(|e| shift(e, amount, months))
                } else {
                    None
                }
            })
            .collect()
    }

    /// What `version` decides in a world whose moves have been reached or not (`reached`, per slot).
    fn judge(&self, version: usize, world: &World, reached: &[bool]) -> Judgement {
        let rules = &self.versions[version];
        let mut applicable = 0u32;
        let mut overdue = 0u32;
        for (i, rule) in rules.iter().enumerate() {
            let starts = match rule.from {
                None => true,
                Some(Bound::Date(d)) => d <= world.day,
                Some(Bound::Reached(slot)) => reached[slot],
            };
            let going = match rule.until {
                None => true,
                Some(Bound::Date(d)) => world.day < d,
                Some(Bound::Reached(slot)) => !reached[slot],
            };
            let performed = rule.done.is_some_and(|slot| reached[slot]);
            if starts
                && going
                && !performed
                && rule.valid.is_none_or(|v| v.contains(world.day))
                && rule.test.as_ref().is_none_or(|t| eval(t, world, reached))
            {
                applicable |= 1 << i;
                let late = match rule.due {
                    None => false,
                    Some(Bound::Date(d)) => d <= world.day,
                    Some(Bound::Reached(slot)) => reached[slot],
                };
                if late {
                    overdue |= 1 << i;
                }
            }
        }
        let beaten = (0..rules.len())
            .filter(|&i| applicable & 1 << i != 0)
            .fold(0, |acc, i| acc | rules[i].beats);
        let deciding = applicable & !beaten;
        // Each deciding rule's effect on the day: a duty past its deadline is overdue.
        let has = |effect: Effect, late: bool| {
            (0..rules.len()).any(|i| {
                deciding & 1 << i != 0
                    && rules[i].effect == effect
                    && (overdue & 1 << i != 0) == late
            })
        };
        let (permit, forbid) = (has(Effect::Permit, false), has(Effect::Forbid, false));
        let (oblige, late) = (has(Effect::Oblige, false), has(Effect::Oblige, true));
        let verdict = if forbid && (permit || oblige || late) {
            Verdict::Conflict
        } else if forbid {
            Verdict::Forbidden
        } else if late {
            Verdict::Breached
        } else if oblige {
            Verdict::Required
        } else if permit {
            Verdict::Permitted
        } else {
            self.default
        };
        Judgement {
            verdict,
            applicable,
            deciding,
            overdue,
        }
    }

    /// Decides `world` under every version.
    pub fn decide(&self, world: &World) -> Vec<Judgement> {
        let reached = self.reached(world);
        (0..self.versions.len())
            .map(|v| self.judge(v, world, &reached))
            .collect()
    }

    fn reached(&self, world: &World) -> Vec<bool> {
        let mut reached = vec![false; self.moves.len()];
        for k in 0..self.event_facts.len() {
            for (slot, moved) in self.moved(k, world.events[k]).into_iter().enumerate() {
                if let Some(moved) = moved {
                    reached[slot] = moved <= world.day;
                }
            }
        }
        reached
    }

    /// The event dates to try on `today` for event `k`: every day near it, and never.
    pub fn event_dates(&self, k: usize, today: NaiveDate) -> Vec<Option<NaiveDate>> {
        match self.reach.get(k) {
            None => vec![None],
            Some(&(back, ahead)) => std::iter::once(None)
                .chain((-back..=ahead).map(|i| Some(today + Duration::days(i))))
                .collect(),
        }
    }

    /// Walks every world of the window: every day; for each event every date
    /// near the day, and never (or the one value `fixed` gives it); every number
    /// of the buckets; every yes/no value. `visit` sees each world with the
    /// judgement of every version.
    pub fn walk(
        &self,
        fixed: [Option<Option<NaiveDate>>; 2],
        mut visit: impl FnMut(&World, &[Judgement]) -> Result<(), String>,
    ) -> Result<(), String> {
        let yes_values = 1usize << self.yes_facts.len();
        for d in 0..WINDOW_DAYS {
            let today = day(d);
            for rule in self.versions.iter().flatten() {
                let Some(valid) = rule.valid else {
                    continue;
                };
                // `valid` is the calendar part of `from` and `until`, nothing else.
                let from = match rule.from {
                    Some(Bound::Date(f)) => f <= today,
                    _ => true,
                };
                let until = match rule.until {
                    Some(Bound::Date(u)) => today < u,
                    _ => true,
                };
                assert_eq!(valid.contains(today), from && until, "{}", rule.id);
            }
            let dates = |k: usize| match fixed[k] {
                Some(date) if k < self.event_facts.len() => vec![date],
                _ => self.event_dates(k, today),
            };
            let second = dates(1);
            for e0 in dates(0) {
                for &e1 in &second {
                    let mut world = World {
                        day: today,
                        events: [e0, e1],
                        number: 0,
                        yes: [false; 2],
                    };
                    let reached = self.reached(&world);
                    for &number in &self.numbers {
                        world.number = number;
                        for yes in 0..yes_values {
                            world.yes = [yes & 1 != 0, yes & 2 != 0];
                            // Generated agreements have two versions.
                            let judgements = [
                                self.judge(0, &world, &reached),
                                self.judge(1, &world, &reached),
                            ];
                            visit(&world, &judgements)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The deadline of rule `rule` (by position) of `version` in `world`: its
    /// date, or the day its event moved by the duration falls on (none when
    /// the event never happens, or the rule has no `due`).
    pub fn deadline(&self, version: usize, rule: usize, world: &World) -> Option<NaiveDate> {
        match self.versions[version][rule].due? {
            Bound::Date(d) => Some(d),
            Bound::Reached(slot) => {
                let (k, amount, months) = self.moves[slot];
                world.events[k].map(|e| shift(e, amount, months))
            }
        }
    }

    /// The ids of the rules of `version` whose bits are set.
    pub fn ids(&self, version: usize, bits: u32) -> Vec<String> {
        self.versions[version]
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & 1 << i != 0)
            .map(|(_, r)| r.id.clone())
            .collect()
    }
}

fn eval(test: &Test, world: &World, reached: &[bool]) -> bool {
    match test {
        Test::All(parts) => parts.iter().all(|p| eval(p, world, reached)),
        Test::Any(parts) => parts.iter().any(|p| eval(p, world, reached)),
        Test::Not(inner) => !eval(inner, world, reached),
        Test::Yes(i, allowed) => allowed[usize::from(world.yes[*i])],
        Test::Number(test, constant) => {
            let (v, c) = (world.number, *constant);
            match test {
                NumberTest::Less => v < c,
                NumberTest::LessEqual => v <= c,
                NumberTest::Greater => v > c,
                NumberTest::GreaterEqual => v >= c,
                NumberTest::Equal => v == c,
                NumberTest::NotEqual => v != c,
            }
        }
        Test::Reached(slot) => reached[*slot],
    }
}
