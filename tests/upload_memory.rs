//! Issue 17: an upload costs constant memory. `elizacloud.voice.clone` with ten files of
//! [`FILE_MIB`] each is previewed in dry-run and sent to a local sink, and the process's peak
//! resident memory must grow by less than one file: the files are read in pieces to be
//! checked and again to be sent, never held. (Reading them whole, as before, grew it by
//! about ten files for the preview and twenty for the run; `bench/uploads.py` measures the
//! release binary with ten 10 MiB files, the most a clone takes.)
//!
//! Linux only (the peak comes from `/proc/self/status`), and alone in its test binary so no
//! other test's memory counts.

#![cfg(target_os = "linux")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod elizacloud_fake;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use elizacloud_fake::{Env, KEY, ok};

const MIB: u64 = 1024 * 1024;

/// The size of each file: large against the pieces (64 KiB) and the check's margin, small
/// enough that an unoptimised test build digests the 40 MiB three times in a few seconds.
const FILE_MIB: u64 = 4;

/// Ten WAV files of [`FILE_MIB`], sparse (their content costs no disk), in a scratch folder removed
/// when dropped.
struct Recordings(PathBuf);

impl Drop for Recordings {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Recordings {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("upload-memory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..10 {
            let path = dir.join(format!("take-{i}.wav"));
            std::fs::write(&path, b"RIFF\x24\x00\x00\x00WAVEfmt ").unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(FILE_MIB * MIB)
                .unwrap();
        }
        Self(dir)
    }

    fn paths(&self) -> Vec<String> {
        (0..10)
            .map(|i| {
                self.0
                    .join(format!("take-{i}.wav"))
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }
}

/// A raw HTTP server on 127.0.0.1 that reads each request's body in small pieces, counts it
/// and answers like a finished clone; it holds no body, so only the client's memory grows.
async fn sink() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&received);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut socket = BufReader::new(socket);
                let mut length = 0u64;
                loop {
                    let mut line = String::new();
                    if socket.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap();
                    }
                }
                let mut piece = vec![0u8; 64 * 1024];
                let mut left = length;
                while left > 0 {
                    let n = socket.read(&mut piece).await.unwrap();
                    assert!(n > 0, "the body ended early");
                    left = left.saturating_sub(n as u64);
                }
                counter.fetch_add(length, Ordering::SeqCst);
                let body =
                    json!({"success": true, "voice": {"id": "voice_1"}, "creditsDeducted": 0.504})
                        .to_string();
                let answer = format!(
                    "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.get_mut().write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, received)
}

/// This process's peak resident memory, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    kib * 1024
}

/// Starts the peak over from the current resident memory (Linux 4.0+; where refused, the
/// peak since start is the baseline, which only makes the check stricter).
fn reset_peak() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    peak_rss()
}

fn clone_args(files: &[String]) -> Value {
    json!({"speakerConsent": true, "name": "Narrator", "cloneType": "instant", "files": files})
}

#[tokio::test]
async fn a_clone_of_ten_large_files_costs_constant_memory() {
    let recordings = Recordings::new();
    let files = recordings.paths();
    let (url, received) = sink().await;
    let env = Env::new()
        .set("ELIZACLOUD_BASE_URL", &url)
        .set("ELIZACLOUD_API_KEY", KEY);
    // Warm up: the runtime, the HTTP client and the allocator's first arenas.
    ok(&env
        .run("elizacloud.voice.clone", clone_args(&files[..1]))
        .await);
    let baseline = reset_peak();

    let preview = env
        .dry_run("elizacloud.voice.clone", clone_args(&files))
        .await;
    let shown = &ok(&preview)["requests"][0]["body"]["multipart"];
    assert_eq!(shown["file9"]["bytes"], json!(FILE_MIB * MIB));
    let after_preview = peak_rss();

    let before = received.load(Ordering::SeqCst);
    let answer = env.run("elizacloud.voice.clone", clone_args(&files)).await;
    assert_eq!(ok(&answer)["files"][9]["bytes"], json!(FILE_MIB * MIB));
    assert!(
        received.load(Ordering::SeqCst) - before > 10 * FILE_MIB * MIB,
        "the whole form went out"
    );
    let after_run = peak_rss();

    let grew = |peak: u64| peak.saturating_sub(baseline) / MIB;
    eprintln!(
        "peak RSS grew by {} MiB for the preview and {} MiB for the run (baseline {} MiB)",
        grew(after_preview),
        grew(after_run),
        baseline / MIB
    );
    // Less than one of the files: nothing is held whole.
    assert!(
        grew(after_preview) < FILE_MIB,
        "preview: +{} MiB",
        grew(after_preview)
    );
    assert!(grew(after_run) < FILE_MIB, "run: +{} MiB", grew(after_run));
}
