"""A 2-D landscape seen from above, and the things drawn on it.

* ``make_panel_axes``: boxed axes (a frame with ticks and LaTeX numbers on its left and bottom
  edges) whose ``c2p``/``p2c`` map data to the scene; the axis lines themselves are invisible so a
  heat map can fill the box.
* ``make_landscape``: the stored grid ``grid_f[iy, ix]`` as filled colour bands (coloured along
  ``pal.landscape``) with contour lines on top, both from marching squares on the stored grid
  (vector shapes: crisp at any resolution, and no ImageMobject, which manim 0.22's Cairo camera
  cannot draw with Pillow ≥ 12). Only the stored grid is used: no objective is evaluated here.
* ``make_clipped_trail`` / ``make_clipped_point``: a path and its moving point revealed by a step
  tracker and clipped to the box, so a diverging run leaves the panel instead of the frame; an
  arrowhead on the border shows where a point that left has gone.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Axes, Create, Dot, FadeIn, Line, ManimColor,
                   MathTex, Rectangle, Triangle, VGroup, VMobject)

from core.view import clip_segment

from .clipped_path import lines_as_cubics
from .style import interpolate_path

# ── Colour mapping ─────────────────────────────────────────────────────────────────────────────


def colormap_rgb(stops, t) -> np.ndarray:
    """RGB in [0, 1] for every ``t`` (clipped to [0, 1]) between evenly spaced colour stops."""
    rgb = np.array([ManimColor(s).to_rgb() for s in stops], dtype=float)
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    pos = t * (len(rgb) - 1)
    i = np.minimum(np.floor(pos).astype(int), len(rgb) - 2)
    frac = (pos - i)[..., None]
    return (1 - frac) * rgb[i] + frac * rgb[i + 1]


def normalise(values, lo: float, hi: float, norm: str = "sqrt") -> np.ndarray:
    """Heights to [0, 1]: ``linear``, ``sqrt`` (evenly spaced rings for bowl-like landscapes:
    the distance from a quadratic minimum grows like √(f − f_min)) or ``log``."""
    v = np.clip((np.asarray(values, dtype=float) - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
    if norm == "linear":
        return v
    if norm == "sqrt":
        return np.sqrt(v)
    if norm == "log":
        return np.log1p(99.0 * v) / np.log(100.0)
    raise ValueError(f"unknown norm {norm!r}; valid: linear, sqrt, log")


def denormalise(t, lo: float, hi: float, norm: str = "sqrt") -> np.ndarray:
    """The inverse of ``normalise``: the height at colour position ``t``."""
    t = np.asarray(t, dtype=float)
    if norm == "linear":
        v = t
    elif norm == "sqrt":
        v = t ** 2
    elif norm == "log":
        v = np.expm1(t * np.log(100.0)) / 99.0
    else:
        raise ValueError(f"unknown norm {norm!r}; valid: linear, sqrt, log")
    return lo + v * (hi - lo)


def _contrast_line_colour(fill_rgb, strength: float = 0.38) -> ManimColor:
    """A line colour that reads on ``fill_rgb``: darker on light fills, lighter on dark ones."""
    fill_rgb = np.asarray(fill_rgb, dtype=float)
    luminance = float(fill_rgb @ np.array([0.2126, 0.7152, 0.0722]))
    target = np.zeros(3) if luminance > 0.5 else np.ones(3)
    return ManimColor.from_rgb((1 - strength) * fill_rgb + strength * target)


# ── Boxed axes ─────────────────────────────────────────────────────────────────────────────────


def _fmt(v: float) -> str:
    if abs(v - round(v)) < 1e-9:
        return str(int(round(v)))
    return f"{v:g}"


def make_panel_axes(pal, x_range, y_range, x_length: float, y_length: float,
                    x_label: str | None = None, y_label: str | None = None,
                    x_numbers=None, y_numbers=None, grid: bool = False,
                    tick: float = 0.07) -> Axes:
    """Axes drawn as a box: frame, inward ticks, numbers left and below, labels at the ends.

    ``x_numbers``/``y_numbers``: ``None`` (a number at every step of the range), a list of values,
    or a dict value -> LaTeX string (e.g. ``{-10: "10^{-10}"}``). The returned ``Axes`` maps
    coordinates as usual and carries ``.frame``, ``.numbers``, ``.grid_lines``, ``.box``
    ((x0, x1), (y0, y1)) and ``.axis_labels``.
    """
    ax = Axes(x_range=x_range, y_range=y_range, x_length=x_length, y_length=y_length, tips=False,
              axis_config={"stroke_width": 0, "stroke_opacity": 0, "include_ticks": False,
                           "include_tip": False})
    (x0, x1), (y0, y1) = (x_range[0], x_range[1]), (y_range[0], y_range[1])
    ax.box = ((x0, x1), (y0, y1))
    ll, ur = np.asarray(ax.c2p(x0, y0)), np.asarray(ax.c2p(x1, y1))
    frame = Rectangle(width=ur[0] - ll[0], height=ur[1] - ll[1], stroke_color=pal.axis,
                      stroke_width=pal.strokes["axis"] * 0.75).move_to((ll + ur) / 2)

    def values(spec, lo, hi, step):
        if spec is None:
            n = int(np.floor((hi - lo) / step + 1e-9))
            return {lo + i * step: _fmt(lo + i * step) for i in range(n + 1)}
        if isinstance(spec, dict):
            return dict(spec)
        return {v: _fmt(v) for v in spec}

    xs = values(x_numbers, x0, x1, x_range[2])
    ys = values(y_numbers, y0, y1, y_range[2])
    ticks, numbers, grid_lines = VGroup(), VGroup(), VGroup()
    for v, tex in xs.items():
        p = np.asarray(ax.c2p(v, y0))
        if x0 < v < x1:
            ticks.add(Line(p, p + UP * tick, stroke_color=pal.axis, stroke_width=1.5))
            if grid:
                grid_lines.add(Line(p, ax.c2p(v, y1), stroke_color=pal.grid, stroke_width=1.0))
        if tex:
            numbers.add(MathTex(tex, font_size=pal.fonts.small, color=pal.muted).next_to(p, DOWN, buff=0.1))
    for v, tex in ys.items():
        p = np.asarray(ax.c2p(x0, v))
        if y0 < v < y1:
            ticks.add(Line(p, p + RIGHT * tick, stroke_color=pal.axis, stroke_width=1.5))
            if grid:
                grid_lines.add(Line(p, ax.c2p(x1, v), stroke_color=pal.grid, stroke_width=1.0))
        if tex:
            numbers.add(MathTex(tex, font_size=pal.fonts.small, color=pal.muted).next_to(p, LEFT, buff=0.1))
    labels = VGroup()
    if x_label:
        xl = MathTex(x_label, font_size=pal.fonts.label, color=pal.foreground)
        xl.next_to(ax.c2p(x1, y0), RIGHT, buff=0.15)
        labels.add(xl)
    if y_label:
        yl = MathTex(y_label, font_size=pal.fonts.label, color=pal.foreground)
        yl.next_to(ax.c2p(x0, y1), UP, buff=0.12)
        labels.add(yl)
    ax.add(grid_lines, frame, ticks, numbers, labels)
    ax.frame, ax.ticks, ax.numbers, ax.grid_lines, ax.axis_labels = frame, ticks, numbers, grid_lines, labels
    return ax


def box_contains(box, xy, eps: float = 1e-12) -> bool:
    (x0, x1), (y0, y1) = box
    x, y = float(xy[0]), float(xy[1])
    return x0 - eps <= x <= x1 + eps and y0 - eps <= y <= y1 + eps


# ── Heat map and contours ──────────────────────────────────────────────────────────────────────


# Marching squares. Corners of cell (i, j): 0 = (i, j), 1 = (i, j+1), 2 = (i+1, j+1), 3 = (i+1, j)
# (row i is grid_y[i]). Edges: 0 bottom (0-1), 1 right (1-2), 2 top (3-2), 3 left (0-3).
_EDGE_CORNERS = ((0, 1), (1, 2), (3, 2), (0, 3))
_SEGMENTS = {1: [(3, 0)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 6: [(0, 2)], 7: [(3, 2)],
             8: [(2, 3)], 9: [(2, 0)], 11: [(2, 1)], 12: [(1, 3)], 13: [(1, 0)], 14: [(0, 3)]}
_SADDLE = {5: ([(3, 0), (1, 2)], [(0, 1), (2, 3)]),   # corners 0, 2 above; (centre below, above)
           10: ([(0, 1), (2, 3)], [(3, 0), (1, 2)])}  # corners 1, 3 above


def contour_lines(grid_x, grid_y, grid_f, level: float) -> list[np.ndarray]:
    """The contour ``f = level`` of the stored grid as polylines (n, 2) in data coordinates.

    Marching squares with linear interpolation along cell edges; saddles resolved by the cell's
    mean; segments chained into polylines (closed loops repeat their first point).
    """
    gx, gy, f = (np.asarray(a, dtype=float) for a in (grid_x, grid_y, grid_f))
    above = f > level
    case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8)
    cells = np.argwhere((case != 0) & (case != 15))

    def corner(i, j, c):
        di, dj = ((0, 0), (0, 1), (1, 1), (1, 0))[c]
        return i + di, j + dj

    def edge_key(i, j, e):  # an edge shared by two cells gets one key
        (a, b) = _EDGE_CORNERS[e]
        return (corner(i, j, a), corner(i, j, b))

    def edge_point(key):
        (ia, ja), (ib, jb) = key
        fa, fb = f[ia, ja], f[ib, jb]
        t = 0.5 if fb == fa else (level - fa) / (fb - fa)
        return np.array([gx[ja] + t * (gx[jb] - gx[ja]), gy[ia] + t * (gy[ib] - gy[ia])])

    segments = []
    for i, j in cells:
        c = int(case[i, j])
        if c in _SADDLE:
            centre_above = f[i:i + 2, j:j + 2].mean() > level
            pairs = _SADDLE[c][1 if centre_above else 0]
        else:
            pairs = _SEGMENTS[c]
        for ea, eb in pairs:
            segments.append((edge_key(i, j, ea), edge_key(i, j, eb)))

    # Chain the segments through their shared edge keys.
    touching: dict = {}
    for n, (a, b) in enumerate(segments):
        touching.setdefault(a, []).append(n)
        touching.setdefault(b, []).append(n)
    used = np.zeros(len(segments), dtype=bool)

    def walk(start_seg, from_key):
        keys = [from_key]
        seg, key = start_seg, from_key
        while True:
            used[seg] = True
            a, b = segments[seg]
            key = b if key == a else a
            keys.append(key)
            nxt = [s for s in touching[key] if not used[s]]
            if not nxt:
                return keys
            seg = nxt[0]

    lines = []
    # Open lines start at an edge touched by one segment (the grid boundary); then closed loops.
    for key, segs in touching.items():
        if len(segs) == 1 and not used[segs[0]]:
            lines.append(walk(segs[0], key))
    for n in range(len(segments)):
        if not used[n]:
            lines.append(walk(n, segments[n][0]))
    return [np.array([edge_point(k) for k in keys]) for keys in lines if len(keys) >= 2]


def sublevel_polygons(grid_x, grid_y, grid_f, level: float) -> list[np.ndarray]:
    """The region ``f < level`` inside the grid's box as closed polygons (n, 2).

    The grid is padded with a zero-width ring of nodes on its own border, higher than any level,
    so every contour closes along the box edge (corners included). Each polygon is one connected
    piece of the region; a landscape with a peak inside a piece would need its hole cut out, which
    the bowl-shaped losses drawn here never have.
    """
    gx, gy, f = (np.asarray(a, dtype=float) for a in (grid_x, grid_y, grid_f))
    top = float(np.max(f)) + 1.0 + abs(level)
    fp = np.pad(f, 1, constant_values=top)
    gxp = np.concatenate([[gx[0]], gx, [gx[-1]]])
    gyp = np.concatenate([[gy[0]], gy, [gy[-1]]])
    out = []
    for line in contour_lines(gxp, gyp, fp, level):
        keep = np.ones(len(line), dtype=bool)  # drop the repeats the zero-width ring produces
        keep[1:] = np.any(np.abs(np.diff(line, axis=0)) > 1e-12, axis=1)
        line = line[keep]
        if len(line) >= 3:
            out.append(line)
    return out


def make_heat_bands(pal, axes, grid_x, grid_y, grid_f, levels, norm: str = "sqrt",
                    opacity: float = 1.0) -> VGroup:
    """The landscape as filled colour bands between ``levels`` (vector, like a filled contour
    plot): the box in the highest band's colour, then each sublevel region ``f < level`` painted
    over it in the colour of the band below that level, from the highest level down."""
    gx, gy, gf = (np.asarray(a, dtype=float) for a in (grid_x, grid_y, grid_f))
    lo, hi = float(gf.min()), float(gf.max())
    levels = np.sort(np.asarray(levels, dtype=float))
    t_edges = np.concatenate([[0.0], normalise(levels, lo, hi, norm), [1.0]])
    t_mid = (t_edges[:-1] + t_edges[1:]) / 2  # one colour per band
    colours = [ManimColor.from_rgb(c) for c in colormap_rgb(pal.landscape, t_mid)]
    bands = VGroup()
    box = VMobject().set_points_as_corners([axes.c2p(gx[0], gy[0]), axes.c2p(gx[-1], gy[0]),
                                            axes.c2p(gx[-1], gy[-1]), axes.c2p(gx[0], gy[-1]),
                                            axes.c2p(gx[0], gy[0])])
    box.set_fill(colours[-1], opacity=opacity).set_stroke(width=0)
    bands.add(box)
    for level, colour in zip(levels[::-1], colours[-2::-1]):
        region = VMobject()
        for poly in sublevel_polygons(gx, gy, gf, level):
            pts = [axes.c2p(x, y) for x, y in poly]
            region.start_new_path(pts[0])
            region.add_points_as_corners(pts[1:] + [pts[0]])
        region.set_fill(colour, opacity=opacity).set_stroke(width=0)
        region.level = float(level)
        bands.add(region)
    return bands


def contour_levels(grid_f, n: int, norm: str = "sqrt") -> np.ndarray:
    """``n`` levels evenly spaced in colour (``norm``) between the grid's lowest and highest."""
    gf = np.asarray(grid_f, dtype=float)
    t = np.arange(1, n + 1) / (n + 1)
    return denormalise(t, float(gf.min()), float(gf.max()), norm)


def make_contours(pal, axes, grid_x, grid_y, grid_f, levels, norm: str = "sqrt",
                  stroke_width: float | None = None, opacity: float = 0.9) -> VGroup:
    """Contour lines at ``levels``, each a shade that contrasts with the heat map beneath it."""
    gf = np.asarray(grid_f, dtype=float)
    lo, hi = float(gf.min()), float(gf.max())
    sw = pal.strokes["contour"] if stroke_width is None else stroke_width
    group = VGroup()
    for level in levels:
        fill = colormap_rgb(pal.landscape, normalise([level], lo, hi, norm))[0]
        colour = _contrast_line_colour(fill)
        for line in contour_lines(grid_x, grid_y, gf, level):
            pts = np.array([axes.c2p(x, y) for x, y in line])
            m = VMobject(stroke_color=colour, stroke_width=sw, stroke_opacity=opacity)
            closed = len(pts) > 3 and np.allclose(pts[0], pts[-1])
            if len(pts) > 3:
                m.set_points_smoothly(pts)
            else:
                m.set_points_as_corners(pts)
            m.level, m.closed = float(level), closed
            group.add(m)
    return group


def make_landscape(pal, axes, grid_x, grid_y, grid_f, n_levels: int = 10, norm: str = "sqrt",
                   heat: bool = True, line_every: int = 1) -> VGroup:
    """Filled colour bands plus contour lines of the stored grid on ``axes``: ``.bands``,
    ``.contours``, ``.levels``. Add it before the axes so the frame and ticks sit on top."""
    levels = contour_levels(grid_f, n_levels, norm)
    bands = make_heat_bands(pal, axes, grid_x, grid_y, grid_f, levels, norm=norm) if heat else VGroup()
    contours = make_contours(pal, axes, grid_x, grid_y, grid_f, levels[::line_every], norm=norm)
    group = VGroup(bands, contours)
    group.bands, group.contours, group.levels = bands, contours, levels
    return group


def make_landscape_animation(landscape: VGroup, run_time: float = 1.5):
    """The heat map fades in while the contour lines draw themselves."""
    return AnimationGroup(FadeIn(landscape.bands, run_time=run_time),
                          Create(landscape.contours, lag_ratio=0.05, run_time=run_time))


def make_minimum_marker(pal, axes, xy, color=None, size: float = 0.11) -> VGroup:
    """A small ``+`` at a minimum, with a thin halo so it reads on any fill."""
    c = np.asarray(axes.c2p(*xy))
    colour = pal.minimum_global if color is None else color
    arms = VGroup(Line(c + LEFT * size, c + RIGHT * size), Line(c + DOWN * size, c + UP * size))
    arms.set_stroke(colour, width=3.0)
    arms.set_stroke(pal.background, width=6.0, background=True)
    arms.data_xy = np.asarray(xy, dtype=float)
    return arms


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

