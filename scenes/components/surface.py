"""3-D views of a stored height map ``grid_f[iy, ix]`` over ``grid_x`` × ``grid_y`` (Cairo).

* ``make_surface``: a ``Surface`` whose vertices are looked up in the stored grid (exact grid
  values when the resolution divides the grid; bilinear otherwise), coloured by height.
* ``make_trail_3d`` / ``make_point_3d``: a path lifted slightly above the surface and a dot that
  faces the camera, so both stay visible on top of the surface's faces.
* ``shift_for_screen``: where to move 3-D axes so that their projection lands at a screen point
  (a fixed camera keeps the rest of the frame free for a 2-D inset).

Cairo draws mobjects that are not ``shade_in_3d`` after every shaded face, so trails and dots made
here are never hidden by the surface; the small lift keeps them from sitting inside it.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import Dot, Surface, ValueTracker, VMobject

from .style import interpolate_path


def height_lookup(grid_x, grid_y, grid_f) -> Callable[[float, float], float]:
    """``(x, y) -> f``: the stored value at a grid node, bilinear between nodes."""
    gx, gy, gf = (np.asarray(a, dtype=float) for a in (grid_x, grid_y, grid_f))

    def cell(v: float, g: np.ndarray) -> tuple[int, float]:
        """The cell [g[i], g[i+1]] holding v (clamped to the grid, as np.interp) and v's fraction."""
        v = min(max(v, g[0]), g[-1])
        i = min(max(int(np.searchsorted(g, v, side="right")) - 1, 0), len(g) - 2)
        return i, (v - g[i]) / (g[i + 1] - g[i])

    def f(x: float, y: float) -> float:
        if len(gx) < 2 or len(gy) < 2:  # a single row or column: interpolate along the other
            return float(np.interp(y, gy, [np.interp(x, gx, row) for row in gf]))
        j, tx = cell(float(x), gx)
        i, ty = cell(float(y), gy)
        lower = (1 - tx) * gf[i, j] + tx * gf[i, j + 1]  # along x in row i, then row i + 1
        upper = (1 - tx) * gf[i + 1, j] + tx * gf[i + 1, j + 1]
        return float((1 - ty) * lower + ty * upper)

    return f


def surface_resolution_ok(grid_x, resolution: int) -> bool:
    """True when the surface's vertices fall exactly on stored grid nodes."""
    return (len(grid_x) - 1) % resolution == 0


def make_surface(axes, grid_x, grid_y, grid_f, stops, resolution: int = 20,
                 opacity: float = 0.9, stroke_color=None, stroke_width: float = 0.5,
                 stroke_opacity: float = 0.35, lo: float | None = None,
                 hi: float | None = None) -> Surface:
    """The height map as a ``Surface`` on 3-D ``axes``, coloured from ``stops[0]`` (low) to
    ``stops[-1]`` (high) by height (``lo``/``hi`` default to the grid's range)."""
    gf = np.asarray(grid_f, dtype=float)
    lookup = height_lookup(grid_x, grid_y, gf)
    lo = float(gf.min()) if lo is None else lo
    hi = float(gf.max()) if hi is None else hi
    surface = Surface(
        lambda u, v: axes.c2p(u, v, lookup(u, v)),
        u_range=[float(grid_x[0]), float(grid_x[-1])],
        v_range=[float(grid_y[0]), float(grid_y[-1])],
        resolution=(resolution, resolution),
        fill_opacity=opacity,
        checkerboard_colors=False,
        stroke_color=stroke_color if stroke_color is not None else stops[0],
        stroke_width=stroke_width,
        stroke_opacity=stroke_opacity,
    )
    levels = np.linspace(lo, hi, len(stops))
    surface.set_fill_by_value(axes=axes, colorscale=list(zip(stops, levels)), axis=2)
    surface.set_stroke(opacity=stroke_opacity)
    surface.resolution_exact = surface_resolution_ok(grid_x, resolution)
    return surface


def lifted_points(axes, xy: np.ndarray, heights: np.ndarray, lift: float) -> np.ndarray:
    """Scene points of (x, y, height + lift) for every step."""
    xy = np.asarray(xy, dtype=float)
    z = np.asarray(heights, dtype=float) + lift
    return np.array([axes.c2p(x, y, h) for (x, y), h in zip(xy, z)])


def make_trail_3d(axes, xy: np.ndarray, heights: np.ndarray, color, stroke_width: float = 4.0,
                  lift: float = 0.04, halo=None) -> VMobject:
    """The path over the surface, built once; reveal it with ``trail.reveal_trail``.
    ``heights`` are the stored values f(θ_i) (the losses), so the path lies on the surface."""
    trail = VMobject(stroke_color=color, stroke_width=stroke_width)
    trail.set_points_as_corners(lifted_points(axes, xy, heights, lift))
    if halo is not None:
        trail.set_stroke(halo, width=stroke_width + 3.0, opacity=0.8, background=True)
    trail.n_steps = len(xy) - 1
    return trail


def make_point_3d(axes, xy: np.ndarray, heights: np.ndarray, tracker: ValueTracker, color,
                  rotation_matrix: np.ndarray, radius: float = 0.08, lift: float = 0.04,
                  halo=None) -> Dot:
    """A flat dot at the trajectory's position for the tracker's step, turned to face a camera
    with ``rotation_matrix`` (so it reads as a disc, not an ellipse)."""
    pts = lifted_points(axes, xy, heights, lift)
    dot = Dot(pts[0], radius=radius, color=color)
    if halo is not None:
        dot.set_stroke(halo, width=2.0)
    dot.apply_matrix(np.asarray(rotation_matrix).T, about_point=dot.get_center())
    dot.scene_points = pts
    dot.add_updater(lambda d: d.move_to(interpolate_path(pts, tracker.get_value())))
    return dot


def shift_for_screen(rotation_matrix: np.ndarray, screen_point) -> np.ndarray:
    """The 3-D shift that moves the scene origin to ``screen_point`` (x, y on screen) under a
    camera with ``rotation_matrix`` (no perspective at the origin's depth)."""
    target = np.array([screen_point[0], screen_point[1], 0.0])
    return np.asarray(rotation_matrix).T @ target
