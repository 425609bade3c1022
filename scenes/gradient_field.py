"""gradient-field: the gradient vector field of f(x, y) = sin x · sin y with descent paths over it.

One arrow of ∇f per stored grid node (length ∝ |∇f|, colour by |∇f|), faint contours of f behind;
then the descent paths are drawn over the field, each moving point carrying its own −∇f arrow
(orange), so it is plain that the paths run against the field: along −∇f.
Data: ``build/data/gradient-field.npz``.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Create, Dot, FadeIn, LaggedStart, Line, MathTex,
                   Tex, UpdateFromAlphaFunc, ValueTracker, VGroup, VMobject, Write, config)

from scenes.components.field import (make_colorbar, make_field_animation, make_gradient_field,
                                     scene_direction)
from scenes.components.landscape import contour_lines, make_panel_axes
from scenes.components.style import ThemedScene, interpolate_path
from scenes.components.trail import make_descent_animation, make_point, make_trail, reveal_trail
from scenes.components.vectors import make_tracked_arrow


class GradientField(ThemedScene):
    SCENARIO = "gradient-field"
    # ---------------------------------------------------------------- pace (seconds)
    INTRO = 1.5  # title, axes, contours
    FIELD = 2.5  # the arrows growing
    LEGEND = 1.0
    PAUSE = 1.0  # look at the field before the paths start
    STARTS = 1.2
    FIRST_STEPS = 30  # steps at the slower pace
    SECONDS_PER_STEP = 0.2
    SECONDS_PER_LATE_STEP = 0.08
    HOLD = 3.0
    # ---------------------------------------------------------------- look
    ARROW_MAX = 0.9  # the longest field arrow, in grid spacings
    DESCENT_ARROW = 0.9  # scene units of −∇f arrow per unit of |∇f|
    CONTOUR_LEVELS = (-0.8, -0.5, -0.2, 0.2, 0.5, 0.8)

    def construct(self):
        pal = self.pal
        d = self.data(self.SCENARIO)
        P, G = d["positions"], d["grads"]  # (T+1, B, 2) each
        steps, n = P.shape[0] - 1, P.shape[1]
        fx, fy, fg = d["field_x"], d["field_y"], d["field_grad"]
        (x0, x1), (y0, y1) = d["domain"]

        # ---------------------------------------------------------------- beat: the axes and f
        self.beat("The hill f(x, y) = sin x · sin y seen from above, as contour lines.",
                  "We can evaluate the gradient at a grid of points across the space we're optimizing "
                  "in. Here that space is the hill from before, seen from above.")
        title = Tex(r"The gradient vector field of", font_size=pal.fonts.title,
                    color=pal.foreground)
        formula = MathTex(d.meta["formula"], font_size=pal.fonts.math, color=pal.foreground)
        header = VGroup(title, formula).arrange(RIGHT, buff=0.3).to_edge(UP, buff=0.3)
        ticks = [-4, -2, 0, 2, 4]
        pad = 0.6 * (fx[1] - fx[0])  # room for the arrows on the domain's edge
        ax = make_panel_axes(pal, (x0 - pad, x1 + pad, 2), (y0 - pad, y1 + pad, 2), 6.2, 6.2,
                             x_label="x", y_label="y",
                             x_numbers=ticks, y_numbers=ticks)
        ax.move_to(LEFT * 2.7 + DOWN * 0.35)
        self.axes = ax
        contours = VGroup()
        for level in self.CONTOUR_LEVELS:
            for line in contour_lines(d["grid_x"], d["grid_y"], d["grid_f"], level):
                m = VMobject(stroke_color=pal.muted, stroke_width=1.0, stroke_opacity=0.35)
                m.set_points_smoothly([ax.c2p(x, y) for x, y in line])
                contours.add(m)
        self.play(FadeIn(header, shift=DOWN * 0.2), FadeIn(ax), Create(contours),
                  run_time=self.INTRO)

        # ---------------------------------------------------------------- beat: the field
        self.beat("An arrow of ∇f at every grid point: it points uphill; its length and colour show "
                  "how steep the hill is there.",
                  "The gradient produces a vector over x and y, so we can plot it as an arrow pointing "
                  "in the gradient direction. This grid of arrows is called a gradient vector field.")
        spacing = np.linalg.norm(np.asarray(ax.c2p(fx[1], fy[0])) - np.asarray(ax.c2p(fx[0], fy[0])))
        field_stops = pal.field  # |∇f| from small to large (the figure uses the same map)
        field = make_gradient_field(ax, fx, fy, fg, field_stops,
                                    max_length=self.ARROW_MAX * spacing, stroke_width=2.2)
        self.field = field
        grow = make_field_animation(field, run_time=self.FIELD)
        self.play(grow)
        # the sweep left its own Group of the arrows in the scene; put the field in its place, so
        # later plays paint it once into the static image, under the descent paths
        self.remove(grow.mobject)
        self.add(field)

        # ---------------------------------------------------------------- beat: the legend
        self.beat("The key: ∇f points the way f grows fastest; the colour bar reads |∇f|.",
                  "Remember that the gradient points in the direction of greatest increase, and its "
                  "magnitude says how fast f increases that way.")
        col = RIGHT * 3.2
        sample = Arrow(np.zeros(3), RIGHT * 0.6, buff=0,
                       color=field_stops[-1], stroke_width=3, tip_length=0.15)
        grad_key = VGroup(sample, MathTex(r"\nabla f", font_size=pal.fonts.math,
                                          color=field_stops[-1])).arrange(RIGHT, buff=0.2)
        grad_text = Tex(r"points uphill, the way $f$ grows fastest", font_size=pal.fonts.small,
                        color=pal.foreground)
        bar = make_colorbar(pal, field_stops, 0, round(field.max_magnitude, 2), r"|\nabla f|",
                            width=2.6)
        legend_field = VGroup(grad_key, grad_text, bar).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        legend_field.move_to(col + UP * 1.5, aligned_edge=LEFT)
        legend_field.to_edge(RIGHT, buff=0.5)
        self.play(FadeIn(legend_field, shift=LEFT * 0.2), run_time=self.LEGEND)
        self.wait(self.PAUSE)

        # ---------------------------------------------------------------- beat: the descent paths
        self.beat(f"{n} descent paths drawn over the field, each moving point with its −∇f arrow in "
                  "orange.",
                  "Plotting the paths from before over the vector field, we can see that the path the "
                  "points take almost exactly follows the negative of the gradient.")
        k = ValueTracker(0)
        halo = pal.background
        trails, dots, downhill = [], [], []
        for b in range(n):
            t = make_trail(ax, P[:, b], pal.descent_path, pal.strokes["path"] - 1)
            t.set_stroke(halo, width=pal.strokes["path"] + 2, opacity=0.85, background=True)
            trails.append(reveal_trail(t, k))
            dot = make_point(ax, P[:, b], k, pal.point, radius=pal.strokes["point_radius"])
            dot.set_stroke(halo, width=1.5)
            dots.append(dot)

            def start(b=b):
                return ax.c2p(*interpolate_path(P[:, b], k.get_value()))

            def end(b=b):
                xy = interpolate_path(P[:, b], k.get_value())
                g = interpolate_path(G[:, b], k.get_value())
                u = scene_direction(ax, xy, -g)
                return np.asarray(ax.c2p(*xy)) + u * self.DESCENT_ARROW * float(np.linalg.norm(g))

            downhill.append(make_tracked_arrow(start, end, pal.step, stroke_width=4,
                                               tip_length=0.16, min_length=0.06))
        self.dots, self.trails = dots, trails
        step_key = VGroup(Arrow(np.zeros(3), RIGHT * 0.6, buff=0, color=pal.step, stroke_width=4,
                                tip_length=0.16),
                          MathTex(r"-\nabla f", font_size=pal.fonts.math, color=pal.step)
                          ).arrange(RIGHT, buff=0.2)
        step_text = Tex(r"at each point: the way down", font_size=pal.fonts.small,
                        color=pal.foreground)
        path_key = VGroup(VGroup(Line(np.zeros(3), RIGHT * 0.6, color=pal.descent_path,
                                      stroke_width=pal.strokes["path"] - 1),
                                 Dot(RIGHT * 0.6, radius=pal.strokes["point_radius"],
                                     color=pal.point)),
                          Tex(r"descent paths", font_size=pal.fonts.small,
                              color=pal.foreground)).arrange(RIGHT, buff=0.2)
        legend_paths = VGroup(step_key, step_text, path_key).arrange(DOWN, buff=0.25,
                                                                     aligned_edge=LEFT)
        legend_paths.next_to(legend_field, DOWN, buff=0.6, aligned_edge=LEFT)
        self.add(*trails)
        # the field steps back to 0.55 opacity: the same ramp as field.animate.set_opacity(0.55),
        # without copying and interpolating the points of 436 arrows on every frame
        self.play(UpdateFromAlphaFunc(field, lambda m, a: m.set_opacity(1.0 - 0.45 * a)),
                  LaggedStart(*[FadeIn(m, scale=0.5) for m in dots], lag_ratio=0.08),
                  FadeIn(legend_paths, shift=LEFT * 0.2), run_time=self.STARTS)
        self.add(*downhill, *dots)
        self.play(make_descent_animation(k, self.FIRST_STEPS, self.SECONDS_PER_STEP))
        self.play(make_descent_animation(k, steps, self.SECONDS_PER_LATE_STEP))

        # ---------------------------------------------------------------- beat: the point
        self.beat("The paths run against the arrows: they follow −∇f down to a minimum.",
                  "That makes sense: the gradient points in the direction of greatest increase, so "
                  "when we descend we follow the negative of the gradient. Following the gradient "
                  "itself would maximize the function, gradient ascent.")
        verdict = Tex(r"\begin{flushleft}The paths run against the arrows:\\"
                      r" they follow $-\nabla f$ down to a minimum.\end{flushleft}",
                      font_size=pal.fonts.label, color=pal.foreground)
        verdict.next_to(legend_paths, DOWN, buff=0.6, aligned_edge=LEFT)
        room = config.frame_width / 2 - 0.3 - verdict.get_left()[0]
        if verdict.width > room:
            verdict.scale_to_fit_width(room, about_edge=LEFT)
        self.play(Write(verdict), run_time=1.2)
        self.wait(self.HOLD)
