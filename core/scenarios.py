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

from . import grids, nn_scenario, regression, theory
from .objectives import (BEALE, BOWL, BOWL_HESSIAN, DOUBLE_WELL, HILL, HIMMELBLAU, PARABOLA,
                         RASTRIGIN, ROSENBROCK, SADDLE, SADDLE_POINTS, Objective,
                         regression_objective)
from .optimizers import OPTIMIZERS, hyperparams
from .optimizers import make as make_optimizer
from .runner import DIVERGED, run

SCHEMA = 1


class Problem(NamedTuple):
    objective: Objective
    starts: np.ndarray  # (B, d)
    arrays: dict  # extra arrays for the pictures (landscape grids, datasets, ...)
    params: dict  # extra parameters recorded in meta
    hessian: np.ndarray | None = None  # a quadratic's Hessian: meta then carries theory's regime


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    lr: float | None  # None for a race: every run has its own (see ``race``)
    steps: int
    seed: int
    setup: Callable[["Scenario", np.random.Generator], Problem] | None  # None: ``network`` says
    optimizer: str = "gd"
    tol: float = 1e-6
    bound: float = 1e20
    extra: dict = field(default_factory=dict)
    race: "Race | None" = None
    network: "nn_scenario.NetworkSpec | None" = None


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
        return Problem(BOWL, np.array([start], float), _surface_arrays(BOWL, 61), {}, BOWL_HESSIAN)
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


# ---------------------------------------------------------------- optimizer races
# Every optimizer from the same start on a classic surface, each at its own learning rate, run one
# at a time and stacked along the points axis in RACE_OPTIMIZERS order: positions (T+1, 6, 2).
RACE_OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

# The learning-rate grid the races are tuned on: 1, 1.5, 2, 3, 5, 7 per decade, 1e-4 … 1.
LR_GRID = tuple(sorted(float(f"{m}e{e}") for e in range(-4, 0) for m in (1, 1.5, 2, 3, 5, 7))) + (1.0,)
TUNE_TARGET = 1e-8  # a run has "arrived" once f − f* ≤ this for good
TUNE_TAIL = 0.1  # the final fraction of the steps whose worst f − f* ranks runs that never arrive
TUNING_RULE = (
    "Per optimizer, the learning rate from the grid (1, 1.5, 2, 3, 5, 7 per decade, 1e-4 to 1) whose "
    "run arrives first (f - f* <= 1e-8 from then on), ties and non-arrivals ranked by the worst "
    "f - f* over the last 10% of the steps; runs that diverge or leave the plotted domain are out, "
    "and each rate counts only as well as the worse of its two grid neighbours (robust to a "
    "1.5x change, so no lucky rate at the edge of stability wins); ties go to the smaller rate.")


class Race(NamedTuple):
    objective: Objective
    start: tuple[float, float]
    domain: tuple[tuple[float, float], ...]  # the plotted window (grid, and the tuning's bounds)
    grid_n: int  # landscape samples per axis
    lrs: dict  # optimizer name -> learning rate (other hyperparameters: the defaults)
    tuned: bool = True  # False: one shared rate, the rule recorded in ``note``
    note: str = ""


def race_scores(objective: Objective, name: str, start, steps: int, domain,
                lrs=LR_GRID) -> tuple[np.ndarray, np.ndarray]:
    """(arrival, tail) of optimizer ``name`` at every learning rate in ``lrs``, in one batched run.

    arrival: the step from which f − f* ≤ TUNE_TARGET to the end (steps + 1 if never);
    tail: the worst f − f* over the last TUNE_TAIL of the steps. Both are ∞ for a run that
    diverges or leaves ``domain``. (The learning rate is a column, so row i runs at lrs[i].)
    """
    lrs = np.asarray(lrs, dtype=float)
    starts = np.tile(np.asarray(start, dtype=float), (len(lrs), 1))
    traj = run(objective, OPTIMIZERS[name](lr=lrs[:, None]), starts, steps)
    gap = traj.losses - objective.value(objective.global_minima).min()  # f − f*
    above = gap > TUNE_TARGET
    last_above = np.where(above.any(axis=0), steps - np.argmax(above[::-1], axis=0), -1)
    arrival = (last_above + 1).astype(float)
    tail = gap[int(np.ceil((1.0 - TUNE_TAIL) * steps)):].max(axis=0)
    lo, hi = np.asarray(domain, dtype=float).T
    inside = np.all((traj.positions >= lo) & (traj.positions <= hi), axis=(0, 2))
    bad = (traj.status == DIVERGED) | ~inside
    arrival[bad] = np.inf
    tail[bad] = np.inf
    return arrival, tail


def tune_lr(objective: Objective, name: str, start, steps: int, domain, lrs=LR_GRID) -> float:
    """The learning rate :data:`TUNING_RULE` picks for optimizer ``name`` from ``lrs`` (ascending)."""
    arrival, tail = race_scores(objective, name, start, steps, domain, lrs)
    # Dense ranks of (arrival, tail) in lexicographic order; equal pairs share a rank.
    _, rank = np.unique(np.stack([arrival, tail], axis=1), axis=0, return_inverse=True)
    rank = np.where(np.isfinite(arrival), rank.reshape(-1), len(lrs))
    padded = np.concatenate([[len(lrs)], rank, [len(lrs)]])
    worst = np.maximum(np.maximum(padded[:-2], padded[1:-1]), padded[2:])  # self and neighbours
    if worst.min() >= len(lrs):
        raise ValueError(f"no learning rate in the grid gives {name} a valid run on {objective.name}")
    return float(lrs[int(np.argmin(worst))])  # argmin: the smallest rate among ties


def _race_runs(race: Race) -> list[dict]:
    """meta.runs: per trajectory, the optimizer's name and every hyperparameter it uses."""
    return [{"name": n, **hyperparams(n, lr=race.lrs[n])} for n in RACE_OPTIMIZERS]


def _race_problem(race: Race):
    def setup(sc: Scenario, rng) -> Problem:
        obj = race.objective
        xs = np.linspace(*race.domain[0], race.grid_n)
        ys = np.linspace(*race.domain[1], race.grid_n)
        lo, hi = np.asarray(race.domain, dtype=float).T
        local = obj.local_minima[np.all((obj.local_minima >= lo) & (obj.local_minima <= hi), axis=1)]
        arrays = {"grid_x": xs, "grid_y": ys, "grid_f": grids.landscape(obj, xs, ys),
                  "global_minima": obj.global_minima, "local_minima": local,
                  "saddle_points": SADDLE_POINTS.get(obj.name, np.empty((0, obj.dim))),
                  "domain": np.array(race.domain, dtype=float)}
        return Problem(obj, np.array([race.start], dtype=float), arrays, {})
    return setup


def _race(name: str, description: str, race: Race, steps: int) -> Scenario:
    return Scenario(name, description, lr=None, steps=steps, seed=0, setup=_race_problem(race),
                    optimizer="race", race=race)


_SADDLE_LR = 0.03
RACES = [
    _race("race-rosenbrock",
          "Six optimizers race down Rosenbrock's banana valley from (-1.2, 1) to its minimum (1, 1).",
          Race(ROSENBROCK, (-1.2, 1.0), ROSENBROCK.domain, 161,
               {"gd": 0.002, "momentum": 0.002, "nesterov": 0.0007, "adagrad": 0.7,
                "rmsprop": 0.015, "adam": 0.5}),
          steps=500),
    _race("race-himmelblau",
          "Six optimizers start beside Himmelblau's central summit and roll into different minima.",
          Race(HIMMELBLAU, (-0.3, -0.9), HIMMELBLAU.domain, 81,
               {"gd": 0.007, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.7,
                "rmsprop": 0.03, "adam": 0.5}),
          steps=300),
    _race("race-rastrigin",
          "Six optimizers on Rastrigin's egg crate: local minima trap them, momentum rolls furthest.",
          Race(RASTRIGIN, (-3.4, 2.2), ((-4.5, 1.5), (-1.5, 4.5)), 121,
               {"gd": 0.0007, "momentum": 0.005, "nesterov": 0.0007, "adagrad": 0.7,
                "rmsprop": 0.007, "adam": 0.2}),
          steps=300),
    _race("race-saddle",
          "Six optimizers just off the ridge of the saddle x² − y²: gradient descent lingers, the "
          "adaptive methods escape at once.",
          Race(SADDLE, (-1.5, 1e-3), SADDLE.domain, 61, {n: _SADDLE_LR for n in RACE_OPTIMIZERS},
               tuned=False,
               note=f"One shared learning rate {_SADDLE_LR} for every optimizer: the saddle has no "
                    "minimum to tune for (tuning to escape fastest lets every method leave in a few "
                    "steps), so at equal rates the race isolates what the update rules do."),
          steps=150),
]


def _network(name: str, description: str, spec: nn_scenario.NetworkSpec, steps: int) -> Scenario:
    return Scenario(name, description, lr=None, steps=steps, seed=spec.init_seed, setup=None,
                    optimizer="network", network=spec)


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
    *RACES,
    # GD at 0.03 and Adam at 0.003 descend smoothly (losses never rise) to 0.221 and 0.212 in 500
    # steps, below the noise variance 0.233 (GD at 0.05 already spikes); the line stays at 1.53.
    # Direction seed 2 of 1-5 looks most like Li et al.'s picture: a central basin ringed by bumps.
    _network("nn-landscape",
             "A small network (1-16-16-1 tanh unless overridden) trained by GD and Adam on the "
             "parabolic data: its loss landscape on filter-normalised and PCA planes (Li et al. 2018).",
             nn_scenario.NetworkSpec(layers=(1, 16, 16, 1), activation="tanh",
                                     runs=(("gd", 0.03), ("adam", 0.003)), dataset=_PARABOLIC,
                                     data_seed=0, init_seed=0, direction_seed=2),
             steps=500),
]}


class ScenarioError(ValueError):
    """Bad input to a scenario; the message names the problem and the valid values."""


def get(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ScenarioError(f"unknown scenario {name!r}; valid: {', '.join(SCENARIOS)}") from None


def compute(name: str, lr: float | None = None, steps: int | None = None, start=None,
            layers=None, activation: str | None = None):
    """Run scenario ``name`` (optionally overriding lr, steps or the start; a network scenario's
    layers and activation) -> (arrays, meta)."""
    sc = get(name)
    if sc.network is not None:
        return _compute_network(sc, lr, steps, start, layers, activation)
    if layers is not None or activation is not None:
        raise ScenarioError(f"{name} has no network, so it takes no layers or activation; valid: "
                            f"omit them, or a network scenario ({', '.join(_network_names())})")
    if sc.race is not None and lr is not None:
        raise ScenarioError(f"{name} runs each optimizer at the learning rate recorded in its "
                            "meta.runs, so it takes no learning rate; valid: omit it")
    lr = sc.lr if lr is None else lr
    steps = sc.steps if steps is None else steps
    if sc.race is None and not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
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
    if sc.race is not None:
        return _compute_race(sc, problem, starts, steps)
    opt_params = {"lr": float(lr)}
    traj = run(problem.objective, make_optimizer(sc.optimizer, **opt_params), starts, steps,
               tol=sc.tol, bound=sc.bound)
    arrays = {
        "positions": traj.positions, "losses": traj.losses, "grads": traj.grads,
        "status": traj.status, "converged_step": traj.converged_step,
        "diverged_step": traj.diverged_step, **problem.arrays,
    }
    params = {**opt_params, "tol": sc.tol, "bound": sc.bound, "starts": starts.tolist(), **problem.params}
    if problem.hessian is not None and sc.optimizer == "gd":
        params.update(theory.describe(float(lr), problem.hessian))  # regime, lr_max, lr_best, ...
    meta = {
        "schema": SCHEMA,
        "scenario": sc.name,
        "description": sc.description,
        "objective": problem.objective.name,
        "formula": problem.objective.formula,
        "optimizer": sc.optimizer,
        "params": params,
        "steps": steps,
        "seed": sc.seed,
    }
    return arrays, meta


def _network_names() -> list[str]:
    return [n for n, s in SCENARIOS.items() if s.network is not None]


def _compute_network(sc: Scenario, lr, steps, start, layers, activation):
    if lr is not None:
        raise ScenarioError(f"{sc.name} trains each optimizer at the learning rate recorded in its "
                            "meta.runs, so it takes no learning rate; valid: omit it")
    if start is not None:
        raise ScenarioError(f"{sc.name} starts from its seeded initialisation (a vector of every "
                            "weight), so it takes no start; valid: omit it")
    steps = sc.steps if steps is None else steps
    if not (isinstance(steps, int) and steps >= 1):
        raise ScenarioError(f"invalid steps {steps!r}; valid: an integer >= 1")
    spec = sc.network
    if layers is not None:
        spec = spec._replace(layers=layers)
    if activation is not None:
        spec = spec._replace(activation=activation)
    try:
        nn_scenario.validate(spec)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    arrays, extra = nn_scenario.compute(spec, steps, sc.tol, sc.bound)
    meta = {
        "schema": SCHEMA,
        "scenario": sc.name,
        "description": sc.description,
        "objective": extra["objective"],
        "formula": extra["formula"],
        "optimizer": [r["name"] for r in extra["runs"]],
        "runs": extra["runs"],
        "params": extra["params"],
        "steps": steps,
        "seed": sc.seed,
    }
    return arrays, meta


def _compute_race(sc: Scenario, problem: Problem, starts: np.ndarray, steps: int):
    race = sc.race
    runs = _race_runs(race)
    trajs = []
    for spec in runs:
        hyper = {k: v for k, v in spec.items() if k != "name"}
        trajs.append(run(problem.objective, make_optimizer(spec["name"], **hyper), starts, steps,
                         tol=sc.tol, bound=sc.bound))
    arrays = {
        "positions": np.concatenate([t.positions for t in trajs], axis=1),  # (T+1, 6, d)
        "losses": np.concatenate([t.losses for t in trajs], axis=1),
        "grads": np.concatenate([t.grads for t in trajs], axis=1),
        "status": np.concatenate([t.status for t in trajs]),
        "converged_step": np.concatenate([t.converged_step for t in trajs]),
        "diverged_step": np.concatenate([t.diverged_step for t in trajs]),
        **problem.arrays,
    }
    if race.tuned:
        tuning = {"rule": TUNING_RULE, "grid": list(LR_GRID), "target": TUNE_TARGET,
                  "tail_fraction": TUNE_TAIL, "steps": sc.steps, "start": list(race.start)}
    else:
        tuning = {"rule": race.note}
    meta = {
        "schema": SCHEMA,
        "scenario": sc.name,
        "description": sc.description,
        "objective": problem.objective.name,
        "formula": problem.objective.formula,
        "optimizer": [spec["name"] for spec in runs],
        "runs": runs,
        "tuning": tuning,
        "params": {"lr": [spec["lr"] for spec in runs], "tol": sc.tol, "bound": sc.bound,
                   "starts": np.repeat(starts, len(runs), axis=0).tolist(),
                   "start": starts[0].tolist()},
        "steps": steps,
        "seed": sc.seed,
    }
    return arrays, meta
