//! Versions: a version file's header and dates, and the rules it holds.

use super::error::LoadErrorKind;
use super::load::Loader;
use super::raw::{RawDatedEvent, RawVersionFile};
use super::{DatedEvent, Version, Vocabulary};
use crate::diagnostic::{Location, SourceFile};
use std::collections::HashMap;
use std::sync::Arc;

impl Loader {
    pub(super) fn dated_event(
        &mut self,
        file: &Arc<SourceFile>,
        raw: &RawDatedEvent,
    ) -> Option<DatedEvent> {
        let date = self.date(file, &raw.date)?;
        Some(DatedEvent {
            date,
            location: self.at(file, raw.date.span()),
            source: raw.source.clone(),
            citations: self.citations(file, &raw.citations),
        })
    }

    pub(super) fn version(
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
        self.resolve_overrides(file, &mut rules, &raw_overrides, &ids);
        let effective = effective?;
        let superseded = match superseded {
            Some(Some(s)) => Some(s),
            Some(None) => return None,
            None => None,
        };
        if self.errors.len() > errors_before {
            return None;
        }
        let mut version = Version {
            id,
            title: raw.version.title,
            effective,
            superseded,
            rules,
            file: file.name.clone(),
            rules_by_action: Vec::new(),
        };
        version.index_actions(vocabulary.actions.len());
        Some(version)
    }
}

impl Version {
    /// Lists the rules about each of `actions` actions, for [`Version::rules_for`].
    pub(super) fn index_actions(&mut self, actions: usize) {
        let mut rules_by_action = vec![Vec::new(); actions];
        for (index, rule) in self.rules.iter().enumerate() {
            rules_by_action[rule.action].push(index);
        }
        self.rules_by_action = rules_by_action;
    }
}
