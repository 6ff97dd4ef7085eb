//! Holding an answer against its question's expectations: each question
//! passes, fails (with what was expected and what came), is skipped (it
//! expects nothing) or could not be asked.

use super::{Expectation, QuestionError, ScenarioQuestion};
use crate::ask::report::{AskReport, DecidedBy, OutcomeReport};
use serde::Serialize;

/// How a question of a scenario file fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every expectation held.
    Passed,
    /// Some expectation did not hold.
    Failed,
    /// The question expects nothing: it was not checked.
    Skipped,
    /// The question could not be asked (a mistake in it, or an answer past the budget).
    Error,
}

/// One expectation that did not hold: where, what was expected, what came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Mismatch {
    /// Which answer: the parameter values and the version, e.g. `for cloud=aws under `new``.
    pub at: String,
    /// What the question expects, e.g. `forbidden` or `rule new.host.any_cloud decides`.
    pub expected: String,
    /// What the answer says, e.g. `permitted (by rule new.host.any_cloud)`.
    pub actual: String,
    /// The three as one line of text.
    pub message: String,
}

/// How one question fared against its expectations.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TestResult {
    /// The question's name.
    pub name: String,
    /// `file:line:column` of the question.
    pub location: String,
    /// Passed, failed, skipped or error.
    pub status: Status,
    /// Whether every expectation held (`status` is `passed`).
    pub passed: bool,
    /// What did not hold (or what is wrong with the question), one line each.
    pub problems: Vec<String>,
    /// For a failure, each expectation that did not hold, as data.
    pub mismatches: Vec<Mismatch>,
}

impl TestResult {
    /// A question that expects nothing, not checked.
    pub fn skipped(question: &ScenarioQuestion) -> TestResult {
        TestResult {
            name: question.name.clone(),
            location: question.location.to_string(),
            status: Status::Skipped,
            passed: false,
            problems: Vec::new(),
            mismatches: Vec::new(),
        }
    }

    /// A question that could not be asked, with its diagnostics' messages.
    pub fn error(error: &QuestionError) -> TestResult {
        TestResult {
            name: error.name.clone(),
            location: error.location.to_string(),
            status: Status::Error,
            passed: false,
            problems: error
                .diagnostics
                .iter()
                .map(|d| match &d.location {
                    Some(location) => format!("{location}: {}", d.message),
                    None => d.message.clone(),
                })
                .collect(),
            mismatches: Vec::new(),
        }
    }
}

/// Whether a question expects anything of its answer.
pub fn expects_something(question: &ScenarioQuestion) -> bool {
    question.expect.is_some() || question.expect_rule.is_some()
}

/// Checks a report against a question's expectations.
pub fn check(question: &ScenarioQuestion, report: &AskReport) -> TestResult {
    let mut mismatches = Vec::new();
    if let Some(none) = &report.no_agreement {
        let actual = format!("no agreement ({})", none.between());
        let at = format!("on {}", none.date);
        if let Some(expected @ Expectation::Verdict(_)) = question.expect {
            mismatches.push(Mismatch::new(&at, expected.to_string(), actual.clone()));
        }
        if let Some(rule) = &question.expect_rule {
            let mut mismatch = Mismatch::new(&at, format!("rule {rule} to decide"), actual);
            mismatch.message = format!(
                "{at}: expected rule {rule} to decide, but no rule decided: {}",
                mismatch.actual
            );
            mismatches.push(mismatch);
        }
    }
    for version in &report.versions {
        for answer in &version.answers {
            let row: Vec<String> = answer
                .params
                .iter()
                .map(|(k, v)| crate::ask::render::condition_text(k, v))
                .collect();
            let at = if row.is_empty() {
                format!("under `{}`", version.version)
            } else {
                format!("for {} under `{}`", row.join(", "), version.version)
            };
            if question.expect == Some(Expectation::NoAgreement) {
                mismatches.push(Mismatch::new(
                    &at,
                    Expectation::NoAgreement.to_string(),
                    format!("`{}` in force on {}", version.version, report.date),
                ));
            }
            let decision = match &answer.outcome {
                OutcomeReport::Decided { decision } => decision,
                OutcomeReport::DependsOnFacts { facts, .. } => {
                    if expects_something(question) {
                        let given: Vec<&String> = facts
                            .iter()
                            .filter(|f| report.facts.contains_key(*f))
                            .collect();
                        let why = if given.is_empty() {
                            "which the question does not give".to_string()
                        } else {
                            let given: Vec<String> = given
                                .iter()
                                .map(|f| format!("{f} (given as {})", report.facts[*f]))
                                .collect();
                            format!(
                                "which the question gives only in part: the day of {} still matters",
                                given.join(", ")
                            )
                        };
                        let depends = format!("depends on {}, {why}", facts.join(", "));
                        let mut mismatch = Mismatch::new(
                            &at,
                            question
                                .expect
                                .map_or("one decision".to_string(), |e| e.to_string()),
                            format!("an answer that {depends}"),
                        );
                        mismatch.message = format!("{at}: the answer {depends}");
                        mismatches.push(mismatch);
                    }
                    continue;
                }
                // An answer under a version always has one.
                OutcomeReport::NoAgreement { .. } => continue,
            };
            let by = match decision.decided_by {
                DecidedBy::Default => "the default".to_string(),
                DecidedBy::Rule => format!("rule {}", decision.rules.join(", ")),
            };
            if let Some(Expectation::Verdict(expected)) = question.expect {
                if decision.verdict != expected {
                    mismatches.push(Mismatch::new(
                        &at,
                        expected.to_string(),
                        format!("{} (by {by})", decision.verdict),
                    ));
                }
            }
            if let Some(rule) = &question.expect_rule {
                let holds = if rule == "default" {
                    decision.decided_by == DecidedBy::Default
                } else {
                    decision.rules.iter().any(|r| r == rule)
                };
                if !holds {
                    let by = if decision.rules.is_empty() {
                        "the default".to_string()
                    } else {
                        decision.rules.join(", ")
                    };
                    let mut mismatch = Mismatch::new(
                        &at,
                        format!("rule {rule} to decide"),
                        format!("{by} decided"),
                    );
                    mismatch.message =
                        format!("{at}: expected rule {rule} to decide, but {by} decided");
                    mismatches.push(mismatch);
                }
            }
        }
    }
    let problems = mismatches.iter().map(|m| m.message.clone()).collect();
    let status = if mismatches.is_empty() {
        Status::Passed
    } else {
        Status::Failed
    };
    TestResult {
        name: question.name.clone(),
        location: question.location.to_string(),
        status,
        passed: status == Status::Passed,
        problems,
        mismatches,
    }
}

impl Mismatch {
    /// A verdict (or a rule) other than the one expected: "{at}: expected {expected}, got {actual}".
    fn new(at: &str, expected: impl Into<String>, actual: impl Into<String>) -> Mismatch {
        let (expected, actual) = (expected.into(), actual.into());
        Mismatch {
            message: format!("{at}: expected {expected}, got {actual}"),
            at: at.to_string(),
            expected,
            actual,
        }
    }
}
