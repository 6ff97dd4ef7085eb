//! Rules: a rule's action pattern, effect, dates, condition and reading.

use super::error::LoadErrorKind;
use super::load::{Loader, locate_in_string};
use super::raw::RawRule;
use super::{
    Endpoint, FactKind, Formula, NumberTest, Offset, ReadingRef, Rule, RuleId, ValueSet, Vocabulary,
};
use crate::diagnostic::{Location, SourceFile};
use crate::interval::DateInterval;
use crate::number::Number;
use crate::syntax::{self, Comparison, Condition, Operator};
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
        let from = raw
            .from
            .as_ref()
            .map(|d| self.endpoint(file, d, vocabulary));
        let until = raw
            .until
            .as_ref()
            .map(|d| self.endpoint(file, d, vocabulary));
        let mut empty_interval = false;
        let absolute = |end: Option<Endpoint>| match end {
            Some(Endpoint::Date(date)) => Some(date),
            _ => None,
        };
        let valid = match (from, until) {
            (Some(None), _) | (_, Some(None)) => None,
            (from, until) => {
                let (from, until) = (from.flatten(), until.flatten());
                let span = raw.until.as_ref().map(|u| u.span()).unwrap_or(0..0);
                let empty = match (from, until) {
                    (
                        Some(Endpoint::Event {
                            event: a,
                            offset: x,
                        }),
                        Some(Endpoint::Event {
                            event: b,
                            offset: y,
                        }),
                    ) if a == b && never_before(x, y) => {
                        Some(LoadErrorKind::EmptyRelativeInterval {
                            from: raw
                                .from
                                .as_ref()
                                .map(|f| f.get_ref().clone())
                                .unwrap_or_default(),
                            until: raw
                                .until
                                .as_ref()
                                .map(|u| u.get_ref().clone())
                                .unwrap_or_default(),
                        })
                    }
                    _ => DateInterval::new(absolute(from), absolute(until))
                        .err()
                        .map(|e| LoadErrorKind::EmptyInterval {
                            from: e.from,
                            until: e.until,
                        }),
                };
                match empty {
                    None => DateInterval::new(absolute(from), absolute(until)).ok(),
                    Some(kind) => {
                        self.push(Some(self.at(file, span)), kind);
                        empty_interval = true;
                        self.lenient.then_some(DateInterval::ALWAYS)
                    }
                }
            }
        };
        let formula = match &raw.when {
            Some(when) => self.formula_of(file, when, vocabulary).map(Some),
            None => Some(None),
        };
        let due = raw.due.as_ref().map(|d| self.endpoint(file, d, vocabulary));
        let done = raw
            .done
            .as_ref()
            .map(|d| self.done_event(file, d, vocabulary));
        let survives = match &raw.survives {
            None => Ok(None),
            Some(value) => self.survival(file, value),
        };
        for (key, raw_key) in [("due", &raw.due), ("done", &raw.done)] {
            if let (Some(written), Some(other)) = (raw_key, effect.filter(|e| *e != Effect::Oblige))
            {
                let kind = LoadErrorKind::Syntax {
                    message: format!(
                        "`{key}` belongs to a duty, and this rule has `effect = \"{other}\"`"
                    ),
                    hint: Some(format!(
                        "only an `oblige` rule has a deadline (`due`) or a performance (`done`); remove `{key}`, or make the rule `oblige`"
                    )),
                };
                self.push(Some(self.at(file, written.span())), kind);
            }
        }
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
            from: from.flatten(),
            until: until.flatten(),
            formula: formula?,
            due: match due {
                Some(due) => Some(due?),
                None => None,
            },
            done: match done {
                Some(done) => Some(done?),
                None => None,
            },
            survives: survives.ok()?,
            survivor_of: None,
            written: 0,
            empty_interval,
            condition: Vec::new(),
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
        let pattern = self.syntax(syntax::parse_pattern(raw.get_ref()), &locate)?;
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

    /// The parsed expression, or `None` with the syntax error pushed at its
    /// place in the string.
    fn syntax<T>(
        &mut self,
        parsed: Result<T, syntax::SyntaxError>,
        locate: &dyn Fn(Range<usize>) -> Location,
    ) -> Option<T> {
        parsed
            .map_err(|error| {
                let kind = LoadErrorKind::Syntax {
                    message: error.message,
                    hint: error.hint,
                };
                self.push(Some(locate(error.span)), kind);
            })
            .ok()
    }

    /// `when`, resolved against the vocabulary, with the alternatives it
    /// multiplies out to bounded by [`MAX_ALTERNATIVES`].
    pub(super) fn formula_of(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
        vocabulary: &Vocabulary,
    ) -> Option<Formula> {
        let locate = |inner: Range<usize>| locate_in_string(file, raw.span(), inner);
        let condition = self.syntax(syntax::parse_condition(raw.get_ref()), &locate)?;
        let formula = self.resolve(&condition, vocabulary, &locate)?;
        let count = formula.alternatives();
        if count > MAX_ALTERNATIVES {
            let kind = LoadErrorKind::TooManyAlternatives {
                scope: "this condition would",
                count,
                limit: MAX_ALTERNATIVES,
            };
            self.push(Some(self.at(file, raw.span())), kind);
            return None;
        }
        Some(formula)
    }

    fn resolve(
        &mut self,
        condition: &Condition,
        vocabulary: &Vocabulary,
        locate: &dyn Fn(Range<usize>) -> Location,
    ) -> Option<Formula> {
        let name = match condition {
            Condition::All(parts) | Condition::Any(parts) => {
                let mut resolved = Vec::with_capacity(parts.len());
                let mut ok = true;
                for part in parts {
                    match self.resolve(part, vocabulary, locate) {
                        Some(f) => resolved.push(f),
                        None => ok = false,
                    }
                }
                let formula = match condition {
                    Condition::All(_) => Formula::All(resolved),
                    _ => Formula::Any(resolved),
                };
                return ok.then_some(formula);
            }
            Condition::Not(inner, _) => {
                return self
                    .resolve(inner, vocabulary, locate)
                    .map(|f| Formula::Not(Box::new(f)));
            }
            Condition::Holds(name) => name,
            Condition::Test(constraint) => &constraint.name,
            Condition::Compare { name, .. } => name,
        };
        let Some(fact) = self.names.fact(&name.text) else {
            let hint = self.suggest(
                &name.text,
                "fact",
                vocabulary.facts.iter().map(|f| f.name.as_str()),
            );
            let kind = LoadErrorKind::Unknown {
                what: "fact",
                found: name.text.clone(),
                hint,
            };
            self.push(Some(locate(name.span.clone())), kind);
            return None;
        };
        let declared = &vocabulary.facts[fact];
        let mistake = |message: String, hint: String| LoadErrorKind::Syntax {
            message,
            hint: Some(hint),
        };
        match (condition, &declared.kind) {
            (Condition::Holds(_), FactKind::Event { .. }) => Some(Formula::Reached {
                event: fact,
                offset: Offset::ZERO,
            }),
            (Condition::Holds(_), FactKind::Choice) => match declared.value_index("true") {
                Some(value) if declared.values.len() == 2 => Some(Formula::Is {
                    fact,
                    values: ValueSet::single(value),
                }),
                _ => {
                    let kind = mistake(
                        format!("`{}` is not a yes/no fact", name.text),
                        format!(
                            "test its value: `{} = VALUE` or `{} in [..]`",
                            name.text, name.text
                        ),
                    );
                    self.push(Some(locate(name.span.clone())), kind);
                    None
                }
            },
            (Condition::Holds(_), FactKind::Number { .. }) => {
                let kind = mistake(
                    format!("`{}` is a number fact", name.text),
                    format!("compare it with a number, e.g. `{} > 30`", name.text),
                );
                self.push(Some(locate(name.span.clone())), kind);
                None
            }
            (Condition::Test(constraint), FactKind::Choice) => {
                let values = &declared.values;
                let set = self.value_set(constraint, values, "fact value", locate)?;
                Some(Formula::Is { fact, values: set })
            }
            (Condition::Test(constraint), FactKind::Number { .. }) => {
                let test = match constraint.operator {
                    Operator::Equal | Operator::In => NumberTest::Equal,
                    Operator::NotEqual | Operator::NotIn => NumberTest::NotEqual,
                };
                let mut parts = Vec::new();
                for value in &constraint.values {
                    let constant = self.number(fact, value, locate)?;
                    parts.push(Formula::Compare {
                        fact,
                        test,
                        constant,
                    });
                }
                Some(match (parts.len(), test) {
                    (1, _) => parts.pop().expect("one part"),
                    (_, NumberTest::Equal) => Formula::Any(parts),
                    _ => Formula::All(parts),
                })
            }
            (
                Condition::Compare {
                    value, comparison, ..
                },
                FactKind::Number { .. },
            ) => {
                let constant = self.number(fact, value, locate)?;
                let test = match comparison {
                    Comparison::Less => NumberTest::Less,
                    Comparison::LessEqual => NumberTest::LessEqual,
                    Comparison::Greater => NumberTest::Greater,
                    Comparison::GreaterEqual => NumberTest::GreaterEqual,
                };
                Some(Formula::Compare {
                    fact,
                    test,
                    constant,
                })
            }
            (
                Condition::Compare {
                    comparison, span, ..
                },
                FactKind::Event { .. },
            ) => {
                let kind = mistake(
                    format!(
                        "`{}` compares numbers, and `{}` is an event",
                        comparison.symbol(),
                        name.text
                    ),
                    format!(
                        "write `{0}` (it has happened by the date asked) or `not {0}`; to count days from it, use `from`/`until = \"{0} + 30 days\"`",
                        name.text
                    ),
                );
                self.push(Some(locate(span.clone())), kind);
                None
            }
            (
                Condition::Compare {
                    comparison, span, ..
                },
                _,
            ) => {
                let kind = mistake(
                    format!(
                        "`{}` compares numbers, and `{}` is not a number fact",
                        comparison.symbol(),
                        name.text
                    ),
                    format!(
                        "declare it with `kind = \"number\"` under [facts.{}], or test it with `=`",
                        name.text
                    ),
                );
                self.push(Some(locate(span.clone())), kind);
                None
            }
            (Condition::Test(constraint), FactKind::Event { .. }) => {
                let kind = mistake(
                    format!("`{}` is an event: it has happened or not", name.text),
                    format!(
                        "write `{}` (it has happened on or before the date asked) or `not {}`; count from it with `from`/`until = \"{} + 30 days\"`",
                        name.text, name.text, name.text
                    ),
                );
                self.push(Some(locate(constraint.span.clone())), kind);
                None
            }
            _ => None,
        }
    }

    /// A constant compared with number fact `fact`, remembered as a cut in it.
    fn number(
        &mut self,
        fact: usize,
        value: &syntax::Word,
        locate: &dyn Fn(Range<usize>) -> Location,
    ) -> Option<Number> {
        match Number::parse_constant(&value.text) {
            Ok(number) => {
                self.cuts
                    .points
                    .push((fact, number, locate(value.span.clone())));
                Some(number)
            }
            Err(reason) => {
                let kind = LoadErrorKind::Syntax {
                    message: reason,
                    hint: Some(
                        "a number fact is compared with a number, e.g. `30` or `2.5`".into(),
                    ),
                };
                self.push(Some(locate(value.span.clone())), kind);
                None
            }
        }
    }

    /// `survives`: `true`, `false`, or a duration as a string.
    fn survival(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<toml::Value>,
    ) -> Result<Option<super::Survival>, ()> {
        match raw.get_ref() {
            toml::Value::Boolean(true) => Ok(Some(super::Survival::UntilItsEnd)),
            toml::Value::Boolean(false) => Ok(None),
            toml::Value::String(text) => {
                let locate = |inner: Range<usize>| locate_in_string(file, raw.span(), inner);
                let (amount, unit) = self
                    .syntax(syntax::parse_duration(text), &locate)
                    .ok_or(())?;
                Ok(Some(super::Survival::For(Offset::written(amount, unit))))
            }
            other => {
                let kind = LoadErrorKind::Syntax {
                    message: format!("`survives = {other}` is neither `true` nor a duration"),
                    hint: Some(
                        "write `survives = true` (until the rule's own end) or a duration: `survives = \"6 months\"`"
                            .into(),
                    ),
                };
                self.push(Some(self.at(file, raw.span())), kind);
                Err(())
            }
        }
    }

    /// A duty's `done`: the event by which it is performed.
    fn done_event(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
        vocabulary: &Vocabulary,
    ) -> Option<usize> {
        let location = self.at(file, raw.span());
        self.event_named(raw.get_ref().trim(), location, vocabulary)
    }

    /// The event called `name`, or `None` with the error pushed at `location`:
    /// a typo gets the nearest event, a fact is told it is no event.
    fn event_named(
        &mut self,
        name: &str,
        location: Location,
        vocabulary: &Vocabulary,
    ) -> Option<usize> {
        if let Some(index) = self
            .names
            .fact(name)
            .filter(|&f| vocabulary.facts[f].is_event())
        {
            return Some(index);
        }
        let hint = if self.clashed.iter().any(|c| c == name) {
            format!(
                "`{name}` is declared both as a fact and as an event (reported above): rename one"
            )
        } else if self.names.fact(name).is_some() {
            format!(
                "`{name}` is a fact, not an event (an event happens on a day): declare it under [events]"
            )
        } else {
            self.suggest(
                name,
                "event",
                vocabulary
                    .facts
                    .iter()
                    .filter(|f| f.is_event())
                    .map(|f| f.name.as_str()),
            )
        };
        let kind = LoadErrorKind::Unknown {
            what: "event",
            found: name.to_string(),
            hint,
        };
        self.push(Some(location), kind);
        None
    }

    /// A rule's `from` or `until`: a date, or an event with a duration.
    fn endpoint(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &Spanned<String>,
        vocabulary: &Vocabulary,
    ) -> Option<Endpoint> {
        let locate = |inner: Range<usize>| locate_in_string(file, raw.span(), inner);
        let parsed = self.syntax(syntax::parse_endpoint(raw.get_ref()), &locate)?;
        let (event, amount, unit, span) = match parsed {
            syntax::Endpoint::Date(word) if word.text.contains(|c: char| c.is_whitespace()) => {
                let kind = LoadErrorKind::Syntax {
                    message: format!("`{}` is not a date or an event", word.text),
                    hint: Some(
                        "only events take durations: write `EVENT + 30 days`; a date is YYYY-MM-DD"
                            .into(),
                    ),
                };
                self.push(Some(locate(word.span)), kind);
                return None;
            }
            syntax::Endpoint::Date(_) => return self.date(file, raw).map(Endpoint::Date),
            syntax::Endpoint::Event {
                event,
                amount,
                unit,
                span,
            } => (event, amount, unit, span),
        };
        let index = self.event_named(&event.text, locate(event.span.clone()), vocabulary)?;
        let offset = Offset::written(amount, unit);
        self.cuts.offsets.push((index, offset, locate(span)));
        Some(Endpoint::Event {
            event: index,
            offset,
        })
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

/// The most alternatives a condition may multiply out to (`(a or b) and (c or d)` has 4).
pub const MAX_ALTERNATIVES: usize = 64;

/// Whether `[event + from, event + until)` is empty whatever the event's date.
fn never_before(from: Offset, until: Offset) -> bool {
    let comparable = from.unit == until.unit || from.amount == 0 || until.amount == 0;
    comparable && from.amount >= until.amount
}
