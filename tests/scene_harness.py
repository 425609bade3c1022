"""Render a registered scene in-process at a tiny size, and read back what it drew.

``render(name, tmp_path)`` returns the finished Scene instance (so a test can look at its mobjects
and axes) and the MP4 path; ``probe(path)`` is ffprobe's view of the file.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
from pathlib import Path

import numpy as np

TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


def render(name: str, tmp_path: Path, *, beats: bool = True, **overrides):
    """Render scene ``name`` in-process; with ``beats`` (the default) its beats are checked too
    (:func:`check_beats`), so every scene test also checks the scene's beats."""
    from manim import tempconfig

    from scenes.registry import SCENES

    entry = SCENES[name]
    module = importlib.import_module(f"scenes.{entry.module}")
    cls = getattr(module, entry.cls)
    out = Path(tmp_path) / f"{name}.mp4"
    cfg = {**TINY, "media_dir": str(Path(tmp_path) / "media"), "disable_caching": True,
           "format": "mp4", "output_file": str(out), "verbosity": "WARNING",
           "progress_bar": "none", **overrides}
    with tempconfig(cfg):
        scene = cls()
        scene.render()
        duration = scene.renderer.time
    assert out.exists(), f"{name}: no video at {out}"
    if beats:
        check_beats(name, scene, duration)
    return scene, out, duration


def check_beats(name: str, scene, duration: float) -> None:
    """The scene's beats (``self.beat(caption, notes)``) make a deck: a scene of the lecture
    (scenes/lecture.py) declares at least its minimum (three, two for a race); every beat has a
    caption and one to three sentences of notes; the first begins at 0 and each one later than
    the one before (at least one animation apiece: a slide each), within the scene."""
    from scenes import lecture

    beats = list(getattr(scene, "beats", []))
    if name in lecture.lecture_scenes():
        want = lecture.min_beats(name)
        assert len(beats) >= want, f"{name}: {len(beats)} beats, a scene of the lecture needs {want}"
    if not beats:
        return
    assert beats[0].time == 0.0, f"{name}: the first beat begins at {beats[0].time} s, not 0"
    for prev, b in zip(beats, beats[1:]):
        assert b.time > prev.time, (f"{name}: beat {b.index} ({b.caption[:40]!r}) begins at "
                                    f"{b.time} s, no later than beat {prev.index}: nothing to show")
    assert beats[-1].time < duration, f"{name}: the last beat begins at the scene's end"
    for b in beats:
        assert b.caption.strip(), f"{name}: beat {b.index} has no caption"
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", b.notes.strip()) if x]
        assert 1 <= len(sentences) <= 3, (f"{name}: beat {b.index} has {len(sentences)} sentences "
                                          f"of notes (one to three): {b.notes!r}")


def probe(path: Path) -> dict:
    res = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate:format=duration",
         "-of", "json", str(path)], capture_output=True, text=True, check=True)
    info = json.loads(res.stdout)
    stream = info["streams"][0]
    return {"codec": stream["codec_name"], "width": stream["width"], "height": stream["height"],
            "pix_fmt": stream.get("pix_fmt"), "frames": int(stream["nb_read_frames"]),
            "duration": float(info["format"]["duration"])}


def check_video(name: str, path: Path, duration: float) -> None:
    """The rendered file is what the scene says it played: h264 at the tiny size, 6–40 s long,
    one frame per 1/fps of the scene's duration (±1) and a container of that length."""
    fps = TINY["frame_rate"]
    info = probe(path)
    assert info["codec"] == "h264", f"{name}: codec {info['codec']}"
    assert (info["width"], info["height"]) == (256, 144), f"{name}: size {info['width']}x{info['height']}"
    assert 6.0 <= duration <= 40.0, f"{name}: scene lasts {duration:.2f} s, outside 6–40 s"
    expected = round(duration * fps)
    assert abs(info["frames"] - expected) <= 1, (
        f"{name}: {info['frames']} frames for {duration:.2f} s at {fps} fps (expected {expected})")
    assert abs(info["duration"] - duration) <= 2.0 / fps, f"{name}: container says {info['duration']} s"


def pixel_size(scene) -> float:
    """Scene units per pixel at the render's resolution."""
    from manim import config
    return config.frame_width / config.pixel_width


def back_to_data(axes, point) -> np.ndarray:
    """Invert ``axes.c2p``: scene point -> data coordinates."""
    return np.asarray(axes.p2c(point), dtype=float)
