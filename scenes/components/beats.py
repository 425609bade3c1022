"""A scene's beats: where a lecturer stops and talks. No manim here, so the pipeline can read them.

A scene declares each beat once, with ``self.beat(caption, notes)`` (``scenes.components.style``).
Every render writes the beats, timed by the renderer's own clock, to the JSON file named by
``$GD_BEATS_OUT``; the captions (one cue per beat) and the lecture deck (one slide per beat, with
the notes) are made from that file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

# Where a render writes its beats as JSON (set by render.pipeline for every render).
BEATS_ENV = "GD_BEATS_OUT"


class Beat(NamedTuple):
    index: int
    time: float  # seconds into the video where the beat begins (the renderer's clock)
    caption: str  # what the beat shows on screen, in plain words (the video's captions)
    notes: str  # what to say: one to three sentences (the deck's speaker notes)


def write_beats(path: str | os.PathLike, scene: str, duration: float, beats: list[Beat]) -> None:
    """``{"scene", "duration", "beats": [{"index", "time", "end", "caption", "notes"}]}``, written
    through a temporary file and a rename. A beat ends where the next begins (the last at the end)."""
    ends = [b.time for b in beats[1:]] + [duration]
    doc = {"scene": scene, "duration": round(duration, 6),
           "beats": [{**b._asdict(), "time": round(b.time, 6), "end": round(end, 6)}
                     for b, end in zip(beats, ends)]}
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_beats(path: str | os.PathLike) -> dict:
    """What :func:`write_beats` wrote."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
