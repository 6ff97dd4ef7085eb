//! Check findings for people.

use super::{CheckReport, Severity};
use std::fmt::Write;

/// Renders the findings, errors first, each with its location, hint and witness.
pub fn text(report: &CheckReport) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let label = match (finding.severity, &finding.explained) {
            (Severity::Error, _) => "error",
            (Severity::Warning, None) => "warning",
            (Severity::Warning, Some(_)) => "explained",
        };
        let _ = writeln!(out, "{label}[{}]: {}", finding.code, finding.message);
        if let Some(location) = &finding.location {
            let _ = writeln!(out, "  at {location}");
        }
        if let Some(witness) = &finding.witness {
            match &witness.command {
                Some(command) => {
                    let _ = writeln!(out, "  witness: {command}");
                }
                None => {
                    let given: Vec<String> = witness
                        .facts
                        .iter()
                        .chain(&witness.readings)
                        .map(|(name, value)| format!("{name}={value}"))
                        .collect();
                    let with = if given.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", given.join(", "))
                    };
                    let _ = writeln!(
                        out,
                        "  witness: `{}` under `{}` on {}{with}, a date `covenant ask` cannot take",
                        witness.query, witness.version, witness.date
                    );
                }
            }
        }
        if let Some(why) = &finding.explained {
            let _ = writeln!(out, "  explained in the terms: {why}");
        } else if let Some(hint) = &finding.hint {
            let _ = writeln!(out, "  hint: {hint}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s), {} explained warning(s): {}",
        report.errors,
        report.warnings,
        report.explained,
        if report.passed() {
            "the terms are consistent"
        } else {
            "the terms are not consistent"
        }
    );
    out
}
