"""``python -m render.manim_run ARGS``: manim's command line, with less work per frame.

manim 0.22 hands every rendered frame (RGBA, top-left first, owned by the encoder from then on)
to ``VideoSegmentEncoder.write_frame(pixels, repeat=n)``, which

- copies the 8 MB array into a new ``av.VideoFrame`` (``from_ndarray``), and
- does that again, with a fresh RGBA→YUV 4:2:0 conversion inside PyAV's encode, for each of the
  ``n`` copies of a held frame (``wait()`` and frozen frames: about a fifth of all frames here).

:func:`write_frame` wraps the array without copying (``from_numpy_buffer``), converts it once with
the same conversion PyAV's encoder makes (bilinear, on as many threads as the codec, which
``render.pipeline`` fixes at one) and sends that picture ``n`` times. The decoded pictures and their
timestamps equal those of manim's encoder (tests/test_manim_run.py). Two renders of convex-descent
at 480p gave the same bytes through it, and differed in a few bytes through manim's own path (but
see the note in tests/test_manim_run.py on frame heights that are not a multiple of 16). With x264
on one thread, convex-descent at 1080p60 took 36 CPU-s instead of 42–48.

:func:`install` also saves one of the two 8 MB copies manim's Cairo renderer makes per frame.
manim copies the camera's pixels for the encoder (``get_frame``) and then copies the background
over the camera's pixels for the next frame. Here the camera hands its buffer itself to the encoder
and draws the next frame into a buffer from a :class:`FramePool`, which :func:`write_frame` refills
once it has converted a frame. The background copy stays. A copy cost about 0.9 ms per 1080p frame,
a fifth of a light scene's drawing thread (loss-comparison: 21 % of its samples in the two copies).

Four small functions manim calls for every drawn or updated mobject in every frame are replaced
by leaner ones that return the same values or give Cairo the same path (each is tested against
manim's own): :func:`get_subpath_split_indices_from_points`, :func:`transform_points_pre_display`,
:func:`set_cairo_context_path` and :func:`update`. The subpath split alone took gradient-field at
480p15 from 9.8 to 8.1 s; with the first three, race-rosenbrock's drawing thread at 1080p60 went
from 24.3 to 20–22 CPU-s, and the path builder took another 0.7 s off it (19.0–19.3 against
18.2–18.7). The MP4s were byte-identical. These are manim 0.22's internals (``pyproject.toml`` pins 0.22.*).

With ``GD_TEX_CACHE`` set (``render.pipeline`` sets it), :func:`share_tex` makes LaTeX output a
live cache shared by parallel renders: before compiling a formula, manim's ``tex_to_svg_file``
looks in that directory too, and an SVG it compiles is published there at once (atomically, by
rename). Without it, two renders running side by side from a clean build each compiled the
formulas they have in common (the axis numbers, for a start), at about 0.25 s of CPU each.

:func:`get_moving_mobjects` paints what does not move once per animation instead of once per frame
(a group counts as moving only through the members that do).

:func:`get_mobjects_to_display` sorts a 3-D scene's faces by the same depths as manim's, with each
face's centre read in one pass over its points.

This module is the one place that changes manim's internals (``PATCHES``, and ``share_tex``). They
are manim 0.22's: importing this module with another manim refuses in one line
(:class:`ManimVersionError`). ``GD_STOCK_MANIM=1`` renders with stock manim instead
(``render.pipeline`` runs ``python -m manim``, and the in-process test renders skip
:func:`patched`); ``tests/test_stock_manim.py`` renders real scenes both ways and compares frames.

Everything else is manim's own CLI (``manim.__main__.main``), so the options are manim's.
"""

from __future__ import annotations

import collections
import inspect
import os
import sys
import weakref
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import manim

SUPPORTED = "0.22"  # the manim whose internals are patched here (pyproject.toml pins 0.22.*)


class ManimVersionError(ImportError):
    """The installed manim is not the one these patches were written for."""


def check_version(version: str) -> None:
    """Refuse, in one line, a manim other than :data:`SUPPORTED`."""
    if version.split(".")[:2] != SUPPORTED.split("."):
        raise ManimVersionError(
            f"render.manim_run patches manim {SUPPORTED}'s internals but manim {version} is installed; "
            f"install manim=={SUPPORTED}.* (make setup) or render with stock manim: GD_STOCK_MANIM=1")


# before touching any internal module; run as a program, the refusal is one line and exit status 2
try:
    check_version(manim.__version__)
except ManimVersionError as exc:
    if __name__ != "__main__":
        raise
    sys.stderr.write(f"error: {exc}\n")
    sys.exit(2)

import av  # noqa: E402
import numpy as np  # noqa: E402
from manim.camera.camera import Camera  # noqa: E402
from manim.camera.three_d_camera import ThreeDCamera  # noqa: E402
from manim.mobject.mobject import Mobject  # noqa: E402
from manim.mobject.types.vectorized_mobject import VMobject  # noqa: E402
from manim.renderer.cairo_renderer import CairoRenderer  # noqa: E402
from manim.scene import video_segment_encoder as _vse  # noqa: E402
from manim.scene.scene import Scene  # noqa: E402

from render.outputs import link_atomic  # noqa: E402

_original_write_frame = _vse.VideoSegmentEncoder.write_frame


def write_frame(self, pixels, *, repeat: int = 1) -> None:
    """Encode ``pixels`` (H×W×4 uint8 RGBA) ``repeat`` times at consecutive PTS values."""
    self._validate_frame(pixels, repeat)
    stream = self._stream
    if getattr(self, "_reformatter", None) is None:
        self._reformatter = av.video.reformatter.VideoReformatter()
        self._time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
    try:
        rgba = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        cc = stream.codec_context
        picture = self._reformatter.reformat(rgba, cc.width, cc.height, cc.format,
                                             threads=cc.thread_count)
        if picture is rgba:  # no conversion (an RGBA codec): the encoder must not see a reused buffer
            picture = av.VideoFrame.from_ndarray(pixels, format="rgba")
        picture.time_base = self._time_base
        del rgba
        FRAMES.give_back(pixels)  # converted: the camera may draw into it again
        for _ in range(repeat):
            picture.pts = self._next_pts
            self._next_pts += 1
            for packet in stream.encode(picture):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


class FramePool:
    """Pixel buffers the camera draws into and hands to the encoder, which gives them back.

    Every buffer the pool has seen stays alive in it: manim caches a Cairo context per buffer under
    the buffer's ``id()``, which must never come back for another array. A buffer is in use until
    :meth:`give_back`; at most as many exist as frames wait for the encoder (its queue), plus one.
    """

    def __init__(self):
        self._known: dict[int, np.ndarray] = {}
        self._free: collections.deque = collections.deque()  # append/pop are atomic in CPython

    def adopt(self, buffer: np.ndarray) -> None:
        self._known[id(buffer)] = buffer

    def take(self, like: np.ndarray) -> np.ndarray:
        """A free buffer shaped like ``like`` (its contents are stale), or a new one."""
        while self._free:
            buffer = self._free.pop()
            if buffer.shape == like.shape and buffer.dtype == like.dtype:
                return buffer
        buffer = np.empty_like(like)
        self.adopt(buffer)
        return buffer

    def give_back(self, buffer) -> None:
        """Called by the encoder thread once it no longer reads ``buffer``."""
        if self._known.get(id(buffer)) is buffer:
            self._free.append(buffer)

    def __len__(self) -> int:
        return len(self._known)


FRAMES = FramePool()


def hand_over(camera) -> np.ndarray:
    """The camera's pixels, given away: its next reset draws into a pool buffer instead.

    Until that reset the camera still shows (and reads) the frame it handed over, unchanged: the
    encoder only reads it. A second hand-over before a reset gets a copy, as manim would give.
    """
    if getattr(camera, "_handed_over", False):
        return camera.pixel_array.copy()
    FRAMES.adopt(camera.pixel_array)
    camera._handed_over = True
    return camera.pixel_array


_original_set_pixel_array = Camera.set_pixel_array


def set_pixel_array(self, pixel_array, convert_from_floats: bool = False) -> None:
    """manim's, but after a hand-over the new pixels go into a pool buffer, not the given one."""
    if getattr(self, "_handed_over", False):
        self._handed_over = False
        self.pixel_array = FRAMES.take(self.pixel_array)
    _original_set_pixel_array(self, pixel_array, convert_from_floats)


def render(self, scene, time, moving_mobjects=None) -> None:
    """manim's ``CairoRenderer.render``, with the frame handed over instead of copied."""
    self.update_frame(scene, moving_mobjects)
    self.add_frame(hand_over(self.camera))


def freeze_current_frame(self, duration: float) -> None:
    """manim's, with the held frame handed over instead of copied."""
    dt = 1 / self.camera.frame_rate
    self.add_frame(hand_over(self.camera), num_frames=int(duration / dt))


_original_split = VMobject.get_subpath_split_indices_from_points
_RTOL = 1.0e-5  # np.isclose's default, as manim's uses


def get_subpath_split_indices_from_points(self, points, n_dims: int = 3) -> np.ndarray:
    """manim's ``VMobject.get_subpath_split_indices_from_points``, with less NumPy per call.

    The same ``(n_subpaths, 2)`` table of ``[start, end)`` point indices, by the same test: a
    subpath ends where a curve's end anchor is not close to the next curve's start anchor
    (``np.isclose`` semantics: NaN is never close, infinities only when equal). The anchors are
    compared as strided views instead of gathered copies, and exactly equal anchors (nearly every
    path drawn here is one subpath) return at once. The camera calls this for every drawn
    VMobject in every frame: 15–19 µs a call for manim's, 2–4 µs here for one subpath.
    """
    points = np.asarray(points)
    nppcc = self.n_points_per_cubic_curve
    n = len(points)
    if n <= nppcc:
        return _original_split(self, points, n_dims)
    ends = points[nppcc - 1:n - 1:nppcc, :n_dims]  # the last anchor of each curve but the last
    starts = points[nppcc:n:nppcc, :n_dims]  # the first anchor of the curve after it
    equal = ends == starts
    if equal.all():
        return np.array([[0, n]])
    with np.errstate(invalid="ignore"):
        diffs = np.abs(ends - starts)
        is_close = diffs <= self.tolerance_for_point_equality + _RTOL * np.abs(starts)
        finite = np.isfinite(diffs)
        if not finite.all():
            is_close &= finite
            is_close |= equal
    cuts = (np.flatnonzero(~is_close.all(axis=1)) + 1) * nppcc
    bounds = np.concatenate([[0], cuts, [n]])
    return np.stack([bounds[:-1], bounds[1:]], axis=1)


def transform_points_pre_display(self, mobject, points):
    """manim's ``Camera.transform_points_pre_display``: non-finite points draw nothing. The same
    test as ``np.all(np.isfinite(points))`` as a method call, without ``np.all``'s dispatch
    (1.0 against 2.0 µs a call on 32 points; py-spy put this check at 5 % of race-rosenbrock's
    drawing thread)."""
    if not np.isfinite(points).all():
        points = np.zeros((1, 3))
    return points


_original_set_cairo_context_path = Camera.set_cairo_context_path


def set_cairo_context_path(self, ctx, vmobject):
    """manim's ``Camera.set_cairo_context_path``: the same subpaths, curves and closes, in the
    same order, with the coordinates read once as Python floats (``tolist``) instead of one NumPy
    scalar per coordinate (about 30 against 50 ns per coordinate read, six per curve)."""
    points = self.transform_points_pre_display(vmobject, vmobject.points)
    if len(points) == 0:
        return self
    nppcc = vmobject.n_points_per_cubic_curve
    ctx.new_path()
    split_indices = vmobject.get_subpath_split_indices_from_points(points, n_dims=2)
    if len(split_indices) == 0:
        return self
    xy = points[:, :2].ravel().tolist()  # [x0, y0, x1, y1, ...]
    move_to, curve_to = ctx.move_to, ctx.curve_to
    new_sub_path, close_path = ctx.new_sub_path, ctx.close_path
    for start, end in split_indices.tolist():
        if end - start < nppcc:
            continue
        new_sub_path()
        move_to(xy[2 * start], xy[2 * start + 1])
        for i in range(start, end - nppcc + 1, nppcc):
            b = 2 * i + 2  # the curve's first handle
            curve_to(*xy[b:b + 6])
        if vmobject.consider_points_equals_2d(points[start], points[end - 1]):
            close_path()
    return self


_TAKES_DT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _takes_dt(updater) -> bool:
    """Whether ``updater`` has a ``dt`` parameter, looked up once per updater."""
    try:
        return _TAKES_DT[updater]
    except KeyError:
        pass
    except TypeError:  # not weakly referenceable: ask every time, as manim does
        return "dt" in inspect.signature(updater).parameters
    takes = "dt" in inspect.signature(updater).parameters
    _TAKES_DT[updater] = takes
    return takes


def update(self, dt: float = 0, recursive: bool = True):
    """manim's ``Mobject.update``, without building every updater's ``inspect.signature`` on
    every frame (6–7 µs each; py-spy put it at 4 % of race-rosenbrock's drawing thread)."""
    if self.updating_suspended:
        return self
    for updater in self.updaters:
        if _takes_dt(updater):
            updater(self, dt)
        else:
            updater(self)
    if recursive:
        for submob in self.submobjects:
            submob.update(dt, recursive=recursive)
    return self


def get_moving_mobjects(self, *animations):
    """manim's ``Scene.get_moving_mobjects``, without counting a group as moving because one of its
    members moves.

    manim's Cairo renderer paints the mobjects before the first moving one into a static image
    and redraws only the rest each frame. manim counts a group as moving when any descendant
    moves, so a panel grouped with its moving dot (contours, axes, labels and all) was redrawn on
    every frame. Here a mobject moves only when it is animated, has an updater of its own, or is
    in the foreground; a group's static members before its first moving one join the static image.
    An updater may change only its own mobject's family (every updater in scenes/ does).
    ``ThreeDScene``'s own override calls this one (``super()``), as it called manim's.
    """
    from manim.animation.composition import AnimationGroup

    def collect(anims):
        out = []
        for anim in anims:
            out.extend(anim.mobject.get_family())
            if isinstance(anim, AnimationGroup):
                out.extend(collect(anim.animations))
        return out

    animated = set(collect(animations))
    mobjects = self.get_mobject_family_members()
    for i, mob in enumerate(mobjects):
        if mob in animated or mob.updaters or mob in self.foreground_mobjects:
            return mobjects[i:]
    return []


# manim's own methods: _z_reference_point answers for mobjects that use these, and no others
_vmobject_boundary = VMobject.get_points_defining_boundary
_mobject_critical_point = Mobject.get_critical_point
_mobject_center = Mobject.get_center
_mobject_z_reference = Mobject.get_z_index_reference_point

def _z_reference_point(mob) -> np.ndarray:
    """``mob.get_z_index_reference_point()``, the centre of its bounding box, read straight from
    the points of a VMobject without submobjects (a surface's face): the same box of the same
    anchors (``get_anchors``: the start and end anchor of each curve), the same
    ``(min + max) / 2``. Anything else goes through manim's own."""
    group = getattr(mob, "z_index_group", mob)
    if (type(mob).get_z_index_reference_point is not _mobject_z_reference
            or group.submobjects or not isinstance(group, VMobject)
            or type(group).get_center is not _mobject_center
            or type(group).get_points_defining_boundary is not _vmobject_boundary
            or type(group).get_critical_point is not _mobject_critical_point):
        return mob.get_z_index_reference_point()
    points = group.points
    nppcc = group.n_points_per_cubic_curve
    if len(points) == 1:
        return points[0].copy()
    if len(points) == 0 or len(points) % nppcc:  # no box, or not whole curves: manim's answer
        return mob.get_z_index_reference_point()
    starts, ends = points[::nppcc], points[nppcc - 1::nppcc]
    lo = np.minimum(starts.min(axis=0), ends.min(axis=0))
    hi = np.maximum(starts.max(axis=0), ends.max(axis=0))
    return (lo + hi) / 2


def get_mobjects_to_display(self, *args, **kwargs):
    """manim's ``ThreeDCamera.get_mobjects_to_display``: what is shaded in 3-D, far to near, then
    the rest, in the same stable order, by the same key (the depth of each mobject's centre along
    the camera's axis), with the centre of a face read in one pass over its points instead of one
    pass per axis through ``get_critical_point``. A surface's faces are sorted in every frame:
    the sort was 13 % of nn-landscape's render under cProfile (625 faces)."""
    mobjects = Camera.get_mobjects_to_display(self, *args, **kwargs)
    rot_matrix = self.get_rotation_matrix()

    def z_key(mob) -> float:
        if not (hasattr(mob, "shade_in_3d") and mob.shade_in_3d):
            return np.inf
        return np.dot(_z_reference_point(mob), rot_matrix.T)[2]

    return sorted(mobjects, key=z_key)


# (owner, attribute, replacement): everything :func:`install` changes in manim.
PATCHES = (
    (_vse.VideoSegmentEncoder, "write_frame", write_frame),
    (Camera, "set_pixel_array", set_pixel_array),
    (CairoRenderer, "render", render),
    (CairoRenderer, "freeze_current_frame", freeze_current_frame),
    (VMobject, "get_subpath_split_indices_from_points", get_subpath_split_indices_from_points),
    (Camera, "transform_points_pre_display", transform_points_pre_display),
    (Camera, "set_cairo_context_path", set_cairo_context_path),
    (Mobject, "update", update),
    (Scene, "get_moving_mobjects", get_moving_mobjects),
    (ThreeDCamera, "get_mobjects_to_display", get_mobjects_to_display),
)
ORIGINALS = tuple((owner, attribute, owner.__dict__[attribute]) for owner, attribute, _ in PATCHES)


def install() -> None:
    """Apply :data:`PATCHES` for the rest of this process."""
    for owner, attribute, replacement in PATCHES:
        setattr(owner, attribute, replacement)


@contextmanager
def patched():
    """:data:`PATCHES` applied inside the block, manim's own functions restored after it (for
    renders in a process that also renders stock, as the tests do)."""
    install()
    try:
        yield
    finally:
        for owner, attribute, original in ORIGINALS:
            setattr(owner, attribute, original)


def share_tex(cache: Path) -> None:
    """Look up and publish manim's compiled LaTeX in ``cache`` (see the module's docstring)."""
    from manim import config
    from manim.mobject.text import tex_mobject
    from manim.utils import tex_file_writing as tfw

    original = tfw.tex_to_svg_file
    cache = Path(cache)

    def tex_to_svg_file(expression, environment=None, tex_template=None):
        template = config["tex_template"] if tex_template is None else tex_template
        svg = tfw.generate_tex_file(expression, environment, template).with_suffix(".svg")
        shared = cache / svg.name
        if not svg.exists() and shared.exists():
            link_atomic(shared, svg)
        result = Path(original(expression, environment, template))
        if result.exists() and not shared.exists():
            cache.mkdir(parents=True, exist_ok=True)
            link_atomic(result, shared)
        return result

    tfw.tex_to_svg_file = tex_to_svg_file
    tex_mobject.tex_to_svg_file = tex_to_svg_file


def main() -> None:
    """manim's command line with :data:`PATCHES` installed and LaTeX shared via ``GD_TEX_CACHE``."""
    install()
    if os.environ.get("GD_TEX_CACHE"):
        share_tex(Path(os.environ["GD_TEX_CACHE"]))
    from manim.__main__ import main as manim_main
    manim_main(prog_name="manim")


if __name__ == "__main__":
    main()
