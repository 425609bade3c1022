"""Arrows that follow a moving point: a vector drawn at a position given by functions.

Used for ∂f/∂x, ∇f and −α∇f at a descending point; the scene supplies where the arrow starts
and ends (from the stored data), this module only draws it, hiding it when it is too short.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import Arrow, FadeIn, GrowArrow, UpdateFromAlphaFunc, VMobject


def _geometry(start, end, tip_length: float, min_length: float):
    """(start, tip base, tip corners, visible) of an arrow from ``start`` to ``end``: the shaft
    runs to the base of an isosceles tip as wide as it is long, at most 0.45 of the arrow (the
    geometry of manim's ``Arrow(buff=0)`` with its filled triangle tip)."""
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    d = end - start
    length = float(np.hypot(d[0], d[1]))
    visible = length >= min_length
    if not visible:  # a zero-length arrow has no direction: a short, invisible one along x
        d = np.array([min_length, 0.0, 0.0])
        end = start + d
        length = min_length
    u = d / length
    n = np.array([-u[1], u[0], 0.0])
    tl = min(tip_length, 0.45 * length)
    base = end - u * tl
    tip = np.array([end, base + n * tl / 2, base - n * tl / 2, end])
    return start, base, tip, visible


def arrow_between(start, end, color, stroke_width: float = 4.0, tip_length: float = 0.2,
                  min_length: float = 0.02, opacity: float = 1.0) -> Arrow:
    """An arrow from ``start`` to ``end`` (scene points); invisible when shorter than
    ``min_length`` (a zero-length arrow has no direction)."""
    s, _, tip, visible = _geometry(start, end, tip_length, min_length)
    e = tip[0]  # the arrow's end (moved to a short one along x when invisible)
    length = float(np.linalg.norm(e - s))
    arrow = Arrow(s, e, buff=0, color=color, stroke_width=stroke_width,
                  tip_length=min(tip_length, 0.45 * length),
                  max_tip_length_to_length_ratio=0.45,
                  max_stroke_width_to_length_ratio=max(stroke_width / length, 5.0))
    arrow.set_opacity(opacity if visible else 0.0)
    arrow.is_visible = visible
    return arrow


def place_arrow(arrow: Arrow, start, end, tip_length: float = 0.2, min_length: float = 0.02,
                opacity: float = 1.0, grow: float = 1.0) -> Arrow:
    """Move ``arrow`` (made by :func:`arrow_between`) to run from ``start`` to ``grow`` of the
    way to ``end`` by setting its points in place: the same picture as a new ``arrow_between``,
    without building one (an ``Arrow`` costs milliseconds; this is called every frame)."""
    start = np.asarray(start, dtype=float)
    if grow != 1.0:
        end = start + grow * (np.asarray(end, dtype=float) - start)
    s, base, tip, visible = _geometry(start, end, tip_length, min_length)
    arrow.set_points_as_corners([s, base])
    arrow.tip.set_points_as_corners(tip)
    shown = opacity if visible else 0.0
    if getattr(arrow, "_shown_opacity", None) != shown:
        arrow.set_opacity(shown)
        arrow._shown_opacity = shown
    arrow.is_visible = visible
    return arrow


def make_tracked_arrow(get_start: Callable[[], np.ndarray], get_end: Callable[[], np.ndarray],
                       color, stroke_width: float = 4.0, tip_length: float = 0.2,
                       min_length: float = 0.02, opacity: float = 1.0) -> Arrow:
    """An arrow moved every frame to run from ``get_start()`` to ``get_end()`` (scene points).

    ``arrow.opacity_scale`` (0..1) fades it and ``arrow.grow`` (0..1) shortens it from its start
    without fighting the updater (:func:`make_arrow_animation` grows it in).
    """
    kw = dict(tip_length=tip_length, min_length=min_length)
    arrow = arrow_between(get_start(), get_end(), color, stroke_width=stroke_width,
                          opacity=opacity, **kw)
    arrow._shown_opacity = opacity if arrow.is_visible else 0.0
    arrow.opacity_scale = 1.0
    arrow.grow = 1.0

    def update(a):
        place_arrow(a, get_start(), get_end(), opacity=opacity * a.opacity_scale, grow=a.grow, **kw)

    arrow.add_updater(update)
    return arrow


def make_arrow_animation(arrow: VMobject, run_time: float = 1.0):
    """Grow an arrow from its start. A tracked arrow grows through its ``grow`` factor while its
    updater keeps it on the moving point (``GrowArrow`` would be undone by the updater, which
    manim runs on the animation's copies: the arrow would pop in at full length)."""
    if hasattr(arrow, "grow"):
        def grow(a, alpha):  # alpha has been through the rate function (smooth)
            a.grow = alpha

        arrow.grow = 0.0
        return UpdateFromAlphaFunc(arrow, grow, run_time=run_time, suspend_mobject_updating=False)
    if getattr(arrow, "is_visible", True):
        return GrowArrow(arrow, run_time=run_time)
    return FadeIn(arrow, run_time=run_time)
