"""Paths built once from the precomputed positions, revealed by a ValueTracker over the step index."""

from __future__ import annotations

import numpy as np
from manim import Dot, ValueTracker, VMobject, linear

from .style import interpolate_path


def to_scene_points(axes, xy: np.ndarray) -> np.ndarray:
    """Map data coordinates (N, 2) (or (N, 3) for 3-D axes) through ``axes.c2p``."""
    xy = np.asarray(xy, dtype=float)
    return np.array([axes.c2p(*p) for p in xy])


def make_trail(axes, xy: np.ndarray, color, stroke_width: float = 4.0, opacity: float = 1.0) -> VMobject:
    """The whole path as one polyline (one straight segment per step), built once."""
    trail = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    pts = to_scene_points(axes, xy)
    if len(pts) == 1:
        pts = np.vstack([pts, pts])
    trail.set_points_as_corners(pts)
    trail.full_points = trail.points.copy()
    trail.n_steps = len(xy) - 1
    return trail


def reveal_trail(trail: VMobject, tracker: ValueTracker) -> VMobject:
    """Keep ``trail`` showing the steps up to the tracker's value (fractional steps included)."""
    full = trail.copy()
    full.clear_updaters()
    n = max(trail.n_steps, 1)

    def update(m):
        alpha = float(np.clip(tracker.get_value() / n, 0.0, 1.0))
        if alpha <= 0:
            m.pointwise_become_partial(full, 0, 1e-9)
        else:
            m.pointwise_become_partial(full, 0, alpha)

    trail.add_updater(update)
    update(trail)
    return trail


def make_point(axes, xy: np.ndarray, tracker: ValueTracker, color, radius: float = 0.09, **kw) -> Dot:
    """A dot that sits at the trajectory's position for the tracker's (fractional) step."""
    pts = to_scene_points(axes, xy)
    dot = Dot(pts[0], radius=radius, color=color, **kw)
    dot.scene_points = pts
    dot.add_updater(lambda d: d.move_to(interpolate_path(pts, tracker.get_value())))
    return dot


def make_descent_animation(tracker: ValueTracker, steps: int, seconds_per_step: float, **kw):
    """Advance the step tracker from its value to ``steps`` at a steady pace."""
    run_time = max(abs(steps - tracker.get_value()) * seconds_per_step, 1 / 60)
    return tracker.animate(rate_func=linear, run_time=run_time, **kw).set_value(steps)
