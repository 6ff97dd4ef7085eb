//! The command line as a well-made tool: colour, completions, the manual page,
//! and `--help` that lists only the formats a command writes.

mod common;

use common::covenant;
use std::process::Command;

/// Runs `covenant` with `args` and extra environment variables.
fn covenant_with_env(args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_covenant"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("the covenant binary runs");
    common::Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        code: output.status.code().unwrap_or(-1),
    }
}

const ASK: [&str; 6] = [
    "ask",
    "openai.host_models",
    "--on",
    "2025-03-01",
    "--under",
    "all",
];

#[test]
fn color_always_colours_verdicts_in_the_legend_colours() {
    let run = covenant(&[&ASK[..], &["--color", "always"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // required: bright blue; forbidden: bright red; permitted: bright green.
    assert!(
        run.stdout.contains("\u{1b}[94mrequired\u{1b}[0m"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\u{1b}[91mforbidden\u{1b}[0m"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\u{1b}[92mpermitted\u{1b}[0m"),
        "{}",
        run.stdout
    );
    // The quotes stay as they are: no verdict word inside one is styled.
    let quote = run
        .stdout
        .lines()
        .find(|l| l.contains("were required to run on Microsoft"))
        .expect("the Azure passage is quoted");
    assert!(!quote.contains('\u{1b}'), "{quote:?}");
}

#[test]
fn never_piped_and_no_color_give_plain_text() {
    let plain = covenant(&ASK);
    assert!(!plain.stdout.contains('\u{1b}'), "piped output is plain");
    let never = covenant(&[&ASK[..], &["--color", "never"]].concat());
    assert_eq!(never.stdout, plain.stdout);
    let forced = covenant_with_env(&ASK, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.stdout.contains('\u{1b}'),
        "CLICOLOR_FORCE colours auto"
    );
    let no_color = covenant_with_env(&ASK, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert_eq!(no_color.stdout, plain.stdout, "NO_COLOR wins over auto");
}

#[test]
fn json_is_never_coloured() {
    let run = covenant(&[&ASK[..], &["--format", "json", "--color", "always"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}'));
    let error = covenant(&[
        "ask",
        "openai.nope",
        "--format",
        "json",
        "--color",
        "always",
    ]);
    assert!(!error.stderr.contains('\u{1b}'), "{}", error.stderr);
}

#[test]
fn errors_and_warnings_are_coloured_as_rustc_colours_them() {
    let run = covenant(&[
        "ask",
        "openai.host_mode",
        "--on",
        "2027-03-01",
        "--color",
        "always",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("\u{1b}[1m\u{1b}[91merror\u{1b}[0m"),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("\u{1b}[1m\u{1b}[94m  ┌─"),
        "{:?}",
        run.stderr
    );
    let check = covenant(&[
        "--terms",
        "examples/flawed/terms",
        "check",
        "--color=always",
    ]);
    assert!(
        check
            .stdout
            .contains("\u{1b}[1m\u{1b}[93mwarning[never-decides]"),
        "{:?}",
        check.stdout
    );
    let plain = covenant(&["ask", "openai.host_mode", "--on", "2027-03-01"]);
    assert!(!plain.stderr.contains('\u{1b}'));
}

#[test]
fn untrusted_escapes_stay_escaped_when_coloured() {
    let run = covenant(&["ask", "openai.\u{1b}[2Jx", "--color", "always"]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains("\u{1b}[2J"), "{:?}", run.stderr);
    assert!(run.stderr.contains("\\u{1b}[2J"), "{:?}", run.stderr);
}

#[test]
fn completions_are_written_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _covenant"),
        ("zsh", "#compdef covenant"),
        ("fish", "complete -c covenant"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[covenant]"),
    ] {
        let run = covenant(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
    }
    let bash = covenant(&["completions", "bash"]).stdout;
    assert!(bash.contains("--format"), "{bash}");
    let bad = covenant(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn man_writes_roff_for_covenant_and_each_command() {
    let run = covenant(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH covenant 1"), "{}", run.stdout);
    assert!(run.stdout.contains("timeline"), "{}", run.stdout);
    let ask = covenant(&["man", "ask"]);
    assert!(ask.stdout.contains(".TH covenant-ask 1"), "{}", ask.stdout);
    assert!(ask.stdout.contains("\\-\\-reading"), "{}", ask.stdout);
    let bad = covenant(&["man", "asq"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("did you mean `ask`?"), "{}", bad.stderr);
}

#[test]
fn each_help_lists_only_the_formats_its_command_writes() {
    for (command, formats) in [
        ("ask", "[possible values: text, json]"),
        ("versions", "[possible values: text, json]"),
        ("actions", "[possible values: text, json]"),
        ("check", "[possible values: text, json]"),
        ("test", "[possible values: text, json, junit]"),
        ("show", "[possible values: text, json]"),
        ("export", "[possible values: text, json]"),
        ("diff", "[possible values: text, json, markdown]"),
        ("timeline", "[possible values: text, json, svg]"),
    ] {
        let run = covenant(&[command, "-h"]);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        assert!(run.stdout.contains(formats), "{command}: {}", run.stdout);
    }
    let top = covenant(&["-h"]).stdout;
    assert!(!top.contains("svg]"), "{top}");
}

#[test]
fn format_works_before_and_after_the_command_but_not_twice_differently() {
    let before = covenant(&["--format", "json", "versions"]);
    let after = covenant(&["versions", "--format", "json"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert_eq!(before.stdout, after.stdout);
    let same = covenant(&["--format", "json", "versions", "--format", "json"]);
    assert_eq!(same.stdout, after.stdout);
    let twice = covenant(&["--format", "json", "versions", "--format", "text"]);
    assert_eq!(twice.code, 2);
    assert!(
        twice.stderr.contains("--format is given twice"),
        "{}",
        twice.stderr
    );
    let refused = covenant(&["ask", "openai.host_models", "--format", "svg"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("`covenant ask` cannot write --format svg")
            && refused.stderr.contains("choose text, json"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_fact_or_reading_given_twice_is_an_error_with_a_hint() {
    let run = covenant(&[
        "ask",
        "openai.host_models",
        "--on",
        "2025-01-01",
        "--fact",
        "agi_achieved=true",
        "--fact",
        "agi_achieved=false",
        "--reading",
        "agi_clause_effect=access_limited",
        "--reading",
        "agi_clause_effect=openai_may_restrict",
    ]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("given_twice", run.stderr);
    let diff = covenant(&[
        "diff",
        "--reading",
        "primary_cloud_end=until_2032",
        "--reading",
        "primary_cloud_end.through_2032",
    ]);
    assert_eq!(diff.code, 2);
    assert!(
        diff.stderr
            .contains("a reading of dispute `primary_cloud_end` is given twice"),
        "{}",
        diff.stderr
    );
}

#[test]
fn a_reading_is_accepted_as_terms_files_spell_it() {
    let args = |reading: &str| {
        covenant(&[
            "ask",
            "microsoft.pay_revenue_share",
            "--on",
            "2030-06-01",
            "--reading",
            reading,
        ])
    };
    let dotted = args("microsoft_share_end.after_2030");
    assert_eq!(dotted.code, 0, "{}", dotted.stderr);
    assert_eq!(dotted.stdout, args("microsoft_share_end=after_2030").stdout);
    let unknown = args("microsoft_share_end.after_2031");
    assert!(
        unknown.stderr.contains("did you mean `after_2030`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn on_today_is_the_local_date() {
    let before = chrono::Local::now().date_naive().to_string();
    let run = covenant(&["ask", "openai.host_models(cloud=aws)", "--on", "today"]);
    let after = chrono::Local::now().date_naive().to_string();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Either date, should the test run across midnight.
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.ends_with(&before) || first.ends_with(&after),
        "{first}"
    );
    let diff = covenant(&["diff", "--from", "today", "--to", "2040-01-01"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
}

#[test]
fn hints_point_the_right_way() {
    let run = covenant(&["ask", "host_models", "--on", "2027-03-01"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `openai.host_models`?"),
        "{}",
        run.stderr
    );
    let run = covenant(&["ask", "openai.host_models(aws)", "--on", "2027-03-01"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("bare_value_hint", run.stderr);
    let run = covenant(&["timeline", "sell_models(cloud=aws)"]);
    assert!(
        run.stderr
            .contains("did you mean `openai.sell_models(cloud=aws)`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_quote_that_differs_by_a_look_alike_character_names_both() {
    let dir = common::TempDir::new("apostrophe");
    let terms = common::copy_shipped_terms(&dir);
    common::replace_in(
        &terms.join("new.toml"),
        "bound to Microsoft’s cloud",
        "bound to Microsoft's cloud",
    );
    common::replace_in(
        &terms.join("old.toml"),
        "OpenAI had the right to restrict",
        "OpenAI had the  right to restrict",
    );
    let run = covenant(&["--terms", &terms.display().to_string(), "check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let stderr = common::scrub(&run.stdout, &dir);
    assert!(
        stderr.contains(
            "the quote has U+0027 APOSTROPHE where the seed has U+2019 RIGHT SINGLE QUOTATION MARK"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("the quote has two spaces in a row where the seed has one"),
        "{stderr}"
    );
    assert!(!stderr.contains("\\'"), "{stderr}");
}

#[test]
fn the_markdown_diff_has_one_title_one_quote_per_paragraph_and_whole_rule_lines() {
    let run = covenant(&["diff", "--readings", "all", "--format", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let titles = run.stdout.lines().filter(|l| l.starts_with("# ")).count();
    assert_eq!(titles, 1, "{}", run.stdout);
    // Each passage is a block quote of its own: a quote line is followed by an
    // empty quote line, then its source, then a line that is not in the quote.
    let lines: Vec<&str> = run.stdout.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("  > — ") {
            assert_eq!(lines[i - 1], "  >", "{line}");
            assert!(!lines[i - 2].starts_with("  > —"), "{line}");
            let next = lines.get(i + 1).copied().unwrap_or_default();
            assert!(
                !next.starts_with("  >"),
                "two passages run together at {line}"
            );
        }
    }
    // The rules are stated as `ask` states them: dates, `when`, reading, overrides.
    assert!(
        run.stdout.contains(
            "`permit openai.host_models when agi_achieved under reading agi_clause_effect.openai_may_dissolve; overrides old.host.azure_only, old.host.on_azure`"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("`oblige openai.host_models(cloud = azure) until 2032-01-01 under reading primary_cloud_end.until_2032`"),
        "{}",
        run.stdout
    );
}
