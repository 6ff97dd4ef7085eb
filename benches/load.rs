//! Speed of loading terms: the loader must stay linear in the size of what it
//! reads. Three families from issue 9: 100,000 rules over 500 actions, an
//! override chain of 60,000 rules, and 10,000 citations of a passage near the
//! end of a 10 MB seed.

use covenant::generate::{Shape, generate};
use covenant::terms::{self, TermsSource};
use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;

const VOCABULARY: &str = "[agreement]\ntitle = \"bench\"\nseeds = \"seeds\"\n\n[parties]\np = \"P\"\n\n\
[actions.\"p.act\"]\ndescription = \"act\"\ndefault = \"permitted\"\ndefault_reason = \"bench\"\n";

const HEADER: &str = "[version]\nid = \"v\"\ntitle = \"v\"\n[version.effective]\ndate = \"2020-01-01\"\nsource = \"bench\"\n";

/// The passage every citation of the seed family quotes, written near the seed's end.
const PASSAGE: &str = "The Licensee shall pay the fee within thirty days of the invoice.";

fn terms(version: String, seed: String) -> TermsSource {
    TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), VOCABULARY.into()),
            ("v.toml".into(), version),
        ],
        seeds: vec![("seed.txt".into(), seed)],
    }
}

/// `rules` rules on one action, each overriding the one before.
fn override_chain(rules: usize) -> TermsSource {
    let mut version = String::from(HEADER);
    for i in 0..rules {
        let _ = write!(
            version,
            "[[rules]]\nid = \"r{i}\"\naction = \"p.act\"\neffect = \"permit\"\ncitations = [{{ seed = \"seed.txt\", quote = \"{PASSAGE}\" }}]\n"
        );
        if i > 0 {
            let _ = writeln!(version, "overrides = [\"r{}\"]", i - 1);
        }
    }
    terms(version, PASSAGE.into())
}

/// A seed of about `bytes` bytes ending with [`PASSAGE`], cited by `citations` rules.
fn citations_into_large_seed(citations: usize, bytes: usize) -> TermsSource {
    let mut seed = String::with_capacity(bytes + 200);
    let mut line = 0;
    while seed.len() < bytes {
        let _ = writeln!(seed, "Clause {line}: The Licensee shall keep the records.");
        line += 1;
    }
    seed.push_str(PASSAGE);
    seed.push('\n');
    let mut version = String::from(HEADER);
    for i in 0..citations {
        let _ = writeln!(
            version,
            "[[rules]]\nid = \"r{i}\"\naction = \"p.act\"\neffect = \"permit\"\ncitations = [{{ seed = \"seed.txt\", quote = \"{PASSAGE}\" }}]"
        );
    }
    terms(version, seed)
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    let many = generate(&Shape {
        actions: 500,
        rules: 50_000,
        facts: 4,
        disputes: 2,
        dates: 30,
        events: 0,
        seed: 7,
    });
    group.bench_function("100000 rules, 500 actions", |b| {
        b.iter(|| terms::load(black_box(&many)).expect("generated terms load"))
    });
    let chain = override_chain(60_000);
    group.bench_function("override chain of 60000", |b| {
        b.iter(|| terms::load(black_box(&chain)).expect("the chain loads"))
    });
    let cited = citations_into_large_seed(10_000, 10_000_000);
    group.bench_function("10000 citations into a 10 MB seed", |b| {
        b.iter(|| terms::load(black_box(&cited)).expect("the citations load"))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
