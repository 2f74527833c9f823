#!/usr/bin/env python3
"""Peak RSS of uploads of local files: `elizacloud.voice.clone` with ten 10 MiB files (the most
it takes) and `elizacloud.voice.transcribe` with one 24.9 MiB file, run for real against a
local upstream and in dry-run, in `run` (one process) and `serve` (`--in-flight` at once).

Issue 17 asks for at most 160 MiB per request and 512 MiB per `serve` process; an upload
that held its files would need 100-200 MiB per clone. The upstream on 127.0.0.1 reads each
body in small pieces and answers like the real service, so the binary must be a build with
the `local-endpoints` feature, best in release:

    cargo build --release --features skill-runtime/local-endpoints --bin elizacloud-skill
    python3 bench/uploads.py --bin "$CARGO_TARGET_DIR/release/elizacloud-skill" [--in-flight 64] [--only TEXT]

Prints one line per case: mode, case, peak RSS (GNU time's %M), the goal, the first answer's
code and the bytes the upstream received. Numbers, not a pass/fail gate.
"""
import argparse
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import first_code, serve_feed, timed  # noqa: E402  (same measurement)

MiB = 1024 * 1024
ANSWERS = {
    "/api/v1/voice/clone": (201, {"success": True, "voice": {"id": "voice_1"},
                                  "creditsDeducted": 0.504}),
    "/api/v1/voice/stt": (200, {"transcript": "hello", "duration_ms": 1000}),
}


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        left = int(self.headers.get("content-length") or 0)
        while left > 0:
            piece = self.rfile.read(min(left, 256 * 1024))
            if not piece:
                return
            left -= len(piece)
            with self.server.lock:
                self.server.received += len(piece)
        status, answer = ANSWERS.get(self.path, (404, {"error": "not found"}))
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # 64 clients connect at once; the default 5 resets some


def start_upstream():
    srv = Server(("127.0.0.1", 0), Upstream)
    srv.daemon_threads = True
    srv.lock, srv.received = threading.Lock(), 0
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def write_files(folder):
    """Ten 10 MiB WAV files and a 24.9 MiB MP3, of random bytes after their headers (real
    content, not sparse: the page cache is not the process's memory either way)."""
    clone = []
    for i in range(10):
        path = os.path.join(folder, f"take-{i}.wav")
        with open(path, "wb") as f:
            f.write(b"RIFF\x24\x00\x00\x00WAVEfmt ")
            f.write(os.urandom(10 * MiB - 16))
        clone.append(path)
    stt = os.path.join(folder, "meeting.mp3")
    with open(stt, "wb") as f:
        f.write(b"ID3\x04\x00\x00")
        f.write(os.urandom(25 * MiB - 64 * 1024 - 6))
    return clone, stt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="the elizacloud-skill binary")
    ap.add_argument("--in-flight", type=int, default=64)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="uploads-bench-")
    try:
        clone_files, stt_file = write_files(folder)
        up = start_upstream()
        env = dict(os.environ, ELIZACLOUD_BASE_URL=f"http://127.0.0.1:{up.server_port}",
                   ELIZACLOUD_API_KEY="eliza_" + "a" * 64, ELIZACLOUD_HTTP_MAX_RETRIES="0")
        n = args.in_flight
        cases = {
            "clone-10x10MiB": ("elizacloud.voice.clone",
                               {"speakerConsent": True, "name": "Narrator",
                                "cloneType": "instant", "files": clone_files}),
            "transcribe-24.9MiB": ("elizacloud.voice.transcribe", {"file": stt_file}),
        }
        for case, (command, cargs) in cases.items():
            for dry in (True, False):
                label = f"{case}{' dry-run' if dry else ''}"
                e = dict(env, ELIZACLOUD_DRY_RUN="1") if dry else env
                if args.only in f"run {label}":
                    up.received = 0
                    t0 = time.time()
                    rss, lines = timed([args.bin, "run", command, json.dumps(cargs)], e)
                    report("run", f"{label} ({time.time() - t0:.1f}s)", rss, 160, lines,
                           up.received)
                if args.only in f"serve {label}":
                    up.received = 0
                    reqs = [json.dumps({"id": i, "command": command, "args": cargs})
                            for i in range(n)]
                    t0 = time.time()
                    rss, lines = timed([args.bin, "serve", "--max-in-flight", str(n)], e,
                                       serve_feed(reqs))
                    report("serve", f"{label} x{n} ({time.time() - t0:.1f}s)", rss, 512,
                           lines, up.received)
        up.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(mode, case, rss, goal, lines, received):
    flag = "" if rss <= goal else "  OVER"
    print(f"{mode:5} {case:40} peak RSS {rss:8.1f} MiB  (goal {goal:3d}){flag}  "
          f"first: {first_code(lines)}  upstream got {received / MiB:.0f} MiB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
