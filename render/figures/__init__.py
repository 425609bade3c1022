"""The post's stills as matplotlib figures, in the theme the videos use: a package mirroring ``scenes/``.

- ``registry.py``: every figure (name, family module, scenarios read, title, description); importing
  it loads no matplotlib, so the manifest and the make rules read it directly;
- one module per family: ``regression.py``, ``descent.py``, ``learning_rates.py``, ``races.py``;
  each figure is a function ``(ctx) -> Figure`` that reads only ``build/data/<scenario>.npz``
  (through ``ctx.data``) and maps the arrays onto axes: there is no descent maths here;
- ``common.py``: the drawing context and the helpers the families share; ``style.py``: the one
  matplotlib style (rcParams from the theme, colour maps, reproducible saving);
- ``cli.py``: ``python -m render.figures [--out DIR] [--theme light|dark] [NAME ...]``, ``--list``,
  ``--makefile OUT``.

:func:`build` draws a figure; :func:`render` writes ``<out>/<name>.png`` (200 dpi) and ``.svg``
atomically and byte-reproducibly. Both import matplotlib only when called.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from render.figures.registry import FIGURES, FigureEntry, FigureError, get

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "media" / "figures"

__all__ = ["FIGURES", "FigureEntry", "FigureError", "get", "build", "render", "DEFAULT_OUT"]


def build(name: str, theme: str | None = None):
    """Draw figure ``name`` in ``theme`` (default ``$GD_THEME`` or light); returns the Figure."""
    import matplotlib as mpl

    from render.figures import style
    from render.figures.common import Ctx

    entry = get(name)
    try:
        theme = style.theme_name(theme)
    except ValueError as e:
        raise FigureError(str(e)) from None
    draw = getattr(importlib.import_module(f"render.figures.{entry.module}"), entry.draw_function)
    with mpl.rc_context(style.rc(theme)):
        return draw(Ctx(style.palette(theme), entry))


def render(name: str, out_dir=DEFAULT_OUT, theme: str | None = None) -> tuple[Path, Path]:
    """Draw figure ``name`` and write ``<out_dir>/<name>.png`` and ``.svg``; records the commit it
    was drawn from for the manifest (the files' bytes do not name it)."""
    import matplotlib as mpl

    from render import pipeline
    from render.figures import style

    theme = style.theme_name(theme)
    fig = build(name, theme)
    with mpl.rc_context(style.rc(theme)):
        png, svg = style.save(fig, Path(out_dir) / name)
    state = pipeline.git_state()
    for path in (png, svg):
        pipeline.record_provenance(path, {"theme": theme, **state})
    return png, svg
