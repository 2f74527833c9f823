//! Where releases live and what one holds: the one place every generated file takes its
//! repository URL, npm names and versions from, the platforms a release ships, and the
//! OpenClaw install specs of a skill.
//!
//! The repository URL is `Cargo.toml`'s `[workspace.package] repository`; the npm scope is
//! `[package.metadata.release] npm-scope` (read by `build.rs`); the version is the crate's. A
//! publisher who forks points both at their own repository and scope, and every SKILL.md,
//! plugin manifest, npm package and download URL follows.
//!
//! A release is built by cargo-dist (`dist-workspace.toml`): one release per binary (each is
//! its own package under `bins/`), one archive per target holding that binary, with a
//! `.sha256` file each, and `dist-manifest.json` describing them all.
//! [`read_manifest`] turns that manifest into [`Download`]s, each with its checksum; a skill's
//! install specs ([`install_specs`]) are an npm package (OpenClaw's `node` installer) and,
//! when the release is known, one `download` per platform with its `sha256`.
//!
//! The committed `skill/` and `dist/` are generated without a manifest: they carry the `node`
//! spec and no `download` spec, because the archives (and so their checksums) do not exist
//! before the release is built, and a `download` without `sha256` would install unverified
//! bytes. The release workflow regenerates the published bundle with
//! `bundle --release-manifest dist-manifest.json`, which adds the downloads with their real
//! checksums and refuses a manifest of another version, repository or without checksums.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::pack::Pack;

/// The repository releases are published from (`Cargo.toml` `[package] repository`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The npm scope every npm package is published under (`[package.metadata.release]`).
pub const NPM_SCOPE: &str = env!("SKILL_RUNTIME_NPM_SCOPE");

/// The crate's version: of the binaries, the skills, the plugin and every npm package.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit the binary was built from (12 hex digits), when the build knew it.
pub const COMMIT: Option<&str> = option_env!("SKILL_RUNTIME_COMMIT");

/// What `--version` prints after the binary's name: the version and the commit.
pub const VERSION_LINE: &str = env!("SKILL_RUNTIME_VERSION_LINE");

/// The release tag of this version (`v0.1.0`).
pub fn tag() -> String {
    format!("v{VERSION}")
}

/// The URL of a file attached to this version's release.
pub fn download_url(file: &str) -> String {
    format!(
        "{}/releases/download/{}/{file}",
        REPOSITORY.trim_end_matches('/'),
        tag()
    )
}

/// `@scope/name`: an npm package name under the release scope.
pub fn npm_name(name: &str) -> String {
    format!("{NPM_SCOPE}/{name}")
}

/// An operating system and CPU a release ships binaries for, named as Node names them
/// (`process.platform`, `process.arch`), which is also how npm's `os`/`cpu` fields and
/// OpenClaw's install-spec `os` filter name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Platform {
    /// `linux`, `darwin` or `win32`.
    pub os: &'static str,
    /// `x64` or `arm64`.
    pub cpu: &'static str,
}

impl Platform {
    /// `linux-x64`: the suffix of the platform's npm package.
    pub fn id(self) -> String {
        format!("{}-{}", self.os, self.cpu)
    }

    /// `Linux x86_64`, for people.
    pub fn label(self) -> String {
        let os = match self.os {
            "darwin" => "macOS",
            "win32" => "Windows",
            _ => "Linux",
        };
        let cpu = if self.cpu == "arm64" {
            "arm64"
        } else {
            "x86_64"
        };
        format!("{os} {cpu}")
    }

    /// The binary's file name on this platform.
    pub fn executable(self, binary: &str) -> String {
        if self.os == "win32" {
            format!("{binary}.exe")
        } else {
            binary.to_owned()
        }
    }

    /// The platform a Rust target triple builds for, if a release can ship it.
    pub fn of_target(target: &str) -> Option<Platform> {
        let cpu = match target.split('-').next()? {
            "x86_64" => "x64",
            "aarch64" => "arm64",
            _ => return None,
        };
        let os = if target.contains("-linux-") {
            "linux"
        } else if target.contains("-apple-darwin") {
            "darwin"
        } else if target.contains("-windows-") {
            "win32"
        } else {
            return None;
        };
        Some(Platform { os, cpu })
    }
}

/// The platforms every release ships (the targets of `dist-workspace.toml`): static musl
/// Linux, macOS and Windows.
pub const PLATFORMS: &[Platform] = &[
    Platform {
        os: "linux",
        cpu: "x64",
    },
    Platform {
        os: "linux",
        cpu: "arm64",
    },
    Platform {
        os: "darwin",
        cpu: "x64",
    },
    Platform {
        os: "darwin",
        cpu: "arm64",
    },
    Platform {
        os: "win32",
        cpu: "x64",
    },
];

/// How a release archive is packed (the two formats OpenClaw's `download` installer and
/// cargo-dist share).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// `.tar.gz`, with one top-level folder (cargo-dist's layout).
    TarGz,
    /// `.zip`, with the files at its root (cargo-dist's layout).
    Zip,
}

impl ArchiveFormat {
    fn of(name: &str) -> Option<Self> {
        if name.ends_with(".tar.gz") {
            Some(Self::TarGz)
        } else if name.ends_with(".zip") {
            Some(Self::Zip)
        } else {
            None
        }
    }

    /// The `archive` value of an OpenClaw install spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TarGz => "tar.gz",
            Self::Zip => "zip",
        }
    }
}

/// One release archive, as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The Rust target it was built for.
    pub target: String,
    /// The platform it runs on.
    pub platform: Platform,
    /// The archive's file name.
    pub name: String,
    /// Where the release serves it.
    pub url: String,
    /// Its SHA-256, 64 lowercase hex digits.
    pub sha256: String,
    /// How it is packed.
    pub format: ArchiveFormat,
    /// The executables it holds, by file name (`acme-skill`, `acme-skill.exe`).
    pub executables: Vec<String>,
}

/// Why a release manifest cannot describe this version's downloads.
#[derive(Debug)]
pub enum ReleaseError {
    /// The manifest could not be read.
    ///
    /// Resolution: pass the `dist-manifest.json` that `dist build` wrote (under
    /// `target/distrib/`), or the one the release workflow merged.
    Unreadable(PathBuf, std::io::Error),
    /// The manifest is not the JSON cargo-dist writes.
    ///
    /// Resolution: pass the `dist-manifest.json` of a cargo-dist build, unedited.
    Malformed(String),
    /// The manifest describes another application or version than this binary's.
    ///
    /// Resolution: build the release from the same commit as the binary that bundles it
    /// (`dist build`, then this binary's `bundle --release-manifest`).
    OtherRelease(String),
    /// The manifest's GitHub hosting names another repository than `Cargo.toml`.
    ///
    /// Resolution: set `[package] repository` to the repository the release is published
    /// from; it is the one place download URLs come from.
    OtherRepository {
        /// The URL the manifest gives.
        manifest: String,
        /// The URL this binary derives.
        expected: String,
    },
    /// An archive has no SHA-256 in the manifest nor in its `.sha256` file, or they disagree.
    ///
    /// Resolution: keep `checksum = "sha256"` in `dist-workspace.toml` and pass the manifest
    /// from the folder that holds the archives and their `.sha256` files.
    Checksum(String),
    /// The manifest lists no archive holding this binary.
    ///
    /// Resolution: build at least one target (`dist build --artifacts=local`).
    NoArchive(String),
}

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(path, e) => write!(f, "{}: {e}", path.display()),
            Self::Malformed(why) => write!(f, "not a cargo-dist manifest: {why}"),
            Self::OtherRelease(why) => write!(f, "the manifest is of another release: {why}"),
            Self::OtherRepository { manifest, expected } => write!(
                f,
                "the manifest's release is hosted at {manifest}, but Cargo.toml's repository gives {expected}"
            ),
            Self::Checksum(why) => write!(f, "checksum: {why}"),
            Self::NoArchive(binary) => write!(f, "no archive in the manifest holds {binary}"),
        }
    }
}

impl std::error::Error for ReleaseError {}

/// The archives of `binary`'s release of this version that `dist-manifest.json` at `path`
/// lists, each
/// with its SHA-256 (from the manifest, or the `.sha256` file beside it; both must agree when
/// both exist). Only archives for a platform a release can ship are kept.
pub fn read_manifest(path: &Path, binary: &str) -> Result<Vec<Download>, ReleaseError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ReleaseError::Unreadable(path.into(), e))?;
    let manifest: Value =
        serde_json::from_str(&text).map_err(|e| ReleaseError::Malformed(e.to_string()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    downloads(&manifest, dir, binary)
}

fn downloads(manifest: &Value, dir: &Path, binary: &str) -> Result<Vec<Download>, ReleaseError> {
    let releases = manifest["releases"]
        .as_array()
        .ok_or_else(|| ReleaseError::Malformed("no `releases`".into()))?;
    let release = releases
        .iter()
        .find(|r| r["app_name"] == json!(binary))
        .ok_or_else(|| ReleaseError::OtherRelease(format!("no release of {binary}")))?;
    if release["app_version"] != json!(VERSION) {
        return Err(ReleaseError::OtherRelease(format!(
            "version {}, this binary is {VERSION}",
            release["app_version"]
        )));
    }
    if let Some(github) = release["hosting"]["github"].as_object() {
        let hosted = format!(
            "{}{}",
            github
                .get("artifact_base_url")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            github
                .get("artifact_download_path")
                .and_then(Value::as_str)
                .unwrap_or_default()
        );
        let expected = download_url("");
        if hosted.trim_end_matches('/') != expected.trim_end_matches('/') {
            return Err(ReleaseError::OtherRepository {
                manifest: hosted,
                expected,
            });
        }
    }
    let mut out = Vec::new();
    for id in release["artifacts"].as_array().into_iter().flatten() {
        let Some(name) = id.as_str() else { continue };
        let artifact = &manifest["artifacts"][name];
        if artifact["kind"] != json!("executable-zip") {
            continue;
        }
        let Some(format) = ArchiveFormat::of(name) else {
            continue;
        };
        let Some((target, platform)) = artifact["target_triples"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find_map(|t| Platform::of_target(t).map(|p| (t.to_owned(), p)))
        else {
            continue;
        };
        let executables = artifact["assets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|asset| asset["kind"] == json!("executable"))
            .filter_map(|asset| asset["name"].as_str().map(str::to_owned))
            .collect();
        out.push(Download {
            target,
            platform,
            name: name.to_owned(),
            url: download_url(name),
            sha256: checksum(name, artifact, dir)?,
            format,
            executables,
        });
    }
    out.sort_by(|a, b| (a.platform, &a.target).cmp(&(b.platform, &b.target)));
    Ok(out)
}

/// An archive's SHA-256: the manifest's `checksums.sha256`, the `<name>.sha256` file beside
/// the manifest, or both when they agree.
fn checksum(name: &str, artifact: &Value, dir: &Path) -> Result<String, ReleaseError> {
    let listed = artifact["checksums"]["sha256"].as_str().map(str::to_owned);
    let file = std::fs::read_to_string(dir.join(format!("{name}.sha256")))
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned));
    let sha = match (listed, file) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(&b) => {
            return Err(ReleaseError::Checksum(format!(
                "{name}: the manifest says {a}, {name}.sha256 says {b}"
            )));
        }
        (Some(sha), _) | (None, Some(sha)) => sha.to_ascii_lowercase(),
        (None, None) => {
            return Err(ReleaseError::Checksum(format!(
                "{name} has no SHA-256 in the manifest and no {name}.sha256 beside it"
            )));
        }
    };
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ReleaseError::Checksum(format!(
            "{name}: {sha:?} is not a SHA-256"
        )));
    }
    Ok(sha)
}

/// The archives among `downloads` that hold `binary` (for its platform).
pub fn downloads_of<'a>(
    binary: &'a str,
    downloads: &'a [Download],
) -> impl Iterator<Item = &'a Download> + 'a {
    downloads
        .iter()
        .filter(move |d| d.executables.contains(&d.platform.executable(binary)))
}

/// `metadata.openclaw.install` of a pack's skill: its npm package first (OpenClaw prefers the
/// `node` installer to `download`, and installs it with lifecycle scripts disabled, which the
/// package does not need), then one `download` per archive of the release that holds the
/// binary, each with its `sha256`.
pub fn install_specs(pack: &Pack, downloads: &[Download]) -> Vec<Value> {
    let binary = pack.binary;
    let mut specs = vec![json!({
        "id": "node",
        "kind": "node",
        "label": format!("Install {binary} {VERSION} (npm, prebuilt binary)"),
        "package": format!("{}@{VERSION}", npm_name(binary)),
        "bins": [binary],
    })];
    for download in downloads_of(binary, downloads) {
        let mut spec = json!({
            "id": format!("download-{}", download.platform.id()),
            "kind": "download",
            "label": format!("Download {binary} {VERSION} ({})", download.platform.label()),
            "os": [download.platform.os],
            "url": download.url,
            "sha256": download.sha256,
            "archive": download.format.as_str(),
            "extract": true,
            "bins": [binary],
        });
        if download.format == ArchiveFormat::TarGz {
            // cargo-dist's tarballs hold one folder; the binary lands in the tools folder itself.
            spec["stripComponents"] = json!(1);
        }
        specs.push(spec);
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{DEMO, scratch};

    fn manifest(version: &str, sha: Option<&str>) -> Value {
        let mut checksums = json!({});
        if let Some(sha) = sha {
            checksums["sha256"] = json!(sha);
        }
        json!({
            "releases": [{
                "app_name": "demo-skill",
                "app_version": version,
                "artifacts": ["app-x86_64-unknown-linux-musl.tar.gz", "app-x86_64-pc-windows-msvc.zip", "app-x86_64-unknown-linux-musl.tar.gz.sha256", "app-riscv64gc-unknown-linux-gnu.tar.gz"],
            }],
            "artifacts": {
                "app-x86_64-unknown-linux-musl.tar.gz": {
                    "kind": "executable-zip",
                    "target_triples": ["x86_64-unknown-linux-musl"],
                    "assets": [{"name": "demo-skill", "kind": "executable"}, {"name": "README.md", "kind": "readme"}],
                    "checksums": checksums,
                },
                "app-x86_64-pc-windows-msvc.zip": {
                    "kind": "executable-zip",
                    "target_triples": ["x86_64-pc-windows-msvc"],
                    "assets": [{"name": "demo-skill.exe", "kind": "executable"}],
                    "checksums": {"sha256": "B".repeat(64)},
                },
                "app-x86_64-unknown-linux-musl.tar.gz.sha256": {"kind": "checksum"},
                "app-riscv64gc-unknown-linux-gnu.tar.gz": {
                    "kind": "executable-zip",
                    "target_triples": ["riscv64gc-unknown-linux-gnu"],
                    "assets": [{"name": "demo-skill", "kind": "executable"}],
                    "checksums": {"sha256": "c".repeat(64)},
                },
            }
        })
    }

    #[test]
    fn a_manifest_gives_every_shipped_archive_with_its_checksum() {
        let dir = scratch();
        let found = downloads(
            &manifest(VERSION, Some(&"a".repeat(64))),
            &dir,
            "demo-skill",
        )
        .unwrap();
        assert_eq!(found.len(), 2, "the riscv archive is no shipped platform");
        assert_eq!(found[0].platform.id(), "linux-x64");
        assert_eq!(found[0].sha256, "a".repeat(64));
        assert_eq!(
            found[0].url,
            format!(
                "{REPOSITORY}/releases/download/v{VERSION}/app-x86_64-unknown-linux-musl.tar.gz"
            )
        );
        assert_eq!(found[1].platform.id(), "win32-x64");
        assert_eq!(found[1].sha256, "b".repeat(64), "lower-cased");
        assert_eq!(found[1].format, ArchiveFormat::Zip);

        let specs = install_specs(&DEMO, &found);
        assert_eq!(specs[0]["kind"], json!("node"));
        assert_eq!(
            specs[0]["package"],
            json!(format!("{NPM_SCOPE}/demo-skill@{VERSION}"))
        );
        assert_eq!(specs.len(), 3);
        assert_eq!(specs[1]["os"], json!(["linux"]));
        assert_eq!(specs[1]["sha256"], json!("a".repeat(64)));
        assert_eq!(specs[1]["stripComponents"], json!(1));
        assert_eq!(specs[2]["archive"], json!("zip"));
        assert!(specs[2].get("stripComponents").is_none());
    }

    #[test]
    fn the_checksum_file_beside_the_manifest_counts_and_must_agree() {
        let dir = scratch();
        let name = "app-x86_64-unknown-linux-musl.tar.gz";
        let missing = downloads(&manifest(VERSION, None), &dir, "demo-skill").unwrap_err();
        assert!(matches!(missing, ReleaseError::Checksum(_)), "{missing}");

        std::fs::write(
            dir.join(format!("{name}.sha256")),
            format!("{}  {name}\n", "d".repeat(64)),
        )
        .unwrap();
        let found = downloads(&manifest(VERSION, None), &dir, "demo-skill").unwrap();
        assert_eq!(found[0].sha256, "d".repeat(64));

        let disagree = downloads(
            &manifest(VERSION, Some(&"e".repeat(64))),
            &dir,
            "demo-skill",
        )
        .unwrap_err();
        assert!(matches!(disagree, ReleaseError::Checksum(_)), "{disagree}");
        let short =
            downloads(&manifest(VERSION, Some("abc")), &scratch(), "demo-skill").unwrap_err();
        assert!(matches!(short, ReleaseError::Checksum(_)), "{short}");
    }

    #[test]
    fn a_manifest_of_another_version_or_repository_is_refused() {
        let dir = scratch();
        let other = downloads(
            &manifest("9.9.9", Some(&"a".repeat(64))),
            &dir,
            "demo-skill",
        )
        .unwrap_err();
        assert!(matches!(other, ReleaseError::OtherRelease(_)), "{other}");
        // Each binary is its own release: another binary's archives are never taken.
        let another = downloads(
            &manifest(VERSION, Some(&"a".repeat(64))),
            &dir,
            "other-skill",
        )
        .unwrap_err();
        assert!(
            matches!(another, ReleaseError::OtherRelease(_)),
            "{another}"
        );

        let mut hosted = manifest(VERSION, Some(&"a".repeat(64)));
        hosted["releases"][0]["hosting"] = json!({"github": {
            "artifact_base_url": "https://github.com",
            "artifact_download_path": format!("/someone/else/releases/download/v{VERSION}"),
            "owner": "someone", "repo": "else"}});
        let moved = downloads(&hosted, &dir, "demo-skill").unwrap_err();
        assert!(
            matches!(moved, ReleaseError::OtherRepository { .. }),
            "{moved}"
        );
        let path = REPOSITORY.trim_start_matches("https://github.com");
        hosted["releases"][0]["hosting"]["github"]["artifact_download_path"] =
            json!(format!("{path}/releases/download/v{VERSION}"));
        assert_eq!(downloads(&hosted, &dir, "demo-skill").unwrap().len(), 2);
    }

    #[test]
    fn without_a_release_the_skill_installs_from_npm_only() {
        let specs = install_specs(&DEMO, &[]);
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0]["id"], json!("node"));
        assert_eq!(specs[0]["bins"], json!(["demo-skill"]));
    }

    #[test]
    fn targets_map_to_node_platform_names() {
        for (target, id) in [
            ("x86_64-unknown-linux-musl", "linux-x64"),
            ("x86_64-unknown-linux-gnu", "linux-x64"),
            ("aarch64-unknown-linux-musl", "linux-arm64"),
            ("x86_64-apple-darwin", "darwin-x64"),
            ("aarch64-apple-darwin", "darwin-arm64"),
            ("x86_64-pc-windows-msvc", "win32-x64"),
        ] {
            assert_eq!(
                Platform::of_target(target).map(Platform::id).as_deref(),
                Some(id)
            );
        }
        assert_eq!(Platform::of_target("riscv64gc-unknown-linux-gnu"), None);
        assert_eq!(PLATFORMS.len(), 5);
        assert!(VERSION_LINE.starts_with(VERSION));
        assert!(NPM_SCOPE.starts_with('@'));
    }
}
