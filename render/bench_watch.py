"""``make bench`` (watch part): how soon a save shows in ``make watch``, and what an idle watch costs.

    python -m render.bench_watch [--scenes convex-descent,gradient-field] [--quality low]
                                 [--edits 3] [--idle 10] [--out build/bench/watch.json]

In a throw-away copy of the project (render/sandbox.py), per scene:

1. by hand: a change to the scene's last beat, then ``python -m render scene NAME`` (what
   ``make scene`` runs: a fresh Python importing manim, every play drawn), wall seconds;
2. the watch (``python -m render.watch NAME --port 0``): after its first render, the same kind of
   change ``--edits`` times; seconds from the write of the file to the new preview renamed into
   place (median), and how many plays came from the cache;
3. the idle watch: CPU seconds of the watcher and its worker over ``--idle`` seconds with nothing
   changing, as a percentage of one core.

Wall seconds depend on what else the machine runs; the CPU seconds printed beside them (of the
render and everything it ran) much less.

The change: the last ``self.wait(...)`` in ``construct`` waits 0.5 s longer (or one is added at
its end). Also printed: the seconds ``import manim`` takes in a fresh Python, which the warm
worker saves every render. Targets: save to preview within 2 s at low quality; idle < 1 % of a core.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from render import outputs, pipeline, sandbox
from render.pipeline import ROOT

LINE = re.compile(r" -> \S+ \S+ in ([\d.]+) s(?:, (\d+) of (\d+) plays reused)?")
_TICK = os.sysconf("SC_CLK_TCK")


def late_beat_edit(source: str, n: int) -> str:
    """``source`` with its last ``self.wait(X)`` in ``construct`` made ``self.wait((X) + 0.5 * n)``
    (or ``self.wait(0.5)`` added at the end of ``construct``)."""
    tree = ast.parse(source)
    construct = next(node for node in ast.walk(tree)
                     if isinstance(node, ast.FunctionDef) and node.name == "construct")
    waits = [node for node in ast.walk(construct) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "wait"
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"]
    lines = source.splitlines(keepends=True)
    if waits:
        call = max(waits, key=lambda c: (c.lineno, c.col_offset))
        arg = ast.get_source_segment(source, call.args[0]) if call.args else "1.0"
        new = f"self.wait(({arg}) + {0.5 * n})"
        start = sum(len(ln) for ln in lines[:call.lineno - 1]) + call.col_offset
        end = sum(len(ln) for ln in lines[:call.end_lineno - 1]) + call.end_col_offset
        return source[:start] + new + source[end:]
    last = construct.body[-1]
    indent = " " * last.col_offset
    at = sum(len(ln) for ln in lines[:last.end_lineno])
    return source[:at] + f"{indent}self.wait({0.5 * n})\n" + source[at:]


def cpu_seconds(pid: int, *, waited_children: bool = False) -> float:
    """User + system CPU seconds of process ``pid`` (with ``waited_children``, also those of its
    children that ended and were waited for: the worker's renders, the watcher's ffmpeg)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if waited_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def children(pid: int) -> list[int]:
    out = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(proc.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def import_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import render.manim_authoring"], cwd=ROOT, check=True,
                   env=pipeline.manim_env("light", pipeline.data_dir(), pipeline.TEX_CACHE))
    return time.perf_counter() - t0


def _stamp(path: Path):
    try:
        st = path.stat()
        return st.st_ino, st.st_mtime_ns
    except OSError:
        return None


def bench_scene(root: Path, name: str, quality: str, edits: int, idle: float) -> dict:
    entry = pipeline.get_scene(name)
    scene = root / "scenes" / (entry.module + ".py")
    original = scene.read_text()
    row = {"scene": name, "quality": quality}
    cmd = [sys.executable, "-m", "render", "scene", name, "--quality", quality,
           "--out", str(root / "media" / "preview" / f"{name}.mp4")]
    subprocess.run(cmd, cwd=root, check=True, capture_output=True)  # typesets its formulas once
    scene.write_text(late_beat_edit(original, 1))
    cpu0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, cwd=root, check=True, capture_output=True)
    row["by_hand_seconds"] = round(time.perf_counter() - t0, 2)
    row["by_hand_cpu_seconds"] = round(_children_cpu() - cpu0, 2)
    scene.write_text(original)

    preview = root / "media" / "preview" / f"{name}.watch.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "render.watch", name, "--quality", quality,
                             "--port", "0"], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    seen = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            seen.set()
    threading.Thread(target=read, daemon=True).start()

    def wait_line(count: int, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [ln for ln in lines if " -> " in ln]
            if len(done) >= count:
                return done[count - 1]
            if proc.poll() is not None:
                raise RuntimeError("the watch exited:\n" + "\n".join(lines))
            seen.wait(0.05)
            seen.clear()
        raise RuntimeError(f"no render line in {timeout} s:\n" + "\n".join(lines))

    try:
        m = LINE.search(wait_line(1))
        if not m:
            raise RuntimeError("\n".join(lines))
        row["first_seconds"] = float(m.group(1))
        latencies, reused, cpu = [], [], []
        pids = [proc.pid, *children(proc.pid)]

        def tree_cpu():
            return sum(cpu_seconds(p, waited_children=True) for p in pids)
        for i in range(1, edits + 1):
            before = _stamp(preview)
            cpu_before = tree_cpu()
            scene.write_text(late_beat_edit(original, i))
            t_save = time.perf_counter()
            while _stamp(preview) == before:
                if proc.poll() is not None:
                    raise RuntimeError("\n".join(lines))
                time.sleep(0.005)
            latencies.append(time.perf_counter() - t_save)
            m = LINE.search(wait_line(1 + i))
            cpu.append(tree_cpu() - cpu_before)
            if m and m.group(2):
                reused.append(f"{m.group(2)}/{m.group(3)}")
            time.sleep(0.3)
        row["save_to_preview_seconds"] = [round(x, 2) for x in latencies]
        row["save_to_preview_median"] = round(statistics.median(latencies), 2)
        row["plays_reused"] = reused
        row["save_to_preview_cpu_median"] = round(statistics.median(cpu), 2)
        time.sleep(1.0)
        cpu0, t0 = sum(cpu_seconds(p) for p in pids), time.perf_counter()
        time.sleep(idle)
        cpu1, t1 = sum(cpu_seconds(p) for p in pids), time.perf_counter()
        row["idle_percent_of_a_core"] = round(100 * (cpu1 - cpu0) / (t1 - t0), 2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        scene.write_text(original)
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m render.bench_watch", description=__doc__.split("\n")[0])
    p.add_argument("--scenes", default="convex-descent,gradient-field")
    p.add_argument("--quality", default="low")
    p.add_argument("--edits", type=int, default=3)
    p.add_argument("--idle", type=float, default=10.0)
    p.add_argument("--out", default=str(ROOT / "build" / "bench" / "watch.json"))
    args = p.parse_args(argv)
    names = args.scenes.split(",")
    for name in names:
        pipeline.get_scene(name)
    pipeline.get_quality(args.quality)
    result = {"import_manim_seconds": round(import_seconds(), 2), "scenes": []}
    print(f"== make watch ({args.quality}; in a copy of the project): a change to the last beat, "
          f"saved {args.edits} times")
    print(f"importing manim in a fresh Python: {result['import_manim_seconds']:.2f} s "
          f"(the warm worker's saving per render)")
    print(f"{'scene':<22}{'by hand s':>10}{'(CPU s)':>9}{'watch 1st s':>12}{'save->preview s':>17}"
          f"{'(CPU s)':>9}{'reused':>8}{'idle % core':>13}")
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        root = sandbox.create(Path(tmp) / "project", figures=False, git=False)
        cache = ROOT / "build" / "render" / "tex-cache"
        if cache.is_dir():  # formulas typeset already, as on an author's machine
            shutil.copytree(cache, root / "build" / "render" / "tex-cache")
        for name in names:
            try:
                row = bench_scene(root, name, args.quality, args.edits, args.idle)
            except (RuntimeError, subprocess.CalledProcessError) as exc:
                print(f"{name:<22}  failed: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc}")
                result["scenes"].append({"scene": name, "error": str(exc)})
                continue
            result["scenes"].append(row)
            print(f"{name:<22}{row['by_hand_seconds']:>10.2f}{row['by_hand_cpu_seconds']:>9.2f}"
                  f"{row['first_seconds']:>12.2f}{row['save_to_preview_median']:>17.2f}"
                  f"{row['save_to_preview_cpu_median']:>9.2f}{(row['plays_reused'] or ['-'])[-1]:>8}"
                  f"{row['idle_percent_of_a_core']:>13.2f}", flush=True)
    print("targets: save->preview <= 2 s; idle < 1 % of a core")
    out = Path(args.out)
    outputs.write_text_atomic(out, json.dumps(result, indent=2) + "\n")
    print(f"figures saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
