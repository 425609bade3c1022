"""render/embeds.py: BASE_URL checks and the snippets made from a manifest, read back with
Python's own HTML parser."""

import base64
import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from conftest import ROOT
from render import embeds
from render.pipeline import UsageError


@pytest.mark.parametrize("value, base", [("", "../"), (None, "../"), ("/assets/gd", "/assets/gd/"),
                                         ("/assets/gd/", "/assets/gd/"), ("media/", "media/"),
                                         ("https://example.org/a&b/", "https://example.org/a&b/")])
def test_base_url_accepted(value, base):
    assert embeds.check_base_url(value) == base


@pytest.mark.parametrize("value, says", [("/a b/", "a space"), ('/"x/', "'\"'"), ("/<x>/", "'<'"),
                                        ("/it's/", "\"'\""), ("/x\t/", "a tab"),
                                        ("/x/?v=1", "query or fragment"), ("/x/#top", "query or fragment"),
                                        ("javascript:alert(1)", "not a folder URL"),
                                        ("data:text/html,x", "not a folder URL")])
def test_base_url_refused(value, says):
    with pytest.raises(UsageError, match="valid: a URL path") as err:
        embeds.check_base_url(value)
    assert says in str(err.value) and "\n" not in str(err.value)


MANIFEST = {
    "scenes": [{"name": "s-one", "description": "A point descends f(x) = x² & stops.", "alt": "Alt of s-one.",
                "outputs": ["videos/s-one.av1.mp4", "videos/s-one.mp4", "videos/s-one.vtt",
                            "posters/s-one.png", "videos/s-one.gif"]}],
    "figures": [{"name": "s-one", "title": "Convex", "description": "The curve.", "alt": "A parabola, α = 0.1.",
                 "outputs": ["figures/s-one.png", "figures/s-one.svg"]}],
    "outputs": [
        {"path": "videos/s-one.av1.mp4", "format": "av1", "type": "video/mp4", "codecs": "av01.0.09M.08",
         "width": 1920, "height": 1080},
        {"path": "videos/s-one.mp4", "format": "h264", "type": "video/mp4", "width": 1920, "height": 1080},
        {"path": "videos/s-one.vtt", "format": "captions", "type": "text/vtt"},
        {"path": "posters/s-one.png", "format": "poster", "type": "image/png"},
        {"path": "videos/s-one.gif", "format": "gif", "type": "image/gif"},
        {"path": "figures/s-one.png", "type": "image/png", "width": 1600, "height": 1000},
        {"path": "figures/s-one.svg", "type": "image/svg+xml", "width": None, "height": None},
    ],
}


class Tags(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_snippets_of_a_video_and_a_figure_of_the_same_name():
    out = embeds.snippets(MANIFEST, "/gd/")
    assert sorted(out) == ["figure-s-one.html", "s-one.html"]
    assert all(t.isascii() for t in out.values())
    video = Tags(out["s-one.html"])
    names = [t for t, _ in video.tags]
    assert names == ["figure", "video", "source", "source", "track", "figcaption"]
    v = dict(video.tags)["video"]
    assert (v["width"], v["height"], v["poster"]) == ("1920", "1080", "/gd/posters/s-one.png")
    assert {"controls", "playsinline", "muted", "loop"} <= set(v) and v["aria-label"] == "Alt of s-one."
    sources = [a for t, a in video.tags if t == "source"]
    assert sources == [{"src": "/gd/videos/s-one.av1.mp4", "type": 'video/mp4; codecs="av01.0.09M.08"'},
                       {"src": "/gd/videos/s-one.mp4", "type": "video/mp4"}]
    track = dict(video.tags)["track"]
    assert track == {"kind": "captions", "srclang": "en", "label": "English",
                     "src": "/gd/videos/s-one.vtt", "default": None}
    assert "".join(video.text).strip() == "A point descends f(x) = x² & stops."
    fig = Tags(out["figure-s-one.html"])
    assert [t for t, _ in fig.tags] == ["figure", "picture", "source", "img", "figcaption"]
    assert dict(fig.tags)["source"] == {"srcset": "/gd/figures/s-one.svg", "type": "image/svg+xml"}
    img = dict(fig.tags)["img"]
    assert (img["src"], img["width"], img["height"], img["alt"]) == \
        ("/gd/figures/s-one.png", "1600", "1000", "A parabola, α = 0.1.")
    assert "".join(fig.text).strip() == "Convex — The curve."


def test_write_embeds_replaces_and_removes(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos" / "s-one.vtt").write_text("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nθ ← θ\n")
    (tmp_path / "embed").mkdir()
    (tmp_path / "embed" / "gone.html").write_text("old")
    written = embeds.write_embeds(tmp_path, tmp_path / "manifest.json", "../")
    assert sorted(p.name for p in (tmp_path / "embed").iterdir()) == sorted(p.name for p in written) \
        == ["figure-s-one.html", "s-one.html"]
    text = (tmp_path / "embed" / "s-one.html").read_text()
    assert 'src="../videos/s-one.mp4"' in text
    track = dict(Tags(text).tags)["track"]["src"]  # the captions inline: play from any page
    assert track.startswith("data:text/vtt;base64,")
    assert base64.b64decode(track.split(",", 1)[1]).decode() == (tmp_path / "videos" / "s-one.vtt").read_text()


def test_cli_refuses_a_bad_base_url_in_one_line(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(MANIFEST))
    res = subprocess.run([sys.executable, "-m", "render.embeds", "--media", str(tmp_path),
                          "--base-url", "/a b/"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "contains a space" in res.stderr
    assert not (tmp_path / "embed").exists()
