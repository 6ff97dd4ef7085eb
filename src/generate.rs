//! Synthetic agreements, for benchmarks and property tests.
//!
//! [`Shape`] describes how big an agreement to make; [`generate`] writes it as
//! terms files in the ordinary format (so it goes through the same loader as
//! any user's terms), deterministically from a seed: random actions with
//! parameters, facts, disputes, and two versions `a` and `b` whose rules have
//! random parameter constraints, dates, conditions, readings and overrides.

use crate::terms::TermsSource;
use std::fmt::Write;

/// How big an agreement to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Number of actions (at least 1).
    pub actions: usize,
    /// Number of rules in each of the two versions.
    pub rules: usize,
    /// Number of yes/no facts.
    pub facts: usize,
    /// Number of disputes, each with two or three readings.
    pub disputes: usize,
    /// How many distinct dates rules start and end on.
    pub dates: usize,
    /// How many events rules count from (`from = "e0"`, `until = "e0 + 60 days"`);
    /// with any, conditions also use `or` and a number fact `n`.
    pub events: usize,
    /// The seed of the pseudo-random choices.
    pub seed: u64,
}

/// A small, fast pseudo-random generator (SplitMix64): enough to vary shapes, not for secrets.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const VALUES: [&str; 4] = ["v0", "v1", "v2", "v3"];
const EFFECTS: [&str; 3] = ["permit", "forbid", "oblige"];
const DEFAULTS: [&str; 3] = ["permitted", "forbidden", "required"];

/// The number of values of action `action`'s single parameter, or 0 when it has none.
fn param_size(action: usize) -> usize {
    [0, 2, 3, 4][action % 4]
}

fn date(index: usize) -> String {
    format!("{}-01-01", 2000 + index)
}

fn vocabulary(shape: &Shape, random: &mut Random) -> String {
    let mut out = String::from(
        "[agreement]\ntitle = \"a generated agreement\"\nseeds = \"seeds\"\n\n[parties]\np = \"P\"\n\n[domains]\n",
    );
    for size in 2..=4 {
        let values: Vec<String> = VALUES[..size].iter().map(|v| format!("\"{v}\"")).collect();
        let _ = writeln!(out, "d{size} = [{}]", values.join(", "));
    }
    for action in 0..shape.actions {
        let _ = writeln!(
            out,
            "\n[actions.\"p.a{action}\"]\ndescription = \"action {action}\"\ndefault = \"{}\"\ndefault_reason = \"generated\"",
            DEFAULTS[random.below(3)]
        );
        if param_size(action) > 0 {
            let _ = writeln!(out, "params = {{ x = \"d{}\" }}", param_size(action));
        }
    }
    for fact in 0..shape.facts {
        let _ = writeln!(out, "\n[facts.f{fact}]\ndescription = \"fact {fact}\"");
    }
    for event in 0..shape.events {
        let _ = writeln!(out, "\n[events.e{event}]\ndescription = \"event {event}\"");
    }
    if shape.events > 0 {
        out.push_str("\n[facts.n]\ndescription = \"a number\"\nkind = \"number\"\n");
    }
    for dispute in 0..shape.disputes {
        let _ = writeln!(
            out,
            "\n[disputes.d{dispute}]\nquestion = \"dispute {dispute}\"\ndefault = \"r0\"\ndefault_reason = \"generated\""
        );
        for reading in 0..2 + dispute % 2 {
            let _ = writeln!(
                out,
                "[disputes.d{dispute}.readings.r{reading}]\nsummary = \"reading {reading}\"\ncitations = [{{ seed = \"source.txt\", quote = \"source\" }}]"
            );
        }
    }
    out
}

/// Absolute `from` and `until` lines for a rule, each present half the time.
fn dated(out: &mut String, shape: &Shape, random: &mut Random) {
    let from = random.chance(50).then(|| random.below(shape.dates));
    let until = random.chance(50).then(|| random.below(shape.dates));
    match (from, until) {
        (Some(f), Some(u)) if f < u => {
            let _ = writeln!(out, "from = \"{}\"\nuntil = \"{}\"", date(f), date(u));
        }
        (Some(f), _) => {
            let _ = writeln!(out, "from = \"{}\"", date(f));
        }
        (None, Some(u)) => {
            let _ = writeln!(out, "until = \"{}\"", date(u));
        }
        (None, None) => {}
    }
}

fn version(
    shape: &Shape,
    id: &str,
    (effective, superseded): (&str, Option<&str>),
    random: &mut Random,
) -> String {
    let mut out = version_header(id, effective, superseded);
    let mut by_action: Vec<Vec<usize>> = vec![Vec::new(); shape.actions];
    for index in 0..shape.rules {
        let action = random.below(shape.actions);
        let _ = write!(
            out,
            "\n[[rules]]\nid = \"{id}{index}\"\naction = \"p.a{action}"
        );
        let size = param_size(action);
        if size > 0 && random.chance(60) {
            let mut chosen: Vec<&str> = VALUES[..size]
                .iter()
                .copied()
                .filter(|_| random.chance(50))
                .collect();
            if chosen.is_empty() {
                chosen.push(VALUES[random.below(size)]);
            }
            if random.chance(50) {
                let _ = write!(out, "(x in [{}])", chosen.join(", "));
            } else {
                let _ = write!(out, "(x != {})", chosen[0]);
            }
        }
        let _ = writeln!(
            out,
            "\"\neffect = \"{}\"\ncitations = [{{ seed = \"source.txt\", quote = \"source\" }}]",
            EFFECTS[random.below(3)]
        );
        if shape.events > 0 && random.chance(30) {
            let event = random.below(shape.events);
            let days = [30, 60, 90][random.below(3)];
            if random.chance(50) {
                let _ = writeln!(
                    out,
                    "from = \"e{event}\"\nuntil = \"e{event} + {days} days\""
                );
            } else {
                let _ = writeln!(out, "from = \"e{event} + {days} days\"");
            }
        } else if shape.dates > 0 {
            dated(&mut out, shape, random);
        }
        if shape.facts > 0 && random.chance(40) {
            let fact = random.below(shape.facts);
            let negated = if random.chance(50) { "not " } else { "" };
            if shape.events > 0 && random.chance(40) {
                let limit = [10, 20, 30][random.below(3)];
                let _ = writeln!(out, "when = \"{negated}f{fact} or n > {limit}\"");
            } else {
                let _ = writeln!(out, "when = \"{negated}f{fact}\"");
            }
        }
        if shape.disputes > 0 && random.chance(25) {
            let dispute = random.below(shape.disputes);
            let reading = random.below(2 + dispute % 2);
            let _ = writeln!(out, "reading = \"d{dispute}.r{reading}\"");
        }
        let earlier = &by_action[action];
        if !earlier.is_empty() && random.chance(30) {
            let target = earlier[random.below(earlier.len())];
            let _ = writeln!(out, "overrides = [\"{id}{target}\"]");
        }
        by_action[action].push(index);
    }
    out
}

/// The in-memory terms of a generated agreement: its vocabulary, versions `a`
/// and `b`, and the one seed every citation quotes.
fn in_memory(vocabulary: String, a: String, b: String) -> TermsSource {
    TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), vocabulary),
            ("a.toml".into(), a),
            ("b.toml".into(), b),
        ],
        seeds: vec![("source.txt".into(), "the generated source".into())],
    }
}

/// Writes a random agreement of the given shape, with versions `a` (effective
/// 2000-01-01) and `b` (effective on a middle date), as an in-memory terms source.
pub fn generate(shape: &Shape) -> TermsSource {
    let shape = Shape {
        actions: shape.actions.max(1),
        ..*shape
    };
    let mut random = Random(shape.seed);
    let vocabulary = vocabulary(&shape, &mut random);
    let change = date(shape.dates / 2 + 1);
    let a = version(&shape, "a", ("2000-01-01", Some(&change)), &mut random);
    let b = version(&shape, "b", (&change, None), &mut random);
    in_memory(vocabulary, a, b)
}

/// Small terms with a large question space: the shapes that once made
/// covenant's exhaustive commands blow up, for benchmarks and for the fuzz
/// properties that every command ends within its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// One action with three parameters over 64 values; one rule whose
    /// condition is a conjunction of `n` yes/no facts (the 883-byte case, with `n` = 13).
    Conjunction(usize),
    /// One action with `params` parameters over `values` values each, and rules
    /// that constrain none of them.
    WideParams {
        /// How many parameters.
        params: usize,
        /// How many values each parameter's domain has (at most 64).
        values: usize,
    },
    /// One action and `disputes` disputes of `readings` readings each, every
    /// reading with a rule that clashes with the others.
    Disputes {
        /// How many disputes.
        disputes: usize,
        /// How many readings each has (at most 64).
        readings: usize,
    },
    /// `n` rules on one action whose date intervals all overlap.
    Overlapping(usize),
    /// A chain of `n` rules, each overriding the one before.
    OverrideChain(usize),
    /// Independent facts, each tested by a rule of its own on one action.
    IndependentFacts(usize),
}

fn header(title: &str) -> String {
    format!(
        "[agreement]\ntitle = \"{title}\"\nseeds = \"seeds\"\n\n[parties]\np = \"P\"\n\n[domains]\n"
    )
}

fn version_header(id: &str, effective: &str, superseded: Option<&str>) -> String {
    let mut out = format!(
        "[version]\nid = \"{id}\"\ntitle = \"version {id}\"\n[version.effective]\ndate = \"{effective}\"\nsource = \"generated\"\n"
    );
    if let Some(superseded) = superseded {
        let _ = writeln!(
            out,
            "[version.superseded]\ndate = \"{superseded}\"\nsource = \"generated\""
        );
    }
    out
}

fn rule(out: &mut String, id: &str, action: &str, effect: &str, extra: &str) {
    let _ = writeln!(
        out,
        "\n[[rules]]\nid = \"{id}\"\naction = \"{action}\"\neffect = \"{effect}\"\ncitations = [{{ seed = \"source.txt\", quote = \"source\" }}]\n{extra}"
    );
}

fn values_of(prefix: &str, count: usize) -> String {
    (0..count)
        .map(|i| format!("\"{prefix}{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes an agreement of `family` with versions `a` and `b` that differ, as an
/// in-memory terms source.
pub fn family(family: Family) -> TermsSource {
    let mut vocabulary = header("a large question space");
    let mut a = version_header("a", "2000-01-01", Some("2010-01-01"));
    let mut b = version_header("b", "2010-01-01", None);
    match family {
        Family::Conjunction(n) => {
            let n = n.max(1);
            let _ = writeln!(vocabulary, "v = [{}]", values_of("v", 64));
            vocabulary.push_str("\n[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"forbidden\"\ndefault_reason = \"generated\"\nparams = { x = \"v\", y = \"v\", z = \"v\" }\n");
            for fact in 0..n {
                let _ = writeln!(
                    vocabulary,
                    "\n[facts.f{fact}]\ndescription = \"fact {fact}\""
                );
            }
            let all: Vec<String> = (0..n).map(|f| format!("f{f}")).collect();
            let when = format!("when = \"{}\"", all.join(" and "));
            rule(&mut a, "a.all", "p.act", "permit", &when);
            rule(&mut b, "b.all", "p.act", "permit", &when);
            rule(
                &mut b,
                "b.first",
                "p.act(x = v0)",
                "forbid",
                "when = \"f0\"",
            );
        }
        Family::WideParams { params, values } => {
            let (params, values) = (params.max(1), values.clamp(1, 64));
            let _ = writeln!(vocabulary, "v = [{}]", values_of("v", values));
            let list: Vec<String> = (0..params).map(|p| format!("p{p} = \"v\"")).collect();
            let _ = writeln!(
                vocabulary,
                "\n[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"forbidden\"\ndefault_reason = \"generated\"\nparams = {{ {} }}",
                list.join(", ")
            );
            rule(&mut a, "a.any", "p.act", "permit", "");
            rule(&mut b, "b.any", "p.act", "oblige", "");
        }
        Family::Disputes { disputes, readings } => {
            let (disputes, readings) = (disputes.max(1), readings.clamp(2, 64));
            vocabulary.push_str("\n[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"forbidden\"\ndefault_reason = \"generated\"\n");
            for d in 0..disputes {
                let _ = writeln!(
                    vocabulary,
                    "\n[disputes.d{d}]\nquestion = \"dispute {d}\"\ndefault = \"r0\"\ndefault_reason = \"generated\""
                );
                for r in 0..readings {
                    let _ = writeln!(
                        vocabulary,
                        "[disputes.d{d}.readings.r{r}]\nsummary = \"reading {r}\"\ncitations = [{{ seed = \"source.txt\", quote = \"source\" }}]"
                    );
                    let effect = if (d + r) % 2 == 0 { "permit" } else { "forbid" };
                    for (version, id) in [(&mut a, "a"), (&mut b, "b")] {
                        let effect = if id == "b" && r == 0 {
                            "oblige"
                        } else {
                            effect
                        };
                        rule(
                            version,
                            &format!("{id}.d{d}.r{r}"),
                            "p.act",
                            effect,
                            &format!("reading = \"d{d}.r{r}\""),
                        );
                    }
                }
            }
        }
        Family::Overlapping(n) => {
            let n = n.max(1);
            vocabulary.push_str("\n[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"forbidden\"\ndefault_reason = \"generated\"\n");
            let day = |offset: usize| {
                let date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date")
                    + chrono::Duration::days(offset as i64);
                date.to_string()
            };
            for i in 0..n {
                let dates = format!("from = \"{}\"\nuntil = \"{}\"", day(i), day(i + n));
                let effect = if i % 2 == 0 { "permit" } else { "oblige" };
                rule(&mut a, &format!("a.r{i}"), "p.act", effect, &dates);
                rule(&mut b, &format!("b.r{i}"), "p.act", "permit", &dates);
            }
        }
        Family::OverrideChain(n) => {
            let n = n.max(1);
            vocabulary.push_str("\n[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"forbidden\"\ndefault_reason = \"generated\"\n");
            for i in 0..n {
                let effect = if i % 2 == 0 { "permit" } else { "forbid" };
                let overrides = if i == 0 {
                    String::new()
                } else {
                    format!("overrides = [\"a.r{}\"]", i - 1)
                };
                rule(&mut a, &format!("a.r{i}"), "p.act", effect, &overrides);
            }
            rule(&mut b, "b.any", "p.act", "permit", "");
        }
        Family::IndependentFacts(n) => {
            let n = n.max(1);
            vocabulary.push_str("\n[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"forbidden\"\ndefault_reason = \"generated\"\n");
            for fact in 0..n {
                let _ = writeln!(
                    vocabulary,
                    "\n[facts.f{fact}]\ndescription = \"fact {fact}\""
                );
                let effect = if fact % 2 == 0 { "permit" } else { "oblige" };
                rule(
                    &mut a,
                    &format!("a.f{fact}"),
                    "p.act",
                    effect,
                    &format!("when = \"f{fact}\""),
                );
                rule(
                    &mut b,
                    &format!("b.f{fact}"),
                    "p.act",
                    "permit",
                    &format!("when = \"f{fact}\""),
                );
            }
        }
    }
    in_memory(vocabulary, a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terms::{Endpoint, Formula};

    #[test]
    fn events_bring_relative_dates_or_and_a_number() {
        let shape = Shape {
            actions: 5,
            rules: 200,
            facts: 3,
            disputes: 1,
            dates: 5,
            events: 2,
            seed: 3,
        };
        let terms = crate::terms::load(&generate(&shape)).expect("generated terms load");
        let rules = || terms.versions.iter().flat_map(|v| v.rules.iter());
        assert!(rules().any(|r| matches!(r.from, Some(Endpoint::Event { .. }))));
        assert!(rules().any(|r| matches!(r.until, Some(Endpoint::Event { .. }))));
        assert!(rules().any(|r| matches!(r.formula, Some(Formula::Any(_)))));
        // A rule with `or` is held as one rule per alternative.
        assert!(
            terms.versions.iter().any(|v| v
                .rules
                .iter()
                .enumerate()
                .any(|(i, r)| !r.is_written(i)))
        );
        let without = crate::terms::load(&generate(&Shape { events: 0, ..shape }))
            .expect("generated terms load");
        assert!(without.vocabulary.facts.iter().all(|f| !f.is_event()));
    }
}
