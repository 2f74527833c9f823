"""Fake Theta on-demand and elizaOS Cloud servers for the provider e2e (providers_e2e.py).

Both run on 127.0.0.1, record every request (method, path, query, headers, body size and
JSON body), refuse a wrong key, and serve finished outputs as bytes from their own port, as
the real clouds serve them from a CDN: a 1x1 PNG, an MP4 header, MP3 bytes. The elizaOS fake
also plays the agent's chat model: a scripted OpenAI-compatible stream that calls
`image_generate` with a Theta model when asked to (`USE_TOOL`), and answers otherwise.
"""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A real 1x1 RGBA PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# The start of an MP4 (ftyp box) and some payload.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048
# MP3 bytes (an ID3 header and a frame marker).
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 1024
TRANSCRIPT = "hello from the fake whisper"


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def add(self, entry):
        with self.lock:
            self.requests.append(entry)

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def count(self):
        with self.lock:
            return len(self.requests)


class Base(BaseHTTPRequestHandler):
    recorder = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_bytes(self, status, data, content_type, extra=None):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def reply(self, status, body):
        self.send_bytes(status, json.dumps(body).encode(), "application/json")

    def sse(self, chunks):
        data = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        self.send_bytes(200, data.encode(), "text/event-stream")

    def record(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        parsed = urllib.parse.urlsplit(self.path)
        body = None
        if raw and "json" in (self.headers.get("content-type") or ""):
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        entry = {
            "method": self.command,
            "path": parsed.path,
            "query": dict(urllib.parse.parse_qsl(parsed.query)),
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "bytes": len(raw),
            "body": body,
        }
        self.recorder.add(entry)
        return entry

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()


def theta_handler(recorder, token, port_ref):
    """The on-demand API: flux (done at once), step_video (pending, then done after a status
    check), whisper (upload slot, PUT, job) and the OpenAI-compatible chat route."""
    state = {"video_checks": 0}

    class Handler(Base):
        def handle_any(self):
            entry = self.record()
            path, method = entry["path"], entry["method"]
            origin = f"http://127.0.0.1:{port_ref[0]}"
            if method == "GET" and path.startswith("/outputs/"):
                if path.endswith(".png"):
                    return self.send_bytes(200, PNG, "image/png")
                return self.send_bytes(200, MP4, "video/mp4")
            if method == "PUT" and path.startswith("/uploads/"):
                return self.send_bytes(200, b"", "text/plain")
            if entry["headers"].get("authorization") != f"Bearer {token}":
                return self.reply(401, {"status": "error", "message": "invalid api key"})
            if method == "POST" and path == "/infer_request/flux":
                return self.reply(200, {"status": "success", "body": {"infer_requests": [{
                    "id": "infr_rqst_e2e_img", "state": "success", "input": entry["body"]["input"],
                    "output": {"image_url": f"{origin}/outputs/flux-0.png"},
                    "cost": {"input": 0, "output": 10000}}]}})
            if method == "POST" and path == "/infer_request/step_video":
                state["video_checks"] = 0
                return self.reply(200, {"status": "success", "body": {"infer_requests": [{
                    "id": "infr_rqst_e2e_vid", "state": "pending", "input": entry["body"]["input"]}]}})
            if method == "GET" and path == "/infer_request/infr_rqst_e2e_vid":
                state["video_checks"] += 1
                done = state["video_checks"] >= 2
                request = {"id": "infr_rqst_e2e_vid", "state": "success" if done else "processing",
                           "input": {"prompt": "x", "frames": 10, "fps": 10}}
                if done:
                    request["output"] = {"video_url": f"{origin}/outputs/step-0.mp4"}
                    request["cost"] = {"input": 0, "output": 200000}
                return self.reply(200, {"status": "success", "body": {"infer_requests": [request]}})
            if method == "POST" and path == "/infer_request/whisper/input_presigned_urls":
                return self.reply(200, {"status": "success", "body": {"urls": {"audio_filename": {
                    "upload_url": f"{origin}/uploads/e2e-rec.wav?X-Amz-Signature=e2e-signature",
                    "filename": "e2e-rec.wav"}}}})
            if method == "POST" and path == "/infer_request/whisper":
                return self.reply(200, {"status": "success", "body": {"infer_requests": [{
                    "id": "infr_rqst_e2e_stt", "state": "success", "input": entry["body"]["input"],
                    "output": {"text": TRANSCRIPT}}]}})
            if method == "POST" and path == "/infer_request/chat/completions":
                return self.sse([
                    {"id": "c1", "object": "chat.completion.chunk", "model": entry["body"].get("model"),
                     "choices": [{"index": 0, "delta": {"content": "pong"}, "finish_reason": None}]},
                    {"id": "c1", "object": "chat.completion.chunk", "model": entry["body"].get("model"),
                     "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                ])
            return self.reply(404, {"status": "error", "message": f"no route {method} {path}"})

    Handler.recorder = recorder
    return Handler


def agent_turn_text(body):
    """What the scripted model says for a chat request: a tool call to `image_generate` with a
    Theta model when the request offers that tool, no tool result is in yet and a user message
    asks for it (`USE_TOOL`); otherwise a final answer."""
    messages = body.get("messages") or []
    tools = [t.get("function", {}).get("name") for t in body.get("tools") or []]
    asked = any("USE_TOOL" in json.dumps(m.get("content")) for m in messages if m.get("role") == "user")
    answered = any(m.get("role") == "tool" for m in messages)
    if "image_generate" in tools and asked and not answered:
        return None
    if answered:
        return "FINAL: the image is on its way."
    return "pong"


def eliza_handler(recorder, key, port_ref):
    """elizaOS Cloud: generate-image (a URL to download), generate-video, voice/tts (MP3),
    embeddings, and chat/completions as the scripted agent model."""

    class Handler(Base):
        def handle_any(self):
            entry = self.record()
            path, method = entry["path"], entry["method"]
            origin = f"http://127.0.0.1:{port_ref[0]}"
            if method == "GET" and path.startswith("/media/"):
                if path.endswith(".png"):
                    return self.send_bytes(200, PNG, "image/png")
                return self.send_bytes(200, MP4, "video/mp4")
            headers = entry["headers"]
            if headers.get("x-api-key") != key and headers.get("authorization") != f"Bearer {key}":
                return self.reply(401, {"success": False, "error": "Invalid or expired API key"})
            body = entry["body"] or {}
            if method == "POST" and path == "/api/v1/generate-image":
                n = int(body.get("numImages") or 1)
                images = [{"url": f"{origin}/media/img-{i}.png", "text": ""} for i in range(n)]
                return self.reply(200, {"success": True, "model": body.get("model"), "images": images,
                                        "cost": {"totalCost": 0.04 * n}})
            if method == "POST" and path == "/api/v1/generate-video":
                return self.reply(200, {"success": True, "id": "vid_e2e", "requestId": "req_e2e",
                                        "video": {"url": f"{origin}/media/vid.mp4", "content_type": "video/mp4"},
                                        "cost": 0.5})
            if method == "POST" and path == "/api/v1/voice/tts":
                return self.send_bytes(200, MP3, "audio/mpeg", {"x-eliza-tts-provider": "kokoro"})
            if method == "POST" and path == "/api/v1/embeddings":
                data = [{"object": "embedding", "index": i, "embedding": [0.1 * (i + 1), 0.2, 0.3]}
                        for i, _ in enumerate(body.get("input") or [])]
                return self.reply(200, {"object": "list", "data": data, "model": body.get("model"),
                                        "usage": {"prompt_tokens": 2, "total_tokens": 2}})
            if method == "POST" and path == "/api/v1/chat/completions":
                model = body.get("model")
                said = agent_turn_text(body)
                head = {"id": "chatcmpl-e2e", "object": "chat.completion.chunk", "model": model}
                if said is None:
                    call = {"index": 0, "id": "call_e2e_1", "type": "function", "function": {
                        "name": "image_generate",
                        "arguments": json.dumps({"prompt": "a tiny red square", "model": "theta/flux"})}}
                    return self.sse([
                        dict(head, choices=[{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": None}]),
                        dict(head, choices=[{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]),
                    ])
                return self.sse([
                    dict(head, choices=[{"index": 0, "delta": {"content": said}, "finish_reason": None}]),
                    dict(head, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}]),
                ])
            return self.reply(404, {"success": False, "error": f"no route {method} {path}"})

    Handler.recorder = recorder
    return Handler


def serve(make_handler, *args):
    """Starts a fake on a free port: (server, port, recorder)."""
    recorder = Recorder()
    port_ref = [0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(recorder, *args, port_ref))
    port_ref[0] = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port_ref[0], recorder
