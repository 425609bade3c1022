"""The registry of named, seeded scenarios: one per example of the post.

``compute(name)`` runs a scenario and returns its arrays and metadata, exactly what the data file
``build/data/<name>.npz`` holds. Everything a picture needs is in there (the path, the landscape
on a grid, the dataset), so scenes and figures never redo the maths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from . import grids, regression
from .objectives import BOWL, DOUBLE_WELL, HILL, PARABOLA, Objective, regression_objective
from .optimizers import make as make_optimizer
from .runner import run

SCHEMA = 1


class Problem(NamedTuple):
    objective: Objective
    starts: np.ndarray  # (B, d)
    arrays: dict  # extra arrays for the pictures (landscape grids, datasets, ...)
    params: dict  # extra parameters recorded in meta


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    lr: float
    steps: int
    seed: int
    setup: Callable[["Scenario", np.random.Generator], Problem]
    optimizer: str = "gd"
    tol: float = 1e-6
    bound: float = 1e20
    extra: dict = field(default_factory=dict)


def _minima_arrays(obj: Objective) -> dict:
    return {"global_minima": obj.global_minima, "local_minima": obj.local_minima,
            "domain": np.array(obj.domain, dtype=float)}


def _curve_problem(obj: Objective, starts, n: int = 241) -> Callable:
    def setup(sc: Scenario, rng) -> Problem:
        xs = np.linspace(*obj.domain[0], n)
        arrays = {"curve_x": xs, "curve_f": grids.curve(obj, xs), **_minima_arrays(obj)}
        return Problem(obj, np.asarray(starts, float).reshape(-1, 1), arrays, {})
    return setup


def _surface_arrays(obj: Objective, n: int) -> dict:
    xs = np.linspace(*obj.domain[0], n)
    ys = np.linspace(*obj.domain[1], n)
    return {"grid_x": xs, "grid_y": ys, "grid_f": grids.landscape(obj, xs, ys), **_minima_arrays(obj)}


def _hill_setup(n_points: int, spread: float, field_n: int = 0) -> Callable:
    def setup(sc: Scenario, rng) -> Problem:
        starts = rng.uniform(-spread, spread, size=(n_points, 2))  # random starts on the hill
        arrays = _surface_arrays(HILL, 41)
        if field_n:
            fx = np.linspace(*HILL.domain[0], field_n)
            fy = np.linspace(*HILL.domain[1], field_n)
            arrays.update(field_x=fx, field_y=fy, field_grad=grids.gradient_field(HILL, fx, fy))
        return Problem(HILL, starts, arrays, {"start_range": [-spread, spread]})
    return setup


def _bowl_setup(start) -> Callable:
    def setup(sc: Scenario, rng) -> Problem:
        return Problem(BOWL, np.array([start], float), _surface_arrays(BOWL, 61), {})
    return setup


DATASETS = {"linear": regression.linear_dataset, "parabolic": regression.parabolic_dataset}


def _regression_setup(kind: str, domain, valley_range=(-3.0, 5.0)) -> Callable:
    def setup(sc: Scenario, rng) -> Problem:
        data_params = dict(sc.extra["dataset"])
        x, y = DATASETS[kind](seed=sc.seed, **data_params)
        obj = regression_objective(x, y, domain)
        start = rng.uniform(size=(1, 2))  # random (w, b) in [0, 1)², as in the post
        ws = np.linspace(*domain[0], 61)
        bs = np.linspace(*domain[1], 61)
        vw = np.linspace(*valley_range, 161)
        vb, vl = regression.valley(x, y, vw)
        arrays = {
            "x": x, "y": y,
            "grid_x": ws, "grid_y": bs, "grid_f": regression.loss_landscape(x, y, ws, bs),
            "valley_w": vw, "valley_b": vb, "valley_loss": vl,
            **_minima_arrays(obj),
        }
        return Problem(obj, start, arrays, {"dataset": {"kind": kind, **data_params}})
    return setup


_LINEAR = {"n": 100, "w": 2.0, "b": 1.0, "sigma": 0.5, "lo": -2.0, "hi": 2.0}
_PARABOLIC = {"n": 100, "a": 1.0, "c": 0.0, "sigma": 0.5, "lo": -2.0, "hi": 2.0}
_BOWL_START = (-2.0, 2.5)

SCENARIOS: dict[str, Scenario] = {s.name: s for s in [
    Scenario("convex-1d", "A point descending the convex parabola f(x) = x².",
             lr=0.1, steps=20, seed=0, setup=_curve_problem(PARABOLA, [2.6])),
    Scenario("multiple-minima-1d",
             "Starts on a function with two equal global minima and a local one in the centre.",
             lr=0.02, steps=100, seed=0,
             setup=_curve_problem(DOUBLE_WELL, [-2.5, -1.45, -0.75, -0.25, 0.35, 0.85, 1.25, 2.45])),
    Scenario("hill", "Random starts descending the hill f(x, y) = sin x sin y.",
             lr=0.1, steps=100, seed=7, setup=_hill_setup(12, 3.0)),
    Scenario("gradient-field", "Descent paths over the gradient vector field of sin x sin y.",
             lr=0.1, steps=60, seed=11, setup=_hill_setup(10, 3.0, field_n=21)),
    Scenario("linear-regression", "Gradient descent fitting a line to noisy samples of y = 2x + 1.",
             lr=0.015, steps=100, seed=0, extra={"dataset": _LINEAR},
             setup=_regression_setup("linear", ((-1.0, 5.0), (-2.0, 4.0)))),
    Scenario("parabolic-regression", "The same line model fitted to noisy samples of y = x².",
             lr=0.015, steps=100, seed=0, extra={"dataset": _PARABOLIC},
             setup=_regression_setup("parabolic", ((-3.0, 3.0), (-1.5, 4.5)))),
    Scenario("lr-small", "Bowl (5x² + y²)/2, learning rate too small: slow and steady.",
             lr=0.01, steps=60, seed=0, setup=_bowl_setup(_BOWL_START)),
    Scenario("lr-good", "Bowl (5x² + y²)/2, a good learning rate: adequately fast.",
             lr=0.18, steps=60, seed=0, setup=_bowl_setup(_BOWL_START)),
    Scenario("lr-large", "Bowl (5x² + y²)/2, a large learning rate: a bit unstable.",
             lr=0.38, steps=60, seed=0, setup=_bowl_setup(_BOWL_START)),
    Scenario("lr-unstable", "Bowl (5x² + y²)/2, a learning rate far too large: unusable.",
             lr=0.5, steps=60, seed=0, setup=_bowl_setup(_BOWL_START)),
]}


class ScenarioError(ValueError):
    """Bad input to a scenario; the message names the problem and the valid values."""


def get(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ScenarioError(f"unknown scenario {name!r}; valid: {', '.join(SCENARIOS)}") from None


def compute(name: str, lr: float | None = None, steps: int | None = None, start=None):
    """Run scenario ``name`` (optionally overriding lr, steps or the start) -> (arrays, meta)."""
    sc = get(name)
    lr = sc.lr if lr is None else lr
    steps = sc.steps if steps is None else steps
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ScenarioError(f"invalid learning rate {lr!r}; valid: a finite number > 0")
    if not (isinstance(steps, int) and steps >= 1):
        raise ScenarioError(f"invalid steps {steps!r}; valid: an integer >= 1")
    rng = np.random.default_rng(sc.seed)
    problem = sc.setup(sc, rng)
    starts = problem.starts
    if start is not None:
        start = np.asarray(start, dtype=float).reshape(-1)
        d = problem.objective.dim
        if start.shape != (d,) or not np.all(np.isfinite(start)):
            raise ScenarioError(f"invalid start {start.tolist()}; valid: {d} finite number(s)")
        starts = start[None, :]
    opt_params = {"lr": float(lr)}
    traj = run(problem.objective, make_optimizer(sc.optimizer, **opt_params), starts, steps,
               tol=sc.tol, bound=sc.bound)
    arrays = {
        "positions": traj.positions, "losses": traj.losses, "grads": traj.grads,
        "status": traj.status, "converged_step": traj.converged_step,
        "diverged_step": traj.diverged_step, **problem.arrays,
    }
    meta = {
        "schema": SCHEMA,
        "scenario": sc.name,
        "description": sc.description,
        "objective": problem.objective.name,
        "formula": problem.objective.formula,
        "optimizer": sc.optimizer,
        "params": {**opt_params, "tol": sc.tol, "bound": sc.bound,
                   "starts": starts.tolist(), **problem.params},
        "steps": steps,
        "seed": sc.seed,
    }
    return arrays, meta
