"""A live readout: a LaTeX label and a number that follows a ValueTracker over the step index."""

from __future__ import annotations

import numpy as np
from manim import DecimalNumber, MathTex, RIGHT, UP, VGroup, ValueTracker


def make_readout(pal, label: str, values, tracker: ValueTracker, decimals: int = 3,
                 font_size: float = 30, scientific_above: float = 1e5) -> VGroup:
    """``label`` followed by ``values[round(step)]``; values above ``scientific_above`` switch to
    a LaTeX a×10^b form so a diverging loss stays readable."""
    values = np.asarray(values, dtype=float)
    lab = MathTex(label, font_size=font_size, color=pal.foreground)
    num = DecimalNumber(values[0], num_decimal_places=decimals, font_size=font_size,
                        color=pal.foreground)
    group = VGroup(lab, num).arrange(RIGHT, buff=0.15)
    # where a digit typeset right after the label would sit: numbers share the label's baseline
    # (centring them on a label with a subscript, like x_i, would drop them below it)
    ref = MathTex(label, "0", font_size=font_size)
    baseline = ref[1].get_bottom()[1] - ref[0].get_center()[1]

    def place(m):
        m.next_to(lab, RIGHT, buff=0.15)
        m.shift(UP * (lab.get_center()[1] + baseline - m.get_bottom()[1]))

    def current():
        k = int(round(np.clip(tracker.get_value(), 0, len(values) - 1)))
        return values[k]

    def update(g):
        v = current()
        if abs(v) >= scientific_above:
            exp = int(np.floor(np.log10(abs(v))))
            mant = v / 10 ** exp
            new = MathTex(rf"{mant:.2f}\times 10^{{{exp}}}", font_size=font_size, color=pal.foreground)
            place(new)
            g.submobjects[1] = new
        else:
            if not isinstance(g.submobjects[1], DecimalNumber):
                g.submobjects[1] = num
            num.set_value(v)
            place(num)

    group.add_updater(update)
    update(group)
    group.current_value = current
    return group
