"""render.manim_run against stock manim on real scenes: the same pictures.

A 3-D scene (hill-descent: the Cairo 3-D camera, a surface, points riding it) and an optimizer race
(race-saddle: six clipped trails, live loss curves, legend notes appearing, runs leaving the view)
are each rendered twice at the test size (256x144, 5 fps), as the scene tests render them: with the
fence's changes to manim (``render.manim_run.patched``), and with ``GD_STOCK_MANIM=1`` (manim's own
functions). Every decoded frame must be the same. (That ``GD_STOCK_MANIM=1`` makes the pipeline
run ``python -m manim`` is tests/test_manim_run.py's.)
"""

from __future__ import annotations

import contextlib

import av
import numpy as np
import pytest

from tests.scene_harness import render

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def tex(tmp_path_factory):
    """One LaTeX cache for these renders: each formula is typeset once."""
    return tmp_path_factory.mktemp("tex")


def frames(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


@pytest.mark.parametrize("name", ["hill-descent", "race-saddle"])
def test_the_fence_draws_what_stock_manim_draws(name, tex, tmp_path, monkeypatch):
    from scenes.hill_descent import HillDescent

    monkeypatch.setattr(HillDescent, "RESOLUTION", 10)  # lean at test size, as its scene test
    decoded = {}
    for stock in ("", "1"):
        monkeypatch.setenv("GD_STOCK_MANIM", stock)
        scene, path, _ = render(name, tmp_path / (stock or "fence"), tex_dir=str(tex))
        decoded[stock] = frames(path)
    ours, theirs = decoded[""], decoded["1"]
    assert len(ours) == len(theirs) > 20, (len(ours), len(theirs))
    differ = [k for k, (a, b) in enumerate(zip(ours, theirs)) if not np.array_equal(a, b)]
    worst = max((int(np.abs(ours[k].astype(int) - theirs[k]).max()) for k in differ), default=0)
    assert not differ, f"{name}: {len(differ)} of {len(ours)} frames differ (first {differ[:5]}, " \
                       f"by up to {worst} levels)"
    moving = sum(not np.array_equal(a, b) for a, b in zip(ours, ours[1:]))
    assert moving > len(ours) // 3, f"{name}: the frames barely change ({moving}); nothing compared"


def test_the_authoring_loops_cheaper_copies_draw_what_manims_copies_draw(tex, tmp_path):
    """``make watch`` shares colours and glyphs' parsed paths between a mobject and its copies
    (render.manim_authoring.cheap_copies); convex-descent (formulas and a dot faded in, which copies
    them, live readouts, a descent) draws the same frames with manim's own copies."""
    from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
    from manim.utils.color.core import ManimColor

    from render import manim_authoring as ma

    decoded = {}
    for cheap in (False, True):
        with ma.cheap_copies() if cheap else contextlib.nullcontext():
            assert ("__deepcopy__" in ManimColor.__dict__) is cheap
            _, path, _ = render("convex-descent", tmp_path / str(cheap), tex_dir=str(tex))
        decoded[cheap] = frames(path)
    assert "__deepcopy__" not in ManimColor.__dict__ and "__deepcopy__" not in VMobjectFromSVGPath.__dict__
    ours, theirs = decoded[True], decoded[False]
    assert len(ours) == len(theirs) > 20, (len(ours), len(theirs))
    differ = [k for k, (a, b) in enumerate(zip(ours, theirs)) if not np.array_equal(a, b)]
    assert not differ, f"convex-descent: {len(differ)} of {len(ours)} frames differ (first {differ[:5]})"
    moving = sum(not np.array_equal(a, b) for a, b in zip(ours, ours[1:]))
    assert moving > len(ours) // 3, f"convex-descent: the frames barely change ({moving})"
