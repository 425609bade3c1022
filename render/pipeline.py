"""Rendering one registered scene with manim, in a subprocess, into an atomically written file.

Everything that decides the bytes of a rendered video lives here (the manim command line, the
quality table, the faststart remux), so ``render/videos.mk`` makes the videos depend on this file.

- Every run gets its own ``--media_dir`` (``build/render/work/<scene>.<kind>``, wiped before and
  after), so parallel renders share nothing.
- manim writes to an absolute ``-o`` path inside that directory; the result is remuxed (or moved)
  to a temporary name under ``build/render/tmp`` and renamed onto the target. A killed render
  leaves nothing under ``media/``.
- manim's output goes to ``build/render/logs/<scene>.<kind>.log`` (the terminal with
  ``VERBOSE=1``); a failure names the scene and quotes the end of its log.
- LaTeX output is shared between renders through a cache of complete SVG files (see below).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from core import datafile, theme
from core.scenarios import SCHEMA
from render import ffmpeg
from render.outputs import RenderError, atomic_output, git_state, link_atomic
from scenes.components.beats import BEATS_ENV

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "render"


class UsageError(Exception):
    """Bad input (unknown scene, quality or theme): one line, exit status 2."""


class MissingTool(Exception):
    """A system dependency is missing (the message says how to install it): exit status 1."""


class Quality(NamedTuple):
    name: str
    flag: str  # manim's -q letter
    width: int
    height: int
    fps: int
    extra: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.height}p{self.fps}"


QUALITIES = {q.name: q for q in [
    Quality("low", "l", 854, 480, 15),
    Quality("medium", "m", 1280, 720, 30),
    Quality("high", "h", 1920, 1080, 60),
    Quality("production", "p", 2560, 1440, 60),
    Quality("4k", "k", 3840, 2160, 60),
]}
# Not listed in errors or help: a tiny size for the end-to-end tests.
HIDDEN_QUALITIES = {"test": Quality("test", "l", 256, 144, 5, ("-r", "256,144", "--frame_rate", "5"))}
DEFAULT_QUALITY = "high"
PREVIEW_QUALITY = "low"

INSTALL = {
    "latex": ("LaTeX is missing (manim typesets every formula with latex and dvisvgm); install it "
              "with: sudo apt-get install texlive-latex-base texlive-latex-extra "
              "texlive-fonts-recommended dvisvgm (macOS: brew install --cask mactex-no-gui)"),
    "ffmpeg": f"ffmpeg is missing; {ffmpeg.INSTALL_HINT}",
    "cairo": ("Cairo is missing (manim draws with pycairo); install it with: sudo apt-get install "
              "libcairo2-dev libpango1.0-dev pkg-config (macOS: brew install cairo pango "
              "pkg-config), then run make setup"),
}


# --------------------------------------------------------------------------- lookups

def registry() -> dict:
    """``scenes.registry.SCENES``: name -> SceneEntry(name, module, cls, data, description)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("scenes.registry").SCENES


def get_scene(name: str):
    scenes = registry()
    if name not in scenes:
        raise UsageError(f"unknown scene {name!r}; valid: {', '.join(scenes)}")
    return scenes[name]


def get_quality(name: str) -> Quality:
    q = QUALITIES.get(name) or HIDDEN_QUALITIES.get(name)
    if q is None:
        raise UsageError(f"unknown quality {name!r}; valid: {', '.join(QUALITIES)}")
    return q


def get_theme(name: str | None) -> str:
    """``name``, else ``$GD_THEME``, else light (``core.theme.theme_name``); UsageError if unknown."""
    try:
        return theme.theme_name(name)
    except theme.ThemeError as exc:
        raise UsageError(str(exc)) from None


def scene_file(entry) -> Path:
    return ROOT / "scenes" / (entry.module.replace(".", "/") + ".py")


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """``path``, else where the scenario files live (``core.datafile.data_dir``), absolute."""
    return Path(path if path is not None else datafile.data_dir()).resolve()


# --------------------------------------------------------------------------- system checks

def check_tools(*, latex: bool = True) -> None:
    """Raise MissingTool (with the install line) when ffmpeg, Cairo or LaTeX is absent."""
    for tool in ("ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            raise MissingTool(INSTALL["ffmpeg"])
    try:
        import cairo  # noqa: F401  (pycairo, which links libcairo)
    except ImportError:
        raise MissingTool(INSTALL["cairo"]) from None
    if latex:
        for tool in ("latex", "dvisvgm"):
            if shutil.which(tool) is None:
                raise MissingTool(INSTALL["latex"])


@contextmanager
def workdir(key: str):
    """A fresh private directory for one render (removed afterwards, also after a failure)."""
    path = WORK / "work" / key
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------- manim

# A render of a scene as a slide deck writes its slides into the folder this names (see run_manim).
SLIDES_ENV = "GD_SLIDES_OUT"

# x264's "veryfast" preset instead of its default "medium": at crf 23 (manim's) the flat colours
# and thin lines of these scenes look the same and the files come out smaller (loss-comparison at
# 1080p60: 860 kB against 1020 kB), for 15–20 % less CPU per render. With the quickest sub-pixel
# refinement (subme=1, veryfast has 2), race-rosenbrock's frames encoded in 20.3–21.0 instead of
# 23.2–23.8 ms of CPU each, 4 % larger, SSIM against the source 0.9977 instead of 0.9980.
# One thread: make -jN runs the renders side by side, x264's own threads only cost CPU (about 10 %
# on these frames), and its bytes depend on its thread count, which would otherwise follow the
# machine's number of cores. Two segments may encode at once, so a play starts while the last
# one's encoder drains (convex-descent at 1080p60: 24.2 s instead of 26.9 s, the same bytes).
ENCODER_OPTIONS = ("--encoder-option", "preset=veryfast", "--encoder-option", "x264-params=subme=1",
                   "--encoder-option", "threads=1", "--max-inflight-encoders", "2")
# `make videos` renders each scene once, losslessly (x264 at crf 0 is lossless in 8 bit: the
# yuv420p pictures manim converts its frames to, exactly), into build/render/master/<scene>.mp4;
# the published H.264 and AV1 files are encoded from it in one pass each (render/exports.py).
# Encoding AV1 from the lossy MP4 instead loses what the MP4 lost, and manim's MP4 is encoded in
# segments, one key frame per animation: convex-descent at 1080p60 was 829 kB at SSIM 0.99807,
# the same x264 settings in one pass 508 kB at SSIM 0.99831. The ultrafast preset makes a lossless
# render cost what a veryfast lossy one did (convex-descent at 1080p60: 54.8 against 53.9 CPU-s).
LOSSLESS_OPTIONS = ("--encoder-option", "preset=ultrafast", "--encoder-option", "crf=0",
                    "--encoder-option", "threads=1", "--max-inflight-encoders", "2")
# manim's CLI with less work per frame: frames handed to the encoder uncopied, leaner per-frame
# helpers, LaTeX shared live between renders (see render/manim_run.py); with GD_STOCK_MANIM=1,
# manim's own.
MANIM = ("-m", "render.manim_run")
STOCK_MANIM = ("-m", "manim")
# FROM= and AT= run through render.manim_authoring (its changes on top of the fence, or on top of
# stock manim with GD_STOCK_MANIM=1); it exits with this status for a start or time past the end.
AUTHORING = ("-m", "render.manim_authoring")
PAST_THE_END = 3


def stock_manim() -> bool:
    """Whether ``GD_STOCK_MANIM`` asks for stock manim (any value but empty or 0)."""
    return os.environ.get("GD_STOCK_MANIM", "") not in ("", "0")


def manim_command(entry, quality: Quality, *, out: Path, media_dir: Path, still: bool = False,
                  lossless: bool = False, source: Path | None = None,
                  start: int | None = None, at: float | None = None) -> list[str]:
    """The manim 0.22 command line for one render (run with cwd = the project root).

    ``source``: the file holding ``entry.cls`` when it is not the scene's own (the scene as a
    slide deck, see :func:`run_manim`). ``start``: from that animation on (manim's ``-n``); ``at``:
    with ``still``, the frame at that time. Both run through render.manim_authoring (which guards
    ``-n`` and draws no skipped play)."""
    if start is None and at is None:
        prefix = STOCK_MANIM if stock_manim() else MANIM
    else:
        prefix = (*AUTHORING, *(("--at", repr(float(at))) if at is not None else ()))
    cmd = [sys.executable, *prefix, "render", "-q", quality.flag, *quality.extra]
    if start is not None:
        cmd += ["-n", str(start)]
    if still:
        cmd += ["-s", "--format", "png"]
    else:
        cmd += ["--format", "mp4", *(LOSSLESS_OPTIONS if lossless else ENCODER_OPTIONS)]
    source = str(source) if source is not None else str(scene_file(entry).relative_to(ROOT))
    cmd += ["--disable_caching", "--progress_bar", "none", "--media_dir", str(media_dir),
            "-o", str(out), source, entry.cls]
    return cmd


def manim_env(theme: str, data: Path, tex_cache: Path, beats: Path | None = None) -> dict:
    env = dict(os.environ)
    env.pop(BEATS_ENV, None)
    env.pop(SLIDES_ENV, None)
    if beats is not None:
        env[BEATS_ENV] = str(beats)  # the scene writes its beats there (scenes.components.style)
    env["GD_THEME"] = theme
    env["GD_DATA_DIR"] = str(data)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("PYTHONHASHSEED", "0")
    env["GD_TEX_CACHE"] = str(tex_cache)  # shared live by render.manim_run
    return env


def _die_with_parent():  # Linux: manim goes when its render process goes
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


# --------------------------------------------------------------------------- the TeX cache
#
# Typesetting dominates small renders (learning-rates at 144p: 42 s with a cold cache, 11 s warm).
# manim looks up ``<media_dir>/Tex/<hash of the LaTeX source>.svg`` before running latex, so each
# private media dir is seeded with hard links to the SVGs of earlier renders; render.manim_run
# looks in the cache again before compiling a formula and publishes each SVG it compiles at once,
# so renders running side by side don't compile the same formula twice; a successful render adds
# any SVG still missing. Every file enters the cache by an atomic rename: renders never share a
# directory they write into, and a reader only ever sees complete files.

TEX_CACHE = WORK / "tex-cache"


def seed_tex(tex_dir: Path, cache: Path) -> int:
    tex_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for svg in cache.glob("*.svg") if cache.is_dir() else ():
        try:
            os.link(svg, tex_dir / svg.name)
        except FileExistsError:
            continue
        except OSError:
            shutil.copyfile(svg, tex_dir / svg.name)
        n += 1
    return n


def harvest_tex(tex_dir: Path, cache: Path) -> int:
    cache.mkdir(parents=True, exist_ok=True)
    n = 0
    for svg in tex_dir.glob("*.svg") if tex_dir.is_dir() else ():
        dst = cache / svg.name
        if dst.exists():
            continue
        link_atomic(svg, dst)
        n += 1
    return n


def run_manim(entry, quality: Quality, theme: str, data: Path, *, out: Path, media_dir: Path,
              still: bool = False, verbose: bool = False, log_key: str = "video",
              tex_cache: Path = TEX_CACHE, beats: Path | None = None,
              lossless: bool = False, slides: Path | None = None,
              start: int | None = None, at: float | None = None) -> float:
    """Run manim for ``entry``; return the wall time. Raises RenderError naming the scene.

    manim's output goes to ``build/render/logs/<scene>.<log_key>.log``; LaTeX it compiles is looked
    up in and published to ``tex_cache``. With ``slides`` (a folder), the scene is rendered as a
    manim-slides ``Slide`` (render/slides_compat.py): the same frames, and each beat's slide video
    in that folder besides (render/slides.py reads them)."""
    path = scene_file(entry)
    if not path.exists():
        raise RenderError(f"scene {entry.name}: {path.relative_to(ROOT)} does not exist "
                          f"(registered in scenes/registry.py)")
    missing = [s for s in entry.data if not (data / f"{s}.npz").exists()]
    if missing:
        raise RenderError(f"scene {entry.name}: missing data {', '.join(f'{s}.npz' for s in missing)} "
                          f"in {data}; run make data")
    for s in entry.data:  # a damaged file would end in a traceback inside manim
        wrong = datafile.problem(data / f"{s}.npz", s, SCHEMA)
        if wrong:
            raise RenderError(f"scene {entry.name}: {data / f'{s}.npz'}: {wrong}; run make data "
                              f"(it recomputes it)")
    logdir = WORK / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    log = logdir / f"{entry.name}.{log_key}.log"
    source = None
    if slides is not None:
        from render import slides as slide_sets
        source = slide_sets.slide_module(entry, slides)
    cmd = manim_command(entry, quality, out=out, media_dir=media_dir, still=still,
                        lossless=lossless, source=source, start=start, at=at)
    env = manim_env(theme, data, tex_cache, beats)
    if slides is not None:
        env[SLIDES_ENV] = str(slides)  # where the Slide writes its slides (render.slides_compat)
    seed_tex(media_dir / "Tex", tex_cache)
    t0 = time.perf_counter()
    with open(log, "wb") as logf:
        logf.write((" ".join(cmd) + "\n").encode())
        logf.flush()
        sink = None if verbose else logf
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=sink,
                                stderr=subprocess.STDOUT if sink else None,
                                preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        try:
            rc = proc.wait()
        except BaseException:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            raise
    seconds = time.perf_counter() - t0
    if rc == PAST_THE_END and (start is not None or at is not None):  # FROM= or AT= too far
        said = [ln for ln in log.read_text(errors="replace").splitlines()
                if ln.startswith(("FROM=", "AT="))]
        raise UsageError(said[-1] if said else f"scene {entry.name}: FROM or AT is past its end")
    if rc != 0 or not out.exists():
        raise RenderError(_failure_message(entry, rc, log, verbose))
    harvest_tex(media_dir / "Tex", tex_cache)
    return seconds


def _failure_message(entry, rc: int, log: Path, verbose: bool) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    if rc == 0:
        head = f"scene {entry.name}: manim wrote no video (does construct() play an animation?)"
    else:
        head = f"scene {entry.name} failed (manim exit {rc})"
    low = text.lower()
    if ("latex" in low or "dvisvgm" in low) and ("not found" in low or "no such file" in low):
        head += f"; {INSTALL['latex']}"
    if verbose:
        return head
    tail = "\n".join("    " + ln for ln in lines[-12:])
    return f"{head}; log: {_rel(log)}\n{tail}" if tail else f"{head}; log: {_rel(log)}"


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- provenance

def provenance(entry, quality: Quality, theme: str) -> dict:
    return {"scene": entry.name, "quality": quality.name, "theme": theme,
            "resolution": [quality.width, quality.height], "fps": quality.fps, **git_state()}


# --------------------------------------------------------------------------- the renders

class Rendered(NamedTuple):
    path: Path
    seconds: float  # manim's wall time
    frames: int
    duration: float
    beats: Path | None = None  # the scene's beats (see beats_file), when it declared any


# Every render records where its scene's beats begin (``self.beat(caption, notes)``), timed by the
# render itself: build/render/beats/<scene>.<key>.json (key: video, preview). The captions and the
# lecture deck are made from it.
BEATS = WORK / "beats"


def beats_file(name: str, key: str = "video") -> Path:
    return BEATS / f"{name}.{key}.json"


def render_video(name: str, quality: str, theme: str | None = None, *, out: Path,
                 data: str | os.PathLike | None = None, verbose: bool = False,
                 key: str = "video", tex_cache: Path = TEX_CACHE,
                 lossless: bool = False, slides: Path | None = None,
                 start: int | None = None) -> Rendered:
    """Render scene ``name`` to ``out``: H.264 yuv420p MP4 with ``+faststart``, atomically.

    ``lossless``: x264 at crf 0 (the master the published files are encoded from, see
    :data:`LOSSLESS_OPTIONS`), else manim's lossy x264 (a preview to watch). ``tex_cache``: the
    folder of compiled LaTeX to reuse and add to (the benchmark gives each scene an empty one).
    ``slides``: also keep the scene's slides from the same manim run, recorded in this file
    (render/slides.py: one video per beat, for the lecture deck). ``start``: from that animation
    on (``make scene FROM=k``)."""
    entry, q, theme = get_scene(name), get_quality(quality), get_theme(theme)
    data = data_dir(data)
    check_tools()
    beats = beats_file(name, key)
    with workdir(f"{name}.{key}") as work:
        raw, raw_beats = work / "raw.mp4", work / "beats.json"
        raw_slides = work / "slides" if slides is not None else None
        seconds = run_manim(entry, q, theme, data, out=raw, media_dir=work / "media", verbose=verbose,
                            log_key=key, tex_cache=tex_cache, beats=raw_beats, lossless=lossless,
                            slides=raw_slides, start=start)
        info = ffmpeg.video_info(raw)
        reencode = not (info.codec == "h264" and info.pix_fmt == "yuv420p") and not lossless
        comment = json.dumps(provenance(entry, q, theme), sort_keys=True)
        with atomic_output(out) as tmp:
            ffmpeg.run(ffmpeg.faststart_mp4(raw, tmp, reencode=reencode, comment=comment),
                       what=f"scene {name}: faststart remux")
        if raw_beats.exists():
            with atomic_output(beats) as tmp:
                shutil.copyfile(raw_beats, tmp)
        else:
            beats.unlink(missing_ok=True)
        if slides is not None and not (raw_slides / "refused.txt").exists():
            # after the video, so that make finds the slide set newer than it
            from render import slides as slide_sets
            slide_sets.keep(raw_slides, slides, entry, q, theme, encode=not lossless)
    return Rendered(Path(out), seconds, info.frames, info.duration,
                    beats if beats.exists() else None)


def render_still(name: str, quality: str, theme: str | None = None, *, out: Path,
                 data: str | os.PathLike | None = None, verbose: bool = False,
                 at: float | None = None) -> Rendered:
    """The scene's last frame (or the frame at ``at`` seconds) as a PNG (``manim -s``), atomically."""
    entry, q, theme = get_scene(name), get_quality(quality), get_theme(theme)
    data = data_dir(data)
    check_tools()
    with workdir(f"{name}.still") as work:
        png = work / "still.png"
        seconds = run_manim(entry, q, theme, data, out=png, media_dir=work / "media", still=True,
                            verbose=verbose, log_key="still", at=at)
        with atomic_output(out) as tmp:
            shutil.copyfile(png, tmp)
    return Rendered(Path(out), seconds, 1, 0.0)
