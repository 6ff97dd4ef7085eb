//! Speed of the two things every `covenant ask` does: load the embedded terms,
//! and answer one question on them.

use covenant::eval::{self, Question};
use covenant::interval::parse_date;
use covenant::query;
use covenant::space::Budget;
use covenant::terms::{self, TermsSource};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn load_embedded_terms(c: &mut Criterion) {
    c.bench_function("load embedded terms", |b| {
        b.iter(|| terms::load(black_box(&TermsSource::Embedded)).expect("shipped terms load"))
    });
}

fn answer_one_question(c: &mut Criterion) {
    let terms = terms::load(&TermsSource::Embedded).expect("shipped terms load");
    let query = query::parse_query(&terms, "openai.host_models(cloud=aws)").expect("query parses");
    let params: Vec<usize> = query
        .params
        .iter()
        .map(|p| p.expect("cloud is given"))
        .collect();
    let version = terms.version_index("new").expect("version new exists");
    let facts = terms.unknown_facts();
    let readings = terms.default_readings();
    let date = parse_date("2027-03-01").expect("date is valid");
    let question = Question {
        version,
        action: query.action,
        params: &params,
        date,
        facts: &facts,
        readings: &readings,
    };
    c.bench_function("answer openai.host_models(cloud=aws) on 2027-03-01", |b| {
        b.iter(|| {
            eval::answer(
                black_box(&terms),
                black_box(&question),
                &mut Budget::default(),
            )
        })
    });
    let pay = query::parse_query(&terms, "openai.pay_revenue_share").expect("query parses");
    let disputed = Question {
        action: pay.action,
        params: &[],
        ..question
    };
    c.bench_function(
        "answer openai.pay_revenue_share (unknown fact, dispute)",
        |b| {
            b.iter(|| {
                eval::answer(
                    black_box(&terms),
                    black_box(&disputed),
                    &mut Budget::default(),
                )
            })
        },
    );
}

criterion_group!(benches, load_embedded_terms, answer_one_question);
criterion_main!(benches);
