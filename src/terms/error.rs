//! What can be wrong with a terms directory: one error kind per mistake, located.

use crate::diagnostic::{Diagnostic, Location};
use chrono::NaiveDate;

/// What is wrong with the terms, one variant per kind of mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadErrorKind {
    /// A file or directory could not be read.
    #[error("cannot read `{path}`: {reason}")]
    Unreadable {
        /// The path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// A file is not UTF-8 text.
    #[error(
        "`{file}` is not UTF-8 text: the first bad byte is on line {line}, column {column} (byte offset {offset})"
    )]
    NotUtf8 {
        /// The file.
        file: String,
        /// Where the first invalid byte is.
        offset: usize,
        /// Its line, from 1.
        line: usize,
        /// Its column in bytes, from 1.
        column: usize,
    },
    /// A file is over [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES).
    #[error("`{file}` is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A file in the terms or seeds folder that is a symbolic link leading out of it.
    #[error("`{file}` is a symbolic link that leads out of its folder")]
    LeadsOutside {
        /// The link, as it is named in its folder.
        file: String,
    },
    /// A file in the terms or seeds folder that is a pipe, a device or a socket.
    #[error("`{file}` is {kind}, not a regular file")]
    NotRegularFile {
        /// The file.
        file: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// A file in the terms or seeds folder whose name is not UTF-8.
    #[error("a file name in `{folder}` is not UTF-8: `{name}`")]
    NameNotUtf8 {
        /// The folder.
        folder: String,
        /// The name, with the bytes that are not UTF-8 replaced.
        name: String,
    },
    /// A `seeds` folder outside the terms directory and its siblings.
    #[error("`seeds = \"{seeds}\"` {problem}")]
    SeedsOutside {
        /// The value as written.
        seeds: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A dispute with more readings than a reading set holds.
    #[error("dispute `{dispute}` has {count} readings; a dispute may have at most {limit}")]
    TooManyReadings {
        /// The dispute.
        dispute: String,
        /// How many readings it has.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More rules than [`MAX_RULES`](super::MAX_RULES).
    #[error("the terms have {count} rules, over the limit of {limit}")]
    TooManyRules {
        /// How many rules there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The terms directory has no `vocabulary.toml`.
    #[error("no `vocabulary.toml` in {dir}")]
    MissingVocabulary {
        /// The directory.
        dir: String,
    },
    /// The terms directory has no version file.
    #[error("no version file (`*.toml` besides `vocabulary.toml`) in {dir}")]
    NoVersions {
        /// The directory.
        dir: String,
    },
    /// TOML that does not parse, or has a key or value of the wrong shape.
    #[error("{message}")]
    Toml {
        /// The parser's message.
        message: String,
        /// What to write instead, when covenant can tell.
        hint: Option<String>,
    },
    /// A date that is not a real `YYYY-MM-DD` date.
    #[error("invalid date: {reason}")]
    BadDate {
        /// What is wrong with it.
        reason: String,
    },
    /// `from` on or after `until`.
    #[error("the interval is empty: `from` {from} is not before `until` {until}")]
    EmptyInterval {
        /// The start.
        from: NaiveDate,
        /// The end.
        until: NaiveDate,
    },
    /// `from` and `until` counted from the same event, `until` not after `from`.
    #[error("the interval is empty: `from` {from} is never before `until` {until}")]
    EmptyRelativeInterval {
        /// The start, as written.
        from: String,
        /// The end, as written.
        until: String,
    },
    /// A condition that multiplies out to too many alternatives.
    #[error("{scope} multiply out to {count} alternatives, over the limit of {limit}")]
    TooManyAlternatives {
        /// `this condition would` for one rule; `the conditions of all versions` for the sum.
        scope: &'static str,
        /// How many alternatives (saturating).
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A number compared with, or an event counted from, in too many places.
    #[error(
        "{what} `{name}` is {} {count} different {} here, over the limit of {limit}",
        if *what == "event" { "counted from by" } else { "compared with" },
        if *what == "event" { "durations (its own day included)" } else { "constants" }
    )]
    TooManyCuts {
        /// `number fact` or `event`.
        what: &'static str,
        /// Its name.
        name: String,
        /// How many distinct constants or durations so far.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// An event counted in days in one place and in months in another.
    #[error("event `{event}` is counted in {here} here and in {there} at {at}")]
    MixedUnits {
        /// The event.
        event: String,
        /// The unit here.
        here: &'static str,
        /// The other unit.
        there: &'static str,
        /// Where the other unit is used.
        at: String,
    },
    /// A rule whose condition no world satisfies.
    #[error("rule `{rule}` can never apply: its condition and dates leave no case")]
    NeverHolds {
        /// The rule.
        rule: String,
    },
    /// A pattern, condition or reference that does not parse.
    #[error("{message}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// What to write instead.
        hint: Option<String>,
    },
    /// A name that is not declared.
    #[error("unknown {what} `{found}`")]
    Unknown {
        /// What kind of name: action, parameter, value, fact, dispute, reading, rule...
        what: &'static str,
        /// The name as written.
        found: String,
        /// A suggestion or the list of known names.
        hint: String,
    },
    /// A name declared twice.
    #[error("duplicate {what} `{name}`")]
    Duplicate {
        /// What kind of name.
        what: &'static str,
        /// The name.
        name: String,
        /// Where it was first declared.
        first: String,
    },
    /// A rule that overrides itself.
    #[error("rule `{rule}` overrides itself")]
    SelfOverride {
        /// The rule.
        rule: String,
    },
    /// Overrides that form a cycle.
    #[error("overrides form a cycle: {}", cycle.join(" → "))]
    OverrideCycle {
        /// The rules around the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A citation of a seed that does not exist.
    #[error("no seed named `{seed}`")]
    MissingSeed {
        /// The seed named.
        seed: String,
        /// A suggestion or the list of seeds.
        hint: String,
    },
    /// A quote that is not verbatim in its seed.
    #[error("the quote is not verbatim in `{seed}`")]
    QuoteNotFound {
        /// The seed.
        seed: String,
        /// Where the quote and the seed part ways.
        hint: String,
    },
    /// A rule or reading without citations.
    #[error("{what} has no citation")]
    NoCitation {
        /// What lacks one.
        what: String,
    },
    /// A constraint no value satisfies.
    #[error("`{name}` can take no value here: the constraints leave nothing")]
    EmptyConstraint {
        /// The parameter or fact.
        name: String,
    },
    /// A malformed domain.
    #[error("domain `{name}` {problem}")]
    BadDomain {
        /// The domain.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A rule's verdict or effect name that does not exist.
    #[error("unknown {what} `{found}`")]
    BadKeyword {
        /// `effect` or `default`.
        what: &'static str,
        /// What was written.
        found: String,
        /// The accepted spellings.
        hint: String,
    },
    /// A version superseded on or before it took effect.
    #[error(
        "version `{version}` is superseded on {superseded}, not after it took effect on {effective}"
    )]
    SupersededBeforeEffective {
        /// The version.
        version: String,
        /// Its effective date.
        effective: NaiveDate,
        /// Its superseded date.
        superseded: NaiveDate,
    },
    /// Two versions in force on the same day.
    #[error("versions `{first}` and `{second}` are both in force on {date}")]
    OverlappingVersions {
        /// The earlier version.
        first: String,
        /// The later version.
        second: String,
        /// A day both cover.
        date: NaiveDate,
    },
}

impl LoadErrorKind {
    /// How to fix the mistake, where there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            LoadErrorKind::Unknown { hint, .. }
            | LoadErrorKind::MissingSeed { hint, .. }
            | LoadErrorKind::QuoteNotFound { hint, .. }
            | LoadErrorKind::BadKeyword { hint, .. } => Some(hint.clone()),
            LoadErrorKind::Syntax { hint, .. } | LoadErrorKind::Toml { hint, .. } => hint.clone(),
            LoadErrorKind::Duplicate { first, .. } => Some(format!("first declared at {first}")),
            LoadErrorKind::EmptyInterval { .. } => Some(
                "rules are valid over [from, until); \"through 2032\" is until = \"2033-01-01\""
                    .into(),
            ),
            LoadErrorKind::EmptyRelativeInterval { .. } => Some(
                "rules are valid over [from, until); \"within 60 days of e\" is from = \"e\", until = \"e + 60 days\""
                    .into(),
            ),
            LoadErrorKind::TooManyAlternatives { .. } => Some(
                "split the rule into several rules, or factor the condition: `a and (b or c)` is 2 alternatives, `(a or b) and (c or d)` is 4"
                    .into(),
            ),
            LoadErrorKind::TooManyCuts { what, .. } => Some(if *what == "event" {
                "count from the event with fewer different durations, or split it into several events".into()
            } else {
                "compare the number with fewer different constants, or split it into several facts".into()
            }),
            LoadErrorKind::MixedUnits { .. } => Some(
                "count every duration from one event, in all versions, in days and weeks or in months and years (`3 months` and `6 months`, or `90 days` and `180 days`): a month is not a fixed number of days, so covenant does not yet mix them"
                    .into(),
            ),
            LoadErrorKind::NeverHolds { .. } => {
                Some("check the condition and the dates counted from events".into())
            }
            LoadErrorKind::OverrideCycle { .. } | LoadErrorKind::SelfOverride { .. } => {
                Some("an exception names the rules it beats; remove one `overrides` entry".into())
            }
            LoadErrorKind::NoCitation { .. } => {
                Some("add `citations = [{ seed = \"FILE\", quote = \"verbatim passage\" }]`".into())
            }
            LoadErrorKind::BadDate { .. } => Some("write dates as strings: \"2026-04-27\"".into()),
            LoadErrorKind::LeadsOutside { .. } | LoadErrorKind::NotRegularFile { .. } => Some(
                "a terms directory reaches only its own files: put a copy of the file itself in the folder"
                    .into(),
            ),
            LoadErrorKind::NameNotUtf8 { .. } => {
                Some("rename the file; names are UTF-8, e.g. `new.toml`".into())
            }
            LoadErrorKind::SeedsOutside { .. } => Some(
                "`seeds` is a relative path to the terms directory, a folder inside it, or a folder beside it such as \"../seeds\""
                    .into(),
            ),
            LoadErrorKind::TooManyReadings { .. } => {
                Some("split the dispute into several, each with at most 64 readings".into())
            }
            LoadErrorKind::TooLarge { .. } | LoadErrorKind::TooManyRules { .. } => {
                Some("split the agreement, or check that this is the file you meant".into())
            }
            _ => None,
        }
    }
}

/// One mistake in the terms, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct LoadError {
    /// Where, when the mistake is inside a file.
    pub location: Option<Location>,
    /// What.
    pub kind: LoadErrorKind,
}

impl LoadError {
    pub(super) fn unlocated(kind: LoadErrorKind) -> LoadError {
        LoadError {
            location: None,
            kind,
        }
    }

    /// The diagnostic a person sees.
    pub fn diagnostic(&self) -> Diagnostic {
        let label = match &self.kind {
            LoadErrorKind::Unknown { what, .. } => format!("no such {what}"),
            LoadErrorKind::QuoteNotFound { .. } => "not in the seed".into(),
            _ => String::new(),
        };
        Diagnostic::error(self.kind.to_string(), self.location.clone())
            .with_label(label)
            .with_hint(self.kind.hint())
    }
}

/// Every mistake loading found, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the terms have {} error(s)", .0.len())]
pub struct LoadErrors(pub Vec<LoadError>);

impl LoadErrors {
    /// The diagnostics a person sees, one per error.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.0.iter().map(LoadError::diagnostic).collect()
    }
}

impl From<LoadError> for LoadErrors {
    fn from(error: LoadError) -> Self {
        LoadErrors(vec![error])
    }
}

impl LoadErrorKind {
    /// Whether [`load_for_check`](super::load_for_check) reports this mistake as a finding and goes on loading.
    pub fn is_consistency_finding(&self) -> bool {
        matches!(
            self,
            LoadErrorKind::QuoteNotFound { .. }
                | LoadErrorKind::EmptyInterval { .. }
                | LoadErrorKind::EmptyRelativeInterval { .. }
                | LoadErrorKind::OverrideCycle { .. }
        )
    }
}
