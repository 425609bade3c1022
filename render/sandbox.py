"""A throw-away copy of the project for end-to-end tests and benchmarks of ``make videos``.

The copy holds the sources (Makefile, core/, scenes/, render/, assets/), the scenario data (from
the data directory, ``GD_DATA_DIR`` or build/data; a scenario missing there is computed) and its
own git repository, so builds there never touch the real ``media/`` or ``build/``. It uses
the project's virtualenv through ``PY=...`` and a stamp of its own (``STAMP=...``), so make never
runs the set-up (pip) from a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from core import datafile, scenarios
from render.pipeline import ROOT

SOURCES = ("Makefile", "pyproject.toml", "core", "scenes", "render", "assets")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*.swp")


def create(dst: Path, *, scenes: dict | None = None, scene_files=(), figures: bool = True,
           git: bool = True) -> Path:
    """Copy the project into ``dst``.

    ``scenes``: if given, ``{name: (module, cls, data, description[, alt])}`` replaces the
    registry's SCENES (the real SceneEntry class is kept); ``scene_files``: extra files copied into
    ``scenes/``; ``figures=False`` leaves render/figures.mk out (videos only).
    """
    dst = Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=IGNORE, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, dst / name)
    if not figures:
        (dst / "render" / "figures.mk").unlink(missing_ok=True)
    for f in scene_files:
        shutil.copy2(f, dst / "scenes" / Path(f).name)
    if scenes is not None:
        entries = ",\n    ".join(f"SceneEntry({n!r}, {m!r}, {c!r}, {tuple(d)!r}, {desc!r}"
                                 + "".join(f", {x!r}" for x in rest) + ")"
                                 for n, (m, c, d, desc, *rest) in scenes.items())
        reg = dst / "scenes" / "registry.py"
        reg.write_text(reg.read_text() + "\n\n# Replaced for this sandbox.\nSCENES = {e.name: e for e in [\n    "
                       + entries + ",\n]}\n")
    # Scenario data: the current files, with their stamps newer than the copied core sources.
    data_src, data_dst = datafile.data_dir(), dst / "build" / "data"
    data_dst.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for name in scenarios.SCENARIOS:
        npz = data_src / f"{name}.npz"
        if npz.exists():
            shutil.copy2(npz, data_dst / npz.name)
        else:
            datafile.save(data_dst / npz.name, *scenarios.compute(name))
        stamp = data_dst / f".{name}.stamp"
        stamp.touch()
        os.utime(stamp, (now, now))
    (dst / ".sandbox-installed").touch()
    if git:
        env = {**os.environ, "GIT_AUTHOR_NAME": "sandbox", "GIT_AUTHOR_EMAIL": "sandbox@localhost",
               "GIT_COMMITTER_NAME": "sandbox", "GIT_COMMITTER_EMAIL": "sandbox@localhost",
               # fixed dates: the same sources give the same commit, so two copies' outputs
               # (which record the commit) can be compared byte for byte
               "GIT_AUTHOR_DATE": "2023-03-25T00:00:00Z", "GIT_COMMITTER_DATE": "2023-03-25T00:00:00Z"}
        (dst / ".gitignore").write_text("/build/\n/media/\n__pycache__/\n.sandbox-installed\n")
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sandbox"]):
            subprocess.run(["git", "-C", str(dst), *cmd], check=True, env=env, capture_output=True)
    return dst


def make_args(dst: Path) -> list[str]:
    """The variables to pass to make in the copy: the real virtualenv, the copy's own stamp."""
    return [f"PY={Path(sys.executable)}", f"STAMP={Path(dst) / '.sandbox-installed'}"]


# What a make passes to the commands it runs. A make started from a recipe (`make test` running the
# tests, `make bench` the benchmarks) would read them as its parent's job server, with none of its
# file descriptors: the copy's make is a build of its own, as an author would start it.
MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS")


def make_env(env=None) -> dict:
    """``env`` (default: this process's environment) without make's variables."""
    return {k: v for k, v in (os.environ if env is None else env).items()
            if k not in MAKE_VARIABLES}


def make_command(dst: Path, *targets: str, jobs: int | None = 1) -> list[str]:
    """The make command line for the copy; ``jobs=None`` gives make no ``-j``, as an author
    typing ``make videos`` would. Run it with :func:`make_env`."""
    return ["make", "--no-print-directory", "-C", str(dst),
            *([f"-j{jobs}"] if jobs is not None else []), *make_args(dst), *targets]


def make(dst: Path, *targets: str, jobs: int | None = 1, env=None, timeout=None, **kw):
    """Run make in the copy; returns the CompletedProcess (text output captured)."""
    return subprocess.run(make_command(dst, *targets, jobs=jobs), capture_output=True, text=True,
                          env=make_env(env), timeout=timeout, **kw)
