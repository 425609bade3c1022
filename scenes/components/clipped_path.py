"""A long path revealed by a step tracker and clipped to a panel, cheap enough to redraw every frame.

``landscape.make_clipped_trail`` re-clips and re-maps every point of the path on every frame: fine
for a few dozen steps, slow for six runs of 500. Here each stored segment is clipped to the box
once (Liang–Barsky, in data coordinates) and mapped through ``axes.c2p`` once; a frame then only
takes the first ``⌊k⌋`` precomputed segments plus the part of segment ``⌊k⌋`` up to the fractional
step ``k``. The result is the same picture: the path up to the tracker's step, cut at the border.

* ``clip_segments``: per segment of a polyline, the part inside the box (or none).
* ``make_clipped_path``: the revealed, clipped path as one VMobject (straight cubic segments; a
  run that leaves and re-enters the box becomes separate sub-paths).
* ``exit_step``: the first stored step whose position lies outside the box (the step at which a
  run "left the view"), or -1.
"""

from __future__ import annotations

import numpy as np
from manim import VMobject


def exit_step(xy, box) -> int:
    """The first index of ``xy`` (N, 2) outside ``box`` ((x0, x1), (y0, y1)), or -1 if none is."""
    xy = np.asarray(xy, dtype=float)
    (x0, x1), (y0, y1) = box
    with np.errstate(invalid="ignore"):
        inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    out = np.flatnonzero(~inside)
    return int(out[0]) if out.size else -1


def clip_segments(xy, box) -> tuple[np.ndarray, np.ndarray]:
    """Liang–Barsky for every segment ``xy[i] → xy[i+1]`` at once.

    Returns ``(t0, t1)`` arrays of length N-1: the segment's part inside the box is
    ``t ∈ [t0, t1]`` of ``p + t (q − p)``; empty where ``t0 > t1``.
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


def _lines_as_cubics(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Straight segments a→b (M, 3) as manim's cubic Bézier points (4M, 3)."""
    out = np.empty((len(a), 4, 3))
    out[:, 0] = a
    out[:, 1] = a + (b - a) / 3.0
    out[:, 2] = a + 2.0 * (b - a) / 3.0
    out[:, 3] = b
    return out.reshape(-1, 3)


def make_clipped_path(axes, xy, tracker, color, box=None, stroke_width: float = 4.0, halo=None,
                      halo_extra: float = 3.0, halo_opacity: float = 0.6) -> VMobject:
    """The path ``xy`` (N, 2) up to the tracker's (fractional) step, clipped to ``box`` (default
    ``axes.box``). Carries ``.xy``, ``.box`` and ``.visible_data()`` (the clipped pieces' end
    points in data coordinates, for tests). ``halo``: a colour drawn under the stroke."""
    xy = np.asarray(xy, dtype=float)
    box = axes.box if box is None else box
    path = VMobject(stroke_color=color, stroke_width=stroke_width)
    path.set_fill(opacity=0)
    if halo is not None:
        path.set_stroke(halo, width=stroke_width + halo_extra, opacity=halo_opacity, background=True)
    path.xy, path.box = xy, box
    n = len(xy) - 1

    if n >= 1:
        t0, t1 = clip_segments(xy, box)
        keep = (t0 <= t1) & np.any(xy[1:] != xy[:-1], axis=1)  # inside, and not a standstill
        p, q = xy[:-1], xy[1:]
        d = q - p
        # exact end points where the segment is not cut, so consecutive segments share anchors
        a = np.where((t0 == 0.0)[:, None], p, p + t0[:, None] * d)
        b = np.where((t1 == 1.0)[:, None], q, p + t1[:, None] * d)
        idx = np.flatnonzero(keep)
        sa = np.array([axes.c2p(*v) for v in a[idx]]).reshape(-1, 3)
        sb = np.array([axes.c2p(*v) for v in b[idx]]).reshape(-1, 3)
        cubics = _lines_as_cubics(sa, sb)
    else:
        t0 = t1 = np.zeros(0)
        idx = np.zeros(0, dtype=int)
        cubics = np.zeros((0, 3))
        p = d = np.zeros((0, 2))

    def pieces_until(k: float):
        """Data-space end points of the visible segments up to fractional step k."""
        full = int(np.searchsorted(idx, int(np.floor(k))))  # segments i < floor(k) kept
        ends = [(p[i] + t0[i] * d[i], p[i] + t1[i] * d[i]) for i in idx[:full]]
        return full, ends

    def partial(k: float):
        """The part of segment ⌊k⌋ from its start to the fractional step, clipped; or None."""
        i = int(np.floor(k))
        frac = k - i
        if i >= n or frac <= 0 or i not in set_idx:
            return None
        lo, hi = t0[i], min(t1[i], frac)
        if lo >= hi:
            return None
        a_ = p[i] if lo == 0.0 else p[i] + lo * d[i]
        return a_, p[i] + hi * d[i]

    set_idx = set(idx.tolist())

    def update(m):
        k = float(np.clip(tracker.get_value(), 0.0, n))
        full = int(np.searchsorted(idx, int(np.floor(k))))
        pts = cubics[: 4 * full]
        part = partial(k)
        if part is not None:
            pa, pb = (np.asarray(axes.c2p(*v), dtype=float).reshape(1, 3) for v in part)
            pts = np.vstack([pts, _lines_as_cubics(pa, pb)])
        if len(pts) == 0:
            m.clear_points()
        else:
            m.set_points(pts)

    def visible_data():
        k = float(np.clip(tracker.get_value(), 0.0, n))
        _, ends = pieces_until(k)
        part = partial(k)
        if part is not None:
            ends.append(part)
        return ends

    path.visible_data = visible_data
    path.add_updater(update)
    update(path)
    return path


__all__ = ["exit_step", "clip_segments", "make_clipped_path"]
