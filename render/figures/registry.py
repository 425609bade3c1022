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

    @property
    def draw_function(self) -> str:
        return self.function or self.name.replace("-", "_")


FIGURES: dict[str, FigureEntry] = {e.name: e for e in [
    FigureEntry("true-line-and-noisy-points", "regression", ("linear-regression",),
                "True Line and Noisy Points",
                "The true line y = 2x + 1 and the 100 noisy samples of the linear dataset."),
    FigureEntry("example-result", "regression", ("linear-regression",), "Example Result Plot",
                "True line (dashed), the samples, and the line predicted after training."),
    FigureEntry("gradient-field-with-paths", "descent", ("gradient-field",), "Gradient Field with Paths",
                "The gradient vector field of sin x sin y with the descent paths against it."),
    FigureEntry("hill-paths", "descent", ("hill",), "Descent on the Hill",
                "The hill sin x sin y in 3-D with the descent paths, and the top-down view beside it."),
    FigureEntry("regression-loss-landscape", "regression", ("linear-regression", "parabolic-regression"),
                "Loss Landscapes over (w, b)",
                "The (w, b) loss landscapes of the linear and parabolic datasets with their trajectories."),
    FigureEntry("comparison-of-losses", "regression", ("linear-regression", "parabolic-regression"),
                "Comparison of Losses",
                "Slices along the valleys of both loss landscapes: the parabolic minimum is far higher."),
    FigureEntry("lr-slow-and-steady", "learning_rates", ("lr-small",), "Slow and Steady",
                "Learning rate too small on the bowl (5x² + y²)/2: the path and the loss curve.",
                "learning_rate"),
    FigureEntry("lr-adequately-fast", "learning_rates", ("lr-good",), "Adequately Fast",
                "A good learning rate on the bowl: fast convergence, the path and the loss curve.",
                "learning_rate"),
    FigureEntry("lr-a-bit-unstable", "learning_rates", ("lr-large",), "A Bit Unstable",
                "A large learning rate on the bowl: oscillations as it settles.", "learning_rate"),
    FigureEntry("lr-unusable", "learning_rates", ("lr-unstable",), "Unusable",
                "A learning rate far too large: the path leaves the view and the loss diverges.",
                "learning_rate"),
    FigureEntry("multiple-minima", "descent", ("multiple-minima-1d",), "Multiple Minima Function",
                "Starts on the double well, coloured by the minimum they end in (global or local)."),
    FigureEntry("convex", "descent", ("convex-1d",), "Convex Function",
                "A point descending the parabola x²: each step against the derivative."),
    FigureEntry("race-rosenbrock", "races", ("race-rosenbrock",), "Optimizer Race: Rosenbrock",
                "Six optimizers from (-1.2, 1) down Rosenbrock's banana valley: paths and loss per step.",
                "race"),
    FigureEntry("race-himmelblau", "races", ("race-himmelblau",), "Optimizer Race: Himmelblau",
                "Six optimizers from beside Himmelblau's summit into its minima: paths and loss per step.",
                "race"),
    FigureEntry("race-rastrigin", "races", ("race-rastrigin",), "Optimizer Race: Rastrigin",
                "Six optimizers on Rastrigin's egg crate, trapped in local minima: paths and loss per step.",
                "race"),
    FigureEntry("race-saddle", "races", ("race-saddle",), "Optimizer Race: Saddle",
                "Six optimizers off the ridge of the saddle x² − y²: where each leaves the view, the loss.",
                "race"),
    FigureEntry("neural-net-loss-landscape", "network", ("nn-landscape",), "Neural Net Loss Landscape",
                "The trained network's loss on two filter-normalised directions (Li et al. 2018): "
                "a 3-D surface and log-spaced contours."),
    FigureEntry("neural-net-fit", "network", ("nn-landscape", "parabolic-regression"),
                "A Network Fits the Parabola",
                "The parabolic samples, y = x², the best line (loss 1.53) and the network's fits "
                "after GD and Adam."),
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
