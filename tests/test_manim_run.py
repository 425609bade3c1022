"""render.manim_run's frame encoder against manim's own: the same pictures, the same timing."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction

import av
import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from conftest import ROOT
from render import manim_run, pipeline

W, H = 256, 144  # a multiple of 16 each way: see test_ours_is_deterministic
REPEATS = [1, 1, 4, 1, 2, 1, 1, 7, 1, 3]  # held frames, as wait() writes them


def frames():
    """RGBA frames of a coloured square crossing a gradient (colour edges test the chroma)."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:H, 0:W]
    out = []
    for i in range(len(REPEATS)):
        f = np.zeros((H, W, 4), np.uint8)
        f[..., 0] = (x * 255 // W).astype(np.uint8)
        f[..., 1] = (y * 255 // H).astype(np.uint8)
        f[..., 2] = 40 + 20 * i
        f[..., 3] = 255
        x0 = 10 + 15 * i
        f[30:70, x0:x0 + 40, :3] = rng.integers(0, 256, 3, dtype=np.uint8)
        out.append(f)
    return out


def encode(path, write_frame):
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", W, H, Fraction(30),
                            (("crf", "23"), ("preset", "veryfast"), ("threads", "1")))
    enc = VideoSegmentEncoder(target=path, spec=spec)
    for f, n in zip(frames(), REPEATS):
        write_frame(enc, f.copy(), repeat=n)
    enc.finish()
    with av.open(str(path)) as c:
        decoded = [(fr.pts, fr.to_ndarray(format="rgb24")) for fr in c.decode(video=0)]
    return decoded


def test_same_pictures_and_timestamps_as_manims_encoder(tmp_path):
    ours = encode(tmp_path / "ours.mp4", manim_run.write_frame)
    theirs = encode(tmp_path / "manim.mp4", manim_run._original_write_frame)
    assert len(ours) == len(theirs) == sum(REPEATS)
    for k, ((p1, a), (p2, b)) in enumerate(zip(ours, theirs)):
        assert p1 == p2, f"frame {k}: pts {p1} != {p2}"
        assert np.array_equal(a, b), f"frame {k}: max difference {np.abs(a.astype(int) - b).max()}"


def test_held_frames_are_repeated_at_consecutive_timestamps(tmp_path):
    decoded = encode(tmp_path / "ours.mp4", manim_run.write_frame)
    step = decoded[1][0] - decoded[0][0]  # the container's time base: 512 ticks per frame
    assert [p for p, _ in decoded] == [k * step for k in range(sum(REPEATS))]
    source = [f[..., :3].astype(int) for f, n in zip(frames(), REPEATS) for _ in range(n)]
    for k, ((_, got), want) in enumerate(zip(decoded, source)):
        assert np.abs(got - want).mean() < 4, f"frame {k} does not show its source frame"


def test_ours_is_deterministic(tmp_path):
    # At 192x108 (a height that is not a multiple of 16) two encodes in a test process that had
    # already rendered scenes differed in a few bytes, through manim's own write_frame as through
    # ours: x264 then depends on something outside these frames. The whole-build check of
    # render.bench_render (-j2 output byte-identical to -j1, at 1080p) covers the real sizes.
    encode(tmp_path / "a.mp4", manim_run.write_frame)
    encode(tmp_path / "b.mp4", manim_run.write_frame)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_a_bad_frame_is_refused_like_manim_does(tmp_path):
    spec = VideoEncoderSpec("mp4", "libx264", "yuv420p", W, H, Fraction(30), (("threads", "1"),))
    enc = VideoSegmentEncoder(target=tmp_path / "bad.mp4", spec=spec)
    with pytest.raises(ValueError, match="shape"):
        manim_run.write_frame(enc, np.zeros((H, W + 2, 4), np.uint8))
    enc.abort()


@pytest.mark.parametrize("stock, program", [("", "render.manim_run"), ("0", "render.manim_run"),
                                            ("1", "manim")])
def test_renders_use_it_with_one_x264_thread_unless_stock_is_asked_for(tmp_path, monkeypatch, stock,
                                                                       program):
    monkeypatch.setenv("GD_STOCK_MANIM", stock)
    entry = pipeline.get_scene(next(iter(pipeline.registry())))
    cmd = pipeline.manim_command(entry, pipeline.get_quality("low"), out=tmp_path / "o.mp4",
                                 media_dir=tmp_path)
    assert cmd[1:3] == ["-m", program]
    opts = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--encoder-option"]
    assert "threads=1" in opts and "preset=veryfast" in opts


@pytest.mark.parametrize("stock", ["", "1"])
def test_from_and_at_run_the_authoring_module_which_picks_the_fence_or_stock(tmp_path, monkeypatch,
                                                                             stock):
    """FROM= and AT= go through render.manim_authoring whatever GD_STOCK_MANIM says (it runs the
    fence or stock manim under its own changes: tests/test_manim_authoring.py)."""
    monkeypatch.setenv("GD_STOCK_MANIM", stock)
    entry = pipeline.get_scene(next(iter(pipeline.registry())))
    q = pipeline.get_quality("low")
    start = pipeline.manim_command(entry, q, out=tmp_path / "o.mp4", media_dir=tmp_path, start=3)
    at = pipeline.manim_command(entry, q, out=tmp_path / "o.png", media_dir=tmp_path, still=True,
                                at=1.5)
    assert start[1:3] == at[1:3] == ["-m", "render.manim_authoring"]
    assert start[start.index("-n") + 1] == "3" and at[3:5] == ["--at", "1.5"]


def test_another_manim_is_refused_in_one_line():
    manim_run.check_version("0.22.0")
    manim_run.check_version("0.22.7")
    for other in ("0.21.3", "0.23.0", "1.0.0"):
        with pytest.raises(manim_run.ManimVersionError) as info:
            manim_run.check_version(other)
        message = str(info.value)
        assert "\n" not in message and other in message and "GD_STOCK_MANIM=1" in message


def test_the_program_refuses_another_manim_with_one_line_and_status_2(tmp_path):
    """As ``python -m render.manim_run`` with a manim that reports another version."""
    fake = tmp_path / "sitecustomize.py"
    fake.write_text("import manim\nmanim.__version__ = '0.99.0'\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    res = subprocess.run([sys.executable, "-m", "render.manim_run", "--help"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res
    assert res.stderr.count("\n") == 1 and "manim 0.99.0 is installed" in res.stderr, res.stderr


def test_patched_restores_manims_functions():
    from manim.scene.scene import Scene

    original = Scene.__dict__["get_moving_mobjects"]
    with manim_run.patched():
        assert Scene.get_moving_mobjects is manim_run.get_moving_mobjects
    assert Scene.__dict__["get_moving_mobjects"] is original
    for owner, attribute, replacement in manim_run.PATCHES:
        assert owner.__dict__[attribute] is not replacement, (owner, attribute)


def test_shared_tex_cache_is_read_before_compiling_and_filled_at_once(tmp_path, monkeypatch):
    from manim import MathTex, tempconfig
    from manim.mobject.text import tex_mobject
    from manim.utils import tex_file_writing as tfw

    monkeypatch.setattr(tfw, "tex_to_svg_file", tfw.tex_to_svg_file)  # restored afterwards
    monkeypatch.setattr(tex_mobject, "tex_to_svg_file", tex_mobject.tex_to_svg_file)
    cache = tmp_path / "cache"
    manim_run.share_tex(cache)
    formula = r"\theta_{t+1} = \theta_t - \eta \nabla f(\theta_t) \quad (%s)" % tmp_path.name
    with tempconfig({"media_dir": str(tmp_path / "first")}):
        first = MathTex(formula)
    published = list(cache.glob("*.svg"))
    assert len(published) == 1, "the compiled SVG is published at once"

    def no_latex(*args, **kwargs):
        raise AssertionError("latex ran although the shared cache had the formula")
    monkeypatch.setattr(tfw, "compile_tex", no_latex)
    with tempconfig({"media_dir": str(tmp_path / "second")}):  # another render's private dir
        second = MathTex(formula)
    assert (tmp_path / "second" / "Tex" / published[0].name).exists()
    assert np.allclose(first.get_all_points(), second.get_all_points())
    assert not list(cache.glob(".*.tmp")), "no temporary file is left in the cache"


# --------------------------------------------------------------------------- frames handed over

def render_small_scene(tmp_path, name):
    """A moving square over static shapes, with held frames, at 256x144 and 15 fps, in-process."""
    from manim import BLUE, LEFT, PI, RED, RIGHT, UP, Circle, Dot, Rotate, Scene, Square, tempconfig

    class Moving(Scene):
        def construct(self):
            self.add(Circle(color=BLUE).shift(LEFT * 3), Dot(UP * 2))  # the static image
            square = Square(color=RED, fill_opacity=0.6)
            self.play(square.animate.shift(RIGHT * 3), run_time=0.6)
            self.wait(0.4)  # a frozen frame, held
            self.play(Rotate(square, PI / 3), run_time=0.4)
            self.wait(0.2)

    out = tmp_path / f"{name}.mp4"
    with tempconfig({"media_dir": str(tmp_path / name), "pixel_width": W, "pixel_height": H,
                     "frame_rate": 15, "output_file": str(out), "disable_caching": True,
                     "format": "mp4", "progress_bar": "none", "verbosity": "ERROR"}):
        Moving().render()
    with av.open(str(out)) as c:
        return [fr.to_ndarray(format="rgb24") for fr in c.decode(video=0)]


@pytest.mark.render
def test_handing_frames_over_gives_the_pictures_of_copying_them(tmp_path, monkeypatch):
    monkeypatch.setattr(manim_run, "FRAMES", manim_run.FramePool())
    copied = render_small_scene(tmp_path, "copied")  # manim's renderer and encoder
    for owner, attribute, replacement in manim_run.PATCHES:  # as install() does, undone after
        monkeypatch.setattr(owner, attribute, replacement)
    handed = render_small_scene(tmp_path, "handed")
    assert len(handed) == len(copied) == 9 + 6 + 6 + 3
    for k, (a, b) in enumerate(zip(handed, copied)):
        assert np.array_equal(a, b), f"frame {k}: max difference {np.abs(a.astype(int) - b).max()}"
    assert 2 <= len(manim_run.FRAMES) < 12, "buffers come back and are drawn into again"


def test_a_handed_over_frame_stays_as_drawn_until_the_encoder_gives_it_back(monkeypatch):
    from manim import tempconfig
    from manim.camera.camera import Camera

    pool = manim_run.FramePool()
    monkeypatch.setattr(manim_run, "FRAMES", pool)
    monkeypatch.setattr(Camera, "set_pixel_array", manim_run.set_pixel_array)
    with tempconfig({"pixel_width": 64, "pixel_height": 36}):
        camera = Camera()
    background = np.full_like(camera.pixel_array, 7)
    camera.set_pixel_array(background)
    camera.pixel_array[0, 0] = 200  # "drawn"
    first = manim_run.hand_over(camera)
    assert first is camera.pixel_array and first[0, 0, 0] == 200
    again = manim_run.hand_over(camera)  # no reset in between: a copy, as manim gives
    assert again is not first and np.array_equal(again, first)

    camera.set_pixel_array(background)  # the next frame starts in another buffer
    assert camera.pixel_array is not first and first[0, 0, 0] == 200
    assert np.array_equal(camera.pixel_array, background)
    second = manim_run.hand_over(camera)
    camera.set_pixel_array(background)
    assert camera.pixel_array is not second and camera.pixel_array is not first

    pool.give_back(first)  # converted by the encoder: free to draw into again
    pool.give_back(np.zeros_like(first))  # not the pool's: ignored
    manim_run.hand_over(camera)
    camera.set_pixel_array(background)
    assert camera.pixel_array is first and np.array_equal(first, background)
    assert len(pool) == 3


# --------------------------------------------------------------------------- leaner manim internals

def random_paths(count=4000, seed=0):
    """Bezier point arrays of 0..29 points: mostly joined curves, some near-joined, broken,
    NaN and infinite anchors (every case manim's subpath test distinguishes)."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(0, 30))
        pts = rng.integers(-2, 3, (n, 3)).astype(float) * rng.choice([1, 0.5, 1e-9])
        for i in range(4, n, 4):
            r = rng.random()
            if r < 0.6:
                pts[i] = pts[i - 1]
            elif r < 0.7:
                pts[i] = pts[i - 1] + rng.normal(0, 1e-7, 3)
            elif r < 0.75:
                pts[i] = np.nan
            elif r < 0.8:
                pts[i] = pts[i - 1] = np.inf * rng.choice([1, -1], 3)
        yield pts


def test_subpath_split_equals_manims():
    from manim import VMobject
    m = VMobject()
    kinds = set()
    for pts in random_paths():
        for n_dims in (2, 3):
            want = manim_run._original_split(m, pts, n_dims)
            got = manim_run.get_subpath_split_indices_from_points(m, pts, n_dims)
            assert got.dtype == want.dtype and np.array_equal(got, want), (pts.tolist(), n_dims)
            kinds.add(len(want))
    assert {0, 1, 2, 3} <= kinds  # empty, one subpath, and split paths were all exercised


def test_non_finite_points_draw_nothing_as_in_manim():
    from manim.camera.camera import Camera
    camera = Camera()
    for pts in random_paths(500, seed=1):
        want = Camera.transform_points_pre_display(camera, None, pts)
        got = manim_run.transform_points_pre_display(camera, None, pts)
        assert np.array_equal(got, want, equal_nan=True) and got.shape == want.shape


def test_updaters_run_as_in_manim_with_their_signatures_looked_up_once(monkeypatch):
    from manim import Mobject
    calls = []

    def with_dt(m, dt):
        calls.append(("dt", m.name, dt))

    def without(m):
        calls.append(("no dt", m.name))

    class Stepper:  # a callable object with a dt parameter
        def __call__(self, m, dt=0):
            calls.append(("obj", m.name, dt))

    def tree():
        parent, child, frozen = Mobject(name="parent"), Mobject(name="child"), Mobject(name="frozen")
        parent.add_updater(with_dt).add_updater(without).add_updater(Stepper())
        child.add_updater(with_dt)
        frozen.add_updater(without)
        frozen.suspend_updating()
        parent.add(child, frozen)
        return parent

    for recursive in (True, False):
        calls.clear()
        Mobject.update(tree(), 0.25, recursive=recursive)
        want = list(calls)
        calls.clear()
        manim_run.update(tree(), 0.25, recursive=recursive)
        assert calls == want
    assert ("dt", "child", 0.25) in want or not recursive

    looked_up = []
    real = manim_run.inspect.signature
    monkeypatch.setattr(manim_run.inspect, "signature", lambda f: looked_up.append(f) or real(f))

    def fresh(m, dt):
        calls.append(("fresh", dt))
    m = Mobject(name="m").add_updater(fresh)
    calls.clear()
    for _ in range(5):
        manim_run.update(m, 0.1)
    assert looked_up == [fresh], "one signature lookup per updater"
    assert calls == [("fresh", 0.1)] * 5


def test_cairo_gets_the_paths_manim_gives_it(tmp_path):
    import cairo
    from manim import Circle, DashedLine, MathTex, Square, VMobject, tempconfig
    from manim.camera.camera import Camera

    camera = Camera()
    surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 64, 36)

    def path(fn, m):
        ctx = cairo.Context(surface)
        ctx.move_to(1, 2)  # a path left over from the last mobject: both keep it when m is empty
        fn(camera, ctx, m)
        return list(ctx.copy_path())

    with tempconfig({"media_dir": str(tmp_path)}):  # its LaTeX output, not ./media/Tex
        formula = MathTex(r"\nabla f(\theta)").family_members_with_points()
    shapes = [Circle(), Square(), DashedLine([-1, 0, 0], [1, 0, 0]), VMobject(), *formula]
    for pts in random_paths(1500, seed=2):
        m = VMobject()
        m.points = pts
        shapes.append(m)
    closed = 0
    for m in shapes:
        want = path(manim_run._original_set_cairo_context_path, m)
        assert path(manim_run.set_cairo_context_path, m) == want
        closed += any(kind == cairo.PATH_CLOSE_PATH for kind, _ in want)
    assert closed > 10  # closed subpaths were exercised too


# --------------------------------------------------------------------------- the static image

def _panel_scene():
    from manim import Dot, FadeIn, Square, ValueTracker, VGroup

    from scenes.components.style import ThemedScene

    class PanelScene(ThemedScene):
        def construct(self):
            k = ValueTracker(0.0)
            self.panel = VGroup(*[Square(0.2).shift([0.3 * i, 0, 0]) for i in range(20)])
            self.dot = Dot().add_updater(lambda d: d.move_to([k.get_value(), 0.0, 0.0]))
            self.group = VGroup(self.panel, self.dot)  # the panel grouped with its moving dot
            self.add(self.group)
            self.play(FadeIn(Square(0.1)), k.animate.set_value(1.0), run_time=0.3)
            self.static = list(self.static_mobjects)
            self.moving = list(self.moving_mobjects)

    return PanelScene


@pytest.mark.parametrize("fence", [True, False])
def test_static_members_of_a_group_are_painted_once(tmp_path, fence):
    """With the fence a panel grouped with its moving dot joins the static image; stock manim
    redraws the whole group every frame (which is why the patch exists)."""
    from contextlib import nullcontext

    from manim import tempconfig

    with tempconfig({"media_dir": str(tmp_path), "dry_run": True, "frame_rate": 10,
                     "disable_caching": True}), (manim_run.patched() if fence else nullcontext()):
        scene = _panel_scene()()
        scene.render()
    assert scene.dot in scene.moving and scene.dot not in scene.static
    painted_once = all(sq in scene.static for sq in scene.panel)
    assert painted_once == fence, f"fence={fence}: the panel's squares painted once: {painted_once}"


def test_three_d_depth_order_equals_manims():
    """The faces of a real surface, a shaded 3-D dot and line, paths of 1, 4 and 8 points, an empty
    VMobject, a group and a face grouped for depth with another: each centre equals manim's, bit for
    bit, and the camera sorts them into manim's order, at two camera angles. A path that is not
    whole curves (5 points) is refused as manim refuses it."""
    from manim import DEGREES, Dot3D, Line3D, Surface, VGroup, VMobject
    from manim.camera.three_d_camera import ThreeDCamera

    surface = Surface(lambda u, v: np.array([u, v, np.sin(u) * np.cos(v)]),
                      u_range=(-2, 2), v_range=(-2, 2), resolution=(9, 7))
    odd = [VMobject() for _ in range(4)]
    for m, n in zip(odd, (0, 1, 4, 8)):
        if n:
            m.points = np.random.default_rng(n).normal(size=(n, 3))
    grouped = surface[3].copy()
    grouped.z_index_group = surface[40]
    extras = [*odd, grouped, Dot3D([0.5, 0.2, 1.0]), Line3D([-1, 0, 0], [1, 1, 1]),
              VGroup(surface[0].copy(), surface[1].copy())]
    for m in extras:
        m.shade_in_3d = True
    for m in [*surface, *extras]:
        want = m.get_z_index_reference_point()
        got = manim_run._z_reference_point(m)
        assert got.dtype == want.dtype and np.array_equal(got, want), (type(m).__name__, got, want)
    assert len(surface) == 63
    everything = VGroup(surface, *extras)
    camera = ThreeDCamera()
    for phi, theta in ((70, -40), (20, 130)):
        camera.set_phi(phi * DEGREES)
        camera.set_theta(theta * DEGREES)
        camera.reset_rotation_matrix()
        want = manim_run.ORIGINALS[[a for _, a, _ in manim_run.ORIGINALS].index(
            "get_mobjects_to_display")][2](camera, [everything])
        got = manim_run.get_mobjects_to_display(camera, [everything])
        assert [id(m) for m in got] == [id(m) for m in want]
    broken = VMobject()
    broken.points = np.zeros((5, 3))
    with pytest.raises(ValueError):
        broken.get_z_index_reference_point()
    with pytest.raises(ValueError):
        manim_run._z_reference_point(broken)
