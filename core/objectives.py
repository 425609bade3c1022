"""Objectives: a value and its analytic gradient, paired like scipy's ``rosen``/``rosen_der``.

Every function takes ``theta`` of shape ``(..., d)`` and broadcasts over the leading axes, so one
call evaluates a whole grid: ``value(theta) -> (...)`` and ``grad(theta) -> (..., d)``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


class Objective(NamedTuple):
    """A differentiable function with what the pictures need to know about it."""

    name: str
    dim: int
    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    domain: tuple[tuple[float, float], ...]  # plotting range per coordinate
    global_minima: np.ndarray  # (k, d)
    local_minima: np.ndarray  # (m, d), not global
    formula: str  # LaTeX, for labels
    fused: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None  # shares work

    def value_and_grad(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(f(θ), ∇f(θ)) in one call; the runner's hot loop uses it."""
        if self.fused is not None:
            return self.fused(theta)
        return self.value(theta), self.grad(theta)


def _as_theta(theta, dim: int) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.shape[-1:] != (dim,):
        raise ValueError(f"theta must have last axis of size {dim}, got shape {theta.shape}")
    return theta


# ---------------------------------------------------------------- 1-D convex parabola
def parabola(theta):
    """f(x) = x²."""
    x = _as_theta(theta, 1)[..., 0]
    return x * x


def parabola_grad(theta):
    """f'(x) = 2x."""
    return 2.0 * _as_theta(theta, 1)


# ---------------------------------------------------------------- 1-D double well
def double_well(theta):
    """f(x) = x⁶/6 − 5x⁴/4 + 2x² + 4/3.

    f'(x) = x(x² − 1)(x² − 4): two equal global minima f(±2) = 0, a local minimum in the
    centre f(0) = 4/3, and maxima at x = ±1 that separate the three basins.
    """
    x = _as_theta(theta, 1)[..., 0]
    x2 = x * x
    return x2 * (x2 * (x2 / 6.0 - 1.25) + 2.0) + 4.0 / 3.0


def double_well_grad(theta):
    """f'(x) = x⁵ − 5x³ + 4x."""
    x = _as_theta(theta, 1)
    x2 = x * x
    return x * (x2 * (x2 - 5.0) + 4.0)


# ---------------------------------------------------------------- the hill sin x sin y
def hill(theta):
    """f(x, y) = sin x · sin y."""
    t = _as_theta(theta, 2)
    return np.sin(t[..., 0]) * np.sin(t[..., 1])


def hill_grad(theta):
    """∇f(x, y) = (cos x · sin y, sin x · cos y)."""
    t = _as_theta(theta, 2)
    s, c = np.sin(t), np.cos(t)
    return np.stack([c[..., 0] * s[..., 1], s[..., 0] * c[..., 1]], axis=-1)


def _hill_value_and_grad(theta):
    t = _as_theta(theta, 2)
    s, c = np.sin(t), np.cos(t)
    g = np.empty_like(t)
    np.multiply(c[..., 0], s[..., 1], out=g[..., 0])
    np.multiply(s[..., 0], c[..., 1], out=g[..., 1])
    return s[..., 0] * s[..., 1], g


# ---------------------------------------------------------------- the bowl (5x² + y²)/2
BOWL_HESSIAN = np.diag([5.0, 1.0])


def bowl(theta):
    """f(x, y) = (5x² + y²)/2, a quadratic with Hessian diag(5, 1)."""
    t = _as_theta(theta, 2)
    return 0.5 * (5.0 * t[..., 0] ** 2 + t[..., 1] ** 2)


def bowl_grad(theta):
    """∇f(x, y) = (5x, y)."""
    return _as_theta(theta, 2) * np.array([5.0, 1.0])


PARABOLA = Objective(
    "parabola", 1, parabola, parabola_grad, ((-3.0, 3.0),),
    np.array([[0.0]]), np.empty((0, 1)), r"f(x) = x^2",
)

DOUBLE_WELL = Objective(
    "double-well", 1, double_well, double_well_grad, ((-2.6, 2.6),),
    np.array([[-2.0], [2.0]]), np.array([[0.0]]),
    r"f(x) = \frac{x^6}{6} - \frac{5x^4}{4} + 2x^2 + \frac{4}{3}",
)

# On [−1.6π, 1.6π]² sin x sin y has eight minima (value −1): sin x = ±1 and sin y = ∓1.
_H = np.pi / 2
HILL = Objective(
    "hill", 2, hill, hill_grad, ((-1.6 * np.pi, 1.6 * np.pi), (-1.6 * np.pi, 1.6 * np.pi)),
    np.array([[x, y] for x in (-3 * _H, -_H, _H, 3 * _H) for y in (-3 * _H, -_H, _H, 3 * _H)
              if np.sin(x) * np.sin(y) < -0.5]),
    np.empty((0, 2)),
    r"f(x, y) = \sin(x)\sin(y)", _hill_value_and_grad,
)

BOWL = Objective(
    "bowl", 2, bowl, bowl_grad, ((-3.0, 3.0), (-3.0, 3.0)),
    np.zeros((1, 2)), np.empty((0, 2)), r"f(x, y) = \frac{5x^2 + y^2}{2}",
)


# ---------------------------------------------------------------- regression MSE over (w, b)
def mse(theta, x, y):
    """L(w, b) = (1/N) Σᵢ (yᵢ − (w xᵢ + b))², with θ = (w, b) broadcasting over leading axes."""
    t = _as_theta(theta, 2)
    r = y - (t[..., 0, None] * x + t[..., 1, None])  # (..., N) residuals
    return np.mean(r * r, axis=-1)


def mse_grad(theta, x, y):
    """∂L/∂w = −(2/N) Σ xᵢ (yᵢ − (w xᵢ + b)),  ∂L/∂b = −(2/N) Σ (yᵢ − (w xᵢ + b))."""
    t = _as_theta(theta, 2)
    r = y - (t[..., 0, None] * x + t[..., 1, None])
    return np.stack([-2.0 * np.mean(x * r, axis=-1), -2.0 * np.mean(r, axis=-1)], axis=-1)


def regression_objective(x: np.ndarray, y: np.ndarray, domain=((-1.0, 5.0), (-2.0, 4.0))) -> Objective:
    """The MSE of the line ŷ = w x + b on the dataset (x, y), as an objective of θ = (w, b)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w, b = np.polyfit(x, y, 1)  # the least-squares line: the only minimum of a convex quadratic
    return Objective(
        "mse", 2,
        lambda theta: mse(theta, x, y),
        lambda theta: mse_grad(theta, x, y),
        domain, np.array([[w, b]]), np.empty((0, 2)),
        r"L(w, b) = \frac{1}{N}\sum_{i=1}^{N} \left(y_i - (w x_i + b)\right)^2",
    )


OBJECTIVES = {o.name: o for o in (PARABOLA, DOUBLE_WELL, HILL, BOWL)}

