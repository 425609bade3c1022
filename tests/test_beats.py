"""Beats: ``self.beat(caption, notes)`` records where a beat begins and changes no frame.

convex-descent is rendered in-process at 256×144, 5 fps, once as it is and once with ``beat``
replaced by a no-op; the decoded frames must be the same. The beats file it writes is checked
against the render: beats start at 0, in order, on frame boundaries, the last ending at the
scene's duration, each with a caption and notes.
"""

from __future__ import annotations

import subprocess

import pytest

from scenes.components import style
from scenes.components.beats import BEATS_ENV, read_beats
from tests.scene_harness import TINY, render

pytestmark = pytest.mark.render


def frame_hashes(path) -> list[str]:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.rsplit(",", 1)[-1].strip() for line in out.splitlines() if not line.startswith("#")]


def test_beats_change_no_frame_and_are_timed_by_the_render(tmp_path, monkeypatch):
    beats_json = tmp_path / "beats.json"
    monkeypatch.setenv(BEATS_ENV, str(beats_json))
    scene, with_beats, duration = render("convex-descent", tmp_path / "a")
    doc = read_beats(beats_json)

    monkeypatch.delenv(BEATS_ENV)
    monkeypatch.setattr(style._Themed, "beat", lambda self, caption, notes: None)
    _, without, _ = render("convex-descent", tmp_path / "b", beats=False)

    a, b = frame_hashes(with_beats), frame_hashes(without)
    assert len(a) == len(b) > 0, f"{len(a)} frames with beats, {len(b)} without"
    differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    assert not differ, f"beat() changed frames {differ[:5]}"

    beats = doc["beats"]
    assert doc["scene"] == "ConvexDescent" and abs(doc["duration"] - duration) < 1e-6
    assert len(beats) >= 3, f"{len(beats)} beats"
    assert beats[0]["time"] == 0.0
    assert [b["index"] for b in beats] == list(range(len(beats)))
    for prev, b in zip(beats, beats[1:]):
        assert prev["time"] < b["time"] == prev["end"], f"beat {b['index']} at {b['time']}"
    assert beats[-1]["end"] == doc["duration"]
    fps = TINY["frame_rate"]
    for b in beats:
        assert abs(b["time"] * fps - round(b["time"] * fps)) < 1e-4, f"beat {b['index']} off a frame"
        assert b["caption"] and b["notes"], f"beat {b['index']} has no caption or notes"
    assert [round(b.time, 6) for b in scene.beats] == [b["time"] for b in beats]
