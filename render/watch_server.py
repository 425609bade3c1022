"""The preview page of ``make watch``: a local HTTP server (127.0.0.1 only, standard library).

    /               the page: the newest preview playing, the last render's line, its error
    /events         server-sent events: the state (below) as JSON, once at once and on each change
    /state          the same JSON, for a script or a quick look
    /preview/NAME   a file of media/preview/ (with byte ranges, which browsers use to seek video)

The state: ``{"version": n, "scene", "video": "preview/NAME?v=n" or null, "status": "rendering" |
"ok" | "failed", "line": the terminal's line, "error": the error's last lines or null}``. A failed
render changes the status and the error, not the video: the page keeps playing the last good one.
The page reloads the video by itself when ``video`` changes (no dependency: EventSource).
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

KEEPALIVE = 15.0  # seconds between SSE comments on an idle connection


class State:
    """What the page shows; :meth:`update` wakes every waiting event stream."""

    def __init__(self, scene: str):
        self._cond = threading.Condition()
        self.closed = False
        self.data = {"version": 0, "scene": scene, "video": None, "status": "rendering",
                     "line": "starting", "error": None}

    def update(self, **changes) -> None:
        with self._cond:
            self.data = {**self.data, **changes, "version": self.data["version"] + 1}
            self._cond.notify_all()

    def snapshot(self) -> dict:
        with self._cond:
            return dict(self.data)

    def wait_change(self, version: int, timeout: float) -> dict:
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.data["version"] != version, timeout)
            return dict(self.data)

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; font: 15px/1.4 system-ui, sans-serif; background: #16181d; color: #e6e6e6; }}
  header {{ display: flex; gap: 1em; align-items: baseline; padding: .6em 1em; }}
  h1 {{ font-size: 1.05em; margin: 0; }}
  #line {{ color: #a8b0bd; font-family: ui-monospace, monospace; font-size: .9em; }}
  #status {{ padding: .1em .5em; border-radius: .3em; font-size: .85em; background: #2d3340; }}
  #status.failed {{ background: #8a1f1f; }} #status.rendering {{ background: #5a4a12; }}
  #status.ok {{ background: #1f5a2e; }}
  main {{ padding: 0 1em 1em; }}
  video {{ display: block; width: 100%; max-height: 78vh; background: #000; }}
  #error {{ white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: .85em;
           background: #2a1414; border-left: 4px solid #d04545; padding: .6em .8em; margin: 0 0 .8em; }}
  #error[hidden] {{ display: none; }}
  #empty {{ color: #a8b0bd; }}
</style></head>
<body>
<header><h1>{title}</h1><span id="status" class="rendering">rendering</span><span id="line"></span></header>
<main>
<pre id="error" hidden></pre>
<p id="empty">The first render is on its way.</p>
<video id="video" controls autoplay loop muted playsinline hidden></video>
</main>
<script>
const video = document.getElementById("video"), error = document.getElementById("error");
const statusEl = document.getElementById("status"), line = document.getElementById("line");
let shown = null;
function show(s) {{
  statusEl.textContent = s.status; statusEl.className = s.status;
  line.textContent = s.line || "";
  error.hidden = !s.error; error.textContent = s.error || "";
  if (s.video && s.video !== shown) {{
    shown = s.video;
    const at = video.currentTime;
    video.src = s.video;  // a new version: reload and keep playing
    video.hidden = false; document.getElementById("empty").hidden = true;
    video.addEventListener("loadedmetadata", () => {{
      if (at < video.duration) video.currentTime = at;
      video.play().catch(() => {{}});
    }}, {{once: true}});
  }}
}}
const events = new EventSource("events");
events.onmessage = (e) => show(JSON.parse(e.data));
</script>
</body></html>
"""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # SO_REUSEADDR: a watch started again at once may bind while the last one's connections
    # linger (TIME_WAIT); a port another server listens on is still refused (that is SO_REUSEPORT).
    allow_reuse_address = True

    def __init__(self, address, state: State, preview_dir: Path):
        self.state = state
        self.preview_dir = preview_dir
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the terminal has one line per render
        pass

    def do_GET(self):
        self.handle_get(body=True)

    def do_HEAD(self):
        self.handle_get(body=False)

    def handle_get(self, body: bool):
        path = unquote(urlsplit(self.path).path)
        if path == "/":
            title = f"{self.server.state.data['scene']} (make watch)"
            self.send_bytes(PAGE.format(title=html.escape(title)).encode(), "text/html; charset=utf-8",
                            body)
        elif path == "/state":
            self.send_bytes(json.dumps(self.server.state.snapshot()).encode(), "application/json",
                            body)
        elif path == "/events" and body:
            self.events()
        elif path.startswith("/preview/"):
            self.send_file(path[len("/preview/"):], body)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def send_bytes(self, data: bytes, ctype: str, body: bool):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def events(self):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        data = state.snapshot()
        try:
            while True:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()
                while True:
                    new = state.wait_change(data["version"], KEEPALIVE)
                    if state.closed:
                        return
                    if new["version"] != data["version"]:
                        data = new
                        break
                    self.wfile.write(b": idle\n\n")
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    def send_file(self, name: str, body: bool):
        if "/" in name or name.startswith(".") or not name:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        path = self.server.preview_dir / name
        try:
            f = open(path, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with f:  # an open file stays whole while a new preview is renamed over its name
            size = os.fstat(f.fileno()).st_size
            start, end = 0, size - 1
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
            if m and (m.group(1) or m.group(2)):
                if m.group(1):
                    start = int(m.group(1))
                    end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
                else:  # the last N bytes
                    start = max(size - int(m.group(2)), 0)
                if start > end or start >= size:
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(HTTPStatus.PARTIAL_CONTENT)
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            else:
                self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "video/mp4" if name.endswith(".mp4") else
                             "application/octet-stream")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                f.seek(start)
                left = end - start + 1
                while left > 0:
                    chunk = f.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    left -= len(chunk)


class PortInUse(Exception):
    pass


def start(state: State, preview_dir: Path, port: int) -> tuple[_Server, threading.Thread]:
    """Serve on 127.0.0.1:``port`` (0: any free port) in a thread; raises PortInUse."""
    try:
        server = _Server(("127.0.0.1", port), state, preview_dir)
    except OSError as exc:
        if exc.errno in (98, 48):  # EADDRINUSE (Linux, macOS)
            raise PortInUse(port) from None
        raise
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5},
                              name="watch-server", daemon=True)
    thread.start()
    return server, thread


def stop(server: _Server, thread: threading.Thread) -> None:
    server.state.close()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
