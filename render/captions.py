"""``media/videos/<scene>.vtt``: WebVTT captions, one cue per beat, timed by the render itself.

Every render records its scene's beats (``self.beat(caption, notes)``) with the renderer's clock in
``build/render/beats/<scene>.video.json`` (:func:`render.pipeline.beats_file`). Each beat becomes
one cue: it starts where the beat starts and ends where the next one starts (the last at the end of
the video), and its text is the beat's caption, what it shows and says on screen in plain words.
TeX that slipped into a caption is written readably (``$\\theta \\gets \\theta - \\alpha
\\nabla f(\\theta)$`` becomes "θ ← θ − α ∇f(θ)").

A scene that declares no beats yet gets one cue spanning the whole video with its registry
description, and the command says so.

    python -m render.captions NAME --video media/videos/NAME.mp4 --out media/videos/NAME.vtt
                              [--beats build/render/beats/NAME.video.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import NamedTuple

from render import ffmpeg, outputs, pipeline
from render.pipeline import UsageError

# A beats file whose scene lasted longer or shorter than the video by more than this belongs to
# another render (seconds; a render's own differ by at most a frame's rounding).
DURATION_SLACK = 0.1


class Cue(NamedTuple):
    start: float
    end: float
    text: str


# --------------------------------------------------------------------------- readable formulas

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ", "Delta": "Δ", "Sigma": "Σ",
    "nabla": "∇", "partial": "∂", "gets": "←", "leftarrow": "←", "to": "→", "rightarrow": "→",
    "cdot": "·", "times": "×", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "neq": "≠", "ne": "≠", "infty": "∞", "sum": "Σ", "sqrt": "√", "pm": "±", "in": "∈",
    "min": "min", "max": "max", "log": "log", "exp": "exp", "sin": "sin", "cos": "cos",
}
SPACING = {",": " ", ";": " ", ":": " ", "!": "", "quad": " ", "qquad": " "}
SUPERSCRIPTS = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")
SUBSCRIPTS = str.maketrans("0123456789+-−()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_PLAIN_SUB = re.compile(r"(?<=\w)_(\([^()\s]+\)|[0-9a-z]\b)")  # x_i, x_(i+1) in plain text
_MACRO = re.compile(r"\\([A-Za-z]+|[,;:! ])")
_BINDING = re.compile(r"\\(nabla|partial)\s+")  # ∇ and ∂ bind to what follows: ∇f, ∂x
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"  # one level of nested braces


def _script(body: str, table, mark: str) -> str:
    """``^2`` as ² (``_0`` as ₀) when every character has a Unicode form, else ``^(…)``."""
    body = body.strip()
    plain = body.translate(table)
    if all(c != t for c, t in zip(body, plain)) and body:
        return plain
    mark = "\0" if mark == "^" else "\1"  # put back at the end, so no rule reads it again
    if len(body) == 1 or (body.startswith("(") and body.endswith(")")):
        return f"{mark}{body}"
    return f"{mark}({body})"


def _math(tex: str) -> str:
    """A TeX formula in plain Unicode: symbols, scripts, fractions, operators spaced."""
    s = tex
    for _ in range(3):  # \frac{a}{b} -> a/b, nested up to three deep
        s = re.sub(r"\\[dt]?frac" + _GROUP + _GROUP,
                   lambda m: f"{_wrap(m.group(1))}/{_wrap(m.group(2))}", s)
    s = re.sub(r"\\(?:mathrm|mathbf|mathit|text|operatorname)" + _GROUP, r"\1", s)
    s = re.sub(r"\\left|\\right", "", s)
    s = _BINDING.sub(lambda m: SYMBOLS[m.group(1)], s)
    s = _MACRO.sub(lambda m: SPACING.get(m.group(1), SYMBOLS.get(m.group(1), m.group(1))), s)
    s = re.sub(r"\^" + _GROUP, lambda m: _script(m.group(1), SUPERSCRIPTS, "^"), s)
    s = re.sub(r"\^(\S)", lambda m: _script(m.group(1), SUPERSCRIPTS, "^"), s)
    s = re.sub(r"_" + _GROUP, lambda m: _script(m.group(1), SUBSCRIPTS, "_"), s)
    s = re.sub(r"_(\w)", lambda m: _script(m.group(1), SUBSCRIPTS, "_"), s)
    s = s.replace("{", "").replace("}", "").replace("\0", "^").replace("\1", "_")
    s = re.sub(r"(?<=\S)\s*(?<![eE])-\s*(?=\S)", " − ", s)  # minus, spaced (not 1e-3)
    s = re.sub(r"^-\s*", "−", s)
    s = re.sub(r"\s*([=←→≈≤≥≠])\s*", r" \1 ", s)
    return re.sub(r"\s+", " ", s).strip()


def _wrap(part: str) -> str:
    part = _math(part)
    return part if re.fullmatch(r"[\w.∂∇]+", part) else f"({part})"


def readable(text: str) -> str:
    """``text`` with any TeX in it written readably: ``$…$`` formulas and stray macros in plain
    Unicode, whitespace (newlines included) collapsed to single spaces."""
    text = re.sub(r"\$\$?(.+?)\$?\$", lambda m: _math(m.group(1)), text)
    text = _MACRO.sub(lambda m: SPACING.get(m.group(1), SYMBOLS.get(m.group(1), m.group(0))), text)
    text = _PLAIN_SUB.sub(lambda m: _plain_sub(m.group(1)), text)
    return re.sub(r"\s+", " ", text).strip()


def _plain_sub(body: str) -> str:
    """``i`` or ``(i+1)`` after an underscore as subscript characters, when all have one."""
    inner = body[1:-1] if body.startswith("(") else body
    sub = inner.translate(SUBSCRIPTS)
    return sub if all(c != t for c, t in zip(inner, sub)) else "_" + body


# --------------------------------------------------------------------------- cues and WebVTT

def cues_from_beats(doc: dict, duration: float) -> list[Cue]:
    """One cue per beat of a beats document (:func:`scenes.components.beats.write_beats`), clipped
    to the video's ``duration``. A beat that takes no time (another one begins at the same frame)
    shares the next beat's cue, its caption first."""
    cues, pending = [], []
    for beat in doc.get("beats", []):
        start = max(0.0, min(float(beat["time"]), duration))
        end = max(start, min(float(beat.get("end", duration)), duration))
        text = readable(str(beat.get("caption", "")))
        pending.append(text)
        if end - start <= 1e-6:
            continue
        cues.append(Cue(start, end, " ".join(t for t in pending if t)))
        pending = []
    if pending and cues:  # zero-length beats at the very end join the last cue
        last = cues[-1]
        cues[-1] = last._replace(text=" ".join([last.text, *[t for t in pending if t]]))
    return cues


def timestamp(seconds: float) -> str:
    ms = int(round(max(seconds, 0.0) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def cue_text(text: str) -> str:
    """Text safe inside a cue: ``&``, ``<`` and ``>`` escaped (so no ``-->`` either), on one line."""
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_text(cues: list[Cue]) -> str:
    blocks = ["WEBVTT"]
    for i, cue in enumerate(cues, 1):
        blocks.append(f"{i}\n{timestamp(cue.start)} --> {timestamp(cue.end)}\n{cue_text(cue.text)}")
    return "\n\n".join(blocks) + "\n"


class Captions(NamedTuple):
    path: Path
    cues: list
    from_beats: bool

    def line(self, name: str) -> str:
        if self.from_beats:
            return f"{self.path.name}: {len(self.cues)} cues, one per beat"
        return (f"{self.path.name}: {name} declares no beats yet; one cue spanning the video, from "
                "its registry description")


def make_captions(name: str, video: Path, out: Path, beats: Path | None = None) -> Captions:
    """Write ``out`` for scene ``name`` whose rendered video is ``video`` (atomically)."""
    entry = pipeline.get_scene(name)
    beats = pipeline.beats_file(name) if beats is None else Path(beats)
    duration = ffmpeg.video_info(video).duration
    cues, from_beats = [], False
    if beats.exists():
        doc = json.loads(beats.read_text(encoding="utf-8"))
        if abs(float(doc.get("duration", duration)) - duration) > DURATION_SLACK:
            raise pipeline.RenderError(
                f"{Path(out).name}: {beats} records a {doc['duration']:.2f} s render, but {video} "
                f"lasts {duration:.2f} s; render the scene again (make videos)")
        cues = cues_from_beats(doc, duration)
        from_beats = bool(cues)
    if not cues:
        cues = [Cue(0.0, duration, readable(entry.description))]
    outputs.write_text_atomic(Path(out), vtt_text(cues))
    return Captions(Path(out), cues, from_beats)


def read_vtt(path: Path) -> list[Cue]:
    """The cues of a WebVTT file written by :func:`vtt_text` (for tests and the manifest)."""
    text = Path(path).read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})[^\n]*\n(.+?)(?:\n\n|\n?\Z)",
                         text, re.M | re.S):
        out.append(Cue(_seconds(m.group(1)), _seconds(m.group(2)), m.group(3).strip()))
    return out


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


# --------------------------------------------------------------------------- command line

def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m render.captions",
                                description="WebVTT captions of a rendered scene, one cue per beat.")
    p.add_argument("name")
    p.add_argument("--video", required=True, help="the scene's rendered video (for its duration)")
    p.add_argument("--out", required=True)
    p.add_argument("--beats", default=None, help="default build/render/beats/NAME.video.json")
    args = p.parse_args(argv)
    outputs.unwind_on_termination()
    try:
        if not Path(args.video).exists():
            raise UsageError(f"{args.video} does not exist")
        res = make_captions(args.name, Path(args.video), Path(args.out), args.beats)
    except UsageError as exc:
        sys.stderr.write(f"python -m render.captions: error: {exc}\n")
        return 2
    except (pipeline.RenderError, ffmpeg.FFmpegError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    print(res.line(args.name), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
