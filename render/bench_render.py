"""``make bench`` (render part): how fast the scenes render and how fast ``make videos`` is.

    python -m render.bench_render [--scenes a,b] [--qualities low,high] [--build-quality high]
                                  [--skip-scenes] [--skip-build] [--out build/bench/render.json]

1. Per scene, at each quality (default low and high): manim's render seconds and frames/s, and at
   the last quality, rendered losslessly as ``make videos`` does, the export seconds as ``make``
   runs them: the H.264 MP4, the AV1 MP4 and the GIF from one decode of that master (``render
   web``), then the poster judged from the GIF. Written to a temporary folder. Each
   scene gets a TeX cache of its own, empty at first: at the first quality it renders twice, the
   first time typesetting every formula as on a fresh machine ("first s"), then with its formulas
   cached as when an author renders it again ("render s", the figure the targets speak of).
   The user's TeX cache (build/render/tex-cache) is neither read nor written.
2. The whole ``make videos`` (every video, export, poster, figure, manifest and gallery) from clean
   in a throw-away copy of the project (render/sandbox.py), with -j1 and then -j2: wall seconds,
   CPU seconds (of make and everything it ran) and so how many cores each build kept busy, split
   by stage (renders, exports, posters, figures, other: each recipe line's CPU seconds, logged by
   render/job_clock.sh as make's SHELL); whether the two builds are byte-identical; and the time of
   a no-op ``make videos`` (median of 5).
   -j2 can beat -j1 by at most (cores x -j1's wall / -j2's CPU): a render draws on one thread while
   its encoder works on another, so -j1 already keeps more than one core busy. The benchmark prints
   that bound beside the speed-up.

3. The lecture deck (``make -j2 slides``) in the same copy: right after the videos at their theme
   (the slides come from the videos' renders) and, dark, from clean (:func:`bench_slides`).

Targets on 2 cores: one scene at low quality < 10 s (rendered again); all scenes at 1080p60 with
exports < 6 min with -j2; -j2 >= 1.6x faster than -j1; no-op < 2 s; the lecture deck from clean at
1080p60 < 5 min and <= 60 % of the videos' build. The user's media/ is never
touched. Step 2 at high quality takes as long as two full builds: minutes to an hour, depending on
the scenes. Figures are printed and saved as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from render import exports, pipeline, sandbox
from render.outputs import RenderError, sha256, write_text_atomic
from render.pipeline import ROOT


def bench_scenes(names, qualities, tmp: Path, masters: Path | None = None) -> list[dict]:
    rows = []
    print(f"{'scene':<22}{'quality':>9}{'frames':>8}{'first s':>9}{'render s':>10}{'frames/s':>10}"
          f"{'web s':>8}{'poster s':>9}")
    for name in names:
        for qi, quality in enumerate(qualities):
            out = tmp / f"{name}.{quality}.mp4"
            row = {"scene": name, "quality": quality}
            try:
                tex = tmp / f"tex-{name}"
                last = qi == len(qualities) - 1  # the master make videos renders, then exports
                if qi == 0:  # typesets every formula of the scene, into the empty cache
                    cold = pipeline.render_video(name, quality, out=out, key=f"bench-{quality}-first",
                                                 tex_cache=tex, lossless=last)
                    row["first_seconds"] = round(cold.seconds, 2)
                r = pipeline.render_video(name, quality, out=out, key=f"bench-{quality}", tex_cache=tex,
                                          lossless=last)
            except (RenderError, pipeline.MissingTool) as exc:
                row["error"] = str(exc).splitlines()[0]
                print(f"{name:<22}{quality:>9}  failed: {row['error']}", flush=True)
                rows.append(row)
                continue
            row.update(frames=r.frames, seconds=round(r.seconds, 2),
                       fps=round(r.frames / r.seconds, 2), duration=r.duration)
            first_col = f"{row['first_seconds']:>9.1f}" if "first_seconds" in row else " " * 9
            line = (f"{name:<22}{quality:>9}{r.frames:>8}{first_col}{r.seconds:>10.1f}"
                    f"{r.frames / r.seconds:>10.1f}")
            if last:  # the exports, at the last (highest) quality
                mp4, av1, gif = tmp / f"{name}.web.mp4", tmp / f"{name}.av1.mp4", tmp / f"{name}.gif"
                for kind, fn in (("web", lambda: exports.make_web(out, mp4, av1, gif)),
                                 ("poster", lambda: exports.make_poster(out, tmp / f"{name}.png",
                                                                        samples=gif))):
                    t0 = time.perf_counter()
                    fn()
                    row[f"{kind}_seconds"] = round(time.perf_counter() - t0, 2)
                line += f"{row['web_seconds']:>8.1f}{row['poster_seconds']:>9.1f}"
                if masters is not None:  # kept for render.bench_formats
                    masters.mkdir(parents=True, exist_ok=True)
                    shutil.move(out, masters / f"{name}.mp4")
            print(line, flush=True)
            rows.append(row)
    return rows


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process waited for, and of theirs."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _make(root: Path, jobs: int, quality: str, clock: Path | None = None) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds and the result of ``make -jN -k videos`` in ``root``; with
    ``clock``, every recipe line run through :data:`JOB_CLOCK`, which logs its seconds there."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    extra, env = (), None
    if clock is not None:
        extra, env = (f"SHELL={JOB_CLOCK}",), {**os.environ, "GD_JOB_CLOCK": str(clock)}
    res = sandbox.make(root, "-k", "videos", f"QUALITY={quality}", *extra, jobs=jobs, env=env)
    return time.perf_counter() - t0, _children_cpu() - cpu0, res


# make's SHELL that logs each recipe line's wall and CPU seconds (render/job_clock.sh), and the
# stages of a build as their recipes start (render/videos.mk, render/figures.mk); the rest is
# "other" (option files, the manifest, the gallery, the embed snippets, make's bookkeeping).
JOB_CLOCK = ROOT / "render" / "job_clock.sh"
STAGES = (("renders", re.compile(r"-m render video ")), ("exports", re.compile(r"-m render web ")),
          ("posters", re.compile(r"-m render poster ")), ("figures", re.compile(r"-m render\.figures ")))


def stage_split(clock: Path) -> dict:
    """CPU seconds per stage (:data:`STAGES`, then "other") from a :data:`JOB_CLOCK` log, and how
    many recipe lines each had: ``{stage: {"cpu_seconds", "jobs"}}``."""
    out = {name: {"cpu_seconds": 0.0, "jobs": 0} for name, _ in STAGES}
    out["other"] = {"cpu_seconds": 0.0, "jobs": 0}
    for line in Path(clock).read_text(encoding="utf-8").splitlines():
        wall, cpu, command = line.split(" ", 2)
        stage = next((name for name, pattern in STAGES if pattern.search(command)), "other")
        out[stage]["cpu_seconds"] += float(cpu)
        out[stage]["jobs"] += 1
    for row in out.values():
        row["cpu_seconds"] = round(row["cpu_seconds"], 1)
    return out


def parallel_figures(j1_seconds: float, j1_cpu: float, j2_seconds: float, j2_cpu: float,
                     cores: int) -> dict:
    """How far -j2 got, and how far it could get.

    A build's cores busy = its CPU seconds / its wall seconds. On ``cores`` cores a build with
    ``j2_cpu`` CPU seconds takes at least ``j2_cpu / cores`` seconds, so -j2's speed-up over -j1
    is at most ``j1_seconds * cores / j2_cpu``: 2 / 1.29 = 1.55x when -j1 keeps 1.29 of 2 cores
    busy and both builds use the same CPU.
    """
    return {"j1_cores_busy": round(j1_cpu / j1_seconds, 2),
            "j2_cores_busy": round(j2_cpu / j2_seconds, 2),
            "speedup": round(j1_seconds / j2_seconds, 2),
            "speedup_bound": round(j1_seconds * cores / j2_cpu, 2)}


NOTHING_TO_DO = re.compile(r"^make(\[\d+\])?: Nothing to be done for '[^']*'\.$")


def _clean(root: Path) -> None:
    for path in (root / "media", root / "build" / "render", root / "build" / "scenes.mk"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def bench_build(quality: str, tmp: Path) -> dict:
    root = sandbox.create(tmp / "project")
    out = {"quality": quality}
    hashes = {}
    for jobs in (1, 2):
        _clean(root)
        clock = tmp / f"jobs.j{jobs}.log"
        clock.unlink(missing_ok=True)
        seconds, cpu, res = _make(root, jobs, quality, clock=clock)
        media = root / "media"
        hashes[jobs] = {p.relative_to(media).as_posix(): sha256(p)
                        for p in sorted(media.rglob("*")) if p.is_file()}
        out[f"j{jobs}_seconds"] = round(seconds, 1)
        out[f"j{jobs}_cpu_seconds"] = round(cpu, 1)
        out[f"j{jobs}_ok"] = res.returncode == 0
        status = "ok" if res.returncode == 0 else f"make exit {res.returncode}"
        print(f"make -j{jobs} videos QUALITY={quality} from clean: {seconds:.1f} s, {cpu:.0f} CPU-s, "
              f"{cpu / seconds:.2f} cores busy ({len(hashes[jobs])} files, {status})", flush=True)
        if clock.exists():
            split = out[f"j{jobs}_stages"] = stage_split(clock)
            print("    CPU-s by stage: " + ", ".join(
                f"{name} {row['cpu_seconds']:.0f} ({row['jobs']})" for name, row in split.items()))
        if res.returncode != 0:
            errors = [ln for ln in res.stderr.splitlines() if ln.startswith(("error", "scene"))]
            for ln in errors[:10]:
                print(f"    {ln}")
    cores = len(os.sched_getaffinity(0))
    out["cores"] = cores
    out.update(parallel_figures(out["j1_seconds"], out["j1_cpu_seconds"], out["j2_seconds"],
                                out["j2_cpu_seconds"], cores))
    differ = sorted(p for p in set(hashes[1]) | set(hashes[2]) if hashes[1].get(p) != hashes[2].get(p))
    out["j2_equals_j1"] = not differ
    print(f"-j2 speed-up over -j1: {out['speedup']:.2f}x, of at most {out['speedup_bound']:.2f}x on "
          f"{cores} cores (-j1 kept {out['j1_cores_busy']:.2f} busy); outputs identical: "
          f"{'yes' if not differ else 'no: ' + ', '.join(differ[:5])}")
    noop = []
    for _ in range(5):
        seconds, _, res = _make(root, 2, quality)
        noop.append(seconds)
        said = [ln for ln in res.stdout.splitlines() if ln.strip() and not NOTHING_TO_DO.match(ln)]
        if said:  # anything but make's own "Nothing to be done" means it ran something
            print(f"    no-op printed: {said[0]}")
    out["noop_seconds"] = round(statistics.median(noop), 3)
    print(f"no-op make videos: {out['noop_seconds']:.3f} s (median of 5)")
    out["slides"] = bench_slides(root, quality, out["j2_seconds"])
    return out


def bench_slides(root: Path, quality: str, videos_seconds: float) -> dict:
    """``make -j2 slides`` (the lecture deck, issue 15) beside the videos' build, in the same copy.

    1. THEME=light, right after ``make videos`` (light): the slides come from the videos' renders,
       so only the decks are written. 2. The default dark deck from clean (no slides kept): every
       scene renders as a slide deck on its own; its wall time against -j2 ``make videos`` (target
       <= 60 %, and under 5 minutes at 1080p60 on 2 cores)."""
    out = {}
    for key, extra in (("shared", ["THEME=light"]), ("clean", [])):
        if key == "clean":
            for path in (root / "build" / "render" / "slides", root / "media" / "slides"):
                shutil.rmtree(path, ignore_errors=True)
        cpu0, t0 = _children_cpu(), time.perf_counter()
        res = sandbox.make(root, "slides", f"QUALITY={quality}", *extra, jobs=2)
        seconds, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
        rendered = sum(1 for ln in res.stdout.splitlines() if "  slides  " in ln
                       and "from the video's render" not in ln)
        out[key] = {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                    "scenes_rendered": rendered, "ok": res.returncode == 0,
                    "of_videos": round(seconds / videos_seconds, 2)}
        what = ("after make videos (light): slides from the videos' renders" if key == "shared"
                else "dark, from clean")
        status = "ok" if res.returncode == 0 else f"make exit {res.returncode}"
        print(f"make -j2 slides QUALITY={quality} {what}: {seconds:.1f} s, {cpu:.0f} CPU-s, "
              f"{rendered} scenes rendered, {seconds / videos_seconds:.0%} of make -j2 videos "
              f"({status})", flush=True)
    deck = root / "media" / "slides"
    files = [p for p in deck.rglob("*") if p.is_file()] if deck.is_dir() else []
    out["deck_bytes"] = sum(p.stat().st_size for p in files)
    print(f"    deck: {len(files)} files, {out['deck_bytes'] / 1e6:.1f} MB (lecture.pptx "
          f"{(deck / 'lecture.pptx').stat().st_size / 1e6 if (deck / 'lecture.pptx').exists() else 0:.1f} MB)"
          f"; targets: dark deck from clean <= 60 % of the videos' build and < 5 min at 1080p60")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m render.bench_render", description=__doc__.split("\n")[0])
    p.add_argument("--scenes", default=None, help="comma-separated (default: every scene with a file)")
    p.add_argument("--qualities", default="low,high")
    p.add_argument("--build-quality", default="high", help="quality of the whole-build runs")
    p.add_argument("--skip-scenes", action="store_true")
    p.add_argument("--skip-build", action="store_true")
    p.add_argument("--out", default=str(ROOT / "build" / "bench" / "render.json"))
    p.add_argument("--masters", default=None,
                   help="keep the lossless renders of the last quality here (<scene>.mp4)")
    args = p.parse_args(argv)

    scenes = pipeline.registry()
    names = args.scenes.split(",") if args.scenes else \
        [n for n, e in scenes.items() if pipeline.scene_file(e).exists()]
    qualities = args.qualities.split(",")
    for q in qualities + [args.build_quality]:
        pipeline.get_quality(q)
    result = {"scenes": [], "build": None}
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp = Path(tmp)
        if not args.skip_scenes:
            print(f"== per scene ({len(names)} scenes; manim's seconds incl. start-up; first = no formula "
                  f"typeset yet, render = again)")
            result["scenes"] = bench_scenes(names, qualities, tmp,
                                            Path(args.masters) if args.masters else None)
        if not args.skip_build:
            print(f"== whole make videos, QUALITY={args.build_quality} (in a copy of the project)")
            result["build"] = bench_build(args.build_quality, tmp)
    out = Path(args.out)
    write_text_atomic(out, json.dumps(result, indent=2) + "\n")
    print(f"figures saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
