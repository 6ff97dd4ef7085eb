//! The JSON every command writes: each output is one object whose first key
//! is `schema_version`, and the JSON Schema of each command's output is
//! generated from the very types that are serialised, so the two cannot drift.
//! The schemas are kept in the repository's `schemas/` folder (a test fails
//! when they are stale); a change that breaks a script reading the JSON bumps
//! [`SCHEMA_VERSION`].

use crate::diagnostic::Diagnostic;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};
use serde::Serialize;

/// The version of the JSON model every command's output follows.
pub const SCHEMA_VERSION: u32 = 1;

/// A command's output with the version of the model it follows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Versioned<T> {
    /// The version of the JSON model: always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The command's own keys.
    #[serde(flatten)]
    pub body: T,
}

/// `body` as pretty JSON, a newline at the end, with `schema_version` first.
pub fn to_json<T: Serialize>(body: &T) -> String {
    let versioned = Versioned {
        schema_version: SCHEMA_VERSION,
        body,
    };
    let mut text = serde_json::to_string_pretty(&versioned)
        .expect("reports serialise to JSON: all keys are strings");
    text.push('\n');
    text
}

/// What a command that could not answer writes with `--format json`: its
/// diagnostics (on standard error, exit code 2).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ErrorsReport {
    /// Each error, located where there is a location.
    pub errors: Vec<Diagnostic>,
}

/// The schema of `Versioned<T>`, as a JSON Schema (draft 2020-12). Every
/// object lists all its keys and allows no other, so that a key added to a
/// report and not to its schema (or the reverse) fails validation.
fn schema_of<T: JsonSchema>() -> Schema {
    let settings =
        SchemaSettings::draft2020_12().with_transform(RecursiveTransform(closed_objects));
    SchemaGenerator::new(settings).into_root_schema_for::<Versioned<T>>()
}

/// Closes an object schema with `properties` to other keys.
fn closed_objects(schema: &mut Schema) {
    if schema.get("properties").is_some() && schema.get("additionalProperties").is_none() {
        schema.insert("additionalProperties".into(), false.into());
    }
}

/// Each output covenant writes as JSON: the name of its schema file (in
/// `schemas/`, with `.json`), and its schema.
pub fn schemas() -> Vec<(&'static str, Schema)> {
    vec![
        ("ask", schema_of::<crate::ask::report::AskReport>()),
        (
            "ask-position",
            schema_of::<crate::ask::report::PositionReport>(),
        ),
        (
            "ask-scenario",
            schema_of::<crate::ask::report::ScenarioAnswers>(),
        ),
        ("diff", schema_of::<crate::diff::report::DiffReport>()),
        ("timeline", schema_of::<crate::timeline::TimelineReport>()),
        (
            "timeline-position",
            schema_of::<crate::timeline::TimelinePosition>(),
        ),
        ("check", schema_of::<crate::check::CheckReport>()),
        ("versions", schema_of::<crate::listing::VersionsReport>()),
        ("actions", schema_of::<crate::listing::ActionsReport>()),
        ("show", schema_of::<crate::show::report::ShowReport>()),
        ("test", schema_of::<crate::scenario::report::TestRun>()),
        (
            "test-list",
            schema_of::<crate::scenario::report::TestList>(),
        ),
        (
            "test-bless",
            schema_of::<crate::scenario::report::BlessRun>(),
        ),
        ("export", schema_of::<crate::export::ExportReport>()),
        ("errors", schema_of::<ErrorsReport>()),
    ]
}
