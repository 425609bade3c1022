"""A gradient vector field drawn from stored samples, and a colour bar for it.

``make_gradient_field`` puts one arrow per stored grid node ``(field_x[j], field_y[i])`` pointing
along ``field_grad[i, j]`` (in data directions, mapped through ``axes.c2p``), centred on the node,
its length proportional to |∇f| (the longest spans ``max_length`` scene units) and its colour
along the stops by |∇f|. Nothing is evaluated: the arrows only map the stored array.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, GrowArrow, LaggedStart, ManimColor, MathTex,
                   Rectangle, VGroup)

from .landscape import colormap_rgb


def scene_direction(axes, xy, vec) -> np.ndarray:
    """The scene-space direction of data vector ``vec`` at data point ``xy`` (unit length)."""
    p = np.asarray(axes.c2p(*xy), dtype=float)
    q = np.asarray(axes.c2p(xy[0] + vec[0], xy[1] + vec[1]), dtype=float)
    v = q - p
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


def make_gradient_field(axes, field_x, field_y, field_grad, stops, max_length: float = 0.3,
                        stroke_width: float = 2.0, min_length: float = 0.03,
                        opacity: float = 1.0) -> VGroup:
    """Arrows of the stored gradient field. Each arrow carries ``.data_xy``, ``.grad`` and
    ``.magnitude``; the group carries ``.max_magnitude``. Arrows shorter than ``min_length``
    (near critical points) are left out: they would have no readable direction."""
    fx, fy = np.asarray(field_x, float), np.asarray(field_y, float)
    g = np.asarray(field_grad, dtype=float)  # (ny, nx, 2)
    mag = np.linalg.norm(g, axis=-1)
    top = float(mag.max()) if mag.max() > 0 else 1.0
    group = VGroup()
    group.max_magnitude = top
    for i, y in enumerate(fy):
        for j, x in enumerate(fx):
            m = float(mag[i, j])
            length = max_length * m / top
            if length < min_length:
                continue
            centre = np.asarray(axes.c2p(x, y), dtype=float)
            u = scene_direction(axes, (x, y), g[i, j])
            colour = ManimColor.from_rgb(colormap_rgb(stops, m / top))
            arrow = Arrow(centre - u * length / 2, centre + u * length / 2, buff=0,
                          color=colour, stroke_width=stroke_width,
                          tip_length=min(0.12, 0.4 * length), max_tip_length_to_length_ratio=0.4,
                          max_stroke_width_to_length_ratio=20)
            arrow.set_opacity(opacity)
            arrow.data_xy = np.array([x, y])
            arrow.grad = g[i, j].copy()
            arrow.magnitude = m
            group.add(arrow)
    return group


def make_field_animation(field: VGroup, run_time: float = 2.0, lag_ratio: float = 0.004):
    """The arrows grow in a sweep from left to right."""
    order = sorted(field, key=lambda a: (a.data_xy[0], a.data_xy[1]))
    return LaggedStart(*[GrowArrow(a) for a in order], lag_ratio=lag_ratio, run_time=run_time)


def make_colorbar(pal, stops, lo: float, hi: float, label: str, width: float = 2.4,
                  height: float = 0.16, segments: int = 48) -> VGroup:
    """A horizontal colour bar from ``lo`` to ``hi`` with a LaTeX ``label`` above it."""
    cells = VGroup()
    for s in range(segments):
        t = (s + 0.5) / segments
        cells.add(Rectangle(width=width / segments * 1.05, height=height, stroke_width=0,
                            fill_color=ManimColor.from_rgb(colormap_rgb(stops, t)),
                            fill_opacity=1.0))
    cells.arrange(RIGHT, buff=-0.05 * width / segments)  # overlap a hair: no seams
    frame = Rectangle(width=width, height=height, stroke_color=pal.axis, stroke_width=1.0)
    frame.move_to(cells)
    lo_t = MathTex(f"{lo:g}", font_size=pal.fonts.small, color=pal.muted).next_to(frame, DOWN, buff=0.08)
    lo_t.align_to(frame, LEFT)
    hi_t = MathTex(f"{hi:g}", font_size=pal.fonts.small, color=pal.muted).next_to(frame, DOWN, buff=0.08)
    hi_t.align_to(frame, RIGHT)
    lab = MathTex(label, font_size=pal.fonts.small, color=pal.foreground).next_to(frame, UP, buff=0.1)
    lab.align_to(frame, LEFT)
    return VGroup(cells, frame, lo_t, hi_t, lab)
