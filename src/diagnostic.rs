//! Located errors and warnings, and how a person sees them.
//!
//! Every error covenant reports about its input becomes a [`Diagnostic`]: a
//! message, the file (or query) with the line and column of the offending text,
//! and a hint. [`render`] draws them with `codespan-reporting`, the way rustc
//! does; [`Diagnostic`] also serialises to JSON for scripts.

use codespan_reporting::diagnostic::{Diagnostic as Drawn, Label};
use codespan_reporting::files;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

/// The shape [`Diagnostic`]'s `Serialize` writes, for its JSON Schema.
#[derive(schemars::JsonSchema)]
#[schemars(rename = "Diagnostic")]
#[allow(dead_code)] // only its schema is used
struct DiagnosticJson {
    /// Error or warning.
    severity: Severity,
    /// What is wrong, in one line.
    message: String,
    /// The file (or `<--fact>`-like name of an argument), when located.
    file: Option<String>,
    /// The line, from 1.
    line: Option<usize>,
    /// The column, from 1, in characters.
    column: Option<usize>,
    /// The offending text.
    text: Option<String>,
    /// How to fix it.
    hint: Option<String>,
}

impl schemars::JsonSchema for Diagnostic {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        DiagnosticJson::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        DiagnosticJson::json_schema(generator)
    }
}

/// At most this many diagnostics are drawn; the rest are counted in one line.
pub const MAX_SHOWN: usize = 50;

/// A label over more lines than this underlines its first line only.
const MAX_LABEL_LINES: usize = 16;

/// A source line longer than this many characters is shown around the offending text only.
pub const MAX_LINE_CHARS: usize = 200;

/// Draws diagnostics as a person reads them: message, `file:line:column`, the
/// offending line with the text underlined, and the hint. At most
/// [`MAX_SHOWN`] are drawn, then one line `and N more`; a line longer than
/// [`MAX_LINE_CHARS`] is cropped around the offending text, keeping the line
/// and column numbers of the whole file.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics.iter().take(MAX_SHOWN) {
        let mut drawn = match diagnostic.severity {
            Severity::Error => Drawn::error(),
            Severity::Warning => Drawn::warning(),
        }
        .with_message(&diagnostic.message);
        let excerpt = diagnostic.location.as_ref().map(Excerpt::of);
        if let Some(excerpt) = &excerpt {
            drawn = drawn.with_labels(vec![
                Label::primary((), excerpt.span.clone()).with_message(&diagnostic.label),
            ]);
        }
        if let Some(hint) = &diagnostic.hint {
            drawn = drawn.with_notes(vec![format!("hint: {hint}")]);
        }
        let text = match &excerpt {
            Some(excerpt) => term::emit_into_string(&config, excerpt, &drawn),
            None => term::emit_into_string(&config, &NoFiles, &drawn),
        };
        match text {
            Ok(text) => out.push_str(&text),
            // The excerpt holds every line the label touches; fall back to one line anyway.
            Err(_) => out.push_str(&format!("error: {}\n", diagnostic.message)),
        }
    }
    if diagnostics.len() > MAX_SHOWN {
        out.push_str(&format!("and {} more\n", diagnostics.len() - MAX_SHOWN));
    }
    out
}

/// The lines of a file a [`Location`] touches, each cropped to about
/// [`MAX_LINE_CHARS`] characters around the location, as the only text handed
/// to the renderer: drawing an error never copies the whole file, and never
/// prints a long line whole.
struct Excerpt {
    name: String,
    /// The kept lines, each ending in a newline.
    text: String,
    /// Where each kept line starts in `text`.
    line_starts: Vec<usize>,
    /// The 1-based number in the file of the first kept line.
    first_line: usize,
    /// Per kept line, the characters of the file's line cropped away before the
    /// kept text, less the one `…` drawn in their place.
    column_shift: Vec<usize>,
    /// The location's span, in `text`.
    span: Range<usize>,
}

/// The kept bytes of `line` (which has no newline), around `at`, on character boundaries.
fn crop(line: &str, at: usize) -> Range<usize> {
    if line.chars().count() <= MAX_LINE_CHARS {
        return 0..line.len();
    }
    let before = MAX_LINE_CHARS / 3;
    let start = line[..at]
        .char_indices()
        .rev()
        .nth(before.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let end = line[start..]
        .char_indices()
        .nth(MAX_LINE_CHARS)
        .map_or(line.len(), |(i, _)| start + i);
    start..end
}

impl Excerpt {
    fn of(location: &Location) -> Excerpt {
        let file = &location.file;
        let span = location.span.clone();
        let first = file.line_starts.partition_point(|&s| s <= span.start) - 1;
        let mut last = file.line_starts.partition_point(|&s| s <= span.end) - 1;
        let mut span = span;
        if last - first > MAX_LABEL_LINES {
            // Underline only the first line of a label over many lines: the
            // renderer draws every line a label covers.
            last = first;
            let end_of_line = file
                .line_starts
                .get(first + 1)
                .map_or(file.text.len(), |&next| next - 1);
            span.end = end_of_line.max(span.start);
        }
        let line_text = |index: usize| -> (usize, &str) {
            let start = file.line_starts[index];
            let end = file
                .line_starts
                .get(index + 1)
                .map_or(file.text.len(), |&next| next - 1);
            let line = &file.text[start..end.max(start)];
            (start, line.strip_suffix('\r').unwrap_or(line))
        };
        let mut excerpt = Excerpt {
            name: file.name.clone(),
            text: String::new(),
            line_starts: Vec::new(),
            first_line: first + 1,
            column_shift: Vec::new(),
            span: 0..0,
        };
        let map = |offset: usize, line_start: usize, kept: &Range<usize>, out_start: usize| {
            let ellipsis = if kept.start > 0 { '…'.len_utf8() } else { 0 };
            let within = (offset - line_start).clamp(kept.start, kept.end);
            out_start + ellipsis + within - kept.start
        };
        let (mut span_start, mut span_end) = (0, 0);
        for index in first..=last {
            let (line_start, line) = line_text(index);
            let at = if index == first {
                span.start - line_start
            } else if index == last {
                (span.end - line_start).min(line.len())
            } else {
                0
            };
            let at = floor_char_boundary(line, at.min(line.len()));
            let mut range = crop(line, at);
            if index == last && index != first {
                range = crop(
                    line,
                    floor_char_boundary(line, (span.end - line_start).min(line.len())),
                );
            }
            let out_start = excerpt.text.len();
            excerpt.line_starts.push(out_start);
            let cut_before = line[..range.start].chars().count();
            excerpt
                .column_shift
                .push(cut_before.saturating_sub(usize::from(range.start > 0)));
            if range.start > 0 {
                excerpt.text.push('…');
            }
            excerpt.text.push_str(&line[range.clone()]);
            if range.end < line.len() {
                excerpt.text.push('…');
            }
            excerpt.text.push('\n');
            if index == first {
                span_start = map(span.start, line_start, &range, out_start);
            }
            if index == last {
                span_end = map(span.end, line_start, &range, out_start);
            }
        }
        excerpt.span = span_start..span_end.max(span_start);
        excerpt
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .line_starts
            .partition_point(|&s| s <= byte_index)
            .max(1)
            - 1)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, files::Error> {
        Ok(self.first_line + line_index)
    }

    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let range = self.line_range((), line_index)?;
        let shift = self.column_shift.get(line_index).copied().unwrap_or(0);
        Ok(files::column_index(&self.text, range, byte_index) + 1 + shift)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        let start = *self
            .line_starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: self.line_starts.len().saturating_sub(1),
            })?;
        let end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Ok(start..end)
    }
}

/// The files of a diagnostic without a location: none.
struct NoFiles;

impl<'a> codespan_reporting::files::Files<'a> for NoFiles {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Err(files::Error::FileMissing)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Err(files::Error::FileMissing)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Err(files::Error::FileMissing)
    }

    fn line_range(&'a self, (): (), _: usize) -> Result<Range<usize>, files::Error> {
        Err(files::Error::FileMissing)
    }
}

/// How many names a "known …" hint lists at most: the nearest to what was written.
pub const MAX_LISTED_NAMES: usize = 10;

/// Each known name with its edit distance from `found`, nearest first, ties by name.
fn by_distance<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<(usize, &'a str)> {
    let mut ranked: Vec<(usize, &str)> = known
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(found, candidate), candidate))
        .collect();
    ranked.sort_unstable();
    ranked.dedup();
    ranked
}

fn is_close(found: &str, (distance, candidate): (usize, &str)) -> bool {
    distance <= (found.len().max(candidate.len()) / 3).max(2)
        || candidate.ends_with(found)
        || found.ends_with(candidate)
}

/// Suggests the known name closest to `found`, for "did you mean" hints; of
/// names equally close, the first in alphabetical order.
pub fn closest<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    by_distance(found, known)
        .into_iter()
        .find(|&pair| is_close(found, pair))
        .map(|(_, candidate)| candidate)
}

/// A "did you mean" hint or, when nothing is close, the known names: all of
/// them if there are at most [`MAX_LISTED_NAMES`], else that many nearest,
/// listed in alphabetical order.
pub fn did_you_mean<'a>(
    found: &str,
    what: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> String {
    let ranked = by_distance(found, known);
    if let Some(&(_, candidate)) = ranked.iter().find(|&&pair| is_close(found, pair)) {
        return format!("did you mean `{candidate}`?");
    }
    let mut listed: Vec<&str> = ranked
        .iter()
        .take(MAX_LISTED_NAMES)
        .map(|&(_, name)| name)
        .collect();
    listed.sort_unstable();
    let names: Vec<String> = listed.iter().map(|k| format!("`{k}`")).collect();
    // "party" → "parties"; every other word takes an "s".
    let plural = match what.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{what}s"),
    };
    match ranked.len() {
        0 => format!("no {what} is declared"),
        n if n <= MAX_LISTED_NAMES => format!("known {plural}: {}", names.join(", ")),
        n => format!(
            "the {} nearest of {n} known {plural}: {}",
            names.len(),
            names.join(", ")
        ),
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
