//! What a rule does ([`Effect`]) and what an answer says ([`Verdict`]).

use serde::Serialize;
use std::fmt;

/// What a rule does to its action while it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The party may do it.
    Permit,
    /// The party may not do it.
    Forbid,
    /// The party must do it (and so may).
    Oblige,
    /// The party had to do it by a deadline that has passed, and has not: an
    /// `oblige` rule with `due`, from its due date on. Not written in terms
    /// files; the loader makes it.
    Overdue,
}

impl Effect {
    /// The spellings accepted in a terms file.
    pub const NAMES: [&'static str; 3] = ["permit", "forbid", "oblige"];

    /// Reads `permit`, `forbid` or `oblige`.
    pub fn parse(text: &str) -> Option<Effect> {
        match text {
            "permit" => Some(Effect::Permit),
            "forbid" => Some(Effect::Forbid),
            "oblige" => Some(Effect::Oblige),
            _ => None,
        }
    }

    /// The verdict this effect gives when it decides alone.
    pub fn verdict(self) -> Verdict {
        match self {
            Effect::Permit => Verdict::Permitted,
            Effect::Forbid => Verdict::Forbidden,
            Effect::Oblige => Verdict::Required,
            Effect::Overdue => Verdict::Breached,
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Permit => "permit",
            Effect::Forbid => "forbid",
            Effect::Oblige => "oblige",
            Effect::Overdue => "oblige (overdue)",
        })
    }
}

/// The answer to "may (or must) this party do this?".
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The party must do it.
    Required,
    /// The party may do it, and need not.
    Permitted,
    /// The party may not do it.
    Forbidden,
    /// Rules that apply disagree and no override settles it.
    Conflict,
    /// The party had to do it by a date that has passed, and has not.
    Breached,
}

impl Verdict {
    /// The spellings of the verdicts a default or an expectation may name.
    pub const NAMES: [&'static str; 5] =
        ["required", "permitted", "forbidden", "conflict", "breached"];

    /// Reads `required`, `permitted`, `forbidden`, `conflict` or `breached`.
    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "required" => Some(Verdict::Required),
            "permitted" => Some(Verdict::Permitted),
            "forbidden" => Some(Verdict::Forbidden),
            "conflict" => Some(Verdict::Conflict),
            "breached" => Some(Verdict::Breached),
            _ => None,
        }
    }

    /// Combines the effects of the rules that decide a point: `forbid` with
    /// `permit` or `oblige` (due or overdue) is a conflict; an overdue duty
    /// is breached whatever else permits or obliges; `oblige` with `permit`
    /// is required.
    pub fn combine(effects: impl IntoIterator<Item = Effect>) -> Option<Verdict> {
        let (mut permit, mut forbid, mut oblige, mut overdue) = (false, false, false, false);
        for effect in effects {
            match effect {
                Effect::Permit => permit = true,
                Effect::Forbid => forbid = true,
                Effect::Oblige => oblige = true,
                Effect::Overdue => overdue = true,
            }
        }
        Some(if forbid && (permit || oblige || overdue) {
            Verdict::Conflict
        } else if forbid {
            Verdict::Forbidden
        } else if overdue {
            Verdict::Breached
        } else if oblige {
            Verdict::Required
        } else if permit {
            Verdict::Permitted
        } else {
            return None;
        })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Required => "required",
            Verdict::Permitted => "permitted",
            Verdict::Forbidden => "forbidden",
            Verdict::Conflict => "conflict",
            Verdict::Breached => "breached",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Effect::*;

    #[test]
    fn forbid_with_anything_else_conflicts_and_oblige_beats_permit() {
        assert_eq!(Verdict::combine([]), None);
        assert_eq!(Verdict::combine([Forbid, Permit]), Some(Verdict::Conflict));
        assert_eq!(Verdict::combine([Oblige, Forbid]), Some(Verdict::Conflict));
        assert_eq!(Verdict::combine([Permit, Oblige]), Some(Verdict::Required));
        assert_eq!(Verdict::combine([Forbid, Forbid]), Some(Verdict::Forbidden));
        assert_eq!(Verdict::combine([Permit]), Some(Verdict::Permitted));
        assert_eq!(
            Verdict::combine([Overdue, Permit, Oblige]),
            Some(Verdict::Breached)
        );
        assert_eq!(Verdict::combine([Overdue, Forbid]), Some(Verdict::Conflict));
    }
}
