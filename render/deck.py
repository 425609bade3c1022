"""The lecture's decks in ``media/slides/``, from the scenes' slide sets (render/slides.py).

    index.html      the lecture (scenes/lecture.py): a title slide, then per part a section slide
                    and one slide per beat of its scenes, with the speaker notes
    <scene>.html    one scene's slides, for reuse in another lecture
    lecture.pptx    the lecture for PowerPoint / LibreOffice Impress (manim-slides' converter):
                    each beat's video plays on its own, notes on every slide
    slides.json     the lecture's slides (what media/manifest.json lists)
    videos/         the slides' videos, named <scene>-<nn>-<sha256[:8]>.mp4
    reveal/         reveal.js, copied from the set-up cache (render/setup.sh): no network, ever

The folder works from anywhere (a USB stick): every link is relative. A page is written last,
atomically, after the videos it names; a video no page names any more is removed after that, so a
killed build leaves the previous deck whole.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from core import theme as themes
from render import outputs, pipeline
from render.pipeline import ROOT, MissingTool, RenderError
from render.slides import encode_set, read_set, slide_file

TEMPLATE = ROOT / "assets" / "slides.html"
REVEAL_SPEC = ROOT / "assets" / "reveal.json"
SETUP_HINT = "run make setup (it fetches reveal.js once from the npm registry)"


# --------------------------------------------------------------------------- reveal.js

def reveal_spec() -> dict:
    return json.loads(REVEAL_SPEC.read_text(encoding="utf-8"))


def reveal_cache(spec: dict | None = None) -> Path:
    """Where render/setup.sh keeps reveal.js: ``<venv>/share/gd-media/reveal.js-<version>``."""
    spec = spec or reveal_spec()
    return Path(sys.prefix) / "share" / "gd-media" / f"reveal.js-{spec['version']}"


def copy_reveal(out_dir: Path) -> str:
    """reveal.js's files into ``out_dir/reveal/`` (each written only when it differs); the
    version. MissingTool, one line, when the set-up cache is missing."""
    spec = reveal_spec()
    cache = reveal_cache(spec)
    if not (cache / ".complete").exists():
        raise MissingTool(f"reveal.js {spec['version']} is not set up ({cache} is missing); "
                          f"{SETUP_HINT}")
    for rel in spec["files"]:
        copy_if_changed(cache / rel, Path(out_dir) / "reveal" / rel)
    return spec["version"]


def copy_if_changed(src: Path, dst: Path) -> None:
    """``src`` to ``dst`` atomically, unless ``dst`` already has its bytes."""
    if dst.exists() and dst.read_bytes() == src.read_bytes():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    with outputs.atomic_output(dst) as tmp:
        shutil.copyfile(src, tmp)


# --------------------------------------------------------------------------- the typeface

# The videos set their text in LaTeX's Computer Modern; the deck's title and section slides use
# Latin Modern, its OpenType edition (the same letters, with the accents and symbols a web page
# needs), which comes with LaTeX (Debian's texlive-base depends on fonts-lmodern; MacTeX has it).
# Found with kpsewhich, copied beside the page: the folder still needs nothing else.
FONTS = ("lmroman10-regular.otf", "lmroman10-bold.otf")
FONT_HINT = ("Latin Modern (the videos' typeface, part of LaTeX) is missing; run make setup "
             "(Debian: sudo apt-get install fonts-lmodern)")


def find_font(name: str) -> Path | None:
    """Where TeX keeps font file ``name`` (``kpsewhich``), or None."""
    try:
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else None
    return path if path is not None and path.is_file() else None


def copy_fonts(out_dir: Path) -> None:
    """Latin Modern's regular and bold into ``out_dir/fonts/`` (each written only when it differs).
    MissingTool, one line, when TeX has not got them."""
    for name in FONTS:
        src = find_font(name)
        if src is None:
            raise MissingTool(f"{name}: {FONT_HINT}")
        copy_if_changed(src, Path(out_dir) / "fonts" / name)


# --------------------------------------------------------------------------- the slides

def load_set(sets: Path, name: str) -> dict:
    path = Path(sets) / f"{name}.json"
    if not path.exists():
        raise RenderError(f"scene {name}: no slides in {path}; run make slides")
    record = read_set(path)
    if not all(s.get("playable", True) for s in record["slides"]):
        # kept as rendered by `make videos` (lossless); its set's make target is up to date when
        # `make slides` runs after it, so the deck encodes them (once: encode_set locks the set)
        encode_set(path)
        record = read_set(path)
    return record


def beat_slides(record: dict) -> list[dict]:
    """One slide per beat of a slide set (its video placed later, by :func:`place_videos`)."""
    entry = pipeline.get_scene(record["scene"])
    out = []
    for s in record["slides"]:
        out.append({"kind": "beat", "scene": record["scene"], "beat": s["index"],
                    "path": slide_file(record, s), "sha256": s["sha256"],
                    "duration": s["duration"], "background": record["background"],
                    "caption": s["caption"] or entry.description,
                    # a scene without beats is one slide: its description stands in for notes
                    "notes": s["notes"] or entry.description})
    return out


def lecture_slides(sets: Path) -> tuple[list[dict], list[dict]]:
    """The lecture's slides in order: title, then per part a section and its scenes' beats; and
    the slide sets used."""
    from scenes import lecture

    records = [load_set(sets, name) for name in lecture.lecture_scenes()]
    by_name = {r["scene"]: r for r in records}
    n_beats = sum(len(r["slides"]) for r in records)
    slides = [{"kind": "title", "title": lecture.TITLE, "lead": lecture.SUBTITLE,
               "notes": lecture.TITLE_NOTES, "kicker": "Lecture",
               "meta": (f"{len(lecture.PARTS)} parts &middot; {n_beats} beats &middot; "
                        "<kbd>&rarr;</kbd> or <kbd>space</kbd> next &middot; <kbd>s</kbd> speaker "
                        "notes &middot; <kbd>f</kbd> full screen &middot; <kbd>r</kbd> replay")}]
    for i, part in enumerate(lecture.PARTS, 1):
        slides.append({"kind": "section", "title": part.title, "lead": part.lead,
                       "notes": part.notes, "kicker": f"Part {i} of {len(lecture.PARTS)}"})
        for name in part.scenes:
            slides += beat_slides(by_name[name])
    return slides, records


def place_videos(slides: list[dict], out_dir: Path) -> None:
    """Each beat slide's video into ``out_dir/videos/`` (hard-linked where possible) and its
    ``src`` relative to the page."""
    videos = Path(out_dir) / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    for s in slides:
        if s["kind"] != "beat":
            continue
        name = f"{s['scene']}-{s['beat']:02d}-{s['sha256'][:8]}{s['path'].suffix}"
        dst = videos / name
        if not dst.exists():
            if not s["path"].exists():
                raise RenderError(f"scene {s['scene']}: slide video {s['path']} is missing; "
                                  "run make slides")
            outputs.link_atomic(s["path"], dst)
        s["src"] = f"videos/{name}"


_SRC = re.compile(r'data-background-video="(videos/[^"]+)"')


def prune_videos(out_dir: Path, scenes) -> int:
    """Remove the videos of ``scenes`` that no page in ``out_dir`` names any more."""
    out_dir = Path(out_dir)
    named = {m for page in out_dir.glob("*.html")
             for m in _SRC.findall(page.read_text(encoding="utf-8", errors="replace"))}
    removed = 0
    for scene in set(scenes):
        for path in (out_dir / "videos").glob(f"{scene}-[0-9][0-9]-*"):
            if f"videos/{path.name}" not in named:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


# --------------------------------------------------------------------------- HTML

def page(slides: list[dict], *, title: str, theme: str, resolution, reveal_version: str) -> str:
    from render import slides_compat as compat

    colors = themes.load(theme)
    options = compat.reveal_options(title=title, theme=theme, background=colors["background"])
    background_size = str(options.pop("background_size")).strip("'")
    return compat.render_reveal(
        TEMPLATE.read_text(encoding="utf-8"), slides=slides, colors=colors,
        background_size=background_size, manim_slides=compat.MANIM_SLIDES,
        resolution=resolution, **{**options, "reveal_version": reveal_version})


def _unsupported(fn):
    """render.slides_compat refuses the installed versions: one line (MissingTool)."""
    def wrapped(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RuntimeError as exc:
            if type(exc).__name__ == "Unsupported":
                raise MissingTool(str(exc)) from None
            raise
    wrapped.__doc__ = fn.__doc__
    return wrapped


@_unsupported
def write_lecture_deck(out: Path, sets: Path, theme: str, index: Path | None = None) -> str:
    """``media/slides/index.html`` (and, with ``index``, the slide list ``slides.json``)."""
    from scenes import lecture

    out = Path(out)
    slides, records = lecture_slides(sets)
    version = copy_reveal(out.parent)
    copy_fonts(out.parent)
    place_videos(slides, out.parent)
    text = page(slides, title=lecture.TITLE, theme=theme, resolution=records[0]["resolution"],
                reveal_version=version)
    outputs.write_text_atomic(out, text)
    if index is not None:
        write_index(index, slides, records, out, theme)
    prune_videos(out.parent, [r["scene"] for r in records])
    beats = sum(s["kind"] == "beat" for s in slides)
    return (f"{len(slides)} slides: title, {len(lecture.PARTS)} sections, {beats} beats of "
            f"{len(records)} scenes")


@_unsupported
def write_scene_deck(out: Path, name: str, sets: Path, theme: str) -> str:
    """``media/slides/<scene>.html``: the scene's slides alone."""
    out = Path(out)
    record = load_set(sets, name)
    slides = beat_slides(record)
    version = copy_reveal(out.parent)
    copy_fonts(out.parent)
    place_videos(slides, out.parent)
    entry = pipeline.get_scene(name)
    text = page(slides, title=f"{name}: {entry.description}", theme=theme,
                resolution=record["resolution"], reveal_version=version)
    outputs.write_text_atomic(out, text)
    prune_videos(out.parent, [name])
    note = "" if record["beats"] else " (no beats declared: one slide)"
    return f"{len(slides)} slides{note}"


def write_index(out: Path, slides: list[dict], records: list[dict], deck: Path, theme: str) -> None:
    """``slides.json``: every slide of the lecture deck (what media/manifest.json lists)."""
    by_scene = {r["scene"]: r for r in records}
    items = []
    for i, s in enumerate(slides):
        item = {"slide": i, "kind": s["kind"], "notes": s["notes"]}
        if s["kind"] == "beat":
            r = by_scene[s["scene"]]
            item.update(scene=s["scene"], beat=s["beat"], caption=s["caption"],
                        file=f"slides/{s['src']}", duration=s["duration"], sha256=s["sha256"],
                        quality=r["quality"], commit=r["commit"], dirty=r["dirty"])
        else:
            item.update(title=s["title"], lead=s["lead"])
        items.append(item)
    doc = {"deck": f"slides/{Path(deck).name}", "pptx": "slides/lecture.pptx", "theme": theme,
           "resolution": records[0]["resolution"], "slides": items}
    outputs.write_text_atomic(Path(out), json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- PowerPoint

@_unsupported
def write_lecture_pptx(out: Path, sets: Path, theme: str) -> str:
    """``media/slides/lecture.pptx``: manim-slides' PowerPoint export of the beats' videos (each
    plays when its slide opens, notes on each, slide size the render's), with the title and
    section slides added as text."""
    from render import slides_compat as compat

    out = Path(out)
    slides, records = lecture_slides(sets)
    width, height = records[0]["resolution"]
    presentations = [compat.presentation([slide_file(r, s) for s in r["slides"]],
                                         [b["notes"] for b in beat_slides(r)],
                                         r["resolution"], r["background"]) for r in records]
    colors = themes.load(theme)
    pipeline.WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=pipeline.WORK) as tmp:
        raw = Path(tmp) / "videos.pptx"
        compat.write_pptx(raw, presentations, width, height)
        with outputs.atomic_output(out) as final:
            add_text_slides(raw, final, slides, colors)
    beats = sum(s["kind"] == "beat" for s in slides)
    return f"{len(slides)} slides ({beats} videos), {out.stat().st_size / 1e6:.1f} MB"


def add_text_slides(src: Path, dst: Path, slides: list[dict], colors: dict) -> None:
    """Insert the title and section slides of ``slides`` (text, theme colours, notes) into the
    PowerPoint file ``src``, whose slides are the beats in order; save as ``dst``."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Pt

    prs = Presentation(str(src))
    W, H = prs.slide_width, prs.slide_height
    pt = H / 12700 / 100  # a hundredth of the slide's height, in points
    rgb = {k: RGBColor.from_string(colors[k].lstrip("#").upper())
           for k in ("background", "foreground", "muted", "accent")}
    blank = prs.slide_layouts[6]
    order = []  # the new slides' ids, in deck order, beats taken from the file in turn
    beat_ids = [s.slide_id for s in prs.slides]
    for s in slides:
        if s["kind"] == "beat":
            order.append(beat_ids.pop(0))
            continue
        slide = prs.slides.add_slide(blank)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = rgb["background"]
        left, width = int(W * 0.08), int(W * 0.84)
        top = int(H * (0.30 if s["kind"] == "title" else 0.34))
        for text, size, colour, bold in ((s.get("kicker"), 2.6, "accent", True),
                                         (s["title"], 9.0 if s["kind"] == "title" else 7.0,
                                          "foreground", True),
                                         (s["lead"], 3.6, "muted", False)):
            if not text:
                continue
            height = int(H * size * 1.5 / 100)
            box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
            frame = box.text_frame
            frame.word_wrap = True
            run = frame.paragraphs[0].add_run()
            run.text = text
            run.font.size = Pt(size * pt)
            run.font.bold = bold
            run.font.color.rgb = rgb[colour]
            top += height
        slide.notes_slide.notes_text_frame.text = s["notes"]
        order.append(slide.slide_id)
    if beat_ids:
        raise RenderError(f"{len(beat_ids)} beat slides of the PowerPoint file are not in the deck")
    ids = prs.slides._sldIdLst  # python-pptx has no public reordering
    by_id = {int(e.get("id")): e for e in ids}
    for e in list(ids):
        ids.remove(e)
    for sid in order:
        ids.append(by_id[sid])
    prs.save(str(dst))
