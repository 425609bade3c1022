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


SCENES: dict[str, SceneEntry] = {e.name: e for e in [
    SceneEntry("convex-descent", "convex_descent", "ConvexDescent", ("convex-1d",),
               "A point descends the parabola; the derivative (blue) and the step against it."),
    SceneEntry("multiple-minima", "multiple_minima", "MultipleMinima", ("multiple-minima-1d",),
               "Several starts on a function with two global minima and a local one in the centre."),
    SceneEntry("hill-descent", "hill_descent", "HillDescent", ("hill",),
               "Random points descend sin x sin y: a 3-D view and a top-down view of their paths."),
    SceneEntry("gradient-field", "gradient_field", "GradientField", ("gradient-field",),
               "The gradient vector field of sin x sin y with the descent paths following −∇f."),
    SceneEntry("linear-regression", "linear_regression", "LinearRegression", ("linear-regression",),
               "The (w, b) point descends the loss landscape while the predicted line fits the samples."),
    SceneEntry("parabolic-regression", "parabolic_regression", "ParabolicRegression",
               ("parabolic-regression",),
               "The same descent on parabolic data: it converges, but a line cannot fit a parabola."),
    SceneEntry("loss-comparison", "loss_comparison", "LossComparison",
               ("linear-regression", "parabolic-regression"),
               "Slices along the valleys of both loss landscapes: the parabolic minimum is far higher."),
    SceneEntry("learning-rates", "learning_rates", "LearningRates",
               ("lr-small", "lr-good", "lr-large", "lr-unstable"),
               "Four learning rates on the bowl (5x² + y²)/2: slow, good, a bit unstable, unusable."),
    SceneEntry("descent-rule", "descent_rule", "DescentRule", ("hill",),
               "The update rule θ ← θ − α∇f(θ), each symbol tied to the hill in the fog."),
    SceneEntry("nn-landscape", "nn_landscape", "NNLandscape", ("nn-landscape", "parabolic-regression"),
               "A small network fits the parabola the line could not: its loss surface and contours "
               "on the PCA plane of GD's and Adam's paths."),
    *[SceneEntry(f"race-{surface}", "optimizer_race", f"Race{surface.title()}", (f"race-{surface}",),
                 f"Six optimizers race on the {label}: trails, live loss curves, the step counter.")
      for surface, label in (("rosenbrock", "Rosenbrock valley"), ("himmelblau", "Himmelblau surface"),
                             ("rastrigin", "Rastrigin surface"), ("saddle", "saddle x² − y²"))],
]}
