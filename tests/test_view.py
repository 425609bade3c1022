"""core.view: the one clipper, the one exit step and the one wording of a run's fate, against
oracles that sample the segments and scan the points (no clipping arithmetic of their own)."""

from __future__ import annotations

import numpy as np
import pytest

from core import scenarios
from core.view import EDGES, Fate, clip_segment, clip_segments, fate, inside, view_exit

BOX = ((-1.0, 2.0), (-0.5, 1.5))


def sampled_inside(p, q, box, n=2001):
    """Oracle: the parameters t of p + t (q − p) whose points are in the box, sampled."""
    ts = np.linspace(0, 1, n)
    pts = p + ts[:, None] * (q - p)
    (x0, x1), (y0, y1) = box
    ok = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    return ts[ok]


def first_outside(xy, box) -> int:
    """Oracle: the first point outside the box by a plain scan, or -1."""
    (x0, x1), (y0, y1) = box
    for i, (x, y) in enumerate(xy):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return i
    return -1


def test_clip_segments_against_sampling():
    rng = np.random.default_rng(7)
    xy = rng.uniform(-3, 4, size=(300, 2))
    xy[50:53] = xy[49]  # standstills
    xy[120, 1] = xy[121, 1] = 1.5  # along an edge
    t0, t1 = clip_segments(xy, BOX)
    for i in range(len(xy) - 1):
        ts = sampled_inside(xy[i], xy[i + 1], BOX)
        if not ts.size:
            assert t0[i] > t1[i] or t1[i] - t0[i] < 1e-3, f"segment {i}: clipped to {t0[i]}..{t1[i]}, all outside"
            continue
        assert abs(t0[i] - ts.min()) <= 1e-3 and abs(t1[i] - ts.max()) <= 1e-3, (
            f"segment {i}: clip {t0[i]:.4f}..{t1[i]:.4f}, sampled {ts.min():.4f}..{ts.max():.4f}")


def test_clip_segment_is_clip_segments_for_one_segment():
    rng = np.random.default_rng(3)
    for _ in range(300):
        p, q = rng.uniform(-4, 5, 2), rng.uniform(-4, 5, 2)
        t0, t1 = clip_segments(np.array([p, q]), BOX)
        cut = clip_segment(p, q, BOX)
        if t0[0] > t1[0]:
            assert cut is None and not sampled_inside(p, q, BOX).size
        else:
            assert cut == (t0[0], t1[0])
    assert clip_segment([0, 0], [0, 0], BOX) == (0.0, 1.0), "a standstill inside is kept"
    assert clip_segment([5, 5], [5, 5], BOX) is None
    assert clip_segment([-5, 1.5], [5, 1.5], BOX) == pytest.approx((0.4, 0.7)), "along the top edge"


def test_view_exit_against_a_scan():
    box = ((-2.0, 2.0), (-2.0, 2.0))
    assert view_exit([[0, 0], [1, 1], [2, 2]], box) is None, "on the border is inside"
    out = view_exit([[0, 0], [1, 1.9], [0.5, 2.5], [0, 0]], box)
    assert out.step == 2 and out.edge == "top"
    np.testing.assert_allclose(out.point, [1 - 0.5 * (0.1 / 0.6), 2.0])
    assert view_exit([[0, 0], [np.inf, 0]], box).edge == "lost"
    assert view_exit([[0, 0], [np.nan, 0]], box).step == 1
    assert view_exit([[3, 0], [0, 0]], box)[:1] == (0,) and view_exit([[3, 0], [0, 0]], box).edge == "start"
    assert view_exit([[1.5, 1.5], [3, 2.5]], box).edge == "right", "crosses x = 2 before y = 2"


@pytest.mark.parametrize("name", [n for n, s in scenarios.SCENARIOS.items()
                                  if s.race is not None or n == "lr-unstable"])
def test_view_exit_on_the_scenarios(name):
    arrays, meta = scenarios.compute(name)
    box = np.asarray(arrays["domain"], dtype=float)
    for b in range(arrays["positions"].shape[1]):
        xy = arrays["positions"][:, b]
        k = first_outside(xy, box)
        out = view_exit(xy, box)
        assert (out.step if out else -1) == k, f"{name} run {b}"
        if out is None or out.edge in ("start", "lost"):
            continue
        (x0, x1), (y0, y1) = box
        px, py = out.point
        on = {"left": np.isclose(px, x0), "right": np.isclose(px, x1),
              "bottom": np.isclose(py, y0), "top": np.isclose(py, y1)}
        assert on[out.edge], f"{name} run {b}: {out}"
        assert inside(np.array([out.point]), box)[0]
        a, c = xy[k - 1], xy[k]
        t = np.dot(out.point - a, c - a) / np.dot(c - a, c - a)
        np.testing.assert_allclose(a + t * (c - a), out.point, atol=1e-9, err_msg="on the segment")
        assert sampled_inside(a, c, box).max() == pytest.approx(t, abs=1e-3)
    assert set(EDGES) >= {"top"}


def test_fate_order_and_wording():
    box = ((-1.0, 1.0), (-1.0, 1.0))
    out_path = np.array([[0, 0], [0.5, 0], [2, 0]])
    in_path = np.array([[0, 0], [0.5, 0]])
    assert fate(out_path, box, converged_step=1, diverged_step=7) == Fate("diverged", 7)
    assert fate(out_path, box, converged_step=1, diverged_step=-1) == Fate("left the view", 2)
    assert fate(in_path, box, converged_step=1, diverged_step=-1).text == "converged at step 1"
    assert fate(in_path, box, converged_step=-1, diverged_step=-1) is None
    assert Fate("left the view", 40).text == "left the view at step 40"
