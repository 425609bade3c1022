"""Comparison of Losses: both loss landscapes sliced along their valley of minima, overlaid.

For every w the slice keeps the best b (``valley_b``), so ``valley_loss`` = min over b of L(w, b).
A cursor sweeps w and draws both slices; then each valley's minimum is marked with its value, the
rings show where each descent stopped, and the ratio of the two minima makes the point: both runs
reach their minimum, but the parabolic one is far higher (high bias).

Data: ``linear-regression`` and ``parabolic-regression`` (``valley_w``, ``valley_loss``, and the
final (w, loss) of each run from ``positions``/``losses``).
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Create, DashedLine, Dot, DoubleArrow, FadeIn,
                   FadeOut, GrowFromCenter, Circle, Line, MathTex, Tex, ValueTracker, VGroup, Write,
                   linear)

from scenes.components.loss_curve import decade_range, make_log_axes
from scenes.components.style import ThemedScene, interpolate_path
from scenes.components.trail import make_point, make_trail, reveal_trail


class LossComparison(ThemedScene):
    DATASETS = ("linear-regression", "parabolic-regression")
    NAMES = (r"linear data", r"parabolic data")

    # Pace: every duration of the scene, in one place.
    TITLE_TIME = 1.4
    AXES_TIME = 1.0
    SECONDS_PER_SAMPLE = 0.035  # the sweep over the valley's samples (161 → 5.6 s)
    LABEL_TIME = 0.8
    MARK_TIME = 1.2
    RATIO_TIME = 1.4
    HOLD = 0.5
    HOLD_END = 3.5

    # Layout (scene units).
    PANEL_CENTER = np.array([-0.75, -0.12, 0])
    PANEL_SIZE = (8.6, 4.8)

    def construct(self):
        pal = self.pal
        runs = [self.data(name) for name in self.DATASETS]
        colours = (pal.linear_data, pal.parabolic_data)
        vw = runs[0]["valley_w"]
        for d in runs[1:]:
            if not np.allclose(d["valley_w"], vw):
                raise ValueError("the two valleys must be sampled at the same w")
        slices = [d["valley_loss"] for d in runs]
        self.tracker = tracker = ValueTracker(0)
        n = len(vw) - 1

        # ── Beat 1: the title, as in the post, and what a slice is ────────────────────────────
        self.beat("Comparison of losses: each loss landscape sliced along its valley, the best b for "
                  "every w.",
                  "You may have noticed that both examples reach the minimum, which would indicate "
                  "that the model performs well, right? Not quite.")
        title = Tex("Comparison of Losses", font_size=pal.fonts.title, color=pal.foreground)
        sub = Tex(r"each landscape sliced along its valley: the best $b$ for every $w$",
                  font_size=pal.fonts.label, color=pal.muted)
        VGroup(title, sub).arrange(DOWN, buff=0.16).to_edge(UP, buff=0.25)
        self.play(Write(title), FadeIn(sub, shift=0.1 * DOWN), run_time=self.TITLE_TIME)

        # ── Beat 2: the axes: w across, min_b L(w, b) up on a log scale ──────────────────────
        self.beat("The axes: w across; up, the lowest loss over b, on a log scale.",
                  "For every w we keep the best b, so each curve is a slice along the valley of its "
                  "loss landscape. The loss axis is logarithmic.")
        lo, hi, step = decade_range(np.concatenate(slices))
        ax = make_log_axes(pal, (float(vw[0]), float(vw[-1]), 1), (lo, hi, step), *self.PANEL_SIZE,
                           x_label="w", y_label=r"\min_b L(w, b)", grid=True)
        ax.shift(self.PANEL_CENTER - ax.frame.get_center())
        self.axes = ax
        self.play(FadeIn(ax), run_time=self.AXES_TIME)

        # ── Beat 3: a cursor sweeps w and draws both slices ───────────────────────────────────
        self.beat(f"A cursor sweeps w and draws both slices: {self.NAMES[0]} and {self.NAMES[1]}.",
                  "When we compare slices along the minimums of the two loss landscapes, both curves "
                  "have a minimum, but at very different heights.")
        curves, heads, end_labels = VGroup(), VGroup(), VGroup()
        self.slice_xy = []
        for loss, colour, name in zip(slices, colours, self.NAMES):
            xy = np.column_stack([vw, ax.loss_to_y(loss)])
            self.slice_xy.append(xy)
            curve = reveal_trail(make_trail(ax, xy, colour, stroke_width=4.0), tracker)
            head = make_point(ax, xy, tracker, colour, radius=0.07)
            label = Tex(name, font_size=pal.fonts.label, color=colour)
            curves.add(curve)
            heads.add(head)
            end_labels.add(label)
        cursor = Line(ax.c2p(vw[0], lo), ax.c2p(vw[0], hi), stroke_color=pal.muted, stroke_width=1.5)
        # the axes stay where they were placed: c2p as one affine map (origin, unit steps)
        o = np.asarray(ax.c2p(0, 0), dtype=float)
        ex, ey = np.asarray(ax.c2p(1, 0)) - o, np.asarray(ax.c2p(0, 1)) - o

        def sweep(m):  # the cursor's points set in place at the tracker's w
            w = interpolate_path(vw[:, None], tracker.get_value())[0]
            m.set_points_as_corners(np.array([o + w * ex + lo * ey, o + w * ex + hi * ey]))

        cursor.add_updater(sweep)
        # each name rides beside its curve's head, the upper one above: its offset from the head
        # (next_to the head, 0.2 up or down) worked out once, as the shift of one of its points
        offsets = []
        for lab in end_labels:
            pin = lab.family_members_with_points()[0]
            lab.next_to(ORIGIN, RIGHT, buff=0.18)
            offsets.append((pin, {up: pin.points[0] + (0.2 if up else -0.2) * UP for up in (True, False)}))

        def follow(labels):
            ys = [h.get_center()[1] for h in heads]
            for i, (lab, head) in enumerate(zip(labels, heads)):
                pin, at = offsets[i]
                lab.shift(head.get_center() + at[ys[i] >= max(ys)] - pin.points[0])

        follow(end_labels)
        end_labels.add_updater(follow)
        self.curves, self.end_labels = curves, end_labels
        self.add(curves)
        self.play(FadeIn(cursor), FadeIn(heads), FadeIn(end_labels), run_time=self.LABEL_TIME)
        self.play(tracker.animate(rate_func=linear, run_time=n * self.SECONDS_PER_SAMPLE).set_value(n))
        # the sweep is over: the slices and labels stay put and join the static image from here on
        for m in (*curves, *heads, cursor, end_labels):
            m.clear_updaters()
        self.play(FadeOut(cursor), FadeOut(heads), run_time=self.LABEL_TIME)
        self.wait(self.HOLD)

        # ── Beat 4: each valley's minimum, its value, and where each descent stopped ──────────
        self.beat(f"Each valley's minimum: {float(np.min(slices[0])):.3f} for the {self.NAMES[0]}, "
                  f"{float(np.min(slices[1])):.3f} for the {self.NAMES[1]}; the rings mark where "
                  "each descent stopped.",
                  "Each descent stopped at the minimum of its own valley: gradient descent did its job "
                  "on both datasets.")
        (x0, x1), _ = ax.box
        self.minima, self.min_values, self.ends = VGroup(), [], VGroup()
        marks = VGroup()
        for d, loss, colour in zip(runs, slices, colours):
            i = int(np.argmin(loss))  # the lowest stored sample of the slice
            w_min, l_min = float(vw[i]), float(loss[i])
            y_min = float(ax.loss_to_y(l_min))
            guide = DashedLine(ax.c2p(x0, y_min), ax.c2p(x1, y_min), dash_length=0.08,
                               stroke_color=colour, stroke_width=1.6, stroke_opacity=0.8)
            dot = Dot(ax.c2p(w_min, y_min), radius=0.08, color=colour)
            dot.set_stroke(pal.background, width=2)
            dot.data_xy = np.array([w_min, l_min])
            value = MathTex(rf"L_{{\min}} = {l_min:.3f}", font_size=pal.fonts.label, color=colour)
            value.next_to(ax.c2p(x0, y_min), UP + RIGHT, buff=0.1)
            w_end, l_end = float(d["positions"][-1, 0, 0]), float(d["losses"][-1, 0])
            ring = Circle(radius=0.16, stroke_color=pal.foreground, stroke_width=2.0)
            ring.move_to(ax.c2p(w_end, float(ax.loss_to_y(l_end))))
            ring.data_xy = np.array([w_end, l_end])
            self.minima.add(dot)
            self.min_values.append(l_min)
            self.ends.add(ring)
            marks.add(VGroup(guide, dot, value, ring))
        ring_key = VGroup(Circle(radius=0.12, stroke_color=pal.foreground, stroke_width=2.0),
                          Tex("where gradient descent stopped", font_size=pal.fonts.small, color=pal.muted))
        ring_key.arrange(RIGHT, buff=0.15).next_to(ax.frame, UP, buff=0.12).align_to(ax.frame, RIGHT)
        for guide, dot, value, ring in marks:
            self.play(Create(guide), GrowFromCenter(dot), FadeIn(value, shift=0.1 * UP),
                      run_time=self.MARK_TIME)
        self.play(*[Create(ring) for ring in self.ends], FadeIn(ring_key), run_time=self.MARK_TIME)

        # ── Beat 5: how much higher the parabolic minimum is ─────────────────────────────────
        self.beat(f"Both descents reach their minimum, but the parabolic one is "
                  f"{float(np.min(slices[1]) / np.min(slices[0])):.1f}× higher: high bias.",
                  "Sure, we may have reached the minimum, but that minimum is very high for the "
                  "parabolic case. This is high bias: the model is too inflexible to model the data "
                  "correctly.")
        ratio = self.min_values[1] / self.min_values[0]
        y_a, y_b = (float(ax.loss_to_y(v)) for v in self.min_values)
        w_arrow = x1 - 0.12 * (x1 - x0)
        arrow = DoubleArrow(ax.c2p(w_arrow, y_a), ax.c2p(w_arrow, y_b), buff=0.04,
                            stroke_width=3, tip_length=0.16, color=pal.foreground)
        times = MathTex(rf"{ratio:.1f}\times", font_size=pal.fonts.math, color=pal.foreground)
        times.next_to(arrow, LEFT, buff=0.12)
        caption = Tex(rf"\mbox{{Both descents reach their minimum, but the parabolic one is "
                      rf"${ratio:.1f}\times$ higher: high bias}}", font_size=pal.fonts.label, color=pal.foreground)
        caption.to_edge(DOWN, buff=0.22)
        self.ratio, self.caption = ratio, caption
        self.play(GrowFromCenter(arrow), FadeIn(times), run_time=self.RATIO_TIME)
        self.play(FadeIn(caption, shift=0.1 * UP), run_time=self.RATIO_TIME)
        self.wait(self.HOLD_END)
