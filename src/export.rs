//! `export`: writes the terms and seeds embedded in the binary to a directory,
//! in the layout they were embedded from (`terms/*.toml`, `seeds/*`), so that
//! they can be read, changed and loaded again with `--terms DIR/terms`.
//!
//! Nothing is written outside the directory: the paths come from the embedded
//! list only, each is checked to be plain (relative, no `..`), an existing
//! folder on the way must be a real directory (not a symbolic link), and each
//! file is created anew, so a symbolic link in its place is replaced, never followed.

use serde::Serialize;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// What `covenant export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ExportReport {
    /// The directory, as given.
    pub directory: String,
    /// The terms directory inside it, to give to `--terms`.
    pub terms: String,
    /// How many files were written.
    pub count: usize,
    /// The files written, relative to the directory, in the order written.
    pub files: Vec<String>,
}

/// Why `covenant export` wrote nothing, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The directory has files in it and `--force` was not given.
    #[error("`{dir}` is not empty")]
    NotEmpty {
        /// The directory, as given.
        dir: String,
    },
    /// Something that must be a directory (the one given, or a folder inside
    /// it) is a file, a symbolic link or something else.
    #[error("`{path}` is not a directory")]
    NotADirectory {
        /// Where.
        path: String,
    },
    /// A file would be written where there is a directory.
    #[error("`{path}` is a directory, where covenant would write a file")]
    DirectoryInTheWay {
        /// Where.
        path: String,
    },
    /// A path of the list is not a plain relative path.
    #[error(
        "`{path}` is not a plain relative path: refused, so that nothing is written outside the directory"
    )]
    NotPlain {
        /// The path as listed.
        path: String,
    },
    /// The file system refused.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// What was being done: `create`, `write`, `read`, `replace`.
        action: &'static str,
        /// Where.
        path: String,
        /// What the system said.
        source: io::Error,
    },
}

impl ExportError {
    /// What to do instead.
    pub fn hint(&self) -> Option<String> {
        match self {
            ExportError::NotEmpty { .. } => Some(
                "export into a new or empty directory, or add --force to write over the files \
                 covenant exports (any other file is left as it is)"
                    .into(),
            ),
            ExportError::NotADirectory { .. } => Some(
                "covenant export writes only inside the directory it is given, into real folders; \
                 choose another directory"
                    .into(),
            ),
            ExportError::DirectoryInTheWay { .. } => {
                Some("remove that directory, or choose another one to export into".into())
            }
            ExportError::NotPlain { .. } | ExportError::Io { .. } => None,
        }
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> ExportError {
    let path = path.display().to_string();
    move |source| ExportError::Io {
        action,
        path,
        source,
    }
}

/// Whether `path` is relative and made of plain names only: no root, no
/// prefix, no `.` or `..`, no empty name, not empty. Read as written, since
/// [`Path::components`] quietly drops a `.` or a doubled `/` inside a path.
fn is_plain(path: &str) -> bool {
    !path.is_empty()
        && path
            .split(['/', '\\'])
            .all(|name| !name.is_empty() && name != "." && name != "..")
        && Path::new(path)
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

/// Writes the files embedded in the binary ([`crate::terms::embedded_files`]) into `dir`.
pub fn export(dir: &Path, force: bool) -> Result<ExportReport, ExportError> {
    export_files(dir, force, crate::terms::embedded_files())
}

/// Writes `files` (path relative to `dir`, bytes) into `dir`, creating it if
/// missing. A directory with anything in it is refused unless `force`; then
/// each file listed is written over, and nothing else there is touched. Every
/// path is checked before anything is written.
pub fn export_files<'a>(
    dir: &Path,
    force: bool,
    files: impl IntoIterator<Item = (String, &'a [u8])>,
) -> Result<ExportReport, ExportError> {
    let files: Vec<(String, &[u8])> = files.into_iter().collect();
    if let Some((path, _)) = files.iter().find(|(path, _)| !is_plain(path)) {
        return Err(ExportError::NotPlain { path: path.clone() });
    }
    let shown = dir.display().to_string();
    match fs::metadata(dir) {
        Ok(metadata) if !metadata.is_dir() => {
            return Err(ExportError::NotADirectory { path: shown });
        }
        Ok(_) => {
            let mut entries = fs::read_dir(dir).map_err(io_error("read", dir))?;
            if entries.next().is_some() && !force {
                return Err(ExportError::NotEmpty { dir: shown });
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io_error("create", dir))?;
        }
        Err(error) => return Err(io_error("read", dir)(error)),
    }
    // Everything in the way is found before anything is written.
    for (relative, _) in &files {
        write_inside(dir, Path::new(relative), None)?;
    }
    let mut written = Vec::with_capacity(files.len());
    for (relative, bytes) in &files {
        write_inside(dir, Path::new(relative), Some(bytes))?;
        written.push(relative.clone());
    }
    Ok(ExportReport {
        directory: shown,
        terms: dir.join("terms").display().to_string(),
        count: written.len(),
        files: written,
    })
}

/// Writes `bytes` to `dir/relative` (a plain path), creating the folders on
/// the way as real directories and the file anew; with no bytes, only checks
/// that nothing is in the way.
fn write_inside(dir: &Path, relative: &Path, bytes: Option<&[u8]>) -> Result<(), ExportError> {
    let mut at: PathBuf = dir.to_path_buf();
    let mut names = relative.components().peekable();
    while let Some(name) = names.next() {
        at.push(name);
        let last = names.peek().is_none();
        let existing = match fs::symlink_metadata(&at) {
            Ok(metadata) => Some(metadata),
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => return Err(io_error("read", &at)(error)),
        };
        match (last, existing) {
            (false, Some(metadata)) if metadata.is_dir() => {}
            (false, Some(_)) => {
                return Err(ExportError::NotADirectory {
                    path: at.display().to_string(),
                });
            }
            // Not there yet, so nothing inside it is in the way either.
            (false, None) if bytes.is_none() => return Ok(()),
            (false, None) => fs::create_dir(&at).map_err(io_error("create", &at))?,
            (true, Some(metadata)) if metadata.is_dir() => {
                return Err(ExportError::DirectoryInTheWay {
                    path: at.display().to_string(),
                });
            }
            // A file or a symbolic link: removed (a link itself, never what it
            // points at), so that the file is created anew below.
            (true, Some(_)) if bytes.is_some() => {
                fs::remove_file(&at).map_err(io_error("replace", &at))?;
            }
            (true, _) => {}
        }
    }
    let Some(bytes) = bytes else {
        return Ok(());
    };
    // `create_new` fails rather than follow a symbolic link put there since.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&at)
        .map_err(io_error("create", &at))?;
    file.write_all(bytes).map_err(io_error("write", &at))
}

/// The report as text: how many files, where, each file, and how to load them.
pub fn render(report: &ExportReport) -> String {
    let mut out = format!(
        "wrote {} file{} to {}\n",
        report.count,
        if report.count == 1 { "" } else { "s" },
        report.directory
    );
    for file in &report.files {
        out.push_str(&format!("  {file}\n"));
    }
    out.push_str(&format!(
        "load them with: covenant --terms {} check\n",
        shlex::try_quote(&report.terms).unwrap_or(std::borrow::Cow::Borrowed(&report.terms))
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_plain() {
        for plain in ["terms/new.toml", "seeds/a.txt", "a"] {
            assert!(is_plain(plain), "{plain}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "terms/../../x",
            "./x",
            "terms/./x",
            "terms//x",
            "terms/",
            "..\\x",
        ] {
            assert!(!is_plain(bad), "{bad}");
        }
    }

    #[test]
    fn a_path_that_is_not_plain_is_refused_before_anything_is_written() {
        let dir = std::env::temp_dir().join(format!("covenant-export-unit-{}", std::process::id()));
        let files: Vec<(String, &[u8])> = vec![
            ("terms/a.toml".into(), b"a".as_slice()),
            ("../escaped.txt".into(), b"b".as_slice()),
        ];
        let error = export_files(&dir, false, files).expect_err("a `..` path is refused");
        assert!(matches!(error, ExportError::NotPlain { ref path } if path == "../escaped.txt"));
        assert!(!dir.exists(), "nothing was created");
    }
}
