//! File parts that stream from disk: a local file checked by [`crate::files`] is sent by
//! reading it again, in pieces of [`CHUNK_BYTES`], on every attempt, so an upload costs the
//! same memory whatever the file's size.
//!
//! What was checked is what is sent. When the form is built for an attempt, the file must
//! still be a regular file of the size it had; while it streams, its bytes are counted and
//! hashed, and its last piece is handed over only once the SHA-256 matches the one shown in
//! the result and the preview. A file that shrank, grew, changed or vanished since it was
//! checked stops the request before the server has all of it, and the attempt fails with the
//! error its checker prepared (`FILE_UNREADABLE`, naming the basename), never retried.

use std::fmt;
use std::path::PathBuf;

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use reqwest::multipart;
use sha2::Digest as _;
use tokio::io::AsyncReadExt as _;

use crate::error::Error;

/// The size of the pieces a file is read and sent in.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// A multipart file part whose content is a local file, read when the request is sent. It
/// holds what may be shown (file name, content type, size, SHA-256) and where to read from;
/// never a byte of the content. Its `Debug` shows no path.
#[derive(Clone)]
pub struct LocalFilePart {
    filename: String,
    content_type: String,
    size: u64,
    sha256: String,
    path: PathBuf,
    changed: Error,
}

impl fmt::Debug for LocalFilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalFilePart")
            .field("filename", &self.filename)
            .field("size", &self.size)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl LocalFilePart {
    /// A part for the file at `path` as it was checked: `size` bytes whose SHA-256 is `sha256`
    /// (lower-case hex). `changed` is the error to report when the file is no longer that.
    /// Made by [`crate::files::LocalFile::into_part`], for a file read with permission.
    pub(crate) fn new(
        filename: String,
        content_type: String,
        size: u64,
        sha256: String,
        path: PathBuf,
        changed: Error,
    ) -> Self {
        Self {
            filename,
            content_type,
            size,
            sha256,
            path,
            changed,
        }
    }

    /// The file name sent in the part's disposition.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The part's MIME type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The size of the content, in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// SHA-256 of the content, lower-case hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The part for one attempt. The file must still be a regular file of its size (else the
    /// attempt fails now, before anything is sent); it is opened only when the form reaches
    /// this part, so a form of many files holds one open file at a time.
    pub(crate) async fn to_part(&self) -> Result<multipart::Part, Error> {
        match tokio::fs::metadata(&self.path).await {
            Ok(meta) if meta.is_file() && meta.len() == self.size => {}
            _ => return Err(self.changed.clone()),
        }
        let part = || {
            multipart::Part::stream_with_length(
                reqwest::Body::wrap_stream(self.clone().stream()),
                self.size,
            )
            .file_name(self.filename.clone())
        };
        // An unparsable MIME type falls back to octet-stream rather than failing the call.
        Ok(part()
            .mime_str(&self.content_type)
            .unwrap_or_else(|_| part()))
    }

    /// The content, read piece by piece and checked against the size and digest.
    fn stream(self) -> impl Stream<Item = Result<Bytes, UploadStopped>> + Send + 'static {
        futures_util::stream::try_unfold(Step::Open(self), |step| async move {
            let mut reading = match step {
                Step::Open(part) => Box::new(Reading::open(part).await?),
                Step::Read(reading) => reading,
                Step::Done => return Ok(None),
            };
            if reading.left == 0 {
                reading.finish()?;
                return Ok(None);
            }
            let piece = reading.next_piece().await?;
            if reading.left == 0 {
                // The last piece goes out only with a matching digest: a server never holds
                // the whole of something else.
                reading.finish()?;
                return Ok(Some((piece, Step::Done)));
            }
            Ok(Some((piece, Step::Read(reading))))
        })
    }
}

/// Where a streamed part is.
enum Step {
    Open(LocalFilePart),
    Read(Box<Reading>),
    Done,
}

/// An open file being sent: what is left of it and the digest so far.
struct Reading {
    file: tokio::fs::File,
    hasher: sha2::Sha256,
    left: u64,
    part: LocalFilePart,
}

impl Reading {
    async fn open(part: LocalFilePart) -> Result<Self, UploadStopped> {
        let stopped = || UploadStopped(part.changed.clone());
        let file = tokio::fs::File::open(&part.path)
            .await
            .map_err(|_| stopped())?;
        // The path may have been replaced since the form was built: check what was opened.
        match file.metadata().await {
            Ok(meta) if meta.is_file() && meta.len() == part.size => {}
            _ => return Err(stopped()),
        }
        Ok(Self {
            file,
            hasher: sha2::Sha256::new(),
            left: part.size,
            part,
        })
    }

    /// The next piece, at most [`CHUNK_BYTES`] and never past the size that was checked.
    async fn next_piece(&mut self) -> Result<Bytes, UploadStopped> {
        let want = usize::try_from(self.left).map_or(CHUNK_BYTES, |left| left.min(CHUNK_BYTES));
        let mut piece = BytesMut::with_capacity(want);
        let read = self
            .file
            .read_buf(&mut piece)
            .await
            .map_err(|_| self.stopped())?;
        if read == 0 {
            // The file ended early: it shrank while being sent.
            return Err(self.stopped());
        }
        piece.truncate(want);
        self.hasher.update(&piece);
        self.left -= piece.len() as u64;
        Ok(piece.freeze())
    }

    /// Whether what was read is what was checked.
    fn finish(&mut self) -> Result<(), UploadStopped> {
        let digest = std::mem::take(&mut self.hasher).finalize();
        if hex(&digest) == self.part.sha256 {
            Ok(())
        } else {
            Err(self.stopped())
        }
    }

    fn stopped(&self) -> UploadStopped {
        UploadStopped(self.part.changed.clone())
    }
}

/// Why a streamed part stopped its request: the file's error, carried through reqwest and
/// hyper as the body's error and found again by [`stopped_upload`].
#[derive(Debug)]
struct UploadStopped(Error);

impl fmt::Display for UploadStopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "upload stopped: {}", self.0)
    }
}

impl std::error::Error for UploadStopped {}

/// The file's error when `error` (a failed attempt) is a request whose streamed part stopped
/// it; `None` for every other failure.
pub(crate) fn stopped_upload(error: &reqwest::Error) -> Option<Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(err) = source {
        if let Some(stopped) = err.downcast_ref::<UploadStopped>() {
            return Some(stopped.0.clone());
        }
        source = err.source();
    }
    None
}

/// SHA-256 of `bytes`, lower-case hex: how previews and results name a file's content.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// `bytes` as lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::files::{FileAccess, FileRules, LocalFile, kinds};
    use crate::http::{ApiRequest, FormPart, HttpSettings, ServiceClient, Transport};
    use crate::testing::{DEMO_API, scratch};
    use crate::vocab::Effect;
    use std::path::Path;
    use std::time::Duration;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const RULES: FileRules = FileRules {
        kinds: &[kinds::WAV],
        min_bytes: 1,
        max_bytes: 1024 * 1024,
        max_total_bytes: None,
    };

    static TRANSPORT: std::sync::LazyLock<Transport> = std::sync::LazyLock::new(Transport::new);

    /// A WAV file of `len` bytes spanning several pieces, its content depending on `seed`.
    fn wav(len: usize, seed: u8) -> Vec<u8> {
        let mut bytes = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
        bytes.extend((bytes.len()..len).map(|i| (i % 251) as u8 ^ seed));
        bytes
    }

    fn checked(path: &Path) -> LocalFile {
        FileAccess::granted()
            .inspect("files/0", &path.to_string_lossy(), &RULES)
            .unwrap()
            .read()
            .unwrap()
    }

    fn upload(file: LocalFile) -> ApiRequest {
        ApiRequest::post(&["upload"], Effect::Paid).multipart(vec![
            FormPart {
                name: "name".into(),
                value: crate::http::FormValue::Text("n".into()),
            },
            file.into_part("file0"),
        ])
    }

    fn client(server: &MockServer) -> ServiceClient<'static> {
        ServiceClient::new(
            DEMO_API,
            reqwest::Url::parse(&server.uri()).unwrap(),
            &TRANSPORT,
            crate::http::Auth::None,
            HttpSettings {
                timeout: Duration::from_secs(10),
                max_retries: 2,
                retry_backoff: Duration::from_millis(25),
                ..HttpSettings::default()
            },
        )
    }

    /// The bytes between the part's headers and the closing boundary.
    fn sent_content(body: &[u8]) -> &[u8] {
        let start = body
            .windows(4)
            .rposition(|w| w == b"\r\n\r\n")
            .map(|p| p + 4)
            .unwrap();
        let end = body.windows(4).rposition(|w| w == b"\r\n--").unwrap();
        &body[start..end]
    }

    #[tokio::test]
    async fn each_attempt_streams_the_whole_file_again() {
        let dir = scratch();
        let content = wav(3 * CHUNK_BYTES + 777, 0);
        let path = dir.0.join("voice.wav");
        std::fs::write(&path, &content).unwrap();
        let server = MockServer::start().await;
        // A 429 was not processed: even a paid upload is sent again, with its file read again.
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_string("{}"))
            .mount(&server)
            .await;
        client(&server).send(&upload(checked(&path))).await.unwrap();
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 2);
        for request in &received {
            assert_eq!(sent_content(&request.body), content.as_slice());
            assert_eq!(
                request.headers["content-length"],
                request.body.len().to_string().as_str(),
                "the length is known up front"
            );
            let needle = b"name=\"file0\"; filename=\"voice.wav\"\r\nContent-Type: audio/wav";
            assert!(
                request.body.windows(needle.len()).any(|w| w == needle),
                "{}",
                String::from_utf8_lossy(&request.body[..300])
            );
        }
    }

    #[tokio::test]
    async fn a_file_that_changed_after_its_check_is_never_sent_whole() {
        let dir = scratch();
        let content = wav(2 * CHUNK_BYTES + 5, 0);
        type Change = fn(&Path);
        let cases: [(&str, Change); 3] = [
            // Same size, other bytes: only the digest tells, at the last piece.
            ("rewritten.wav", |p| {
                std::fs::write(p, wav(2 * CHUNK_BYTES + 5, 1)).unwrap()
            }),
            ("grown.wav", |p| {
                let mut more = wav(2 * CHUNK_BYTES + 5, 0);
                more.push(0);
                std::fs::write(p, more).unwrap();
            }),
            ("gone.wav", |p| std::fs::remove_file(p).unwrap()),
        ];
        for (name, change) in cases {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(201).set_body_string("{}"))
                .mount(&server)
                .await;
            let path = dir.0.join(name);
            std::fs::write(&path, &content).unwrap();
            let request = upload(checked(&path));
            change(&path);
            let error = client(&server).send(&request).await.unwrap_err();
            assert_eq!(error.code(), ErrorCode::FileUnreadable, "{name}: {error:?}");
            assert!(
                error.message().contains(&format!("\"{name}\""))
                    && error.message().contains("changed after it was checked"),
                "{error:?}"
            );
            assert!(!error.message().contains(&*dir.0.to_string_lossy()));
            assert_eq!(error.problems()[0].path, "/files/0");
            assert!(!error.retriable());
            assert!(
                server.received_requests().await.unwrap().is_empty(),
                "{name}: the server has no complete request"
            );
        }
    }

    #[tokio::test]
    async fn the_digest_stops_the_body_before_its_last_piece() {
        let dir = scratch();
        let content = wav(2 * CHUNK_BYTES + 5, 0);
        let path = dir.0.join("a.wav");
        std::fs::write(&path, &content).unwrap();
        let FormValue::LocalFile(part) = checked(&path).into_part("f").value else {
            panic!("not a local file part");
        };
        std::fs::write(&path, wav(content.len(), 9)).unwrap();
        let mut stream = std::pin::pin!(part.stream());
        let mut sent = 0;
        let error = loop {
            match futures_util::StreamExt::next(&mut stream).await {
                Some(Ok(piece)) => sent += piece.len(),
                Some(Err(stopped)) => break stopped.0,
                None => panic!("the whole file went out"),
            }
        };
        assert_eq!(sent, 2 * CHUNK_BYTES, "all but the last piece");
        assert_eq!(error.code(), ErrorCode::FileUnreadable);
    }

    use crate::http::FormValue;
}
