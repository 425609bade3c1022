"""The ``nn-landscape`` scenario's computation: train a small network on the parabolic data with the
existing optimizers and runner, then map its landscape (Li et al. 2018).

Arrays (besides the usual ``positions (T+1, B, P)``, ``losses``, ``grads``, ``status``,
``converged_step``, ``diverged_step``; B = one trajectory per optimizer, same θ₀):

==================  =================  ==========================================================
directions          (2, P)             filter-normalised random directions d1, d2
grid_x, grid_y      (n,), (n,)         a, b on [−1, 1]
grid_f              (n, n)             L(θ* + a·d1 + b·d2), [i, j] at (grid_x[j], grid_y[i])
pca_directions      (2, P)             top two PCA directions of θ_k − θ* over every trajectory
pca_explained       (2,)               their explained-variance ratios
path_xy             (T+1, B, 2)        each trajectory projected onto them
path_plane_f        (T+1, B)           L on the plane at those projections (the surface's height)
pca_grid_x, _y, _f  (m,), (m,), (m,m)  L on the PCA plane through θ*, covering path_xy + margin
curve_x, curve_f    (k,), (k,)         α ∈ [−0.25, 1.25] and L((1 − α) θ₀ + α θ*)
x, y                (N,), (N,)         the parabolic data (as ``parabolic-regression``)
fit_x, fit_y        (M,), (T+1, B, M)  the network's prediction on a fine x grid along training
theta_star          (P,)               θ*: the first optimizer's final parameters
==================  =================  ==========================================================
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import nn_landscape, regression
from .mlp import Network, check_activation, check_layers, init_params, network_objective
from .optimizers import hyperparams
from .optimizers import make as make_optimizer
from .runner import run

INIT_RULE = "every W and b entry ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's nn.Linear default)"


class NetworkSpec(NamedTuple):
    layers: tuple[int, ...]
    activation: str
    runs: tuple[tuple[str, float], ...]  # (optimizer, learning rate), all from the same θ₀
    dataset: dict  # the parabolic dataset's parameters
    data_seed: int  # its noise seed (parabolic-regression's)
    init_seed: int  # θ₀
    direction_seed: int  # d1, d2
    grid_n: int = 51  # filter-normalised plane: n × n on [−1, 1]²
    pca_n: int = 51  # PCA plane: m × m
    pca_margin: float = 0.15  # of the projected path's extent, on every side
    curve_n: int = 121  # the 1-D slice
    curve_range: tuple[float, float] = (-0.25, 1.25)
    fit_n: int = 101  # the fine x grid of the drawn fit


def validate(spec: NetworkSpec) -> None:
    """ValueError naming what is wrong with the network (the data have one input, one output)."""
    layers = check_layers(spec.layers)
    if layers[0] != 1 or layers[-1] != 1:
        raise ValueError(f"invalid layers {','.join(map(str, layers))}: the parabolic data have one "
                         "input and one output; valid: 1,...,1 with hidden sizes >= 1, e.g. 1,16,16,1")
    check_activation(spec.activation)


def compute(spec: NetworkSpec, steps: int, tol: float, bound: float) -> tuple[dict, dict]:
    """Train, then map the landscape -> (arrays, params for meta)."""
    validate(spec)
    x, y = regression.parabolic_dataset(seed=spec.data_seed, **spec.dataset)
    net = Network(spec.layers, spec.activation, x, y)
    objective = network_objective(net)
    theta0 = init_params(spec.layers, np.random.default_rng(spec.init_seed))

    runs = [{"name": name, **hyperparams(name, lr=lr)} for name, lr in spec.runs]
    trajs = []
    for r in runs:
        hyper = {k: v for k, v in r.items() if k != "name"}
        trajs.append(run(objective, make_optimizer(r["name"], **hyper), theta0[None], steps,
                         tol=tol, bound=bound))
    positions = np.concatenate([t.positions for t in trajs], axis=1)  # (T+1, B, P)
    theta_star = positions[-1, 0].copy()

    # Filter-normalised plane around θ*.
    rng = np.random.default_rng(spec.direction_seed)
    d1 = nn_landscape.filter_normalized_direction(theta_star, net, rng)
    d2 = nn_landscape.filter_normalized_direction(theta_star, net, rng)
    grid = np.linspace(-1.0, 1.0, spec.grid_n)
    grid_f = nn_landscape.plane_values(net, theta_star, d1, d2, grid, grid)

    # PCA plane of every trajectory around θ*, and the path on it.
    t1, b, p = positions.shape
    dirs, explained, coords = nn_landscape.pca_directions(positions.reshape(-1, p), theta_star)
    path_xy = coords.reshape(t1, b, 2)
    path_plane_f = net.value(theta_star + path_xy @ dirs)
    pxs, pys = nn_landscape.window(coords, spec.pca_margin, spec.pca_n)
    pca_grid_f = nn_landscape.plane_values(net, theta_star, dirs[0], dirs[1], pxs, pys)

    # The straight line from θ₀ to θ*, and the fit along training.
    alphas = np.linspace(*spec.curve_range, spec.curve_n)
    fit_x = np.linspace(spec.dataset["lo"], spec.dataset["hi"], spec.fit_n)

    arrays = {
        "positions": positions,
        "losses": np.concatenate([t.losses for t in trajs], axis=1),
        "grads": np.concatenate([t.grads for t in trajs], axis=1),
        "status": np.concatenate([t.status for t in trajs]),
        "converged_step": np.concatenate([t.converged_step for t in trajs]),
        "diverged_step": np.concatenate([t.diverged_step for t in trajs]),
        "directions": np.stack([d1, d2]),
        "grid_x": grid, "grid_y": grid, "grid_f": grid_f,
        "pca_directions": dirs, "pca_explained": explained,
        "path_xy": path_xy, "path_plane_f": path_plane_f,
        "pca_grid_x": pxs, "pca_grid_y": pys, "pca_grid_f": pca_grid_f,
        "curve_x": alphas, "curve_f": nn_landscape.interpolation(net, theta0, theta_star, alphas),
        "x": x, "y": y,
        "fit_x": fit_x, "fit_y": net.predict(positions, fit_x)[..., 0],  # (T+1, B, M)
        "theta_star": theta_star,
    }
    params = {
        "layers": list(spec.layers), "activation": spec.activation, "P": net.P,
        "lr": [r["lr"] for r in runs],
        "tol": tol, "bound": bound,
        "init": INIT_RULE, "init_seed": spec.init_seed,
        "direction_seed": spec.direction_seed,
        "directions": "filter-normalised Gaussian (Li et al. 2018): each unit's incoming weights "
                      "scaled to the norm of theta*'s, biases zeroed",
        "pca": "top two principal directions of theta_k - theta* over every trajectory "
               "(not mean-centred), theta* = the first run's final parameters",
        "grid_range": [-1.0, 1.0], "curve_range": list(spec.curve_range),
        "dataset": {"kind": "parabolic", **spec.dataset}, "data_seed": spec.data_seed,
        "center_run": runs[0]["name"],
    }
    return arrays, {"runs": runs, "params": params, "formula": objective.formula,
                    "objective": objective.name}
