"""Four learning rates on the bowl f(x, y) = (5x² + y²)/2, side by side in a 2×2 grid.

Each card holds the path over the contours (left) and the loss curve on a log₁₀ axis (right), all
four advancing on one step tracker, so the same number of iterations compares their behaviour:
slow and steady, adequately fast, a bit unstable, unusable. The diverging run is clipped to its
panel (an arrowhead on the border shows where the point went) and, once its loss passes the bound,
says at which step it diverged.

Data: ``lr-small``, ``lr-good``, ``lr-large``, ``lr-unstable`` (``positions``, ``losses``,
``diverged_step``, the grid, and ``meta["params"]``: ``lr`` and, when the data records it, the
theory's ``regime`` and ``lr_max``).
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Animation, FadeIn, GrowFromCenter, MathTex, Mobject,
                   RoundedRectangle, Tex, ValueTracker, VGroup, Write)

from scenes.components.clipped_path import make_clipped_point, make_clipped_trail
from scenes.components.landscape import make_landscape, make_minimum_marker, make_panel_axes
from scenes.components.loss_curve import decade_range, make_loss_axes, make_loss_curve
from scenes.components.readout import make_readout
from scenes.components.style import ThemedScene
from scenes.components.trail import make_descent_animation

RUNS = (("lr-small", "Slow and Steady"), ("lr-good", "Adequately Fast"),
        ("lr-large", "A Bit Unstable"), ("lr-unstable", "Unusable"))


def _fmt_lr(lr: float) -> str:
    return f"{lr:g}"


class FadeInStill(Animation):
    """``FadeIn`` (no shift, no scale) for a large group that does not move: the same picture, the
    opacities ramping up, without FadeIn's two deep copies of the group and its interpolation of
    every point of every member on every frame."""

    def __init__(self, mobject, **kwargs):
        super().__init__(mobject, introducer=True, **kwargs)

    def begin(self):
        self.styles = [(m, m.fill_rgbas.copy(), m.stroke_rgbas.copy(), m.background_stroke_rgbas.copy())
                       for m in self.mobject.get_family() if hasattr(m, "fill_rgbas")]
        super().begin()

    def create_starting_mobject(self):
        return Mobject()  # nothing to interpolate from: the opacities scale the group's own

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        for m, fill, stroke, background in self.styles:
            for name, rgbas in (("fill_rgbas", fill), ("stroke_rgbas", stroke),
                                ("background_stroke_rgbas", background)):
                faded = rgbas.copy()
                faded[:, 3] *= a
                setattr(m, name, faded)

    def finish(self) -> None:
        super().finish()
        for m, fill, stroke, background in self.styles:  # exactly the group's own style
            m.fill_rgbas, m.stroke_rgbas, m.background_stroke_rgbas = fill, stroke, background


class LearningRates(ThemedScene):
    # Pace: every duration of the scene, in one place.
    TITLE_TIME = 1.4
    CARDS_TIME = 1.8
    START_TIME = 0.8
    EARLY_STEPS = 8  # the first steps, where the four behaviours part ways, go slower
    SECONDS_PER_EARLY_STEP = 0.5
    SECONDS_PER_STEP = 0.16
    DIVERGED_TIME = 0.8
    HOLD_START = 0.6
    HOLD_END = 3.5

    # Layout (scene units): card size and centres, and the pieces inside a card, relative to
    # its centre.
    CARD_SIZE = (6.9, 3.42)
    CARD_CENTERS = ((-3.55, 1.36), (3.55, 1.36), (-3.55, -2.17), (3.55, -2.17))
    CONTOUR_CENTER = (-1.95, -0.24)
    CONTOUR_SIZE = 2.1
    LOSS_CENTER = (1.55, -0.24)
    LOSS_SIZE = (2.35, 2.1)  # room for the axis numbers and the step label at the type scale

    def construct(self):
        pal = self.pal
        runs = [self.data(name) for name, _ in RUNS]
        self.runs = runs
        steps = max(len(d["positions"]) - 1 for d in runs)
        self.tracker = tracker = ValueTracker(0)

        # ── Beat 1: the bowl and the question ─────────────────────────────────────────────────
        self.beat("Learning rates on the bowl f(x, y) = (5x² + y²)/2, whose minimum is at (0, 0).",
                  "The learning rate alpha is how big of a step to take in the direction of the "
                  "gradient. Changing it has massive implications on the descent time and results. "
                  "Here is a convex function where we know the optimal value lies at (0, 0).")
        formula = runs[0].meta["formula"].replace(r"\frac", r"\tfrac")  # text-size fraction
        title = VGroup(Tex("Learning rates on", font_size=pal.fonts.math, color=pal.foreground),
                       MathTex(formula, font_size=pal.fonts.math, color=pal.foreground)).arrange(RIGHT, buff=0.2)
        title.to_edge(UP, buff=0.16).to_edge(LEFT, buff=0.35)
        step_readout = make_readout(pal, r"\text{step}", np.arange(steps + 1), tracker, decimals=0,
                                    font_size=pal.fonts.label)
        step_readout.to_edge(RIGHT, buff=0.4).match_y(title)
        lr_max = runs[0].meta["params"].get("lr_max")
        extras = VGroup()
        if isinstance(lr_max, (int, float)):
            extras.add(MathTex(rf"\text{{stable for }}\alpha < {lr_max:g}", font_size=pal.fonts.label,
                               color=pal.muted).next_to(step_readout, LEFT, buff=0.6))
        self.play(Write(title), FadeIn(extras), run_time=self.TITLE_TIME)

        # ── Beat 2: four cards: contours and an empty loss axis each ──────────────────────────
        self.beat("Four runs, α = " + ", ".join(_fmt_lr(d.lr) for d in runs) + ": each card shows "
                  "the path over the contours and the loss on a log scale.",
                  "Across the four examples the number of iterations is kept the same, so we can "
                  "easily compare their behaviours.")
        all_losses = np.concatenate([self._valid(d)[1] for d in runs])
        loss_range = decade_range(all_losses)  # one log axis for all four, so slopes compare
        self.cards, self.panels, self.loss_axes = [], [], []
        self.points, self.loss_dots, self.trails, self.curves = [], [], [], []
        card_groups = []
        for (name, label), d, centre in zip(RUNS, runs, self.CARD_CENTERS):
            card = self._card(d, label, centre, loss_range)
            card_groups.append(card)
        self.play(*[FadeInStill(c) for c in card_groups], run_time=self.CARDS_TIME)
        # Nothing in the cards has an updater: manim's per-frame walk over every member's updaters
        # skips their ~100 members each. (What moves, added below, sits at the scene's top level
        # after self.add(*layer), so it is updated on its own.)
        for card in card_groups:
            card.suspend_updating()

        # ── Beat 3: the same start for everyone ───────────────────────────────────────────────
        self.beat("The same start for all four runs.",
                  "All four start from the same point; only the learning rate differs.")
        # What moves (trail, curve, point, loss dot) belongs to its card but is drawn after all
        # four cards: manim repaints every frame from the first moving mobject on, so the cards'
        # contours, axes and frames must all come before it (in the static image).
        moving, layer = [], []  # the points and dots grow in; everything in the layer moves
        for card, d in zip(card_groups, runs):
            pos, losses = self._valid(d)
            trail = make_clipped_trail(card.contour_axes, pos, tracker, pal.point, stroke_width=3.0,
                                       halo=pal.background)
            point = make_clipped_point(pal, card.contour_axes, pos, tracker, pal.point, radius=0.07,
                                       marker_size=0.24)
            curve, loss_dot = make_loss_curve(card.loss_axes, losses, tracker, pal.point,
                                              stroke_width=3.0, dot_radius=0.055, halo=pal.background)
            card.add(trail, curve, point, loss_dot)
            layer += [trail, curve, point, loss_dot]
            card.trail, card.point, card.curve, card.loss_dot = trail, point, curve, loss_dot
            self.trails.append(trail)
            self.points.append(point)
            self.curves.append(curve)
            self.loss_dots.append(loss_dot)
            moving += [point, loss_dot]
        self.add(*layer)  # moves the cards' members to the end (each card stays a group)
        self.play(*[GrowFromCenter(m) for m in moving], FadeIn(step_readout), run_time=self.START_TIME)
        self.wait(self.HOLD_START)

        # ── Beat 4: all four descend together; the unusable one diverges ──────────────────────
        diverged = sorted((int(d["diverged_step"][0]), i) for i, d in enumerate(runs)
                          if int(d["diverged_step"][0]) >= 0)
        self.beat("All four descend on one step counter" + "".join(
                      f"; {RUNS[i][1]} diverges at step {k}" for k, i in diverged) + ".",
                  "Too small, and getting to the minimum takes forever; well chosen, we swiftly "
                  "converge within about 25 iterations; a bit large, the descent oscillates as it "
                  "settles. Way too large, the oscillations grow and it diverges to a massive loss.")
        self.diverged_labels = {}
        for k, i in diverged:
            self._advance(k)
            label = self._diverged_label(card_groups[i], k)
            card_groups[i].add(label)
            self.diverged_labels[RUNS[i][0]] = label
            self.play(FadeIn(label, scale=1.1), run_time=self.DIVERGED_TIME)
            # the label, now still, joins the static image: what moves (and the tracker, animated
            # next) goes back after it
            self.add(*layer, step_readout, tracker)
        self._advance(steps)
        # ── Beat 5: hold. Nothing moves any more: the last hold is one still picture ─────────────
        self.beat(f"After {steps} steps: the four behaviours side by side.",
                  "So how do you pick the right learning rate? In practice it's a bit of an art: look "
                  "at what similar models used as a baseline, and keep these behaviours in mind.")
        for m in [*layer, *step_readout.get_family()]:
            m.clear_updaters()
        self.wait(self.HOLD_END)

    def _advance(self, to: int):
        """Move the step tracker to ``to``: the early steps at the slow pace, the rest faster."""
        tracker = self.tracker
        if tracker.get_value() < self.EARLY_STEPS:
            first = min(to, self.EARLY_STEPS)
            self.play(make_descent_animation(tracker, first, self.SECONDS_PER_EARLY_STEP))
        if tracker.get_value() < to:
            self.play(make_descent_animation(tracker, to, self.SECONDS_PER_STEP))

    # ── Pieces ────────────────────────────────────────────────────────────────────────────────

    @staticmethod
    def _valid(d):
        """The in-bound part of a run: a diverged run is frozen from its diverged step on, so its
        path and losses end one step before it (the last in-bound state)."""
        pos, losses = d["positions"][:, 0, :], d["losses"][:, 0]
        k = int(d["diverged_step"][0])
        if k > 0:
            pos, losses = pos[:k], losses[:k]
        return pos, losses

    def _card(self, d, label: str, centre, loss_range) -> VGroup:
        pal = self.pal
        cx, cy = centre
        c = np.array([cx, cy, 0.0])
        w, h = self.CARD_SIZE
        frame = RoundedRectangle(width=w, height=h, corner_radius=0.14, stroke_color=pal.grid,
                                 stroke_width=1.5).move_to(c)

        # header: the post's name, α, and the theory's regime when the data records one
        params = d.meta["params"]
        head = [Tex(label, font_size=pal.fonts.label, color=pal.foreground),
                MathTex(rf"\alpha = {_fmt_lr(params['lr'])}", font_size=pal.fonts.label, color=pal.foreground)]
        regime = params.get("regime")
        if regime:
            head.append(Tex(rf"\textit{{{regime}}}", font_size=pal.fonts.small, color=pal.muted))
        header = VGroup(*head).arrange(RIGHT, buff=0.3)
        header.move_to(c + UP * (h / 2 - 0.3)).align_to(frame, LEFT).shift(RIGHT * 0.22)
        for m in head[1:]:
            m.align_to(head[0], DOWN)

        # contours of the stored grid, the minimum, and the path's box
        gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
        s = self.CONTOUR_SIZE
        ax = make_panel_axes(pal, (gx[0], gx[-1], 3), (gy[0], gy[-1], 3), s, s, x_label="x",
                             y_label="y", tick=0.05)
        ax.shift(c + np.array([*self.CONTOUR_CENTER, 0]) - ax.frame.get_center())
        land = make_landscape(pal, ax, gx, gy, gf, n_levels=8)
        minimum = make_minimum_marker(pal, ax, d["global_minima"][0], size=0.08)

        # the loss axis: shared decades, steps across
        n_steps = len(d["positions"]) - 1
        lax = make_loss_axes(pal, n_steps, loss_range, *self.LOSS_SIZE, y_label="f")
        lax.shift(c + np.array([*self.LOSS_CENTER, 0]) - lax.frame.get_center())

        card = VGroup(frame, header, land, ax, minimum, lax)
        card.frame, card.contour_axes, card.loss_axes, card.header = frame, ax, lax, header
        card.data_name = d.meta["scenario"]
        self.cards.append(card)
        self.panels.append(ax)
        self.loss_axes.append(lax)
        return card

    def _diverged_label(self, card, k: int) -> VGroup:
        pal, lax = self.pal, card.loss_axes
        (x0, x1), (y0, y1) = lax.box
        text = Tex(rf"diverged at step {k}", font_size=pal.fonts.small, color=pal.diverged)
        text.next_to(lax.c2p(x1, y0), UP + LEFT, buff=0.12)  # below the climbing curve
        text.step = k
        return text
