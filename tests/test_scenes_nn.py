"""The nn-landscape scene, rendered once in-process at 256×144 and 5 fps.

The MP4 is checked against ffprobe (codec, size, frame count for the scene's duration) and the
picture against the data files, loaded here independently (the oracle): the surface's vertices are
the stored log₁₀ loss on the PCA plane, the 3-D and top-down points end at the projected paths'
last positions (the 3-D ones at the plane's loss there), the network's curves end as its final
prediction, the loss dots and readouts at the final losses, and the best line is
parabolic-regression's final line.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.datafile import load_scenario
from scenes import lecture
from tests.scene_harness import (back_to_data, check_beats, check_surface_on_grid, check_video,
                                 figure_colours, hex_of, pixel_size, render)

pytestmark = pytest.mark.render


def _px_error(scene, axes, point, want) -> float:
    """How many pixels ``point`` lies from the data point ``want`` on ``axes`` (2-D or 3-D)."""
    want = np.asarray(want, dtype=float)
    n = len(want)
    origin = np.asarray(axes.c2p(*([0.0] * n)), dtype=float)
    units = np.array([np.linalg.norm(np.asarray(axes.c2p(*np.eye(n)[i]), dtype=float) - origin)
                      for i in range(n)])
    got = back_to_data(axes, point)[:n]
    return float(np.max(np.abs(got - want) * units / pixel_size(scene)))


def test_nn_landscape_scene(tmp_path, monkeypatch):
    from scenes.nn_landscape import NNLandscape

    monkeypatch.setattr(NNLandscape, "RESOLUTION", 10)  # lean at test size (10 divides the grid)
    scene, path, duration = render("nn-landscape", tmp_path)
    check_video("nn-landscape", path, duration)
    d = load_scenario("nn-landscape")
    line = load_scenario("parabolic-regression")
    xy, plane_f, losses = d["path_xy"], d["path_plane_f"], d["losses"]
    runs = d.meta["runs"]

    # the surface is the stored grid: vertices at (x_j, y_i, log10 pca_grid_f[i, j])
    check_surface_on_grid("nn-landscape", scene.axes, scene.surface, d["pca_grid_x"],
                          d["pca_grid_y"], np.log10(d["pca_grid_f"]), 10 * 10)

    # the 3-D points stopped where the surface view ended, on the plane's loss (plus the lift)
    k3 = scene.SURFACE_STEPS
    for b, dot in enumerate(scene.dots3):
        want = [*xy[k3, b], np.log10(plane_f[k3, b]) + scene.LIFT]
        err = _px_error(scene, scene.axes, dot.get_center(), want)
        assert err <= 1.0, f"nn-landscape: 3-D point {b} is {err:.2f} px from step {k3} of its path"

    # the top-down points end at the paths' last projected positions; GD's at θ* (the origin)
    for b, dot in enumerate(scene.dots2):
        err = _px_error(scene, scene.map_axes, dot.get_center(), xy[-1, b])
        assert err <= 1.0, f"nn-landscape: top-down point {runs[b]['name']} {err:.2f} px off"
    assert np.allclose(xy[-1, 0], 0.0)

    # the network's curves: the final prediction at every fine x (inside the panel)
    (y0, y1) = scene.data_axes.box[1]
    for b, curve in enumerate(scene.fits):
        starts = curve.get_start_anchors()  # one per segment: every fine x but the last
        want = np.column_stack([d["fit_x"], np.clip(d["fit_y"][-1, b], y0, y1)])
        assert len(starts) == len(want) - 1
        for p, w in zip(starts, want):
            assert _px_error(scene, scene.data_axes, p, w) <= 1.0, f"curve {b} off at x = {w[0]:.2f}"
        assert np.all((d["fit_y"][-1, b] > y0) & (d["fit_y"][-1, b] < y1)), "fit leaves the panel"

    # the loss dots and readouts at the final losses; every run named with its rate
    for b, dot in enumerate(scene.loss_dots):
        want = (d.meta["steps"], np.log10(losses[-1, b]))
        assert _px_error(scene, scene.loss_axes, dot.get_center(), want) <= 1.0
        shown = scene.legend.readouts[b][1].get_value()
        assert shown == pytest.approx(losses[-1, b], abs=5e-4), f"readout {shown} != {losses[-1, b]}"
    assert len(scene.legend.rows) == len(runs) == 2

    # the best line is parabolic-regression's final line, and its loss is the one marked
    w, bias = line["positions"][-1, 0]
    for p in (scene.best_line.get_start(), scene.best_line.get_end()):
        x = back_to_data(scene.data_axes, p)[0]
        err = _px_error(scene, scene.data_axes, p, (x, w * x + bias))
        assert err <= 1.0, f"the best line is {err:.2f} px off parabolic-regression's final line"
    assert f"{line['losses'][-1, 0]:.2f}" in scene.verdict.tex_string
    for v in losses[-1]:
        assert f"{v:.3f}" in scene.verdict.tex_string

    # the figures draw the same concepts in the same colours: each optimizer's network, and the
    # loss on a plane (the video's 3-D surface and its map from above, the figure's surface and
    # contours) in one colour map: every band of the map is a colour of the figure's map
    gd, adam = figure_colours("neural-net-fit", "network-gd", "network-adam")
    assert [hex_of(c.get_stroke_color()) for c in scene.fits] == [gd, adam], "the networks' colours"
    assert [r["name"] for r in runs] == ["gd", "adam"]
    from render import figures
    (contours,) = figures.build("neural-net-loss-landscape", "light").findobj(
        lambda a: a.get_gid() == "contours")
    ramp = contours.get_cmap()(np.linspace(0, 1, 256))[:, :3]
    bands = [np.asarray(b.get_fill_color().to_rgb()) for b in scene.map_landscape.bands]
    assert len(bands) >= 10
    for rgb in bands:
        off = float(np.min(np.max(np.abs(ramp - rgb), axis=1)))
        assert off < 0.012, f"nn-landscape: a band of the map ({rgb}) is not in the figure's colour map"

    # five beats (a deck's slides): captions, notes, in time order; the scene closes the lecture
    check_beats("nn-landscape", scene, duration)
    assert len(scene.beats) == 5
    assert lecture.lecture_scenes()[-1] == "nn-landscape"
