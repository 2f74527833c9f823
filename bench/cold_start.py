#!/usr/bin/env python3
"""Cold-start benchmark: how long one skill process (`theta-skill`, `elizacloud-skill`) takes,
against two baselines; several `--binary` arguments are measured side by side.

Every run is a new process (that is how an agent calls the skill). Each case runs N times,
interleaved with the baselines so machine load affects all alike; the report gives the median
and 90th percentile wall time, the peak RSS (one extra run under GNU time: the rusage of a
child started from Python would also count the interpreter's pages before exec), and the
ratios to the baselines measured in the same run:

- an empty Rust program that prints a JSON document, compiled here with `rustc` at the same
  optimisation and link settings as the release profile, and linked as the binary under test
  is (dynamically, or statically when the binary is static, as the Linux release binaries
  are: static musl): the floor of any Rust binary on this machine. The goal is a cold `setup`
  within 1.5x of it, and a peak RSS of at most 6 MiB. A static glibc build of a skill
  (`RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --target <host>`) stands
  in for the musl release binaries here;
- `node -e` printing a JSON document: the floor of any Node runtime, which the earlier
  JavaScript skill (~130 ms with its modules) sat well above.

    python3 bench/cold_start.py --binary target/release/theta-skill \
        [--binary target/release/elizacloud-skill] [--runs 40]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

INFER_ARGS = json.dumps({"service": "flux", "input": {"prompt": "a lighthouse at dusk"}})
CHAT_ARGS = json.dumps({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]})


def cases_for(binary, same_name):
    """The same five cases for each pack's binary, with that pack's own commands; a static
    binary's cases say so, and builds of one binary from different folders name the folder,
    so that they can be measured side by side."""
    base = os.path.basename(binary)
    name = f"{base} (static)" if is_static(binary) else base
    if same_name:
        name = f"{name} [{os.path.basename(os.path.dirname(os.path.abspath(binary)))}]"
    if base.startswith("elizacloud"):
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


EMPTY_RUST = 'fn main() { println!("{{\\"ok\\":true}}"); }\n'

# The release profile's settings (Cargo.toml) and linker flags (.cargo/config.toml).
RUSTC_FLAGS = ["--edition", "2024", "-C", "opt-level=z", "-C", "strip=symbols", "-C", "lto=fat", "-C", "codegen-units=1", "-C", "panic=unwind"]
RELR = ["-C", "link-arg=-Wl,-z,pack-relative-relocs"]


STATIC = ["-C", "target-feature=+crt-static"]


def is_static(path):
    """Whether an ELF executable has no program interpreter (static, or static-pie)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            return False
        phoff = int.from_bytes(head[0x20:0x28], "little")
        phentsize = int.from_bytes(head[0x36:0x38], "little")
        phnum = int.from_bytes(head[0x38:0x3A], "little")
        f.seek(phoff)
        headers = f.read(phentsize * phnum)
    return all(int.from_bytes(headers[i:i + 4], "little") != 3 for i in range(0, len(headers), phentsize))


def empty_rust(workdir, static=False):
    """Builds the empty Rust baseline (static when asked); None when rustc is not available."""
    rustc = shutil.which("rustc")
    if not rustc:
        return None
    source = os.path.join(workdir, "empty.rs")
    binary = os.path.join(workdir, "empty-rust-static" if static else "empty-rust")
    with open(source, "w", encoding="utf-8") as out:
        out.write(EMPTY_RUST)
    extra = STATIC if static else []
    for flags in (RUSTC_FLAGS + extra + RELR, RUSTC_FLAGS + extra):
        built = subprocess.run([rustc, *flags, "-o", binary, source], capture_output=True, text=True)
        if built.returncode == 0:
            return binary
    raise SystemExit(f"rustc could not build the empty baseline: {built.stderr[:500]}")


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
    static_cases = set()
    names = [os.path.basename(binary) + str(is_static(binary)) for binary in args.binary]
    for binary, key in zip(args.binary, names):
        binary_cases, _ = cases_for(binary, names.count(key) > 1)
        cases += binary_cases
        must_succeed |= {binary_cases[1][0], binary_cases[2][0]}
        if is_static(binary):
            static_cases |= {name for name, _ in binary_cases}
    with tempfile.TemporaryDirectory() as workdir:
        rust = {"dynamic": empty_rust(workdir)}
        if static_cases:
            rust["static"] = empty_rust(workdir, static=True)
        run_all(args, env, cases, must_succeed, rust, static_cases)


DYNAMIC_BASELINE = "empty Rust program (baseline)"
STATIC_BASELINE = "empty Rust program, static (baseline)"


def run_all(args, env, cases, must_succeed, rust, static_cases):
    node = shutil.which("node")
    baselines = []
    if rust.get("dynamic"):
        baselines.append((DYNAMIC_BASELINE, [rust["dynamic"]]))
    if rust.get("static"):
        baselines.append((STATIC_BASELINE, [rust["static"]]))
    if node:
        baselines.append(("node -e (baseline)", [node, "-e", "process.stdout.write(JSON.stringify({ok:true}))"]))

    results = {name: [] for name, _ in cases + baselines}
    for _ in range(args.runs):
        for name, argv in cases + baselines:
            code, output = measure(argv, env, results[name])
            if name in must_succeed and code != 0:
                raise SystemExit(f"{name} failed with {code}: {output[:500]!r}")

    medians = {name: summary(results[name])[0] for name, _ in baselines}
    node_median = medians.get("node -e (baseline)")
    print(f"cold start, {args.runs} runs each ({os.cpu_count()} cores)")
    print(f"{'case':58} {'median ms':>10} {'p90 ms':>8} {'max RSS MB':>11} {'x empty Rust':>13} {'node / it':>10}")
    for name, argv in cases + baselines:
        median, p90 = summary(results[name])
        rss = peak_rss_mb(argv, env)
        rss_text = f"{rss:11.1f}" if rss is not None else f"{'-':>11}"
        # Against the empty program linked as this binary is.
        rust_median = medians.get(STATIC_BASELINE if name in static_cases or name == STATIC_BASELINE else DYNAMIC_BASELINE)
        vs_rust = f"{median / rust_median:12.2f}x" if rust_median else f"{'-':>13}"
        vs_node = f"{node_median / median:9.1f}x" if node_median else f"{'-':>10}"
        print(f"{name:58} {median:10.2f} {p90:8.2f} {rss_text} {vs_rust} {vs_node}")
    if static_cases:
        print("static binaries are compared with the static empty program, the others with the dynamic one")
    print("goal: each `run <pack>.setup` within 1.5x of the empty Rust program, peak RSS at most 6 MiB")


if __name__ == "__main__":
    main()
