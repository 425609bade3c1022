"""nn-landscape: a small neural network fits the parabolic data the line could not.

Left, the network's loss on the plane its two training paths span (the PCA plane of θ_k − θ*,
Li et al. 2018): first as a 3-D surface of log₁₀ L with GD's and Adam's paths rolling down it,
then from above as contours, the axes labelled by the share of the paths' variance each direction
explains. Right, the parabolic samples, the true parabola, the best line (final loss 1.53) and the
network's curve at every step; below them the loss of both runs falling past the line's.

The surface and the paths on it are the stored loss on the plane (``pca_grid_f``,
``path_plane_f``: the paths projected onto it); the readouts and loss curves are the true losses.
Data: ``nn-landscape`` and ``parabolic-regression`` (the line).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DEGREES, DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, GrowFromCenter,
                   LaggedStart, ManimColor, MathTex, Tex, ThreeDAxes, ValueTracker, VGroup,
                   VMobject, Write)

from scenes.components.counter import make_step_counter
from scenes.components.clipped_path import clipped_polyline, make_dashed_polyline
from scenes.components.landscape import make_landscape, make_minimum_marker, make_panel_axes
from scenes.components.legend import make_legend, make_legend_animation
from scenes.components.loss_curve import (decade_range, make_loss_axes, make_loss_curve,
                                          make_loss_curve_animation)
from scenes.components.readout import make_readout
from scenes.components.style import ThemedThreeDScene, interpolate_path
from scenes.components.surface import make_point_3d, make_surface, make_trail_3d, shift_for_screen
from scenes.components.trail import make_descent_animation, make_point, make_trail, reveal_trail

def _integers_in(lo: float, hi: float, step: int = 1) -> list[int]:
    first = int(np.ceil(lo / step) * step)
    return list(range(first, int(np.floor(hi)) + 1, step))


class NNLandscape(ThemedThreeDScene):
    DATA = "nn-landscape"
    LINE = "parabolic-regression"
    # ---------------------------------------------------------------- pace (seconds)
    TITLE_TIME = 1.0
    DATA_TIME = 1.2
    SAMPLES_TIME = 1.0
    LINE_TIME = 0.8
    LINE_LABEL_X = 0.0  # where "best line" sits, in data x
    SURFACE_TIME = 1.6
    START_TIME = 0.7
    SURFACE_STEPS = 150  # steps shown on the 3-D surface (most of the descent), the rest from above
    SECONDS_PER_STEP = 0.045
    SECONDS_PER_LATE_STEP = 0.012
    SWITCH_TIME = 1.5
    VERDICT_TIME = 1.0
    HOLD = 0.5
    HOLD_END = 3.0
    # ---------------------------------------------------------------- look
    RESOLUTION = 25  # surface faces per side: divides the 50 cells of the stored grid
    PHI, THETA = 58 * DEGREES, -90 * DEGREES  # camera: from the low side, the slope rising away
    VIEW_CENTER = (-3.6, -1.0)  # where the plane's centre (at the lowest loss) lands on screen
    VIEW_SIZE = 4.7  # scene units across the plane's longer side
    Z_LENGTH = 2.6
    SURFACE_OPACITY = 0.85
    LIFT = 0.03  # paths ride this far above the surface (log₁₀ L units)
    MAP_CENTER = np.array([-3.55, -0.05, 0])  # the top-down panel
    MAP_WIDTH = 5.6
    DATA_CENTER = np.array([3.72, 1.0, 0])
    DATA_SIZE = (5.2, 3.0)
    LOSS_CENTER = np.array([3.72, -2.40, 0])
    LOSS_SIZE = (5.2, 1.35)  # the type scale's numbers below it clear the verdict

    def construct(self):
        pal = self.pal
        fonts = pal.fonts
        d = self.data(self.DATA)
        line = self.data(self.LINE)
        meta = d.meta
        runs = meta["runs"]
        P = d["positions"]
        steps = P.shape[0] - 1
        losses = d["losses"]  # (T+1, B): the true losses
        xy = d["path_xy"]  # (T+1, B, 2) on the PCA plane
        plane_f = d["path_plane_f"]  # (T+1, B): the loss on the plane there
        gx, gy, gf = d["pca_grid_x"], d["pca_grid_y"], d["pca_grid_f"]
        explained = d["pca_explained"]
        line_loss = float(line["losses"][-1, 0])
        self.colours = colours = [ManimColor(pal.optimizer_colours[r["name"]]) for r in runs]
        self.tracker = k = ValueTracker(0)
        layers = "-".join(map(str, meta["params"]["layers"]))

        # ---------------------------------------------------------------- beat: the data and the line
        self.beat(f"The parabolic data again: the best straight line only gets the loss down to "
                  f"{line_loss:.2f}.",
                  "We return to the parabolic data, where the line ended with high bias: no line "
                  f"fits a parabola, and the best one stops at a loss of {line_loss:.2f}. Now the "
                  "line is swapped for a small neural network.")
        title = Tex(rf"A {layers} network on the parabolic data", font_size=fonts.title,
                    color=pal.foreground)
        title.to_edge(UP, buff=0.28).to_edge(LEFT, buff=0.45)
        data_ax = self._data_axes(d)
        loss_ax = self._loss_axes(losses, line_loss, steps)
        samples = VGroup(*[Dot(data_ax.c2p(xi, yi), radius=0.04, color=pal.samples, fill_opacity=0.6)
                           for xi, yi in zip(d["x"], d["y"])])
        parabola = self._true_parabola(data_ax, meta["params"]["dataset"])
        best_line, line_label = self._best_line(data_ax, line["positions"][-1, 0], line_loss)
        line_mark, line_mark_label = self._line_loss_mark(loss_ax, line_loss, steps)
        self.data_axes, self.loss_axes, self.samples = data_ax, loss_ax, samples
        self.best_line = best_line
        self._fixed(title, data_ax, loss_ax, samples, parabola, best_line, line_label, line_mark,
                    line_mark_label)
        self.play(Write(title), run_time=self.TITLE_TIME)
        self.play(FadeIn(data_ax), make_loss_curve_animation(loss_ax, run_time=self.DATA_TIME),
                  run_time=self.DATA_TIME)
        self.play(LaggedStart(*[FadeIn(p, scale=0.5) for p in samples], lag_ratio=0.02),
                  Create(parabola), run_time=self.SAMPLES_TIME)
        models = self._models(meta["params"], line_loss)
        self._fixed(models)
        self.play(Create(best_line), FadeIn(line_label), Create(line_mark), FadeIn(line_mark_label),
                  FadeIn(models[0], shift=0.1 * RIGHT), run_time=self.LINE_TIME)
        self.wait(self.HOLD)

        # ---------------------------------------------------------------- beat: the landscape
        self.beat(f"The {layers} tanh network has {meta['params']['P']} parameters; its loss is "
                  "drawn over the plane its training paths span (their two PCA directions).",
                  f"The network has {meta['params']['P']} weights and biases, so its loss lives in "
                  f"{meta['params']['P']} dimensions. As in Li et al., we look at one plane: the "
                  "two directions along which training moved most, found by PCA of the paths.")
        self.set_camera_orientation(phi=self.PHI, theta=self.THETA)
        self.camera.reset_rotation_matrix()  # the cached matrix follows the new angles
        rot = self.camera.get_rotation_matrix()
        span = max(gx[-1] - gx[0], gy[-1] - gy[0])
        zlo, zhi = np.log10(gf.min()), np.log10(gf.max())
        ax3 = ThreeDAxes(x_range=(gx[0], gx[-1], 1), y_range=(gy[0], gy[-1], 1),
                         z_range=(zlo, zhi, 0.5),
                         x_length=self.VIEW_SIZE * (gx[-1] - gx[0]) / span,
                         y_length=self.VIEW_SIZE * (gy[-1] - gy[0]) / span, z_length=self.Z_LENGTH)
        ax3.shift(shift_for_screen(rot, self.VIEW_CENTER) - ax3.c2p(*((gx[0] + gx[-1]) / 2,
                                                                     (gy[0] + gy[-1]) / 2, zlo)))
        self.axes = ax3
        # heights are log₁₀ L (a coordinate mapping, as a log axis): the basins stay visible
        surface = make_surface(ax3, gx, gy, np.log10(gf), pal.surface, resolution=self.RESOLUTION,
                               opacity=self.SURFACE_OPACITY, stroke_color=pal.background,
                               stroke_opacity=0.3)
        self.camera.should_apply_shading = False
        self.surface = surface
        view_label = Tex(r"loss $\log_{10} L$ on the plane of the training paths",
                         font_size=fonts.small, color=pal.muted)
        view_label.move_to([self.VIEW_CENTER[0], -3.3, 0])

        def on_screen(x, y, z):  # where a point of the 3-D view lands on screen
            return self.camera.project_point(np.asarray(ax3.c2p(x, y, z), dtype=float))

        mid_x, mid_y = len(gx) // 2, len(gy) // 2  # the middles of the front and right edges
        names = VGroup(
            Tex(r"direction 1", font_size=fonts.small, color=pal.muted)
            .next_to(on_screen(gx[mid_x], gy[0], np.log10(gf[0, mid_x])), DOWN, buff=0.2),
            Tex(r"direction 2", font_size=fonts.small, color=pal.muted)
            .next_to(on_screen(gx[-1], gy[mid_y], np.log10(gf[mid_y, -1])), RIGHT, buff=0.15),
        )
        view_label = VGroup(view_label, names)
        self._fixed(view_label)
        self.play(FadeIn(models[1], shift=0.1 * RIGHT), run_time=self.LINE_TIME)
        self.wait(self.HOLD)
        self.play(FadeOut(models), FadeIn(surface), FadeIn(view_label), run_time=self.SURFACE_TIME)

        # ---------------------------------------------------------------- beat: training
        self.beat("GD and Adam start from the same weights: the paths roll down the surface while "
                  "the network's curve bends toward the parabola.",
                  "Both optimizers start from the same random initialisation. Each step changes all "
                  "321 weights; on the right the curve they draw bends from nearly flat toward "
                  "the parabola, and the loss falls past the line's within a few dozen steps.")
        heights = np.log10(plane_f)
        halo = pal.background
        self.trails3 = [reveal_trail(make_trail_3d(ax3, xy[:, b], heights[:, b], colours[b],
                                                   pal.strokes["path"] - 1, lift=self.LIFT,
                                                   halo=halo), k) for b in range(len(runs))]
        self.dots3 = [make_point_3d(ax3, xy[:, b], heights[:, b], k, colours[b], rot, lift=self.LIFT,
                                    radius=pal.strokes["point_radius"], halo=halo)
                      for b in range(len(runs))]
        self.fits = [self._fit_curve(data_ax, d["fit_x"], d["fit_y"][:, b], colours[b])
                     for b in range(len(runs))]
        curves = [make_loss_curve(loss_ax, losses[:, b], k, colours[b], stroke_width=3.0,
                                  halo=halo) for b in range(len(runs))]
        self.loss_dots = [c[1] for c in curves]
        legend = self._legend(runs, losses, k)
        counter = make_step_counter(pal, k, steps, font_size=fonts.label)
        counter.to_edge(RIGHT, buff=0.45)
        counter.shift(UP * (title[0][0].get_bottom()[1] - counter.label[0][0].get_bottom()[1]))
        self.legend, self.counter = legend, counter
        moving_2d = [*self.fits, *[c[0] for c in curves], *self.loss_dots]
        self._fixed(legend, counter, *moving_2d)
        self.remove(*moving_2d)
        self.add(*self.trails3)
        self.play(*[GrowFromCenter(dot) for dot in self.dots3], *[Create(f) for f in self.fits],
                  make_legend_animation(legend, run_time=self.START_TIME), FadeIn(counter),
                  FadeIn(legend.readouts),
                  *[GrowFromCenter(dot) for dot in self.loss_dots], run_time=self.START_TIME)
        self.add(*[c[0] for c in curves])
        self.play(make_descent_animation(k, self.SURFACE_STEPS, self.SECONDS_PER_STEP))

        # ---------------------------------------------------------------- beat: from above
        ev1, ev2 = 100 * explained
        self.beat(f"From above: contours of the same plane. The first direction explains "
                  f"{ev1:.1f} % of the paths' variance, the second {ev2:.1f} %.",
                  "Seen from above, the surface becomes a contour map. Together the two directions "
                  f"explain {ev1 + ev2:.0f} percent of how the weights moved, so this plane shows "
                  "nearly all of training. The two optimizers settle in different basins.")
        map_ax, landscape, caption = self._map(gx, gy, gf, explained)
        self.map_axes, self.map_landscape = map_ax, landscape
        trails2, self.dots2 = [], []
        for b in range(len(runs)):
            t = make_trail(map_ax, xy[:, b], colours[b], pal.strokes["path"] - 1)
            t.set_stroke(halo, width=pal.strokes["path"] + 2, opacity=0.8, background=True)
            trails2.append(reveal_trail(t, k))
            dot = make_point(map_ax, xy[:, b], k, colours[b], radius=pal.strokes["point_radius"])
            dot.set_stroke(halo, width=2.0)
            self.dots2.append(dot)
        theta_star = make_minimum_marker(pal, map_ax, xy[-1, 0], color=pal.foreground, size=0.09)
        star_label = MathTex(r"\theta^*", font_size=fonts.small, color=pal.foreground)
        star_label.set_stroke(pal.background, width=4, background=True)
        star_label.next_to(theta_star, DOWN + LEFT, buff=0.02)
        new_2d = [map_ax, landscape, caption, *trails2, theta_star, star_label, *self.dots2]
        self._fixed(*new_2d)
        self.remove(*new_2d)
        for dot in self.dots3:
            dot.clear_updaters()
        for trail in self.trails3:
            trail.clear_updaters()
        self.play(FadeOut(surface), *[FadeOut(m) for m in (*self.trails3, *self.dots3, view_label)],
                  FadeIn(landscape), FadeIn(map_ax), FadeIn(caption), *[FadeIn(t) for t in trails2],
                  FadeIn(theta_star), FadeIn(star_label), *[FadeIn(dd) for dd in self.dots2],
                  run_time=self.SWITCH_TIME)
        self.bring_to_back(landscape)
        self.play(make_descent_animation(k, steps, self.SECONDS_PER_LATE_STEP))
        for m in (*trails2, *self.dots2, *self.fits, *[c[0] for c in curves], *self.loss_dots,
                  counter, legend):
            m.clear_updaters()
            for sub in m.get_family():
                sub.clear_updaters()

        # ---------------------------------------------------------------- beat: the verdict
        final = losses[-1]
        self.beat(f"Final losses {final[0]:.3f} (GD) and {final[1]:.3f} (Adam), far below the line's "
                  f"{line_loss:.2f}: the network is flexible enough for the parabola.",
                  "Both networks end near the noise level of the data, far below the line's "
                  f"{line_loss:.2f}. The price of that flexibility is a landscape with more than one "
                  "basin, which is where the next posts, on two-layer networks, begin.")
        verdict = Tex(rf"\mbox{{Final loss {final[0]:.3f} (GD), {final[1]:.3f} (Adam): far below "
                      rf"the line's {line_loss:.2f}}}", font_size=fonts.label,
                      color=pal.foreground)
        verdict.to_edge(DOWN, buff=0.14)
        self.verdict = verdict
        self._fixed(verdict)
        self.remove(verdict)
        self.play(FadeIn(verdict, shift=UP * 0.1), run_time=self.VERDICT_TIME)
        self.wait(self.HOLD_END)

    # ---------------------------------------------------------------- pieces
    def _fixed(self, *mobjects):
        """2-D pieces stay put on screen whatever the 3-D camera does."""
        self.add_fixed_in_frame_mobjects(*mobjects)
        self.remove(*mobjects)

    def _models(self, params, line_loss):
        """The two models side by side in words: the line, then the network."""
        pal, fs, small = self.pal, self.pal.fonts.label, self.pal.fonts.small
        sizes = r" \to ".join(map(str, params["layers"]))
        rows = VGroup(
            VGroup(Tex(r"the line", font_size=fs, color=pal.muted),
                   MathTex(r"\hat y = w x + b", font_size=fs, color=pal.foreground),
                   Tex(rf"2 parameters, best loss {line_loss:.2f}", font_size=small,
                       color=pal.muted)),
            VGroup(Tex(r"a network", font_size=fs, color=pal.muted),
                   MathTex(rf"{sizes},\ \mathrm{{{params['activation']}}}", font_size=fs,
                           color=pal.foreground),
                   Tex(rf"{params['P']} parameters", font_size=small, color=pal.muted)),
        )
        for row in rows:
            row.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.6)
        rows.move_to([self.VIEW_CENTER[0], 0.3, 0])
        return rows

    def _data_axes(self, d):
        pal = self.pal
        dataset = d.meta["params"]["dataset"]
        x0, x1 = dataset["lo"] - 0.4, dataset["hi"] + 0.4
        y0, y1 = np.floor(d["y"].min() - 0.3), np.ceil(d["y"].max() + 0.5)
        ax = make_panel_axes(pal, (x0, x1, 1), (y0, y1, 1), *self.DATA_SIZE, x_label="x",
                             y_label="y", grid=True, x_numbers=_integers_in(x0, x1),
                             y_numbers=_integers_in(y0, y1, 2))
        ax.shift(self.DATA_CENTER - ax.frame.get_center())
        return ax

    def _loss_axes(self, losses, line_loss, steps):
        lo, hi, step = decade_range(np.r_[losses.ravel(), line_loss], max_labels=3)
        ax = make_loss_axes(self.pal, steps, (lo, hi, step), *self.LOSS_SIZE, x_step=100)
        ax.shift(self.LOSS_CENTER - ax.frame.get_center())
        return ax

    def _true_parabola(self, ax, dataset):
        """The noiseless trend y = a x² + c, dashed, cut to the panel."""
        (x0, x1), _ = ax.box
        xs = np.linspace(x0, x1, 121)
        pts = np.column_stack([xs, dataset["a"] * xs * xs + dataset["c"]])
        group = VGroup()
        for piece in clipped_polyline(pts, len(xs) - 1, ax.box):
            group.add(make_dashed_polyline([ax.c2p(px, py) for px, py in piece], dash=0.1, gap=0.07))
        group.set_stroke(self.pal.true_line, width=2.0, opacity=0.7)
        return group

    def _best_line(self, ax, wb, loss):
        """The line parabolic-regression ended with, across the panel, and its name."""
        pal = self.pal
        (x0, x1), (y0, y1) = ax.box
        w, b = wb
        pts = np.array([[x, w * x + b] for x in np.linspace(x0, x1, 2)])
        piece = clipped_polyline(pts, 1, ax.box)[0]
        line = VMobject(stroke_color=pal.muted, stroke_width=3.0)
        line.set_points_as_corners([ax.c2p(px, py) for px, py in piece])
        # Named above the line at the middle of the data: the samples there stay below 1.1 and the
        # networks' curves below 1.5 at every step (Adam's peaks near step 40), the line is at 1.3.
        label = Tex(r"best line", font_size=pal.fonts.small, color=pal.muted)
        label.next_to(ax.c2p(self.LINE_LABEL_X, w * self.LINE_LABEL_X + b), UP, buff=0.16)
        return line, label

    def _line_loss_mark(self, ax, loss, steps):
        """A dashed level at the line's loss across the loss panel, labelled with its value."""
        pal = self.pal
        y = float(ax.loss_to_y([loss])[0])
        mark = make_dashed_polyline([ax.c2p(0, y), ax.c2p(steps, y)], dash=0.08, gap=0.06)
        mark.set_stroke(pal.muted, width=2.0)
        label = Tex(rf"best line {loss:.2f}", font_size=pal.fonts.small, color=pal.muted)
        label.next_to(ax.c2p(steps, y), UP, buff=0.05).align_to(mark, RIGHT).shift(LEFT * 0.05)
        return mark, label

    def _fit_curve(self, ax, fit_x, fit_y, colour) -> VMobject:
        """The network's prediction ŷ(x) at the tracker's step (linear between stored steps),
        points moved in place."""
        (x0, x1), (y0, y1) = ax.box
        o = np.asarray(ax.c2p(0, 0), dtype=float)
        ex, ey = np.asarray(ax.c2p(1, 0)) - o, np.asarray(ax.c2p(0, 1)) - o
        xs = np.asarray(fit_x, dtype=float)
        curve = VMobject(stroke_color=colour, stroke_width=3.5)
        curve.set_stroke(self.pal.background, width=6.0, opacity=0.6, background=True)
        tracker = self.tracker

        def points(t):
            ys = np.clip(interpolate_path(fit_y, t), y0, y1)  # pinned to the panel
            return o + np.outer(xs, ex) + np.outer(ys, ey)

        curve.set_points_as_corners(points(0.0))
        shown = [0.0]

        def update(m):
            t = tracker.get_value()
            if t != shown[0]:
                m.set_points_as_corners(points(t))
                shown[0] = t

        curve.add_updater(update)
        curve.fit_points = points
        return curve

    def _legend(self, runs, losses, tracker):
        """Per run a swatch, its name and learning rate, and its live loss."""
        pal = self.pal
        rows = [{"color": c, "name": pal.optimizer_names.get(r["name"], r["name"]),
                 "setting": rf"\alpha = {r['lr']:g}"} for r, c in zip(runs, self.colours)]
        legend = make_legend(pal, rows, font_size=pal.fonts.small, row_gap=0.36, swatch_length=0.4)
        readouts = VGroup()
        for b, row in enumerate(legend.rows):
            ro = make_readout(pal, "L =", losses[:, b], tracker, decimals=3, font_size=pal.fonts.small)
            ro.next_to(row, RIGHT, buff=0.3)
            readouts.add(ro)
        x_readouts = max(r.get_left()[0] for r in readouts)
        for ro in readouts:
            ro.shift(RIGHT * (x_readouts - ro.get_left()[0]))
        group = VGroup(legend, readouts)
        group.next_to(self.loss_axes.frame, UP, buff=0.14).align_to(self.loss_axes.frame, LEFT)
        group.shift(RIGHT * 0.45)  # clear of the loss axis' name
        group.rows = legend.rows
        group.readouts = readouts
        return group

    def _map(self, gx, gy, gf, explained):
        """The top-down panel: log-scaled contours of the plane, axes named by explained variance."""
        pal = self.pal
        w = self.MAP_WIDTH
        h = w * (gy[-1] - gy[0]) / (gx[-1] - gx[0])  # equal scales: distances read true
        ax = make_panel_axes(pal, (gx[0], gx[-1], 1), (gy[0], gy[-1], 1), w, h,
                             x_numbers=_integers_in(gx[0], gx[-1]),
                             y_numbers=_integers_in(gy[0], gy[-1]))
        ax.shift(self.MAP_CENTER - ax.frame.get_center())
        # the same colour map as the 3-D surface of this plane (and the figure's), as hill-descent
        map_pal = SimpleNamespace(**{**vars(pal), "landscape": pal.surface})
        land = make_landscape(map_pal, ax, gx, gy, gf, n_levels=12, norm="log")
        fs = self.pal.fonts.small
        xl = MathTex(rf"\text{{PCA direction 1 ({100 * explained[0]:.1f}\,\%)}}", font_size=fs,
                     color=pal.foreground)
        xl.next_to(ax.frame, DOWN, buff=0.38)
        yl = MathTex(rf"\text{{direction 2 ({100 * explained[1]:.1f}\,\%)}}", font_size=fs,
                     color=pal.foreground).rotate(np.pi / 2)
        yl.next_to(ax.frame, LEFT, buff=0.42)
        return ax, land, VGroup(xl, yl)
