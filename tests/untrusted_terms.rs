//! A terms directory is untrusted: it reaches only the agreement's own files.
//! Each test builds a small agreement in a temp directory beside a secret file
//! it must not read, attacks it one way (a `seeds` path, a symbolic link, a
//! pipe, a file that is too large), and checks the message a person sees and
//! that the secret appears in no output.

mod common;

use common::{Run, TempDir, covenant, scrub};
use covenant::terms::{self, TermsSource};
use insta::assert_snapshot;
use std::path::{Path, PathBuf};

const SEED: &str = "The Tenant shall not keep any pet.\nThe Landlord may enter after notice.\n";

const VOCABULARY: &str = r#"[agreement]
title = "test lease"

[parties]
tenant = "the Tenant"

[actions."tenant.keep_pet"]
description = "keep a pet"
default = "permitted"
default_reason = "a freedom"
"#;

/// A version whose one rule cites `seed` with a quote that is verbatim in the
/// lease and starts like the secret: were the secret read in its place, the
/// hint would print what follows the match, the marker.
fn version(seed: &str) -> String {
    format!(
        r#"[version]
id = "v1"
title = "the lease"

[version.effective]
date = "2024-03-01"
source = "test"

[[rules]]
id = "no_pets"
action = "tenant.keep_pet"
effect = "forbid"
citations = [{{ seed = "{seed}", quote = "The Tenant shall not keep any pet.\nThe Landlord" }}]
"#
    )
}

/// The secret's marker: if it appears in any output, a file outside the tree was read.
const MARKER: &str = "SECRET-7f3a9c-do-not-print";

/// `root/agreement/{terms,seeds}` and `root/secret.txt`, outside the agreement.
struct Agreement {
    root: TempDir,
}

impl Agreement {
    fn new(label: &str) -> Agreement {
        let root = TempDir::new(label);
        root.write(
            "secret.txt",
            format!("The Tenant shall not keep any pet. {MARKER}\n"),
        );
        root.write("outside/lease.txt", format!("{SEED}{MARKER}\n"));
        root.write("agreement/terms/vocabulary.toml", VOCABULARY);
        root.write("agreement/terms/v1.toml", version("lease.txt"));
        root.write("agreement/seeds/lease.txt", SEED);
        Agreement { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    fn terms(&self) -> PathBuf {
        self.path("agreement/terms")
    }

    fn set_seeds(&self, seeds: &str) {
        self.root.write(
            "agreement/terms/vocabulary.toml",
            VOCABULARY.replace(
                "title = \"test lease\"",
                &format!("title = \"test lease\"\nseeds = {seeds:?}"),
            ),
        );
    }

    /// Runs `covenant --terms TERMS args...`; fails the test if the secret shows.
    fn run(&self, args: &[&str]) -> Run {
        let terms = self.terms().display().to_string();
        let mut all = vec!["--terms", terms.as_str()];
        all.extend(args);
        let run = covenant(&all);
        assert!(
            !run.stdout.contains(MARKER) && !run.stderr.contains(MARKER),
            "the secret was printed:\n{}{}",
            run.stdout,
            run.stderr
        );
        run
    }

    /// What `covenant versions` says on stderr, scrubbed of the temp path; it must fail.
    fn refused(&self) -> String {
        let run = self.run(&["versions"]);
        assert_eq!(
            run.code, 2,
            "expected a load error; stdout:\n{}",
            run.stdout
        );
        scrub(&run.stderr, &self.root)
    }
}

#[test]
fn the_agreement_itself_loads() {
    let agreement = Agreement::new("valid");
    let run = agreement.run(&["versions"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_sibling_seeds_folder_or_one_inside_the_terms_directory_is_allowed() {
    let agreement = Agreement::new("allowed");
    agreement.root.write("agreement/sources/lease.txt", SEED);
    agreement.set_seeds("../sources");
    assert_eq!(agreement.run(&["versions"]).code, 0);
    agreement
        .root
        .write("agreement/terms/quoted/lease.txt", SEED);
    agreement.set_seeds("quoted");
    assert_eq!(agreement.run(&["versions"]).code, 0);
}

#[test]
fn an_absolute_seeds_path_is_refused() {
    let agreement = Agreement::new("absolute");
    agreement.set_seeds(&agreement.path("outside").display().to_string());
    let message = agreement.refused();
    assert!(message.contains("is an absolute path"), "{message}");
    assert!(message.contains("vocabulary.toml:3:9"), "{message}");
}

#[test]
fn a_seeds_path_climbing_above_the_agreement_is_refused() {
    let agreement = Agreement::new("climbs");
    agreement.set_seeds("../../outside");
    assert_snapshot!(agreement.refused());
}

#[cfg(unix)]
#[test]
fn a_seeds_folder_that_is_a_link_out_of_the_agreement_is_refused() {
    let agreement = Agreement::new("seeds-link");
    std::os::unix::fs::symlink(
        agreement.path("outside"),
        agreement.path("agreement/elsewhere"),
    )
    .unwrap();
    agreement.set_seeds("../elsewhere");
    assert_snapshot!(agreement.refused());
}

#[cfg(unix)]
#[test]
fn a_seed_that_links_out_of_its_folder_is_refused_and_never_read() {
    let agreement = Agreement::new("seed-link");
    std::os::unix::fs::symlink(
        agreement.path("secret.txt"),
        agreement.path("agreement/seeds/secret.txt"),
    )
    .unwrap();
    agreement
        .root
        .write("agreement/terms/v1.toml", version("secret.txt"));
    assert_snapshot!(agreement.refused());
    // `check` loads leniently, and a quote that is not verbatim is only a finding there.
    let check = agreement.run(&["check"]);
    assert_eq!(check.code, 2, "{}", check.stdout);
}

#[cfg(unix)]
#[test]
fn a_terms_file_that_links_out_of_the_terms_directory_is_refused() {
    let agreement = Agreement::new("terms-link");
    std::os::unix::fs::symlink(
        agreement.path("secret.txt"),
        agreement.path("agreement/terms/v2.toml"),
    )
    .unwrap();
    let message = agreement.refused();
    assert!(
        message.contains("v2.toml` is a symbolic link that leads out of its folder"),
        "{message}"
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_an_oversized_file_is_refused_on_its_target_not_its_own_size() {
    let agreement = Agreement::new("oversized");
    let big = agreement.path("agreement/seeds/.big");
    // A sparse file: 11 MB on paper, nothing on disk.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(11 * 1024 * 1024)
        .unwrap();
    std::os::unix::fs::symlink(&big, agreement.path("agreement/seeds/big.txt")).unwrap();
    assert_snapshot!(agreement.refused());
}

/// Runs covenant, killing it if it has not finished after `seconds`.
#[cfg(unix)]
fn run_with_deadline(args: &[&str], seconds: u64) -> Option<std::process::Output> {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the covenant binary runs");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if child.try_wait().expect("waiting works").is_some() {
            return Some(child.wait_with_output().expect("output is collected"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[cfg(unix)]
#[test]
fn a_named_pipe_among_the_seeds_is_refused_without_waiting_for_a_writer() {
    let agreement = Agreement::new("fifo");
    let pipe = agreement.path("agreement/seeds/pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("mkfifo is not available; skipping");
        return;
    }
    let terms = agreement.terms().display().to_string();
    let output = run_with_deadline(&["--terms", &terms, "versions"], 20)
        .expect("covenant does not wait on a named pipe");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_snapshot!(scrub(&stderr, &agreement.root));
}

#[cfg(target_os = "linux")]
#[test]
fn a_version_file_whose_name_is_not_utf8_is_an_error() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let agreement = Agreement::new("non-utf8-name");
    let name = OsStr::from_bytes(b"v\xff2.toml");
    std::fs::write(agreement.terms().join(name), version("lease.txt")).unwrap();
    assert_snapshot!(agreement.refused());
}

#[cfg(unix)]
#[test]
fn an_unreadable_vocabulary_is_one_error_naming_it_and_the_reason() {
    let agreement = Agreement::new("unreadable-vocabulary");
    let vocabulary = agreement.path("agreement/terms/vocabulary.toml");
    std::fs::remove_file(&vocabulary).unwrap();
    std::os::unix::fs::symlink(agreement.path("agreement/terms/gone.txt"), &vocabulary).unwrap();
    assert_snapshot!(agreement.refused());
}

#[test]
fn a_missing_seed_file_is_one_error_about_the_seed() {
    let agreement = Agreement::new("missing-seed");
    std::fs::remove_file(agreement.path("agreement/seeds/lease.txt")).unwrap();
    let message = agreement.refused();
    assert_eq!(message.matches("error").count(), 1, "{message}");
    assert!(message.contains("no seed named `lease.txt`"), "{message}");
}

/// A terms directory with many mistakes whose hints list names: rules
/// overriding unknown rules among 30 known ones, and unknown actions.
fn many_mistakes(dir: &Path) {
    let mut text = version("lease.txt");
    for i in 0..30 {
        text.push_str(&format!(
            "\n[[rules]]\nid = \"rule_{i:02}\"\naction = \"tenant.keep_pet\"\neffect = \"permit\"\noverrides = [\"zz{i}\", \"qq\"]\ncitations = [{{ seed = \"lease.txt\", quote = \"The Landlord may enter\" }}]\n"
        ));
    }
    std::fs::write(dir.join("v1.toml"), text).unwrap();
}

#[test]
fn the_same_bad_input_gives_the_same_bytes_on_every_run() {
    let agreement = Agreement::new("same-bytes");
    many_mistakes(&agreement.terms());
    for command in [
        &["versions"][..],
        &["check"],
        &["--format", "json", "versions"],
    ] {
        let first = agreement.run(command);
        let second = agreement.run(command);
        assert_eq!(first.code, 2);
        assert!(first.stderr.len() + first.stdout.len() > 100);
        assert_eq!(first.stderr, second.stderr, "{command:?}");
        assert_eq!(first.stdout, second.stdout, "{command:?}");
    }
}

mod seeds_outside_the_tree {
    use super::*;
    use proptest::prelude::*;

    /// One way a terms directory may try to read the secret.
    #[derive(Debug, Clone)]
    enum Attack {
        /// `seeds` is this path (`{root}` is the temp directory).
        SeedsPath(&'static str),
        /// The seeds folder is a link to a folder holding the secret.
        SeedsFolderLink,
        /// A seed is a link to the secret file.
        SeedLink,
        /// A link inside the seeds folder leads to a folder outside, holding the secret.
        SeedInLinkedFolder,
        /// A version file is a link to the secret file.
        TermsLink,
    }

    fn attacks() -> impl Strategy<Value = Attack> {
        prop_oneof![
            prop::sample::select(vec![
                "{root}/outside",
                "{root}/secret.txt",
                "../../outside",
                "../..",
                "../../agreement/../outside",
                "./../../outside",
                "..//..//outside",
                "../seeds/../../outside",
                "/",
            ])
            .prop_map(Attack::SeedsPath),
            Just(Attack::SeedsFolderLink),
            Just(Attack::SeedLink),
            Just(Attack::SeedInLinkedFolder),
            Just(Attack::TermsLink),
        ]
    }

    #[cfg(unix)]
    fn link(target: PathBuf, link: PathBuf) {
        std::os::unix::fs::symlink(target, link).unwrap();
    }

    #[cfg(not(unix))]
    fn link(_: PathBuf, _: PathBuf) {}

    fn attack(agreement: &Agreement, attack: &Attack, seed_name: &str) {
        let root = agreement.root.path().display().to_string();
        match attack {
            Attack::SeedsPath(path) => agreement.set_seeds(&path.replace("{root}", &root)),
            Attack::SeedsFolderLink => {
                link(
                    agreement.path("outside"),
                    agreement.path("agreement/linked"),
                );
                agreement.set_seeds("../linked");
            }
            Attack::SeedLink => {
                let seed = agreement.path(&format!("agreement/seeds/{seed_name}"));
                let _ = std::fs::remove_file(&seed);
                link(agreement.path("secret.txt"), seed);
            }
            Attack::SeedInLinkedFolder => {
                link(
                    agreement.path("outside"),
                    agreement.path("agreement/seeds/sub"),
                );
                agreement.set_seeds("../seeds/sub");
            }
            Attack::TermsLink => link(
                agreement.path("secret.txt"),
                agreement.path("agreement/terms/v2.toml"),
            ),
        }
        agreement
            .root
            .write("agreement/terms/v1.toml", version(seed_name));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn no_output_ever_shows_a_file_outside_the_tree(
            how in attacks(),
            seed_name in prop::sample::select(vec!["secret.txt", "lease.txt"]),
        ) {
            let agreement = Agreement::new("secret");
            attack(&agreement, &how, seed_name);
            // The library: neither the errors nor anything loaded holds the secret.
            match terms::load(&TermsSource::Directory(agreement.terms())) {
                Ok(terms) => {
                    for seed in &terms.seeds {
                        prop_assert!(!seed.text.contains(MARKER), "{:?} read {}", how, seed.name);
                    }
                }
                Err(errors) => {
                    let shown = format!("{errors:?}");
                    prop_assert!(!shown.contains(MARKER), "{:?}: {}", how, shown);
                }
            }
            // The binary: `run` fails the test if the marker is in stdout or stderr.
            agreement.run(&["versions"]);
            agreement.run(&["check"]);
            agreement.run(&["--format", "json", "check"]);
        }
    }
}

/// Conditions with `or` are held as one rule per alternative; a directory
/// whose conditions multiply out past the bound is refused before it is
/// expanded, so a few megabytes of text cannot ask for gigabytes of rules.
#[test]
fn conditions_that_multiply_out_past_the_bound_are_refused() {
    use covenant::terms::{self, TermsSource};
    let mut vocabulary = String::from(
        "[agreement]\ntitle = \"t\"\nseeds = \"seeds\"\n[parties]\np = \"P\"\n[actions.\"p.a\"]\ndescription = \"a\"\ndefault = \"permitted\"\ndefault_reason = \"r\"\n",
    );
    for f in 0..12 {
        vocabulary.push_str(&format!("[facts.f{f}]\ndescription = \"f\"\n"));
    }
    // 64 alternatives per rule, the most one condition may have.
    let when = (0..6)
        .map(|i| format!("(f{} or f{})", 2 * i, 2 * i + 1))
        .collect::<Vec<_>>()
        .join(" and ");
    let mut version = String::from(
        "[version]\nid = \"v\"\ntitle = \"v\"\n[version.effective]\ndate = \"2020-01-01\"\nsource = \"s\"\n",
    );
    for r in 0..7_000 {
        version.push_str(&format!(
            "[[rules]]\nid = \"r{r}\"\naction = \"p.a\"\neffect = \"permit\"\nwhen = \"{when}\"\ncitations = [{{ seed = \"s.txt\", quote = \"q\" }}]\n"
        ));
    }
    let source = TermsSource::InMemory {
        terms: vec![
            ("vocabulary.toml".into(), vocabulary),
            ("v.toml".into(), version),
        ],
        seeds: vec![("s.txt".into(), "q".into())],
    };
    let errors = terms::load(&source).expect_err("448,000 alternatives are over the bound");
    let message = errors.0[0].kind.to_string();
    assert!(
        message.contains("multiply out") && message.contains("400000"),
        "{message}"
    );
}

/// A number compared with more constants, or an event counted by more
/// durations, than a fact's classes can hold is refused where the first one
/// too many is written.
#[test]
fn too_many_cuts_in_a_number_or_an_event_are_refused_at_the_first_one_over() {
    use covenant::terms::{self, TermsSource};
    let vocabulary = "[agreement]\ntitle = \"t\"\nseeds = \"seeds\"\n[parties]\np = \"P\"\n[actions.\"p.a\"]\ndescription = \"a\"\ndefault = \"permitted\"\ndefault_reason = \"r\"\n[facts.n]\ndescription = \"n\"\nkind = \"number\"\n[events.e]\ndescription = \"e\"\n".to_string();
    let header = "[version]\nid = \"v\"\ntitle = \"v\"\n[version.effective]\ndate = \"2020-01-01\"\nsource = \"s\"\n";
    let rule = |r: usize, extra: String| {
        format!(
            "[[rules]]\nid = \"r{r}\"\naction = \"p.a\"\neffect = \"permit\"\n{extra}\ncitations = [{{ seed = \"s.txt\", quote = \"q\" }}]\n"
        )
    };
    let load = |version: String| {
        terms::load(&TermsSource::InMemory {
            terms: vec![
                ("vocabulary.toml".into(), vocabulary.clone()),
                ("v.toml".into(), version),
            ],
            seeds: vec![("s.txt".into(), "q".into())],
        })
    };
    let numbers: String = (0..32)
        .map(|i| rule(i, format!("when = \"n > {i}\"")))
        .collect();
    let errors = load(format!("{header}{numbers}")).expect_err("32 constants are too many");
    let message = errors.0[0].kind.to_string();
    assert_eq!(
        message,
        "number fact `n` is compared with 32 different constants here, over the limit of 31"
    );
    let location = errors.0[0].location.as_ref().expect("located").to_string();
    // The 32nd rule (6 lines each after a 6-line header) is the one over, at its constant.
    assert_eq!(location, "terms/v.toml:197:13");
    assert!(
        load(format!(
            "{header}{}",
            (0..31)
                .map(|i| rule(i, format!("when = \"n > {i}\"")))
                .collect::<String>()
        ))
        .is_ok()
    );
    // The event's own day is a cut too: 62 durations more make 63.
    let durations: String = (1..=63)
        .map(|i| rule(i, format!("from = \"e + {i} days\"")))
        .collect();
    let errors = load(format!("{header}{durations}")).expect_err("64 cuts are too many");
    assert!(
        errors.0[0]
            .kind
            .to_string()
            .contains("counted from by 64 different durations"),
        "{}",
        errors.0[0].kind
    );
    assert!(
        load(format!(
            "{header}{}",
            (1..=62)
                .map(|i| rule(i, format!("from = \"e + {i} days\"")))
                .collect::<String>()
        ))
        .is_ok()
    );
}
