//! Every passage the shipped terms cite is verbatim in the seed it names, read
//! from disk independently of the loader; and seeds/ is a byte-identical copy of
//! the shared seeds when those are present.

use std::collections::BTreeMap;
use std::path::Path;

fn seeds(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("seeds directory exists")
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            (
                name,
                std::fs::read_to_string(&path).expect("seeds are UTF-8 text"),
            )
        })
        .collect()
}

/// Every `{ seed, quote }` table anywhere in a TOML value.
fn citations(value: &toml::Value, found: &mut Vec<(String, String)>) {
    match value {
        toml::Value::Table(table) => {
            if let (Some(toml::Value::String(seed)), Some(toml::Value::String(quote))) =
                (table.get("seed"), table.get("quote"))
            {
                found.push((seed.clone(), quote.clone()));
            }
            table.values().for_each(|v| citations(v, found));
        }
        toml::Value::Array(items) => items.iter().for_each(|v| citations(v, found)),
        _ => {}
    }
}

fn check_terms_dir(terms: &Path, seeds_dir: &Path) -> usize {
    let seeds = seeds(seeds_dir);
    let mut checked = 0;
    for entry in std::fs::read_dir(terms).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let value: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut found = Vec::new();
        citations(&value, &mut found);
        for (seed, quote) in found {
            let text = seeds
                .get(&seed)
                .unwrap_or_else(|| panic!("{}: cites missing seed {seed}", path.display()));
            assert!(
                text.contains(&quote),
                "{}: quote not verbatim in {seed}: {quote:?}",
                path.display()
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_shipped_citation_is_verbatim_in_its_seed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = check_terms_dir(&root.join("terms"), &root.join("seeds"));
    assert!(checked >= 50, "only {checked} citations found");
}

#[test]
fn every_example_citation_is_verbatim_in_its_seed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/lease");
    assert!(check_terms_dir(&root.join("terms"), &root.join("seeds")) >= 10);
}

#[test]
fn every_rule_cites_at_least_one_passage() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["terms/old.toml", "terms/new.toml"] {
        let value: toml::Value =
            toml::from_str(&std::fs::read_to_string(root.join(file)).unwrap()).unwrap();
        for rule in value["rules"].as_array().unwrap() {
            let cited = rule
                .get("citations")
                .and_then(|c| c.as_array())
                .map_or(0, Vec::len);
            assert!(cited >= 1, "{file}: rule {} cites nothing", rule["id"]);
        }
    }
}

#[test]
fn seeds_are_byte_identical_to_the_shared_seeds_when_present() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/seeds");
    if !shared.is_dir() {
        // A user's clone has no ../shared; the copy in seeds/ is all there is.
        return;
    }
    let ours = seeds(&root.join("seeds"));
    let theirs = seeds(&shared);
    assert_eq!(ours, theirs);
}
