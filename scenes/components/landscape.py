"""A 2-D landscape seen from above, and the things drawn on it.

* ``make_panel_axes``: boxed axes (a frame with ticks and LaTeX numbers on its left and bottom
  edges) whose ``c2p``/``p2c`` map data to the scene; the axis lines themselves are invisible so a
  heat map can fill the box.
* ``make_landscape``: the stored grid ``grid_f[iy, ix]`` as filled colour bands (coloured along
  ``pal.landscape``) with contour lines on top, both from marching squares on the stored grid
  (vector shapes: crisp at any resolution, and no ImageMobject, which manim 0.22's Cairo camera
  cannot draw with Pillow ≥ 12). Only the stored grid is used: no objective is evaluated here.
* ``make_minimum_marker``: a small cross at a minimum.

Paths and points clipped to a panel's box are ``clipped_path``'s.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Axes, Create, FadeIn, Line, ManimColor,
                   MathTex, Rectangle, VGroup, VMobject)


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
