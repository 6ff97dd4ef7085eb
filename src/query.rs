//! Questions as a user writes them: the query, the date, the version, facts and readings.
//!
//! Every function here resolves user text against the [`Terms`] and, on a
//! mistake, returns an [`InputError`] whose span is relative to that text; the
//! caller places it in a file (a scenario) or on the command line.

use crate::diagnostic::{Diagnostic, Location, SourceFile};
use crate::interval::parse_date;
use crate::number::Number;
use crate::syntax::{self, Operator, SyntaxError};
use crate::terms::{FactKind, Given, Terms};
use chrono::NaiveDate;
use std::ops::Range;
use std::sync::Arc;

/// A mistake in a query, date, version, fact or reading given by the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    /// What is wrong.
    pub message: String,
    /// Byte range of the offending text within the text given.
    pub span: Range<usize>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl From<SyntaxError> for InputError {
    fn from(error: SyntaxError) -> Self {
        InputError {
            message: error.message,
            span: error.span,
            hint: error.hint,
        }
    }
}

impl InputError {
    fn new(message: String, span: Range<usize>, hint: impl Into<Option<String>>) -> InputError {
        InputError {
            message,
            span,
            hint: hint.into(),
        }
    }

    /// The diagnostic for a mistake in text given on the command line as `origin`
    /// (e.g. `query`, `--fact`): the text itself is shown with the column marked.
    pub fn on_command_line(&self, origin: &str, text: &str) -> Diagnostic {
        let file = SourceFile::new(format!("<{origin}>"), text);
        self.at(Location::new(&file, self.span.clone()))
    }

    /// The diagnostic for a mistake located at `location`.
    pub fn at(&self, location: Location) -> Diagnostic {
        Diagnostic::error(self.message.clone(), Some(location)).with_hint(self.hint.clone())
    }

    /// The diagnostic for a mistake inside a string value of a TOML file.
    pub fn in_file(&self, file: &Arc<SourceFile>, outer: Range<usize>) -> Diagnostic {
        self.at(crate::terms::locate_in_string(
            file,
            outer,
            self.span.clone(),
        ))
    }
}

/// A query resolved against the vocabulary: an action and, per parameter, a value or `None` for "every value".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Index of the action.
    pub action: usize,
    /// One entry per parameter of the action.
    pub params: Vec<Option<usize>>,
}

/// Parses `party.action(param=value, ...)`; a parameter left out stands for every value of its domain.
pub fn parse_query(terms: &Terms, text: &str) -> Result<Query, InputError> {
    let pattern = syntax::parse_pattern(text).map_err(|error| {
        let mut error = InputError::from(error);
        if let Some(hint) = query_hint(terms, text) {
            error.hint = Some(hint);
        }
        error
    })?;
    let name = pattern.action_name();
    let actions = &terms.vocabulary.actions;
    let Some(action) = terms.action_index(&name) else {
        let parties = &terms.vocabulary.parties;
        if !parties.iter().any(|p| p.id == pattern.party.text) {
            return Err(InputError::new(
                format!("unknown party `{}`", pattern.party.text),
                pattern.party.span.clone(),
                suggest(
                    &pattern.party.text,
                    "party",
                    parties.iter().map(|p| p.id.as_str()),
                ),
            ));
        }
        let hint = suggest(&name, "action", actions.iter().map(|a| a.id.as_str()));
        return Err(InputError::new(
            format!("unknown action `{name}`"),
            pattern.action_span(),
            format!("{hint} `covenant actions` lists them all"),
        ));
    };
    let declared = &actions[action];
    let mut params = vec![None; declared.params.len()];
    for constraint in &pattern.constraints {
        let Some(param) = declared.param_index(&constraint.name.text) else {
            let hint = if declared.params.is_empty() {
                format!("`{name}` takes no parameters")
            } else {
                suggest(
                    &constraint.name.text,
                    "parameter",
                    declared.params.iter().map(|p| p.name.as_str()),
                )
            };
            return Err(InputError::new(
                format!("unknown parameter `{}` of `{name}`", constraint.name.text),
                constraint.name.span.clone(),
                hint,
            ));
        };
        if constraint.operator != Operator::Equal || constraint.values.len() != 1 {
            return Err(InputError::new(
                "a query gives each parameter one value with `=`".into(),
                constraint.span.clone(),
                format!(
                    "write `{}=VALUE`, or leave `{}` out to ask for every value",
                    constraint.name.text, constraint.name.text
                ),
            ));
        }
        if params[param].is_some() {
            return Err(InputError::new(
                format!("parameter `{}` is given twice", constraint.name.text),
                constraint.span.clone(),
                None,
            ));
        }
        let value = &constraint.values[0];
        let values = &declared.params[param].values;
        let Some(index) = values.iter().position(|v| v == &value.text) else {
            return Err(InputError::new(
                format!(
                    "unknown value `{}` for `{}`",
                    value.text, constraint.name.text
                ),
                value.span.clone(),
                value_hint(&value.text, &constraint.name.text, values),
            ));
        };
        params[param] = Some(index);
    }
    Ok(Query { action, params })
}

/// A hint for a query that does not parse but reads as a slip of a known
/// action: the party left out (`host_models` → `openai.host_models`), or a
/// parameter's value without its name (`openai.host_models(aws)` → `cloud=aws`).
fn query_hint(terms: &Terms, text: &str) -> Option<String> {
    let text = text.trim();
    let (name, args) = match text.split_once('(') {
        Some((name, rest)) => (name.trim(), Some(rest.strip_suffix(')').unwrap_or(rest))),
        None => (text, None),
    };
    let actions = &terms.vocabulary.actions;
    if !name.contains('.') {
        let suffix = format!(".{name}");
        let whole = by_name(
            actions
                .iter()
                .map(|a| a.id.as_str())
                .filter(|id| id.ends_with(&suffix)),
        );
        let rest = text[name.len()..].trim_start();
        return match whole.as_slice() {
            [] => None,
            [one] => Some(format!(
                "did you mean `{one}{rest}`? a query names the party first"
            )),
            several => Some(format!(
                "did you mean {}? a query names the party first",
                several
                    .iter()
                    .map(|id| format!("`{id}{rest}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        };
    }
    let action = &actions[terms.action_index(name)?];
    let mut written = Vec::new();
    let mut named = Vec::new();
    for item in args?.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if item.contains('=') {
            written.push(item.to_string());
            continue;
        }
        let param = action
            .params
            .iter()
            .find(|p| p.values.iter().any(|v| v == item))?;
        named.push(format!("`{}={item}`", param.name));
        written.push(format!("{}={item}", param.name));
    }
    if named.is_empty() {
        return None;
    }
    Some(format!(
        "did you mean {}? a query names each parameter: `{name}({})`",
        named.join(", "),
        written.join(", ")
    ))
}

impl Query {
    /// The query about `action` with every parameter open.
    pub fn every(terms: &Terms, action: usize) -> Query {
        Query {
            action,
            params: vec![None; terms.vocabulary.actions[action].params.len()],
        }
    }
}

/// What a query asks about: one action, or each of several (`party.*`, `*`),
/// every parameter open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// `party.action(param=value, ...)`.
    One(Query),
    /// `party.*` or `*`: these actions, in vocabulary order; never empty.
    Each(Vec<usize>),
}

/// Parses a query: an ordinary one, or `party.*` / `*`.
pub fn parse_asked(terms: &Terms, text: &str) -> Result<Asked, InputError> {
    match parse_wildcard(terms, text) {
        Some(actions) => actions.map(Asked::Each),
        None => parse_query(terms, text).map(Asked::One),
    }
}

/// Parses a query about many actions at once: `*` (every action) or
/// `party.*` (every action of a party), into the actions' indices in
/// vocabulary order; `None` when `text` is an ordinary query.
pub fn parse_wildcard(terms: &Terms, text: &str) -> Option<Result<Vec<usize>, InputError>> {
    let trimmed = text.trim();
    let actions = &terms.vocabulary.actions;
    if trimmed == "*" {
        if actions.is_empty() {
            return Some(Err(InputError::new(
                "the vocabulary declares no action".into(),
                0..text.len(),
                "declare actions under [actions] in vocabulary.toml".to_string(),
            )));
        }
        return Some(Ok((0..actions.len()).collect()));
    }
    let party = trimmed.strip_suffix(".*")?;
    let start = text.find(party).unwrap_or(0);
    let parties = &terms.vocabulary.parties;
    if !parties.iter().any(|p| p.id == party) {
        return Some(Err(InputError::new(
            format!("unknown party `{party}`"),
            start..start + party.len(),
            suggest(party, "party", parties.iter().map(|p| p.id.as_str())),
        )));
    }
    let prefix = format!("{party}.");
    let of_party: Vec<usize> = actions
        .iter()
        .enumerate()
        .filter(|(_, a)| a.id.starts_with(&prefix))
        .map(|(i, _)| i)
        .collect();
    if of_party.is_empty() {
        return Some(Err(InputError::new(
            format!("the vocabulary gives `{party}` no action"),
            start..start + party.len(),
            "`covenant actions` lists the actions".to_string(),
        )));
    }
    Some(Ok(of_party))
}

/// `names` in order and without repeats, so that every list in a message reads
/// the same on every run and "did you mean" breaks a tie by name.
pub(crate) fn by_name<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A "did you mean" hint, or the list of what is known, over `known` sorted by name.
pub(crate) fn suggest<'a>(
    found: &str,
    what: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> String {
    crate::diagnostic::did_you_mean(found, what, by_name(known))
}

/// "did you mean" for a value, always followed by the values the name takes.
pub fn value_hint(found: &str, name: &str, values: &[String]) -> String {
    let values = by_name(values.iter().map(String::as_str));
    let takes = format!("`{name}` takes {}", values.join(", "));
    match crate::diagnostic::closest(found, values.iter().copied()) {
        Some(close) => format!("did you mean `{close}`? ({takes})"),
        None => takes,
    }
}

/// Parses `--on` (and `--from`, `--to`): a `YYYY-MM-DD` date, or `today`,
/// the date on this machine's clock in its local time zone.
pub fn parse_on(text: &str) -> Result<NaiveDate, InputError> {
    if text.trim() == "today" {
        return Ok(chrono::Local::now().date_naive());
    }
    parse_date(text.trim()).map_err(|reason| {
        // A date that does not exist needs no word on the format; text that is no date does.
        let hint = reason
            .contains("is not a date")
            .then(|| "or `today`, the date on this machine's clock".to_string());
        InputError::new(reason, 0..text.len(), hint)
    })
}

/// Which version (or versions) a question is answered under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Under {
    /// The version in force on the question's date.
    InForce,
    /// Every version, side by side.
    All,
    /// One version, whatever the date.
    Version(usize),
}

impl Under {
    /// The choice as `--under` takes it: `in-force`, `all` or a version id.
    pub fn name(self, terms: &Terms) -> String {
        match self {
            Under::InForce => "in-force".to_string(),
            Under::All => "all".to_string(),
            Under::Version(v) => terms.versions[v].id.clone(),
        }
    }

    /// The one version whose terms apply on every date, if the choice names
    /// one; `None` for the version in force on each date (and for `all`,
    /// whose history is the agreement as it stood on each date).
    pub fn version(self) -> Option<usize> {
        match self {
            Under::Version(v) => Some(v),
            Under::InForce | Under::All => None,
        }
    }
}

/// Parses `--under`: `in-force`, `all`, or a version id.
pub fn parse_under(terms: &Terms, text: &str) -> Result<Under, InputError> {
    match text {
        "in-force" => Ok(Under::InForce),
        "all" => Ok(Under::All),
        _ => terms
            .version_index(text)
            .map(Under::Version)
            .ok_or_else(|| {
                let known = ["in-force", "all"]
                    .into_iter()
                    .chain(terms.versions.iter().map(|v| v.id.as_str()));
                InputError::new(
                    format!("unknown version `{text}`"),
                    0..text.len(),
                    suggest(text, "choice", known).replace("known choices", "choose from"),
                )
            }),
    }
}

/// Parses a version id, e.g. `old`.
pub fn parse_version(terms: &Terms, text: &str) -> Result<usize, InputError> {
    terms.version_index(text).ok_or_else(|| {
        InputError::new(
            format!("unknown version `{text}`"),
            0..text.len(),
            suggest(
                text,
                "version",
                terms.versions.iter().map(|v| v.id.as_str()),
            ),
        )
    })
}

/// Parses `--fact NAME=VALUE` into the fact's index and what it gives: a
/// value of a yes/no or choice fact, a number, or for an event a date
/// (`YYYY-MM-DD`), `true` (it has happened by the date asked) or `false`.
pub fn parse_fact(terms: &Terms, text: &str) -> Result<(usize, Given), InputError> {
    let (name, value) = syntax::parse_assignment(text)?;
    let facts = &terms.vocabulary.facts;
    let Some(fact) = terms.fact_index(&name.text) else {
        return Err(InputError::new(
            format!("unknown fact `{}`", name.text),
            name.span,
            suggest(&name.text, "fact", facts.iter().map(|f| f.name.as_str())),
        ));
    };
    let declared = &facts[fact];
    let given = match &declared.kind {
        FactKind::Event { .. } => match value.text.as_str() {
            "true" => Given::Happened(true),
            "false" => Given::Happened(false),
            date => Given::On(parse_date(date).map_err(|reason| {
                InputError::new(
                    format!("`{}` is an event: {reason}", name.text),
                    value.span.clone(),
                    format!(
                        "give the day it happened (`{}=2026-01-31`), or `true` (it happened by the date asked, day not given) or `false` (it has not)",
                        name.text
                    ),
                )
            })?),
        },
        FactKind::Number { unit, .. } => Given::Number(Number::parse(&value.text).map_err(|reason| {
            InputError::new(
                reason,
                value.span.clone(),
                format!(
                    "`{}` is a number{}, e.g. `{}=31`",
                    name.text,
                    unit.as_ref().map(|u| format!(" of {u}")).unwrap_or_default(),
                    name.text
                ),
            )
        })?),
        FactKind::Choice => Given::Class(declared.value_index(&value.text).ok_or_else(|| {
            InputError::new(
                format!("unknown value `{}` for fact `{}`", value.text, name.text),
                value.span.clone(),
                format!(
                    "`{}` is one of {}",
                    name.text,
                    by_name(declared.values.iter().map(String::as_str)).join(", ")
                ),
            )
        })?),
    };
    Ok((fact, given))
}

/// Parses `--reading DISPUTE=READING`, or `DISPUTE.READING` as terms files
/// write a reading, into (dispute index, reading index).
pub fn parse_reading(terms: &Terms, text: &str) -> Result<(usize, usize), InputError> {
    let dotted;
    let text = match text.split_once('.') {
        // `.` and `=` are one byte each, so every span still points into what was written.
        Some(_) if !text.contains('=') => {
            dotted = text.replacen('.', "=", 1);
            dotted.as_str()
        }
        _ => text,
    };
    let (name, value) = syntax::parse_assignment(text)?;
    let disputes = &terms.vocabulary.disputes;
    let Some(dispute) = terms.dispute_index(&name.text) else {
        return Err(InputError::new(
            format!("unknown dispute `{}`", name.text),
            name.span,
            suggest(
                &name.text,
                "dispute",
                disputes.iter().map(|d| d.id.as_str()),
            ),
        ));
    };
    let readings = &disputes[dispute].readings;
    let reading = disputes[dispute]
        .reading_index(&value.text)
        .ok_or_else(|| {
            InputError::new(
                format!(
                    "unknown reading `{}` of dispute `{}`",
                    value.text, name.text
                ),
                value.span.clone(),
                suggest(
                    &value.text,
                    "reading",
                    readings.iter().map(|r| r.id.as_str()),
                ),
            )
        })?;
    Ok((dispute, reading))
}
