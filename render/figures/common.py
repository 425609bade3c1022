"""What every figure family shares: the drawing context, figure sizes and small drawing helpers.

A drawing function gets a :class:`Ctx` (the palette and its registry entry) and returns a
matplotlib ``Figure``; it reads its scenario files only through ``ctx.data(name)``. Artists carrying
data get a ``gid`` (``path-0``, ``samples``, ``loss-curve``, ...), so tests and SVG consumers can
find them.
"""

from __future__ import annotations

from typing import NamedTuple

from render.figures import style  # noqa: F401  (selects the Agg backend before matplotlib draws)

from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from core.datafile import ScenarioData, load_scenario
from render.figures.registry import FigureEntry

SINGLE = (7.2, 4.6)  # inches at 100 dpi layout; PNGs are 2x (style.DPI = 200)


class Ctx(NamedTuple):
    """What a drawing function gets: the palette and its registry entry (title, scenarios)."""

    pal: object
    entry: FigureEntry

    def data(self, scenario: str) -> ScenarioData:
        if scenario not in self.entry.data:  # keeps FIGURES (and so the Makefile) honest
            raise KeyError(f"figure {self.entry.name!r} reads {scenario!r} but lists {self.entry.data}")
        return load_scenario(scenario)


def fmt(v: float) -> str:
    """A number for a label: 2.0 -> 2, 0.015 -> 0.015, 4.6e19 -> 4.6×10¹⁹ (mathtext)."""
    v = float(v)
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        m, e = f"{v:.1e}".split("e")
        return rf"{m}\times10^{{{int(e)}}}"
    return f"{v:.4g}"


def new_figure(ctx: Ctx, size) -> Figure:
    fig = Figure(figsize=size, layout="constrained")
    fig.set_facecolor(ctx.pal.background)
    return fig


def mark_start_end(ax, pts, color, pal, *, gid: str, zorder=5, end=True, size=7.0):
    """A hollow circle at the start and a filled dot at the end of a path (x, y columns)."""
    ax.plot(pts[0, 0], pts[0, 1], "o", ms=size, mfc=pal.background, mec=color, mew=1.6,
            zorder=zorder + 1, gid=f"{gid}-start")
    if end:
        ax.plot(pts[-1, 0], pts[-1, 1], "o", ms=size * 0.85, color=color, mec=pal.background,
                mew=0.8, zorder=zorder + 1, gid=f"{gid}-end")


def halo(pal, lw):
    """A thin background-coloured outline under a line, so it reads on any colour map."""
    return [patheffects.Stroke(linewidth=lw + 1.6, foreground=pal.background, alpha=0.85),
            patheffects.Normal()]


def legend_handles(pal, items):
    """Proxy artists for a legend: ('line'|'start'|'end'|'marker', colour, label[, marker])."""
    out = []
    for kind, color, label, *rest in items:
        if kind == "line":
            out.append(Line2D([], [], color=color, lw=2.0, label=label, ls=rest[0] if rest else "-"))
        elif kind == "start":
            out.append(Line2D([], [], ls="none", marker="o", ms=7, mfc=pal.background, mec=color,
                              mew=1.6, label=label))
        elif kind == "end":
            out.append(Line2D([], [], ls="none", marker="o", ms=6, color=color, label=label))
        else:
            out.append(Line2D([], [], ls="none", marker=rest[0], ms=13 if rest[0] == "*" else 8, color=color,
                              mec=pal.background, mew=0.8, label=label))
    return out


def domain_limits(ax, d, pad=0.06):
    (x0, x1), (y0, y1) = d["domain"]
    px, py = pad * (x1 - x0), pad * (y1 - y0)
    ax.set_xlim(x0 - px, x1 + px)
    ax.set_ylim(y0 - py, y1 + py)
