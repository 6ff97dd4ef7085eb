//! Where terms come from: the copy embedded in the binary, or a directory.

use super::error::{LoadError, LoadErrorKind};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The names of the seeds embedded in the binary.
pub fn embedded_seed_names() -> impl Iterator<Item = &'static str> {
    embedded::EMBEDDED_SEEDS.iter().map(|(name, _)| *name)
}

/// Every file embedded in the binary, as (path relative to the crate's root,
/// bytes): `terms/*.toml`, then the files of `seeds/`, each in name order.
/// `covenant export` writes exactly these.
pub fn embedded_files() -> impl Iterator<Item = (String, &'static [u8])> {
    let terms = embedded::EMBEDDED_TERMS
        .iter()
        .map(|(name, bytes)| (format!("terms/{name}"), *bytes));
    let seeds = embedded::EMBEDDED_SEEDS
        .iter()
        .map(|(name, bytes)| (format!("seeds/{name}"), *bytes));
    terms.chain(seeds)
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

/// The files of a folder: those read, and an error for each one refused.
#[derive(Debug, Default)]
pub(super) struct Listing {
    /// The files read, by name.
    pub files: Vec<RawFile>,
    /// One error per file that is there but was not read, by name.
    pub refused: Vec<(String, LoadError)>,
}

impl Listing {
    fn read(files: Vec<RawFile>) -> Listing {
        Listing {
            files,
            refused: Vec::new(),
        }
    }

    /// Whether a file called `name` is in the folder, read or not.
    pub fn has(&self, name: &str) -> bool {
        self.files.iter().any(|f| f.name == name) || self.refused.iter().any(|(n, _)| n == name)
    }
}

fn unreadable(path: &Path, error: &std::io::Error) -> LoadErrorKind {
    LoadErrorKind::Unreadable {
        path: path.display().to_string(),
        reason: error.to_string(),
    }
}

/// What a file that is not a regular file is, in words.
fn kind_of_file(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads `path`, a file of the folder `folder` (canonical), if it is a regular
/// file inside it of at most `limit` bytes: `Ok(None)` for a directory, which
/// is not a file of the folder. A symbolic link may lead only to a file inside
/// the folder. The size is checked on the opened file, and no more than
/// `limit + 1` bytes are ever read, whatever the file claims.
fn read_regular_file(
    folder: &Path,
    path: &Path,
    shown: &Path,
    limit: u64,
) -> Result<Option<Vec<u8>>, LoadErrorKind> {
    let display = || shown.display().to_string();
    let link = fs::symlink_metadata(path).map_err(|e| unreadable(shown, &e))?;
    if link.file_type().is_symlink() {
        let target = fs::canonicalize(path).map_err(|e| unreadable(shown, &e))?;
        if !target.starts_with(folder) {
            return Err(LoadErrorKind::LeadsOutside { file: display() });
        }
    }
    // Looked at before opening: opening a named pipe would wait for a writer.
    let metadata = fs::metadata(path).map_err(|e| unreadable(shown, &e))?;
    if metadata.is_dir() {
        return Ok(None);
    }
    let refuse = |metadata: &fs::Metadata| -> Result<(), LoadErrorKind> {
        if !metadata.is_file() {
            return Err(LoadErrorKind::NotRegularFile {
                file: display(),
                kind: kind_of_file(metadata.file_type()),
            });
        }
        if metadata.len() > limit {
            return Err(LoadErrorKind::TooLarge {
                file: display(),
                size: metadata.len(),
                limit,
            });
        }
        Ok(())
    };
    refuse(&metadata)?;
    let file = fs::File::open(path).map_err(|e| unreadable(shown, &e))?;
    // The file opened may not be the one looked at: look again, at the handle.
    let opened = file.metadata().map_err(|e| unreadable(shown, &e))?;
    refuse(&opened)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(shown, &e))?;
    if bytes.len() as u64 > limit {
        return Err(LoadErrorKind::TooLarge {
            file: display(),
            size: opened.len().max(bytes.len() as u64),
            limit,
        });
    }
    Ok(Some(bytes))
}

/// Reads the files of the folder `shown` (named so in messages; `real` is its
/// canonical path) whose names `keep` accepts, each checked by
/// [`read_regular_file`]. A file name that is not UTF-8 is refused when, read
/// leniently, `keep` would accept it.
fn read_folder(
    shown: &Path,
    real: &Path,
    keep: impl Fn(&str) -> bool,
    limit: u64,
) -> Result<Listing, LoadErrorKind> {
    let entries = fs::read_dir(real).map_err(|e| unreadable(shown, &e))?;
    let mut listing = Listing::default();
    for entry in entries {
        let entry = entry.map_err(|e| unreadable(shown, &e))?;
        let os_name = entry.file_name();
        let Some(name) = os_name.to_str().map(str::to_string) else {
            let lossy = os_name.to_string_lossy().into_owned();
            if keep(&lossy) {
                let kind = LoadErrorKind::NameNotUtf8 {
                    folder: shown.display().to_string(),
                    name: lossy.escape_debug().to_string(),
                };
                listing.refused.push((lossy, LoadError::unlocated(kind)));
            }
            continue;
        };
        if !keep(&name) {
            continue;
        }
        let path = shown.join(&name);
        match read_regular_file(real, &real.join(&name), &path, limit) {
            Ok(Some(bytes)) => listing.files.push(RawFile {
                display: path.display().to_string(),
                name,
                bytes,
            }),
            Ok(None) => {}
            Err(kind) => listing.refused.push((name, LoadError::unlocated(kind))),
        }
    }
    listing.files.sort_by(|a, b| a.name.cmp(&b.name));
    listing.refused.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(listing)
}

/// The folder `seeds` names, relative to the terms directory `dir`: its
/// canonical path, if it is the terms directory, a folder inside it, or a
/// sibling of it (not a hidden one), as `../seeds` is. Refused before anything
/// is looked up when it is absolute or, read as written, climbs above the
/// terms directory's parent; then checked again once symbolic links are resolved.
fn seeds_folder(dir: &Path, seeds: &str) -> Result<PathBuf, LoadErrorKind> {
    let refuse = |problem: &str| LoadErrorKind::SeedsOutside {
        seeds: seeds.to_string(),
        problem: problem.to_string(),
    };
    let written = Path::new(seeds);
    if written.is_absolute() || written.has_root() {
        return Err(refuse("is an absolute path"));
    }
    let mut depth: i64 = 0;
    for component in written.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse("is an absolute path"));
            }
        }
        if depth < -1 {
            return Err(refuse(
                "climbs above the folder that holds the terms directory",
            ));
        }
    }
    let terms = fs::canonicalize(dir).map_err(|e| unreadable(dir, &e))?;
    let shown = dir.join(written);
    let real = fs::canonicalize(&shown).map_err(|e| unreadable(&shown, &e))?;
    let inside = real.starts_with(&terms);
    let sibling = terms.parent().is_some_and(|parent| {
        real.parent() == Some(parent)
            && real
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.'))
    });
    if !(inside || sibling) {
        return Err(refuse(
            "leads out of the terms directory and its sibling folders (through a symbolic link or `..`)",
        ));
    }
    if !real.is_dir() {
        return Err(LoadErrorKind::Unreadable {
            path: shown.display().to_string(),
            reason: "not a directory".into(),
        });
    }
    Ok(real)
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

    /// `vocabulary.toml` and the version files; an error when the directory
    /// itself cannot be read.
    pub(super) fn terms_files(&self, limit: u64) -> Result<Listing, LoadError> {
        match self {
            TermsSource::Embedded => Ok(Listing::read(
                embedded::EMBEDDED_TERMS
                    .iter()
                    .map(|(name, bytes)| RawFile {
                        display: format!("terms/{name}"),
                        name: name.to_string(),
                        bytes: bytes.to_vec(),
                    })
                    .collect(),
            )),
            TermsSource::Directory(dir) => {
                let real =
                    fs::canonicalize(dir).map_err(|e| LoadError::unlocated(unreadable(dir, &e)))?;
                read_folder(dir, &real, |n| n.ends_with(".toml"), limit)
                    .map_err(LoadError::unlocated)
            }
            TermsSource::InMemory { terms, .. } => Ok(Listing::read(in_memory(terms, "terms"))),
        }
    }

    /// The seeds, from the folder `seeds` (as written in `vocabulary.toml`)
    /// relative to the terms directory. An error when the folder may not be
    /// read (see [`seeds_folder`]) or cannot be.
    pub(super) fn seed_files(&self, seeds: &str, limit: u64) -> Result<Listing, LoadErrorKind> {
        match self {
            TermsSource::Embedded => Ok(Listing::read(
                embedded::EMBEDDED_SEEDS
                    .iter()
                    .map(|(name, bytes)| RawFile {
                        display: format!("seeds/{name}"),
                        name: name.to_string(),
                        bytes: bytes.to_vec(),
                    })
                    .collect(),
            )),
            TermsSource::Directory(dir) => {
                let real = seeds_folder(dir, seeds)?;
                read_folder(&dir.join(seeds), &real, |n| !n.starts_with('.'), limit)
            }
            TermsSource::InMemory { seeds, .. } => Ok(Listing::read(in_memory(seeds, "seeds"))),
        }
    }
}
