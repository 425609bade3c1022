"""``make watch SCENE=x``: re-render a scene's preview on every save; a local page plays it.

    python -m render.watch NAME [--quality low] [--theme light] [--port 8000] [--data-dir DIR]

- Watches (with watchfiles, inotify on Linux) what the scene depends on: its scene file,
  ``scenes/components/``, the theme and TeX template in ``assets/``, ``core/`` (a change there
  recomputes the scene's scenarios first) and its data files. Changes are gathered for 50 ms of
  quiet; a save during a render cancels it and starts again.
- Renders with a warm manim (:mod:`render.watch_worker`: manim imported once, a fork per render)
  and with manim's partial-movie cache, keyed by :mod:`render.manim_authoring`: the plays a save
  did not change are not drawn again. The cache lives in ``build/render/watch/`` (only here:
  ``make videos`` renders uncached, byte for byte reproducibly).
- Writes ``media/preview/NAME.watch.mp4`` (H.264, faststart, renamed into place) and serves
  ``media/preview/`` with a page that plays it and reloads it by itself on 127.0.0.1 only
  (:mod:`render.watch_server`). A failed render shows its error's last lines in the page and
  on the terminal; the last good video keeps playing.
- One terminal line per render: the time, what changed, the seconds taken, the plays reused.
- Ctrl-C (SIGINT), SIGTERM or SIGHUP stop the watcher, the server, the worker and any render;
  nothing partial is left in ``media/``.

Bad input gets one line and exit status 2: an unknown scene, quality or theme, a port in use.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from render import ffmpeg, outputs, pipeline, watch_server
from render.cli import _Parser
from render.pipeline import ROOT, MissingTool, UsageError
from render.watch_worker import Worker, WorkerError

DEFAULT_PORT = 8000
STEP_MS = 50  # quiet time that ends a batch of changes
MAX_SEGMENTS = 400  # manim's partial movies kept per scene, quality and theme
TAIL = 12  # lines of a failed render's log shown


def preview_path(media: Path, name: str) -> Path:
    return media / "preview" / f"{name}.watch.mp4"


def cache_dir(name: str, quality: str, theme: str) -> Path:
    return pipeline.WORK / "watch" / f"{name}.{quality}.{theme}"


def render_argv(entry, q: pipeline.Quality, *, media_dir: Path, out: Path, svg_cache: Path) -> list[str]:
    """The arguments of :func:`render.manim_authoring.main` for one watch render: the encoder
    settings of ``make scene``, with manim's cache on and parsed formulas kept."""
    return ["--keep-segments", str(MAX_SEGMENTS), "--svg-cache", str(svg_cache),
            "render", "-q", q.flag, *q.extra, "--format", "mp4", *pipeline.ENCODER_OPTIONS,
            "--progress_bar", "none",
            "--media_dir", str(media_dir), "-o", str(out),
            str(pipeline.scene_file(entry).relative_to(ROOT)), entry.cls]


class Watch:
    """The watch loop: changes and render ends arrive on one queue, handled in order."""

    def __init__(self, entry, q: pipeline.Quality, theme: str, data: Path, media: Path,
                 state: watch_server.State, out=sys.stdout):
        self.entry, self.q, self.theme, self.data, self.media = entry, q, theme, data, media
        self.state, self.out = state, out
        self.scene = pipeline.scene_file(entry)
        self.events: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.work = cache_dir(entry.name, q.name, theme)
        self.work.mkdir(parents=True, exist_ok=True)
        self.logs = pipeline.WORK / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.log = self.logs / f"{entry.name}.watch.log"
        self.raw = self.work / "raw.mp4"
        # Formulas parsed by this watch's renders, for the next ones. Not kept from an earlier
        # watch: manim's SVG cache keys hash None, whose hash changes with the process (Python 3.11).
        self.formulas = self.work / "formulas.pickle"
        self.formulas.unlink(missing_ok=True)
        self.pid: int | None = None
        self.started = 0.0
        self.reason = ""
        self.dst = preview_path(media, entry.name)
        env = pipeline.manim_env(theme, data, pipeline.TEX_CACHE)
        self.worker = Worker(env, lambda pid, status: self.events.put(("exit", pid, status)),
                             log=self.logs / f"{entry.name}.watch-worker.log")
        self.watcher = threading.Thread(target=self._watch, name="watchfiles", daemon=True)

    # ---------------------------------------------------------------- what is watched
    def paths(self) -> list[Path]:
        return [p for p in (ROOT / "scenes", ROOT / "assets", ROOT / "core", self.data) if p.is_dir()]

    def relevant(self, path: Path) -> bool:
        path = Path(path)
        if path == self.scene:
            return True
        if path.suffix == ".py" and path.parent == ROOT / "scenes" / "components":
            return True
        if path.parent == ROOT / "assets" and (path.name == "theme.json" or path.suffix == ".tex"):
            return True
        if path.suffix == ".py" and path.parent == ROOT / "core":
            return True
        return path.parent == self.data and path.suffix == ".npz" and path.stem in self.entry.data

    def _watch(self) -> None:
        import watchfiles

        try:
            for changes in watchfiles.watch(*self.paths(), watch_filter=lambda _c, p: self.relevant(Path(p)),
                                            step=STEP_MS, stop_event=self.stop, raise_interrupt=False,
                                            yield_on_timeout=False, rust_timeout=5_000):
                self.events.put(("changes", {Path(p) for _, p in changes}))
        except Exception as exc:  # the watcher must not die silently
            self.events.put(("fatal", f"watching stopped: {exc}"))

    # ---------------------------------------------------------------- the loop
    def run(self) -> None:
        self.worker.wait_ready()
        self.watcher.start()
        self.request("first render")
        while True:
            event = self.events.get()
            kind = event[0]
            if kind == "changes":
                self.changed(event[1])
            elif kind == "exit":
                self.finished(event[1], event[2])
            elif kind == "fatal":
                raise WorkerError(event[1])

    def changed(self, paths: set[Path]) -> None:
        rel = sorted(_rel(p) for p in paths)
        reason = ", ".join(rel[:3]) + (f" and {len(rel) - 3} more" if len(rel) > 3 else "")
        if self.pid is not None:
            self.cancel()
        if any(p.parent == ROOT / "core" for p in paths):
            if not self.recompute(reason):
                return
        self.request(reason)

    def request(self, reason: str) -> None:
        """Start a render for ``reason`` (what changed), unless the scene file is missing."""
        if not self.scene.exists():
            self.say(f"{_rel(self.scene)} does not exist (deleted?); watching for it to come back")
            self.state.update(status="failed", line=f"{_rel(self.scene)} does not exist",
                              error=f"{_rel(self.scene)} does not exist; save it again to render")
            return
        missing = [s for s in self.entry.data if not (self.data / f"{s}.npz").exists()]
        if missing and not self.recompute(reason, missing):
            return
        self.reason, self.started = reason, time.perf_counter()
        self.raw.unlink(missing_ok=True)
        with open(self.log, "wb") as f:
            f.write(f"# {time.strftime('%H:%M:%S')} {reason}\n".encode())
        argv = render_argv(self.entry, self.q, media_dir=self.work / "media", out=self.raw,
                           svg_cache=self.formulas)
        self.pid = self.worker.start(argv, {"COLUMNS": "160"}, self.log,  # manim's log unwrapped
                                     svg_cache=self.formulas)
        self.state.update(status="rendering", line=f"rendering: {reason}")

    def cancel(self) -> None:
        pid, self.pid = self.pid, None
        if self.worker.cancel(pid):  # killed: it may have left a partial segment in the cache
            shutil.rmtree(self.work / "media", ignore_errors=True)
            self.formulas.unlink(missing_ok=True)

    def finished(self, pid: int, status: int) -> None:
        if pid != self.pid:  # a cancelled render
            return
        self.pid = None
        seconds = time.perf_counter() - self.started
        if status == 0 and self.raw.exists():
            try:
                with outputs.atomic_output(self.dst) as tmp:
                    ffmpeg.run(ffmpeg.faststart_mp4(self.raw, tmp), what=f"scene {self.entry.name}")
            except (ffmpeg.FFmpegError, pipeline.RenderError) as exc:
                self.failed(seconds, str(exc))
                return
            seconds = time.perf_counter() - self.started
            played, reused = _plays(self.log)
            reuse = f", {reused} of {played} plays reused" if played else ""
            line = f"{self.reason} -> {self.entry.name} {self.q.label} in {seconds:.1f} s{reuse}"
            self.say(line + f"  {_rel(self.dst)}")
            version = self.state.data["version"] + 1
            self.state.update(status="ok", line=line, error=None,
                              video=f"preview/{self.dst.name}?v={version}")
        else:
            why = f"manim exit {status}" if status >= 0 else f"signal {-status}"
            self.failed(seconds, _tail(self.log) or why)

    def failed(self, seconds: float, error: str) -> None:
        line = f"{self.reason} -> {self.entry.name} FAILED after {seconds:.1f} s"
        self.say(f"{line}  (log: {_rel(self.log)})")
        for ln in error.splitlines():
            self.out.write(f"    {ln}\n")
        self.out.flush()
        self.state.update(status="failed", line=line, error=error)

    def recompute(self, reason: str, scenarios=None) -> bool:
        """Recompute the scene's scenarios (core/ changed, or a data file is missing)."""
        for s in scenarios or self.entry.data:
            res = subprocess.run([sys.executable, "-m", "core", "run", s, "--out",
                                  str(self.data / f"{s}.npz")], cwd=ROOT, capture_output=True,
                                 text=True, stdin=subprocess.DEVNULL)
            if res.returncode != 0:
                self.reason, self.started = reason, time.perf_counter()
                self.failed(0.0, f"python -m core run {s} failed:\n" +
                            "\n".join((res.stderr or res.stdout).strip().splitlines()[-TAIL:]))
                return False
        return True

    def say(self, line: str) -> None:
        self.out.write(f"{time.strftime('%H:%M:%S')}  {line}\n")
        self.out.flush()

    def close(self) -> None:
        """Stop watching, stop the render and the worker (waiting for both)."""
        self.stop.set()
        self.pid = None
        self.worker.close()
        if self.watcher.is_alive():
            self.watcher.join(timeout=6)
        self.raw.unlink(missing_ok=True)


def _rel(path: Path) -> str:
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


_PLAYED = re.compile(r"Played (\d+) animations")


def _plays(log: Path) -> tuple[int, int]:
    """(plays, plays taken from the cache) of a finished render, from manim's log."""
    text = log.read_text(errors="replace") if log.exists() else ""
    m = _PLAYED.search(text)
    return (int(m.group(1)) if m else 0), text.count("Using cached")


def _tail(log: Path) -> str:
    """The end of a failed render's log: the traceback's last lines, without manim's chrome."""
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip() and not ln.startswith("# ")]
    return "\n".join(lines[-TAIL:])


# --------------------------------------------------------------------------- main

def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid PORT {text!r}; valid: 0 (any free port) to 65535")
    return port


def main(argv=None) -> int:
    p = _Parser(prog="make watch", description=__doc__.split("\n")[0])
    p.add_argument("name")
    p.add_argument("--quality", default=pipeline.PREVIEW_QUALITY)
    p.add_argument("--theme", default=None)
    p.add_argument("--port", type=_port, default=DEFAULT_PORT)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--media", default=str(ROOT / "media"))
    args = p.parse_args(argv)
    outputs.unwind_on_termination()
    # Ctrl-C stops the watch even when it was started with SIGINT ignored (a background job)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        entry = pipeline.get_scene(args.name)
        q = pipeline.get_quality(args.quality)
        theme = pipeline.get_theme(args.theme)
        pipeline.check_tools()
    except UsageError as exc:
        sys.stderr.write(f"make watch: error: {str(exc).replace('unknown scene', 'unknown SCENE', 1)}\n")
        return 2
    except MissingTool as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    media = Path(args.media).resolve()
    preview = media / "preview"
    preview.mkdir(parents=True, exist_ok=True)
    state = watch_server.State(entry.name)
    try:
        server, thread = watch_server.start(state, preview, args.port)
    except watch_server.PortInUse:
        sys.stderr.write(f"make watch: error: port {args.port} on 127.0.0.1 is in use; choose "
                         f"another with PORT=, e.g. make watch SCENE={entry.name} PORT={args.port + 1}\n")
        return 2
    port = server.server_address[1]
    print(f"watching {entry.name} ({q.label}, {theme} theme): http://127.0.0.1:{port}/  "
          f"(Ctrl-C stops)", flush=True)
    watch = None
    try:
        watch = Watch(entry, q, theme, pipeline.data_dir(args.data_dir), media, state)
        watch.run()
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:  # SIGTERM or SIGHUP (outputs.unwind_on_termination)
        return exc.code if isinstance(exc.code, int) else 1
    except WorkerError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        if watch is not None:
            watch.close()
        watch_server.stop(server, thread)
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
