"""Render a registered scene in-process at a tiny size, and read back what it drew.

``render(name, tmp_path)`` returns the finished Scene instance (so a test can look at its mobjects
and axes) and the MP4 path; ``probe(path)`` is ffprobe's view of the file.
"""

from __future__ import annotations

import importlib
import json
import subprocess
from pathlib import Path

import numpy as np

TINY = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 5}


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
    with tempconfig(cfg):
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
