"""Render a registered scene in-process at a tiny size, and read back what it drew.

``render(name, tmp_path)`` returns the finished Scene instance (so a test can look at its mobjects
and axes) and the MP4 path; ``probe(path)`` is ffprobe's view of the file. It renders as
``make`` does, with ``render.manim_run``'s changes to manim installed for the render (stock manim
with ``GD_STOCK_MANIM=1``).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import subprocess
from pathlib import Path

import numpy as np

from render import pipeline

TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


def _manim_run():
    from render import manim_run  # imports manim: only when a scene renders
    return manim_run


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
    fence = contextlib.nullcontext() if pipeline.stock_manim() else _manim_run().patched()
    with tempconfig(cfg), fence:
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


def figure_colours(name: str, *gids: str) -> list[str]:
    """The colour (hex) of the artist with each ``gid`` in figure ``name`` (light theme), to
    compare with the scene that shows the same concept."""
    from matplotlib.colors import to_hex

    from render import figures

    fig = figures.build(name, "light")
    out = []
    for gid in gids:
        (artist,) = fig.findobj(lambda a: a.get_gid() == gid)
        colour = artist.get_markerfacecolor() if gid.endswith("-end") else artist.get_color()
        out.append(to_hex(colour))
    return out


def hex_of(colour) -> str:
    """A manim colour (ManimColor or str) as lower-case #rrggbb."""
    from manim import ManimColor
    return ManimColor(colour).to_hex().lower()


def check_surface_on_grid(name: str, axes, surface, grid_x, grid_y, heights, faces: int) -> None:
    """A surface of ``faces`` faces whose vertices (every 7th face checked) map back through
    ``axes`` to grid nodes (x_j, y_i) at height ``heights[i, j]``."""
    assert len(surface.submobjects) == faces, f"{name}: {len(surface.submobjects)} faces"
    for face in surface.submobjects[::7]:
        for p in face.get_anchors():
            x, y, z = back_to_data(axes, p)
            j, i = int(np.argmin(np.abs(grid_x - x))), int(np.argmin(np.abs(grid_y - y)))
            assert abs(x - grid_x[j]) < 1e-6 and abs(y - grid_y[i]) < 1e-6, f"{name}: vertex off the grid"
            assert abs(z - heights[i, j]) < 1e-6, (
                f"{name}: surface height {z:.5f} != grid {heights[i, j]:.5f}")
