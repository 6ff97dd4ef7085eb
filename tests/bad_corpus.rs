//! The bad-input corpus: every directory under `tests/bad/` is one mistake a
//! person might make, applied to a copy of the shipped terms, and the snapshot
//! beside it is the exact message they see.
//!
//! A case directory holds:
//! - `edits.toml` (optional): `[[edit]]` entries `{ file, find, replace }`
//!   applied to the copy (`file` is `terms/…`, `seeds/…` or a new file);
//!   `find` must occur, so a case cannot silently stop testing anything;
//! - `remove` (optional): paths of the copy to delete, one per line;
//! - `files/` (optional): files copied over the copy as they are (bytes);
//! - `args` (optional): the command line after `covenant --terms DIR`, one
//!   argument per line; `check` if absent.
//!
//! Every case must exit 2 (or 1 for `check` findings) with a message on
//! stderr or stdout, never a panic.

mod common;

use common::{TempDir, covenant, scrub};
use std::fs;
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
struct Edits {
    #[serde(default)]
    edit: Vec<Edit>,
}

#[derive(serde::Deserialize)]
struct Edit {
    file: String,
    #[serde(default)]
    find: Option<String>,
    replace: String,
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad");
    let mut cases: Vec<PathBuf> = fs::read_dir(root)
        .expect("tests/bad exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn run_case(case: &Path) -> (i32, String) {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let dir = TempDir::new(&format!("bad-{name}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("terms"), &dir.path().join("terms"));
    copy_dir(&root.join("seeds"), &dir.path().join("seeds"));
    if let Ok(text) = fs::read_to_string(case.join("edits.toml")) {
        let edits: Edits =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/edits.toml: {e}"));
        for edit in edits.edit {
            let path = dir.path().join(&edit.file);
            let new = match edit.find {
                Some(find) => {
                    let old = fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("{name}: {}: {e}", edit.file));
                    assert!(
                        old.contains(&find),
                        "{name}: `{find}` is not in {}",
                        edit.file
                    );
                    old.replacen(&find, &edit.replace, 1)
                }
                None => edit.replace,
            };
            fs::write(&path, new).unwrap();
        }
    }
    if let Ok(text) = fs::read_to_string(case.join("remove")) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            fs::remove_file(dir.path().join(line.trim()))
                .unwrap_or_else(|e| panic!("{name}: remove {line}: {e}"));
        }
    }
    if case.join("files").is_dir() {
        copy_dir(&case.join("files"), dir.path());
    }
    let args_text = fs::read_to_string(case.join("args")).unwrap_or_else(|_| "check".into());
    let terms = dir.path().join("terms");
    let mut args: Vec<String> = vec!["--terms".into(), terms.display().to_string()];
    args.extend(
        args_text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.replace("{dir}", &dir.path().display().to_string())),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = covenant(&args);
    let shown = if run.stderr.is_empty() {
        &run.stdout
    } else {
        &run.stderr
    };
    assert!(
        !run.stderr.contains("panicked"),
        "{name} panicked: {}",
        run.stderr
    );
    (run.code, scrub(shown, &dir))
}

#[test]
fn every_bad_input_gets_a_clear_message_and_no_panic() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let (code, message) = run_case(case);
        if !(code == 2 || code == 1) || message.trim().is_empty() {
            failures.push(format!("{name}: exit {code}, message:\n{message}"));
            continue;
        }
        insta::with_settings!({ snapshot_path => case.parent().unwrap(), prepend_module_to_snapshot => false, snapshot_suffix => "" }, {
            insta::assert_snapshot!(name.clone(), format!("exit {code}\n{message}"));
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A copy of the shipped terms whose `new.toml` is replaced by `text`.
fn terms_with_new(label: &str, text: &str) -> TempDir {
    let dir = TempDir::new(label);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("terms"), &dir.path().join("terms"));
    copy_dir(&root.join("seeds"), &dir.path().join("seeds"));
    fs::write(dir.path().join("terms/new.toml"), text).unwrap();
    dir
}

#[test]
fn a_terms_file_over_10_mb_is_refused_before_it_is_read() {
    let mut text = String::from("# padding\n");
    while text.len() <= 10 * 1024 * 1024 {
        text.push_str("# ................................................................\n");
    }
    let dir = terms_with_new("huge", &text);
    let run = covenant(&[
        "--terms",
        &dir.path().join("terms").display().to_string(),
        "check",
    ]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("huge_file", scrub(&run.stderr, &dir));
}

#[test]
fn terms_with_over_100000_rules_are_refused_with_a_clear_message() {
    let mut text = String::from(
        "[version]\nid = \"new\"\ntitle = \"t\"\n[version.effective]\ndate = \"2026-04-27\"\nsource = \"s\"\n",
    );
    for i in 0..100_001 {
        text.push_str(&format!(
            "[[rules]]\nid = \"r{i}\"\naction = \"openai.host_models\"\neffect = \"permit\"\ncitations = []\n"
        ));
    }
    let dir = terms_with_new("many-rules", &text);
    let run = covenant(&[
        "--terms",
        &dir.path().join("terms").display().to_string(),
        "check",
    ]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("too_many_rules", scrub(&run.stderr, &dir));
}
