#!/usr/bin/env python3
"""End-to-end test of theta-skill inside the real OpenClaw gateway and ClawHub CLI.

Run through tests/e2e/run.sh, which installs the tools and builds the binary. Everything runs
offline on 127.0.0.1: an isolated OpenClaw state folder, a fake Theta server that records
what it receives, a stub ClawHub registry. Every process started here is stopped by its id,
and every wait is bounded.

Checks:
  1. the skill (skill/theta-edgecloud) is not eligible without THETA_EC_API_KEY and says so,
     and is eligible once the key is configured (as a SecretRef);
  2. the plugin (dist/theta-edgecloud-plugin) loads with every tool and no diagnostics;
  3. through a gateway on 127.0.0.1, POST /tools/invoke runs theta_setup, a dry-run
     theta_ondemand_infer (no request reaches the fake), a live theta_ondemand_status whose
     token came from a file SecretRef and arrives as the Bearer header, and a live
     theta_health whose API key came from an env SecretRef and arrives as x-api-key;
  4. `clawhub package validate` passes on the plugin;
  5. `clawhub skill publish --dry-run` against a stub registry says would-publish.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY_TOKEN = "e2e-gateway-token"
ENV_EC_KEY = "env-ec-key-4821"
FILE_ONDEMAND_TOKEN = "file-ondemand-token-9377"
REQUEST_ID = "infr_rqst_e2e_1"

CHECKS = []


def check(condition, message, detail=None):
    if not condition:
        extra = f"\n{json.dumps(detail, indent=2, default=str)[:4000]}" if detail is not None else ""
        raise AssertionError(f"FAILED: {message}{extra}")
    CHECKS.append(message)
    print(f"  ok  {message}", flush=True)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def add(self, method, path, headers):
        with self.lock:
            self.requests.append({"method": method, "path": path, "headers": headers})

    def snapshot(self):
        with self.lock:
            return list(self.requests)


def theta_handler(recorder):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("content-length") or 0)
            if length:
                self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path.split("?")[0]
            recorder.add(self.command, self.path, headers)
            if self.command == "GET" and path == f"/infer_request/{REQUEST_ID}":
                self.reply(200, {"status": "success", "body": {"infer_requests": [{
                    "id": REQUEST_ID, "state": "success", "service": "flux",
                    "output": {"image_url": "https://example.com/e2e.png"},
                    "create_time": "2026-11-23T10:00:00Z", "update_time": "2026-11-23T10:00:05Z"}]}})
            elif self.command == "GET" and path == "/resource/vm/list":
                self.reply(200, {"status": "success", "body": {"vms": [{"id": "vm_gt1"}, {"id": "vm_gt2"}]}})
            elif self.command == "GET" and path == "/deployment/list":
                self.reply(200, {"status": "success", "body": []})
            else:
                self.reply(404, {"status": "error", "message": f"no route {self.command} {path}"})

        do_GET = do_POST = do_PUT = do_DELETE = handle_any

    return Handler


def registry_handler(recorder):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def handle_any(self):
            recorder.add(self.command, self.path, {})
            # What ClawHub answers for a slug it has never seen (clawhub recognises the text).
            data = b"Skill not found"
            self.send_response(404)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = handle_any

    return Handler


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def pids_of(binary):
    """Live `<binary> serve` processes, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if len(argv) >= 2 and argv[0].decode(errors="replace") == binary and argv[1] == b"serve" and state != "Z":
            found.append(int(entry))
    return sorted(found)


def last_json(text):
    """The last JSON document in a command's stdout (some commands print a banner first)."""
    decoder = json.JSONDecoder()
    found = None
    for i, ch in enumerate(text):
        if ch in "{[":
            try:
                value, end = decoder.raw_decode(text[i:])
            except ValueError:
                continue
            if not text[i + end:].strip():
                return value
            found = value
    if found is None:
        raise ValueError(f"no JSON in output:\n{text[:2000]}")
    return found


def openclaw_env(root, state, path):
    """The environment of an OpenClaw run confined to `state` under the scratch folder `root`:
    no auto-update, no telemetry, an external supervisor."""
    return {
        "PATH": path,
        "HOME": state,
        "OPENCLAW_HOME": state,
        "OPENCLAW_STATE_DIR": os.path.join(state, ".openclaw"),
        "OPENCLAW_CONFIG_PATH": os.path.join(state, ".openclaw", "openclaw.json"),
        "OPENCLAW_NO_AUTO_UPDATE": "1",
        "OPENCLAW_SUPERVISOR_MODE": "external",
        "DO_NOT_TRACK": "1",
        "TMPDIR": os.path.join(root, "tmp"),
        "LANG": "C.UTF-8",
    }


class Harness:
    def __init__(self, args):
        self.args = args
        self.root = tempfile.mkdtemp(prefix="theta-e2e-")
        self.state = os.path.join(self.root, "state")
        self.bin = os.path.join(self.root, "bin")
        self.logs = os.path.join(self.root, "logs")
        for folder in (self.state, self.bin, self.logs, os.path.join(self.root, "tmp"), os.path.join(self.state, ".openclaw")):
            os.makedirs(folder, exist_ok=True)
        os.symlink(os.path.abspath(args.binary), os.path.join(self.bin, "theta-skill"))
        self.processes = []
        self.gateway_port = free_port()
        self.env = openclaw_env(self.root, self.state, f"{self.bin}:{os.environ['PATH']}")

    run_timeout = 180

    def run(self, *argv, timeout=None, extra_env=None, expect_ok=True, cwd=None):
        env = dict(self.env, **(extra_env or {}))
        started = time.monotonic()
        done = subprocess.run(argv, env=env, capture_output=True, text=True,
                              timeout=timeout or self.run_timeout, cwd=cwd or self.root)
        took = time.monotonic() - started
        if expect_ok and done.returncode != 0:
            raise AssertionError(
                f"FAILED: {' '.join(str(a) for a in argv[:5])}... exited {done.returncode} after {took:.1f}s\n"
                f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}")
        return done

    def openclaw(self, *args, **kw):
        return self.run(self.args.openclaw, *args, **kw)

    def clawhub(self, *args, **kw):
        return self.run(self.args.clawhub, *args, **kw)

    def start(self, argv, log_name, extra_env=None):
        log = open(os.path.join(self.logs, log_name), "w")
        process = subprocess.Popen(argv, env=dict(self.env, **(extra_env or {})), stdout=log,
                                   stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True)
        self.processes.append((process, log))
        return process

    def stop(self, process, timeout=30):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def close(self, keep):
        """Stops every process this harness started, cleans up (`cleanup`), and removes the
        scratch folder unless the logs are to be kept."""
        for process, log in self.processes:
            try:
                self.stop(process)
            except ProcessLookupError:
                pass
            log.close()
        self.cleanup()
        if keep:
            print(f"logs kept in {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def cleanup(self):
        """What a harness leaves outside its scratch folder; nothing here."""

    def linked_plugin(self, plugin_dir, binary):
        """A copy of the generated plugin with its dependency installed as npm lays it out.

        The plugin depends on the binary's npm package, and OpenClaw refuses to load a plugin
        whose dependencies are missing; `plugins install --link` runs no npm. So the copy gets
        node_modules/<scope>/<binary> and the host's platform package, written by `<binary> npm`
        from this build's binary (install_e2e.py installs the published ones through npm).
        """
        name = os.path.basename(binary)
        work = os.path.join(self.root, f"{os.path.basename(plugin_dir)}-work")
        archive = os.path.join(work, "archives", f"{name}-{platform.machine()}-unknown-linux-gnu")
        os.makedirs(archive)
        shutil.copy(os.path.realpath(binary), os.path.join(archive, name))
        packages = os.path.join(work, "npm")
        self.run(binary, "npm", "--archives", os.path.join(work, "archives"), "--out", packages)
        linked = os.path.join(self.root, os.path.basename(plugin_dir))
        shutil.copytree(plugin_dir, linked)
        for folder in sorted(os.listdir(packages)):
            with open(os.path.join(packages, folder, "package.json")) as f:
                package = json.load(f)["name"]
            shutil.copytree(os.path.join(packages, folder), os.path.join(linked, "node_modules", *package.split("/")))
        return linked

    def write_config(self, skill_dir):
        secrets_file = os.path.join(self.state, ".openclaw", "secrets.json")
        with open(secrets_file, "w") as f:
            json.dump({"theta": {"ondemandToken": FILE_ONDEMAND_TOKEN}}, f)
        os.chmod(secrets_file, 0o600)
        config = {
            "logging": {"file": os.path.join(self.logs, "openclaw.log")},
            "update": {"checkOnStart": False},
            "gateway": {"mode": "local", "bind": "loopback", "port": self.gateway_port,
                        "auth": {"mode": "token", "token": GATEWAY_TOKEN}},
            "secrets": {"providers": {
                "default": {"source": "env"},
                "filemain": {"source": "file", "path": secrets_file, "mode": "json"}}},
            "skills": {"load": {"extraDirs": [skill_dir], "watch": False}},
        }
        with open(self.env["OPENCLAW_CONFIG_PATH"], "w") as f:
            json.dump(config, f, indent=2)

    def invoke(self, tool, args):
        body = json.dumps({"tool": tool, "args": args}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gateway_port}/tools/invoke", data=body, method="POST",
            headers={"authorization": f"Bearer {GATEWAY_TOKEN}", "content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")


def expected_tools(binary):
    """The agent tools the plugin registers: every command but the `<pack>.media.*` ones,
    which run behind OpenClaw's own providers (image, video, transcription), not as tools."""
    listed = json.loads(subprocess.run([binary, "list", "--json"], capture_output=True, text=True, check=True, timeout=30).stdout)
    listed = [c for c in listed if c["id"].split(".")[1:2] != ["media"]]
    return sorted(c["toolName"] for c in listed), {c["toolName"]: c for c in listed}


def main():
    parser = argparse.ArgumentParser()
    for name in ("--repo", "--binary", "--openclaw", "--openclaw-package", "--clawhub"):
        parser.add_argument(name, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    started = time.monotonic()
    h = Harness(args)
    theta_requests, registry_requests = Recorder(), Recorder()
    theta_server, theta_port = serve(theta_handler(theta_requests))
    registry_server, registry_port = serve(registry_handler(registry_requests))
    skill_dir = os.path.join(args.repo, "skill")
    plugin_dir = os.path.join(args.repo, "dist", "theta-edgecloud-plugin")
    tool_names, catalog = expected_tools(args.binary)
    ok = False
    try:
        print(f"OpenClaw: {h.openclaw('--version').stdout.strip()}")
        h.write_config(skill_dir)
        h.openclaw("config", "validate")

        print("skill eligibility")
        info = last_json(h.openclaw("skills", "info", "theta-edgecloud", "--json").stdout)
        check(info.get("eligible") is False, "without THETA_EC_API_KEY the skill is not eligible", info)
        check(info.get("missing", {}).get("env") == ["THETA_EC_API_KEY"], "and it names the missing variable", info.get("missing"))
        h.openclaw("config", "set", "skills.entries.theta-edgecloud.apiKey",
                   json.dumps({"source": "env", "provider": "default", "id": "E2E_EC_KEY"}), "--strict-json")
        info = last_json(h.openclaw("skills", "info", "theta-edgecloud", "--json").stdout)
        check(info.get("eligible") is True, "with the key configured the skill is eligible", info)

        print("plugin")
        h.openclaw("plugins", "install", "--link", "--force", "--accept-capabilities",
                   h.linked_plugin(plugin_dir, args.binary))
        plugin_config = {
            "binaryPath": os.path.join(h.bin, "theta-skill"),
            "ecProjectId": "prj_e2e",
            "ecApiKey": {"source": "env", "provider": "default", "id": "E2E_EC_KEY"},
            "ondemandApiToken": {"source": "file", "provider": "filemain", "id": "/theta/ondemandToken"},
        }
        h.openclaw("config", "set", "plugins.entries.theta-edgecloud.config", json.dumps(plugin_config), "--strict-json")
        h.openclaw("config", "validate")
        inspect = last_json(h.openclaw("plugins", "inspect", "theta-edgecloud", "--runtime", "--json",
                                       extra_env={"E2E_EC_KEY": ENV_EC_KEY}).stdout)
        plugin = inspect.get("plugin", inspect)
        loaded = sorted(plugin.get("toolNames") or [n for t in inspect.get("tools", []) for n in t.get("names", [])])
        check(plugin.get("status") == "loaded", "the plugin is loaded", {k: plugin.get(k) for k in ("status", "error")})
        check(loaded == tool_names, f"all {len(tool_names)} tools are registered", {"loaded": loaded, "expected": tool_names})
        diagnostics = inspect.get("diagnostics", plugin.get("diagnostics", []))
        check(diagnostics == [], "with no diagnostics", diagnostics)

        print("gateway")
        gateway_env = {
            "E2E_EC_KEY": ENV_EC_KEY,
            "THETA_ONDEMAND_API_BASE_URL": f"http://127.0.0.1:{theta_port}",
            "THETA_PLATFORM_BASE_URL": f"http://127.0.0.1:{theta_port}",
            "THETA_CONTROLLER_BASE_URL": f"http://127.0.0.1:{theta_port}",
        }
        gateway = h.start([args.openclaw, "gateway", "run"], "gateway.log", gateway_env)
        boot = time.monotonic()
        deadline = boot + 180
        while time.monotonic() < deadline:
            if gateway.poll() is not None:
                raise AssertionError(f"FAILED: the gateway exited ({gateway.returncode}); see {h.logs}/gateway.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{h.gateway_port}/health", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(1)
        else:
            raise AssertionError("FAILED: the gateway did not become healthy within 180 s")
        print(f"  gateway healthy after {time.monotonic() - boot:.1f}s")

        status, answer = h.invoke("theta_setup", {})
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True and details.get("command") == "theta.setup",
              "theta_setup runs through /tools/invoke", answer)
        check(details["result"]["ready"] is True,
              "and sees the key (a SecretRef) and the project id from the plugin config", details["result"])

        before = len(theta_requests.snapshot())
        status, answer = h.invoke("theta_ondemand_infer", {"service": "flux", "input": {"prompt": "a lighthouse"}, "dryRun": True})
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True and details.get("dryRun") is True,
              "a dry-run theta_ondemand_infer answers with a preview", answer)
        preview_url = details["result"]["requests"][0]["url"]
        check(preview_url.endswith("/infer_request/flux?wait=30"), "the preview shows the request it would send (with the official wait)", details["result"])
        check(len(theta_requests.snapshot()) == before, "and nothing reached the fake server")

        status, answer = h.invoke("theta_ondemand_status", {"requestId": REQUEST_ID})
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True, "a live theta_ondemand_status succeeds", answer)
        seen = [r for r in theta_requests.snapshot() if r["path"].startswith(f"/infer_request/{REQUEST_ID}")]
        check(len(seen) == 1, "one status request reached the fake server", theta_requests.snapshot())
        check(seen[0]["headers"].get("authorization") == f"Bearer {FILE_ONDEMAND_TOKEN}",
              "its Bearer token came from the file SecretRef in the plugin config")
        check(FILE_ONDEMAND_TOKEN not in json.dumps(answer), "and the token is not in the tool result")

        status, answer = h.invoke("theta_health", {})
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("result", {}).get("authVerified") is True,
              "a live theta_health verifies the project key", answer)
        controller = [r for r in theta_requests.snapshot() if r["path"].startswith("/deployment/list")]
        check(controller and controller[-1]["headers"].get("x-api-key") == ENV_EC_KEY,
              "whose x-api-key came from the env SecretRef in the plugin config")

        serve_pids = pids_of(os.path.join(h.bin, "theta-skill"))
        check(len(serve_pids) == 1, "one theta-skill serve process served every call", serve_pids)
        os.kill(serve_pids[0], signal.SIGKILL)
        time.sleep(0.5)
        status, answer = h.invoke("theta_setup", {})
        check(status == 200 and answer.get("result", {}).get("details", {}).get("ok") is True,
              "after that process is killed, the next call succeeds", answer)
        restarted = pids_of(os.path.join(h.bin, "theta-skill"))
        check(len(restarted) == 1 and restarted != serve_pids, "on a restarted serve process", restarted)

        h.stop(gateway)
        check(not port_open(h.gateway_port), "the gateway stopped and its port is closed")
        time.sleep(1)
        check(pids_of(os.path.join(h.bin, "theta-skill")) == [], "and no theta-skill process is left")

        print("clawhub")
        validate = h.clawhub("package", "validate", plugin_dir, "--openclaw", args.openclaw_package, "--json",
                             "--out", os.path.join(h.root, "validate"), expect_ok=False)
        report = last_json(validate.stdout)
        check(validate.returncode == 0 and report.get("status") == "pass", "clawhub package validate passes on the plugin", report)
        publish = h.clawhub("skill", "publish", os.path.join(args.repo, "dist", "theta-edgecloud"), "--dry-run", "--json",
                            "--registry", f"http://127.0.0.1:{registry_port}", "--no-input", expect_ok=False)
        result = last_json(publish.stdout)
        check(publish.returncode == 0, "clawhub skill publish --dry-run exits 0",
              {"returncode": publish.returncode, "stderr": publish.stderr[-2000:]})
        check(result.get("status") == "would-publish", "clawhub skill publish --dry-run says would-publish", result)
        check(result.get("slug") == "theta-edgecloud", "under the slug theta-edgecloud", result)
        check(any(r["path"].startswith("/api/v1/resolve") for r in registry_requests.snapshot()),
              "after asking the (stub) registry", registry_requests.snapshot())
        ok = True
    finally:
        theta_server.shutdown()
        registry_server.shutdown()
        h.close(keep=args.keep or not ok)
    print(f"\ne2e: {len(CHECKS)} checks passed in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
