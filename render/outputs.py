"""Writing outputs: atomically (a temporary file under ``build/render/tmp``, then one rename), with
their provenance (the commit they were made from), and the process-level clean-up on a kill.

Shared by the video pipeline (``render.pipeline``), the exports, the manifest and the figures; it
imports neither manim, matplotlib nor the ffmpeg wrapper, so drawing a still loads no video code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "render"


class RenderError(Exception):
    """A render or a write failed (the message names what): exit status 1."""


def unwind_on_termination() -> None:
    """Turn SIGTERM and SIGHUP (make passes them on when a build is killed) into ``SystemExit``, so
    ``finally`` blocks run: temporary files and child processes go with the process."""
    def terminate(signum, frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, terminate)


@contextmanager
def atomic_output(dst: Path):
    """Yield a temporary path outside ``media/``; on success rename it onto ``dst``.

    The temporary file lives in ``build/render/tmp`` (same file system, so the rename is atomic);
    if ``dst`` is on another file system it is copied next to ``dst`` first, then renamed.
    """
    dst = Path(dst)
    tmpdir = WORK / "tmp"
    tmpdir.mkdir(parents=True, exist_ok=True)
    _remove_orphans(tmpdir)
    fd, name = tempfile.mkstemp(prefix=f"{dst.name}.{os.getpid()}.", suffix=".tmp", dir=tmpdir)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise RenderError(f"{dst}: nothing was written")
        publish(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_orphans(tmpdir: Path) -> None:
    """Delete temporary files left by killed renders (their process id no longer runs)."""
    for path in tmpdir.glob("*.tmp"):
        try:
            pid = int(path.name.rsplit(".", 3)[-3])
        except (ValueError, IndexError):
            continue
        if pid != os.getpid() and not _alive(pid):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(tmp: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(tmp, 0o644)
    try:
        os.replace(tmp, dst)
    except OSError as exc:  # another file system: copy beside dst, then rename there
        if exc.errno != 18:  # EXDEV
            raise
        fd, near = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
        os.close(fd)
        try:
            shutil.copyfile(tmp, near)
            os.chmod(near, 0o644)
            os.replace(near, dst)
        finally:
            Path(near).unlink(missing_ok=True)


def write_text_atomic(dst: Path, text: str) -> None:
    with atomic_output(dst) as tmp:
        tmp.write_text(text, encoding="utf-8")


def link_atomic(src: Path, dst: Path) -> None:
    """``dst`` becomes a complete copy of ``src`` (a hard link where possible) by one rename, so a
    reader of ``dst`` never sees a partial file."""
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


# --------------------------------------------------------------------------- provenance

def git_state() -> dict:
    """The project's commit and whether the render inputs differ from it."""
    def git(*args):
        try:
            res = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                                 timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--", "core", "scenes", "render", "assets")
    return {"commit": commit, "dirty": bool(status)}


# A video carries its provenance in its comment tag; a figure's bytes must not change with the
# commit (they are reproducible), so its provenance is recorded beside the build instead:
# build/render/provenance/<the figure's path in the project>.json, with the hash of the file it
# describes (a figure drawn outside the project, by a test, has none).
PROVENANCE = WORK / "provenance"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _provenance_record(output: Path) -> Path | None:
    try:
        rel = Path(output).resolve().relative_to(ROOT)
    except ValueError:
        return None
    return (PROVENANCE / rel).with_name(rel.name + ".json")


def record_provenance(output: Path, info: dict) -> None:
    """Record ``info`` (commit, dirty, theme, ...) as the provenance of the file ``output``."""
    record = _provenance_record(output)
    if record is not None:
        write_text_atomic(record, json.dumps({**info, "sha256": sha256(output)}, sort_keys=True) + "\n")


def read_provenance(output: Path, digest: str | None = None) -> dict:
    """What :func:`record_provenance` recorded for ``output`` (whose sha256 is ``digest``, when
    known), or ``{}`` when nothing was, or when the file has changed since (another program
    wrote it)."""
    record = _provenance_record(output)
    if record is None:
        return {}
    try:
        info = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(info, dict) or info.pop("sha256", None) != (digest or sha256(output)):
        return {}
    return info
