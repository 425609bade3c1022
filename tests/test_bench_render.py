"""render/bench_render.py: CPU accounting of a make run, the speed-up bound, and the per-scene
first (no formula typeset) and repeat renders."""

import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from render import bench_render, pipeline


def test_children_cpu_counts_grandchildren():
    # make runs a shell that runs python: the CPU of that grandchild must be counted.
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass"
    cpu0, t0 = bench_render._children_cpu(), time.perf_counter()
    subprocess.run(["sh", "-c", f'"{sys.executable}" -c "$0"', busy], check=True)
    cpu, wall = bench_render._children_cpu() - cpu0, time.perf_counter() - t0
    assert 0.4 <= cpu <= wall + 0.05, (cpu, wall)


def test_no_possible_build_beats_the_speedup_bound():
    # Any two builds a machine can run: a build's CPU fits in its wall time on its cores. Then
    # -j2's speed-up over -j1 never exceeds the bound, and cores busy never exceed the cores.
    rng = np.random.default_rng(4)
    for _ in range(2000):
        cores = int(rng.integers(1, 9))
        j1_s, j2_s = rng.uniform(1, 1000, 2)
        j1_cpu, j2_cpu = j1_s * cores * rng.uniform(0.05, 1), j2_s * cores * rng.uniform(0.05, 1)
        f = bench_render.parallel_figures(j1_s, j1_cpu, j2_s, j2_cpu, cores=cores)
        assert f["speedup"] <= f["speedup_bound"] + 0.01, (cores, j1_s, j1_cpu, j2_s, j2_cpu, f)
        assert f["j1_cores_busy"] <= cores + 0.005 and f["j2_cores_busy"] <= cores + 0.005, f


@pytest.mark.parametrize("busy1", [1.0, 1.25, 1.45, 2.0])
def test_speedup_bound_is_cores_over_j1_cores_busy(busy1):
    # Same CPU in both builds, -j2 packed perfectly on 2 cores: the speed-up meets the bound,
    # which is 2 / (cores -j1 keeps busy): 2.0x for one-threaded jobs, 1.6x needs <= 1.25.
    cpu = 600.0
    f = bench_render.parallel_figures(cpu / busy1, cpu, cpu / 2, cpu, cores=2)
    assert f["speedup"] == f["speedup_bound"] == round(2 / busy1, 2)


@pytest.mark.render
def test_bench_scenes_first_render_typesets_and_the_second_reuses(tmp_path, monkeypatch):
    # The first render fills the scene's own, empty TeX cache (one latex run per SVG it holds);
    # the second runs latex not once; the user's cache is left alone. latex is counted by a
    # shim ahead of it on PATH.
    real, calls = shutil.which("latex"), tmp_path / "latex-calls"
    shim = tmp_path / "bin" / "latex"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")

    def latex_runs():
        return len(calls.read_text().splitlines()) if calls.exists() else 0

    user_cache = pipeline.TEX_CACHE
    latex_runs_per_render = []
    render_video = pipeline.render_video

    def counting_render_video(*args, **kwargs):
        before = latex_runs()
        r = render_video(*args, **kwargs)
        latex_runs_per_render.append(latex_runs() - before)
        return r

    monkeypatch.setattr(pipeline, "render_video", counting_render_video)
    (row,) = bench_render.bench_scenes(["hill-descent"], ["test"], tmp_path)
    assert pipeline.TEX_CACHE == user_cache
    assert "error" not in row, row
    assert row["frames"] > 0 and row["first_seconds"] > 0 and row["seconds"] > 0
    assert row["web_seconds"] > 0 and row["poster_seconds"] > 0
    svgs = list((tmp_path / "tex-hill-descent").glob("*.svg"))
    assert latex_runs_per_render == [len(svgs), 0] and svgs


def test_job_clock_logs_each_recipe_lines_cpu_by_stage(tmp_path):
    # make runs three recipes side by side through render/job_clock.sh: python burning a known CPU
    # time under a render's, an export's and a plain command line. Each line's CPU lands in its
    # stage, a failing line keeps its exit status, and nothing is logged without GD_JOB_CLOCK.
    busy = "import sys, time\nt = time.process_time()\nwhile time.process_time() - t < float(sys.argv[1]): pass"
    (tmp_path / "busy.py").write_text(busy)
    py = f'"{sys.executable}" busy.py'
    (tmp_path / "Makefile").write_text(
        "all: r w o\n"
        f"r:\n\t{py} 0.5 -m render video convex-descent --index 1/1\n"
        f"w:\n\t{py} 0.3 -m render web build/render/master/convex-descent.mp4\n"
        f"o:\n\t{py} 0.2 manifest\n\ttrue\n"
        "fail:\n\texit 3\n")
    clock = tmp_path / "jobs.log"
    env = {**os.environ, "GD_JOB_CLOCK": str(clock)}
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(var, None)
    make = ["make", "--no-print-directory", "-C", str(tmp_path), f"SHELL={bench_render.JOB_CLOCK}"]
    subprocess.run([*make, "-j2", "all"], check=True, env=env, capture_output=True)
    split = bench_render.stage_split(clock)
    assert [split[s]["jobs"] for s in ("renders", "exports", "posters", "figures", "other")] == [1, 1, 0, 0, 2]
    for stage, cpu in (("renders", 0.5), ("exports", 0.3), ("other", 0.2)):
        assert cpu <= split[stage]["cpu_seconds"] <= cpu + 0.3, (stage, split)
    for line in clock.read_text().splitlines():
        wall, cpu, _ = line.split(" ", 2)
        assert float(cpu) <= float(wall) + 0.05, line  # one thread: no more CPU than wall time
    res = subprocess.run([*make, "fail"], env=env, capture_output=True, text=True)
    assert res.returncode == 2 and "Error 3" in res.stderr, res.stderr
    lines = len(clock.read_text().splitlines())
    env.pop("GD_JOB_CLOCK")
    subprocess.run([*make, "-B", "o"], check=True, env=env, capture_output=True)
    assert len(clock.read_text().splitlines()) == lines
