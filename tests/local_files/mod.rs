//! Real files for the examples of commands that read local files (`elizacloud.voice.clone`,
//! `elizacloud.voice.transcribe`): their published examples name paths on the user's machine,
//! so suites that run every command on its example (the registry's dry-runs, the fault
//! matrix, the canaries) put a small valid sample of the same type in a scratch folder and
//! pass its path instead. A command that declares it reads files but whose example names none
//! fails here, so no such command is skipped silently.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;
use skill_runtime::DynCommand;

/// The first bytes of a valid file of each extension.
fn magic(extension: &str) -> Option<&'static [u8]> {
    Some(match extension {
        "wav" => b"RIFF\x24\x00\x00\x00WAVEfmt ",
        "mp3" => b"ID3\x04\x00\x00\x00\x00\x00\x00",
        "m4a" | "mp4" => b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00",
        "ogg" => b"OggS\x00\x02\x00\x00",
        "webm" => b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81",
        "flac" => b"fLaC\x00\x00\x00\x22",
        _ => return None,
    })
}

/// The scratch folder of this test process.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("theta-skill-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    })
}

/// A sample file for `path`'s extension (kept under `path`'s basename), or `None` when the
/// string is not an absolute path of a known type. Each is written once per process: cases
/// running side by side read it while others ask for it.
fn sample_for(path: &str) -> Option<String> {
    static WRITTEN: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    if !path.starts_with('/') {
        return None;
    }
    let name = std::path::Path::new(path)
        .file_name()?
        .to_string_lossy()
        .into_owned();
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    let magic = magic(&extension)?;
    let mut written = WRITTEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let sample = written.entry(name.clone()).or_insert_with(|| {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&[0x55; 256]);
        let sample = folder().join(&name);
        std::fs::write(&sample, bytes).expect("a sample file");
        sample.to_string_lossy().into_owned()
    });
    Some(sample.clone())
}

fn substitute(value: &mut Value, made: &mut usize) {
    match value {
        Value::String(text) => {
            if let Some(sample) = sample_for(text) {
                *text = sample;
                *made += 1;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, made)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, made)),
        _ => {}
    }
}

/// `command`'s example, with every local file it names replaced by a real sample.
pub fn runnable_example(command: &dyn DynCommand) -> Value {
    let mut args = command.example();
    if command.reads_local_files() {
        let mut made = 0;
        substitute(&mut args, &mut made);
        assert!(
            made > 0,
            "{} reads local files, but its example names none",
            command.id()
        );
    }
    args
}
