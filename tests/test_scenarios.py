import json

import numpy as np
import pytest

from core import datafile, scenarios
from core.runner import DIVERGED

NAMES = ["convex-1d", "multiple-minima-1d", "hill", "gradient-field", "linear-regression",
         "parabolic-regression", "lr-small", "lr-good", "lr-large", "lr-unstable"]


@pytest.fixture(scope="module")
def computed():
    return {name: scenarios.compute(name) for name in NAMES}


RACES = ["race-rosenbrock", "race-himmelblau", "race-rastrigin", "race-saddle"]
NETWORKS = ["nn-landscape"]


def test_registry_has_exactly_the_posts_examples_the_races_and_the_network():
    assert list(scenarios.SCENARIOS) == NAMES + RACES + NETWORKS
    assert [n for n, s in scenarios.SCENARIOS.items() if s.race is not None] == RACES
    assert [n for n, s in scenarios.SCENARIOS.items() if s.network is not None] == NETWORKS


@pytest.mark.parametrize("name", NAMES)
def test_meta_describes_the_run(name, computed):
    arrays, meta = computed[name]
    for key in ("scenario", "objective", "optimizer", "params", "steps", "seed", "schema"):
        assert key in meta, f"{name}: meta lacks {key}"
    assert meta["scenario"] == name and meta["params"]["lr"] > 0
    steps = meta["steps"]
    b, d = np.asarray(meta["params"]["starts"]).shape
    assert arrays["positions"].shape == (steps + 1, b, d)
    assert arrays["losses"].shape == (steps + 1, b) and arrays["grads"].shape == (steps + 1, b, d)
    for key in ("status", "converged_step", "diverged_step"):
        assert arrays[key].shape == (b,)


def test_lr_small_is_still_far_from_the_minimum(computed):
    p = computed["lr-small"][0]["positions"]
    assert np.linalg.norm(p[-1, 0]) > 1.0


def test_lr_good_settles_within_about_25_iterations(computed):
    p = computed["lr-good"][0]["positions"][:, 0]
    dist = np.linalg.norm(p, axis=-1)
    assert dist[25] < 0.02 * dist[0]
    assert np.all(np.diff(dist) <= 0), "a good learning rate approaches monotonically"
    assert np.all(np.diff(np.sign(p[1:, 0])) == 0), "no oscillation in x"


def test_lr_large_oscillates_but_converges(computed):
    p = computed["lr-large"][0]["positions"][:, 0]
    flips = np.sum(np.sign(p[1:, 0]) != np.sign(p[:-1, 0]))
    assert flips >= 20, f"x changed sign only {flips} times"
    assert np.linalg.norm(p[-1]) < 1e-2


def test_lr_unstable_blows_up_and_is_flagged(computed):
    arrays, meta = computed["lr-unstable"]
    assert arrays["status"][0] == DIVERGED
    assert arrays["losses"].max() >= 1e15
    k = arrays["diverged_step"][0]
    assert 0 < k <= meta["steps"]
    assert np.all(np.isfinite(arrays["losses"]))


def test_multiple_minima_starts_end_in_every_basin(computed):
    arrays, _ = computed["multiple-minima-1d"]
    final = arrays["positions"][-1, :, 0]
    ends = np.round(final).astype(int)
    assert set(ends) == {-2, 0, 2}, ends
    assert np.all(np.abs(final - ends) < 1e-3)


@pytest.mark.parametrize("name", ["hill", "gradient-field"])
def test_hill_points_reach_minima_inside_the_domain(name, computed):
    arrays, _ = computed[name]
    final = arrays["positions"][-1]
    minima = arrays["global_minima"]
    dist = np.linalg.norm(final[:, None, :] - minima[None], axis=-1).min(axis=1)
    assert np.all(dist < 0.15), dist
    lo, hi = arrays["domain"][:, 0], arrays["domain"][:, 1]
    assert np.all((arrays["positions"] >= lo) & (arrays["positions"] <= hi))


def test_regression_files_carry_their_dataset(computed):
    for name in ("linear-regression", "parabolic-regression"):
        arrays, meta = computed[name]
        assert arrays["x"].shape == arrays["y"].shape == (100,)
        assert meta["params"]["dataset"]["sigma"] == 0.5
    lin = computed["linear-regression"][0]["valley_loss"].min()
    par = computed["parabolic-regression"][0]["valley_loss"].min()
    assert par > 4 * lin  # the parabolic case's minimum is far higher


def test_same_inputs_give_identical_bytes(tmp_path):
    a = tmp_path / "a.npz"
    b = tmp_path / "b.npz"
    datafile.save(a, *scenarios.compute("hill"))
    datafile.save(b, *scenarios.compute("hill"))
    assert a.read_bytes() == b.read_bytes()
    mtime = a.stat().st_mtime_ns
    assert datafile.save(a, *scenarios.compute("hill")) is False
    assert a.stat().st_mtime_ns == mtime, "unchanged content must not rewrite the file"
    loaded = datafile.load(a)
    assert loaded.meta["scenario"] == "hill"
    assert json.loads(json.dumps(loaded.meta)) == loaded.meta


def test_overrides_are_recorded():
    arrays, meta = scenarios.compute("lr-good", lr=0.05, steps=7, start=[1.0, -1.0])
    assert meta["params"]["lr"] == 0.05 and meta["steps"] == 7
    np.testing.assert_array_equal(arrays["positions"][0, 0], [1.0, -1.0])
    assert arrays["positions"].shape == (8, 1, 2)
