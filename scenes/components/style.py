"""The theme as manim colours, and base scenes that apply it and load their data."""

from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
from manim import Scene, ThreeDScene, ManimColor, TexTemplate, config

from core import theme as _theme
from core.datafile import ScenarioData, load_scenario

from .beats import BEATS_ENV, Beat, write_beats


def palette(name: str | None = None) -> SimpleNamespace:
    """The theme (``core.theme.load``) for Manim: every concept a ManimColor attribute
    (``pal.gradient``, ``pal.linear_data``), colour lists too (``pal.paths[i]``, ``pal.landscape``),
    ``pal.fonts.label`` (the type scale), ``pal.strokes["path"]`` and ``pal.optimizer_colours``."""
    raw = _theme.load(name)
    out = {}
    for key, value in raw.items():
        if isinstance(value, str) and value.startswith("#"):
            out[key] = ManimColor(value)
        elif isinstance(value, list):
            out[key] = [ManimColor(v) for v in value]
        else:
            out[key] = value
    out["fonts"] = SimpleNamespace(**raw["fonts"])
    return SimpleNamespace(**out)


def tex_template() -> TexTemplate:
    """LaTeX for every label: amsmath/amssymb, bm for bold θ."""
    t = TexTemplate()
    t.add_to_preamble(r"\usepackage{bm}")
    return t


class _Themed:
    """Mixin: ``self.pal`` is the palette, the background follows the theme, ``self.data(name)``,
    ``self.beat(caption, notes)``."""

    def setup(self):
        super().setup()
        self.pal = palette()
        self.camera.background_color = self.pal.background
        self.tex = tex_template()
        self.beats: list[Beat] = []

    @staticmethod
    def data(name: str) -> ScenarioData:
        return load_scenario(name)

    def beat(self, caption: str, notes: str) -> None:
        """Begin a beat here: what follows, up to the next beat, is one thing to look at and talk about.

        ``caption`` says in plain words what the beat shows (formulas written readably,
        "θ ← θ − α ∇f(θ)"); ``notes`` are one to three sentences for the speaker. A video build
        only records the time the beat begins (no frame changes); a slides build (the scene as a
        manim-slides ``Slide``, which has ``next_slide``) also ends the slide before it here.
        """
        if not caption.strip() or not notes.strip():
            raise ValueError(f"{type(self).__name__}: beat {len(self.beats)} needs a caption and notes")
        self.beats.append(Beat(len(self.beats), float(self.renderer.time), caption.strip(),
                               " ".join(notes.split())))
        next_slide = getattr(self, "next_slide", None)
        if next_slide is not None:
            next_slide(notes=self.beats[-1].notes)

    def tear_down(self):
        super().tear_down()
        out = os.environ.get(BEATS_ENV)
        if out:
            write_beats(out, type(self).__name__, float(self.renderer.time), self.beats)


class ThemedScene(_Themed, Scene):
    """A 2-D scene in the project's theme. (What does not move is painted once per animation by
    ``render.manim_run``'s ``get_moving_mobjects``, with manim's other internals it changes.)"""


class ThemedThreeDScene(_Themed, ThreeDScene):
    """A 3-D scene in the project's theme."""


def interpolate_path(points: np.ndarray, k: float) -> np.ndarray:
    """The point at fractional step ``k`` along a polyline of steps (linear between steps)."""
    last = len(points) - 1
    k = min(max(k, 0.0), last)
    i = min(int(np.floor(k)), last - 1) if last > 0 else 0
    frac = k - i
    if last == 0:
        return np.asarray(points[0], float)
    return (1 - frac) * np.asarray(points[i], float) + frac * np.asarray(points[i + 1], float)


__all__ = ["palette", "tex_template", "Beat", "write_beats", "ThemedScene", "ThemedThreeDScene", "interpolate_path", "config"]
