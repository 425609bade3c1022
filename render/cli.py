"""``python -m render``: render scenes, export them, describe them.

    python -m render list                                  the scenes, one line each
    python -m render scene NAME [--quality low] [--theme light] [--out media/preview/NAME.mp4]
    python -m render still NAME [--quality high] [--out media/stills/NAME.png]
    python -m render video NAME --quality high --out build/render/master/NAME.mp4 [--index 3/9]
                                                           (lossless: what the exports read)
    python -m render gif|poster SRC.mp4 --out DST [--samples SRC.gif (poster)]
    python -m render web SRC.mp4 --mp4 DST.mp4 [--av1 DST.av1.mp4] --gif DST.gif
                                                           all from one decode of the master
    python -m render manifest [--media media] [--out media/manifest.json]
    python -m render gallery [--media media] [--out media/index.html]
    python -m render makefile --out build/scenes.mk        per-scene make rules from the registry
    python -m render check-scene NAME                      nothing, or the one-line error

Bad input prints one line and exits 2; a failed render names the scene and exits 1; manim's own
log is shown only with ``--verbose`` or ``VERBOSE=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from render import ffmpeg, pipeline
from render.outputs import RenderError, unwind_on_termination, write_text_atomic
from render.pipeline import ROOT, MissingTool, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


def _verbose(args) -> bool:
    return bool(getattr(args, "verbose", False)) or os.environ.get("VERBOSE", "") not in ("", "0")


# --------------------------------------------------------------------------- commands

def cmd_list(args) -> int:
    scenes = pipeline.registry()
    width = max(map(len, scenes), default=0)
    for name, entry in scenes.items():
        mark = "" if pipeline.scene_file(entry).exists() else "  [scenes/%s.py not written yet]" % entry.module
        print(f"{name:<{width}}  {entry.description}{mark}")
    return 0


def cmd_check_scene(args) -> int:
    """For make: prints nothing for a registered scene, else the one-line error (exit 2)."""
    try:
        pipeline.get_scene(args.name)
    except UsageError as exc:
        print(str(exc).replace("unknown scene", "unknown SCENE", 1))
        return 2
    return 0


def _rate(frames: int, seconds: float) -> str:
    return f"{frames / seconds:.1f} frames/s" if seconds > 0 else "-"


def cmd_video(args) -> int:
    q = pipeline.get_quality(args.quality)
    t0 = time.perf_counter()
    from render.slides import slide_set_file  # the scene's slides come from the same run

    slides = slide_set_file(args.name, pipeline.get_theme(args.theme), args.quality)
    r = pipeline.render_video(args.name, args.quality, args.theme, out=Path(args.out),
                              data=args.data_dir, verbose=_verbose(args), lossless=True,
                              slides=slides)
    elapsed = time.perf_counter() - t0
    index = f"[{args.index}] " if args.index else ""
    print(f"{index}{args.name}  {q.label}  {elapsed:.1f} s  {r.frames} frames  "
          f"{_rate(r.frames, r.seconds)}", flush=True)
    return 0


def cmd_scene(args) -> int:
    suffix = "" if args.start is None else f".from-{args.start}"
    out = Path(args.out or ROOT / "media" / "preview" / f"{args.name}{suffix}.mp4")
    q = pipeline.get_quality(args.quality)
    t0 = time.perf_counter()
    r = pipeline.render_video(args.name, args.quality, args.theme, out=out, data=args.data_dir,
                              verbose=_verbose(args), key="preview", start=args.start)
    elapsed = time.perf_counter() - t0
    print(f"{args.name}  {q.label}  {elapsed:.1f} s  {r.frames} frames  "
          f"{_rate(r.frames, r.seconds)}  -> {_show(out)}", flush=True)
    return 0


def cmd_still(args) -> int:
    suffix = "" if args.at is None else f".at-{args.at:g}s"
    out = Path(args.out or ROOT / "media" / "stills" / f"{args.name}{suffix}.png")
    q = pipeline.get_quality(args.quality)
    t0 = time.perf_counter()
    pipeline.render_still(args.name, args.quality, args.theme, out=out, data=args.data_dir,
                          verbose=_verbose(args), at=args.at)
    which = "last frame" if args.at is None else f"frame at {args.at:g} s"
    print(f"{args.name}  {which}  {q.width}x{q.height}  {time.perf_counter() - t0:.1f} s  "
          f"-> {_show(out)}", flush=True)
    return 0


def cmd_export(args) -> int:
    from render import exports

    src, out = _existing(args.src), Path(args.out)
    if args.command == "gif":
        _gif_note(exports.make_gif(src, out))
    else:
        samples = _existing(args.samples) if args.samples else None
        exports.make_poster(src, out, time=args.time, samples=samples)
    return 0


def cmd_web(args) -> int:
    from render import exports

    res = exports.make_web(_existing(args.src), Path(args.mp4), Path(args.av1) if args.av1 else None,
                           Path(args.gif), av1_crf=args.av1_crf)
    for note in res.notes:
        print(note, flush=True)
    return 0


def _existing(path: str) -> Path:
    if not Path(path).exists():
        raise UsageError(f"{path} does not exist")
    return Path(path)


def _gif_note(res) -> None:
    note = res.note()
    if note:
        print(f"gif budget: {note}", flush=True)


def cmd_manifest(args) -> int:
    from render import publish

    media = Path(args.media)
    out = Path(args.out or media / "manifest.json")
    figures = Path(args.figures) if args.figures else media / "figures"
    m = publish.write_manifest(out, media, pipeline.data_dir(args.data_dir), figures=figures)
    print(f"{_show(out)}: {len(m['outputs'])} outputs", flush=True)
    return 0


def cmd_gallery(args) -> int:
    from render import publish

    media = Path(args.media)
    out = Path(args.out or media / "index.html")
    manifest = Path(args.manifest or media / "manifest.json")
    if not manifest.exists():
        raise UsageError(f"{manifest} does not exist; run python -m render manifest first")
    publish.write_gallery(out, manifest, pipeline.get_theme(args.theme))
    print(f"{_show(out)}", flush=True)
    return 0


def cmd_makefile(args) -> int:
    write_text_atomic(Path(args.out), makefile_text(pipeline.registry()))
    return 0


def _show(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- generated rules

def makefile_text(scenes: dict) -> str:
    """Per-scene rules for render/videos.mk: each video depends on its scene file and the exact
    data files it shows; the recipes are make functions defined in videos.mk."""
    from render import exports
    n = len(scenes)
    missing = set()
    lines = ["# Generated from scenes/registry.py by `python -m render makefile`; do not edit.",
             f"SCENE_NAMES := {' '.join(scenes)}", ""]
    for i, (name, e) in enumerate(scenes.items(), 1):
        src = (Path("scenes") / (e.module.replace(".", "/") + ".py")).as_posix()
        deps = " ".join([src, *[f"$(DATA)/{d}.npz" for d in e.data]])
        lines += [
            f"# {name}: {e.description}",
            f"SCENE_DEPS.{name} := {deps}",
            f"$(MASTER)/{name}.mp4: {deps} $(SCENE_COMMON) $(VIDEO_OPTS)",
            f"\t@$(call render_video,{name},{i}/{n})",
            f"$(MEDIA)/preview/{name}.mp4: {deps} $(SCENE_COMMON) $(PREVIEW_OPTS)",
            f"\t@$(call render_preview,{name})",
            f"$(MEDIA)/stills/{name}.png: {deps} $(SCENE_COMMON) $(STILL_OPTS)",
            f"\t@$(call render_still,{name})",
            f"AV1_CRF.{name} := {exports.av1_crf(e)}",
            f"$(MEDIA)/videos/{name}.mp4 $(MEDIA)/videos/{name}.av1.mp4 $(MEDIA)/videos/{name}.gif: "
            f"$(RBUILD)/options/encode.{name}",
            f"$(eval $(call option_file,$(RBUILD)/options/encode.{name},av1_crf=$(AV1_CRF.{name})))",
            "",
        ]
        if not (ROOT / src).exists() and src not in missing:  # registered, not written yet
            missing.add(src)
            lines += [f"{src}:", f"\t@echo 'scene {name}: {src} does not exist (it is registered in "
                      f"scenes/registry.py)' >&2; exit 1", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

def _count(name: str):
    def parse(text: str) -> int:
        if not text.isdigit():
            raise argparse.ArgumentTypeError(f"invalid {name} {text!r}; valid: an animation number, "
                                             f"0 (the first) or more")
        return int(text)
    return parse


def _crf(text: str) -> int:
    if not (text.isdigit() and 0 <= int(text) <= 63):
        raise argparse.ArgumentTypeError(f"invalid CRF {text!r}; valid: an integer from 0 to 63")
    return int(text)


def _seconds(name: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not (value >= 0 and value != float("inf")):
            raise argparse.ArgumentTypeError(f"invalid {name} {text!r}; valid: a time in seconds, 0 or more")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m render", description="Render the scenes and their web exports.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def render_opts(sp, default_quality):
        sp.add_argument("name")
        sp.add_argument("--quality", default=default_quality,
                        help=f"{'|'.join(pipeline.QUALITIES)} (default {default_quality})")
        sp.add_argument("--theme", default=None, help="light|dark (default $GD_THEME or light)")
        sp.add_argument("--data-dir", default=None, help="scenario files (default build/data)")
        sp.add_argument("--out", default=None)
        sp.add_argument("--verbose", action="store_true", help="show manim's log")

    sub.add_parser("list", help="the scenes, one line each")
    sp = sub.add_parser("check-scene", help="exit 2 with the valid names unless NAME is a scene")
    sp.add_argument("name")
    sp = sub.add_parser("scene", help="one scene into media/preview/NAME.mp4 (low quality)")
    render_opts(sp, pipeline.PREVIEW_QUALITY)
    sp.add_argument("--from", dest="start", type=_count("FROM"), default=None,
                    help="from the K-th animation on (0 = the first; manim's -n) into NAME.from-K.mp4")
    sp = sub.add_parser("still", help="a scene's last frame into media/stills/NAME.png")
    render_opts(sp, pipeline.DEFAULT_QUALITY)
    sp.add_argument("--at", type=_seconds("AT"), default=None,
                    help="the frame at that time in seconds, into NAME.at-<T>s.png")
    sp = sub.add_parser("video", help="one scene into OUT, losslessly (what make videos runs)")
    render_opts(sp, pipeline.DEFAULT_QUALITY)
    sp.add_argument("--index", default=None, help="i/n shown in the progress line")
    for kind in ("gif", "poster"):
        sp = sub.add_parser(kind, help=f"the {kind} export of a rendered MP4")
        sp.add_argument("src")
        sp.add_argument("--out", required=True)
        if kind == "poster":
            sp.add_argument("--time", type=float, default=None,
                            help="seconds (default: the last frame before any fade-out)")
            sp.add_argument("--samples", default=None,
                            help="judge the frames from this smaller copy of SRC (its GIF)")
    sp = sub.add_parser("web", help="the H.264 MP4, AV1 and GIF exports of a master, from one decode")
    sp.add_argument("src")
    sp.add_argument("--mp4", required=True)
    sp.add_argument("--av1", default=None, help="the AV1 MP4 (skipped with a note when ffmpeg has no "
                                               "libsvtav1)")
    sp.add_argument("--gif", required=True)
    sp.add_argument("--av1-crf", type=_crf, default=None,
                    help="the AV1 file's CRF (default: render/ffmpeg.py's; a scene's is in its registry entry)")
    for kind in ("manifest", "gallery"):
        sp = sub.add_parser(kind, help=f"media/{'manifest.json' if kind == 'manifest' else 'index.html'}")
        sp.add_argument("--media", default=str(ROOT / "media"))
        sp.add_argument("--out", default=None)
        sp.add_argument("--data-dir", default=None)
        if kind == "manifest":
            sp.add_argument("--figures", default=None,
                            help="folder of the figures to list (default MEDIA/figures)")
        if kind == "gallery":
            sp.add_argument("--manifest", default=None)
            sp.add_argument("--theme", default=None)
    sp = sub.add_parser("makefile", help="write the per-scene make rules")
    sp.add_argument("--out", required=True)
    return p


COMMANDS = {"list": cmd_list, "check-scene": cmd_check_scene, "scene": cmd_scene,
            "still": cmd_still, "video": cmd_video, "gif": cmd_export,
            "poster": cmd_export, "web": cmd_web, "manifest": cmd_manifest, "gallery": cmd_gallery,
            "makefile": cmd_makefile}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    unwind_on_termination()
    try:
        if args.command in ("scene", "still", "video"):
            pipeline.get_scene(args.name)
            pipeline.get_quality(args.quality)
            pipeline.get_theme(args.theme)
            if args.out is None and args.command == "video":
                raise UsageError("video needs --out")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        sys.stderr.write(f"python -m render: error: {exc}\n")
        return 2
    except (RenderError, MissingTool, ffmpeg.FFmpegError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
