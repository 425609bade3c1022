"""render.manim_run against stock manim on real scenes: the same pictures.

A 3-D scene (hill-descent: the Cairo 3-D camera, a surface, points riding it) and an optimizer race
(six clipped trails, live loss curves, legend notes appearing) are each rendered twice through the
real pipeline (``python -m render video`` as ``make videos`` runs it, at the hidden test size
256x144, 5 fps): with the fence's changes to manim, and with ``GD_STOCK_MANIM=1``. Every decoded
frame must be the same.
"""

from __future__ import annotations

import av
import numpy as np
import pytest

from core import datafile, scenarios
from render import pipeline

pytestmark = pytest.mark.render

SCENES = ("hill-descent", "race-himmelblau")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data")
    for name in {s for scene in SCENES for s in pipeline.get_scene(scene).data}:
        datafile.save(path / f"{name}.npz", *scenarios.compute(name))
    return path


def frames(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


@pytest.fixture(scope="module")
def tex(tmp_path_factory):
    """One LaTeX cache for these renders: each formula is typeset once."""
    return tmp_path_factory.mktemp("tex")


@pytest.mark.parametrize("name", SCENES)
def test_the_fence_draws_what_stock_manim_draws(name, data, tex, tmp_path, monkeypatch):
    runs = {}
    for stock in ("", "1"):
        monkeypatch.setenv("GD_STOCK_MANIM", stock)
        out = tmp_path / f"{name}.{stock or 'fence'}.mp4"
        r = pipeline.render_video(name, "test", "light", out=out, data=data,
                                  key=f"stock-{stock or 'fence'}", tex_cache=tex)
        runs[stock] = (r, frames(out))
    (fenced, ours), (stocked, theirs) = runs[""], runs["1"]
    assert len(ours) == len(theirs) == fenced.frames == stocked.frames > 20, (len(ours), len(theirs))
    differ = [k for k, (a, b) in enumerate(zip(ours, theirs)) if not np.array_equal(a, b)]
    worst = max((int(np.abs(ours[k].astype(int) - theirs[k]).max()) for k in differ), default=0)
    assert not differ, f"{name}: {len(differ)} of {len(ours)} frames differ (first {differ[:5]}, " \
                       f"by up to {worst} levels)"
    moving = sum(not np.array_equal(a, b) for a, b in zip(ours, ours[1:]))
    assert moving > len(ours) // 3, f"{name}: the frames barely change ({moving}); nothing compared"
