"""Web exports of a scene's lossless master: the H.264 MP4, the AV1 MP4 (the smaller first
source), a GIF within its budget, and a poster frame.

Each export reads ``build/render/master/<scene>.mp4`` (see :func:`render.pipeline.render_video`)
and writes its targets atomically (see :func:`render.outputs.atomic_output`). The MP4, the AV1
file and the first GIF come from one decode of the master (:func:`make_web`).
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

from render import ffmpeg
from render.outputs import atomic_output

GIF_FPS = 15
GIF_FPS_STEPS = (15, 12, 10, 8)  # reduce the frame rate first, down to 8 fps ...
GIF_WIDTH_STEPS = (480, 426, 384, 320, 288, 256, 224, 192, 160)  # ... then the width


class GifResult(NamedTuple):
    path: Path
    width: int
    fps: float
    bytes: int
    attempts: tuple  # (width, fps, bytes) of each encode, in order

    @property
    def reduced(self) -> bool:
        return len(self.attempts) > 1

    def note(self, budget: int = ffmpeg.GIF_MAX_BYTES) -> str | None:
        """What was given up to meet the budget, or None."""
        if not self.reduced:
            return None
        w0, f0, b0 = self.attempts[0]
        return (f"{self.path.name}: {b0 / 1e6:.1f} MB at {w0} px, {_fps(f0)} fps is over the "
                f"{budget / 1e6:g} MB budget; wrote {self.width} px, {_fps(self.fps)} fps "
                f"({self.bytes / 1e6:.2f} MB)")


def _fps(f: float) -> str:
    return f"{f:g}"


def gif_candidates(src_width: int, src_fps: float, max_width: int = ffmpeg.GIF_MAX_WIDTH):
    """(width, fps) settings from best to smallest: lower fps first (to 8), then narrower."""
    top_w = min(max_width, src_width)
    widths = [top_w] + [w for w in GIF_WIDTH_STEPS if w < top_w]
    top_f = min(GIF_FPS, src_fps)
    fpss = [top_f] + [f for f in GIF_FPS_STEPS if f < top_f]
    out = [(top_w, f) for f in fpss]
    out += [(w, fpss[-1]) for w in widths[1:]]
    return out


def make_gif(src: Path, dst: Path, *, budget: int = ffmpeg.GIF_MAX_BYTES,
             max_width: int = ffmpeg.GIF_MAX_WIDTH) -> GifResult:
    """A GIF at most ``max_width`` px wide and at most ``budget`` bytes.

    Encodes at the best setting; when over budget, estimates the size of each smaller setting
    (bytes ∝ fps × width²) and encodes the best one expected to fit with 10 % to spare; repeats
    until it fits. Raises FFmpegError if even the smallest setting is too big.
    """
    candidates = _gif_settings(src, max_width)
    width, fps = candidates[0]
    with atomic_output(dst) as tmp:
        ffmpeg.run(ffmpeg.gif(src, tmp, width=width, fps=fps), what=f"{Path(dst).name}: GIF encode")
        return _fit_gif(src, tmp, Path(dst), candidates, budget)


class WebResult(NamedTuple):
    mp4: Path
    av1: Path | None  # None: this ffmpeg has no AV1 encoder (see notes)
    gif: GifResult
    notes: tuple  # one line each: what was given up (the GIF budget, AV1)


def av1_crf(entry) -> int:
    """The AV1 CRF of a scene (a registry entry): its own ``av1_crf``, else :data:`ffmpeg.AV1`'s."""
    return entry.av1_crf if entry.av1_crf is not None else ffmpeg.AV1["crf"]


def make_web(src: Path, mp4: Path, av1: Path | None, gif: Path, *, av1_crf: int | None = None,
             budget: int = ffmpeg.GIF_MAX_BYTES, max_width: int = ffmpeg.GIF_MAX_WIDTH) -> WebResult:
    """The H.264 MP4, the AV1 MP4 (unless ``av1`` is None) and the GIF of the master ``src``, from
    one decode (:func:`render.ffmpeg.web_exports`); a GIF over its budget is then re-encoded alone
    as :func:`make_gif` does. The master's comment tag (the render's provenance) is copied to both
    MP4s. ``av1_crf``: the AV1 file's CRF (default :data:`render.ffmpeg.AV1`'s). Without an AV1
    encoder in the local ffmpeg the AV1 file is skipped with a note naming the package. After an
    error no file is written."""
    notes = []
    if av1 is not None and not ffmpeg.has_av1():
        notes.append(ffmpeg.av1_missing_line())
        av1 = None
    info = ffmpeg.video_info(src)
    candidates = gif_candidates(info.width, float(info.fps), max_width)
    width, fps = candidates[0]
    comment = info.tags.get("comment")
    with contextlib.ExitStack() as stack:
        mp4_tmp = stack.enter_context(atomic_output(mp4))
        gif_tmp = stack.enter_context(atomic_output(gif))
        av1_tmp = stack.enter_context(atomic_output(av1)) if av1 is not None else None
        names = ", ".join(Path(p).name for p in (mp4, av1, gif) if p is not None)
        ffmpeg.run(ffmpeg.web_exports(src, mp4_tmp, av1_tmp, gif_tmp, width=width, fps=fps,
                                      comment=comment, av1_crf=av1_crf),
                   what=f"{names}: H.264{', AV1' if av1 is not None else ''} and GIF encode")
        res = _fit_gif(src, gif_tmp, Path(gif), candidates, budget)
    if res.note():
        notes.append(f"gif budget: {res.note()}")
    return WebResult(Path(mp4), Path(av1) if av1 is not None else None, res, tuple(notes))


def _gif_settings(src: Path, max_width: int) -> list:
    info = ffmpeg.video_info(src)
    return gif_candidates(info.width, float(info.fps), max_width)


def _fit_gif(src: Path, tmp: Path, dst: Path, candidates, budget: int) -> GifResult:
    """``tmp`` holds the GIF at ``candidates[0]``: re-encode it at smaller settings until it
    fits ``budget``."""
    attempts = []
    i = 0
    while True:
        width, fps = candidates[i]
        size = tmp.stat().st_size
        attempts.append((width, fps, size))
        if size <= budget:
            break
        if i == len(candidates) - 1:
            raise ffmpeg.FFmpegError(
                f"{dst.name}: {size / 1e6:.1f} MB even at {width} px, {fps:g} fps; "
                f"over the {budget / 1e6:g} MB GIF budget")
        scale = size / (fps * width * width)
        i = next((j for j in range(i + 1, len(candidates))
                  if scale * candidates[j][1] * candidates[j][0] ** 2 <= 0.9 * budget),
                 len(candidates) - 1)
        smaller_width, lower_fps = candidates[i]
        ffmpeg.run(ffmpeg.gif(src, tmp, width=smaller_width, fps=lower_fps),
                   what=f"{dst.name}: GIF encode")
    return GifResult(dst, width, fps, size, tuple(attempts))


# --------------------------------------------------------------------------- poster

SAMPLE_W, SAMPLE_H = 96, 54
MAX_SAMPLES = 120


def ink(frames: np.ndarray) -> np.ndarray:
    """Per frame, how much is drawn: the mean contrast against the background (the frame border's
    median grey), in [0, 1], ignoring differences of a few levels (compression noise). A
    half-faded drawing has about half the ink. ``frames`` is (n, h, w) uint8."""
    f = frames.astype(np.int16)
    border = np.concatenate([f[:, 0, :], f[:, -1, :], f[:, :, 0], f[:, :, -1]], axis=1)
    bg = np.median(border, axis=1)[:, None, None]
    d = np.abs(f - bg)
    return np.where(d > 4, d, 0).mean(axis=(1, 2)) / 255.0


def pick_poster_index(amounts: np.ndarray, keep: float = 0.85) -> int:
    """The last sample that shows at least ``keep`` of the most drawn sample's ink: the finished
    picture, before any fade-out at the end."""
    amounts = np.asarray(amounts, float)
    if amounts.size == 0:
        raise ValueError("no frames")
    best = amounts.max()
    return int(np.flatnonzero(amounts >= keep * best)[-1])


def poster_time(src: Path, *, samples: Path | None = None) -> float:
    """The time (s) of a representative frame of ``src`` (see :func:`pick_poster_index`).

    The frames are judged from ``samples`` when given: a smaller rendering of the same video, such
    as its GIF, decoded in a fraction of the time of a 1080p MP4 (0.2 s against 2.9 s of CPU for
    descent-rule). Otherwise every n-th frame of ``src`` itself, at most ``MAX_SAMPLES``.
    """
    info = ffmpeg.video_info(src)
    fps = float(info.fps) or 1.0
    if samples is not None:  # every frame of the smaller copy, shown at its own rate
        source, every, rate = samples, 1, float(ffmpeg.video_info(samples).fps) or fps
    else:
        source, every, rate = src, max(1, math.ceil(max(info.frames, 1) / MAX_SAMPLES)), fps
    raw = ffmpeg.run(ffmpeg.sample_frames(source, every=every, width=SAMPLE_W, height=SAMPLE_H),
                     what=f"{Path(source).name}: sample frames")
    frames = np.frombuffer(raw, np.uint8)
    frames = frames[: frames.size // (SAMPLE_W * SAMPLE_H) * SAMPLE_W * SAMPLE_H]
    frames = frames.reshape(-1, SAMPLE_H, SAMPLE_W)
    if len(frames) == 0:
        return 0.0
    t = pick_poster_index(ink(frames)) * every / rate  # when the chosen sample is shown
    t = min(t, max(info.duration - 1.0 / fps, 0.0))
    return max(0.0, t - 0.5 / fps)  # seeking lands on the first frame at or after this


def make_poster(src: Path, dst: Path, *, time: float | None = None,
                samples: Path | None = None) -> float:
    """Write the poster PNG; return the time it shows (``samples``: see :func:`poster_time`)."""
    t = poster_time(src, samples=samples) if time is None else float(time)
    with atomic_output(dst) as tmp:
        ffmpeg.run(ffmpeg.poster_png(src, tmp, time=t), what=f"{Path(dst).name}: poster frame")
    return t
