//! What a rule does ([`Effect`]) and what an answer says ([`Verdict`]).

use serde::Serialize;
use std::fmt;

/// What a rule does to its action while it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The party may do it.
    Permit,
    /// The party may not do it.
    Forbid,
    /// The party must do it (and so may).
    Oblige,
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
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Permit => "permit",
            Effect::Forbid => "forbid",
            Effect::Oblige => "oblige",
        })
    }
}

/// The answer to "may (or must) this party do this?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
}

impl Verdict {
    /// The spellings of the verdicts a default or an expectation may name.
    pub const NAMES: [&'static str; 4] = ["required", "permitted", "forbidden", "conflict"];

    /// Reads `required`, `permitted`, `forbidden` or `conflict`.
    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "required" => Some(Verdict::Required),
            "permitted" => Some(Verdict::Permitted),
            "forbidden" => Some(Verdict::Forbidden),
            "conflict" => Some(Verdict::Conflict),
            _ => None,
        }
    }

    /// Combines the effects of the rules that decide a point: `forbid` with
    /// `permit` or `oblige` is a conflict; `oblige` with `permit` is required.
    pub fn combine(effects: impl IntoIterator<Item = Effect>) -> Option<Verdict> {
        let (mut permit, mut forbid, mut oblige) = (false, false, false);
        for effect in effects {
            match effect {
                Effect::Permit => permit = true,
                Effect::Forbid => forbid = true,
                Effect::Oblige => oblige = true,
            }
        }
        match (permit, forbid, oblige) {
            (false, false, false) => None,
            (_, true, _) if permit || oblige => Some(Verdict::Conflict),
            (_, true, _) => Some(Verdict::Forbidden),
            (_, _, true) => Some(Verdict::Required),
            _ => Some(Verdict::Permitted),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Required => "required",
            Verdict::Permitted => "permitted",
            Verdict::Forbidden => "forbidden",
            Verdict::Conflict => "conflict",
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
    }
}
