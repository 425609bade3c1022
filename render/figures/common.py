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
    """A hollow ring (the theme's ``start``) at the start and a filled dot in ``color`` (the
    descending point's) at the end of a path (x, y columns)."""
    ax.plot(pts[0, 0], pts[0, 1], "o", ms=size * 0.8, mfc=pal.background, mec=pal.start, mew=1.2,
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
            out.append(Line2D([], [], ls="none", marker="o", ms=5.6, mfc=pal.background, mec=color,
                              mew=1.2, label=label))
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


def run_colour(pal, run: dict, i: int) -> str:
    """The colour of run ``i`` (its ``meta["runs"]`` record): the theme's colour for its optimizer
    (the race videos use the same), else by position."""
    colour = pal.optimizer_colours.get(run["name"])
    return colour if colour is not None else pal.paths[i % len(pal.paths)]


def run_label(pal, run: dict) -> str:
    """A run's legend entry from its ``meta["runs"]`` record: ``Adam  α = 0.5``."""
    return rf"{pal.optimizer_names.get(run['name'], run['name'])}  $\alpha = {run['lr']:g}$"


def theme_axes_3d(ax3, pal, box_aspect, zoom: float, title: str) -> None:
    """A 3-D axes in the theme: panes in the background colour, axis lines in the axis colour,
    the box's aspect and zoom, a title close above."""
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_pane_color(style.with_alpha(pal.background, 1.0))
        axis.line.set_color(pal.axis)
    ax3.set_facecolor(pal.background)
    ax3.set_box_aspect(box_aspect, zoom=zoom)
    ax3.set_title(title, pad=0)
