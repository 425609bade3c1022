"""hill-descent: random points descend the hill f(x, y) = sin x · sin y.

Left, the hill as a 3-D surface (its vertices looked up in the stored grid) with the points and
their paths; right, the same paths seen from above on a map of the same colours — the post's
"3D view and a top down view". Paths are drawn after the surface (and lifted a hair above it), so
they are never hidden by it. Data: ``build/data/hill.npz``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DEGREES, DOWN, RIGHT, UP, FadeIn, LaggedStart, MathTex, Tex, ThreeDAxes,
                   ValueTracker, VGroup)

from scenes.components.landscape import make_landscape, make_panel_axes
from scenes.components.style import ThemedThreeDScene
from scenes.components.surface import (make_point_3d, make_surface, make_trail_3d,
                                       shift_for_screen)
from scenes.components.trail import make_descent_animation, make_point, make_trail, reveal_trail


class HillDescent(ThemedThreeDScene):
    SCENARIO = "hill"
    # ---------------------------------------------------------------- pace (seconds)
    INTRO = 1.5  # title, surface, map
    STARTS = 1.2  # the random starts appearing
    FIRST_STEPS = 60  # steps at the slower pace (most points have settled by then)
    SECONDS_PER_STEP = 0.15
    SECONDS_PER_LATE_STEP = 0.05
    HOLD = 3.0
    # ---------------------------------------------------------------- look
    RESOLUTION = 20  # surface faces per side (Cairo sorts resolution² faces every frame)
    PHI, THETA = 45 * DEGREES, -60 * DEGREES  # camera
    VIEW_CENTER = (-3.45, 0.15)  # where the 3-D view's origin lands on screen
    SURFACE_OPACITY = 0.8  # see-through enough that a path behind a crest still reads
    SHADING = False  # flat colours by height: the colour scale reads the same in both views
    LIFT = 0.05  # paths ride this far above the surface (z units)

    def construct(self):
        pal = self.pal
        d = self.data(self.SCENARIO)
        P = d["positions"]  # (T+1, B, 2)
        F = d["losses"]  # (T+1, B): the height f(θ_i) at every step
        steps, n = P.shape[0] - 1, P.shape[1]
        gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
        (x0, x1), (y0, y1) = d["domain"]

        # ---------------------------------------------------------------- the 3-D view
        self.set_camera_orientation(phi=self.PHI, theta=self.THETA)
        self.camera.reset_rotation_matrix()  # the cached matrix follows the new angles
        rot = self.camera.get_rotation_matrix()
        ax3 = ThreeDAxes(x_range=(x0, x1, 1), y_range=(y0, y1, 1), z_range=(-1, 1, 1),
                         x_length=4.3, y_length=4.3, z_length=1.1)
        ax3.shift(shift_for_screen(rot, self.VIEW_CENTER))
        self.axes = ax3
        surface = make_surface(ax3, gx, gy, gf, pal.surface, resolution=self.RESOLUTION,
                               opacity=self.SURFACE_OPACITY, stroke_color=pal.background,
                               stroke_opacity=0.35)
        self.camera.should_apply_shading = self.SHADING
        self.surface = surface

        # ---------------------------------------------------------------- the top-down view
        map_pal = SimpleNamespace(**{**vars(pal), "landscape": pal.surface})
        ticks = [-4, -2, 0, 2, 4]
        ax2 = make_panel_axes(pal, (x0, x1, 2), (y0, y1, 2), 4.3, 4.3, x_label="x", y_label="y",
                              x_numbers=ticks, y_numbers=ticks)
        ax2.move_to(RIGHT * 4.25 + DOWN * 0.05)
        self.top_axes = ax2
        top_map = make_landscape(map_pal, ax2, gx, gy, gf, n_levels=7, norm="linear")
        caption_3d = Tex(r"3-D view", font_size=pal.fonts.small, color=pal.muted)
        caption_2d = Tex(r"top-down view", font_size=pal.fonts.small, color=pal.muted)
        caption_2d.move_to([ax2.get_center()[0], -2.95, 0])
        caption_3d.move_to([self.VIEW_CENTER[0], -2.95, 0])

        title = Tex(r"Descending the hill", font_size=pal.fonts.title, color=pal.foreground)
        formula = MathTex(d.meta["formula"], font_size=pal.fonts.math, color=pal.foreground)
        header = VGroup(title, formula).arrange(RIGHT, buff=0.6).to_edge(UP, buff=0.3)

        # axis names at the outer side of the surface's front edges, placed where they project
        def on_screen(x, y, z):
            return self.camera.project_point(np.asarray(ax3.c2p(x, y, z), dtype=float))

        pad = 0.1 * (x1 - x0)
        names_3d = VGroup(
            MathTex("x", font_size=pal.fonts.label, color=pal.foreground)
            .move_to(on_screen((x0 + x1) / 2, y0 - pad, -1)),
            MathTex("y", font_size=pal.fonts.label, color=pal.foreground)
            .move_to(on_screen(x1 + pad, (y0 + y1) / 2, -1)),
        )

        # ---------------------------------------------------------------- beat: the hill
        self.beat("The hill f(x, y) = sin x · sin y: a 3-D view on the left, the same hill seen from "
                  "above on the right.",
                  "We model the height of where we would be on the hill at a position (x, y) with "
                  "simple sine waves: f of x, y equals sin x times sin y. Getting to the base of the "
                  "hill means minimizing the height.")
        fixed = (header, caption_3d, caption_2d, names_3d, top_map, ax2)
        self.add_fixed_in_frame_mobjects(*fixed)
        self.remove(*fixed)
        self.play(*[FadeIn(m) for m in fixed], FadeIn(surface), run_time=self.INTRO)

        # ---------------------------------------------------------------- beat: random starts
        self.beat(f"{n} points start at random places on the hill, in both views.",
                  "First, let's initialize some points randomly on these hills and execute gradient "
                  f"descent on each of them, with a learning rate of {d.lr:g}, to see where they "
                  "end up.")
        k = ValueTracker(0)
        trail_colour, halo = pal.descent_path, pal.background
        trails3 = [reveal_trail(make_trail_3d(ax3, P[:, b], F[:, b], trail_colour,
                                              pal.strokes["path"] - 1, lift=self.LIFT, halo=halo), k)
                   for b in range(n)]
        dots3 = [make_point_3d(ax3, P[:, b], F[:, b], k, pal.point, rot, lift=self.LIFT,
                               radius=pal.strokes["point_radius"], halo=halo) for b in range(n)]
        trails2 = []
        for b in range(n):
            t = make_trail(ax2, P[:, b], trail_colour, pal.strokes["path"] - 1.5)
            t.set_stroke(halo, width=pal.strokes["path"] + 1.5, opacity=0.8, background=True)
            trails2.append(reveal_trail(t, k))
        dots2 = [make_point(ax2, P[:, b], k, pal.point, radius=pal.strokes["point_radius"] * 0.8)
                 for b in range(n)]
        for dot in dots2:
            dot.set_stroke(halo, width=1.5)
        self.dots, self.top_dots, self.top_trails = dots3, dots2, trails2
        self.add_fixed_in_frame_mobjects(*trails2, *dots2)
        self.remove(*dots2)
        self.add(*trails3)
        self.play(LaggedStart(*[FadeIn(m) for m in dots3], lag_ratio=0.1),
                  LaggedStart(*[FadeIn(m) for m in dots2], lag_ratio=0.1), run_time=self.STARTS)
        self.bring_to_front(*trails2, *dots2)

        # ---------------------------------------------------------------- beat: the descent
        self.beat("Every point walks downhill, against the gradient; the top-down view shows the same "
                  "paths.",
                  "What you can see is a 3D view and a top down view of the paths taken by each of the "
                  "points. Each one follows the direction of greatest descent where it stands.")
        self.play(make_descent_animation(k, self.FIRST_STEPS, self.SECONDS_PER_STEP))
        self.play(make_descent_animation(k, steps, self.SECONDS_PER_LATE_STEP))

        # ---------------------------------------------------------------- beat: every point in a valley
        self.beat("Every point reaches a minimum: which one depends on where it starts.",
                  "As we can see they all reach minimums, which is what we expect! Depending on where "
                  "the points start they have a destined minimum; in other landscapes that may be a "
                  "local, not a global, minimum.")
        note = Tex(r"Every point reaches a minimum: which one depends on where it starts.",
                   font_size=pal.fonts.small, color=pal.foreground)
        note.to_edge(DOWN, buff=0.2)
        self.add_fixed_in_frame_mobjects(note)
        self.remove(note)
        self.play(FadeIn(note, shift=UP * 0.1), run_time=0.8)
        self.wait(self.HOLD)
