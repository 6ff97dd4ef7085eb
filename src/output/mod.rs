//! Where covenant's output goes, and what a failed write means.
//!
//! Commands write into any [`Write`] sink (see [`crate::command`]). The binary
//! hands them an [`Output`]: standard output (or error), locked once and
//! buffered, behind a [`ControlEscape`] so that no control character from a
//! terms file, a seed, a scenario or an argument reaches the terminal.
//!
//! Writes can fail. Like ripgrep, covenant treats a closed pipe
//! (`covenant actions | head -1`) as the reader saying "enough": the command
//! stops quietly and successfully ([`Ending::Closed`]). Any other failure (a full
//! disk, `> /dev/full`) is an [`OutputError`]: one line, exit 2.

pub mod colour;
pub mod escape;

use crate::command::Format;
pub use colour::{ColourChoice, Paint};
pub use escape::{ControlEscape, Escaping};
use std::io::{self, BufWriter, StderrLock, StdoutLock, Write};

/// How control characters are escaped for output in `format`.
pub fn escaping_for(format: Format) -> Escaping {
    match format {
        Format::Json => Escaping::Json,
        Format::Text | Format::Markdown | Format::Svg | Format::Junit => Escaping::Visible,
    }
}

/// A locked, buffered standard stream with control characters escaped.
///
/// Buffered, so nothing is written until the buffer fills or [`Output::finish`]
/// is called: call it, since dropping an `Output` loses the last write's error.
#[derive(Debug)]
pub struct Output<W: Write> {
    /// Escaping first, colour after: the only escape sequences that reach the
    /// stream are [`Paint`]'s own.
    stream: ControlEscape<Paint<BufWriter<W>>>,
}

impl Output<StdoutLock<'static>> {
    /// Standard output, escaped for `format`, coloured as `colour` says.
    pub fn stdout(format: Format, colour: ColourChoice) -> Self {
        let on = colour.colours(format, &io::stdout());
        Output::painted(io::stdout().lock(), escaping_for(format), on)
    }
}

impl Output<StderrLock<'static>> {
    /// Standard error, escaped for `format` (diagnostics follow `--format` too),
    /// coloured as `colour` says.
    pub fn stderr(format: Format, colour: ColourChoice) -> Self {
        let on = colour.colours(format, &io::stderr());
        Output::painted(io::stderr().lock(), escaping_for(format), on)
    }
}

impl<W: Write> Output<W> {
    /// Wraps any writer the way the standard streams are wrapped, without colour.
    pub fn new(inner: W, escaping: Escaping) -> Self {
        Output::painted(inner, escaping, false)
    }

    /// Wraps any writer the way the standard streams are wrapped, coloured when `colour`.
    pub fn painted(inner: W, escaping: Escaping, colour: bool) -> Self {
        Output {
            stream: ControlEscape::new(Paint::new(BufWriter::new(inner), colour), escaping),
        }
    }

    /// Writes what is buffered; the error of any write still pending.
    pub fn finish(self) -> io::Result<()> {
        self.stream.finish().map(drop)
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.stream.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// How a stream's writing ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Everything was written.
    Complete,
    /// The reader closed the pipe; the rest is not wanted. Not an error.
    Closed,
}

/// A write that failed for any reason but a closed pipe: exit 2.
#[derive(Debug, thiserror::Error)]
#[error("cannot write output: {0}")]
pub struct OutputError(#[source] pub io::Error);

/// Sorts the result of writing a stream: a closed pipe is [`Ending::Closed`],
/// any other error an [`OutputError`].
pub fn ending(written: io::Result<()>) -> Result<Ending, OutputError> {
    match written {
        Ok(()) => Ok(Ending::Complete),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(Ending::Closed),
        Err(error) => Err(OutputError(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes a few bytes and then fails the way it is told to.
    struct FailsAfter {
        room: usize,
        kind: io::ErrorKind,
    }

    impl Write for FailsAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(self.kind));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn write_much(kind: io::ErrorKind) -> io::Result<()> {
        let mut output = Output::new(FailsAfter { room: 10, kind }, Escaping::Visible);
        for _ in 0..10_000 {
            writeln!(output, "a line longer than the room left")?;
        }
        output.finish()
    }

    #[test]
    fn a_closed_pipe_ends_quietly() {
        assert!(matches!(
            ending(write_much(io::ErrorKind::BrokenPipe)),
            Ok(Ending::Closed)
        ));
    }

    #[test]
    fn any_other_write_error_is_one_line() {
        let error = ending(write_much(io::ErrorKind::StorageFull)).expect_err("a full disk fails");
        let line = error.to_string();
        assert!(line.starts_with("cannot write output: "), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }

    #[test]
    fn an_error_in_the_last_buffered_write_is_not_lost() {
        let mut output = Output::new(
            FailsAfter {
                room: 0,
                kind: io::ErrorKind::StorageFull,
            },
            Escaping::Visible,
        );
        write!(output, "short").expect("buffered, not yet written");
        assert!(output.finish().is_err());
    }
}
