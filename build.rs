//! Embeds `terms/` and `seeds/` into the binary, so that `covenant` answers from
//! any directory. The list of files is read here, not written in the code, so
//! the engine names no particular agreement.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn embed(out: &mut String, name: &str, dir: &Path, keep: impl Fn(&str) -> bool) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
    for path in files {
        let file_name = path.file_name().unwrap().to_str().unwrap();
        let absolute = fs::canonicalize(&path).unwrap();
        writeln!(out, "    ({file_name:?}, include_bytes!({absolute:?})),").unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = Path::new(&root);
    let mut out = String::new();
    embed(&mut out, "EMBEDDED_TERMS", &root.join("terms"), |n| {
        n.ends_with(".toml")
    });
    embed(&mut out, "EMBEDDED_SEEDS", &root.join("seeds"), |n| {
        !n.starts_with('.')
    });
    let target = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded.rs");
    fs::write(target, out).unwrap();
}
