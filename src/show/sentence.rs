//! The sentence around a quote: where, in a seed, the sentence that holds a
//! cited passage begins and ends.
//!
//! A sentence ends at a line break, or at `.`, `!` or `?` (with any closing
//! quotation marks or brackets after it) followed by white space or the end
//! of the text. A full stop does not end a sentence after an abbreviation
//! (`Mr.`, `Inc.`, `e.g.`, `U.S.`), an initial (`J. Smith`) or a list
//! number at the start of a line (`1. Definitions`). A quote that spans
//! several sentences gets them all. However long a sentence, at most
//! [`MAX_CONTEXT`] characters are taken on each side of the quote: a seed is
//! untrusted, and may have no full stop at all.

use serde::Serialize;

/// The most characters of context taken on either side of a quote.
pub const MAX_CONTEXT: usize = 400;

/// A quote in the sentence that holds it: the text before the quote, the quote,
/// and the text after it, within the same sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct InSentence {
    /// The sentence's text before the quote (empty when the quote starts it).
    pub before: String,
    /// The quote, verbatim.
    pub quote: String,
    /// The sentence's text after the quote (empty when the quote ends it).
    pub after: String,
    /// Whether the sentence goes on before `before` (cut at [`MAX_CONTEXT`]).
    pub cut_before: bool,
    /// Whether the sentence goes on after `after` (cut at [`MAX_CONTEXT`]).
    pub cut_after: bool,
}

/// Characters that may close a sentence after its full stop: `."`, `.)`, `.’`.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '’' | '”' | '»' | ')' | ']' | '*' | '_')
}

/// Words that a full stop follows without ending a sentence, lower case.
const ABBREVIATIONS: &[&str] = &[
    "approx", "co", "corp", "dr", "etc", "inc", "jr", "ltd", "mr", "mrs", "ms", "prof", "sr", "st",
    "vs",
];

/// Whether the full stop at byte `dot` of `text` ends a sentence, judging by the
/// word before it.
fn full_stop_ends_sentence(text: &str, dot: usize) -> bool {
    let line_start = text[..dot].rfind('\n').map_or(0, |n| n + 1);
    let word_start = text[..dot]
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .map_or(0, |at| {
            at + text[at..].chars().next().map_or(1, char::len_utf8)
        })
        .max(line_start);
    let word = &text[word_start..dot];
    if word.is_empty() {
        return true;
    }
    // `U.S.`, `e.g.`, `i.e.`: an abbreviation with stops inside it.
    if word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.') {
        return false;
    }
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next())
        && first.is_uppercase()
    {
        return false;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    // `No. 5` is a number; `No. Microsoft …` is an answer.
    if lower == "no"
        && text[dot + 1..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    // `1.` or `12.` opening a line is a list number, not the end of a sentence.
    let numbered = word.chars().all(|c| c.is_ascii_digit())
        && text[line_start..word_start]
            .chars()
            .all(|c| c.is_whitespace() || c == '#' || c == '*' || c == '-');
    !numbered
}

/// If a sentence ends with the character at byte `at` of `text`, the byte
/// just after the sentence (after any closing marks).
fn sentence_end_at(text: &str, at: usize) -> Option<usize> {
    let c = text[at..].chars().next()?;
    if c == '\n' {
        return Some(at);
    }
    if !matches!(c, '.' | '!' | '?') {
        return None;
    }
    let mut end = at + c.len_utf8();
    for next in text[end..].chars() {
        if !is_closer(next) {
            break;
        }
        end += next.len_utf8();
    }
    let followed_by_space = text[end..].chars().next().is_none_or(char::is_whitespace);
    (followed_by_space && (c != '.' || full_stop_ends_sentence(text, at))).then_some(end)
}

/// How many bytes at `begin` (up to `start`) are a list or heading marker
/// opening a line (`- `, `* `, `## `, `> `): not part of the sentence.
fn line_marker(text: &str, begin: usize, start: usize) -> usize {
    if begin > 0 && !text[..begin].ends_with('\n') {
        return 0;
    }
    let rest = &text[begin..start];
    let marks = rest.len() - rest.trim_start_matches(['-', '*', '#', '>']).len();
    let after = &rest[marks..];
    if marks == 0 || marks > 6 || !after.starts_with(' ') {
        return 0;
    }
    marks + after.len() - after.trim_start().len()
}

/// The byte `MAX_CONTEXT` characters before `at` (or 0), on a character boundary.
fn context_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(MAX_CONTEXT - 1)
        .map_or(0, |(i, _)| i)
}

/// The byte `MAX_CONTEXT` characters after `at` (or the end), on a character boundary.
fn context_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(MAX_CONTEXT)
        .map_or(text.len(), |(i, _)| at + i)
}

/// The sentence of `text` around the quote at bytes `start..end`, which must lie
/// on character boundaries of `text`.
pub fn around(text: &str, start: usize, end: usize) -> InSentence {
    let window_start = context_start(text, start);
    // The last sentence end before the quote starts; the sentence begins after it.
    let mut begin = None;
    for (i, _) in text[window_start..start].char_indices() {
        if let Some(after) = sentence_end_at(text, window_start + i)
            && after <= start
        {
            begin = Some(after);
        }
    }
    let cut_before = begin.is_none() && window_start > 0;
    let mut begin = begin.unwrap_or(window_start);
    begin += text[begin..start].len() - text[begin..start].trim_start().len();
    begin += line_marker(text, begin, start);
    // The quote's own last character may end the sentence: look from it on.
    let last = text[start..end]
        .char_indices()
        .next_back()
        .map_or(end, |(i, _)| start + i);
    let window_end = context_end(text, end);
    let mut finish = None;
    for (i, _) in text[last..window_end].char_indices() {
        if let Some(after) = sentence_end_at(text, last + i) {
            finish = Some(after.max(end));
            break;
        }
    }
    let cut_after = finish.is_none() && window_end < text.len();
    let finish = finish.unwrap_or(window_end);
    let after = text[end..finish].trim_end();
    InSentence {
        before: text[begin..start].to_string(),
        quote: text[start..end].to_string(),
        after: after.to_string(),
        cut_before,
        cut_after,
    }
}

/// The sentence around the first occurrence of `quote` in `text` at or after
/// the start of line `line` (from 1), as a citation records it; `None` if the
/// quote is not there.
pub fn around_quote(text: &str, quote: &str, line: usize) -> Option<InSentence> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let start = line_start + text[line_start..].find(quote)?;
    (!quote.is_empty()).then(|| around(text, start, start + quote.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shown(text: &str, quote: &str) -> (String, String) {
        let found = around_quote(text, quote, 1).expect("the quote is in the text");
        (found.before, found.after)
    }

    #[test]
    fn the_sentence_runs_from_the_last_stop_before_the_quote_to_the_next_after_it() {
        let text = "First one. Then OpenAI may host its models anywhere, says 003. Last.";
        assert_eq!(
            shown(text, "OpenAI may host"),
            ("Then ".into(), " its models anywhere, says 003.".into())
        );
    }

    #[test]
    fn a_quote_that_is_its_whole_sentence_has_nothing_around_it() {
        let text = "One. Two is the quote. Three.";
        assert_eq!(
            shown(text, "Two is the quote."),
            (String::new(), String::new())
        );
        assert_eq!(shown(text, "Two is the quote"), (String::new(), ".".into()));
    }

    #[test]
    fn abbreviations_initials_and_list_numbers_do_not_end_a_sentence() {
        let text = "Mr. Smith of Acme Inc. met J. Doe in the U.S. on Monday and agreed.\n1. The quote here. No. Clause No. 5 says so.";
        assert_eq!(
            shown(text, "met J. Doe"),
            (
                "Mr. Smith of Acme Inc. ".into(),
                " in the U.S. on Monday and agreed.".into()
            )
        );
        assert_eq!(shown(text, "quote"), ("1. The ".into(), " here.".into()));
        assert_eq!(
            shown(text, "Clause"),
            (String::new(), " No. 5 says so.".into())
        );
    }

    #[test]
    fn a_line_break_ends_a_sentence_and_closing_marks_stay_with_it() {
        let text = "Heading\n- He said \"it ends here.\" Next one.";
        assert_eq!(
            shown(text, "it ends"),
            ("He said \"".into(), " here.\"".into())
        );
    }

    #[test]
    fn a_sentence_without_stops_is_cut_at_the_context_limit() {
        let text = format!("{} quote {}", "a".repeat(1000), "b".repeat(1000));
        let found = around_quote(&text, "quote", 1).expect("the quote is in the text");
        assert!(found.cut_before && found.cut_after);
        assert_eq!(found.before.chars().count(), MAX_CONTEXT);
        assert_eq!(found.after.chars().count(), MAX_CONTEXT);
    }

    #[test]
    fn the_quote_is_found_from_the_line_the_citation_names() {
        let text = "x quote.\ny quote.";
        let found = around_quote(text, "quote", 2).expect("on line 2");
        assert_eq!(found.before, "y ");
    }

    proptest! {
        /// Whatever the text, the sentence holds the quote verbatim, between
        /// text that is really there around it, and never panics.
        #[test]
        fn the_sentence_is_a_stretch_of_the_text_around_the_quote(
            text in "[a-cA. é!?\"\n)]{0,60}",
            start in 0usize..60,
            len in 1usize..10,
        ) {
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let start = bounds[start % bounds.len()];
            let end = bounds.iter().copied().find(|&b| b >= start + len).unwrap_or(text.len());
            prop_assume!(end > start);
            let found = around(&text, start, end);
            prop_assert_eq!(&found.quote, &text[start..end]);
            prop_assert!(text[..start].ends_with(&found.before));
            prop_assert!(text[end..].starts_with(&found.after));
        }
    }
}
