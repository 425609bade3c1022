"""The post's regression examples: seeded datasets, the line model and its loss landscape."""

from __future__ import annotations

import numpy as np

from .objectives import mse


def _noisy(fn, seed: int, n: int, lo: float, hi: float, sigma: float):
    x = np.linspace(lo, hi, n)  # n points evenly spaced in [lo, hi]
    noise = np.random.default_rng(seed).normal(0.0, sigma, n)  # N(0, σ²)
    return x, fn(x) + noise


def linear_dataset(seed: int, n: int = 100, w: float = 2.0, b: float = 1.0, sigma: float = 0.5,
                   lo: float = -2.0, hi: float = 2.0):
    """Samples of the true line y = w x + b plus Gaussian noise N(0, σ²) (the post: w=2, b=1, σ=0.5)."""
    return _noisy(lambda x: w * x + b, seed, n, lo, hi, sigma)


def parabolic_dataset(seed: int, n: int = 100, a: float = 1.0, c: float = 0.0, sigma: float = 0.5,
                      lo: float = -2.0, hi: float = 2.0):
    """Samples of the parabola y = a x² + c plus the same noise N(0, σ²)."""
    return _noisy(lambda x: a * x * x + c, seed, n, lo, hi, sigma)


def predict(theta, x):
    """ŷ = w x + b for θ = (w, b), broadcasting θ's leading axes against x's."""
    theta = np.asarray(theta, dtype=float)
    return theta[..., 0, None] * np.asarray(x) + theta[..., 1, None]


def loss_landscape(x, y, w_grid, b_grid, chunk_bytes: int = 32 * 2**20):
    """MSE over the grid: result[i, j] = L(w_grid[j], b_grid[i]), shape (len(b_grid), len(w_grid)).

    Evaluated by broadcasting, a block of b-rows at a time so that the (rows, W, N) residual array
    stays under ``chunk_bytes``.
    """
    x = np.asarray(x, dtype=float)
    w_grid = np.asarray(w_grid, dtype=float)
    b_grid = np.asarray(b_grid, dtype=float)
    out = np.empty((b_grid.size, w_grid.size))
    rows = max(1, chunk_bytes // (8 * max(1, w_grid.size * x.size)))
    for start in range(0, b_grid.size, rows):
        bb = b_grid[start:start + rows]
        theta = np.stack(np.broadcast_arrays(w_grid[None, :], bb[:, None]), axis=-1)
        out[start:start + rows] = mse(theta, x, y)
    return out


def valley(x, y, w_grid):
    """The valley of minima: for each w the best b* = mean(y − w x), and L(w, b*(w)).

    This is the slice the post's "Comparison of Losses" draws through each landscape.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w_grid = np.asarray(w_grid, dtype=float)
    b_star = y.mean() - w_grid * x.mean()
    theta = np.stack([w_grid, b_star], axis=-1)
    return b_star, mse(theta, x, y)
