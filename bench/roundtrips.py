#!/usr/bin/env python3
"""Round-trip benchmark: requests per second over one long-lived process, `serve` against `mcp`.

One process per mode. Each sends the same dry-run paid command (`theta.ondemand.infer`: schema
validation, secrets, the gate and a preview; no network) N times, first one at a time (the
latency a single agent sees), then with a window of requests in flight (what concurrent calls
get). `serve` takes request envelopes, `mcp` takes `tools/call` after an `initialize`
handshake. The report gives round trips per second and the median round trip.

    python3 bench/roundtrips.py --binary target/release/theta-skill [--calls 2000] [--window 32]
"""

import argparse
import json
import os
import statistics
import subprocess
import time

INFER_ARGS = {"service": "flux", "input": {"prompt": "a lighthouse at dusk"}}
TOKEN = "bench-placeholder-token"


class Session:
    def __init__(self, argv, env):
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, bufsize=0)

    def send(self, message):
        self.proc.stdin.write((json.dumps(message) + "\n").encode())

    def read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        if code != 0:
            raise SystemExit(f"the server exited with {code}")


def serve_request(i):
    return {"id": i, "command": "theta.ondemand.infer", "args": INFER_ARGS, "dryRun": True,
            "secrets": {"THETA_ONDEMAND_API_TOKEN": TOKEN}}


def serve_check(answer):
    if answer.get("ok") is not True or answer.get("dryRun") is not True:
        raise SystemExit(f"unexpected serve answer: {answer}")
    return answer["id"]


def mcp_request(i):
    args = dict(INFER_ARGS, dryRun=True)
    return {"jsonrpc": "2.0", "id": i, "method": "tools/call",
            "params": {"name": "theta_ondemand_infer", "arguments": args}}


def mcp_check(answer):
    result = answer.get("result") or {}
    if result.get("isError") is not False:
        raise SystemExit(f"unexpected mcp answer: {answer}")
    document = json.loads(result["content"][0]["text"])
    if document.get("dryRun") is not True:
        raise SystemExit(f"not a preview: {document}")
    return answer["id"]


def mcp_handshake(session):
    session.send({"jsonrpc": "2.0", "id": "init", "method": "initialize",
                  "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                             "clientInfo": {"name": "bench", "version": "1"}}})
    if session.read().get("result", {}).get("protocolVersion") != "2025-11-25":
        raise SystemExit("mcp handshake failed")
    session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})


def run(session, make, check, calls, window):
    """Round trips per second and the median round trip (ms) with `window` requests in flight."""
    started = time.perf_counter()
    sent_at = {}
    latencies = []
    next_id = 1
    while next_id <= min(window, calls):
        sent_at[next_id] = time.perf_counter()
        session.send(make(next_id))
        next_id += 1
    done = 0
    while done < calls:
        answered = check(session.read())
        latencies.append((time.perf_counter() - sent_at.pop(answered)) * 1000)
        done += 1
        if next_id <= calls:
            sent_at[next_id] = time.perf_counter()
            session.send(make(next_id))
            next_id += 1
    elapsed = time.perf_counter() - started
    return calls / elapsed, statistics.median(latencies)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--window", type=int, default=32)
    args = parser.parse_args()
    # A placeholder token (never sent: dry-run), as each mode gets it: `mcp` from its
    # environment, `serve` in the envelope (as the plugin sends it; else it asks the host).
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "THETA_ONDEMAND_API_TOKEN": TOKEN}

    print(f"round trips over one process, dry-run theta.ondemand.infer, {args.calls} calls "
          f"({os.cpu_count()} cores)")
    print(f"{'mode':34} {'calls/s':>9} {'median ms':>10}")
    modes = [
        ("serve", ["serve"], None, serve_request, serve_check),
        ("mcp tools/call", ["mcp"], mcp_handshake, mcp_request, mcp_check),
    ]
    for name, sub, handshake, make, check in modes:
        for window in (1, args.window):
            session = Session([args.binary, *sub], env)
            if handshake:
                handshake(session)
            # Warm up (schema compilation, allocator) before measuring.
            run(session, make, check, min(50, args.calls), 1)
            rate, median = run(session, make, check, args.calls, window)
            session.close()
            label = f"{name}, {'sequential' if window == 1 else f'{window} in flight'}"
            print(f"{label:34} {rate:9.0f} {median:10.3f}")


if __name__ == "__main__":
    main()
