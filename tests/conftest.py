import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import datafile, scenarios  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def scenario_data(tmp_path_factory):
    """Every scenario computed afresh into one directory, which ``GD_DATA_DIR`` names for the whole
    session (and the processes tests start): no test reads ``build/``, so ``pytest`` works on a
    fresh clone and whatever ``make data`` left there cannot change a result."""
    path = tmp_path_factory.mktemp("scenario-data")
    for name in scenarios.SCENARIOS:
        datafile.save(path / f"{name}.npz", *scenarios.compute(name))
    mp = pytest.MonkeyPatch()
    mp.setenv("GD_DATA_DIR", str(path))
    yield path
    mp.undo()


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


def _media_files() -> set:
    media = ROOT / "media"
    return {p.relative_to(media).as_posix() for p in media.rglob("*")} if media.is_dir() else set()


@pytest.fixture(scope="session", autouse=True)
def nothing_written_to_media():
    """media/ holds a build's published files only: a test writes into its own folders. (A MathTex
    made outside a tempconfig used to leave media/Tex/ behind: manim's default media_dir.)"""
    before = _media_files()
    yield
    new = sorted(_media_files() - before)
    assert not new, f"the tests wrote into {ROOT / 'media'}: {', '.join(new[:5])}"
