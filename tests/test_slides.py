"""The lecture deck (issue 15): manim-slides on manim 0.22, slide sets, the decks, make slides.

- The compatibility module still needs to exist (manim-slides' own Slide fails on manim 0.22) and
  refuses other versions in one line.
- A scene rendered as a Slide has the frames of the scene rendered as itself (decoded frames of the
  two MP4s compared), and its slides are that video cut at its beats (their decoded frames
  concatenated are the video's), one per beat with the beat's notes.
- The lecture deck in a real browser (Chromium, tests/browser.py), opened from a copy of the folder
  with no network: no request that is not file:, no console error, ArrowRight and space go to the
  next slide, the current slide's video plays, notes on every slide, the speaker view shows them.
- lecture.pptx read back with python-pptx: one slide per beat plus the title and section slides,
  a video that starts by itself on every beat slide, notes on each, the render's size.
- ``make slides`` in a throw-away copy: one progress line per scene, a scene without beats is one
  slide and make says so, nothing to do the second time, SCENE=x, bad input, and
  ``make videos slides`` renders each scene once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from conftest import ROOT
from render import outputs, pipeline, sandbox
from scenes import lecture
from scenes.components.beats import read_beats

FPS = pipeline.get_quality("test").fps


def frame_hashes(path) -> list[str]:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.rsplit(",", 1)[-1].strip() for line in out.splitlines() if not line.startswith("#")]


# --------------------------------------------------------------------------- the fence

def test_manim_slides_stock_slide_still_fails_on_this_manim():
    """If manim-slides' own Slide starts on the installed manim, render/slides_compat.py can go."""
    from manim import config, tempconfig
    from manim_slides.slide.manim import Slide

    from render import slides_compat

    assert slides_compat.versions()[0] == slides_compat.MANIM_SLIDES
    with tempconfig({"dry_run": True}):
        with pytest.raises(AttributeError, match="write_to_movie"):
            Slide()
    with pytest.raises(ValueError):  # what Slide.render sets; manim 0.22 takes integers only
        config.max_files_cached = float("inf")
    for owner, name in slides_compat.PATCHES:  # still manim-slides' own, so still replaced here
        assert name in vars(owner), f"{owner.__name__}.{name} is no longer defined by manim-slides"


def test_other_versions_are_refused_in_one_line(monkeypatch):
    from render import slides_compat

    real = metadata.version
    monkeypatch.setattr(slides_compat.metadata, "version",
                        lambda d: "5.8.0" if d == "manim-slides" else real(d))
    with pytest.raises(slides_compat.Unsupported) as err:
        slides_compat.check_versions()
    msg = str(err.value)
    assert "\n" not in msg and "manim-slides 5.8.0" in msg and "manim 0.22" in msg
    monkeypatch.setattr(slides_compat.metadata, "version",
                        lambda d: "0.23.0" if d == "manim" else real(d))
    with pytest.raises(slides_compat.Unsupported, match="manim 0.23.0"):
        slides_compat.check_versions()


def test_lecture_registry():
    scenes = pipeline.registry()
    names = lecture.lecture_scenes()
    assert len(names) == len(set(names)), "a scene appears in two parts"
    assert set(names) <= set(scenes), f"not registered: {sorted(set(names) - set(scenes))}"
    assert names[:9] == ["convex-descent", "multiple-minima", "descent-rule", "hill-descent",
                         "gradient-field", "linear-regression", "parabolic-regression",
                         "loss-comparison", "learning-rates"], "the post's order"
    assert {n for n in names if n.startswith("race-")} == {n for n in scenes if n.startswith("race-")}
    for part in lecture.PARTS:
        assert part.title and part.lead and part.scenes, part
        assert 1 <= len(re.findall(r"[.!?](\s|$)", part.notes)) <= 3, part.title
    assert lecture.min_beats("race-saddle") == 2 and lecture.min_beats("convex-descent") == 3


def test_readme_lists_the_parts():
    """The README's table of the lecture is the registry's (python -m render.slides parts)."""
    from render.slides import parts_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert parts_table() in readme, "README's lecture table is stale: python -m render.slides parts"


# --------------------------------------------------------------------------- one render, both

@pytest.mark.render
def test_slides_come_from_the_video_render_and_change_no_frame(tmp_path):
    record = tmp_path / "sets" / "convex-descent.json"
    a = pipeline.render_video("convex-descent", "test", "dark", out=tmp_path / "slide.mp4",
                              key="test-slide", slides=record)
    b = pipeline.render_video("convex-descent", "test", "dark", out=tmp_path / "plain.mp4",
                              key="test-plain")
    video = frame_hashes(a.path)
    assert len(video) == a.frames > 0
    assert video == frame_hashes(b.path), "rendering the scene as a Slide changed its frames"

    from render.slides import read_set, slide_file

    doc = read_set(record)
    beats = read_beats(a.beats)["beats"]
    assert [s["index"] for s in doc["slides"]] == list(range(len(beats))) and len(beats) == 6
    cut = [h for s in doc["slides"] for h in frame_hashes(slide_file(doc, s))]
    assert cut == video, "the slides are not the video cut at its beats"
    for s, b in zip(doc["slides"], beats):
        assert (s["notes"], s["caption"], s["start"], s["end"]) == (b["notes"], b["caption"],
                                                                     b["time"], b["end"])
        assert len(frame_hashes(slide_file(doc, s))) == round(s["duration"] * FPS), s["index"]
        assert outputs.sha256(slide_file(doc, s)) == s["sha256"]
    assert (doc["theme"], doc["quality"], doc["resolution"]) == ("dark", "test", [256, 144])
    assert not list(Path(record.with_suffix("")).glob("*.tmp"))


@pytest.mark.render
def test_a_beat_with_nothing_to_show_is_an_error(tmp_path, monkeypatch):
    """manim-slides would merge a beat with no animation into the next (its notes lost)."""
    from manim import Dot, FadeIn, tempconfig

    from render import slides_compat
    from scenes.components.style import ThemedScene

    class TwoBeatsOneSlide(slides_compat.SlideCompat, ThemedScene):
        def construct(self):
            self.beat("Nothing yet.", "Nothing is shown in this beat.")
            self.beat("A dot.", "A dot appears.")
            self.play(FadeIn(Dot()), run_time=0.4)

    monkeypatch.setenv(slides_compat.OUT_ENV, str(tmp_path / "slides"))
    cfg = {"pixel_width": 64, "pixel_height": 36, "frame_rate": 5, "format": "mp4",
           "media_dir": str(tmp_path / "media"), "disable_caching": True,
           "output_file": str(tmp_path / "x.mp4"), "verbosity": "WARNING", "progress_bar": "none"}
    with tempconfig(cfg):
        with pytest.raises(RuntimeError, match="2 beats made 1 slides; every beat needs an animation"):
            TwoBeatsOneSlide().render()


# --------------------------------------------------------------------------- the decks

LECTURE = (lecture.Part("Convex", "One minimum", "A parabola.", ("convex-descent",)),
           lecture.Part("The hill", "sin x · sin y", "Many walkers at once.", ("hill-descent",)))


@pytest.mark.render
def test_lecture_deck_in_a_browser_and_in_powerpoint(tmp_path, monkeypatch):
    from render import deck
    from render.slides import read_set, render_slide_set
    from tests.browser import offline_page

    sets = tmp_path / "sets"
    fake_set(sets, "convex-descent", ["red", "blue", "green", "white"], (256, 144))  # short, plain
    render_slide_set("hill-descent", "test", "dark", out=sets / "hill-descent.json",
                     key="test-slides")  # a real render, of a 3-D scene
    monkeypatch.setattr(lecture, "PARTS", LECTURE)
    media = tmp_path / "media"
    out = media / "slides"
    deck.write_lecture_deck(out / "index.html", sets, "dark", index=out / "slides.json")
    deck.write_scene_deck(out / "hill-descent.html", "hill-descent", sets, "dark")
    deck.write_lecture_pptx(out / "lecture.pptx", sets, "dark")
    records = [read_set(sets / f"{n}.json") for n in ("convex-descent", "hill-descent")]
    beats = [s for r in records for s in r["slides"]]
    assert len(beats) == 8
    expected = 1 + len(LECTURE) + len(beats)

    # a USB stick: the folder copied elsewhere, opened from there
    stick = tmp_path / "stick" / "slides"
    shutil.copytree(out, stick)
    with offline_page(stick / "index.html") as (page, log):
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        assert page.evaluate("Reveal.getTotalSlides()") == expected
        # the title slide in the videos' typeface, from the folder's own font files
        page.evaluate("document.fonts.ready.then(() => 0)")
        faces = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded')"
                              ".map(f => f.family.replace(/\"/g, '') + ' ' + f.weight)")
        assert {"Latin Modern Roman 400", "Latin Modern Roman 700"} <= set(faces), faces
        assert page.evaluate("getComputedStyle(document.querySelector('.gd-card h1')).fontFamily")\
            .startswith('"Latin Modern Roman"')
        notes = page.evaluate("[...document.querySelectorAll('.slides > section')].map("
                              "s => (s.querySelector('aside.notes') || {}).textContent || '')")
        assert len(notes) == expected and all(n.strip() for n in notes), "a slide without notes"
        assert notes[2:2 + 4] == [s["notes"] for s in records[0]["slides"]]
        page.keyboard.press("ArrowRight")
        assert page.evaluate("Reveal.getIndices().h") == 1, "ArrowRight did not advance"
        page.keyboard.press("Space")
        assert page.evaluate("Reveal.getIndices().h") == 2, "space did not advance"
        assert page.evaluate("Reveal.getSlideNotes()").strip() == records[0]["slides"][0]["notes"]
        video = ("(() => { const v = Reveal.getCurrentSlide().slideBackgroundContentElement"
                 ".querySelector('video'); return v ? v.currentTime : null })()")
        page.wait_for_function(f"{video} > 0.1", timeout=10_000)  # 0.4 s long: it plays
        page.evaluate("Reveal.slide(9)")  # hill-descent's third beat, a rendered one (11 s)
        assert page.evaluate("Reveal.getIndices().h") == 9
        page.wait_for_function(f"{video} > 0.2", timeout=10_000)
        t0 = page.evaluate(video)
        page.wait_for_timeout(500)
        assert page.evaluate(video) > t0, "the slide's video does not play"
        src = page.evaluate("Reveal.getCurrentSlide().getAttribute('data-background-video')")
        assert src.startswith("videos/hill-descent-02-") and (stick / src).exists()
        assert page.evaluate("Reveal.getSlideNotes()").strip() == records[1]["slides"][2]["notes"]
        page.keyboard.press("s")  # reveal's speaker view, in a window of its own
        page.wait_for_timeout(1500)
        popups = [p for p in page.context.pages if p is not page]
        assert popups, "s opened no speaker view"
        popups[0].wait_for_function(
            "document.body && document.body.innerText.includes('NOTES')", timeout=10_000)
        assert records[1]["slides"][2]["notes"][:40] in popups[0].inner_text("body")
    assert not log.not_file, f"requests that are not file: {log.not_file}"
    assert not log.errors, f"console errors: {log.errors}"

    # the scene's own deck: its beats only
    with offline_page(stick / "hill-descent.html") as (page, log):
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        assert page.evaluate("Reveal.getTotalSlides()") == len(records[1]["slides"])
    assert not log.not_file and not log.errors

    check_pptx(out / "lecture.pptx", records, expected)
    check_manifest(media, records)


def check_pptx(path, records, expected):
    from pptx import Presentation

    prs = Presentation(str(path))
    w, h = records[0]["resolution"]
    assert (prs.slide_width, prs.slide_height) == (w * 9525, h * 9525), "not the render's size"
    slides = list(prs.slides)
    assert len(slides) == expected
    notes = [s.notes_slide.notes_text_frame.text for s in slides]
    assert all(n.strip() for n in notes), "a slide without notes"
    texts = [[sh.text_frame.text for sh in s.shapes if sh.has_text_frame] for s in slides]
    assert texts[0][1] == lecture.TITLE and texts[1][1] == LECTURE[0].title
    assert texts[6][1] == LECTURE[1].title
    beat_slides = [s for i, s in enumerate(slides) if i not in (0, 1, 6)]
    want = [b["notes"] for r in records for b in r["slides"]]
    assert [s.notes_slide.notes_text_frame.text for s in beat_slides] == want
    for i, s in enumerate(beat_slides):
        movies = [sh for sh in s.shapes if sh.element.xpath(".//a:videoFile")]
        assert len(movies) == 1, f"beat slide {i}: {len(movies)} videos"
        timing = s.element.xpath(".//p:timing//p:cond[@delay='0']")
        assert timing, f"beat slide {i}: its video does not start by itself"
    for i in (0, 1, 6):
        assert not [sh for sh in slides[i].shapes if sh.element.xpath(".//a:videoFile")]


def check_manifest(media, records):
    from render import publish

    entry = publish.lecture_entry(media)
    assert entry["deck"] == "slides/index.html" and entry["pptx"] == "slides/lecture.pptx"
    beats = [s for s in entry["slides"] if s["kind"] == "beat"]
    want = [(r["scene"], s["index"], s["notes"], s["duration"], s["sha256"], r["commit"])
            for r in records for s in r["slides"]]
    assert [(s["scene"], s["beat"], s["notes"], s["duration"], s["sha256"], s["commit"])
            for s in beats] == want
    for s in beats:
        assert outputs.sha256(media / s["file"]) == s["sha256"], s["file"]
    page = publish.render_gallery({"scenes": [], "figures": [], "outputs": [], "commit": None,
                                   "lecture": entry})
    assert 'href="slides/index.html"' in page and 'href="slides/lecture.pptx"' in page


# --------------------------------------------------------------------------- make slides

FIXTURES = ROOT / "tests" / "fixtures"
SCENES = {
    "fixture-beats": ("fixture_beats", "FixtureBeats", ("convex-1d",), "Three beats of a dot."),
    "fixture-parabola": ("fixture_parabola", "FixtureParabola", ("convex-1d",),
                         "A point descends f(x) = x² (no beats)."),
}
SANDBOX_LECTURE = '''
PARTS = (Part("Beats", "Three of them", "A scene with beats.", ("fixture-beats",)),
         Part("No beats", "One slide", "A scene without beats.", ("fixture-parabola",)))
'''
PROGRESS = re.compile(r"^\[\d+/\d+\] (\S+)  slides  144p5  ([\d.]+ s  )?(\d+) slides?(.*)$", re.M)


@pytest.mark.render
def without_beats(src: Path, folder: Path) -> Path:
    """A copy of the scene file ``src`` with its ``self.beat(...)`` calls (one line each) removed."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.lstrip().startswith("self.beat(")]
    assert len(kept) < len(lines), f"{src.name} declares no beats to remove"
    (folder / src.name).write_text("".join(kept), encoding="utf-8")
    return folder / src.name


def test_make_slides(tmp_path):
    no_beats = without_beats(FIXTURES / "pipeline" / "fixture_parabola.py", tmp_path / "plain")
    root = sandbox.create(tmp_path / "project", scenes=SCENES, figures=False,
                          scene_files=[FIXTURES / "slides" / "fixture_beats.py", no_beats])
    with open(root / "scenes" / "lecture.py", "a", encoding="utf-8") as f:
        f.write(SANDBOX_LECTURE)
    res = sandbox.make(root, "slides", "QUALITY=test", jobs=2, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = {m.group(1): m for m in PROGRESS.finditer(res.stdout)}
    assert set(lines) == set(SCENES), res.stdout
    assert lines["fixture-beats"].group(3) == "3"
    assert lines["fixture-parabola"].group(3) == "1" and "no beats" in lines["fixture-parabola"].group(4)
    slides = root / "media" / "slides"
    for f in ("index.html", "lecture.pptx", "slides.json", "fixture-beats.html",
              "fixture-parabola.html", "reveal/dist/reveal.js"):
        assert (slides / f).exists(), f
    doc = json.loads((slides / "slides.json").read_text())
    assert [s["kind"] for s in doc["slides"]] == ["title", "section", "beat", "beat", "beat",
                                                  "section", "beat"]
    assert doc["slides"][-1]["notes"] == SCENES["fixture-parabola"][3]  # stands in for notes
    assert not list((root / "build" / "render" / "tmp").glob("*.tmp"))

    again = sandbox.make(root, "slides", "QUALITY=test", jobs=2, timeout=120)
    assert again.returncode == 0 and not PROGRESS.search(again.stdout), again.stdout
    assert "media/" not in again.stdout.replace("media/slides/index.html is ready", "")

    one = sandbox.make(root, "slides", "QUALITY=test", "SCENE=fixture-beats", timeout=120)
    assert one.returncode == 0 and "fixture-beats.html is ready" in one.stdout

    for bad, needle in (("SCENE=nope", "unknown SCENE 'nope'"), ("THEME=blue", "unknown THEME"),
                        ("QUALITY=huge", "unknown QUALITY")):
        before = sorted(p.relative_to(root) for p in (root / "media").rglob("*"))
        res = sandbox.make(root, "slides", bad, timeout=60)
        assert res.returncode == 2, (bad, res.stdout, res.stderr)
        errors = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert len(errors) == 1 and needle in errors[0], (bad, res.stderr)
        assert sorted(p.relative_to(root) for p in (root / "media").rglob("*")) == before

    # the videos of the same theme and quality render each scene once, for both
    shutil.rmtree(root / "build" / "render" / "slides")
    both = sandbox.make(root, "videos", "slides", "QUALITY=test", "THEME=dark", jobs=2, timeout=300)
    assert both.returncode == 0, both.stdout + both.stderr
    shared = {m.group(1): m for m in PROGRESS.finditer(both.stdout)}
    assert set(shared) == set(SCENES) and not any(m.group(2) for m in shared.values()), both.stdout
    assert all("from the video's render" in m.group(4) for m in shared.values()), both.stdout
    manifest = json.loads((root / "media" / "manifest.json").read_text())
    assert manifest["lecture"]["deck"] == "slides/index.html"
    assert 'href="slides/index.html"' in (root / "media" / "index.html").read_text()


# --------------------------------------------------------------------------- atomic decks

def fake_set(folder: Path, name: str, colours, size=(64, 36)) -> Path:
    """A slide set of ``name`` whose slides are short plain-colour videos (ffmpeg's lavfi)."""
    slides = []
    (folder / name).mkdir(parents=True, exist_ok=True)
    for i, colour in enumerate(colours):
        tmp = folder / f"{name}-{i}.mp4"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"color=c={colour}:s={size[0]}x{size[1]}:r=5:d=0.4", "-pix_fmt", "yuv420p",
                        str(tmp)],
                       check=True)
        digest = outputs.sha256(tmp)
        rel = f"{name}/{i:02d}-{digest[:12]}.mp4"
        tmp.replace(folder / rel)
        slides.append({"index": i, "file": rel, "start": 0.4 * i, "end": 0.4 * (i + 1),
                       "duration": 0.4, "caption": f"{colour}", "notes": f"Say {colour}.",
                       "sha256": digest, "bytes": (folder / rel).stat().st_size})
    record = folder / f"{name}.json"
    record.write_text(json.dumps({"schema": 1, "scene": name, "class": "X", "theme": "dark",
                                  "quality": "test", "resolution": list(size), "fps": 5,
                                  "background": "#000000", "duration": 0.4 * len(colours),
                                  "beats": len(colours), "commit": None, "dirty": None,
                                  "slides": slides}))
    return record


def named_videos(page: Path) -> list[str]:
    return re.findall(r'data-background-video="([^"]+)"', page.read_text())


def test_a_deck_is_replaced_whole(tmp_path, monkeypatch):
    """The page goes last: a build that dies before it leaves the previous deck whole; a video no
    page names any more goes after the new page is in place."""
    from render import deck

    out = tmp_path / "media" / "slides"
    fake_set(tmp_path / "a", "convex-descent", ["red", "blue"])
    deck.write_scene_deck(out / "convex-descent.html", "convex-descent", tmp_path / "a", "dark")
    old = named_videos(out / "convex-descent.html")
    assert len(old) == 2 and all((out / v).exists() for v in old)
    shutil.copy(out / "convex-descent.html", out / "elsewhere.html")  # another page naming them

    fake_set(tmp_path / "b", "convex-descent", ["green", "yellow", "white"])

    def killed(*args, **kwargs):
        raise SystemExit(143)  # as SIGTERM unwinds the process (outputs.unwind_on_termination)

    with monkeypatch.context() as m:
        m.setattr(outputs, "write_text_atomic", killed)
        with pytest.raises(SystemExit):
            deck.write_scene_deck(out / "convex-descent.html", "convex-descent", tmp_path / "b",
                                  "dark")
    assert named_videos(out / "convex-descent.html") == old
    assert all((out / v).exists() for v in old), "the previous deck lost a video"

    deck.write_scene_deck(out / "convex-descent.html", "convex-descent", tmp_path / "b", "dark")
    new = named_videos(out / "convex-descent.html")
    assert len(new) == 3 and all((out / v).exists() for v in new)
    assert all((out / v).exists() for v in old), "removed while another page names them"
    (out / "elsewhere.html").unlink()
    deck.write_scene_deck(out / "convex-descent.html", "convex-descent", tmp_path / "b", "dark")
    left = sorted(p.name for p in (out / "videos").iterdir())
    assert left == sorted(Path(v).name for v in new), left
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_missing_reveal_says_to_run_setup(tmp_path, monkeypatch):
    from render import deck

    monkeypatch.setattr(deck.sys, "prefix", str(tmp_path / "venv"))
    fake_set(tmp_path / "a", "convex-descent", ["red"])
    with pytest.raises(pipeline.MissingTool) as err:
        deck.write_scene_deck(tmp_path / "out" / "x.html", "convex-descent", tmp_path / "a", "dark")
    assert "\n" not in str(err.value) and "make setup" in str(err.value)
    assert not (tmp_path / "out" / "x.html").exists()


def test_the_typeface_is_found_with_tex_and_its_absence_is_one_line(tmp_path, monkeypatch):
    from render import deck

    for name in deck.FONTS:  # LaTeX's Latin Modern, as kpsewhich finds it
        path = deck.find_font(name)
        assert path is not None and path.read_bytes()[:4] == b"OTTO", (name, path)
    monkeypatch.setattr(deck, "find_font", lambda name: None)
    fake_set(tmp_path / "a", "convex-descent", ["red"])
    with pytest.raises(pipeline.MissingTool) as err:
        deck.write_scene_deck(tmp_path / "out" / "x.html", "convex-descent", tmp_path / "a", "dark")
    assert "\n" not in str(err.value) and "fonts-lmodern" in str(err.value)
    assert not (tmp_path / "out" / "x.html").exists()


def test_a_slide_a_browser_would_not_play_is_encoded(tmp_path):
    """A lossless master (x264 High 4:4:4 Predictive, which Chromium does not decode) gives
    slides in H.264 High, yuv420p, with every frame."""
    from render.slides import keep, playable, read_set, slide_file

    raw = tmp_path / "raw"
    raw.mkdir()
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=s=64x36:r=5:d=1.2",
                    "-c:v", "libx264", "-crf", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    str(raw / "00.mp4")], check=True)
    assert not playable(raw / "00.mp4")
    (raw / "slides.json").write_text(json.dumps({
        "resolution": [64, 36], "background": "#000000", "duration": 1.2, "beats": 1,
        "slides": [{"index": 0, "file": "00.mp4", "start": 0.0, "end": 1.2, "duration": 1.2,
                    "caption": "A test card.", "notes": "A test card."}]}))
    record = tmp_path / "sets" / "convex-descent.json"
    keep(raw, record, pipeline.get_scene("convex-descent"), pipeline.get_quality("test"), "dark")
    doc = read_set(record)
    path = slide_file(doc, doc["slides"][0])
    assert playable(path) and outputs.sha256(path) == doc["slides"][0]["sha256"]
    assert len(frame_hashes(path)) == 6


def _kept_set(tmp_path):
    """A one-slide set kept as ``make videos`` keeps its master's slides: lossless, unencoded."""
    from render.slides import keep

    raw = tmp_path / "raw"
    raw.mkdir()
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=s=64x36:r=5:d=1.2",
                    "-c:v", "libx264", "-crf", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    str(raw / "00.mp4")], check=True)
    (raw / "slides.json").write_text(json.dumps({
        "resolution": [64, 36], "background": "#000000", "duration": 1.2, "beats": 1,
        "slides": [{"index": 0, "file": "00.mp4", "start": 0.0, "end": 1.2, "duration": 1.2,
                    "caption": "A test card.", "notes": "A test card."}]}))
    record = tmp_path / "sets" / "convex-descent.json"
    keep(raw, record, pipeline.get_scene("convex-descent"), pipeline.get_quality("test"), "dark",
         encode=False)
    return record


def test_make_videos_keeps_lossless_slides_and_make_slides_encodes_them(tmp_path):
    """``make videos`` keeps its master's slides as they are (no encode in the video build), and
    encode_set makes them playable once: the same frames, and a second call has nothing to do."""
    from render import deck
    from render.slides import encode_set, playable, read_set, slide_file

    record = _kept_set(tmp_path)
    doc = read_set(record)
    kept = slide_file(doc, doc["slides"][0])
    assert doc["slides"][0]["playable"] is False and not playable(kept)
    assert encode_set(record) == 1
    doc = read_set(record)
    path = slide_file(doc, doc["slides"][0])
    assert doc["slides"][0]["playable"] is True and playable(path) and not kept.exists()
    assert outputs.sha256(path) == doc["slides"][0]["sha256"] and len(frame_hashes(path)) == 6
    assert encode_set(record) == 0
    deck.load_set(record.parent, "convex-descent")


def test_decks_built_side_by_side_encode_a_kept_set_once(tmp_path):
    """``make slides`` after ``make videos`` at the same theme: the set's make target is up to date,
    so the decks find its slides as make videos kept them (lossless). Four decks loading it at once
    (as make -j builds index.html, lecture.pptx and the scene decks) encode it once, and all read
    the same playable slides."""
    from concurrent.futures import ProcessPoolExecutor

    from render import deck
    from render.slides import playable, read_set, slide_file

    record = _kept_set(tmp_path)
    kept = slide_file(read_set(record), read_set(record)["slides"][0])
    with ProcessPoolExecutor(4) as pool:
        loaded = list(pool.map(deck.load_set, [record.parent] * 4, ["convex-descent"] * 4))
    files = {r["slides"][0]["file"] for r in loaded}
    assert len(files) == 1 and all(r["slides"][0]["playable"] is True for r in loaded), loaded
    doc = read_set(record)
    path = slide_file(doc, doc["slides"][0])
    assert playable(path) and not kept.exists() and len(frame_hashes(path)) == 6
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
