//! Speed of the exhaustive commands on small terms with large question spaces
//! (issue families): conjunctions of 10, 20 and 30 facts; 3 × 64 and 8 × 50
//! parameters no rule constrains; 10 disputes × 10 readings; 1,000 and 5,000
//! overlapping dated rules; an override chain of 60,000 rules. Each family is
//! measured for `check`, `diff` (every fact and reading varied), `timeline` and
//! an open `ask`, with the default budget. Loading is not measured here
//! (`benches/load.rs` does that).

use covenant::ask::report::{self, AskRequest};
use covenant::check;
use covenant::diff::{self, DiffRequest};
use covenant::generate::{Family, family};
use covenant::interval::{DateInterval, parse_date};
use covenant::query::{Query, Under};
use covenant::space::Budget;
use covenant::terms::{self, Terms};
use covenant::timeline::{self, TimelineRequest};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn families() -> Vec<(String, Family)> {
    vec![
        ("conjunction 10".into(), Family::Conjunction(10)),
        ("conjunction 20".into(), Family::Conjunction(20)),
        ("conjunction 30".into(), Family::Conjunction(30)),
        (
            "params 3x64".into(),
            Family::WideParams {
                params: 3,
                values: 64,
            },
        ),
        (
            "params 8x50".into(),
            Family::WideParams {
                params: 8,
                values: 50,
            },
        ),
        (
            "disputes 10x10".into(),
            Family::Disputes {
                disputes: 10,
                readings: 10,
            },
        ),
        ("overlapping 1000".into(), Family::Overlapping(1_000)),
        ("overlapping 5000".into(), Family::Overlapping(5_000)),
        ("override chain 60000".into(), Family::OverrideChain(60_000)),
    ]
}

fn open_query(terms: &Terms) -> Query {
    Query {
        action: 0,
        params: vec![None; terms.vocabulary.actions[0].params.len()],
    }
}

fn bench_families(c: &mut Criterion) {
    let mut group = c.benchmark_group("large space");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for (name, which) in families() {
        let terms = terms::load(&family(which)).expect("family terms load");
        group.bench_with_input(BenchmarkId::new("check", &name), &terms, |b, terms| {
            b.iter(|| check::check(black_box(terms), &[], None, &mut Budget::default()))
        });
        let request = DiffRequest {
            facts: vec![None; terms.vocabulary.facts.len()],
            readings: vec![None; terms.vocabulary.disputes.len()],
            ..DiffRequest::new(&terms, 0, 1, DateInterval::ALWAYS)
        };
        group.bench_with_input(BenchmarkId::new("diff", &name), &terms, |b, terms| {
            b.iter(|| diff::diff(black_box(terms), &request, &mut Budget::default()))
        });
        let request = TimelineRequest {
            text: "p.act".into(),
            query: open_query(&terms),
            under: Under::All,
            facts: Vec::new(),
            readings: Vec::new(),
        };
        group.bench_with_input(BenchmarkId::new("timeline", &name), &terms, |b, terms| {
            b.iter(|| timeline::timeline(black_box(terms), &request, &mut Budget::default()))
        });
        let request = AskRequest {
            text: "p.act".into(),
            query: open_query(&terms),
            date: parse_date("2012-01-01").expect("a date"),
            under: Under::All,
            facts: Vec::new(),
            readings: Vec::new(),
        };
        group.bench_with_input(BenchmarkId::new("ask", &name), &terms, |b, terms| {
            b.iter(|| report::ask(black_box(terms), &request, &mut Budget::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_families);
criterion_main!(benches);
