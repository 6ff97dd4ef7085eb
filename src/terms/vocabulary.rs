//! The vocabulary: parties, domains, actions, facts and disputes from `vocabulary.toml`.

use super::error::LoadErrorKind;
use super::load::Loader;
use super::load::is_name;
use super::raw::{Ordered, RawAction, RawDispute, RawEvent, RawFact, RawVocabulary};
use super::{
    Action, Dispute, Explanation, Fact, FactKind, Param, Party, TimeUnit, ValueSet, Vocabulary,
};
use crate::diagnostic::SourceFile;
use crate::syntax;
use crate::verdict::Verdict;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use toml::Spanned;

impl Loader {
    pub(super) fn vocabulary(&mut self, file: &Arc<SourceFile>, raw: RawVocabulary) -> Vocabulary {
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
        let facts = self.facts(file, raw.facts, raw.events);
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

    pub(super) fn values(
        &mut self,
        file: &Arc<SourceFile>,
        name: &str,
        raw: &Spanned<Vec<Spanned<String>>>,
    ) -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for value in raw.get_ref() {
            if !seen.insert(value.get_ref()) {
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

    pub(super) fn domains(
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

    pub(super) fn actions(
        &mut self,
        file: &Arc<SourceFile>,
        raw: Ordered<Spanned<RawAction>>,
        parties: &[Party],
        domains: &[(String, Vec<String>)],
    ) -> Vec<Action> {
        let mut actions: Vec<Action> = Vec::new();
        let mut declared: HashMap<String, usize> = HashMap::new();
        let party_ids: HashSet<&str> = parties.iter().map(|p| p.id.as_str()).collect();
        let domain_index: HashMap<&str, usize> = domains
            .iter()
            .enumerate()
            .rev()
            .map(|(i, (name, _))| (name.as_str(), i))
            .collect();
        for (key, action) in raw.0 {
            let location = self.at(file, key.span());
            let id = key.get_ref();
            match syntax::parse_pattern(id) {
                Ok(pattern) if pattern.constraints.is_empty() && !id.contains('(') => {
                    if !party_ids.contains(pattern.party.text.as_str()) {
                        let hint = self.suggest(
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
            if let Some(&first) = declared.get(id) {
                let kind = LoadErrorKind::Duplicate {
                    what: "action",
                    name: id.clone(),
                    first: actions[first].location.to_string(),
                };
                self.push(Some(location.clone()), kind);
                continue;
            }
            let action = action.into_inner();
            let mut params = Vec::new();
            for (param, domain) in action.params.0 {
                match domain_index
                    .get(domain.get_ref().as_str())
                    .map(|&i| &domains[i])
                {
                    Some((name, values)) => params.push(Param {
                        name: param.into_inner(),
                        domain: name.clone(),
                        values: values.clone(),
                    }),
                    None => {
                        let hint = self.suggest(
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
                Some(verdict) if !matches!(verdict, Verdict::Conflict | Verdict::Breached) => {
                    verdict
                }
                _ => {
                    let defaults = ["permitted", "forbidden", "required"];
                    let kind = LoadErrorKind::BadKeyword {
                        what: "default",
                        found: action.default.get_ref().clone(),
                        hint: format!(
                            "{} (a default is one of `permitted`, `forbidden`, `required`)",
                            self.suggest(action.default.get_ref(), "default", defaults)
                        ),
                    };
                    self.push(Some(self.at(file, action.default.span())), kind);
                    Verdict::Permitted
                }
            };
            declared.insert(id.clone(), actions.len());
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

    pub(super) fn facts(
        &mut self,
        file: &Arc<SourceFile>,
        raw: Ordered<Spanned<RawFact>>,
        events: Ordered<Spanned<RawEvent>>,
    ) -> Vec<Fact> {
        let mut facts: Vec<Fact> = Vec::new();
        let mut declared: HashMap<String, String> = HashMap::new();
        for (name, fact) in raw.0 {
            if !is_name(name.get_ref()) {
                let kind = LoadErrorKind::Syntax {
                    message: format!("`{}` is not a valid fact name", name.get_ref()),
                    hint: Some(
                        "use letters, digits, `_` and `-`, so that conditions can name it".into(),
                    ),
                };
                self.push(Some(self.at(file, name.span())), kind);
            }
            let here = self.at(file, name.span()).to_string();
            if let Some(first) = declared.insert(name.get_ref().clone(), here) {
                let kind = LoadErrorKind::Duplicate {
                    what: "fact",
                    name: name.get_ref().clone(),
                    first,
                };
                self.push(Some(self.at(file, name.span())), kind);
                continue;
            }
            let fact = fact.into_inner();
            let mut kind_is_wrong = false;
            let kind = match fact.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("choice") => FactKind::Choice,
                Some("number") => FactKind::Number {
                    unit: fact.unit.clone(),
                    points: Vec::new(),
                },
                Some(other) => {
                    kind_is_wrong = true;
                    let span = fact.kind.as_ref().map(|k| k.span()).unwrap_or(name.span());
                    let kind = LoadErrorKind::BadKeyword {
                        what: "fact kind",
                        found: other.to_string(),
                        hint: "a fact's `kind` is `choice` (the default) or `number`; declare an event under [events] instead".into(),
                    };
                    self.push(Some(self.at(file, span)), kind);
                    // Read on as the author most likely meant, so that one
                    // mistake gives one error.
                    if fact.unit.is_some() {
                        FactKind::Number {
                            unit: fact.unit.clone(),
                            points: Vec::new(),
                        }
                    } else {
                        FactKind::Choice
                    }
                }
            };
            let is_number = matches!(kind, FactKind::Number { .. });
            if is_number && fact.values.is_some() {
                let span = fact
                    .values
                    .as_ref()
                    .map(|v| v.span())
                    .unwrap_or(name.span());
                let kind = LoadErrorKind::Syntax {
                    message: format!("number fact `{}` cannot list values", name.get_ref()),
                    hint: Some("remove `values`: a number fact takes any number, and rules compare it with `<`, `<=`, `>`, `>=`, `=` or `!=`".into()),
                };
                self.push(Some(self.at(file, span)), kind);
            }
            if !is_number && fact.unit.is_some() && !kind_is_wrong {
                let kind = LoadErrorKind::Syntax {
                    message: format!("fact `{}` has a `unit` but is not a number", name.get_ref()),
                    hint: Some("add `kind = \"number\"`, or remove `unit`".into()),
                };
                self.push(Some(self.at(file, name.span())), kind);
            }
            let values = match (&fact.values, is_number) {
                (_, true) => Vec::new(),
                (Some(values), false) => self.values(file, name.get_ref(), values),
                (None, false) => vec!["false".into(), "true".into()],
            };
            facts.push(Fact {
                name: name.into_inner(),
                description: fact.description,
                values,
                kind,
                breach_of: None,
            });
        }
        for (name, event) in events.0 {
            if !is_name(name.get_ref()) {
                let kind = LoadErrorKind::Syntax {
                    message: format!("`{}` is not a valid event name", name.get_ref()),
                    hint: Some("use letters, digits, `_` and `-`".into()),
                };
                self.push(Some(self.at(file, name.span())), kind);
            }
            let here = self.at(file, name.span()).to_string();
            if let Some(fact_at) = declared.insert(name.get_ref().clone(), here) {
                let kind = LoadErrorKind::Syntax {
                    message: format!(
                        "`{}` is declared both as a fact and as an event",
                        name.get_ref()
                    ),
                    hint: Some(format!(
                        "the fact is at {fact_at}; facts and events share one set of names: rename one"
                    )),
                };
                self.push(Some(self.at(file, name.span())), kind);
                self.clashed.push(name.get_ref().clone());
                continue;
            }
            facts.push(Fact {
                name: name.into_inner(),
                description: event.into_inner().description,
                values: Vec::new(),
                kind: FactKind::Event {
                    unit: TimeUnit::Day,
                    offsets: vec![0],
                },
                breach_of: None,
            });
        }
        facts
    }

    pub(super) fn disputes(
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
            if readings.len() > ValueSet::MAX_VALUES {
                // Reading sets are bit sets of 64, as domains are: refuse rather than wrap.
                let kind = LoadErrorKind::TooManyReadings {
                    dispute: id.get_ref().clone(),
                    count: readings.len(),
                    limit: ValueSet::MAX_VALUES,
                };
                self.push(Some(self.at(file, id.span())), kind);
                readings.truncate(ValueSet::MAX_VALUES);
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
                    let hint = self.suggest(
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
}
