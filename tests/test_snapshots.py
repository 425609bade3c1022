"""Snapshot tests of every scenario's data (baselines in tests/test_snapshots/, `make snapshots`)."""

import numpy as np
import pytest

from core import scenarios

# Float arrays: relative 1e-9 with an absolute floor, so harmless last-bit changes pass and a
# changed scenario fails, naming the array and the largest difference.
TOLERANCE = dict(rtol=1e-9, atol=1e-12)
# An array of more than BIG entries (a network's parameters along training) is checked on ROWS
# evenly spaced rows of its first axis, the steps, so that the committed baseline stays small.
BIG, ROWS = 50_000, 6


def _small(a: np.ndarray) -> np.ndarray:
    if a.size <= BIG:
        return a
    return a[np.linspace(0, len(a) - 1, ROWS).round().astype(int)]


@pytest.mark.parametrize("name", list(scenarios.SCENARIOS))
def test_scenario_data_snapshot(name, ndarrays_regression):
    arrays, meta = scenarios.compute(name)
    data = {k: _small(np.asarray(v)) for k, v in arrays.items()}
    data["lr"] = np.array([meta["params"]["lr"]])
    data["seed"] = np.array([meta["seed"]])
    tolerances = {k: TOLERANCE for k, v in data.items() if v.dtype.kind == "f"}
    ndarrays_regression.check(data, basename=name, default_tolerance=TOLERANCE, tolerances=tolerances)
