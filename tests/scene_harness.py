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
import subprocess
from pathlib import Path

import numpy as np

from render import pipeline

TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


def _manim_run():
    from render import manim_run  # imports manim: only when a scene renders
    return manim_run


def render(name: str, tmp_path: Path, **overrides):
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
    return scene, out, duration


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
