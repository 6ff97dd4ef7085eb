//! The README's tour shows real output: every ```` ```console ```` block starts
//! with `$ covenant ARGS`, and the lines below it must be what that command
//! prints (stdout, then stderr). A block that shows only part of the output
//! marks the cut with a line `…`: at the start (the last lines are shown) or at
//! the end (the first lines are shown).
//!
//! `UPDATE_README=1 cargo test --test readme` rewrites the blocks with the
//! current output, keeping each block's cut.

mod common;

use std::path::Path;

/// How much of a command's output a block shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cut {
    Whole,
    FirstLines(usize),
    LastLines(usize),
}

/// One console block: where its body lies in the README, its command and what it shows.
struct Block {
    body_start: usize,
    body_end: usize,
    command: String,
    shown: Vec<String>,
}

fn console_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, Vec<String>)> = None;
    for line in readme.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        match &mut open {
            None if text == "```console" => open = Some((offset + line.len(), Vec::new())),
            Some((start, lines)) if text == "```" => {
                let command = lines.first().cloned().unwrap_or_default();
                blocks.push(Block {
                    body_start: *start,
                    body_end: offset,
                    command,
                    shown: lines.iter().skip(1).cloned().collect(),
                });
                open = None;
            }
            Some((_, lines)) => lines.push(text.to_string()),
            None => {}
        }
        offset += line.len();
    }
    blocks
}

fn cut_of(shown: &[String]) -> Cut {
    match (
        shown.first().map(String::as_str),
        shown.last().map(String::as_str),
    ) {
        (Some("…"), _) => Cut::LastLines(shown.len() - 1),
        (_, Some("…")) if shown.len() > 1 => Cut::FirstLines(shown.len() - 1),
        _ => Cut::Whole,
    }
}

/// Splits a shell-like command line: words separated by spaces, `'…'` quoting.
fn words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            _ => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

fn render(block: &Block) -> Vec<String> {
    let args = words(&block.command);
    assert_eq!(
        args.first().map(String::as_str),
        Some("$"),
        "a console block starts with `$ covenant …`: {}",
        block.command
    );
    assert_eq!(args.get(1).map(String::as_str), Some("covenant"));
    let args: Vec<&str> = args[2..].iter().map(String::as_str).collect();
    let run = common::covenant(&args);
    let output = format!("{}{}", run.stdout, run.stderr);
    let lines: Vec<String> = output.trim_end().lines().map(str::to_string).collect();
    match cut_of(&block.shown) {
        Cut::Whole => lines,
        Cut::FirstLines(n) if lines.len() > n => {
            lines[..n].iter().cloned().chain(["…".into()]).collect()
        }
        Cut::LastLines(n) if lines.len() > n => ["…".to_string()]
            .into_iter()
            .chain(lines[lines.len() - n..].iter().cloned())
            .collect(),
        _ => lines,
    }
}

#[test]
fn every_console_block_in_the_readme_shows_real_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let blocks = console_blocks(&readme);
    assert!(blocks.len() >= 10, "the tour has its console blocks");
    let update = std::env::var_os("UPDATE_README").is_some();
    let mut updated = readme.clone();
    let mut stale = Vec::new();
    for block in blocks.iter().rev() {
        let actual = render(block);
        if actual != block.shown {
            stale.push(format!(
                "{}\n--- README shows:\n{}\n--- covenant prints:\n{}",
                block.command,
                block.shown.join("\n"),
                actual.join("\n")
            ));
            let body = format!("{}\n{}\n", block.command, actual.join("\n"));
            updated.replace_range(block.body_start..block.body_end, &body);
        }
    }
    if update {
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    assert!(
        stale.is_empty(),
        "README blocks differ from real output (UPDATE_README=1 rewrites them):\n\n{}",
        stale.join("\n\n")
    );
}

#[test]
fn the_readme_first_screen_gives_exactly_the_two_setup_commands() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable");
    let first_screen: String = readme.lines().take(24).collect::<Vec<_>>().join("\n");
    let block = first_screen
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the first screen has a ```sh block");
    assert_eq!(
        block.lines().collect::<Vec<_>>(),
        [
            "cargo run --release -- ask 'openai.host_models(cloud=aws)' --on 2027-03-01",
            "cargo test"
        ]
    );
}

/// The command whose picture the README shows, and where the picture is kept.
const PICTURE_COMMAND: [&str; 4] = ["timeline", "openai.pay_revenue_share", "--format", "svg"];
const PICTURE: &str = "docs/timeline.svg";

#[test]
fn the_readme_picture_is_what_the_timeline_draws() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md is readable");
    assert!(
        readme.contains(&format!("]({PICTURE})")),
        "the README shows {PICTURE} with an image link"
    );
    assert!(
        readme.contains(&format!("covenant {}", PICTURE_COMMAND.join(" "))),
        "the README gives the command that draws {PICTURE}"
    );
    let run = common::covenant(&PICTURE_COMMAND);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = root.join(PICTURE);
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("docs/ is writable");
        std::fs::write(&path, &run.stdout).expect("the picture is writable");
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == run.stdout,
        "{PICTURE} is not what `covenant {}` draws (UPDATE_README=1 redraws it)",
        PICTURE_COMMAND.join(" ")
    );
}
