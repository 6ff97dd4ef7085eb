//! The `covenant` command: parses arguments, calls the library, prints, exits.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use covenant::command::{
    self, AskArgs, CommandError, DiffArgs, Format, TestArgs, TestFormat, TimelineArgs,
};
use covenant::diagnostic::Diagnostic;
use covenant::output::{self, ColourChoice, Ending, Output};
use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: the command answered (or every expectation held).
const ANSWERED: u8 = 0;
/// Exit code: `covenant test` found an expectation that does not hold, or
/// `covenant diff --exit-code` found a difference.
const EXPECTATION_FAILED: u8 = 1;
/// Exit code: bad input: terms, query, flag or scenario file.
const BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "covenant",
    version,
    about = "Question an agreement written as cited rules: what may each party do, when, and why.",
    long_about = "covenant answers questions about an agreement written as TOML rules, each rule citing \
the passage of a source document it rests on. The Microsoft–OpenAI partnership terms (the 2019 \
agreement and the 2026 rework) are built in; --terms DIR loads another agreement written in the \
same format.\n\nEvery answer names the rule that decided it, the exact passage behind that rule, \
and warns where the sources disagree.",
    after_help = "Examples:\n  covenant ask 'openai.host_models(cloud=aws)' --on 2027-03-01\n  covenant ask 'openai.host_models' --on 2025-01-01 --under all\n  covenant ask 'microsoft.pay_revenue_share' --on 2028-06-01 --reading microsoft_share_end=after_2030\n  covenant test scenarios/news.toml\n  covenant diff\n  covenant timeline 'openai.pay_revenue_share'\n  covenant check\n\nExit codes: 0 answered, 1 a `test` expectation failed (or `diff --exit-code` found differences, or `check` found errors), 2 bad input (or a question space past --max-cases, or output that cannot be written)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Load the agreement from this terms directory instead of the built-in terms.
    #[arg(long, global = true, value_name = "DIR")]
    terms: Option<PathBuf>,
    /// Output format, here before the command or after it (`covenant COMMAND --help` lists
    /// the formats each command writes).
    #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::ALL), hide_possible_values = true)]
    format: Option<Format>,
    /// When to colour text output: `auto` (a terminal, unless NO_COLOR is set), `always`, `never`. JSON, markdown and SVG are never coloured.
    #[arg(long, global = true, value_name = "WHEN", value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// The most cases `check`, `diff`, `timeline`, `ask` and `test` may visit
    /// before they stop with an error (exit 2) instead of running for hours. A
    /// case is one class of questions no rule tells apart, on one piece of time,
    /// plus one per 64 words read and per 8 copied there; each branch, span or region
    /// reported costs 100. The error says what made the space large and how to
    /// narrow the question.
    #[arg(long, global = true, value_name = "N", default_value_t = covenant::space::DEFAULT_MAX_CASES)]
    max_cases: u64,
}

/// `--color`.
#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour, even into a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

impl From<ColorArg> for ColourChoice {
    fn from(choice: ColorArg) -> ColourChoice {
        match choice {
            ColorArg::Auto => ColourChoice::Auto,
            ColorArg::Always => ColourChoice::Always,
            ColorArg::Never => ColourChoice::Never,
        }
    }
}

/// Parses `--format` into one of the formats a command writes: its `--help`
/// and completions list those only, and any other is refused naming them.
#[derive(Clone)]
struct Formats(&'static [Format]);

impl TypedValueParser for Formats {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Format, clap::Error> {
        let text = value.to_string_lossy();
        self.0
            .iter()
            .copied()
            .find(|format| format.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = self.0.iter().map(|f| f.name()).collect();
                let command = match cmd.get_name() {
                    "covenant" => "covenant".to_string(),
                    name => format!("covenant {name}"),
                };
                cmd.clone().error(
                    clap::error::ErrorKind::InvalidValue,
                    format!(
                        "`{command}` cannot write --format {text}\n  hint: choose {}",
                        names.join(", ")
                    ),
                )
            })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|f| PossibleValue::new(f.name())),
        ))
    }
}

/// The shells `covenant completions` writes a script for.
#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl From<Shell> for clap_complete::Shell {
    fn from(shell: Shell) -> clap_complete::Shell {
        match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Ask whether a party may, must or must not do something, and why.
    #[command(
        after_help = "Query grammar: party.action(param=value, ...). A parameter left out is \
answered for every value of its domain. `party.*` asks about every action of the party, \
`*` about every action: one line each, what the party must do first.\n\nFacts: a yes/no or \
choice fact takes a value (`--fact stage=beta`); a number fact a number (`--fact days_overdue=31`); \
an event the day it happened (`--fact agi_achieved=2025-06-01`), or `true`/`false` for whether it \
has happened by the date asked. An event left out is answered per range of its day. \
The breach of a duty, `breach(RULE_ID)`, is an event too: worked out from the facts when they \
pin it down, or given as `--fact 'breach(payment)=2026-05-01'`.\n\nExamples:\n  covenant ask 'openai.host_models(cloud=aws)' --on 2027-03-01\n  \
covenant ask 'openai.restrict_microsoft_access' --on 2026-01-01 --fact agi_achieved=2025-06-01\n  \
covenant ask 'openai.*' --on 2027-03-01\n  \
covenant ask 'openai.pay_revenue_share' --on 2031-06-01 --under all\n  covenant ask --scenario scenarios/news.toml"
    )]
    Ask {
        /// What to ask, e.g. `openai.host_models(cloud=aws)`, or `openai.*` for every action of a party; `covenant actions` lists the actions.
        #[arg(required_unless_present = "scenario")]
        query: Option<String>,
        /// The date to ask about (YYYY-MM-DD, or `today`); today in the local time zone if left out.
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// Which version: `in-force` (the one in force on the date), `all`, or a version id such as `old` or `new`.
        #[arg(long, value_name = "VERSION", default_value = "in-force")]
        under: String,
        /// A known fact, e.g. `stage=beta`, `days_overdue=31`, or an event's day `agi_achieved=2025-06-01` (`true`/`false`: happened by the date or not); facts not given are unknown. Repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// Read a dispute a given way, e.g. `microsoft_share_end=after_2030` (or `microsoft_share_end.after_2030`, as terms files write it); otherwise its default reading. Repeatable.
        #[arg(long = "reading", value_name = "DISPUTE=READING")]
        readings: Vec<String>,
        /// Answer every question of a scenario file instead of one query.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "on", "facts", "readings"])]
        scenario: Option<PathBuf>,
        /// List under every answer the action's rules that did not apply, and why (answers the default decided always list them; JSON always has them).
        #[arg(long)]
        explain: bool,
        /// Text for people or json for scripts.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEXT_JSON))]
        format: Option<Format>,
    },
    /// List the versions of the agreement, their dates and where each date comes from.
    Versions {
        /// Text for people or json for scripts.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEXT_JSON))]
        format: Option<Format>,
    },
    /// List the actions (with parameters and defaults), facts, disputes and readings.
    Actions {
        /// Text for people or json for scripts.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEXT_JSON))]
        format: Option<Format>,
    },
    /// Show every question whose verdict differs between two versions: on which dates, under which facts and readings, and the rules on each side.
    #[command(
        long_about = "Show every question whose verdict differs between two versions.\n\n\
The diff is exact: every action, every value of its parameters, every combination of the facts \
its rules test and every date are compared, dates as the intervals cut by all rule boundaries of \
both versions, questions as the classes no rule tells apart (within --max-cases). Both versions are read as written over the whole time line, whatever their \
effective dates, so `old` is read as if it had stayed in force.",
        after_help = "Examples:\n  covenant diff\n  covenant diff old new --from 2030-01-01 --to 2034-01-01\n  \
covenant diff --fact agi_achieved=true\n  covenant diff --readings all --format markdown\n  covenant diff new new --exit-code\n\n\
Exit codes: 0 compared (1 with --exit-code when there are differences), 2 bad input (or a question space past --max-cases, or output that cannot be written)."
    )]
    Diff {
        /// The two versions to compare, OLD then NEW; the first and last versions if left out.
        #[arg(value_name = "OLD NEW", num_args = 0..=2)]
        versions: Vec<String>,
        /// The first date compared (YYYY-MM-DD, or `today`); by default the later version's effective date.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The first date not compared (YYYY-MM-DD, or `today`); open-ended if left out.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Fix a fact, e.g. `agi_achieved=true`, or an event's day `agi_achieved=2025-06-01` (then the comparison follows the days counted from it); facts not given are compared at every value. Repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// Read a dispute a given way, e.g. `microsoft_share_end=after_2030` (or `microsoft_share_end.after_2030`, as terms files write it). Repeatable.
        #[arg(long = "reading", value_name = "DISPUTE=READING")]
        readings: Vec<String>,
        /// `all`: compare under every combination of readings, and mark which changes depend on one.
        #[arg(long = "readings", value_name = "all")]
        every_reading: Option<String>,
        /// Exit 1 when there are differences, like `git diff --exit-code`.
        #[arg(long)]
        exit_code: bool,
        /// Text for people, json for scripts, or markdown for a review.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::DIFF))]
        format: Option<Format>,
    },
    /// Show how the verdict on one action moves over time, under each version.
    #[command(
        after_help = "A parameter left out gets a lane per value; `party.*` shows every action of the party, one after \
the other (text and json). An event not given that the rules count from gets \
a lane per stage (`before agi_achieved happens`, `once agi_achieved has happened`); an event given with \
its day (`--fact agi_achieved=2025-06-01`) moves the verdict on that day and at each duration counted \
from it. --format svg writes a picture to open in a browser.\n\n\
Examples:\n  covenant timeline 'openai.pay_revenue_share'\n  covenant timeline 'openai.pay_revenue_share' --under new --fact revenue_share_cap_reached=2029-03-01\n  \
covenant timeline 'openai.host_models' --under in-force\n  \
covenant timeline 'openai.host_models' --format svg > hosting.svg"
    )]
    Timeline {
        /// The action, e.g. `openai.host_models(cloud=aws)`, `openai.host_models` for every cloud, or `openai.*` for every action of a party.
        query: String,
        /// `all` (a lane per version, each read as written), `in-force` (the version in force on each date), or a version id.
        #[arg(long, value_name = "VERSION", default_value = "all")]
        under: String,
        /// A known fact, e.g. `stage=beta`, `days_overdue=31`, or an event's day `agi_achieved=2025-06-01` (`true`/`false`: happened by the date or not); facts not given are unknown. Repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// Read a dispute a given way, e.g. `microsoft_share_end=after_2030` (or `microsoft_share_end.after_2030`, as terms files write it). Repeatable.
        #[arg(long = "reading", value_name = "DISPUTE=READING")]
        readings: Vec<String>,
        /// Text for people, json for scripts, or svg for a picture to open in a browser.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TIMELINE))]
        format: Option<Format>,
    },
    /// Prove the rules consistent: find clashing rules, dead rules, overrides that never fire, unused names.
    #[command(
        long_about = "Prove the rules consistent, or show where they are not.\n\n\
Exhaustive over the finite domains and the date partition, like `diff`, within --max-cases. Errors: \
two rules that both apply and clash (permit or oblige with forbid) with no override between them \
(once per pair), an override cycle, a \
quote not verbatim in its seed, a rule whose interval is empty. Warnings: a rule that never decides \
(with the rules that shadow it), an override that never fires, a rule valid only outside its \
version's life, a duty due outside its own dates, a remedy after a breach that can never happen, a dispute whose readings never change an answer, an action, fact or reading no rule \
uses. Each comes with its location and, where there is one, a witness: a `covenant ask` command \
that shows it. Warnings the terms expect are explained with [[explained]] in vocabulary.toml.",
        after_help = "Examples:\n  covenant check\n  covenant --terms examples/lease/terms check\n  covenant check --format json\n\n\
Exit codes: 0 no errors (warnings allowed, unless --deny-warnings), 1 errors found (or, with --deny-warnings, a warning not explained), 2 the terms cannot be loaded (or the check passes --max-cases)."
    )]
    Check {
        /// Fail (exit 1) on any warning the terms do not explain with [[explained]], as on an error.
        #[arg(long)]
        deny_warnings: bool,
        /// Text for people or json for scripts.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEXT_JSON))]
        format: Option<Format>,
    },
    /// Show one rule: what it says, its dates, condition, overrides, reading, note, and each passage it cites in its sentence.
    #[command(
        after_help = "A rule in several versions is shown once for each (in version order) unless --version picks one. \
Each citation is shown in the sentence of its seed that holds it, the quote between « and ».\n\n\
Examples:\n  covenant show new.host.any_cloud\n  covenant --terms examples/common-paper-csa/terms show content.only_as_needed --version csa-2.1\n  \
covenant show old.agi.dissolve.hosting --format json"
    )]
    Show {
        /// The rule's id, as `ask` names it, e.g. `new.host.any_cloud`.
        #[arg(value_name = "RULE_ID")]
        id: String,
        /// Show the rule of this version only, e.g. `old`.
        #[arg(long, value_name = "V")]
        version: Option<String>,
        /// Text for people or json for scripts.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEXT_JSON))]
        format: Option<Format>,
    },
    /// Write the built-in terms and seeds to a directory, to read, change or load with --terms DIR/terms.
    #[command(
        after_help = "Writes exactly the files embedded in the binary, as DIR/terms/*.toml and DIR/seeds/*, \
creating DIR if it is missing. A DIR with anything in it is refused (exit 2) unless --force, which writes \
over the exported files and leaves every other file alone.\n\n\
Examples:\n  covenant export my-terms\n  covenant --terms my-terms/terms check"
    )]
    Export {
        /// The directory to write into.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Write into a directory that is not empty, over the files of the same names.
        #[arg(long)]
        force: bool,
        /// Text for people or json for scripts.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEXT_JSON))]
        format: Option<Format>,
    },
    /// Check the expectations in scenario files; exit 1 if any fails.
    #[command(
        after_help = "A question with neither `expect` nor `expect_rule` is skipped. A question that cannot be \
asked (a bad query, fact or date) is reported where it is written, the others still run, and the run exits 2.\n\n\
Examples:\n  covenant test scenarios/news.toml\n  covenant test scenarios/news.toml --filter AWS\n  \
covenant test scenarios/news.toml --list\n  covenant test scenarios/news.toml --format junit > report.xml\n  \
covenant test --bless scenarios/news.toml\n\n\
Exit codes: 0 every expectation held (or every question blessed), 1 one failed (or could not be blessed), 2 bad input."
    )]
    Test {
        /// Scenario files (TOML with [[question]] entries).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Run only the questions whose name contains TEXT (a `party.*` question's names end with each action).
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        /// List the questions (name, query, date) without asking them.
        #[arg(long, conflicts_with = "bless")]
        list: bool,
        /// Write each question's answers into its file as `expect` and `expect_rule`, changing nothing else.
        #[arg(long)]
        bless: bool,
        /// Text for people, json for scripts, or junit (JUnit XML) for CI systems.
        #[arg(long, value_name = "FORMAT", value_parser = Formats(Format::TEST))]
        format: Option<Format>,
    },
    /// Write a shell completion script to standard output.
    #[command(after_help = "Install (each shell reads the file at start):\n  \
bash:        covenant completions bash > ~/.local/share/bash-completion/completions/covenant\n  \
zsh:         covenant completions zsh > ~/.zfunc/_covenant   (with fpath+=~/.zfunc before compinit in ~/.zshrc)\n  \
fish:        covenant completions fish > ~/.config/fish/completions/covenant.fish\n  \
powershell:  covenant completions powershell >> $PROFILE\n  \
elvish:      covenant completions elvish >> ~/.config/elvish/rc.elv")]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Write the manual page (roff) to standard output.
    #[command(
        after_help = "Install: covenant man > ~/.local/share/man/man1/covenant.1, then `man covenant`; \
`covenant man ask > ~/.local/share/man/man1/covenant-ask.1` for one command's page.\n\
Read without installing: covenant man | man -l -"
    )]
    Man {
        /// A command whose page to write (e.g. `ask`); the page of covenant itself if left out.
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

/// The exit code of a command that ran to the end.
fn code(held: bool) -> u8 {
    if held { ANSWERED } else { EXPECTATION_FAILED }
}

impl Command {
    /// The `--format` given after the command, if any.
    fn format(&self) -> Option<Format> {
        match self {
            Command::Ask { format, .. }
            | Command::Versions { format }
            | Command::Actions { format }
            | Command::Diff { format, .. }
            | Command::Timeline { format, .. }
            | Command::Check { format, .. }
            | Command::Show { format, .. }
            | Command::Export { format, .. }
            | Command::Test { format, .. } => *format,
            Command::Completions { .. } | Command::Man { .. } => None,
        }
    }
}

impl Cli {
    /// The output format: `--format` before or after the command (not both), text if neither.
    fn format(&self) -> Result<Format, Diagnostic> {
        match (self.format, self.command.format()) {
            (Some(before), Some(after)) if before != after => Err(Diagnostic::error(
                format!(
                    "--format is given twice: {} before the command, {} after it",
                    before.name(),
                    after.name()
                ),
                None,
            )
            .with_hint(Some("give --format once".into()))),
            (before, after) => Ok(after.or(before).unwrap_or_default()),
        }
    }
}

/// Writes the manual page of covenant, or of one of its commands, as roff.
fn man(command: Option<&str>, out: &mut dyn Write) -> Result<(), CommandError> {
    let mut cli = Cli::command();
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => sub.clone().version(env!("CARGO_PKG_VERSION")),
            None => {
                let known = cli.get_subcommands().map(clap::Command::get_name);
                return Err(Diagnostic::error(format!("no command `{name}`"), None)
                    .with_hint(Some(covenant::diagnostic::did_you_mean(
                        name, "command", known,
                    )))
                    .into());
            }
        },
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(())
}

/// Runs the command, writing its report into `out`; the exit code if it answered.
fn run(cli: Cli, format: Format, out: &mut dyn Write) -> Result<u8, CommandError> {
    // `check` loads the terms itself, leniently; every other command loads them here.
    let load = || command::load_terms(cli.terms.as_deref());
    Ok(match cli.command {
        Command::Check { deny_warnings, .. } => code(command::check(
            cli.terms.as_deref(),
            format,
            cli.max_cases,
            deny_warnings,
            out,
        )?),
        Command::Ask {
            query,
            on,
            under,
            facts,
            readings,
            scenario,
            explain,
            ..
        } => {
            let args = AskArgs {
                query,
                scenario,
                on,
                under,
                facts,
                readings,
                max_cases: cli.max_cases,
                explain,
            };
            command::ask(&load()?, &args, format, out)?;
            ANSWERED
        }
        Command::Versions { .. } => {
            command::versions(&load()?, format, out)?;
            ANSWERED
        }
        Command::Actions { .. } => {
            command::actions(&load()?, format, out)?;
            ANSWERED
        }
        Command::Diff {
            versions,
            from,
            to,
            facts,
            readings,
            every_reading,
            exit_code,
            ..
        } => {
            let args = DiffArgs {
                versions,
                from,
                to,
                facts,
                readings,
                every_reading,
                max_cases: cli.max_cases,
            };
            let differences = command::diff(&load()?, &args, format, out)?;
            code(!(exit_code && differences))
        }
        Command::Timeline {
            query,
            under,
            facts,
            readings,
            ..
        } => {
            let args = TimelineArgs {
                query,
                under,
                facts,
                readings,
                max_cases: cli.max_cases,
            };
            command::timeline(&load()?, &args, format, out)?;
            ANSWERED
        }
        Command::Show { id, version, .. } => {
            command::show(&load()?, &id, version.as_deref(), format, out)?;
            ANSWERED
        }
        Command::Export { dir, force, .. } => {
            command::export(cli.terms.as_deref(), &dir, force, format, out)?;
            ANSWERED
        }
        Command::Test {
            files,
            filter,
            list,
            bless,
            ..
        } => {
            let args = TestArgs {
                files,
                filter,
                list,
                bless,
                max_cases: cli.max_cases,
            };
            let format = match format {
                Format::Junit => TestFormat::Junit,
                format => TestFormat::Plain(format),
            };
            code(command::test(&load()?, &args, format, out)?)
        }
        Command::Completions { shell } => {
            let shell = clap_complete::Shell::from(shell);
            clap_complete::generate(shell, &mut Cli::command(), "covenant", out);
            ANSWERED
        }
        Command::Man { command } => {
            man(command.as_deref(), out)?;
            ANSWERED
        }
    })
}

/// Writes `text` to standard error; the exit code is `code` whatever happens,
/// since the command has already failed (a closed stderr only silences it).
fn fail_with(text: &str, format: Format, colour: ColourChoice, code: u8) -> ExitCode {
    let mut stderr = Output::stderr(format, colour);
    let written = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.finish());
    if let Err(failure) = output::ending(written) {
        // stderr itself failed: one last try, unbuffered, and no panic if that fails too.
        let _ = writeln!(std::io::stderr(), "error: {failure}");
    }
    ExitCode::from(code)
}

/// Shows clap's help, version or usage error through the same escaped, checked
/// streams as everything else (clap's own printing would echo an argument's
/// control characters raw, and ignores write errors).
fn clap_exit(error: clap::Error) -> ExitCode {
    let text = error.render().to_string();
    // clap exits 0 for --help and --version, 2 for a usage error; both fit in a u8.
    let code = u8::try_from(error.exit_code()).unwrap_or(BAD_INPUT);
    if error.use_stderr() {
        return fail_with(&text, Format::Text, colour_before_parsing(), code);
    }
    // Help and version are text to read, or to pipe into a pager or a file: plain.
    let mut stdout = Output::stdout(Format::Text, ColourChoice::Never);
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.finish());
    match output::ending(written) {
        Ok(_) => ExitCode::from(code),
        Err(failure) => fail_with(
            &format!("error: {failure}\n"),
            Format::Text,
            ColourChoice::Never,
            BAD_INPUT,
        ),
    }
}

/// `--color` as the arguments give it, for a usage error clap found before it
/// could parse them: the last `--color WHEN` or `--color=WHEN` that names a choice.
fn colour_before_parsing() -> ColourChoice {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut choice = ColourChoice::Auto;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.strip_prefix("--color") {
            Some("") => args.get(i + 1).map(String::as_str),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        choice = match value {
            Some("always") => ColourChoice::Always,
            Some("never") => ColourChoice::Never,
            Some("auto") => ColourChoice::Auto,
            _ => choice,
        };
    }
    choice
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(error),
    };
    let colour = ColourChoice::from(cli.color);
    let format = match cli.format() {
        Ok(format) => format,
        Err(twice) => {
            let bad = command::BadInput::from(twice);
            let text = command::render_bad_input(&bad, Format::Text);
            return fail_with(&text, Format::Text, colour, BAD_INPUT);
        }
    };
    let mut stdout = Output::stdout(format, colour);
    let result = run(cli, format, &mut stdout);
    // Flush what was written before reporting anything on stderr, so that the
    // two streams come out in the order they were produced.
    let flushed = stdout.finish();
    let (outcome, written) = match result {
        Ok(code) => (Ok(code), flushed),
        Err(CommandError::BadInput(bad)) => (Err(bad), flushed),
        Err(CommandError::Output(error)) => (Ok(ANSWERED), Err(error)),
    };
    match output::ending(written) {
        // The reader has all it wants: like ripgrep, stop quietly and successfully.
        Ok(Ending::Closed) => return ExitCode::from(ANSWERED),
        Err(failure) => {
            return fail_with(
                &format!("error: {failure}\n"),
                Format::Text,
                colour,
                BAD_INPUT,
            );
        }
        Ok(Ending::Complete) => {}
    }
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(bad) => fail_with(
            &command::render_bad_input(&bad, format),
            format,
            colour,
            BAD_INPUT,
        ),
    }
}
