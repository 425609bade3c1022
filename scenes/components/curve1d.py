"""1-D landscapes: the stored curve ``(curve_x, curve_f)`` drawn on axes, and points riding it.

A point between two stored steps moves linearly in x and rides the stored curve in height; a
correction blended between the steps makes it sit exactly on the stored ``(x_i, f(x_i))`` at every
step (so the last frame shows the data, not the curve's sampling). Only stored arrays are used.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import Dot, ValueTracker, VMobject

from .style import interpolate_path


def make_curve(axes, curve_x, curve_f, color, stroke_width: float = 4.0,
               y_max: float | None = None) -> VMobject:
    """The stored curve as a smooth path, cut where it rises above ``y_max`` (default: the axes'
    top); pieces left after the cut stay separate."""
    x = np.asarray(curve_x, dtype=float)
    f = np.asarray(curve_f, dtype=float)
    top = axes.y_range[1] if y_max is None else y_max
    curve = VMobject(stroke_color=color, stroke_width=stroke_width)
    inside = f <= top
    # runs of consecutive samples inside the range
    edges = np.flatnonzero(np.diff(np.r_[0, inside.astype(int), 0]))
    for a, b in zip(edges[::2], edges[1::2]):
        pts = [axes.c2p(xi, fi) for xi, fi in zip(x[a:b], f[a:b])]
        if len(pts) >= 2:
            piece = VMobject()
            piece.set_points_smoothly(pts)
            curve.append_points(piece.points) if curve.has_no_points() else curve.add_subpath(piece.points)
    return curve


def curve_rider(xs, fs, curve_x, curve_f) -> Callable[[float], tuple[float, float]]:
    """``t -> (x, f)`` at fractional step ``t`` of one trajectory ``xs`` (T+1,) with values
    ``fs`` (T+1,), riding the stored curve between steps."""
    xs = np.asarray(xs, dtype=float)
    fs = np.asarray(fs, dtype=float)
    cx, cf = np.asarray(curve_x, dtype=float), np.asarray(curve_f, dtype=float)
    miss = fs - np.interp(xs, cx, cf)

    def at(t: float) -> tuple[float, float]:
        x = float(interpolate_path(xs, t))
        return x, float(np.interp(x, cx, cf) + interpolate_path(miss, t))

    return at


def make_curve_point(axes, rider, tracker: ValueTracker, color, radius: float = 0.09, **kw) -> Dot:
    """A dot at ``rider(tracker)`` on the curve; ``dot.data_position()`` gives (x, f)."""
    dot = Dot(axes.c2p(*rider(tracker.get_value())), radius=radius, color=color, **kw)
    dot.add_updater(lambda d: d.move_to(axes.c2p(*rider(tracker.get_value()))))
    dot.data_position = lambda: rider(tracker.get_value())
    return dot


def make_curve_trail(axes, rider, steps: int, color, stroke_width: float = 4.0,
                     opacity: float = 1.0, samples_per_step: int = 8) -> VMobject:
    """The path of ``rider`` over steps 0..``steps`` along the curve (not chords across it), built
    once; ``trail.n_steps == steps`` so ``trail.reveal_trail`` follows the step tracker."""
    ts = np.linspace(0.0, steps, steps * samples_per_step + 1)
    pts = np.array([axes.c2p(*rider(t)) for t in ts])
    trail = VMobject(stroke_color=color, stroke_width=stroke_width, stroke_opacity=opacity)
    trail.set_points_as_corners(pts)
    trail.full_points = trail.points.copy()
    trail.n_steps = steps
    return trail
