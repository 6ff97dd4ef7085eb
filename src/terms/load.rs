//! Loading: raw TOML becomes validated [`Terms`], or every error found, located.

use super::error::{LoadError, LoadErrorKind, LoadErrors};
use super::raw::{RawVersionFile, RawVocabulary};
use super::source::{RawFile, TermsSource};
use super::{Seed, Terms};
use crate::diagnostic::{Location, SourceFile, did_you_mean};
use crate::interval::parse_date;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// Terms files larger than this are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Terms with more rules than this, over all versions, are refused.
pub const MAX_RULES: usize = 100_000;

/// Reads, parses and validates terms, reporting every error found.
pub fn load(source: &TermsSource) -> Result<Terms, LoadErrors> {
    load_with(source, Loader::new(false)).map(|(terms, _)| terms)
}

/// Loads terms for `covenant check`: mistakes that leave the terms meaningful
/// (a quote not verbatim in its seed, a rule whose interval is empty, an
/// override cycle) do not stop loading; they are returned beside the terms, as
/// findings to report. The quote is left out, the rule never applies, the
/// overrides on the cycle are dropped. Every other mistake is an error as in [`load`].
pub fn load_for_check(source: &TermsSource) -> Result<(Terms, Vec<LoadError>), LoadErrors> {
    load_with(source, Loader::new(true))
}

/// The seeds folder when `vocabulary.toml` names none.
const DEFAULT_SEEDS: &str = "../seeds";

/// How many name comparisons (in characters compared) "did you mean" hints
/// may cost over one load: enough for every typo a person makes, not for
/// thousands of unknown names each compared with thousands of known ones.
const SUGGESTION_BUDGET: usize = 20_000_000;

fn load_with(
    source: &TermsSource,
    mut loader: Loader,
) -> Result<(Terms, Vec<LoadError>), LoadErrors> {
    let listing = source.terms_files(MAX_FILE_BYTES)?;
    let has_vocabulary = listing.has("vocabulary.toml");
    let version_files = listing.files.iter().map(|f| &f.name);
    let version_files = version_files
        .chain(listing.refused.iter().map(|(name, _)| name))
        .filter(|name| name.as_str() != "vocabulary.toml")
        .count();
    loader
        .errors
        .extend(listing.refused.into_iter().map(|(_, error)| error));
    let mut texts = Vec::new();
    for file in listing.files {
        if let Some(text) = loader.text(file) {
            texts.push(text);
        }
    }
    let vocabulary_at = texts.iter().position(|f| f.0 == "vocabulary.toml");
    let Some(vocabulary_at) = vocabulary_at else {
        if has_vocabulary {
            return Err(LoadErrors(loader.errors)); // it is there but not read: said above
        }
        loader.push(
            None,
            LoadErrorKind::MissingVocabulary {
                dir: source.label(),
            },
        );
        return Err(LoadErrors(loader.errors));
    };
    let (_, vocabulary_file) = texts.remove(vocabulary_at);
    if version_files == 0 {
        loader.push(
            None,
            LoadErrorKind::NoVersions {
                dir: source.label(),
            },
        );
    }
    let raw_vocabulary: Option<RawVocabulary> = loader.parse(&vocabulary_file);
    let version_files: Vec<Arc<SourceFile>> = texts.into_iter().map(|(_, file)| file).collect();
    let parsed = parse_in_parallel::<RawVersionFile>(&version_files);
    let raw_versions: Vec<(Arc<SourceFile>, Option<RawVersionFile>)> = version_files
        .into_iter()
        .zip(parsed)
        .map(|(file, parsed)| {
            let raw = loader.parsed(&file, parsed);
            (file, raw)
        })
        .collect();
    let Some(raw_vocabulary) = raw_vocabulary else {
        return Err(LoadErrors(loader.errors));
    };
    let seeds = raw_vocabulary.agreement.seeds.as_ref();
    let seeds_folder = seeds.map_or(DEFAULT_SEEDS, |s| s.get_ref().as_str());
    match source.seed_files(seeds_folder, MAX_FILE_BYTES) {
        Ok(listing) => {
            for (name, error) in listing.refused {
                loader.errors.push(error);
                loader.unread_seeds.insert(name);
            }
            for seed in listing.files {
                let name = seed.name.clone();
                match loader.text(seed) {
                    Some((name, file)) => loader.add_seed(name, file.text.clone()),
                    None => {
                        loader.unread_seeds.insert(name);
                    }
                }
            }
        }
        Err(kind) => {
            let location = seeds.map(|s| loader.at(&vocabulary_file, s.span()));
            loader.push(location, kind);
            loader.seeds_unread = true;
        }
    }
    loader.search_quotes(cited(&raw_vocabulary, &raw_versions));
    let mut vocabulary = loader.vocabulary(&vocabulary_file, raw_vocabulary);
    let breaches = super::breach::referenced(&raw_versions);
    loader.declare_breaches(&mut vocabulary, &breaches);
    loader.names = Names::of(&vocabulary);
    let rule_count: usize = raw_versions
        .iter()
        .filter_map(|(_, raw)| raw.as_ref().map(|r| r.rules.len()))
        .sum();
    if rule_count > MAX_RULES {
        loader.push(
            None,
            LoadErrorKind::TooManyRules {
                count: rule_count,
                limit: MAX_RULES,
            },
        );
        return Err(LoadErrors(loader.errors));
    }
    let mut versions = Vec::new();
    let mut version_ids: HashMap<String, Location> = HashMap::new();
    for (file, raw) in raw_versions {
        let Some(raw) = raw else { continue };
        let id_location = loader.at(&file, raw.version.id.span());
        if let Some(first) = version_ids.get(raw.version.id.get_ref()) {
            let kind = LoadErrorKind::Duplicate {
                what: "version",
                name: raw.version.id.get_ref().clone(),
                first: first.to_string(),
            };
            loader.push(Some(id_location), kind);
            continue;
        }
        version_ids.insert(raw.version.id.get_ref().clone(), id_location);
        if let Some(version) = loader.version(&file, raw, &vocabulary) {
            versions.push(version);
        }
    }
    if loader.errors.is_empty() {
        // A version with errors is left out: its rules are not there to name.
        loader.check_breaches(&versions, &breaches);
    }
    loader.ground(&mut vocabulary, &mut versions);
    versions.sort_by_key(|v| v.effective.date);
    if loader.errors.is_empty() {
        loader.carry_survivors(&mut versions, vocabulary.actions.len());
    }
    for pair in versions.windows(2) {
        let (first, second) = (&pair[0], &pair[1]);
        if first.life().contains(second.effective.date) {
            loader.push(
                Some(second.effective.location.clone()),
                LoadErrorKind::OverlappingVersions {
                    first: first.id.clone(),
                    second: second.id.clone(),
                    date: second.effective.date,
                },
            );
        }
    }
    if loader.errors.is_empty() {
        Ok((
            Terms {
                vocabulary,
                versions,
                seeds: loader.seeds,
            },
            loader.findings,
        ))
    } else {
        Err(LoadErrors(loader.errors))
    }
}

/// Parses `files` as TOML, on as many threads as there are cores: parsing is
/// most of the time a large agreement takes to load. The results are in the
/// order of `files`, so errors are reported in file order whatever the threads do.
fn parse_in_parallel<T: serde::de::DeserializeOwned + Send>(
    files: &[Arc<SourceFile>],
) -> Vec<Result<T, toml::de::Error>> {
    // Starting threads costs more than parsing a small agreement takes.
    const WORTH_A_THREAD: usize = 256 * 1024;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    if threads < 2 || files.len() < 2 || bytes < WORTH_A_THREAD {
        return files.iter().map(|f| toml::from_str(&f.text)).collect();
    }
    // Deal the files out by size, largest first, to the thread with the least to parse.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(files[i].text.len()));
    let mut shares: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); threads.min(files.len())];
    for i in order {
        let lightest = shares
            .iter_mut()
            .min_by_key(|(bytes, _)| *bytes)
            .expect("at least one share");
        lightest.0 += files[i].text.len();
        lightest.1.push(i);
    }
    let mut results: Vec<Option<Result<T, toml::de::Error>>> = files.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|(_, share)| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|i| (i, toml::from_str::<T>(&files[i].text)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(parsed) => {
                    for (i, result) in parsed {
                        results[i] = Some(result);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every file is dealt to one thread"))
        .collect()
}

/// Every (seed, quote) the terms cite, in file order.
fn cited<'a>(
    vocabulary: &'a RawVocabulary,
    versions: &'a [(Arc<SourceFile>, Option<RawVersionFile>)],
) -> Vec<(&'a str, &'a str)> {
    let readings = vocabulary
        .disputes
        .0
        .iter()
        .flat_map(|(_, dispute)| &dispute.get_ref().readings.0)
        .flat_map(|(_, reading)| reading.get_ref().citations.get_ref());
    let versions = versions.iter().filter_map(|(_, raw)| raw.as_ref());
    let headers = versions.clone().flat_map(|raw| {
        let superseded = raw.version.superseded.iter();
        std::iter::once(&raw.version.effective)
            .chain(superseded)
            .flat_map(|event| &event.citations)
    });
    let rules = versions
        .flat_map(|raw| &raw.rules)
        .flat_map(|rule| rule.get_ref().citations.get_ref());
    readings
        .chain(headers)
        .chain(rules)
        .map(|citation| {
            let citation = citation.get_ref();
            (
                citation.seed.get_ref().as_str(),
                citation.quote.get_ref().as_str(),
            )
        })
        .collect()
}

/// Where each action, fact and dispute is in the vocabulary, by name, so that
/// validating a rule never scans the vocabulary.
#[derive(Debug, Default)]
pub(super) struct Names {
    actions: HashMap<String, usize>,
    facts: HashMap<String, usize>,
    disputes: HashMap<String, usize>,
}

impl Names {
    fn of(vocabulary: &super::Vocabulary) -> Names {
        // The first of two equal names wins, as a scan would find it.
        fn index<'a>(
            names: impl DoubleEndedIterator<Item = (usize, &'a String)>,
        ) -> HashMap<String, usize> {
            names.rev().map(|(i, name)| (name.clone(), i)).collect()
        }
        Names {
            actions: index(vocabulary.actions.iter().map(|a| &a.id).enumerate()),
            facts: index(vocabulary.facts.iter().map(|f| &f.name).enumerate()),
            disputes: index(vocabulary.disputes.iter().map(|d| &d.id).enumerate()),
        }
    }

    /// Position of the action called `id`.
    pub(super) fn action(&self, id: &str) -> Option<usize> {
        self.actions.get(id).copied()
    }

    /// Position of the fact called `name`.
    pub(super) fn fact(&self, name: &str) -> Option<usize> {
        self.facts.get(name).copied()
    }

    /// Position of the dispute called `id`.
    pub(super) fn dispute(&self, id: &str) -> Option<usize> {
        self.disputes.get(id).copied()
    }
}

/// The state of one load: what has been read, and every error found so far.
pub(super) struct Loader {
    pub(super) errors: Vec<LoadError>,
    /// The seeds read, by name.
    pub(super) seeds: Vec<Seed>,
    /// Where each seed is in `seeds`.
    pub(super) seed_index: HashMap<String, usize>,
    /// Seeds that are there but could not be read (each already an error):
    /// citing one is no further error.
    pub(super) unread_seeds: HashSet<String>,
    /// Whether the seeds folder could not be read (already an error): no citation is checked.
    pub(super) seeds_unread: bool,
    /// What the one search per seed found for each quote cited.
    pub(super) quotes: super::citations::QuoteFindings,
    /// Load for `check`: consistency mistakes become findings.
    pub(super) lenient: bool,
    /// The consistency mistakes found when lenient.
    pub(super) findings: Vec<LoadError>,
    /// The vocabulary's names, once it is loaded.
    pub(super) names: Names,
    /// Every constant compared with a number fact and every duration counted
    /// from an event, where it is written, to cut them into classes once every
    /// version is read.
    pub(super) cuts: super::ground::CutSites,
    /// Names declared both as a fact and as an event (each already an error).
    pub(super) clashed: Vec<String>,
    /// What is left of [`SUGGESTION_BUDGET`].
    suggestion_budget: usize,
}

/// The location of `inner` (a byte range inside a string's contents) within the
/// TOML string value at `outer`; the whole value when escapes make the mapping unsure.
pub fn locate_in_string(
    file: &Arc<SourceFile>,
    outer: Range<usize>,
    inner: Range<usize>,
) -> Location {
    let raw = file.text.get(outer.clone()).unwrap_or("");
    let simple = (raw.starts_with('\'') && !raw.starts_with("'''"))
        || (raw.starts_with('"') && !raw.starts_with("\"\"\"") && !raw.contains('\\'));
    if simple {
        Location::new(
            file,
            outer.start + 1 + inner.start..outer.start + 1 + inner.end,
        )
    } else {
        Location::new(file, outer)
    }
}

pub(super) fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Loader {
    fn new(lenient: bool) -> Loader {
        Loader {
            errors: Vec::new(),
            seeds: Vec::new(),
            seed_index: HashMap::new(),
            unread_seeds: HashSet::new(),
            seeds_unread: false,
            quotes: Default::default(),
            lenient,
            findings: Vec::new(),
            names: Names::default(),
            cuts: Default::default(),
            clashed: Vec::new(),
            suggestion_budget: SUGGESTION_BUDGET,
        }
    }

    fn add_seed(&mut self, name: String, text: String) {
        self.seed_index.insert(name.clone(), self.seeds.len());
        self.seeds.push(Seed { name, text });
    }

    pub(super) fn push(&mut self, location: Option<Location>, kind: LoadErrorKind) {
        if self.lenient && kind.is_consistency_finding() {
            self.findings.push(LoadError { location, kind });
        } else {
            self.errors.push(LoadError { location, kind });
        }
    }

    /// A "did you mean" hint for `found` among `known`, within the load's
    /// budget for comparing names: past it (thousands of unknown names against
    /// thousands of known ones), the hint says so instead of comparing.
    pub(super) fn suggest<'a>(
        &mut self,
        found: &str,
        what: &str,
        known: impl IntoIterator<Item = &'a str> + Clone,
    ) -> String {
        let cost: usize = known
            .clone()
            .into_iter()
            .map(|k| (k.len() + 1).saturating_mul(found.len() + 1))
            .fold(0, usize::saturating_add);
        if cost > self.suggestion_budget {
            return format!("no suggestion: too many unknown names to compare with every {what}");
        }
        self.suggestion_budget -= cost;
        did_you_mean(found, what, known)
    }

    pub(super) fn at(&self, file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        Location::new(file, span)
    }

    pub(super) fn text(&mut self, file: RawFile) -> Option<(String, Arc<SourceFile>)> {
        match String::from_utf8(file.bytes) {
            Ok(text) => Some((file.name, SourceFile::new(file.display, text))),
            Err(error) => {
                let offset = error.utf8_error().valid_up_to();
                let before = &error.as_bytes()[..offset];
                let line_start = before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                self.push(
                    None,
                    LoadErrorKind::NotUtf8 {
                        file: file.display,
                        offset,
                        line: before.iter().filter(|&&b| b == b'\n').count() + 1,
                        column: offset - line_start + 1,
                    },
                );
                None
            }
        }
    }

    pub(super) fn parse<T: serde::de::DeserializeOwned>(
        &mut self,
        file: &Arc<SourceFile>,
    ) -> Option<T> {
        let parsed = toml::from_str::<T>(&file.text);
        self.parsed(file, parsed)
    }

    /// The value a file parsed to, or its TOML error reported.
    pub(super) fn parsed<T>(
        &mut self,
        file: &Arc<SourceFile>,
        parsed: Result<T, toml::de::Error>,
    ) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                let span = error.span().unwrap_or(0..0);
                let message = error.message().trim_end().to_string();
                let location = self.at(file, span);
                let hint = toml_hint(&message, location.text());
                self.push(Some(location), LoadErrorKind::Toml { message, hint });
                None
            }
        }
    }

    pub(super) fn date(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
    ) -> Option<NaiveDate> {
        match parse_date(raw.get_ref()) {
            Ok(date) => Some(date),
            Err(reason) => {
                self.push(
                    Some(self.at(file, raw.span())),
                    LoadErrorKind::BadDate { reason },
                );
                None
            }
        }
    }
}

/// A hint for a TOML parser message: a near miss for an unknown key, quotes for a bare word.
pub(crate) fn toml_hint(message: &str, offending: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (found, expected) = rest.split_once('`')?;
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return crate::diagnostic::closest(found, known).map(|k| format!("did you mean `{k}`?"));
    }
    let bare_word = !offending.is_empty()
        && offending
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !offending.bytes().all(|b| b.is_ascii_digit());
    (bare_word && message.starts_with("invalid"))
        .then(|| format!("text values are quoted in TOML: write \"{offending}\""))
}
