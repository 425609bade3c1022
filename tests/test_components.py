"""The fast scene components against the manim objects they stand in for.

GlyphNumber must draw exactly what DecimalNumber draws, and place_arrow exactly what a new Arrow
would be, every frame. (The static-image rule is render.manim_run's: tests/test_manim_run.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

manim = pytest.importorskip("manim")
from manim import (Arrow, DecimalNumber, Dot, FadeIn, Scene, Square, ValueTracker, VGroup,  # noqa: E402
                   tempconfig)

from scenes.components.readout import GlyphNumber  # noqa: E402
from scenes.components.style import ThemedScene  # noqa: E402
from scenes.components.vectors import (arrow_between, make_arrow_animation,  # noqa: E402
                                       make_tracked_arrow, place_arrow)


def outline(mob) -> np.ndarray:
    """All points of a mobject's family, relative to its lower-left corner."""
    pts = np.concatenate([m.points for m in mob.family_members_with_points()])
    return pts - pts.min(axis=0)


VALUES = [(3.14159, 3), (-2.5, 2), (-0.0004, 3), (7, 0), (-12, 0), (0.5, 0), (2.5, 0), (999.9999, 3),
          (1234.5, 1), (-1234567.25, 2), (1e-9, 4)]


@pytest.mark.parametrize("value,decimals", VALUES, ids=[f"{v}:{d}" for v, d in VALUES])
def test_glyph_number_draws_what_decimal_number_draws(value, decimals, tmp_path):
    with tempconfig({"media_dir": str(tmp_path)}):
        ref = DecimalNumber(value, num_decimal_places=decimals, font_size=30)
        fast = GlyphNumber(value, num_decimal_places=decimals, font_size=30)
        a, b = outline(ref), outline(fast)
        assert a.shape == b.shape, f"{value}: {len(ref.submobjects)} glyphs against {len(fast.submobjects)}"
        np.testing.assert_allclose(b, a, atol=1e-9, err_msg=f"{value} with {decimals} decimals")


def test_glyph_number_set_value_matches_and_keeps_left_edge(tmp_path):
    with tempconfig({"media_dir": str(tmp_path)}):
        ref = DecimalNumber(1.0, num_decimal_places=3, font_size=30).shift([1.0, 2.0, 0.0])
        fast = GlyphNumber(1.0, num_decimal_places=3, font_size=30).shift([1.0, 2.0, 0.0])
        left = fast.get_left()
        for v in (2.5, -10.25, 0.001, 123.456, -0.0):
            ref.set_value(v)
            fast.set_value(v)
            np.testing.assert_allclose(outline(fast), outline(ref), atol=1e-9, err_msg=str(v))
            np.testing.assert_allclose(fast.get_left(), left, atol=1e-9, err_msg=str(v))
            assert fast.get_value() == v
        # fewer glyphs than before: the spare slots draw nothing
        fast.set_value(1.0)
        assert len(fast.family_members_with_points()) == 5


ARROWS = [((0, 0, 0), (2, 1, 0)), ((1, 1, 0), (1.3, 0.9, 0)), ((0, 0, 0), (-0.5, -2, 0)),
          ((0, 0, 0), (0.001, 0, 0))]


@pytest.mark.parametrize("start,end", ARROWS, ids=[str(e) for _, e in ARROWS])
def test_place_arrow_matches_a_new_arrow(start, end):
    s, e = np.array(start, float), np.array(end, float)
    fresh = arrow_between(s, e, "#000000", stroke_width=4, tip_length=0.2)
    moved = arrow_between(np.zeros(3), np.array([3.0, -1.0, 0.0]), "#000000", stroke_width=4,
                          tip_length=0.2)
    place_arrow(moved, s, e, tip_length=0.2)
    np.testing.assert_allclose(moved.points, fresh.points, atol=1e-12)
    np.testing.assert_allclose(moved.tip.points, fresh.tip.points, atol=1e-12)
    assert moved.is_visible == fresh.is_visible
    assert moved.get_stroke_opacity() == fresh.get_stroke_opacity()
    assert moved.get_stroke_width() == fresh.get_stroke_width() == 4


def test_manim_arrow_geometry_is_what_place_arrow_assumes():
    """The oracle: manim's own Arrow with a capped tip, built from scratch."""
    s, e = np.zeros(3), np.array([2.0, 1.0, 0.0])
    ref = Arrow(s, e, buff=0, stroke_width=4, tip_length=0.2, max_tip_length_to_length_ratio=0.45,
                max_stroke_width_to_length_ratio=5)
    moved = arrow_between(np.ones(3), np.array([2.0, 3.0, 0.0]), "#000000", tip_length=0.2)
    place_arrow(moved, s, e, tip_length=0.2)
    np.testing.assert_allclose(moved.points, ref.points, atol=1e-12)
    np.testing.assert_allclose(moved.tip.points, ref.tip.points, atol=1e-12)


class _GrowScene(Scene):
    def construct(self):
        k = ValueTracker(0.0)
        self.arrow = make_tracked_arrow(lambda: np.array([k.get_value(), 0.0, 0.0]),
                                        lambda: np.array([k.get_value() + 2.0, 0.0, 0.0]), "#000000")
        self.lengths = []
        # (manim also runs updaters on the animation's copies: record the arrow's own frames)
        self.arrow.add_updater(lambda a: self.lengths.append(a.tip.points[0, 0] - a.points[0, 0])
                               if a is self.arrow else None)
        self.play(make_arrow_animation(self.arrow), run_time=1.0)
        self.play(k.animate.set_value(1.0), run_time=0.5)


def test_tracked_arrow_grows_in_then_follows(tmp_path):
    with tempconfig({"media_dir": str(tmp_path), "dry_run": True, "frame_rate": 10,
                     "disable_caching": True}):
        scene = _GrowScene()
        scene.render()
    grow = np.array(scene.lengths[:10])
    assert grow[0] < 0.5 and np.all(np.diff(grow) >= -1e-9), f"arrow did not grow: {grow}"
    np.testing.assert_allclose(scene.lengths[-1], 2.0, atol=1e-9)
    np.testing.assert_allclose(scene.arrow.points[0, 0], 1.0, atol=1e-9)  # followed the tracker


def test_readout_follows_the_tracker_in_place_and_switches_to_scientific(tmp_path):
    from manim import MathTex
    from scenes.components.readout import make_readout
    from scenes.components.style import palette
    with tempconfig({"media_dir": str(tmp_path)}):
        k = ValueTracker(0.0)
        pal = palette("light")
        group = make_readout(pal, "L =", [1.5, 0.25, 4.6e19], k, decimals=3)
        lab, num = group.submobjects
        assert not group.updaters and not lab.updaters and num.updaters, "the label must not move"
        slots = list(num.submobjects)
        size = pal.fonts.label  # a readout's size unless it is given one
        for step, ref in ((1, DecimalNumber(0.25, num_decimal_places=3, font_size=size)),
                          (2, MathTex(r"4.60\times 10^{19}", font_size=size))):
            k.set_value(step)
            num.update()
            assert num.submobjects == slots, "slots replaced: a play would keep drawing the old ones"
            np.testing.assert_allclose(outline(num), outline(ref), atol=1e-9, err_msg=str(step))
            assert num.get_value() == [1.5, 0.25, 4.6e19][step]
            assert num.get_left()[0] > lab.get_right()[0]


def test_lines_as_cubics_is_manims_corner_path():
    """The shared straight-segment builder (clipped trails of every scene) against manim's own."""
    from manim import VMobject
    from scenes.components.clipped_path import lines_as_cubics
    rng = np.random.default_rng(3)
    corners = np.concatenate([rng.normal(size=(9, 2)), np.zeros((9, 1))], axis=1)
    ref = VMobject()
    ref.start_new_path(corners[0])
    ref.add_points_as_corners(corners[1:])
    np.testing.assert_array_equal(lines_as_cubics(corners[:-1], corners[1:]), ref.points)
