"""Every figure: its family module, the scenario data it reads, its title and a one-line description.

Adding a figure = one function (in a family module here, or a module of its own) plus one entry
below. The make rules (``build/figures.mk``, see :func:`makefile_text`), the manifest and the
gallery are generated from this list. Importing it loads neither matplotlib nor manim.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

PACKAGE = Path(__file__).resolve().parent  # render/figures/


class FigureEntry(NamedTuple):
    name: str  # media/figures/<name>.png|svg, python -m render.figures <name>
    module: str  # its family: render/figures/<module>.py
    data: tuple[str, ...]  # scenarios read from build/data/<scenario>.npz
    title: str  # the figure's title (the post's, where it has one)
    description: str  # one line for --list, the manifest and the gallery
    # Fields added later go below, each with a default, so existing entries stay valid.
    function: str = ""  # draws it: function(ctx) -> Figure; default: the name, '-' as '_'
    # Its alt text, one or two sentences with the key numbers: fields {scenario.fact} are filled
    # from the data (render/alt.py lists the facts); the manifest and the gallery use it.
    alt: str = ""

    @property
    def draw_function(self) -> str:
        return self.function or self.name.replace("-", "_")


FIGURES: dict[str, FigureEntry] = {e.name: e for e in [
    FigureEntry("true-line-and-noisy-points", "regression", ("linear-regression",),
                "True Line and Noisy Points",
                "The true line y = 2x + 1 and the 100 noisy samples of the linear dataset.",
                alt="Scatter plot of {linear-regression.samples} noisy samples (noise σ = "
                "{linear-regression.sigma}) about the true line {linear-regression.true_line}."),
    FigureEntry("example-result", "regression", ("linear-regression",), "Example Result Plot",
                "True line (dashed), the samples, and the line predicted after training.",
                alt="The {linear-regression.samples} samples, the true line "
                "{linear-regression.true_line} (dashed) and the line learned by gradient "
                "descent: (w, b) = {linear-regression.end} after {linear-regression.steps} "
                "steps at α = {linear-regression.lr}, loss {linear-regression.final_loss}."),
    FigureEntry("gradient-field-with-paths", "descent", ("gradient-field",), "Gradient Field with Paths",
                "The gradient vector field of sin x sin y with the descent paths against it.",
                alt="Arrows of the gradient of f(x, y) = sin x sin y over its contours, with "
                "{gradient-field.points} descent paths (α = {gradient-field.lr}, "
                "{gradient-field.steps} steps) running against them: {gradient-field.minima}."),
    FigureEntry("hill-paths", "descent", ("hill",), "Descent on the Hill",
                "The hill sin x sin y in 3-D with the descent paths, and the top-down view beside it.",
                alt="The hill f(x, y) = sin x sin y in 3-D and seen from above, with {hill.points} "
                "descent paths (α = {hill.lr}, {hill.steps} steps): {hill.minima}."),
    FigureEntry("regression-loss-landscape", "regression", ("linear-regression", "parabolic-regression"),
                "Loss Landscapes over (w, b)",
                "The (w, b) loss landscapes of the linear and parabolic datasets with their trajectories.",
                alt="Contour maps of the loss over (w, b) for linear and for parabolic data, each "
                "with its descent path from {linear-regression.start}: the linear one ends at "
                "{linear-regression.end} (loss {linear-regression.final_loss}), the parabolic "
                "one at {parabolic-regression.end} (loss {parabolic-regression.final_loss})."),
    FigureEntry("comparison-of-losses", "regression", ("linear-regression", "parabolic-regression"),
                "Comparison of Losses",
                "Slices along the valleys of both loss landscapes: the parabolic minimum is far higher.",
                alt="The loss along the valley of each landscape: the minimum for linear data is "
                "{linear-regression.final_loss}, for parabolic data "
                "{parabolic-regression.final_loss}, far higher, as a line cannot fit a "
                "parabola."),
    FigureEntry("lr-slow-and-steady", "learning_rates", ("lr-small",), "Slow and Steady",
                "Learning rate too small on the bowl (5x² + y²)/2: the path and the loss curve.",
                "learning_rate",
                alt="The path on the bowl f(x, y) = (5x² + y²)/2 from {lr-small.start} and its loss "
                "per step with α = {lr-small.lr}: after {lr-small.steps} steps it is still at f "
                "= {lr-small.final_loss}, far from the minimum."),
    FigureEntry("lr-adequately-fast", "learning_rates", ("lr-good",), "Adequately Fast",
                "A good learning rate on the bowl: fast convergence, the path and the loss curve.",
                "learning_rate",
                alt="The path on the bowl f(x, y) = (5x² + y²)/2 from {lr-good.start} and its loss "
                "per step with α = {lr-good.lr}: it reaches the minimum, the loss falling to "
                "{lr-good.final_loss} in {lr-good.steps} steps."),
    FigureEntry("lr-a-bit-unstable", "learning_rates", ("lr-large",), "A Bit Unstable",
                "A large learning rate on the bowl: oscillations as it settles.", "learning_rate",
                alt="The path on the bowl f(x, y) = (5x² + y²)/2 from {lr-large.start} and its loss "
                "per step with α = {lr-large.lr}: it zigzags across the valley as it settles, f "
                "= {lr-large.final_loss} after {lr-large.steps} steps."),
    FigureEntry("lr-unusable", "learning_rates", ("lr-unstable",), "Unusable",
                "A learning rate far too large: the path leaves the view and the loss diverges.",
                "learning_rate",
                alt="The path on the bowl f(x, y) = (5x² + y²)/2 from {lr-unstable.start} and its "
                "loss per step with α = {lr-unstable.lr}: it leaves the view and the loss grows "
                "to {lr-unstable.final_loss} after {lr-unstable.steps} steps."),
    FigureEntry("multiple-minima", "descent", ("multiple-minima-1d",), "Multiple Minima Function",
                "Starts on the double well, coloured by the minimum they end in (global or local).",
                alt="The curve f(x) = x⁶/6 − 5x⁴/4 + 2x² + 4/3 with {multiple-minima-1d.points} "
                "starts coloured by where they end after {multiple-minima-1d.steps} steps at α "
                "= {multiple-minima-1d.lr}: {multiple-minima-1d.minima}."),
    FigureEntry("convex", "descent", ("convex-1d",), "Convex Function",
                "A point descending the parabola x²: each step against the derivative.",
                alt="The parabola f(x) = x² with the point's steps from x = {convex-1d.start} to x "
                "= {convex-1d.end} (α = {convex-1d.lr}, {convex-1d.steps} steps, f = "
                "{convex-1d.final_loss})."),
    FigureEntry("race-rosenbrock", "races", ("race-rosenbrock",), "Optimizer Race: Rosenbrock",
                "Six optimizers from (-1.2, 1) down Rosenbrock's banana valley: paths and loss per step.",
                "race",
                alt="Paths of six optimizers (gradient descent, momentum, Nesterov, AdaGrad, "
                "RMSProp, Adam) from {race-rosenbrock.start} on the Rosenbrock valley, and "
                "their loss per step over {race-rosenbrock.steps} steps; final losses: "
                "{race-rosenbrock.runs}; {race-rosenbrock.lowest}."),
    FigureEntry("race-himmelblau", "races", ("race-himmelblau",), "Optimizer Race: Himmelblau",
                "Six optimizers from beside Himmelblau's summit into its minima: paths and loss per step.",
                "race",
                alt="Paths of six optimizers (gradient descent, momentum, Nesterov, AdaGrad, "
                "RMSProp, Adam) from {race-himmelblau.start} on the Himmelblau surface, and "
                "their loss per step over {race-himmelblau.steps} steps; final losses: "
                "{race-himmelblau.runs}; {race-himmelblau.lowest}."),
    FigureEntry("race-rastrigin", "races", ("race-rastrigin",), "Optimizer Race: Rastrigin",
                "Six optimizers on Rastrigin's egg crate, trapped in local minima: paths and loss per step.",
                "race",
                alt="Paths of six optimizers (gradient descent, momentum, Nesterov, AdaGrad, "
                "RMSProp, Adam) from {race-rastrigin.start} on the Rastrigin surface, and their "
                "loss per step over {race-rastrigin.steps} steps; final losses: "
                "{race-rastrigin.runs}; {race-rastrigin.lowest}."),
    FigureEntry("race-saddle", "races", ("race-saddle",), "Optimizer Race: Saddle",
                "Six optimizers off the ridge of the saddle x² − y²: where each leaves the view, the loss.",
                "race",
                alt="Paths of six optimizers (gradient descent, momentum, Nesterov, AdaGrad, "
                "RMSProp, Adam) from {race-saddle.start} on the saddle x² − y², and their loss "
                "per step over {race-saddle.steps} steps; final losses: {race-saddle.runs}; "
                "{race-saddle.lowest}."),
    FigureEntry("neural-net-loss-landscape", "network", ("nn-landscape",), "Neural Net Loss Landscape",
                "The trained network's loss on two filter-normalised directions (Li et al. 2018): "
                "a 3-D surface and log-spaced contours.",
                alt="The loss of a small tanh network trained on the parabolic data, over a plane "
                "through its trained weights spanned by two filter-normalised random directions, "
                "as a 3-D surface and log-spaced contours: not one bowl but a rippled surface, "
                "lowest at the trained weights (loss {nn-landscape.best_loss})."),
    FigureEntry("neural-net-fit", "network", ("nn-landscape", "parabolic-regression"),
                "A Network Fits the Parabola",
                "The parabolic samples, y = x², the best line (loss 1.53) and the network's fits "
                "after GD and Adam.",
                alt="The {parabolic-regression.samples} parabolic samples with the true curve, the "
                "best line (loss {parabolic-regression.final_loss}) and the curves of a small "
                "network trained from one start by two optimizers, which follow the parabola (final "
                "losses {nn-landscape.runs})."),
]}


class FigureError(ValueError):
    """Bad input: the message names what was wrong and what is valid."""


def get(name: str) -> FigureEntry:
    try:
        return FIGURES[name]
    except KeyError:
        raise FigureError(f"unknown figure {name!r}; valid: {', '.join(FIGURES)}") from None


def module_file(entry: FigureEntry) -> Path:
    return PACKAGE / f"{entry.module}.py"


def makefile_text(figures: dict | None = None) -> str:
    """The per-figure make rules for render/figures.mk: each figure depends on its family module,
    the files every figure shares (this package's other modules, the theme) and exactly the data
    files it reads; the recipe is the pattern rule in render/figures.mk."""
    figures = FIGURES if figures is None else figures
    root = PACKAGE.parent.parent
    families = {module_file(e) for e in figures.values()}
    common = sorted(p.relative_to(root).as_posix() for p in PACKAGE.glob("*.py") if p not in families)
    lines = ["# Generated from render/figures/registry.py by `python -m render.figures --makefile`; "
             "do not edit.",
             f"FIGURE_NAMES := {' '.join(figures)}",
             f"FIG_COMMON := {' '.join(common)} $(FIG_THEME_SRC)", ""]
    missing = set()
    for name, e in figures.items():
        src = module_file(e).relative_to(root).as_posix()
        deps = " ".join([src, *[f"$(DATA)/{d}.npz" for d in e.data]])
        lines += [f"# {name}: {e.description}",
                  f"$(FIG_DIR)/{name}.png $(FIG_DIR)/{name}.svg: {deps} $(FIG_COMMON)", ""]
        if not module_file(e).exists() and src not in missing:  # registered, not written yet
            missing.add(src)
            lines += [f"{src}:", f"\t@echo 'figure {name}: {src} does not exist (it is registered in "
                      f"render/figures/registry.py)' >&2; exit 1", ""]
    return "\n".join(lines)
