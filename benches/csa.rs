//! Speed on a real contract: the Common Paper Cloud Service Agreement, 1.1
//! and 2.1 (`examples/common-paper-csa/`). `ask 'provider.*'` is measured with
//! loading the terms from disk, as one run of the command does, and as the
//! whole process (the release binary started, run and waited for); `diff` of
//! the two versions on terms already loaded.

use covenant::ask::report::{self, AskRequest};
use covenant::diff::{self, DiffRequest};
use covenant::interval::DateInterval;
use covenant::query::{self, Query, Under};
use covenant::space::Budget;
use covenant::terms::{self, TermsSource};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn source_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/common-paper-csa/terms")
}

fn source() -> TermsSource {
    TermsSource::Directory(source_dir())
}

fn csa(c: &mut Criterion) {
    c.bench_function("CSA: load and ask 'provider.*' on 2026-01-01", |b| {
        b.iter(|| {
            let terms = terms::load(black_box(&source())).expect("the CSA example loads");
            let actions = query::parse_wildcard(&terms, "provider.*")
                .expect("a wildcard")
                .expect("provider has actions");
            let request = AskRequest {
                text: "provider.*".into(),
                query: Query {
                    action: actions[0],
                    params: Vec::new(),
                },
                date: "2026-01-01".parse().expect("a date"),
                under: Under::InForce,
                facts: Vec::new(),
                readings: Vec::new(),
            };
            report::position(&terms, &request, &actions, &mut Budget::default())
                .expect("fits the budget")
        })
    });
    // The whole process as a user runs it: start, load, ask, print, exit.
    let dir = source_dir();
    c.bench_function("CSA: the whole process, covenant ask 'provider.*'", |b| {
        b.iter(|| {
            let run = std::process::Command::new(env!("CARGO_BIN_EXE_covenant"))
                .arg("--terms")
                .arg(&dir)
                .args(["ask", "provider.*", "--on", "2026-01-01"])
                .output()
                .expect("covenant runs");
            assert!(run.status.success());
            run.stdout
        })
    });
    let terms = terms::load(&source()).expect("the CSA example loads");
    let old = terms.version_index("csa-1.1").expect("version 1.1");
    let new = terms.version_index("csa-2.1").expect("version 2.1");
    let from = Some(terms.versions[new].effective.date);
    let window = DateInterval::new(from, None).expect("an open window");
    let request = DiffRequest::new(&terms, old, new, window);
    c.bench_function("CSA: diff csa-1.1 csa-2.1", |b| {
        b.iter(|| {
            diff::diff(
                black_box(&terms),
                black_box(&request),
                &mut Budget::default(),
            )
        })
    });
}

criterion_group!(benches, csa);
criterion_main!(benches);
