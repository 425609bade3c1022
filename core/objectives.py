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


# ================================================================ classic test surfaces
# Beyond the post: the surfaces optimizer benchmarks use (Surjanovic & Bingham's Virtual Library of
# Simulation Experiments has them all), each with its standard constants.


# ---------------------------------------------------------------- Rosenbrock's banana valley
ROSENBROCK_A, ROSENBROCK_B = 1.0, 100.0


def rosenbrock(theta, a: float = ROSENBROCK_A, b: float = ROSENBROCK_B):
    """f(x, y) = (a − x)² + b (y − x²)², a = 1, b = 100: one minimum f(a, a²) = 0 in a curved valley."""
    t = _as_theta(theta, 2)
    x, y = t[..., 0], t[..., 1]
    return (a - x) ** 2 + b * (y - x * x) ** 2


def rosenbrock_grad(theta, a: float = ROSENBROCK_A, b: float = ROSENBROCK_B):
    """∇f = (−2(a − x) − 4b x (y − x²), 2b (y − x²))."""
    t = _as_theta(theta, 2)
    x, y = t[..., 0], t[..., 1]
    r = y - x * x
    return np.stack([-2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r], axis=-1)


# ---------------------------------------------------------------- Himmelblau's four minima
def himmelblau(theta):
    """f(x, y) = (x² + y − 11)² + (x + y² − 7)²: four global minima of value 0."""
    t = _as_theta(theta, 2)
    x, y = t[..., 0], t[..., 1]
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def himmelblau_grad(theta):
    """∇f = (4x(x² + y − 11) + 2(x + y² − 7), 2(x² + y − 11) + 4y(x + y² − 7))."""
    t = _as_theta(theta, 2)
    x, y = t[..., 0], t[..., 1]
    p, q = x * x + y - 11.0, x + y * y - 7.0
    return np.stack([4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q], axis=-1)


def _himmelblau_hessian(t):
    x, y = t
    p, q = x * x + y - 11.0, x + y * y - 7.0
    return np.array([[4.0 * p + 8.0 * x * x + 2.0, 4.0 * (x + y)],
                     [4.0 * (x + y), 2.0 + 4.0 * q + 8.0 * y * y]])


def _newton(grad, hessian, guess, iterations: int = 50):
    """Refine a stationary point from a good guess by Newton's method on ∇f = 0."""
    t = np.asarray(guess, dtype=float)
    for _ in range(iterations):
        step = np.linalg.solve(hessian(t), grad(t))
        t = t - step
        if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(t))):
            break
    return t


# The four minima, (3, 2) exactly and three others known to ~6 digits, refined to machine precision.
_HIMMELBLAU_MINIMA = np.array([
    _newton(himmelblau_grad, _himmelblau_hessian, g)
    for g in ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))
])


# ---------------------------------------------------------------- Beale's flat plateau
def beale(theta):
    """f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²: minimum f(3, 0.5) = 0."""
    t = _as_theta(theta, 2)
    x, y = t[..., 0], t[..., 1]
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2
            + (2.625 - x + x * y ** 3) ** 2)


def beale_grad(theta):
    """With rᵢ = cᵢ − x + x yⁱ: ∂f/∂x = Σ 2rᵢ(yⁱ − 1), ∂f/∂y = Σ 2rᵢ · i x yⁱ⁻¹."""
    t = _as_theta(theta, 2)
    x, y = t[..., 0], t[..., 1]
    y2 = y * y
    y3 = y2 * y
    r1 = 1.5 - x + x * y
    r2 = 2.25 - x + x * y2
    r3 = 2.625 - x + x * y3
    gx = 2.0 * (r1 * (y - 1.0) + r2 * (y2 - 1.0) + r3 * (y3 - 1.0))
    gy = 2.0 * x * (r1 + 2.0 * r2 * y + 3.0 * r3 * y2)
    return np.stack([gx, gy], axis=-1)


# ---------------------------------------------------------------- Rastrigin's egg crate (2-D)
RASTRIGIN_A = 10.0


def rastrigin(theta, A: float = RASTRIGIN_A):
    """f(x, y) = 2A + Σᵢ (xᵢ² − A cos 2πxᵢ), A = 10: global minimum f(0, 0) = 0, a local one near
    every integer point."""
    t = _as_theta(theta, 2)
    return 2.0 * A + np.sum(t * t - A * np.cos(2.0 * np.pi * t), axis=-1)


def rastrigin_grad(theta, A: float = RASTRIGIN_A):
    """∂f/∂xᵢ = 2xᵢ + 2πA sin 2πxᵢ."""
    t = _as_theta(theta, 2)
    return 2.0 * t + 2.0 * np.pi * A * np.sin(2.0 * np.pi * t)


def _rastrigin_minima_1d(lo: float, hi: float, A: float = RASTRIGIN_A) -> np.ndarray:
    """The minima of x² − A cos 2πx in [lo, hi]: one just inside each integer k (toward 0)."""
    roots = []
    for k in range(int(np.ceil(lo)), int(np.floor(hi)) + 1):
        x = float(k)
        for _ in range(50):  # Newton on 2x + 2πA sin 2πx = 0
            step = (2.0 * x + 2.0 * np.pi * A * np.sin(2.0 * np.pi * x)) / (
                2.0 + 4.0 * np.pi ** 2 * A * np.cos(2.0 * np.pi * x))
            x -= step
            if abs(step) <= 1e-16:
                break
        if lo <= x <= hi:
            roots.append(x)
    return np.array(roots)


_RASTRIGIN_DOMAIN = ((-5.12, 5.12), (-5.12, 5.12))  # the standard search box
_R1 = _rastrigin_minima_1d(*_RASTRIGIN_DOMAIN[0])
_RASTRIGIN_LOCAL = np.array([[x, y] for x in _R1 for y in _R1 if not (x == 0.0 and y == 0.0)])


# ---------------------------------------------------------------- the saddle x² − y²
def saddle(theta):
    """f(x, y) = x² − y²: a saddle point at the origin, no minimum (unbounded below along y)."""
    t = _as_theta(theta, 2)
    return t[..., 0] ** 2 - t[..., 1] ** 2


def saddle_grad(theta):
    """∇f = (2x, −2y)."""
    return _as_theta(theta, 2) * np.array([2.0, -2.0])


ROSENBROCK = Objective(
    "rosenbrock", 2, rosenbrock, rosenbrock_grad, ((-2.0, 2.0), (-1.0, 3.0)),
    np.array([[ROSENBROCK_A, ROSENBROCK_A ** 2]]), np.empty((0, 2)),
    r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
)

HIMMELBLAU = Objective(
    "himmelblau", 2, himmelblau, himmelblau_grad, ((-5.0, 5.0), (-5.0, 5.0)),
    _HIMMELBLAU_MINIMA, np.empty((0, 2)),
    r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
)

BEALE = Objective(
    "beale", 2, beale, beale_grad, ((-4.5, 4.5), (-4.5, 4.5)),
    np.array([[3.0, 0.5]]), np.empty((0, 2)),
    r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
)

RASTRIGIN = Objective(
    "rastrigin", 2, rastrigin, rastrigin_grad, _RASTRIGIN_DOMAIN,
    np.zeros((1, 2)), _RASTRIGIN_LOCAL,
    r"f(x, y) = 20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
)

# No minimum at all: ``global_minima`` and ``local_minima`` are empty and the one stationary point,
# the saddle at the origin, is in SADDLE_POINTS.
SADDLE = Objective(
    "saddle", 2, saddle, saddle_grad, ((-2.0, 2.0), (-2.0, 2.0)),
    np.empty((0, 2)), np.empty((0, 2)), r"f(x, y) = x^2 - y^2",
)

SADDLE_POINTS = {"saddle": np.zeros((1, 2))}  # stationary points that are neither minima nor maxima

# Named objectives that have a minimum (the post's four and the classic surfaces).
OBJECTIVES = {o.name: o for o in (PARABOLA, DOUBLE_WELL, HILL, BOWL,
                                  ROSENBROCK, HIMMELBLAU, BEALE, RASTRIGIN)}
# Every named surface, including the saddle, which has no minimum.
SURFACES = {**OBJECTIVES, SADDLE.name: SADDLE}

