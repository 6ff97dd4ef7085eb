//! Small terms, large question spaces: every exhaustive command ends within its
//! budget, quickly, with an answer or a clear error (exit 2) — never a hang,
//! an abort or a panic.

mod common;

use common::{TempDir, covenant, write_source};
use covenant::generate::{Family, family};

fn terms_dir(label: &str, which: Family) -> TempDir {
    let dir = TempDir::new(label);
    write_source(&family(which), &dir);
    dir
}

#[test]
#[ignore = "writes the families to /tmp for exploring by hand"]
fn dump_families() {
    for (name, which) in [
        ("conj13", Family::Conjunction(13)),
        ("conj30", Family::Conjunction(30)),
        (
            "wide3x64",
            Family::WideParams {
                params: 3,
                values: 64,
            },
        ),
        (
            "wide8x50",
            Family::WideParams {
                params: 8,
                values: 50,
            },
        ),
        (
            "wide16x16",
            Family::WideParams {
                params: 16,
                values: 16,
            },
        ),
        (
            "disp6x10",
            Family::Disputes {
                disputes: 6,
                readings: 10,
            },
        ),
        ("overlap1000", Family::Overlapping(1000)),
        ("overlap5000", Family::Overlapping(5000)),
        ("chain60000", Family::OverrideChain(60000)),
        ("indep20", Family::IndependentFacts(20)),
        ("indep30", Family::IndependentFacts(30)),
    ] {
        let dir = std::path::PathBuf::from(format!("/tmp/fam/{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("seeds")).unwrap();
        let covenant::terms::TermsSource::InMemory { terms, seeds } = family(which) else {
            unreachable!()
        };
        for (n, t) in terms {
            std::fs::write(dir.join(n), t).unwrap();
        }
        for (n, t) in seeds {
            std::fs::write(dir.join("seeds").join(n), t).unwrap();
        }
    }
    let _ = (terms_dir, covenant);
}
