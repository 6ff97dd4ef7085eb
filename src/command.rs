//! One function per subcommand, taking what the command line gives and writing
//! its report into a [`Write`] sink. The binary only parses arguments, hands
//! each command its standard output (see [`crate::output`]) and maps the result
//! to an exit code.

use crate::ask::render;
use crate::ask::report::{self, AskError, AskReport, AskRequest};
use crate::diagnostic::Diagnostic;
use crate::diff::DiffRequest;
use crate::interval::DateInterval;
use crate::json::to_json;
use crate::query::{self, InputError};
use crate::scenario::{self, TestResult};
use crate::space::{Budget, DEFAULT_MAX_CASES, TooLarge};
use crate::terms::{self, Given, Terms, TermsSource};
use chrono::NaiveDate;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Output for people or for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Text for people.
    #[default]
    Text,
    /// JSON for scripts.
    Json,
    /// Markdown, for a review or a wiki (`diff` only).
    Markdown,
    /// A self-contained SVG picture (`timeline` only).
    Svg,
    /// A JUnit XML report, for CI systems (`test` only).
    Junit,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [Format] = &[
        Format::Text,
        Format::Json,
        Format::Markdown,
        Format::Svg,
        Format::Junit,
    ];
    /// What most commands write: text and JSON.
    pub const TEXT_JSON: &'static [Format] = &[Format::Text, Format::Json];
    /// What `covenant diff` writes.
    pub const DIFF: &'static [Format] = &[Format::Text, Format::Json, Format::Markdown];
    /// What `covenant test` writes.
    pub const TEST: &'static [Format] = &[Format::Text, Format::Json, Format::Junit];
    /// What `covenant timeline` writes.
    pub const TIMELINE: &'static [Format] = &[Format::Text, Format::Json, Format::Svg];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Svg => "svg",
            Format::Junit => "junit",
        }
    }
}

/// Refuses a format the command cannot write, naming the ones it can.
fn only_formats(command: &str, format: Format, allowed: &[Format]) -> Result<(), BadInput> {
    if allowed.contains(&format) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
    Err(Diagnostic::error(
        format!(
            "`covenant {command}` cannot write --format {}",
            format.name()
        ),
        None,
    )
    .with_hint(Some(format!("choose {}", names.join(", "))))
    .into())
}

/// Why a command could not answer: the diagnostics to show (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} error(s) in the input", diagnostics.len())]
pub struct BadInput {
    /// What is wrong, located.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a command stopped: its input was bad (exit 2), or its output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The terms, query, flags or scenario file are wrong; the diagnostics say how.
    #[error(transparent)]
    BadInput(#[from] BadInput),
    /// Writing the report failed; [`crate::output::ending`] tells a closed pipe
    /// (not an error) from anything else.
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
}

impl From<Diagnostic> for CommandError {
    fn from(diagnostic: Diagnostic) -> Self {
        CommandError::BadInput(diagnostic.into())
    }
}

impl From<Vec<Diagnostic>> for CommandError {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        CommandError::BadInput(diagnostics.into())
    }
}

/// Writes a finished piece of a report.
fn emit(out: &mut dyn Write, text: &str) -> Result<(), CommandError> {
    Ok(out.write_all(text.as_bytes())?)
}

impl From<Vec<Diagnostic>> for BadInput {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        BadInput { diagnostics }
    }
}

impl From<Diagnostic> for BadInput {
    fn from(diagnostic: Diagnostic) -> Self {
        BadInput {
            diagnostics: vec![diagnostic],
        }
    }
}

/// Loads the terms: the embedded ones, or those in `dir`.
pub fn load_terms(dir: Option<&Path>) -> Result<Terms, BadInput> {
    terms::load(&terms_source(dir)).map_err(|errors| errors.diagnostics().into())
}

/// The terms in `dir`, or the embedded ones.
fn terms_source(dir: Option<&Path>) -> TermsSource {
    match dir {
        Some(dir) => TermsSource::Directory(dir.to_path_buf()),
        None => TermsSource::Embedded,
    }
}

/// What `covenant ask` was given.
#[derive(Debug, Clone)]
pub struct AskArgs {
    /// The query, unless a scenario file is given.
    pub query: Option<String>,
    /// A scenario file whose questions to answer.
    pub scenario: Option<PathBuf>,
    /// `--on`, defaulting to today.
    pub on: Option<String>,
    /// `--under`.
    pub under: String,
    /// `--fact NAME=VALUE`, each.
    pub facts: Vec<String>,
    /// `--reading DISPUTE=READING`, each.
    pub readings: Vec<String>,
    /// `--max-cases`: the budget of cases for each question.
    pub max_cases: u64,
    /// `--explain`: list the rules that did not apply under every answer, not
    /// only those the default decided.
    pub explain: bool,
}

impl Default for AskArgs {
    fn default() -> AskArgs {
        AskArgs {
            query: None,
            scenario: None,
            on: None,
            under: "in-force".into(),
            facts: Vec::new(),
            readings: Vec::new(),
            max_cases: DEFAULT_MAX_CASES,
            explain: false,
        }
    }
}

impl Default for DiffArgs {
    fn default() -> DiffArgs {
        DiffArgs {
            versions: Vec::new(),
            from: None,
            to: None,
            facts: Vec::new(),
            readings: Vec::new(),
            every_reading: None,
            max_cases: DEFAULT_MAX_CASES,
        }
    }
}

impl Default for TimelineArgs {
    fn default() -> TimelineArgs {
        TimelineArgs {
            query: String::new(),
            under: "all".into(),
            facts: Vec::new(),
            readings: Vec::new(),
            max_cases: DEFAULT_MAX_CASES,
        }
    }
}

fn on_command_line<T>(
    origin: &str,
    text: &str,
    result: Result<T, InputError>,
) -> Result<T, Diagnostic> {
    result.map_err(|error| error.on_command_line(origin, text))
}

/// Parses every `--fact`, refusing a fact given twice (at the second).
fn parse_facts(
    terms: &Terms,
    values: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Vec<(usize, crate::terms::Given)> {
    let parse = |value: &str| query::parse_fact(terms, value);
    let name = |fact: usize| terms.vocabulary.facts[fact].name.clone();
    once_each("--fact", "fact", values, parse, name, errors)
}

/// Parses every `--reading`, refusing a dispute read twice (at the second).
fn parse_readings(
    terms: &Terms,
    values: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Vec<(usize, usize)> {
    let parse = |value: &str| query::parse_reading(terms, value);
    let name = |dispute: usize| terms.vocabulary.disputes[dispute].id.clone();
    once_each(
        "--reading",
        "a reading of dispute",
        values,
        parse,
        name,
        errors,
    )
}

/// Parses each `NAME=VALUE` of a repeatable flag into (the name's index, a
/// value), refusing a name given twice: the second is the error, and its hint
/// quotes the first.
fn once_each<T>(
    origin: &str,
    what: &str,
    values: &[String],
    parse: impl Fn(&str) -> Result<(usize, T), InputError>,
    name: impl Fn(usize) -> String,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(usize, T)> {
    let mut parsed: Vec<(usize, T)> = Vec::new();
    let mut first: Vec<(usize, &str)> = Vec::new();
    for value in values {
        let Ok((index, given)) =
            on_command_line(origin, value, parse(value)).map_err(|d| errors.push(d))
        else {
            continue;
        };
        if let Some((_, earlier)) = first.iter().find(|(i, _)| *i == index) {
            let name = name(index);
            errors.push(
                InputError {
                    message: format!("{what} `{name}` is given twice"),
                    span: 0..value.len(),
                    hint: Some(format!(
                        "give it once: {origin} {earlier} came first; keep the one you mean"
                    )),
                }
                .on_command_line(origin, value),
            );
            continue;
        }
        first.push((index, value));
        parsed.push((index, given));
    }
    parsed
}

/// The flags `ask` and `timeline` share, resolved against the terms.
struct QuestionFlags {
    /// One action, or each action of `party.*`.
    query: Option<query::Asked>,
    /// The `--on` date, when the command takes one.
    date: Option<chrono::NaiveDate>,
    under: Option<query::Under>,
    facts: Vec<(usize, crate::terms::Given)>,
    readings: Vec<(usize, usize)>,
}

/// Resolves a query, `--on` (when given), `--under`, `--fact`s and
/// `--reading`s, collecting every mistake in `errors`, in that order.
fn question_flags(
    terms: &Terms,
    query_text: &str,
    on: Option<&str>,
    under_text: &str,
    facts: &[String],
    readings: &[String],
    errors: &mut Vec<Diagnostic>,
) -> QuestionFlags {
    let query = on_command_line("query", query_text, query::parse_asked(terms, query_text))
        .map_err(|d| errors.push(d))
        .ok();
    let date = on.and_then(|on| {
        on_command_line("--on", on, query::parse_on(on))
            .map_err(|d| errors.push(d))
            .ok()
    });
    let under = on_command_line("--under", under_text, query::parse_under(terms, under_text))
        .map_err(|d| errors.push(d))
        .ok();
    let facts = parse_facts(terms, facts, errors);
    let readings = parse_readings(terms, readings, errors);
    QuestionFlags {
        query,
        date,
        under,
        facts,
        readings,
    }
}

/// The question `ask` was given, and the actions it asks about: every action
/// of a party for `party.*` (the request's query then stands for the first).
fn request_from_flags(
    terms: &Terms,
    query_text: &str,
    args: &AskArgs,
) -> Result<(AskRequest, Option<Vec<usize>>), BadInput> {
    let mut errors = Vec::new();
    let today = chrono::Local::now().date_naive().to_string();
    let flags = question_flags(
        terms,
        query_text,
        Some(args.on.as_deref().unwrap_or(&today)),
        &args.under,
        &args.facts,
        &args.readings,
        &mut errors,
    );
    let (query, each) = match flags.query {
        Some(query::Asked::One(query)) => (Some(query), None),
        Some(query::Asked::Each(actions)) => {
            (Some(query::Query::every(terms, actions[0])), Some(actions))
        }
        None => (None, None),
    };
    match (query, flags.date, flags.under) {
        (Some(query), Some(date), Some(under)) if errors.is_empty() => Ok((
            AskRequest {
                text: query_text.to_string(),
                query,
                date,
                under,
                facts: flags.facts,
                readings: flags.readings,
            },
            each,
        )),
        _ => Err(errors.into()),
    }
}

fn answer(terms: &Terms, request: &AskRequest, max_cases: u64) -> Result<AskReport, BadInput> {
    answer_as(terms, request, max_cases, None)
}

/// [`answer`] for a question of a scenario file: an error past the budget
/// names the command and the question (each question has a budget of its own).
fn answer_as(
    terms: &Terms,
    request: &AskRequest,
    max_cases: u64,
    scenario: Option<(&'static str, &scenario::ScenarioQuestion)>,
) -> Result<AskReport, BadInput> {
    report::ask(terms, request, &mut Budget::new(max_cases)).map_err(|error| match error {
        AskError::TooLarge(mut error) => match scenario {
            None => too_large(&error),
            Some((command, question)) => {
                error.command = command;
                // A scenario question can give facts, not flags.
                error.narrowing.clear();
                Diagnostic::error(
                    format!("question `{}`: {}", question.name, error.message()),
                    Some(question.location.clone()),
                )
                .with_hint(Some(format!(
                    "{}; or give the question the facts it depends on (`facts = {{ … }}`)",
                    error.hint()
                )))
                .into()
            }
        },
    })
}

/// The error a user sees when `ask` cannot answer: an answer past the budget.
fn ask_error(error: AskError) -> BadInput {
    match error {
        AskError::TooLarge(error) => too_large(&error),
    }
}

/// The error a user sees when a command passes its budget of cases (exit 2).
fn too_large(error: &TooLarge) -> BadInput {
    Diagnostic::error(error.to_string(), None)
        .with_hint(Some(error.hint()))
        .into()
}

/// `covenant ask`: answers a query, or every question of a scenario file.
pub fn ask(
    terms: &Terms,
    args: &AskArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    let max_cases = args.max_cases;
    let why_not = if args.explain {
        render::WhyNot::Every
    } else {
        render::WhyNot::Defaults
    };
    only_formats("ask", format, Format::TEXT_JSON)?;
    if let Some(path) = &args.scenario {
        let file = scenario::read(path)?;
        let questions = scenario::load(terms, &file)?;
        let mut reports = Vec::new();
        for question in &questions {
            reports.push((
                question.name.clone(),
                answer_as(terms, &question.request, max_cases, Some(("ask", question)))?,
            ));
        }
        let output = match format {
            Format::Json => to_json(&report::ScenarioAnswers {
                questions: reports
                    .iter()
                    .map(|(name, answer)| report::ScenarioAnswer {
                        name: name.clone(),
                        answer: answer.clone(),
                    })
                    .collect(),
            }),
            Format::Text | Format::Markdown | Format::Svg | Format::Junit => reports
                .iter()
                .map(|(name, report)| format!("## {name}\n{}", render::ask_with(report, why_not)))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        return emit(out, &output);
    }
    let Some(query_text) = &args.query else {
        return Err(Diagnostic::error("give a query, or --scenario FILE", None)
            .with_hint(Some(
                "e.g. covenant ask 'openai.host_models(cloud=aws)' --on 2027-03-01".into(),
            ))
            .into());
    };
    let (request, each) = request_from_flags(terms, query_text, args)?;
    if let Some(actions) = each {
        let report = report::position(terms, &request, &actions, &mut Budget::new(max_cases))
            .map_err(ask_error)?;
        let output = match format {
            Format::Json => to_json(&report),
            Format::Text | Format::Markdown | Format::Svg | Format::Junit => {
                let mut text = render::position(&report);
                // `--explain`: each action's answer in full, with the rules
                // that did not apply, after the one-line view.
                if args.explain {
                    for action in &report.actions {
                        text.push_str(&format!(
                            "\n## {}\n{}",
                            action.action,
                            render::ask_with(action, why_not)
                        ));
                    }
                }
                text
            }
        };
        return emit(out, &output);
    }
    let report = answer(terms, &request, max_cases)?;
    let output = match format {
        Format::Json => to_json(&report),
        Format::Text | Format::Markdown | Format::Svg | Format::Junit => {
            render::ask_with(&report, why_not)
        }
    };
    emit(out, &output)
}

/// What `covenant test` was given.
#[derive(Debug, Clone)]
pub struct TestArgs {
    /// The scenario files.
    pub files: Vec<PathBuf>,
    /// `--filter TEXT`: only the questions whose name contains TEXT.
    pub filter: Option<String>,
    /// `--list`: list the questions instead of asking them.
    pub list: bool,
    /// `--bless`: write the answers into the files as their expectations.
    pub bless: bool,
    /// `--max-cases`: the budget of cases for each question.
    pub max_cases: u64,
}

/// The formats `covenant test` writes: those of every command, or JUnit XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestFormat {
    /// `--format text` or `json` (others are refused).
    Plain(Format),
    /// `--format junit`: a JUnit XML report, for CI systems.
    Junit,
}

/// A whole file that cannot be read as questions, as a result of the run.
fn file_error(path: &Path, diagnostic: &Diagnostic) -> TestResult {
    TestResult::error(&scenario::QuestionError {
        name: path.display().to_string(),
        location: diagnostic.location.clone().unwrap_or_else(|| {
            crate::diagnostic::Location::new(
                &crate::diagnostic::SourceFile::new(path.display().to_string(), ""),
                0..0,
            )
        }),
        index: 0,
        diagnostics: vec![diagnostic.clone()],
    })
}

/// `covenant test`: asks every question of the scenario files and holds each
/// answer against its expectations (`--list`: lists them; `--bless`: writes
/// the answers in as expectations); `Ok(all_held)`. A question that cannot be
/// asked is reported with the others, then as bad input (exit 2).
pub fn test(
    terms: &Terms,
    args: &TestArgs,
    format: TestFormat,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    if let TestFormat::Plain(format) = format {
        only_formats("test", format, Format::TEXT_JSON)?;
    }
    if args.bless && format == TestFormat::Junit {
        return Err(
            Diagnostic::error("`covenant test --bless` cannot write --format junit", None)
                .with_hint(Some("choose text or json".into()))
                .into(),
        );
    }
    let mut files: Vec<(String, Vec<TestResult>)> = Vec::new();
    let mut listed: Vec<scenario::report::ListedQuestion> = Vec::new();
    let mut blessed: Vec<(String, Vec<scenario::bless::Blessing>)> = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut filtered_out = 0usize;
    for path in &args.files {
        let name = path.display().to_string();
        let loaded = scenario::read(path).and_then(|file| scenario::load_each(terms, &file));
        let scenario = match loaded {
            Ok(scenario) => scenario,
            Err(diagnostic) => {
                files.push((name, vec![file_error(path, &diagnostic)]));
                diagnostics.push(diagnostic);
                continue;
            }
        };
        let selected = |question_name: &str| {
            args.filter
                .as_deref()
                .is_none_or(|text| question_name.contains(text))
        };
        let mut results = Vec::new();
        let mut answers = Vec::new();
        let mut errors = scenario.errors.iter().peekable();
        for (at, question) in scenario.questions.iter().enumerate() {
            // Questions that cannot be asked take their place in file order.
            while let Some(error) = errors.next_if(|e| e.index < question.index) {
                if selected(&error.name) {
                    results.push(TestResult::error(error));
                    diagnostics.extend(error.diagnostics.iter().cloned());
                } else {
                    filtered_out += 1;
                }
            }
            if !selected(&question.name) {
                filtered_out += 1;
                continue;
            }
            if args.list {
                listed.push(scenario::report::ListedQuestion {
                    name: question.name.clone(),
                    query: question.request.text.clone(),
                    on: question.request.date,
                    location: question.location.to_string(),
                });
                continue;
            }
            if !args.bless && !scenario::check::expects_something(question) {
                results.push(TestResult::skipped(question));
                continue;
            }
            match answer_as(
                terms,
                &question.request,
                args.max_cases,
                Some(("test", question)),
            ) {
                Ok(report) => {
                    results.push(scenario::check(question, &report));
                    answers.push((at, report));
                }
                Err(bad) => {
                    results.push(TestResult::error(&scenario::QuestionError {
                        name: question.name.clone(),
                        location: question.location.clone(),
                        index: question.index,
                        diagnostics: bad.diagnostics.clone(),
                    }));
                    diagnostics.extend(bad.diagnostics);
                }
            }
        }
        for error in errors {
            if selected(&error.name) {
                results.push(TestResult::error(error));
                diagnostics.extend(error.diagnostics.iter().cloned());
            } else {
                filtered_out += 1;
            }
        }
        if args.bless {
            let answered: Vec<(usize, &AskReport)> =
                answers.iter().map(|(at, report)| (*at, report)).collect();
            let (text, blessings) =
                scenario::bless::bless(&name, &scenario.file.text, &scenario.questions, &answered)
                    .map_err(|e| Diagnostic::error(e.to_string(), None))?;
            if text != scenario.file.text {
                std::fs::write(path, text).map_err(|e| {
                    Diagnostic::error(format!("cannot write scenario file `{name}`: {e}"), None)
                })?;
            }
            blessed.push((name.clone(), blessings));
        }
        files.push((name, results));
    }
    let ran: usize = files.iter().map(|(_, r)| r.len()).sum::<usize>() + listed.len();
    if let (Some(text), 0, true) = (&args.filter, ran, diagnostics.is_empty()) {
        return Err(Diagnostic::error(
            format!("no question's name contains `{text}`"),
            None,
        )
        .with_hint(Some(
            "`covenant test --list FILE` lists the questions; --filter matches part of a name, case and all"
                .into(),
        ))
        .into());
    }
    let filtered = if filtered_out > 0 {
        format!(", {filtered_out} filtered out")
    } else {
        String::new()
    };
    let (output, held) = if args.list {
        test_list(&listed, filtered_out, &filtered, format)
    } else if args.bless {
        test_bless(&blessed, format)
    } else {
        test_results(&files, filtered_out, &filtered, format)
    };
    emit(out, &output)?;
    if !diagnostics.is_empty() {
        return Err(BadInput::from(diagnostics).into());
    }
    Ok(held)
}

/// `--list`: each question's name, query and date.
fn test_list(
    listed: &[scenario::report::ListedQuestion],
    filtered_out: usize,
    filtered: &str,
    format: TestFormat,
) -> (String, bool) {
    let output = match format {
        TestFormat::Plain(Format::Json) => to_json(&scenario::report::TestList {
            questions: listed.to_vec(),
            filtered_out,
        }),
        _ => {
            let mut text = String::new();
            for question in listed {
                text.push_str(&format!(
                    "{} — {} on {}\n",
                    question.name, question.query, question.on
                ));
            }
            let plural = if listed.len() == 1 { "" } else { "s" };
            text.push_str(&format!("\n{} question{plural}{filtered}\n", listed.len()));
            text
        }
    };
    (output, true)
}

/// `--bless`: what was written into each file.
fn test_bless(
    blessed: &[(String, Vec<scenario::bless::Blessing>)],
    format: TestFormat,
) -> (String, bool) {
    use scenario::bless::Blessed;
    let not_blessed = blessed
        .iter()
        .flat_map(|(_, b)| b)
        .filter(|b| matches!(b.blessed, Blessed::NotBlessed(_)))
        .count();
    let output = match format {
        TestFormat::Plain(Format::Json) => to_json(&scenario::report::BlessRun {
            files: blessed
                .iter()
                .map(|(file, blessings)| scenario::report::BlessedFile {
                    file: file.clone(),
                    questions: blessings.iter().map(Into::into).collect(),
                })
                .collect(),
        }),
        _ => {
            let mut text = String::new();
            for (file, blessings) in blessed {
                let mut written = 0;
                for blessing in blessings {
                    match &blessing.blessed {
                        Blessed::Written(said) => {
                            written += 1;
                            text.push_str(&format!("blessed      {}\n    {said}\n", blessing.name));
                        }
                        Blessed::Unchanged => {
                            text.push_str(&format!("unchanged    {}\n", blessing.name))
                        }
                        Blessed::NotBlessed(why) => text.push_str(&format!(
                            "NOT BLESSED  {}  ({})\n    {why}\n",
                            blessing.name, blessing.location
                        )),
                    }
                }
                let unchanged = blessings
                    .iter()
                    .filter(|b| b.blessed == Blessed::Unchanged)
                    .count();
                let left = blessings.len() - written - unchanged;
                text.push_str(&format!(
                    "\n{file}: {written} blessed, {unchanged} unchanged, {left} not blessed\n"
                ));
            }
            text
        }
    };
    (output, not_blessed == 0)
}

/// The results of a run, in the format asked for.
fn test_results(
    files: &[(String, Vec<TestResult>)],
    filtered_out: usize,
    filtered: &str,
    format: TestFormat,
) -> (String, bool) {
    use scenario::Status;
    let results: Vec<&TestResult> = files.iter().flat_map(|(_, r)| r).collect();
    let count = |status: Status| results.iter().filter(|r| r.status == status).count();
    let (passed, failed, skipped, errors) = (
        count(Status::Passed),
        count(Status::Failed),
        count(Status::Skipped),
        count(Status::Error),
    );
    let output = match format {
        TestFormat::Junit => scenario::junit::report(files),
        TestFormat::Plain(Format::Json) => to_json(&scenario::report::TestRun {
            passed,
            failed,
            skipped,
            errors,
            filtered_out,
            results: results.iter().map(|&r| r.clone()).collect(),
        }),
        TestFormat::Plain(_) => {
            let mut text = String::new();
            for result in &results {
                let (label, located) = match result.status {
                    Status::Passed => ("ok     ", false),
                    Status::Skipped => ("skipped", false),
                    Status::Failed => ("FAILED ", true),
                    Status::Error => ("ERROR  ", true),
                };
                if located {
                    text.push_str(&format!("{label} {}  ({})\n", result.name, result.location));
                    for problem in &result.problems {
                        text.push_str(&format!("          {problem}\n"));
                    }
                } else {
                    text.push_str(&format!("{label} {}\n", result.name));
                }
            }
            let mut summary = format!("{passed} passed, {failed} failed");
            if skipped > 0 {
                summary.push_str(&format!(", {skipped} skipped"));
            }
            if errors > 0 {
                let plural = if errors == 1 { "" } else { "s" };
                summary.push_str(&format!(", {errors} error{plural}"));
            }
            text.push_str(&format!("\n{summary}{filtered}\n"));
            text
        }
    };
    (output, failed == 0)
}

/// `covenant versions`: the versions, their dates and the evidence for each date.
pub fn versions(terms: &Terms, format: Format, out: &mut dyn Write) -> Result<(), CommandError> {
    only_formats("versions", format, Format::TEXT_JSON)?;
    let output = match format {
        Format::Text | Format::Markdown | Format::Svg | Format::Junit => render::versions(terms),
        Format::Json => to_json(&crate::listing::versions(terms)),
    };
    emit(out, &output)
}

/// `covenant actions`: the vocabulary: actions, parameters, defaults, facts, disputes and readings.
pub fn actions(terms: &Terms, format: Format, out: &mut dyn Write) -> Result<(), CommandError> {
    only_formats("actions", format, Format::TEXT_JSON)?;
    let output = match format {
        Format::Text | Format::Markdown | Format::Svg | Format::Junit => render::actions(terms),
        Format::Json => to_json(&crate::listing::actions(terms)),
    };
    emit(out, &output)
}

/// Renders diagnostics for people or as JSON (`{"errors": [...]}`).
pub fn render_bad_input(bad: &BadInput, format: Format) -> String {
    match format {
        Format::Text | Format::Markdown | Format::Svg | Format::Junit => {
            crate::diagnostic::render(&bad.diagnostics)
        }
        Format::Json => to_json(&crate::json::ErrorsReport {
            errors: bad.diagnostics.clone(),
        }),
    }
}

/// What `covenant diff` was given.
#[derive(Debug, Clone)]
pub struct DiffArgs {
    /// `OLD NEW`, or nothing for the first and last versions.
    pub versions: Vec<String>,
    /// `--from`: the first date compared; the later version's effective date if left out.
    pub from: Option<String>,
    /// `--to`: the first date not compared; open if left out.
    pub to: Option<String>,
    /// `--fact NAME=VALUE`, each.
    pub facts: Vec<String>,
    /// `--reading DISPUTE=READING`, each.
    pub readings: Vec<String>,
    /// `--readings all`: compare every reading of the disputes not given with `--reading`.
    pub every_reading: Option<String>,
    /// `--max-cases`: the budget of cases.
    pub max_cases: u64,
}

fn diff_request(terms: &Terms, args: &DiffArgs) -> Result<DiffRequest, BadInput> {
    let mut errors = Vec::new();
    let versions: Vec<usize> = match args.versions.as_slice() {
        [] if terms.versions.len() >= 2 => vec![0, terms.versions.len() - 1],
        [] => {
            return Err(Diagnostic::error(
                "the terms have only one version; there is nothing to compare it with",
                None,
            )
            .into());
        }
        [old, new] => [("OLD", old), ("NEW", new)]
            .into_iter()
            .filter_map(|(origin, text)| {
                on_command_line(origin, text, query::parse_version(terms, text))
                    .map_err(|d| errors.push(d))
                    .ok()
            })
            .collect(),
        _ => {
            return Err(Diagnostic::error("give two versions, OLD and NEW, or none", None)
                .with_hint(Some(
                    "e.g. covenant diff old new; with none, the first and last versions are compared"
                        .into(),
                ))
                .into());
        }
    };
    let mut date = |origin: &str, text: &Option<String>| {
        text.as_ref().and_then(|text| {
            on_command_line(origin, text, query::parse_on(text))
                .map_err(|d| errors.push(d))
                .ok()
        })
    };
    let from = date("--from", &args.from);
    let to = date("--to", &args.to);
    let mut request_facts = vec![None; terms.vocabulary.facts.len()];
    for (fact, value) in parse_facts(terms, &args.facts, &mut errors) {
        request_facts[fact] = Some(value);
    }
    let every_reading = match args.every_reading.as_deref() {
        None => false,
        Some("all") => true,
        Some(other) => {
            errors.push(
                InputError {
                    message: format!("`--readings {other}` is not understood"),
                    span: 0..other.len(),
                    hint: Some("write `--readings all` to compare every reading; give one reading with --reading DISPUTE=READING".into()),
                }
                .on_command_line("--readings", other),
            );
            false
        }
    };
    let mut readings: Vec<Option<usize>> = if every_reading {
        vec![None; terms.vocabulary.disputes.len()]
    } else {
        terms.default_readings().into_iter().map(Some).collect()
    };
    let given = parse_readings(terms, &args.readings, &mut errors);
    for (dispute, chosen) in given {
        readings[dispute] = Some(chosen);
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let (old, new) = (versions[0], versions[1]);
    let later_effective = terms.versions[old]
        .effective
        .date
        .max(terms.versions[new].effective.date);
    let from = from.or(Some(later_effective));
    let window = DateInterval::new(from, to).map_err(|empty| {
        Diagnostic::error(
            format!(
                "nothing to compare: --to {} is not after the first date compared, {}",
                empty.until, empty.from
            ),
            None,
        )
        .with_hint(Some(
            "--from defaults to the later version's effective date; give an earlier --from or a later --to".into(),
        ))
    })?;
    Ok(DiffRequest {
        old,
        new,
        window,
        facts: request_facts,
        readings,
    })
}

/// `covenant diff`: every question whose verdict differs between two versions;
/// `Ok(differences_found)`.
pub fn diff(
    terms: &Terms,
    args: &DiffArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    only_formats("diff", format, Format::DIFF)?;
    let request = diff_request(terms, args)?;
    let found = crate::diff::diff(terms, &request, &mut Budget::new(args.max_cases))
        .map_err(|e| too_large(&e))?;
    let report = crate::diff::report::report(terms, &request, &found);
    let output = match format {
        Format::Json => to_json(&report),
        Format::Markdown => crate::diff::render::markdown(terms, &report),
        Format::Text | Format::Svg | Format::Junit => crate::diff::render::text(terms, &report),
    };
    emit(out, &output)?;
    Ok(!found.is_empty())
}

/// What `covenant timeline` was given.
#[derive(Debug, Clone)]
pub struct TimelineArgs {
    /// The query: an action with parameters fixed or left open.
    pub query: String,
    /// `--under`: `all` (a lane per version), `in-force`, or a version id.
    pub under: String,
    /// `--fact NAME=VALUE`, each.
    pub facts: Vec<String>,
    /// `--reading DISPUTE=READING`, each.
    pub readings: Vec<String>,
    /// `--max-cases`: the budget of cases.
    pub max_cases: u64,
}

/// `covenant timeline`: the verdict on one action over time, under each version.
pub fn timeline(
    terms: &Terms,
    args: &TimelineArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    only_formats("timeline", format, Format::TIMELINE)?;
    let mut errors = Vec::new();
    let flags = question_flags(
        terms,
        &args.query,
        None,
        &args.under,
        &args.facts,
        &args.readings,
        &mut errors,
    );
    let (Some(asked), Some(under), true) = (flags.query, flags.under, errors.is_empty()) else {
        return Err(BadInput::from(errors).into());
    };
    let (query, actions) = match asked {
        query::Asked::One(query) => (query, None),
        query::Asked::Each(actions) => (query::Query::every(terms, actions[0]), Some(actions)),
    };
    // A breach the facts pin down is drawn as if given: its day cuts time.
    let breaches = terms.breaches(
        &flags.facts,
        &flags.readings,
        under.version(),
        NaiveDate::MAX,
    );
    // Each action's timeline names only the breaches its rules count from.
    let with_breaches = |action: usize| -> Vec<(usize, Given)> {
        let tested = terms.breach_events_of(action);
        let mut facts = flags.facts.clone();
        facts.extend(
            breaches
                .derived
                .iter()
                .filter(|(fact, _)| tested.contains(fact)),
        );
        facts
    };
    let request = crate::timeline::TimelineRequest {
        text: args.query.clone(),
        facts: with_breaches(query.action),
        query,
        under,
        readings: flags.readings.clone(),
    };
    let mut budget = Budget::new(args.max_cases);
    if let Some(actions) = actions {
        if format == Format::Svg {
            return Err(Diagnostic::error(
                "`--format svg` draws one action; `party.*` has several",
                None,
            )
            .with_hint(Some(format!(
                "draw each action on its own, e.g. covenant timeline '{}' --format svg",
                terms.vocabulary.actions[actions[0]].id
            )))
            .into());
        }
        let mut reports = Vec::with_capacity(actions.len());
        for action in actions {
            let one = crate::timeline::TimelineRequest {
                text: terms.vocabulary.actions[action].id.clone(),
                query: query::Query::every(terms, action),
                facts: with_breaches(action),
                ..request.clone()
            };
            reports.push(
                crate::timeline::timeline(terms, &one, &mut budget).map_err(|e| too_large(&e))?,
            );
        }
        let output = match format {
            Format::Json => to_json(&crate::timeline::TimelinePosition {
                query: args.query.clone(),
                actions: reports,
            }),
            _ => reports
                .iter()
                .map(crate::timeline::render::text)
                .collect::<Vec<_>>()
                .join("\n"),
        };
        return emit(out, &output);
    }
    let report =
        crate::timeline::timeline(terms, &request, &mut budget).map_err(|e| too_large(&e))?;
    let output = match format {
        Format::Json => to_json(&report),
        Format::Svg => crate::timeline::svg::svg(&report),
        Format::Text | Format::Markdown | Format::Junit => crate::timeline::render::text(&report),
    };
    emit(out, &output)
}

/// `covenant check`: loads the terms leniently and checks them; `Ok(passed)`,
/// where with `deny_warnings` an unexplained warning fails as an error does.
/// Terms that cannot be loaded at all are bad input (exit 2).
pub fn check(
    dir: Option<&Path>,
    format: Format,
    max_cases: u64,
    deny_warnings: bool,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    only_formats("check", format, Format::TEXT_JSON)?;
    let (terms, loading) = terms::load_for_check(&terms_source(dir))
        .map_err(|errors| BadInput::from(errors.diagnostics()))?;
    let flag = dir.map(|d| d.display().to_string());
    let report = crate::check::check(
        &terms,
        &loading,
        flag.as_deref(),
        &mut Budget::new(max_cases),
    )
    .map_err(|e| too_large(&e))?;
    let denied = deny_warnings && report.passed() && !report.passed_denying_warnings();
    let output = match format {
        Format::Json => to_json(&report),
        _ if denied => format!(
            "{}--deny-warnings: {} warning(s) not explained in the terms fail the check\n",
            crate::check::render::text(&report),
            report.warnings
        ),
        _ => crate::check::render::text(&report),
    };
    emit(out, &output)?;
    Ok(if deny_warnings {
        report.passed_denying_warnings()
    } else {
        report.passed()
    })
}

/// `covenant show`: the rule called `id`, in `version` when given, else in
/// every version that has one.
pub fn show(
    terms: &Terms,
    id: &str,
    version: Option<&str>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    only_formats("show", format, &[Format::Text, Format::Json])?;
    let version = version
        .map(|text| on_command_line("--version", text, query::parse_version(terms, text)))
        .transpose()?;
    let report = crate::show::report::show(terms, id, version).map_err(|error| {
        InputError {
            message: error.to_string(),
            span: 0..id.len(),
            hint: Some(error.hint()),
        }
        .on_command_line("RULE_ID", id)
    })?;
    let output = match format {
        Format::Json => to_json(&report),
        _ => crate::show::render::text(&report),
    };
    emit(out, &output)
}

/// `covenant export`: writes the embedded terms and seeds into `dir`;
/// `terms` (`--terms`) is refused, since only the built-in terms are exported.
pub fn export(
    terms: Option<&Path>,
    dir: &Path,
    force: bool,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CommandError> {
    only_formats("export", format, &[Format::Text, Format::Json])?;
    if terms.is_some() {
        return Err(Diagnostic::error(
            "`covenant export` writes the built-in terms; --terms does not apply",
            None,
        )
        .with_hint(Some(
            "a terms directory is already files: copy it as it is".into(),
        ))
        .into());
    }
    let report = crate::export::export(dir, force)
        .map_err(|error| Diagnostic::error(error.to_string(), None).with_hint(error.hint()))?;
    let output = match format {
        Format::Json => to_json(&report),
        _ => crate::export::render(&report),
    };
    emit(out, &output)
}
