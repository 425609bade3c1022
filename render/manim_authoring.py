"""``python -m render.manim_authoring [--at S] [--keep-segments N] [--svg-cache F] [--stock-hash]
[--stock-copy] ARGS``.

The manim changes the authoring loop (``make watch``, ``make still AT=``) needs, fenced here, on
top of :mod:`render.manim_run` (whose command line this is; with ``GD_STOCK_MANIM=1``, on top of
manim's own). ``make videos`` never runs them. They patch other attributes than the fence's
(``CairoRenderer.play``/``update_frame``, ``Scene.begin_animations``, the play-call hash, how
colours and glyphs are deep-copied), and are
installed first; the fence's, installed by ``render.manim_run.main``, wrap none of them.

**A faster key for manim's partial-movie cache**: :mod:`render.manim_playkey` (``--stock-hash``
or ``GD_STOCK_HASH=1``: manim's own).

**Cheaper copies** (:func:`install_cheap_copies`): a copied mobject shares its colours and a glyph
its parsed SVG path, which never change, instead of copying them (``--stock-copy`` or
``GD_STOCK_COPY=1``: manim's copies).

**The frame at a time** (``--at SECONDS`` with manim's ``-s``): every play before that time is
skipped as ``-s`` skips them all; the play running at that time is brought to it in one step,
and the scene ends there, so manim's still writer saves that frame. A time past the scene's end
exits with status 3 and says how long the scene is.

manim 0.22 only (``pyproject.toml`` pins it): anything else is refused in one line.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import sys
from pathlib import Path

import manim

SUPPORTED = "0.22."
if not manim.__version__.startswith(SUPPORTED):
    sys.exit(f"render.manim_authoring: manim {manim.__version__} is installed; these changes are "
             f"for manim {SUPPORTED}* (pyproject.toml pins it): run make setup")

from manim.renderer import cairo_renderer  # noqa: E402
from manim.scene.scene import Scene  # noqa: E402
from manim.mobject.mobject import Mobject  # noqa: E402
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath  # noqa: E402
from manim.utils.color.core import ManimColor  # noqa: E402
from manim.utils.exceptions import EndSceneEarlyException  # noqa: E402

from render.manim_playkey import install_play_key  # noqa: E402

# --------------------------------------------------------------------------- cheaper copies

def _shared(self, memo):
    """A colour is a value (hashable, never changed in place): a copy of a mobject shares it."""
    return self


def _glyph_deepcopy(self, memo):
    """manim's copy of a formula's glyph, sharing the parsed SVG path it was built from (read
    once, when the glyph's points were made from it; never changed after)."""
    path = self.__dict__.get("path_obj")
    if path is not None:
        memo[id(path)] = path
    return Mobject.__deepcopy__(self, memo)


COPY_PATCHES = ((ManimColor, "__deepcopy__", _shared), (VMobjectFromSVGPath, "__deepcopy__", _glyph_deepcopy))


def install_cheap_copies() -> None:
    """Copies of mobjects (every Transform, FadeIn, ``.copy()``; a cached play still begins its
    animations) share what never changes instead of copying it: colours and glyphs' parsed paths
    were 0.8 of convex-descent's 1.9 s with every play cached. Same points, colours, frames
    (tests/test_stock_manim.py renders a scene with and without)."""
    for owner, attribute, replacement in COPY_PATCHES:
        setattr(owner, attribute, replacement)


@contextlib.contextmanager
def cheap_copies():
    """:func:`install_cheap_copies` for a ``with`` block, then manim's copies again."""
    before = [(owner, attribute, owner.__dict__.get(attribute)) for owner, attribute, _ in COPY_PATCHES]
    install_cheap_copies()
    try:
        yield
    finally:
        for owner, attribute, old in before:
            if old is None:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, old)


# --------------------------------------------------------------------------- skipped plays

_original_play = cairo_renderer.CairoRenderer.play
_original_update_frame = cairo_renderer.CairoRenderer.update_frame


def play(self, scene, *args, **kwargs) -> None:
    """manim's, marking the time inside a play for :func:`update_frame` (and counting plays)."""
    _At.plays += 1
    self._gd_in_play = True
    try:
        _original_play(self, scene, *args, **kwargs)
    finally:
        self._gd_in_play = False


def update_frame(self, scene, mobjects=None, include_submobjects: bool = True,
                 ignore_skipping: bool = True, **kwargs) -> None:
    """manim's, except inside a play that is skipped (cached, before ``-n``'s start, or before
    ``--at``): manim still draws its static image and one frame there and writes neither
    (convex-descent, every play cached: 0.6 s of 8). The still a ``-s`` render saves is drawn
    after the last play, as before."""
    if self.skip_animations and getattr(self, "_gd_in_play", False):
        return
    _original_update_frame(self, scene, mobjects, include_submobjects, ignore_skipping, **kwargs)


def install_skip_drawing() -> None:
    cairo_renderer.CairoRenderer.play = play
    cairo_renderer.CairoRenderer.update_frame = update_frame


# --------------------------------------------------------------------------- the frame at a time

_original_begin_animations = Scene.begin_animations


class _At:
    seconds: float | None = None
    reached = False
    end = 0.0  # the end of the last play begun, in seconds
    plays = 0  # plays begun


def begin_animations(self) -> None:
    """manim's; then, if the frame asked for falls in this play, go to it and end the scene."""
    _original_begin_animations(self)
    at = _At.seconds
    end = self.renderer.time  # with -s every play is skipped: the time already counts this one
    start = end - self.duration
    _At.end = end
    if at is not None and not _At.reached and at < end - 1e-9:
        _At.reached = True
        self.update_to_time(max(at - start, 0.0))
        raise EndSceneEarlyException()


def install_still_at(seconds: float) -> None:
    _At.seconds = seconds
    Scene.begin_animations = begin_animations


# --------------------------------------------------------------------------- formulas kept

def load_svg_cache(path: Path) -> int:
    """Fill manim's in-process cache of parsed SVGs (a formula's glyphs, keyed by its SVG file and
    style: ``SVG_HASH_TO_MOB_MAP``) from ``path``; the number of entries (0 if unreadable). The watch's
    warm worker loads it once and every render it forks has the formulas parsed: convex-descent's
    25 took about 1 of the 3 CPU-s a render with every animation cached took."""
    from manim.mobject.svg import svg_mobject
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
        if saved.get("manim") != manim.__version__:
            return 0
        svg_mobject.SVG_HASH_TO_MOB_MAP.update(saved["map"])
        return len(saved["map"])
    except Exception:  # a cache: whatever is wrong with it, the formulas are parsed again
        return 0


def save_svg_cache(path: Path) -> None:
    """Write manim's cache of parsed SVGs to ``path`` (atomically; nothing if it cannot be)."""
    from manim.mobject.svg import svg_mobject
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            pickle.dump({"manim": manim.__version__, "map": dict(svg_mobject.SVG_HASH_TO_MOB_MAP)}, f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        tmp.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Apply what the options ask for, then run manim's command line (via render.manim_run)."""
    args = list(sys.argv[1:] if argv is None else argv)
    at, keep, stock = None, None, os.environ.get("GD_STOCK_HASH", "") not in ("", "0")
    stock_copy = os.environ.get("GD_STOCK_COPY", "") not in ("", "0")
    svg_cache = None
    while args and args[0] in ("--at", "--keep-segments", "--svg-cache", "--stock-hash", "--stock-copy"):
        opt = args.pop(0)
        if opt == "--svg-cache":  # formulas parsed by earlier renders, kept in this file
            svg_cache = Path(args.pop(0))
        elif opt == "--at":
            at = float(args.pop(0))
            if not math.isfinite(at) or at < 0:
                sys.exit(f"render.manim_authoring: --at {at}: a time in seconds >= 0")
        elif opt == "--keep-segments":  # manim's max_files_cached (its CLI has no option for it)
            keep = int(args.pop(0))
        elif opt == "--stock-copy":
            stock_copy = True
        else:
            stock = True
    start = _start_animation(args)
    if start and "--save_sections" in args:
        sys.stderr.write("render.manim_authoring: manim 0.22 crashes on -n with --save_sections when "
                         "a whole section lies before the start; render from an animation without "
                         "sections\n")
        return 2
    if keep is not None:
        from manim import config
        config.max_files_cached = keep
    install_skip_drawing()
    if not stock:
        install_play_key()
    if not stock_copy:
        install_cheap_copies()
    if at is not None:
        install_still_at(at)
    from manim.mobject.svg import svg_mobject
    if svg_cache is not None and not svg_mobject.SVG_HASH_TO_MOB_MAP:
        load_svg_cache(svg_cache)
    parsed = set(svg_mobject.SVG_HASH_TO_MOB_MAP)
    from render.pipeline import stock_manim
    sys.argv = ["manim", *args]
    try:
        if stock_manim():  # GD_STOCK_MANIM=1: these changes on top of manim's own functions
            from manim.__main__ import main as manim_main
            manim_main(prog_name="manim")
        else:
            from render import manim_run
            manim_run.main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if code == 0 and at is not None and not _At.reached:
            sys.stderr.write(f"AT={at:g} is past the end of the scene; it lasts {_At.end:.2f} s\n")
            return PAST_THE_END
        if code == 0 and svg_cache is not None and set(svg_mobject.SVG_HASH_TO_MOB_MAP) - parsed:
            save_svg_cache(svg_cache)
        if code == 0 and start and start >= _At.plays:
            sys.stderr.write(f"FROM={start} is past the last animation; the scene plays {_At.plays} "
                             f"(FROM=0 to {_At.plays - 1})\n")
            return PAST_THE_END
        return code
    return 0


PAST_THE_END = 3  # the exit status for an --at or -n beyond the scene's end


def _start_animation(args: list[str]) -> int | None:
    """The start of manim's ``-n START[,END]`` in ``args``, if any."""
    for i, arg in enumerate(args[:-1]):
        if arg in ("-n", "--from_animation_number"):
            try:
                return int(args[i + 1].split(",")[0])
            except ValueError:
                return None
    return None


if __name__ == "__main__":
    sys.exit(main())
