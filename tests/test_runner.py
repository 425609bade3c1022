import warnings

import numpy as np
import pytest

from core import objectives, optimizers
from core.runner import CONVERGED, DIVERGED, RUNNING, run


def test_gd_on_bowl_equals_closed_form(rng):
    """θ_k = (I − αH)^k θ_0 for the quadratic bowl, for every step and start."""
    starts = rng.uniform(-3, 3, size=(16, 2))
    lr, steps = 0.15, 40
    traj = run(objectives.BOWL, optimizers.sgd(lr), starts, steps)
    m = np.eye(2) - lr * objectives.BOWL_HESSIAN
    expected = np.stack([starts @ np.linalg.matrix_power(m, k).T for k in range(steps + 1)])
    err = np.abs(traj.positions - expected).max()
    assert err < 1e-12, f"positions differ from the closed form by {err:.2e}"
    np.testing.assert_allclose(traj.losses, objectives.bowl(expected), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(traj.grads, objectives.bowl_grad(expected), rtol=1e-12, atol=1e-15)


def test_shapes_and_batch_equals_single_runs(rng):
    starts = rng.uniform(-3, 3, size=(5, 2))
    traj = run(objectives.HILL, optimizers.sgd(0.1), starts, 30)
    assert traj.positions.shape == (31, 5, 2)
    assert traj.losses.shape == (31, 5) and traj.grads.shape == (31, 5, 2)
    for b in range(5):
        one = run(objectives.HILL, optimizers.sgd(0.1), starts[b:b + 1], 30)
        np.testing.assert_array_equal(one.positions[:, 0], traj.positions[:, b])


def test_divergence_is_flagged_frozen_and_warning_free():
    # On the bowl, lr = 0.5 multiplies x by −1.5 each step; lr-independent second point is fine.
    starts = np.array([[1.0, 1.0], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any NaN/overflow RuntimeWarning fails the test
        with np.errstate(all="raise"):
            traj = run(objectives.BOWL, optimizers.sgd(0.5), starts, 400, bound=1e20)
    assert traj.status[0] == DIVERGED
    k = traj.diverged_step[0]
    # the loss first exceeds the bound at step k: 2.5 · 1.5^(2k) + small > 1e20
    x = 1.5 ** np.arange(400)
    first_over = int(np.argmax(2.5 * x**2 + 0.5 * 0.5 ** (2 * np.arange(400)) > 1e20))
    assert k == first_over, (k, first_over)
    assert np.all(traj.positions[k:, 0] == traj.positions[k - 1, 0]), "diverged point not frozen"
    assert np.all(np.isfinite(traj.positions)) and np.all(np.isfinite(traj.losses))
    assert traj.losses[k - 1, 0] <= 1e20
    # the other point (x = 0) goes on and converges
    assert traj.status[1] == CONVERGED and traj.diverged_step[1] == -1
    assert abs(traj.positions[-1, 1, 1]) < 1e-100


def test_non_finite_values_count_as_divergence():
    starts = np.array([[1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(objectives.BOWL, optimizers.sgd(1e200), starts, 5, bound=np.inf)
    assert traj.status[0] == DIVERGED and traj.diverged_step[0] == 1  # 0.5·5·(5e200)² overflows
    assert np.all(np.isfinite(traj.losses))


def test_convergence_step_by_gradient_tolerance():
    starts = np.array([[0.0, 1.0]])
    traj = run(objectives.BOWL, optimizers.sgd(0.5), starts, 60, tol=1e-6)
    # y_k = 0.5^k, the gradient norm is |y_k|
    expected = int(np.ceil(np.log(1e-6) / np.log(0.5)))
    assert traj.status[0] == CONVERGED and traj.converged_step[0] == expected


def test_still_running():
    traj = run(objectives.BOWL, optimizers.sgd(1e-3), np.array([[1.0, 1.0]]), 10)
    assert traj.status[0] == RUNNING and traj.converged_step[0] == -1 and traj.diverged_step[0] == -1


@pytest.mark.parametrize("bad,msg", [
    (np.array([[np.nan, 0.0]]), "finite"),
    (np.zeros((2, 3)), "shape"),
])
def test_bad_starts(bad, msg):
    with pytest.raises(ValueError, match=msg):
        run(objectives.BOWL, optimizers.sgd(0.1), bad, 3)


def test_bad_steps():
    with pytest.raises(ValueError, match="steps"):
        run(objectives.BOWL, optimizers.sgd(0.1), np.zeros((1, 2)), 0)
