import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def central_difference(fn, theta, h=1e-6):
    """Independent oracle: (f(θ + h eᵢ) − f(θ − h eᵢ)) / 2h for every coordinate i."""
    theta = np.asarray(theta, dtype=float)
    out = np.empty_like(theta)
    for i in range(theta.shape[-1]):
        e = np.zeros(theta.shape[-1])
        e[i] = h
        out[..., i] = (fn(theta + e) - fn(theta - e)) / (2 * h)
    return out
