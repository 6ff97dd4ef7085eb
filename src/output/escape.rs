//! Control characters made visible, at the one place text leaves covenant.
//!
//! covenant prints text it did not write: notes, titles and quotes from a terms
//! directory and its seeds, names from a scenario file, words from the command
//! line. Printed raw, an `ESC ]52` sequence in a note would write the reader's
//! clipboard and `ESC [2J` would clear their screen. covenant's own text contains
//! no control character but the newline, so rather than escaping every string
//! that came from outside (and forgetting one), [`ControlEscape`] wraps the
//! stream everything is written to and rewrites every control character except
//! the newline (and, in text, the tab) as a visible escape:
//!
//! - [`Escaping::Visible`] (text, markdown, SVG): `\u{1b}`, as Rust writes it.
//!   Valid in XML too, where raw C0 controls are not.
//! - [`Escaping::Json`] (JSON): `\u001b`, which a JSON reader turns back into
//!   the original character. `serde_json` already escapes U+0000–U+001F; this
//!   adds DEL and the C1 range U+0080–U+009F, which it writes raw and some
//!   terminals obey (U+009B is a one-character `ESC [`).
//!
//! The tab is kept in text: it moves the cursor forward only, so it cannot hide
//! or rewrite what is already on screen, and a quote copied from the output
//! must still match its seed verbatim, tabs included.
//!
//! ```
//! use covenant::output::escape::{escape, Escaping};
//! assert_eq!(escape("a\u{1b}[2Jb\tc\n", Escaping::Visible), "a\\u{1b}[2Jb\tc\n");
//! assert_eq!(escape("del\u{7f}", Escaping::Json), "del\\u007f");
//! ```

use std::borrow::Cow;
use std::io::{self, Write};

/// How a control character is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escaping {
    /// `\u{1b}`: for people (text, markdown) and for SVG. Tabs and newlines are kept.
    Visible,
    /// `\u001b`: inside JSON strings, where the reader decodes it back. Newlines
    /// (the pretty-printer's, outside strings) are kept.
    Json,
}

impl Escaping {
    /// Whether `c` must be rewritten.
    fn escapes(self, c: char) -> bool {
        c.is_control() && c != '\n' && !(c == '\t' && self == Escaping::Visible)
    }

    /// Appends the escape for the control character with code point `code`.
    fn push_escape(self, out: &mut Vec<u8>, code: u32) {
        // Writing into a Vec cannot fail.
        let _ = match self {
            Escaping::Visible => write!(out, "\\u{{{code:x}}}"),
            Escaping::Json => write!(out, "\\u{code:04x}"),
        };
    }
}

/// `text` as XML character data or a quoted attribute value: `&`, `<`, `>`,
/// `"` and `'` as entities (control characters are left to [`escape`]).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` with every control character but the newline (and, when
/// [`Escaping::Visible`], the tab) replaced by its escape; borrowed when there is none.
pub fn escape(text: &str, escaping: Escaping) -> Cow<'_, str> {
    if !text.chars().any(|c| escaping.escapes(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaping.escapes(c) {
            escaping.push_escape(&mut out, u32::from(c));
        } else {
            let mut buffer = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        }
    }
    Cow::Owned(String::from_utf8(out).expect("escapes are ASCII and the rest is copied from a str"))
}

/// A writer that passes UTF-8 text through to `inner` with control characters
/// escaped (see the [module docs](self)).
///
/// It works on bytes, so text may arrive in pieces of any size: a C1 character
/// (two bytes in UTF-8, `0xC2 0x80`–`0xC2 0x9F`) split between two writes is
/// still recognised. Bytes that are not UTF-8 pass through unchanged.
/// Call [`ControlEscape::finish`] at the end to write a held-back byte and flush.
#[derive(Debug)]
pub struct ControlEscape<W: Write> {
    inner: W,
    escaping: Escaping,
    /// A `0xC2` that ended the last write: the first half of a C1 character, or not.
    held: bool,
    /// The rewritten bytes of the current write, reused between writes.
    scratch: Vec<u8>,
}

impl<W: Write> ControlEscape<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, escaping: Escaping) -> ControlEscape<W> {
        ControlEscape {
            inner,
            escaping,
            held: false,
            scratch: Vec::new(),
        }
    }

    /// Writes a held-back byte, if any, flushes, and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        if std::mem::take(&mut self.held) {
            self.inner.write_all(&[0xC2])?;
        }
        self.inner.flush()?;
        Ok(self.inner)
    }

    fn rewrite(&mut self, buf: &[u8]) {
        let escaping = self.escaping;
        let out = &mut self.scratch;
        out.clear();
        if buf.is_empty() {
            // Nothing arrived to complete or release a held byte.
            return;
        }
        let mut bytes = buf.iter().copied().peekable();
        if std::mem::take(&mut self.held) {
            match bytes.peek() {
                Some(&second @ 0x80..=0x9F) => {
                    bytes.next();
                    escaping.push_escape(out, u32::from(second));
                }
                _ => out.push(0xC2),
            }
        }
        while let Some(byte) = bytes.next() {
            match byte {
                // Below 0x80 a byte is a whole character in UTF-8.
                0x00..=0x1F | 0x7F if escaping.escapes(char::from(byte)) => {
                    escaping.push_escape(out, u32::from(byte));
                }
                // 0xC2 leads exactly the characters U+0080–U+00BF.
                0xC2 => match bytes.peek() {
                    Some(&second @ 0x80..=0x9F) => {
                        bytes.next();
                        escaping.push_escape(out, u32::from(second));
                    }
                    None => self.held = true,
                    Some(_) => out.push(byte),
                },
                _ => out.push(byte),
            }
        }
    }
}

impl<W: Write> Write for ControlEscape<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.rewrite(buf);
        self.inner.write_all(&self.scratch)
    }

    /// Flushes the inner writer. A held-back `0xC2` stays held: it may yet be
    /// the first half of a C1 character; [`ControlEscape::finish`] writes it.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn through_writer(pieces: &[&[u8]], escaping: Escaping) -> Vec<u8> {
        let mut writer = ControlEscape::new(Vec::new(), escaping);
        for piece in pieces {
            writer.write_all(piece).expect("a Vec takes every write");
        }
        writer.finish().expect("a Vec takes every write")
    }

    #[test]
    fn terminal_sequences_become_visible_and_newlines_and_tabs_stay() {
        let text = "\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\r\ttab\nline\u{7f}\u{9b}31m";
        assert_eq!(
            escape(text, Escaping::Visible),
            "\\u{1b}]52;c;aGk=\\u{7}\\u{1b}[2J\\u{d}\ttab\nline\\u{7f}\\u{9b}31m"
        );
        assert_eq!(
            escape(text, Escaping::Json),
            "\\u001b]52;c;aGk=\\u0007\\u001b[2J\\u000d\\u0009tab\nline\\u007f\\u009b31m"
        );
    }

    #[test]
    fn text_without_control_characters_is_borrowed() {
        assert!(matches!(
            escape("é — ü\u{a0}\u{100}", Escaping::Visible),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_c1_character_split_between_writes_is_still_escaped() {
        let bytes = "a\u{9b}b".as_bytes();
        let out = through_writer(&[&bytes[..2], &bytes[2..]], Escaping::Visible);
        assert_eq!(out, b"a\\u{9b}b");
    }

    #[test]
    fn json_with_del_and_c1_escaped_still_decodes_to_the_original() {
        let original = "x\u{7f}\u{85}\u{9f}\u{a0}y\u{1b}";
        let json = serde_json::to_string(original).expect("a string serialises");
        let escaped = escape(&json, Escaping::Json);
        assert!(!escaped.chars().any(char::is_control), "{escaped}");
        let decoded: String = serde_json::from_str(&escaped).expect("still JSON");
        assert_eq!(decoded, original);
    }

    proptest! {
        /// The byte-level writer and the character-level function are two
        /// implementations of one mapping: they must agree however the text is cut.
        #[test]
        fn the_writer_escapes_like_the_function_however_the_text_is_cut(
            text in "[a\u{0}-\u{1f}\u{7f}-\u{a0}\u{c2}\u{100}é—\n\t]{0,40}",
            cuts in proptest::collection::vec(0usize..200, 0..6),
            json in any::<bool>(),
        ) {
            let escaping = if json { Escaping::Json } else { Escaping::Visible };
            let bytes = text.as_bytes();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for cut in cuts {
                pieces.push(&bytes[start..cut]);
                start = cut;
            }
            pieces.push(&bytes[start..]);
            let out = through_writer(&pieces, escaping);
            prop_assert_eq!(String::from_utf8(out).expect("UTF-8 in, UTF-8 out"), escape(&text, escaping));
        }

        #[test]
        fn escaped_text_has_no_control_character_but_newline_and_tab(text in any::<String>()) {
            let escaped = escape(&text, Escaping::Visible);
            prop_assert!(escaped.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }
    }
}
