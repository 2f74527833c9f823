#!/usr/bin/env python3
"""Install in one step, proven offline with the real tools (issue 20).

Run through tests/e2e/run.sh, after `dist build` (cargo-dist, the tool the release workflow
uses) has built the host target's release archives. Everything runs on 127.0.0.1: a verdaccio
npm registry, the real OpenClaw gateway in an isolated state folder with NO skill binary on
PATH, a stand-in release host behind OpenClaw's managed proxy, a stub ClawHub registry. Every
process started here is stopped by its id; every wait is bounded.

Checks:
  1. one release per binary; each binary's host archive: its .sha256 file and the manifest's
     checksum match its bytes, it holds that binary only (whose --version prints the version
     and the commit), its own shell installer exists, and it is at most 4 MB;
  2. `<binary> npm` writes the npm packages from the archives; they publish to verdaccio;
  3. `openclaw plugins install npm:<plugin>` installs the plugin from that registry (npm with
     --ignore-scripts), its binary arrives through optionalDependencies, the plugin loads, and a
     tool runs through the gateway on the binary inside the plugin's node_modules;
  4. OpenClaw's own skill installer (`skills.install`, what the Dashboard calls) runs the
     skill's `node` spec from that registry: the skill goes from missing its binary to eligible;
     then its `download` spec, whose URL is the GitHub release URL, fetched through the managed
     proxy: sha256 verified, extracted, eligible; a copy of the skill with a wrong sha256 is
     refused and installs nothing;
  5. ClawHub: the release bundle (with the real install specs) would publish, its metadata
     passes ClawHub's own schema for what ClawHub keeps, and `package validate` passes on the
     plugin that depends on the binary package.
"""

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openclaw_e2e import CHECKS, Harness as OpenClawHarness, check, free_port, last_json, openclaw_env, port_open  # noqa: E402
from release_host import ReleaseHost, make_ca  # noqa: E402

GATEWAY_TOKEN = "install-e2e-token"
SKILL = "theta-edgecloud"
BAD_SKILL = "theta-edgecloud-badsum"
PLUGIN_ID = "theta-edgecloud"
BINARIES = ("theta-skill", "elizacloud-skill")
# Where OpenClaw's `node` installer puts global npm installs (install.ts
# resolveDefaultNodeInstallStateDir): /var/lib/openclaw as root, else ~/.openclaw.
NODE_PREFIX_ROOT = "/var/lib/openclaw"

SIZES = {}
# Each compressed release archive (issue 20).
ARCHIVE_LIMIT = 4_000_000


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def frontmatter_metadata(skill_md):
    with open(skill_md) as f:
        for line in f:
            if line.startswith("metadata: "):
                return json.loads(line[len("metadata: "):])
    raise AssertionError(f"no metadata line in {skill_md}")


def stub_registry():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            data = b"Skill not found"
            self.send_response(404)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PUT = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def serve_pids(prefix):
    """Live `<path> serve` processes whose binary path starts with `prefix`, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if len(argv) >= 2 and argv[1] == b"serve" and argv[0].decode(errors="replace").startswith(prefix):
            found.append((int(entry), argv[0].decode(errors="replace")))
    return found


def descends_from(pid, ancestor):
    """Whether process `pid` is `ancestor` or one of its descendants, from /proc."""
    for _ in range(64):
        if pid == ancestor:
            return True
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid <= 1:
            return False
    return False


class Harness(OpenClawHarness):
    """OpenClaw's harness (processes, commands, logs) with no skill binary on PATH and the
    `node` installer's shared npm prefix to clean up."""

    run_timeout = 300

    def __init__(self, args):  # not the parent's: no skill binary is linked, PATH is the gateway's
        self.args = args
        self.root = tempfile.mkdtemp(prefix="install-e2e-")
        self.state = os.path.join(self.root, "state")
        self.oc_dir = os.path.join(self.state, ".openclaw")
        self.logs = os.path.join(self.root, "logs")
        for folder in (self.state, self.oc_dir, self.logs, os.path.join(self.root, "tmp")):
            os.makedirs(folder, exist_ok=True)
        self.processes = []
        self.node_bin = os.path.dirname(shutil.which("node"))
        is_root = os.getuid() == 0
        node_state = NODE_PREFIX_ROOT if is_root else os.path.join(self.state, ".openclaw")
        self.node_prefix = os.path.join(node_state, "tools", "node", "npm")
        self.made_node_state = is_root and not os.path.exists(NODE_PREFIX_ROOT)
        self.tools_dir = os.path.join(self.oc_dir, "tools", SKILL)
        # The gateway's PATH: node and the system, and the two folders OpenClaw's skill
        # installers put binaries in (empty until they run). No skill binary anywhere.
        self.path = os.pathsep.join([self.node_bin, "/usr/local/bin", "/usr/bin", "/bin",
                                     os.path.join(self.node_prefix, "bin"), self.tools_dir])
        self.env = openclaw_env(self.root, self.state, self.path)
        self.env.update({
            "npm_config_cache": os.path.join(self.root, "npm-cache"),
            "npm_config_update_notifier": "false",
            "npm_config_audit": "false",
            "npm_config_fund": "false",
        })

    def cleanup(self):
        self.remove_node_installs()
        if self.made_node_state:
            shutil.rmtree(NODE_PREFIX_ROOT, ignore_errors=True)

    def remove_node_installs(self):
        """Removes what the `node` installer put in the shared npm prefix (ours only)."""
        for binary in BINARIES:
            link = os.path.join(self.node_prefix, "bin", binary)
            if os.path.lexists(link):
                os.remove(link)
        scope = os.path.join(self.node_prefix, "lib", "node_modules", self.args.npm_scope)
        shutil.rmtree(scope, ignore_errors=True)

    def wait_healthy(self, process, port, seconds=180):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"FAILED: the gateway exited ({process.returncode}); see {self.logs}/gateway.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(1)
        raise AssertionError(f"FAILED: the gateway did not become healthy within {seconds} s")


def build_artifacts(args):
    """The host target's archive of each binary's release from `dist build` (one release per
    binary package), checked against its sha256 file and the 4 MB size limit."""
    print("release artifacts (cargo-dist)")
    distrib = args.distrib
    manifest_path = os.path.join(distrib, "dist-manifest.json")
    manifest = json.load(open(manifest_path))
    apps = sorted(r["app_name"] for r in manifest["releases"])
    check(apps == sorted(BINARIES), "one release per skill binary", apps)
    archives = {}
    for binary in BINARIES:
        release = next(r for r in manifest["releases"] if r["app_name"] == binary)
        found = [a for a in release["artifacts"] if manifest["artifacts"][a]["kind"] == "executable-zip"
                 and args.target in manifest["artifacts"][a].get("target_triples", [])]
        check(len(found) == 1, f"dist build made one {binary} archive for {args.target}", release["artifacts"])
        name = found[0]
        path = os.path.join(distrib, name)
        check(name.endswith(".tar.gz"), f"{name} is a .tar.gz (a format OpenClaw's download installer extracts)")
        actual = sha256(path)
        with open(path + ".sha256") as f:
            recorded = f.read().split()[0]
        check(recorded == actual, f"{name}.sha256 matches the archive ({actual[:16]}…)")
        listed = manifest["artifacts"][name].get("checksums", {}).get("sha256")
        check(listed in (None, actual), "and so does the manifest's checksum", listed)
        done = subprocess.run(["sha256sum", "-c", name + ".sha256"], cwd=distrib, capture_output=True, text=True, timeout=60)
        check(done.returncode == 0, "sha256sum -c accepts it", done.stdout + done.stderr)
        size = os.path.getsize(path)
        SIZES[name] = size
        check(size <= ARCHIVE_LIMIT, f"{name} is {size} bytes, at most {ARCHIVE_LIMIT}")
        installers = [a for a in release["artifacts"] if a.endswith("-installer.sh")]
        check(installers == [f"{binary}-installer.sh"] and os.path.isfile(os.path.join(distrib, installers[0])),
              f"{binary}'s shell installer was built", release["artifacts"])
        with tarfile.open(path) as tar:
            executables = [m.name.rsplit("/", 1)[-1] for m in tar.getmembers()
                           if m.isfile() and m.mode & 0o111]
        check(executables == [binary], f"the archive holds {binary} and no other executable", executables)
        archives[binary] = (name, path, actual)
    return archives, manifest_path


def start_verdaccio(h, verdaccio):
    port = free_port()
    folder = os.path.join(h.root, "verdaccio")
    os.makedirs(folder)
    config = os.path.join(folder, "config.yaml")
    with open(config, "w") as f:
        f.write(f"""storage: {folder}/storage
auth:
  htpasswd:
    file: {folder}/htpasswd
    max_users: 10
uplinks: {{}}
packages:
  '@*/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
server:
  keepAliveTimeout: 60
log: {{ type: stdout, format: pretty, level: warn }}
""")
    process = h.start([verdaccio, "--config", config, "--listen", f"127.0.0.1:{port}"], "verdaccio.log")
    deadline = time.monotonic() + 60
    while not port_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"FAILED: verdaccio did not start; see {h.logs}/verdaccio.log")
        time.sleep(0.5)
    body = json.dumps({"name": "e2e", "password": "e2e-password-1"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/-/user/org.couchdb.user:e2e", data=body, method="PUT",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.loads(response.read())["token"]
    npmrc = os.path.join(h.root, "npmrc")
    with open(npmrc, "w") as f:
        f.write(f"registry=http://127.0.0.1:{port}/\n//127.0.0.1:{port}/:_authToken={token}\n")
    return process, port, npmrc


def main():
    parser = argparse.ArgumentParser()
    for option in ("--repo", "--distrib", "--target", "--openclaw", "--openclaw-package",
                    "--clawhub", "--clawhub-package", "--verdaccio"):
        parser.add_argument(option, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    # The one place that says where releases live: the npm scope (each binary's package name
    # is cargo-dist's app name).
    with open(os.path.join(args.repo, "Cargo.toml"), "rb") as f:
        cargo = tomllib.load(f)
    args.npm_scope = cargo["package"]["metadata"]["release"]["npm-scope"]
    started = time.monotonic()
    h = Harness(args)
    registry_server, registry_port = stub_registry()
    release_host = None
    ok = False
    try:
        archives, manifest_path = build_artifacts(args)
        archive_name, archive, digest = archives["theta-skill"]

        print("npm packages from the archives")
        extracted = os.path.join(h.root, "archives")
        os.makedirs(extracted)
        for _, path, _ in archives.values():
            with tarfile.open(path) as tar:
                tar.extractall(extracted, filter="data")
        theta = os.path.join(extracted, f"theta-skill-{args.target}", "theta-skill")
        version_line = subprocess.run([theta, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        check(re.fullmatch(r"theta-skill \d+\.\d+\.\d+\S* \(commit [0-9a-f]{12}\)", version_line) is not None,
              f"the archived binary's --version names the version and the commit: {version_line!r}")
        version = version_line.split()[1]
        npm_out = os.path.join(h.root, "npm")
        for binary in BINARIES:
            h.run(os.path.join(extracted, f"{binary}-{args.target}", binary), "npm", "--archives", extracted, "--out", npm_out)
        bundle = os.path.join(h.root, "bundle")
        h.run(theta, "bundle", "--release-manifest", manifest_path, "--out", os.path.join(bundle, "dist"),
              "--skill-out", os.path.join(bundle, "skill"))
        scope = args.npm_scope
        platform_dir = os.path.join(npm_out, "theta-skill-linux-x64")
        package = json.load(open(os.path.join(npm_out, "theta-skill", "package.json")))
        check(package["name"] == f"{scope}/theta-skill" and package["optionalDependencies"] == {f"{scope}/theta-skill-linux-x64": version},
              "the binary package lists the platform package as an optional dependency", package)
        check("scripts" not in package, "and has no lifecycle script")
        platform = json.load(open(os.path.join(platform_dir, "package.json")))
        check(platform["os"] == ["linux"] and platform["cpu"] == ["x64"], "the platform package says os linux, cpu x64", platform)

        verdaccio, npm_port, npmrc = start_verdaccio(h, args.verdaccio)
        registry = f"http://127.0.0.1:{npm_port}/"
        npm_env = {"NPM_CONFIG_USERCONFIG": npmrc, "npm_config_registry": registry}
        h.env.update(npm_env)
        publish = [os.path.join(npm_out, d) for d in ("theta-skill-linux-x64", "theta-skill", "elizacloud-skill-linux-x64", "elizacloud-skill")]
        publish.append(os.path.join(bundle, "dist", "theta-edgecloud-plugin"))
        for folder in publish:
            h.run("npm", "publish", folder, "--registry", registry, timeout=120)
        packs = json.loads(h.run("npm", "view", f"{scope}/theta-skill-linux-x64@{version}", "dist", "--json", "--registry", registry).stdout)
        check("tarball" in packs, f"the packages are published to verdaccio on 127.0.0.1:{npm_port}", packs)

        print("plugin from the registry, no binary on PATH")
        for binary in BINARIES:
            check(shutil.which(binary, path=h.path) is None, f"{binary} is not on the gateway's PATH")
        gateway_port = free_port()
        ca_pem, cert, key = make_ca(h.root, "github.com")
        specs = frontmatter_metadata(os.path.join(bundle, "skill", SKILL, "SKILL.md"))["openclaw"]["install"]
        release_path = urllib.parse.urlparse(next(s["url"] for s in specs if s["kind"] == "download")).path
        release_host = ReleaseHost("github.com", {release_path: open(archive, "rb").read()}, cert, key)
        skills_dir = os.path.join(h.root, "skills")
        shutil.copytree(os.path.join(bundle, "skill", SKILL), os.path.join(skills_dir, SKILL))
        # The same skill with a wrong sha256 in its download spec.
        bad_md = open(os.path.join(skills_dir, SKILL, "SKILL.md")).read()
        bad_md = bad_md.replace(f"name: {SKILL}\n", f"name: {BAD_SKILL}\n", 1).replace(digest, "0" * 64)
        os.makedirs(os.path.join(skills_dir, BAD_SKILL))
        with open(os.path.join(skills_dir, BAD_SKILL, "SKILL.md"), "w") as f:
            f.write(bad_md)
        config = {
            "logging": {"file": os.path.join(h.logs, "openclaw.log")},
            "update": {"checkOnStart": False},
            "gateway": {"mode": "local", "bind": "loopback", "port": gateway_port,
                        "auth": {"mode": "token", "token": GATEWAY_TOKEN}},
            "proxy": {"proxyUrl": f"http://127.0.0.1:{release_host.port}"},
            "skills": {"load": {"extraDirs": [skills_dir], "watch": False},
                       "entries": {SKILL: {"apiKey": "e2e-key"}, BAD_SKILL: {"apiKey": "e2e-key"}}},
        }
        with open(h.env["OPENCLAW_CONFIG_PATH"], "w") as f:
            json.dump(config, f, indent=2)
        h.openclaw("config", "validate")
        plugin_spec = f"npm:{scope}/theta-edgecloud-openclaw-plugin@{version}"
        h.openclaw("plugins", "install", plugin_spec, "--force", "--accept-capabilities", timeout=600)
        installed = glob.glob(os.path.join(h.oc_dir, "**", "node_modules", scope, "theta-skill-linux-x64", "bin", "theta-skill"), recursive=True)
        check(len(installed) == 1, "openclaw plugins install brought the binary through the platform package", installed)
        plugin_binary = installed[0]
        inspect = last_json(h.openclaw("plugins", "inspect", PLUGIN_ID, "--runtime", "--json").stdout)
        plugin = inspect.get("plugin", inspect)
        check(plugin.get("status") == "loaded", "the npm-installed plugin loads", {k: plugin.get(k) for k in ("status", "error")})

        print("gateway")
        gateway = h.start([args.openclaw, "gateway", "run"], "gateway.log", {"NODE_EXTRA_CA_CERTS": ca_pem})
        boot = time.monotonic()
        h.wait_healthy(gateway, gateway_port)
        print(f"  gateway healthy after {time.monotonic() - boot:.1f}s")
        body = json.dumps({"tool": "theta_setup", "args": {}}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{gateway_port}/tools/invoke", data=body, method="POST",
                                         headers={"authorization": f"Bearer {GATEWAY_TOKEN}", "content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        details = answer.get("result", {}).get("details", {})
        check(details.get("ok") is True and details.get("command") == "theta.setup", "theta_setup runs through /tools/invoke", answer)
        # The gateway may load the plugin from its own copy of the plugin and its dependencies,
        # so the binary is known by its package path and its bytes, as a child of this gateway.
        package_path = os.path.join("node_modules", scope, "theta-skill-linux-x64", "bin", "theta-skill")
        serving = [(pid, path) for pid, path in serve_pids("/")
                   if path.endswith(package_path) and descends_from(pid, gateway.pid)]
        check(len(serving) == 1 and sha256(serving[0][1]) == sha256(plugin_binary),
              "on the binary inside the plugin's node_modules (module resolution)", serving)

        print("skill installer: node spec")

        def skill_info(name):
            return last_json(h.openclaw("skills", "info", name, "--json").stdout)

        def install(name, install_id):
            params = json.dumps({"name": name, "installId": install_id, "timeoutMs": 240000})
            done = h.openclaw("gateway", "call", "skills.install", "--json", "--params", params, "--timeout", "300000",
                              timeout=330, expect_ok=False)
            try:
                return last_json(done.stdout)
            except ValueError:
                return {"ok": False, "stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]}

        info = skill_info(SKILL)
        check(info.get("eligible") is False and info.get("missing", {}).get("bins") == ["theta-skill"],
              "before any install the skill misses its binary", info.get("missing"))
        # OpenClaw offers one installer when any is not a download: its preferred kind (node).
        ids = [spec.get("id") for spec in info.get("install", [])]
        check(ids == ["node"], "and offers the node installer (OpenClaw prefers it over download)", info.get("install"))
        listed = frontmatter_metadata(os.path.join(skills_dir, SKILL, "SKILL.md"))["openclaw"]["install"]
        check([spec["id"] for spec in listed if spec["kind"] == "download"] == ["download-linux-x64"],
              "while the skill also lists the download for this platform", listed)
        result = install(SKILL, "node")
        check(result.get("ok") is True, "skills.install runs the node spec (npm install -g --ignore-scripts from the registry)", result)
        info = skill_info(SKILL)
        check(info.get("eligible") is True, "the skill is eligible", info.get("missing"))
        launcher = os.path.join(h.node_prefix, "bin", "theta-skill")
        line = h.run(launcher, "--version").stdout.strip()
        check(line == version_line, f"the npm-installed theta-skill runs: {line!r}")
        h.remove_node_installs()
        # The gateway remembers binaries it has found on PATH for its lifetime: a new one looks again.
        h.stop(gateway)
        gateway = h.start([args.openclaw, "gateway", "run"], "gateway-2.log", {"NODE_EXTRA_CA_CERTS": ca_pem})
        h.wait_healthy(gateway, gateway_port)
        check(skill_info(SKILL).get("eligible") is False, "once removed, the skill misses its binary again (restarted gateway)")

        print("skill installer: download spec through the managed proxy")
        result = install(SKILL, "download-linux-x64")
        check(result.get("ok") is True, "skills.install runs the download spec", result)
        seen = release_host.snapshot()
        check(any(s.startswith(f"github.com GET {release_path} ") for s in seen), f"it fetched https://github.com{release_path}", seen)
        # The gateway's own background egress (catalog, ClawHub) reaches the proxy too; the
        # proxy refuses every host but github.com, and served nothing but the release.
        served = [s for s in seen if not s.startswith("CONNECT ")]
        check(served and all(s.startswith(f"github.com GET {release_path} ") for s in served),
              "and the proxy served nothing else", seen)
        tool = os.path.join(h.tools_dir, "theta-skill")
        check(os.path.isfile(tool) and os.access(tool, os.X_OK), "the checked archive is extracted into the skill's tools folder", os.listdir(h.tools_dir))
        check(skill_info(SKILL).get("eligible") is True, "the skill is eligible")
        result = install(BAD_SKILL, "download-linux-x64")
        message = json.dumps(result)
        check(result.get("ok") is not True and "SHA-256 mismatch" in message, "a wrong sha256 is refused", result)
        bad_tools = os.path.join(h.oc_dir, "tools", BAD_SKILL)
        check(not os.path.exists(os.path.join(bad_tools, "theta-skill")), "and nothing of it is installed")

        h.stop(gateway)
        check(not port_open(gateway_port), "the gateway stopped and its port is closed")
        h.stop(verdaccio)

        print("clawhub")
        skill_bundle = os.path.join(bundle, "dist", SKILL)
        publish = h.run(args.clawhub, "skill", "publish", skill_bundle, "--dry-run", "--json",
                        "--registry", f"http://127.0.0.1:{registry_port}", "--no-input", expect_ok=False)
        result = last_json(publish.stdout)
        check(publish.returncode == 0 and result.get("status") == "would-publish", "clawhub would publish the release bundle", result)
        metadata = frontmatter_metadata(os.path.join(skill_bundle, "SKILL.md"))["openclaw"]
        downloads = [s for s in metadata["install"] if s["kind"] == "download"]
        check(len(downloads) == 1 and downloads[0]["sha256"] == digest and downloads[0]["url"].endswith(f"/v{version}/{archive_name}"),
              "its SKILL.md downloads the archive with its real sha256", downloads)
        script = (
            "const { ClawdisSkillMetadataSchema } = await import(process.argv[1]);"
            "const meta = JSON.parse(process.argv[2]);"
            "meta.install = meta.install.filter((s) => ['brew', 'node', 'go', 'uv'].includes(s.kind));"
            "const out = ClawdisSkillMetadataSchema(meta);"
            "if (out instanceof Error || out?.constructor?.name === 'ArkErrors') { console.error(String(out)); process.exit(1); }"
            "console.log(JSON.stringify(out.install));")
        schema = os.path.join(args.clawhub_package, "dist", "schema", "schemas.js")
        validated = h.run("node", "--input-type=module", "-e", script, schema, json.dumps(metadata), expect_ok=False)
        check(validated.returncode == 0 and f"{scope}/theta-skill@{version}" in validated.stdout,
              "its metadata passes ClawHub's skill metadata schema, keeping the node installer", validated.stdout + validated.stderr)
        plugin_dir = os.path.join(bundle, "dist", "theta-edgecloud-plugin")
        validate = h.run(args.clawhub, "package", "validate", plugin_dir, "--openclaw", args.openclaw_package, "--json",
                         "--out", os.path.join(h.root, "validate"), expect_ok=False)
        report = last_json(validate.stdout)
        check(validate.returncode == 0 and report.get("status") == "pass", "clawhub package validate passes on the plugin", report)
        ok = True
    finally:
        registry_server.shutdown()
        if release_host:
            release_host.close()
        h.close(keep=args.keep or not ok)
    for file_name, size in SIZES.items():
        print(f"archive {file_name}: {size} bytes ({size / 1024 / 1024:.2f} MiB)")
    print(f"\ninstall e2e: {len(CHECKS)} checks passed in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
