//! Rules: a rule's action pattern, effect, dates, condition and reading.

use super::error::LoadErrorKind;
use super::load::{Loader, locate_in_string};
use super::raw::RawRule;
use super::{ReadingRef, Rule, RuleId, ValueSet, Vocabulary};
use crate::diagnostic::{Location, SourceFile};
use crate::interval::DateInterval;
use crate::syntax::{self, Operator};
use crate::verdict::Effect;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

impl Loader {
    pub(super) fn rule(
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
                        self.suggest(raw.effect.get_ref(), "effect", Effect::NAMES)
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
            reading: reading?,
            citations,
            note: raw.note.clone(),
            pattern: raw.action.get_ref().clone(),
            when: raw.when.as_ref().map(|w| w.get_ref().clone()),
            location,
        })
    }

    pub(super) fn rule_pattern(
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
        let Some(action_index) = self.names.action(&name) else {
            let hint = self.suggest(
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
                    self.suggest(
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
    pub(super) fn value_set(
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

    pub(super) fn condition(
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
            let Some(fact) = self.names.fact(&constraint.name.text) else {
                let hint = self.suggest(
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

    pub(super) fn reading_ref(
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
        let Some(dispute) = self.names.dispute(dispute_name) else {
            let hint = self.suggest(
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
            let hint = self.suggest(
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
}
