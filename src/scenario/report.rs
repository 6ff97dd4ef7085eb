//! What `covenant test` writes with `--format json`: a run's results, the
//! questions `--list` lists, and what `--bless` wrote.

use super::TestResult;
use super::bless::{Blessed, Blessing};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

/// A run of `covenant test`: the counts, then each question's result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TestRun {
    /// Questions whose every expectation held.
    pub passed: usize,
    /// Questions with an expectation that did not hold.
    pub failed: usize,
    /// Questions with no expectation.
    pub skipped: usize,
    /// Questions that could not be asked (a bad query, fact or date).
    pub errors: usize,
    /// Questions `--filter` left out.
    pub filtered_out: usize,
    /// Each question's result, file by file, in the order written.
    pub results: Vec<TestResult>,
}

/// `covenant test --list`: the questions, without running them.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TestList {
    /// Each question.
    pub questions: Vec<ListedQuestion>,
    /// Questions `--filter` left out.
    pub filtered_out: usize,
}

/// A question as `--list` gives it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListedQuestion {
    /// Its name.
    pub name: String,
    /// Its query.
    pub query: String,
    /// The date it asks about.
    pub on: NaiveDate,
    /// `file:line:column` of the question.
    pub location: String,
}

/// `covenant test --bless`: what was written into each file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BlessRun {
    /// Each file.
    pub files: Vec<BlessedFile>,
}

/// One file blessed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BlessedFile {
    /// The file as given.
    pub file: String,
    /// Each question of it.
    pub questions: Vec<BlessedQuestion>,
}

/// What `--bless` did to one question.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BlessedQuestion {
    /// Its name.
    pub name: String,
    /// `file:line:column` of the question.
    pub location: String,
    /// `written`, `unchanged` or `not_blessed`.
    pub status: BlessStatus,
    /// What was written, or why it could not be; `null` when unchanged.
    pub detail: Option<String>,
}

/// What `--bless` did to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlessStatus {
    /// Its expectations were written.
    Written,
    /// They already said what the answers say.
    Unchanged,
    /// The answers cannot be one expectation; the question was left alone.
    NotBlessed,
}

impl From<&Blessing> for BlessedQuestion {
    fn from(blessing: &Blessing) -> BlessedQuestion {
        let (status, detail) = match &blessing.blessed {
            Blessed::Written(said) => (BlessStatus::Written, Some(said.clone())),
            Blessed::Unchanged => (BlessStatus::Unchanged, None),
            Blessed::NotBlessed(why) => (BlessStatus::NotBlessed, Some(why.clone())),
        };
        BlessedQuestion {
            name: blessing.name.clone(),
            location: blessing.location.clone(),
            status,
            detail,
        }
    }
}
