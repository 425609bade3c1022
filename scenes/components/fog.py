"""The hill in the fog: a fog over a map with a clear disc around the walker, and a lens that
shows, magnified, what the walker can see there — the local slope.

* ``make_fog``: layered veils (the map's box minus a growing disc) in the background colour, so
  the clear disc has a soft edge; it follows ``get_center()`` every frame and lifts with
  ``make_fog_lift_animation``.
* ``make_lens``: a disc that stands for the walker's neighbourhood, magnified: shaded along the
  uphill direction it is given, with level lines across it; ``set_lens`` turns and shades it in
  place. The scene passes the stored gradient and where the level lines fall; nothing is
  evaluated here.

Both are built once and changed in place every frame (new points, new colours): building a
mobject, or a boolean ``Difference``, per frame cost more than drawing the frame.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import (AnimationGroup, Circle, Difference, FadeIn, ManimColor, Rectangle,
                   ValueTracker, VGroup, VMobject)

_UNIT_CIRCLE = Circle(radius=1.0).points.copy()  # 8 cubic arcs, anticlockwise from (1, 0)


def _disc_hole(centre, r):
    """The points of ``Circle(radius=r).move_to(centre)`` run clockwise, closed by a
    zero-length curve: the hole ``Difference(box, circle)`` cuts when the circle lies inside
    the box (the same path, without the boolean operation)."""
    ring = _UNIT_CIRCLE[::-1] * r + centre
    return np.vstack([ring, np.repeat(ring[:1], 4, axis=0)])


def make_fog(box: Rectangle, get_center: Callable[[], np.ndarray], radius: float, color,
             opacity: float = 0.85, layers: int = 4, spread: float = 0.9) -> VGroup:
    """Veils over ``box`` (a Rectangle in scene space) with a clear disc of ``radius`` around
    ``get_center()``. ``fog.clear`` (a ValueTracker, 1 = the given radius) widens the disc;
    ``fog.density`` (0..1) thins the veils."""
    per_layer = 1.0 - (1.0 - opacity) ** (1.0 / layers)
    fog = VGroup()
    fog.clear = ValueTracker(1.0)
    fog.density = ValueTracker(1.0)
    outline = box.copy()
    box_points = outline.points.copy()
    lo, hi = box_points.min(axis=0), box_points.max(axis=0)
    veils = []
    for _ in range(layers):
        veil = VMobject()
        veil.set_fill(color, opacity=per_layer)
        veil.set_stroke(width=0)
        veils.append(veil)
    fog.add(*veils)
    state = {"key": None, "density": None}

    def build(group):
        c = np.asarray(get_center(), dtype=float)
        scale = fog.clear.get_value()
        density = fog.density.get_value()
        key = (c[0], c[1], scale)
        if key != state["key"]:
            state["key"] = key
            for j, veil in enumerate(veils):
                r = radius * scale * (1.0 + spread * j / max(layers - 1, 1))
                if np.all(c[:2] - r > lo[:2]) and np.all(c[:2] + r < hi[:2]):
                    veil.set_points(np.vstack([box_points, _disc_hole(c, r)]))
                else:  # the disc crosses the box's edge: cut it properly
                    veil.set_points(Difference(outline, Circle(radius=r).move_to(c)).points)
        if density != state["density"]:
            state["density"] = density
            for veil in veils:
                veil.set_fill(opacity=per_layer * density)

    fog.add_updater(build)
    build(fog)
    return fog


def make_fog_lift_animation(fog: VGroup, run_time: float = 1.5):
    """The clear disc widens while the veils thin away."""
    return AnimationGroup(fog.clear.animate(run_time=run_time).set_value(6.0),
                          fog.density.animate(run_time=run_time).set_value(0.0))


def make_fog_animation(fog: VGroup, run_time: float = 1.0):
    """The fog rolls in (its veils thicken from nothing)."""
    fog.density.set_value(0.0)
    return fog.density.animate(run_time=run_time).set_value(1.0)


def make_lens(position, radius: float, direction, level_offsets, low_colour, high_colour,
              line_colour, rim_colour, rim_width: float = 3.0) -> VGroup:
    """A disc of ``radius`` at ``position``: shaded from ``low_colour`` to ``high_colour`` along
    ``direction`` (the uphill way, a 2-D vector), crossed by level lines perpendicular to it at
    ``level_offsets`` (scene units from the centre, along ``direction``), with a rim.
    :func:`set_lens` changes the direction, lines and colours in place."""
    position = np.asarray(position, dtype=float)
    disc = Circle(radius=radius).move_to(position)
    disc.set_stroke(width=0)
    # all level lines as one path of separate straight segments (they never touch)
    lines = VMobject(stroke_color=line_colour, stroke_width=1.3, stroke_opacity=0.75)
    rim = Circle(radius=radius, stroke_color=rim_colour, stroke_width=rim_width).move_to(position)
    lens = VGroup(disc, lines, rim)
    lens.disc, lens.lines, lens.rim = disc, lines, rim
    lens.position, lens.radius = position, float(radius)
    set_lens(lens, direction, level_offsets, low_colour, high_colour)
    return lens


def set_lens(lens: VGroup, direction, level_offsets, low_colour, high_colour) -> VGroup:
    """Turn the lens made by :func:`make_lens` to ``direction``, draw its level lines at
    ``level_offsets`` and shade it from ``low_colour`` to ``high_colour``."""
    position, radius = lens.position, lens.radius
    d = np.asarray(direction, dtype=float)[:2]
    n = float(np.linalg.norm(d))
    u = d / n if n > 0 else np.array([1.0, 0.0])
    u3 = np.array([u[0], u[1], 0.0])
    lens.disc.set_fill([ManimColor(low_colour), ManimColor(high_colour)], opacity=1.0)
    lens.disc.set_sheen_direction(u3)
    s = np.asarray(level_offsets, dtype=float).reshape(-1)
    s = s[np.abs(s) < radius * 0.995]
    half_chord = np.sqrt(radius ** 2 - s ** 2)[:, None]
    across = np.array([-u[1], u[0], 0.0])
    mid = position + s[:, None] * u3
    a, b = mid - across * half_chord, mid + across * half_chord
    # each line as manim's Line builds it: one cubic with handles at its thirds
    t = np.array([0.0, 1 / 3, 2 / 3, 1.0])[None, :, None]
    pts = a[:, None, :] + t * (b - a)[:, None, :]
    lens.lines.set_points(pts.reshape(-1, 3))
    return lens


def make_lens_animation(lens: VGroup, run_time: float = 0.8):
    return FadeIn(lens, scale=0.85, run_time=run_time)
