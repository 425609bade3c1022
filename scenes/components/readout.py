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

    shown = [None]  # the value on screen: re-typeset only when it changes

    def update(g):
        v = current()
        if v == shown[0]:
            place(g.submobjects[1])
            return
        shown[0] = v
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


def make_vector_readout(pal, label: str, values, tracker: ValueTracker, decimals: int = 2,
                        font_size: float = 30, color=None, index=None) -> VGroup:
    """``label (v₁, v₂, …)`` for the row ``values[index(step)]`` of a (T+1, d) array; ``index``
    maps the tracker's value to a row (default: the nearest step). Numbers keep their baseline."""
    values = np.asarray(values, dtype=float)
    colour = pal.foreground if color is None else color
    dim = values.shape[1]
    if index is None:
        def index(t):
            return int(round(t))
    pieces = [label, r"\left("]
    for j in range(dim):
        pieces += ["0", "," if j < dim - 1 else r"\right)"]
    ref = MathTex(*pieces, font_size=font_size, color=colour)
    lab = ref[0].copy()
    centre = ref[0].get_center()[1]
    drops = [m.get_bottom()[1] - centre for m in ref]  # each glyph's bottom below the label's centre
    glyphs = [ref[1].copy()] + [ref[2 + 2 * j + 1].copy() for j in range(dim)]
    nums = [DecimalNumber(values[0, j], num_decimal_places=decimals, font_size=font_size,
                          color=colour) for j in range(dim)]
    gap = 0.06
    group = VGroup(lab, glyphs[0])
    for j in range(dim):
        group.add(nums[j], glyphs[j + 1])

    def row(t):
        return int(np.clip(index(t), 0, len(values) - 1))

    shown = [None]  # the row on screen: re-typeset only when it changes

    def update(g):
        r = row(tracker.get_value())
        v = values[r]
        c = lab.get_center()[1]
        glyphs[0].next_to(lab, RIGHT, buff=0.12)
        glyphs[0].shift(UP * (c + drops[1] - glyphs[0].get_bottom()[1]))
        prev = glyphs[0]
        for j in range(dim):
            if shown[0] != r:
                nums[j].set_value(v[j])
            nums[j].next_to(prev, RIGHT, buff=gap)
            nums[j].shift(UP * (c + drops[2 + 2 * j] - nums[j].get_bottom()[1]))
            glyphs[j + 1].next_to(nums[j], RIGHT, buff=gap)
            glyphs[j + 1].shift(UP * (c + drops[3 + 2 * j] - glyphs[j + 1].get_bottom()[1]))
            prev = glyphs[j + 1]
        shown[0] = r

    group.add_updater(update)
    update(group)
    group.current_row = lambda: row(tracker.get_value())
    return group
