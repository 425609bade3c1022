"""The optimizer races: self-describing files, tuned rates that reproduce, and the stories they tell."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from core import objectives, scenarios
from core.optimizers import hyperparams, make
from core.runner import CONVERGED, DIVERGED, RUNNING, run

RACES = ["race-rosenbrock", "race-himmelblau", "race-rastrigin", "race-saddle"]
ORDER = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
SURFACE = {"race-rosenbrock": "rosenbrock", "race-himmelblau": "himmelblau",
           "race-rastrigin": "rastrigin", "race-saddle": "saddle"}


@pytest.fixture(scope="module")
def races():
    return {name: scenarios.compute(name) for name in RACES}


def _nearest(points, targets):
    d = np.linalg.norm(points[:, None, :] - targets[None], axis=-1)
    return d.min(axis=1), d.argmin(axis=1)


@pytest.mark.parametrize("name", RACES)
def test_the_file_describes_itself(name, races):
    arrays, meta = races[name]
    steps = meta["steps"]
    assert meta["objective"] == SURFACE[name]
    assert meta["formula"] == objectives.SURFACES[SURFACE[name]].formula
    assert [r["name"] for r in meta["runs"]] == ORDER == meta["optimizer"]
    for r in meta["runs"]:
        given = {k: v for k, v in r.items() if k != "name"}
        assert given == hyperparams(r["name"], lr=r["lr"]), f"{name}: {r} lacks a hyperparameter"
    assert meta["params"]["lr"] == [r["lr"] for r in meta["runs"]]
    assert arrays["positions"].shape == (steps + 1, 6, 2)
    assert arrays["losses"].shape == (steps + 1, 6) and arrays["grads"].shape == (steps + 1, 6, 2)
    for key in ("status", "converged_step", "diverged_step"):
        assert arrays[key].shape == (6,)
    np.testing.assert_array_equal(arrays["positions"][0], np.array(meta["params"]["starts"]))
    assert np.all(arrays["positions"][0] == meta["params"]["start"])
    lo, hi = arrays["domain"].T
    gx, gy, gf = arrays["grid_x"], arrays["grid_y"], arrays["grid_f"]
    assert gf.shape == (len(gy), len(gx)) and (gx[0], gx[-1], gy[0], gy[-1]) == (lo[0], hi[0], lo[1], hi[1])
    obj = objectives.SURFACES[meta["objective"]]
    np.testing.assert_allclose(gf[7, 5], obj.value(np.array([gx[5], gy[7]])), rtol=1e-14)
    for key in ("global_minima", "local_minima", "saddle_points"):
        pts = arrays[key]
        assert pts.ndim == 2 and pts.shape[1] == 2
        assert np.all((pts >= lo) & (pts <= hi)), f"{name}: {key} outside the domain"
    assert json.loads(json.dumps(meta)) == meta


@pytest.mark.parametrize("name", RACES)
def test_every_trajectory_is_its_optimizer_run_alone(name, races):
    arrays, meta = races[name]
    obj = objectives.SURFACES[meta["objective"]]
    start = np.array([meta["params"]["start"]])
    for j, r in enumerate(meta["runs"]):
        hyper = {k: v for k, v in r.items() if k != "name"}
        alone = run(obj, make(r["name"], **hyper), start, meta["steps"],
                    tol=meta["params"]["tol"], bound=meta["params"]["bound"])
        np.testing.assert_array_equal(arrays["positions"][:, j], alone.positions[:, 0], err_msg=r["name"])
        np.testing.assert_array_equal(arrays["losses"][:, j], alone.losses[:, 0])
        assert arrays["status"][j] == alone.status[0]
        assert arrays["converged_step"][j] == alone.converged_step[0]
        assert arrays["diverged_step"][j] == alone.diverged_step[0]


@pytest.mark.parametrize("name", [n for n in RACES if scenarios.SCENARIOS[n].race.tuned])
def test_recorded_learning_rates_are_what_the_tuning_rule_picks(name, races):
    sc = scenarios.SCENARIOS[name]
    race = sc.race
    _, meta = races[name]
    assert meta["tuning"]["grid"] == list(scenarios.LR_GRID)
    for r in meta["runs"]:
        tuned = scenarios.tune_lr(race.objective, r["name"], race.start, sc.steps, race.domain)
        assert r["lr"] == tuned, f"{name}: {r['name']} runs at {r['lr']}, the rule picks {tuned}"


def test_tuning_rule_is_robust_and_skips_unusable_rates():
    """GD on Rosenbrock: the rate with the lowest final loss (0.003) sits next to one (0.005) that
    ends far worse, and from 0.007 up runs diverge or leave the window; the rule takes 0.002."""
    sc = scenarios.SCENARIOS["race-rosenbrock"]
    arrival, tail = scenarios.race_scores(objectives.ROSENBROCK, "gd", sc.race.start, sc.steps,
                                          sc.race.domain)
    grid = np.array(scenarios.LR_GRID)
    assert np.all(np.isinf(tail[grid >= 0.007])) and np.all(np.isfinite(tail[grid < 0.007]))
    assert np.all(arrival[np.isfinite(arrival)] == sc.steps + 1)  # nobody arrives: ranked by tail
    raw_best = grid[np.argmin(tail)]
    above = grid[np.argmin(tail) + 1]
    assert tail[grid == above] > tail[grid == 0.002]  # the raw best's neighbour ends worse
    picked = scenarios.tune_lr(objectives.ROSENBROCK, "gd", sc.race.start, sc.steps, sc.race.domain)
    assert (raw_best, above, picked) == (0.003, 0.005, 0.002)


def test_saddle_race_shares_one_rate_and_says_why(races):
    _, meta = races["race-saddle"]
    assert len({r["lr"] for r in meta["runs"]}) == 1
    assert "no minimum" in meta["tuning"]["rule"]


# ---------------------------------------------------------------- the stories the races tell
def test_rosenbrock_momentum_and_adam_lead_gd_and_adagrad_crawl(races):
    arrays, _ = races["race-rosenbrock"]
    dist = np.linalg.norm(arrays["positions"][-1] - [1.0, 1.0], axis=-1)
    by = dict(zip(ORDER, dist))
    assert max(by["momentum"], by["adam"]) < 0.05
    assert min(by["gd"], by["adagrad"]) > 0.5
    assert np.all(arrays["status"] != DIVERGED)


def test_himmelblau_runs_roll_into_different_minima(races):
    arrays, _ = races["race-himmelblau"]
    d, which = _nearest(arrays["positions"][-1], arrays["global_minima"])
    assert np.all(d < 1e-4), d
    assert len(set(which)) >= 2
    assert which[ORDER.index("gd")] != which[ORDER.index("adam")]


def test_rastrigin_traps_everyone_and_momentum_rolls_furthest(races):
    arrays, _ = races["race-rastrigin"]
    end = arrays["positions"][-1]
    d_local, _ = _nearest(end, arrays["local_minima"])
    assert np.all(d_local < 1e-2), "every run ends in a local minimum"
    assert np.all(np.linalg.norm(end, axis=-1) > 0.5), "nobody reaches the global one"
    travelled = np.linalg.norm(end - arrays["positions"][0], axis=-1)
    assert np.argmax(travelled) == ORDER.index("momentum")
    assert np.argmin(arrays["losses"][-1]) == ORDER.index("momentum")


def test_saddle_gd_lingers_while_adaptive_methods_escape(races):
    arrays, _ = races["race-saddle"]
    p = arrays["positions"]
    r = np.linalg.norm(p, axis=-1)  # distance from the saddle point (0, 0)
    escaped = np.abs(p[..., 1]) > 0.1
    first_escape = np.where(escaped.any(axis=0), escaped.argmax(axis=0), len(p))
    gd = ORDER.index("gd")
    assert np.sum(r[:, gd] < 0.1) >= 20, "GD spends a while by the saddle point"
    for name in ("adagrad", "rmsprop", "adam"):
        j = ORDER.index(name)
        assert r[:, j].min() > 1.0, f"{name} never comes near the saddle"
        assert first_escape[j] <= 5 < first_escape[gd] / 10
    assert np.all(arrays["status"] == RUNNING)  # no minimum to converge to, nothing diverges


# ---------------------------------------------------------------- inputs and failure modes
def test_a_diverging_optimizer_is_flagged_not_hidden(monkeypatch):
    sc = scenarios.SCENARIOS["race-rosenbrock"]
    lrs = dict(sc.race.lrs, gd=0.01)  # far past GD's stable rate on Rosenbrock
    bad = dataclasses.replace(sc, race=sc.race._replace(lrs=lrs),
                              setup=scenarios._race_problem(sc.race._replace(lrs=lrs)))
    monkeypatch.setitem(scenarios.SCENARIOS, "race-rosenbrock", bad)
    arrays, meta = scenarios.compute("race-rosenbrock", steps=60)
    gd = ORDER.index("gd")
    assert meta["runs"][gd]["lr"] == 0.01
    assert arrays["status"][gd] == DIVERGED and arrays["diverged_step"][gd] > 0
    assert np.all(np.isfinite(arrays["positions"])) and np.all(np.isfinite(arrays["losses"]))
    assert np.all(arrays["status"][np.arange(6) != gd] != DIVERGED)


def test_steps_and_start_can_be_overridden():
    arrays, meta = scenarios.compute("race-himmelblau", steps=12, start=[1.0, -1.0])
    assert arrays["positions"].shape == (13, 6, 2) and meta["steps"] == 12
    assert np.all(arrays["positions"][0] == [1.0, -1.0]) and meta["params"]["start"] == [1.0, -1.0]


def test_a_race_takes_no_single_learning_rate():
    with pytest.raises(scenarios.ScenarioError, match="takes no learning rate; valid: omit it"):
        scenarios.compute("race-saddle", lr=0.1)
    res = subprocess.run([sys.executable, "-m", "core", "run", "race-saddle", "--lr", "0.1",
                          "--out", "/nonexistent/x.npz"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_converged_runs_stay_at_their_minimum(races):
    for name in ("race-himmelblau", "race-rastrigin"):
        arrays, _ = races[name]
        minima = np.concatenate([arrays["global_minima"], arrays["local_minima"]])
        converged = np.nonzero(arrays["status"] == CONVERGED)[0]
        assert converged.size, f"{name}: no run converged, nothing to check"
        for j in converged:
            k = arrays["converged_step"][j]
            d, _ = _nearest(arrays["positions"][k:, j], minima)
            assert d.max() < 1e-3, f"{name}: {ORDER[j]} converged at {k} but wandered {d.max():.1e}"


def test_snapshot_baselines_stay_small():
    total = sum(p.stat().st_size for p in (ROOT / "tests" / "test_snapshots").glob("*.npz"))
    assert total < 1_000_000, f"snapshot baselines take {total / 1e6:.2f} MB (budget 1 MB)"
