"""The one pure runner: many starting points descending at once, no I/O."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .objectives import Objective
from .optimizers import Optimizer, tree_map

RUNNING, CONVERGED, DIVERGED = 0, 1, 2
STATUS_NAMES = {RUNNING: "running", CONVERGED: "converged", DIVERGED: "diverged"}


class Trajectory(NamedTuple):
    """Everything a batch of B points did over T steps (index 0 is the start)."""

    positions: np.ndarray  # (T+1, B, d)
    losses: np.ndarray  # (T+1, B)
    grads: np.ndarray  # (T+1, B, d)
    status: np.ndarray  # (B,) RUNNING / CONVERGED / DIVERGED
    converged_step: np.ndarray  # (B,) first step with |∇f| ≤ tol, −1 if never
    diverged_step: np.ndarray  # (B,) step whose loss was non-finite or above the bound, −1 if never


def run(
    objective: Objective,
    optimizer: Optimizer,
    starts,
    steps: int,
    *,
    tol: float = 1e-6,
    bound: float = 1e20,
) -> Trajectory:
    """Run ``optimizer`` on ``objective`` from every row of ``starts`` (B, d) for ``steps`` steps.

    A point whose new loss is non-finite or above ``bound`` is marked diverged at that step and
    frozen at its last in-bound state (position, loss, gradient and optimizer state); the others go
    on. A point is converged from the first step its gradient norm is at most ``tol``; it keeps
    stepping (so closed forms still hold), and the status reports the first such step.
    """
    starts = np.asarray(starts, dtype=float)
    if starts.ndim != 2 or starts.shape[1] != objective.dim:
        raise ValueError(f"starts must have shape (B, {objective.dim}), got {starts.shape}")
    if not np.all(np.isfinite(starts)):
        raise ValueError("starts must be finite")
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    n, d = starts.shape
    positions = np.empty((steps + 1, n, d))
    losses = np.empty((steps + 1, n))
    grads = np.empty((steps + 1, n, d))
    diverged_step = np.full(n, -1, dtype=np.int64)
    converged_step = np.full(n, -1, dtype=np.int64)
    tol2 = tol * tol

    with np.errstate(all="ignore"):
        params = starts.copy()
        loss, grad = objective.value_and_grad(params)
        positions[0], losses[0], grads[0] = params, loss, grad
        state = optimizer.init(params)
        _mark_converged(grad, tol2, converged_step, 0)
        any_diverged = False
        for k in range(1, steps + 1):
            updates, new_state = optimizer.update(grad, state, params)
            new_params = params + updates
            new_loss, new_grad = objective.value_and_grad(new_params)
            # Fast check on two reductions: NaN poisons max, ±inf shows in max/min.
            hi, lo = new_loss.max(), new_loss.min()
            if any_diverged or not (hi <= bound and np.isfinite(hi) and np.isfinite(lo)):
                # Freeze every diverged point at its last in-bound state.
                bad = ~(new_loss <= bound) | ~np.isfinite(new_loss)  # above the bound, NaN or ±inf
                bad |= diverged_step >= 0
                diverged_step[bad & (diverged_step < 0)] = k
                any_diverged = True
                keep = bad[:, None]
                new_params = np.where(keep, params, new_params)
                new_loss = np.where(bad, loss, new_loss)
                new_grad = np.where(keep, grad, new_grad)
                new_state = tree_map(
                    lambda new, old: np.where(bad.reshape(bad.shape + (1,) * (np.ndim(new) - 1)), old, new),
                    new_state, state,
                )
            params, loss, grad, state = new_params, new_loss, new_grad, new_state
            positions[k], losses[k], grads[k] = params, loss, grad
            _mark_converged(grad, tol2, converged_step, k)

    status = np.full(n, RUNNING, dtype=np.int8)
    status[converged_step >= 0] = CONVERGED
    status[diverged_step >= 0] = DIVERGED
    converged_step[diverged_step >= 0] = -1
    return Trajectory(positions, losses, grads, status, converged_step, diverged_step)


def _mark_converged(grad: np.ndarray, tol2: float, converged_step: np.ndarray, k: int) -> None:
    """Record step ``k`` for points whose gradient norm first drops to the tolerance."""
    norm2 = (grad * grad) @ np.ones(grad.shape[-1])  # |∇f|² (a matmul beats einsum/sum here)
    if norm2.min() <= tol2:  # fast path: nothing to mark on most steps
        converged_step[(norm2 <= tol2) & (converged_step < 0)] = k
