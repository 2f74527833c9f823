#!/usr/bin/env python3
"""Peak RSS under worst-case input and worst-case upstreams, in `run`, `serve` and `mcp`.

Issue 17 asks that one request cost at most 160 MiB and a whole `serve` or `mcp` process at
most 512 MiB, whatever the requests and whatever the upstream answers. This measures it:

- requests built to cost the most once parsed: arrays of tiny values, deep nesting, huge
  secrets (in the environment and in the envelope), a 16 MiB argument;
- upstream bodies built likewise: 16 MiB of empty objects, 124,000 objects, long strings of
  escaped control characters (six bytes out per byte in), 127 levels of nesting, and a chat
  stream of tool-call pieces (elizaOS Cloud);
- `run`: one process per case; `serve` and `mcp`: one process per case with `--in-flight`
  (default 64) such requests at once.

A local HTTP server on 127.0.0.1 plays the upstream, so the binaries must be builds with the
`local-endpoints` feature, best in release:

    cargo build --release --features skill-runtime/local-endpoints
    python3 bench/memory.py --bin-dir "$CARGO_TARGET_DIR/release"  [--in-flight 64] [--only TEXT]

Prints one line per case: mode, case, peak RSS (GNU time's %M), the goal, and the first
answer's code. Numbers, not a pass/fail gate (a shared machine's RSS is stable, but the goal
is the reader's judgement, as for every benchmark here).
"""
import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

MiB = 1024 * 1024


def sse_tool_flood(pieces):
    out = [b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"]
    for i in range(pieces):
        chunk = {"id": "c1", "object": "chat.completion.chunk", "model": "m",
                 "choices": [{"index": 0, "delta": {"tool_calls": [
                     {"index": i, "id": f"t{i}", "type": "function",
                      "function": {"name": "f", "arguments": "{}"}}]}}]}
        out.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)[len(out[0]):]


BODIES = {
    "empty-objects-16MiB": lambda: b"[" + b"{}," * (16 * MiB // 3 - 2) + b"{}]",
    "124k-objects": lambda: b"[" + b"{}," * 124_000 + b"{}]",
    "escaped-controls-16MiB": lambda: b'{"s":"' + b"\\u0001" * (16 * MiB // 6 - 2) + b'"}',
    "deep-127": lambda: b"[" * 127 + b"]" * 127,
    "long-string-16MiB": lambda: b'{"s":"' + b"x" * (16 * MiB - 16) + b'"}',
}
SSE = {"sse-tool-calls-3MiB": lambda: sse_tool_flood(24_000)}


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        body, ctype = self.server.body, self.server.ctype
        self.send_response(200)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            pass  # a client that refused a body (RESPONSE_TOO_LARGE) hung up


def start_upstream():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    srv.daemon_threads = True
    srv.body, srv.ctype = b"{}", "application/json"
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def timed(cmd, env, feed=None, stdin=b""):
    """Runs cmd under GNU time. `feed(proc)` writes its input and returns its stdout lines;
    without one, `stdin` is written and the process read to its end. Returns (peak RSS in
    MiB, stdout lines)."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M"] + cmd, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        if feed:
            lines = feed(p)
        else:
            lines = p.communicate(stdin, timeout=600)[0].splitlines()
        p.wait(timeout=600)
        err.seek(0)
        tail = (err.read().decode(errors="replace").strip().splitlines() or ["0"])[-1]
    try:
        return int(tail) / 1024, lines
    except ValueError:
        return float("nan"), lines


def first_code(lines):
    for line in lines:
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc.get("result"), dict) and "content" in doc["result"]:
            doc = json.loads(doc["result"]["content"][0]["text"])
        if doc.get("ok") is True:
            return "ok"
        if isinstance(doc.get("error"), dict):
            return doc["error"].get("code", doc["error"].get("message", "?"))
    return "-"


def serve_feed(requests):
    def feed(p):
        def writer():
            for r in requests:
                p.stdin.write((r + "\n").encode())
            p.stdin.close()
        threading.Thread(target=writer, daemon=True).start()
        return p.stdout.read().splitlines()
    return feed


def mcp_feed(calls):
    def feed(p):
        init = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "memory-bench", "version": "1"}}}
        p.stdin.write((json.dumps(init) + "\n").encode())
        p.stdin.flush()
        p.stdout.readline()
        p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

        def writer():
            for c in calls:
                p.stdin.write((c + "\n").encode())
            p.stdin.flush()
        threading.Thread(target=writer, daemon=True).start()
        out, wanted = [], len(calls)
        while wanted:
            line = p.stdout.readline()
            if not line:
                break
            if b'"id"' in line:
                out.append(line)
                wanted -= 1
        p.stdin.close()
        p.stdout.read()
        return out
    return feed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--in-flight", type=int, default=64)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    theta = os.path.join(args.bin_dir, "theta-skill")
    eliza = os.path.join(args.bin_dir, "elizacloud-skill")
    up = start_upstream()
    base = f"http://127.0.0.1:{up.server_port}"
    env = dict(os.environ, THETA_CONTROLLER_BASE_URL=base, THETA_EC_API_KEY="k-mem-123456",
               THETA_EC_PROJECT_ID="prj_x", THETA_HTTP_MAX_RETRIES="0",
               ELIZACLOUD_BASE_URL=base, ELIZACLOUD_API_KEY="eliza_" + "a" * 64,
               ELIZACLOUD_HTTP_MAX_RETRIES="0")
    n = args.in_flight
    rows = []

    def report(mode, case, rss, goal, lines):
        rows.append((mode, case, rss))
        flag = "" if rss <= goal else "  OVER"
        print(f"{mode:5} {case:34} peak RSS {rss:8.1f} MiB  (goal {goal:4d}){flag}  first: {first_code(lines)}",
              flush=True)

    def wanted(case):
        return args.only in case

    # Worst requests (no upstream needed: they are refused, or previewed in dry-run).
    tiny = "[" + "[]," * (16 * MiB // 3 - 4) + "[]]"
    deep = "[" * 200 + "]" * 200
    big_arg = json.dumps({"service": "flux", "input": {"prompt": "x" * (16 * MiB - 200)}})
    long_secret = "K" + "é/ +" * 250_000
    envelope = json.dumps({"command": "theta.deployments.list",
                           "secrets": {"THETA_EC_API_KEY": long_secret}})
    request_cases = {
        "args-tiny-values-16MiB": (["run", "theta.ondemand.infer", "-"],
                                   '{"service":"flux","input":' + tiny + "}", {}),
        "args-deep-200": (["run", "theta.ondemand.infer", "-"],
                          '{"service":"flux","input":' + deep + "}", {}),
        "args-one-16MiB-string": (["run", "theta.ondemand.infer", "-"],
                                  big_arg[:16 * MiB - 300] + '"}}', {}),
        "secret-1M-chars-envelope": ([], envelope, {}),
        "secret-100K-chars-env": (["run", "theta.deployments.list"], "",
                                  {"THETA_EC_API_KEY": long_secret[:100_000]}),
    }
    for case, (argv, stdin, extra) in request_cases.items():
        if not wanted(case):
            continue
        e = dict(env, THETA_DRY_RUN="1", **extra)
        rss, lines = timed([theta] + argv, e, stdin=stdin.encode())
        report("run", case, rss, 160, lines)
    if wanted("serve-secret-per-line"):
        reqs = [json.dumps({"id": i, "command": "theta.deployments.list", "dryRun": True,
                            "secrets": {"THETA_EC_API_KEY": f"{i:06d}" + "é/ +\"\u0001" * 500}})
                for i in range(2000)]
        t0 = time.time()
        rss, lines = timed([theta, "serve"], dict(env, THETA_DRY_RUN="1"), serve_feed(reqs))
        report("serve", f"serve-secret-per-line-4KiB x2000 ({time.time()-t0:.1f}s)", rss, 512, lines)
    if wanted("serve-tiny-values"):
        reqs = [json.dumps({"id": i, "command": "theta.ondemand.infer", "dryRun": True,
                            "args": {"service": "flux", "input": json.loads("[" + "[]," * 30_000 + "[]]")}})
                for i in range(n)]
        rss, lines = timed([theta, "serve"], env, serve_feed(reqs))
        report("serve", f"serve-tiny-values-90KB x{n}", rss, 512, lines)

    # Worst upstream bodies.
    for case, make in BODIES.items():
        if not wanted(case):
            continue
        up.body, up.ctype = make(), "application/json"
        rss, lines = timed([theta, "run", "theta.deployments.list"], env)
        report("run", case, rss, 160, lines)
        req = json.dumps({"command": "theta.deployments.list"})
        rss, lines = timed([theta, "serve", "--max-in-flight", str(n)], env,
                           serve_feed([req] * n))
        report("serve", f"{case} x{n}", rss, 512, lines)
        call = lambda i: json.dumps({"jsonrpc": "2.0", "id": i + 1, "method": "tools/call",
                                     "params": {"name": "theta_deployments_list", "arguments": {}}})
        rss, lines = timed([theta, "mcp"], env, mcp_feed([call(i) for i in range(n)]))
        report("mcp", f"{case} x{n}", rss, 512, lines)
    for case, make in SSE.items():
        if not wanted(case):
            continue
        up.body, up.ctype = make(), "text/event-stream"
        chat = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "stream": True}
        t0 = time.time()
        rss, lines = timed([eliza, "run", "elizacloud.chat", json.dumps(chat)], env)
        report("run", f"{case} ({time.time()-t0:.1f}s)", rss, 160, lines)
        req = json.dumps({"command": "elizacloud.chat", "args": chat})
        rss, lines = timed([eliza, "serve", "--max-in-flight", str(n)], env, serve_feed([req] * n))
        report("serve", f"{case} x{n}", rss, 512, lines)
    up.shutdown()
    worst = max((r for r in rows), key=lambda r: r[2], default=None)
    if worst:
        print(f"worst: {worst[0]} {worst[1]} {worst[2]:.1f} MiB")


if __name__ == "__main__":
    sys.exit(main())
