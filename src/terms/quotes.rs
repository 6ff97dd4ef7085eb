//! Quote search: where each quote first occurs in a seed, and, for a quote that
//! does not occur, the longest start of it that does.
//!
//! Both answer for all of a seed's quotes in one pass over the seed, so that
//! ten thousand citations of a 10 MB seed read it once, not ten thousand times.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;

/// The byte offset where each of `quotes` first occurs in `text`, or `None`.
///
/// One overlapping multi-pattern search (Aho–Corasick), stopped as soon as
/// every quote has been seen. Empty quotes are never found.
pub(super) fn first_occurrences(text: &str, quotes: &[&str]) -> Vec<Option<usize>> {
    let mut found = vec![None; quotes.len()];
    let searched: Vec<usize> = (0..quotes.len())
        .filter(|&i| !quotes[i].is_empty())
        .collect();
    if searched.is_empty() {
        return found;
    }
    // A few quotes in a short seed: searching each on its own is faster than
    // building an automaton, and the work stays bounded (quotes × seed bytes).
    const SMALL_WORK: usize = 4 * 1024 * 1024;
    if searched.len().saturating_mul(text.len()) <= SMALL_WORK {
        for &i in &searched {
            found[i] = text.find(quotes[i]);
        }
        return found;
    }
    // A contiguous NFA builds in time linear in the quotes and searches fast
    // enough; the default may build a DFA, which costs far more than the one
    // pass over the seed it would speed up.
    let Ok(automaton) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(searched.iter().map(|&i| quotes[i]))
    else {
        // The automaton is too large to build: search each quote on its own.
        for &i in &searched {
            found[i] = text.find(quotes[i]);
        }
        return found;
    };
    let mut missing = searched.len();
    for hit in automaton.find_overlapping_iter(text) {
        let slot = &mut found[searched[hit.pattern().as_usize()]];
        // Matches come in order of their end, so a quote's first match is its earliest.
        if slot.is_none() {
            *slot = Some(hit.start());
            missing -= 1;
            if missing == 0 {
                break;
            }
        }
    }
    found
}

/// Where a quote departs from its seed: the longest start of the quote found
/// in the seed, in bytes (on a character boundary), and where in the seed it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Departure {
    /// How many bytes of the quote's start occur in the seed.
    pub matched: usize,
    /// A byte offset in the seed where those bytes occur (0 when none do).
    pub at: usize,
}

/// For each of `quotes`, the longest start of it found anywhere in `text`.
///
/// A trie of the quotes with failure links (the Aho–Corasick automaton, built
/// here because the hint needs the depth of its states) is run over `text`
/// once; every state it enters is a start of some quote that occurs, ending
/// there, and so is every state on that state's failure chain. Time is linear
/// in the text plus the quotes.
pub(super) fn departures(text: &str, quotes: &[&str]) -> Vec<Departure> {
    let trie = Trie::of(quotes);
    let mut first_end = vec![usize::MAX; trie.depth.len()];
    let mut state = ROOT;
    for (offset, &byte) in text.as_bytes().iter().enumerate() {
        state = trie.next(state, byte);
        if first_end[state as usize] == usize::MAX {
            first_end[state as usize] = offset + 1;
        }
    }
    // Deepest states first: a state seen means its failure state was seen, ending there too.
    for &node in trie.order.iter().rev() {
        let end = first_end[node as usize];
        let fail = trie.fail[node as usize] as usize;
        if end < first_end[fail] {
            first_end[fail] = end;
        }
    }
    quotes
        .iter()
        .map(|quote| {
            // The states along the quote, while it stays in the trie (it always does: it built it).
            let mut path = Vec::with_capacity(quote.len());
            let mut state = ROOT;
            for &byte in quote.as_bytes() {
                let Some(&child) = trie.children.get(&(state, byte)) else {
                    break;
                };
                state = child;
                path.push(state);
            }
            // Every start of a start that occurs occurs too, so bisecting would do; a scan is simpler.
            let mut matched = path
                .iter()
                .rposition(|&s| first_end[s as usize] != usize::MAX)
                .map_or(0, |i| i + 1);
            while !quote.is_char_boundary(matched) {
                matched -= 1;
            }
            match matched {
                0 => Departure { matched: 0, at: 0 },
                _ => Departure {
                    matched,
                    at: first_end[path[matched - 1] as usize] - matched,
                },
            }
        })
        .collect()
}

/// Says which characters differ where a quote parts from its seed: `quote`
/// and `seed` are what each has from that point on, `before` the last
/// character they share. Characters that look alike (an apostrophe and a
/// right single quotation mark, a space and a no-break space, one space and
/// two) are named, so the hint shows what the eye cannot; `None` when the two
/// simply read differently (a letter for a letter).
pub(super) fn differing_characters(
    before: Option<char>,
    quote: &str,
    seed: &str,
) -> Option<String> {
    let (q, s) = (quote.chars().next(), seed.chars().next());
    let spaces = |c: Option<char>| c.is_some_and(char::is_whitespace);
    match (q, s) {
        (Some(' '), _) if before == Some(' ') && !spaces(s) => {
            return Some("the quote has two spaces in a row where the seed has one".into());
        }
        (_, Some(' ')) if before == Some(' ') && !spaces(q) => {
            return Some("the seed has two spaces in a row where the quote has one".into());
        }
        _ => {}
    }
    let named = |c: Option<char>| match c {
        Some(c) => character_name(c),
        None => "the end".to_string(),
    };
    let plain = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if q == s || plain(q) && plain(s) || q.is_none() {
        return None;
    }
    let seed_side = match s {
        Some(_) => format!("the seed has {}", named(s)),
        None => "the seed ends".to_string(),
    };
    Some(format!("the quote has {} where {seed_side}", named(q)))
}

/// `U+2019 RIGHT SINGLE QUOTATION MARK`: the code point and, for the
/// characters a quote is most often copied wrong with, the Unicode name.
fn character_name(c: char) -> String {
    let name = match c {
        '\t' => "CHARACTER TABULATION",
        '\n' => "LINE FEED",
        '\r' => "CARRIAGE RETURN",
        ' ' => "SPACE",
        '!' => "EXCLAMATION MARK",
        '"' => "QUOTATION MARK",
        '\'' => "APOSTROPHE",
        ',' => "COMMA",
        '-' => "HYPHEN-MINUS",
        '.' => "FULL STOP",
        ':' => "COLON",
        ';' => "SEMICOLON",
        '`' => "GRAVE ACCENT",
        '\u{a0}' => "NO-BREAK SPACE",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{b4}' => "ACUTE ACCENT",
        '\u{2009}' => "THIN SPACE",
        '\u{200a}' => "HAIR SPACE",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{2010}' => "HYPHEN",
        '\u{2011}' => "NON-BREAKING HYPHEN",
        '\u{2012}' => "FIGURE DASH",
        '\u{2013}' => "EN DASH",
        '\u{2014}' => "EM DASH",
        '\u{2018}' => "LEFT SINGLE QUOTATION MARK",
        '\u{2019}' => "RIGHT SINGLE QUOTATION MARK",
        '\u{201a}' => "SINGLE LOW-9 QUOTATION MARK",
        '\u{201c}' => "LEFT DOUBLE QUOTATION MARK",
        '\u{201d}' => "RIGHT DOUBLE QUOTATION MARK",
        '\u{201e}' => "DOUBLE LOW-9 QUOTATION MARK",
        '\u{2026}' => "HORIZONTAL ELLIPSIS",
        '\u{202f}' => "NARROW NO-BREAK SPACE",
        '\u{2032}' => "PRIME",
        '\u{2212}' => "MINUS SIGN",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => "",
    };
    let code = format!("U+{:04X}", u32::from(c));
    match (name, c.is_control() || c.is_whitespace()) {
        ("", true) => code,
        ("", false) => format!("{code} `{c}`"),
        (name, _) => format!("{code} {name}"),
    }
}

const ROOT: u32 = 0;

/// The quotes' trie, with a failure link per state (the longest proper suffix
/// of the state's text that is also a state).
struct Trie {
    children: HashMap<(u32, u8), u32>,
    /// The root's children, for the common case of a byte read at the root.
    root: [u32; 256],
    fail: Vec<u32>,
    depth: Vec<u32>,
    /// The states in breadth-first order (by depth), the root first.
    order: Vec<u32>,
}

impl Trie {
    fn of(quotes: &[&str]) -> Trie {
        let mut children: HashMap<(u32, u8), u32> = HashMap::new();
        let mut depth = vec![0u32];
        let mut kids: Vec<Vec<u32>> = vec![Vec::new()];
        for quote in quotes {
            let mut state = ROOT;
            for &byte in quote.as_bytes() {
                state = match children.get(&(state, byte)) {
                    Some(&child) => child,
                    None => {
                        let child = depth.len() as u32;
                        depth.push(depth[state as usize] + 1);
                        kids.push(Vec::new());
                        kids[state as usize].push(child);
                        children.insert((state, byte), child);
                        child
                    }
                };
            }
        }
        let mut root = [ROOT; 256];
        let mut label = vec![0u8; depth.len()];
        for (&(parent, byte), &child) in &children {
            label[child as usize] = byte;
            if parent == ROOT {
                root[byte as usize] = child;
            }
        }
        let mut trie = Trie {
            children,
            root,
            fail: vec![ROOT; depth.len()],
            depth,
            order: vec![ROOT],
        };
        let mut at = 0;
        while at < trie.order.len() {
            let parent = trie.order[at];
            at += 1;
            for &child in &kids[parent as usize] {
                trie.fail[child as usize] = if parent == ROOT {
                    ROOT
                } else {
                    trie.next(trie.fail[parent as usize], label[child as usize])
                };
                trie.order.push(child);
            }
        }
        trie
    }

    /// The state after reading `byte` in `state`, following failure links.
    fn next(&self, mut state: u32, byte: u8) -> u32 {
        loop {
            if state == ROOT {
                return self.root[byte as usize];
            }
            if let Some(&child) = self.children.get(&(state, byte)) {
                return child;
            }
            state = self.fail[state as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The obvious answer: try every start of the quote, longest first.
    fn departure_oracle(text: &str, quote: &str) -> usize {
        (0..=quote.len())
            .rev()
            .filter(|&n| quote.is_char_boundary(n))
            .find(|&n| text.contains(&quote[..n]))
            .unwrap_or(0)
    }

    #[test]
    fn departures_find_where_a_quote_leaves_its_seed() {
        let text = "the cat sat";
        let found = departures(text, &["the cat sat", "the cow", "xyz", "cat nap"]);
        let matched: Vec<usize> = found.iter().map(|d| d.matched).collect();
        assert_eq!(matched, vec![11, 5, 0, 4]);
        assert_eq!(found[3].at, 4);
    }

    #[test]
    fn look_alike_characters_are_named() {
        assert_eq!(
            differing_characters(Some('n'), "'t", "\u{2019}t").as_deref(),
            Some(
                "the quote has U+0027 APOSTROPHE where the seed has U+2019 RIGHT SINGLE QUOTATION MARK"
            )
        );
        assert_eq!(
            differing_characters(Some('a'), " b", "\u{a0}b").as_deref(),
            Some("the quote has U+0020 SPACE where the seed has U+00A0 NO-BREAK SPACE")
        );
        assert_eq!(
            differing_characters(Some(' '), " b", "b").as_deref(),
            Some("the quote has two spaces in a row where the seed has one")
        );
        assert_eq!(
            differing_characters(Some(' '), "b", " b").as_deref(),
            Some("the seed has two spaces in a row where the quote has one")
        );
        assert_eq!(
            differing_characters(Some('.'), " b", "\nb").as_deref(),
            Some("the quote has U+0020 SPACE where the seed has U+000A LINE FEED")
        );
        assert_eq!(differing_characters(Some('n'), "ever", "ot"), None);
        assert_eq!(
            differing_characters(Some('x'), "\u{3b1}", "a").as_deref(),
            Some("the quote has U+03B1 `\u{3b1}` where the seed has U+0061 `a`")
        );
    }

    #[test]
    fn first_occurrences_report_the_earliest_start_of_each_quote() {
        let found = first_occurrences("abcabc", &["bc", "abc", "c", "zz", ""]);
        assert_eq!(found, vec![Some(1), Some(0), Some(2), None, None]);
    }

    proptest! {
        #[test]
        fn one_pass_search_agrees_with_searching_each_quote(
            text in "[abé\n]{0,40}",
            quotes in proptest::collection::vec("[abé\n]{0,6}", 0..8),
        ) {
            let quotes: Vec<&str> = quotes.iter().map(String::as_str).collect();
            let found = first_occurrences(&text, &quotes);
            for (quote, found) in quotes.iter().zip(&found) {
                let expected = if quote.is_empty() { None } else { text.find(quote) };
                prop_assert_eq!(*found, expected);
            }
        }

        #[test]
        fn departures_agree_with_trying_every_prefix(
            text in "[abé\n]{0,40}",
            quotes in proptest::collection::vec("[abé\n]{0,8}", 0..8),
        ) {
            let quotes: Vec<&str> = quotes.iter().map(String::as_str).collect();
            for (quote, departure) in quotes.iter().zip(departures(&text, &quotes)) {
                prop_assert_eq!(departure.matched, departure_oracle(&text, quote));
                let start = &quote[..departure.matched];
                prop_assert_eq!(&text[departure.at..departure.at + departure.matched], start);
            }
        }
    }
}
