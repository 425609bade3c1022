"""A legend of runs: per row a swatch (a short stroke with a dot, in the run's colour, stroke width
and dot size), the run's name, its setting (LaTeX, e.g. the learning rate) and an optional note
("left the view at step 40") that a step tracker can reveal once it passes a given step.

The whole legend is typeset in one LaTeX run; each piece is then placed by its baseline (the median
of its glyphs' bottoms), pieces of a row on one baseline, in columns that line up across rows.
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, UP, AnimationGroup, Dot, FadeIn, Line, Tex, VGroup


def make_swatch(color, stroke_width: float = 4.0, dot_radius: float = 0.08, halo=None,
                length: float = 0.55) -> VGroup:
    """A short horizontal stroke with a dot in its middle, drawn like the run on the map."""
    line = Line(LEFT * length / 2, RIGHT * length / 2, stroke_color=color, stroke_width=stroke_width)
    dot = Dot(radius=dot_radius, color=color)
    if halo is not None:
        line.set_stroke(halo, width=stroke_width + 3.0, opacity=0.6, background=True)
        dot.set_stroke(halo, width=2.0)
    return VGroup(line, dot)


def make_legend(pal, rows, font_size: float | None = None, note_size: float | None = None,
                row_gap: float = 0.46, col_gap: float = 0.3, swatch_length: float = 0.55,
                halo=None) -> VGroup:
    """``rows``: dicts with ``color``, ``name`` (text), ``setting`` (LaTeX math, may be empty), and
    optionally ``note`` (text), ``note_color``, ``stroke_width`` and ``dot_radius``.

    Returns a VGroup of the rows (``.rows``); each row carries ``.swatch``, ``.name``, ``.setting``
    and ``.note`` (an empty VGroup when the row has none), and their sources ``.name_text``,
    ``.setting_tex`` and ``.note_text``. Notes are part of the layout but start
    hidden: ``show_note_after`` reveals them with a tracker."""
    font_size = pal.fonts.label if font_size is None else font_size
    note_size = pal.fonts.small if note_size is None else note_size
    # every row's pieces in one LaTeX run (one compile for the whole legend); each piece is then
    # placed by its own baseline, so pieces from one row share it wherever LaTeX put them
    parts, index = [], []
    for r in rows:
        i = len(parts)
        # \mbox: LaTeX may break the line between pieces, never inside one
        parts += [rf"\mbox{{{r['name']}}}",
                  rf"\mbox{{${r['setting']}$}}" if r.get("setting") else r"\phantom{x}"]
        if r.get("note"):
            parts.append(rf"\mbox{{{r['note']}}}")
        index.append(i)
    tex_all = Tex(*parts, font_size=font_size, color=pal.foreground)
    typeset = []
    for r, i in zip(rows, index):
        name, setting = tex_all[i], tex_all[i + 1]
        setting.set_color(pal.muted)
        base = baseline_of(name)
        setting.shift(UP * (base - baseline_of(setting, name)))
        note = VGroup()
        if r.get("note"):
            note = tex_all[i + 2]
            note.set_color(r.get("note_color") or pal.muted)
            note.shift(UP * (base - baseline_of(note)))
            note.scale(note_size / font_size, about_point=[note.get_left()[0], base, 0])
        typeset.append((VGroup(name, setting, note), note))

    name_w = max(t[0].width for t, _ in typeset)
    set_w = max(t[1].width for t, _ in typeset)
    x_name = swatch_length + col_gap
    x_set = x_name + name_w + col_gap
    x_note = x_set + set_w + col_gap
    legend = VGroup()
    for i, (r, (tex, note)) in enumerate(zip(rows, typeset)):
        base = -i * row_gap
        shift = base - baseline_of(tex[0])
        tex.shift(UP * shift)  # name, setting and note together
        tex[0].shift(RIGHT * (x_name - tex[0].get_left()[0]))
        tex[1].shift(RIGHT * (x_set - tex[1].get_left()[0]))
        if len(note):
            note.shift(RIGHT * (x_note - note.get_left()[0]))
        cap = tex[0][0].get_top()[1] - base  # the name starts with a capital
        sw = make_swatch(r["color"], r.get("stroke_width", 4.0), r.get("dot_radius", 0.08),
                         halo=halo, length=swatch_length)
        sw.move_to([swatch_length / 2, base + cap / 2, 0])  # mid-height of the capitals
        row = VGroup(sw, tex[0], tex[1], note)
        row.swatch, row.name, row.setting, row.note = sw, tex[0], tex[1], note
        row.name_text, row.setting_tex, row.note_text = r["name"], r.get("setting") or "", r.get("note")
        legend.add(row)
    legend.rows = list(legend.submobjects)
    return legend


def baseline_of(part, fallback=None) -> float:
    """The baseline of a typeset piece: the median of its glyphs' bottoms (most letters sit on
    the baseline; descenders and round overshoots are the minority)."""
    glyphs = [g for g in part.family_members_with_points()]
    if not glyphs:
        return baseline_of(fallback) if fallback is not None else part.get_bottom()[1]
    return float(np.median([g.get_bottom()[1] for g in glyphs]))


def show_note_after(row, tracker, step: float, fade_steps: float = 3.0):
    """Keep ``row.note`` hidden until the tracker reaches ``step``, then fade it in over
    ``fade_steps`` steps. Returns the note (with ``.step``, ``.changes``: the steps (from, to)
    over which it changes, and ``.note_updater``: a scene may drop the updater while the tracker
    stays outside ``.changes``, so the note joins the static image, and add it back for a play
    that crosses them)."""
    note = row.note
    note.step = step
    note.changes = (step, step + fade_steps)
    shown = [None]

    def update(m):
        a = float(np.clip((tracker.get_value() - step) / fade_steps + 1e-9, 0.0, 1.0))
        if tracker.get_value() < step:
            a = 0.0
        else:
            a = max(a, 0.25)
        if a != shown[0]:
            shown[0] = a
            m.set_opacity(a)

    note.add_updater(update)
    update(note)
    note.note_updater = update
    note.visible = lambda: tracker.get_value() >= step
    return note


def make_legend_animation(legend, run_time: float = 1.0, lag_ratio: float = 0.12):
    """The rows fade in one after another (notes stay as their updaters say)."""
    return AnimationGroup(*[FadeIn(VGroup(r.swatch, r.name, r.setting), shift=RIGHT * 0.1)
                            for r in legend.rows], lag_ratio=lag_ratio, run_time=run_time)


__all__ = ["baseline_of", "make_swatch", "make_legend", "show_note_after", "make_legend_animation"]
