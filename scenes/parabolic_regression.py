"""The same line model fitted to parabolic data: the descent converges, yet the best line is still
a poor fit. The closing beat shows the residuals of the final line (systematically above the line
at both ends, below it in the middle) and names the problem: high bias.

Data: ``parabolic-regression`` (as ``linear-regression``; the dataset's trend is y = a x² + c).
"""

from __future__ import annotations

import numpy as np
from manim import Create, Line, VGroup

from scenes.linear_regression import LinearRegression, _plain_poly


class ParabolicRegression(LinearRegression):
    DATA = "parabolic-regression"
    TITLE = r"A line fitted to a parabola"

    RESIDUAL_TIME = 1.6  # the residuals drawing in, with the caption

    BEATS = {
        **LinearRegression.BEATS,
        "title": ("A line fitted to a parabola: the same model ŷ = w x + b and loss L(w, b), on data "
                  "whose trend is a parabola.",
                  "Let's consider a different example, where the underlying trend of the data isn't a "
                  "line anymore but a parabola. The model is still a line."),
        "samples": ("{n} noisy samples around the parabola {trend}, dashed.",
                    "In the same way that we created the linear data, we sample points along a "
                    "parabola and apply noise to each of them from a normal distribution."),
        "descent": ("{steps} steps of gradient descent with α = {lr:g}: the point goes down the "
                    "landscape; the loss falls, then stops falling.",
                    "The descent works just as before: the point travels down the landscape and the "
                    "loss falls to the bottom of this landscape."),
        "verdict": ("High bias: no line fits a parabola; final loss {loss:.2f}. Residuals: orange "
                    "where the data lie above the line, teal below.",
                    "The method is working quite well, we've reached the minimum loss again. But there "
                    "is no world where a line will correctly fit a parabola: the model is too simple "
                    "for the pattern in the data. That is high bias."),
    }

    def true_function(self, dataset: dict):
        a, c = dataset["a"], dataset["c"]
        return lambda x: a * x ** 2 + c

    def trend_text(self, dataset: dict) -> str:
        return _plain_poly({2: dataset["a"], 0: dataset["c"]})

    def verdict_text(self, wb_final: np.ndarray, loss_final: float, dataset: dict) -> str:
        return rf"High bias: no line fits a parabola --- final loss ${loss_final:.2f}$"

    def verdict_extras(self):
        """Each sample joined to the final line vertically: where the data sit above the line
        (``residual_above``) and below it (``residual_below``), a pattern no choice of (w, b) removes."""
        pal, ax, line = self.pal, self.data_axes, self.line
        start, end = line.get_start(), line.get_end()
        residuals = VGroup()
        for xi, yi in zip(self.d["x"], self.d["y"]):
            p = ax.c2p(xi, yi)
            # the point of the drawn line straight below/above the sample (interpolation along it)
            on_line = start + (p[0] - start[0]) / (end[0] - start[0]) * (end - start)
            above = p[1] >= on_line[1]
            residuals.add(Line(on_line, p, stroke_width=1.6, stroke_opacity=0.75,
                               stroke_color=pal.residual_above if above else pal.residual_below))
        self.residuals = residuals
        # under the data panel (its grid, samples and lines), as at the very back, but after the
        # landscape panel: what comes before them is painted once, not every frame of the play
        self.mobjects.insert(self.mobjects.index(ax), residuals)
        return [Create(residuals, lag_ratio=0.01, run_time=self.RESIDUAL_TIME)]
