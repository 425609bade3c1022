"""A live readout: a LaTeX label and a number that follows a ValueTracker over the step index."""

from __future__ import annotations

import numpy as np
from manim import DecimalNumber, MathTex, RIGHT, VGroup, ValueTracker


def make_readout(pal, label: str, values, tracker: ValueTracker, decimals: int = 3,
                 font_size: float = 30, scientific_above: float = 1e5) -> VGroup:
    """``label`` followed by ``values[round(step)]``; values above ``scientific_above`` switch to
    a LaTeX a×10^b form so a diverging loss stays readable."""
    values = np.asarray(values, dtype=float)
    lab = MathTex(label, font_size=font_size, color=pal.foreground)
    num = DecimalNumber(values[0], num_decimal_places=decimals, font_size=font_size,
                        color=pal.foreground)
    group = VGroup(lab, num).arrange(RIGHT, buff=0.15)
    sci = MathTex("0", font_size=font_size, color=pal.foreground)

    def current():
        k = int(round(np.clip(tracker.get_value(), 0, len(values) - 1)))
        return values[k]

    def update(g):
        v = current()
        if abs(v) >= scientific_above:
            exp = int(np.floor(np.log10(abs(v))))
            mant = v / 10 ** exp
            new = MathTex(rf"{mant:.2f}\times 10^{{{exp}}}", font_size=font_size, color=pal.foreground)
            new.next_to(lab, RIGHT, buff=0.15)
            g.submobjects[1] = new
        else:
            if not isinstance(g.submobjects[1], DecimalNumber):
                g.submobjects[1] = num
            num.set_value(v)
            num.next_to(lab, RIGHT, buff=0.15)

    group.add_updater(update)
    group.current_value = current
    return group
