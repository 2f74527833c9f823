#!/usr/bin/env python3
"""End-to-end test of elizacloud-skill inside the real OpenClaw gateway.

Run through tests/e2e/run.sh after the Theta checks (same tools, same binary build with the
`local-endpoints` feature). It reuses the harness of openclaw_e2e.py: an isolated OpenClaw
state folder, a fake elizaOS Cloud on 127.0.0.1 that records what it receives, every process
stopped by its id, every wait bounded.

Checks:
  1. the skill (skill/elizacloud) is not eligible without ELIZACLOUD_API_KEY and says so, and
     is eligible once the key is configured (as a SecretRef);
  2. the plugin (dist/elizacloud-plugin) loads with every tool and no diagnostics;
  3. through the gateway, POST /tools/invoke runs elizacloud_setup, a dry-run elizacloud_chat
     (a paid tool: nothing reaches the fake), a dry-run elizacloud_voice_clone that reads a
     local recording (the preview shows its basename, size, type and SHA-256, never its path
     or bytes; nothing reaches the fake) and a live read-only elizacloud_credits_balance
     whose key came from an env SecretRef and arrives as X-API-Key, never in the result.
"""

import argparse
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openclaw_e2e import CHECKS, Harness, Recorder, check, expected_tools, last_json, pids_of, port_open, serve  # noqa: E402

KEY = "eliza_" + "e2e0" * 16


def eliza_handler(recorder):
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
            if headers.get("x-api-key") != KEY:
                self.reply(401, {"success": False, "error": "Invalid or expired API key", "code": "authentication_required"})
            elif self.command == "GET" and path == "/api/v1/credits/balance":
                self.reply(200, {"balance": 4.25})
            else:
                self.reply(404, {"success": False, "error": f"no route {self.command} {path}"})

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    return Handler


class ElizaHarness(Harness):
    """The Theta harness, with the binary linked under its own name."""

    def __init__(self, args):
        super().__init__(args)
        os.remove(os.path.join(self.bin, "theta-skill"))
        os.symlink(os.path.abspath(args.binary), os.path.join(self.bin, "elizacloud-skill"))


def main():
    parser = argparse.ArgumentParser()
    for name in ("--repo", "--binary", "--openclaw"):
        parser.add_argument(name, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    started = time.monotonic()
    h = ElizaHarness(args)
    requests = Recorder()
    server, port = serve(eliza_handler(requests))
    plugin_dir = os.path.join(args.repo, "dist", "elizacloud-plugin")
    tool_names, _ = expected_tools(args.binary)
    binary = os.path.join(h.bin, "elizacloud-skill")
    ok = False
    try:
        print(f"OpenClaw: {h.openclaw('--version').stdout.strip()}")
        h.write_config(os.path.join(args.repo, "skill"))
        h.openclaw("config", "validate")

        print("skill eligibility")
        info = last_json(h.openclaw("skills", "info", "elizacloud", "--json").stdout)
        check(info.get("eligible") is False, "without ELIZACLOUD_API_KEY the elizacloud skill is not eligible", info)
        check(info.get("missing", {}).get("env") == ["ELIZACLOUD_API_KEY"], "and it names the missing variable", info.get("missing"))
        h.openclaw("config", "set", "skills.entries.elizacloud.apiKey",
                   json.dumps({"source": "env", "provider": "default", "id": "E2E_ELIZA_KEY"}), "--strict-json")
        info = last_json(h.openclaw("skills", "info", "elizacloud", "--json").stdout)
        check(info.get("eligible") is True, "with the key configured it is eligible", info)

        print("plugin")
        h.openclaw("plugins", "install", "--link", "--force", "--accept-capabilities",
                   h.linked_plugin(plugin_dir, args.binary))
        plugin_config = {
            "binaryPath": binary,
            "apiKey": {"source": "env", "provider": "default", "id": "E2E_ELIZA_KEY"},
        }
        h.openclaw("config", "set", "plugins.entries.elizacloud.config", json.dumps(plugin_config), "--strict-json")
        h.openclaw("config", "validate")
        inspect = last_json(h.openclaw("plugins", "inspect", "elizacloud", "--runtime", "--json",
                                       extra_env={"E2E_ELIZA_KEY": KEY}).stdout)
        plugin = inspect.get("plugin", inspect)
        loaded = sorted(plugin.get("toolNames") or [n for t in inspect.get("tools", []) for n in t.get("names", [])])
        check(plugin.get("status") == "loaded", "the plugin is loaded", {k: plugin.get(k) for k in ("status", "error")})
        check(loaded == tool_names, f"all {len(tool_names)} tools are registered", {"loaded": loaded, "expected": tool_names})
        diagnostics = inspect.get("diagnostics", plugin.get("diagnostics", []))
        check(diagnostics == [], "with no diagnostics", diagnostics)

        print("gateway")
        gateway = h.start([args.openclaw, "gateway", "run"], "gateway.log",
                          {"E2E_ELIZA_KEY": KEY, "ELIZACLOUD_BASE_URL": f"http://127.0.0.1:{port}"})
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

        status, answer = h.invoke("elizacloud_setup", {})
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True and details.get("command") == "elizacloud.setup",
              "elizacloud_setup runs through /tools/invoke", answer)
        check(details["result"]["ready"] is True, "and sees the key (a SecretRef) from the plugin config", details["result"])

        before = len(requests.snapshot())
        chat = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}], "dryRun": True}
        status, answer = h.invoke("elizacloud_chat", chat)
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True and details.get("dryRun") is True,
              "a dry-run elizacloud_chat (paid) answers with a preview", answer)
        check(details["result"]["requests"][0]["url"].endswith("/api/v1/chat/completions"),
              "the preview shows the request it would send", details["result"])
        check(len(requests.snapshot()) == before, "and nothing reached the fake server")

        recording = os.path.join(h.root, "recordings", "my-voice.wav")
        os.makedirs(os.path.dirname(recording))
        audio = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"e2e-speaker-audio-bytes" * 8
        with open(recording, "wb") as f:
            f.write(audio)
        clone = {"speakerConsent": True, "name": "E2E voice", "cloneType": "instant",
                 "files": [recording], "dryRun": True}
        status, answer = h.invoke("elizacloud_voice_clone", clone)
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True and details.get("dryRun") is True,
              "a dry-run elizacloud_voice_clone (paid, reads a local file) answers with a preview", answer)
        part = details["result"]["requests"][0]["body"]["multipart"]["file0"]
        check(part == {"filename": "my-voice.wav", "contentType": "audio/wav", "bytes": len(audio),
                       "sha256": hashlib.sha256(audio).hexdigest(), "content": "***"},
              "the preview names the file by its basename, size, type and SHA-256", part)
        shown = json.dumps(answer)
        check(os.path.dirname(recording) not in shown and "e2e-speaker-audio-bytes" not in shown,
              "never by its path or its bytes")
        check(len(requests.snapshot()) == before, "and nothing reached the fake server")

        status, answer = h.invoke("elizacloud_credits_balance", {})
        details = answer.get("result", {}).get("details", {})
        check(status == 200 and details.get("ok") is True and details["result"]["balance"] == 4.25,
              "a live elizacloud_credits_balance succeeds", answer)
        seen = [r for r in requests.snapshot() if r["path"].startswith("/api/v1/credits/balance")]
        check(len(seen) == 1 and seen[0]["headers"].get("x-api-key") == KEY,
              "its X-API-Key came from the env SecretRef in the plugin config", requests.snapshot())
        check("authorization" not in seen[0]["headers"], "and it is the only credential header sent")
        check(KEY not in json.dumps(answer), "the key is not in any tool result")

        h.stop(gateway)
        check(not port_open(h.gateway_port), "the gateway stopped and its port is closed")
        time.sleep(1)
        check(pids_of(binary) == [], "and no elizacloud-skill process is left")
        ok = True
    finally:
        server.shutdown()
        h.close(keep=args.keep or not ok)
    print(f"\nelizacloud e2e: {len(CHECKS)} checks passed in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
