import numpy as np
import pytest

from core import objectives, regression
from conftest import central_difference

LINEAR_X, LINEAR_Y = regression.linear_dataset(seed=0)
ALL = [*objectives.OBJECTIVES.values(), objectives.regression_objective(LINEAR_X, LINEAR_Y)]


def _random_points(obj, rng, n=200):
    lo = np.array([d[0] for d in obj.domain])
    hi = np.array([d[1] for d in obj.domain])
    return rng.uniform(lo, hi, size=(n, obj.dim))


@pytest.mark.parametrize("obj", ALL, ids=lambda o: o.name)
def test_gradient_matches_central_differences(obj, rng):
    pts = _random_points(obj, rng)
    analytic = obj.grad(pts)
    numeric = central_difference(obj.value, pts)
    scale = np.maximum(1.0, np.abs(numeric))
    err = np.abs(analytic - numeric) / scale
    worst = np.unravel_index(err.argmax(), err.shape)
    assert err.max() < 1e-6, f"{obj.name}: gradient off by {err.max():.2e} at θ={pts[worst[0]]}"


@pytest.mark.parametrize("obj", ALL, ids=lambda o: o.name)
def test_broadcasts_over_leading_axes(obj, rng):
    pts = _random_points(obj, rng, 24).reshape(2, 3, 4, obj.dim)
    values, grads = obj.value(pts), obj.grad(pts)
    assert values.shape == (2, 3, 4) and grads.shape == (2, 3, 4, obj.dim)
    flat = pts.reshape(-1, obj.dim)
    for k, p in enumerate(flat):
        assert obj.value(p) == pytest.approx(values.reshape(-1)[k], rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(obj.grad(p), grads.reshape(-1, obj.dim)[k], rtol=1e-12, atol=1e-12)
    v2, g2 = obj.value_and_grad(pts)
    np.testing.assert_allclose(v2, values, rtol=1e-14)
    np.testing.assert_allclose(g2, grads, rtol=1e-14)


@pytest.mark.parametrize("obj", ALL, ids=lambda o: o.name)
def test_known_minima_are_stationary_and_minimal(obj, rng):
    for kind, minima in (("global", obj.global_minima), ("local", obj.local_minima)):
        for m in minima:
            g = obj.grad(m)
            assert np.linalg.norm(g) < 1e-9, f"{obj.name}: {kind} minimum {m} has gradient {g}"
            # every nearby point is at least as high
            around = m + rng.normal(scale=1e-3, size=(50, obj.dim))
            assert np.all(obj.value(around) >= obj.value(m) - 1e-12), f"{obj.name}: {m} is not a minimum"
    lowest = min(obj.value(m) for m in obj.global_minima)
    pts = _random_points(obj, rng, 2000)
    assert obj.value(pts).min() >= lowest - 1e-12, f"{obj.name}: a sampled point beats the global minimum"
    for m in obj.local_minima:
        assert obj.value(m) > lowest, f"{obj.name}: local minimum {m} is not above the global one"


def test_double_well_shape():
    f = objectives.DOUBLE_WELL
    assert f.value(np.array([-2.0])) == pytest.approx(f.value(np.array([2.0])), abs=1e-12)
    assert f.value(np.array([0.0])) == pytest.approx(4 / 3)
    # maxima at ±1 separate the basins
    for x in (-1.0, 1.0):
        assert f.grad(np.array([x]))[0] == pytest.approx(0.0, abs=1e-12)
        assert f.value(np.array([x])) > f.value(np.array([0.0]))


def test_wrong_dimension_is_rejected():
    with pytest.raises(ValueError, match="last axis of size 2"):
        objectives.hill(np.zeros(3))
