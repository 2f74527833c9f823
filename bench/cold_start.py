#!/usr/bin/env python3
"""Cold-start benchmark: how long one `theta-skill` process takes, against a Node baseline.

Every run is a new process (that is how an agent calls the skill). Each case runs N times,
interleaved with the baseline so machine load affects both alike; the report gives the median
and 90th percentile wall time, the peak RSS (one extra run under GNU time: the rusage of a
child started from Python would also count the interpreter's pages before exec), and the ratio
to the baseline measured in the same run. The baseline is `node -e` printing a JSON document: the floor of any Node
runtime, which the earlier JavaScript skill (≈130 ms with its modules) sat well above.

    python3 bench/cold_start.py --binary target/release/theta-skill [--runs 40]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time

INFER_ARGS = json.dumps({"service": "flux", "input": {"prompt": "a lighthouse at dusk"}})


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
    parser.add_argument("--binary", required=True)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    cases = [
        ("--version", [args.binary, "--version"]),
        ("run theta.setup", [args.binary, "run", "theta.setup"]),
        ("run theta.ondemand.infer --dry-run", [args.binary, "run", "theta.ondemand.infer", INFER_ARGS, "--dry-run"]),
        ("run bad args (schema error)", [args.binary, "run", "theta.auth.capabilities", '{"orgId":"../x"}']),
        ("list --json", [args.binary, "list", "--json"]),
    ]
    node = shutil.which("node")
    baseline = ("node -e (baseline)", [node, "-e", "process.stdout.write(JSON.stringify({ok:true}))"]) if node else None

    results = {name: [] for name, _ in cases}
    baseline_runs = []
    for _ in range(args.runs):
        for name, argv in cases:
            code, output = measure(argv, env, results[name])
            if name.startswith("run theta.") and code != 0:
                raise SystemExit(f"{name} failed with {code}: {output[:500]!r}")
        if baseline:
            measure(baseline[1], env, baseline_runs)

    base_median = summary(baseline_runs)[0] if baseline_runs else None
    print(f"cold start, {args.runs} runs each ({os.cpu_count()} cores)")
    print(f"{'case':40} {'median ms':>10} {'p90 ms':>8} {'max RSS MB':>11} {'vs node':>8}")
    rows = list(results.items()) + ([(baseline[0], baseline_runs)] if baseline else [])
    argvs = dict(cases + ([baseline] if baseline else []))
    for name, runs in rows:
        median, p90 = summary(runs)
        rss = peak_rss_mb(argvs[name], env)
        rss_text = f"{rss:11.1f}" if rss is not None else f"{'-':>11}"
        ratio = f"{base_median / median:6.1f}x" if base_median and runs is not baseline_runs else ""
        print(f"{name:40} {median:10.2f} {p90:8.2f} {rss_text} {ratio:>8}")


if __name__ == "__main__":
    main()
