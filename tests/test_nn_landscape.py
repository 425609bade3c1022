"""The network's landscape (Li et al. 2018) and the ``nn-landscape`` scenario, checked against
oracles: SVD for the PCA, direct evaluation for the planes, the line model's loss for the fit."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from core import datafile, mlp, nn_landscape, regression, scenarios
from core.runner import RUNNING

X, Y = regression.parabolic_dataset(seed=0)


@pytest.fixture(scope="module")
def computed():
    return scenarios.compute("nn-landscape")


@pytest.fixture(scope="module")
def line():
    return scenarios.compute("parabolic-regression")


# ---------------------------------------------------------------- directions
def test_filter_normalised_direction_matches_each_units_norm(rng):
    net = mlp.Network((1, 16, 16, 1), "tanh", X, Y)
    theta = rng.normal(size=net.P)
    d = nn_landscape.filter_normalized_direction(theta, net, np.random.default_rng(3))
    again = nn_landscape.filter_normalized_direction(theta, net, np.random.default_rng(3))
    np.testing.assert_array_equal(d, again)  # seeded
    for w_d, w_t in zip(mlp.unflatten(d, net.layers), mlp.unflatten(theta, net.layers)):
        np.testing.assert_array_equal(w_d[1], 0.0)  # biases zeroed
        np.testing.assert_allclose(np.linalg.norm(w_d[0], axis=0), np.linalg.norm(w_t[0], axis=0),
                                   rtol=1e-13)  # ‖d[:, j]‖ = ‖θ*[:, j]‖ per unit j
    # the scaling keeps each unit's random direction: d[:, j] ∥ the Gaussian draw's column
    raw = np.random.default_rng(3).standard_normal(net.P)
    for s in net.slices:
        a, b = d[s.weight].reshape(s.weight_shape), raw[s.weight].reshape(s.weight_shape)
        cos = np.sum(a * b, axis=0) / (np.linalg.norm(a, axis=0) * np.linalg.norm(b, axis=0))
        np.testing.assert_allclose(cos, 1.0, rtol=1e-13)


# ---------------------------------------------------------------- PCA
def test_pca_matches_the_svd_oracle(rng):
    center = rng.normal(size=40)
    path = center + np.cumsum(rng.normal(size=(300, 40)) * np.linspace(3, 0.1, 40), axis=0)
    dirs, explained, coords = nn_landscape.pca_directions(path, center)
    _, s, vt = np.linalg.svd(path - center, full_matrices=False)
    np.testing.assert_allclose(explained, s[:2] ** 2 / np.sum(s ** 2), rtol=1e-10)
    for k in range(2):
        assert abs(abs(dirs[k] @ vt[k]) - 1.0) < 1e-10, f"direction {k} is not the SVD's"
    np.testing.assert_allclose(dirs @ dirs.T, np.eye(2), atol=1e-13)
    np.testing.assert_allclose(coords, (path - center) @ dirs.T, atol=1e-10)
    for k in range(2):  # the sign rule: the largest coordinate along each direction is positive
        assert coords[np.argmax(np.abs(coords[:, k])), k] > 0


def test_pca_of_a_planar_path_explains_everything(rng):
    basis = np.linalg.qr(rng.normal(size=(30, 2)))[0].T  # an orthonormal plane
    uv = rng.normal(size=(50, 2)) * [3.0, 1.0]
    center = rng.normal(size=30)
    dirs, explained, coords = nn_landscape.pca_directions(center + uv @ basis, center)
    assert explained.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(center + coords @ dirs, center + uv @ basis, atol=1e-12)


@pytest.mark.parametrize("spectrum", ["spread", "clustered"])
def test_top_eigenpairs_matches_eigh(spectrum, rng):
    q = np.linalg.qr(rng.normal(size=(60, 60)))[0]
    lam = np.geomspace(100, 1e-3, 60) if spectrum == "spread" else np.r_[5.0, 4.999, np.full(58, 4.998)]
    sym = (q * lam) @ q.T
    values, vectors = nn_landscape.top_eigenpairs(sym, 2)
    np.testing.assert_allclose(values, lam[:2], rtol=1e-10)
    if spectrum == "spread":  # well separated: the vectors are determined
        np.testing.assert_allclose(np.abs(np.sum(vectors * q[:, :2], axis=0)), 1.0, atol=1e-9)
    np.testing.assert_allclose(sym @ vectors, vectors * values, atol=1e-9)


# ---------------------------------------------------------------- planes and the line
def test_plane_values_are_the_loss_at_those_points(rng):
    net = mlp.Network((1, 6, 1), "tanh", X, Y)
    center, d1, d2 = rng.normal(size=(3, net.P))
    xs, ys = np.linspace(-1, 1, 7), np.linspace(-0.5, 2, 5)
    grid = nn_landscape.plane_values(net, center, d1, d2, xs, ys)
    assert grid.shape == (5, 7)
    for i, j in [(0, 0), (4, 6), (2, 3), (1, 5)]:
        assert grid[i, j] == pytest.approx(net.value(center + xs[j] * d1 + ys[i] * d2), rel=1e-13)
    small = nn_landscape.plane_values(net, center, d1, d2, xs, ys, chunk_bytes=1)  # row by row
    np.testing.assert_allclose(small, grid, rtol=1e-13)


def test_interpolation_runs_from_theta0_to_theta_star(rng):
    net = mlp.Network((1, 6, 1), "tanh", X, Y)
    t0, t1 = rng.normal(size=(2, net.P))
    f = nn_landscape.interpolation(net, t0, t1, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(f, net.value(np.stack([t0, (t0 + t1) / 2, t1])), rtol=1e-13)


# ---------------------------------------------------------------- the scenario
def test_scenario_has_every_array_the_issue_lists(computed):
    arrays, meta = computed
    t1, b, p = arrays["positions"].shape
    assert (t1, b) == (meta["steps"] + 1, 2) and p == meta["params"]["P"] == 321
    n, m = arrays["grid_x"].size, arrays["pca_grid_x"].size
    k, fit_m = arrays["curve_x"].size, arrays["fit_x"].size
    shapes = {
        "losses": (t1, b), "grads": (t1, b, p), "status": (b,), "directions": (2, p),
        "grid_y": (n,), "grid_f": (n, n), "pca_directions": (2, p), "pca_explained": (2,),
        "path_xy": (t1, b, 2), "path_plane_f": (t1, b), "pca_grid_y": (m,), "pca_grid_f": (m, m),
        "curve_f": (k,), "x": (100,), "y": (100,), "fit_y": (t1, b, fit_m), "theta_star": (p,),
    }
    for key, shape in shapes.items():
        assert arrays[key].shape == shape, f"{key}: {arrays[key].shape} != {shape}"
    assert n >= 51 and arrays["grid_x"][0] == -1.0 and arrays["grid_x"][-1] == 1.0
    assert arrays["curve_x"][0] == -0.25 and arrays["curve_x"][-1] == 1.25
    for key, value in arrays.items():
        assert np.all(np.isfinite(value)), f"{key} has non-finite entries"


def test_meta_records_network_runs_and_seeds(computed):
    _, meta = computed
    params = meta["params"]
    assert params["layers"] == [1, 16, 16, 1] and params["activation"] == "tanh"
    assert [r["name"] for r in meta["runs"]] == meta["optimizer"] == ["gd", "adam"]
    assert meta["runs"][1] == {"name": "adam", "lr": 0.003, "b1": 0.9, "b2": 0.999, "eps": 1e-8}
    assert params["lr"] == [0.03, 0.003]
    for key in ("init_seed", "direction_seed", "data_seed", "init", "dataset"):
        assert key in params, key


def test_uses_the_parabolic_regression_data(computed, line):
    np.testing.assert_array_equal(computed[0]["x"], line[0]["x"])
    np.testing.assert_array_equal(computed[0]["y"], line[0]["y"])


def test_both_runs_start_together_and_fit_the_parabola_far_better_than_the_line(computed, line):
    arrays, _ = computed
    np.testing.assert_array_equal(arrays["positions"][0, 0], arrays["positions"][0, 1])
    line_loss = line[0]["losses"][-1, 0]
    assert line_loss == pytest.approx(1.53, abs=0.005)
    final = arrays["losses"][-1]
    noise = np.mean((arrays["y"] - arrays["x"] ** 2) ** 2)  # the true parabola's own loss
    assert np.all(final < line_loss / 6), final
    assert np.all(final < noise + 0.01), (final, noise)  # as good as the true curve, or better
    assert np.all(arrays["status"] == RUNNING)
    assert np.all(np.diff(arrays["losses"][:, 0]) <= 0), "GD at this rate never goes up"
    fit = arrays["fit_y"][-1]
    assert np.max(np.abs(fit - arrays["fit_x"] ** 2)) < 0.5  # the curve the line could not draw
    assert np.mean(np.abs(fit - arrays["fit_x"] ** 2)) < 0.15


def test_fit_is_the_networks_prediction_along_training(computed):
    arrays, meta = computed
    net = mlp.Network(meta["params"]["layers"], meta["params"]["activation"], arrays["x"], arrays["y"])
    for k in (0, 7, meta["steps"]):
        for b in range(2):
            pred = net.predict(arrays["positions"][k, b], arrays["fit_x"])[:, 0]
            np.testing.assert_allclose(arrays["fit_y"][k, b], pred, rtol=1e-12, atol=1e-13)
            assert net.value(arrays["positions"][k, b]) == pytest.approx(arrays["losses"][k, b],
                                                                         rel=1e-12)


def test_landscape_and_slices_meet_at_theta_star_and_theta0(computed):
    arrays, _ = computed
    loss0, loss_star = arrays["losses"][0, 0], arrays["losses"][-1, 0]
    np.testing.assert_array_equal(arrays["theta_star"], arrays["positions"][-1, 0])
    c = arrays["grid_x"].size // 2
    assert arrays["grid_f"][c, c] == pytest.approx(loss_star, rel=1e-12)
    assert arrays["grid_f"].min() == pytest.approx(loss_star, rel=1e-12)  # θ* is lowest in view
    curve_x, curve_f = arrays["curve_x"], arrays["curve_f"]
    for alpha, expect in ((0.0, loss0), (1.0, loss_star)):
        i = np.argmin(np.abs(curve_x - alpha))
        assert abs(curve_x[i] - alpha) < 1e-12 and curve_f[i] == pytest.approx(expect, rel=1e-9)
    np.testing.assert_allclose(arrays["path_xy"][-1, 0], 0.0, atol=1e-12)
    assert arrays["path_plane_f"][-1, 0] == pytest.approx(loss_star, rel=1e-12)


def test_pca_plane_covers_the_paths_and_explains_them(computed):
    arrays, _ = computed
    ev = arrays["pca_explained"]
    assert ev[0] >= ev[1] > 0 and ev.sum() > 0.9, ev
    xy = arrays["path_xy"]
    for axis, grid in ((0, arrays["pca_grid_x"]), (1, arrays["pca_grid_y"])):
        lo, hi = xy[..., axis].min(), xy[..., axis].max()
        assert grid[0] < lo and grid[-1] > hi  # a margin on both sides
    # Adam's projected end lies in the plane's low ground, close to its true loss
    assert arrays["path_plane_f"][-1, 1] < arrays["losses"][-1, 1] + 0.05


def _second_differences(f):
    return np.concatenate([(f[:, 2:] - 2 * f[:, 1:-1] + f[:, :-2]).ravel(),
                           (f[2:] - 2 * f[1:-1] + f[:-2]).ravel()])


def test_the_network_landscape_is_not_a_bowl(computed, line):
    """The line's landscape is a convex bowl (no negative curvature along the grid); the network's
    filter-normalised plane bends down in a good part of the view."""
    bowl = _second_differences(line[0]["grid_f"])
    assert bowl.min() >= -1e-12
    net = _second_differences(computed[0]["grid_f"])
    scale = np.ptp(computed[0]["grid_f"]) / computed[0]["grid_x"].size ** 2
    assert np.mean(net < -scale) > 0.1, np.mean(net < -scale)


def test_network_overrides_are_recorded():
    arrays, meta = scenarios.compute("nn-landscape", steps=12, layers=(1, 4, 1),
                                     activation="sigmoid")
    assert meta["params"]["layers"] == [1, 4, 1] and meta["params"]["activation"] == "sigmoid"
    assert arrays["positions"].shape == (13, 2, 13) and meta["steps"] == 12


@pytest.mark.parametrize("kwargs,needle", [
    ({"layers": (1, 0, 1)}, "integers >= 1"),
    ({"layers": (2, 4, 1)}, "one input and one output"),
    ({"activation": "swish"}, "valid: tanh, sigmoid, relu"),
    ({"lr": 0.1}, "takes no learning rate"),
    ({"start": [0.0]}, "takes no start"),
])
def test_bad_network_input_is_refused(kwargs, needle):
    with pytest.raises(scenarios.ScenarioError, match=needle):
        scenarios.compute("nn-landscape", **kwargs)


def test_other_scenarios_take_no_network():
    with pytest.raises(scenarios.ScenarioError, match="valid: omit them, or a network scenario"):
        scenarios.compute("hill", layers=(1, 2, 1))


def test_same_inputs_give_identical_bytes(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    datafile.save(a, *scenarios.compute("nn-landscape", steps=20))
    datafile.save(b, *scenarios.compute("nn-landscape", steps=20))
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("args,needle", [
    (["--layers", "1,0,1"], "invalid layers '1,0,1'; valid: two or more integers >= 1"),
    (["--layers", "1,2.5,1"], "invalid layers '1,2.5,1'"),
    (["--layers", "1,x,1"], "invalid layers '1,x,1'"),
    (["--layers", "3,4,1"], "one input and one output; valid: 1,...,1"),
    (["--activation", "swish"], "unknown activation 'swish'; valid: tanh, sigmoid, relu"),
    (["--lr", "0.1"], "takes no learning rate"),
])
def test_cli_bad_network_input_exits_2_with_one_line_and_no_file(tmp_path, args, needle):
    out = tmp_path / "bad.npz"
    res = subprocess.run([sys.executable, "-m", "core", "run", "nn-landscape", *args, "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2, res
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert list(tmp_path.iterdir()) == []
