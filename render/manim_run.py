"""``python -m render.manim_run ARGS``: manim's command line with a leaner frame encoder.

manim 0.22 hands every rendered frame (RGBA, top-left first, owned by the encoder from then on)
to ``VideoSegmentEncoder.write_frame(pixels, repeat=n)``, which

- copies the 8 MB array into a new ``av.VideoFrame`` (``from_ndarray``), and
- does that again, with a fresh RGBA→YUV 4:2:0 conversion inside PyAV's encode, for each of the
  ``n`` copies of a held frame (``wait()`` and frozen frames: about a fifth of all frames here).

:func:`write_frame` wraps the array without copying (``from_numpy_buffer``), converts it once with
the same conversion PyAV's encoder makes (bilinear, on as many threads as the codec, which
``render.pipeline`` fixes at one) and sends that picture ``n`` times. The decoded pictures and their
timestamps equal those of manim's encoder (tests/test_manim_run.py), and the file's bytes are the
same from one run to the next, which manim's own path did not guarantee (two renders of
convex-descent at 480p differed in a few bytes). With x264 on one thread, convex-descent at 1080p60
took 36 CPU-s instead of 42–48.

Everything else is manim's own CLI (``manim.__main__.main``), so the options are manim's.
"""

from __future__ import annotations

from fractions import Fraction

import av
from manim.scene import video_segment_encoder as _vse

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


def main() -> None:
    install()
    from manim.__main__ import main as manim_main
    manim_main(prog_name="manim")


if __name__ == "__main__":
    main()
