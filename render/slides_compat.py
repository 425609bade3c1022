"""manim-slides 5.7.0 on manim 0.22: the one module that touches manim-slides.

A scene becomes a slide deck without editing its file: render/slides.py writes a small module
that subclasses the registered scene with :class:`SlideCompat` (manim-slides' ``Slide``), and
manim renders that class. The scene's ``self.beat(caption, notes)`` calls ``next_slide`` on
it (``scenes.components.style``), so each beat ends the slide before it and carries its notes.
manim-slides then cuts one video per slide from manim's segments, by stream copy.

manim-slides 5.7.0 does not start on manim 0.22. What is changed here, and why:

1. ``Slide.__init__`` sets ``config["write_to_movie"]``, which manim 0.22 removed: an
   ``AttributeError`` before anything renders. :class:`SlideCompat` calls ``BaseSlide.__init__``
   instead (it only sets manim-slides' own attributes) and leaves manim's config alone.
2. ``Slide.render`` sets ``config["max_files_cached"] = float("inf")`` (0.22 takes integers only:
   ``ValueError``) and reads ``config["flush_cache"]`` (removed). It also sets the limit too late:
   0.22 copies it into the scene's file-writer settings in ``Scene.__init__`` and prunes the
   segments in ``SceneFileWriter.finish``, before manim-slides reads them. :class:`SlideCompat`
   sets ``max_files_cached = -1`` (0.22's "unlimited") before ``Scene.__init__``, and its
   ``render`` is manim's followed by ``_save_slides`` (no cache: every render is fresh here).
3. No reversed videos (``skip_reversing``): only manim-slides' Qt presenter plays them, and making
   them decodes and re-encodes every slide in memory.
4. A 3-D scene needs no ``ThreeDSlide``: manim-slides' ``ThreeDSlide`` is ``(Slide, ThreeDScene)``
   with nothing of its own, and the scene brings ``ThreeDScene`` already.

The frames are manim's: ``next_slide`` adds a section mark and counts animations, and
``wait_time_between_slides`` stays 0 (tests/test_slides.py compares decoded frames of a scene
rendered as a Slide and as itself).

The versions are checked when this module is imported: another manim-slides or a manim that is
not 0.22 is refused in one line (:class:`Unsupported`). ``GD_SLIDES_STOCK=1`` makes
:class:`SlideCompat` manim-slides' own ``Slide`` (the stock behaviour, which fails on 0.22 as
above); tests/test_slides.py checks that it still does, so a fix upstream fails a test here
rather than a lecture.

The reveal.js page (:func:`reveal_options`, :func:`render_reveal`) and the PowerPoint file
(:func:`write_pptx`) come from manim-slides' converters: its ``RevealJS`` option model (defaults
included: reveal.js 6.0.1) with this project's template (``assets/slides.html``, derived from
manim-slides' own), and its ``PowerPoint`` converter as it is.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
from importlib import metadata
from pathlib import Path

MANIM_SLIDES = "5.7.0"  # pinned in pyproject.toml
MANIM_SERIES = "0.22"  # manim 0.22.*
REVEAL_VERSION = "6.0.1"  # manim-slides 5.7.0's default; fetched by render/setup.sh
STOCK_ENV = "GD_SLIDES_STOCK"  # "1": manim-slides' own Slide, unchanged
OUT_ENV = "GD_SLIDES_OUT"  # where a render writes its slides (set by render.pipeline)


class Unsupported(RuntimeError):
    """manim-slides or manim is not the version this module was written for."""


def versions() -> tuple[str | None, str | None]:
    """(manim-slides, manim) as installed, None for one that is not."""
    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None
    return version("manim-slides"), version("manim")


def check_versions() -> None:
    ms, manim = versions()
    if ms != MANIM_SLIDES or manim is None or not manim.startswith(MANIM_SERIES + "."):
        raise Unsupported(
            f"render/slides_compat.py supports manim-slides {MANIM_SLIDES} with manim "
            f"{MANIM_SERIES}.x; found manim-slides {ms or 'not installed'} with manim "
            f"{manim or 'not installed'} (run make setup, or update render/slides_compat.py)")


check_versions()

# The converters and the slide configurations import no manim; SlideCompat and PATCHES, which do,
# are made when first asked for (module __getattr__), so writing a deck does not import manim.
from manim_slides.config import PresentationConfig  # noqa: E402  (after the version check)
from manim_slides.convert import PowerPoint, RevealJS  # noqa: E402


@functools.cache
def _slide_classes():
    from manim import Scene, config
    from manim_slides.slide.base import BaseSlide
    from manim_slides.slide.manim import Slide

    class _SlideCompat(Slide):
        """manim-slides' ``Slide`` that renders on manim 0.22 (see the module's docstring)."""

        skip_reversing = True
        disable_caching = True

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("output_folder", Path(os.environ.get(OUT_ENV) or "slides"))
            # (2) before Scene.__init__, which copies it into the file writer's settings
            config.max_files_cached = -1
            # (1) BaseSlide.__init__, not Slide.__init__ (which writes config["write_to_movie"])
            BaseSlide.__init__(self, *args, **kwargs)

        def render(self, *args, **kwargs):
            # (2) manim's render, then the slides cut from its segments; no reversed videos (3)
            result = Scene.render(self, *args, **kwargs)
            self._save_slides(use_cache=False, flush_cache=False, skip_reversing=True)
            write_slides(self)
            return result

    stock = os.environ.get(STOCK_ENV) == "1"
    # (owner, what): every manim-slides behaviour _SlideCompat replaces.
    patches = (
        (Slide, "__init__"),  # writes config["write_to_movie"] (gone in manim 0.22)
        (Slide, "render"),  # max_files_cached = inf, config["flush_cache"], the limit set too late
    )
    return (Slide if stock else _SlideCompat), patches


def __getattr__(name):
    """``SlideCompat``: the Slide to subclass (manim-slides' own with ``GD_SLIDES_STOCK=1``);
    ``PATCHES``: what it replaces in manim-slides."""
    if name == "SlideCompat":
        return _slide_classes()[0]
    if name == "PATCHES":
        return _slide_classes()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def write_slides(scene) -> dict:
    """``<output folder>/slides.json`` from what manim-slides saved, joined with the scene's beats:
    ``{"resolution", "background", "duration", "beats", "slides": [{"index", "file", "start",
    "end", "duration", "caption", "notes"}]}``, the videos renamed ``<nn>.mp4`` beside it.

    One slide per beat (a scene without beats is one slide). A beat with no animation before the
    next would be merged into it by manim-slides, and is an error naming it."""
    folder = Path(scene._output_folder)
    pres = PresentationConfig.from_file(folder / f"{scene}.json")
    beats = list(getattr(scene, "beats", []))
    end = float(scene.renderer.time)
    starts = [b.time for b in beats] or [0.0]
    if len(pres.slides) != len(starts) or starts[0] != 0.0:
        first = beats[0].time if beats else 0.0
        raise RuntimeError(
            f"{type(scene).__name__}: {len(beats)} beats made {len(pres.slides)} slides; every "
            f"beat needs an animation before the next, and the first must begin at 0 s "
            f"(it begins at {first:g} s)")
    slides = []
    for i, (s, start) in enumerate(zip(pres.slides, starts)):
        stop = starts[i + 1] if i + 1 < len(starts) else end
        name = f"{i:02d}{Path(s.file).suffix}"
        os.replace(s.file, folder / name)
        slides.append({"index": i, "file": name, "start": round(start, 6), "end": round(stop, 6),
                       "duration": round(stop - start, 6),
                       "caption": beats[i].caption if beats else None, "notes": s.notes})
    doc = {"resolution": list(pres.resolution),
           "background": pres.background_color.as_hex(format="long"),
           "duration": round(end, 6), "beats": len(beats), "slides": slides}
    tmp = folder / "slides.json.tmp"
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, folder / "slides.json")
    return doc


# --------------------------------------------------------------------------- reading a render

def read_presentation(path: Path) -> PresentationConfig:
    """The slides a render wrote (``<output folder>/<Scene>.json``)."""
    return PresentationConfig.from_file(Path(path))


def presentation(files: list[Path], notes: list[str], resolution: tuple[int, int],
                 background: str) -> PresentationConfig:
    """A manim-slides presentation of existing slide videos (for the converters)."""
    slides = [{"file": Path(f), "rev_file": Path(f), "notes": n, "dedent_notes": False}
              for f, n in zip(files, notes, strict=True)]
    return PresentationConfig(slides=slides, resolution=tuple(resolution),
                              background_color=background)


# --------------------------------------------------------------------------- converters

def reveal_options(*, title: str, theme: str, background: str) -> dict:
    """manim-slides' reveal.js options (its defaults, validated by its model) for a deck.

    Changed from its defaults: the title, reveal's own colour theme (black or white as the
    project's theme is dark or light), the background, the slide number shown to the speaker, and
    ``hash`` (a reload stays on the slide)."""
    converter = RevealJS(presentation_configs=[], title=title,
                         reveal_theme="black" if theme == "dark" else "white",
                         background_color=background, slide_number="c/t",
                         show_slide_number="speaker", hash="true", controls="true")
    if converter.reveal_version != REVEAL_VERSION:
        raise Unsupported(f"manim-slides wants reveal.js {converter.reveal_version}; "
                          f"render/setup.sh fetches {REVEAL_VERSION}")
    options = converter.model_dump()
    for key in ("presentation_configs", "template", "cdn_url", "assets_dir"):
        options.pop(key, None)
    return options


def render_reveal(template: str, **context) -> str:
    """Fill a reveal.js page template (jinja, as manim-slides' converter does)."""
    from jinja2 import Template

    return Template(template, trim_blocks=True, lstrip_blocks=True,
                    autoescape=False).render(**context)


def write_pptx(dest: Path, presentations: list[PresentationConfig], width: int, height: int) -> None:
    """manim-slides' PowerPoint export: one slide per slide video, each playing on its own
    (autoplay), the notes on each; the slide size in pixels is the render's."""
    converter = PowerPoint(presentation_configs=presentations, width=width, height=height,
                           auto_play_media=True)
    with contextlib.redirect_stderr(io.StringIO()):  # its progress bars
        converter.convert_to(Path(dest))
