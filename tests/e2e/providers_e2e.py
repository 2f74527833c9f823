#!/usr/bin/env python3
"""End-to-end test of the OpenClaw providers of both plugins, in the real OpenClaw.

Run through tests/e2e/run.sh (which installs the tools and builds both binaries with the
`local-endpoints` feature). Everything runs offline on 127.0.0.1: an isolated OpenClaw state
folder, fake Theta on-demand and elizaOS Cloud servers that record what they receive and serve
finished outputs as bytes (provider_fakes.py), both plugins installed as users install them.
Every process started here is stopped by its id; every wait is bounded.

Checks, each upstream request checked on its fake (one paid POST per generation, the key sent
once and only to the API, no credential to the output host):
  1. both plugins register a configured image provider (`openclaw infer image providers` lists
     `theta` and `elizacloud`); openclaw_e2e.py and elizacloud_e2e.py check that each plugin
     loads with no diagnostics, plugin_contract.mjs that every registration is in its contract;
  2. local `openclaw infer`: image generate (Theta and elizaOS Cloud) writes the fake's PNG;
     video generate (both) writes the fake's MP4; tts convert (elizaOS Cloud) writes its MP3;
     audio transcribe (Theta: upload slot, PUT, job) returns the fake's transcript; embedding
     create (elizaOS Cloud) returns its vectors; model run (elizaOS Cloud chat) answers;
  3. dry-run (THETA_DRY_RUN / ELIZACLOUD_DRY_RUN): the same generations fail saying what
     would have been sent, and nothing reaches a fake; a missing key names the variable and
     the config field to set;
  4. a gateway agent turn whose model is elizaOS Cloud (through the plugin's chat provider)
     calls OpenClaw's own image_generate with a Theta model: the Theta job runs once, with the
     key from the plugin config's SecretRef, and the image appears in the chat history.

Prints the figures: requests per generation, bytes, time per command.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openclaw_e2e import CHECKS, Harness, check, last_json, pids_of, port_open  # noqa: E402
import provider_fakes  # noqa: E402

OD_TOKEN = "e2e-ondemand-token-5120"
ELIZA_KEY = "eliza_" + "e2e1" * 16
GATEWAY_TOKEN = "e2e-gateway-token"
FIGURES = []


class ProviderHarness(Harness):
    """The e2e harness with both binaries on PATH."""

    def __init__(self, args):
        super().__init__(args)
        os.remove(os.path.join(self.bin, "theta-skill"))
        for name, path in (("theta-skill", args.binary), ("elizacloud-skill", args.eliza_binary)):
            os.symlink(os.path.abspath(path), os.path.join(self.bin, name))

    def timed(self, label, *argv, **kw):
        started = time.monotonic()
        done = self.openclaw(*argv, **kw)
        took = time.monotonic() - started
        return done, took


def requests_since(recorder, before):
    return recorder.snapshot()[before:]


def provider_rows(listed):
    """Every provider row (`{id, configured, ...}`) in an `openclaw infer <kind> providers
    --json` answer, whatever its nesting (a list, or lists under keys)."""
    if isinstance(listed, list):
        return [row for item in listed for row in provider_rows(item)]
    if isinstance(listed, dict):
        own = [listed] if isinstance(listed.get("id"), str) and "configured" in listed else []
        return own + [row for value in listed.values() for row in provider_rows(value)]
    return []


def edit_config(h, change):
    """Applies `change` to the state folder's openclaw.json."""
    path = h.env["OPENCLAW_CONFIG_PATH"]
    with open(path) as f:
        config = json.load(f)
    change(config)
    with open(path, "w") as f:
        json.dump(config, f, indent=2)


def credential_headers(entry):
    return {k: v for k, v in entry["headers"].items() if k in ("authorization", "x-api-key")}


def main():
    parser = argparse.ArgumentParser()
    for name in ("--repo", "--binary", "--eliza-binary", "--openclaw"):
        parser.add_argument(name, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    args.clawhub = None
    args.repo = os.path.abspath(args.repo)
    started = time.monotonic()
    h = ProviderHarness(args)
    theta, theta_port, theta_seen = provider_fakes.serve(provider_fakes.theta_handler, OD_TOKEN)
    eliza, eliza_port, eliza_seen = provider_fakes.serve(provider_fakes.eliza_handler, ELIZA_KEY)
    out = os.path.join(h.root, "out")
    os.makedirs(out)
    base_env = {
        "THETA_ONDEMAND_API_BASE_URL": f"http://127.0.0.1:{theta_port}",
        "ELIZACLOUD_BASE_URL": f"http://127.0.0.1:{eliza_port}",
    }
    # Local `openclaw infer` hands the plugin its config's SecretRefs unresolved: the keys then
    # come from the environment, the documented fallback.
    local_env = dict(base_env, THETA_ONDEMAND_API_TOKEN=OD_TOKEN, ELIZACLOUD_API_KEY=ELIZA_KEY)
    ok = False
    try:
        print(f"OpenClaw: {h.openclaw('--version').stdout.strip()}")
        h.write_config(os.path.join(args.repo, "skill"))
        # Each plugin with its binary's npm package beside it, as npm installs it (OpenClaw
        # refuses a plugin whose dependencies are missing).
        for plugin, binary in (("theta-edgecloud", args.binary), ("elizacloud", args.eliza_binary)):
            h.openclaw("plugins", "install", "--link", "--force", "--accept-capabilities",
                       h.linked_plugin(os.path.join(args.repo, "dist", f"{plugin}-plugin"), binary))
        # Written as a user's openclaw.json would say it (one `config validate` below).
        edit_config(h, lambda config: (
            config["plugins"]["entries"]["theta-edgecloud"].__setitem__("config", {
                "binaryPath": os.path.join(h.bin, "theta-skill"),
                "ondemandApiToken": {"source": "env", "provider": "default", "id": "E2E_OD_TOKEN"},
            }),
            config["plugins"]["entries"]["elizacloud"].__setitem__("config", {
                "binaryPath": os.path.join(h.bin, "elizacloud-skill"),
                "apiKey": {"source": "env", "provider": "default", "id": "E2E_ELIZA_KEY"},
            }),
            # Transcription is picked in tools.media (spec/openclaw-providers.md §2.4).
            config.setdefault("tools", {}).__setitem__("media", {
                "models": [{"provider": "theta", "model": "whisper", "capabilities": ["audio"]}],
                "audio": {"enabled": True},
            }),
        ))
        h.openclaw("config", "validate")

        print("providers")
        listed = last_json(h.openclaw("infer", "image", "providers", "--json", extra_env=local_env).stdout)
        configured = {row["id"] for row in provider_rows(listed) if row.get("configured") is True}
        check({"theta", "elizacloud"} <= configured,
              "both plugins register a configured image provider (`openclaw infer image providers`)", sorted(configured))

        def generate(label, seen, argv, env=local_env):
            before = seen.count()
            done, took = h.timed(label, "infer", *argv, "--json", extra_env=env, expect_ok=False)
            result = last_json(done.stdout)
            check(done.returncode == 0 and result.get("ok") is True, f"{label} succeeds",
                  {"result": result, "stderr": done.stderr[-2000:]})
            return result, requests_since(seen, before), took

        def paid_once(label, new, method, path, key_header, key_value, detail=None):
            posts = [r for r in new if r["method"] == method and r["path"] == path]
            check(len(posts) == 1, f"{label}: one paid {method} {path}", detail or new)
            check(credential_headers(posts[0]) == {key_header: key_value},
                  f"{label}: the key sent once, as {key_header}", credential_headers(posts[0]))
            return posts[0]

        def no_credentials(label, new, prefix):
            fetched = [r for r in new if r["path"].startswith(prefix)]
            check(fetched and all(credential_headers(r) == {} for r in fetched),
                  f"{label}: no credential sent to the output host", fetched)

        def written(result, expected):
            path = result["outputs"][0]["path"]
            with open(path, "rb") as f:
                data = f.read()
            return data == expected, len(data)

        print("image generation")
        bearer = f"Bearer {OD_TOKEN}"
        for label, model, seen, post, key in (
            ("theta image", "theta/flux", theta_seen, "/infer_request/flux", ("authorization", bearer)),
            ("elizacloud image", "elizacloud/google/nano-banana-2/text-to-image", eliza_seen,
             "/api/v1/generate-image", ("x-api-key", ELIZA_KEY)),
        ):
            target = os.path.join(out, label.replace(" ", "-") + ".png")
            result, new, took = generate(f"infer image generate --model {model}", seen, [
                "image", "generate", "--model", model, "--prompt", "a tiny red square", "--output", target])
            same, size = written(result, provider_fakes.PNG)
            check(same, f"{label}: the file holds the fake's PNG ({size} bytes)", result)
            sent = paid_once(label, new, "POST", post, *key)
            check("a tiny red square" in json.dumps(sent["body"]), f"{label}: the prompt was sent", sent["body"])
            no_credentials(label, new, "/outputs/" if seen is theta_seen else "/media/")
            FIGURES.append((label, len(new), size, took))

        print("video generation")
        for label, model, seen, post, key in (
            ("theta video", "theta/step_video", theta_seen, "/infer_request/step_video", ("authorization", bearer)),
            ("elizacloud video", "elizacloud/vidu/q3-turbo/text-to-video", eliza_seen,
             "/api/v1/generate-video", ("x-api-key", ELIZA_KEY)),
        ):
            target = os.path.join(out, label.replace(" ", "-") + ".mp4")
            result, new, took = generate(f"infer video generate --model {model}", seen, [
                "video", "generate", "--model", model, "--prompt", "a paper boat on a river",
                "--duration", "3", "--output", target])
            same, size = written(result, provider_fakes.MP4)
            check(same, f"{label}: the file holds the fake's MP4 ({size} bytes)", result)
            paid_once(label, new, "POST", post, *key)
            no_credentials(label, new, "/outputs/" if seen is theta_seen else "/media/")
            FIGURES.append((label, len(new), size, took))
        checks = [r for r in theta_seen.snapshot() if r["path"] == "/infer_request/infr_rqst_e2e_vid"]
        check(len(checks) == 2, "theta video: the pending job was checked until it finished (free GETs)", checks)

        print("speech")
        target = os.path.join(out, "speech.mp3")
        result, new, took = generate("infer tts convert --provider elizacloud", eliza_seen, [
            "tts", "convert", "--provider", "elizacloud", "--text", "hello from OpenClaw", "--output", target])
        same, size = written(result, provider_fakes.MP3)
        check(same, f"elizacloud speech: the file holds the fake's MP3 ({size} bytes)", result)
        sent = paid_once("elizacloud speech", new, "POST", "/api/v1/voice/tts", "x-api-key", ELIZA_KEY)
        check(sent["body"].get("text") == "hello from OpenClaw", "elizacloud speech: the text was sent", sent["body"])
        FIGURES.append(("elizacloud speech", len(new), size, took))

        print("transcription")
        recording = os.path.join(out, "note.wav")
        wav = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x08\x00\x00" + b"\x00" * 2048
        with open(recording, "wb") as f:
            f.write(wav)
        result, new, took = generate("infer audio transcribe --model theta/whisper", theta_seen, [
            "audio", "transcribe", "--file", recording, "--model", "theta/whisper"])
        check(provider_fakes.TRANSCRIPT in json.dumps(result), "theta transcription: the fake's transcript comes back", result)
        paid_once("theta transcription (upload slot)", new, "POST", "/infer_request/whisper/input_presigned_urls",
                  "authorization", bearer)
        job = paid_once("theta transcription", new, "POST", "/infer_request/whisper", "authorization", bearer)
        check(job["body"]["input"].get("audio_filename") == "e2e-rec.wav",
              "theta transcription: the job names the uploaded file", job["body"])
        uploads = [r for r in new if r["method"] == "PUT"]
        check(len(uploads) == 1 and uploads[0]["bytes"] == len(wav) and credential_headers(uploads[0]) == {},
              f"theta transcription: the recording ({len(wav)} bytes) was uploaded once, with no credential", uploads)
        FIGURES.append(("theta transcription", len(new), len(wav), took))

        print("embeddings")
        result, new, took = generate("infer embedding create --model elizacloud/…", eliza_seen, [
            "embedding", "create", "--text", "blue squares", "--text", "red circles",
            "--model", "elizacloud/openai/text-embedding-3-small"])
        vectors = [o.get("embedding") for o in result.get("outputs", [])]
        check(len(vectors) == 2 and vectors[0][:1] == [0.1], "elizacloud embeddings: two vectors, in order", result)
        sent = paid_once("elizacloud embeddings", new, "POST", "/api/v1/embeddings", "x-api-key", ELIZA_KEY)
        check(sent["body"]["input"] == ["blue squares", "red circles"], "elizacloud embeddings: one batch", sent["body"])
        FIGURES.append(("elizacloud embeddings", len(new), 0, took))

        print("dry-run and missing keys")
        for label, model, seen, var in (("theta", "theta/flux", theta_seen, "THETA_DRY_RUN"),
                                        ("elizacloud", "elizacloud/google/nano-banana-2/text-to-image", eliza_seen,
                                         "ELIZACLOUD_DRY_RUN")):
            before = seen.count()
            done = h.openclaw("infer", "image", "generate", "--model", model, "--prompt", "a tiny red square",
                              "--output", os.path.join(out, "dry.png"), "--json",
                              extra_env=dict(local_env, **{var: "1"}), expect_ok=False)
            message = json.dumps(last_json(done.stdout))
            check(done.returncode != 0 and "dry-run" in message and "nothing was sent" in message,
                  f"{label} image with {var}=1 fails, saying nothing was sent", {"stdout": done.stdout[-1500:]})
            check("a tiny red square" in message and "POST http://127.0.0.1:" in message,
                  f"{label} dry-run: and what would have been sent", message)
            check(seen.count() == before, f"{label} dry-run: nothing reached the fake")
        before = eliza_seen.count()
        done = h.openclaw("infer", "tts", "convert", "--provider", "elizacloud", "--text", "hi",
                          "--output", os.path.join(out, "dry.mp3"), "--json",
                          extra_env=dict(local_env, ELIZACLOUD_DRY_RUN="1"), expect_ok=False)
        check(done.returncode != 0 and "nothing was sent" in done.stdout and eliza_seen.count() == before,
              "elizacloud speech with ELIZACLOUD_DRY_RUN=1 fails and sends nothing", done.stdout[-1500:])
        for label, model, missing in (("theta", "theta/flux", ("THETA_ONDEMAND_API_TOKEN", "plugins.entries.theta-edgecloud.config.ondemandApiToken")),
                                      ("elizacloud", "elizacloud/google/nano-banana-2/text-to-image",
                                       ("ELIZACLOUD_API_KEY", "plugins.entries.elizacloud.config.apiKey"))):
            before = theta_seen.count() + eliza_seen.count()
            done = h.openclaw("infer", "image", "generate", "--model", model, "--prompt", "x",
                              "--output", os.path.join(out, "nokey.png"), "--json", extra_env=base_env, expect_ok=False)
            message = done.stdout + done.stderr
            check(done.returncode != 0 and all(m in message for m in missing),
                  f"{label} image without a key fails, naming {missing[0]} and {missing[1]}", message[-2000:])
            check(theta_seen.count() + eliza_seen.count() == before, f"{label} without a key: nothing was sent")

        print("chat model")
        # The gateway route of spec/openclaw-providers.md §2.6: the key as a SecretRef in
        # models.providers, the base URL there too (here: the fake).
        edit_config(h, lambda config: config.setdefault("models", {}).setdefault("providers", {}).__setitem__(
            "elizacloud", {"baseUrl": f"http://127.0.0.1:{eliza_port}/api/v1", "api": "openai-completions",
                           "apiKey": {"source": "env", "provider": "default", "id": "E2E_ELIZA_KEY"}, "models": []}))
        chat_env = dict(local_env, E2E_ELIZA_KEY=ELIZA_KEY)
        result, new, took = generate("infer model run --model elizacloud/openai/gpt-4o-mini", eliza_seen, [
            "model", "run", "--local", "--model", "elizacloud/openai/gpt-4o-mini", "--prompt", "Reply pong"], env=chat_env)
        check("pong" in json.dumps(result), "elizacloud chat model: it answers", result)
        sent = paid_once("elizacloud chat model", new, "POST", "/api/v1/chat/completions", "authorization",
                         f"Bearer {ELIZA_KEY}")
        check(sent["body"].get("model") == "openai/gpt-4o-mini", "elizacloud chat model: the model id is passed", sent["body"])
        FIGURES.append(("elizacloud chat", len(new), 0, took))

        print("gateway agent turn")
        edit_config(h, lambda config: (
            config.setdefault("agents", {}).setdefault("defaults", {}).update({
                "model": {"primary": "elizacloud/openai/gpt-4o-mini"},
                "mediaModels": {"image": {"primary": "theta/flux"}},
            }),
            # Direct tool schemas for the scripted model (spec/openclaw-harness.md §3.2).
            config["tools"].__setitem__("toolSearch", False),
        ))
        h.openclaw("config", "validate")
        # No key in the gateway's environment: the Theta key must come from the plugin config's
        # SecretRef, resolved by the gateway; the chat key from models.providers.elizacloud.apiKey.
        gateway = h.start([args.openclaw, "gateway", "run"], "gateway.log",
                          dict(base_env, E2E_OD_TOKEN=OD_TOKEN, E2E_ELIZA_KEY=ELIZA_KEY))
        boot = time.monotonic()
        while time.monotonic() < boot + 180:
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
        theta_before, eliza_before = theta_seen.count(), eliza_seen.count()
        turn_started = time.monotonic()
        done = h.openclaw("agent", "--agent", "main", "--session-key", "agent:main:e2e", "--message",
                          "USE_TOOL make an image of a tiny red square", "--json", "--timeout", "120",
                          timeout=240, expect_ok=False)
        turn = last_json(done.stdout)
        summary = json.dumps(turn)
        check(done.returncode == 0 and "image_generate" in summary,
              "an agent turn on the elizaOS Cloud chat model calls OpenClaw's image_generate",
              {"stdout": done.stdout[-3000:], "stderr": done.stderr[-2000:]})
        image = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and image is None:
            history = last_json(h.openclaw("gateway", "call", "chat.history", "--json", "--params",
                                           json.dumps({"sessionKey": "agent:main:e2e"}), expect_ok=False).stdout)
            for message in history.get("messages", []) if isinstance(history, dict) else []:
                for part in message.get("content", []) if isinstance(message.get("content"), list) else []:
                    if isinstance(part, dict) and part.get("type") == "image":
                        image = part
            if image is None:
                time.sleep(3)
        check(image is not None and image.get("mimeType") == "image/png",
              "the Theta image appears in the chat history as an image part", image)
        turn_took = time.monotonic() - turn_started
        jobs = [r for r in requests_since(theta_seen, theta_before) if r["path"] == "/infer_request/flux"]
        check(len(jobs) == 1 and credential_headers(jobs[0]) == {"authorization": bearer},
              "the Theta job ran once, its key from the plugin config's SecretRef (resolved by the gateway)", jobs)
        chats = [r for r in requests_since(eliza_seen, eliza_before) if r["path"] == "/api/v1/chat/completions"]
        check(chats and all(credential_headers(r) == {"authorization": f"Bearer {ELIZA_KEY}"} for r in chats),
              f"the agent's {len(chats)} model requests went to elizaOS Cloud with its key", len(chats))
        FIGURES.append(("agent turn (image_generate, theta)", len(jobs) + len(chats), image.get("sizeBytes") or 0, turn_took))
        h.stop(gateway)
        check(not port_open(h.gateway_port), "the gateway stopped and its port is closed")
        time.sleep(1)
        check(pids_of(os.path.join(h.bin, "theta-skill")) == [] and pids_of(os.path.join(h.bin, "elizacloud-skill")) == [],
              "and no skill process is left")
        ok = True
    finally:
        theta.shutdown()
        eliza.shutdown()
        h.close(keep=args.keep or not ok)
    print("\nfigures (requests the fake received, bytes delivered, seconds):")
    for label, requests, size, took in FIGURES:
        print(f"  {label:<38} {requests:>3} requests {size:>8} bytes {took:6.1f} s")
    print(f"\nproviders e2e: {len(CHECKS)} checks passed in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
