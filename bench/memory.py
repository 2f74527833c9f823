#!/usr/bin/env python3
"""Peak RSS of one `run` whose upstream answers a worst-case JSON body (issue 13, defect 4).

A local HTTP server on 127.0.0.1 answers `GET /deployment/list` with bodies built to cost the
most once parsed; the binary must be a test build (it talks to loopback only with the
`local-endpoints` feature), e.g. `$CARGO_TARGET_DIR/debug/theta-skill` after `cargo test`.

    python3 bench/memory.py <path to a test build of theta-skill>

Prints, per body: its size, the peak RSS (GNU time's %M) and the start of the answer (a
refused body answers RESPONSE_TOO_LARGE). Numbers, not a pass/fail gate.
"""
import http.server, threading, subprocess, sys, os, re
binary = sys.argv[1]
bodies = {
    "empty-objects-16MiB": b"[" + b"{}," * (16 * 1024 * 1024 // 3 - 2) + b"{}]",
    "124k-objects": b"[" + b"{}," * 124_000 + b"{}]",
    "249k-strings-16MiB": b"[" + (b'"' + b"a" * 64 + b'",') * 249_000 + b'"a"]',
    "124k-pairs-16MiB": b"[" + (b'{"k":"' + b"b" * 120 + b'"},') * 124_000 + b"{}]",
}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = bodies[self.server.which]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
for which, body in bodies.items():
    srv.which = which
    env = dict(os.environ, THETA_CONTROLLER_BASE_URL=f"http://127.0.0.1:{srv.server_port}",
               THETA_EC_API_KEY="k-123456", THETA_EC_PROJECT_ID="prj_x", THETA_HTTP_MAX_RETRIES="0")
    p = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "run", "theta.deployments.list"],
                       env=env, capture_output=True, text=True)
    rss_kb = int(p.stderr.strip().splitlines()[-1])
    out = p.stdout[:160].replace("\n", " ")
    print(f"{which:22} body {len(body)/2**20:5.1f} MiB  peak RSS {rss_kb/1024:6.1f} MiB  -> {out[:110]}")
