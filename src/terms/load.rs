//! Loading: raw TOML becomes validated [`Terms`], or every error found, located.

use super::raw::{
    Ordered, RawAction, RawCitation, RawDatedEvent, RawDispute, RawFact, RawRule, RawVersionFile,
    RawVocabulary,
};
use super::source::{RawFile, TermsSource};
use super::{
    Action, Citation, DatedEvent, Dispute, Explanation, Fact, Param, Party, ReadingRef, Rule,
    RuleId, Seed, Terms, ValueSet, Version, Vocabulary,
};
use crate::diagnostic::{Diagnostic, Location, SourceFile, did_you_mean};
use crate::interval::{DateInterval, parse_date};
use crate::syntax::{self, Operator};
use crate::verdict::{Effect, Verdict};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// Terms files larger than this are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Terms with more rules than this, over all versions, are refused.
pub const MAX_RULES: usize = 100_000;

/// What is wrong with the terms, one variant per kind of mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadErrorKind {
    /// A file or directory could not be read.
    #[error("cannot read `{path}`: {reason}")]
    Unreadable {
        /// The path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// A file is not UTF-8 text.
    #[error(
        "`{file}` is not UTF-8 text: the first bad byte is on line {line}, column {column} (byte offset {offset})"
    )]
    NotUtf8 {
        /// The file.
        file: String,
        /// Where the first invalid byte is.
        offset: usize,
        /// Its line, from 1.
        line: usize,
        /// Its column in bytes, from 1.
        column: usize,
    },
    /// A file is over [`MAX_FILE_BYTES`].
    #[error("`{file}` is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// More rules than [`MAX_RULES`].
    #[error("the terms have {count} rules, over the limit of {limit}")]
    TooManyRules {
        /// How many rules there are.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The terms directory has no `vocabulary.toml`.
    #[error("no `vocabulary.toml` in {dir}")]
    MissingVocabulary {
        /// The directory.
        dir: String,
    },
    /// The terms directory has no version file.
    #[error("no version file (`*.toml` besides `vocabulary.toml`) in {dir}")]
    NoVersions {
        /// The directory.
        dir: String,
    },
    /// TOML that does not parse, or has a key or value of the wrong shape.
    #[error("{message}")]
    Toml {
        /// The parser's message.
        message: String,
        /// What to write instead, when covenant can tell.
        hint: Option<String>,
    },
    /// A date that is not a real `YYYY-MM-DD` date.
    #[error("invalid date: {reason}")]
    BadDate {
        /// What is wrong with it.
        reason: String,
    },
    /// `from` on or after `until`.
    #[error("the interval is empty: `from` {from} is not before `until` {until}")]
    EmptyInterval {
        /// The start.
        from: NaiveDate,
        /// The end.
        until: NaiveDate,
    },
    /// A pattern, condition or reference that does not parse.
    #[error("{message}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// What to write instead.
        hint: Option<String>,
    },
    /// A name that is not declared.
    #[error("unknown {what} `{found}`")]
    Unknown {
        /// What kind of name: action, parameter, value, fact, dispute, reading, rule...
        what: &'static str,
        /// The name as written.
        found: String,
        /// A suggestion or the list of known names.
        hint: String,
    },
    /// A name declared twice.
    #[error("duplicate {what} `{name}`")]
    Duplicate {
        /// What kind of name.
        what: &'static str,
        /// The name.
        name: String,
        /// Where it was first declared.
        first: String,
    },
    /// A rule that overrides itself.
    #[error("rule `{rule}` overrides itself")]
    SelfOverride {
        /// The rule.
        rule: String,
    },
    /// Overrides that form a cycle.
    #[error("overrides form a cycle: {}", cycle.join(" → "))]
    OverrideCycle {
        /// The rules around the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A citation of a seed that does not exist.
    #[error("no seed named `{seed}`")]
    MissingSeed {
        /// The seed named.
        seed: String,
        /// A suggestion or the list of seeds.
        hint: String,
    },
    /// A quote that is not verbatim in its seed.
    #[error("the quote is not verbatim in `{seed}`")]
    QuoteNotFound {
        /// The seed.
        seed: String,
        /// Where the quote and the seed part ways.
        hint: String,
    },
    /// A rule or reading without citations.
    #[error("{what} has no citation")]
    NoCitation {
        /// What lacks one.
        what: String,
    },
    /// A constraint no value satisfies.
    #[error("`{name}` can take no value here: the constraints leave nothing")]
    EmptyConstraint {
        /// The parameter or fact.
        name: String,
    },
    /// A malformed domain.
    #[error("domain `{name}` {problem}")]
    BadDomain {
        /// The domain.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A rule's verdict or effect name that does not exist.
    #[error("unknown {what} `{found}`")]
    BadKeyword {
        /// `effect` or `default`.
        what: &'static str,
        /// What was written.
        found: String,
        /// The accepted spellings.
        hint: String,
    },
    /// A version superseded on or before it took effect.
    #[error(
        "version `{version}` is superseded on {superseded}, not after it took effect on {effective}"
    )]
    SupersededBeforeEffective {
        /// The version.
        version: String,
        /// Its effective date.
        effective: NaiveDate,
        /// Its superseded date.
        superseded: NaiveDate,
    },
    /// Two versions in force on the same day.
    #[error("versions `{first}` and `{second}` are both in force on {date}")]
    OverlappingVersions {
        /// The earlier version.
        first: String,
        /// The later version.
        second: String,
        /// A day both cover.
        date: NaiveDate,
    },
}

impl LoadErrorKind {
    /// How to fix the mistake, where there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            LoadErrorKind::Unknown { hint, .. }
            | LoadErrorKind::MissingSeed { hint, .. }
            | LoadErrorKind::QuoteNotFound { hint, .. }
            | LoadErrorKind::BadKeyword { hint, .. } => Some(hint.clone()),
            LoadErrorKind::Syntax { hint, .. } | LoadErrorKind::Toml { hint, .. } => hint.clone(),
            LoadErrorKind::Duplicate { first, .. } => Some(format!("first declared at {first}")),
            LoadErrorKind::EmptyInterval { .. } => Some(
                "rules are valid over [from, until); \"through 2032\" is until = \"2033-01-01\""
                    .into(),
            ),
            LoadErrorKind::OverrideCycle { .. } | LoadErrorKind::SelfOverride { .. } => {
                Some("an exception names the rules it beats; remove one `overrides` entry".into())
            }
            LoadErrorKind::NoCitation { .. } => {
                Some("add `citations = [{ seed = \"FILE\", quote = \"verbatim passage\" }]`".into())
            }
            LoadErrorKind::BadDate { .. } => Some("write dates as strings: \"2026-04-27\"".into()),
            LoadErrorKind::TooLarge { .. } | LoadErrorKind::TooManyRules { .. } => {
                Some("split the agreement, or check that this is the file you meant".into())
            }
            _ => None,
        }
    }
}

/// One mistake in the terms, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct LoadError {
    /// Where, when the mistake is inside a file.
    pub location: Option<Location>,
    /// What.
    pub kind: LoadErrorKind,
}

impl LoadError {
    pub(super) fn unlocated(kind: LoadErrorKind) -> LoadError {
        LoadError {
            location: None,
            kind,
        }
    }

    /// The diagnostic a person sees.
    pub fn diagnostic(&self) -> Diagnostic {
        let label = match &self.kind {
            LoadErrorKind::Unknown { what, .. } => format!("no such {what}"),
            LoadErrorKind::QuoteNotFound { .. } => "not in the seed".into(),
            _ => String::new(),
        };
        Diagnostic::error(self.kind.to_string(), self.location.clone())
            .with_label(label)
            .with_hint(self.kind.hint())
    }
}

/// Every mistake loading found, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the terms have {} error(s)", .0.len())]
pub struct LoadErrors(pub Vec<LoadError>);

impl LoadErrors {
    /// The diagnostics a person sees, one per error.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.0.iter().map(LoadError::diagnostic).collect()
    }
}

impl From<LoadError> for LoadErrors {
    fn from(error: LoadError) -> Self {
        LoadErrors(vec![error])
    }
}

/// Reads, parses and validates terms, reporting every error found.
pub fn load(source: &TermsSource) -> Result<Terms, LoadErrors> {
    load_with(source, Loader::default()).map(|(terms, _)| terms)
}

/// Loads terms for `covenant check`: mistakes that leave the terms meaningful
/// (a quote not verbatim in its seed, a rule whose interval is empty, an
/// override cycle) do not stop loading; they are returned beside the terms, as
/// findings to report. The quote is left out, the rule never applies, the
/// overrides on the cycle are dropped. Every other mistake is an error as in [`load`].
pub fn load_for_check(source: &TermsSource) -> Result<(Terms, Vec<LoadError>), LoadErrors> {
    let loader = Loader {
        lenient: true,
        ..Loader::default()
    };
    load_with(source, loader)
}

impl LoadErrorKind {
    /// Whether [`load_for_check`] reports this mistake as a finding and goes on loading.
    pub fn is_consistency_finding(&self) -> bool {
        matches!(
            self,
            LoadErrorKind::QuoteNotFound { .. }
                | LoadErrorKind::EmptyInterval { .. }
                | LoadErrorKind::OverrideCycle { .. }
        )
    }
}

fn load_with(
    source: &TermsSource,
    mut loader: Loader,
) -> Result<(Terms, Vec<LoadError>), LoadErrors> {
    let files = source.terms_files(MAX_FILE_BYTES)?;
    let version_files = files.iter().filter(|f| f.name != "vocabulary.toml").count();
    let has_vocabulary = files.iter().any(|f| f.name == "vocabulary.toml");
    let mut texts = Vec::new();
    for file in files {
        if let Some(text) = loader.text(file) {
            texts.push(text);
        }
    }
    let vocabulary_at = texts.iter().position(|f| f.0 == "vocabulary.toml");
    let Some(vocabulary_at) = vocabulary_at else {
        if has_vocabulary {
            return Err(LoadErrors(loader.errors)); // it is there but not text: said above
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
    let raw_versions: Vec<(Arc<SourceFile>, Option<RawVersionFile>)> = texts
        .into_iter()
        .map(|(_, file)| {
            let raw = loader.parse(&file);
            (file, raw)
        })
        .collect();
    let Some(raw_vocabulary) = raw_vocabulary else {
        return Err(LoadErrors(loader.errors));
    };
    let seeds_dir = raw_vocabulary
        .agreement
        .seeds
        .as_deref()
        .unwrap_or("../seeds");
    match source.seed_files(seeds_dir, MAX_FILE_BYTES) {
        Ok(seeds) => {
            for seed in seeds {
                if let Some((name, file)) = loader.text(seed) {
                    loader.seeds.push(Seed {
                        name,
                        text: file.text.clone(),
                    });
                }
            }
        }
        Err(error) => loader.errors.push(error),
    }
    let vocabulary = loader.vocabulary(&vocabulary_file, raw_vocabulary);
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
    versions.sort_by_key(|v| v.effective.date);
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

#[derive(Default)]
struct Loader {
    errors: Vec<LoadError>,
    seeds: Vec<Seed>,
    /// Load for `check`: consistency mistakes become findings.
    lenient: bool,
    /// The consistency mistakes found when lenient.
    findings: Vec<LoadError>,
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

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Loader {
    fn push(&mut self, location: Option<Location>, kind: LoadErrorKind) {
        if self.lenient && kind.is_consistency_finding() {
            self.findings.push(LoadError { location, kind });
        } else {
            self.errors.push(LoadError { location, kind });
        }
    }

    fn at(&self, file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        Location::new(file, span)
    }

    fn text(&mut self, file: RawFile) -> Option<(String, Arc<SourceFile>)> {
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

    fn parse<T: serde::de::DeserializeOwned>(&mut self, file: &Arc<SourceFile>) -> Option<T> {
        match toml::from_str::<T>(&file.text) {
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

    fn date(&mut self, file: &Arc<SourceFile>, raw: &Spanned<String>) -> Option<NaiveDate> {
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

    fn citations(&mut self, file: &Arc<SourceFile>, raw: &[Spanned<RawCitation>]) -> Vec<Citation> {
        raw.iter()
            .filter_map(|citation| self.citation(file, citation))
            .collect()
    }

    fn citation(&mut self, file: &Arc<SourceFile>, raw: &Spanned<RawCitation>) -> Option<Citation> {
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

    fn vocabulary(&mut self, file: &Arc<SourceFile>, raw: RawVocabulary) -> Vocabulary {
        let mut parties = Vec::new();
        for (id, name) in raw.parties.0 {
            if !is_name(id.get_ref()) {
                let kind = LoadErrorKind::Syntax {
                    message: format!("`{}` is not a valid party name", id.get_ref()),
                    hint: Some("use letters, digits, `_` and `-`".into()),
                };
                self.push(Some(self.at(file, id.span())), kind);
            }
            parties.push(Party {
                id: id.into_inner(),
                name: name.into_inner(),
            });
        }
        let domains = self.domains(file, raw.domains);
        let actions = self.actions(file, raw.actions, &parties, &domains);
        let facts = self.facts(file, raw.facts);
        let disputes = self.disputes(file, raw.disputes);
        let explained = raw
            .explained
            .into_iter()
            .map(|e| Explanation {
                code: e.warning,
                subject: e.subject,
                why: e.why,
            })
            .collect();
        Vocabulary {
            title: raw.agreement.title,
            parties,
            actions,
            facts,
            disputes,
            explained,
        }
    }

    fn values(
        &mut self,
        file: &Arc<SourceFile>,
        name: &str,
        raw: &Spanned<Vec<Spanned<String>>>,
    ) -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        for value in raw.get_ref() {
            if values.contains(value.get_ref()) {
                let kind = LoadErrorKind::BadDomain {
                    name: name.into(),
                    problem: format!("lists `{}` twice", value.get_ref()),
                };
                self.push(Some(self.at(file, value.span())), kind);
            } else {
                values.push(value.get_ref().clone());
            }
        }
        let problem = if values.is_empty() {
            Some("has no value".to_string())
        } else if values.len() > ValueSet::MAX_VALUES {
            Some(format!(
                "has {} values; a domain may have at most {}",
                values.len(),
                ValueSet::MAX_VALUES
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            let kind = LoadErrorKind::BadDomain {
                name: name.into(),
                problem,
            };
            self.push(Some(self.at(file, raw.span())), kind);
            values.truncate(ValueSet::MAX_VALUES);
        }
        values
    }

    fn domains(
        &mut self,
        file: &Arc<SourceFile>,
        raw: Ordered<Spanned<Vec<Spanned<String>>>>,
    ) -> Vec<(String, Vec<String>)> {
        raw.0
            .into_iter()
            .map(|(name, values)| {
                let values = self.values(file, name.get_ref(), &values);
                (name.into_inner(), values)
            })
            .collect()
    }

    fn actions(
        &mut self,
        file: &Arc<SourceFile>,
        raw: Ordered<Spanned<RawAction>>,
        parties: &[Party],
        domains: &[(String, Vec<String>)],
    ) -> Vec<Action> {
        let mut actions: Vec<Action> = Vec::new();
        for (key, action) in raw.0 {
            let location = self.at(file, key.span());
            let id = key.get_ref();
            match syntax::parse_pattern(id) {
                Ok(pattern) if pattern.constraints.is_empty() && !id.contains('(') => {
                    if !parties.iter().any(|p| p.id == pattern.party.text) {
                        let hint = did_you_mean(
                            &pattern.party.text,
                            "party",
                            parties.iter().map(|p| p.id.as_str()),
                        );
                        let kind = LoadErrorKind::Unknown {
                            what: "party",
                            found: pattern.party.text.clone(),
                            hint,
                        };
                        self.push(Some(location.clone()), kind);
                    }
                }
                _ => {
                    let kind = LoadErrorKind::Syntax {
                        message: format!("`{id}` is not an action name"),
                        hint: Some("name actions `party.action`, e.g. `openai.host_models`".into()),
                    };
                    self.push(Some(location.clone()), kind);
                }
            }
            if let Some(first) = actions.iter().find(|a| &a.id == id) {
                let kind = LoadErrorKind::Duplicate {
                    what: "action",
                    name: id.clone(),
                    first: first.location.to_string(),
                };
                self.push(Some(location.clone()), kind);
                continue;
            }
            let action = action.into_inner();
            let mut params = Vec::new();
            for (param, domain) in action.params.0 {
                match domains.iter().find(|(name, _)| name == domain.get_ref()) {
                    Some((name, values)) => params.push(Param {
                        name: param.into_inner(),
                        domain: name.clone(),
                        values: values.clone(),
                    }),
                    None => {
                        let hint = did_you_mean(
                            domain.get_ref(),
                            "domain",
                            domains.iter().map(|(n, _)| n.as_str()),
                        );
                        let kind = LoadErrorKind::Unknown {
                            what: "domain",
                            found: domain.get_ref().clone(),
                            hint,
                        };
                        self.push(Some(self.at(file, domain.span())), kind);
                    }
                }
            }
            let default = match Verdict::parse(action.default.get_ref()) {
                Some(verdict) if verdict != Verdict::Conflict => verdict,
                _ => {
                    let defaults = ["permitted", "forbidden", "required"];
                    let kind = LoadErrorKind::BadKeyword {
                        what: "default",
                        found: action.default.get_ref().clone(),
                        hint: format!(
                            "{} (a default is one of `permitted`, `forbidden`, `required`)",
                            did_you_mean(action.default.get_ref(), "default", defaults)
                        ),
                    };
                    self.push(Some(self.at(file, action.default.span())), kind);
                    Verdict::Permitted
                }
            };
            actions.push(Action {
                id: id.clone(),
                description: action.description,
                params,
                default,
                default_reason: action.default_reason,
                location,
            });
        }
        actions
    }

    fn facts(&mut self, file: &Arc<SourceFile>, raw: Ordered<Spanned<RawFact>>) -> Vec<Fact> {
        let mut facts: Vec<Fact> = Vec::new();
        for (name, fact) in raw.0 {
            if facts.iter().any(|f| &f.name == name.get_ref()) {
                let kind = LoadErrorKind::Duplicate {
                    what: "fact",
                    name: name.get_ref().clone(),
                    first: "an earlier [facts] entry".into(),
                };
                self.push(Some(self.at(file, name.span())), kind);
                continue;
            }
            let fact = fact.into_inner();
            let values = match &fact.values {
                Some(values) => self.values(file, name.get_ref(), values),
                None => vec!["false".into(), "true".into()],
            };
            facts.push(Fact {
                name: name.into_inner(),
                description: fact.description,
                values,
            });
        }
        facts
    }

    fn disputes(
        &mut self,
        file: &Arc<SourceFile>,
        raw: Ordered<Spanned<RawDispute>>,
    ) -> Vec<Dispute> {
        let mut disputes = Vec::new();
        for (id, dispute) in raw.0 {
            let dispute_span = dispute.span();
            let dispute = dispute.into_inner();
            let mut readings = Vec::new();
            for (reading_id, reading) in dispute.readings.0 {
                let reading = reading.into_inner();
                if reading.citations.get_ref().is_empty() {
                    let kind = LoadErrorKind::NoCitation {
                        what: format!("reading `{}.{}`", id.get_ref(), reading_id.get_ref()),
                    };
                    self.push(Some(self.at(file, reading.citations.span())), kind);
                }
                let citations = self.citations(file, reading.citations.get_ref());
                readings.push(super::Reading {
                    id: reading_id.into_inner(),
                    summary: reading.summary,
                    citations,
                });
            }
            if readings.len() < 2 {
                let kind = LoadErrorKind::Syntax {
                    message: format!("dispute `{}` has fewer than two readings", id.get_ref()),
                    hint: Some("a dispute records at least two sides".into()),
                };
                self.push(Some(self.at(file, dispute_span.clone())), kind);
            }
            let default = match readings
                .iter()
                .position(|r| &r.id == dispute.default.get_ref())
            {
                Some(index) => index,
                None => {
                    let hint = did_you_mean(
                        dispute.default.get_ref(),
                        "reading",
                        readings.iter().map(|r| r.id.as_str()),
                    );
                    let kind = LoadErrorKind::Unknown {
                        what: "reading",
                        found: dispute.default.get_ref().clone(),
                        hint,
                    };
                    self.push(Some(self.at(file, dispute.default.span())), kind);
                    0
                }
            };
            disputes.push(Dispute {
                id: id.into_inner(),
                question: dispute.question,
                readings,
                default,
                default_reason: dispute.default_reason,
            });
        }
        disputes
    }

    fn dated_event(&mut self, file: &Arc<SourceFile>, raw: &RawDatedEvent) -> Option<DatedEvent> {
        let date = self.date(file, &raw.date)?;
        Some(DatedEvent {
            date,
            location: self.at(file, raw.date.span()),
            source: raw.source.clone(),
            citations: self.citations(file, &raw.citations),
        })
    }

    fn version(
        &mut self,
        file: &Arc<SourceFile>,
        raw: RawVersionFile,
        vocabulary: &Vocabulary,
    ) -> Option<Version> {
        let errors_before = self.errors.len();
        let effective = self.dated_event(file, &raw.version.effective);
        let superseded = raw
            .version
            .superseded
            .as_ref()
            .map(|s| self.dated_event(file, s));
        let id = raw.version.id.get_ref().clone();
        if let (Some(effective), Some(Some(superseded))) = (&effective, &superseded) {
            if superseded.date <= effective.date {
                let location = raw
                    .version
                    .superseded
                    .as_ref()
                    .map(|s| self.at(file, s.date.span()));
                let kind = LoadErrorKind::SupersededBeforeEffective {
                    version: id.clone(),
                    effective: effective.date,
                    superseded: superseded.date,
                };
                self.push(location, kind);
            }
        }
        let mut ids: HashMap<String, Location> = HashMap::new();
        let mut rules = Vec::new();
        let mut raw_overrides = Vec::new();
        for raw_rule in raw.rules {
            let location = self.at(file, raw_rule.span());
            let raw_rule = raw_rule.into_inner();
            let rule_id = raw_rule.id.get_ref().clone();
            if let Some(first) = ids.get(&rule_id) {
                let kind = LoadErrorKind::Duplicate {
                    what: "rule id",
                    name: rule_id,
                    first: first.to_string(),
                };
                self.push(Some(self.at(file, raw_rule.id.span())), kind);
                continue;
            }
            ids.insert(rule_id, self.at(file, raw_rule.id.span()));
            if let Some(rule) = self.rule(file, &raw_rule, vocabulary, location) {
                raw_overrides.push(raw_rule.overrides);
                rules.push(rule);
            }
        }
        self.resolve_overrides(file, &mut rules, &raw_overrides);
        let effective = effective?;
        let superseded = match superseded {
            Some(Some(s)) => Some(s),
            Some(None) => return None,
            None => None,
        };
        if self.errors.len() > errors_before {
            return None;
        }
        let mut rules_by_action = vec![Vec::new(); vocabulary.actions.len()];
        for (index, rule) in rules.iter().enumerate() {
            rules_by_action[rule.action].push(index);
        }
        Some(Version {
            id,
            title: raw.version.title,
            effective,
            superseded,
            rules,
            file: file.name.clone(),
            rules_by_action,
        })
    }

    fn rule(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &RawRule,
        vocabulary: &Vocabulary,
        location: Location,
    ) -> Option<Rule> {
        let errors_before = self.errors.len();
        let (action, params) = self.rule_pattern(file, &raw.action, vocabulary)?;
        let effect = match Effect::parse(raw.effect.get_ref()) {
            Some(effect) => Some(effect),
            None => {
                let kind = LoadErrorKind::BadKeyword {
                    what: "effect",
                    found: raw.effect.get_ref().clone(),
                    hint: format!(
                        "{} (an effect is `permit`, `forbid` or `oblige`)",
                        did_you_mean(raw.effect.get_ref(), "effect", Effect::NAMES)
                    ),
                };
                self.push(Some(self.at(file, raw.effect.span())), kind);
                None
            }
        };
        let from = raw.from.as_ref().map(|d| self.date(file, d));
        let until = raw.until.as_ref().map(|d| self.date(file, d));
        let mut empty_interval = false;
        let valid = match (from, until) {
            (Some(None), _) | (_, Some(None)) => None,
            (from, until) => match DateInterval::new(from.flatten(), until.flatten()) {
                Ok(valid) => Some(valid),
                Err(empty) => {
                    let span = raw.until.as_ref().map(|u| u.span()).unwrap_or(0..0);
                    let kind = LoadErrorKind::EmptyInterval {
                        from: empty.from,
                        until: empty.until,
                    };
                    self.push(Some(self.at(file, span)), kind);
                    empty_interval = true;
                    self.lenient.then_some(DateInterval::ALWAYS)
                }
            },
        };
        let condition = match &raw.when {
            Some(when) => self.condition(file, when, vocabulary),
            None => Some(Vec::new()),
        };
        let reading = match &raw.reading {
            Some(reading) => self.reading_ref(file, reading, vocabulary).map(Some),
            None => Some(None),
        };
        if raw.citations.get_ref().is_empty() {
            let kind = LoadErrorKind::NoCitation {
                what: format!("rule `{}`", raw.id.get_ref()),
            };
            self.push(Some(self.at(file, raw.citations.span())), kind);
        }
        let citations = self.citations(file, raw.citations.get_ref());
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Rule {
            id: RuleId(raw.id.get_ref().clone()),
            action,
            params,
            effect: effect?,
            valid: valid?,
            empty_interval,
            condition: condition?,
            overrides: Vec::new(),
            beats: Vec::new(),
            reading: reading?,
            citations,
            note: raw.note.clone(),
            pattern: raw.action.get_ref().clone(),
            when: raw.when.as_ref().map(|w| w.get_ref().clone()),
            location,
        })
    }

    fn rule_pattern(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
        vocabulary: &Vocabulary,
    ) -> Option<(usize, Vec<ValueSet>)> {
        let locate = |inner: Range<usize>| locate_in_string(file, raw.span(), inner);
        let pattern = match syntax::parse_pattern(raw.get_ref()) {
            Ok(pattern) => pattern,
            Err(error) => {
                let kind = LoadErrorKind::Syntax {
                    message: error.message,
                    hint: error.hint,
                };
                self.push(Some(locate(error.span)), kind);
                return None;
            }
        };
        let name = pattern.action_name();
        let Some(action_index) = vocabulary.actions.iter().position(|a| a.id == name) else {
            let hint = did_you_mean(
                &name,
                "action",
                vocabulary.actions.iter().map(|a| a.id.as_str()),
            );
            let kind = LoadErrorKind::Unknown {
                what: "action",
                found: name,
                hint,
            };
            self.push(Some(locate(pattern.action_span())), kind);
            return None;
        };
        let action = &vocabulary.actions[action_index];
        let mut sets: Vec<ValueSet> = action
            .params
            .iter()
            .map(|p| ValueSet::full(p.values.len()))
            .collect();
        let mut ok = true;
        for constraint in &pattern.constraints {
            let Some(param) = action.param_index(&constraint.name.text) else {
                let hint = if action.params.is_empty() {
                    format!("`{}` takes no parameters", action.id)
                } else {
                    did_you_mean(
                        &constraint.name.text,
                        "parameter",
                        action.params.iter().map(|p| p.name.as_str()),
                    )
                };
                let kind = LoadErrorKind::Unknown {
                    what: "parameter",
                    found: constraint.name.text.clone(),
                    hint,
                };
                self.push(Some(locate(constraint.name.span.clone())), kind);
                ok = false;
                continue;
            };
            let values = &action.params[param].values;
            let Some(set) = self.value_set(constraint, values, "value", &locate) else {
                ok = false;
                continue;
            };
            sets[param] = sets[param].intersect(set);
            if sets[param].is_empty() {
                let kind = LoadErrorKind::EmptyConstraint {
                    name: constraint.name.text.clone(),
                };
                self.push(Some(locate(constraint.span.clone())), kind);
                ok = false;
            }
        }
        ok.then_some((action_index, sets))
    }

    /// The values a constraint allows, over a domain of `values`.
    fn value_set(
        &mut self,
        constraint: &syntax::Constraint,
        values: &[String],
        what: &'static str,
        locate: &dyn Fn(Range<usize>) -> Location,
    ) -> Option<ValueSet> {
        let mut set = ValueSet::default();
        for value in &constraint.values {
            match values.iter().position(|v| v == &value.text) {
                Some(index) => set = ValueSet(set.0 | ValueSet::single(index).0),
                None => {
                    let kind = LoadErrorKind::Unknown {
                        what,
                        found: value.text.clone(),
                        hint: crate::query::value_hint(&value.text, &constraint.name.text, values),
                    };
                    self.push(Some(locate(value.span.clone())), kind);
                    return None;
                }
            }
        }
        Some(match constraint.operator {
            Operator::Equal | Operator::In => set,
            Operator::NotEqual | Operator::NotIn => set.complement(values.len()),
        })
    }

    fn condition(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
        vocabulary: &Vocabulary,
    ) -> Option<Vec<(usize, ValueSet)>> {
        let locate = |inner: Range<usize>| locate_in_string(file, raw.span(), inner);
        let constraints = match syntax::parse_condition(raw.get_ref()) {
            Ok(constraints) => constraints,
            Err(error) => {
                let kind = LoadErrorKind::Syntax {
                    message: error.message,
                    hint: error.hint,
                };
                self.push(Some(locate(error.span)), kind);
                return None;
            }
        };
        let mut condition: Vec<(usize, ValueSet)> = Vec::new();
        let mut ok = true;
        for constraint in &constraints {
            let Some(fact) = vocabulary
                .facts
                .iter()
                .position(|f| f.name == constraint.name.text)
            else {
                let hint = did_you_mean(
                    &constraint.name.text,
                    "fact",
                    vocabulary.facts.iter().map(|f| f.name.as_str()),
                );
                let kind = LoadErrorKind::Unknown {
                    what: "fact",
                    found: constraint.name.text.clone(),
                    hint,
                };
                self.push(Some(locate(constraint.name.span.clone())), kind);
                ok = false;
                continue;
            };
            let values = &vocabulary.facts[fact].values;
            let Some(set) = self.value_set(constraint, values, "fact value", &locate) else {
                ok = false;
                continue;
            };
            match condition.iter_mut().find(|(f, _)| *f == fact) {
                Some((_, existing)) => *existing = existing.intersect(set),
                None => condition.push((fact, set)),
            }
            if condition.iter().any(|(_, s)| s.is_empty()) {
                let kind = LoadErrorKind::EmptyConstraint {
                    name: constraint.name.text.clone(),
                };
                self.push(Some(locate(constraint.span.clone())), kind);
                ok = false;
            }
        }
        ok.then_some(condition)
    }

    fn reading_ref(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
        vocabulary: &Vocabulary,
    ) -> Option<ReadingRef> {
        let text = raw.get_ref();
        let Some((dispute_name, reading_name)) = text.split_once('.') else {
            let kind = LoadErrorKind::Syntax {
                message: format!("`{text}` does not name a reading"),
                hint: Some("write `reading = \"DISPUTE.READING\"`".into()),
            };
            self.push(Some(self.at(file, raw.span())), kind);
            return None;
        };
        let disputes = &vocabulary.disputes;
        let Some(dispute) = disputes.iter().position(|d| d.id == dispute_name) else {
            let hint = did_you_mean(
                dispute_name,
                "dispute",
                disputes.iter().map(|d| d.id.as_str()),
            );
            let kind = LoadErrorKind::Unknown {
                what: "dispute",
                found: dispute_name.into(),
                hint,
            };
            let location = locate_in_string(file, raw.span(), 0..dispute_name.len());
            self.push(Some(location), kind);
            return None;
        };
        let readings = &disputes[dispute].readings;
        let Some(reading) = disputes[dispute].reading_index(reading_name) else {
            let hint = did_you_mean(
                reading_name,
                "reading",
                readings.iter().map(|r| r.id.as_str()),
            );
            let kind = LoadErrorKind::Unknown {
                what: "reading",
                found: reading_name.into(),
                hint,
            };
            let location = locate_in_string(file, raw.span(), dispute_name.len() + 1..text.len());
            self.push(Some(location), kind);
            return None;
        };
        Some(ReadingRef { dispute, reading })
    }

    fn resolve_overrides(
        &mut self,
        file: &Arc<SourceFile>,
        rules: &mut [Rule],
        raw: &[Vec<Spanned<String>>],
    ) {
        let index: HashMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.0.as_str(), i))
            .collect();
        let mut resolved = vec![Vec::new(); rules.len()];
        for (rule, names) in raw.iter().enumerate() {
            for name in names {
                match index.get(name.get_ref().as_str()) {
                    Some(&target) if target == rule => {
                        let kind = LoadErrorKind::SelfOverride {
                            rule: name.get_ref().clone(),
                        };
                        self.push(Some(self.at(file, name.span())), kind);
                    }
                    Some(&target) => resolved[rule].push(target),
                    None => {
                        let hint =
                            crate::query::suggest(name.get_ref(), "rule", index.keys().copied());
                        let kind = LoadErrorKind::Unknown {
                            what: "rule",
                            found: name.get_ref().clone(),
                            hint,
                        };
                        self.push(Some(self.at(file, name.span())), kind);
                    }
                }
            }
        }
        while let Some(cycle) = find_cycle(&resolved) {
            let names: Vec<String> = cycle.iter().map(|&i| rules[i].id.0.clone()).collect();
            let location = rules[cycle[0]].location.clone();
            self.push(
                Some(location),
                LoadErrorKind::OverrideCycle { cycle: names },
            );
            if !self.lenient {
                return;
            }
            for (at, &from) in cycle.iter().enumerate() {
                let to = cycle[(at + 1) % cycle.len()];
                resolved[from].retain(|&target| target != to);
            }
        }
        for (i, rule) in rules.iter_mut().enumerate() {
            rule.overrides = resolved[i].clone();
            rule.beats = reachable(&resolved, i);
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

/// A cycle in the override graph, as rule indices with the first repeated at the end.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; edges.len()];
    for start in 0..edges.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search; `path` holds the open nodes.
        let mut path = vec![start];
        let mut next_edge = vec![0usize];
        marks[start] = Mark::Open;
        while let Some(&node) = path.last() {
            let at = next_edge
                .last_mut()
                .expect("next_edge has one entry per path node");
            if let Some(&target) = edges[node].get(*at) {
                *at += 1;
                match marks[target] {
                    Mark::Open => {
                        let from = path
                            .iter()
                            .position(|&n| n == target)
                            .expect("open nodes are on the path");
                        let mut cycle = path[from..].to_vec();
                        cycle.push(target);
                        return Some(cycle);
                    }
                    Mark::New => {
                        marks[target] = Mark::Open;
                        path.push(target);
                        next_edge.push(0);
                    }
                    Mark::Done => {}
                }
            } else {
                marks[node] = Mark::Done;
                path.pop();
                next_edge.pop();
            }
        }
    }
    None
}

fn reachable(edges: &[Vec<usize>], start: usize) -> Vec<usize> {
    let mut seen = vec![false; edges.len()];
    let mut stack = edges[start].clone();
    while let Some(node) = stack.pop() {
        if !seen[node] {
            seen[node] = true;
            stack.extend(&edges[node]);
        }
    }
    (0..edges.len()).filter(|&i| seen[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_search_finds_where_a_quote_departs_from_its_seed() {
        assert_eq!(longest_matching_prefix("the cat sat", "the cat sat"), 11);
        assert_eq!(longest_matching_prefix("the cat sat", "the cow"), 5);
        assert_eq!(longest_matching_prefix("the cat sat", "xyz"), 0);
    }

    #[test]
    fn cycles_are_found_and_closures_follow_chains() {
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![0]]),
            Some(vec![0, 1, 2, 0])
        );
        assert_eq!(find_cycle(&[vec![1], vec![2], vec![]]), None);
        assert_eq!(reachable(&[vec![1], vec![2], vec![]], 0), vec![1, 2]);
    }
}
