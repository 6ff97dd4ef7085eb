//! The `covenant` command: parses arguments, calls the library, prints, exits.

use clap::{Parser, Subcommand, ValueEnum};
use covenant::command::{self, AskArgs, BadInput, Format};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: the command answered (or every expectation held).
const ANSWERED: u8 = 0;
/// Exit code: `covenant test` found an expectation that does not hold.
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
    after_help = "Examples:\n  covenant ask 'openai.host_models(cloud=aws)' --on 2027-03-01\n  covenant ask 'openai.host_models' --on 2025-01-01 --under all\n  covenant ask 'microsoft.pay_revenue_share' --on 2028-06-01 --reading microsoft_share_end=after_2030\n  covenant test scenarios/news.toml\n\nExit codes: 0 answered, 1 a `test` expectation failed, 2 bad input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Load the agreement from this terms directory instead of the built-in terms.
    #[arg(long, global = true, value_name = "DIR")]
    terms: Option<PathBuf>,
    /// Output for people (text) or for scripts (json).
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Ask whether a party may, must or must not do something, and why.
    #[command(
        after_help = "Query grammar: party.action(param=value, ...). A parameter left out is \
answered for every value of its domain.\n\nExamples:\n  covenant ask 'openai.host_models(cloud=aws)' --on 2027-03-01\n  \
covenant ask 'openai.restrict_microsoft_access' --on 2025-01-01 --fact agi_achieved=true\n  \
covenant ask 'openai.pay_revenue_share' --on 2031-06-01 --under all\n  covenant ask --scenario scenarios/news.toml"
    )]
    Ask {
        /// What to ask, e.g. `openai.host_models(cloud=aws)`; `covenant actions` lists the actions.
        #[arg(required_unless_present = "scenario")]
        query: Option<String>,
        /// The date to ask about (YYYY-MM-DD); today if left out.
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// Which version: `in-force` (the one in force on the date), `all`, or a version id such as `old` or `new`.
        #[arg(long, value_name = "VERSION", default_value = "in-force")]
        under: String,
        /// A known fact, e.g. `agi_achieved=true`; facts not given are unknown. Repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// Read a dispute a given way, e.g. `microsoft_share_end=after_2030`; otherwise its default reading. Repeatable.
        #[arg(long = "reading", value_name = "DISPUTE=READING")]
        readings: Vec<String>,
        /// Answer every question of a scenario file instead of one query.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "on", "facts", "readings"])]
        scenario: Option<PathBuf>,
    },
    /// List the versions of the agreement, their dates and where each date comes from.
    Versions,
    /// List the actions (with parameters and defaults), facts, disputes and readings.
    Actions,
    /// Check the expectations in scenario files; exit 1 if any fails.
    Test {
        /// Scenario files (TOML with [[question]] entries).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

fn run(cli: Cli) -> Result<(String, u8), BadInput> {
    let format = match cli.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
    };
    let terms = command::load_terms(cli.terms.as_deref())?;
    Ok(match cli.command {
        Command::Ask {
            query,
            on,
            under,
            facts,
            readings,
            scenario,
        } => {
            let args = AskArgs {
                query,
                scenario,
                on,
                under,
                facts,
                readings,
            };
            (command::ask(&terms, &args, format)?, ANSWERED)
        }
        Command::Versions => (command::versions(&terms, format), ANSWERED),
        Command::Actions => (command::actions(&terms, format), ANSWERED),
        Command::Test { files } => {
            let (output, passed) = command::test(&terms, &files, format)?;
            (output, if passed { ANSWERED } else { EXPECTATION_FAILED })
        }
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match cli.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
    };
    match run(cli) {
        Ok((output, code)) => {
            print!("{output}");
            ExitCode::from(code)
        }
        Err(bad) => {
            eprint!("{}", command::render_bad_input(&bad, format));
            ExitCode::from(BAD_INPUT)
        }
    }
}
