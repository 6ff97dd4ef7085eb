//! Helpers shared by the integration tests: run the binary as a user does, and
//! make throw-away terms directories.

#![allow(dead_code)]

pub mod breach;
pub mod events;
pub mod oracle;

use covenant::generate::{Shape, generate};
use covenant::terms::{self, Terms, TermsSource};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a run of `covenant` printed and how it exited.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `covenant` with `args` from the crate root.
pub fn covenant(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the covenant binary runs");
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

/// A fresh directory under the system temp directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("covenant-test-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir can be created");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dir can be created");
        }
        std::fs::write(&path, contents).expect("temp file can be written");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Replaces the temp directory's path in `text`, so snapshots do not depend on it.
pub fn scrub(text: &str, dir: &TempDir) -> String {
    text.replace(&dir.0.display().to_string(), "[TMP]")
}

/// Shapes of generated agreements for property tests: up to `actions` − 1
/// actions, `rules` − 1 rules per version and `dates` − 1 boundary dates, with
/// up to two facts and two disputes.
pub fn shapes(actions: usize, rules: usize, dates: usize) -> impl Strategy<Value = Shape> {
    (
        1..actions,
        0..rules,
        0usize..3,
        0usize..3,
        1..dates,
        any::<u64>(),
    )
        .prop_map(|(actions, rules, facts, disputes, dates, seed)| Shape {
            actions,
            rules,
            facts,
            disputes,
            dates,
            events: 0,
            seed,
        })
}

/// Loads terms the generator wrote, which are always well-formed.
pub fn load_generated(source: &TermsSource) -> Terms {
    terms::load(source).unwrap_or_else(|e| panic!("generated terms load: {e:?}"))
}

/// Generates and loads an agreement of `shape`.
pub fn generated(shape: &Shape) -> Terms {
    load_generated(&generate(shape))
}

/// Writes an in-memory terms source into `dir` as a terms directory (`seeds/` inside it).
pub fn write_source(source: &TermsSource, dir: &TempDir) {
    let TermsSource::InMemory { terms, seeds } = source else {
        panic!("only in-memory sources can be written");
    };
    for (name, text) in terms {
        dir.write(name, text);
    }
    for (name, text) in seeds {
        dir.write(&format!("seeds/{name}"), text);
    }
}

/// Copies the shipped `terms/` and `seeds/` into `dir`, side by side as in the
/// repository, so a test can change them; returns the copied terms directory.
pub fn copy_shipped_terms(dir: &TempDir) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["terms", "seeds"] {
        let from = root.join(folder);
        let to = dir.path().join(folder);
        std::fs::create_dir_all(&to).expect("temp dir can be created");
        for entry in std::fs::read_dir(&from).expect("the repository's folders are readable") {
            let entry = entry.expect("the repository's folders are readable");
            std::fs::copy(entry.path(), to.join(entry.file_name()))
                .expect("the repository's files can be copied");
        }
    }
    dir.path().join("terms")
}

/// Replaces the one occurrence of `from` in the file at `path` with `to`.
pub fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("the copied file is readable");
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` once in {}",
        path.display()
    );
    std::fs::write(path, text.replace(from, to)).expect("the copied file is writable");
}

/// How many cases a fuzz property runs: `default`, or `COVENANT_FUZZ_CASES` when set.
pub fn fuzz_cases(default: u32) -> u32 {
    std::env::var("COVENANT_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The repository's root, where `examples/` and `terms/` are.
pub fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every seed file of `dir` (relative to the repository), by file name, read
/// from disk without the loader.
pub fn seeds_in(dir: &str) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(repository().join(dir))
        .expect("the example has a seeds directory")
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let text = std::fs::read_to_string(&path).expect("seeds are UTF-8 text");
            (name, text)
        })
        .collect()
}

/// Every `{ seed, quote }` table anywhere in a TOML value, as (owner, seed,
/// quote): the owner is the id of the rule the table is in, or `owner`.
pub fn citations(value: &toml::Value, owner: &str, found: &mut Vec<(String, String, String)>) {
    match value {
        toml::Value::Table(table) => {
            if let (Some(toml::Value::String(seed)), Some(toml::Value::String(quote))) =
                (table.get("seed"), table.get("quote"))
            {
                found.push((owner.to_string(), seed.clone(), quote.clone()));
            }
            let owner = match table.get("id") {
                Some(toml::Value::String(id)) => id.clone(),
                _ => owner.to_string(),
            };
            table.values().for_each(|v| citations(v, &owner, found));
        }
        toml::Value::Array(items) => items.iter().for_each(|v| citations(v, owner, found)),
        _ => {}
    }
}
