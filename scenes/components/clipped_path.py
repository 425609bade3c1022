"""A long path revealed by a step tracker and clipped to a panel, cheap enough to redraw every frame.

``make_clipped_trail`` re-clips and re-maps every point of the path on every frame: fine
for a few dozen steps, slow for six runs of 500. Here each stored segment is clipped to the box
once (``core.view.clip_segments``, in data coordinates) and mapped through ``axes.c2p`` once; a frame then only
takes the first ``⌊k⌋`` precomputed segments plus the part of segment ``⌊k⌋`` up to the fractional
step ``k``. The result is the same picture: the path up to the tracker's step, cut at the border.

* ``make_clipped_path``: the revealed, clipped path as one VMobject (straight cubic segments; a
  run that leaves and re-enters the box becomes separate sub-paths).
* ``make_clipped_trail`` / ``make_clipped_point``: a shorter path and its moving point revealed by
  a step tracker and clipped to the box, so a diverging run leaves the panel instead of the frame;
  an arrowhead on the border shows where a point that left has gone. ``clipped_polyline`` is the
  picture's geometry; ``make_dashed_polyline`` dashes a polyline.

The clipping is ``core.view.clip_segments``, the one the figures use.
"""

from __future__ import annotations

import math

import numpy as np
from manim import Dot, Triangle, VGroup, VMobject, config

from core.view import clip_segment, clip_segments

from .style import interpolate_path


def box_contains(box, xy, eps: float = 1e-12) -> bool:
    (x0, x1), (y0, y1) = box
    x, y = float(xy[0]), float(xy[1])
    return x0 - eps <= x <= x1 + eps and y0 - eps <= y <= y1 + eps


def lines_as_cubics(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Straight segments a→b (M, 3) as cubic Bézier points (4M, 3), with the arithmetic of
    manim's ``VMobject.add_points_as_corners`` (handles at (1 − t)·a + t·b, t = 1/3, 2/3)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    out = np.empty((4 * len(a), 3))
    for i, t in enumerate((0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0)):
        out[i::4] = (1 - t) * a + t * b
    return out


def _affine_map(axes, box):
    """``axes.c2p`` as an affine map of (N, 2) arrays when it is one (linear axes), checked at a
    fourth point; otherwise ``axes.c2p`` point by point."""
    (x0, x1), (y0, y1) = box
    if not np.all(np.isfinite([x0, x1, y0, y1])) or x1 == x0 or y1 == y0:
        x0, x1, y0, y1 = 0.0, 1.0, 0.0, 1.0
    o = np.asarray(axes.c2p(x0, y0), dtype=float)
    ex = (np.asarray(axes.c2p(x1, y0), dtype=float) - o) / (x1 - x0)
    ey = (np.asarray(axes.c2p(x0, y1), dtype=float) - o) / (y1 - y0)

    def affine(v):
        v = np.asarray(v, dtype=float).reshape(-1, 2)
        return o + (v[:, :1] - x0) * ex + (v[:, 1:] - y0) * ey

    probe = np.array([[0.3 * x0 + 0.7 * x1, 0.6 * y0 + 0.4 * y1]])
    want = np.asarray(axes.c2p(*probe[0]), dtype=float)
    if np.allclose(affine(probe)[0], want, atol=1e-9 * (1.0 + np.abs(want).max())):
        return affine
    return lambda v: np.array([axes.c2p(*p) for p in np.asarray(v, dtype=float).reshape(-1, 2)],
                              dtype=float).reshape(-1, 3)


# How far a drawn path may stray from the stored one, in pixels of the output: well under the
# antialiasing's own blur, so the simplification below cannot be seen.
SIMPLIFY_PX = 0.1
# ... and how far (degrees) the direction of a dropped step may differ from the straight line
# drawn instead: joins keep their shape (a mitre spike at a sharp turn stays where it was).
SIMPLIFY_DEG = 1.0


def _simplified_prefixes(sa: np.ndarray, sb: np.ndarray, tol: float | None = None,
                         max_deg: float = SIMPLIFY_DEG):
    """Straight segments ``sa[j] → sb[j]`` (scene points) drawn with fewer Bézier curves.

    Runs of nearly collinear steps (hundreds of sub-pixel steps of a run crawling along a valley
    or sitting near its minimum) become one straight chord, so Cairo strokes a few dozen curves
    per path instead of hundreds: most of the drawing time of a long race. Greedy and forward, so
    that *every prefix* is faithful: for any j, the path up to ``sb[j]`` drawn as the chords kept
    so far plus one "tail" chord to ``sb[j]`` stays within ``tol`` of the stored steps, and every
    step's direction within ``max_deg`` of the chord that replaces it.

    Returns ``(chords, n_chords, tails)``: the kept chords as cubic points (4·M, 3); per j the
    number of chords shown with segment j whole; per j the tail chord (4, 3) from the last kept vertex."""
    if tol is None:
        tol = SIMPLIFY_PX * config.frame_width / config.pixel_width
    m = len(sa)
    cos_max = np.cos(np.radians(max_deg))
    out_a, out_b = [], []
    n_chords = np.zeros(m, dtype=int)
    tails: list = [None] * m
    anchor = None  # the start of the chord being grown
    run_dirs: list = []  # unit directions of the steps since the anchor
    run_pts: list = []  # the vertices passed since the anchor
    for j in range(m):
        a_, b_ = sa[j], sb[j]
        if anchor is None or np.any(a_ != sb[j - 1]):  # a new sub-path (clipped, re-entered)
            if run_pts:  # the last sub-path's pending chord
                out_a.append(anchor)
                out_b.append(sb[j - 1])
            anchor, run_dirs, run_pts = a_, [], []
        seg = b_ - a_
        ln = float(np.hypot(seg[0], seg[1]))
        run_dirs.append(seg[:2] / ln if ln > 0 else np.zeros(2))
        ok = True
        if run_pts:
            chord = b_ - anchor
            cl = float(np.hypot(chord[0], chord[1]))
            if cl == 0:
                ok = False
            else:
                u = chord[:2] / cl
                mid = np.array(run_pts)[:, :2] - anchor[:2]
                dev = np.abs(mid[:, 0] * u[1] - mid[:, 1] * u[0])
                dirs = np.array(run_dirs)
                ok = dev.max() <= tol and (dirs @ u).min() >= cos_max
        if not ok:
            # the chord up to the previous vertex is the longest faithful one: keep it
            out_a.append(anchor)
            out_b.append(a_)
            anchor, run_dirs, run_pts = a_, [run_dirs[-1]], []
        run_pts.append(b_)
        n_chords[j] = len(out_a)
        tails[j] = lines_as_cubics(anchor[None], b_[None])
    chords = (lines_as_cubics(np.array(out_a), np.array(out_b)) if out_a
              else np.zeros((0, 3)))
    return chords, n_chords, tails


def make_clipped_path(axes, xy, tracker, color, box=None, stroke_width: float = 4.0, halo=None,
                      halo_extra: float = 3.0, halo_opacity: float = 0.6) -> VMobject:
    """The path ``xy`` (N, 2) up to the tracker's (fractional) step, clipped to ``box`` (default
    ``axes.box``). Carries ``.xy``, ``.box`` and ``.visible_data()`` (the clipped pieces' end
    points in data coordinates, for tests). ``halo``: a colour drawn under the stroke.

    Per frame the updater only looks up how many precomputed segments are shown and maps the
    partial one; it leaves the points alone while they do not change (a run standing still)."""
    xy = np.asarray(xy, dtype=float)
    box = axes.box if box is None else box
    path = VMobject(stroke_color=color, stroke_width=stroke_width)
    path.set_fill(opacity=0)
    if halo is not None:
        path.set_stroke(halo, width=stroke_width + halo_extra, opacity=halo_opacity, background=True)
    path.xy, path.box = xy, box
    n = len(xy) - 1
    to_scene = _affine_map(axes, box)

    if n >= 1:
        t0, t1 = clip_segments(xy, box)
        keep = (t0 <= t1) & np.any(xy[1:] != xy[:-1], axis=1)  # inside, and not a standstill
        p, q = xy[:-1], xy[1:]
        d = q - p
        # exact end points where the segment is not cut, so consecutive segments share anchors
        a = np.where((t0 == 0.0)[:, None], p, p + t0[:, None] * d)
        b = np.where((t1 == 1.0)[:, None], q, p + t1[:, None] * d)
        idx = np.flatnonzero(keep)
        chords, n_chords, tails = _simplified_prefixes(to_scene(a[idx]), to_scene(b[idx]))
    else:
        t0 = t1 = np.zeros(0)
        keep = np.zeros(0, dtype=bool)
        idx = np.zeros(0, dtype=int)
        chords, n_chords, tails = np.zeros((0, 3)), np.zeros(0, dtype=int), []
        p = d = np.zeros((0, 2))
    # kept segments before step i, for i = 0..n
    kept_before = np.concatenate([[0], np.cumsum(keep)]).astype(int)

    def partial(k: float):
        """The part of segment ⌊k⌋ from its start to the fractional step, clipped; or None."""
        i = int(np.floor(k))
        frac = k - i
        if i >= n or frac <= 0 or not keep[i]:
            return None
        lo, hi = t0[i], min(t1[i], frac)
        if lo >= hi:
            return None
        a_ = p[i] if lo == 0.0 else p[i] + lo * d[i]
        return a_, p[i] + hi * d[i]

    def shown(k: float):
        """(segments shown whole, the partial one or None) at fractional step k."""
        return int(kept_before[int(np.floor(k))]), partial(k)

    last = [None]

    def update(m):
        k = float(np.clip(tracker.get_value(), 0.0, n))
        full, part = shown(k)
        key = (full, None if part is None else tuple(part[1]))
        if key == last[0]:
            return
        last[0] = key
        pts = chords[: 4 * n_chords[full - 1]] if full else chords[:0]
        if full and tails[full - 1] is not None:
            pts = np.vstack([pts, tails[full - 1]])
        if part is not None:
            ends = to_scene(np.array(part))
            pts = np.vstack([pts, lines_as_cubics(ends[:1], ends[1:])])
        if len(pts) == 0:
            m.clear_points()
        else:
            m.set_points(pts)

    def visible_data():
        k = float(np.clip(tracker.get_value(), 0.0, n))
        full, part = shown(k)
        ends = [(p[i] + t0[i] * d[i], p[i] + t1[i] * d[i]) for i in idx[:full]]
        if part is not None:
            ends.append(part)
        return ends

    path.visible_data = visible_data
    path.add_updater(update)
    update(path)
    return path


# ── Paths clipped to the box ───────────────────────────────────────────────────────────────────


def clipped_polyline(xy, k: float, box) -> list[np.ndarray]:
    """The path ``xy`` up to fractional step ``k``, cut to ``box``: a list of pieces (n, 2)."""
    xy = np.asarray(xy, dtype=float)
    last = len(xy) - 1
    k = float(np.clip(k, 0.0, last))
    pieces: list[list[np.ndarray]] = []
    open_piece = False
    n_full = int(np.floor(k))
    for i in range(min(n_full + 1, last)):
        p = xy[i]
        q = xy[i + 1] if i < n_full else interpolate_path(xy, k)
        if i == n_full and k - n_full <= 0:
            break
        cut = clip_segment(p, q, box)
        if cut is None:
            open_piece = False
            continue
        t0, t1 = cut
        a, b = _pinned(p, q, cut, box)
        if open_piece and t0 == 0.0:
            pieces[-1].append(b)
        else:
            pieces.append([a, b])
        open_piece = t1 == 1.0
    return [np.array(piece) for piece in pieces]


def _pinned(p, q, cut, box):
    """The part ``cut`` = (t0, t1) of segment p→q, its ends pinned to ``box`` (with far-away ends,
    as in a diverging run, rounding can land a hair outside)."""
    t0, t1 = cut
    a, b = p + t0 * (q - p), p + t1 * (q - p)
    a = np.array([np.clip(a[0], *box[0]), np.clip(a[1], *box[1])])
    b = np.array([np.clip(b[0], *box[0]), np.clip(b[1], *box[1])])
    return a, b


def make_clipped_trail(axes, xy, tracker, color, box=None, stroke_width: float = 4.0,
                       halo=None) -> VMobject:
    """The path up to the tracker's step (fractional steps included), clipped to ``box`` (default
    the axes' box): the picture of ``clipped_polyline``. ``halo``: a colour drawn under the stroke
    so the path reads on any fill.

    Every whole step's segment is clipped and mapped through ``axes.c2p`` once, here; a frame takes
    the first ``⌊k⌋`` of them and clips only the part of segment ``⌊k⌋`` up to ``k``."""
    xy = np.asarray(xy, dtype=float)
    box = axes.box if box is None else box
    trail = VMobject(stroke_color=color, stroke_width=stroke_width)
    trail.set_fill(opacity=0)
    if halo is not None:
        trail.set_stroke(halo, width=stroke_width + 3.0, opacity=0.55, background=True)
    trail.box, trail.xy = box, xy
    last = len(xy) - 1

    def c2p(v):
        return np.asarray(axes.c2p(v[0], v[1]), dtype=float)

    # Whole segments, walked as clipped_polyline walks them: a visible segment continues the open
    # piece (starting at its end corner) or starts a new one at its clipped start.
    starts, ends = [], []
    n_before = np.zeros(max(last, 0) + 1, dtype=int)  # visible segments before segment i
    open_after = np.zeros(max(last, 0) + 1, dtype=bool)  # a piece is open after segment i - 1
    prev_end = None
    open_piece = False
    for i in range(last):
        n_before[i] = len(starts)
        open_after[i] = open_piece
        cut = clip_segment(xy[i], xy[i + 1], box)
        if cut is None:
            open_piece = False
            continue
        a, b = _pinned(xy[i], xy[i + 1], cut, box)
        sb = c2p(b)
        starts.append(prev_end if open_piece and cut[0] == 0.0 else c2p(a))
        ends.append(sb)
        prev_end = sb
        open_piece = cut[1] == 1.0
    if last > 0:
        n_before[last] = len(starts)
        open_after[last] = open_piece
    cubics = (lines_as_cubics(np.array(starts), np.array(ends)) if starts
              else np.zeros((0, 3)))

    def update(m):
        k = float(np.clip(tracker.get_value(), 0.0, max(last, 0)))
        n_full = int(np.floor(k))
        pts = cubics[: 4 * n_before[n_full]]
        if n_full < last and k - n_full > 0:  # the part of segment ⌊k⌋ up to k
            p, q = xy[n_full], interpolate_path(xy, k)
            cut = clip_segment(p, q, box)
            if cut is not None:
                a, b = _pinned(p, q, cut, box)
                start = pts[-1] if open_after[n_full] and cut[0] == 0.0 else c2p(a)
                pts = np.vstack([pts, lines_as_cubics(start[None, :], c2p(b)[None, :])])
        if len(pts) == 0:
            m.clear_points()
        else:
            m.set_points(pts)

    trail.add_updater(update)
    update(trail)
    return trail


def _move_to(m, target):
    """``m.move_to(target)`` for a mobject without submobjects, without its generic bounding-box
    machinery (the same arithmetic: the box's centre shifted onto ``target``)."""
    pts = m.points
    if len(pts):
        m.points = pts + (np.asarray(target) - (pts.min(axis=0) + pts.max(axis=0)) / 2)


def _style_of(m):
    return (m.fill_rgbas.copy(), m.stroke_rgbas.copy(), m.background_stroke_rgbas.copy(),
            m.stroke_width, m.background_stroke_width)


def _style_is(m, style) -> bool:
    return (style is not None and m.stroke_width == style[3] and m.background_stroke_width == style[4]
            and np.array_equal(m.fill_rgbas, style[0]) and np.array_equal(m.stroke_rgbas, style[1])
            and np.array_equal(m.background_stroke_rgbas, style[2]))


def make_clipped_point(pal, axes, xy, tracker, color, box=None, radius: float = 0.09,
                       marker_size: float = 0.16) -> VGroup:
    """The point at the tracker's step, hidden while outside ``box``; meanwhile an arrowhead on the
    border, where it left, points towards it. Returns VGroup(dot, marker) with ``.dot``,
    ``.marker``, ``.inside()`` and ``.data_position()``."""
    xy = np.asarray(xy, dtype=float)
    box = axes.box if box is None else box
    (x0, x1), (y0, y1) = box
    dot = Dot(axes.c2p(*xy[0]), radius=radius, color=color)
    dot.set_stroke(pal.background, width=2.0)
    marker = Triangle(fill_color=color, fill_opacity=1.0, stroke_width=0).scale(marker_size / 2)
    marker.set_stroke(pal.background, width=1.5)
    group = VGroup(dot, marker)
    group.dot, group.marker = dot, marker
    # The style each state sets (re-applied only when something else changed it since).
    styled = {"state": None, "dot": None, "marker": None}

    def position():
        return interpolate_path(xy, tracker.get_value())

    def restyle(inside: bool) -> bool:
        return not (styled["state"] == inside and _style_is(dot, styled["dot"])
                    and _style_is(marker, styled["marker"]))

    def remember(inside: bool):
        styled["state"], styled["dot"], styled["marker"] = inside, _style_of(dot), _style_of(marker)

    def update(g):
        p = position()
        inside = box_contains(box, p)
        q = np.array([np.clip(p[0], x0, x1), np.clip(p[1], y0, y1)])
        sq = np.asarray(axes.c2p(*q))
        _move_to(dot, sq)
        if inside:
            if restyle(True):
                dot.set_opacity(1.0)
                dot.set_stroke(pal.background, width=2.0, opacity=1.0)
                marker.set_opacity(0.0)
                marker.set_stroke(opacity=0.0)
                remember(True)
            _move_to(marker, sq)
            return
        direction = np.array([np.sign(p[0] - q[0]), np.sign(p[1] - q[1]), 0.0])
        direction /= math.hypot(direction[0], direction[1])  # (not np.linalg.norm: BLAS, slow here)
        normal = np.array([-direction[1], direction[0], 0.0])
        tip = sq - direction * marker_size * 0.1  # the tip just inside the border
        base = tip - direction * marker_size * 0.9
        marker.set_points_as_corners([tip, base + normal * marker_size * 0.5,
                                      base - normal * marker_size * 0.5, tip])
        if restyle(False):
            dot.set_opacity(0.0)
            dot.set_stroke(pal.background, width=2.0, opacity=0.0)
            marker.set_opacity(1.0)
            marker.set_stroke(pal.background, width=1.5, opacity=1.0)
            remember(False)
        _move_to(dot, marker.get_center())  # hidden, and kept inside the box with the marker

    group.inside = lambda: box_contains(box, position())
    group.data_position = position
    group.add_updater(update)
    update(group)
    return group


def make_dashed_polyline(points, dash: float = 0.1, gap: float = 0.07, **style) -> VGroup:
    """A dashed polyline through scene ``points`` (n, 3), cut by arc length: it starts and ends on
    a dash, whatever its length (the gaps stretch a little to make that so)."""
    pts = np.asarray(points, dtype=float)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    total = s[-1]
    group = VGroup()
    if total <= 0:
        return group
    n = max(int(round((total + gap) / (dash + gap))), 1)
    period = (total - dash) / (n - 1) if n > 1 else 0.0  # dash starts spread evenly, last ends at the end
    for i in range(n):
        a = i * period
        b = min(a + (dash if n > 1 else total), total)
        inner = (s > a) & (s < b)
        piece = np.vstack([_point_at(pts, s, a), pts[inner], _point_at(pts, s, b)])
        group.add(VMobject(**style).set_points_as_corners(piece))
    return group


def _point_at(pts, s, at):
    i = int(np.clip(np.searchsorted(s, at) - 1, 0, len(s) - 2))
    t = (at - s[i]) / (s[i + 1] - s[i]) if s[i + 1] > s[i] else 0.0
    return pts[i] + t * (pts[i + 1] - pts[i])


__all__ = ["box_contains", "make_clipped_path", "clipped_polyline", "make_clipped_trail",
           "make_clipped_point", "make_dashed_polyline"]
