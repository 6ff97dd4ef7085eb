//! Conditions, events and numbers: what a rule's `when`, `from` and `until`
//! say once their names are resolved, and how they become classes of values.
//!
//! The engine works on finite domains. A number fact is cut by the constants
//! rules compare it with into points and the open ranges between them; an event
//! is cut by the durations rules count from it into *stages*: stage `i` holds
//! on date `D` when the event plus the `i`-th smallest duration is on or before
//! `D` and the event plus the next is not. A stage is the same class of worlds
//! whatever the date, so `diff`, `check` and `timeline` stay exact over events;
//! only the words change: on a given date a stage is a range of event dates.
//!
//! A condition with `or` becomes a few *alternatives*, each a box of values
//! (one set per fact); a rule holds where one of its alternatives does.

use super::ValueSet;
use crate::number::Number;
use chrono::{Months, NaiveDate, TimeDelta};

/// The unit a duration counts in. Weeks count as 7 days and years as 12 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    /// Days (and weeks).
    Day,
    /// Calendar months (and years): the same day of a later month, or that month's last day.
    Month,
}

impl TimeUnit {
    /// The unit's name in reports: `day` or `month`.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Month => "month",
        }
    }
}

/// A duration counted from an event: `+ 60 days`, `- 1 month`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Offset {
    /// The signed amount, in `unit`s.
    pub amount: i64,
    /// What it counts.
    pub unit: TimeUnit,
}

impl Offset {
    /// No duration: the event's own day.
    pub const ZERO: Offset = Offset {
        amount: 0,
        unit: TimeUnit::Day,
    };

    /// The duration written `amount unit` (`unit` singular: `day`, `week`, `month`, `year`).
    pub fn written(amount: i64, unit: &str) -> Offset {
        match unit {
            "week" => Offset {
                amount: amount * 7,
                unit: TimeUnit::Day,
            },
            "month" => Offset {
                amount,
                unit: TimeUnit::Month,
            },
            "year" => Offset {
                amount: amount * 12,
                unit: TimeUnit::Month,
            },
            _ => Offset {
                amount,
                unit: TimeUnit::Day,
            },
        }
        .normalized()
    }

    fn normalized(self) -> Offset {
        if self.amount == 0 { Offset::ZERO } else { self }
    }

    /// `date` moved by the duration; `None` past the calendar's end. Adding
    /// months to a day the target month lacks gives that month's last day
    /// (2026-01-31 + 1 month = 2026-02-28).
    ///
    /// ```
    /// use covenant::terms::{Offset, TimeUnit};
    /// use chrono::NaiveDate;
    /// let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    /// let month = Offset { amount: 1, unit: TimeUnit::Month };
    /// assert_eq!(month.after(day("2026-01-31")), Some(day("2026-02-28")));
    /// assert_eq!(Offset::written(-30, "day").after(day("2026-03-01")), Some(day("2026-01-30")));
    /// ```
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            TimeUnit::Day => date.checked_add_signed(TimeDelta::try_days(self.amount)?),
            TimeUnit::Month => {
                let months = Months::new(u32::try_from(self.amount.unsigned_abs()).ok()?);
                if self.amount >= 0 {
                    date.checked_add_months(months)
                } else {
                    date.checked_sub_months(months)
                }
            }
        }
    }

    /// The latest event date `e` with `e` + this duration on or before `date`;
    /// `None` when no calendar date is that early.
    pub fn latest_start(self, date: NaiveDate) -> Option<NaiveDate> {
        let reached = |e: NaiveDate| self.reached_from(e, date);
        let back = Offset {
            amount: -self.amount,
            unit: self.unit,
        };
        // Moving back by the duration lands within a few days of the answer
        // (months clamp to their last day); step to it. Past the calendar's
        // start no date is early enough; past its end, every date is.
        let Some(mut guess) = back.after(date) else {
            return (self.amount < 0).then_some(NaiveDate::MAX);
        };
        while !reached(guess) {
            guess = guess.pred_opt()?;
        }
        while let Some(next) = guess.succ_opt().filter(|&n| reached(n)) {
            guess = next;
        }
        Some(guess)
    }
}

impl Offset {
    /// Whether an event on `event` moved by the duration is on or before
    /// `date`. A duration that leaves the calendar lands before every date
    /// (backwards) or after every date (forwards).
    pub fn reached_from(self, event: NaiveDate, date: NaiveDate) -> bool {
        match self.after(event) {
            Some(moved) => moved <= date,
            None => self.amount < 0,
        }
    }
}

impl std::fmt::Display for Offset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.amount.unsigned_abs();
        let (count, unit) = match self.unit {
            TimeUnit::Day if n % 7 == 0 && n > 0 && n < 70 => (n / 7, "week"),
            TimeUnit::Day => (n, "day"),
            TimeUnit::Month if n % 12 == 0 && n > 0 => (n / 12, "year"),
            TimeUnit::Month => (n, "month"),
        };
        write!(f, "{count} {unit}{}", if count == 1 { "" } else { "s" })
    }
}

/// A rule's `from` or `until`, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// A calendar date.
    Date(NaiveDate),
    /// The date an event happens, moved by a duration. An event that never
    /// happens puts the endpoint at the end of time: a rule starting there has
    /// not started, a rule ending there has not ended.
    Event {
        /// Index of the event among the vocabulary's facts.
        event: usize,
        /// The duration counted from it.
        offset: Offset,
    },
}

/// How a number fact is compared with a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberTest {
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
}

impl NumberTest {
    /// Whether `value` passes the test against `constant`.
    pub fn holds(self, value: Number, constant: Number) -> bool {
        match self {
            NumberTest::Less => value < constant,
            NumberTest::LessEqual => value <= constant,
            NumberTest::Greater => value > constant,
            NumberTest::GreaterEqual => value >= constant,
            NumberTest::Equal => value == constant,
            NumberTest::NotEqual => value != constant,
        }
    }
}

/// A condition with its names resolved: what `when` says, exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formula {
    /// Every part holds.
    All(Vec<Formula>),
    /// At least one part holds.
    Any(Vec<Formula>),
    /// The part does not hold.
    Not(Box<Formula>),
    /// A yes/no or choice fact takes one of these values.
    Is {
        /// Index of the fact.
        fact: usize,
        /// The values allowed.
        values: ValueSet,
    },
    /// A number fact compared with a constant.
    Compare {
        /// Index of the fact.
        fact: usize,
        /// The comparison.
        test: NumberTest,
        /// The constant.
        constant: Number,
    },
    /// The event, moved by the duration, is on or before the date asked.
    Reached {
        /// Index of the event among the facts.
        event: usize,
        /// The duration counted from it.
        offset: Offset,
    },
}

impl Formula {
    /// How many alternatives the formula has once multiplied out, saturating;
    /// an upper bound on the alternatives it grounds to.
    pub fn alternatives(&self) -> usize {
        self.count(false)
    }

    fn count(&self, negated: bool) -> usize {
        match (self, negated) {
            (Formula::Not(inner), _) => inner.count(!negated),
            (Formula::All(parts), false) | (Formula::Any(parts), true) => parts
                .iter()
                .fold(1usize, |n, p| n.saturating_mul(p.count(negated))),
            (Formula::Any(parts), false) | (Formula::All(parts), true) => parts
                .iter()
                .fold(0usize, |n, p| n.saturating_add(p.count(negated))),
            _ => 1,
        }
    }

    /// Every fact the formula names, with repeats.
    pub fn facts(&self, out: &mut Vec<usize>) {
        match self {
            Formula::All(parts) | Formula::Any(parts) => parts.iter().for_each(|p| p.facts(out)),
            Formula::Not(inner) => inner.facts(out),
            Formula::Is { fact, .. } | Formula::Compare { fact, .. } => out.push(*fact),
            Formula::Reached { event, .. } => out.push(*event),
        }
    }
}

/// What kind of fact a fact is, and for numbers and events the classes rules cut it into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactKind {
    /// A yes/no or choice fact: its values are its classes.
    Choice,
    /// A number fact cut by the constants `points` (ascending): class `2i` is
    /// the open range below `points[i]` (above `points[i-1]`), class `2i+1` is
    /// `points[i]` itself, and the last class is everything above the last point.
    Number {
        /// The unit the number counts, if the vocabulary names one.
        unit: Option<String>,
        /// The constants rules compare it with, ascending, without repeats.
        points: Vec<Number>,
    },
    /// An event cut by the durations `offsets` (ascending, always holding 0,
    /// all in `unit`): on a date `D`, stage `i` holds when the event plus
    /// `offsets[i-1]` is on or before `D` and the event plus `offsets[i]` is
    /// not (stage 0: not even the first; the last stage: every one). An event
    /// that never happens is in stage 0.
    Event {
        /// What the durations count.
        unit: TimeUnit,
        /// The durations rules count from the event, ascending.
        offsets: Vec<i64>,
    },
}

impl FactKind {
    /// How many classes the cuts make.
    pub fn classes(&self, choices: usize) -> usize {
        match self {
            FactKind::Choice => choices,
            FactKind::Number { points, .. } => 2 * points.len() + 1,
            FactKind::Event { offsets, .. } => offsets.len() + 1,
        }
    }

    /// The class of the number `value`.
    pub fn number_class(&self, value: Number) -> usize {
        let FactKind::Number { points, .. } = self else {
            return 0;
        };
        match points.binary_search(&value) {
            Ok(i) => 2 * i + 1,
            Err(i) => 2 * i,
        }
    }

    /// The classes of the numbers passing `test` against `constant` (one of the points).
    pub fn number_test(&self, test: NumberTest, constant: Number) -> ValueSet {
        let FactKind::Number { points, .. } = self else {
            return ValueSet::default();
        };
        let size = 2 * points.len() + 1;
        let mut set = ValueSet::default();
        for class in 0..size {
            // Every class has a representative: the point, or a value strictly inside the range.
            let passes = if class % 2 == 1 {
                test.holds(points[class / 2], constant)
            } else {
                let i = class / 2;
                // The open range between `lower` and `upper` (either may be unbounded).
                let upper = points.get(i).copied();
                let lower = i.checked_sub(1).map(|j| points[j]);
                match test {
                    NumberTest::Equal => false,
                    NumberTest::NotEqual => true,
                    NumberTest::Less | NumberTest::LessEqual => {
                        upper.is_some_and(|b| b <= constant)
                    }
                    NumberTest::Greater | NumberTest::GreaterEqual => {
                        lower.is_some_and(|a| a >= constant)
                    }
                }
            };
            if passes {
                set = set.union(ValueSet::single(class));
            }
        }
        set
    }

    /// The stages in which the event plus `offset` (one of the offsets) has been reached.
    pub fn reached(&self, offset: Offset) -> ValueSet {
        let FactKind::Event { offsets, .. } = self else {
            return ValueSet::default();
        };
        let at = offsets
            .binary_search(&offset.amount)
            .unwrap_or(offsets.len());
        ValueSet::full(offsets.len() + 1).starting_at(at + 1)
    }

    /// The stage on `date` of an event that happened on `happened` (`None`: never).
    pub fn stage_on(&self, date: NaiveDate, happened: Option<NaiveDate>) -> usize {
        let (FactKind::Event { unit, offsets }, Some(happened)) = (self, happened) else {
            return 0;
        };
        offsets
            .iter()
            .take_while(|&&amount| {
                let offset = Offset {
                    amount,
                    unit: *unit,
                };
                offset.reached_from(happened, date)
            })
            .count()
    }

    /// On `date`, the event dates that put the event in stage `stage`: after the
    /// first bound (if any) and on or before the second (if any). Stage 0 also
    /// holds for an event that never happens.
    pub fn stage_dates(
        &self,
        date: NaiveDate,
        stage: usize,
    ) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let FactKind::Event { unit, offsets } = self else {
            return (None, None);
        };
        let latest = |i: usize| {
            offsets.get(i).and_then(|&amount| {
                Offset {
                    amount,
                    unit: *unit,
                }
                .latest_start(date)
            })
        };
        // In stage i: reached offsets[i-1] (e <= latest(i-1)), not offsets[i] (e > latest(i)).
        let on_or_before = stage.checked_sub(1).and_then(latest);
        let after = latest(stage);
        (after, on_or_before)
    }
}

/// What a question says about one fact: a value, or for an event the day it
/// happened, or only whether it has happened by the date asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Given {
    /// A yes/no or choice fact's value, or the class of a number (index into the fact's values).
    Class(usize),
    /// A number fact's value.
    Number(Number),
    /// An event happened on this day.
    On(NaiveDate),
    /// An event has (`true`) or has not (`false`) happened by the date asked, on a day not given.
    Happened(bool),
}

impl Given {
    /// The classes of `kind` the value stands for on `date`.
    pub fn classes_on(self, kind: &FactKind, date: NaiveDate) -> ValueSet {
        match self {
            Given::Class(class) => ValueSet::single(class),
            Given::Number(number) => ValueSet::single(kind.number_class(number)),
            Given::On(day) => ValueSet::single(kind.stage_on(date, Some(day))),
            Given::Happened(happened) => {
                let reached = kind.reached(Offset::ZERO);
                let FactKind::Event { offsets, .. } = kind else {
                    return ValueSet::default();
                };
                if happened {
                    reached
                } else {
                    reached.complement(offsets.len() + 1)
                }
            }
        }
    }
}

impl FactKind {
    /// For an event that happens on `day`, the dates on which it is in one
    /// of the stages `classes` (a run of stages, as a rule's condition asks:
    /// from one duration after the event until another); `None` when the
    /// stages are not one run. An end past the calendar is left open.
    pub fn dates_in_stages(
        &self,
        day: NaiveDate,
        classes: ValueSet,
    ) -> Option<crate::interval::DateInterval> {
        let FactKind::Event { unit, offsets } = self else {
            return None;
        };
        let [(lo, hi)] = runs(classes)[..] else {
            return None;
        };
        // The day a duration reaches; a duration that leaves the calendar
        // reaches before every date (backwards, `Err(true)`) or never (`Err(false)`).
        let moved = |i: usize| {
            let offset = Offset {
                amount: offsets[i],
                unit: *unit,
            };
            offset.after(day).ok_or(offset.amount < 0)
        };
        let from = match lo.checked_sub(1).map(moved) {
            None | Some(Err(true)) => None,
            Some(Ok(date)) => Some(date),
            Some(Err(false)) => return None,
        };
        let until = match (hi < offsets.len()).then(|| moved(hi)) {
            None | Some(Err(false)) => None,
            Some(Ok(date)) => Some(date),
            Some(Err(true)) => return None,
        };
        crate::interval::DateInterval::new(from, until).ok()
    }
}

/// A class range's bounds: `lo..=hi` over the classes of one fact.
fn runs(classes: ValueSet) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for class in classes.indices() {
        match runs.last_mut() {
            Some((_, hi)) if *hi + 1 == class => *hi = class,
            _ => runs.push((class, class)),
        }
    }
    runs
}

impl FactKind {
    /// One class of a number or an event in words, for listings: `< 30`,
    /// `= 30`, `30 < … < 45`; `before e`, `within 60 days after e`.
    pub fn label(&self, class: usize) -> String {
        self.describe_runs("…", ValueSet::single(class))
            .pop()
            .unwrap_or_default()
    }

    /// The classes `classes` of fact `name` in words, whatever the date: for a
    /// number `` `days_overdue` > 30 ``, for an event
    /// `` within 60 days after `deletion_request` ``. Classes that are not
    /// contiguous read as alternatives joined by "or".
    pub fn describe(&self, name: &str, classes: ValueSet) -> String {
        let quoted = format!("`{name}`");
        let full = ValueSet::full(self.classes(64));
        if let FactKind::Number { points, .. } = self {
            // Everything but one point: `!=`.
            let missing = full.intersect(classes.complement(self.classes(64)));
            if missing.len() == 1 {
                let class = missing.indices().next().expect("one class");
                if class % 2 == 1 {
                    return format!("{quoted} != {}", points[class / 2]);
                }
            }
        }
        self.describe_runs(&quoted, classes).join(" or ")
    }

    fn describe_runs(&self, name: &str, classes: ValueSet) -> Vec<String> {
        runs(classes)
            .into_iter()
            .map(|(lo, hi)| match self {
                FactKind::Number { points, .. } => number_run(name, points, lo, hi),
                FactKind::Event { unit, offsets } => event_run(name, *unit, offsets, lo, hi),
                FactKind::Choice => String::new(),
            })
            .collect()
    }

    /// The classes `classes` of event `name` in words on `date`, as ranges of
    /// the event's date: "not by 2026-01-01", "on or before 2025-12-31",
    /// "between 2025-11-02 and 2026-01-01". A stage that holds for an event
    /// that never happens says so ("not by …" includes never).
    pub fn describe_on(&self, name: &str, date: NaiveDate, classes: ValueSet) -> String {
        runs(classes)
            .into_iter()
            .map(|(lo, hi)| {
                let range = self.stage_run_dates(date, lo, hi);
                range.words(name)
            })
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// The event dates that put the event in one of the stages `lo..=hi` on `date`.
    pub fn stage_run_dates(&self, date: NaiveDate, lo: usize, hi: usize) -> EventDates {
        let after = self.stage_dates(date, hi).0;
        let on_or_before = self.stage_dates(date, lo).1;
        EventDates {
            after,
            on_or_before,
            never: lo == 0,
        }
    }

    /// The ranges of event dates the classes `classes` stand for on `date`.
    pub fn event_dates(&self, date: NaiveDate, classes: ValueSet) -> Vec<EventDates> {
        runs(classes)
            .into_iter()
            .map(|(lo, hi)| self.stage_run_dates(date, lo, hi))
            .collect()
    }

    /// The ranges of time since the event the stages `classes` stand for, as
    /// `[from, until)` in the event's unit; `None`: unbounded (a range without
    /// `from` also holds for an event that never happens).
    pub fn stage_ranges(&self, classes: ValueSet) -> Vec<(Option<i64>, Option<i64>)> {
        let FactKind::Event { offsets, .. } = self else {
            return Vec::new();
        };
        runs(classes)
            .into_iter()
            .map(|(lo, hi)| {
                (
                    lo.checked_sub(1).map(|i| offsets[i]),
                    offsets.get(hi).copied(),
                )
            })
            .collect()
    }

    /// The ranges of numbers the classes `classes` stand for.
    pub fn number_ranges(&self, classes: ValueSet) -> Vec<NumberRange> {
        let FactKind::Number { points, .. } = self else {
            return Vec::new();
        };
        runs(classes)
            .into_iter()
            .map(|(lo, hi)| {
                let bound = |class: usize, lower: bool| -> Option<(Number, bool)> {
                    if class % 2 == 1 {
                        Some((points[class / 2], true))
                    } else if lower {
                        (class / 2).checked_sub(1).map(|i| (points[i], false))
                    } else {
                        points.get(class / 2).map(|&p| (p, false))
                    }
                };
                NumberRange {
                    min: bound(lo, true),
                    max: bound(hi, false),
                }
            })
            .collect()
    }
}

impl FactKind {
    /// A value to give `--fact` for a question on `date` whose fact is in class
    /// `class`: for a number, the point or a number inside the range; for an
    /// event, `false` when the stage means "not happened by the date", else
    /// the latest day the event may have happened to be in the stage.
    pub fn example_on(&self, date: NaiveDate, class: usize) -> Option<String> {
        match self {
            FactKind::Choice => None,
            FactKind::Number { points, .. } => Some(number_example(points, class).to_string()),
            FactKind::Event { offsets, .. } => {
                let (after, on_or_before) = self.stage_dates(date, class);
                match on_or_before {
                    Some(day) => Some(day.to_string()),
                    None if offsets.first() == Some(&0) => Some("false".into()),
                    None => after.and_then(|a| a.succ_opt()).map(|d| d.to_string()),
                }
            }
        }
    }
}

/// A number in class `class` of a number fact cut at `points`.
fn number_example(points: &[Number], class: usize) -> Number {
    let one = Number::from_integer(1);
    let i = class / 2;
    if class % 2 == 1 {
        return points[i];
    }
    match (i.checked_sub(1).map(|j| points[j]), points.get(i)) {
        (None, None) => Number::from_integer(0),
        (None, Some(&upper)) => upper.minus(one),
        (Some(lower), None) => lower.plus(one),
        (Some(lower), Some(&upper)) => lower.midpoint(upper),
    }
}

/// A range of numbers: each bound, if any, with whether it is included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberRange {
    /// The lower bound and whether the range includes it.
    pub min: Option<(Number, bool)>,
    /// The upper bound and whether the range includes it.
    pub max: Option<(Number, bool)>,
}

/// A range of dates an event may happen on: after one date (if any), on or
/// before another (if any), and whether never happening is included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDates {
    /// The event happens after this date.
    pub after: Option<NaiveDate>,
    /// The event happens on or before this date.
    pub on_or_before: Option<NaiveDate>,
    /// The range also holds for an event that never happens.
    pub never: bool,
}

impl EventDates {
    /// The range in words about event `name`.
    pub fn words(&self, name: &str) -> String {
        let next = |d: NaiveDate| d.succ_opt().unwrap_or(d);
        match (self.after, self.on_or_before, self.never) {
            (None, None, true) => format!("`{name}` at any time, or never"),
            (None, None, false) => format!("`{name}` on any day"),
            (Some(after), None, true) => format!("`{name}` not by {after}"),
            (Some(after), None, false) => format!("`{name}` after {after}"),
            (None, Some(before), false) => format!("`{name}` on or before {before}"),
            (None, Some(before), true) => format!("`{name}` on or before {before}, or never"),
            (Some(after), Some(before), _) if next(after) == before => {
                format!("`{name}` on {before}")
            }
            (Some(after), Some(before), _) => {
                format!("`{name}` between {} and {before}", next(after))
            }
        }
    }
}

fn number_run(name: &str, points: &[Number], lo: usize, hi: usize) -> String {
    let last = 2 * points.len();
    if lo == hi && lo % 2 == 1 {
        return format!("{name} = {}", points[lo / 2]);
    }
    let lower = match lo {
        0 => None,
        _ if lo % 2 == 1 => Some((points[lo / 2], "<=")),
        _ => Some((points[lo / 2 - 1], "<")),
    };
    let upper = match hi {
        _ if hi == last => None,
        _ if hi % 2 == 1 => Some(("<=", points[hi / 2])),
        _ => Some(("<", points[hi / 2])),
    };
    match (lower, upper) {
        (None, None) => format!("{name} is any number"),
        (Some((p, op)), None) => {
            let flipped = if op == "<" { ">" } else { ">=" };
            format!("{name} {flipped} {p}")
        }
        (None, Some((op, p))) => format!("{name} {op} {p}"),
        (Some((a, op1)), Some((op2, b))) => format!("{a} {op1} {name} {op2} {b}"),
    }
}

fn event_run(name: &str, unit: TimeUnit, offsets: &[i64], lo: usize, hi: usize) -> String {
    let moment = |amount: i64| {
        let offset = Offset { amount, unit };
        match amount.cmp(&0) {
            std::cmp::Ordering::Equal => name.to_string(),
            std::cmp::Ordering::Greater => format!("{offset} after {name}"),
            std::cmp::Ordering::Less => format!("{offset} before {name}"),
        }
    };
    let lower = lo.checked_sub(1).map(|i| offsets[i]);
    let upper = offsets.get(hi).copied();
    match (lower, upper) {
        (None, None) => format!("whenever {name} happens, or if it never does"),
        (Some(0), None) => format!("once {name} has happened"),
        (Some(a), None) => format!("from {} on", moment(a)),
        (None, Some(0)) => format!("before {name} happens"),
        (None, Some(b)) => format!("before {}, or if {name} never happens", moment(b)),
        (Some(0), Some(b)) if b > 0 => {
            format!("within {} after {name}", Offset { amount: b, unit })
        }
        (Some(a), Some(b)) => format!("from {} until {}", moment(a), moment(b)),
    }
}

impl ValueSet {
    /// The values of `self` from index `start` on.
    fn starting_at(self, start: usize) -> ValueSet {
        ValueSet(self.0 & !ValueSet::full(start).0)
    }
}

/// One alternative of a condition: for each fact it tests (ascending), the classes allowed.
pub type Alternative = Vec<(usize, ValueSet)>;

/// The alternatives of `formula`, each a box over the classes of the facts' `kinds`
/// (`sizes`: how many classes each has), without empty or
/// repeated boxes. The caller bounds [`Formula::alternatives`] first.
pub fn alternatives(formula: &Formula, kinds: &[FactKind], sizes: &[usize]) -> Vec<Alternative> {
    let mut out = expand(formula, false, kinds, sizes);
    out.sort();
    out.dedup();
    out
}

fn atom(fact: usize, set: ValueSet, negated: bool, sizes: &[usize]) -> Vec<Alternative> {
    let set = if negated {
        set.complement(sizes[fact])
    } else {
        set
    };
    if set.is_empty() {
        Vec::new()
    } else {
        vec![vec![(fact, set)]]
    }
}

fn expand(
    formula: &Formula,
    negated: bool,
    kinds: &[FactKind],
    sizes: &[usize],
) -> Vec<Alternative> {
    match (formula, negated) {
        (Formula::Not(inner), _) => expand(inner, !negated, kinds, sizes),
        (Formula::Is { fact, values }, _) => atom(*fact, *values, negated, sizes),
        (
            Formula::Compare {
                fact,
                test,
                constant,
            },
            _,
        ) => atom(
            *fact,
            kinds[*fact].number_test(*test, *constant),
            negated,
            sizes,
        ),
        (Formula::Reached { event, offset }, _) => {
            atom(*event, kinds[*event].reached(*offset), negated, sizes)
        }
        (Formula::All(parts), false) | (Formula::Any(parts), true) => {
            let mut product: Vec<Alternative> = vec![Vec::new()];
            for part in parts {
                let options = expand(part, negated, kinds, sizes);
                let mut next = Vec::new();
                for left in &product {
                    for right in &options {
                        if let Some(meet) = meet(left, right) {
                            next.push(meet);
                        }
                    }
                }
                next.sort();
                next.dedup();
                product = next;
            }
            product
        }
        (Formula::Any(parts), false) | (Formula::All(parts), true) => parts
            .iter()
            .flat_map(|p| expand(p, negated, kinds, sizes))
            .collect(),
    }
}

/// Both boxes at once, or `None` when they share no value.
fn meet(left: &Alternative, right: &Alternative) -> Option<Alternative> {
    let mut out = left.clone();
    for &(fact, set) in right {
        match out.iter_mut().find(|(f, _)| *f == fact) {
            Some((_, existing)) => {
                *existing = existing.intersect(set);
                if existing.is_empty() {
                    return None;
                }
            }
            None => out.push((fact, set)),
        }
    }
    out.sort();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        let month = Offset::written(1, "month");
        assert_eq!(month.after(day("2026-01-31")), Some(day("2026-02-28")));
        assert_eq!(month.after(day("2028-01-31")), Some(day("2028-02-29")));
        assert_eq!(
            Offset::written(1, "year").after(day("2028-02-29")),
            Some(day("2029-02-28"))
        );
        assert_eq!(
            Offset::written(-1, "month").after(day("2026-03-31")),
            Some(day("2026-02-28"))
        );
        assert_eq!(
            Offset::written(2, "week").after(day("2026-01-01")),
            Some(day("2026-01-15"))
        );
    }

    #[test]
    fn number_classes_follow_the_points() {
        let cuts = FactKind::Number {
            unit: None,
            points: vec![Number::from_integer(30), Number::from_integer(45)],
        };
        let n = Number::from_integer;
        assert_eq!(cuts.number_class(n(0)), 0);
        assert_eq!(cuts.number_class(n(30)), 1);
        assert_eq!(cuts.number_class(n(31)), 2);
        assert_eq!(cuts.number_class(n(45)), 3);
        assert_eq!(cuts.number_class(n(99)), 4);
        let over_30 = cuts.number_test(NumberTest::Greater, n(30));
        assert_eq!(over_30.indices().collect::<Vec<_>>(), [2, 3, 4]);
        let at_most_45 = cuts.number_test(NumberTest::LessEqual, n(45));
        assert_eq!(at_most_45.indices().collect::<Vec<_>>(), [0, 1, 2, 3]);
    }

    proptest! {
        /// Every number falls in the class whose test results are its own.
        #[test]
        fn number_classes_agree_with_the_tests(
            mut points in proptest::collection::vec(-50i64..50, 0..5),
            value in -60i64..60,
            which in 0usize..6,
        ) {
            points.sort_unstable();
            points.dedup();
            let points: Vec<Number> = points.into_iter().map(Number::from_integer).collect();
            let cuts = FactKind::Number { unit: None, points: points.clone() };
            let test = [NumberTest::Less, NumberTest::LessEqual, NumberTest::Greater,
                NumberTest::GreaterEqual, NumberTest::Equal, NumberTest::NotEqual][which];
            let value = Number::from_integer(value);
            for &constant in &points {
                let class = cuts.number_class(value);
                prop_assert_eq!(cuts.number_test(test, constant).contains(class), test.holds(value, constant));
            }
        }

        /// The stage of an event on a date is the class of its reached offsets,
        /// and the event dates a stage names on that date are exactly those in it.
        #[test]
        fn stages_agree_with_the_calendar(
            mut offsets in proptest::collection::vec(-70i64..70, 0..4),
            months in any::<bool>(),
            date in 0i64..1500,
            happened in proptest::option::of(-200i64..1700),
        ) {
            offsets.push(0);
            let unit = if months { TimeUnit::Month } else { TimeUnit::Day };
            if months {
                offsets.iter_mut().for_each(|o| *o /= 10);
            }
            offsets.sort_unstable();
            offsets.dedup();
            let base = day("2024-01-01");
            let at = |n: i64| base + TimeDelta::days(n);
            let (date, happened) = (at(date), happened.map(at));
            let cuts = FactKind::Event { unit, offsets: offsets.clone() };
            let stage = cuts.stage_on(date, happened);
            for (i, &amount) in offsets.iter().enumerate() {
                let reached = happened.is_some_and(|e| Offset { amount, unit }.after(e).unwrap() <= date);
                prop_assert_eq!(cuts.reached(Offset { amount, unit }).contains(stage), reached, "offset {}", i);
            }
            let (after, on_or_before) = cuts.stage_dates(date, stage);
            match happened {
                Some(e) => {
                    prop_assert!(after.is_none_or(|a| e > a));
                    prop_assert!(on_or_before.is_none_or(|b| e <= b));
                }
                None => {
                    prop_assert_eq!(stage, 0);
                    prop_assert!(on_or_before.is_none());
                }
            }
            // The bounds are tight: the days just outside are in other stages.
            if let Some(a) = after {
                prop_assert_ne!(cuts.stage_on(date, Some(a)), stage);
            }
            if let Some(b) = on_or_before {
                prop_assert_eq!(cuts.stage_on(date, Some(b)), stage);
                prop_assert_ne!(cuts.stage_on(date, b.succ_opt()), stage);
            }
        }
    }
}
