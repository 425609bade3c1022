"""A live readout: a LaTeX label and a number that follows a ValueTracker over the step index.

Numbers are GlyphNumbers: the glyphs 0–9, ".", "−" and "," are typeset once per font size
and a new value only moves copies of their outlines into place, with DecimalNumber's layout. A
DecimalNumber re-creates (deep-copies) a mobject per character on every change, which cost
10–20 ms per readout per frame.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import LEFT, MathTex, RIGHT, UP, VGroup, VMobject, ValueTracker

GLYPHS = "0123456789.-,"


@lru_cache(maxsize=None)
def _glyph_outlines(font_size: float):
    """For each character of GLYPHS at ``font_size``: its outlines (a tuple of (n, 3) point
    arrays, one per path) and its bounding box (xmin, xmax, ymin, ymax), from one typesetting."""
    tex = MathTex(*GLYPHS, font_size=font_size)
    out = {}
    for ch, part in zip(GLYPHS, tex):
        paths = tuple(m.points.copy() for m in part.family_members_with_points())
        allp = np.concatenate(paths)
        out[ch] = (paths, (allp[:, 0].min(), allp[:, 0].max(), allp[:, 1].min(), allp[:, 1].max()))
    return out


class GlyphNumber(VGroup):
    """A decimal number drawn from glyphs typeset once: ``set_value`` costs microseconds.

    Same formatting and layout as manim's ``DecimalNumber`` (``num_decimal_places`` digits,
    thousands grouped with commas, no "−0.000", glyphs bottom-aligned with a gap of 0.001 × font size, a minus sign centred on the
    digit after it); ``set_value`` keeps the left edge's centre in place, as DecimalNumber does.
    """

    def __init__(self, number: float = 0.0, num_decimal_places: int = 2, *, font_size: float,
                 color=None, group_with_commas: bool = True, slots: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.num_decimal_places = int(num_decimal_places)
        self.group_with_commas = group_with_commas
        self.font_size = float(font_size)
        self._outlines = _glyph_outlines(self.font_size)
        self._buff = 0.001 * self.font_size
        self._color = color
        self.number = None
        if slots:
            self._slot(slots - 1)  # made up front: a play draws the family it began with
        self._place(float(number))
        self.move_to([0.0, 0.0, 0.0])

    def _text(self, number: float) -> str:
        comma = "," if self.group_with_commas else ""
        text = f"{number:{comma}.{self.num_decimal_places}f}"
        if text.startswith("-") and np.round(number, self.num_decimal_places) == 0:
            text = text[1:]
        return text

    def _slot(self, i: int) -> VMobject:
        while len(self.submobjects) <= i:
            self.add(VMobject(fill_color=self._color, fill_opacity=1.0, stroke_width=0)
                     if self._color is not None else VMobject(fill_opacity=1.0, stroke_width=0))
        return self.submobjects[i]

    def _place(self, number: float) -> None:
        """Lay out ``number`` with the bottom of its digits at y = 0, starting at x = 0."""
        self.number = number
        text = self._text(number)
        boxes = [self._outlines[ch][1] for ch in text]
        x, offsets = 0.0, []
        for (x0, x1, y0, _), ch in zip(boxes, text):
            offsets.append([x - x0, -y0, 0.0])
            x += (x1 - x0) + self._buff
        for i, ch in enumerate(text):
            if ch == "-" and i + 1 < len(text):  # its top at half the next glyph's height
                nxt = boxes[i + 1]
                offsets[i][1] = (nxt[3] - nxt[2]) / 2 - boxes[i][3]
            elif ch == ",":  # half its height below the baseline
                offsets[i][1] -= (boxes[i][3] - boxes[i][2]) / 2
        self._fill([pts + np.asarray(off) for ch, off in zip(text, offsets)
                    for pts in self._outlines[ch][0]])

    def _fill(self, paths) -> None:
        for k, pts in enumerate(paths):
            self._slot(k).points = pts
        for slot in self.submobjects[len(paths):]:
            slot.points = np.zeros((0, 3))

    def show_outlines(self, mobject, number: float) -> "GlyphNumber":
        """Draw ``mobject``'s outlines (e.g. a typeset a×10^b) in this number's slots, in place,
        at the left edge's centre; ``get_value()`` then gives ``number``."""
        anchor = self.get_critical_point(LEFT)
        self._fill([m.points.copy() for m in mobject.family_members_with_points()])
        self.number = number
        self.move_to(anchor, LEFT)
        return self

    def set_value(self, number: float) -> "GlyphNumber":
        if number == self.number:
            return self
        anchor = self.get_critical_point(LEFT)
        self._place(float(number))
        self.move_to(anchor, LEFT)
        return self

    def get_value(self) -> float:
        return self.number


def make_readout(pal, label: str, values, tracker: ValueTracker, decimals: int = 3,
                 font_size: float | None = None, scientific_above: float = 1e5) -> VGroup:
    """``label`` followed by ``values[round(step)]``; values above ``scientific_above`` switch to
    a LaTeX a×10^b form so a diverging loss stays readable.

    The updater sits on the number, not the group, so the label is painted once per play (a
    mobject counts as moving when it has an updater of its own)."""
    values = np.asarray(values, dtype=float)
    font_size = pal.fonts.label if font_size is None else font_size
    lab = MathTex(label, font_size=font_size, color=pal.foreground)
    num = GlyphNumber(values[0], num_decimal_places=decimals, font_size=font_size,
                      color=pal.foreground, slots=16)
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

    shown = [None, None]  # the value on screen and the label's place: change only when they do

    def update(m):
        v, at = current(), tuple(lab.get_center())
        if v == shown[0] and at == shown[1]:
            return
        if v != shown[0]:
            if abs(v) >= scientific_above:
                exp = int(np.floor(np.log10(abs(v))))
                mant = v / 10 ** exp
                m.show_outlines(MathTex(rf"{mant:.2f}\times 10^{{{exp}}}", font_size=font_size), v)
            else:
                m.set_value(v)
        shown[:] = [v, at]
        place(m)

    num.add_updater(update)
    update(num)
    group.current_value = current
    return group


def make_vector_readout(pal, label: str, values, tracker: ValueTracker, decimals: int = 2,
                        font_size: float | None = None, color=None, index=None) -> VGroup:
    """``label (v₁, v₂, …)`` for the row ``values[index(step)]`` of a (T+1, d) array; ``index``
    maps the tracker's value to a row (default: the nearest step). Numbers keep their baseline."""
    values = np.asarray(values, dtype=float)
    font_size = pal.fonts.label if font_size is None else font_size
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
    nums = [GlyphNumber(values[0, j], num_decimal_places=decimals, font_size=font_size,
                        color=colour) for j in range(dim)]
    gap = 0.06
    # the label, then the rest with the updater: the label is painted once per play
    body = VGroup(glyphs[0])
    for j in range(dim):
        body.add(nums[j], glyphs[j + 1])
    group = VGroup(lab, body)

    def row(t):
        return int(np.clip(index(t), 0, len(values) - 1))

    shown = [None, None]  # the row on screen and the label's place: change only when they do

    def update(g):
        r, at = row(tracker.get_value()), tuple(lab.get_center())
        if r == shown[0] and at == shown[1]:
            return
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
        shown[:] = [r, at]

    body.add_updater(update)
    update(body)
    group.current_row = lambda: row(tracker.get_value())
    return group
