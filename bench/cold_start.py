#!/usr/bin/env python3
"""Cold-start benchmark: how long one skill process (`theta-skill`, `elizacloud-skill`) takes,
against a Node baseline; several `--binary` arguments are measured side by side.

Every run is a new process (that is how an agent calls the skill). Each case runs N times,
interleaved with the baseline so machine load affects both alike; the report gives the median
and 90th percentile wall time, the peak RSS (one extra run under GNU time: the rusage of a
child started from Python would also count the interpreter's pages before exec), and the ratio
to the baseline measured in the same run. The baseline is `node -e` printing a JSON document: the floor of any Node
runtime, which the earlier JavaScript skill (≈130 ms with its modules) sat well above.

    python3 bench/cold_start.py --binary target/release/theta-skill \
        [--binary target/release/elizacloud-skill] [--runs 40]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time

INFER_ARGS = json.dumps({"service": "flux", "input": {"prompt": "a lighthouse at dusk"}})
CHAT_ARGS = json.dumps({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]})


def cases_for(binary):
    """The same five cases for each pack's binary, with that pack's own commands."""
    name = os.path.basename(binary)
    if name.startswith("elizacloud"):
        pack, setup, gated, gated_args, bad = "elizacloud", "elizacloud.setup", "elizacloud.chat", CHAT_ARGS, ("elizacloud.discovery", '{"limit":0}')
    else:
        pack, setup, gated, gated_args, bad = "theta", "theta.setup", "theta.ondemand.infer", INFER_ARGS, ("theta.auth.capabilities", '{"orgId":"../x"}')
    return [
        (f"{name} --version", [binary, "--version"]),
        (f"{name} run {setup}", [binary, "run", setup]),
        (f"{name} run {gated} --dry-run", [binary, "run", gated, gated_args, "--dry-run"]),
        (f"{name} run bad args (schema error)", [binary, "run", *bad]),
        (f"{name} list --json", [binary, "list", "--json"]),
    ], pack


def measure(argv, env, runs_out):
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    runs_out.append((time.perf_counter() - started) * 1000)
    return done.returncode, done.stdout


def peak_rss_mb(argv, env):
    gnu_time = shutil.which("time") if os.path.exists("/usr/bin/time") else None
    if not gnu_time:
        return None
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    try:
        return int(done.stderr.strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return None


def summary(runs):
    times = sorted(runs)
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    return statistics.median(times), p90


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, action="append")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    cases = []
    must_succeed = set()
    for binary in args.binary:
        binary_cases, _ = cases_for(binary)
        cases += binary_cases
        must_succeed |= {binary_cases[1][0], binary_cases[2][0]}
    node = shutil.which("node")
    baseline = ("node -e (baseline)", [node, "-e", "process.stdout.write(JSON.stringify({ok:true}))"]) if node else None

    results = {name: [] for name, _ in cases}
    baseline_runs = []
    for _ in range(args.runs):
        for name, argv in cases:
            code, output = measure(argv, env, results[name])
            if name in must_succeed and code != 0:
                raise SystemExit(f"{name} failed with {code}: {output[:500]!r}")
        if baseline:
            measure(baseline[1], env, baseline_runs)

    base_median = summary(baseline_runs)[0] if baseline_runs else None
    print(f"cold start, {args.runs} runs each ({os.cpu_count()} cores)")
    print(f"{'case':58} {'median ms':>10} {'p90 ms':>8} {'max RSS MB':>11} {'vs node':>8}")
    rows = list(results.items()) + ([(baseline[0], baseline_runs)] if baseline else [])
    argvs = dict(cases + ([baseline] if baseline else []))
    for name, runs in rows:
        median, p90 = summary(runs)
        rss = peak_rss_mb(argvs[name], env)
        rss_text = f"{rss:11.1f}" if rss is not None else f"{'-':>11}"
        ratio = f"{base_median / median:6.1f}x" if base_median and runs is not baseline_runs else ""
        print(f"{name:58} {median:10.2f} {p90:8.2f} {rss_text} {ratio:>8}")


if __name__ == "__main__":
    main()
