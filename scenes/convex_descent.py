"""convex-descent: a point descends the parabola f(x) = x², step by step.

At every step the derivative ∂f/∂x is drawn in blue (a tangent and an arrow along x) and the step
taken against it, −α ∂f/∂x, in orange, ending exactly above the next stored position. The first
steps get a beat each, the rest run faster. Data: ``build/data/convex-1d.npz``.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, UR, Circle, Create, DashedLine, Dot, FadeIn, FadeOut,
                   Line, MathTex, Tex, ValueTracker, VGroup, Write, always_redraw, config, smooth)

from scenes.components.axes import make_axes
from scenes.components.curve1d import curve_rider, make_curve
from scenes.components.readout import make_readout
from scenes.components.style import ThemedScene, interpolate_path
from scenes.components.trail import make_descent_animation, make_trail, reveal_trail
from scenes.components.vectors import make_arrow_animation, make_tracked_arrow


class ConvexDescent(ThemedScene):
    SCENARIO = "convex-1d"
    # ---------------------------------------------------------------- pace (seconds)
    INTRO = 1.6  # axes, curve, title
    EXPLAIN = 1.2  # growing each of the derivative and the step
    SLOW_STEPS = 3  # steps shown one beat at a time
    SLOW_STEP = 1.1  # moving through one slow step
    SLOW_HOLD = 0.9  # pause at each point of the slow steps
    SECONDS_PER_STEP = 0.3  # the remaining steps
    HOLD = 2.5  # final hold
    # ---------------------------------------------------------------- look
    DERIVATIVE_SCALE = 0.12 # data units of arrow per unit of ∂f/∂x (the step arrow is true scale)
    TANGENT_HALF = 1.1  # scene units of tangent line each side of the point

    def construct(self):
        pal = self.pal
        d = self.data(self.SCENARIO)
        xs = d["positions"][:, 0, 0]  # (T+1,)
        fs = d["losses"][:, 0]
        gs = d["grads"][:, 0, 0]
        lr = d.lr
        steps = len(xs) - 1
        curve_x, curve_f = d["curve_x"], d["curve_f"]

        # ---------------------------------------------------------------- beat: axes and curve
        self.beat("The parabola f(x) = x², a convex function: it has a single minimum.",
                  "In a convex function there is only one minimum, so it is the global minimum. "
                  "The simplest convex function is a parabola, f of x equals x squared.")
        title = Tex(r"Gradient descent on a convex function", font_size=pal.fonts.title,
                    color=pal.foreground).to_edge(UP, buff=0.35)
        ax = make_axes(pal, (-3, 3, 1), (0, 9, 3), x_length=7.4, y_length=5.3,
                       x_label="x", y_label="f(x)")
        ax.to_edge(LEFT, buff=0.8).to_edge(DOWN, buff=0.55)
        self.axes = ax
        curve = make_curve(ax, curve_x, curve_f, pal.foreground, pal.strokes["curve"])
        formula = MathTex(d.meta["formula"], font_size=pal.fonts.math, color=pal.foreground)
        formula.next_to(ax.c2p(-3, 9), RIGHT, buff=0.3).shift(DOWN * 0.35)
        self.play(FadeIn(title, shift=DOWN * 0.2), Create(ax), run_time=self.INTRO)
        self.play(Create(curve), Write(formula), run_time=self.INTRO)

        # ---------------------------------------------------------------- the moving point
        k = ValueTracker(0)
        # between stored steps x moves linearly and the point rides the stored curve, landing
        # exactly on the stored (x_i, f(x_i)) at every step
        data_point = curve_rider(xs, fs, curve_x, curve_f)

        def grad_at(t: float) -> float:
            return float(interpolate_path(gs, t))

        def next_x(t: float) -> float:
            return float(xs[min(int(np.floor(t + 1e-6)) + 1, steps)])

        def scene_point(t: float):
            return ax.c2p(*data_point(t))

        trail = reveal_trail(make_trail(ax, np.c_[xs, fs], pal.point, pal.strokes["path"],
                                        opacity=0.45), k)
        footprints = VGroup(*[Dot(ax.c2p(x, f), radius=0.045, color=pal.point)
                              for x, f in zip(xs, fs)])
        footprints.add_updater(lambda g: [m.set_opacity(0.55 if i <= k.get_value() + 1e-9 else 0)
                                          for i, m in enumerate(g)])
        dot = Dot(scene_point(0), radius=pal.strokes["point_radius"] * 1.25, color=pal.point)
        dot.add_updater(lambda m: m.move_to(scene_point(k.get_value())))
        self.dots = [dot]
        self.play(FadeIn(dot, scale=0.5), run_time=0.6)
        self.add(trail, footprints, dot)

        # ---------------------------------------------------------------- beat: the derivative
        self.beat("In blue, the derivative ∂f/∂x at the point: the slope, pointing uphill.",
                  "The blue arrow is the partial derivative ∂f/∂x where the point stands. "
                  "It points the way f increases fastest, so descent goes the other way.")
        def tangent():
            t = k.get_value()
            p = np.asarray(scene_point(t))
            x, f = data_point(t)
            direction = np.asarray(ax.c2p(x + 1, f + grad_at(t))) - np.asarray(ax.c2p(x, f))
            direction /= np.linalg.norm(direction)
            a, b = p - self.TANGENT_HALF * direction, p + self.TANGENT_HALF * direction
            floor = ax.c2p(0, 0)[1]  # keep the tangent above the x-axis
            if a[1] < floor:
                a = p + (a - p) * (p[1] - floor) / (p[1] - a[1])
            return Line(a, b, color=pal.gradient, stroke_width=2.0, stroke_opacity=0.8)

        tan_line = always_redraw(tangent)
        deriv = make_tracked_arrow(
            lambda: scene_point(k.get_value()),
            lambda: ax.c2p(data_point(k.get_value())[0] + self.DERIVATIVE_SCALE * grad_at(k.get_value()),
                           data_point(k.get_value())[1]),
            pal.gradient, stroke_width=pal.strokes["arrow"] + 1, tip_length=0.22)
        deriv_label = MathTex(r"\frac{\partial f}{\partial x}", font_size=pal.fonts.label,
                              color=pal.gradient)
        deriv_label.set_stroke(pal.background, width=5, background=True)  # reads over the curve
        deriv_label.add_updater(lambda m: m.next_to(deriv.get_end(), UR, buff=0.08))
        self.play(Create(tan_line), make_arrow_animation(deriv), run_time=self.EXPLAIN)
        self.add(tan_line, deriv)
        self.play(FadeIn(deriv_label, shift=UP * 0.1), run_time=0.5)

        # ---------------------------------------------------------------- beat: the step against it
        self.beat(f"In orange, the step −α ∂f/∂x against the derivative, with α = {lr:g}; "
                  "the rule x_(i+1) = x_i − α ∂f/∂x(x_i).",
                  "We change x by the negative of the derivative, scaled by the learning rate "
                  f"alpha, here {lr:g}. The orange arrow is that step: it lands exactly on the next x.")
        step = make_tracked_arrow(
            lambda: scene_point(k.get_value()),
            lambda: ax.c2p(next_x(k.get_value()), data_point(k.get_value())[1]),
            pal.step, stroke_width=pal.strokes["arrow"] + 1, tip_length=0.2)
        step_label = MathTex(r"-\alpha\,\frac{\partial f}{\partial x}",
                             font_size=pal.fonts.label, color=pal.step)
        step_label.set_stroke(pal.background, width=5, background=True)
        step_label.add_updater(lambda m: m.next_to(step.get_end(), UL, buff=0.08))
        drop = always_redraw(lambda: DashedLine(
            ax.c2p(next_x(k.get_value()), data_point(k.get_value())[1]),
            ax.c2p(next_x(k.get_value()), fs[min(int(np.floor(k.get_value() + 1e-6)) + 1, steps)]),
            color=pal.step, stroke_width=2, dash_length=0.06).set_opacity(
                step.opacity_scale * 0.9))
        self.play(make_arrow_animation(step), run_time=self.EXPLAIN)
        self.add(step)
        self.play(FadeIn(step_label, shift=UP * 0.1), Create(drop), run_time=0.6)
        self.add(drop)
        self.bring_to_front(dot)

        # ---------------------------------------------------------------- the rule and the readouts
        rule = MathTex(r"x_{i+1}", "=", r"x_i", r"-\,\alpha", r"\frac{\partial f}{\partial x}(x_i)",
                       font_size=pal.fonts.math, color=pal.foreground)
        rule[3].set_color(pal.step)
        rule[4].set_color(pal.gradient)
        alpha = MathTex(rf"\text{{learning rate }}\alpha = {lr:g}", font_size=pal.fonts.label,
                        color=pal.step)
        readouts = VGroup(
            make_readout(pal, "i =", np.arange(steps + 1), k, decimals=0,
                         font_size=pal.fonts.label),
            make_readout(pal, "x_i =", xs, k, decimals=3, font_size=pal.fonts.label),
            make_readout(pal, r"\partial f / \partial x\,(x_i) =", gs, k, decimals=3,
                         font_size=pal.fonts.label),
            make_readout(pal, "f(x_i) =", fs, k, decimals=3, font_size=pal.fonts.label),
        )
        readouts[2].submobjects[0].set_color(pal.gradient)
        readouts.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        panel = VGroup(VGroup(rule, alpha).arrange(DOWN, buff=0.25, aligned_edge=LEFT), readouts)
        panel.arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        panel.to_edge(RIGHT, buff=0.6).align_to(ax, UP).shift(DOWN * 0.1)
        self.play(Write(rule), FadeIn(alpha), FadeIn(readouts), run_time=1.2)

        # ---------------------------------------------------------------- beat: the first steps, one at a time
        self.beat(f"The first {self.SLOW_STEPS} steps, one at a time; the readouts show i, x_i, "
                  "the derivative and f(x_i).",
                  "Each step repeats the same rule: take the derivative where we stand, step against "
                  "it, and look again. Watch f(x) fall with every step.")
        self.wait(self.SLOW_HOLD)
        for i in range(1, self.SLOW_STEPS + 1):
            self.play(k.animate.set_value(i), run_time=self.SLOW_STEP, rate_func=smooth)
            self.wait(self.SLOW_HOLD)

        # ---------------------------------------------------------------- beat: the rest, faster
        self.beat("The remaining steps, faster: they shrink as the slope flattens.",
                  "Near the bottom the derivative is small, so the steps get shorter on their own, "
                  "with the same alpha.")
        self.play(FadeOut(deriv_label), FadeOut(step_label), run_time=0.4)
        self.play(make_descent_animation(k, steps, self.SECONDS_PER_STEP))

        # ---------------------------------------------------------------- beat: the minimum
        self.beat(f"The descent ends at the global minimum, x = {float(d['global_minima'][0, 0]):g}.",
                  "On a convex function gradient descent always lands at the global minimum, "
                  "no matter where it starts.")
        x_min = float(d["global_minima"][0, 0])
        marker = Circle(radius=0.2, color=pal.minimum_global, stroke_width=3).move_to(ax.c2p(x_min, 0))
        verdict = Tex(r"global minimum", font_size=pal.fonts.label, color=pal.minimum_global)
        verdict.next_to(ax.c2p(x_min, 0), DOWN, buff=0.45)
        note = Tex(r"\begin{flushleft}A convex function has one minimum:\\"
                   r" descent ends there from any start.\end{flushleft}",
                   font_size=pal.fonts.small, color=pal.muted)
        note.next_to(panel, DOWN, buff=0.6).align_to(panel, LEFT)
        room = config.frame_width / 2 - 0.3 - note.get_left()[0]
        if note.width > room:
            note.scale_to_fit_width(room, about_edge=LEFT)
        for a in (deriv, step):
            a.opacity_scale = 0.0
        self.remove(tan_line, drop)
        self.play(FadeIn(marker), FadeIn(verdict, shift=DOWN * 0.1), FadeIn(note), run_time=1.0)
        self.wait(self.HOLD)
