"""A stand-in for the release host, for install_e2e.py: an HTTP forward proxy on 127.0.0.1.

OpenClaw's `download` installer refuses loopback and private addresses, but an operator can
route the gateway's egress through a forward proxy (`proxy.proxyUrl`, "managed proxy"); then
OpenClaw checks the URL's host name and sends the request through the proxy. This proxy answers
`CONNECT github.com:443` by terminating TLS itself with a certificate for github.com signed by a
throwaway CA (which the gateway trusts through NODE_EXTRA_CA_CERTS), and serves the files it was
given at their release URL paths; every other request is refused (403) and recorded, so the test
also sees that nothing else left the gateway.
"""

import os
import socket
import ssl
import subprocess
import threading


def make_ca(folder, host):
    """A throwaway CA and a certificate for `host`; returns (ca.pem, cert.pem, key.pem)."""
    ca_key, ca_pem = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    key, csr, cert = (os.path.join(folder, f"host.{ext}") for ext in ("key", "csr", "pem"))
    ext = os.path.join(folder, "host.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_pem,
            "-days", "2", "-subj", "/CN=install-e2e throwaway CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={host}")
    openssl("x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
    return ca_pem, cert, key


class ReleaseHost:
    """Serves `files` ({path: bytes}) for `https://<host><path>` through CONNECT."""

    def __init__(self, host, files, cert, key):
        self.host = host
        self.files = files
        self.seen = []
        self.lock = threading.Lock()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def record(self, line):
        with self.lock:
            self.seen.append(line)

    def snapshot(self):
        with self.lock:
            return list(self.seen)

    def accept_loop(self):
        while self.running:
            try:
                conn, _ = self.server.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    @staticmethod
    def read_head(conn):
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")

    @staticmethod
    def reply(conn, status, reason, body=b"", content_type="text/plain"):
        head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
        conn.sendall(head.encode() + body)

    def handle(self, conn):
        try:
            conn.settimeout(30)
            head = self.read_head(conn)
            request_line = head.split("\r\n", 1)[0]
            self.record(request_line)
            parts = request_line.split()
            if len(parts) < 2 or parts[0] != "CONNECT" or parts[1] != f"{self.host}:443":
                self.reply(conn, 403, "Forbidden", b"not the release host")
                return
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            tls = self.context.wrap_socket(conn, server_side=True)
            inner = self.read_head(tls)
            inner_line = inner.split("\r\n", 1)[0]
            self.record(f"{self.host} {inner_line}")
            method, path = (inner_line.split() + ["", ""])[:2]
            body = self.files.get(path)
            if method != "GET" or body is None:
                self.reply(tls, 404, "Not Found", b"Not Found")
            else:
                self.reply(tls, 200, "OK", body, "application/octet-stream")
            tls.close()
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        self.server.close()
