//! Citations: every quote must be verbatim in the seed it names.
//!
//! Before any citation is checked, [`Loader::search_quotes`] searches each seed
//! once for all the quotes that cite it ([`super::quotes`]); checking a
//! citation is then a lookup. Only a quote that is not found costs more: the
//! place where it departs from the seed, found for all such quotes of a seed
//! in one more pass.

use super::Citation;
use super::error::LoadErrorKind;
use super::load::{Loader, locate_in_string};
use super::quotes::{Departure, departures, differing_characters, first_occurrences};
use super::raw::RawCitation;
use crate::diagnostic::SourceFile;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use toml::Spanned;

/// What searching a seed found for one quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// The quote is verbatim in the seed, starting on this line (from 1).
    OnLine(usize),
    /// It is not; this is where it departs.
    Departs(Departure),
}

/// For each seed, what the search found for each distinct quote citing it.
#[derive(Debug, Default)]
pub(super) struct QuoteFindings(HashMap<String, HashMap<String, Found>>);

impl Loader {
    /// Searches each seed once for every quote in `cited` (seed, quote) that
    /// names it, before the citations are checked one by one.
    pub(super) fn search_quotes(&mut self, cited: Vec<(&str, &str)>) {
        let mut by_seed: HashMap<&str, (Vec<&str>, HashSet<&str>)> = HashMap::new();
        for (seed, quote) in cited {
            if quote.trim().is_empty() || !self.seed_index.contains_key(seed) {
                continue;
            }
            let (quotes, seen) = by_seed.entry(seed).or_default();
            if seen.insert(quote) {
                quotes.push(quote);
            }
        }
        for (seed, (quotes, _)) in by_seed {
            let text = &self.seeds[self.seed_index[seed]].text;
            let offsets = first_occurrences(text, &quotes);
            let newlines: Vec<usize> = if offsets.iter().any(Option::is_some) {
                memchr_newlines(text)
            } else {
                Vec::new()
            };
            let missing: Vec<&str> = quotes
                .iter()
                .zip(&offsets)
                .filter(|(_, found)| found.is_none())
                .map(|(quote, _)| *quote)
                .collect();
            // Only a quote that is not verbatim needs the hint: no pass for none.
            let mut departed = if missing.is_empty() {
                Vec::new()
            } else {
                departures(text, &missing)
            }
            .into_iter();
            let found: HashMap<String, Found> = quotes
                .iter()
                .zip(offsets)
                .map(|(quote, offset)| {
                    let found = match offset {
                        Some(offset) => {
                            Found::OnLine(newlines.partition_point(|&n| n < offset) + 1)
                        }
                        None => Found::Departs(
                            departed
                                .next()
                                .expect("one departure per quote not found, in order"),
                        ),
                    };
                    (quote.to_string(), found)
                })
                .collect();
            self.quotes.0.insert(seed.to_string(), found);
        }
    }

    pub(super) fn citations(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &[Spanned<RawCitation>],
    ) -> Vec<Citation> {
        raw.iter()
            .filter_map(|citation| self.citation(file, citation))
            .collect()
    }

    pub(super) fn citation(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<RawCitation>,
    ) -> Option<Citation> {
        let seed_name = raw.get_ref().seed.get_ref();
        let quote = raw.get_ref().quote.get_ref();
        if self.seeds_unread || self.unread_seeds.contains(seed_name) {
            // Already one error about the seed or its folder; every citation of it would repeat it.
            return None;
        }
        let Some(&seed_at) = self.seed_index.get(seed_name) else {
            let names: Vec<&str> = self.seeds.iter().map(|s| s.name.as_str()).collect();
            let names: Vec<String> = names.into_iter().map(String::from).collect();
            let hint = self.suggest(seed_name, "seed", names.iter().map(String::as_str));
            let location = self.at(file, raw.get_ref().seed.span());
            self.push(
                Some(location),
                LoadErrorKind::MissingSeed {
                    seed: seed_name.clone(),
                    hint,
                },
            );
            return None;
        };
        if quote.trim().is_empty() {
            let location = self.at(file, raw.get_ref().quote.span());
            let kind = LoadErrorKind::QuoteNotFound {
                seed: seed_name.clone(),
                hint: "the quote is empty; copy the passage the rule rests on".into(),
            };
            self.push(Some(location), kind);
            return None;
        }
        let found = self
            .quotes
            .0
            .get(seed_name)
            .and_then(|quotes| quotes.get(quote))
            .copied();
        let seed = &self.seeds[seed_at];
        let departure = match found {
            Some(Found::OnLine(line)) => {
                return Some(Citation {
                    seed: seed.name.clone(),
                    quote: quote.clone(),
                    line,
                });
            }
            Some(Found::Departs(departure)) => departure,
            // Every citation was searched for; should one have been missed, search for it now.
            None => match first_occurrences(&seed.text, &[quote]).remove(0) {
                Some(offset) => {
                    return Some(Citation {
                        seed: seed.name.clone(),
                        quote: quote.clone(),
                        line: seed.text[..offset].matches('\n').count() + 1,
                    });
                }
                None => departures(&seed.text, &[quote]).remove(0),
            },
        };
        let hint = departure_hint(&seed.name, &seed.text, quote, departure);
        let outer = raw.get_ref().quote.span();
        let location = locate_in_string(file, outer, departure.matched..quote.len());
        let kind = LoadErrorKind::QuoteNotFound {
            seed: seed.name.clone(),
            hint,
        };
        self.push(Some(location), kind);
        None
    }
}

/// The byte offset of every newline in `text`.
fn memchr_newlines(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i)
        .collect()
}

/// Says where a quote parts from its seed: the last words they share, 30
/// characters of each after that, and, where the characters that differ look
/// alike, their names.
fn departure_hint(seed_name: &str, seed: &str, quote: &str, departure: Departure) -> String {
    let Departure { matched, at } = departure;
    if matched == 0 {
        return format!("not even the start of the quote is in `{seed_name}`");
    }
    let seed_goes_on: String = seed[at + matched..].chars().take(30).collect();
    let quote_goes_on: String = quote[matched..].chars().take(30).collect();
    let mut hint = format!(
        "the seed matches up to `{}`, then reads `{}` where the quote has `{}`",
        visible(&tail(&quote[..matched], 30)),
        visible(&seed_goes_on),
        visible(&quote_goes_on)
    );
    let before = quote[..matched].chars().next_back();
    if let Some(difference) = differing_characters(before, &quote[matched..], &seed[at + matched..])
    {
        hint.push_str(": ");
        hint.push_str(&difference);
    }
    hint
}

/// `text` with line breaks and tabs written `\n`, `\r` and `\t`, so a hint
/// stays on one line; quotes and other characters are shown as they are.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

fn tail(text: &str, chars: usize) -> String {
    let count = text.chars().count();
    text.chars().skip(count.saturating_sub(chars)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_names_look_alike_characters_and_shows_quotes_as_they_are() {
        let seed = "OpenAI\u{2019}s models";
        let departure = departures(seed, &["OpenAI's models"])[0];
        assert_eq!(
            departure_hint("s.txt", seed, "OpenAI's models", departure),
            "the seed matches up to `OpenAI`, then reads `\u{2019}s models` where the quote has `'s models`: \
the quote has U+0027 APOSTROPHE where the seed has U+2019 RIGHT SINGLE QUOTATION MARK"
        );
    }

    #[test]
    fn the_hint_shows_where_seed_and_quote_part() {
        let seed = "the cat sat on the mat";
        let departure = departures(seed, &["the cat stood"])[0];
        assert_eq!(
            departure_hint("s.txt", seed, "the cat stood", departure),
            "the seed matches up to `the cat s`, then reads `at on the mat` where the quote has `tood`"
        );
        let none = departures(seed, &["xyz"])[0];
        assert_eq!(
            departure_hint("s.txt", seed, "xyz", none),
            "not even the start of the quote is in `s.txt`"
        );
    }
}
