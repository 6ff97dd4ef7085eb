//! Scenario files: named questions with optional expectations, answered by
//! `covenant ask --scenario` and checked by `covenant test`.
//!
//! ```toml
//! [[question]]
//! name = "OpenAI may host its models on AWS in March 2027"
//! query = "openai.host_models(cloud=aws)"
//! on = "2027-03-01"
//! under = "in-force"          # optional; `in-force`, `all` or a version id
//! facts = { agi_achieved = true }
//! readings = { microsoft_share_end = "after_2030" }
//! expect = "permitted"        # optional: every answer must have this verdict,
//!                              # or "no agreement" (no version in force that day)
//!                              # (for `query = "party.*"`, a table by action:
//!                              #  expect = { "party.action" = "required" })
//! expect_rule = "new.host.any_cloud"  # optional: a deciding rule, or "default"
//! ```
//!
//! This module reads the file into questions; [`check`] holds each answer
//! against its question's expectations, [`bless`] writes the answers back as
//! expectations, and [`junit`] reports a run as JUnit XML for CI systems.

pub mod bless;
pub mod check;
pub mod junit;
pub mod report;

use crate::ask::report::AskRequest;
use crate::diagnostic::{Diagnostic, Location, SourceFile};
use crate::query::{self, Under};
use crate::terms::raw::Ordered;
use crate::terms::{MAX_FILE_BYTES, Terms};
use crate::verdict::Verdict;
pub use check::{Mismatch, Status, TestResult, check};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenarioFile {
    #[serde(default)]
    question: Vec<Spanned<RawQuestion>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    name: String,
    query: Spanned<String>,
    /// A string, or a bare TOML date (`on = 2026-07-01`) as facts accept.
    on: Spanned<toml::Value>,
    #[serde(default)]
    under: Option<Spanned<String>>,
    #[serde(default)]
    facts: Ordered<Spanned<toml::Value>>,
    #[serde(default)]
    readings: Ordered<Spanned<String>>,
    /// A verdict, or for `party.*` a table of verdicts by action.
    #[serde(default)]
    expect: Option<Spanned<toml::Value>>,
    #[serde(default)]
    expect_rule: Option<Spanned<String>>,
}

/// What a question expects of every answer: a verdict, or that no version of
/// the agreement is in force on the date (`expect = "no agreement"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// Every answer has this verdict.
    Verdict(Verdict),
    /// No version is in force on the date: the answer is "no agreement".
    NoAgreement,
}

impl Expectation {
    /// How a scenario file spells "no version in force".
    pub const NO_AGREEMENT: &'static str = "no agreement";

    /// Reads a verdict or `no agreement`.
    pub fn parse(text: &str) -> Option<Expectation> {
        if text == Self::NO_AGREEMENT {
            return Some(Expectation::NoAgreement);
        }
        Verdict::parse(text).map(Expectation::Verdict)
    }
}

impl std::fmt::Display for Expectation {
    /// As a scenario file spells it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expectation::Verdict(verdict) => write!(f, "{verdict}"),
            Expectation::NoAgreement => f.write_str(Self::NO_AGREEMENT),
        }
    }
}

/// One question of a scenario file, resolved against the terms.
#[derive(Debug, Clone)]
pub struct ScenarioQuestion {
    /// The question's name.
    pub name: String,
    /// What to ask.
    pub request: AskRequest,
    /// What every answer must be, if given.
    pub expect: Option<Expectation>,
    /// A rule that must decide every answer (or `default`), if given.
    pub expect_rule: Option<String>,
    /// Where the question is written.
    pub location: Location,
    /// Its place among the file's `[[question]]` entries, counted from 0.
    pub index: usize,
    /// For a question about `party.*`, the one action this entry asks about.
    pub action: Option<String>,
}

/// A question of a scenario file that cannot be asked, and why.
#[derive(Debug, Clone)]
pub struct QuestionError {
    /// The question's name.
    pub name: String,
    /// Where the question is written.
    pub location: Location,
    /// Its place among the file's `[[question]]` entries, counted from 0.
    pub index: usize,
    /// What is wrong, each located in the file.
    pub diagnostics: Vec<Diagnostic>,
}

/// A scenario file read question by question: the questions that can be
/// asked, and the ones that cannot (a mistake in one spoils no other).
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The questions that can be asked, in file order (a `party.*` question
    /// is one entry per action).
    pub questions: Vec<ScenarioQuestion>,
    /// The questions that cannot, in file order.
    pub errors: Vec<QuestionError>,
}

/// Reads a scenario file's text, refusing what the terms loader refuses: a file
/// over [`MAX_FILE_BYTES`], and anything that is not a regular file (a FIFO
/// would block, `/dev/zero` would never end).
pub fn read(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let name = path.display().to_string();
    let unreadable = |error: std::io::Error| {
        Diagnostic::error(format!("cannot read scenario file `{name}`: {error}"), None)
    };
    // Look before opening: opening a FIFO blocks until something writes to it.
    let kind = std::fs::metadata(path).map_err(unreadable)?.file_type();
    if !kind.is_file() {
        return Err(not_a_regular_file(&name, kind));
    }
    let file = File::open(path).map_err(unreadable)?;
    // Check what was opened too, in case the path changed in between.
    let opened = file.metadata().map_err(unreadable)?;
    if !opened.is_file() {
        return Err(not_a_regular_file(&name, opened.file_type()));
    }
    // Read one byte past the limit, whatever the size claims, to tell "at the
    // limit" from "over it" without ever reading more.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            format!("scenario file `{name}` is over the limit of {MAX_FILE_BYTES} bytes"),
            None,
        )
        .with_hint(Some(
            "split the questions over several scenario files; `covenant test` takes many".into(),
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            format!(
                "`{name}` is not UTF-8 text (the first bad byte is at offset {})",
                e.utf8_error().valid_up_to()
            ),
            None,
        )
    })?;
    Ok(SourceFile::new(name, text))
}

fn not_a_regular_file(name: &str, kind: std::fs::FileType) -> Diagnostic {
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_file_kind(kind)
    };
    Diagnostic::error(
        format!("scenario file `{name}` is {what}, not a regular file"),
        None,
    )
    .with_hint(Some(
        "give the path of a TOML file with [[question]] entries".into(),
    ))
}

#[cfg(unix)]
fn special_file_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_file_kind(_: std::fs::FileType) -> &'static str {
    "a special file"
}

/// Reads a scenario file, reporting every mistake in it: its questions only
/// if every one of them can be asked.
pub fn load(
    terms: &Terms,
    file: &Arc<SourceFile>,
) -> Result<Vec<ScenarioQuestion>, Vec<Diagnostic>> {
    let scenario = load_each(terms, file).map_err(|error| vec![error])?;
    if scenario.errors.is_empty() {
        Ok(scenario.questions)
    } else {
        Err(scenario
            .errors
            .into_iter()
            .flat_map(|error| error.diagnostics)
            .collect())
    }
}

/// Reads a scenario file question by question: a file that is not a list of
/// questions is an error; a question with a mistake is set apart, located,
/// and the others are kept.
pub fn load_each(terms: &Terms, file: &Arc<SourceFile>) -> Result<Scenario, Diagnostic> {
    let raw: RawScenarioFile = toml::from_str(&file.text).map_err(|error| {
        let location = Location::new(file, error.span().unwrap_or(0..0));
        Diagnostic::error(error.message().trim_end().to_string(), Some(location))
    })?;
    if raw.question.is_empty() {
        return Err(Diagnostic::error(
            format!("scenario file `{}` has no questions", file.name),
            Some(Location::new(file, 0..0)),
        )
        .with_hint(Some(
            "add a question: [[question]] with `name`, `query` and `on` (terms/README.md, Scenario files)".into(),
        )));
    }
    let mut questions = Vec::new();
    let mut errors = Vec::new();
    for (index, raw_question) in raw.question.into_iter().enumerate() {
        let location = Location::new(file, raw_question.span());
        let raw_question = raw_question.into_inner();
        match resolve(terms, file, &raw_question) {
            Ok((many, resolved)) => {
                for (request, expect) in resolved {
                    let (name, action) = if many {
                        (
                            format!("{}: {}", raw_question.name, request.text),
                            Some(request.text.clone()),
                        )
                    } else {
                        (raw_question.name.clone(), None)
                    };
                    questions.push(ScenarioQuestion {
                        name,
                        request,
                        expect,
                        expect_rule: raw_question
                            .expect_rule
                            .as_ref()
                            .map(|r| r.get_ref().clone()),
                        location: location.clone(),
                        index,
                        action,
                    });
                }
            }
            Err(diagnostics) => errors.push(QuestionError {
                name: raw_question.name.clone(),
                location,
                index,
                diagnostics,
            }),
        }
    }
    Ok(Scenario {
        file: Arc::clone(file),
        questions,
        errors,
    })
}

/// One question per action asked (every action of the party for `party.*`,
/// which the flag says), each with its expected verdict.
type Resolved = (bool, Vec<(AskRequest, Option<Expectation>)>);

fn resolve(
    terms: &Terms,
    file: &Arc<SourceFile>,
    raw: &RawQuestion,
) -> Result<Resolved, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let within =
        |text: &Spanned<String>, error: query::InputError| error.in_file(file, text.span());
    // `party.*` asks every action of the party, each with every parameter open.
    let (query, actions) = match query::parse_asked(terms, raw.query.get_ref()) {
        Ok(query::Asked::One(query)) => (Ok(query), Vec::new()),
        Ok(query::Asked::Each(actions)) => (Ok(query::Query::every(terms, actions[0])), actions),
        Err(error) => {
            errors.push(within(&raw.query, error));
            (Err(()), Vec::new())
        }
    };
    let on_text = match raw.on.get_ref() {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(date) => date.to_string(),
        other => other.to_string(),
    };
    let on = Spanned::new(raw.on.span(), on_text);
    let date = query::parse_on(on.get_ref()).map_err(|e| errors.push(within(&on, e)));
    let under = match &raw.under {
        Some(under) => {
            query::parse_under(terms, under.get_ref()).map_err(|e| errors.push(within(under, e)))
        }
        None => Ok(Under::InForce),
    };
    // An error in `NAME=VALUE` is located at the name or at the value,
    // wherever it falls.
    let at_name_or_value =
        |error: query::InputError, name: &toml::Spanned<String>, value: std::ops::Range<usize>| {
            let span = if error.span.start <= name.get_ref().len() {
                name.span()
            } else {
                value
            };
            error.at(Location::new(file, span))
        };
    let mut facts = Vec::new();
    for (name, value) in &raw.facts.0 {
        let text = match value.get_ref() {
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Datetime(d) => d.to_string(),
            _ => {
                let location = Location::new(file, value.span());
                errors.push(
                    Diagnostic::error(
                        "a fact's value is `true`, `false`, a whole number, a date or a string",
                        Some(location),
                    )
                    .with_hint(Some(
                        "write a decimal as a string, e.g. `ratio = \"2.5\"`".into(),
                    )),
                );
                continue;
            }
        };
        let assignment = format!("{}={text}", name.get_ref());
        match query::parse_fact(terms, &assignment) {
            Ok(fact) if facts.iter().any(|&(f, _)| f == fact.0) => {
                // Two keys TOML tells apart may name one fact
                // (`"breach(pay)"` and `"breach( pay )"`).
                let fact_name = &terms.vocabulary.facts[fact.0].name;
                errors.push(
                    Diagnostic::error(
                        format!("fact `{fact_name}` is given twice"),
                        Some(Location::new(file, name.span())),
                    )
                    .with_hint(Some("give it once; keep the one you mean".into())),
                );
            }
            Ok(fact) => facts.push(fact),
            Err(error) => errors.push(at_name_or_value(error, name, value.span())),
        }
    }
    let mut readings = Vec::new();
    for (name, value) in &raw.readings.0 {
        match query::parse_reading(terms, &format!("{}={}", name.get_ref(), value.get_ref())) {
            Ok(reading) => readings.push(reading),
            Err(error) => errors.push(at_name_or_value(error, name, value.span())),
        }
    }
    let verdict_at = |text: &str, span: std::ops::Range<usize>, errors: &mut Vec<Diagnostic>| {
        Expectation::parse(text).or_else(|| {
            let known = Verdict::NAMES
                .into_iter()
                .chain([Expectation::NO_AGREEMENT]);
            let hint = query::suggest(text, "verdict", known);
            errors.push(
                Diagnostic::error(
                    format!("unknown verdict `{text}`"),
                    Some(Location::new(file, span)),
                )
                .with_hint(Some(hint)),
            );
            None
        })
    };
    // Expected verdicts: one for every answer, or by action for `party.*`.
    let mut by_action: std::collections::BTreeMap<String, Expectation> = Default::default();
    let expect = match raw.expect.as_ref().map(|e| (e.get_ref(), e.span())) {
        None => None,
        Some((toml::Value::String(text), span)) => verdict_at(text, span, &mut errors),
        Some((toml::Value::Table(table), span)) if !actions.is_empty() => {
            for (action, value) in table {
                let known = actions
                    .iter()
                    .any(|&a| terms.vocabulary.actions[a].id == *action);
                match (known, value) {
                    (true, toml::Value::String(text)) => {
                        if let Some(verdict) = verdict_at(text, span.clone(), &mut errors) {
                            by_action.insert(action.clone(), verdict);
                        }
                    }
                    (false, _) => errors.push(
                        Diagnostic::error(
                            format!("`{action}` is not one of the actions `{}` asks about", raw.query.get_ref()),
                            Some(Location::new(file, span.clone())),
                        )
                        .with_hint(Some("name each action by its id, e.g. `\"provider.delete_content\" = \"required\"`".into())),
                    ),
                    (true, _) => errors.push(Diagnostic::error(
                        format!("the verdict expected of `{action}` is not a string"),
                        Some(Location::new(file, span.clone())),
                    )),
                }
            }
            None
        }
        Some((_, span)) => {
            errors.push(
                Diagnostic::error(
                    "`expect` is a verdict such as \"required\"",
                    Some(Location::new(file, span)),
                )
                .with_hint(Some(
                    "a question about `party.*` may give a table of verdicts by action: `expect = { \"provider.delete_content\" = \"required\" }`"
                        .into(),
                )),
            );
            None
        }
    };
    if let (Some(rule), Ok(under)) = (&raw.expect_rule, &under) {
        if let Some(error) = unknown_rule(terms, file, rule, under) {
            errors.push(error);
        }
    }
    match (query, date, under) {
        (Ok(query), Ok(date), Ok(under)) if errors.is_empty() => {
            let request = AskRequest {
                text: raw.query.get_ref().clone(),
                query,
                date,
                under,
                facts,
                readings,
            };
            if actions.is_empty() {
                return Ok((false, vec![(request, expect)]));
            }
            Ok((
                true,
                actions
                    .iter()
                    .map(|&action| {
                        let id = &terms.vocabulary.actions[action].id;
                        let one = AskRequest {
                            text: id.clone(),
                            query: query::Query::every(terms, action),
                            ..request.clone()
                        };
                        (one, by_action.get(id).copied().or(expect))
                    })
                    .collect(),
            ))
        }
        _ => Err(errors),
    }
}

/// The error for an `expect_rule` that names no rule of the versions asked
/// about (every version, unless the question names one), with the nearest.
fn unknown_rule(
    terms: &Terms,
    file: &Arc<SourceFile>,
    rule: &Spanned<String>,
    under: &Under,
) -> Option<Diagnostic> {
    let wanted = rule.get_ref();
    let versions: Vec<usize> = match under {
        Under::Version(v) => vec![*v],
        Under::InForce | Under::All => (0..terms.versions.len()).collect(),
    };
    if wanted == "default"
        || versions
            .iter()
            .any(|&v| terms.versions[v].rule_index(wanted).is_some())
    {
        return None;
    }
    let mut known: Vec<&str> = versions
        .iter()
        .flat_map(|&v| terms.versions[v].rules.iter().map(|r| r.id.0.as_str()))
        .chain(["default"])
        .collect();
    known.sort_unstable();
    known.dedup();
    let message = match under {
        Under::Version(v) => format!(
            "unknown rule `{wanted}` in version `{}`",
            terms.versions[*v].id
        ),
        Under::InForce | Under::All => {
            format!("unknown rule `{wanted}`: no version of the agreement has a rule of that id")
        }
    };
    Some(
        Diagnostic::error(message, Some(Location::new(file, rule.span())))
            .with_hint(Some(query::suggest(wanted, "rule", known))),
    )
}
