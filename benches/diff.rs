//! Speed of `covenant diff`: the shipped versions, and generated agreement
//! pairs of 1k, 10k and 100k rules in all (half in each version; 100k is the
//! loader's limit) over 500 actions, to show how the time grows with the
//! number of rules (not with the number of days).

use covenant::diff::{self, DiffRequest};
use covenant::generate::{Shape, generate};
use covenant::interval::DateInterval;
use covenant::space::Budget;
use covenant::terms::{self, TermsSource};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn diff_shipped_versions(c: &mut Criterion) {
    let terms = terms::load(&TermsSource::Embedded).expect("shipped terms load");
    let request = DiffRequest::new(&terms, 0, 1, DateInterval::ALWAYS);
    c.bench_function("diff old new (shipped terms)", |b| {
        b.iter(|| {
            diff::diff(
                black_box(&terms),
                black_box(&request),
                &mut Budget::default(),
            )
        })
    });
    let every_reading = DiffRequest {
        readings: vec![None; terms.vocabulary.disputes.len()],
        ..request.clone()
    };
    c.bench_function("diff old new --readings all (shipped terms)", |b| {
        b.iter(|| {
            diff::diff(
                black_box(&terms),
                black_box(&every_reading),
                &mut Budget::default(),
            )
        })
    });
}

fn diff_generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("diff generated pair, 500 actions, rules in all");
    group.sample_size(10);
    for rules in [1_000, 10_000, 100_000] {
        let shape = Shape {
            actions: 500,
            rules: rules / 2,
            facts: 4,
            disputes: 2,
            dates: 30,
            events: 0,
            seed: 7,
        };
        let terms = terms::load(&generate(&shape)).expect("generated terms load");
        let request = DiffRequest::new(&terms, 0, 1, DateInterval::ALWAYS);
        group.bench_with_input(
            BenchmarkId::from_parameter(rules),
            &request,
            |b, request| {
                b.iter(|| {
                    diff::diff(
                        black_box(&terms),
                        black_box(request),
                        &mut Budget::default(),
                    )
                })
            },
        );
    }
    group.finish();
    let mut group = c.benchmark_group("diff generated pair with 3 events, or and a number");
    group.sample_size(10);
    let shape = Shape {
        actions: 500,
        rules: 5_000,
        facts: 4,
        disputes: 2,
        dates: 30,
        events: 3,
        seed: 7,
    };
    let terms = terms::load(&generate(&shape)).expect("generated terms with events load");
    let request = DiffRequest::new(&terms, 0, 1, DateInterval::ALWAYS);
    group.bench_function(BenchmarkId::from_parameter(10_000), |b| {
        b.iter(|| {
            diff::diff(
                black_box(&terms),
                black_box(&request),
                &mut Budget::default(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, diff_shipped_versions, diff_generated);
criterion_main!(benches);
