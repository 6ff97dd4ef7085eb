//! The evaluator against a dumb, obviously correct oracle, on generated
//! agreements: random rules with parameter constraints, dates, conditions on
//! facts, readings of a dispute and overrides. The oracle re-reads the
//! generator's own description of each rule, never the loaded terms.

use chrono::NaiveDate;
use covenant::eval::{self, Outcome, Question};
use covenant::space::Budget;
use covenant::terms::{self, Terms, TermsSource, ValueSet};
use covenant::verdict::Verdict;
use proptest::prelude::*;

const VALUES: [&str; 3] = ["a", "b", "c"];
const F2: [&str; 3] = ["u", "v", "w"];
const DATES: [&str; 4] = ["2020-01-01", "2022-01-01", "2024-01-01", "2026-01-01"];
const EFFECTS: [&str; 3] = ["permit", "forbid", "oblige"];
const DEFAULTS: [&str; 3] = ["permitted", "forbidden", "required"];

/// A generated rule, in the generator's own terms.
#[derive(Debug, Clone)]
struct GenRule {
    action: usize,        // 0 = p.act(x), 1 = p.bare
    x: Option<Vec<bool>>, // allowed values of x, None = unconstrained
    effect: usize,
    from: Option<usize>,
    until: Option<usize>,
    f1: Option<bool>,
    f2: Option<Vec<bool>>,
    reading: Option<usize>,
    overrides: Vec<usize>, // indices of earlier rules
}

fn gen_rule(index: usize) -> impl Strategy<Value = GenRule> {
    (
        0..2usize,
        prop::option::of(prop::collection::vec(any::<bool>(), 3)),
        0..3usize,
        prop::option::of(0..4usize),
        prop::option::of(0..4usize),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::collection::vec(any::<bool>(), 3)),
        prop::option::of(0..2usize),
        prop::collection::vec(0..index.max(1), 0..3),
    )
        .prop_map(
            move |(action, x, effect, from, until, f1, f2, reading, overrides)| {
                // Keep only well-formed rules: non-empty sets, from < until, earlier overrides.
                let x = x.filter(|set| set.iter().any(|b| *b));
                let f2 = f2.filter(|set| set.iter().any(|b| *b));
                let (from, until) = match (from, until) {
                    (Some(f), Some(u)) if f >= u => (Some(u), None),
                    other => other,
                };
                let mut overrides: Vec<usize> =
                    overrides.into_iter().filter(|o| *o < index).collect();
                overrides.sort();
                overrides.dedup();
                GenRule {
                    action,
                    x: if action == 0 { x } else { None },
                    effect,
                    from,
                    until,
                    f1,
                    f2,
                    reading,
                    overrides,
                }
            },
        )
}

fn gen_rules() -> impl Strategy<Value = (Vec<GenRule>, [usize; 2])> {
    (0..12usize, 0..3usize, 0..3usize).prop_flat_map(|(n, d0, d1)| {
        let rules: Vec<_> = (0..n).map(gen_rule).collect();
        (rules, Just([d0, d1]))
    })
}

fn set_text(name: &str, set: &[bool], values: &[&str]) -> String {
    let chosen: Vec<&str> = values
        .iter()
        .zip(set)
        .filter(|(_, b)| **b)
        .map(|(v, _)| *v)
        .collect();
    format!("{name} in [{}]", chosen.join(", "))
}

fn terms_toml(rules: &[GenRule], defaults: [usize; 2]) -> (String, String) {
    let vocabulary = format!(
        r#"[agreement]
title = "generated"
seeds = "seeds"
[parties]
p = "P"
[domains]
d = ["a", "b", "c"]
[actions."p.act"]
description = "act"
params = {{ x = "d" }}
default = "{}"
default_reason = "generated"
[actions."p.bare"]
description = "bare"
default = "{}"
default_reason = "generated"
[facts.f1]
description = "yes or no"
[facts.f2]
description = "three values"
values = ["u", "v", "w"]
[disputes.dis]
question = "which?"
default = "r0"
default_reason = "generated"
[disputes.dis.readings.r0]
summary = "zero"
citations = [{{ seed = "s.txt", quote = "source" }}]
[disputes.dis.readings.r1]
summary = "one"
citations = [{{ seed = "s.txt", quote = "source" }}]
"#,
        DEFAULTS[defaults[0]], DEFAULTS[defaults[1]]
    );
    let mut version = String::from(
        "[version]\nid = \"v\"\ntitle = \"v\"\n[version.effective]\ndate = \"2019-01-01\"\nsource = \"generated\"\n",
    );
    for (i, rule) in rules.iter().enumerate() {
        let action = match (&rule.x, rule.action) {
            (Some(set), 0) => format!("p.act({})", set_text("x", set, &VALUES)),
            (None, 0) => "p.act".to_string(),
            _ => "p.bare".to_string(),
        };
        version.push_str(&format!(
            "[[rules]]\nid = \"r{i}\"\naction = \"{action}\"\neffect = \"{}\"\ncitations = [{{ seed = \"s.txt\", quote = \"source\" }}]\n",
            EFFECTS[rule.effect]
        ));
        if let Some(from) = rule.from {
            version.push_str(&format!("from = \"{}\"\n", DATES[from]));
        }
        if let Some(until) = rule.until {
            version.push_str(&format!("until = \"{}\"\n", DATES[until]));
        }
        let mut when = Vec::new();
        match rule.f1 {
            Some(true) => when.push("f1".to_string()),
            Some(false) => when.push("not f1".to_string()),
            None => {}
        }
        if let Some(set) = &rule.f2 {
            when.push(set_text("f2", set, &F2));
        }
        if !when.is_empty() {
            version.push_str(&format!("when = \"{}\"\n", when.join(" and ")));
        }
        if let Some(reading) = rule.reading {
            version.push_str(&format!("reading = \"dis.r{reading}\"\n"));
        }
        if !rule.overrides.is_empty() {
            let names: Vec<String> = rule.overrides.iter().map(|o| format!("\"r{o}\"")).collect();
            version.push_str(&format!("overrides = [{}]\n", names.join(", ")));
        }
    }
    (vocabulary, version)
}

fn load(rules: &[GenRule], defaults: [usize; 2]) -> Terms {
    let (vocabulary, version) = terms_toml(rules, defaults);
    terms::load(&TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), vocabulary),
            ("v.toml".into(), version.clone()),
        ],
        seeds: vec![("s.txt".into(), "the source text".into())],
    })
    .unwrap_or_else(|e| panic!("generated terms load: {e:?}\n{version}"))
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A point of the generated agreement's question space.
#[derive(Clone, Copy)]
struct Point {
    action: usize,
    x: usize,
    date: NaiveDate,
    f1: bool,
    f2: usize,
    reading: usize,
}

/// The oracle: the semantics written out directly over generated rules.
fn oracle(rules: &[GenRule], defaults: [usize; 2], point: &Point) -> Verdict {
    let Point {
        action,
        x,
        date,
        f1,
        f2,
        reading,
    } = *point;
    let applies = |r: &GenRule| {
        r.action == action
            && r.x.as_ref().is_none_or(|set| set[x])
            && r.from.is_none_or(|f| day(DATES[f]) <= date)
            && r.until.is_none_or(|u| date < day(DATES[u]))
            && r.f1.is_none_or(|v| v == f1)
            && r.f2.as_ref().is_none_or(|set| set[f2])
            && r.reading.is_none_or(|rd| rd == reading)
    };
    // beats[a][b]: a overrides b through a chain of overrides (naive fixpoint).
    let n = rules.len();
    let mut beats = vec![vec![false; n]; n];
    for (a, rule) in rules.iter().enumerate() {
        for &b in &rule.overrides {
            beats[a][b] = true;
        }
    }
    for _ in 0..n {
        for a in 0..n {
            for b in 0..n {
                if beats[a][b] {
                    let through_b = beats[b].clone();
                    for (c, beaten) in through_b.into_iter().enumerate() {
                        beats[a][c] |= beaten;
                    }
                }
            }
        }
    }
    let applicable: Vec<usize> = (0..n).filter(|&i| applies(&rules[i])).collect();
    let winners: Vec<usize> = applicable
        .iter()
        .copied()
        .filter(|&b| !applicable.iter().any(|&a| beats[a][b]))
        .collect();
    let effects: Vec<&str> = winners.iter().map(|&w| EFFECTS[rules[w].effect]).collect();
    if effects.is_empty() {
        return Verdict::parse(DEFAULTS[defaults[action]]).unwrap();
    }
    let has = |e: &str| effects.contains(&e);
    if has("forbid") && (has("permit") || has("oblige")) {
        Verdict::Conflict
    } else if has("forbid") {
        Verdict::Forbidden
    } else if has("oblige") {
        Verdict::Required
    } else {
        Verdict::Permitted
    }
}

const PROBES: [&str; 6] = [
    "2019-06-01",
    "2020-01-01",
    "2021-12-31",
    "2023-05-05",
    "2025-12-31",
    "2030-01-01",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn evaluation_agrees_with_the_oracle_at_every_point((rules, defaults) in gen_rules()) {
        let terms = load(&rules, defaults);
        let readings_all = [[0usize], [1usize]];
        for action in 0..2 {
            for x in 0..(if action == 0 { 3 } else { 1 }) {
                for probe in PROBES {
                    for f1 in [false, true] {
                        for f2 in 0..3 {
                            for readings in &readings_all {
                                let params = if action == 0 { vec![x] } else { vec![] };
                                let facts = [ValueSet::single(usize::from(f1)), ValueSet::single(f2)];
                                let question = Question { version: 0, action, params: &params, date: day(probe), facts: &facts, readings };
                                let got = eval::decide(&terms, &question, &[usize::from(f1), f2]);
                                let point = Point { action, x, date: day(probe), f1, f2, reading: readings[0] };
                                let want = oracle(&rules, defaults, &point);
                                prop_assert_eq!(got.verdict, want, "action {} x {} on {} f1 {} f2 {} reading {}", action, x, probe, f1, f2, readings[0]);
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_facts_are_answered_with_the_decision_for_each_value_and_deterministically((rules, defaults) in gen_rules(), probe in 0..6usize) {
        let terms = load(&rules, defaults);
        let params = vec![1usize];
        let readings = [0usize];
        let unknown = terms.unknown_facts();
        let question = Question { version: 0, action: 0, params: &params, date: day(PROBES[probe]), facts: &unknown, readings: &readings };
        let answer = |question: &Question| eval::answer(&terms, question, &mut Budget::default()).expect("two facts fit the budget");
        let first = answer(&question);
        prop_assert_eq!(&first, &answer(&question));
        for f1 in 0..2 {
            for f2 in 0..3 {
                let known = eval::decide(&terms, &question, &[f1, f2]);
                let expected = match &first.outcome {
                    Outcome::Decided(decision) => decision.clone(),
                    Outcome::DependsOnFacts { cases, .. } => {
                        let holding: Vec<_> = cases.iter().filter(|c| c.holds_for(&[f1, f2])).collect();
                        prop_assert_eq!(holding.len(), 1, "exactly one branch holds for f1={} f2={}", f1, f2);
                        holding[0].decision.clone()
                    }
                };
                prop_assert_eq!(known, expected);
            }
        }
    }
}
