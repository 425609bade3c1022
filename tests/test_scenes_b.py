"""The regression and learning-rate scenes (linear-regression, parabolic-regression,
loss-comparison, learning-rates) and their components (landscape, loss curve).

Each scene is rendered once, in-process, at 256×144 and 5 fps. The MP4 is checked against ffprobe
(codec, size, frame count for the scene's duration, 6–40 s) and the picture against the data files
it reads, loaded here independently (the oracle): moving points map back through the scene's axes
(``axes.p2c``) to the trajectory's last position within one pixel, the regression line has the
final (w, b), the diverged run says the step the data recorded and draws nothing outside its panel.
The component tests compare marching squares with the bowl's closed-form ellipses.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.datafile import load_scenario
from tests.scene_harness import (TINY, back_to_data, check_video, figure_colours, hex_of, pixel_size,
                                 render)

pytestmark = pytest.mark.render

FPS = TINY["frame_rate"]


# ── Rendering ────────────────────────────────────────────────────────────────────────────────────
# One test per scene renders it once and checks everything about it, so that pytest-xdist never
# renders a scene twice on two workers.


@pytest.fixture(scope="session")
def tex_dir(tmp_path_factory):
    """One LaTeX cache for these renders (per xdist worker: each has its own base temp dir)."""
    return tmp_path_factory.mktemp("tex")


def render_b(name, tmp_path, tex_dir):
    scene, path, duration = render(name, tmp_path, tex_dir=str(tex_dir))
    check_video(name, path, duration)
    return scene


# ── Helpers ─────────────────────────────────────────────────────────────────────────────────────


def data_per_pixel(scene, axes) -> np.ndarray:
    """The data units one pixel spans along x and y on ``axes``."""
    px = pixel_size(scene)
    o, ex, ey = (np.asarray(axes.c2p(*p), dtype=float) for p in ((0, 0), (1, 0), (0, 1)))
    return px / np.array([np.linalg.norm(ex - o), np.linalg.norm(ey - o)])


def assert_maps_to(name, scene, axes, point, want, what):
    got = back_to_data(axes, point)[:2]
    err_px = np.abs(got - np.asarray(want, float)) / data_per_pixel(scene, axes)
    assert np.all(err_px <= 1.0), (
        f"{name}: {what} at {got.round(5).tolist()}, data says {np.round(want, 5).tolist()} "
        f"({err_px.max():.2f} px off)")


def family_points(mob) -> np.ndarray:
    pts = [m.points for m in mob.get_family() if len(getattr(m, "points", [])) > 0]
    return np.vstack(pts) if pts else np.zeros((0, 3))


# ── Every scene: the video file ──────────────────────────────────────────────────────────────────




# ── The regression scenes ────────────────────────────────────────────────────────────────────────


def check_regression(name, scene):
    """The (w, b) point and the predicted line end at the final (w, b); the samples are the data."""
    d = load_scenario(name)
    w, b = d["positions"][-1, 0]
    assert_maps_to(name, scene, scene.axes, scene.dot.get_center(), (w, b), "the (w, b) point ends")

    # the predicted line: both drawn ends lie on y = w x + b (within a pixel), so its slope and
    # intercept are the final (w, b) to within what a pixel can show
    ax = scene.data_axes
    (xa, ya), (xb, yb) = (back_to_data(ax, p)[:2] for p in (scene.line.get_start(), scene.line.get_end()))
    dx, dy = data_per_pixel(scene, ax)
    for x, y in ((xa, ya), (xb, yb)):
        assert abs(y - (w * x + b)) <= dy, f"{name}: line end ({x:.3f}, {y:.3f}) is off y = {w:.4f}x + {b:.4f}"
    slope, intercept = (yb - ya) / (xb - xa), ya - (yb - ya) / (xb - xa) * xa
    slope_tol = 2 * dy / (xb - xa)
    assert abs(slope - w) <= slope_tol, f"{name}: line slope {slope:.4f}, final w {w:.4f}"
    assert abs(intercept - b) <= dy + abs(xa) * slope_tol, f"{name}: intercept {intercept:.4f}, b {b:.4f}"
    (x0, x1), _ = ax.box
    assert xb - xa >= 0.5 * (x1 - x0), f"{name}: the line spans only x ∈ [{xa:.2f}, {xb:.2f}]"

    # the samples are the data's, where the data says
    assert len(scene.samples) == len(d["x"])
    for dot, xi, yi in zip(scene.samples[::17], d["x"][::17], d["y"][::17]):
        assert_maps_to(name, scene, ax, dot.get_center(), (xi, yi), "a sample")


def test_linear_regression_scene(tmp_path, tex_dir):
    name = "linear-regression"
    scene = render_b(name, tmp_path, tex_dir)
    check_regression(name, scene)
    d = load_scenario(name)
    final = float(d["losses"][-1, 0])
    shown = scene.loss_readout.submobjects[1].get_value()
    assert shown == pytest.approx(final, abs=5e-4), f"{name}: readout {shown}, final loss {final:.4f}"


def test_parabolic_regression_scene(tmp_path, tex_dir):
    name = "parabolic-regression"
    scene = render_b(name, tmp_path, tex_dir)
    check_regression(name, scene)
    d = load_scenario(name)
    final = float(d["losses"][-1, 0])
    text = scene.caption.tex_string
    assert "High bias" in text and f"{final:.2f}" in text, f"{name}: caption {text!r}, final loss {final:.4f}"
    # one residual per sample, each vertical, from the final line to its sample
    ax = scene.data_axes
    w, b = d["positions"][-1, 0]
    dx, dy = data_per_pixel(scene, ax)
    assert len(scene.residuals) == len(d["x"])
    for seg, xi, yi in zip(scene.residuals, d["x"], d["y"]):
        (xa, ya), (xb, yb) = (back_to_data(ax, p)[:2] for p in (seg.get_start(), seg.get_end()))
        assert abs(xa - xi) <= dx and abs(xb - xi) <= dx, f"{name}: residual at x={xi:.3f} not vertical"
        assert abs(ya - (w * xi + b)) <= dy and abs(yb - yi) <= dy, f"{name}: residual at x={xi:.3f}"


# ── Comparison of losses ─────────────────────────────────────────────────────────────────────────


def test_loss_comparison_scene(tmp_path, tex_dir):
    name = "loss-comparison"
    scene = render_b(name, tmp_path, tex_dir)
    ax = scene.axes
    mins = []
    for dot, ring, scenario in zip(scene.minima, scene.ends, ("linear-regression", "parabolic-regression")):
        d = load_scenario(scenario)
        i = int(np.argmin(d["valley_loss"]))
        w_min, l_min = d["valley_w"][i], d["valley_loss"][i]
        assert_maps_to(name, scene, ax, dot.get_center(), (w_min, math.log10(l_min)),
                       f"{scenario}'s minimum (log₁₀ loss)")
        w_end, l_end = d["positions"][-1, 0, 0], d["losses"][-1, 0]
        assert_maps_to(name, scene, ax, ring.get_center(), (w_end, math.log10(l_end)),
                       f"{scenario}'s end of descent")
        mins.append(l_min)
    assert mins[1] > 3 * mins[0], f"{name}: parabolic minimum {mins[1]:.3f} vs linear {mins[0]:.3f}"
    assert f"{mins[1] / mins[0]:.1f}" in scene.caption.tex_string
    # both slices are fully drawn: their last drawn point is the last valley sample
    for curve, scenario in zip(scene.curves, ("linear-regression", "parabolic-regression")):
        d = load_scenario(scenario)
        assert_maps_to(name, scene, ax, curve.points[-1], (d["valley_w"][-1], math.log10(d["valley_loss"][-1])),
                       f"{scenario}'s slice end")
    # the figure "Comparison of Losses" draws each dataset's slice in the same colour as the video
    assert [hex_of(c.get_stroke_color()) for c in scene.curves] == \
        figure_colours("comparison-of-losses", "valley-linear", "valley-parabolic")
    assert hex_of(scene.curves[0].get_stroke_color()) != hex_of(scene.curves[1].get_stroke_color())


# ── Learning rates ───────────────────────────────────────────────────────────────────────────────

LR_RUNS = ("lr-small", "lr-good", "lr-large", "lr-unstable")


def test_learning_rates_scene(tmp_path, tex_dir):
    name = "learning-rates"
    scene = render_b(name, tmp_path, tex_dir)
    check_lr_panels(scene)
    check_lr_cards_inside(scene)
    # the log axis pins what it cannot show: no NaN from 0, NaN, ±inf or extreme losses
    lax = scene.loss_axes[0]
    (_, _), (lo, hi) = lax.box
    y = lax.loss_to_y([0.0, np.nan, np.inf, -1.0, 1e-300, 1e300, 1.0])
    assert np.all(np.isfinite(y)) and np.all((y >= lo) & (y <= hi)) and y[-1] == 0.0


def check_lr_panels(scene):
    assert [c.data_name for c in scene.cards] == list(LR_RUNS)
    for card, scenario in zip(scene.cards, LR_RUNS):
        d = load_scenario(scenario)
        k = int(d["diverged_step"][0])
        pos, losses = d["positions"][:, 0], d["losses"][:, 0]
        if k < 0:
            assert card.point.inside(), f"{scenario}: point left the panel"
            assert_maps_to(scenario, scene, card.contour_axes, card.point.dot.get_center(), pos[-1],
                           "the point ends")
            assert_maps_to(scenario, scene, card.loss_axes, card.loss_dot.get_center(),
                           (len(losses) - 1, math.log10(losses[-1])), "the loss curve ends")
        else:
            label = scene.diverged_labels[scenario]
            assert label.step == k and f"step {k}" in label.tex_string, (
                f"{scenario}: label {label.tex_string!r}, data diverged at step {k}")
            assert not card.point.inside() and card.point.dot.get_fill_opacity() == 0
            assert card.point.marker.get_fill_opacity() == 1, f"{scenario}: no marker where it left"
            # the loss curve stops at the last in-bound loss (step k − 1), at the top of the axis
            assert_maps_to(scenario, scene, card.loss_axes, card.loss_dot.get_center(),
                           (k - 1, math.log10(losses[k - 1])), "the loss curve ends")
        regime = d.meta["params"].get("regime")
        if regime:
            assert any(regime in getattr(m, "tex_string", "") for m in card.header), (
                f"{scenario}: regime {regime!r} not shown")


def check_lr_cards_inside(scene):
    for card in scene.cards:
        pts = family_points(card)
        assert np.all(np.isfinite(pts)), f"{card.data_name}: NaN or inf among the drawn points"
        lo, hi = card.frame.get_corner(np.array([-1, -1, 0])), card.frame.get_corner(np.array([1, 1, 0]))
        outside = np.any((pts[:, :2] < lo[:2] - 1e-6) | (pts[:, :2] > hi[:2] + 1e-6), axis=1)
        assert not outside.any(), f"{card.data_name}: {outside.sum()} points drawn outside its card"
        # the path, the border marker and the point's centre stay inside the contour box
        frame = card.contour_axes.frame
        blo, bhi = frame.get_corner(np.array([-1, -1, 0])), frame.get_corner(np.array([1, 1, 0]))
        for what, p in (("path", family_points(card.trail)), ("marker", family_points(card.point.marker)),
                        ("point", card.point.dot.get_center()[None, :])):
            out = np.any((p[:, :2] < blo[:2] - 1e-6) | (p[:, :2] > bhi[:2] + 1e-6), axis=1)
            assert not out.any(), f"{card.data_name}: the {what} leaves the contour panel"


# ── Components ──────────────────────────────────────────────────────────────────────────────────


def _bowl():
    d = load_scenario("lr-good")  # f = (5x² + y²)/2 on a 61×61 grid over [-3, 3]²
    return d["grid_x"], d["grid_y"], d["grid_f"]


@pytest.mark.parametrize("level", [0.3, 2.0, 4.0, 10.0])
def test_contours_lie_on_the_bowls_ellipses(level):
    from scenes.components.landscape import contour_lines, sublevel_polygons

    gx, gy, gf = _bowl()
    lines = contour_lines(gx, gy, gf, level)
    assert lines, f"level {level}: no contour"
    pts = np.vstack(lines)
    exact = (5 * pts[:, 0] ** 2 + pts[:, 1] ** 2) / 2  # closed form, not the grid
    h = gx[1] - gx[0]
    assert np.max(np.abs(exact - level)) <= 5 * h * h, f"level {level}: off the ellipse"
    polys = sublevel_polygons(gx, gy, gf, level)
    area = sum(0.5 * abs(np.dot(p[:, 0], np.roll(p[:, 1], 1)) - np.dot(p[:, 1], np.roll(p[:, 0], 1)))
               for p in polys)
    a, b = math.sqrt(2 * level / 5), math.sqrt(2 * level)
    if b <= 3:  # the whole ellipse inside the grid: area π a b
        assert area == pytest.approx(math.pi * a * b, rel=0.02), f"level {level}: area {area:.4f}"
    else:  # cut by y = ±3: integrate the ellipse's width over |y| ≤ 3
        ys = np.linspace(-3, 3, 20001)
        want = np.trapezoid(2 * a * np.sqrt(np.clip(1 - (ys / b) ** 2, 0, None)), ys)
        assert area == pytest.approx(want, rel=0.02), f"level {level}: area {area:.4f} vs {want:.4f}"


def test_clipping_keeps_what_is_inside_the_box():
    from core.view import clip_segment
    from scenes.components.clipped_path import clipped_polyline

    box = ((-3.0, 3.0), (-3.0, 3.0))
    rng = np.random.default_rng(3)
    for _ in range(200):
        p, q = rng.uniform(-8, 8, 2), rng.uniform(-8, 8, 2)
        t = np.linspace(0, 1, 4001)
        pts = p + t[:, None] * (q - p)
        inside = np.all(np.abs(pts) <= 3.0, axis=1)  # brute force: sample the segment
        cut = clip_segment(p, q, box)
        if not inside.any():
            assert cut is None or cut[1] - cut[0] < 1e-3
            continue
        assert cut is not None
        assert cut[0] == pytest.approx(t[inside][0], abs=1e-3) and cut[1] == pytest.approx(t[inside][-1], abs=1e-3)
    unstable = load_scenario("lr-unstable")["positions"][:54, 0]  # |x| reaches 4e9
    pieces = clipped_polyline(unstable, 53.0, box)
    allpts = np.vstack(pieces)
    assert np.all(np.isfinite(allpts)) and np.all(np.abs(allpts) <= 3.0 + 1e-9)


def test_log_loss_axis_spans_1e_minus15_to_1e20_without_nans():
    from scenes.components.loss_curve import decade_label, decade_range

    lo, hi, step = decade_range([1e-15, 3.0, 4.6e19])
    assert lo <= -15 and hi >= 20 and (hi - lo) / step + 1 <= 5 and lo % step == 0 == hi % step
    assert decade_range([0.23, 35.3]) == (-1, 2, 1)
    assert decade_label(-15) == "10^{-15}" and decade_label(0) == "1" and decade_label(-1) == "0.1"
