"""render/captions.py: WebVTT cues from a render's beats, checked against an independent reading
of the file (a parser written here from the WebVTT syntax) and the video's own duration."""

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from render import captions, ffmpeg
from render.captions import Cue, cues_from_beats, readable, timestamp, vtt_text
from scenes.components.beats import Beat, write_beats


@pytest.mark.parametrize("tex, plain", [
    (r"$\theta \gets \theta - \alpha \nabla f(\theta)$", "θ ← θ − α ∇f(θ)"),
    (r"the rule $x_{i+1} = x_i - \alpha \frac{\partial f}{\partial x}(x_i)$",
     "the rule xᵢ₊₁ = xᵢ − α ∂f/∂x(xᵢ)"),
    (r"the bowl $(5x^2 + y^2)/2$", "the bowl (5x² + y²)/2"),
    (r"$\alpha = 10^{-3}$, loss 1e-3", "α = 10⁻³, loss 1e-3"),
    (r"$\theta_0$ and $x^{(k)}$", "θ₀ and x^(k)"),
    ("x_(i+1) = x_i − α ∂f/∂x(x_i)", "xᵢ₊₁ = xᵢ − α ∂f/∂x(xᵢ)"),  # plain text's subscripts too
    ("snake_case_name and x_(best)", "snake_case_name and x_(best)"),  # no subscript b: unchanged
    ("two\n  lines", "two lines"),
])
def test_readable_writes_formulas_in_plain_unicode(tex, plain):
    assert readable(tex) == plain


def test_timestamps():
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(61.2345) == "00:01:01.234" or timestamp(61.2345) == "00:01:01.235"
    assert timestamp(3600 + 2.5) == "01:00:02.500"


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    """An independent WebVTT reader: the signature, blank-line separated blocks, optional ids."""
    assert text.startswith("WEBVTT\n")
    out = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        if "-->" not in lines[0]:
            lines = lines[1:]  # the cue's identifier
        m = re.fullmatch(r"(\d+):(\d\d):(\d\d\.\d{3}) --> (\d+):(\d\d):(\d\d\.\d{3})", lines[0])
        assert m, lines[0]
        t = [int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]), int(m[4]) * 3600 + int(m[5]) * 60 + float(m[6])]
        assert all(ln.strip() for ln in lines[1:]) and "-->" not in " ".join(lines[1:])
        out.append((t[0], t[1], " ".join(lines[1:])))
    return out


def doc(times, duration, captions_=None):
    beats = [{"index": i, "time": t, "end": e, "caption": (captions_ or [f"beat {i}"] * len(times))[i],
              "notes": "n"} for i, (t, e) in enumerate(zip(times, list(times[1:]) + [duration]))]
    return {"scene": "X", "duration": duration, "beats": beats}


def test_one_cue_per_beat_from_its_start_to_the_next():
    cues = cues_from_beats(doc([0.0, 1.5, 4.0], 6.0), 6.0)
    assert cues == [Cue(0.0, 1.5, "beat 0"), Cue(1.5, 4.0, "beat 1"), Cue(4.0, 6.0, "beat 2")]
    parsed = parse_vtt(vtt_text(cues))
    assert parsed == [(0.0, 1.5, "beat 0"), (1.5, 4.0, "beat 1"), (4.0, 6.0, "beat 2")]


def test_a_beat_that_takes_no_time_shares_the_next_cue_and_text_is_escaped():
    d = doc([0.0, 2.0, 2.0, 3.0], 3.0, ["a < b & c", "first", "second", "last --> end"])
    cues = cues_from_beats(d, 3.0)
    # "second" starts where "first" does; "last" starts at the end: both join a cue with time
    assert cues == [Cue(0.0, 2.0, "a < b & c"), Cue(2.0, 3.0, "first second last --> end")]
    text = vtt_text(cues_from_beats(doc([0.0, 2.0], 3.0, ["a < b & c", "x --> y"]), 3.0))
    assert "a &lt; b &amp; c" in text and "x --&gt; y" in text
    assert parse_vtt(text)[1] == (2.0, 3.0, "x --&gt; y")


def test_cues_are_clipped_to_the_video():
    cues = cues_from_beats(doc([0.0, 2.0], 5.0), 4.0)
    assert cues[-1].end == 4.0


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    path = tmp_path_factory.mktemp("v") / "v.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=white:s=64x36:r=10:d=3",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", str(path)], check=True)
    return path


def test_captions_file_from_a_renders_beats(video, tmp_path):
    duration = ffmpeg.video_info(video).duration
    beats = tmp_path / "beats.json"
    write_beats(beats, "ConvexDescent", duration,
                [Beat(0, 0.0, r"The parabola $f(x) = x^2$.", "n"), Beat(1, 1.2, "The steps.", "n")])
    out = tmp_path / "x.vtt"
    res = captions.make_captions("convex-descent", video, out, beats)
    assert res.from_beats and "2 cues" in res.line("convex-descent")
    assert parse_vtt(out.read_text()) == [(0.0, 1.2, "The parabola f(x) = x²."),
                                         (1.2, round(duration, 3), "The steps.")]
    assert captions.read_vtt(out) == [Cue(0.0, 1.2, "The parabola f(x) = x²."),
                                      Cue(1.2, round(duration, 3), "The steps.")]


def test_a_scene_without_beats_gets_one_cue_from_its_description_and_says_so(video, tmp_path):
    from scenes.registry import SCENES

    out = tmp_path / "x.vtt"
    res = captions.make_captions("hill-descent", video, out, tmp_path / "none.json")
    assert not res.from_beats and "declares no beats yet" in res.line("hill-descent")
    (start, end, text), = parse_vtt(out.read_text())
    assert (start, end) == (0.0, round(ffmpeg.video_info(video).duration, 3))
    assert text == SCENES["hill-descent"].description


def test_beats_of_another_render_are_refused(video, tmp_path):
    beats = tmp_path / "beats.json"
    beats.write_text(json.dumps(doc([0.0, 1.0], 9.0)))
    out = tmp_path / "x.vtt"
    res = subprocess.run([sys.executable, "-m", "render.captions", "convex-descent", "--video",
                          str(video), "--beats", str(beats), "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 1 and "render the scene again" in res.stderr and not out.exists()
    res = subprocess.run([sys.executable, "-m", "render.captions", "nope", "--video", str(video),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "unknown scene 'nope'" in res.stderr
