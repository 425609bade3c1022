"""The gallery and an embed snippet in a real browser (Debian's Chromium through Playwright, see
tests/browser.py), opened from disk with the network closed.

A small gallery is built in a throw-away copy of the project: two real scenes at QUALITY=low and
two figures. In media/index.html and in one video's and one figure's embed snippet: every video
plays from its first source (AV1; currentTime advances), its captions load (cues > 0), every image
has naturalWidth > 0 and a non-empty alt, no console error, and no request that is not file:.
"""

import json
import re
import subprocess
import sys

import pytest

from render import sandbox
from scenes.registry import SCENES as REAL
from tests.browser import offline_page

pytestmark = pytest.mark.render

NAMES = ("convex-descent", "multiple-minima")
FIGURES = ("convex", "multiple-minima")

# In the page: start every video, wait until each has played, report what the page shows.
PROBE = """async () => {
  const videos = [...document.querySelectorAll('video')];
  for (const v of videos) { v.currentTime = 0; await v.play(); }
  const t0 = performance.now();
  while (performance.now() - t0 < 20000 &&
         videos.some(v => v.currentTime < 0.5 || !v.textTracks[0] || !v.textTracks[0].cues ||
                          v.textTracks[0].cues.length === 0)) {
    await new Promise(r => setTimeout(r, 100));
  }
  const imgs = [...document.querySelectorAll('img')];
  for (const i of imgs) { i.loading = 'eager'; i.scrollIntoView(); }
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  return {
    videos: videos.map(v => ({first: v.querySelector('source').src, current: v.currentSrc,
                              time: v.currentTime, error: v.error && v.error.code,
                              cues: v.textTracks[0] && v.textTracks[0].cues ? v.textTracks[0].cues.length : 0,
                              label: v.getAttribute('aria-label')})),
    images: imgs.map(i => ({src: i.currentSrc || i.src, width: i.naturalWidth, alt: i.alt})),
  };
}"""


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    scenes = {n: (REAL[n].module, REAL[n].cls, REAL[n].data, REAL[n].description, REAL[n].alt)
              for n in NAMES}
    root = sandbox.create(tmp_path_factory.mktemp("gallery") / "project", scenes=scenes,
                          figures=False)
    subprocess.run([sys.executable, "-m", "render.figures", "--theme", "light", "--out",
                    str(root / "media" / "figures"), *FIGURES], cwd=root, check=True,
                   capture_output=True)
    res = sandbox.make(root, "videos", "QUALITY=low", jobs=2, timeout=900)
    assert res.returncode == 0, res.stderr
    return root / "media"


def probe(path):
    with offline_page(path) as (page, log):
        shown = page.evaluate(PROBE)
    return shown, log


def check(shown, log, n_videos, n_images):
    assert len(shown["videos"]) == n_videos and len(shown["images"]) == n_images, shown
    for v in shown["videos"]:
        assert v["first"].endswith(".av1.mp4") and v["current"] == v["first"], v  # the first source
        assert v["error"] is None and v["time"] >= 0.5, v  # it plays
        assert v["cues"] > 0 and v["label"], v  # captions loaded; described
    for i in shown["images"]:
        assert i["width"] > 0 and i["alt"].strip(), i
    assert log.errors == [], log.errors
    assert log.not_file == [], log.not_file


def test_gallery_plays_every_video_with_captions_offline(gallery):
    shown, log = probe(gallery / "index.html")
    check(shown, log, len(NAMES), len(FIGURES))
    manifest = json.loads((gallery / "manifest.json").read_text())
    assert sorted(i["alt"] for i in shown["images"]) == sorted(f["alt"] for f in manifest["figures"])
    assert sorted(v["label"] for v in shown["videos"]) == sorted(s["alt"] for s in manifest["scenes"])
    assert all(re.search(r"\d", i["alt"]) for i in shown["images"])  # with its numbers
    assert sorted(v["current"].rsplit("/", 1)[1] for v in shown["videos"]) == \
        sorted(f"{n}.av1.mp4" for n in NAMES)


def test_embed_snippets_play_offline(gallery):
    shown, log = probe(gallery / "embed" / "convex-descent.html")
    check(shown, log, 1, 0)
    shown, log = probe(gallery / "embed" / "figure-convex.html")
    check(shown, log, 0, 1)
    assert shown["images"][0]["src"].endswith("figures/convex.svg")  # the SVG, PNG as fallback
