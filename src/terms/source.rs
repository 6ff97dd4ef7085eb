//! Where terms come from: the copy embedded in the binary, or a directory.

use super::error::{LoadError, LoadErrorKind};
use std::fs;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The names of the seeds embedded in the binary.
pub fn embedded_seed_names() -> impl Iterator<Item = &'static str> {
    embedded::EMBEDDED_SEEDS.iter().map(|(name, _)| *name)
}

/// Where to read an agreement's terms from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermsSource {
    /// The shipped terms and seeds, embedded at build time.
    Embedded,
    /// A terms directory holding `vocabulary.toml` and one `*.toml` per version.
    Directory(PathBuf),
    /// Files held in memory, as (file name, text): for tests, benchmarks and tools.
    InMemory {
        /// `vocabulary.toml` and the version files.
        terms: Vec<(String, String)>,
        /// The seeds.
        seeds: Vec<(String, String)>,
    },
}

fn in_memory(files: &[(String, String)], folder: &str) -> Vec<RawFile> {
    files
        .iter()
        .map(|(name, text)| RawFile {
            display: format!("{folder}/{name}"),
            name: name.clone(),
            bytes: text.as_bytes().to_vec(),
        })
        .collect()
}

/// A file as read, before it is known to be text.
#[derive(Debug, Clone)]
pub(super) struct RawFile {
    /// The name shown in messages, e.g. `terms/new.toml`.
    pub display: String,
    /// The bare file name, e.g. `new.toml`.
    pub name: String,
    pub bytes: Vec<u8>,
}

fn unreadable(path: &Path, error: &std::io::Error) -> LoadError {
    LoadError::unlocated(LoadErrorKind::Unreadable {
        path: path.display().to_string(),
        reason: error.to_string(),
    })
}

fn read_dir_files(
    dir: &Path,
    keep: impl Fn(&str) -> bool,
    limit: u64,
) -> Result<Vec<RawFile>, LoadError> {
    let entries = fs::read_dir(dir).map_err(|e| unreadable(dir, &e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| unreadable(dir, &e))?;
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if !path.is_file() || !keep(&name) {
            continue;
        }
        let display = path.display().to_string();
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if size > limit {
            return Err(LoadError::unlocated(LoadErrorKind::TooLarge {
                file: display,
                size,
                limit,
            }));
        }
        let bytes = fs::read(&path).map_err(|e| unreadable(&path, &e))?;
        files.push(RawFile {
            display,
            name,
            bytes,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

impl TermsSource {
    /// How the source is named in messages.
    pub fn label(&self) -> String {
        match self {
            TermsSource::Embedded => "the embedded terms".into(),
            TermsSource::Directory(dir) => dir.display().to_string(),
            TermsSource::InMemory { .. } => "the terms given in memory".into(),
        }
    }

    pub(super) fn terms_files(&self, limit: u64) -> Result<Vec<RawFile>, LoadError> {
        match self {
            TermsSource::Embedded => Ok(embedded::EMBEDDED_TERMS
                .iter()
                .map(|(name, bytes)| RawFile {
                    display: format!("terms/{name}"),
                    name: name.to_string(),
                    bytes: bytes.to_vec(),
                })
                .collect()),
            TermsSource::Directory(dir) => read_dir_files(dir, |n| n.ends_with(".toml"), limit),
            TermsSource::InMemory { terms, .. } => Ok(in_memory(terms, "terms")),
        }
    }

    /// The seeds, from `seeds_dir` relative to the terms directory.
    pub(super) fn seed_files(
        &self,
        seeds_dir: &str,
        limit: u64,
    ) -> Result<Vec<RawFile>, LoadError> {
        match self {
            TermsSource::Embedded => Ok(embedded::EMBEDDED_SEEDS
                .iter()
                .map(|(name, bytes)| RawFile {
                    display: format!("seeds/{name}"),
                    name: name.to_string(),
                    bytes: bytes.to_vec(),
                })
                .collect()),
            TermsSource::Directory(dir) => {
                let seeds = dir.join(seeds_dir);
                if !seeds.is_dir() {
                    return Ok(Vec::new());
                }
                read_dir_files(&seeds, |n| !n.starts_with('.'), limit)
            }
            TermsSource::InMemory { seeds, .. } => Ok(in_memory(seeds, "seeds")),
        }
    }
}
