"""The classic test surfaces: gradients, minima, the saddle, and their LaTeX labels."""

import re

import numpy as np
import pytest

from core import objectives
from core.objectives import BEALE, HIMMELBLAU, RASTRIGIN, ROSENBROCK, SADDLE
from conftest import central_difference

NEW = [ROSENBROCK, HIMMELBLAU, BEALE, RASTRIGIN, SADDLE]


def _points(obj, rng, n=500):
    lo, hi = np.array(obj.domain).T
    return rng.uniform(lo, hi, size=(n, obj.dim))


def _hessian(obj, theta, h=1e-5):
    """Central differences of the analytic gradient: an independent Hessian."""
    cols = [(obj.grad(theta + h * e) - obj.grad(theta - h * e)) / (2 * h) for e in np.eye(obj.dim)]
    return np.stack(cols, axis=-1)


def test_registries():
    for obj in (ROSENBROCK, HIMMELBLAU, BEALE, RASTRIGIN):
        assert objectives.OBJECTIVES[obj.name] is obj
    assert objectives.SURFACES["saddle"] is SADDLE and "saddle" not in objectives.OBJECTIVES
    assert set(objectives.SURFACES) >= {"parabola", "double-well", "hill", "bowl", "rosenbrock",
                                        "himmelblau", "beale", "rastrigin", "saddle"}


@pytest.mark.parametrize("obj", NEW, ids=lambda o: o.name)
def test_gradient_matches_central_differences(obj, rng):
    pts = _points(obj, rng)
    analytic = obj.grad(pts)
    numeric = central_difference(obj.value, pts)
    # rounding in f(θ ± h) is ~1e-16 |f| / h, so scale by the size of f as well as of ∇f
    scale = np.maximum(1.0, np.maximum(np.abs(numeric), 1e-4 * np.abs(obj.value(pts))[:, None]))
    err = np.abs(analytic - numeric) / scale
    worst = np.unravel_index(err.argmax(), err.shape)
    assert err.max() < 1e-6, f"{obj.name}: gradient off by {err.max():.2e} at θ={pts[worst[0]]}"


@pytest.mark.parametrize("obj", NEW, ids=lambda o: o.name)
def test_broadcasts_over_leading_axes(obj, rng):
    pts = _points(obj, rng, 24).reshape(2, 3, 4, 2)
    v, g = obj.value(pts), obj.grad(pts)
    assert v.shape == (2, 3, 4) and g.shape == (2, 3, 4, 2)
    for idx in np.ndindex(2, 3, 4):
        assert obj.value(pts[idx]) == v[idx]
        np.testing.assert_array_equal(obj.grad(pts[idx]), g[idx])


@pytest.mark.parametrize("obj", [ROSENBROCK, HIMMELBLAU, BEALE, RASTRIGIN], ids=lambda o: o.name)
def test_minima_are_stationary_strict_and_lowest(obj, rng):
    for kind, minima in (("global", obj.global_minima), ("local", obj.local_minima)):
        if not len(minima):
            continue
        assert len(minima) == len(np.unique(np.round(minima, 6), axis=0)), f"{obj.name}: repeated {kind} minima"
        g = obj.grad(minima)
        assert np.abs(g).max() < 1e-9, f"{obj.name}: a {kind} minimum has gradient {np.abs(g).max():.1e}"
        eig = np.linalg.eigvalsh(_hessian(obj, minima))
        assert eig.min() > 0, f"{obj.name}: a {kind} minimum's Hessian is not positive definite"
    best = obj.value(obj.global_minima)
    np.testing.assert_allclose(best, 0.0, atol=1e-20)  # every one of these has minimum value 0
    assert obj.value(_points(obj, rng, 20000)).min() >= -1e-12
    if len(obj.local_minima):
        assert obj.value(obj.local_minima).min() > 0.5


def test_the_known_minima():
    np.testing.assert_array_equal(ROSENBROCK.global_minima, [[1.0, 1.0]])
    np.testing.assert_array_equal(BEALE.global_minima, [[3.0, 0.5]])
    np.testing.assert_array_equal(RASTRIGIN.global_minima, [[0.0, 0.0]])
    # Himmelblau's four, as tabulated to six digits
    table = [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]
    np.testing.assert_allclose(HIMMELBLAU.global_minima, table, atol=1e-6)


def test_rastrigin_local_minima_sit_by_every_lattice_point():
    lm = RASTRIGIN.local_minima
    lattice = np.round(lm)
    assert len(lm) == 11 * 11 - 1  # every integer point of [−5, 5]² but the origin
    assert set(map(tuple, lattice)) == {(i, j) for i in range(-5, 6) for j in range(-5, 6)} - {(0, 0)}
    # each is pulled slightly toward the origin by the x² term
    assert np.all(np.abs(lm) <= np.abs(lattice)) and np.abs(lm - lattice).max() < 0.03
    lo, hi = np.array(RASTRIGIN.domain).T
    assert np.all((lm >= lo) & (lm <= hi))


def test_saddle_has_a_saddle_point_and_no_minimum():
    assert SADDLE.global_minima.shape == (0, 2) and SADDLE.local_minima.shape == (0, 2)
    sp = objectives.SADDLE_POINTS["saddle"]
    np.testing.assert_array_equal(SADDLE.grad(sp), [[0.0, 0.0]])
    eig = np.linalg.eigvalsh(_hessian(SADDLE, sp[0]))
    np.testing.assert_allclose(eig, [-2.0, 2.0], atol=1e-6)
    ys = np.array([1.0, 10.0, 1e3])
    np.testing.assert_array_equal(SADDLE.value(np.stack([0 * ys, ys], -1)), -ys ** 2)  # unbounded below


def _latex_to_numpy(formula: str) -> str:
    """Just enough LaTeX for these labels: the right-hand side as a NumPy expression."""
    rhs = formula.split("=", 1)[1]
    rhs = rhs.replace(r"\,", "*").replace(r"\cos", "*np.cos").replace("^", "**")
    rhs = re.sub(r"(\d)\\pi\s*x", r"\1*np.pi*x", rhs)
    rhs = re.sub(r"(\d)\\pi\s*y", r"\1*np.pi*y", rhs)
    return rhs.replace("xy", "x*y")


@pytest.mark.parametrize("obj", NEW, ids=lambda o: o.name)
def test_latex_label_is_the_function(obj, rng):
    pts = _points(obj, rng, 100)
    x, y = pts[:, 0], pts[:, 1]
    labelled = eval(_latex_to_numpy(obj.formula), {"np": np, "x": x, "y": y})
    np.testing.assert_allclose(labelled, obj.value(pts), rtol=1e-12, atol=1e-9,
                               err_msg=f"{obj.name}: {obj.formula}")


def test_rosenbrock_and_rastrigin_use_the_standard_constants():
    assert (objectives.ROSENBROCK_A, objectives.ROSENBROCK_B, objectives.RASTRIGIN_A) == (1.0, 100.0, 10.0)
    assert RASTRIGIN.domain == ((-5.12, 5.12), (-5.12, 5.12))
    assert BEALE.domain == ((-4.5, 4.5), (-4.5, 4.5))
