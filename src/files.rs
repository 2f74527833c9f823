//! Local files a caller names in a command's arguments: the one place the runtime reads them
//! (an upload of the caller's own audio), under limits.
//!
//! Reading local files is a capability, not a default. A pack declares that it reads them
//! ([`crate::pack::Pack::reads_local_files`]), and so does each command that does
//! ([`crate::command::Command::READS_LOCAL_FILES`]); the dispatcher hands a run a
//! [`FileAccess`] ([`crate::command::Ctx::file_access`]) only when both do. A pack that
//! promises to read no file cannot read one by accident, and its tests can say it declares
//! none.
//!
//! The rules, for every file:
//! - the path is resolved first (symbolic links followed), and must then name a *regular*
//!   file: directories, devices, FIFOs and sockets are refused before anything is opened (so
//!   a FIFO never blocks the run);
//! - its size comes from the metadata, checked against the command's limits before any byte
//!   is read; reading stops one byte past the limit, so a file that grows in between cannot
//!   exceed it;
//! - its type comes from its extension, then is confirmed by its first bytes (RIFF/WAVE,
//!   ID3 or an MPEG frame sync, `ftyp`, `OggS`, EBML, `fLaC`);
//! - errors name the file's basename and the limit, never the path, and never a byte of it.
//!   What a command sends or shows is the basename, size, content type and SHA-256
//!   ([`FileSummary`]); the bytes only go into the request body.
//!
//! Memory stays constant whatever the files' size: a file is read once when it is checked,
//! in pieces of [`CHUNK_BYTES`], for its SHA-256 and its first bytes, and keeps nothing of
//! its content ([`LocalFile`]); the request reads it again from disk as it is sent, and stops
//! if the file is no longer what was checked (`FILE_UNREADABLE`, see
//! [`crate::http::LocalFilePart`]). A dry-run preview costs the same one read.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, ErrorCode};
pub use crate::http::sha256_hex;
use crate::http::{CHUNK_BYTES, FormPart, FormValue, LocalFilePart, hex};

/// How many of a file's first bytes its kind's check sees.
const HEAD_BYTES: usize = 64;

/// One kind of file a command accepts: its extensions, the content type it is sent as, and
/// the check of its first bytes.
#[derive(Clone, Copy)]
pub struct FileKind {
    /// What it is, for people (`WAV audio`).
    pub name: &'static str,
    /// Lower-case extensions without the dot.
    pub extensions: &'static [&'static str],
    /// The content type sent with it.
    pub content_type: &'static str,
    /// Whether the file's first bytes (up to 64) are this kind's.
    pub magic: fn(&[u8]) -> bool,
}

impl fmt::Debug for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileKind")
            .field("name", &self.name)
            .field("extensions", &self.extensions)
            .finish_non_exhaustive()
    }
}

/// Common audio kinds, with the first bytes that identify them.
pub mod kinds {
    use super::FileKind;

    /// `.wav`: `RIFF` … `WAVE`.
    pub const WAV: FileKind = FileKind {
        name: "WAV audio",
        extensions: &["wav"],
        content_type: "audio/wav",
        magic: |b| b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WAVE",
    };
    /// `.mp3`: an `ID3` tag or an MPEG audio frame sync (11 set bits).
    pub const MP3: FileKind = FileKind {
        name: "MP3 audio",
        extensions: &["mp3"],
        content_type: "audio/mpeg",
        magic: |b| b.starts_with(b"ID3") || (b.len() >= 2 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0),
    };
    /// `.m4a` / `.mp4`: an ISO media file (`ftyp` box first).
    pub const MP4_AUDIO: FileKind = FileKind {
        name: "MP4/M4A audio",
        extensions: &["m4a", "mp4"],
        content_type: "audio/mp4",
        magic: |b| b.len() >= 8 && &b[4..8] == b"ftyp",
    };
    /// `.ogg`: `OggS`.
    pub const OGG: FileKind = FileKind {
        name: "Ogg audio",
        extensions: &["ogg"],
        content_type: "audio/ogg",
        magic: |b| b.starts_with(b"OggS"),
    };
    /// `.webm`: an EBML header.
    pub const WEBM: FileKind = FileKind {
        name: "WebM audio",
        extensions: &["webm"],
        content_type: "audio/webm",
        magic: |b| b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
    };
    /// `.flac`: `fLaC`.
    pub const FLAC: FileKind = FileKind {
        name: "FLAC audio",
        extensions: &["flac"],
        content_type: "audio/flac",
        magic: |b| b.starts_with(b"fLaC"),
    };
}

/// What a command accepts: the kinds, the size of each file, and of all of them together.
#[derive(Debug, Clone, Copy)]
pub struct FileRules {
    /// The accepted kinds.
    pub kinds: &'static [FileKind],
    /// The smallest file, in bytes.
    pub min_bytes: u64,
    /// The largest file, in bytes.
    pub max_bytes: u64,
    /// The largest total of all the files of one call, when there is one.
    pub max_total_bytes: Option<u64>,
}

/// Permission to read caller-named files in this run; only [`crate::command::Ctx::file_access`]
/// gives one, and only to a command that declares it in a pack that declares it.
#[derive(Debug, Clone, Copy)]
pub struct FileAccess {
    _granted: (),
}

impl FileAccess {
    /// Called by [`crate::command::Ctx::file_access`] only.
    pub(crate) fn granted() -> Self {
        Self { _granted: () }
    }

    /// Resolves and checks `path` (the argument at JSON pointer `/<field>`) without reading
    /// it: a regular file, of an accepted extension, within the size limits.
    pub fn inspect(self, field: &str, path: &str, rules: &FileRules) -> Result<FileInfo, Error> {
        let basename = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty());
        let shown = Shown {
            basename: basename.clone(),
            field: field.to_owned(),
        };
        let resolved = std::fs::canonicalize(path).map_err(|e| shown.unreadable(&e))?;
        let meta = std::fs::metadata(&resolved).map_err(|e| shown.unreadable(&e))?;
        if !meta.is_file() {
            return Err(shown.not_regular(meta.is_dir()));
        }
        let size = meta.len();
        shown.check_size(size, rules)?;
        let extension = basename
            .as_deref()
            .and_then(|n| Path::new(n).extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let kind = rules
            .kinds
            .iter()
            .find(|k| {
                extension
                    .as_deref()
                    .is_some_and(|e| k.extensions.contains(&e))
            })
            .copied()
            .ok_or_else(|| shown.unsupported(rules))?;
        Ok(FileInfo {
            shown,
            resolved,
            size,
            kind,
            rules: *rules,
        })
    }

    /// Inspects every path of the array argument `field` (`/<field>/<i>`), then checks their
    /// total; nothing is read yet.
    pub fn inspect_all(
        self,
        field: &str,
        paths: &[String],
        rules: &FileRules,
    ) -> Result<Vec<FileInfo>, Error> {
        let infos = paths
            .iter()
            .enumerate()
            .map(|(i, path)| self.inspect(&format!("{field}/{i}"), path, rules))
            .collect::<Result<Vec<_>, _>>()?;
        let total: u64 = infos.iter().map(|f| f.size).sum();
        if let Some(max) = rules.max_total_bytes
            && total > max
        {
            return Err(Error::invalid_field(
                ErrorCode::FileTooLarge,
                field,
                format!(
                    "The files add up to {}; the limit is {} for all files of one call.",
                    describe_size(total),
                    describe_size(max)
                ),
            ));
        }
        Ok(infos)
    }
}

/// How a file is named in errors: its basename and the argument it came from.
#[derive(Debug, Clone)]
struct Shown {
    basename: Option<String>,
    field: String,
}

impl Shown {
    fn name(&self) -> String {
        match &self.basename {
            Some(name) => format!("File \"{name}\" ({})", self.field),
            None => format!("The file at {}", self.field),
        }
    }

    fn error(&self, code: ErrorCode, message: String) -> Error {
        Error::invalid_field(code, &self.field, message)
    }

    /// The cause of an I/O failure, by kind only: an `io::Error`'s text is not shown.
    fn unreadable(&self, e: &std::io::Error) -> Error {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "does not exist",
            std::io::ErrorKind::PermissionDenied => "cannot be read (permission denied)",
            _ => "cannot be read",
        };
        self.error(ErrorCode::FileUnreadable, format!("{} {why}.", self.name()))
    }

    fn not_regular(&self, dir: bool) -> Error {
        let what = if dir {
            "is a directory"
        } else {
            "is not a regular file (a device, FIFO or socket)"
        };
        self.error(
            ErrorCode::FileUnreadable,
            format!("{} {what}; pass a regular file.", self.name()),
        )
    }

    fn check_size(&self, size: u64, rules: &FileRules) -> Result<(), Error> {
        if size < rules.min_bytes {
            let message = if size == 0 {
                format!("{} is empty.", self.name())
            } else {
                format!(
                    "{} is {}; it must be at least {}.",
                    self.name(),
                    describe_size(size),
                    describe_size(rules.min_bytes)
                )
            };
            return Err(self.error(ErrorCode::FileEmpty, message));
        }
        if size > rules.max_bytes {
            return Err(self.error(
                ErrorCode::FileTooLarge,
                format!(
                    "{} is {}; the limit is {} per file.",
                    self.name(),
                    describe_size(size),
                    describe_size(rules.max_bytes)
                ),
            ));
        }
        Ok(())
    }

    /// The file is no longer what was read when it was checked (replaced, resized, rewritten
    /// or gone) when the request reads it again to send it.
    fn changed(&self) -> Error {
        self.error(
            ErrorCode::FileUnreadable,
            format!(
                "{} changed after it was checked; the request was stopped before it was complete.",
                self.name()
            ),
        )
        .with_hint("Nothing different was sent; re-run once the file is no longer being written.")
    }

    fn unsupported(&self, rules: &FileRules) -> Error {
        let accepted: Vec<String> = rules
            .kinds
            .iter()
            .flat_map(|k| k.extensions.iter().map(|e| format!(".{e}")))
            .collect();
        self.error(
            ErrorCode::UnsupportedFileType,
            format!(
                "{} is not of an accepted type; accepted: {}.",
                self.name(),
                accepted.join(", ")
            ),
        )
    }
}

/// A checked file, not read yet. Its `Debug` shows no path.
pub struct FileInfo {
    shown: Shown,
    resolved: PathBuf,
    size: u64,
    kind: FileKind,
    rules: FileRules,
}

impl fmt::Debug for FileInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileInfo")
            .field("basename", &self.shown.basename)
            .field("size", &self.size)
            .field("kind", &self.kind.name)
            .finish_non_exhaustive()
    }
}

impl FileInfo {
    /// The size the metadata gave, in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The content type it will be sent as.
    pub fn content_type(&self) -> &'static str {
        self.kind.content_type
    }

    /// Reads the file once, in pieces of [`CHUNK_BYTES`] (at most one byte past the size
    /// limit): its SHA-256, its size, and its first bytes to confirm its type. Nothing of the
    /// content is kept; the upload reads it again ([`LocalFile::into_part`]).
    pub fn read(self) -> Result<LocalFile, Error> {
        use sha2::Digest as _;
        let shown = &self.shown;
        let mut file = std::fs::File::open(&self.resolved).map_err(|e| shown.unreadable(&e))?;
        // The path may have been replaced since it was inspected: check what was opened.
        let meta = file.metadata().map_err(|e| shown.unreadable(&e))?;
        if !meta.is_file() {
            return Err(shown.not_regular(meta.is_dir()));
        }
        let limit = self.rules.max_bytes.saturating_add(1);
        let mut hasher = sha2::Sha256::new();
        let mut head = [0u8; HEAD_BYTES];
        let mut piece = vec![0u8; CHUNK_BYTES];
        let mut size = 0u64;
        while size < limit {
            let want = usize::try_from(limit - size).map_or(CHUNK_BYTES, |l| l.min(CHUNK_BYTES));
            let read = match file.read(&mut piece[..want]) {
                Ok(0) => break,
                Ok(read) => read,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(shown.unreadable(&e)),
            };
            let piece = &piece[..read];
            if let Some(rest) = usize::try_from(size).ok().and_then(|at| head.get_mut(at..)) {
                let n = rest.len().min(read);
                rest[..n].copy_from_slice(&piece[..n]);
            }
            hasher.update(piece);
            size += read as u64;
        }
        shown.check_size(size, &self.rules)?;
        let head_len = usize::try_from(size).map_or(HEAD_BYTES, |s| s.min(HEAD_BYTES));
        if !(self.kind.magic)(&head[..head_len]) {
            return Err(shown.error(
                ErrorCode::FileTypeMismatch,
                format!(
                    "{} does not contain {} (its first bytes do not match its extension).",
                    shown.name(),
                    self.kind.name
                ),
            ));
        }
        Ok(LocalFile {
            content_type: self.kind.content_type,
            sha256: hex(&hasher.finalize()),
            size,
            resolved: self.resolved,
            shown: self.shown,
        })
    }
}

/// A file checked for an upload: what may be shown of it, and where it is read from when the
/// request is sent. It holds none of its content; its `Debug` shows no path.
pub struct LocalFile {
    shown: Shown,
    resolved: PathBuf,
    content_type: &'static str,
    size: u64,
    sha256: String,
}

impl fmt::Debug for LocalFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalFile")
            .field("basename", &self.shown.basename)
            .field("bytes", &self.size)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// What may be shown of a file: basename, size, content type and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSummary {
    /// The basename (never the path).
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// The content type it is sent as.
    pub content_type: &'static str,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

impl LocalFile {
    fn basename(&self) -> String {
        self.shown
            .basename
            .clone()
            .unwrap_or_else(|| "file".to_owned())
    }

    /// Its basename, size, content type and SHA-256.
    pub fn summary(&self) -> FileSummary {
        FileSummary {
            name: self.basename(),
            bytes: self.size,
            content_type: self.content_type,
            sha256: self.sha256.clone(),
        }
    }

    /// The multipart field `name` carrying this file under its basename. The part holds no
    /// byte of it: each attempt to send reads the file again and stops the request if it is
    /// no longer what was read here ([`crate::http::LocalFilePart`]).
    pub fn into_part(self, name: impl Into<String>) -> FormPart {
        FormPart {
            name: name.into(),
            value: FormValue::LocalFile(LocalFilePart::new(
                self.basename(),
                self.content_type.to_owned(),
                self.size,
                self.sha256,
                self.resolved,
                self.shown.changed(),
            )),
        }
    }
}

/// Inspects every path of the array argument `field`, checks their total, then reads them
/// ([`FileInfo::read`]: digest and type, nothing kept), on a blocking thread (a large file
/// never stalls the runtime's workers).
pub async fn read_all(
    access: FileAccess,
    field: &'static str,
    paths: Vec<String>,
    rules: &'static FileRules,
) -> Result<Vec<LocalFile>, Error> {
    tokio::task::spawn_blocking(move || {
        access
            .inspect_all(field, &paths, rules)?
            .into_iter()
            .map(FileInfo::read)
            .collect()
    })
    .await
    .map_err(|e| Error::internal(format!("reading local files failed: {e}")))?
}

/// Inspects and reads one file (the argument `field`; [`FileInfo::read`]), on a blocking
/// thread.
pub async fn read_one(
    access: FileAccess,
    field: &'static str,
    path: String,
    rules: &'static FileRules,
) -> Result<LocalFile, Error> {
    tokio::task::spawn_blocking(move || access.inspect(field, &path, rules)?.read())
        .await
        .map_err(|e| Error::internal(format!("reading a local file failed: {e}")))?
}

/// A size for people: `512 bytes`, `1.5 KiB`, `10 MiB`.
pub fn describe_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let scaled = |unit: u64, name: &str| {
        let value = bytes as f64 / unit as f64;
        if bytes.is_multiple_of(unit) {
            format!("{} {name}", bytes / unit)
        } else {
            format!("{value:.1} {name}")
        }
    };
    if bytes >= MIB {
        scaled(MIB, "MiB")
    } else if bytes >= KIB {
        scaled(KIB, "KiB")
    } else if bytes == 1 {
        "1 byte".to_owned()
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Ctx;
    use crate::testing::scratch;

    const RULES: FileRules = FileRules {
        kinds: &[kinds::WAV, kinds::MP3, kinds::FLAC],
        min_bytes: 1,
        max_bytes: 64,
        max_total_bytes: Some(100),
    };

    fn wav(extra: &[u8]) -> Vec<u8> {
        let mut bytes = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
        bytes.extend_from_slice(extra);
        bytes
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn access() -> FileAccess {
        FileAccess::granted()
    }

    fn failure(path: &str) -> Error {
        match access()
            .inspect("file", path, &RULES)
            .and_then(FileInfo::read)
        {
            Ok(file) => panic!("accepted: {file:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_regular_file_is_read_with_its_summary() {
        let dir = scratch();
        let content = wav(b"secret-audio-bytes");
        let path = write(&dir, "Voice.WAV", &content);
        let file = access()
            .inspect("file", &path, &RULES)
            .unwrap()
            .read()
            .unwrap();
        let summary = file.summary();
        assert_eq!(summary.name, "Voice.WAV");
        assert_eq!(summary.bytes, content.len() as u64);
        assert_eq!(summary.content_type, "audio/wav");
        assert_eq!(summary.sha256, sha256_hex(&content));
        assert_eq!(summary.sha256.len(), 64);
        let debug = format!("{file:?}");
        assert!(!debug.contains("secret-audio") && !debug.contains(&*dir.to_string_lossy()));
        let part = file.into_part("file0");
        let FormValue::LocalFile(local) = &part.value else {
            panic!("not a local file part: {part:?}");
        };
        assert_eq!(local.filename(), "Voice.WAV");
        assert_eq!(local.content_type(), "audio/wav");
        assert_eq!(local.size(), content.len() as u64);
        assert_eq!(local.sha256(), summary.sha256);
        let debug = format!("{part:?}");
        assert!(!debug.contains("secret-audio") && !debug.contains(&*dir.to_string_lossy()));
    }

    /// Issue 17: an upload costs constant memory. A file larger than every buffer is read in
    /// pieces for its digest, and the part made of it carries its size and digest, not its
    /// content (the part is a few hundred bytes whatever the file; `tests/upload_memory.rs`
    /// measures the process).
    #[test]
    fn a_large_file_is_digested_in_pieces_and_its_part_holds_none_of_it() {
        const BIG: FileRules = FileRules {
            max_bytes: 32 * 1024 * 1024,
            max_total_bytes: None,
            ..RULES
        };
        let dir = scratch();
        // Not a multiple of the piece size, with a different byte in every piece.
        let len = 3 * CHUNK_BYTES + 12_345;
        let mut content = wav(&[]);
        content.extend((content.len()..len).map(|i| (i / 7 % 251) as u8));
        let path = write(&dir, "long.wav", &content);
        let file = access()
            .inspect("file", &path, &BIG)
            .unwrap()
            .read()
            .unwrap();
        assert_eq!(file.summary().bytes, len as u64);
        assert_eq!(file.summary().sha256, sha256_hex(&content));
        // A 20 MiB file (sparse: its content costs no disk either).
        let sparse = dir.join("sparse.wav");
        std::fs::write(&sparse, wav(&[])).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&sparse)
            .unwrap()
            .set_len(20 * 1024 * 1024)
            .unwrap();
        let part = access()
            .inspect("file", &sparse.to_string_lossy(), &BIG)
            .unwrap()
            .read()
            .unwrap()
            .into_part("file0");
        let FormValue::LocalFile(local) = &part.value else {
            panic!("not a local file part: {part:?}");
        };
        assert_eq!(local.size(), 20 * 1024 * 1024);
        assert!(std::mem::size_of_val(local) < 1024, "no buffer inline");
        assert!(format!("{part:?}").len() < 300, "{part:?}");
    }

    #[test]
    fn the_type_is_confirmed_by_the_first_bytes_even_of_a_short_file() {
        let dir = scratch();
        for (name, bytes, ok) in [
            ("short.mp3", &b"ID3"[..], true),
            ("short.wav", &b"RIFF\0\0\0\0WAV"[..], false),
            ("exact.wav", &b"RIFF\0\0\0\0WAVE"[..], true),
        ] {
            let path = write(&dir, name, bytes);
            let read = access()
                .inspect("file", &path, &RULES)
                .and_then(FileInfo::read);
            assert_eq!(read.is_ok(), ok, "{name}: {read:?}");
        }
    }

    #[test]
    fn errors_name_the_basename_and_the_limit_never_the_path() {
        let dir = scratch();
        let folder = dir.to_string_lossy().into_owned();
        let cases = [
            (
                write(&dir, "big.wav", &wav(&[0; 100])),
                ErrorCode::FileTooLarge,
                "64 bytes per file",
            ),
            (write(&dir, "empty.wav", b""), ErrorCode::FileEmpty, "empty"),
            (
                write(&dir, "notes.txt", b"hello"),
                ErrorCode::UnsupportedFileType,
                ".wav, .mp3, .flac",
            ),
            (
                write(&dir, "fake.wav", b"ID3 not a wav at all"),
                ErrorCode::FileTypeMismatch,
                "WAV audio",
            ),
            (
                dir.join("missing.wav").to_string_lossy().into_owned(),
                ErrorCode::FileUnreadable,
                "does not exist",
            ),
            (folder.clone(), ErrorCode::FileUnreadable, "directory"),
        ];
        for (path, code, says) in cases {
            let error = failure(&path);
            assert_eq!(error.code(), code, "{path}: {error:?}");
            assert!(error.message().contains(says), "{}", error.message());
            assert!(!error.message().contains(&folder), "{}", error.message());
            assert_eq!(error.exit_status(), 2, "a bad argument");
            assert_eq!(error.problems()[0].path, "/file");
        }
        assert!(
            failure(&dir.join("big.wav").to_string_lossy())
                .message()
                .contains("\"big.wav\"")
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_and_symlinks_resolved() {
        let error = failure("/dev/null");
        assert_eq!(error.code(), ErrorCode::FileUnreadable);
        assert!(error.message().contains("not a regular file"), "{error:?}");
        let dir = scratch();
        let target = write(&dir, "target.mp3", b"ID3\x04rest");
        let link = dir.join("link.mp3");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let file = access()
            .inspect("file", &link.to_string_lossy(), &RULES)
            .unwrap()
            .read()
            .unwrap();
        assert_eq!(file.summary().name, "link.mp3", "the name the caller gave");
        assert_eq!(file.summary().content_type, "audio/mpeg");
        let dangling = dir.join("dangling.wav");
        std::os::unix::fs::symlink(dir.join("nowhere.wav"), &dangling).unwrap();
        assert_eq!(
            failure(&dangling.to_string_lossy()).code(),
            ErrorCode::FileUnreadable
        );
    }

    #[test]
    fn the_total_is_checked_before_anything_is_read() {
        let dir = scratch();
        let paths: Vec<String> = (0..2)
            .map(|i| write(&dir, &format!("{i}.wav"), &wav(&[0; 40])))
            .collect();
        let error = access().inspect_all("files", &paths, &RULES).unwrap_err();
        assert_eq!(error.code(), ErrorCode::FileTooLarge);
        assert!(
            error.message().contains("100 bytes for all files"),
            "{error:?}"
        );
        assert_eq!(error.problems()[0].path, "/files");
        let error = access()
            .inspect_all("files", &[paths[0].clone(), "/nope/x.wav".into()], &RULES)
            .unwrap_err();
        assert_eq!(error.problems()[0].path, "/files/1");
    }

    #[test]
    fn magic_bytes_identify_each_kind() {
        use kinds::*;
        let cases: [(FileKind, &[u8]); 7] = [
            (WAV, b"RIFF\0\0\0\0WAVE"),
            (MP3, b"ID3\x04"),
            (MP3, &[0xFF, 0xFB, 0x90]),
            (MP4_AUDIO, b"\0\0\0\x20ftypM4A "),
            (OGG, b"OggS\0"),
            (WEBM, &[0x1A, 0x45, 0xDF, 0xA3, 0x01]),
            (FLAC, b"fLaC\0"),
        ];
        for (kind, bytes) in cases {
            assert!((kind.magic)(bytes), "{}", kind.name);
            assert!(!(kind.magic)(b"plain text here"), "{}", kind.name);
        }
        assert!(!(WAV.magic)(b"RIFF\0\0\0\0AVI "));
        assert!(!(MP3.magic)(&[0xFF, 0x00]));
    }

    #[tokio::test]
    async fn only_a_declaring_command_of_a_declaring_pack_may_read_files() {
        use crate::config::Config;
        use crate::runtime::Runtime;
        use crate::secrets::EnvSecrets;
        use crate::testing::{FILES_CLOSED, FILES_OPEN};
        for (pack, id, granted) in [
            (&FILES_OPEN, "demo.files.peek", true),
            (&FILES_OPEN, "demo.files.nosy", false),
            (&FILES_CLOSED, "demo.files.peek", false),
        ] {
            let runtime = Runtime::new(
                pack,
                Config::from_lookup(pack, |_| None),
                EnvSecrets::from_pairs(Vec::<(String, String)>::new()),
            );
            let answer = runtime
                .run(id, serde_json::json!({}), false)
                .await
                .to_json();
            if granted {
                assert_eq!(
                    answer["result"]["granted"],
                    serde_json::json!(true),
                    "{answer}"
                );
            } else {
                assert_eq!(
                    answer["error"]["code"],
                    serde_json::json!("INTERNAL"),
                    "{id}: {answer}"
                );
            }
        }
        let error = Ctx::new(
            &Config::from_lookup(&FILES_OPEN, |_| None),
            &crate::http::Transport::new(),
            crate::secrets::Secrets::default(),
            crate::gate::Gate::new(false, false),
        )
        .file_access()
        .unwrap_err();
        assert_eq!(
            error.code(),
            ErrorCode::Internal,
            "a context grants nothing by default"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(describe_size(1), "1 byte");
        assert_eq!(describe_size(512), "512 bytes");
        assert_eq!(describe_size(10 * 1024 * 1024), "10 MiB");
        assert_eq!(describe_size(1536), "1.5 KiB");
        assert_eq!(describe_size(26_148_864), "24.9 MiB");
    }
}
