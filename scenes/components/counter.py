"""A step counter that follows a ValueTracker without typesetting anything per frame.

``readout.make_readout`` re-typesets its number on every frame (a DecimalNumber rebuilds its digit
glyphs), tens of milliseconds each: fine for short scenes, a large share of the render for long
races. Here the digits 0–9 are typeset once; the counter is a row of fixed slots, each one mobject
that takes the outline of the digit it shows (nothing hidden is drawn). Digits fill the slots from
the left, right after the label, so the number never jitters as it changes and the label never
moves. Only the slots have an updater, so the label joins the static image.
"""

from __future__ import annotations

import numpy as np
from manim import MathTex, VGroup, VMobject


def make_step_counter(pal, tracker, n_max: int, label: str = r"\text{step}", font_size: float | None = None,
                      buff: float = 0.2, color=None) -> VGroup:
    """``label`` then ``round(tracker)`` (clipped to 0..n_max) in fixed digit slots.

    The group carries ``.label``, ``.slots`` and ``.current_value()`` (the integer shown)."""
    color = pal.foreground if color is None else color
    font_size = pal.fonts.label if font_size is None else font_size
    n_max = int(max(n_max, 0))
    width = len(str(n_max))
    typeset = MathTex(label, "0123456789", font_size=font_size, color=color)
    lab, digits = typeset[0], typeset[1]
    glyphs = list(digits)
    slot_w = max(g.width for g in glyphs) * 1.06
    baseline = digits.get_bottom()[1]  # digits sit on the baseline (no descenders)
    x_start = lab.get_right()[0] + buff
    # one mobject per slot; a frame swaps in the points of the digit it shows (typeset and placed
    # once), so only the slots are redrawn, and only a few glyphs, never ten per slot
    slots = VGroup()
    shapes = []  # per slot, per digit: the glyph's points at the slot
    for i in range(width):
        cx = x_start + (i + 0.5) * slot_w
        placed = []
        for g in glyphs:  # centred on the slot, standing on the baseline
            shift = np.array([cx - g.get_center()[0], baseline - g.get_bottom()[1], 0.0])
            placed.append(g.points + shift)
        shapes.append(placed)
        slots.add(glyphs[0].copy())
    # the counter takes the room of every digit in every slot, as if all were drawn, so it lines
    # up (to_edge, next_to) the same whatever it shows: an invisible diagonal spans that box
    every = np.vstack([pts for placed in shapes for pts in placed])
    extent = VMobject(stroke_width=0, fill_opacity=0)
    extent.set_points_as_corners([every.min(axis=0), every.max(axis=0)])
    group = VGroup(lab, extent, slots)
    group.label, group.slots = lab, slots
    # the digits follow the label wherever the counter is moved after this
    pin = lab.family_members_with_points()[0]
    pin_at = pin.points[0].copy()

    def current() -> int:
        return int(round(float(np.clip(tracker.get_value(), 0, n_max))))

    shown = [None]

    def update(s):
        value = current()
        if value == shown[0]:
            return
        shown[0] = value
        text = str(value).ljust(width)
        offset = pin.points[0] - pin_at
        for slot, placed, ch in zip(s, shapes, text):
            if ch == " ":
                slot.clear_points()
            else:
                slot.set_points(placed[int(ch)] + offset)

    group.current_value = current
    slots.add_updater(update)
    update(slots)
    return group


__all__ = ["make_step_counter"]
