//! `covenant test --bless`: writes the answers of today's terms back into a
//! scenario file as its questions' `expect` and `expect_rule`, and nothing
//! else. The file is edited as a TOML document (`toml_edit`), so comments,
//! order and layout stay byte for byte; only the values blessed change.

use super::{Expectation, ScenarioQuestion};
use crate::ask::report::{AskReport, DecidedBy, OutcomeReport};
use std::collections::BTreeMap;
use toml_edit::{DocumentMut, InlineTable, Item, TableLike, Value};

/// What blessing did to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blessed {
    /// Its expectations were written: what they now say.
    Written(String),
    /// Its expectations already said what the answers say.
    Unchanged,
    /// The answers cannot be one expectation (they differ, or depend on facts
    /// not given): the question is left as it was, and why.
    NotBlessed(String),
}

/// One question's blessing, for the report.
#[derive(Debug, Clone)]
pub struct Blessing {
    /// The question's name.
    pub name: String,
    /// `file:line:column` of the question.
    pub location: String,
    /// What was done.
    pub blessed: Blessed,
}

/// Why a scenario file could not be blessed.
#[derive(Debug, thiserror::Error)]
pub enum BlessError {
    /// The file is not a TOML document `toml_edit` can edit.
    #[error("cannot edit `{file}` as TOML: {message}")]
    NotToml {
        /// The file's name.
        file: String,
        /// What the TOML parser said.
        message: String,
    },
    /// The `[[question]]` entry a question came from is not in the document.
    #[error("cannot find question {index} of `{file}` to bless it")]
    NoSuchQuestion {
        /// The file's name.
        file: String,
        /// Its place among the questions, from 0.
        index: usize,
    },
}

/// What the answers to one question say, as an expectation and the rules
/// that decide every one of them (`default` for the default).
struct Observed {
    expect: Expectation,
    rules: Vec<String>,
}

/// The one expectation every answer of `report` meets, or why there is none.
fn observe(report: &AskReport) -> Result<Observed, String> {
    if report.no_agreement.is_some() {
        return Ok(Observed {
            expect: Expectation::NoAgreement,
            rules: Vec::new(),
        });
    }
    let mut verdicts = Vec::new();
    let mut rules: Option<Vec<String>> = None;
    for version in &report.versions {
        for answer in &version.answers {
            let decision = match &answer.outcome {
                OutcomeReport::Decided { decision } => decision,
                OutcomeReport::DependsOnFacts { facts, .. } => {
                    return Err(format!(
                        "the answer depends on {}: give the question `facts` to bless it",
                        facts.join(", ")
                    ));
                }
                // An answer under a version always has one.
                OutcomeReport::NoAgreement { .. } => continue,
            };
            if !verdicts.contains(&decision.verdict) {
                verdicts.push(decision.verdict);
            }
            let deciding = match decision.decided_by {
                DecidedBy::Default => vec!["default".to_string()],
                DecidedBy::Rule => decision.rules.clone(),
            };
            rules = Some(match rules {
                None => deciding,
                Some(common) => common
                    .into_iter()
                    .filter(|r| deciding.contains(r))
                    .collect(),
            });
        }
    }
    match verdicts.as_slice() {
        [verdict] => Ok(Observed {
            expect: Expectation::Verdict(*verdict),
            rules: rules.unwrap_or_default(),
        }),
        [] => Err("the question has no answer".to_string()),
        many => {
            let names: Vec<String> = many.iter().map(ToString::to_string).collect();
            Err(format!(
                "the answers differ ({}): fix the parameters, or ask under one version",
                names.join(", ")
            ))
        }
    }
}

/// Blesses the questions of a scenario file: `text` is the file, `questions`
/// every question read from it, `answers` the ones to bless by their place in
/// `questions` with their answers. Returns the new text and what was done to
/// each question blessed.
///
/// A question about one action gets `expect` (a verdict or `no agreement`)
/// and `expect_rule` (the rule deciding every answer, `default`, or none, when
/// no one rule does). A question about `party.*` gets `expect` as a table by
/// action (a single verdict it already had for every action is kept while it
/// holds); its `expect_rule`, if any, is left alone.
pub fn bless(
    file: &str,
    text: &str,
    questions: &[ScenarioQuestion],
    answers: &[(usize, &AskReport)],
) -> Result<(String, Vec<Blessing>), BlessError> {
    let mut document: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| BlessError::NotToml {
                file: file.to_string(),
                message: e.message().to_string(),
            })?;
    // The answers of each `[[question]]` entry, in file order.
    let mut by_entry: BTreeMap<usize, Vec<(&ScenarioQuestion, &AskReport)>> = BTreeMap::new();
    for &(at, report) in answers {
        let question = &questions[at];
        by_entry
            .entry(question.index)
            .or_default()
            .push((question, report));
    }
    let mut blessings = Vec::new();
    for (index, answered) in by_entry {
        let table = entry(&mut document, index).ok_or_else(|| BlessError::NoSuchQuestion {
            file: file.to_string(),
            index,
        })?;
        if answered[0].0.action.is_none() {
            let (question, report) = answered[0];
            blessings.push(Blessing {
                name: question.name.clone(),
                location: question.location.to_string(),
                blessed: bless_one(table, report),
            });
        } else {
            let every_action: Vec<&str> = questions
                .iter()
                .filter(|q| q.index == index)
                .filter_map(|q| q.action.as_deref())
                .collect();
            blessings.extend(bless_party(table, &every_action, &answered));
        }
    }
    Ok((document.to_string(), blessings))
}

/// The `index`th `[[question]]` entry (or inline table of `question = [...]`).
fn entry(document: &mut DocumentMut, index: usize) -> Option<&mut dyn TableLike> {
    match document.get_mut("question")? {
        Item::ArrayOfTables(tables) => tables
            .get_mut(index)
            .map(|table| table as &mut dyn TableLike),
        Item::Value(Value::Array(array)) => array
            .get_mut(index)?
            .as_inline_table_mut()
            .map(|table| table as &mut dyn TableLike),
        _ => None,
    }
}

fn bless_one(table: &mut dyn TableLike, report: &AskReport) -> Blessed {
    let observed = match observe(report) {
        Ok(observed) => observed,
        Err(why) => return Blessed::NotBlessed(why),
    };
    let current = table
        .get("expect_rule")
        .and_then(Item::as_str)
        .map(str::to_string);
    let rule = match current {
        Some(rule) if observed.rules.contains(&rule) => Some(rule),
        _ => observed.rules.first().cloned(),
    };
    let expect = observed.expect.to_string();
    let mut changed = set_string(table, "expect", &expect);
    let mut said = format!("expect = \"{expect}\"");
    match &rule {
        Some(rule) => {
            changed |= set_string(table, "expect_rule", rule);
            said.push_str(&format!(", expect_rule = \"{rule}\""));
        }
        None => changed |= table.remove("expect_rule").is_some(),
    }
    if changed {
        Blessed::Written(said)
    } else {
        Blessed::Unchanged
    }
}

fn bless_party(
    table: &mut dyn TableLike,
    every_action: &[&str],
    answered: &[(&ScenarioQuestion, &AskReport)],
) -> Vec<Blessing> {
    let seen: Vec<(&ScenarioQuestion, Result<String, String>)> = answered
        .iter()
        .map(|&(question, report)| (question, observe(report).map(|o| o.expect.to_string())))
        .collect();
    let blessing = |question: &ScenarioQuestion, blessed| Blessing {
        name: question.name.clone(),
        location: question.location.to_string(),
        blessed,
    };
    // One verdict for every action stays one while every answer still has it.
    let single = table
        .get("expect")
        .and_then(Item::as_str)
        .map(str::to_string);
    if let Some(single) = &single {
        if seen
            .iter()
            .all(|(_, s)| s.as_ref().map_or(true, |s| s == single))
        {
            return seen
                .into_iter()
                .map(|(question, s)| match s {
                    Ok(_) => blessing(question, Blessed::Unchanged),
                    Err(why) => blessing(question, Blessed::NotBlessed(why)),
                })
                .collect();
        }
        // Spell the single verdict out per action, so the ones not blessed keep it.
        let mut by_action = InlineTable::new();
        for action in every_action {
            by_action.insert(*action, Value::from(single.as_str()));
        }
        replace_value(table, "expect", Value::InlineTable(by_action));
    }
    let created = single.is_some() || table.get("expect").and_then(Item::as_table_like).is_none();
    if created && single.is_none() {
        replace_value(table, "expect", Value::InlineTable(InlineTable::new()));
    }
    let by_action = table
        .get_mut("expect")
        .and_then(Item::as_table_like_mut)
        .expect("`expect` was made a table just above");
    let mut added = false;
    let blessings = seen
        .into_iter()
        .map(|(question, s)| {
            let action = question.action.as_deref().unwrap_or_default();
            let blessed = match s {
                Err(why) => Blessed::NotBlessed(why),
                Ok(verdict) => {
                    added |= !by_action.contains_key(action);
                    if set_string(by_action, action, &verdict) || single.is_some() {
                        Blessed::Written(format!("expect.\"{action}\" = \"{verdict}\""))
                    } else {
                        Blessed::Unchanged
                    }
                }
            };
            blessing(question, blessed)
        })
        .collect();
    if let Some(inline) = table
        .get_mut("expect")
        .and_then(Item::as_value_mut)
        .and_then(Value::as_inline_table_mut)
    {
        // A table made or grown here gets the usual spacing; one the author
        // wrote keeps theirs while only its values change.
        if created || added {
            inline.fmt();
        }
    }
    blessings
}

/// Sets `key` to the string `text`, keeping the comments and spaces around
/// the old value; whether anything changed.
fn set_string(table: &mut dyn TableLike, key: &str, text: &str) -> bool {
    if table.get(key).and_then(Item::as_str) == Some(text) {
        return false;
    }
    replace_value(table, key, Value::from(text));
    true
}

/// Puts `value` at `key`, in the old value's place and with its decor.
fn replace_value(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}
