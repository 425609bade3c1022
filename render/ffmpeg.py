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
would otherwise follow the machine's number of cores. (SVT-AV1 is given one logical processor,
``lp=1``; its pipeline stages still overlap a little: about 1.3 CPU-seconds per second.)
"""

from __future__ import annotations

import json
import subprocess
from fractions import Fraction
from functools import lru_cache
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


# The published encodes, both from the scene's lossless master (see render/pipeline.py), chosen on
# this project's renders at 1080p60 against that master (render/bench_formats.py, `make bench`).
# SVT-AV1 1.4 (Debian 12), one logical processor, bytes / SSIM (all planes) / CPU-s of the encode:
#
#   multiple-minima (MP4 427 kB, 0.99833)    hill-descent (MP4 762 kB, 0.99565, smooth 3-D shading)
#   preset 12 crf 50          284 kB 0.99814 16.7    455 kB 0.99502 14.2
#   preset 12 crf 50 scm=1    247 kB 0.99858 20.4    417 kB 0.99565 24.1
#   preset 12 crf 48 scm=1    264 kB 0.99885 19.3    451 kB 0.99618 19.5   <- published
#   preset 13 crf 48 scm=1    280 kB 0.99859 15.7    465 kB 0.99595 16.3
#   preset 12 crf 50 keyint=1200  157 kB 0.99601 (long GOPs: far fewer bytes, far lower SSIM)
#
# scm=1 turns SVT-AV1's screen-content tools on (palette colours, intra block copy), which its
# detector (scm=2, the default) left off for these flat-colour frames: about 13 % fewer bytes at a
# higher SSIM, for 20-70 % more CPU. Preset 13 would pay for them, but SVT-AV1 warns it is for
# debugging only, and it showed what SSIM cannot: descent-rule's readout "0.062" at 20 s came out
# as "0.069" (a stale digit carried over from an earlier frame), as it did at preset 12 without
# scm; preset 12 with scm drew it right. crf 48 is the default; a scene where it misses "<= 0.7x
# the MP4's bytes at >= its SSIM" has its own CRF in its registry entry (scenes/registry.py,
# av1_crf; the README's table). x264: veryfast with -tune animation, 16 ms of CPU per frame on
# race-rosenbrock (the faster preset 30 ms; superfast no quicker here, 1.9x the bytes), with the
# quickest sub-pixel refinement (subme=1, as manim's previews here) and a fixed pattern of B-frames
# (b-adapt=0: x264's lookahead no longer weighs each frame's type). Encodes from the masters,
# CPU-s / bytes / SSIM (all planes); CPU from single runs on a shared machine whose speed moved by
# a quarter within the hour, so only large differences count:
#
#   convex-descent      veryfast + animation     30.1   510 kB 0.99878
#                       subme=1:b-adapt=0        22.3   524 kB 0.99875   <- published
#                       subme=1                  23.6   521 kB 0.99876
#                       b-adapt=0                27.3   498 kB 0.99877
#                       subme=1:b-adapt=0:scenecut=0    600 kB 0.99887   (17 % more bytes)
#   linear-regression   veryfast + animation     26.0-31.1   864 kB 0.99719
#                       subme=1:b-adapt=0        21.6        877 kB 0.99712   <- published
#
# A fifth to a quarter less x264 CPU for 1-3 % more bytes, toward make videos' time budget (the
# README: 1.45-1.47x the older build's CPU, side by side, against 1.48x allowed), and the MP4 stays far smaller than manim's own (convex-descent:
# 829 kB at SSIM 0.99807, one key frame per animation). One thread each: make -jN runs N exports side by side.
H264 = {"preset": "veryfast", "tune": "animation", "crf": 23,
        "params": "subme=1:b-adapt=0"}
AV1 = {"preset": 12, "crf": 48}
# lp=1: SVT-AV1 sizes its thread pools for one logical processor (its default is every core);
# scm=1: its screen-content tools, always (see above).
AV1_PARAMS = "lp=1:scm=1"
# The AV1 stream's RFC 6381 codecs string for <source type>: Main profile, main tier, 8 bit; the
# level (two digits) is read from the file (see av1_codecs).
AV1_PACKAGE = ("the SVT-AV1 encoder (ffmpeg's libsvtav1): Debian/Ubuntu: sudo apt-get install "
               "ffmpeg libsvtav1enc1 (an ffmpeg built with it: Debian 12, Ubuntu 24.04); macOS: "
               "brew install ffmpeg")


def _h264_options(settings: dict, comment: str | None) -> dict:
    """x264's output options for ``settings`` (:data:`H264`'s keys)."""
    opts = {"format": "mp4", "c:v": "libx264", "pix_fmt": "yuv420p", "preset": settings["preset"],
            "crf": settings["crf"], "threads": 1, "movflags": "+faststart", "map_metadata": "-1",
            "an": None, **BITEXACT}
    if settings["tune"]:
        opts["tune"] = settings["tune"]
    if settings["params"]:
        opts["x264-params"] = settings["params"]
    if comment is not None:
        opts["metadata"] = f"comment={comment}"
    return opts


def _av1_options(preset: int, crf: int, comment: str | None) -> dict:
    opts = {"format": "mp4", "c:v": "libsvtav1", "pix_fmt": "yuv420p", "preset": preset,
            "crf": crf, "svtav1-params": AV1_PARAMS, "threads": 1, "movflags": "+faststart",
            "map_metadata": "-1", "an": None, **BITEXACT}
    if comment is not None:
        opts["metadata"] = f"comment={comment}"
    return opts


def h264_mp4(src, dst, *, comment: str | None = None, **settings):
    """H.264 yuv420p MP4 with ``+faststart`` (index first, for streaming), on one thread; the
    settings default to :data:`H264` (``preset``, ``tune``, ``crf``, ``params``: x264's own)."""
    s = {**H264, **settings}
    video = _ff.input(str(src), **ONE_THREAD).video
    return (_ff.output(video, str(dst), **_h264_options(s, comment))
            .global_args(*GLOBAL_ARGS).overwrite_output())


def av1_mp4(src, dst, *, comment: str | None = None, **settings):
    """AV1 (SVT-AV1) yuv420p in MP4 with ``+faststart``, on one thread; the settings default to
    :data:`AV1` (``preset``, ``crf``). MP4 rather than WebM: Safari plays AV1 only from MP4."""
    s = {**AV1, **settings}
    video = _ff.input(str(src), **ONE_THREAD).video
    return (_ff.output(video, str(dst), **_av1_options(s["preset"], s["crf"], comment))
            .global_args(*GLOBAL_ARGS).overwrite_output())


def web_exports(src, mp4_dst, av1_dst, gif_dst, *, width: int, fps: float,
                comment: str | None = None, av1_crf: int | None = None):
    """The H.264 MP4, the AV1 MP4 (``av1_dst=None``: none) and the GIF from one decode of ``src``
    (the lossless master), in one ffmpeg run; ``av1_crf`` overrides :data:`AV1`'s CRF. Each encoder
    sees exactly the frames it would see alone, so each file has the packets of :func:`h264_mp4`,
    :func:`av1_mp4` and :func:`gif`."""
    split = _ff.input(str(src), **ONE_THREAD).video.split()
    outs = [_ff.output(split[0], str(mp4_dst), **_h264_options(H264, comment)),
            _gif_output(split[1], gif_dst, width=width, fps=fps)]
    if av1_dst is not None:
        outs.append(_ff.output(split[2], str(av1_dst),
                               **_av1_options(AV1["preset"], AV1["crf"] if av1_crf is None else av1_crf,
                                              comment)))
    return _ff.merge_outputs(*outs).global_args(*GLOBAL_ARGS).overwrite_output()


@lru_cache(maxsize=None)
def encoders() -> frozenset:
    """The video encoders this ffmpeg has (``ffmpeg -encoders``); empty when ffmpeg is missing."""
    try:
        res = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], stdin=subprocess.DEVNULL,
                             capture_output=True, text=True)
    except FileNotFoundError:
        return frozenset()
    names = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] == "V":
            names.add(parts[1])
    return frozenset(names)


def has_av1() -> bool:
    return "libsvtav1" in encoders()


def av1_missing_line() -> str:
    return (f"AV1 skipped: this ffmpeg has no libsvtav1 encoder; the videos are H.264 MP4 only. "
            f"For the smaller AV1 files install {AV1_PACKAGE}")


def av1_codecs(info: "VideoInfo") -> str:
    """``av01.P.LLT.DD`` (RFC 6381, for ``<source type>``) for an AV1 stream as ffprobe describes
    it: profile Main = 0, ``level`` its seq_level_idx, main tier, 8 or 10 bit."""
    profile = {"Main": 0, "High": 1, "Professional": 2}.get(str(info.profile), 0)
    level = int(info.level or 0)
    if not 0 <= level <= 31:
        level = 31  # "maximum parameters"
    depth = 10 if "10" in str(info.pix_fmt or "") else 8
    return f"av01.{profile}.{level:02d}M.{depth:02d}"


def webm_vp9(src, dst, *, crf: int = 38, deadline: str = "realtime", cpu_used: int = 8):
    """VP9 in WebM at constant quality, realtime speed 8, on one thread: what this project
    published before AV1, kept for ``make bench``'s comparison (render/bench_formats.py). On these
    flat-colour frames it was larger than x264 at equal SSIM."""
    video = _ff.input(str(src), **ONE_THREAD).video
    return (_ff.output(video, str(dst), format="webm", **{
        "c:v": "libvpx-vp9", "pix_fmt": "yuv420p", "b:v": 0, "crf": crf, "deadline": deadline,
        "cpu-used": cpu_used, "lag-in-frames": 0, "threads": 1, "tile-columns": 2,
        "map_metadata": "-1", "an": None, **BITEXACT})
        .global_args(*GLOBAL_ARGS).overwrite_output())


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
    profile: str | None = None
    level: int | None = None


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
                     float(duration), int(frames), tags, s.get("profile"), s.get("level"))


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
