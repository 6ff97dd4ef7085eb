//! Bad input is harmless: arbitrary text or bytes as a terms file, arbitrary
//! strings as a query, a flag value or a scenario file never panic, and always
//! give an error that says where (a location in the text, or the file's name).
//!
//! The number of cases per property is 2,000 by default (cheap ones) or 200
//! (those that touch the disk); set `COVENANT_FUZZ_CASES` for long runs, e.g.
//! `COVENANT_FUZZ_CASES=200000 cargo test --release --test fuzz_bad_input`.

use covenant::diagnostic::{SourceFile, render};
use covenant::query;
use covenant::scenario;
use covenant::terms::{self, Terms, TermsSource};
use proptest::prelude::*;
use std::sync::OnceLock;

fn cases(default: u32) -> u32 {
    std::env::var("COVENANT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn shipped() -> &'static Terms {
    static TERMS: OnceLock<Terms> = OnceLock::new();
    TERMS.get_or_init(|| terms::load(&TermsSource::Embedded).expect("shipped terms load"))
}

/// Text that is mostly TOML-shaped, with arbitrary characters mixed in, so
/// that the fuzzing reaches past the TOML parser into validation.
fn tomlish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[version]\n",
        "[[rules]]\n",
        "id = \"r\"\n",
        "action = \"openai.host_models(cloud != azure)\"\n",
        "effect = \"permit\"\n",
        "effect = \"forbid\"\n",
        "from = \"2026-02-30\"\n",
        "until = \"2020-01-01\"\n",
        "when = \"agi_achieved and not\"\n",
        "when = \"(agi_achieved or not revenue_share_cap_reached\"\n",
        "when = \"not (agi_achieved or microsoft_return_cap_reached) and agi_achieved\"\n",
        "when = \"agi_achieved < 3.5\"\n",
        "from = \"agi_achieved + 30 days\"\n",
        "until = \"agi_achieved - 1 month\"\n",
        "until = \"revenue_share_cap_reached + 99999999999 years\"\n",
        "from = \"agi_achieved +\"\n",
        "overrides = [\"r\"]\n",
        "reading = \"x.y\"\n",
        "citations = [{ seed = \"001_3bff8537bc01d4c6.txt\", quote = \"Azure\" }]\n",
        "[version.effective]\ndate = \"2026-04-27\"\nsource = \"s\"\n",
        "id = \"new\"\ntitle = \"t\"\n",
        "\"",
        "[",
        "]",
        "{",
        "}",
        "=",
        "\n",
        "é",
        "\u{0}",
        "\\u",
        "'''",
        "#",
    ]);
    (prop::collection::vec(pieces, 0..40), ".{0,20}").prop_map(|(parts, noise)| {
        let mut text: String = parts.concat();
        let at = noise.len().min(text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.insert_str(at, &noise);
        text
    })
}

fn load_with_version(text: &str) -> Result<Terms, terms::LoadErrors> {
    let vocabulary = include_str!("../terms/vocabulary.toml").to_string();
    let seeds = ["000_1de5405bbfdb931b.txt", "001_3bff8537bc01d4c6.txt"]
        .iter()
        .map(|name| {
            let path = format!("{}/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
            (name.to_string(), std::fs::read_to_string(path).unwrap())
        })
        .collect();
    terms::load(&TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), vocabulary),
            ("new.toml".into(), text.to_string()),
        ],
        seeds,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn arbitrary_text_as_a_version_file_never_panics_and_every_error_is_located(text in tomlish()) {
        if let Err(errors) = load_with_version(&text) {
            let diagnostics = errors.diagnostics();
            prop_assert!(!diagnostics.is_empty());
            for diagnostic in &diagnostics {
                let located = diagnostic.location.is_some()
                    || diagnostic.message.contains("new.toml")
                    || diagnostic.message.contains("rules, over the limit");
                prop_assert!(located, "unlocated: {}", diagnostic.message);
            }
            let shown = render(&diagnostics);
            prop_assert!(shown.contains("error"));
        }
    }

    #[test]
    fn arbitrary_strings_as_a_query_never_panic_and_errors_point_into_the_query(text in ".{0,60}") {
        if let Err(error) = query::parse_query(shipped(), &text) {
            prop_assert!(error.span.start <= error.span.end && error.span.end <= text.len());
            let shown = render(&[error.on_command_line("query", &text)]);
            prop_assert!(shown.contains("<query>:1:"), "{}", shown);
        }
    }

    #[test]
    fn query_shaped_strings_never_panic(
        party in "[a-z_]{0,8}", action in "[a-z_]{0,20}", param in "[a-z_ =!,\\[\\]]{0,20}"
    ) {
        let text = format!("{party}.{action}({param})");
        if let Err(error) = query::parse_query(shipped(), &text) {
            prop_assert!(error.span.end <= text.len());
            render(&[error.on_command_line("query", &text)]);
        }
    }

    #[test]
    fn arbitrary_values_for_every_flag_never_panic_and_errors_are_located(text in ".{0,40}") {
        let terms = shipped();
        let checks: [(&str, Option<query::InputError>); 5] = [
            ("--on", query::parse_on(&text).err()),
            ("--under", query::parse_under(terms, &text).err()),
            ("--fact", query::parse_fact(terms, &text).err()),
            ("--reading", query::parse_reading(terms, &text).err()),
            ("OLD", query::parse_version(terms, &text).err()),
        ];
        for (origin, error) in checks {
            if let Some(error) = error {
                prop_assert!(error.span.end <= text.len(), "{} span {:?}", origin, error.span);
                let shown = render(&[error.on_command_line(origin, &text)]);
                prop_assert!(shown.contains(&format!("<{origin}>:1:")), "{}", shown);
            }
        }
    }

    #[test]
    fn arbitrary_scenario_files_never_panic_and_errors_are_located(text in tomlish()) {
        let file = SourceFile::new("scenario.toml".to_string(), text);
        if let Err(diagnostics) = scenario::load(shipped(), &file) {
            for diagnostic in &diagnostics {
                prop_assert!(diagnostic.location.is_some(), "unlocated: {}", diagnostic.message);
            }
            render(&diagnostics);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    #[test]
    fn arbitrary_bytes_as_a_terms_file_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), vocabulary in any::<bool>()) {
        let dir = std::env::temp_dir().join(format!("covenant-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let name = if vocabulary { "vocabulary.toml" } else { "new.toml" };
        if !vocabulary {
            std::fs::write(dir.join("vocabulary.toml"), include_str!("../terms/vocabulary.toml")).unwrap();
        }
        std::fs::write(dir.join(name), &bytes).unwrap();
        let result = terms::load(&TermsSource::Directory(dir.clone()));
        let _ = std::fs::remove_dir_all(&dir);
        let errors = result.expect_err("random bytes are not an agreement");
        for diagnostic in errors.diagnostics() {
            let located = diagnostic.location.is_some() || diagnostic.message.contains(name)
                || diagnostic.message.contains("version file");
            prop_assert!(located, "unlocated: {}", diagnostic.message);
        }
    }
}
