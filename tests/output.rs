//! How output leaves covenant, run as a user runs it: a reader that closes the
//! pipe early, a disk that is full, control characters from an untrusted terms
//! directory, and scenario files that are too big or not files at all.

mod common;

use common::{TempDir, copy_shipped_terms, covenant, replace_in};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Comfortably more than a pipe buffer (64 KiB on Linux), so the writer must
/// still be writing when the reader goes away.
const LARGE: usize = 1 << 20;

/// Shipped terms whose `openai.host_models` description and the note of
/// `new.host.azure.through_2032` are each `LARGE` bytes, so `actions` and an `ask` about Azure
/// print more than a pipe holds.
fn large_terms(dir: &TempDir) -> String {
    let terms = copy_shipped_terms(dir);
    let long = "x".repeat(LARGE);
    replace_in(
        &terms.join("vocabulary.toml"),
        "description = \"OpenAI runs training and inference of its models on this cloud\"",
        &format!("description = \"{long}\""),
    );
    replace_in(
        &terms.join("new.toml"),
        "note = \"a primary cloud carries OpenAI's workloads: not all of them any more, but a significant portion (001), through 2032 (004)\"",
        &format!("note = \"{long}\""),
    );
    terms.display().to_string()
}

/// Runs covenant with stdout piped, reads a few bytes, closes the pipe and
/// waits: (exit code, stderr).
fn read_a_little_then_close(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the covenant binary runs");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut first = [0; 16];
    stdout
        .read_exact(&mut first)
        .expect("covenant writes at least 16 bytes");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("stderr is text");
    let status = child.wait().expect("covenant ends");
    (status.code(), stderr)
}

#[test]
fn a_reader_that_closes_the_pipe_early_ends_actions_quietly_with_exit_0() {
    let dir = TempDir::new("closed-pipe-actions");
    let terms = large_terms(&dir);
    let full = covenant(&["--terms", &terms, "actions"]);
    assert_eq!(full.code, 0, "{}", full.stderr);
    assert!(
        full.stdout.len() > LARGE,
        "the output must outgrow the pipe"
    );
    let (code, stderr) = read_a_little_then_close(&["--terms", &terms, "actions"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn a_reader_that_closes_the_pipe_early_ends_ask_quietly_with_exit_0() {
    let dir = TempDir::new("closed-pipe-ask");
    let terms = large_terms(&dir);
    let args = [
        "--terms",
        &terms,
        "ask",
        "openai.host_models(cloud=azure)",
        "--on",
        "2027-03-01",
    ];
    let full = covenant(&args);
    assert_eq!(full.code, 0, "{}", full.stderr);
    assert!(
        full.stdout.len() > LARGE,
        "the output must outgrow the pipe"
    );
    for format in ["text", "json"] {
        let mut args = args.to_vec();
        args.extend(["--format", format]);
        let (code, stderr) = read_a_little_then_close(&args);
        assert_eq!(code, Some(0), "--format {format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(stderr, "", "--format {format}");
    }
}

#[test]
fn a_closed_stderr_does_not_turn_bad_input_into_a_crash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .args(["ask", "openai.no_such_action", "--on", "2027-03-01"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the covenant binary runs");
    drop(child.stderr.take());
    let status = child.wait().expect("covenant ends");
    assert_eq!(status.code(), Some(2), "bad input is exit 2, not a panic");
}

#[cfg(target_os = "linux")]
fn to_dev_full(args: &[&str], stdout: bool) -> std::process::Output {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full exists on Linux")
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_covenant"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    if stdout {
        command.stdout(full()).stderr(Stdio::piped());
    } else {
        command.stdout(Stdio::piped()).stderr(full());
    }
    command.output().expect("the covenant binary runs")
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_on_stderr_and_exit_2() {
    for args in [
        &["actions"][..],
        &[
            "ask",
            "openai.host_models",
            "--on",
            "2027-03-01",
            "--format",
            "json",
        ],
        &["--help"],
    ] {
        let output = to_dev_full(args, true);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stderr_still_exits_2_without_a_panic() {
    let output = to_dev_full(&["ask", "openai.no_such_action"], false);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

/// What the injected text is, as TOML writes it and as a string.
const INJECTED_TOML: &str = "\\u001b]52;c;aGVsbG8=\\u0007 and \\u001b[2J, \\u009b31m, \\u007f, \\r";
const INJECTED: &str = "\u{1b}]52;c;aGVsbG8=\u{7} and \u{1b}[2J, \u{9b}31m, \u{7f}, \r";
/// How text output shows it.
const SHOWN: &str = "\\u{1b}]52;c;aGVsbG8=\\u{7} and \\u{1b}[2J, \\u{9b}31m, \\u{7f}, \\u{d}";

/// Shipped terms with control sequences in a rule's note, a version's title,
/// the agreement's title and an explained warning.
fn injected_terms(dir: &TempDir) -> String {
    let terms = copy_shipped_terms(dir);
    replace_in(
        &terms.join("new.toml"),
        "note = \"a primary cloud carries OpenAI's workloads: not all",
        &format!("note = \"{INJECTED_TOML} a primary cloud carries OpenAI's workloads: not all"),
    );
    replace_in(
        &terms.join("new.toml"),
        "title = \"the 2026 reworked partnership agreement\"",
        &format!("title = \"the 2026 {INJECTED_TOML} agreement\""),
    );
    replace_in(
        &terms.join("vocabulary.toml"),
        "title = \"Microsoft–OpenAI partnership\"",
        &format!("title = \"{INJECTED_TOML}\""),
    );
    replace_in(
        &terms.join("vocabulary.toml"),
        "why = \"under this reading",
        &format!("why = \"{INJECTED_TOML} under this reading"),
    );
    terms.display().to_string()
}

/// The control characters a terminal could act on: C0 but newline and tab, DEL, C1.
fn assert_no_terminal_control(text: &str, what: &str) {
    let found: Vec<char> = text
        .chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect();
    assert!(found.is_empty(), "{what} prints {found:?} raw:\n{text}");
}

#[test]
fn control_characters_from_terms_files_are_shown_escaped_in_text() {
    let dir = TempDir::new("injected-text");
    let terms = injected_terms(&dir);
    for args in [
        &[
            "ask",
            "openai.host_models(cloud=azure)",
            "--on",
            "2027-03-01",
        ][..],
        &[
            "ask",
            "openai.host_models",
            "--on",
            "2027-03-01",
            "--under",
            "all",
        ],
        &["versions"],
        &["check"],
        &["diff", "--format", "markdown"],
        &["diff"],
    ] {
        let mut all = vec!["--terms", &terms];
        all.extend(args);
        let run = covenant(&all);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        assert_no_terminal_control(&run.stdout, &format!("{args:?}"));
        assert_no_terminal_control(&run.stderr, &format!("{args:?} (stderr)"));
        if args[0] != "diff" {
            assert!(run.stdout.contains(SHOWN), "{args:?}:\n{}", run.stdout);
        }
    }
}

#[test]
fn json_output_carries_control_characters_escaped_and_decodes_to_the_original() {
    let dir = TempDir::new("injected-json");
    let terms = injected_terms(&dir);
    for args in [
        &[
            "ask",
            "openai.host_models(cloud=azure)",
            "--on",
            "2027-03-01",
        ][..],
        &["versions"],
        &["check"],
    ] {
        let mut all = vec!["--terms", &terms, "--format", "json"];
        all.extend(args);
        let run = covenant(&all);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_no_terminal_control(&run.stdout, &format!("{args:?} --format json"));
        let json: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", run.stdout));
        let mut strings = Vec::new();
        collect_strings(&json, &mut strings);
        assert!(
            strings.iter().any(|s| s.contains(INJECTED)),
            "{args:?}: the original text is not in the JSON:\n{}",
            run.stdout
        );
    }
}

fn collect_strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[test]
fn control_characters_in_arguments_are_escaped_in_diagnostics() {
    let query = "openai.\u{1b}[2Jhost";
    let run = covenant(&["ask", query, "--on", "2027-03-01"]);
    assert_eq!(run.code, 2);
    assert_no_terminal_control(&run.stderr, "a bad query's diagnostic");
    assert!(run.stderr.contains("\\u{1b}[2Jhost"), "{}", run.stderr);
    let run = covenant(&["ask", query, "--on", "2027-03-01", "--format", "json"]);
    assert_eq!(run.code, 2);
    let json: serde_json::Value = serde_json::from_str(&run.stderr).expect("errors are JSON");
    assert_eq!(json["errors"][0]["text"], "\u{1b}");
}

#[test]
fn svg_with_control_characters_is_still_xml() {
    // The query is the one text from outside that reaches the picture; the
    // grammar takes a trailing CR as white space.
    let run = covenant(&["timeline", "openai.host_models\r", "--format", "svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_terminal_control(&run.stdout, "timeline --format svg");
    assert!(
        run.stdout.contains("openai.host_models\\u{d} over time"),
        "{}",
        run.stdout
    );
    roxmltree::Document::parse(&run.stdout).expect("the SVG is well-formed XML");
}

/// Runs covenant and says how long it took.
fn timed(args: &[&str]) -> (common::Run, Duration) {
    let started = Instant::now();
    let run = covenant(args);
    (run, started.elapsed())
}

#[test]
fn a_scenario_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let dir = TempDir::new("big-scenario");
    let limit = usize::try_from(covenant::terms::MAX_FILE_BYTES).expect("the limit fits");
    let path = dir.write("big.toml", "#".repeat(limit + 1));
    let path = path.display().to_string();
    for args in [&["test", &path][..], &["ask", "--scenario", &path]] {
        let (run, took) = timed(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "scenario file `{path}` is over the limit of {limit} bytes"
            )),
            "{}",
            run.stderr
        );
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    // At the limit exactly is allowed: one question, padded with a comment.
    let question = "[[question]]\nname = \"q\"\nquery = \"openai.license_ip_to_others\"\non = \"2027-03-01\"\n#";
    let padding = "#".repeat(limit - question.len());
    let at_limit = dir.write("at-limit.toml", format!("{question}{padding}"));
    let run = covenant(&["test", &at_limit.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_device_as_a_scenario_file_is_refused_at_once() {
    for args in [
        &["test", "/dev/zero"][..],
        &["ask", "--scenario", "/dev/zero"],
        &["test", "/dev/null"],
    ] {
        let (run, took) = timed(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let file = args[args.len() - 1];
        assert!(
            run.stderr.contains(&format!(
                "scenario file `{file}` is a character device, not a regular file"
            )),
            "{}",
            run.stderr
        );
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_directory_as_a_scenario_file_is_refused_without_blocking() {
    let dir = TempDir::new("fifo-scenario");
    let fifo = dir.path().join("questions.toml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let fifo = fifo.display().to_string();
    let (run, took) = timed(&["test", &fifo]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is a named pipe (FIFO), not a regular file"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let folder = dir.path().display().to_string();
    let run = covenant(&["ask", "--scenario", &folder]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is a directory, not a regular file"),
        "{}",
        run.stderr
    );
    assert!(Path::new(&fifo).exists());
}
