"""A loss curve over the steps, on a linear or a log₁₀ loss axis, revealed by the step tracker.

On a log axis the axes' y coordinate is log₁₀(loss) (a coordinate mapping: ``axes.p2c`` gives the
exponent back); losses outside the axis range are pinned to its ends, so 0, 1e-300 or 1e300 never
turn into NaNs or points off the panel.
"""

from __future__ import annotations

import numpy as np
from manim import AnimationGroup, Create, FadeIn, VGroup

from .landscape import make_panel_axes
from .trail import make_point, make_trail, reveal_trail

_STEPS = (1, 2, 5, 10, 20, 50)


def decade_range(values, max_labels: int = 5, pad: float = 0.0) -> tuple[int, int, int]:
    """(lo, hi, step) in whole decades covering the positive finite ``values``, with at most
    ``max_labels`` labelled decades, ``lo`` and ``hi`` multiples of ``step``."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        return -1, 1, 1
    lo = float(np.log10(v.min())) - pad
    hi = float(np.log10(v.max())) + pad
    if hi - lo < 1:
        lo, hi = np.floor(lo), np.floor(lo) + 1
    for step in _STEPS:
        a, b = int(np.floor(lo / step) * step), int(np.ceil(hi / step) * step)
        if (b - a) / step + 1 <= max_labels:
            return a, b, step
    return int(np.floor(lo)), int(np.ceil(hi)), _STEPS[-1]


def decade_label(k: int) -> str:
    """LaTeX for 10^k: plain numbers near 1 (0.01 … 1000), powers beyond."""
    if -2 <= k <= 3:
        return f"{10.0 ** k:g}"
    return f"10^{{{k}}}"


def make_log_axes(pal, x_range, loss_range, x_length: float, y_length: float, log: bool = True,
                  x_label: str | None = None, y_label: str | None = None, x_numbers=None,
                  grid: bool = False):
    """Boxed axes with a loss up the side: ``loss_range`` = (lo, hi, step) in decades (exponents)
    when ``log``, plain values otherwise. The axes carry ``.log`` and ``.loss_to_y`` (loss values
    to the axes' y coordinate: log₁₀ and pinned to the range, never NaN)."""
    lo, hi, step = loss_range
    y_numbers = None
    if log:
        y_numbers = {k: decade_label(k) for k in range(int(lo), int(hi) + 1, int(step))}
    ax = make_panel_axes(pal, x_range, (lo, hi, step), x_length, y_length, x_label=x_label,
                         y_label=y_label, x_numbers=x_numbers, y_numbers=y_numbers, grid=grid)
    ax.log = log

    def loss_to_y(values):
        v = np.asarray(values, dtype=float)
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(np.where(v > 0, v, 0.0))
            y = np.where(np.isnan(y), lo, y)  # NaN: pinned to the floor, never drawn as NaN
        else:
            y = np.where(np.isfinite(v), v, hi)
        return np.clip(y, lo, hi)

    ax.loss_to_y = loss_to_y
    return ax


def make_loss_axes(pal, n_steps: int, loss_range, x_length: float, y_length: float, log: bool = True,
                   x_step: int | None = None, x_label: str = r"\text{step}", y_label: str = "L"):
    """Boxed axes for a loss curve: steps 0..n_steps across, the loss up (see ``make_log_axes``)."""
    if x_step is None:
        x_step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if n_steps / s <= 5)
    return make_log_axes(pal, (0, n_steps, x_step), loss_range, x_length, y_length, log=log,
                         x_label=x_label, y_label=y_label)


def loss_xy(axes, losses, start_step: int = 0) -> np.ndarray:
    """(step, y) pairs for ``losses`` in the axes' coordinates (log₁₀ on a log axis, pinned)."""
    losses = np.asarray(losses, dtype=float).ravel()
    steps = np.arange(start_step, start_step + len(losses), dtype=float)
    return np.column_stack([steps, axes.loss_to_y(losses)])


def make_loss_curve(axes, losses, tracker, color, stroke_width: float = 3.0, dot_radius: float = 0.06,
                    halo=None):
    """The curve of ``losses`` (one entry per step from 0) revealed up to the tracker's step, with a
    dot at the current step. Returns (curve, dot); both keep ``.xy`` (axes coordinates)."""
    xy = loss_xy(axes, losses)
    curve = make_trail(axes, xy, color, stroke_width=stroke_width)
    if halo is not None:
        curve.set_stroke(halo, width=stroke_width + 3.0, opacity=0.5, background=True)
    reveal_trail(curve, tracker)
    dot = make_point(axes, xy, tracker, color, radius=dot_radius)
    if halo is not None:
        dot.set_stroke(halo, width=1.5)
    curve.xy = dot.xy = xy
    return curve, dot


def make_loss_curve_animation(axes, run_time: float = 1.0):
    """The empty loss axes drawing themselves in: frame and ticks, then numbers and labels."""
    return AnimationGroup(Create(VGroup(axes.frame, axes.ticks), run_time=run_time),
                          FadeIn(VGroup(axes.numbers, axes.axis_labels), run_time=run_time))


__all__ = ["decade_range", "decade_label", "make_log_axes", "make_loss_axes", "loss_xy", "make_loss_curve",
           "make_loss_curve_animation"]
