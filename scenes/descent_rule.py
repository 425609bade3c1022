"""descent-rule: the update rule θᵢ₊₁ = θᵢ − α∇f(θᵢ), each symbol tied to the hill in the fog.

Left, the hill f(x, y) = sin x · sin y seen from above around one walker's path; right, the rule,
one line per symbol, and a lens: what the walker can see in the fog, magnified — the local slope,
the gradient ∇f(θᵢ) (blue), the step −α∇f(θᵢ) (orange) and where it lands, θᵢ₊₁. The colours of
the symbols match the picture. The first steps get a beat each, the rest run; then the fog lifts
on the whole path. Data: ``build/data/hill.npz`` (one of its walkers).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Create, DashedLine, Dot, FadeIn, FadeOut, ManimColor,
                   MathTex, SurroundingRectangle, Tex, ValueTracker, VGroup, Write, config, smooth)

from manim.animation.animation import prepare_animation
from manim.animation.composition import AnimationGroup

from scenes.components.fog import (make_fog, make_fog_animation, make_fog_lift_animation, make_lens,
                                   set_lens)
from scenes.components.landscape import colormap_rgb, make_landscape, make_panel_axes
from scenes.components.readout import make_readout, make_vector_readout
from scenes.components.style import ThemedScene, interpolate_path
from scenes.components.trail import make_descent_animation, make_point, make_trail, reveal_trail
from scenes.components.vectors import make_arrow_animation, make_tracked_arrow


def _mix(a, b, t):
    return a.interpolate(b, t)


class DescentRule(ThemedScene):
    SCENARIO = "hill"
    WALKER = 5  # the trajectory shown: it starts near a hilltop and walks down to a valley
    # ---------------------------------------------------------------- pace (seconds)
    WRITE = 2.0  # the rule
    EXPLAIN = 1.3  # each symbol's beat
    READ = 0.7  # a pause after each
    FOG = 1.2  # the fog rolling in, the lens opening
    SLOW_STEPS = 3  # steps shown one beat at a time
    SLOW_MOVE = 1.2
    SLOW_HOLD = 0.6
    SECONDS_PER_STEP = 0.08  # the remaining steps
    LIFT = 1.5  # the fog lifting
    HOLD = 3.0
    # ---------------------------------------------------------------- look
    VIEW_HALF = 3.3  # data units of map each side of the path's centre
    MAP_SIZE = 5.3  # scene units
    FOG_CLEAR = 0.45  # scene radius of the clear disc around the walker on the map
    LENS_RADIUS = 1.3  # scene units
    LENS_SCALE = 13.0  # lens scene units per data unit: the step −α∇f is drawn to this scale
    LEVEL_STEP = 0.01  # f between two level lines in the lens
    SHADE_SPAN = 1.0  # the lens shading spans f ± |∇f|·SHADE_SPAN (a cue: darker uphill)
    GRAD_LENGTH = 1.1  # scene length of the longest ∇f arrow in the lens (display scale)

    # ---------------------------------------------------------------- drawing order
    # Bottom to top. Before every play the scene's mobjects are put in this order, so what stands
    # still (the rule, the map, the text) is painted once per play into manim's static image and
    # only what moves is redrawn every frame. Only things that never overlap trade places.
    STACK = ("rule", "bands", "contours", "axes", "rows", "caption",
             "guides", "theta_label", "trail", "fog", "sight", "walker",
             "lens", "lens_walker", "grad_arrow", "grad_label", "step_arrow", "landing",
             "step_label", "next_label", "end_note", "readouts", "box")

    def play(self, *animations, **kwargs):
        animations = [prepare_animation(a) for a in animations]
        self._restack()
        self._wake(animations)
        super().play(*animations, **kwargs)

    # ---------------------------------------------------------------- updaters that follow something
    # Most updaters here only follow the step tracker (or an arrow growing in). In a play that
    # does not move what they follow they would redraw the same picture every frame and keep
    # everything above them out of the static image, so there they are taken off, and put back
    # for the plays that need them.
    def _follows(self, mobject, *drivers):
        family = [(m, list(m.updaters)) for m in mobject.get_family() if m.updaters]
        self.followers.append((family, drivers))

    def _wake(self, animations):
        def collect(anims):
            for anim in anims:
                yield from anim.mobject.get_family()
                if isinstance(anim, AnimationGroup):
                    yield from collect(anim.animations)

        animated = set(collect(animations))
        for family, drivers in getattr(self, "followers", ()):
            awake = any(d in animated for d in drivers)
            for m, updaters in family:
                for u in updaters:
                    if awake and u not in m.updaters:
                        m.add_updater(u)
                    elif not awake and u in m.updaters:
                        m.remove_updater(u)

    def _restack(self):
        layers = getattr(self, "layers", {})
        order = [m for name in self.STACK for m in layers.get(name, ())]
        ranked = set(order)
        present = set(self.mobjects)
        self.mobjects = ([m for m in order if m in present]
                         + [m for m in self.mobjects if m not in ranked])

    def construct(self):
        pal = self.pal
        self.layers = layers = {}
        self.followers = []
        d = self.data(self.SCENARIO)
        w = self.WALKER
        P = d["positions"][:, w]  # (T+1, 2)
        F = d["losses"][:, w]  # (T+1,)
        G = d["grads"][:, w]  # (T+1, 2)
        steps = len(P) - 1
        lr = d.lr
        gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
        c_theta, c_grad, c_step, c_f = pal.point, pal.gradient, pal.step, pal.objective

        # ---------------------------------------------------------------- the rule, colour-coded
        rule = MathTex(r"\theta_{i+1}", "=", r"\theta_i", "-", r"\alpha", r"\nabla", "f",
                       r"(\theta_i)", font_size=pal.fonts.title, color=pal.foreground)
        for j, c in ((0, c_theta), (2, c_theta), (4, c_step), (5, c_grad), (6, c_f), (7, c_theta)):
            rule[j].set_color(c)
        rule.to_edge(UP, buff=0.35)
        layers["rule"] = [rule]

        # ---------------------------------------------------------------- the map around the path
        centre = (P.min(axis=0) + P.max(axis=0)) / 2
        ix = np.flatnonzero(np.abs(gx - centre[0]) <= self.VIEW_HALF)
        iy = np.flatnonzero(np.abs(gy - centre[1]) <= self.VIEW_HALF)
        cx, cy, cf = gx[ix], gy[iy], gf[np.ix_(iy, ix)]
        lo, hi = float(gf.min()), float(gf.max())
        map_stops = [_mix(pal.background, c_f, 0.04), _mix(pal.background, c_f, 0.22),
                     _mix(pal.background, c_f, 0.45)]
        ticks_x = [v for v in range(-6, 7) if cx[0] <= v <= cx[-1]]
        ticks_y = [v for v in range(-6, 7) if cy[0] <= v <= cy[-1]]
        ax = make_panel_axes(pal, (cx[0], cx[-1], 1), (cy[0], cy[-1], 1), self.MAP_SIZE,
                             self.MAP_SIZE * (cy[-1] - cy[0]) / (cx[-1] - cx[0]),
                             x_label="x", y_label="y", x_numbers=ticks_x, y_numbers=ticks_y)
        ax.move_to(LEFT * 3.85 + DOWN * 0.6)
        self.axes = ax
        hill = make_landscape(SimpleNamespace(**{**vars(pal), "landscape": map_stops}), ax,
                              cx, cy, cf, n_levels=9, norm="linear")
        layers.update(bands=[hill.bands], contours=[hill.contours], axes=[ax])

        # ---------------------------------------------------------------- the right column
        col_x = 0.2
        rows_spec = [
            (r"f", c_f, r"the surface height of the hill"),
            (r"\theta", c_theta, r"the position $(x, y)$, seen from above"),
            (r"\nabla f(\theta)", c_grad, r"the gradient: the way up, so we step against it"),
            (r"\alpha", c_step, rf"the learning rate: how big a step ($\alpha = {lr:g}$)"),
        ]
        rows = VGroup()
        for sym, colour, text in rows_spec:
            s = MathTex(sym, font_size=pal.fonts.math, color=colour)
            t = Tex(text, font_size=pal.fonts.small, color=pal.foreground)
            rows.add(VGroup(s, t))
        sym_w = max(r[0].width for r in rows)
        for j, r in enumerate(rows):
            r[0].move_to([col_x + sym_w / 2, 2.2 - 0.52 * j, 0])
            r[1].next_to([col_x + sym_w + 0.35, r[0].get_y(), 0], RIGHT, buff=0)
        room = config.frame_width / 2 - 0.25 - col_x  # keep the rows inside the frame
        if rows.width > room:
            rows.scale(room / rows.width, about_edge=LEFT)
        lens_pos = np.array([col_x + self.LENS_RADIUS + 0.1, -1.75, 0.0])
        layers["rows"] = list(rows)

        # ---------------------------------------------------------------- beat: the rule
        self.beat("The update rule θ_(i+1) = θ_i − α ∇f(θ_i), each symbol in its colour.",
                  "In its simplest form, gradient descent is repeatedly computing one equation: the "
                  "next theta is the current theta minus alpha times the gradient of f at theta.")
        self.play(Write(rule), run_time=self.WRITE)

        def flag(part, colour):
            box = SurroundingRectangle(part, color=colour, buff=0.06, stroke_width=2.5)
            return box

        # ---------------------------------------------------------------- beat: f, the height of the hill
        self.beat("f, the surface height of the hill, as a map seen from above.",
                  "f is the function we're minimizing with gradient descent: it's the surface height "
                  "of the hill.")
        box = flag(rule[6], c_f)
        layers["box"] = [box]
        self.play(FadeIn(hill.bands), Create(hill.contours), FadeIn(ax), Create(box),
                  FadeIn(rows[0], shift=LEFT * 0.2), run_time=self.EXPLAIN)
        self.wait(self.READ)

        # ---------------------------------------------------------------- beat: θ, where we stand
        self.beat(f"θ, the position (x, y) on the hill; the walk starts at θ_0 = "
                  f"({P[0][0]:.2f}, {P[0][1]:.2f}).",
                  "Theta is the set of variables that f needs: it's the x and y position on the hill, "
                  "looking top down.")
        k = ValueTracker(0)

        def here():
            return interpolate_path(P, k.get_value())

        walker = make_point(ax, P, k, c_theta, radius=pal.strokes["point_radius"])
        walker.set_stroke(pal.background, width=2)
        trail = make_trail(ax, P, c_theta, 2.5, opacity=0.9)
        reveal_trail(trail, k)
        p0 = np.asarray(ax.c2p(*P[0]))
        guides = VGroup(DashedLine(p0, ax.c2p(P[0][0], cy[0]), color=c_theta, stroke_width=2),
                        DashedLine(p0, ax.c2p(cx[0], P[0][1]), color=c_theta, stroke_width=2))
        theta_label = MathTex(r"\theta_0", "=", rf"({P[0][0]:.2f},\ {P[0][1]:.2f})",
                              font_size=pal.fonts.label, color=c_theta)
        theta_label.next_to(p0, UP + RIGHT, buff=0.1)
        theta_label.set_stroke(pal.background, width=3, background=True)
        layers.update(guides=[guides], theta_label=[theta_label], trail=[trail], walker=[walker])
        self.play(box.animate.become(flag(VGroup(rule[0], rule[2], rule[7]), c_theta)),
                  FadeIn(walker, scale=0.5), Create(guides), FadeIn(theta_label),
                  FadeIn(rows[1], shift=LEFT * 0.2), run_time=self.EXPLAIN)
        self.add(trail, walker)
        self._follows(trail, k)
        self._follows(walker, k)
        self.wait(self.READ)

        # ---------------------------------------------------------------- beat: the fog, and what we can see
        self.beat("The fog: only the ground close by can be seen, magnified in the lens.",
                  "Imagine you are stranded on a large hill and dense fog surrounds you, so that you "
                  "can only see a few feet around. You can't see far enough to path out how to get to "
                  "the bottom.")
        map_scale = self.MAP_SIZE / (cx[-1] - cx[0])  # scene units per data unit on the map
        lens_scale = self.LENS_SCALE
        zoom = lens_scale / map_scale
        fog_colour = _mix(pal.background, pal.muted, 0.3)  # grey, unlike any ground colour
        fog = make_fog(ax.frame, lambda: ax.c2p(*here()), radius=self.FOG_CLEAR,
                       color=fog_colour, opacity=0.93)
        sight = _follow(Circle(radius=self.FOG_CLEAR, stroke_color=pal.muted, stroke_width=1.2,
                               stroke_opacity=0.8), lambda: ax.c2p(*here()))
        g_top = float(np.max(np.linalg.norm(G, axis=1)))

        def grad_now():
            return interpolate_path(G, k.get_value())

        def lens_now():  # the lens's direction, level lines and shading at the tracker's step
            f_now, g = float(interpolate_path(F, k.get_value())), grad_now()
            slope = float(np.linalg.norm(g))
            # level lines where the stored height changes by LEVEL_STEP along the stored slope
            span = self.LENS_RADIUS / lens_scale * slope  # change of f across the lens radius
            first = np.ceil((f_now - span) / self.LEVEL_STEP)
            levels = (first + np.arange(0, 60)) * self.LEVEL_STEP
            levels = levels[levels <= f_now + span]
            offsets = (levels - f_now) / max(slope, 1e-9) * lens_scale
            shade = slope * self.SHADE_SPAN
            low, high = colormap_rgb(map_stops, (np.array([f_now - shade, f_now + shade]) - lo) / (hi - lo))
            return g, offsets, ManimColor.from_rgb(low), ManimColor.from_rgb(high)

        g0, offsets0, low0, high0 = lens_now()
        lens = make_lens(lens_pos, self.LENS_RADIUS, g0, offsets0, low0, high0, pal.muted,
                         pal.foreground, rim_width=2.0)
        lens_at = {"k": k.get_value()}

        def turn_lens(m):  # built once, turned and shaded in place when the step changes
            if k.get_value() != lens_at["k"]:
                lens_at["k"] = k.get_value()
                set_lens(m, *lens_now())

        lens.add_updater(turn_lens)
        self._follows(fog, k, fog.clear, fog.density)
        self._follows(sight, k)
        self._follows(lens, k)
        lens_walker = Dot(lens_pos, radius=pal.strokes["point_radius"] * 1.2, color=c_theta)
        lens_walker.set_stroke(pal.background, width=2)
        lens_caption = Tex(rf"in the fog: the ground at $\theta_i$,\\ magnified $\times{zoom:.0f}$",
                           font_size=pal.fonts.small, color=pal.muted)
        lens_caption.next_to(lens_pos + DOWN * self.LENS_RADIUS, DOWN, buff=0.15)
        layers.update(fog=[fog], sight=[sight], lens=[lens], lens_walker=[lens_walker],
                      caption=[lens_caption])
        fog_in = make_fog_animation(fog, self.FOG)  # starts the veils at nothing
        self.add(fog)  # (a tracker animation would not put the fog itself on screen)
        self.play(FadeOut(guides), FadeOut(theta_label), fog_in,
                  FadeIn(sight), FadeIn(lens, scale=0.8), FadeIn(lens_walker),
                  FadeIn(lens_caption), box.animate.set_opacity(0), run_time=self.FOG)
        self.add(fog, sight, walker, lens, lens_walker)

        # ---------------------------------------------------------------- beat: ∇f(θ), the way up
        self.beat("∇f(θ_i) in blue: the gradient, the way up.",
                  "The gradient of f with respect to theta is the direction we move in x and y on the "
                  "hill. It points to where we climb fastest, so we step the other way.")
        def lens_point(xy):  # data near the walker -> the lens
            offset = (np.asarray(xy, dtype=float) - here()) * lens_scale
            return lens_pos + np.array([offset[0], offset[1], 0.0])

        def next_index():
            return min(int(np.floor(k.get_value() + 1e-6)) + 1, steps)

        grad_arrow = make_tracked_arrow(
            lambda: lens_pos,
            lambda: lens_pos + _scene_vec(grad_now()) / g_top * self.GRAD_LENGTH,
            c_grad, stroke_width=5, tip_length=0.2, min_length=0.05)
        grad_label = MathTex(r"\nabla f(\theta_i)", font_size=pal.fonts.label, color=c_grad)
        grad_label.set_stroke(pal.background, width=3, background=True)
        # labels beside their arrows, on either side of the line the two arrows share
        grad_label.add_updater(lambda m: m.move_to(
            (lens_pos + grad_arrow.get_end()) / 2 + _perp(grad_arrow.get_end() - lens_pos) * 0.4))
        layers.update(grad_arrow=[grad_arrow], grad_label=[grad_label])
        self._follows(grad_arrow, k, grad_arrow)
        self._follows(grad_label, k, grad_arrow)
        self.play(make_arrow_animation(grad_arrow), FadeIn(grad_label),
                  box.animate.become(flag(VGroup(rule[5], rule[6], rule[7]), c_grad)),
                  FadeIn(rows[2], shift=LEFT * 0.2), run_time=self.EXPLAIN)
        self.add(grad_arrow, grad_label)
        self.wait(self.READ)

        # ---------------------------------------------------------------- beat: α, the step against it
        self.beat(f"The step −α ∇f(θ_i) in orange, with the learning rate α = {lr:g}; it lands on "
                  "θ_(i+1). The readouts give this step's numbers.",
                  "Alpha is a scalar for the gradient to decrease how big of a step we take, often "
                  "called the learning rate. The step lands exactly on the next theta.")
        step_arrow = make_tracked_arrow(lambda: lens_pos, lambda: lens_point(P[next_index()]),
                                        c_step, stroke_width=5, tip_length=0.16, min_length=0.05)
        landing = _follow(Circle(radius=0.07, stroke_color=c_theta, stroke_width=2.5),
                          lambda: lens_point(P[next_index()]))
        step_label = MathTex(r"-\alpha\nabla f(\theta_i)", font_size=pal.fonts.label,
                             color=c_step)
        step_label.set_stroke(pal.background, width=3, background=True)
        step_label.add_updater(lambda m: m.move_to(
            lens_pos - _unit(grad_arrow.get_end() - lens_pos) * 0.3
            - _perp(grad_arrow.get_end() - lens_pos) * 0.42))
        next_label = MathTex(r"\theta_{i+1}", font_size=pal.fonts.label, color=c_theta)
        next_label.set_stroke(pal.background, width=3, background=True)
        next_label.add_updater(lambda m: m.move_to(
            lens_point(P[next_index()]) - _unit(grad_arrow.get_end() - lens_pos) * 0.3
            + _perp(grad_arrow.get_end() - lens_pos) * 0.25))
        layers.update(step_arrow=[step_arrow], landing=[landing], step_label=[step_label],
                      next_label=[next_label])
        self._follows(step_arrow, k, step_arrow)
        for m in (landing, step_label, next_label):
            m.update()  # in place before they fade in (their updaters rest in this play)
            self._follows(m, k, grad_arrow)
        self.play(make_arrow_animation(step_arrow), FadeIn(landing), FadeIn(step_label),
                  FadeIn(next_label),
                  box.animate.become(flag(VGroup(rule[3], rule[4], rule[5], rule[6], rule[7]), c_step)),
                  FadeIn(rows[3], shift=LEFT * 0.2), run_time=self.EXPLAIN)
        self.add(step_arrow, landing, step_label, next_label)

        # ---------------------------------------------------------------- the numbers of this step
        def at_step(t):
            return int(np.floor(t + 1e-6))

        moves = np.diff(P, axis=0)  # θ_{i+1} − θ_i: the step actually taken (= −α∇f(θ_i))
        moves = np.vstack([moves, moves[-1:] * 0])
        nexts = np.vstack([P[1:], P[-1:]])
        size = pal.fonts.small
        readouts = VGroup(
            make_readout(pal, "i =", np.arange(steps + 1), k, decimals=0, font_size=size),
            make_vector_readout(pal, r"\theta_i =", P, k, font_size=size, color=c_theta,
                                index=at_step),
            make_vector_readout(pal, r"\nabla f(\theta_i) =", G, k, font_size=size, color=c_grad,
                                index=at_step),
            make_vector_readout(pal, r"-\alpha\nabla f(\theta_i) =", moves, k, decimals=3,
                                font_size=size, color=c_step, index=at_step),
            make_vector_readout(pal, r"\theta_{i+1} =", nexts, k, font_size=size, color=c_theta,
                                index=at_step),
        )
        readouts[0].submobjects[0].set_color(pal.muted)
        readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        readouts.next_to(lens_pos + RIGHT * self.LENS_RADIUS, RIGHT, buff=0.45)
        layers["readouts"] = [readouts]
        self._follows(readouts, k)
        self.play(FadeIn(readouts), box.animate.become(flag(rule, pal.muted)).set_opacity(0),
                  run_time=0.8)
        self.remove(box)  # faded out: nothing left to draw

        # ---------------------------------------------------------------- beat: the first steps, one at a time
        self.beat(f"The first {self.SLOW_STEPS} steps, one at a time.",
                  "You follow the direction of greatest descent local to what you can see. As you "
                  "descend you get new information about your surroundings, so you change your "
                  "direction every so often to the new greatest descent.")
        self.wait(self.READ)
        for i in range(1, self.SLOW_STEPS + 1):
            self.play(k.animate.set_value(i), run_time=self.SLOW_MOVE, rate_func=smooth)
            self.wait(self.SLOW_HOLD)

        # ---------------------------------------------------------------- beat: walking on in the fog
        self.beat(f"The walk goes on in the fog, {steps} steps in all.",
                  "The same rule, step after step: look at the slope, step against it, look again.")
        self.play(FadeOut(grad_label), FadeOut(step_label), FadeOut(next_label), run_time=0.4)
        self.play(make_descent_animation(k, steps, self.SECONDS_PER_STEP))

        # ---------------------------------------------------------------- beat: the fog lifts
        self.beat("The fog lifts: θ has walked down to a valley floor, a minimum of f.",
                  "Eventually you'll either reach a valley in the hill landscape or the true bottom "
                  "where you're trying to be. What you've just done is gradient descent down the "
                  "hill!")
        self.dots = [walker]
        end_note = Tex(r"\begin{flushleft}The fog lifts: $\theta$ has walked down\\"
                       r"to a valley floor, a minimum of $f$.\end{flushleft}",
                       font_size=pal.fonts.label, color=pal.foreground)
        end_note.next_to(rows, DOWN, buff=0.5, aligned_edge=LEFT)
        layers["end_note"] = [end_note]
        self.play(make_fog_lift_animation(fog, self.LIFT), FadeOut(sight),
                  FadeOut(VGroup(lens, lens_walker, lens_caption, grad_arrow, step_arrow, landing)),
                  run_time=self.LIFT)
        self.remove(fog)
        self.play(FadeIn(end_note, shift=UP * 0.1),
                  readouts.animate.next_to(end_note, DOWN, buff=0.45, aligned_edge=LEFT),
                  run_time=0.8)
        self.wait(self.HOLD)


def _unit(v):
    v = np.asarray(v, dtype=float)
    n = np.linalg.norm(v)
    return v / n if n > 0 else np.array([1.0, 0.0, 0.0])


def _scene_vec(v):
    return np.array([v[0], v[1], 0.0])


def _perp(v):
    u = _unit(v)
    return np.array([-u[1], u[0], 0.0])


def _follow(mobject, get_point):
    """Keep ``mobject`` centred on ``get_point()`` (moved, not rebuilt, every frame)."""
    mobject.move_to(get_point())
    mobject.add_updater(lambda m: m.move_to(get_point()))
    return mobject
