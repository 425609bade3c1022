"""The descent scenes (convex-descent, multiple-minima, hill-descent, gradient-field, descent-rule).

Each scene is rendered in-process at 256×144, 5 fps. The MP4 is checked against ffprobe (codec,
size, frame count for the scene's duration, 6–40 s), and the picture against the data file it
reads: every moving point's final scene position, mapped back through the scene's axes
(``axes.p2c``), must be the trajectory's last position within one pixel. The data comes from the
scenario file itself (the oracle), not from anything the scene computed.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.datafile import load_scenario
from scenes.registry import SCENES
from tests.scene_harness import TINY, back_to_data, pixel_size, probe, render

pytestmark = pytest.mark.render

FPS = TINY["frame_rate"]


def check_video(name, path, duration):
    info = probe(path)
    assert info["codec"] == "h264", f"{name}: codec {info['codec']}"
    assert (info["width"], info["height"]) == (256, 144), f"{name}: size {info['width']}x{info['height']}"
    assert 6.0 <= duration <= 40.0, f"{name}: scene lasts {duration:.2f} s, outside 6–40 s"
    expected = round(duration * FPS)
    assert abs(info["frames"] - expected) <= 1, (
        f"{name}: {info['frames']} frames for {duration:.2f} s at {FPS} fps (expected {expected})")
    assert abs(info["duration"] - duration) <= 2.0 / FPS, f"{name}: container says {info['duration']} s"


def units_per_data(axes, dims: int) -> np.ndarray:
    """Scene units per data unit along each axis (from c2p of unit steps)."""
    origin = np.asarray(axes.c2p(*([0.0] * dims)), dtype=float)
    out = []
    for i in range(dims):
        e = [0.0] * dims
        e[i] = 1.0
        out.append(np.linalg.norm(np.asarray(axes.c2p(*e), dtype=float) - origin))
    return np.array(out)


def assert_points_at(name, scene, axes, dots, expected, what="final position"):
    """Each dot's centre maps back through ``axes.p2c`` to ``expected[b]`` within one pixel."""
    px = pixel_size(scene)
    expected = np.asarray(expected, dtype=float)
    dims = expected.shape[1]
    scale = units_per_data(axes, dims)
    assert len(dots) == len(expected), f"{name}: {len(dots)} points for {len(expected)} trajectories"
    for b, (dot, want) in enumerate(zip(dots, expected)):
        got = back_to_data(axes, dot.get_center())[:dims]
        err_px = np.abs(got - want) * scale / px
        assert np.all(err_px <= 1.0), (
            f"{name}: point {b} ends at {got.round(4).tolist()}, {what} is "
            f"{want.round(4).tolist()} ({err_px.max():.2f} px off)")


# ---------------------------------------------------------------- convex-descent
def test_convex_descent(tmp_path):
    scene, path, duration = render("convex-descent", tmp_path)
    check_video("convex-descent", path, duration)
    d = load_scenario(SCENES["convex-descent"].data[0])
    final = np.c_[d["positions"][-1, :, 0], d["losses"][-1]]  # (x_T, f(x_T)) on the curve
    assert_points_at("convex-descent", scene, scene.axes, scene.dots, final)
