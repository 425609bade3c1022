"""render/manim_playkey.py (installed by render/manim_authoring.py): the cache key of a play (without rendering), against what it must
tell apart and what it must not."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from manim import Circle, Dot, FadeIn, ValueTracker

from conftest import ROOT
from render import manim_authoring as ma
from render.manim_playkey import play_key


class _Camera:
    def __init__(self, **kw):
        self.pixel_width, self.pixel_height, self.frame_rate = 256, 144, 5
        self.pixel_array = np.random.default_rng().random((2, 2))  # the frame: not keyed
        self.__dict__.update(kw)


def key(mobjects, animations=(), camera=None, scene=None):
    return play_key(scene, camera or _Camera(), list(animations), list(mobjects), backend="cairo",
                       encoder_fingerprint="x", renderer_state=())


def test_equal_states_equal_keys_and_any_visible_change_a_new_one():
    a, b = Dot([1, 2, 0], color="#336699"), Dot([1, 2, 0], color="#336699")
    assert key([a], [FadeIn(a)]) == key([b], [FadeIn(b)])
    c = Dot([1, 2, 0], color="#336699").shift([1e-6, 0, 0])  # a thousandth of a pixel at 4K
    assert key([c]) != key([a])
    assert key([Dot(color="#336698")]) != key([Dot(color="#336699")])
    assert key([a], [FadeIn(a, run_time=1.0)]) != key([a], [FadeIn(a, run_time=1.5)])
    assert key([a], camera=_Camera(pixel_width=512)) != key([a])


def test_float_noise_below_the_rounding_and_signed_zeros_are_the_same_key():
    # a skipped play (one jump) leaves points a few ulps from where drawing it frame by frame did
    a, b = Circle(), Circle()
    b.points = a.points + 3e-16
    b.points[0, 2] = -0.0
    a.points[0, 2] = 0.0
    assert key([a]) == key([b])
    assert key([ValueTracker(0.1 + 0.2)]) == key([ValueTracker(0.3)])


def test_sets_in_any_order_cycles_and_structured_arrays_are_walked():
    class Holder:
        pass
    h1, h2 = Holder(), Holder()
    h1.items, h2.items = {3, "a", 2.5}, {2.5, 3, "a"}
    h1.me = h2.me = None
    loop = Holder()
    loop.items = frozenset([loop])  # a way back to the set
    record = np.zeros(2, dtype=[("x", "f8"), ("o", "O")])
    record["o"] = [record, "y"]  # an object field holding its own array
    d1, d2 = Dot(), Dot()
    d1.extra, d2.extra = h1, h2
    assert key([d1]) == key([d2])
    for thing in (loop, record, record[0]):
        d = Dot()
        d.extra = thing
        assert isinstance(key([d]), str)


def test_updaters_keyed_by_their_code_and_closure():
    def make(speed):
        return lambda m, dt: m.shift([speed * dt, 0, 0])
    a, b, c = Dot(), Dot(), Dot()
    a.add_updater(make(1.0))
    b.add_updater(make(1.0))
    c.add_updater(make(2.0))
    assert key([a]) == key([b]) != key([c])


def test_the_key_is_the_same_in_another_process():
    code = textwrap.dedent("""
        import numpy as np
        from manim import Dot, FadeIn, Square
        from render.manim_playkey import play_key
        class Camera:
            pixel_width, pixel_height, frame_rate = 256, 144, 5
        s = Square().shift([0.5, 0.25, 0])
        d = Dot(color="#aa3355")
        d.add_updater(lambda m, dt: m.shift([dt, 0, 0]))
        print(play_key(None, Camera(), [FadeIn(d)], [s, d], backend="cairo",
                          encoder_fingerprint="x", renderer_state=()))
    """)
    keys = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"}
                           ).stdout.strip() for seed in (0, 1)}
    assert len(keys) == 1 and len(keys.pop()) == 40


def test_a_formula_from_manims_svg_cache_has_the_key_of_a_parsed_one(tmp_path):
    from manim import MathTex, tempconfig
    with tempconfig({"media_dir": str(tmp_path)}):
        parsed = MathTex(r"x^2 + 1")
        cached = MathTex(r"x^2 + 1")  # the same formula again: from manim's SVG cache
        other = MathTex(r"x^2 + 2")
    assert key([parsed]) == key([cached]) != key([other])


def test_its_changes_and_the_fences_touch_different_attributes():
    """The authoring loop's changes are installed first, then the fence's (render.manim_run.main):
    neither replaces the other's, so the order cannot undo one of them."""
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene import Scene

    from render import manim_run
    ours = {(CairoRenderer, "play"), (CairoRenderer, "update_frame"), (Scene, "begin_animations")}
    fence = {(owner, attribute) for owner, attribute, _ in manim_run.PATCHES}
    assert not ours & fence, ours & fence
    for owner, attribute in ours:  # what it wraps is manim's own, not a fence replacement
        assert getattr(ma, f"_original_{attribute}") is owner.__dict__[attribute] or \
            owner.__dict__[attribute] is getattr(ma, attribute)


@pytest.mark.parametrize("stock", ["", "1"])
def test_main_runs_manim_with_the_fence_or_stock_and_its_own_changes_either_way(stock):
    """``python -m render.manim_authoring``: its changes, then manim's command line through the
    fence (render.manim_run.main) or, with GD_STOCK_MANIM=1, manim's own; manim's main is replaced
    here by one that reports what is installed."""
    code = textwrap.dedent("""
        import sys
        import manim.__main__ as mm
        from manim.renderer.cairo_renderer import CairoRenderer
        from manim.scene.scene import Scene
        from render import manim_authoring as ma, manim_run

        def report(prog_name):
            print(CairoRenderer.update_frame is ma.update_frame, CairoRenderer.play is ma.play,
                  Scene.get_moving_mobjects is manim_run.get_moving_mobjects, " ".join(sys.argv))
            sys.exit(0)

        mm.main = report
        sys.exit(ma.main(["render", "-s", "scene.py", "Scene"]))
    """)
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "GD_STOCK_MANIM": stock}, timeout=120)
    assert res.returncode == 0, res.stderr
    skip_drawing, play, fence, argv = res.stdout.split(" ", 3)
    assert (skip_drawing, play) == ("True", "True"), res.stdout
    assert fence == ("False" if stock else "True"), res.stdout
    assert argv.strip() == "manim render -s scene.py Scene"
