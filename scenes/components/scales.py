"""Value scales for colour maps and loss axes: log for values spanning decades, symlog for values of
either sign. These are display mappings (what colour or height a stored value gets), never maths on
the descent.

* ``log_scale(f, floor)``: log₁₀(f − min f + floor): equal colour steps per decade above the floor.
* ``symlog(v, c)``: sign(v)·log₁₀(1 + |v|/c): linear near 0 (|v| ≲ c), logarithmic beyond, odd, so
  negative values mirror positive ones and 0 stays 0. ``symlog_inverse`` undoes it.
* ``make_symlog_loss_axes``: boxed loss axes whose y coordinate is ``symlog(loss)`` with decade
  labels ±10^k, for losses that change sign (a saddle's). Same interface as the log axes of
  ``loss_curve``: ``.loss_to_y`` maps losses (pinned to the range, never NaN), so
  ``loss_curve.make_loss_curve`` draws on it unchanged.
"""

from __future__ import annotations

import numpy as np

from .landscape import make_panel_axes
from .loss_curve import decade_label


def log_scale(values, floor: float) -> np.ndarray:
    """log₁₀(values − min(values) + floor), the grid's minimum at log₁₀(floor)."""
    v = np.asarray(values, dtype=float)
    return np.log10(v - np.nanmin(v) + floor)


def symlog(values, c: float = 1.0) -> np.ndarray:
    """sign(v)·log₁₀(1 + |v|/c); ±inf stays ±inf, NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sign(v) * np.log10(1.0 + np.abs(v) / c)


def symlog_inverse(y, c: float = 1.0) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    return np.sign(y) * c * (10.0 ** np.abs(y) - 1.0)


def symlog_label(k: int) -> str:
    """LaTeX for ±10^|k| (0 for k = 0): the decade tick nearest symlog coordinate k (c = 1)."""
    if k == 0:
        return "0"
    sign = "-" if k < 0 else ""
    return sign + decade_label(abs(k))


def symlog_range(values, max_labels: int = 6) -> tuple[int, int, int]:
    """(lo, hi, step) in whole symlog units (c = 1) covering the finite ``values``, 0 included."""
    y = symlog(np.asarray(values, dtype=float).ravel())
    y = y[np.isfinite(y)]
    lo = min(float(np.floor(y.min())) if y.size else -1.0, 0.0)
    hi = max(float(np.ceil(y.max())) if y.size else 1.0, 0.0)
    for step in (1, 2, 5, 10, 20, 50):
        a, b = int(np.floor(lo / step) * step), int(np.ceil(hi / step) * step)
        if (b - a) / step + 1 <= max_labels:
            return a, b, step
    return int(lo), int(hi), 50


def make_symlog_loss_axes(pal, n_steps: int, loss_range, x_length: float, y_length: float,
                          x_step: int | None = None, x_label: str = r"\text{step}", y_label: str = "f"):
    """Boxed axes: steps 0..n_steps across, ``symlog(loss)`` up; ``loss_range`` = (lo, hi, step)
    in symlog units (see ``symlog_range``). Carries ``.log = False``, ``.symlog = True`` and
    ``.loss_to_y``."""
    lo, hi, step = loss_range
    if x_step is None:
        x_step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if n_steps / s <= 5)
    # a label at the exact coordinate of ±10^|k| (symlog(10) = 1.04, not 1), inside the range
    y_numbers = {}
    for k in range(int(lo), int(hi) + 1, int(step)):
        y = 0.0 if k == 0 else float(symlog(np.sign(k) * 10.0 ** abs(k)))
        if lo - 1e-2 <= y <= hi + 1e-2:  # symlog(-1000) = -3.0004 still labels -3
            y_numbers[y] = symlog_label(k)
    ax = make_panel_axes(pal, (0, n_steps, x_step), (lo, hi, step), x_length, y_length,
                         x_label=x_label, y_label=y_label, y_numbers=y_numbers)
    ax.log, ax.symlog = False, True

    def loss_to_y(values):
        y = symlog(values)
        y = np.where(np.isnan(y), lo, y)  # NaN pinned to the floor, never drawn as NaN
        return np.clip(y, lo, hi)

    ax.loss_to_y = loss_to_y
    return ax


__all__ = ["log_scale", "symlog", "symlog_inverse", "symlog_label", "symlog_range",
           "make_symlog_loss_axes"]
