"""Axes in the theme with LaTeX labels."""

from __future__ import annotations

from manim import Axes, MathTex, UP, RIGHT


def make_axes(pal, x_range, y_range, x_length=6.0, y_length=4.0, x_label="x", y_label="y",
              numbers=True, tips=False, **kwargs) -> Axes:
    """Themed ``Axes`` with LaTeX axis labels placed at the ends of the axes.

    ``x_range``/``y_range`` are manim ranges ``(min, max, step)``; the labels are LaTeX strings.
    The returned axes carry ``.labels`` (a VGroup) so scenes can fade them with the axes.
    """
    axis_config = {
        "color": pal.axis, "stroke_width": pal.strokes["axis"], "include_tip": tips,
        "tick_size": 0.05,
        "decimal_number_config": {"color": pal.muted, "num_decimal_places": 0},
    }
    axis_config.update(kwargs.pop("axis_config", {}))
    ax = Axes(x_range=x_range, y_range=y_range, x_length=x_length, y_length=y_length,
              axis_config=axis_config, tips=tips, **kwargs)
    if numbers:
        ax.x_axis.add_numbers(font_size=pal.fonts.small, color=pal.muted)
        ax.y_axis.add_numbers(font_size=pal.fonts.small, color=pal.muted)
    xl = MathTex(x_label, font_size=pal.fonts.label, color=pal.foreground)
    yl = MathTex(y_label, font_size=pal.fonts.label, color=pal.foreground)
    xl.next_to(ax.x_axis.get_end(), RIGHT, buff=0.15)
    yl.next_to(ax.y_axis.get_end(), UP, buff=0.15)
    ax.axis_labels = [xl, yl]
    ax.add(xl, yl)
    return ax
