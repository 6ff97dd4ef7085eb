//! Colour for a person at a terminal: verdicts in the colours of the SVG
//! timeline's legend, errors and warnings as rustc colours them.
//!
//! Colour is added at the very end, to text that has already passed through
//! [`ControlEscape`](super::ControlEscape): by then no control character from a
//! terms file, a seed or an argument is left, so the only escape sequences in
//! the output are the ones [`Paint`] writes itself. [`Paint`] reads the text a
//! line at a time and styles only what covenant writes in fixed places:
//!
//! - a verdict word (`permitted`, `forbidden`, `required`, `breached`,
//!   `conflict`) where covenant puts a verdict: in a column (two spaces on
//!   each side, or at the end of the line), around an arrow (`forbidden →
//!   permitted`), after ``` `old`: ``` or `default `. A verdict word inside a
//!   quote or a note (one space on each side) is left alone;
//! - the `error` and `warning` of a diagnostic's first line (bold red, bold
//!   yellow, the message bold), its gutter and line numbers (bright blue), its
//!   carets (the severity's colour) and `= hint:` (bold);
//! - `ok` (green) and `FAILED` (bold red) at the start of a `covenant test` line.
//!
//! JSON, markdown and SVG are never coloured: they are read by programs.
//!
//! ```
//! use covenant::output::colour::paint_line;
//! let line = paint_line("  aws    permitted  rule new.host.any_cloud", &mut None);
//! assert_eq!(line, "  aws    \u{1b}[92mpermitted\u{1b}[0m  rule new.host.any_cloud");
//! ```

use crate::command::Format;
use crate::verdict::Verdict;
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

/// `--color`: when to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourChoice {
    /// When the stream is a terminal and `NO_COLOR` is not set (`CLICOLOR`,
    /// `CLICOLOR_FORCE` and `TERM=dumb` are honoured too).
    #[default]
    Auto,
    /// Always, even into a pipe or a file, and whatever `NO_COLOR` says.
    Always,
    /// Never.
    Never,
}

impl ColourChoice {
    /// Whether output in `format` to `stream` is coloured. Only text is.
    pub fn colours(self, format: Format, stream: &impl anstream::stream::RawStream) -> bool {
        if format != Format::Text {
            return false;
        }
        match self {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            // anstream reads NO_COLOR, CLICOLOR(_FORCE), TERM and whether the stream is a terminal.
            ColourChoice::Auto => {
                anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
            }
        }
    }
}

/// The style of each verdict: the ANSI colour whose hue (in the VGA palette)
/// is nearest the hue of its light fill in the SVG timeline's legend, bright
/// where the fill is, so that it reads on a dark terminal.
pub fn verdict_style(verdict: Verdict) -> Style {
    let colour = match verdict {
        Verdict::Permitted => AnsiColor::BrightGreen,
        Verdict::Forbidden => AnsiColor::BrightRed,
        Verdict::Required => AnsiColor::BrightBlue,
        Verdict::Conflict => AnsiColor::BrightMagenta,
        Verdict::Breached => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(colour.into()))
}

/// Which severity the diagnostic being drawn has, so its carets take its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// An error: red.
    Error,
    /// A warning: yellow.
    Warning,
}

impl Severity {
    fn style(self) -> Style {
        let colour = match self {
            Severity::Error => AnsiColor::BrightRed,
            Severity::Warning => AnsiColor::BrightYellow,
        };
        Style::new().fg_color(Some(colour.into())).bold()
    }
}

const VERDICTS: [(&str, Verdict); 5] = [
    ("permitted", Verdict::Permitted),
    ("forbidden", Verdict::Forbidden),
    ("required", Verdict::Required),
    ("breached", Verdict::Breached),
    ("conflict", Verdict::Conflict),
];

fn gutter() -> Style {
    Style::new()
        .fg_color(Some(AnsiColor::BrightBlue.into()))
        .bold()
}

fn styled(out: &mut String, style: Style, text: &str) {
    use std::fmt::Write as _;
    if !text.is_empty() {
        let _ = write!(out, "{style}{text}{style:#}");
    }
}

/// The line (without its newline) with covenant's own words styled;
/// `severity` carries the diagnostic being drawn from one line to the next.
pub fn paint_line(line: &str, severity: &mut Option<Severity>) -> String {
    let mut out = String::with_capacity(line.len() + 32);
    if let Some(painted) = diagnostic_line(line, severity, &mut out) {
        return painted;
    }
    if let Some(rest) = line.strip_prefix("ok      ") {
        styled(
            &mut out,
            Style::new().fg_color(Some(AnsiColor::Green.into())),
            "ok",
        );
        out.push_str("      ");
        out.push_str(rest);
        return out;
    }
    if let Some(rest) = line.strip_prefix("FAILED  ") {
        styled(&mut out, Severity::Error.style(), "FAILED");
        out.push_str("  ");
        out.push_str(rest);
        return out;
    }
    verdicts(line, &mut out);
    out
}

/// Styles a line of a diagnostic (header, gutter, carets, hint); `None` when
/// the line is not one.
fn diagnostic_line(
    line: &str,
    severity: &mut Option<Severity>,
    out: &mut String,
) -> Option<String> {
    for (word, level) in [("error", Severity::Error), ("warning", Severity::Warning)] {
        let Some(rest) = line.strip_prefix(word) else {
            continue;
        };
        // `error: …` or `error[code]: …`.
        let code_end = if rest.starts_with(':') {
            0
        } else if rest.starts_with('[') {
            rest.find("]:").map(|i| i + 1)?
        } else {
            continue;
        };
        *severity = Some(level);
        styled(out, level.style(), &line[..word.len() + code_end]);
        let message = &rest[code_end..];
        styled(out, Style::new().bold(), message);
        return Some(std::mem::take(out));
    }
    let severity = (*severity)?;
    // codespan's gutter: `  ┌─ file:1:2`, `1 │ text`, `  │   ^^^ label`, `  = hint: …`.
    let indent = line.len()
        - line
            .trim_start_matches([' ', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
            .len();
    let rest = &line[indent..];
    if let Some(after) = rest.strip_prefix("= ") {
        styled(out, gutter(), &line[..indent + 1]);
        out.push(' ');
        match after.split_once(':') {
            Some((label, text)) if !label.contains(' ') => {
                styled(out, Style::new().bold(), &format!("{label}:"));
                out.push_str(text);
            }
            _ => out.push_str(after),
        }
        return Some(std::mem::take(out));
    }
    for mark in ["┌─", "└─", "│", "·"] {
        let Some(after) = rest.strip_prefix(mark) else {
            continue;
        };
        styled(out, gutter(), &line[..indent + mark.len()]);
        let carets = after.trim_start();
        if carets.starts_with('^') && line[..indent].trim().is_empty() {
            let spaces = after.len() - carets.len();
            let run = carets.len() - carets.trim_start_matches('^').len();
            out.push_str(&after[..spaces]);
            styled(out, severity.style(), &carets[..run]);
            styled(out, severity.style(), &carets[run..]);
        } else {
            // The offending text itself: shown as it is.
            out.push_str(after);
        }
        return Some(std::mem::take(out));
    }
    None
}

/// Copies `line` into `out` with every verdict word in a verdict's place styled.
fn verdicts(line: &str, out: &mut String) {
    let mut copied = 0;
    let mut at = 0;
    while at < line.len() {
        let found = VERDICTS
            .iter()
            .find(|(word, _)| line[at..].starts_with(word));
        match found {
            Some(&(word, verdict)) if in_verdict_place(line, at, at + word.len()) => {
                out.push_str(&line[copied..at]);
                styled(out, verdict_style(verdict), word);
                at += word.len();
                copied = at;
            }
            _ => at += line[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&line[copied..]);
}

/// Whether `line[start..end]` stands where covenant writes a verdict.
fn in_verdict_place(line: &str, start: usize, end: usize) -> bool {
    let before = &line[..start];
    let after = &line[end..];
    // Either side of a change: `forbidden → permitted`.
    if before.ends_with(" ") && after.starts_with(" →")
        || before.ends_with("→ ") && after.starts_with(" ")
    {
        return true;
    }
    // `covenant test`: `expected forbidden, got permitted (by rule …)`.
    if (before.ends_with("expected ") || before.ends_with(", got "))
        && (after.is_empty() || after.starts_with(", ") || after.starts_with(" ("))
    {
        return true;
    }
    let left = before.trim_start().is_empty()
        || before.ends_with("  ")
        || before.ends_with("`: ")
        || before.trim_start() == "default ";
    let right = after.is_empty()
        || after.starts_with("  ")
        || after.starts_with(" by")
        || after.starts_with(": ") && before.trim_start() == "default ";
    left && right
}

/// A writer that styles each line written through it (see the [module docs](self));
/// when off, it passes everything straight through.
#[derive(Debug)]
pub struct Paint<W: Write> {
    inner: W,
    on: bool,
    /// The current line, not yet complete.
    line: Vec<u8>,
    severity: Option<Severity>,
}

impl<W: Write> Paint<W> {
    /// Wraps `inner`; `on` says whether to colour at all.
    pub fn new(inner: W, on: bool) -> Paint<W> {
        Paint {
            inner,
            on,
            line: Vec::new(),
            severity: None,
        }
    }

    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        match std::str::from_utf8(line) {
            Ok(text) => self
                .inner
                .write_all(paint_line(text, &mut self.severity).as_bytes()),
            // Not UTF-8: nothing of covenant's to style.
            Err(_) => self.inner.write_all(line),
        }
    }
}

impl<W: Write> Write for Paint<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if !self.on {
            return self.inner.write_all(buf);
        }
        let mut rest = buf;
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let mut line = std::mem::take(&mut self.line);
            line.extend_from_slice(&rest[..newline]);
            self.write_line(&line)?;
            self.inner.write_all(b"\n")?;
            rest = &rest[newline + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(())
    }

    /// Writes the unfinished line, if any, and flushes.
    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.write_line(&line)?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut in_escape = false;
        for c in text.chars() {
            match c {
                '\u{1b}' => in_escape = true,
                'm' if in_escape => in_escape = false,
                _ if in_escape => {}
                _ => out.push(c),
            }
        }
        out
    }

    /// The hue, in degrees, of `#rrggbb`.
    fn hue(hex: &str) -> f64 {
        let channel =
            |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("#rrggbb")) / 255.0;
        let (r, g, b) = (channel(1), channel(3), channel(5));
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let delta = max - min;
        assert!(delta > 0.0, "{hex} has no hue");
        let sixth = if max == r {
            ((g - b) / delta).rem_euclid(6.0)
        } else if max == g {
            (b - r) / delta + 2.0
        } else {
            (r - g) / delta + 4.0
        };
        sixth * 60.0
    }

    /// The six chromatic ANSI colours, normal and bright, with the hue the VGA
    /// palette gives each (its "yellow" is brown, hue 30).
    const HUES: [(AnsiColor, AnsiColor, f64); 6] = [
        (AnsiColor::Red, AnsiColor::BrightRed, 0.0),
        (AnsiColor::Yellow, AnsiColor::BrightYellow, 30.0),
        (AnsiColor::Green, AnsiColor::BrightGreen, 120.0),
        (AnsiColor::Cyan, AnsiColor::BrightCyan, 180.0),
        (AnsiColor::Blue, AnsiColor::BrightBlue, 240.0),
        (AnsiColor::Magenta, AnsiColor::BrightMagenta, 300.0),
    ];

    #[test]
    fn each_verdict_takes_the_ansi_hue_nearest_its_legend_colour() {
        for (_, verdict) in VERDICTS {
            let hex = crate::timeline::svg::verdict_colour(verdict);
            let h = hue(hex);
            let distance = |other: f64| {
                let d = (h - other).abs();
                d.min(360.0 - d)
            };
            let (normal, bright, _) = HUES
                .iter()
                .min_by(|a, b| distance(a.2).total_cmp(&distance(b.2)))
                .copied()
                .expect("six hues");
            let styled = verdict_style(verdict).get_fg_color();
            assert!(
                styled == Some(normal.into()) || styled == Some(bright.into()),
                "{verdict:?} is {hex}, hue {h:.0}: expected {normal:?} or {bright:?}, styled {styled:?}"
            );
        }
    }

    #[test]
    fn verdicts_are_styled_in_their_place_and_not_inside_prose() {
        let mut severity = None;
        for line in [
            "  aws    permitted  rule new.host.any_cloud",
            "    cloud = azure required → permitted from 2033-01-01 onward",
            "   `old`: required by",
            "  default permitted: a freedom",
            "  from 2026-04-30 until 2026-05-15  breached   delete.within_60_days",
            "          for cloud=aws under `new`: expected forbidden, got permitted (by rule x)",
        ] {
            let painted = paint_line(line, &mut severity);
            assert_ne!(painted, line, "{line}");
            assert_eq!(plain(&painted), line);
        }
        for line in [
            "    \"all of OpenAI's model training and inference services were required to run\"",
            "    note: the models were required to run on Azure",
            "  under `openai_may_dissolve`: permitted if `agi_achieved` on or before 2025-03-01",
        ] {
            assert_eq!(paint_line(line, &mut severity), line);
        }
    }

    #[test]
    fn diagnostics_are_coloured_as_rustc_colours_them() {
        let mut severity = None;
        let header = paint_line("error[conflict]: two rules clash", &mut severity);
        assert!(
            header.starts_with("\u{1b}[1m\u{1b}[91merror[conflict]"),
            "{header:?}"
        );
        let carets = paint_line("  │ ^^^^^ not in the seed", &mut severity);
        assert_eq!(plain(&carets), "  │ ^^^^^ not in the seed");
        assert!(carets.contains("\u{1b}[1m\u{1b}[91m^^^^^"), "{carets:?}");
        let source = paint_line("1 │ agi  permitted  x", &mut severity);
        assert!(
            !source.contains("92m"),
            "the offending text is shown as it is: {source:?}"
        );
        let warning = paint_line("warning: the sources disagree", &mut severity);
        assert!(warning.contains("93mwarning"), "{warning:?}");
    }

    #[test]
    fn paint_styles_whole_lines_however_they_are_cut_and_passes_through_when_off() {
        let text = "a  forbidden\nok      x\npartial  required";
        let mut on = Paint::new(Vec::new(), true);
        for piece in text.as_bytes().chunks(3) {
            on.write_all(piece).expect("a Vec takes every write");
        }
        on.flush().expect("a Vec takes every write");
        let painted = String::from_utf8(on.inner).expect("UTF-8");
        assert_eq!(plain(&painted), text);
        assert!(painted.contains("\u{1b}[91mforbidden"), "{painted:?}");
        assert!(painted.contains("\u{1b}[94mrequired"), "{painted:?}");
        let mut off = Paint::new(Vec::new(), false);
        off.write_all(text.as_bytes())
            .expect("a Vec takes every write");
        assert_eq!(off.inner, text.as_bytes());
    }
}
