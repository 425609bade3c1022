"""The post's stills: each builds, shows exactly its scenario's data, and renders reproducibly.

The scenario files are computed afresh for the session (tests/conftest.py, ``GD_DATA_DIR``), so
the tests do not depend on the state of build/. Plotted data is read back from the artists (found by
their ``gid``) and compared with the arrays in the data files, and where the post fixes a value
(w = 2, b = 1; minima of the double well at ±2 and 0; f(x) = x²) with that closed form.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

from core import datafile, scenarios, theme
from render import figures, outputs, publish
from render.figures import FIGURES, common, races, registry
from render.figures import style as figstyle

import matplotlib as mpl  # noqa: E402  (after render.figures.style chose the Agg backend)
import matplotlib.image as mpimg  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.text import Text  # noqa: E402


@pytest.fixture(scope="module")
def data_dir(scenario_data):
    """The session's scenario files (tests/conftest.py), which GD_DATA_DIR names."""
    return scenario_data


def load(name):
    return datafile.load_scenario(name)


def art(fig, gid):
    found = fig.findobj(lambda a: a.get_gid() == gid)
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def texts(fig):
    return [t.get_text() for t in fig.findobj(Text)]


def assert_xy(line, x, y, what):
    xy = line.get_xydata()
    np.testing.assert_allclose(xy[:, 0], x, err_msg=f"{what}: x")
    np.testing.assert_allclose(xy[:, 1], y, err_msg=f"{what}: y")


def color(artist) -> str:
    return to_hex(artist.get_color())


# --------------------------------------------------------------------- per-figure data checks
def check_true_line(fig, pal):
    d = load("linear-regression")
    x, y = d["x"], d["y"]
    np.testing.assert_allclose(art(fig, "samples").get_offsets(), np.column_stack([x, y]))
    assert_xy(art(fig, "true-line"), x, 2 * x + 1, "true line y = 2x + 1 (the post's w, b)")
    assert x.size == 100, "the post draws 100 samples"


def check_example_result(fig, pal):
    d = load("linear-regression")
    x, y = d["x"], d["y"]
    w, b = d["positions"][-1, 0]
    np.testing.assert_allclose(art(fig, "samples").get_offsets(), np.column_stack([x, y]))
    true = art(fig, "true-line")
    assert_xy(true, x, 2 * x + 1, "true line")
    assert true.get_linestyle() not in ("-", "solid"), "the post draws the true line dashed"
    pred = art(fig, "prediction")
    assert_xy(pred, x, w * x + b, "predicted line from the final (w, b)")
    assert color(pred) == pal.prediction.lower()
    assert abs(w - 2) < 0.1 and abs(b - 1) < 0.1, f"training should recover w≈2, b≈1, got {w}, {b}"


def check_gradient_field(fig, pal):
    d = load("gradient-field")
    q = art(fig, "field")
    X, Y = np.meshgrid(d["field_x"], d["field_y"])
    np.testing.assert_allclose(q.get_offsets(), np.column_stack([X.ravel(), Y.ravel()]))
    np.testing.assert_allclose(np.ravel(q.U), d["field_grad"][..., 0].ravel())
    np.testing.assert_allclose(np.ravel(q.V), d["field_grad"][..., 1].ravel())
    pos = d["positions"]
    for i in range(pos.shape[1]):
        assert_xy(art(fig, f"path-{i}"), pos[:, i, 0], pos[:, i, 1], f"path {i}")


def check_hill(fig, pal):
    d = load("hill")
    pos, losses = d["positions"], d["losses"]
    for i in range(pos.shape[1]):
        xs, ys, zs = art(fig, f"path3d-{i}").get_data_3d()
        np.testing.assert_allclose(xs, pos[:, i, 0], err_msg=f"3-D path {i}: x")
        np.testing.assert_allclose(ys, pos[:, i, 1], err_msg=f"3-D path {i}: y")
        np.testing.assert_allclose(zs, losses[:, i], atol=0.03, err_msg=f"3-D path {i}: height = loss")
        assert_xy(art(fig, f"path-{i}"), pos[:, i, 0], pos[:, i, 1], f"top-down path {i}")
    # the 3-D surface is the stored grid: each face coloured by the mean height of its corners
    gf = d["grid_f"]
    cells = (gf[:-1, :-1] + gf[1:, :-1] + gf[:-1, 1:] + gf[1:, 1:]) / 4
    faces = np.ravel(art(fig, "surface").get_array())
    np.testing.assert_allclose(np.sort(faces), np.sort(cells.ravel()), atol=1e-12,
                               err_msg="surface faces: the grid's cells")


def check_regression_landscape(fig, pal):
    for key in ("linear", "parabolic"):
        d = load(f"{key}-regression")
        pts = d["positions"][:, 0]
        assert_xy(art(fig, f"path-{key}"), pts[:, 0], pts[:, 1], f"{key} trajectory")
        gm = art(fig, f"global-minimum-{key}")
        assert_xy(gm, d["global_minima"][:, 0], d["global_minima"][:, 1], f"{key} minimum")
        levels = art(fig, f"landscape-{key}").levels
        assert np.isclose(levels[0], d["grid_f"].min()) and np.isclose(levels[-1], d["grid_f"].max())


def check_comparison(fig, pal):
    minima = {}
    for key in ("linear", "parabolic"):
        d = load(f"{key}-regression")
        vw, vl = d["valley_w"], d["valley_loss"]
        assert_xy(art(fig, f"valley-{key}"), vw, vl, f"{key} valley slice")
        i = int(np.argmin(vl))
        assert_xy(art(fig, f"valley-{key}-min"), [vw[i]], [vl[i]], f"{key} valley minimum")
        minima[key] = vl[i]
    # The post's point: both descents reach their minimum, but the parabolic one is far higher.
    assert minima["parabolic"] > 5 * minima["linear"], minima


LR_SCALE = {"lr-small": "linear", "lr-good": "log", "lr-large": "log", "lr-unstable": "log"}


def _check_lr(scenario):
    def check(fig, pal):
        d = load(scenario)
        pos, losses = d["positions"][:, 0], d["losses"][:, 0]
        k = int(d["diverged_step"][0])
        last = k - 1 if k >= 0 else losses.size - 1  # frozen after divergence
        assert_xy(art(fig, "path-0"), pos[:last + 1, 0], pos[:last + 1, 1], "path")
        curve = art(fig, "loss-curve")
        assert_xy(curve, np.arange(last + 1), losses[:last + 1], "loss curve")
        assert curve.axes.get_yscale() == LR_SCALE[scenario], f"{scenario}: loss axis scale"
        ax = art(fig, "path-0").axes
        (x0, x1), (y0, y1) = d["domain"]
        assert ax.get_xlim() == pytest.approx((x0, x1)) and ax.get_ylim() == pytest.approx((y0, y1))
        if scenario == "lr-unstable":
            assert k > 0, "the unusable rate must diverge"
            assert f"diverged at step {k}" in "\n".join(texts(fig))
            assert 1e19 <= losses[last] <= 1e20, losses[last]  # the post's ~1e18 loss scale
            assert curve.axes.get_ylim()[1] >= losses[last]
            outside = (np.abs(pos[:last + 1]) > 3).any(axis=1)
            assert outside.any(), "the clipped view must show the path leaving it"
        else:
            assert k == -1
    return check


def check_multiple_minima(fig, pal):
    d = load("multiple-minima-1d")
    pos, losses = d["positions"][:, :, 0], d["losses"]
    for i in range(pos.shape[1]):
        line = art(fig, f"path-{i}")
        assert_xy(line, pos[:, i], losses[:, i], f"path {i}")
        # f'(x) = x(x²−1)(x²−4): maxima at ±1 split the basins; |x| > 1 ends in a global minimum ±2.
        expected = pal.minimum_global if abs(pos[-1, i]) > 1 else pal.minimum_local
        assert color(line) == expected.lower(), f"path {i} ends at {pos[-1, i]:.3f}"
    g = art(fig, "global-minima").get_xydata()
    np.testing.assert_allclose(sorted(g[:, 0]), [-2, 2])
    np.testing.assert_allclose(g[:, 1], 0, atol=0.02)
    loc = art(fig, "local-minima").get_xydata()
    np.testing.assert_allclose(loc, [[0, 4 / 3]], atol=0.02)
    ends = np.abs(pos[-1])
    assert (ends > 1).any() and (ends < 1).any(), "the starts should reach both kinds of minimum"


def check_convex(fig, pal):
    d = load("convex-1d")
    x, f = d["positions"][:, 0, 0], d["losses"][:, 0]
    assert_xy(art(fig, "path-0"), x, f, "path")
    np.testing.assert_allclose(f, x ** 2, err_msg="points lie on f(x) = x²")
    assert_xy(art(fig, "curve"), d["curve_x"], d["curve_f"], "curve")
    assert abs(x[-1]) < abs(x[0]) / 10


RACE_SCALE = {"race-rosenbrock": "log", "race-himmelblau": "log", "race-rastrigin": "linear",
              "race-saddle": "symlog"}
RACE_ORDER = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]  # issue 6's order


def first_outside(pts, domain):
    """Oracle: the first step whose point is outside the box, or -1."""
    (x0, x1), (y0, y1) = domain
    out = (pts[:, 0] < x0) | (pts[:, 0] > x1) | (pts[:, 1] < y0) | (pts[:, 1] > y1)
    return int(np.argmax(out)) if out.any() else -1


def check_race_data(fig, scenario, pal):
    """Every race figure: paths, loss curves, status marks and legend equal the scenario file;
    each run in its optimizer's colour from the theme."""
    d = load(scenario)
    runs, pos, losses = d.meta["runs"], d["positions"], d["losses"]
    conv, div, domain = d["converged_step"], d["diverged_step"], d["domain"]
    assert [r["name"] for r in runs] == d.meta["optimizer"] == RACE_ORDER
    legend = art(fig, "runs-legend")
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(labels) == len(runs)
    handle_colours = [color(h) for h in legend.legend_handles]
    assert handle_colours == [pal.optimizer_colours[r["name"]].lower() for r in runs], \
        f"each run in its optimizer's theme colour: {handle_colours}"
    assert len(set(handle_colours)) == len(runs), f"six runs need six colours: {handle_colours}"
    for i, run in enumerate(runs):
        name = pal.optimizer_names[run["name"]]
        what = f"{scenario} run {i} ({run['name']})"
        assert labels[i].startswith(name) and f"{run['lr']:g}" in labels[i], (what, labels[i])
        assert f"{run['lr']:g}" == f"{d.meta['params']['lr'][i]:g}"
        k = int(div[i])
        last = k - 1 if k >= 0 else losses.shape[0] - 1  # frozen after divergence
        path = art(fig, f"path-{i}")
        assert_xy(path, pos[:last + 1, i, 0], pos[:last + 1, i, 1], f"{what}: path")
        assert color(path) == handle_colours[i], f"{what}: legend colour"
        curve = art(fig, f"loss-{i}")
        assert_xy(curve, np.arange(last + 1), losses[:last + 1, i], f"{what}: loss curve")
        assert color(curve) == handle_colours[i]
        assert curve.axes.get_yscale() == RACE_SCALE[scenario], f"{scenario}: loss axis scale"
        lo, hi = curve.axes.get_ylim()
        assert lo <= losses[:last + 1, i].min() and hi >= losses[:last + 1, i].max(), \
            f"{what}: the loss axis must show the whole curve, not clip it"
        kout = first_outside(pos[:last + 1, i], domain)
        if k >= 0:
            assert f"diverged at step {k}" in labels[i], (what, labels[i])
            assert_xy(art(fig, f"loss-{i}-diverged"), [last], [losses[last, i]], f"{what}: divergence")
        elif kout >= 0:
            assert f"left the view at step {kout}" in labels[i], (what, labels[i])
        elif conv[i] >= 0:
            assert f"converged at step {conv[i]}" in labels[i], (what, labels[i])
        if conv[i] >= 0:
            assert_xy(art(fig, f"loss-{i}-converged"), [conv[i]], [losses[conv[i], i]], f"{what}: conv")
        if kout >= 0:
            # the mark sits on the border, on the segment that crosses it, at that step's loss
            (ex, ey), = art(fig, f"path-{i}-exit").get_xydata()
            (x0, x1), (y0, y1) = domain
            assert np.isclose([ex, ex, ey, ey], [x0, x1, y0, y1]).any(), f"{what}: exit on the border"
            assert x0 - 1e-9 <= ex <= x1 + 1e-9 and y0 - 1e-9 <= ey <= y1 + 1e-9
            a, b = pos[kout - 1, i], pos[kout, i]
            t = np.dot([ex, ey] - a, b - a) / np.dot(b - a, b - a)
            assert 0 <= t <= 1, f"{what}: exit point between steps {kout - 1} and {kout}"
            np.testing.assert_allclose(a + t * (b - a), [ex, ey], atol=1e-9,
                                       err_msg=f"{what}: exit point on the segment")
            assert_xy(art(fig, f"loss-{i}-exit"), [kout], [losses[kout, i]], f"{what}: exit step")
        else:
            assert not fig.findobj(lambda a: a.get_gid() == f"path-{i}-exit")
            assert_xy(art(fig, f"path-{i}-end"), [pos[last, i, 0]], [pos[last, i, 1]], f"{what}: end")
    ax = art(fig, "path-0").axes
    (x0, x1), (y0, y1) = domain
    assert ax.get_xlim() == pytest.approx((x0, x1)) and ax.get_ylim() == pytest.approx((y0, y1))
    start = d.meta["params"]["start"]
    assert_xy(art(fig, "start"), [start[0]], [start[1]], "start")
    np.testing.assert_allclose(pos[0], np.tile(start, (len(runs), 1)), err_msg="one start for all")
    for key in ("global_minima", "local_minima", "saddle_points"):
        pts = d[key]
        found = fig.findobj(lambda a: a.get_gid() == key.replace("_", "-"))
        if pts.size:
            assert_xy(found[0], pts[:, 0], pts[:, 1], key)
        else:
            assert not found, f"{scenario} has no {key} but the figure draws some"
    assert d.meta["formula"] in ax.get_title()
    assert d.meta["objective"].title() in fig._suptitle.get_text()
    return d


def check_race_rosenbrock(fig, pal):
    d = check_race_data(fig, "race-rosenbrock", pal)
    np.testing.assert_allclose(art(fig, "global-minima").get_xydata(), [[1, 1]])  # (a, a²), a = 1
    levels = art(fig, "landscape").levels
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]),
                               err_msg="log-spaced colour levels")
    assert np.isclose(levels[-1], d["grid_f"].max())
    assert d.meta["params"]["start"] == [-1.2, 1.0]


def check_race_himmelblau(fig, pal):
    d = check_race_data(fig, "race-himmelblau", pal)
    g = art(fig, "global-minima").get_xydata()
    assert len(g) == 4 and np.isclose(g, [3, 2]).all(axis=1).any()  # f(3, 2) = 0
    ends = d["positions"][-1]
    assert len({tuple(np.round(e, 3)) for e in ends}) >= 2, "the race should reach different minima"


def check_race_rastrigin(fig, pal):
    d = check_race_data(fig, "race-rastrigin", pal)
    np.testing.assert_allclose(art(fig, "global-minima").get_xydata(), [[0, 0]])
    levels = art(fig, "landscape").levels
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))
    # Runs that end on one spot hide each other, so the figure names them there.
    ends, (x0, x1) = d["positions"][-1], d["domain"][0]
    together = [i for i in range(len(ends)) if np.hypot(*(ends[i] - ends[0])) < 0.02 * (x1 - x0)]
    assert len(together) >= 2
    label = art(fig, "end-label-0").get_text()
    assert label.split(", ") == [pal.optimizer_names[d.meta["runs"][i]["name"]] for i in together]


def check_race_saddle(fig, pal):
    d = check_race_data(fig, "race-saddle", pal)
    np.testing.assert_allclose(art(fig, "saddle-points").get_xydata(), [[0, 0]])
    levels = art(fig, "landscape").levels
    np.testing.assert_allclose(levels, -levels[::-1], err_msg="colour levels symmetric about 0")
    assert np.isclose(levels[-1], np.abs(d["grid_f"]).max())
    exits = [first_outside(d["positions"][:, i], d["domain"]) for i in range(6)]
    assert sum(k >= 0 for k in exits) >= 3, f"the saddle race should show runs leaving: {exits}"
    assert d["losses"].min() < -1e6, "the saddle's losses fall without bound"


def _bilinear(gx, gy, gf, x, y):
    """The grid's value at (x, y), bilinear in its cell (exact along cell edges, where contour
    vertices lie)."""
    j = np.clip(np.searchsorted(gx, x, side="right") - 1, 0, len(gx) - 2)
    i = np.clip(np.searchsorted(gy, y, side="right") - 1, 0, len(gy) - 2)
    tx = (x - gx[j]) / (gx[j + 1] - gx[j])
    ty = (y - gy[i]) / (gy[i + 1] - gy[i])
    low = (1 - tx) * gf[i, j] + tx * gf[i, j + 1]
    high = (1 - tx) * gf[i + 1, j] + tx * gf[i + 1, j + 1]
    return (1 - ty) * low + ty * high


def check_nn_landscape(fig, pal):
    d = load("nn-landscape")
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    assert (gx[0], gx[-1], gy[0], gy[-1]) == (-1.0, 1.0, -1.0, 1.0) and gf.shape[0] >= 51
    # the surface: one quad per grid cell, its corners the stored (α, β, L) (matplotlib keeps the
    # 3-D polygons in ``_faces``)
    faces = art(fig, "surface")._faces
    assert faces.shape == ((len(gy) - 1) * (len(gx) - 1), 4, 3)
    pts = faces.reshape(-1, 3)
    j = np.abs(pts[:, 0, None] - gx).argmin(axis=1)
    i = np.abs(pts[:, 1, None] - gy).argmin(axis=1)
    np.testing.assert_allclose(pts[:, 0], gx[j], atol=1e-12, err_msg="surface vertex off the grid")
    np.testing.assert_allclose(pts[:, 1], gy[i], atol=1e-12, err_msg="surface vertex off the grid")
    np.testing.assert_allclose(pts[:, 2], gf[i, j], rtol=1e-12, err_msg="surface height != loss")
    # log-spaced contours from the lowest loss in view to the highest, each on its level
    cs = art(fig, "contours")
    levels = np.asarray(cs.levels)
    assert levels[0] == pytest.approx(gf.min()) and levels[-1] == pytest.approx(gf.max())
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]), rtol=1e-9)
    for level, segs in list(zip(levels, cs.allsegs))[1:-1:4]:
        for seg in segs:
            np.testing.assert_allclose(_bilinear(gx, gy, gf, seg[:, 0], seg[:, 1]), level, rtol=1e-6,
                                       err_msg=f"a contour vertex is not at level {level:.4g}")
    # θ* at the centre, the lowest point in view
    assert_xy(art(fig, "theta-star"), [0.0], [0.0], "θ*")
    c = len(gx) // 2
    assert gf[c, c] == gf.min() and gx[c] == 0.0


def check_nn_fit(fig, pal):
    d, line = load("nn-landscape"), load("parabolic-regression")
    x, y, fx = d["x"], d["y"], d["fit_x"]
    np.testing.assert_allclose(art(fig, "samples").get_offsets(), np.column_stack([x, y]))
    assert_xy(art(fig, "true-curve"), fx, fx ** 2, "true parabola y = x² (the post's)")
    w, b = line["positions"][-1, 0]
    assert_xy(art(fig, "line"), fx, w * fx + b, "the line parabolic-regression ends with")
    labels = " ".join(texts(fig))
    assert f"{line['losses'][-1, 0]:.2f}" in labels
    for i, run in enumerate(d.meta["runs"]):
        curve = art(fig, f"network-{run['name']}")
        assert_xy(curve, fx, d["fit_y"][-1, i], f"the network's final fit after {run['name']}")
        assert color(curve) == to_hex(pal.optimizer_colours[run["name"]])
        assert f"{d['losses'][-1, i]:.3f}" in labels


CHECKS = {
    "true-line-and-noisy-points": check_true_line,
    "example-result": check_example_result,
    "gradient-field-with-paths": check_gradient_field,
    "hill-paths": check_hill,
    "regression-loss-landscape": check_regression_landscape,
    "comparison-of-losses": check_comparison,
    "lr-slow-and-steady": _check_lr("lr-small"),
    "lr-adequately-fast": _check_lr("lr-good"),
    "lr-a-bit-unstable": _check_lr("lr-large"),
    "lr-unusable": _check_lr("lr-unstable"),
    "multiple-minima": check_multiple_minima,
    "convex": check_convex,
    "race-rosenbrock": check_race_rosenbrock,
    "race-himmelblau": check_race_himmelblau,
    "race-rastrigin": check_race_rastrigin,
    "race-saddle": check_race_saddle,
    "neural-net-loss-landscape": check_nn_landscape,
    "neural-net-fit": check_nn_fit,
}


def check_type(fig, name):
    """Every text in Computer Modern (cmr10, formulas in the cm mathtext set) at a size of the
    theme's type scale; outside formulas only ASCII (cmr10 maps other characters to wrong glyphs:
    '±' drew a ligature)."""
    pal = figstyle.palette("light")
    sizes = {figstyle.fontsize(pal, k): k for k in theme.TYPE_SCALE}
    shown = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert shown, name
    for t in shown:
        s = t.get_text()
        with mpl.rc_context(figstyle.rc("light")):  # "serif" is resolved when drawn, as render() does
            assert t.get_fontname() == "cmr10", (name, s, t.get_fontname())
        assert round(t.get_fontsize(), 1) in sizes, (name, s, t.get_fontsize(), sizes)
        plain = re.sub(r"(?<!\\)\$.*?(?<!\\)\$", "", s)
        assert plain.isascii(), (name, s)


def test_the_style_sets_computer_modern():
    rc = figstyle.rc("light")
    assert (rc["font.family"], rc["font.serif"], rc["mathtext.fontset"]) == ("serif", ["cmr10"], "cm")
    assert rc["figure.titleweight"] == rc["axes.titleweight"] == "normal"


def test_every_figure_has_a_check():
    assert sorted(CHECKS) == sorted(FIGURES)


def png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


class FreshRender:
    """Every figure drawn by one separate ``python -m render.figures`` process, started in the
    background when the first test asks for it, so it runs beside the in-process renders; the two
    sets are compared byte for byte at the end (two renders, in two different processes)."""

    def __init__(self, out, log):
        self.out, self.log = out, log
        with open(log, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "render.figures", "--out", str(out), "--theme", "light"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, env=dict(os.environ))

    def wait(self):
        rc = self.proc.wait(timeout=600)
        assert rc == 0, f"python -m render.figures exited {rc}: {self.log.read_text()}"
        return self.out


@pytest.fixture(scope="module")
def fresh_render(data_dir, tmp_path_factory):
    render = FreshRender(tmp_path_factory.mktemp("fresh"), tmp_path_factory.mktemp("log") / "stderr")
    yield render
    if render.proc.poll() is None:
        render.proc.kill()
        render.proc.wait()


@pytest.fixture(scope="module")
def inproc_dir(tmp_path_factory):
    """Where the per-figure tests save their (in-process) renders, for the byte comparison."""
    return tmp_path_factory.mktemp("inproc")


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_builds_and_shows_its_data(name, monkeypatch, fresh_render, inproc_dir):
    read = []
    real = common.load_scenario
    monkeypatch.setattr(common, "load_scenario", lambda s: read.append(s) or real(s))
    fig = figures.build(name, "light")
    assert sorted(set(read)) == sorted(FIGURES[name].data), \
        f"{name} reads {sorted(set(read))}, FIGURES (and the Makefile) list {FIGURES[name].data}"
    CHECKS[name](fig, figstyle.palette("light"))
    check_type(fig, name)
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    assert fig._suptitle is not None and fig._suptitle.get_text() == FIGURES[name].title

    with mpl.rc_context(figstyle.rc("light")):  # as figures.render saves it
        png, svg = figstyle.save(fig, inproc_dir / name)
    w, h = fig.get_size_inches()
    assert png_size(png) == (round(w * figstyle.DPI), round(h * figstyle.DPI))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert FIGURES[name].title in svg.read_text(), "matplotlib writes each text as a comment"
    assert sorted(p.name for p in inproc_dir.iterdir() if p.name.startswith(f"{name}.")) == \
        [f"{name}.png", f"{name}.svg"]
    assert not [p.name for p in inproc_dir.iterdir() if p.name.startswith(".")], "temp files left"


def _with_meta(src, dst, **params):
    d = datafile.load(src)
    meta = dict(d.meta, params={**{k: v for k, v in d.meta["params"].items()
                                   if k not in ("regime", "lr_max", "lr_best")}, **params})
    datafile.save(dst, d.arrays, meta)


def test_regime_label_shown_when_the_data_has_one(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("GD_DATA_DIR", str(tmp_path))
    _with_meta(data_dir / "lr-good.npz", tmp_path / "lr-good.npz",
               regime="good", lr_max=0.4, lr_best=1 / 3)
    info = art(figures.build("lr-adequately-fast", "light"), "run-info").get_text()
    assert "regime: good" in info and "0.4" in info and "0.333" in info, info

    _with_meta(data_dir / "lr-good.npz", tmp_path / "lr-good.npz")  # older data: no theory labels
    fig = figures.build("lr-adequately-fast", "light")
    assert not any("regime" in t for t in texts(fig))


def test_race_marks_a_diverged_run_where_it_stopped(tmp_path, data_dir, monkeypatch):
    """No race diverges today; a run that does (as the runner records it: status 2, diverged_step k,
    frozen from step k on) is drawn up to step k − 1 and marked there, not hidden."""
    d = datafile.load(data_dir / "race-rosenbrock.npz")
    a = {k: v.copy() for k, v in d.arrays.items()}
    i, k = 2, 100
    a["positions"][k:, i] = a["positions"][k - 1, i]
    a["losses"][k:, i] = a["losses"][k - 1, i]
    a["status"][i], a["diverged_step"][i], a["converged_step"][i] = 2, k, -1
    datafile.save(tmp_path / "race-rosenbrock.npz", a, d.meta)
    monkeypatch.setenv("GD_DATA_DIR", str(tmp_path))
    fig = figures.build("race-rosenbrock", "dark")
    check_race_data(fig, "race-rosenbrock", figstyle.palette("dark"))  # runs the diverged branch against the modified file
    assert len(art(fig, f"path-{i}").get_xydata()) == k
    assert_xy(art(fig, f"path-{i}-end"), [a["positions"][k - 1, i, 0]], [a["positions"][k - 1, i, 1]],
              "diverged run's last point")
    assert art(fig, f"path-{i}-end").get_marker() == "X"
    assert any(t.get_text() == "diverged" for t in art(fig, "key-legend").get_texts())


def test_theme_colours_reach_the_pixels(tmp_path):
    for name in ("light", "dark"):
        png, _ = figures.render("convex", tmp_path / name, name)
        corner = mpimg.imread(png)[2, 2, :3]
        np.testing.assert_allclose(corner, to_rgb(figstyle.palette(name).background), atol=1 / 255,
                                   err_msg=f"{name}: background")
    assert (tmp_path / "light/convex.svg").read_bytes() != (tmp_path / "dark/convex.svg").read_bytes()


def test_failed_save_leaves_the_old_files_and_no_temp_files(tmp_path, monkeypatch):
    fig = figures.build("convex", "light")
    (tmp_path / "convex.png").write_bytes(b"old png")
    real = type(fig).savefig

    def failing(self, fname, *a, format=None, **kw):
        if format == "svg":
            raise RuntimeError("disk full")
        return real(self, fname, *a, format=format, **kw)

    monkeypatch.setattr(type(fig), "savefig", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        figstyle.save(fig, tmp_path / "convex")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["convex.png"]
    assert (tmp_path / "convex.png").read_bytes() == b"old png"
    assert not list((ROOT / "build" / "render" / "tmp").glob(f"convex.*.{os.getpid()}.*"))


TERMINATED_WHILE_SAVING = """
import os, runpy, signal, sys
from matplotlib.figure import Figure
real = Figure.savefig
def savefig(self, fname, *args, **kwargs):  # the PNG is complete, the SVG not begun
    real(self, fname, *args, **kwargs)
    print(fname, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)  # as make passes on a kill
Figure.savefig = savefig
sys.argv = ["render.figures", "--out", sys.argv[1], "convex"]
runpy.run_module("render.figures", run_name="__main__")
"""


def test_a_figure_killed_while_saving_leaves_nothing_in_its_folder(tmp_path):
    """SIGTERM between the PNG and the SVG: the CLI unwinds, and its temp files were never in the
    output folder (they live in build/render/tmp, so even SIGKILL leaves media/ clean)."""
    out = tmp_path / "figures"
    out.mkdir()
    res = subprocess.run([sys.executable, "-c", TERMINATED_WHILE_SAVING, str(out)], cwd=ROOT,
                         capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert res.returncode == 128 + 15, (res.returncode, res.stderr)
    temp = Path(res.stdout.split()[0])
    assert temp.parent == ROOT / "build" / "render" / "tmp" and temp.name.startswith("convex.png.")
    assert not temp.exists(), "the temporary PNG outlived the process"
    assert list(out.iterdir()) == []


def test_manifest_gives_a_figure_the_commit_it_was_drawn_from(data_dir, tmp_path, monkeypatch):
    """A figure's bytes do not name the commit (they are reproducible), so render() records it
    under build/render/provenance; the manifest reads it back, and claims nothing for a file that
    something else has rewritten since."""
    monkeypatch.setattr(outputs, "ROOT", tmp_path)
    monkeypatch.setattr(outputs, "PROVENANCE", tmp_path / "build" / "render" / "provenance")
    monkeypatch.setattr(outputs, "git_state", lambda: {"commit": "c0ffee", "dirty": True})
    media = tmp_path / "media"
    figures.render("convex", media / "figures" / "dark", "dark")
    assert (tmp_path / "build/render/provenance/media/figures/dark/convex.svg.json").is_file()

    manifest = publish.build_manifest(media, data_dir, figures=media / "figures" / "dark")
    by_path = {o["path"]: o for o in manifest["outputs"]}
    assert sorted(by_path) == ["figures/dark/convex.png", "figures/dark/convex.svg"]
    for entry in by_path.values():
        assert (entry["commit"], entry["dirty"], entry["theme"]) == ("c0ffee", True, "dark"), entry
        assert entry["scenarios"]["convex-1d"]["params"]["lr"] == 0.1

    (media / "figures" / "dark" / "convex.svg").write_text("<svg/>")
    by_path = {o["path"]: o for o in publish.build_manifest(media, data_dir, figures=media / "figures"
                                                            / "dark")["outputs"]}
    assert by_path["figures/dark/convex.svg"]["commit"] is None
    assert by_path["figures/dark/convex.png"]["commit"] == "c0ffee"


# --------------------------------------------------------------------- CLI
def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "render.figures", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=dict(os.environ))


def test_two_renders_are_byte_identical(fresh_render, inproc_dir):
    """Every figure, drawn by a fresh CLI process and in this process (by the per-figure test, after
    other figures; here when that test ran elsewhere or was deselected), gives the same bytes."""
    fresh = fresh_render.wait()
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(f"{n}.{ext}" for n in FIGURES for ext in ("png", "svg"))
    for n in FIGURES:
        if not (inproc_dir / f"{n}.svg").exists():
            figures.render(n, inproc_dir, "light")
    differ = [n for n in names if (fresh / n).read_bytes() != (inproc_dir / n).read_bytes()]
    assert not differ, f"not byte-identical: {differ}"
    svg = (fresh / "lr-unusable.svg").read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in (fresh / "lr-unusable.png").read_bytes()


@pytest.mark.parametrize("args, must_name", [
    (["no-such-figure"], ["no-such-figure", *FIGURES]),
    (["--theme", "sepia", "convex"], ["sepia", "light", "dark"]),
    (["--bogus"], ["--bogus"]),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, args, must_name):
    out = tmp_path / "out"
    r = cli("--out", out, *args)
    assert r.returncode == 2, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for word in must_name:
        assert word in lines[0], (word, lines[0])
    assert not out.exists() or not any(out.iterdir()), "nothing may be written on bad input"


def test_cli_list():
    r = cli("--list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert [ln.split()[0] for ln in lines] == list(FIGURES)
    assert all(len(ln.split(None, 1)[1]) > 20 for ln in lines), "each name has a description"


# --------------------------------------------------------------------- make rules from the registry
def test_generated_rules_list_exactly_the_module_and_data_each_figure_reads():
    text = registry.makefile_text()
    rules = {m.group(1): m.group(3).split()
             for m in re.finditer(r"^\$\(FIG_DIR\)/(\S+)\.png \$\(FIG_DIR\)/(\S+)\.svg: (.*)$", text, re.M)}
    assert sorted(rules) == sorted(FIGURES)
    for name, deps in rules.items():
        e = FIGURES[name]
        assert deps[0] == f"render/figures/{e.module}.py", (name, deps)
        assert (ROOT / deps[0]).is_file(), deps[0]
        assert sorted(d for d in deps if d.startswith("$(DATA)/")) == sorted(f"$(DATA)/{s}.npz" for s in e.data)
        assert deps[-1] == "$(FIG_COMMON)", (name, deps)
    names = re.search(r"^FIGURE_NAMES := (.*)$", text, re.M).group(1).split()
    assert names == list(FIGURES)
    common_files = re.search(r"^FIG_COMMON := (.*)$", text, re.M).group(1).split()
    families = {f"render/figures/{e.module}.py" for e in FIGURES.values()}
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "render" / "figures").glob("*.py")}
    assert set(common_files) - {"$(FIG_THEME_SRC)"} == package - families
    assert "$(FIG_THEME_SRC)" in common_files
    static = (ROOT / "render" / "figures.mk").read_text()
    assert "FIG_THEME_SRC := assets/theme.json" in static
    assert not re.search(r"^\$\(FIG_DIR\)/[a-z]", static, re.M), "figures.mk lists figures by hand"


def test_a_registered_figure_without_its_module_is_named_by_make():
    ghost = {"ghost": registry.FigureEntry("ghost", "no_such_family", ("hill",), "Ghost", "Not written.")}
    text = registry.makefile_text(ghost)
    assert "render/figures/no_such_family.py:\n\t@echo 'figure ghost: render/figures/no_such_family.py " \
        "does not exist" in text


VIDEO_CODE = ("manim", "ffmpeg", "scenes", "render.pipeline", "render.ffmpeg", "matplotlib.pyplot")


@pytest.mark.parametrize("imports, matplotlib_loaded, never", [
    # the manifest reads the figure registry without matplotlib (and the scenes' registry and
    # beats without manim: scenes.registry and scenes.components.beats are plain Python)
    ("import render.figures.registry, render.publish", False, ("matplotlib", "manim")),
    # drawing and saving a still: Agg, no pyplot, and nothing of the video side
    ("import render.figures as f; f.build('convex', 'light')", True, VIDEO_CODE),
    ("import render.figures as f, tempfile; f.render('convex', tempfile.mkdtemp(), 'dark')", True,
     VIDEO_CODE),
])
def test_what_the_figures_load(imports, matplotlib_loaded, never):
    code = (f"import sys; {imports}\n"
            f"bad = [m for m in sys.modules if any(m == n or m.startswith(n + '.') for n in {never!r})]\n"
            "loaded = 'matplotlib' in sys.modules\n"
            "import matplotlib; print(bad, loaded, matplotlib.get_backend())")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    bad, loaded, backend = r.stdout.rsplit(None, 2)
    assert bad == "[]", f"{imports}: loads {bad}"
    assert loaded == str(matplotlib_loaded), f"{imports}: matplotlib loaded: {loaded}"
    assert backend.lower() == "agg"


def test_make_draws_each_registered_figure_once_and_then_nothing(tmp_path):
    """In a copy of the project: ``make -n figures`` runs the figures CLI once per registry entry
    (the rules are generated from it); after touching one family module only its figures."""
    from render import sandbox

    root = sandbox.create(tmp_path / "project", git=False)
    res = sandbox.make(root, "-n", "figures", timeout=300)
    assert res.returncode == 0, res.stderr
    drawn = re.findall(r"-m render\.figures --theme light --out media/figures (\S+)$", res.stdout, re.M)
    assert sorted(drawn) == sorted(FIGURES), res.stdout
    res = sandbox.make(root, "-n", "figures", "THEME=dark", timeout=300)
    assert len(re.findall(r"--out media/figures/dark \S+$", res.stdout, re.M)) == len(FIGURES)
    # as if drawn (newer than every source): nothing to do; then a family module changes
    later = time.time() + 60
    for name in FIGURES:
        for ext in ("png", "svg"):
            f = root / "media" / "figures" / f"{name}.{ext}"
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(b"drawn")
            os.utime(f, (later, later))
    res = sandbox.make(root, "-n", "figures", timeout=300)
    assert "render.figures" not in res.stdout, res.stdout
    os.utime(root / "render" / "figures" / "races.py", (later + 60, later + 60))
    res = sandbox.make(root, "-n", "figures", timeout=300)
    drawn = re.findall(r"-m render\.figures --theme light --out media/figures (\S+)$", res.stdout, re.M)
    assert sorted(drawn) == sorted(n for n, e in FIGURES.items() if e.module == "races"), res.stdout
