"""A warm manim: one process that has imported manim and forks a fresh child for every render.

Importing manim costs about a second of the few a preview takes. ``make watch`` starts this
worker once (``python -m render.watch_worker``, with the render's environment, in the project
root); each render is then a ``fork()`` of it, which has manim imported already and imports the
scene and ``scenes/components/`` afresh (the worker never imports the project's scenes or
``core/``, so every render sees the files as saved).

Protocol: one JSON object per line. The watcher writes ``{"argv": [...], "env": {...},
"log": path}`` (the arguments of :func:`render.manim_authoring.main`); the worker answers
``{"ready": seconds}`` once, then ``{"pid": N}`` when a render starts and ``{"pid": N, "status": S}``
when it ends (S as ``os.waitstatus_to_exitcode``: negative for a signal). A render runs in a process
group of its own (its id is N): cancelling it is ``os.killpg(N, SIGTERM)``, which manim unwinds
from (its encoder removes the segment it was writing). The worker ends when its input closes or on
SIGTERM/SIGHUP (its render too), and when the watcher dies (Linux: PR_SET_PDEATHSIG).

:class:`Worker` is the watcher's side.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- the worker process

def _warm_up() -> None:
    """Import what every render imports (manim, its CLI, the encoders, the SVG parser)."""
    import manim  # noqa: F401
    import manim.__main__  # noqa: F401
    import manim.cli.render.commands  # noqa: F401
    import render.manim_authoring  # noqa: F401  (and render.manim_run's modules)
    import render.manim_run  # noqa: F401


def _die_with_parent() -> None:
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _child(request: dict, fds: tuple[int, int]) -> None:
    """In the forked child: become the render, never return."""
    code = 1
    try:
        os.setpgid(0, 0)
        for fd in fds:
            os.close(fd)
        if sys.platform == "linux":
            _die_with_parent()
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        os.environ.update(request.get("env", {}))
        os.chdir(request.get("cwd", ROOT))

        def unwind(signum, frame):
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, unwind)
        signal.signal(signal.SIGHUP, unwind)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        from render import manim_authoring
        code = manim_authoring.main(list(request["argv"]))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve() -> int:
    """The worker's main loop (stdin: requests, stdout: answers)."""
    t0 = time.perf_counter()
    # The protocol gets file descriptors of its own; anything printed goes to stderr.
    inp, out = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    reader = os.fdopen(inp, "r", encoding="utf-8")
    writer = os.fdopen(out, "w", encoding="utf-8", buffering=1)
    if sys.platform == "linux":
        _die_with_parent()
    current = {"pid": None}

    def stop(signum, frame):
        pid = current["pid"]
        if pid:  # the render goes first, and is waited for
            try:
                os.killpg(pid, signal.SIGTERM)
                deadline = time.monotonic() + 5
                while os.waitpid(pid, os.WNOHANG) == (0, 0):
                    if time.monotonic() > deadline:
                        os.killpg(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        break
                    time.sleep(0.01)
            except OSError:
                pass
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the watcher's to handle
    _warm_up()
    writer.write(json.dumps({"ready": round(time.perf_counter() - t0, 3)}) + "\n")
    svg_loaded: dict[str, int] = {}  # cache file -> the mtime loaded
    try:
        for line in reader:
            if not line.strip():
                continue
            request = json.loads(line)
            svg_cache = request.get("svg_cache")
            if svg_cache:  # formulas parsed by earlier renders: loaded here once, for every fork
                try:
                    mtime = os.stat(svg_cache).st_mtime_ns
                except OSError:
                    mtime = None
                if mtime is not None and svg_loaded.get(svg_cache) != mtime:
                    from render.manim_authoring import load_svg_cache
                    load_svg_cache(Path(svg_cache))
                    svg_loaded[svg_cache] = mtime
            # no signal handler may run in the child before it has its own
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGHUP])
            pid = os.fork()
            if pid == 0:
                _child(request, (inp, out))
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass  # the child did it first
            current["pid"] = pid
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGHUP])
            writer.write(json.dumps({"pid": pid}) + "\n")
            _, status = os.waitpid(pid, 0)
            current["pid"] = None
            writer.write(json.dumps({"pid": pid, "status": os.waitstatus_to_exitcode(status)}) + "\n")
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    return 0


# --------------------------------------------------------------------------- the watcher's side

class WorkerError(Exception):
    pass


class Worker:
    """The watcher's handle on a warm worker: start renders, learn when they end, cancel them.

    ``on_exit(pid, status)`` is called from a reader thread when a render ends."""

    def __init__(self, env: dict, on_exit, *, log: Path):
        self.on_exit = on_exit
        self.pid: int | None = None  # the running render
        self._lock = threading.Lock()
        self._started = threading.Condition(self._lock)
        self._ready = threading.Event()
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "render.watch_worker"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True, bufsize=1,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        self.ready_seconds: float | None = None
        self._reader = threading.Thread(target=self._read, name="watch-worker-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "ready" in msg:
                self.ready_seconds = msg["ready"]
                self._ready.set()
            elif "status" in msg:
                with self._lock:
                    self.pid = None
                self.on_exit(msg["pid"], msg["status"])
            elif "pid" in msg:
                with self._lock:
                    self.pid = msg["pid"]
                    self._started.notify_all()
        self._ready.set()  # the worker is gone: nobody waits for it
        with self._lock:
            self._started.notify_all()

    def wait_ready(self, timeout: float = 120) -> float:
        if not self._ready.wait(timeout) or self.proc.poll() is not None:
            raise WorkerError(f"the render worker did not start (exit {self.proc.poll()}); "
                              f"see {self._log.name}")
        return self.ready_seconds or 0.0

    def start(self, argv: list[str], env: dict, log: Path, svg_cache: Path | None = None) -> int:
        """Start a render; return its process id (its process group). ``svg_cache``: the file of
        parsed formulas (render.manim_authoring's ``--svg-cache``) the worker loads first."""
        request = {"argv": argv, "env": env, "log": str(log), "cwd": str(ROOT),
                   "svg_cache": str(svg_cache) if svg_cache else None}
        with self._lock:
            if self.pid is not None:
                raise WorkerError("a render is already running")
            try:
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
            except OSError:
                raise WorkerError(f"the render worker has stopped (exit {self.proc.poll()}); "
                                  f"see {self._log.name}") from None
            deadline = time.monotonic() + 30
            while self.pid is None:
                if self.proc.poll() is not None or not self._started.wait(deadline - time.monotonic()):
                    raise WorkerError(f"the render worker did not answer; see {self._log.name}")
            return self.pid

    def cancel(self, pid: int, grace: float = 5.0) -> bool:
        """SIGTERM the render ``pid`` and wait for its end; SIGKILL after ``grace`` seconds.
        True if it had to be killed (it may have left a partial segment in manim's cache)."""
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            return False
        deadline = time.monotonic() + grace
        while self.running(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if not self.running(pid):
            return False
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while self.running(pid) and self.proc.poll() is None:
            time.sleep(0.01)
        return True

    def running(self, pid: int) -> bool:
        with self._lock:
            return self.pid == pid

    def close(self) -> None:
        """Stop the running render (if any) and the worker; wait for both."""
        pid = self.pid
        if pid is not None:
            self.cancel(pid)
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        self._log.close()


if __name__ == "__main__":
    sys.exit(serve())
