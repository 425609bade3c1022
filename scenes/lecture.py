"""The lecture: its parts in order, each a short section slide and the scenes it shows.

``make slides`` builds one deck from this (``media/slides/index.html`` and ``lecture.pptx``): a
title slide, then for each part a section slide followed by the slides of its scenes (one slide
per beat, ``self.beat(caption, notes)`` in the scene). The make rules, the manifest's slide list
and the README's table come from here too.

Adding a part = one ``Part(...)`` line here (its scenes registered in ``scenes/registry.py``).
A registered scene that no part lists still gets a deck of its own (``media/slides/<scene>.html``).
"""

from __future__ import annotations

from typing import NamedTuple


class Part(NamedTuple):
    title: str  # the section slide's heading
    lead: str  # one line under it
    notes: str  # what to say while it is up: one to three sentences
    scenes: tuple[str, ...]  # registered scene names, in the order shown


TITLE = "Gradient Descent"
SUBTITLE = "How an optimizer finds the bottom of a landscape it cannot see"
TITLE_NOTES = ("Gradient descent is a simple and intuitive optimization method, common across a "
               "large space of problems, from simple linear regression to neural networks. By the "
               "end you should have a good idea of how this optimizer works and how to apply it to "
               "new problems.")

PARTS: tuple[Part, ...] = (
    Part("Convex functions", "One minimum, so it is the global one",
         "Let's start with the simplest case: a convex function, where gradient descent always lands "
         "at the global minimum no matter where it starts.",
         ("convex-descent",)),
    Part("Multiple minima", "Local versus global minima",
         "With gradient descent we are not guaranteed to land at the global minimum. Let's consider "
         "a function with more than one minimum to see why.",
         ("multiple-minima",)),
    Part("The update rule, in the fog", "θ_(i+1) = θ_i − α ∇f(θ_i)",
         "Imagine you are stranded on a hill in dense fog. Each symbol of the update rule has a "
         "meaning on that hill.",
         ("descent-rule",)),
    Part("Hill descent", "f(x, y) = sin x · sin y",
         "Before we step into linear regression, let's emulate the hill descent with many walkers "
         "at once.",
         ("hill-descent",)),
    Part("The gradient field", "∇f on a grid of points",
         "We can evaluate the gradient at a grid of points across the space we're optimizing in, "
         "and compare it with the paths the walkers took.",
         ("gradient-field",)),
    Part("Linear regression", "Fitting a line by gradient descent on its loss",
         "Now that we have the foundation, let's apply gradient descent to linear regression, "
         "starting with data whose trend is a line.",
         ("linear-regression",)),
    Part("Parabolic data", "The same line model on a parabola",
         "Let's consider a different example, where the underlying trend of the data isn't a line "
         "anymore but a parabola.",
         ("parabolic-regression",)),
    Part("Comparing losses", "Reaching the minimum is not the same as fitting well",
         "Both descents reached their minimum, so should both models perform well? Comparing the "
         "two loss landscapes answers that.",
         ("loss-comparison",)),
    Part("Learning rates", "How big a step to take",
         "The learning rate alpha decides how big a step we take. Changing it has massive "
         "implications on the descent time and results.",
         ("learning-rates",)),
    Part("Optimizer races", "Gradient descent and five of its variants on four classic surfaces",
         "There is research on variations of gradient descent to mitigate these problems and train "
         "faster. Six optimizers race from one start on four surfaces.",
         ("race-rosenbrock", "race-himmelblau", "race-rastrigin", "race-saddle")),
    Part("Where next: a neural network", "A network fits the parabola the line could not",
         "The line had high bias: no line fits a parabola. A small neural network does, and its "
         "loss landscape is no longer a bowl; that is where the next posts, on two-layer "
         "networks, begin.",
         ("nn-landscape",)),
)

# The fewest beats a scene of the lecture must declare: the post's scenes three, the races two.
MIN_BEATS = {"race-": 2}
MIN_BEATS_DEFAULT = 3


def min_beats(scene: str) -> int:
    return next((n for prefix, n in MIN_BEATS.items() if scene.startswith(prefix)), MIN_BEATS_DEFAULT)


def lecture_scenes() -> list[str]:
    """Every scene of the lecture, in order."""
    return [s for part in PARTS for s in part.scenes]


def part_of(scene: str) -> Part | None:
    return next((p for p in PARTS if scene in p.scenes), None)
