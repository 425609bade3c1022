"""Every ffmpeg call of the project, and the only module that imports ffmpeg-python.

The builders are pure: each returns an ffmpeg-python output stream whose ``.get_args()`` is the exact
command line, so tests check the graphs without running anything. :func:`run` is the one edge that
executes a graph; it captures stderr so a failure raises :class:`FFmpegError` quoting what ffmpeg
said. :func:`probe` wraps ffprobe the same way.

Outputs go to temporary names (``.tmp``) that carry no extension ffmpeg could guess a muxer from,
so every builder names its container with ``format=``. ``-fflags +bitexact`` and
``-map_metadata -1`` keep the bytes free of encoder versions and timestamps: a parallel build
writes the same files as a serial one.

Every decoder and encoder runs on one thread. ``make -jN`` runs N exports (and renders) side by side,
so threads inside a job only add overhead; and an encoder's bytes depend on its thread count, which
would otherwise follow the machine's number of cores.
"""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import ffmpeg as _ff

GLOBAL_ARGS = ("-hide_banner", "-nostdin", "-loglevel", "error")
BITEXACT = {"fflags": "+bitexact", "flags:v": "+bitexact"}
ONE_THREAD = {"threads": 1}  # input option: decode on one thread

GIF_MAX_WIDTH = 480
GIF_MAX_BYTES = 5_000_000  # 5 MB per GIF (decimal megabytes, the stricter reading)


class FFmpegError(RuntimeError):
    """ffmpeg or ffprobe failed; the message quotes its stderr."""


# --------------------------------------------------------------------------- graph builders

def faststart_mp4(src, dst, *, reencode: bool = False, comment: str | None = None):
    """Manim's MP4 with its index (``moov``) moved before the media data, for streaming on the web.

    A plain remux (``-c copy``) when the source is already H.264 yuv420p, as manim writes it;
    otherwise ``reencode=True`` re-encodes with libx264 to yuv420p. ``comment`` is stored as the
    container's comment tag (the manifest reads the render's provenance from it).
    """
    video = _ff.input(str(src)).video
    opts = {"format": "mp4", "movflags": "+faststart", "map_metadata": "-1", "an": None, **BITEXACT}
    if reencode:
        opts.update({"c:v": "libx264", "pix_fmt": "yuv420p", "crf": 18, "preset": "medium"})
    else:
        opts["c:v"] = "copy"
    if comment is not None:
        opts["metadata"] = f"comment={comment}"
    return _ff.output(video, str(dst), **opts).global_args(*GLOBAL_ARGS).overwrite_output()


def webm_vp9(src, dst, *, crf: int = 38, deadline: str = "realtime", cpu_used: int = 8):
    """VP9 in WebM at constant quality (``-b:v 0 -crf``), yuv420p, no audio, on one thread.

    The realtime preset encodes manim's flat-colour frames about 5x faster than ``-deadline good
    -cpu-used 4`` at the same size and an SSIM of 0.999 against the MP4. Speed 8 against 7, measured
    on convex-descent at 1080p60 (1464 frames): 11.7 s instead of 14.3 s of CPU, a 9 % larger file
    (1.01 MB), SSIM 0.99904 instead of 0.99911. Two tile columns let browsers decode on two threads.
    No look-ahead queue (``-lag-in-frames 0``): the realtime preset made the same VP9 packets with
    and without it, and queueing 25 frames cost about 1 s of CPU per 1080p60 scene (race-rosenbrock:
    13.1–13.9 against 14.2–14.4 CPU-s).
    """
    video = _ff.input(str(src), **ONE_THREAD).video
    return (_ff.output(video, str(dst), **_vp9_options(crf, deadline, cpu_used))
            .global_args(*GLOBAL_ARGS).overwrite_output())


def _vp9_options(crf: int = 38, deadline: str = "realtime", cpu_used: int = 8) -> dict:
    return {"format": "webm", "c:v": "libvpx-vp9", "pix_fmt": "yuv420p", "b:v": 0, "crf": crf,
            "deadline": deadline, "cpu-used": cpu_used, "lag-in-frames": 0, "threads": 1,
            "tile-columns": 2, "map_metadata": "-1", "an": None, **BITEXACT}


def gif(src, dst, *, width: int, fps: float):
    """An animated GIF ``width`` px wide at ``fps``: one palette for the whole clip (palettegen,
    weighted to the pixels that move) applied with ordered dithering (paletteuse), looping forever.
    """
    return (_gif_output(_ff.input(str(src), **ONE_THREAD).video, dst, width=width, fps=fps)
            .global_args(*GLOBAL_ARGS).overwrite_output())


def _gif_output(video, dst, *, width: int, fps: float):
    if width > GIF_MAX_WIDTH:
        raise ValueError(f"GIF width {width} > {GIF_MAX_WIDTH} px")
    scaled = (video
              .filter("fps", fps=_fps_text(fps))
              .filter("scale", width, -1, flags="lanczos"))
    split = scaled.split()
    palette = split[0].filter("palettegen", stats_mode="diff")
    out = _ff.filter([split[1], palette], "paletteuse", dither="bayer", bayer_scale=5,
                     diff_mode="rectangle")
    return _ff.output(out, str(dst), format="gif", loop=0, **BITEXACT)


def webm_and_gif(src, webm_dst, gif_dst, *, width: int, fps: float, **vp9):
    """:func:`webm_vp9` and :func:`gif` from one decode of ``src``, in one ffmpeg run.

    The MP4 is decoded once and its frames split between the two encoders, which see exactly
    what they would see alone: the GIF is byte for byte that of :func:`gif`, the WebM's VP9
    packets those of :func:`webm_vp9` (its container header differs by a few bytes). Decoding a
    1080p60 MP4 costs about 2.2 s of CPU per scene; this saves one of the two.
    """
    split = _ff.input(str(src), **ONE_THREAD).video.split()
    webm = _ff.output(split[0], str(webm_dst), **_vp9_options(**vp9))
    gif_out = _gif_output(split[1], gif_dst, width=width, fps=fps)
    return _ff.merge_outputs(webm, gif_out).global_args(*GLOBAL_ARGS).overwrite_output()


def poster_png(src, dst, *, time: float):
    """The frame shown at ``time`` seconds as a PNG (input seeking is frame-accurate)."""
    video = _ff.input(str(src), ss=_time_text(time), **ONE_THREAD).video
    return (_ff.output(video, str(dst), format="image2", vcodec="png", vframes=1, update=1,
                       **BITEXACT)
            .global_args(*GLOBAL_ARGS).overwrite_output())


def sample_frames(src, *, every: int, width: int, height: int):
    """Every ``every``-th frame, shrunk to ``width``×``height`` grey bytes, on stdout.

    Used to pick a representative poster frame without decoding full-size images into Python.
    """
    video = (_ff.input(str(src), **ONE_THREAD).video
             .filter("select", f"not(mod(n,{int(every)}))")
             .filter("scale", width, height, flags="area")
             .filter("format", "gray"))
    return (_ff.output(video, "pipe:", format="rawvideo", pix_fmt="gray", vsync="passthrough")
            .global_args(*GLOBAL_ARGS))


def _fps_text(fps: float) -> str:
    f = Fraction(fps).limit_denominator(1001)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def _time_text(t: float) -> str:
    return f"{max(float(t), 0.0):.6f}"


# --------------------------------------------------------------------------- the edge

def run(stream, *, what: str) -> bytes:
    """Run a built graph; return its stdout. Raises FFmpegError quoting ffmpeg's stderr.

    The child is killed if this process is interrupted, so a cancelled build leaves no encoder
    writing in the background.
    """
    args = stream.compile(cmd="ffmpeg")
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise FFmpegError(f"{what}: ffmpeg is not installed; {INSTALL_HINT}") from None
    try:
        out, err = proc.communicate()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        raise FFmpegError(f"{what}: ffmpeg failed (exit {proc.returncode}): {_quote(err)}")
    return out


def probe(path, *, count_packets: bool = False) -> dict:
    """ffprobe's JSON (format and streams) for ``path``; ``count_packets`` also counts frames
    without decoding them (``nb_read_packets``), for containers that do not store a frame count.
    """
    args = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json"]
    if count_packets:
        args.append("-count_packets")
    args.append(str(path))
    try:
        res = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True)
    except FileNotFoundError:
        raise FFmpegError(f"ffprobe {path}: ffprobe is not installed; {INSTALL_HINT}") from None
    if res.returncode != 0:
        raise FFmpegError(f"ffprobe {path}: {_quote(res.stderr)}")
    return json.loads(res.stdout)


class VideoInfo(NamedTuple):
    codec: str
    pix_fmt: str | None
    width: int
    height: int
    fps: Fraction
    duration: float
    frames: int
    tags: dict


def video_info(path) -> VideoInfo:
    """The first video stream of ``path``: codec, size, rate, duration and frame count."""
    info = probe(path, count_packets=True)
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "video"]
    if not streams:
        raise FFmpegError(f"ffprobe {path}: no video stream")
    s = streams[0]
    fmt = info.get("format", {})
    fps = _rate(s.get("r_frame_rate")) or _rate(s.get("avg_frame_rate"))  # nominal, else average
    frames = s.get("nb_frames") or s.get("nb_read_packets") or 0
    duration = s.get("duration") or fmt.get("duration") or 0
    tags = {k.lower(): v for k, v in (fmt.get("tags") or {}).items()}
    return VideoInfo(s["codec_name"], s.get("pix_fmt"), int(s["width"]), int(s["height"]), fps,
                     float(duration), int(frames), tags)


def _rate(text) -> Fraction:
    try:
        return Fraction(text) if text and not text.endswith("/0") else Fraction(0)
    except ValueError:
        return Fraction(0)


INSTALL_HINT = ("install it with: sudo apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg "
                "(macOS)")


def _quote(err: bytes) -> str:
    lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
    return " | ".join(lines[-6:]) if lines else "(no message on stderr)"


def output_path(stream) -> Path:
    """The file a built graph writes (its last argument)."""
    return Path(stream.get_args()[-1])
