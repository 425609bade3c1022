"""multiple-minima: several starts on a function with two global minima and a local one.

f(x) = x⁶/6 − 5x⁴/4 + 2x² + 4/3 has equal global minima at x = ±2 and a local minimum at x = 0.
Every start descends in a neutral colour; then each takes the colour of the minimum it ended in
(found from its final stored position), its start is marked on the x-axis in that colour, and the
ones caught in the local minimum are counted. Data: ``build/data/multiple-minima-1d.npz``.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, UP, AnimationGroup, Circle, Create, FadeIn, LaggedStart, Line, MathTex,
                   Tex, ValueTracker, VGroup, Write)

from scenes.components.curve1d import curve_rider, make_curve, make_curve_point, make_curve_trail
from scenes.components.landscape import make_panel_axes
from scenes.components.style import ThemedScene
from scenes.components.trail import make_descent_animation, reveal_trail


def basins(final_x: np.ndarray, global_minima: np.ndarray, local_minima: np.ndarray):
    """For each final position: (index into the minima list, is-global), by the nearest minimum.

    The minima list is the global minima followed by the local ones."""
    minima = np.r_[global_minima.ravel(), local_minima.ravel()]
    nearest = np.argmin(np.abs(final_x[:, None] - minima[None, :]), axis=1)
    return nearest, nearest < len(global_minima.ravel())


class MultipleMinima(ThemedScene):
    SCENARIO = "multiple-minima-1d"
    # ---------------------------------------------------------------- pace (seconds)
    INTRO = 1.5  # axes, curve, title
    MINIMA = 1.5  # marking the minima
    STARTS = 1.5  # the starts appearing
    FIRST_STEPS = 40  # steps shown at the slower pace (every start has settled by then)
    SECONDS_PER_STEP = 0.12  # ... their pace
    SECONDS_PER_LATE_STEP = 0.03  # the remaining steps
    REVEAL = 1.2  # recolouring by the minimum reached
    HOLD = 3.0  # final hold
    Y_MIN, Y_MAX = -0.7, 6.0  # f's range shown; the start marks sit below f = 0

    def construct(self):
        pal = self.pal
        d = self.data(self.SCENARIO)
        xs = d["positions"][:, :, 0]  # (T+1, B)
        fs = d["losses"]  # (T+1, B)
        steps, n = xs.shape[0] - 1, xs.shape[1]
        g_min, l_min = d["global_minima"][:, 0], d["local_minima"][:, 0]
        which, is_global = basins(xs[-1], g_min, l_min)
        colours = [pal.minimum_global if g else pal.minimum_local for g in is_global]

        # ---------------------------------------------------------------- beat: the landscape
        self.beat("A function with several minima: two equal global minima and a local one in the "
                  "centre.",
                  "Let's consider a function with multiple minima: two equivalent global minima and "
                  "one local minimum in the centre.")
        title = Tex(r"Several minima: where you start decides where you end",
                    font_size=pal.fonts.title, color=pal.foreground).to_edge(UP, buff=0.3)
        ax = make_panel_axes(pal, (-2.6, 2.6, 1), (self.Y_MIN, self.Y_MAX, 1), x_length=10.4,
                             y_length=4.6, x_label="x", y_label="f(x)", x_numbers=[-2, -1, 0, 1, 2],
                             y_numbers=list(range(0, int(self.Y_MAX) + 1)))
        ax.move_to(DOWN * 0.45)
        self.axes = ax
        curve = make_curve(ax, d["curve_x"], d["curve_f"], pal.foreground, pal.strokes["curve"],
                           y_max=self.Y_MAX)
        formula = MathTex(d.meta["formula"], font_size=pal.fonts.label, color=pal.foreground)
        formula.next_to(title, DOWN, buff=0.25)
        self.play(FadeIn(title, shift=DOWN * 0.2), Create(ax), run_time=self.INTRO)
        self.play(Create(curve), Write(formula), run_time=self.INTRO)

        # ---------------------------------------------------------------- beat: the minima
        self.beat(f"The global minima at x = {', '.join(f'{x:g}' for x in g_min)} and the local "
                  f"minimum at x = {', '.join(f'{x:g}' for x in l_min)}.",
                  "The global minimum is the lowest point over the entire landscape; a local minimum "
                  "is only the lowest point of its own valley. Gradient descent is not guaranteed to "
                  "land at the global one.")
        def ring(x, f, colour):
            return Circle(radius=0.2, color=colour, stroke_width=3).move_to(ax.c2p(x, f))

        curve_f_at = lambda x: float(np.interp(x, d["curve_x"], d["curve_f"]))  # noqa: E731
        rings_g = VGroup(*[ring(x, curve_f_at(x), pal.minimum_global) for x in g_min])
        rings_l = VGroup(*[ring(x, curve_f_at(x), pal.minimum_local) for x in l_min])
        bottom = ax.c2p(0, self.Y_MIN)[1]
        labels_g = VGroup(*[Tex(r"global minimum", font_size=pal.fonts.label,
                                color=pal.minimum_global).move_to(ax.c2p(x, 0)).set_y(bottom - 0.65)
                            for x in g_min])
        labels_l = VGroup(*[Tex(r"local minimum", font_size=pal.fonts.label,
                                color=pal.minimum_local).next_to(r, UP, buff=1.0)
                            for r in rings_l])
        pointers_l = VGroup(*[Line(lab.get_bottom() + DOWN * 0.08, r.get_top() + UP * 0.06,
                                   color=pal.minimum_local, stroke_width=2)
                              for lab, r in zip(labels_l, rings_l)])
        self.play(LaggedStart(Create(rings_g), Create(rings_l), lag_ratio=0.3),
                  FadeIn(labels_g, shift=DOWN * 0.1), FadeIn(labels_l, shift=DOWN * 0.1),
                  Create(pointers_l), run_time=self.MINIMA)

        # ---------------------------------------------------------------- beat: the starts
        self.beat(f"{n} starting points spread along x, all with the same learning rate "
                  f"α = {d.lr:g}.",
                  "We start gradient descent at various points along x. Each one will follow the "
                  "slope where it stands.")
        k = ValueTracker(0)
        riders = [curve_rider(xs[:, b], fs[:, b], d["curve_x"], d["curve_f"]) for b in range(n)]
        trails = [reveal_trail(make_curve_trail(ax, riders[b], steps, pal.muted,
                                                pal.strokes["path"] + 2, opacity=0.55), k)
                  for b in range(n)]
        dots = [make_curve_point(ax, riders[b], k, pal.point, radius=pal.strokes["point_radius"])
                for b in range(n)]
        for dot in dots:
            dot.set_stroke(pal.background, width=1.5)
        ticks = VGroup(*[Line(ax.c2p(x, self.Y_MIN), ax.c2p(x, self.Y_MIN) + UP * 0.2,
                              color=pal.point, stroke_width=5) for x in xs[0]])
        self.dots = dots
        self.add(*trails)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.4) for dot in dots], lag_ratio=0.15),
                  FadeIn(ticks), run_time=self.STARTS)
        start_note = Tex(rf"{n} starts", font_size=pal.fonts.label, color=pal.point)
        start_note.move_to(ax.c2p(0, 5.2))
        self.play(FadeIn(start_note), run_time=0.5)

        # ---------------------------------------------------------------- beat: the descent
        self.beat("Every point descends at once, against its own derivative.",
                  "Each point repeats the same step, against the derivative where it stands. "
                  "Watch where each one settles.")
        self.play(make_descent_animation(k, self.FIRST_STEPS, self.SECONDS_PER_STEP))
        self.play(make_descent_animation(k, steps, self.SECONDS_PER_LATE_STEP))

        # ---------------------------------------------------------------- beat: coloured by the minimum reached
        self.beat(f"Coloured by the minimum reached: {int(np.sum(is_global))} reach a global "
                  f"minimum, {int(np.sum(~is_global))} are caught in the local one.",
                  "When we start gradient descent at various points, we see that we don't always get "
                  "to the global minimum. The points that started near the centre are stuck in the "
                  "local minimum.")
        recolour = []
        for b in range(n):
            recolour += [dots[b].animate.set_color(colours[b]).set_stroke(pal.background, width=1.5),
                         trails[b].animate.set_stroke(colours[b], opacity=0.7),
                         ticks[b].animate.set_color(colours[b])]
        n_local = int(np.sum(~is_global))
        n_global = n - n_local
        tally = VGroup(
            Tex(rf"{n_global} reach a global minimum", font_size=pal.fonts.label,
                color=pal.minimum_global),
            Tex(rf"{n_local} are caught in the local minimum", font_size=pal.fonts.label,
                color=pal.minimum_local),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        tally.move_to(ax.c2p(0, 5.0))
        self.play(AnimationGroup(*recolour), run_time=self.REVEAL)
        self.play(FadeIn(tally, shift=UP * 0.1), start_note.animate.set_opacity(0),
                  run_time=0.8)

        # ---------------------------------------------------------------- beat: the basins on the x-axis
        self.beat("Marks along the bottom: each start in the colour of the minimum it reached. Where "
                  "you start decides where you end.",
                  "Depending on where the points start, they have a destined minimum they'll end up "
                  "in. In practice we don't even know what the loss landscape looks like for large "
                  "models, but this problem exists no matter what.")
        basin_note = Tex(r"marks along the bottom: each start, in the colour of its minimum",
                         font_size=pal.fonts.small, color=pal.muted)
        basin_note.next_to(tally, DOWN, buff=0.2)
        self.play(*[ticks[b].animate.scale(1.6, about_edge=DOWN) for b in range(n)],
                  FadeIn(basin_note), run_time=0.8)
        self.wait(self.HOLD)
