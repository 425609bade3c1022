"""Arrows that follow a moving point: a vector drawn at a position given by functions.

Used for ∂f/∂x, ∇f and −α∇f at a descending point; the scene supplies where the arrow starts
and ends (from the stored data), this module only draws it, hiding it when it is too short.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from manim import Arrow, FadeIn, GrowArrow, VMobject


def arrow_between(start, end, color, stroke_width: float = 4.0, tip_length: float = 0.2,
                  min_length: float = 0.02, opacity: float = 1.0) -> Arrow:
    """An arrow from ``start`` to ``end`` (scene points); invisible when shorter than
    ``min_length`` (a zero-length arrow has no direction)."""
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    length = float(np.linalg.norm(end - start))
    visible = length >= min_length
    if not visible:
        end = start + np.array([min_length, 0.0, 0.0])
        length = min_length
    arrow = Arrow(start, end, buff=0, color=color, stroke_width=stroke_width,
                  tip_length=min(tip_length, 0.45 * length),
                  max_tip_length_to_length_ratio=0.45,
                  max_stroke_width_to_length_ratio=max(stroke_width / length, 5.0))
    arrow.set_opacity(opacity if visible else 0.0)
    arrow.is_visible = visible
    return arrow


def make_tracked_arrow(get_start: Callable[[], np.ndarray], get_end: Callable[[], np.ndarray],
                       color, stroke_width: float = 4.0, tip_length: float = 0.2,
                       min_length: float = 0.02, opacity: float = 1.0) -> Arrow:
    """An arrow redrawn every frame from ``get_start()`` to ``get_end()`` (scene points).

    ``arrow.opacity_scale`` (0..1) fades it without fighting the updater.
    """
    kw = dict(color=color, stroke_width=stroke_width, tip_length=tip_length,
              min_length=min_length)
    arrow = arrow_between(get_start(), get_end(), opacity=opacity, **kw)
    arrow.opacity_scale = 1.0

    def update(a):
        a.become(arrow_between(get_start(), get_end(), opacity=opacity * a.opacity_scale, **kw))

    arrow.add_updater(update)
    return arrow


def make_arrow_animation(arrow: VMobject, run_time: float = 1.0):
    """Grow a (tracked) arrow from its start."""
    if getattr(arrow, "is_visible", True):
        return GrowArrow(arrow, run_time=run_time)
    return FadeIn(arrow, run_time=run_time)
