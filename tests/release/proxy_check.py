#!/usr/bin/env python3
"""Release-build check: HTTPS_PROXY is honoured.

Starts a fake proxy on 127.0.0.1 that records the CONNECT line and refuses the tunnel, runs
`theta-skill run theta.health` (release build, default Theta origins) with HTTPS_PROXY pointing
at it, and checks that the request went to the proxy as `CONNECT api.thetaedgecloud.com:443`
and that the command failed cleanly with one JSON document.
"""
import json
import socket
import subprocess
import sys
import threading

binary = sys.argv[1]
seen = []
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(4)
server.settimeout(20)
port = server.getsockname()[1]


def accept():
    try:
        conn, _ = server.accept()
    except OSError:
        return
    with conn:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        seen.append(data.split(b"\r\n", 1)[0].decode(errors="replace"))
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")


thread = threading.Thread(target=accept)
thread.start()
env = {"PATH": "/usr/bin:/bin", "HTTPS_PROXY": f"http://127.0.0.1:{port}", "THETA_HTTP_MAX_RETRIES": "0"}
done = subprocess.run([binary, "run", "theta.health"], env=env, capture_output=True, text=True, timeout=60)
thread.join(timeout=30)
server.close()
doc = json.loads(done.stdout)
print(f"proxy saw: {seen}; theta-skill answered {doc['error']['code'] if not doc['ok'] else 'ok'} (exit {done.returncode})")
assert seen == ["CONNECT api.thetaedgecloud.com:443 HTTP/1.1"], seen
assert doc["ok"] is False and done.returncode == 1, doc
print("HTTPS_PROXY is honoured by the release build")
