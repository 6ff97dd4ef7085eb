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

fn version(
    shape: &Shape,
    id: &str,
    (effective, superseded): (&str, Option<&str>),
    random: &mut Random,
) -> String {
    let mut out = format!(
        "[version]\nid = \"{id}\"\ntitle = \"version {id}\"\n[version.effective]\ndate = \"{effective}\"\nsource = \"generated\"\n"
    );
    if let Some(superseded) = superseded {
        let _ = writeln!(
            out,
            "[version.superseded]\ndate = \"{superseded}\"\nsource = \"generated\""
        );
    }
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
        if shape.dates > 0 {
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
        if shape.facts > 0 && random.chance(40) {
            let fact = random.below(shape.facts);
            let negated = if random.chance(50) { "not " } else { "" };
            let _ = writeln!(out, "when = \"{negated}f{fact}\"");
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
    TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), vocabulary),
            ("a.toml".into(), a),
            ("b.toml".into(), b),
        ],
        seeds: vec![("source.txt".into(), "the generated source".into())],
    }
}
