"""``media/manifest.json`` (what every output is, and what it shows) and ``media/index.html``
(a gallery page for review in a browser, no network), both written atomically.
"""

from __future__ import annotations

import html
import json
import os
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from core import theme
from core.datafile import load
from render import embeds, ffmpeg
from render.alt import figure_alt, scene_alt
from render.captions import read_vtt
from render.figures.registry import FIGURES
from render.outputs import git_state, read_provenance, sha256, write_text_atomic
from render.pipeline import registry

SCHEMA = 1
# A scene's outputs: (folder, suffix, format, MIME type), the video sources in the order a page
# offers them (AV1 first: smaller; H.264 plays everywhere).
VIDEO_KINDS = (("videos", ".av1.mp4", "av1", "video/mp4"), ("videos", ".mp4", "h264", "video/mp4"),
               ("videos", ".gif", "gif", "image/gif"), ("posters", ".png", "poster", "image/png"))
FIGURE_SUFFIXES = {".png": "image/png", ".svg": "image/svg+xml"}


def png_size(path: Path) -> tuple[int, int] | None:
    head = Path(path).read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def scenario_meta(names, data: Path) -> dict:
    """``{scenario: meta}`` from the data files' ``meta`` (lr, seed, steps, optimizer, ...)."""
    out = {}
    for name in names:
        path = Path(data) / f"{name}.npz"
        out[name] = load(path).meta if path.exists() else None
    return out


def _video_entry(path: Path, media: Path, fmt: str, kind: str, info: ffmpeg.VideoInfo) -> dict:
    entry = {"path": path.relative_to(media).as_posix(), "format": fmt, "type": kind,
             "bytes": path.stat().st_size, "sha256": sha256(path),
             "codec": info.codec, "pix_fmt": info.pix_fmt, "width": info.width,
             "height": info.height}
    if fmt == "av1":  # for <source type="video/mp4; codecs=...">: a browser without AV1 skips it
        entry["codecs"] = ffmpeg.av1_codecs(info)
    if kind == "image/png":
        entry.update(frames=1, duration=None, fps=None)
    else:
        entry.update(frames=info.frames, duration=round(info.duration, 6),
                     fps=round(float(info.fps), 6))
    return entry


def build_manifest(media: Path, data: Path, figures: Path | None = None) -> dict:
    """Describe every output under ``media``: the registered scenes' videos, exports and posters,
    and the figures in ``figures`` (default ``media/figures``; not its sub-folders)."""
    media = Path(media)
    scenes = registry()
    # ffprobe every video once, several at a time (each counts its packets: about 0.1 s apiece,
    # and the manifest is the last, serial step of a build)
    present = {name: [(path, fmt, kind) for folder, suffix, fmt, kind in VIDEO_KINDS
                      if (path := media / folder / f"{name}{suffix}").exists()]
               for name in scenes if (media / "videos" / f"{name}.mp4").exists()}
    paths = [item[0] for items in present.values() for item in items]
    captions = {name: media / "videos" / f"{name}.vtt" for name in present}
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        infos = dict(zip(paths, pool.map(ffmpeg.video_info, paths)))
    outputs, scene_list = [], []
    for name, entry in scenes.items():
        if name not in present:
            continue
        try:
            prov = json.loads(infos[media / "videos" / f"{name}.mp4"].tags.get("comment", "{}"))
        except json.JSONDecodeError:
            prov = {}
        metas = scenario_meta(entry.data, data)
        alt = scene_alt(entry, data)  # what the poster shows, with the numbers of its data
        paths = []
        for path, fmt, kind in present[name]:
            item = _video_entry(path, media, fmt, kind, infos[path])
            item = {"path": item.pop("path"), "scene": name, "quality": prov.get("quality"),
                    "theme": prov.get("theme"), **item, "scenarios": metas,
                    "commit": prov.get("commit"), "dirty": prov.get("dirty")}
            if fmt == "poster":
                item["alt"] = alt
            outputs.append(item)
            paths.append(item["path"])
        if captions[name].exists():
            item = {"path": captions[name].relative_to(media).as_posix(), "scene": name,
                    "quality": prov.get("quality"), "theme": prov.get("theme"),
                    "format": "captions", "type": "text/vtt", "bytes": captions[name].stat().st_size,
                    "sha256": sha256(captions[name]), "cues": len(read_vtt(captions[name])),
                    "scenarios": metas, "commit": prov.get("commit"), "dirty": prov.get("dirty")}
            outputs.append(item)
            paths.append(item["path"])
        scene_list.append({"name": name, "description": entry.description, "alt": alt,
                           "module": entry.module,
                           "class": entry.cls, "data": list(entry.data), "outputs": paths})
    fig_dir = Path(figures) if figures is not None else media / "figures"
    fig_files = sorted(p for p in fig_dir.glob("*")
                       if p.suffix in FIGURE_SUFFIXES and not p.name.startswith(".")) \
        if fig_dir.is_dir() else []
    figure_list, alts = {}, {}
    for path in fig_files:
        entry = FIGURES.get(path.stem)
        if entry is not None and path.stem not in alts:
            alts[path.stem] = figure_alt(entry, data)
        size = png_size(path) if path.suffix == ".png" else None
        item = {"path": path.relative_to(media).as_posix(), "figure": path.stem,
                "type": FIGURE_SUFFIXES[path.suffix], "bytes": path.stat().st_size,
                "sha256": sha256(path), "width": size[0] if size else None,
                "height": size[1] if size else None, "title": entry.title if entry else None,
                "scenarios": scenario_meta(entry.data if entry else (), data),
                "alt": alts.get(path.stem)}
        prov = read_provenance(path, item["sha256"])  # recorded by render.figures.render
        item.update(theme=prov.get("theme"), commit=prov.get("commit"), dirty=prov.get("dirty"))
        outputs.append(item)
        fig = figure_list.setdefault(path.stem, {
            "name": path.stem, "title": entry.title if entry else None,
            "description": entry.description if entry else None, "alt": alts.get(path.stem),
            "data": list(entry.data) if entry else [], "outputs": []})
        fig["outputs"].append(item["path"])
    state = git_state()
    return {"schema": SCHEMA, "commit": state["commit"], "dirty": state["dirty"],
            "scenes": scene_list, "figures": list(figure_list.values()), "outputs": outputs,
            "lecture": lecture_entry(media)}


# --------------------------------------------------------------------------- the lecture deck
# (issue 15) render/deck.py lists the deck's slides in media/slides/slides.json when it writes
# media/slides/index.html; the manifest carries that list: every slide's scene, beat, notes, file,
# duration, sha256 and commit.

def lecture_entry(media: Path) -> dict | None:
    """The lecture deck under ``media/slides/``, or None when there is none."""
    path = Path(media) / "slides" / "slides.json"
    if not path.exists() or not (Path(media) / "slides" / "index.html").exists():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    pptx = Path(media) / doc["pptx"]
    return {"deck": doc["deck"], "pptx": doc["pptx"] if pptx.exists() else None,
            "theme": doc["theme"], "resolution": doc["resolution"], "slides": doc["slides"]}


def _lecture_link(manifest: dict) -> str:
    """The gallery's line pointing at the deck (empty without one)."""
    lecture = manifest.get("lecture")
    if not lecture:
        return ""
    e = html.escape
    beats = sum(s["kind"] == "beat" for s in lecture["slides"])
    pptx = f' · <a href="{e(lecture["pptx"])}">PowerPoint</a>' if lecture.get("pptx") else ""
    return (f'<p class="lecture">Lecture deck: <a href="{e(lecture["deck"])}">'
            f'{e(lecture["deck"])}</a> ({len(lecture["slides"])} slides, {beats} of them video; '
            f'arrow keys to step, s for the speaker notes){pptx}</p>' + "\n")


def write_manifest(out: Path, media: Path, data: Path, figures: Path | None = None) -> dict:
    manifest = build_manifest(media, data, figures)
    write_text_atomic(out, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


# --------------------------------------------------------------------------- gallery

def _theme_colors(theme_name: str) -> dict:
    t = theme.load(theme_name)
    return {k: t[k] for k in ("background", "foreground", "muted", "grid", "accent")}


def _fmt_bytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def _value(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


def _params_line(metas: dict) -> str:
    """``scenario: lr 0.1, 100 steps, seed 0`` per scenario (lists shown as lists)."""
    parts = []
    for name, meta in (metas or {}).items():
        if not meta:
            continue
        p = meta.get("params", {})
        bits = [f"lr {_value(p['lr'])}" if "lr" in p else None,
                f"{meta['steps']} steps" if "steps" in meta else None,
                f"seed {meta['seed']}" if "seed" in meta else None]
        opt = meta.get("optimizer")
        if isinstance(opt, list):
            bits.insert(0, "/".join(map(str, opt)))
        parts.append(f"{name}: " + ", ".join(b for b in bits if b))
    return " · ".join(parts)


LINK_LABELS = {"av1": "AV1", "h264": "MP4", "gif": "GIF", "poster": "PNG", "captions": "VTT"}


def render_gallery(manifest: dict, media: Path | None = None, theme_name: str = "light") -> str:
    """The gallery page: every video (AV1 and H.264 sources, poster, GIF link) and every figure."""
    e = html.escape
    c = _theme_colors(theme_name)
    by_path = {o["path"]: o for o in manifest["outputs"]}
    cards = []
    for scene in manifest["scenes"]:
        name = scene["name"]
        outs = embeds.scene_outputs(scene, by_path)
        mp4 = outs.get("h264")
        if mp4 is None:
            continue
        links = " · ".join(f'<a href="{e(o["path"])}">{LINK_LABELS.get(f, f.upper())}</a> '
                           f'{_fmt_bytes(o["bytes"])}' for f, o in outs.items())
        facts = (f'{mp4["duration"]:.1f} s · {mp4["frames"]} frames · {mp4["width"]}×{mp4["height"]}'
                 f' @ {mp4["fps"]:g} fps · {e(str(mp4.get("quality")))}')
        params = _params_line(mp4.get("scenarios"))
        cards.append(
            f'<article id="{e(name)}"><h2><a href="#{e(name)}">{e(name)}</a></h2>'
            f'<p class="desc">{e(scene["description"])}</p>'
            + embeds.video_tag(outs, media=media, label=scene.get("alt")) +
            f'<p class="meta">{facts}<br>{links}'
            + (f'<br>{e(params)}' if params else "") + "</p></article>")
    figs = []
    for fig in manifest.get("figures", []):
        title = fig.get("title") or fig["name"]
        files = {Path(p).suffix: by_path[p] for p in fig["outputs"]}
        shown = files.get(".png") or files.get(".svg")
        links = " · ".join(f'<a href="{e(o["path"])}">{s[1:].upper()}</a> {_fmt_bytes(o["bytes"])}'
                           for s, o in files.items())
        figs.append(f'<figure id="figure-{e(fig["name"])}"><a href="{e(shown["path"])}">'
                    + embeds.picture_tag(files, alt=fig.get("alt") or title) + '</a>'
                    f'<figcaption><b>{e(title)}</b> <span class="meta">{e(fig["name"])} · {links}'
                    '</span>' + (f'<br>{e(fig["description"])}' if fig.get("description") else "")
                    + "</figcaption></figure>")
    commit = manifest.get("commit")
    head = (f'commit {e(commit[:12])}{" (with uncommitted changes)" if manifest.get("dirty") else ""}'
            if commit else "not a git checkout")
    style = (f"body{{background:{c['background']};color:{c['foreground']};font:15px/1.45 "
             "system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:2rem auto;max-width:1100px;"
             "padding:0 1rem}"
             f"a{{color:{c['accent']}}}h1{{margin-bottom:.2rem}}"
             f".meta{{color:{c['muted']};font-size:13px}}"
             f"article,figure{{border-top:1px solid {c['grid']};margin:0;padding:1.2rem 0}}"
             "article h2{margin:.2rem 0;font-size:1.2rem}.desc{margin:.2rem 0 .6rem}"
             "video,img{max-width:100%;height:auto;display:block}"
             ".figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>Gradient descent: media</title><style>{style}</style></head><body>\n"
            f"<h1>Gradient descent: media</h1><p class=\"meta\">{len(cards)} videos · "
            f"{len(figs)} figures · {head} · details in <a href=\"manifest.json\">manifest.json</a></p>\n"
            + _lecture_link(manifest)
            + "<section>\n" + "\n".join(cards) + "\n</section>\n"
            + ("<h1>Figures</h1><section class=\"figs\">\n" + "\n".join(figs) + "\n</section>\n"
               if figs else "")
            + "</body></html>\n")


def write_gallery(out: Path, manifest_path: Path, theme_name: str = "light") -> None:
    manifest = json.loads(Path(manifest_path).read_text())
    write_text_atomic(out, render_gallery(manifest, Path(manifest_path).parent, theme_name))
