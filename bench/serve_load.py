#!/usr/bin/env python3
"""Load benchmark for `theta-skill serve` (issue 13): throughput and peak RSS.

Two cases, each one `serve` process fed from a pipe:

1. dry-run: N dry-run `theta.ondemand.infer` lines (the secret in the envelope, as the
   OpenClaw plugin sends it), written as fast as the process reads them. Reports requests
   per second (first byte written to last answer read) and the peak RSS. Goal: >= 20,000/s
   on 2 cores, peak RSS <= 64 MiB however large N is (run it with two sizes to see RSS flat).
2. slow upstream: M read-only `theta.ondemand.listServices` lines against a local fake
   that answers after DELAY seconds and records how many requests it holds at once. Reports
   the peak concurrency the fake saw (must not exceed --max-in-flight), throughput, and
   peak RSS.
3. rotating secrets: the listing lines of case 2 against a fake that answers at once, each
   line with its own `THETA_ONDEMAND_API_TOKEN` (a host that rotates tokens, or a
   hostile one): every distinct secret is remembered for redaction, so this shows whether
   that memory and the redaction time stay bounded (compare N/5 and N lines).

Peak RSS is GNU time's "maximum resident set size" of the serve process.
The binary must be built with the `local-endpoints` feature (the fake listens on
127.0.0.1 over http):

    cargo build --release --features skill-runtime/local-endpoints
    python3 bench/serve_load.py --binary target/release/theta-skill [--lines 50000] \
        [--slow-lines 2000] [--delay 0.2] [--max-in-flight 64]
"""

import argparse
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time

INFER = {
    "command": "theta.ondemand.infer",
    "args": {"service": "flux", "input": {"prompt": "a lighthouse at dusk"}},
    "dryRun": True,
    "secrets": {"THETA_ONDEMAND_API_TOKEN": "bench-token-0123456789"},
}
# The same dry-run case for elizacloud-skill (--eliza-binary): a paid chat, previewed.
ELIZA_CHAT = {
    "command": "elizacloud.chat",
    "args": {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
    "dryRun": True,
    "secrets": {"ELIZACLOUD_API_KEY": "eliza_" + "0" * 64},
}
LIST = {
    "command": "theta.ondemand.listServices",
    "secrets": {"THETA_ONDEMAND_API_TOKEN": "bench-token-0123456789"},
}


def lines_of(template, n, rotate=False):
    out = bytearray()
    for i in range(n):
        line = {"id": i, **template}
        if rotate:
            line["secrets"] = {"THETA_ONDEMAND_API_TOKEN": f"rotating-token-{i:08d}-{i * 7919:012d}"}
        out += json.dumps(line, separators=(",", ":")).encode() + b"\n"
    return bytes(out)


def run_serve(binary, input_bytes, env, extra_args=()):
    """Runs serve under GNU time, feeding input_bytes; returns (seconds, answers, peak_kib)."""
    with tempfile.NamedTemporaryFile() as rss:
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss.name, binary, "serve", *extra_args]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        answers = 0
        ok = 0

        def read():
            nonlocal answers, ok
            for line in proc.stdout:
                doc = json.loads(line)
                if doc.get("type") == "secret":
                    continue
                answers += 1
                ok += doc.get("ok") is True

        reader = threading.Thread(target=read)
        reader.start()
        started = time.perf_counter()
        view = memoryview(input_bytes)
        for at in range(0, len(view), 1 << 16):
            proc.stdin.write(view[at : at + (1 << 16)])
        proc.stdin.close()
        reader.join()
        elapsed = time.perf_counter() - started
        proc.wait()
        with open(rss.name) as f:
            peak = int(f.read().strip().splitlines()[-1])
        return elapsed, answers, ok, peak, proc.returncode


class SlowFake(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 4096

    def __init__(self, delay):
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.delay = delay
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.total = 0


class SlowHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
        with server.lock:
            server.now += 1
            server.total += 1
            server.peak = max(server.peak, server.now)
        time.sleep(server.delay)
        body = json.dumps({"status": "success", "body": {"services": []}}).encode()
        with server.lock:
            server.now -= 1
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--lines", type=int, default=50000)
    parser.add_argument("--slow-lines", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--max-in-flight", type=int, default=None,
                        help="pass --max-in-flight (omit for binaries without the flag)")
    parser.add_argument("--skip-slow", action="store_true")
    parser.add_argument("--rotating-lines", type=int, default=20000,
                        help="lines of the rotating-secrets case (0 skips it)")
    parser.add_argument("--eliza-binary", default=None,
                        help="also run the dry-run case on elizacloud-skill, side by side")
    args = parser.parse_args()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    extra = ["--max-in-flight", str(args.max_in_flight)] if args.max_in_flight else []

    report = {"binary": args.binary}
    for n in sorted({args.lines // 5, args.lines}):
        elapsed, answers, ok, peak, code = run_serve(args.binary, lines_of(INFER, n), env, extra)
        report[f"dry_run_{n}"] = {
            "answers": answers, "ok": ok, "exit": code, "seconds": round(elapsed, 3),
            "requests_per_s": round(answers / elapsed), "peak_rss_mib": round(peak / 1024, 1),
        }
        print(json.dumps({f"dry_run_{n}": report[f"dry_run_{n}"]}), flush=True)

    if args.eliza_binary:
        for n in sorted({args.lines // 5, args.lines}):
            elapsed, answers, ok, peak, code = run_serve(
                args.eliza_binary, lines_of(ELIZA_CHAT, n), env, extra)
            key = f"elizacloud_dry_run_{n}"
            report[key] = {
                "answers": answers, "ok": ok, "exit": code, "seconds": round(elapsed, 3),
                "requests_per_s": round(answers / elapsed), "peak_rss_mib": round(peak / 1024, 1),
            }
            print(json.dumps({key: report[key]}), flush=True)

    if args.rotating_lines:
        fake = SlowFake(0)
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        fast_env = {**env, "THETA_ONDEMAND_API_BASE_URL": f"http://127.0.0.1:{fake.server_port}",
                    "THETA_HTTP_MAX_RETRIES": "0"}
        for n in sorted({args.rotating_lines // 5, args.rotating_lines}):
            elapsed, answers, ok, peak, code = run_serve(
                args.binary, lines_of(LIST, n, rotate=True), fast_env, extra)
            key = f"rotating_secrets_{n}"
            report[key] = {
                "answers": answers, "ok": ok, "exit": code, "seconds": round(elapsed, 3),
                "requests_per_s": round(answers / elapsed), "peak_rss_mib": round(peak / 1024, 1),
            }
            print(json.dumps({key: report[key]}), flush=True)
        fake.shutdown()

    if not args.skip_slow:
        fake = SlowFake(args.delay)
        threading.Thread(target=fake.serve_forever, daemon=True).start()
        slow_env = {**env, "THETA_ONDEMAND_API_BASE_URL": f"http://127.0.0.1:{fake.server_port}",
                    "THETA_HTTP_TIMEOUT_MS": "600000", "THETA_HTTP_MAX_RETRIES": "0"}
        elapsed, answers, ok, peak, code = run_serve(
            args.binary, lines_of(LIST, args.slow_lines), slow_env, extra)
        fake.shutdown()
        report["slow_upstream"] = {
            "answers": answers, "ok": ok, "exit": code, "delay_s": args.delay,
            "upstream_requests": fake.total, "peak_concurrent_upstream": fake.peak,
            "seconds": round(elapsed, 3), "requests_per_s": round(answers / elapsed, 1),
            "peak_rss_mib": round(peak / 1024, 1),
        }
        print(json.dumps({"slow_upstream": report["slow_upstream"]}), flush=True)


if __name__ == "__main__":
    main()
