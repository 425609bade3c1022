"""`make watch`, `make scene FROM=k` and `make still AT=t`, in a throw-away copy of the project.

The watch runs as an author starts it (`make watch SCENE=... PORT=0`, its own process group) on the
small fixture scenes at the hidden quality QUALITY=test (256x144, 5 fps). Oracles independent of
the watcher: the preview's bytes and frames (ffprobe, frames decoded by the ffmpeg binary), an
uncached `make scene` of the same source, /proc for the listening sockets and the processes left.
"""

import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from render import sandbox
from test_ffmpeg import decode_gray
from test_pipeline import FILES, SCENES, expected_frames, manim_running, probe

pytestmark = pytest.mark.render

Q = "QUALITY=test"
LINE = re.compile(r"^\d\d:\d\d:\d\d  (.*) -> (\S+) (?:144p5 in ([\d.]+) s(?:, (\d+) of (\d+) plays reused)?"
                  r"|FAILED after)")


def project(tmp_path):
    return sandbox.create(tmp_path / "project", scenes=SCENES, scene_files=FILES, figures=False)


class Watching:
    """`make watch` running in the copy: its output lines, its state over server-sent events."""

    def __init__(self, root: Path, scene: str):
        self.root = root
        self.proc = subprocess.Popen(sandbox.make_command(root, "watch", f"SCENE={scene}", Q, "PORT=0",
                                                          jobs=None),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, env=sandbox.make_env())
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        first = self.next_line(r"^watching ")
        self.port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", first).group(1))
        self.states: queue.Queue = queue.Queue()
        threading.Thread(target=self._events, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line.rstrip("\n"))

    def _events(self):
        try:
            with urllib.request.urlopen(self.url("/events"), timeout=120) as r:
                for raw in r:
                    if raw.startswith(b"data: "):
                        self.states.put(json.loads(raw[6:]))
        except OSError:
            pass

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def _next(self, source: queue.Queue, matches, what: str, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = source.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"the watch exited:\n{''.join(self.output)}"
                continue
            if matches(item):
                return item
        pytest.fail(f"no {what} in {timeout} s:\n{''.join(self.output)}")

    def next_line(self, pattern, timeout=120) -> str:
        return self._next(self.lines, lambda line: re.search(pattern, line),
                          f"line matching {pattern!r}", timeout)

    def next_state(self, status, timeout=120) -> dict:
        return self._next(self.states, lambda state: state["status"] == status, f"state {status!r}",
                          timeout)

    def stop(self, sig=signal.SIGINT, timeout=30) -> int:
        os.killpg(self.proc.pid, sig)  # as Ctrl-C in its terminal
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            pytest.fail(f"the watch did not stop in {timeout} s:\n{''.join(self.output)}")


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.headers, r.read()


def listening(port) -> list[str]:
    """The local addresses of every listening TCP socket on ``port`` (IPv4 and IPv6), from /proc."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


def processes_in(root) -> list[str]:
    """Command lines of the processes whose working directory is the copy (make, python, manim)."""
    out = []
    for proc in Path("/proc").iterdir():
        try:
            if os.readlink(proc / "cwd") == str(root):
                out.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return out


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def edit(path: Path, old: str, new: str):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_watch_rerenders_on_save_serves_locally_and_stops_cleanly(tmp_path):
    root = project(tmp_path)
    scene = root / "scenes" / "fixture_hill.py"
    preview = root / "media" / "preview" / "fixture-hill.watch.mp4"
    w = Watching(root, "fixture-hill")
    try:
        # ------------------------------------------------------------ the first render, served
        m = LINE.match(w.next_line(r"first render -> "))
        assert m and m.group(2) == "fixture-hill" and float(m.group(3)) > 0, w.output
        state = w.next_state("ok")
        assert state["video"].startswith("preview/fixture-hill.watch.mp4?v=") and not state["error"]
        status, headers, page = get(w.url("/"))
        assert status == 200 and b"EventSource" in page and b"fixture-hill" in page
        status, headers, body = get(w.url("/preview/fixture-hill.watch.mp4"))
        assert status == 200 and headers["Content-Type"] == "video/mp4"
        assert body == preview.read_bytes()
        req = urllib.request.Request(w.url("/preview/fixture-hill.watch.mp4"), headers={"Range": "bytes=8-15"})
        with urllib.request.urlopen(req, timeout=30) as r:  # browsers seek with byte ranges
            assert r.status == 206 and r.read() == body[8:16]
        p = probe(preview)
        assert (p["codec"], p["width"], p["height"]) == ("h264", 256, 144)
        assert p["frames"] == expected_frames(root, "fixture-hill") == 10
        assert listening(w.port) == ["0100007F"], "listens on 127.0.0.1 and nowhere else"

        # ------------------------------------------------------------ a save re-renders the last beat
        first = sha256(preview)
        edit(scene, "self.wait(0.3)", "self.wait(0.7)")
        m = LINE.match(w.next_line(r"scenes/fixture_hill\.py -> "))
        assert m and m.group(3), w.output
        assert (m.group(4), m.group(5)) == ("2", "3"), "the two unchanged plays come from the cache"
        state = w.next_state("ok")
        assert sha256(preview) != first
        assert probe(preview)["frames"] == 12  # 0.5 + 1.2 + 0.7 s at 5 fps
        # the cached render shows what an uncached `make scene` of the same source shows
        sandbox.make(root, "scene", "SCENE=fixture-hill", Q, timeout=300, check=True)
        cached = decode_gray(preview, 256, 144).astype(int)
        uncached = decode_gray(root / "media" / "preview" / "fixture-hill.mp4", 256, 144).astype(int)
        assert cached.shape == uncached.shape and np.abs(cached - uncached).mean() < 1.0

        # ------------------------------------------------------------ a broken scene is reported
        good, good_video = sha256(preview), state["video"]
        edit(scene, "step = ValueTracker(0)", "step = ValueTracker(0)\n        no_such_name")
        w.next_line(r"fixture-hill FAILED after")
        w.next_line(r"NameError: name 'no_such_name' is not defined")
        state = w.next_state("failed")
        assert "no_such_name" in state["error"] and state["video"] == good_video
        assert sha256(preview) == good and w.proc.poll() is None  # the last good video stays

        # ------------------------------------------------------------ a deleted scene file
        text = scene.read_text()
        scene.unlink()
        w.next_line(r"scenes/fixture_hill\.py does not exist .*watching for it")
        assert w.proc.poll() is None and sha256(preview) == good
        scene.write_text(text.replace("\n        no_such_name", ""))
        w.next_line(r"scenes/fixture_hill\.py -> fixture-hill 144p5 in ")

        # ------------------------------------------------------------ Ctrl-C during a render
        while not w.states.empty():
            w.states.get()
        edit(scene, "self.wait(0.7)", "self.wait(0.9)")
        w.next_state("rendering")
        code = w.stop(signal.SIGINT)
    finally:
        if w.proc.poll() is None:
            os.killpg(w.proc.pid, signal.SIGKILL)
    assert code != 0 and "stopped" in "".join(w.output)
    time.sleep(0.3)
    assert processes_in(root) == [] and not manim_running(root)
    assert listening(w.port) == []
    assert not list((root / "build" / "render" / "tmp").iterdir())
    files = sorted(p.relative_to(root / "media").as_posix() for p in (root / "media").rglob("*") if p.is_file())
    assert files == ["preview/fixture-hill.mp4", "preview/fixture-hill.watch.mp4"], files
    assert probe(preview)["frames"] in (12, 14)  # complete: the last finished render's


def test_a_save_during_a_render_cancels_it(tmp_path):
    root = project(tmp_path)
    scene = root / "scenes" / "fixture_parabola.py"
    preview = root / "media" / "preview" / "fixture-parabola.watch.mp4"
    w = Watching(root, "fixture-parabola")
    try:
        w.next_line(r"first render -> ")
        w.next_state("ok")
        edit(scene, "run_time=0.4)", "run_time=40.0)")  # a long fade-out: 200 frames to draw
        w.next_state("rendering")
        edit(scene, "run_time=40.0)", "run_time=1.6)")  # while that renders: 8 frames
        w.next_line(r"fixture_parabola\.py -> fixture-parabola 144p5 in ")
        w.next_state("ok")
        time.sleep(0.5)
        assert w.lines.empty(), w.output  # one line: the cancelled render printed nothing
        expected = expected_frames(root, "fixture-parabola") - 2 + 8
        assert probe(preview)["frames"] == expected
        code = w.stop(signal.SIGTERM)
    finally:
        if w.proc.poll() is None:
            os.killpg(w.proc.pid, signal.SIGKILL)
    assert code != 0
    time.sleep(0.3)
    assert processes_in(root) == []


def test_watch_bad_input_one_line_status_2(tmp_path):
    root = project(tmp_path)
    blocker = subprocess.Popen([sys.executable, "-c", "import socket, time\ns = socket.socket()\n"
                                "s.bind(('127.0.0.1', 0)); s.listen(); print(s.getsockname()[1], flush=True)\n"
                                "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(blocker.stdout.readline())
        res = subprocess.run([sys.executable, "-m", "render.watch", "fixture-hill", "--quality", "test",
                              "--port", str(port)], cwd=root, capture_output=True, text=True, timeout=60)
    finally:
        blocker.kill()
        blocker.wait()
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert f"port {port}" in res.stderr and "PORT=" in res.stderr
    for args, message in [(("nope",), "unknown SCENE 'nope'; valid: fixture-parabola, fixture-hill"),
                          (("fixture-hill", "--port", "http"), "invalid PORT 'http'"),
                          (("fixture-hill", "--quality", "ultra"), "unknown quality 'ultra'")]:
        res = subprocess.run([sys.executable, "-m", "render.watch", *args], cwd=root,
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 2 and res.stderr.count("\n") == 1 and message in res.stderr, res.stderr
    res = sandbox.make(root, "watch", "SCENE=nope", timeout=60)
    assert res.returncode == 2 and "unknown SCENE 'nope'" in res.stderr
    assert not (root / "media" / "preview").exists() or not any((root / "media" / "preview").iterdir())


def test_scene_from_and_still_at(tmp_path):
    root = project(tmp_path)
    media = root / "media"
    # FROM=k renders from the k-th animation on: the parabola's last two plays (wait, fade-out)
    res = sandbox.make(root, "scene", "SCENE=fixture-parabola", Q, "FROM=3", timeout=300)
    assert res.returncode == 0, res.stderr
    part = media / "preview" / "fixture-parabola.from-3.mp4"
    assert probe(part)["frames"] == round((0.2 + 0.4) * 5)
    full = sandbox.make(root, "scene", "SCENE=fixture-parabola", Q, timeout=300)
    assert full.returncode == 0, full.stderr
    whole = decode_gray(media / "preview" / "fixture-parabola.mp4", 256, 144).astype(int)
    tail = decode_gray(part, 256, 144).astype(int)
    assert np.abs(whole[-len(tail):] - tail).mean() < 1.0  # the same frames as the whole video's end
    # AT=t: the frame at t seconds, as the whole video shows it (frame t * fps)
    res = sandbox.make(root, "still", "SCENE=fixture-parabola", Q, "AT=1.4", timeout=300)
    assert res.returncode == 0, res.stderr
    still = decode_gray(media / "stills" / "fixture-parabola.at-1.4s.png", 256, 144)[0].astype(int)
    errors = [np.abs(still - frame).mean() for frame in whole]
    assert int(np.argmin(errors)) == 7 and errors[7] < 2.0, errors
    # too far, or not a number: one line, status 2, nothing written
    for args, message in [(("scene", "FROM=9"), "FROM=9 is past the last animation; the scene plays 5"),
                          (("still", "AT=30"), "AT=30 is past the end of the scene; it lasts "),
                          (("scene", "FROM=two"), "invalid FROM 'two'"),
                          (("still", "AT=-1"), "invalid AT '-1'")]:
        res = sandbox.make(root, args[0], "SCENE=fixture-parabola", Q, args[1], timeout=300)
        assert res.returncode == 2 and message in res.stderr, (args, res.stderr)
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == [
        "fixture-parabola.at-1.4s.png", "fixture-parabola.from-3.mp4", "fixture-parabola.mp4"]


def test_from_with_sections_is_refused(tmp_path):
    root = project(tmp_path)
    res = subprocess.run([sys.executable, "-m", "render.manim_authoring", "render", "-q", "l",
                          "--save_sections", "-n", "2", "scenes/fixture_hill.py", "FixtureHill"],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "--save_sections" in res.stderr and res.stderr.count("\n") == 1
