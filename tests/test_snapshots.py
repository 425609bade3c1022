"""Snapshot tests of every scenario's data (baselines in tests/test_snapshots/, `make snapshots`)."""

import numpy as np
import pytest

from core import scenarios

# Float arrays: relative 1e-9 with an absolute floor, so harmless last-bit changes pass and a
# changed scenario fails, naming the array and the largest difference.
TOLERANCE = dict(rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", list(scenarios.SCENARIOS))
def test_scenario_data_snapshot(name, ndarrays_regression):
    arrays, meta = scenarios.compute(name)
    data = {k: np.asarray(v) for k, v in arrays.items()}
    data["lr"] = np.array([meta["params"]["lr"]])
    data["seed"] = np.array([meta["seed"]])
    tolerances = {k: TOLERANCE for k, v in data.items() if v.dtype.kind == "f"}
    ndarrays_regression.check(data, basename=name, default_tolerance=TOLERANCE, tolerances=tolerances)
