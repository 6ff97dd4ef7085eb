//! Citations: every quote must be verbatim in the seed it names.

use super::Citation;
use super::error::LoadErrorKind;
use super::load::{Loader, locate_in_string};
use super::raw::RawCitation;
use crate::diagnostic::{SourceFile, did_you_mean};
use std::sync::Arc;
use toml::Spanned;

impl Loader {
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
        let Some(seed) = self.seeds.iter().find(|s| &s.name == seed_name) else {
            let hint = did_you_mean(
                seed_name,
                "seed",
                self.seeds.iter().map(|s| s.name.as_str()),
            );
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
        match seed.text.find(quote.as_str()) {
            Some(offset) => Some(Citation {
                seed: seed.name.clone(),
                quote: quote.clone(),
                line: seed.text[..offset].matches('\n').count() + 1,
            }),
            None => {
                let matched = longest_matching_prefix(&seed.text, quote);
                let hint = if matched == 0 {
                    format!("not even the start of the quote is in `{}`", seed.name)
                } else {
                    let at = seed.text.find(&quote[..matched]).unwrap_or(0);
                    let seed_goes_on: String = seed.text[at + matched..].chars().take(30).collect();
                    let quote_goes_on: String = quote[matched..].chars().take(30).collect();
                    let (seed_goes_on, quote_goes_on) = (
                        seed_goes_on.escape_debug().to_string(),
                        quote_goes_on.escape_debug().to_string(),
                    );
                    format!(
                        "the seed matches up to `{}`, then reads `{}` where the quote has `{}`",
                        tail(&quote[..matched], 30).escape_debug(),
                        seed_goes_on,
                        quote_goes_on
                    )
                };
                let outer = raw.get_ref().quote.span();
                let location = locate_in_string(file, outer, matched..quote.len());
                self.push(
                    Some(location),
                    LoadErrorKind::QuoteNotFound {
                        seed: seed.name.clone(),
                        hint,
                    },
                );
                None
            }
        }
    }
}

fn tail(text: &str, chars: usize) -> String {
    let count = text.chars().count();
    text.chars().skip(count.saturating_sub(chars)).collect()
}

/// The length in bytes of the longest prefix of `quote` found in `text`.
fn longest_matching_prefix(text: &str, quote: &str) -> usize {
    let boundaries: Vec<usize> = quote
        .char_indices()
        .map(|(i, _)| i)
        .chain([quote.len()])
        .collect();
    // Whether a prefix occurs is monotone in its length, so bisect.
    let (mut low, mut high) = (0, boundaries.len() - 1);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if text.contains(&quote[..boundaries[mid]]) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    boundaries[low]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn prefix_search_finds_where_a_quote_departs_from_its_seed() {
        assert_eq!(longest_matching_prefix("the cat sat", "the cat sat"), 11);
        assert_eq!(longest_matching_prefix("the cat sat", "the cow"), 5);
        assert_eq!(longest_matching_prefix("the cat sat", "xyz"), 0);
    }
}
