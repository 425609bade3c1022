"""Objectives evaluated on grids, for landscapes and the gradient vector field."""

from __future__ import annotations

import numpy as np

from .objectives import Objective


def axis(lo: float, hi: float, n: int) -> np.ndarray:
    return np.linspace(lo, hi, n)


def mesh(xs, ys) -> np.ndarray:
    """Grid points θ[i, j] = (xs[j], ys[i]), shape (len(ys), len(xs), 2)."""
    gx, gy = np.meshgrid(np.asarray(xs, float), np.asarray(ys, float))
    return np.stack([gx, gy], axis=-1)


def landscape(objective: Objective, xs, ys) -> np.ndarray:
    """f on the grid, shape (len(ys), len(xs)): one broadcast call."""
    return objective.value(mesh(xs, ys))


def curve(objective: Objective, xs) -> np.ndarray:
    """A 1-D objective along xs."""
    return objective.value(np.asarray(xs, float)[:, None])


def gradient_field(objective: Objective, xs, ys) -> np.ndarray:
    """∇f on the grid, shape (len(ys), len(xs), 2): the gradient vector field."""
    return objective.grad(mesh(xs, ys))
