"""The hill in the fog: a fog over a map with a clear disc around the walker, and a lens that
shows, magnified, what the walker can see there — the local slope.

* ``make_fog``: layered veils (the map's box minus a growing disc) in the background colour, so
  the clear disc has a soft edge; it follows ``get_center()`` every frame and lifts with
  ``make_fog_lift_animation``.
* ``make_lens``: a disc that stands for the walker's neighbourhood, magnified: shaded along the
  uphill direction it is given, with level lines across it. The scene passes the stored gradient
  and where the level lines fall; nothing is evaluated here.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import (AnimationGroup, Circle, Difference, FadeIn, Line, ManimColor, Rectangle,
                   ValueTracker, VGroup)


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

    def build(group):
        c = np.asarray(get_center(), dtype=float)
        scale = fog.clear.get_value()
        veils = []
        for j in range(layers):
            r = radius * scale * (1.0 + spread * j / max(layers - 1, 1))
            hole = Circle(radius=r).move_to(c)
            veil = Difference(outline, hole)
            veil.set_fill(color, opacity=per_layer * fog.density.get_value())
            veil.set_stroke(width=0)
            veils.append(veil)
        group.submobjects = veils

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
    ``level_offsets`` (scene units from the centre, along ``direction``), with a rim."""
    position = np.asarray(position, dtype=float)
    d = np.asarray(direction, dtype=float)[:2]
    n = float(np.linalg.norm(d))
    u = d / n if n > 0 else np.array([1.0, 0.0])
    u3 = np.array([u[0], u[1], 0.0])
    disc = Circle(radius=radius).move_to(position)
    disc.set_fill([ManimColor(low_colour), ManimColor(high_colour)], opacity=1.0)
    disc.set_sheen_direction(u3)
    disc.set_stroke(width=0)
    lines = VGroup()
    across = np.array([-u[1], u[0], 0.0])
    for s in level_offsets:
        if abs(s) >= radius * 0.995:
            continue
        half_chord = np.sqrt(radius ** 2 - s ** 2)
        mid = position + u3 * s
        lines.add(Line(mid - across * half_chord, mid + across * half_chord,
                       stroke_color=line_colour, stroke_width=1.3, stroke_opacity=0.75))
    rim = Circle(radius=radius, stroke_color=rim_colour, stroke_width=rim_width).move_to(position)
    lens = VGroup(disc, lines, rim)
    lens.disc, lens.lines, lens.rim = disc, lines, rim
    return lens


def make_lens_animation(lens: VGroup, run_time: float = 0.8):
    return FadeIn(lens, scale=0.85, run_time=run_time)
