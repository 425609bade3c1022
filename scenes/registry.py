"""Every scene: its file, class, the scenario data it shows and a one-line description.

Adding a scene = one file in scenes/ plus one entry here. The render pipeline reads this to know
what to render and which data files each video depends on.
"""

from __future__ import annotations

from typing import NamedTuple


class SceneEntry(NamedTuple):
    name: str  # the public name: make scene SCENE=<name>, media/videos/<name>.mp4
    module: str  # file under scenes/ without .py
    cls: str  # the Scene subclass
    data: tuple[str, ...]  # scenarios read from build/data/<scenario>.npz
    description: str
    # The poster's alt text (its finished picture), one or two sentences with the key numbers:
    # fields {scenario.fact} are filled from the data (render/alt.py lists the facts).
    alt: str = ""
    # The AV1 file's CRF where the default (render/ffmpeg.py's AV1) misses its goal on this scene:
    # at most 0.7x the MP4's bytes at an SSIM at least the MP4's (make bench prints both). Lower
    # for a scene whose AV1 blurs (formulas), higher for one with SSIM to spare (the races' trails).
    av1_crf: int | None = None


RACE_ALT = ("Six optimizers (gradient descent, momentum, Nesterov, AdaGrad, RMSProp, Adam) race "
            "from {s.start} on the {label} for {s.steps} steps, each trail beside its loss curve; "
            "final losses: {s.runs}; {s.lowest}.")


SCENES: dict[str, SceneEntry] = {e.name: e for e in [
    SceneEntry("convex-descent", "convex_descent", "ConvexDescent", ("convex-1d",),
               "A point descends the parabola; the derivative (blue) and the step against it.",
               "Gradient descent on the parabola f(x) = x²: the point starts at x = {convex-1d.start} "
               "and, with learning rate α = {convex-1d.lr}, steps down to x = {convex-1d.end} in "
               "{convex-1d.steps} steps (f = {convex-1d.final_loss}), at the global minimum x = 0."),
    SceneEntry("multiple-minima", "multiple_minima", "MultipleMinima", ("multiple-minima-1d",),
               "Several starts on a function with two global minima and a local one in the centre.",
               "{multiple-minima-1d.points} points descend f(x) = x⁶/6 − 5x⁴/4 + 2x² + 4/3 with "
               "α = {multiple-minima-1d.lr} for {multiple-minima-1d.steps} steps: "
               "{multiple-minima-1d.minima}."),
    SceneEntry("hill-descent", "hill_descent", "HillDescent", ("hill",),
               "Random points descend sin x sin y: a 3-D view and a top-down view of their paths.",
               "{hill.points} random points descend the hill f(x, y) = sin x sin y, shown as a 3-D "
               "surface and from above, with α = {hill.lr} for {hill.steps} steps: {hill.minima}."),
    SceneEntry("gradient-field", "gradient_field", "GradientField", ("gradient-field",),
               "The gradient vector field of sin x sin y with the descent paths following −∇f.",
               "Arrows of the gradient of f(x, y) = sin x sin y over its contour map, with "
               "{gradient-field.points} descent paths (α = {gradient-field.lr}, "
               "{gradient-field.steps} steps) following −∇f: {gradient-field.minima}."),
    SceneEntry("linear-regression", "linear_regression", "LinearRegression", ("linear-regression",),
               "The (w, b) point descends the loss landscape while the predicted line fits the samples.",
               "Left, the mean squared error over (w, b) with the descent path from "
               "{linear-regression.start} to {linear-regression.end} in {linear-regression.steps} "
               "steps at α = {linear-regression.lr}; right, {linear-regression.samples} noisy "
               "samples of a line and the fitted line, final loss {linear-regression.final_loss}."),
    SceneEntry("parabolic-regression", "parabolic_regression", "ParabolicRegression",
               ("parabolic-regression",),
               "The same descent on parabolic data: it converges, but a line cannot fit a parabola.",
               "Left, the mean squared error over (w, b) for parabolic data with the descent path "
               "from {parabolic-regression.start} to {parabolic-regression.end} in "
               "{parabolic-regression.steps} steps at α = {parabolic-regression.lr}; right, "
               "{parabolic-regression.samples} samples of a parabola and the best line through "
               "them, final loss {parabolic-regression.final_loss}."),
    SceneEntry("loss-comparison", "loss_comparison", "LossComparison",
               ("linear-regression", "parabolic-regression"),
               "Slices along the valleys of both loss landscapes: the parabolic minimum is far higher.",
               "The loss along the valley of each landscape: the descent on linear data ends at "
               "loss {linear-regression.final_loss}, the one on parabolic data at "
               "{parabolic-regression.final_loss}, the best a line can do there.", av1_crf=46),
    SceneEntry("learning-rates", "learning_rates", "LearningRates",
               ("lr-small", "lr-good", "lr-large", "lr-unstable"),
               "Four learning rates on the bowl (5x² + y²)/2: slow, good, a bit unstable, unusable.",
               "Four descents of the bowl f(x, y) = (5x² + y²)/2 from {lr-small.start}, "
               "{lr-small.steps} steps each: α = {lr-small.lr} is slow (f = {lr-small.final_loss}), "
               "α = {lr-good.lr} converges (f = {lr-good.final_loss}), α = {lr-large.lr} zigzags "
               "(f = {lr-large.final_loss}) and α = {lr-unstable.lr} diverges "
               "(f = {lr-unstable.final_loss})."),
    SceneEntry("descent-rule", "descent_rule", "DescentRule", ("hill",),
               "The update rule θ ← θ − α∇f(θ), each symbol tied to the hill in the fog.",
               "The update rule θ ← θ − α∇f(θ) beside a map of the hill f(x, y) = sin x sin y: "
               "the point θ, the gradient ∇f(θ) and the step −α∇f(θ) with α = {hill.lr}, each "
               "symbol coloured as its arrow.", av1_crf=44),
    SceneEntry("nn-landscape", "nn_landscape", "NNLandscape", ("nn-landscape", "parabolic-regression"),
               "A small network fits the parabola the line could not: its loss surface and contours "
               "on the PCA plane of GD's and Adam's paths.",
               "A small tanh network trained on the parabolic data for {nn-landscape.steps} steps by two optimizers from one start: its "
               "loss over the plane of the two main directions of the training paths, as a surface "
               "and as contours, and its curve fitting the samples; the final losses, "
               "{nn-landscape.runs}, fall far below the best line's {parabolic-regression.final_loss}.",
               av1_crf=47),
    *[SceneEntry(f"race-{surface}", "optimizer_race", f"Race{surface.title()}", (f"race-{surface}",),
                 f"Six optimizers race on the {label}: trails, live loss curves, the step counter.",
                 RACE_ALT.replace("{s.", "{race-" + surface + ".").replace("{label}", label), av1_crf=crf)
      for surface, label, crf in (("rosenbrock", "Rosenbrock valley", 50),
                                  ("himmelblau", "Himmelblau surface", None),
                                  ("rastrigin", "Rastrigin surface", 50),
                                  ("saddle", "saddle x² − y²", None))],
]}
