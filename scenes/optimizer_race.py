"""optimizer-race: six optimizers from one start on a classic test surface.

Left, the surface seen from above (filled contour bands of the stored grid, coloured on a log scale
where its values span decades, on a symmetric log scale where they change sign) with one trail and
one moving dot per optimizer; right, the live loss curves on one axis, and the legend: per run the
optimizer's name, its learning rate from ``meta["runs"]``, and, once the race reaches it, what
happened: "converged at step k", "left the view at step k", or "diverged at step k". Runs are clipped
to their panels; a dot that left the map becomes an arrowhead on the border pointing where it went,
and a run that diverged ends at its last in-bound step with a cross there, on the map and the loss
curve.

Overlapping runs stay visible: trails and dots are drawn widest-first (GD at the bottom, Adam on
top), so runs on the same path show as parallel stripes and dots on the same point as rings.

One step tracker drives everything and always indexes stored steps; long races are shown faster
after their opening (``PACE``). Only data is mapped here: positions through the map's ``c2p``,
losses through the loss axes' ``loss_to_y``, grid values through a colour scale.

Data: ``race-rosenbrock``, ``race-himmelblau``, ``race-rastrigin``, ``race-saddle``
(``positions`` (T+1, 6, 2), ``losses``, ``status``, ``converged_step``, ``diverged_step``, the
grid, ``global_minima``, ``saddle_points``, ``domain``; ``meta``: ``formula``, ``runs``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, FadeIn, GrowFromCenter, Line, ManimColor, Tex,
                   ValueTracker, VGroup, Write, interpolate_color)

from core.view import fate
from scenes.components.clipped_path import box_contains, make_clipped_path, make_clipped_point
from scenes.components.landscape import (make_landscape, make_landscape_animation, make_minimum_marker,
                                         make_panel_axes)
from scenes.components.legend import baseline_of, make_legend, make_legend_animation, show_note_after
from scenes.components.loss_curve import decade_range, make_loss_axes, make_loss_curve_animation
from scenes.components.counter import make_step_counter
from scenes.components.scales import log_scale, make_symlog_loss_axes, symlog, symlog_range
from scenes.components.style import ThemedScene
from scenes.components.trail import make_descent_animation

# Widest first: a run drawn later sits inside the ones below it.
TRAIL_WIDTHS = (5.6, 4.8, 4.1, 3.4, 2.8, 2.2)
DOT_RADII = (0.165, 0.139, 0.114, 0.090, 0.067, 0.046)
CURVE_WIDTHS = (4.2, 3.6, 3.1, 2.6, 2.2, 1.8)
CURVE_DOT_RADII = (0.07, 0.062, 0.055, 0.048, 0.042, 0.036)


def _lr_tex(lr: float) -> str:
    return rf"\alpha = {lr:g}"


def _is_dark(pal) -> bool:
    rgb = np.asarray(ManimColor(pal.background).to_rgb(), dtype=float)
    return float(rgb @ np.array([0.2126, 0.7152, 0.0722])) < 0.5


def _nice_ticks(lo: float, hi: float, max_n: int = 6) -> list[float]:
    """Round tick values inside [lo, hi], at most ``max_n`` of them."""
    for step in (0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        first = np.ceil(lo / step - 1e-9) * step
        vals = np.arange(first, hi + 1e-9, step)
        if len(vals) <= max_n:
            return [float(v) for v in vals]
    return [lo, hi]


class OptimizerRace(ThemedScene):
    """The race on one scenario; subclasses set ``SCENARIO`` and the scales."""

    SCENARIO: str = ""
    SURFACE: str = ""  # the title's name of the surface
    # ── Colour scale of the map: ("log", floor) colours log₁₀(f − f_min + floor);
    #    ("symlog", c) colours sign(f)·log₁₀(1 + |f|/c) on the theme's diverging ramp.
    COLOUR_SCALE: tuple = ("log", 0.1)
    N_LEVELS = 14
    LOSS_SCALE = "log"  # "log", "linear" or "symlog"
    LOSS_RANGE = None  # (lo, hi, step) of the loss axis; None: covers every loss

    # ── Pace: every duration of the scene, in one place ─────────────────────────────────────
    TITLE_TIME = 1.2
    SETUP_TIME = 1.6
    LEGEND_TIME = 1.0
    START_TIME = 0.6
    HOLD_START = 0.5
    SECONDS_PER_STEP = 0.2  # the opening steps, one by one
    # the race in phases: (until step, speed-up over SECONDS_PER_STEP); None = the last step
    PACE: tuple = ((10, 1), (60, 3), (None, 8))
    HOLD_END = 3.0

    # ── Speaker notes: what the surface is (the first beat) and what the race shows (the last) ──
    INTRO = ""
    LESSON = ""

    # ── Layout (scene units) ─────────────────────────────────────────────────────────────────
    MAP_SIZE = 6.0  # the longer side of the map
    MAP_CENTER = (-3.55, -0.5)
    LOSS_SIZE = (4.9, 2.4)
    LOSS_CENTER = (3.5, 1.35)
    LEGEND_TOP_LEFT = (0.55, -0.72)
    HALO = 2.5  # extra stroke width of the halo under every path and loss curve
    HALO_OPACITY = 0.7
    # how far the map's colours are pulled towards the background (0 = the theme's), per theme
    MAP_BLEND = {"light": 0.62, "dark": 0.5}

    def construct(self):
        pal = self.pal
        d = self.data(self.SCENARIO)
        meta = d.meta
        self.d = d
        runs = meta["runs"]
        self.run_names = [r["name"] for r in runs]
        positions, losses = d["positions"], d["losses"]
        steps = positions.shape[0] - 1
        self.steps = steps
        self.tracker = tracker = ValueTracker(0)
        domain = np.asarray(d["domain"], dtype=float)
        box = ((domain[0, 0], domain[0, 1]), (domain[1, 0], domain[1, 1]))

        # per run: the stored part drawn (a diverged run ends at its last in-bound step), and
        # what happened, from the data: diverged / left the view / converged at step k
        self.paths_xy, self.losses_shown, self.events = [], [], []
        for b, r in enumerate(runs):
            xy, f = positions[:, b, :], losses[:, b]
            k_div = int(d["diverged_step"][b])
            if k_div > 0:
                xy, f = xy[:k_div], f[:k_div]
            self.paths_xy.append(xy)
            self.losses_shown.append(f)
            self.events.append(fate(xy, box, int(d["converged_step"][b]), k_div))
        colours = [ManimColor(pal.optimizer_colours[n]) for n in self.run_names]
        self.colours = colours

        # ── Beat 1: title and step counter ──────────────────────────────────────────────────
        self.beat(f"Six optimizers race on the {self.SURFACE} surface from one start: the map on "
                  "the left, the loss curves on the right, the legend with each learning rate.",
                  self.INTRO)
        # name and formula in one LaTeX run, on one baseline; the formula a size smaller
        heading = Tex(rf"\mbox{{{self.SURFACE}}}", rf"\mbox{{${meta['formula']}$}}", font_size=pal.fonts.title,
                      color=pal.foreground)
        name, formula = heading[0], heading[1]
        base = name[0].get_bottom()[1]
        formula.scale(pal.fonts.math / pal.fonts.title, about_point=[formula.get_left()[0], base, 0])
        formula.shift(RIGHT * (name.get_right()[0] + 0.45 - formula.get_left()[0]))
        title = VGroup(name, formula)
        title.to_edge(UP, buff=0.28).to_edge(LEFT, buff=0.4)
        step_readout = make_step_counter(pal, tracker, steps)
        step_readout.to_edge(RIGHT, buff=0.45)
        step_readout.shift(UP * (name[0][0].get_bottom()[1] - step_readout.label[0][0].get_bottom()[1]))
        self.step_readout = step_readout
        self.play(Write(title), run_time=self.TITLE_TIME)

        # ── Beat 2: the surface, the loss axes, the legend ───────────────────────────────────
        ax = self._map_axes(box)
        self.map_axes = ax
        land = self._landscape(ax, d)
        markers = self._markers(ax, d, meta)
        lax = self._loss_axes(steps)
        self.loss_axes = lax
        self.play(FadeIn(ax), make_landscape_animation(land, run_time=self.SETUP_TIME),
                  FadeIn(markers), make_loss_curve_animation(lax, run_time=self.SETUP_TIME),
                  run_time=self.SETUP_TIME)
        # the landscape under the axes' frame and ticks
        self.bring_to_back(land)

        legend = self._legend(runs, colours)
        self.legend = legend
        self.play(make_legend_animation(legend, run_time=self.LEGEND_TIME), FadeIn(step_readout),
                  FadeIn(self.key), run_time=self.LEGEND_TIME)
        self.notes = [row.note for row in legend.rows if len(row.note)]
        self.add(*self.notes)

        # ── Beat 3: everyone on the start ────────────────────────────────────────────────────
        self.beat("All six start at ({:g}, {:g}), the ring, for {} steps.".format(
                      *meta["params"]["start"], steps),
                  "Same start, same number of steps: only the update rule differs. Plain gradient "
                  "descent follows the slope; momentum and Nesterov carry speed from step to step; "
                  "AdaGrad, RMSProp and Adam adapt the step size as they go.")
        # Each path and loss curve sits on a halo (a wider stroke in the background colour) so it
        # reads on the map; all halos go in one layer under all runs, so where runs share a path
        # the narrower ones still show inside the wider ones as stripes.
        self.trails, self.points, self.curves, self.loss_dots = [], [], [], []
        self.loss_xy, halos = [], []
        for b in range(len(runs)):
            xy = self.paths_xy[b]
            halos.append(make_clipped_path(ax, xy, tracker, pal.background,
                                           stroke_width=TRAIL_WIDTHS[b] + self.HALO).set_stroke(
                                               opacity=self.HALO_OPACITY))
            self.trails.append(make_clipped_path(ax, xy, tracker, colours[b],
                                                 stroke_width=TRAIL_WIDTHS[b]))
            self.points.append(make_clipped_point(pal, ax, xy, tracker, colours[b],
                                                  radius=DOT_RADII[b],
                                                  marker_size=0.2 + 0.2 * DOT_RADII[b] / 0.15))
        # loss curves in the loss axes' coordinates (step, scaled loss), clipped to the panel like
        # the paths to the map: a loss beyond the axis leaves it with an arrowhead, not pinned
        for b in range(len(runs)):
            xy = self._loss_coords(lax, self.losses_shown[b])
            halos.append(make_clipped_path(lax, xy, tracker, pal.background,
                                           stroke_width=CURVE_WIDTHS[b] + self.HALO).set_stroke(
                                               opacity=self.HALO_OPACITY))
            self.curves.append(make_clipped_path(lax, xy, tracker, colours[b],
                                                 stroke_width=CURVE_WIDTHS[b]))
            self.loss_dots.append(make_clipped_point(pal, lax, xy, tracker, colours[b],
                                                     radius=CURVE_DOT_RADII[b], marker_size=0.16))
            self.loss_xy.append(xy)
        self.halos = halos
        self.add(*halos, *self.trails, *self.curves)
        self.add(markers)  # the minima and the start above the trails, below the dots
        # a run that diverged: a cross where it was last in bound, on the map and on its loss
        # curve, from its diverged step on (outside a panel, the border arrowhead marks it)
        self.divergence_marks = VGroup()
        for b, event in enumerate(self.events):
            if event is None or event.what != "diverged":
                continue
            for axes, xy in ((ax, self.paths_xy[b]), (lax, self.loss_xy[b])):
                if len(xy) and box_contains(axes.box, xy[-1]):
                    mark = self._cross(axes.c2p(*xy[-1]), pal.diverged, 0.11)
                    mark.add_updater(lambda m, k=event.step: m.set_opacity(
                        1.0 if tracker.get_value() >= k else 0.0))
                    mark.update()
                    mark.data_xy = np.asarray(xy[-1], dtype=float)
                    self.divergence_marks.add(mark)
        self.add(self.divergence_marks)
        # the step counter's digits change every frame of the race: last, so nothing static
        # behind them is redrawn with them (its panel overlaps nothing)
        self.add(step_readout)
        self._settle_notes(0, 0)
        self.play(*[GrowFromCenter(p) for p in self.points],
                  *[GrowFromCenter(m) for m in self.loss_dots], run_time=self.START_TIME)
        self.wait(self.HOLD_START)

        # ── Beat 4: the race, slow opening then fast-forward ─────────────────────────────────
        self.beat("The race: the first steps one by one, then fast-forward. The legend notes when a "
                  "run converges, leaves the view or diverges.",
                  "Watch the trails on the map and the loss curves together. Adam, the go-to "
                  "optimizer right now, varies alpha automatically based on patterns observed in "
                  "prior iterations.")
        self.speed_tag = None
        for until, speed in self.PACE:
            until = steps if until is None else min(until, steps)
            if until <= tracker.get_value():
                continue
            if speed != 1:
                tag = Tex(rf"fast-forward $\times{speed:g}$", font_size=pal.fonts.small, color=pal.muted)
                tag.next_to(step_readout, LEFT, buff=0.45).align_to(step_readout, DOWN)
                if self.speed_tag is not None:
                    self.remove(self.speed_tag)
                self.speed_tag = tag
                self.bring_to_back(tag)  # static for the play; it overlaps nothing
            self._settle_notes(tracker.get_value(), until)
            self.play(make_descent_animation(tracker, until, self.SECONDS_PER_STEP / speed))

        # ── Beat 5: where everyone ended ─────────────────────────────────────────────────────
        self.beat(self.outcome(), self.LESSON)
        self.wait(self.HOLD_END)

    # ── Pieces ───────────────────────────────────────────────────────────────────────────────

    def outcome(self) -> str:
        """The last beat's caption, from the data: what happened to each run."""
        parts = []
        for name, event, f in zip(self.run_names, self.events, self.losses_shown):
            what = f"{event[0]} at step {event[1]}" if event else f"final loss {f[-1]:.3g}"
            parts.append(f"{self.pal.optimizer_names[name]} {what}")
        return f"After {self.steps} steps: " + "; ".join(parts) + "."

    def _settle_notes(self, k0: float, k1: float):
        """Before a play taking the tracker from step k0 to k1: a legend note that does not change
        in it is set to its state and painted once, in the static image (the legend overlaps
        nothing, so its place in the drawing order does not show); one that appears in it keeps
        its updater and goes last, redrawn every frame of this play only."""
        for note in self.notes:
            s, e = note.changes
            note.clear_updaters()
            if k1 >= s and k0 < e:
                note.add_updater(note.note_updater)
                self.add(note)
            else:
                note.note_updater(note)
                self.bring_to_back(note)

    def _cross(self, centre, colour, size: float) -> VGroup:
        c = np.asarray(centre, dtype=float)
        arms = VGroup(Line(c + (LEFT + DOWN) * size, c + (RIGHT + UP) * size),
                      Line(c + (LEFT + UP) * size, c + (RIGHT + DOWN) * size))
        arms.set_stroke(colour, width=4.0)
        arms.set_stroke(self.pal.background, width=7.0, background=True)
        return arms

    def _map_axes(self, box):
        (x0, x1), (y0, y1) = box
        span = max(x1 - x0, y1 - y0)
        w, h = self.MAP_SIZE * (x1 - x0) / span, self.MAP_SIZE * (y1 - y0) / span
        xt, yt = _nice_ticks(x0, x1), _nice_ticks(y0, y1)
        ax = make_panel_axes(self.pal, (x0, x1, xt[1] - xt[0]), (y0, y1, yt[1] - yt[0]), w, h,
                             x_label="x", y_label="y", x_numbers=xt, y_numbers=yt)
        ax.shift(np.array([*self.MAP_CENTER, 0.0]) - ax.frame.get_center())
        return ax

    def _map_palette(self):
        """The theme's landscape ramp (the diverging ``surface`` ramp for signed values), pulled
        towards the background so six coloured trails stand out on it."""
        pal = self.pal
        stops = pal.surface if self.COLOUR_SCALE[0] == "symlog" else pal.landscape
        blend = self.MAP_BLEND["dark" if _is_dark(pal) else "light"]
        soft = [interpolate_color(ManimColor(c), pal.background, blend) for c in stops]
        return SimpleNamespace(**{**vars(pal), "landscape": soft})

    def _colour_values(self, grid_f):
        kind, p = self.COLOUR_SCALE
        if kind == "log":
            return log_scale(grid_f, p)
        if kind == "symlog":
            return symlog(grid_f, p)
        raise ValueError(f"unknown colour scale {kind!r}; valid: log, symlog")

    def _landscape(self, ax, d):
        g = self._colour_values(d["grid_f"])
        land = make_landscape(self._map_palette(), ax, d["grid_x"], d["grid_y"], g,
                              n_levels=self.N_LEVELS, norm="linear")
        self.landscape = land
        return land

    def _markers(self, ax, d, meta):
        pal = self.pal
        group = VGroup()
        inside = lambda p: (ax.box[0][0] <= p[0] <= ax.box[0][1]
                            and ax.box[1][0] <= p[1] <= ax.box[1][1])
        for m in np.asarray(d["global_minima"]).reshape(-1, 2):
            if inside(m):
                group.add(make_minimum_marker(pal, ax, m, size=0.12))
        saddles = np.asarray(d["saddle_points"]).reshape(-1, 2)
        for s in saddles:
            if inside(s):
                group.add(make_minimum_marker(pal, ax, s, color=pal.foreground, size=0.12).rotate(np.pi / 4))
        start = np.asarray(meta["params"]["start"], dtype=float)
        ring = Circle(radius=0.2, stroke_color=pal.foreground, stroke_width=2.5).move_to(ax.c2p(*start))
        ring.set_stroke(pal.background, width=5.0, background=True, opacity=0.8)
        group.add(ring)

        # the key under the legend: what the markers mean
        items = []
        if len(d["global_minima"]):
            items.append((make_minimum_marker(pal, ax, (0, 0), size=0.09), "global minimum"))
        if len(saddles):
            items.append((make_minimum_marker(pal, ax, (0, 0), color=pal.foreground, size=0.09)
                          .rotate(np.pi / 4), "saddle point"))
        items.append((Circle(radius=0.11, stroke_color=pal.foreground, stroke_width=2.0), "start"))
        texts = Tex(*[rf"\mbox{{{text}}}" for _, text in items], font_size=pal.fonts.small, color=pal.muted)
        baseline = baseline_of(texts[0])
        key = VGroup()
        for (glyph, _), t in zip(items, texts):
            t.shift(UP * (baseline - baseline_of(t)))  # one baseline, whatever line LaTeX used
            glyph.next_to(t, LEFT, buff=0.15).set_y(baseline + 0.075)  # mid x-height
            key.add(VGroup(glyph, t))
        for prev, item in zip(key, key[1:]):
            item.shift(RIGHT * (prev.get_right()[0] + 0.45 - item.get_left()[0]))
        self.key = key
        self.markers = group
        return group

    @staticmethod
    def _loss_coords(lax, losses) -> np.ndarray:
        """(step, y) for every loss, y as the loss axis scales it (log₁₀, symlog or linear) but not
        pinned to its range, so the clipping shows where a curve leaves the panel. A loss the log
        axis cannot place (≤ 0) or a non-finite one goes far below or above the panel."""
        f = np.asarray(losses, dtype=float)
        (_, _), (lo, hi) = lax.box
        far = 10.0 * (hi - lo)
        if getattr(lax, "symlog", False):
            y = symlog(f)
        elif lax.log:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.where(f > 0, np.log10(np.where(f > 0, f, 1.0)), lo - far)
        else:
            y = f.copy()
        y = np.where(np.isnan(y), hi + far, y)
        y = np.clip(y, lo - far, hi + far)
        return np.column_stack([np.arange(len(f), dtype=float), y])

    def _loss_axes(self, steps):
        pal = self.pal
        values = np.concatenate([f for f in self.losses_shown])
        w, h = self.LOSS_SIZE
        if self.LOSS_SCALE == "symlog":
            rng = self.LOSS_RANGE or symlog_range(values, max_labels=6)
            lax = make_symlog_loss_axes(pal, steps, rng, w, h,
                                        y_label="f")
        elif self.LOSS_SCALE == "log":
            lax = make_loss_axes(pal, steps, decade_range(values, max_labels=6), w, h, log=True,
                                 y_label="f")
        else:
            peak = float(np.nanmax(values[np.isfinite(values)]))
            step = next(s for s in (1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
                        if np.ceil(peak / s) + 1 <= 6)
            top = float(np.ceil(peak / step) * step)
            lax = make_loss_axes(pal, steps, (0.0, top, step), w, h, log=False, y_label="f")
        lax.shift(np.array([*self.LOSS_CENTER, 0.0]) - lax.frame.get_center())
        return lax

    def _legend(self, runs, colours):
        pal = self.pal
        rows = []
        for b, r in enumerate(runs):
            event = self.events[b]
            note = note_color = None
            if event is not None:
                note = event.text
                note_color = pal.diverged if event.what == "diverged" else pal.muted
            rows.append({"color": colours[b], "name": pal.optimizer_names[r["name"]],
                         "setting": _lr_tex(r["lr"]),
                         "note": note, "note_color": note_color, "stroke_width": TRAIL_WIDTHS[b],
                         "dot_radius": DOT_RADII[b]})
        legend = make_legend(pal, rows, row_gap=0.42, halo=pal.background)
        legend.shift(np.array([*self.LEGEND_TOP_LEFT, 0.0]) - legend.get_corner(UP + LEFT))
        for row, event in zip(legend.rows, self.events):
            if event is not None:
                show_note_after(row, self.tracker, event.step)
        self.key.next_to(legend, DOWN, buff=0.38).align_to(legend, LEFT)
        return legend


# ── The races (variants as subclasses) ───────────────────────────────────────────────────────


class RaceRosenbrock(OptimizerRace):
    SCENARIO = "race-rosenbrock"
    SURFACE = "Rosenbrock"
    COLOUR_SCALE = ("log", 0.5)
    PACE = ((10, 1), (60, 3), (None, 8))
    INTRO = ("Rosenbrock's function is a long, curved valley with its minimum at (1, 1). The valley "
             "is easy to find and hard to follow: steep across, nearly flat along its floor.")
    LESSON = ("On this valley, speed pays: momentum and Adam follow the curved floor to (1, 1), while "
              "plain gradient descent is still crawling along it.")


class RaceHimmelblau(OptimizerRace):
    SCENARIO = "race-himmelblau"
    SURFACE = "Himmelblau"
    COLOUR_SCALE = ("log", 1.0)
    PACE = ((10, 1), (60, 2), (None, 16))
    INTRO = ("Himmelblau's function has four minima, all of the same height: four global minima. "
             "Which one a run reaches depends on the path it takes.")
    LESSON = ("From one start the optimizers split between two of the four minima. Both are global: "
              "reaching a different one is not a worse result.")


class RaceRastrigin(OptimizerRace):
    SCENARIO = "race-rastrigin"
    SURFACE = "Rastrigin"
    COLOUR_SCALE = ("log", 3.0)  # a higher floor: fewer rings crowding the deepest minima
    N_LEVELS = 10
    LOSS_SCALE = "linear"
    PACE = ((10, 1), (70, 2), (None, 16))
    INTRO = ("Rastrigin's function is a bowl covered in bumps: a local minimum near every integer "
             "point, and the global minimum at (0, 0).")
    LESSON = ("Every run settles in a local minimum: none reaches (0, 0). Momentum carries furthest, "
              "yet stops in a bump too, the trouble of a landscape with many minima.")


class RaceSaddle(OptimizerRace):
    SCENARIO = "race-saddle"
    SURFACE = "Saddle"
    COLOUR_SCALE = ("symlog", 0.5)
    N_LEVELS = 12
    LOSS_SCALE = "symlog"
    LOSS_RANGE = (-3, 1, 1)  # symlog units: +9 … −1000; the runs that escape further leave it
    SECONDS_PER_STEP = 0.15
    PACE = ((10, 1), (None, 2))
    INTRO = ("The saddle x² − y² has no minimum: the origin is a saddle point, a minimum along x "
             "and a maximum along y. The start lies just off the ridge.")
    LESSON = ("Near a saddle point the gradient along y is tiny, so plain gradient descent lingers "
              "before it escapes down along y. RMSProp, the momentum methods and Adam escape far "
              "sooner; AdaGrad, whose steps only shrink, has barely left the saddle.")
