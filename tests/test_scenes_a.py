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
from tests.scene_harness import (TINY, back_to_data, check_surface_on_grid, check_video,
                                 figure_colours, hex_of, pixel_size, render)

pytestmark = pytest.mark.render

FPS = TINY["frame_rate"]


@pytest.fixture(scope="session")
def tex_cache(tmp_path_factory):
    """One LaTeX cache for these renders (digits, axis labels, ... compile once per session)."""
    return tmp_path_factory.mktemp("tex")


def render_scene(name, tmp_path, tex_cache):
    return render(name, tmp_path, tex_dir=str(tex_cache))




def units_per_data(axes, dims: int) -> np.ndarray:
    """Scene units per data unit along each of the first ``dims`` axes (c2p of unit steps)."""
    n = len(axes.get_axes())
    origin = np.asarray(axes.c2p(*([0.0] * n)), dtype=float)
    out = []
    for i in range(dims):
        e = [0.0] * n
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
def test_convex_descent(tmp_path, tex_cache):
    scene, path, duration = render_scene("convex-descent", tmp_path, tex_cache)
    check_video("convex-descent", path, duration)
    d = load_scenario(SCENES["convex-descent"].data[0])
    final = np.c_[d["positions"][-1, :, 0], d["losses"][-1]]  # (x_T, f(x_T)) on the curve
    assert_points_at("convex-descent", scene, scene.axes, scene.dots, final)
    (point,) = figure_colours("convex", "path-0")  # the figure's steps: the descending point
    assert hex_of(scene.dots[0].get_fill_color()) == point, "the descending point"


# ---------------------------------------------------------------- multiple-minima
def test_multiple_minima(tmp_path, tex_cache):
    scene, path, duration = render_scene("multiple-minima", tmp_path, tex_cache)
    check_video("multiple-minima", path, duration)
    d = load_scenario(SCENES["multiple-minima"].data[0])
    final_x, final_f = d["positions"][-1, :, 0], d["losses"][-1]
    assert_points_at("multiple-minima", scene, scene.axes, scene.dots, np.c_[final_x, final_f])
    # every point wears the colour of the minimum it ended in (nearest minimum, from the data)
    g, loc = d["global_minima"][:, 0], d["local_minima"][:, 0]
    caught = 0
    for b, dot in enumerate(scene.dots):
        to_global = np.min(np.abs(final_x[b] - g))
        to_local = np.min(np.abs(final_x[b] - loc))
        want = scene.pal.minimum_global if to_global < to_local else scene.pal.minimum_local
        caught += to_local < to_global
        assert dot.get_fill_color().to_hex() == want.to_hex(), (
            f"multiple-minima: point {b} ends at x = {final_x[b]:.3f} but is coloured "
            f"{dot.get_fill_color().to_hex()}, not {want.to_hex()}")
    assert 0 < caught < len(scene.dots), "multiple-minima: the data should show both outcomes"


# ---------------------------------------------------------------- hill-descent
def test_hill_descent(tmp_path, tex_cache, monkeypatch):
    from scenes.hill_descent import HillDescent

    monkeypatch.setattr(HillDescent, "RESOLUTION", 10)  # lean at test size (10 divides the grid)
    scene, path, duration = render_scene("hill-descent", tmp_path, tex_cache)
    check_video("hill-descent", path, duration)
    d = load_scenario(SCENES["hill-descent"].data[0])
    final = d["positions"][-1]
    # 3-D view: x, y are the last position, the height is the stored f there (plus the lift)
    assert_points_at("hill-descent 3-D", scene, scene.axes, scene.dots, final)
    px = pixel_size(scene)
    z_unit = units_per_data(scene.axes, 3)[2]
    for b, dot in enumerate(scene.dots):
        z = back_to_data(scene.axes, dot.get_center())[2]
        want = d["losses"][-1, b] + scene.LIFT
        assert abs(z - want) * z_unit <= px, f"hill-descent: point {b} height {z:.4f} != f {want:.4f}"
    # top-down view: the same last positions
    assert_points_at("hill-descent top-down", scene, scene.top_axes, scene.top_dots, final)
    # the figure of the same hill draws the same concepts in the same colours
    path, end = figure_colours("hill-paths", "path-0", "path-0-end")
    assert {hex_of(t.get_stroke_color()) for t in scene.top_trails} == {path}, "descent path"
    assert {hex_of(d.get_fill_color()) for d in scene.top_dots} == {end}, "the descending point"
    # the surface is the stored grid: every vertex maps back to (x_j, y_i, grid_f[i, j])
    check_surface_on_grid("hill-descent", scene.axes, scene.surface, d["grid_x"], d["grid_y"],
                          d["grid_f"], 10 * 10)


# ---------------------------------------------------------------- gradient-field
def test_gradient_field(tmp_path, tex_cache):
    scene, path, duration = render_scene("gradient-field", tmp_path, tex_cache)
    check_video("gradient-field", path, duration)
    d = load_scenario(SCENES["gradient-field"].data[0])
    assert_points_at("gradient-field", scene, scene.axes, scene.dots, d["positions"][-1])
    # the figure draws the same concepts in the same colours: paths, points, |∇f| ramp ends
    path, end = figure_colours("gradient-field-with-paths", "path-0", "path-0-end")
    assert {hex_of(t.get_stroke_color()) for t in scene.trails} == {path}, "descent path"
    assert {hex_of(dot.get_fill_color()) for dot in scene.dots} == {end}, "the descending point"
    # every arrow's colour is the figure's colour for its |∇f| (the same ramp, 0 to the largest)
    from matplotlib.colors import to_rgb
    from render import figures
    quiver, = figures.build("gradient-field-with-paths", "light").findobj(
        lambda a: a.get_gid() == "field")
    cmap, (lo, hi) = quiver.get_cmap(), quiver.get_clim()
    assert lo == 0 and hi == pytest.approx(scene.field.max_magnitude)
    for arrow in scene.field:
        want = np.array(cmap(arrow.magnitude / hi)[:3])  # a 256-entry table: within 1/255
        got = np.array(to_rgb(hex_of(arrow.get_color())))
        assert np.abs(got - want).max() <= 2.5 / 255, (arrow.magnitude, got, want)
    # the arrows are the stored field: direction of ∇f at their node, length ∝ |∇f|
    fx, fy, fg = d["field_x"], d["field_y"], d["field_grad"]
    mags = np.linalg.norm(fg, axis=-1)
    scale = units_per_data(scene.axes, 2)
    ratios = []
    assert len(scene.field) > 0.8 * fg.shape[0] * fg.shape[1], "most grid nodes need an arrow"
    for arrow in scene.field:
        start, end = back_to_data(scene.axes, arrow.get_start())[:2], back_to_data(scene.axes, arrow.get_end())[:2]
        mid = (start + end) / 2
        j, i = int(np.argmin(np.abs(fx - mid[0]))), int(np.argmin(np.abs(fy - mid[1])))
        assert np.allclose(mid, [fx[j], fy[i]], atol=1e-6), f"arrow centred at {mid}, not on a node"
        v = (end - start) * scale
        g = fg[i, j] * scale
        cos = v @ g / (np.linalg.norm(v) * np.linalg.norm(g))
        assert cos > np.cos(np.radians(1.0)), f"arrow at {mid.round(3)} is off ∇f by > 1°"
        ratios.append(np.linalg.norm(v) / mags[i, j])
    ratios = np.array(ratios)
    assert np.ptp(ratios) / ratios.mean() < 0.01, "arrow lengths are not proportional to |∇f|"


# ---------------------------------------------------------------- descent-rule
def test_descent_rule(tmp_path, tex_cache):
    scene, path, duration = render_scene("descent-rule", tmp_path, tex_cache)
    check_video("descent-rule", path, duration)
    d = load_scenario(SCENES["descent-rule"].data[0])
    walker = scene.WALKER
    assert_points_at("descent-rule", scene, scene.axes, scene.dots, d["positions"][-1, [walker]])
