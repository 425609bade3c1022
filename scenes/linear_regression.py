"""Linear regression by gradient descent: the (w, b) point travels down the loss landscape (left)
while the line it defines fits the samples (right); the current loss is read out below.

Data: ``linear-regression`` (``positions`` (T+1, 1, 2) as (w, b), ``losses``, the landscape grid,
the samples ``x``, ``y`` and the dataset's true line in ``meta["params"]["dataset"]``).
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, Dot, FadeIn, GrowFromCenter,
                   LaggedStart, Line, MathTex, Tex, ValueTracker, VGroup, Write)

from core.view import clip_segment
from scenes.components.clipped_path import (clipped_polyline, make_clipped_point, make_clipped_trail,
                                            make_dashed_polyline)
from scenes.components.landscape import (make_landscape, make_landscape_animation, make_minimum_marker,
                                         make_panel_axes)
from scenes.components.readout import GlyphNumber, make_readout
from scenes.components.style import ThemedScene, interpolate_path
from scenes.components.trail import make_descent_animation


def _integers_in(lo: float, hi: float, step: int = 1) -> list[int]:
    first = int(np.ceil(lo / step) * step)
    return list(range(first, int(np.floor(hi)) + 1, step))


def _plain_poly(coefficients: dict[int, float]) -> str:
    """``{2: 1.0, 0: 0.0}`` -> ``y = x²``; ``{1: 2.0, 0: 1.0}`` -> ``y = 2x + 1`` (for captions)."""
    powers = {0: "", 1: "x", 2: "x²", 3: "x³"}
    text = ""
    for k in sorted(coefficients, reverse=True):
        c = float(coefficients[k])
        if c == 0:
            continue
        size = abs(c)
        body = (f"{size:g}" if k == 0 or size != 1 else "") + powers[k]
        text += (" − " if c < 0 else " + ") + body if text else ("−" if c < 0 else "") + body
    return "y = " + (text or "0")


class LinearRegression(ThemedScene):
    DATA = "linear-regression"
    TITLE = r"Linear regression"

    # Pace: every duration of the scene, in one place.
    TITLE_TIME = 1.2
    PANELS_TIME = 1.6
    SAMPLES_TIME = 1.4
    START_TIME = 1.0
    SECONDS_PER_STEP = 0.11
    VERDICT_TIME = 1.4
    HOLD_START = 0.6
    HOLD_END = 3.5

    # Layout (scene units).
    LANDSCAPE_CENTER = np.array([-3.75, 0.12, 0])
    LANDSCAPE_SIZE = 4.5
    DATA_CENTER = np.array([3.65, 0.12, 0])
    DATA_SIZE = (5.7, 4.5)
    DATA_X_PAD = 0.5

    # What each beat shows and what to say: (caption, speaker notes), with {fields} filled from the
    # data when the beat begins. A variant overrides the ones that differ.
    BEATS = {
        "title": ("Linear regression: fit a line ŷ = w x + b by minimizing the mean squared error "
                  "L(w, b).",
                  "The linear regression problem is to determine the line that best fits a set of "
                  "data. We minimize the mean-squared error loss L over the weight w and the bias b, "
                  "the knobs we can tweak to change where the line is."),
        "panels": ("Left, the loss landscape over (w, b), its minimum marked; right, the data panel.",
                   "On the left is the loss landscape: every point (w, b) defines a line, and its "
                   "height is that line's loss. The cross marks the lowest loss."),
        "samples": ("{n} noisy samples around the true line {trend}, dashed.",
                    "We start with a line with a known w and b, here w = {w:g} and b = {b:g}, and "
                    "apply noise to the points, just as we would expect real data to have. In a real "
                    "example we would not know the true line."),
        "start": ("The start (w, b) = ({w0:.2f}, {b0:.2f}) and the line it predicts, in red; the "
                  "loss is read out below.",
                  "The position of the point (w, b) defines a line, drawn on the right, with a "
                  "corresponding height that is the current loss."),
        "descent": ("{steps} steps of gradient descent with α = {lr:g}: the point goes down the "
                    "landscape while the line fits the samples.",
                    "By traversing down the loss landscape we find the (w, b) such that the "
                    "corresponding loss is minimal. Watch the red line swing onto the data."),
        "verdict": ("Fitted w = {w:.2f}, b = {b:.2f} (true w = {w_true:g}, b = {b_true:g}); final "
                    "loss {loss:.3f}.",
                    "We can see the loss value is quite low and the fit seems good! The fitted w and b "
                    "come close to the true line's."),
    }

    def beat_text(self, key: str, **facts) -> tuple[str, str]:
        caption, notes = self.BEATS[key]
        return caption.format(**facts), notes.format(**facts)

    # ── Hooks for variants ────────────────────────────────────────────────────────────────────

    def true_function(self, dataset: dict):
        """The noiseless trend the samples were drawn from (the dataset's own definition)."""
        w, b = dataset["w"], dataset["b"]
        return lambda x: w * x + b

    def trend_text(self, dataset: dict) -> str:
        """The trend in plain text, for the captions: y = 2x + 1."""
        return _plain_poly({1: dataset["w"], 0: dataset["b"]})

    def verdict_text(self, wb_final: np.ndarray, loss_final: float, dataset: dict) -> str:
        w, b = wb_final
        return (rf"Fitted $w = {w:.2f}$, $b = {b:.2f}$ (true $w = {dataset['w']:g}$, "
                rf"$b = {dataset['b']:g}$): final loss ${loss_final:.3f}$")

    def verdict_extras(self):
        """Extra animations played with the closing caption (none for the linear data)."""
        return []

    # ── The scene ─────────────────────────────────────────────────────────────────────────────

    def construct(self):
        pal = self.pal
        d = self.data(self.DATA)
        self.d = d
        dataset = d.meta["params"]["dataset"]
        wb = d["positions"][:, 0, :]
        losses = d["losses"][:, 0]
        steps = len(wb) - 1
        self.wb, self.losses = wb, losses
        self.tracker = tracker = ValueTracker(0)

        # ── Beat 1: title and the loss being minimised ────────────────────────────────────────
        self.beat(*self.beat_text("title"))
        title = Tex(self.TITLE, font_size=pal.fonts.title, color=pal.foreground)
        formula = MathTex(d.meta["formula"], font_size=pal.fonts.label, color=pal.foreground)
        head = VGroup(title, formula).arrange(RIGHT, buff=0.6).to_edge(UP, buff=0.25)
        self.play(Write(title), FadeIn(formula, shift=0.1 * DOWN), run_time=self.TITLE_TIME)

        # ── Beat 2: the loss landscape (left) and the data panel (right) ──────────────────────
        self.beat(*self.beat_text("panels"))
        gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
        s = self.LANDSCAPE_SIZE
        land_ax = make_panel_axes(pal, (gx[0], gx[-1], 1), (gy[0], gy[-1], 1), s, s,
                                  x_label="w", y_label="b",
                                  x_numbers=_integers_in(gx[0], gx[-1]),
                                  y_numbers=_integers_in(gy[0], gy[-1]))
        land_ax.shift(self.LANDSCAPE_CENTER - land_ax.frame.get_center())
        landscape = make_landscape(pal, land_ax, gx, gy, gf)
        minimum = make_minimum_marker(pal, land_ax, d["global_minima"][0])

        x, y = d["x"], d["y"]
        x0, x1 = dataset["lo"] - self.DATA_X_PAD, dataset["hi"] + self.DATA_X_PAD
        y0, y1 = np.floor(y.min() - 0.3), np.ceil(y.max() + 0.3)
        ystep = 1 if y1 - y0 <= 6 else 2
        data_ax = make_panel_axes(pal, (x0, x1, 1), (y0, y1, ystep), *self.DATA_SIZE,
                                  x_label="x", y_label="y", grid=True,
                                  x_numbers=_integers_in(x0, x1),
                                  y_numbers=_integers_in(y0, y1, ystep))
        data_ax.shift(self.DATA_CENTER - data_ax.frame.get_center())
        self.axes, self.data_axes, self.landscape = land_ax, data_ax, landscape

        self.play(FadeIn(land_ax), FadeIn(data_ax), make_landscape_animation(landscape),
                  run_time=self.PANELS_TIME)
        self.play(GrowFromCenter(minimum), run_time=0.5)

        # ── Beat 3: the samples and the true trend ────────────────────────────────────────────
        self.beat(*self.beat_text("samples", trend=self.trend_text(dataset), **dataset))
        samples = VGroup(*[Dot(data_ax.c2p(xi, yi), radius=0.045, color=pal.samples, fill_opacity=0.6)
                           for xi, yi in zip(x, y)])
        fn = self.true_function(dataset)
        xs = np.linspace(x0, x1, 161)
        true_curve = VGroup()
        for piece in clipped_polyline(np.column_stack([xs, fn(xs)]), len(xs) - 1, data_ax.box):
            true_curve.add(make_dashed_polyline([data_ax.c2p(px, py) for px, py in piece],
                                                dash=0.11, gap=0.08))
        true_curve.set_stroke(pal.true_line, width=2.5)
        legend = self._legend()
        legend.next_to(data_ax.frame, UP, buff=0.14).align_to(data_ax.frame, RIGHT)
        self.samples, self.true_curve = samples, true_curve
        self.play(LaggedStart(*[FadeIn(p, scale=0.5) for p in samples], lag_ratio=0.02),
                  run_time=self.SAMPLES_TIME)
        self.play(Create(true_curve), FadeIn(legend), run_time=0.8)

        # ── Beat 4: the start (w₀, b₀) and the line it predicts ───────────────────────────────
        self.beat(*self.beat_text("start", w0=wb[0, 0], b0=wb[0, 1]))
        trail = make_clipped_trail(land_ax, wb, tracker, pal.point, stroke_width=3.5,
                                   halo=pal.background)
        point = make_clipped_point(pal, land_ax, wb, tracker, pal.point, radius=0.09)
        line = self._prediction_line(data_ax, wb, tracker)
        loss_readout = make_readout(pal, r"L(w, b) =", losses, tracker, decimals=3, font_size=pal.fonts.label)
        loss_readout.next_to(land_ax.frame, DOWN, buff=0.5)
        line_readout = self._line_readout(wb, tracker)
        line_readout.next_to(data_ax.frame, DOWN, buff=0.5)
        step_readout = make_readout(pal, r"\text{step}", np.arange(steps + 1), tracker, decimals=0,
                                    font_size=pal.fonts.label)
        step_readout.next_to(land_ax.frame, UP, buff=0.14).align_to(land_ax.frame, RIGHT)
        self.dot, self.point, self.trail, self.line = point.dot, point, trail, line
        self.loss_readout, self.line_readout = loss_readout, line_readout
        self.add(trail)
        self.play(GrowFromCenter(point), Create(line), FadeIn(loss_readout), FadeIn(line_readout),
                  FadeIn(step_readout), run_time=self.START_TIME)
        # the readouts' labels never change: in the drawing order before everything that moves,
        # so each play paints them once (nothing overlaps them; the numbers come last)
        readouts = (loss_readout, line_readout, step_readout)
        self.remove(*readouts)
        at = self.mobjects.index(trail)
        self.mobjects[at:at] = [r[0] for r in readouts]
        self.add(*[r[1] for r in readouts])
        self.wait(self.HOLD_START)

        # ── Beat 5: the descent, one stored step after another ────────────────────────────────
        self.beat(*self.beat_text("descent", steps=steps, lr=d.lr))
        self.play(make_descent_animation(tracker, steps, self.SECONDS_PER_STEP))
        # from here on nothing follows the tracker: the trail, point, line and readouts join the
        # static image of the later plays instead of being redrawn every frame
        for m in (trail, point, line, loss_readout, line_readout, step_readout):
            m.clear_updaters()

        # ── Beat 6: the verdict ───────────────────────────────────────────────────────────────
        self.beat(*self.beat_text("verdict", w=wb[-1, 0], b=wb[-1, 1], loss=float(losses[-1]),
                                  w_true=dataset.get("w", 0.0), b_true=dataset.get("b", 0.0)))
        caption = Tex(rf"\mbox{{{self.verdict_text(wb[-1], float(losses[-1]), dataset)}}}", font_size=pal.fonts.label,
                      color=pal.foreground)
        caption.to_edge(DOWN, buff=0.2)
        self.caption = caption
        self.play(FadeIn(caption, shift=0.1 * UP), *self.verdict_extras(), run_time=self.VERDICT_TIME)
        self.wait(self.HOLD_END)

    # ── Pieces ────────────────────────────────────────────────────────────────────────────────

    def _prediction_line(self, axes, wb, tracker) -> Line:
        """ŷ = w x + b across the plot's x-range (cut to the box), for the tracker's (w, b)."""
        box = axes.box
        (x0, x1), _ = box
        line = Line(axes.c2p(x0, 0), axes.c2p(x1, 0), stroke_color=self.pal.prediction, stroke_width=4.5)
        # the axes stay where they were placed: c2p as one affine map (origin, unit steps)
        o = np.asarray(axes.c2p(0, 0), dtype=float)
        ex, ey = np.asarray(axes.c2p(1, 0)) - o, np.asarray(axes.c2p(0, 1)) - o

        def update(m):
            w, b = interpolate_path(wb, tracker.get_value())
            if getattr(m, "wb", None) == (w, b):
                return  # the line of this (w, b) is on screen
            p, q = np.array([x0, w * x0 + b]), np.array([x1, w * x1 + b])
            cut = clip_segment(p, q, box)
            if cut is not None:
                a, z = p + cut[0] * (q - p), p + cut[1] * (q - p)
                # rounding can land a hair outside: pin to the box
                ends = [o + ex * np.clip(e[0], *box[0]) + ey * np.clip(e[1], *box[1]) for e in (a, z)]
                m.set_points_as_corners(np.array(ends))  # a straight Line's points, in place
            m.wb = (w, b)

        line.add_updater(update)
        update(line)
        return line

    def _line_readout(self, wb, tracker) -> VGroup:
        """ŷ = w x ± |b| with the stored (w, b) of the current step: VGroup(label, body), the body
        laid out again only when the step shown changes (numbers from glyphs typeset once, the
        sign swapped on a change)."""
        pal = self.pal
        fs = pal.fonts.label
        lab = MathTex(r"\hat y =", font_size=fs, color=pal.foreground)
        w = GlyphNumber(wb[0, 0], num_decimal_places=3, font_size=fs, color=pal.prediction)
        xx = MathTex("x", font_size=fs, color=pal.foreground)
        signs = {1: MathTex("+", font_size=fs, color=pal.foreground),
                 -1: MathTex("-", font_size=fs, color=pal.foreground)}
        sign = signs[1].copy()
        b = GlyphNumber(abs(wb[0, 1]), num_decimal_places=3, font_size=fs, color=pal.prediction)
        body = VGroup(w, xx, sign, b)  # the updater sits here: the label alone stays still
        group = VGroup(lab, body)
        ref = MathTex(r"\hat y =", "0", font_size=fs)  # digits sit on the label's baseline
        baseline = ref[1].get_bottom()[1] - ref[0].get_center()[1]
        shown = {"k": None, "sign": 1, "at": None}  # the step on screen, its sign, the label's place
        pin = lab.family_members_with_points()[0]  # a point of it tells whether the label moved

        def update(g):
            k = int(round(np.clip(tracker.get_value(), 0, len(wb) - 1)))
            at = tuple(pin.points[0])
            if k == shown["k"] and at == shown["at"]:
                return
            shown["k"], shown["at"] = k, at
            w.set_value(wb[k, 0])
            b.set_value(abs(wb[k, 1]))
            s = 1 if wb[k, 1] >= 0 else -1
            if s != shown["sign"]:
                sign.become(signs[s])
                shown["sign"] = s
            w.next_to(lab, RIGHT, buff=0.15)
            w.shift(UP * (lab.get_center()[1] + baseline - w.get_bottom()[1]))
            xx.next_to(w, RIGHT, buff=0.06).align_to(w, DOWN)
            sign.next_to(xx, RIGHT, buff=0.14)
            b.next_to(sign, RIGHT, buff=0.14).align_to(w, DOWN)

        update(body)
        body.add_updater(update)
        return group

    def _legend(self) -> VGroup:
        pal = self.pal
        fs = pal.fonts.small
        true_key = DashedLine(LEFT * 0.25, RIGHT * 0.25, dash_length=0.09, stroke_color=pal.true_line,
                              stroke_width=2.5)
        sample_key = Dot(radius=0.05, color=pal.samples, fill_opacity=0.6)
        pred_key = Line(LEFT * 0.25, RIGHT * 0.25, stroke_color=pal.prediction, stroke_width=4.5)
        items = [VGroup(k, Tex(t, font_size=fs, color=pal.foreground)).arrange(RIGHT, buff=0.12)
                 for k, t in ((true_key, "True"), (sample_key, "Samples"), (pred_key, "Predicted"))]
        return VGroup(*items).arrange(RIGHT, buff=0.4)
