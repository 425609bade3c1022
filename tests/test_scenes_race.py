"""The optimizer-race scenes (race-rosenbrock, race-himmelblau, race-rastrigin, race-saddle).

Each scene is rendered in-process at 256×144, 5 fps, and checked against ffprobe (h264, size, frame
count for its duration, 6–40 s) and against its data file, the oracle, read here independently:

* every optimizer's final dot maps back through the map's ``p2c`` to the run's last position
  within one pixel when that lies in the plotted domain; a run that ended outside has its dot
  hidden and an arrowhead on the border instead;
* nothing of a trail or a loss curve lies outside its panel;
* every loss dot maps back through the loss axes to (last step, scaled last loss) within a pixel,
  with the scaling (log₁₀ / symlog / linear) computed here;
* the legend names each run's learning rate from ``meta.runs`` and, by the end, what happened to
  it: "diverged at step k" (``diverged_step``), "left the view at step k" (first stored position
  outside ``domain``, found here), "converged at step k" (``converged_step``);
* a run that diverges (a copy of the saddle data with one run marked diverged) is drawn up to its
  last in-bound step and marked, not hidden.

The clipping component is also checked against a sampled oracle, without rendering.
"""

from __future__ import annotations


import numpy as np
import pytest

from core.datafile import load, load_scenario, save
from scenes.registry import SCENES
from tests.scene_harness import (TINY, back_to_data, check_video, figure_colours, hex_of, pixel_size,
                                 render)

FPS = TINY["frame_rate"]
RACES = ("race-rosenbrock", "race-himmelblau", "race-rastrigin", "race-saddle")


# ---------------------------------------------------------------- oracles (from the data file)

def last_drawn(d, b):
    """The run's last drawn state: its final position, or the last in-bound one if it diverged."""
    k = int(d["diverged_step"][b])
    end = k - 1 if k > 0 else len(d["positions"]) - 1
    return end, d["positions"][end, b], d["losses"][end, b]


def first_outside(xy, domain):
    """First index whose position is outside the domain (independent of the scene's helper)."""
    for i, (x, y) in enumerate(np.asarray(xy, dtype=float)):
        if not (domain[0][0] <= x <= domain[0][1] and domain[1][0] <= y <= domain[1][1]):
            return i
    return -1


def expected_note(d, b):
    domain = np.asarray(d["domain"], dtype=float)
    k_div = int(d["diverged_step"][b])
    if k_div >= 0:
        return f"diverged at step {k_div}"
    end, _, _ = last_drawn(d, b)
    k_out = first_outside(d["positions"][: end + 1, b], domain)
    if k_out >= 0:
        return f"left the view at step {k_out}"
    k_conv = int(d["converged_step"][b])
    return f"converged at step {k_conv}" if k_conv >= 0 else None


def scaled_loss(axes, v: float) -> float:
    if getattr(axes, "symlog", False):
        return float(np.sign(v) * np.log10(1.0 + abs(v)))
    if axes.log:
        return float(np.log10(v))
    return float(v)


# ---------------------------------------------------------------- checks on a rendered scene



def px_per_unit(axes):
    """Scene units per data unit along x and y."""
    o = np.asarray(axes.c2p(0, 0), dtype=float)
    return np.array([np.linalg.norm(np.asarray(axes.c2p(1, 0)) - o),
                     np.linalg.norm(np.asarray(axes.c2p(0, 1)) - o)])


def frame_rect(axes):
    f = axes.frame
    return f.get_left()[0], f.get_right()[0], f.get_bottom()[1], f.get_top()[1]


def assert_inside_panel(name, what, mob, axes, tol):
    pts = mob.points
    if len(pts) == 0:
        return
    x0, x1, y0, y1 = frame_rect(axes)
    out = (pts[:, 0] < x0 - tol) | (pts[:, 0] > x1 + tol) | (pts[:, 1] < y0 - tol) | (pts[:, 1] > y1 + tol)
    assert not out.any(), f"{name}: {what} draws {int(out.sum())} points outside its panel"


def check_race(name, scene, d, tmp_label=""):
    px = pixel_size(scene)
    tol = px / 2
    runs = d.meta["runs"]
    domain = np.asarray(d["domain"], dtype=float)
    ax, lax = scene.map_axes, scene.loss_axes
    n = len(runs)
    assert len(scene.points) == len(scene.trails) == len(scene.loss_dots) == n, (
        f"{name}: {len(scene.points)} dots for {n} runs")
    assert [r["name"] for r in runs] == scene.run_names, f"{name}: runs out of order"
    units = px_per_unit(ax)
    lunits = px_per_unit(lax)
    steps = len(d["positions"]) - 1
    assert int(scene.step_readout.current_value()) == steps, f"{name}: step counter does not end at {steps}"
    for b, r in enumerate(runs):
        label = f"{name}{tmp_label} {r['name']}"
        end, pos, loss = last_drawn(d, b)
        point = scene.points[b]
        inside = bool(np.all((pos >= domain[:, 0]) & (pos <= domain[:, 1])))
        if inside:
            got = back_to_data(ax, point.dot.get_center())[:2]
            err = np.abs(got - pos) * units / px
            assert np.all(err <= 1.0), (
                f"{label}: dot ends at {got.round(4).tolist()}, the run at {pos.round(4).tolist()} "
                f"({err.max():.2f} px off)")
            assert point.dot.get_fill_opacity() > 0.9, f"{label}: dot hidden though inside the view"
        else:
            assert point.dot.get_fill_opacity() == 0, f"{label}: dot shown outside the view"
            assert point.marker.get_fill_opacity() > 0.9, f"{label}: left the view but not marked"
            assert_inside_panel(label, "the border marker", point.marker, ax, tol)
            # the marker sits on the border where the run is, clamped to the domain
            clamp = np.asarray(ax.c2p(*np.clip(pos, domain[:, 0], domain[:, 1])), dtype=float)
            gap = np.linalg.norm(point.marker.get_center() - clamp)
            assert gap <= max(point.marker.width, point.marker.height), (
                f"{label}: border marker {gap:.3f} units from where the run left")
        assert_inside_panel(label, "trail", scene.trails[b], ax, tol)
        assert_inside_panel(label, "trail's halo", scene.halos[b], ax, tol)
        assert_inside_panel(label, "loss curve", scene.curves[b], lax, tol)
        assert_inside_panel(label, "loss curve's halo", scene.halos[n + b], lax, tol)
        # the trail is drawn: its last point is the run's last position (or where it left the view)
        pts = scene.trails[b].points
        if inside and len(pts):
            got = back_to_data(ax, pts[-1])[:2]
            err = np.abs(got - pos) * units / px
            assert np.all(err <= 1.0), f"{label}: trail ends at {got.round(4).tolist()}, run at {pos.round(4).tolist()}"

        # the loss dot: (last step, scaled loss) through the loss axes, when inside the panel
        want = np.array([end, scaled_loss(lax, float(loss))])
        (_, _), (lo, hi) = lax.box
        ldot = scene.loss_dots[b]
        if lo <= want[1] <= hi:
            got = back_to_data(lax, ldot.dot.get_center())[:2]
            err = np.abs(got - want) * lunits / px
            assert np.all(err <= 1.0), (
                f"{label}: loss dot at {got.round(4).tolist()}, data {want.round(4).tolist()} "
                f"({err.max():.2f} px off)")
        else:
            assert ldot.dot.get_fill_opacity() == 0, f"{label}: loss dot shown outside its panel"
            assert ldot.marker.get_fill_opacity() > 0.9, f"{label}: loss left its panel unmarked"

        # the legend: the learning rate from meta.runs, and the note from the data
        row = scene.legend.rows[b]
        assert row.setting_tex == rf"\alpha = {r['lr']:g}", (
            f"{label}: legend says {row.setting_tex!r}, meta.runs lr is {r['lr']}")
        note = expected_note(d, b)
        if note is None:
            assert len(row.note) == 0, f"{label}: legend has a note the data does not support"
        else:
            assert len(row.note) and row.note_text == note, (
                f"{label}: legend note {row.note_text!r}, expected {note!r}")
            assert row.note.get_fill_opacity() > 0.9, f"{label}: note {note!r} not shown at the end"


# ---------------------------------------------------------------- the renders

@pytest.fixture(scope="module")
def tex_dir(tmp_path_factory):
    """One LaTeX cache for the module's renders (the legend and numbers repeat across races)."""
    return tmp_path_factory.mktemp("race_tex")


@pytest.mark.render
@pytest.mark.parametrize("name", RACES)
def test_race_scene(name, tmp_path, tex_dir):
    scene, path, duration = render(name, tmp_path, tex_dir=str(tex_dir))
    check_video(name, path, duration)
    check_race(name, scene, load_scenario(SCENES[name].data[0]))
    # the race figure draws each optimizer in the colour the video gives it
    n = len(scene.trails)
    assert [hex_of(t.get_stroke_color()) for t in scene.trails] == \
        figure_colours(name, *[f"path-{i}" for i in range(n)])


@pytest.mark.render
def test_diverging_run_is_marked(tmp_path, tex_dir, monkeypatch):
    """A copy of the saddle race with momentum marked diverged at step 30: its trail and loss
    curve stop at step 29 and the legend says so; the other runs are unchanged."""
    src = load_scenario("race-saddle")
    arrays = dict(src.arrays)
    for key in ("diverged_step", "status", "converged_step"):
        arrays[key] = np.array(arrays[key]).copy()
    arrays["diverged_step"][1] = 30
    arrays["status"][1] = 2
    data = tmp_path / "data"
    data.mkdir()
    save(data / "race-saddle.npz", arrays, src.meta)
    monkeypatch.setenv("GD_DATA_DIR", str(data))
    scene, path, duration = render("race-saddle", tmp_path, tex_dir=str(tex_dir))
    d = load(data / "race-saddle.npz")
    check_race("race-saddle (momentum diverged)", scene, d)
    assert scene.legend.rows[1].note_text == "diverged at step 30"
    assert len(scene.trails[1].xy) == 30, "the diverged run is drawn past its last in-bound step"
    # a cross on the map where it was last in bound (step 29), shown by the end
    last = d["positions"][29, 1]
    marks = [m for m in scene.divergence_marks
             if np.allclose(back_to_data(scene.map_axes, m.get_center())[:2], last,
                            atol=pixel_size(scene) / px_per_unit(scene.map_axes).min())]
    assert len(marks) == 1, f"no divergence mark at the last in-bound position {last.tolist()}"
    assert marks[0].get_stroke_opacity() > 0.9, "the divergence mark is hidden at the end"
