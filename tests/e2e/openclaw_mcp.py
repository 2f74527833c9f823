#!/usr/bin/env python3
"""MCP pass of the end-to-end test: the real `openclaw mcp` CLI against `theta-skill mcp`, offline.

`openclaw mcp add` (which probes the server before saving), `openclaw mcp probe --json` and
`openclaw mcp doctor --probe --json` spawn the binary directly: no gateway, no model, no
network. Checks: the server is saved with its timeout and parallel flag; the probe lists one
tool per command, named `theta__<tool name>`, with no approval warning (every tool carries
safety annotations); the doctor reports no issue. State is isolated in a scratch folder.

With `--inspector`, the MCP Inspector CLI (`@modelcontextprotocol/inspector`) also lists the
tools with `--strict` schema checks, calls a read-only tool, a paid tool in dry-run (its
`dryRun` argument) and a tool with bad arguments (exit 5: a result with `isError`).

    python3 tests/e2e/openclaw_mcp.py --binary <theta-skill> --openclaw <openclaw bin> \
        [--inspector <mcp-inspector bin>]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def check(condition, message, detail=None):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        if detail is not None:
            print(detail if isinstance(detail, str) else json.dumps(detail, indent=2)[:4000], file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--openclaw", required=True)
    parser.add_argument("--inspector", help="the mcp-inspector binary (optional)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)

    root = tempfile.mkdtemp(prefix="theta-openclaw-mcp-")
    state = os.path.join(root, "state")
    os.makedirs(os.path.join(state, ".openclaw"))
    os.makedirs(os.path.join(root, "tmp"))
    config = os.path.join(state, ".openclaw", "openclaw.json")
    with open(config, "w") as f:
        f.write('{ update: { checkOnStart: false }, gateway: { mode: "local", bind: "loopback", '
                'port: 18798, auth: { mode: "token", token: "mcp-e2e" } } }\n')
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": state, "OPENCLAW_HOME": state,
        "OPENCLAW_STATE_DIR": os.path.join(state, ".openclaw"),
        "OPENCLAW_CONFIG_PATH": config,
        "OPENCLAW_NO_AUTO_UPDATE": "1", "DO_NOT_TRACK": "1",
        "OPENCLAW_SUPERVISOR_MODE": "external",
        "TMPDIR": os.path.join(root, "tmp"),
    }

    def openclaw(*argv, timeout=180):
        done = subprocess.run([args.openclaw, *argv], env=env, cwd=root, capture_output=True,
                              text=True, timeout=timeout)
        return done.returncode, done.stdout, done.stderr

    try:
        listed = json.loads(subprocess.run([binary, "list", "--json"], capture_output=True, text=True,
                                           check=True, timeout=30).stdout)
        expected = sorted(f"theta__{c['toolName']}" for c in listed)

        code, out, err = openclaw("mcp", "add", "theta", "--command", binary, "--arg", "mcp",
                                  "--env", "THETA_DRY_RUN=1", "--timeout", "1800", "--parallel")
        check(code == 0, "openclaw mcp add probes and saves the server", out + err)
        with open(config) as f:
            saved = f.read()
        check('"mcp"' in saved and "THETA_DRY_RUN" in saved, "the server entry is in the config", saved)

        code, out, err = openclaw("mcp", "probe", "theta", "--json")
        check(code == 0, "openclaw mcp probe connects", err)
        probe = json.loads(out)
        server = probe["servers"]["theta"]
        check(server["tools"] == len(listed), f"the probe counts {len(listed)} tools", server)
        check(sorted(probe["tools"]) == expected, "every command is a tool named theta__<tool name>",
              {"missing": sorted(set(expected) - set(probe["tools"])),
               "extra": sorted(set(probe["tools"]) - set(expected))})
        check("approvalHint" not in json.dumps(probe), "no approval warning: every tool is annotated", probe)
        check(server["requestTimeoutMs"] == 1_800_000 and server["supportsParallelToolCalls"] is True,
              "timeout and parallel calls as configured", server)
        check(not probe.get("diagnostics"), "no diagnostics", probe.get("diagnostics"))

        code, out, err = openclaw("mcp", "doctor", "theta", "--probe", "--json")
        doctor = json.loads(out) if out.strip() else {}
        check(code == 0 and doctor.get("ok") is True, "openclaw mcp doctor --probe is clean", out + err)
        issues = [i for s in doctor.get("servers", []) for i in s.get("issues", [])]
        check(not issues, "no doctor issues", issues)

        if args.inspector:
            inspector(args.inspector, binary, env, root, len(listed))
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def inspector(program, binary, env, root, count):
    def run(*argv, server_env=()):
        extra = [arg for pair in server_env for arg in ("-e", pair)]
        done = subprocess.run([program, "--cli", *extra, binary, "mcp", *argv], env=env, cwd=root,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    def document(out):
        return json.loads(json.loads(out)["content"][0]["text"])

    code, out, err = run("--method", "tools/list", "--strict")
    check(code == 0, "mcp-inspector --strict accepts every tool schema", out + err)
    check(len(json.loads(out)["tools"]) == count, f"mcp-inspector lists {count} tools")

    code, out, err = run("--method", "tools/call", "--tool-name", "theta_setup")
    check(code == 0 and document(out)["ok"] is True, "mcp-inspector calls a read-only tool", out + err)

    code, out, err = run("--method", "tools/call", "--tool-name", "theta_ondemand_infer",
                         "--tool-arg", "service=flux", "--tool-arg", 'input={"prompt":"a lighthouse"}',
                         "--tool-arg", "dryRun=true")
    check(code == 0 and document(out)["dryRun"] is True, "a paid tool previews with dryRun: true",
          out + err)

    code, out, err = run("--method", "tools/call", "--tool-name", "theta_ondemand_status",
                         "--tool-arg", "requestId=../x")
    check(code == 5 and document(out)["error"]["code"] == "INVALID_ONDEMAND_REQUEST_ID",
          "bad arguments are a result with isError (exit 5) carrying the error document", out + err)


if __name__ == "__main__":
    main()
