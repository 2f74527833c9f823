//! The npm packages that carry a pack's binary, as esbuild and biome ship theirs: one package
//! per platform (`@scope/<binary>-<os>-<cpu>`, with npm's `os`/`cpu` fields) holding the
//! prebuilt binary, and one package (`@scope/<binary>`) that lists them all as
//! `optionalDependencies`, so npm installs only the one that fits the host, with no lifecycle
//! script (OpenClaw installs skills and plugins with `--ignore-scripts`).
//!
//! The binary package's `bin` is a small Node launcher that runs the platform's binary, and its
//! `index.js` exports `binaryPath()`, which the plugin calls to spawn the binary directly.
//! Everything here is generated: `<binary> npm --archives <dir> --out <dir>` writes the
//! folders from the release archives (extracted under `<dir>`), ready for `npm publish`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::release::{self, PLATFORMS, Platform};
use super::{FileSet, pretty};
use crate::pack::Pack;

/// `@scope/<binary>-<os>-<cpu>`.
pub fn platform_package(binary: &str, platform: Platform) -> String {
    release::npm_name(&format!("{binary}-{}", platform.id()))
}

/// Adds the pack's binary package to a plugin's `package.json`: as a dependency at this exact
/// version, and every platform package in `openclaw.install.requiredPlatformPackages`, so that
/// OpenClaw's installer checks the host's one arrived (and retries, or rolls back, if not).
pub fn add_binary_dependency(pack: &Pack, package: &mut Value) {
    package["dependencies"] = json!({ release::npm_name(pack.binary): release::VERSION });
    let platforms: Vec<String> = PLATFORMS
        .iter()
        .map(|p| platform_package(pack.binary, *p))
        .collect();
    package["openclaw"]["install"] = json!({ "requiredPlatformPackages": platforms });
    package["repository"] = repository();
}

fn repository() -> Value {
    json!({"type": "git", "url": format!("git+{}.git", release::REPOSITORY.trim_end_matches('/'))})
}

/// One platform's binary, found in the extracted release archives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundBinary {
    /// The platform it runs on.
    pub platform: Platform,
    /// Where it is.
    pub path: PathBuf,
}

/// The pack's binary for each platform under `archives`: every folder there named
/// `<anything>-<target>` (cargo-dist's archive names, extracted one folder each) whose target
/// a release ships, holding `<binary>` (or `<binary>.exe`) directly or one folder down. The
/// first folder found (in name order) wins for a platform.
pub fn find_binaries(binary: &str, archives: &Path) -> std::io::Result<Vec<FoundBinary>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(archives)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    let mut found: Vec<FoundBinary> = Vec::new();
    for dir in entries {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(platform) = target_suffix(name).and_then(Platform::of_target) else {
            continue;
        };
        if found.iter().any(|f| f.platform == platform) {
            continue;
        }
        let executable = platform.executable(binary);
        let mut candidates = vec![dir.join(&executable)];
        if let Ok(inner) = std::fs::read_dir(&dir) {
            let mut inner: Vec<PathBuf> = inner
                .filter_map(Result::ok)
                .map(|e| e.path().join(&executable))
                .collect();
            inner.sort();
            candidates.extend(inner);
        }
        if let Some(path) = candidates.into_iter().find(|p| p.is_file()) {
            found.push(FoundBinary { platform, path });
        }
    }
    found.sort_by_key(|f| f.platform);
    Ok(found)
}

/// The target triple at the end of a cargo-dist archive name (`app-x86_64-unknown-linux-musl`).
fn target_suffix(name: &str) -> Option<&str> {
    ["x86_64-", "aarch64-"]
        .iter()
        .filter_map(|arch| name.find(arch).map(|i| &name[i..]))
        .min_by_key(|rest| std::cmp::Reverse(rest.len()))
}

/// The text files of the npm packages for `binaries`: the binary package (listing exactly
/// these platforms) and one package per platform. The binaries themselves are copied by
/// [`write_packages`]; [`binary_files`] says where they go.
pub fn package_files(pack: &Pack, binaries: &[FoundBinary]) -> FileSet {
    let binary = pack.binary;
    let main = release::npm_name(binary);
    let mut files = FileSet::new();
    let optional: serde_json::Map<String, Value> = binaries
        .iter()
        .map(|b| {
            (
                platform_package(binary, b.platform),
                json!(release::VERSION),
            )
        })
        .collect();
    let platforms: serde_json::Map<String, Value> = binaries
        .iter()
        .map(|b| {
            (
                b.platform.id(),
                json!({
                    "package": platform_package(binary, b.platform),
                    "executable": b.platform.executable(binary),
                }),
            )
        })
        .collect();
    let root = PathBuf::from(binary);
    files.insert(
        root.join("package.json"),
        pretty(&json!({
            "name": main,
            "version": release::VERSION,
            "description": format!("The {binary} binary ({}), prebuilt for this platform: one JSON request in, one JSON document out.", pack.title),
            "license": "MIT-0",
            "repository": repository(),
            "homepage": pack.skill.homepage,
            "main": "index.js",
            "bin": { binary: format!("bin/{binary}.js") },
            "files": ["index.js", "bin/", "README.md"],
            "engines": {"node": ">=18"},
            "optionalDependencies": optional,
        })),
    );
    files.insert(
        root.join("index.js"),
        include_str!("templates/npm_index.js")
            .replace("/*BINARY*/", &json!(binary).to_string())
            .replace(
                "/*PLATFORMS*/",
                pretty(&Value::Object(platforms)).trim_end(),
            ),
    );
    files.insert(
        root.join(format!("bin/{binary}.js")),
        include_str!("templates/npm_launcher.js").to_owned(),
    );
    files.insert(root.join("README.md"), readme(pack, binaries));
    for found in binaries {
        let name = platform_package(binary, found.platform);
        let folder = PathBuf::from(format!("{binary}-{}", found.platform.id()));
        files.insert(
            folder.join("package.json"),
            pretty(&json!({
                "name": name,
                "version": release::VERSION,
                "description": format!("The {binary} binary for {}; installed through {main}.", found.platform.label()),
                "license": "MIT-0",
                "repository": repository(),
                "os": [found.platform.os],
                "cpu": [found.platform.cpu],
                "files": ["bin/", "README.md"],
                "preferUnplugged": true,
            })),
        );
        files.insert(
            folder.join("README.md"),
            format!(
                "# {name}\n\nThe prebuilt `{binary}` {} binary for {}. Install [{main}](https://www.npmjs.com/package/{main}) instead: it depends on this package and on the ones for the other platforms, and npm keeps the one that fits.\n",
                release::VERSION,
                found.platform.label()
            ),
        );
    }
    files
}

/// Where each binary goes: `<binary>-<os>-<cpu>/bin/<binary>[.exe]`.
pub fn binary_files(binary: &str, binaries: &[FoundBinary]) -> Vec<(PathBuf, PathBuf)> {
    binaries
        .iter()
        .map(|b| {
            (
                b.path.clone(),
                PathBuf::from(format!("{binary}-{}", b.platform.id()))
                    .join("bin")
                    .join(b.platform.executable(binary)),
            )
        })
        .collect()
}

fn readme(pack: &Pack, binaries: &[FoundBinary]) -> String {
    let binary = pack.binary;
    let platforms: Vec<String> = binaries.iter().map(|b| b.platform.label()).collect();
    format!(
        "# {main}\n\nThe `{binary}` binary of the {title} skill for OpenClaw, prebuilt for {platforms} — no Rust, no install script.\n\n```sh\nnpm install -g {main}\n{binary} --version\n{binary} run {name}.setup\n```\n\nnpm installs only the platform package that fits the host ({list}), through `optionalDependencies`, so it works with `--ignore-scripts` (as OpenClaw installs it). `require(\"{main}\").binaryPath()` gives the binary's path.\n\nSource, other install routes and the command reference: {repo}\n",
        main = release::npm_name(binary),
        title = pack.title,
        platforms = platforms.join(", "),
        list = binaries
            .iter()
            .map(|b| format!("`{}`", platform_package(binary, b.platform)))
            .collect::<Vec<_>>()
            .join(", "),
        name = pack.name,
        repo = release::REPOSITORY,
    )
}

/// Writes the packages under `out` and copies the binaries in, executable. The binary
/// package's folder and every platform's are replaced whole (a platform not found this time
/// leaves no folder behind). Returns the package folders written.
pub fn write_packages(
    pack: &Pack,
    binaries: &[FoundBinary],
    out: &Path,
) -> std::io::Result<Vec<PathBuf>> {
    let files = package_files(pack, binaries);
    let folders: std::collections::BTreeSet<PathBuf> = files
        .keys()
        .filter_map(|p| p.iter().next().map(PathBuf::from))
        .collect();
    let owned = std::iter::once(PathBuf::from(pack.binary)).chain(
        PLATFORMS
            .iter()
            .map(|p| PathBuf::from(format!("{}-{}", pack.binary, p.id()))),
    );
    for folder in owned {
        match std::fs::remove_dir_all(out.join(folder)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    super::sync(out, &files, false)?;
    for (from, to) in binary_files(pack.binary, binaries) {
        let to = out.join(to);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&from, &to)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    Ok(folders.into_iter().map(|f| out.join(f)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{DEMO, scratch};

    #[test]
    fn binaries_are_found_in_extracted_cargo_dist_archives() {
        let dir = scratch();
        // A tarball extracts to its own folder; a zip (no root folder) into one named after it.
        std::fs::create_dir_all(dir.join("app-x86_64-unknown-linux-musl")).unwrap();
        std::fs::write(dir.join("app-x86_64-unknown-linux-musl/demo-skill"), "elf").unwrap();
        std::fs::create_dir_all(dir.join("app-x86_64-pc-windows-msvc/inner")).unwrap();
        std::fs::write(
            dir.join("app-x86_64-pc-windows-msvc/inner/demo-skill.exe"),
            "pe",
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("app-aarch64-apple-darwin")).unwrap();
        std::fs::write(dir.join("app-aarch64-apple-darwin/other-skill"), "x").unwrap();
        std::fs::create_dir_all(dir.join("app-riscv64gc-unknown-linux-gnu")).unwrap();
        std::fs::write(dir.join("app-riscv64gc-unknown-linux-gnu/demo-skill"), "x").unwrap();

        let found = find_binaries("demo-skill", &dir).unwrap();
        let ids: Vec<String> = found.iter().map(|f| f.platform.id()).collect();
        assert_eq!(ids, ["linux-x64", "win32-x64"]);

        let out = dir.join("out");
        let written = write_packages(&DEMO, &found, &out).unwrap();
        assert_eq!(written.len(), 3);
        let main: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("demo-skill/package.json")).unwrap(),
        )
        .unwrap();
        let scope = release::NPM_SCOPE;
        assert_eq!(main["name"], json!(format!("{scope}/demo-skill")));
        assert_eq!(main["bin"]["demo-skill"], json!("bin/demo-skill.js"));
        assert_eq!(
            main["optionalDependencies"],
            json!({format!("{scope}/demo-skill-linux-x64"): release::VERSION, format!("{scope}/demo-skill-win32-x64"): release::VERSION})
        );
        assert!(main.get("scripts").is_none(), "no lifecycle script");
        let linux: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("demo-skill-linux-x64/package.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(linux["os"], json!(["linux"]));
        assert_eq!(linux["cpu"], json!(["x64"]));
        let copied = out.join("demo-skill-linux-x64/bin/demo-skill");
        assert_eq!(std::fs::read_to_string(&copied).unwrap(), "elf");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&copied).unwrap().permissions().mode() & 0o777,
                0o755
            );
        }
        assert!(
            out.join("demo-skill-win32-x64/bin/demo-skill.exe")
                .is_file()
        );
        let index = std::fs::read_to_string(out.join("demo-skill/index.js")).unwrap();
        assert!(!index.contains("/*"), "a placeholder is left");
        assert!(index.contains("\"linux-x64\""));

        // A second run replaces the folders whole: a platform no longer found disappears.
        write_packages(&DEMO, &found[..1], &out).unwrap();
        assert!(!out.join("demo-skill-win32-x64").exists());
        let main: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("demo-skill/package.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            main["optionalDependencies"].as_object().map(|o| o.len()),
            Some(1)
        );
    }

    #[test]
    fn a_plugin_depends_on_the_binary_package_at_its_own_version() {
        let mut package = json!({"openclaw": {}});
        add_binary_dependency(&DEMO, &mut package);
        let scope = release::NPM_SCOPE;
        assert_eq!(
            package["dependencies"],
            json!({format!("{scope}/demo-skill"): release::VERSION})
        );
        let required = package["openclaw"]["install"]["requiredPlatformPackages"]
            .as_array()
            .unwrap();
        assert_eq!(required.len(), PLATFORMS.len());
        assert!(required.contains(&json!(format!("{scope}/demo-skill-darwin-arm64"))));
    }
}
