"""A step counter that follows a ValueTracker without typesetting anything per frame.

``readout.make_readout`` re-typesets its number on every frame (a DecimalNumber rebuilds its digit
glyphs), tens of milliseconds each: fine for short scenes, a large share of the render for long
races. Here the digits 0–9 are typeset once; the counter is a row of fixed slots, each holding all
ten glyphs, of which the frame shows only the current one. Digits fill the slots from the left, right
after the label, so the number never jitters as it changes and the label never moves.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, MathTex, VGroup


def make_step_counter(pal, tracker, n_max: int, label: str = r"\text{step}", font_size: float = 32,
                      buff: float = 0.2, color=None) -> VGroup:
    """``label`` then ``round(tracker)`` (clipped to 0..n_max) in fixed digit slots.

    The group carries ``.label``, ``.slots`` and ``.current_value()`` (the integer shown)."""
    color = pal.foreground if color is None else color
    n_max = int(max(n_max, 0))
    width = len(str(n_max))
    typeset = MathTex(label, "0123456789", font_size=font_size, color=color)
    lab, digits = typeset[0], typeset[1]
    glyphs = list(digits)
    slot_w = max(g.width for g in glyphs) * 1.06
    baseline = digits.get_bottom()[1]  # digits sit on the baseline (no descenders)
    x_start = lab.get_right()[0] + buff
    slots = VGroup()
    for i in range(width):
        cx = x_start + (i + 0.5) * slot_w
        slot = VGroup()
        for g in glyphs:
            c = g.copy()
            c.move_to([cx, 0, 0]).align_to([0, baseline, 0], DOWN)
            slot.add(c)
        slots.add(slot)
    group = VGroup(lab, slots)
    group.label, group.slots = lab, slots

    def current() -> int:
        return int(round(float(np.clip(tracker.get_value(), 0, n_max))))

    def update(g):
        text = str(current()).ljust(width)
        for slot, ch in zip(slots, text):
            for d, glyph in enumerate(slot):
                glyph.set_opacity(1.0 if ch == str(d) else 0.0)

    group.current_value = current
    group.add_updater(update)
    update(group)
    return group


__all__ = ["make_step_counter"]
