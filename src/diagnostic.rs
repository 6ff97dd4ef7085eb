//! Located errors and warnings, and how a person sees them.
//!
//! Every error covenant reports about its input becomes a [`Diagnostic`]: a
//! message, the file (or query) with the line and column of the offending text,
//! and a hint. [`render`] draws them with `codespan-reporting`, the way rustc
//! does; [`Diagnostic`] also serialises to JSON for scripts.

use codespan_reporting::diagnostic::{Diagnostic as Drawn, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;
use std::ops::Range;
use std::sync::Arc;

/// A text covenant read: a terms file, a scenario file, or a query typed on the command line.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// How the file is named in messages, e.g. `terms/new.toml` or `<query>`.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// The byte offset where each line starts, so that locating is a binary search.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps a named text for use in [`Location`]s.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where in a [`SourceFile`] something was found: a byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range of the offending text.
    pub span: Range<usize>,
}

impl Location {
    /// A location in `file` at `span`, clamped to the file's length and to character boundaries.
    pub fn new(file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        let len = file.text.len();
        let start = floor_char_boundary(&file.text, span.start.min(len));
        let end = floor_char_boundary(&file.text, span.end.min(len)).max(start);
        Location {
            file: Arc::clone(file),
            span: start..end,
        }
    }

    /// The 1-based line and column where the location starts.
    pub fn line_column(&self) -> (usize, usize) {
        self.file.line_column(self.span.start)
    }

    /// The located text itself.
    pub fn text(&self) -> &str {
        &self.file.text[self.span.clone()]
    }
}

impl std::fmt::Display for Location {
    /// `file:line:column`, as editors and terminals recognise it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (line, column) = self.line_column();
        write!(f, "{}:{line}:{column}", self.file.name)
    }
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input cannot be used.
    Error,
    /// The input can be used but is probably not what its author meant.
    Warning,
}

/// One message about the input, ready to show to a person or a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Where, when the problem is in a text covenant read.
    pub location: Option<Location>,
    /// A short note under the offending text.
    pub label: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(message: impl Into<String>, location: Option<Location>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location,
            label: String::new(),
            hint: None,
        }
    }

    /// Adds the note shown under the offending text.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    /// Adds a hint; `None` leaves the diagnostic without one.
    pub fn with_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Diagnostic", 7)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("message", &self.message)?;
        let (file, line, column, text) = match &self.location {
            Some(location) => {
                let (line, column) = location.line_column();
                (
                    Some(location.file.name.as_str()),
                    Some(line),
                    Some(column),
                    Some(location.text()),
                )
            }
            None => (None, None, None, None),
        };
        s.serialize_field("file", &file)?;
        s.serialize_field("line", &line)?;
        s.serialize_field("column", &column)?;
        s.serialize_field("text", &text)?;
        s.serialize_field("hint", &self.hint)?;
        s.end()
    }
}

/// Draws diagnostics as a person reads them: message, `file:line:column`, the
/// offending line with the text underlined, and the hint.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut files = SimpleFiles::new();
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut drawn = match diagnostic.severity {
            Severity::Error => Drawn::error(),
            Severity::Warning => Drawn::warning(),
        }
        .with_message(&diagnostic.message);
        if let Some(location) = &diagnostic.location {
            let id = files.add(location.file.name.clone(), location.file.text.clone());
            drawn = drawn.with_labels(vec![
                Label::primary(id, location.span.clone()).with_message(&diagnostic.label),
            ]);
        }
        if let Some(hint) = &diagnostic.hint {
            drawn = drawn.with_notes(vec![format!("hint: {hint}")]);
        }
        match term::emit_into_string(&config, &files, &drawn) {
            Ok(text) => out.push_str(&text),
            // The files were all added above, so drawing cannot miss one; fall back to one line anyway.
            Err(_) => out.push_str(&format!("error: {}\n", diagnostic.message)),
        }
    }
    out
}

/// Suggests the known name closest to `found`, for "did you mean" hints.
pub fn closest<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(found, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= (found.len().max(candidate.len()) / 3).max(2)
                || candidate.ends_with(found)
                || found.ends_with(candidate)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// A "did you mean" hint, or a list of what is known when nothing is close.
pub fn did_you_mean<'a>(
    found: &str,
    what: &str,
    known: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    match closest(found, known.clone()) {
        Some(candidate) => format!("did you mean `{candidate}`?"),
        None => {
            let all: Vec<String> = known.into_iter().map(|k| format!("`{k}`")).collect();
            if all.is_empty() {
                format!("no {what} is declared")
            } else {
                format!("known {what}s: {}", all.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let file = SourceFile::new("f", "ab\ncé d\n");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        assert_eq!(file.line_column(7), (2, 4));
        assert_eq!(file.line_column(9), (3, 1));
    }

    proptest::proptest! {
        #[test]
        fn line_and_column_agree_with_counting_newlines(text in "[ab\n\u{e9}]{0,40}", offset in 0usize..50) {
            let file = SourceFile::new("f", text.clone());
            let offset = floor_char_boundary(&text, offset.min(text.len()));
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
            proptest::prop_assert_eq!(file.line_column(offset), (line, column));
        }
    }

    #[test]
    fn suggestions_pick_the_nearest_name() {
        let known = ["host_models", "sell_models"];
        assert_eq!(closest("host_model", known), Some("host_models"));
        assert_eq!(closest("zzzzzzzzzz", known), None);
        assert_eq!(
            did_you_mean("zzz", "action", known),
            "known actions: `host_models`, `sell_models`"
        );
    }

    #[test]
    fn rendering_shows_file_line_column_text_and_hint() {
        let file = SourceFile::new("terms/new.toml", "x = 1\naction = \"openai.host_model\"\n");
        let location = Location::new(&file, 16..33);
        let text = render(&[Diagnostic::error("unknown action", Some(location))
            .with_label("not declared")
            .with_hint(Some("did you mean `openai.host_models`?".into()))]);
        assert!(text.contains("terms/new.toml:2:11"), "{text}");
        assert!(text.contains("openai.host_model"), "{text}");
        assert!(text.contains("hint: did you mean"), "{text}");
    }
}
