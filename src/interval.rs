//! Calendar dates and half-open date intervals `[from, until)`.
//!
//! Every rule is valid over a [`DateInterval`]; either end may be open. The
//! invariant `from < until` (when both are given) is checked when the interval is
//! built, so an empty interval cannot exist once terms are loaded.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt;

/// Parses a `YYYY-MM-DD` calendar date, explaining what is wrong when it is not one.
///
/// ```
/// use covenant::interval::parse_date;
/// assert!(parse_date("2026-04-27").is_ok());
/// let err = parse_date("2026-02-30").unwrap_err();
/// assert!(err.contains("February 2026 has 28 days"));
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let parts: Vec<&str> = text.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(format!(
            "`{text}` is not a date; write it as YYYY-MM-DD, e.g. 2026-04-27"
        ));
    }
    let (year, month, day): (i32, u32, u32) = (
        parts[0]
            .parse()
            .map_err(|_| format!("bad year in `{text}`"))?,
        parts[1]
            .parse()
            .map_err(|_| format!("bad month in `{text}`"))?,
        parts[2]
            .parse()
            .map_err(|_| format!("bad day in `{text}`"))?,
    );
    if !(1..=12).contains(&month) {
        return Err(format!(
            "`{text}` has month {month}; months run from 01 to 12"
        ));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let first = NaiveDate::from_ymd_opt(year, month, 1).expect("month was checked above");
        let days = days_in_month(first);
        format!(
            "`{text}` does not exist: {} {year} has {days} days",
            first.format("%B")
        )
    })
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map(|n| (n - first).num_days() as u32).unwrap_or(31)
}

/// A half-open interval of dates `[from, until)`; `None` leaves that end open.
///
/// Built only through [`DateInterval::new`], which refuses `from >= until`, so an
/// interval always contains at least one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DateInterval {
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
}

/// Why a [`DateInterval`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the interval [{from}, {until}) is empty: `from` must be before `until`")]
pub struct EmptyInterval {
    /// The start that was given.
    pub from: NaiveDate,
    /// The end that was given.
    pub until: NaiveDate,
}

impl DateInterval {
    /// The interval that contains every date.
    pub const ALWAYS: DateInterval = DateInterval {
        from: None,
        until: None,
    };

    /// Builds `[from, until)`, refusing an empty interval.
    pub fn new(from: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<Self, EmptyInterval> {
        match (from, until) {
            (Some(f), Some(u)) if f >= u => Err(EmptyInterval { from: f, until: u }),
            _ => Ok(DateInterval { from, until }),
        }
    }

    /// The first day of the interval, if it has one.
    pub fn from(&self) -> Option<NaiveDate> {
        self.from
    }

    /// The first day after the interval, if it ends.
    pub fn until(&self) -> Option<NaiveDate> {
        self.until
    }

    /// Whether `date` lies in `[from, until)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date < u)
    }
}

impl DateInterval {
    /// The dates in both intervals, if there are any.
    pub fn intersect(&self, other: &DateInterval) -> Option<DateInterval> {
        let from = self.from.max(other.from);
        let until = match (self.until, other.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        DateInterval::new(from, until).ok()
    }

    /// One date inside the interval, which stands for all of it when no rule
    /// boundary falls inside: its first day, or the day before its end when it has no start.
    pub fn representative(&self) -> NaiveDate {
        match (self.from, self.until) {
            (Some(from), _) => from,
            (None, Some(until)) => until.pred_opt().unwrap_or(until),
            (None, None) => NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date"),
        }
    }
}

/// Cuts `window` at every date of `cuts` strictly inside it: the pieces, in
/// order, tile the window exactly. Inside a piece no cut falls, so any rule
/// whose ends are among `cuts` is valid on all of a piece or on none of it.
pub fn partition(
    window: DateInterval,
    cuts: impl IntoIterator<Item = NaiveDate>,
) -> Vec<DateInterval> {
    let mut inside: Vec<NaiveDate> = cuts
        .into_iter()
        .filter(|&cut| window.from.is_none_or(|f| f < cut) && window.until.is_none_or(|u| cut < u))
        .collect();
    inside.sort_unstable();
    inside.dedup();
    let mut pieces = Vec::with_capacity(inside.len() + 1);
    let mut start = window.from;
    for cut in inside {
        pieces.push(DateInterval {
            from: start,
            until: Some(cut),
        });
        start = Some(cut);
    }
    pieces.push(DateInterval {
        from: start,
        until: window.until,
    });
    pieces
}

impl fmt::Display for DateInterval {
    /// Renders the interval in words: `from 2026-04-27 until 2033-01-01`, `until 2030-01-01`, `always`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.from, self.until) {
            (None, None) => write!(f, "always"),
            (Some(from), None) => write!(f, "from {from}"),
            (None, Some(until)) => write!(f, "until {until}"),
            (Some(from), Some(until)) => write!(f, "from {from} until {until}"),
        }
    }
}

impl Serialize for DateInterval {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("DateInterval", 2)?;
        s.serialize_field("from", &self.from)?;
        s.serialize_field("until", &self.until)?;
        s.end()
    }
}

/// The shape [`DateInterval`]'s `Serialize` writes, for its JSON Schema.
#[derive(schemars::JsonSchema)]
#[schemars(rename = "DateInterval")]
#[allow(dead_code)] // only its schema is used
struct DateIntervalJson {
    /// The first day, or `null` when open.
    from: Option<NaiveDate>,
    /// The first day after, or `null` when open.
    until: Option<NaiveDate>,
}

impl schemars::JsonSchema for DateInterval {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        DateIntervalJson::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        DateIntervalJson::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        parse_date(s).expect("test date is valid")
    }

    #[test]
    fn impossible_dates_are_explained() {
        assert_eq!(
            parse_date("2026-02-30").unwrap_err(),
            "`2026-02-30` does not exist: February 2026 has 28 days"
        );
        assert_eq!(
            parse_date("2024-13-01").unwrap_err(),
            "`2024-13-01` has month 13; months run from 01 to 12"
        );
        assert!(parse_date("27/04/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2024-02-29").is_ok());
    }

    #[test]
    fn reversed_or_empty_interval_is_refused() {
        assert!(DateInterval::new(Some(day("2030-01-01")), Some(day("2030-01-01"))).is_err());
        assert!(DateInterval::new(Some(day("2031-01-01")), Some(day("2030-01-01"))).is_err());
    }

    proptest! {
        #[test]
        fn partition_tiles_the_window_and_no_cut_falls_inside_a_piece(
            cuts in prop::collection::vec(0i64..3000, 0..12),
            window_from in prop::option::of(0i64..1500),
            window_len in prop::option::of(1i64..1500),
            probe in 0i64..3000,
        ) {
            let base = day("2015-01-01");
            let at = |n: i64| base + chrono::Duration::days(n);
            let from = window_from.map(at);
            let until = window_len.map(|len| at(window_from.unwrap_or(0) + len));
            let window = DateInterval::new(from, until).unwrap();
            let cuts: Vec<NaiveDate> = cuts.into_iter().map(at).collect();
            let pieces = partition(window, cuts.iter().copied());
            let date = at(probe);
            let holding: Vec<_> = pieces.iter().filter(|p| p.contains(date)).collect();
            prop_assert_eq!(holding.len(), usize::from(window.contains(date)));
            for piece in &pieces {
                prop_assert!(window.contains(piece.representative()));
                for cut in &cuts {
                    let strictly_inside = piece.from.is_none_or(|f| f < *cut) && piece.contains(*cut);
                    prop_assert!(!strictly_inside, "cut {} inside {}", cut, piece);
                }
            }
        }

        #[test]
        fn interval_contains_exactly_the_days_from_start_to_before_end(
            a in 0i64..4000, len in 1i64..4000, probe in 0i64..9000
        ) {
            let base = day("2015-01-01");
            let from = base + chrono::Duration::days(a);
            let until = from + chrono::Duration::days(len);
            let date = base + chrono::Duration::days(probe);
            let interval = DateInterval::new(Some(from), Some(until)).unwrap();
            prop_assert_eq!(interval.contains(date), from <= date && date < until);
            prop_assert!(DateInterval::new(Some(from), None).unwrap().contains(until));
            prop_assert!(!DateInterval::new(None, Some(from)).unwrap().contains(from));
        }
    }
}
