//! `covenant test --format junit`: the run as a JUnit XML report, the format
//! CI systems (GitLab, Jenkins, GitHub Actions' test reporters) read. One
//! `<testsuite>` per scenario file, one `<testcase>` per question, with a
//! `<failure>` (message, then the expected and actual verdicts), `<skipped>`
//! or `<error>` as it fared.

use super::check::{Status, TestResult};
use std::fmt::Write;

/// The JUnit XML report of a run: each scenario file by name with the results
/// of its questions, in the order they ran.
pub fn report(files: &[(String, Vec<TestResult>)]) -> String {
    let count = |results: &[TestResult], status: Status| {
        results.iter().filter(|r| r.status == status).count()
    };
    let all: Vec<TestResult> = files.iter().flat_map(|(_, r)| r.iter().cloned()).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"covenant test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        all.len(),
        count(&all, Status::Failed),
        count(&all, Status::Error),
        count(&all, Status::Skipped),
    );
    for (file, results) in files {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            escape(file),
            results.len(),
            count(results, Status::Failed),
            count(results, Status::Error),
            count(results, Status::Skipped),
        );
        for result in results {
            testcase(&mut out, file, result);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, file: &str, result: &TestResult) {
    let line = line_of(&result.location)
        .map(|line| format!(" line=\"{line}\""))
        .unwrap_or_default();
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"{line}",
        escape(&result.name),
        escape(file),
        escape(file),
    );
    match result.status {
        Status::Passed => out.push_str("/>\n"),
        Status::Skipped => out.push_str(
            ">\n      <skipped message=\"the question has no expect or expect_rule\"/>\n    </testcase>\n",
        ),
        Status::Failed => {
            let mut body = String::new();
            for mismatch in &result.mismatches {
                let _ = write!(
                    body,
                    "{}\n  expected: {}\n  actual:   {}\n",
                    mismatch.at, mismatch.expected, mismatch.actual
                );
            }
            let _ = write!(
                out,
                ">\n      <failure type=\"expectation\" message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(&result.problems.join("; ")),
                crate::output::escape::xml(&body),
            );
        }
        Status::Error => {
            let _ = write!(
                out,
                ">\n      <error type=\"bad input\" message=\"{}\">{}</error>\n    </testcase>\n",
                escape(result.problems.first().map_or("", String::as_str)),
                crate::output::escape::xml(&result.problems.join("\n")),
            );
        }
    }
}

/// The line of a `file:line:column` location.
fn line_of(location: &str) -> Option<usize> {
    let mut parts = location.rsplitn(3, ':');
    let _column = parts.next()?;
    parts.next()?.parse().ok()
}

/// Text as an XML attribute value (a newline in one would be read back as a space). Control characters are left to the
/// output layer, which writes them as visible escapes.
fn escape(text: &str) -> String {
    crate::output::escape::xml(text).replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_name_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(line_of("dir/a:b.toml:12:1"), Some(12));
    }
}
