import numpy as np
import pytest

from core import objectives, optimizers, regression
from core.runner import run


def test_linear_dataset_matches_the_post():
    x, y = regression.linear_dataset(seed=3)
    np.testing.assert_array_equal(x, np.linspace(-2, 2, 100))
    noise = y - (2 * x + 1)
    assert abs(noise.std() - 0.5) < 0.1 and abs(noise.mean()) < 0.15
    x2, y2 = regression.linear_dataset(seed=3)
    np.testing.assert_array_equal(y, y2)  # seeded
    _, y3 = regression.parabolic_dataset(seed=3)
    np.testing.assert_allclose(y3 - x * x, noise)  # the same noise on a parabola


@pytest.mark.parametrize("kind", ["linear", "parabolic"])
def test_gd_reaches_least_squares_line(kind):
    x, y = (regression.linear_dataset if kind == "linear" else regression.parabolic_dataset)(seed=1)
    obj = objectives.regression_objective(x, y)
    traj = run(obj, optimizers.sgd(0.015), np.array([[0.3, 0.7]]), 2000)
    w, b = np.polyfit(x, y, 1)
    np.testing.assert_allclose(traj.positions[-1, 0], [w, b], atol=1e-9)


def test_the_posts_run_shows_a_falling_loss():
    """α = 0.015, 100 iterations from a uniform random start: the loss falls at every step."""
    x, y = regression.linear_dataset(seed=0)
    obj = objectives.regression_objective(x, y)
    start = np.random.default_rng(0).uniform(size=(1, 2))
    traj = run(obj, optimizers.sgd(0.015), start, 100)
    loss = traj.losses[:, 0]
    assert np.all(np.diff(loss) < 0)
    assert loss[0] > 2.0 and loss[-1] < 0.3  # the post: ≈3.0 at first, ≈0.32 after 90 iterations
    floor = obj.value(obj.global_minima[0])
    assert floor == pytest.approx(np.mean((y - np.polyval(np.polyfit(x, y, 1), x)) ** 2))
    assert loss[-1] - floor < 0.01


def test_loss_landscape_chunks_equal_direct_evaluation():
    x, y = regression.linear_dataset(seed=2)
    ws, bs = np.linspace(-1, 5, 23), np.linspace(-2, 4, 17)
    chunked = regression.loss_landscape(x, y, ws, bs, chunk_bytes=8 * 23 * 100 * 3)  # 3 rows a block
    direct = np.array([[np.mean((y - (w * x + b)) ** 2) for w in ws] for b in bs])
    np.testing.assert_allclose(chunked, direct, rtol=1e-13)


def test_valley_is_the_minimum_over_b():
    x, y = regression.parabolic_dataset(seed=2)
    ws = np.linspace(-3, 5, 9)
    b_star, loss = regression.valley(x, y, ws)
    bs = np.linspace(-5, 8, 26001)
    brute = regression.loss_landscape(x, y, ws, bs)
    np.testing.assert_allclose(loss, brute.min(axis=0), rtol=1e-6)
    np.testing.assert_allclose(b_star, bs[brute.argmin(axis=0)], atol=1e-3)


def test_predict_broadcasts():
    x = np.linspace(-2, 2, 5)
    theta = np.array([[2.0, 1.0], [0.0, -1.0]])
    np.testing.assert_allclose(regression.predict(theta, x), [2 * x + 1, 0 * x - 1])
