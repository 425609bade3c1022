"""A path against the plotted window (the view): clipping, where it leaves, and how a run ended.

Pure NumPy geometry on the data, shared by the scenes and the figures so both cut paths at the
same points, name the same step where a run leaves the view, and word its fate the same way.

* :func:`clip_segments`: Liang–Barsky for every segment of a polyline at once (the one clipper);
  :func:`clip_segment` is the same for one segment.
* :func:`view_exit`: the first step outside the view, where the path crosses the border and which
  border it crosses.
* :func:`fate`: how a run ended, from its data: diverged, left the view, or converged, at step k.

A box is ``((x0, x1), (y0, y1))``; a point on its border is inside.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def clip_segments(xy, box) -> tuple[np.ndarray, np.ndarray]:
    """Liang–Barsky for every segment ``xy[i] → xy[i+1]`` of ``xy`` (N, 2) at once.

    Returns ``(t0, t1)``, arrays of length N - 1: the part of segment i inside the box is
    ``p + t (q − p)`` for ``t`` in ``[t0[i], t1[i]]``; the segment misses the box where
    ``t0[i] > t1[i]``. A segment parallel to an edge and outside it misses; a segment of length
    zero inside the box is kept whole.
    """
    xy = np.asarray(xy, dtype=float)
    (x0, x1), (y0, y1) = box
    p, q = xy[:-1], xy[1:]
    d = q - p
    t0 = np.zeros(len(p))
    t1 = np.ones(len(p))
    with np.errstate(divide="ignore", invalid="ignore"):
        for pk, qk in ((-d[:, 0], p[:, 0] - x0), (d[:, 0], x1 - p[:, 0]),
                       (-d[:, 1], p[:, 1] - y0), (d[:, 1], y1 - p[:, 1])):
            t = qk / pk
            parallel = pk == 0
            # parallel to this edge: entirely outside when on the wrong side of it
            t1 = np.where(parallel & (qk < 0), -1.0, t1)
            t0 = np.where(~parallel & (pk < 0), np.maximum(t0, t), t0)
            t1 = np.where(~parallel & (pk > 0), np.minimum(t1, t), t1)
    return t0, t1


def clip_segment(p, q, box) -> tuple[float, float] | None:
    """The parameters ``(t0, t1)`` of the part of segment p→q inside ``box``, or None if it misses
    (:func:`clip_segments` for one segment)."""
    t0, t1 = clip_segments(np.array([p, q], dtype=float), box)
    if not t0[0] <= t1[0]:
        return None
    return float(t0[0]), float(t1[0])


def inside(xy, box) -> np.ndarray:
    """Per point of ``xy`` (N, 2): inside the box or on its border (NaN is outside)."""
    xy = np.asarray(xy, dtype=float)
    (x0, x1), (y0, y1) = box
    with np.errstate(invalid="ignore"):
        return (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)


class ViewExit(NamedTuple):
    step: int  # the first step whose point is outside the view
    point: np.ndarray  # where the segment from the step before crosses the border
    edge: str  # the border crossed: left, right, bottom, top; "start" (it starts outside) or
    #            "lost" (the point is not finite)


EDGES = ("left", "right", "bottom", "top")


def view_exit(xy, box) -> ViewExit | None:
    """Where the path ``xy`` (N, 2) first leaves ``box``, or None if it never does.

    The path is drawn straight from step to step, so it visibly leaves where the segment into the
    first outside point crosses the border: the end of that segment's clipped part.
    """
    xy = np.asarray(xy, dtype=float)
    out = np.flatnonzero(~inside(xy, box))
    if not out.size:
        return None
    k = int(out[0])
    if k == 0:
        return ViewExit(0, xy[0].copy(), "start")
    a, b = xy[k - 1], xy[k]
    if not np.all(np.isfinite(b)):
        return ViewExit(k, a.copy(), "lost")
    _, t1 = clip_segments(np.array([a, b]), box)
    point = a + float(t1[0]) * (b - a)
    (x0, x1), (y0, y1) = box
    point = np.array([min(max(point[0], x0), x1), min(max(point[1], y0), y1)])  # round-off
    # the border it crosses: the one it is past by the largest share of the step
    with np.errstate(divide="ignore", invalid="ignore"):
        past = np.array([x0 - b[0], b[0] - x1, y0 - b[1], b[1] - y1])
        span = np.abs(np.array([b[0] - a[0], b[0] - a[0], b[1] - a[1], b[1] - a[1]]))
        share = np.where(past > 0, past / span, -np.inf)
    return ViewExit(k, point, EDGES[int(np.argmax(share))])


class Fate(NamedTuple):
    what: str  # "diverged", "left the view" or "converged"
    step: int

    @property
    def text(self) -> str:
        return f"{self.what} at step {self.step}"


def fate(xy, box, converged_step: int, diverged_step: int) -> Fate | None:
    """How a run ended, the first that applies: it diverged at step k (the runner's
    ``diverged_step``); its path ``xy`` (what was drawn: up to the step before it diverged) left
    the view at step k; it converged at step k (``converged_step``); or None."""
    if diverged_step >= 0:
        return Fate("diverged", int(diverged_step))
    out = view_exit(xy, box)
    if out is not None:
        return Fate("left the view", out.step)
    if converged_step >= 0:
        return Fate("converged", int(converged_step))
    return None
