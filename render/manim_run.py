"""``python -m render.manim_run ARGS``: manim's command line with a leaner frame encoder.

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

With ``GD_TEX_CACHE`` set (``render.pipeline`` sets it), :func:`share_tex` makes LaTeX output a
live cache shared by parallel renders: before compiling a formula, manim's ``tex_to_svg_file``
looks in that directory too, and an SVG it compiles is published there at once (atomically, by
rename). Without it, two renders running side by side from a clean build each compiled the
formulas they have in common (the axis numbers, for a start), at about 0.25 s of CPU each.

Everything else is manim's own CLI (``manim.__main__.main``), so the options are manim's.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
from manim.scene import video_segment_encoder as _vse

from render.pipeline import link_atomic

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
        picture.time_base = self._time_base
        for _ in range(repeat):
            picture.pts = self._next_pts
            self._next_pts += 1
            for packet in stream.encode(picture):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def install() -> None:
    """Use :func:`write_frame` for every video segment manim encodes in this process."""
    _vse.VideoSegmentEncoder.write_frame = write_frame


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
    install()
    if os.environ.get("GD_TEX_CACHE"):
        share_tex(Path(os.environ["GD_TEX_CACHE"]))
    from manim.__main__ import main as manim_main
    manim_main(prog_name="manim")


if __name__ == "__main__":
    main()
