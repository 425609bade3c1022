"""Stability of gradient descent on a quadratic, from the Hessian's eigenvalues alone.

On f(θ) = ½ θᵀHθ (any quadratic, after shifting its minimum to 0) one GD step is
θ ← (I − αH)θ, so along the eigenvector of eigenvalue λ the error is multiplied by 1 − αλ each
step. Everything follows from those factors:

- the error shrinks iff every |1 − αλ| < 1, i.e. α < 2/λmax — the largest stable learning rate;
- the slowest factor ρ(α) = maxᵢ |1 − αλᵢ| is smallest at α* = 2/(λmin + λmax), where
  ρ* = (κ − 1)/(κ + 1) with κ = λmax/λmin — the best fixed learning rate;
- the factor along λ is negative iff α > 1/λ: past α = 1/λmax the iterate overshoots along the
  steepest direction and flips sign there every step.

The regimes, checked in this order:

========== ====================================================================================
divergent  α ≥ 2/λmax: ρ ≥ 1, the error along the steepest direction never shrinks (grows if >).
oscillating 1/λmax < α < 2/λmax: converges, but the steepest coordinate changes sign every step.
slow       α ≤ 1/λmax and reaching a fixed accuracy takes more than SLOW_FACTOR = 10 times the
           steps the best fixed rate α* needs — an order of magnitude more work than necessary.
good       α ≤ 1/λmax and within that factor: a monotone approach at a near-optimal speed.
========== ====================================================================================

"Steps to reach a fixed accuracy" is n(α) = ⌈ln(10⁻⁶)/ln ρ(α)⌉, the steps that shrink the slowest
error component a millionfold (the ratio n(α)/n(α*) barely depends on the target, ≈ ln ρ*/ln ρ).
Note that for κ > 1 the best rate α* itself lies in the oscillating regime: it trades a damped
overshoot along the steep direction for speed along the shallow one. On the post's bowl
H = diag(5, 1): α* = 1/3, 2/λmax = 0.4, and 0.01 is slow, 0.18 good, 0.38 oscillating, 0.5
divergent.
"""

from __future__ import annotations

import math

import numpy as np

SLOW_FACTOR = 10.0  # "slow": more than ten times the steps the best fixed learning rate needs
ACCURACY = 1e-6  # the error reduction the step counts are measured to
REGIMES = ("slow", "good", "oscillating", "divergent")


def _eigenvalues(hessian_or_eigenvalues) -> np.ndarray:
    a = np.asarray(hessian_or_eigenvalues, dtype=float)
    if a.ndim == 2:
        if a.shape[0] != a.shape[1] or not np.allclose(a, a.T):
            raise ValueError(f"the Hessian must be a symmetric square matrix, got shape {a.shape}")
        a = np.linalg.eigvalsh(a)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ValueError("need the positive eigenvalues of a positive definite Hessian "
                         f"(or the matrix itself), got {a.tolist()}")
    return np.sort(a)


def eigenvalues(hessian_or_eigenvalues) -> np.ndarray:
    """Sorted eigenvalues of a positive definite Hessian (a matrix, or its eigenvalues as a list)."""
    return _eigenvalues(hessian_or_eigenvalues)


def lr_max(hessian_or_eigenvalues) -> float:
    """The largest stable learning rate: GD converges iff α < 2/λmax."""
    return 2.0 / _eigenvalues(hessian_or_eigenvalues)[-1]


def lr_best(hessian_or_eigenvalues) -> float:
    """The fixed learning rate with the fastest worst-case convergence: 2/(λmin + λmax)."""
    lam = _eigenvalues(hessian_or_eigenvalues)
    return 2.0 / (lam[0] + lam[-1])


def factors(lr: float, hessian_or_eigenvalues) -> np.ndarray:
    """The per-eigendirection multipliers 1 − αλᵢ of one GD step (ascending λ)."""
    return 1.0 - lr * _eigenvalues(hessian_or_eigenvalues)  # e ← (1 − αλ) e per direction


def contraction(lr: float, hessian_or_eigenvalues) -> float:
    """ρ(α) = maxᵢ |1 − αλᵢ|, the worst-case factor by which one step shrinks the error."""
    return float(np.abs(factors(lr, hessian_or_eigenvalues)).max())  # ρ = max |1 − αλ|


def steps_to_accuracy(rho: float, accuracy: float = ACCURACY) -> float:
    """Steps n = ⌈ln(accuracy)/ln ρ⌉ for an error shrinking by ρ per step to fall by ``accuracy``;
    1 if ρ = 0, ∞ if ρ ≥ 1."""
    if rho >= 1.0:
        return math.inf
    if rho <= 0.0:
        return 1.0
    return float(math.ceil(math.log(accuracy) / math.log(rho) - 1e-12))  # n = ⌈ln ε / ln ρ⌉


def regime(lr: float, hessian_or_eigenvalues) -> str:
    """``"divergent"``, ``"oscillating"``, ``"slow"`` or ``"good"`` (see the module docstring)."""
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"invalid learning rate {lr!r}; valid: a finite number > 0")
    lam = _eigenvalues(hessian_or_eigenvalues)
    if lr * lam[-1] >= 2.0:  # α ≥ 2/λmax
        return "divergent"
    if lr * lam[-1] > 1.0:  # α > 1/λmax: 1 − αλmax < 0
        return "oscillating"
    n = steps_to_accuracy(contraction(lr, lam))
    n_best = steps_to_accuracy(contraction(lr_best(lam), lam))
    return "slow" if n > SLOW_FACTOR * n_best else "good"


def describe(lr: float, hessian_or_eigenvalues) -> dict:
    """What theory predicts for GD at ``lr``: JSON-ready, for a scenario's metadata."""
    lam = _eigenvalues(hessian_or_eigenvalues)
    rho = contraction(lr, lam)
    best = lr_best(lam)
    n = steps_to_accuracy(rho)
    return {
        "regime": regime(lr, lam),
        "lr_max": lr_max(lam),
        "lr_best": best,
        "hessian_eigenvalues": lam.tolist(),
        "contraction": rho,
        "contraction_best": contraction(best, lam),
        "steps_to_accuracy": None if math.isinf(n) else int(n),
        "steps_to_accuracy_best": int(steps_to_accuracy(contraction(best, lam))),
        "accuracy": ACCURACY,
    }
