"""Stability theory for GD on quadratics, checked against what the trajectories actually do."""

import json
import math

import numpy as np
import pytest

from core import optimizers, scenarios, theory
from core.objectives import BOWL_HESSIAN, Objective
from core.optimizers import make
from core.runner import DIVERGED, run

LR_SCENARIOS = {"lr-small": "slow", "lr-good": "good", "lr-large": "oscillating",
                "lr-unstable": "divergent"}


def quadratic(h: np.ndarray) -> Objective:
    d = h.shape[0]
    return Objective("quadratic", d, lambda t: 0.5 * np.einsum("...i,ij,...j->...", t, h, t),
                     lambda t: t @ h, ((-1.0, 1.0),) * d, np.zeros((1, d)), np.empty((0, d)), "")


def random_hessian(rng, d=3, cond=None):
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam = np.sort(rng.uniform(0.2, 5.0, size=d)) if cond is None else np.geomspace(1.0, cond, d)
    return q @ np.diag(lam) @ q.T, lam


# ---------------------------------------------------------------- behaviour, read off a trajectory
def observed_rate(positions: np.ndarray, window: int = 10) -> float:
    """Per-step shrink factor of |θ − θ*| (θ* = 0) over the last ``window`` steps still above 1e-200."""
    norms = np.linalg.norm(positions, axis=-1)
    alive = np.nonzero(norms > 1e-200)[0]
    end = alive[-1]
    start = max(end - window, 0)
    return float((norms[end] / norms[start]) ** (1.0 / (end - start)))


def observed_best_rate(h, start, steps=300) -> float:
    """The fastest observed shrink factor over 199 fixed rates in (0, 2/λmax), by brute force."""
    lrs = np.linspace(0.01, 1.99, 199) / np.linalg.eigvalsh(h).max()
    traj = run(quadratic(h), optimizers.sgd(lrs[:, None]), np.tile(start, (len(lrs), 1)), steps)
    return min(observed_rate(traj.positions[:, b]) for b in range(len(lrs)))


def observed_regime(h, lr, start, best_rate, steps=300) -> str:
    """The regime as behaviour shows it, with no use of the theory module."""
    traj = run(quadratic(h), make("gd", lr=lr), np.array([start]), steps)
    if traj.status[0] == DIVERGED or traj.losses[-1, 0] >= traj.losses[0, 0]:
        return "divergent"
    pos = traj.positions[:, 0]
    _, vecs = np.linalg.eigh(h)
    steep = pos @ vecs[:, -1]  # the coordinate along the steepest direction
    resolved = np.abs(steep) > 1e-9 * np.linalg.norm(pos, axis=-1)  # above rounding of the rest
    steep = steep[: np.argmin(resolved) if not resolved.all() else len(steep)]
    if len(steep) > 1 and np.all(steep[1:] * steep[:-1] < 0):
        return "oscillating"
    n = math.log(1e-6) / math.log(observed_rate(pos))
    n_best = math.log(1e-6) / math.log(max(best_rate, 1e-300))
    return "slow" if n > 10 * max(n_best, 1.0) else "good"


# ---------------------------------------------------------------- the post's four learning rates
@pytest.fixture(scope="module")
def lr_files():
    return {name: scenarios.compute(name) for name in LR_SCENARIOS}


@pytest.mark.parametrize("name", list(LR_SCENARIOS))
def test_lr_scenarios_carry_the_predicted_regime(name, lr_files):
    _, meta = lr_files[name]
    p = meta["params"]
    assert p["regime"] == LR_SCENARIOS[name]
    assert p["lr_max"] == pytest.approx(2 / 5) and p["lr_best"] == pytest.approx(2 / 6)
    assert p["hessian_eigenvalues"] == [1.0, 5.0]
    assert json.loads(json.dumps(meta)) == meta


@pytest.mark.parametrize("name", list(LR_SCENARIOS))
def test_lr_scenarios_behave_as_predicted(name, lr_files):
    arrays, meta = lr_files[name]
    p = arrays["positions"][:, 0]
    predicted = meta["params"]["regime"]
    flips = np.sum(np.sign(p[1:, 0]) != np.sign(p[:-1, 0]))  # x is the steep (λ = 5) direction
    if predicted == "divergent":
        assert arrays["status"][0] == DIVERGED
    else:
        assert arrays["status"][0] != DIVERGED
        assert arrays["losses"][-1, 0] < arrays["losses"][0, 0]
    if predicted == "oscillating":
        k = np.nonzero(np.abs(p[:, 0]) > 1e-300)[0][-1]
        assert flips == k, f"{name}: x flipped sign {flips} times in {k} steps"
    if predicted in ("slow", "good"):
        assert flips == 0 and np.all(np.diff(np.abs(p), axis=0) <= 0), f"{name}: not monotone"
        # how many steps to shrink the error a millionfold, from the last steps' observed rate,
        # against the best fixed rate's (observed on the same bowl at 2/(λmin + λmax))
        best = scenarios.compute(name, lr=meta["params"]["lr_best"])[0]["positions"][:, 0]
        ratio = math.log(observed_rate(best)) / math.log(observed_rate(p))
        assert (ratio > 10) == (predicted == "slow"), f"{name}: {ratio:.1f}× the best rate's steps"
    start = [-2.0, 2.5]
    best_rate = observed_best_rate(BOWL_HESSIAN, start)
    assert observed_regime(BOWL_HESSIAN, meta["params"]["lr"], start, best_rate) == predicted


def test_overridden_lr_gets_its_own_regime():
    _, meta = scenarios.compute("lr-good", lr=0.3)
    assert meta["params"]["regime"] == "oscillating" and meta["params"]["lr"] == 0.3


# ---------------------------------------------------------------- the formulas
def test_bowl_thresholds():
    assert theory.lr_max(BOWL_HESSIAN) == pytest.approx(0.4)
    assert theory.lr_best(BOWL_HESSIAN) == pytest.approx(1 / 3)
    assert [theory.regime(a, [1, 5]) for a in (0.01, 0.18, 0.38, 0.5)] == \
        ["slow", "good", "oscillating", "divergent"]
    assert theory.regime(0.4, [1, 5]) == "divergent"  # |1 − 0.4·5| = 1: it never settles
    assert theory.regime(0.2, [1, 5]) == "good"  # 1 − 0.2·5 = 0: no overshoot yet
    assert theory.regime(0.2000001, [1, 5]) == "oscillating"


def test_slow_threshold_is_ten_times_the_best_step_count():
    lam = [1.0, 5.0]
    n_best = theory.steps_to_accuracy(theory.contraction(theory.lr_best(lam), lam))
    for lr in np.geomspace(1e-3, 0.2, 60):
        n = theory.steps_to_accuracy(1 - lr)  # ρ = 1 − α λmin below 1/λmax
        assert (theory.regime(lr, lam) == "slow") == (n > 10 * n_best), lr


@pytest.mark.parametrize("seed", range(5))
def test_lr_max_and_lr_best_against_brute_force(seed):
    h, lam = random_hessian(np.random.default_rng(seed))
    assert theory.lr_max(h) == pytest.approx(2 / lam.max(), rel=1e-12)
    grid = np.linspace(1e-4, 1.2 * theory.lr_max(h), 20001)
    rho = np.array([np.abs(np.linalg.eigvals(np.eye(3) - a * h)).max() for a in grid])
    assert grid[np.argmin(rho)] == pytest.approx(theory.lr_best(h), abs=2 * (grid[1] - grid[0]))
    assert np.all((rho < 1) == (grid < theory.lr_max(h)))
    for a in grid[::997]:
        assert theory.contraction(a, h) == pytest.approx(np.abs(np.linalg.eigvals(np.eye(3) - a * h)).max())


@pytest.mark.parametrize("seed", range(3))
def test_gd_error_shrinks_exactly_at_the_predicted_rate(seed):
    rng = np.random.default_rng(seed)
    h, lam = random_hessian(rng)
    start = rng.normal(size=(1, 3))
    for lr in (0.3 / lam.max(), theory.lr_best(h), 1.7 / lam.max()):
        rho = theory.contraction(lr, h)
        pos = run(quadratic(h), make("gd", lr=lr), start, 150).positions[:, 0]
        norms = np.linalg.norm(pos, axis=-1)
        k = np.arange(len(norms))
        assert np.all(norms <= rho ** k * norms[0] * (1 + 1e-9))  # never worse than ρᵏ
        assert observed_rate(pos) == pytest.approx(rho, rel=1e-3)  # and asymptotically exactly ρ


@pytest.mark.parametrize("seed,cond", [(0, 3.0), (1, 30.0), (2, None)])
def test_predicted_regime_matches_behaviour_across_learning_rates(seed, cond):
    rng = np.random.default_rng(seed)
    h, lam = random_hessian(rng, cond=cond)
    start = rng.normal(size=3)
    thresholds = [1 / lam.max(), 2 / lam.max()]
    best_rate = observed_best_rate(h, start)
    seen = set()
    for lr in np.geomspace(1e-3, 3.0, 25) / lam.max():
        if any(abs(lr / t - 1) < 0.02 for t in thresholds):
            continue  # right at a boundary the observed behaviour needs infinitely many steps
        predicted = theory.regime(lr, h)
        n = theory.steps_to_accuracy(theory.contraction(lr, h))
        n_best = theory.steps_to_accuracy(theory.contraction(theory.lr_best(h), h))
        if predicted in ("slow", "good") and 0.7 < n / (10 * n_best) < 1.4:
            continue  # too close to the slow/good line to tell from a finite run
        assert observed_regime(h, lr, start, best_rate) == predicted, f"lr={lr:.4g}: predicted {predicted}"
        seen.add(predicted)
    assert seen == set(theory.REGIMES), seen


def test_describe_is_json_ready_and_consistent():
    d = theory.describe(0.38, np.diag([5.0, 1.0]))
    assert json.loads(json.dumps(d)) == d
    assert d["regime"] == "oscillating" and d["contraction"] == pytest.approx(0.9)
    assert d["steps_to_accuracy"] == math.ceil(math.log(1e-6) / math.log(0.9))
    assert theory.describe(0.5, [1.0, 5.0])["steps_to_accuracy"] is None


@pytest.mark.parametrize("bad", [[[1.0, 2.0], [0.0, 1.0]], [1.0, -1.0], [], [[1.0, 0.0], [0.0, 0.0]]])
def test_rejects_what_is_not_positive_definite(bad):
    with pytest.raises(ValueError, match="positive definite|symmetric"):
        theory.lr_max(bad)


@pytest.mark.parametrize("lr", [0.0, -0.1, math.nan, math.inf])
def test_rejects_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="finite number > 0"):
        theory.regime(lr, [1.0, 5.0])
