//! Speed of `covenant check`: the shipped terms, and a generated agreement of
//! 10,000 rules (5,000 in each of two versions) over 500 actions.

use covenant::check;
use covenant::generate::{Shape, generate};
use covenant::space::Budget;
use covenant::terms::{self, TermsSource};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn check_shipped_terms(c: &mut Criterion) {
    let terms = terms::load(&TermsSource::Embedded).expect("shipped terms load");
    c.bench_function("check shipped terms", |b| {
        b.iter(|| check::check(black_box(&terms), &[], None, &mut Budget::default()))
    });
}

fn check_generated(c: &mut Criterion) {
    let shape = Shape {
        actions: 500,
        rules: 5_000,
        facts: 4,
        disputes: 2,
        dates: 30,
        events: 0,
        seed: 7,
    };
    let terms = terms::load(&generate(&shape)).expect("generated terms load");
    let with_events = terms::load(&generate(&Shape { events: 3, ..shape }))
        .expect("generated terms with events load");
    let mut group = c.benchmark_group("check generated");
    group.sample_size(10);
    group.bench_function("10000 rules, 500 actions", |b| {
        b.iter(|| check::check(black_box(&terms), &[], None, &mut Budget::default()))
    });
    group.bench_function("10000 rules, 500 actions, 3 events, or, a number", |b| {
        b.iter(|| check::check(black_box(&with_events), &[], None, &mut Budget::default()))
    });
    group.finish();
}

criterion_group!(benches, check_shipped_terms, check_generated);
criterion_main!(benches);
