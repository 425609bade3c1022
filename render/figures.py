"""Every still of the post as a matplotlib figure, in the theme the animations use.

Each figure is one function that reads only ``build/data/<scenario>.npz`` (through
:func:`core.datafile.load_scenario`) and maps the arrays onto axes; there is no descent maths here.
``FIGURES`` lists them with the scenarios they read, which ``render/figures.mk`` mirrors as
prerequisites (a test keeps the two in step).

    python -m render.figures [--out media/figures] [--theme light|dark] [NAME ...]
    python -m render.figures --list

writes ``<out>/<name>.png`` (200 dpi) and ``<out>/<name>.svg`` atomically and byte-reproducibly.
Artists carrying data have a ``gid`` (``path-0``, ``samples``, ``loss-curve``, ...), so tests and SVG
consumers can find them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from render import figstyle  # selects the Agg backend before anything else touches matplotlib

import matplotlib as mpl  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
import mpl_toolkits.mplot3d  # noqa: E402,F401  (registers the "3d" projection)

from core.datafile import ScenarioData, load_scenario  # noqa: E402
from render import pipeline  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "media" / "figures"

SINGLE = (7.2, 4.6)  # inches at 100 dpi layout; PNGs are 2x (figstyle.DPI = 200)
DOUBLE = (11.5, 4.8)


class FigureSpec(NamedTuple):
    name: str  # media/figures/<name>.png|svg
    title: str  # the post's figure title, where it has one
    data: tuple[str, ...]  # scenarios read from build/data/<scenario>.npz
    description: str
    draw: Callable[["Ctx"], Figure]


class Ctx(NamedTuple):
    """What a drawing function gets: the palette and the spec (title, scenarios)."""

    pal: object
    spec: FigureSpec

    def data(self, scenario: str) -> ScenarioData:
        if scenario not in self.spec.data:  # keeps FIGURES (and so the Makefile) honest
            raise KeyError(f"figure {self.spec.name!r} reads {scenario!r} but lists {self.spec.data}")
        return load_scenario(scenario)


# ------------------------------------------------------------------------------------ helpers
def _fmt(v: float) -> str:
    """A number for a label: 2.0 -> 2, 0.015 -> 0.015, 4.6e19 -> 4.6×10¹⁹ (mathtext)."""
    v = float(v)
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        m, e = f"{v:.1e}".split("e")
        return rf"{m}\times10^{{{int(e)}}}"
    return f"{v:.4g}"


def _figure(ctx: Ctx, size) -> Figure:
    fig = Figure(figsize=size, layout="constrained")
    fig.set_facecolor(ctx.pal.background)
    return fig


def _mark_start_end(ax, pts, color, pal, *, gid: str, zorder=5, end=True, size=7.0):
    """A hollow circle at the start and a filled dot at the end of a path (x, y columns)."""
    ax.plot(pts[0, 0], pts[0, 1], "o", ms=size, mfc=pal.background, mec=color, mew=1.6,
            zorder=zorder + 1, gid=f"{gid}-start")
    if end:
        ax.plot(pts[-1, 0], pts[-1, 1], "o", ms=size * 0.85, color=color, mec=pal.background,
                mew=0.8, zorder=zorder + 1, gid=f"{gid}-end")


def _halo(pal, lw):
    """A thin background-coloured outline under a line, so it reads on any colour map."""
    return [patheffects.Stroke(linewidth=lw + 1.6, foreground=pal.background, alpha=0.85),
            patheffects.Normal()]


def _legend_handles(pal, items):
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


def _loss_axes(ax, pal, losses, color, *, gid="loss-curve", last=None):
    """Loss per step; log scale when the positive losses span more than two decades."""
    steps = np.arange(losses.size)
    if last is not None:
        steps, losses = steps[:last + 1], losses[:last + 1]
    ax.plot(steps, losses, color=color, lw=figstyle.stroke(pal, "path") * 0.8, gid=gid,
            marker="o", ms=2.8)
    pos = losses[losses > 0]
    if pos.size and pos.max() / pos.min() > 100:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(True, which="major")
    ax.set_xlim(-0.5, None)
    return ax


def _contour_bowl(ax, pal, d, *, filled_alpha=0.9):
    """The bowl's landscape: filled contours in the theme's landscape map plus thin lines."""
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    levels = float(gf.max()) * np.linspace(0.0, 1.0, 16) ** 2  # evenly spaced ellipses
    cmap = figstyle.landscape_cmap(pal)
    cs = ax.contourf(gx, gy, gf, levels=levels, cmap=cmap, alpha=filled_alpha)
    cs.set_gid("landscape")
    ax.contour(gx, gy, gf, levels=levels[1:], colors=[pal.grid], linewidths=0.5, alpha=0.8)
    return cs


def _domain_limits(ax, d, pad=0.06):
    (x0, x1), (y0, y1) = d["domain"]
    px, py = pad * (x1 - x0), pad * (y1 - y0)
    ax.set_xlim(x0 - px, x1 + px)
    ax.set_ylim(y0 - py, y1 + py)


# ------------------------------------------------------------------------------------ regression
def _true_line(d: ScenarioData):
    ds = d.meta["params"]["dataset"]
    return ds["w"], ds["b"]


def true_line_and_noisy_points(ctx: Ctx) -> Figure:
    """The linear dataset: true line y = 2x + 1 and the 100 samples with N(0, σ²) noise."""
    pal, d = ctx.pal, ctx.data("linear-regression")
    ds = d.meta["params"]["dataset"]
    x, y = d["x"], d["y"]
    w, b = _true_line(d)
    fig = _figure(ctx, SINGLE)
    ax = fig.add_subplot()
    ax.plot(x, w * x + b, color=pal.true_line, lw=figstyle.stroke(pal, "curve") * 0.7,
            label=rf"True line  $y = {_fmt(w)}x + {_fmt(b)}$", gid="true-line", zorder=3)
    ax.scatter(x, y, s=22, color=pal.samples, alpha=0.7, edgecolors="none", zorder=2,
               label=rf"Samples  ($N = {ds['n']}$, noise $\mathcal{{N}}(0, {_fmt(ds['sigma'])}^2)$)",
               gid="samples")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(True)
    ax.legend(loc="upper left")
    fig.suptitle(ctx.spec.title)
    return fig


def example_result(ctx: Ctx) -> Figure:
    """True line dashed, the samples, and the line the trained (w, b) predicts."""
    pal, d = ctx.pal, ctx.data("linear-regression")
    x, y = d["x"], d["y"]
    w, b = _true_line(d)
    wt, bt = d["positions"][-1, 0]
    steps, lr, loss = d.meta["steps"], d.meta["params"]["lr"], d["losses"][-1, 0]
    fig = _figure(ctx, SINGLE)
    ax = fig.add_subplot()
    ax.plot(x, w * x + b, color=pal.true_line, ls=(0, (5, 3)), lw=figstyle.stroke(pal, "curve") * 0.6,
            label=rf"True  $y = {_fmt(w)}x + {_fmt(b)}$", gid="true-line", zorder=3)
    ax.scatter(x, y, s=22, color=pal.samples, alpha=0.5, edgecolors="none", zorder=2,
               label="Samples", gid="samples")
    ax.plot(x, wt * x + bt, color=pal.prediction, lw=figstyle.stroke(pal, "curve") * 0.7, zorder=4,
            label=rf"Predicted line  $\hat{{y}} = {wt:.2f}x + {bt:.2f}$", gid="prediction")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(True)
    ax.legend(loc="upper left")
    ax.text(0.98, 0.04, rf"after {steps} steps at $\alpha = {_fmt(lr)}$:  MSE $= {loss:.3f}$",
            transform=ax.transAxes, ha="right", va="bottom", color=pal.muted,
            fontsize=figstyle.fontsize(pal, "small_size"))
    fig.suptitle(ctx.spec.title)
    return fig


def _regression_panel(fig, ax, pal, d, title, key):
    gw, gb, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    levels = np.geomspace(float(gf.min()), float(gf.max()), 18)
    cmap = figstyle.landscape_cmap(pal)
    cs = ax.contourf(gw, gb, gf, levels=levels, cmap=cmap, norm=LogNorm(levels[0], levels[-1]))
    cs.set_gid(f"landscape-{key}")
    ax.contour(gw, gb, gf, levels=levels[1:-1], colors=[pal.grid], linewidths=0.45, alpha=0.7)
    pts = d["positions"][:, 0, :]
    ax.plot(pts[:, 0], pts[:, 1], color=pal.point, lw=figstyle.stroke(pal, "path") * 0.4, marker="o",
            ms=2.0, gid=f"path-{key}", zorder=6)
    _mark_start_end(ax, pts, pal.point, pal, gid=f"path-{key}")
    gm = d["global_minima"]
    ax.plot(gm[:, 0], gm[:, 1], ls="none", marker="*", ms=17, color=pal.minimum_global,
            mec=pal.background, mew=0.8, zorder=5, gid=f"global-minimum-{key}")
    cb = fig.colorbar(cs, ax=ax, shrink=0.92, pad=0.02)
    cb.set_label(r"loss $L(w, b)$  (log scale)")
    cb.set_ticks(mpl.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    cb.ax.yaxis.set_major_formatter(mpl.ticker.FormatStrFormatter("%g"))
    cb.ax.yaxis.set_minor_formatter(mpl.ticker.NullFormatter())
    cb.outline.set_edgecolor(pal.grid)
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("bias $b$")
    ax.set_title(title)
    ax.set_aspect("equal")
    lo = d["losses"][:, 0]
    ax.text(0.03, 0.04, rf"loss ${lo[0]:.2f} \rightarrow {lo[-1]:.3f}$ in {lo.size - 1} steps",
            transform=ax.transAxes, color=pal.foreground, fontsize=figstyle.fontsize(pal, "small_size"),
            bbox=dict(boxstyle="round,pad=0.3", fc=pal.background, ec=pal.grid, alpha=0.9))


def regression_loss_landscape(ctx: Ctx) -> Figure:
    """The (w, b) loss landscapes of the linear and parabolic datasets with their trajectories."""
    pal = ctx.pal
    lin, par = ctx.data("linear-regression"), ctx.data("parabolic-regression")
    fig = _figure(ctx, (12.0, 5.4))
    axes = fig.subplots(1, 2)
    ds = par.meta["params"]["dataset"]
    lw, lb = _true_line(lin)
    _regression_panel(fig, axes[0], pal, lin, rf"Linear data  $y = {_fmt(lw)}x + {_fmt(lb)}$ + noise",
                      "linear")
    _regression_panel(fig, axes[1], pal, par,
                      rf"Parabolic data  $y = {'' if ds['a'] == 1 else _fmt(ds['a'])}x^2"
                      rf"{'' if ds['c'] == 0 else ' + ' + _fmt(ds['c'])}$ + noise", "parabolic")
    axes[1].legend(handles=_legend_handles(pal, [
        ("line", pal.point, "descent path"), ("start", pal.point, "start"), ("end", pal.point, "end"),
        ("marker", pal.minimum_global, "minimum", "*")]), loc="lower right")
    fig.suptitle(ctx.spec.title)
    return fig


def comparison_of_losses(ctx: Ctx) -> Figure:
    """Slices along the valley of minima (best b for every w) of both loss landscapes."""
    pal = ctx.pal
    fig = _figure(ctx, SINGLE)
    ax = fig.add_subplot()
    runs = (("linear-regression", "linear data", pal.paths[1], "linear"),
            ("parabolic-regression", "parabolic data", pal.paths[0], "parabolic"))
    offsets = {"linear": (40, 38), "parabolic": (-40, 58)}
    for scenario, label, color, key in runs:
        d = ctx.data(scenario)
        vw, vl = d["valley_w"], d["valley_loss"]
        ax.plot(vw, vl, color=color, lw=figstyle.stroke(pal, "curve") * 0.6, label=label,
                gid=f"valley-{key}")
        i = int(np.argmin(vl))
        ax.plot(vw[i], vl[i], "o", ms=7, color=color, mec=pal.background, mew=1.0, zorder=5,
                gid=f"valley-{key}-min")
        ax.axhline(vl[i], color=color, ls=":", lw=1.0, alpha=0.8, zorder=1)
        ax.annotate(rf"minimum $L = {vl[i]:.2f}$ at $w = {vw[i]:.2f}$", (vw[i], vl[i]),
                    xytext=offsets[key], textcoords="offset points", ha="center", va="bottom",
                    color=color, fontsize=figstyle.fontsize(pal, "small_size"),
                    arrowprops=dict(arrowstyle="-", color=color, lw=0.9, shrinkA=2, shrinkB=5),
                    bbox=dict(boxstyle="round,pad=0.25", fc=pal.background, ec="none", alpha=0.9))
    ax.set_xlabel("weight $w$  (bias at its best value $b^*(w)$)")
    ax.set_ylabel(r"loss $L(w, b^*(w))$")
    ax.set_ylim(bottom=-0.03 * ax.get_ylim()[1])
    ax.grid(True)
    ax.legend(loc="upper center")
    fig.suptitle(ctx.spec.title)
    return fig


# ------------------------------------------------------------------------------------ the hill
def _hill_paths_2d(ax, pal, d, *, lw=None, ms=2.0):
    pos = d["positions"]
    lw = lw or figstyle.stroke(pal, "path") * 0.45
    for i in range(pos.shape[1]):
        color = pal.paths[i % len(pal.paths)]
        ax.plot(pos[:, i, 0], pos[:, i, 1], color=color, lw=lw, gid=f"path-{i}", zorder=4,
                path_effects=_halo(pal, lw),
                solid_capstyle="round")
        _mark_start_end(ax, pos[:, i, :], color, pal, gid=f"path-{i}", size=6.0)


def _hill_axes_2d(ax, d):
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_aspect("equal")
    _domain_limits(ax, d, pad=0.0)
    ticks = np.arange(-1.5, 1.51, 0.5) * np.pi
    ax.set_xticks(ticks, [_pi_label(t) for t in ticks])
    ax.set_yticks(ticks, [_pi_label(t) for t in ticks])


def _pi_label(v: float) -> str:
    k = round(v / (np.pi / 2))
    return {0: "0", 1: r"$\pi/2$", -1: r"$-\pi/2$", 2: r"$\pi$", -2: r"$-\pi$"}.get(
        k, rf"${k}\pi/2$")


def gradient_field_with_paths(ctx: Ctx) -> Figure:
    """∇f of sin x sin y on a grid (arrows point uphill) and the descent paths going against it."""
    pal, d = ctx.pal, ctx.data("gradient-field")
    fig = _figure(ctx, (7.0, 7.6))
    ax = fig.add_subplot()
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    # Faint landscape behind the arrows: valleys (minima) blue, peaks red, as in the hill figure.
    cs = ax.contourf(gx, gy, gf, levels=np.linspace(-1, 1, 9), cmap=figstyle.surface_cmap(pal),
                     alpha=0.28, zorder=0)
    cs.set_gid("landscape")
    fx, fy, g = d["field_x"], d["field_y"], d["field_grad"]
    X, Y = np.meshgrid(fx, fy)
    spacing = min(np.diff(fx).min(), np.diff(fy).min())
    scale = float(np.hypot(g[..., 0], g[..., 1]).max()) / (0.92 * spacing)  # longest arrow ≈ a cell
    ax.quiver(X, Y, g[..., 0], g[..., 1], angles="xy", scale_units="xy", scale=scale,
              color=pal.derivative, alpha=0.55, width=0.0032, headwidth=3.6, headlength=4.2,
              zorder=2, gid="field")
    _hill_paths_2d(ax, pal, d, lw=figstyle.stroke(pal, "path") * 0.55)
    _hill_axes_2d(ax, d)
    fig.suptitle(ctx.spec.title)
    handles = _legend_handles(pal, [("start", pal.foreground, "start"), ("end", pal.foreground, "end")])
    handles.insert(0, Line2D([], [], color=pal.derivative, lw=1.6, alpha=0.8,
                             label=r"gradient $\nabla f(x, y)$", marker=">", ms=5, markevery=[1]))
    handles.insert(1, Line2D([], [], color=pal.foreground, lw=1.8, label="descent path"))
    fig.legend(handles=handles, loc="outside lower center", ncols=4)
    return fig


def hill_paths(ctx: Ctx) -> Figure:
    """The hill sin x sin y in 3-D with the descent paths on it, and the top-down view beside it."""
    pal, d = ctx.pal, ctx.data("hill")
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    pos, losses = d["positions"], d["losses"]
    fig = _figure(ctx, (12.6, 5.6))
    sub = fig.subfigures(1, 2, width_ratios=(1.15, 1.0), wspace=0.0)
    for s in sub:
        s.set_facecolor(pal.background)
    cmap = figstyle.surface_cmap(pal)

    # -- 3-D view: the surface, then the paths drawn on top of it (computed_zorder off)
    ax3 = sub[0].add_subplot(projection="3d", computed_zorder=False)
    X, Y = np.meshgrid(gx, gy)
    surf = ax3.plot_surface(X, Y, gf, cmap=cmap, vmin=-1, vmax=1, rstride=1, cstride=1,
                            linewidth=0.15, edgecolor=figstyle.with_alpha(pal.background, 0.25),
                            antialiased=True, alpha=0.9, zorder=1)
    surf.set_gid("surface")
    for i in range(pos.shape[1]):
        color = pal.paths[i % len(pal.paths)]
        ax3.plot(pos[:, i, 0], pos[:, i, 1], losses[:, i] + 0.02, color=color, zorder=5,
                 path_effects=_halo(pal, figstyle.stroke(pal, "path") * 0.45),
                 lw=figstyle.stroke(pal, "path") * 0.45, gid=f"path3d-{i}")
        ax3.plot([pos[0, i, 0]], [pos[0, i, 1]], [losses[0, i] + 0.02], "o", ms=5, mfc=pal.background,
                 mec=color, mew=1.4, zorder=6)
        ax3.plot([pos[-1, i, 0]], [pos[-1, i, 1]], [losses[-1, i] + 0.02], "o", ms=4.5, color=color,
                 zorder=6)
    ax3.view_init(elev=48, azim=-60)
    ax3.set_xlabel("$x$", labelpad=0)
    ax3.set_ylabel("$y$", labelpad=0)
    ax3.set_zlabel("$f(x, y)$", labelpad=-4)
    ax3.tick_params(pad=-2)
    ax3.set_zticks([-1, 0, 1])
    ticks = np.array([-1.0, 0.0, 1.0]) * np.pi
    ax3.set_xticks(ticks, [_pi_label(t) for t in ticks])
    ax3.set_yticks(ticks, [_pi_label(t) for t in ticks])
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_pane_color(figstyle.with_alpha(pal.background, 1.0))
        axis.line.set_color(pal.axis)
    ax3.set_facecolor(pal.background)
    ax3.set_box_aspect((1, 1, 0.45), zoom=1.08)
    ax3.set_title("3-D view", pad=0)

    # -- top-down view
    ax = sub[1].add_subplot()
    cs = ax.contourf(gx, gy, gf, levels=np.linspace(-1, 1, 17), cmap=cmap, alpha=0.9)
    cs.set_gid("landscape")
    ax.contour(gx, gy, gf, levels=np.linspace(-0.875, 0.875, 15), colors=[pal.background],
               linewidths=0.4, alpha=0.5, negative_linestyles="solid")
    _hill_paths_2d(ax, pal, d)
    _hill_axes_2d(ax, d)
    ax.set_title("Top-down view")
    cb = sub[1].colorbar(cs, ax=ax, shrink=0.85, pad=0.02, ticks=[-1, -0.5, 0, 0.5, 1])
    cb.set_label("$f(x, y) = \\sin x \\, \\sin y$")
    cb.outline.set_edgecolor(pal.grid)
    fig.suptitle(ctx.spec.title)
    return fig


# ------------------------------------------------------------------------------------ learning rates
def _regime_text(d: ScenarioData) -> str | None:
    """The theory's label for this run (meta["params"]["regime"], from core/theory.py), if present.

    With the stability limits when those are recorded too: "regime: good  (stable for α < 0.4,
    best α* = 0.333)". Optional throughout: older data files carry none of it.
    """
    params = d.meta.get("params", {})
    regime = params.get("regime")
    if regime is None or regime == "":
        return None
    if isinstance(regime, dict):
        regime = ", ".join(f"{k}: {v}" for k, v in regime.items())
    regime = str(regime)
    if regime.count("$") % 2:  # an unpaired $ would start mathtext
        regime = regime.replace("$", r"\$")
    limits = []
    if isinstance(params.get("lr_max"), (int, float)):
        limits.append(rf"stable for $\alpha < {_fmt(params['lr_max'])}$")
    if isinstance(params.get("lr_best"), (int, float)):
        limits.append(rf"best $\alpha^* = {params['lr_best']:.3g}$")
    return f"regime: {regime}" + (f"  ({', '.join(limits)})" if limits else "")


def _lr_figure(ctx: Ctx, scenario: str) -> Figure:
    pal, d = ctx.pal, ctx.data(scenario)
    pos, losses = d["positions"][:, 0, :], d["losses"][:, 0]
    lr, steps = d.meta["params"]["lr"], d.meta["steps"]
    kdiv = int(d["diverged_step"][0])
    kconv = int(d["converged_step"][0])
    last = kdiv - 1 if kdiv >= 0 else pos.shape[0] - 1  # frozen after divergence: show what ran
    shown = pos[:last + 1]

    fig = _figure(ctx, DOUBLE)
    ax, axl = fig.subplots(1, 2, width_ratios=(1.0, 1.25))

    # -- the path on the landscape
    _contour_bowl(ax, pal, d)
    gm = d["global_minima"]
    ax.plot(gm[:, 0], gm[:, 1], ls="none", marker="*", ms=15, color=pal.minimum_global,
            mec=pal.background, mew=0.8, zorder=3, gid="global-minimum")
    # The whole path as one line, clipped to the view (a diverging path visibly leaves it); the
    # step markers only where they are inside, unclipped so a point on the border stays whole.
    ax.plot(shown[:, 0], shown[:, 1], color=pal.point, lw=figstyle.stroke(pal, "path") * 0.4,
            gid="path-0", zorder=4)
    (x0, x1), (y0, y1) = d["domain"]
    inside = (shown[:, 0] >= x0) & (shown[:, 0] <= x1) & (shown[:, 1] >= y0) & (shown[:, 1] <= y1)
    ax.plot(shown[inside, 0], shown[inside, 1], ls="none", marker="o", ms=3.4, color=pal.point,
            mec=pal.background, mew=0.4, zorder=5, clip_on=False, gid="path-0-steps")
    _mark_start_end(ax, shown, pal.point, pal, gid="path-0", end=kdiv < 0)
    _domain_limits(ax, d, pad=0.0)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(rf"${d.meta['formula']}$,  $\alpha = {_fmt(lr)}$")
    small = figstyle.fontsize(pal, "small_size")

    # -- the loss per step
    color = pal.diverged if kdiv >= 0 else pal.point
    _loss_axes(axl, pal, losses, color, last=last)
    axl.set_title(f"Loss over {steps} steps" if kdiv < 0 else "Loss until it diverged")
    if kconv >= 0:
        axl.axvline(kconv, color=pal.minimum_global, ls="--", lw=1.0)
        axl.annotate(f"converged at step {kconv}", (kconv, 1.0), xycoords=("data", "axes fraction"),
                     xytext=(4, -4), textcoords="offset points", ha="left", va="top",
                     color=pal.minimum_global, fontsize=small)
    # A box in the free corner (upper right while the loss falls, upper left under the bound line
    # when it explodes):
    # the theory's regime for this run, when the data carries one, and the loss it reached.
    info = [t for t in (_regime_text(d),) if t]
    if kdiv < 0:
        info.append(rf"loss ${_fmt(losses[0])} \rightarrow {_fmt(losses[last])}$ after {last} steps")
    if info:
        axl.text(*((0.97, 0.95) if kdiv < 0 else (0.03, 0.86)), "\n".join(info),
                 transform=axl.transAxes, ha="right" if kdiv < 0 else "left", va="top",
                 color=pal.foreground, fontsize=small,
                 linespacing=1.5, gid="run-info", zorder=9,
                 bbox=dict(boxstyle="round,pad=0.35", fc=pal.background, ec=pal.grid, alpha=0.92))

    if kdiv >= 0:
        k_out = int(np.argmin(inside)) if not inside.all() else None
        far = shown[-1]
        msg = f"diverged at step {kdiv}"
        if k_out is not None:
            msg = (f"path leaves the view at step {k_out};\n"
                   rf"at step {last}: $(x, y) = ({_fmt(far[0])}, {_fmt(far[1])})$" "\n" + msg)
        ax.text(0.5, 0.035, msg, transform=ax.transAxes, ha="center", va="bottom", fontsize=small,
                color=pal.diverged, gid="diverged-note", zorder=9, linespacing=1.35,
                bbox=dict(boxstyle="round,pad=0.35", fc=pal.background, ec=pal.diverged, alpha=0.92))
        bound = d.meta["params"].get("bound")
        axl.axvline(kdiv, color=pal.diverged, ls="--", lw=1.1, gid="diverged-step")
        axl.plot(last, losses[last], marker="X", ms=9, color=pal.diverged, mec=pal.background,
                 mew=0.8, zorder=6)
        axl.annotate(f"diverged at step {kdiv}", (kdiv, 0.5), xycoords=("data", "axes fraction"),
                     xytext=(-6, 0), textcoords="offset points", ha="right", va="center",
                     rotation=90, color=pal.diverged, fontsize=small)
        if bound:
            axl.axhline(bound, color=pal.muted, ls=":", lw=1.0)
            axl.annotate(rf"divergence bound ${_fmt(bound)}$", (0.02, bound),
                         xycoords=("axes fraction", "data"), xytext=(0, 4), textcoords="offset points",
                         ha="left", va="bottom", color=pal.muted, fontsize=small)
            axl.set_ylim(top=bound * 30)
        axl.set_xlim(-0.5, steps + 0.5)
    fig.suptitle(ctx.spec.title)
    return fig


def lr_slow_and_steady(ctx: Ctx) -> Figure:
    return _lr_figure(ctx, "lr-small")


def lr_adequately_fast(ctx: Ctx) -> Figure:
    return _lr_figure(ctx, "lr-good")


def lr_a_bit_unstable(ctx: Ctx) -> Figure:
    return _lr_figure(ctx, "lr-large")


def lr_unusable(ctx: Ctx) -> Figure:
    return _lr_figure(ctx, "lr-unstable")


# ------------------------------------------------------------------------------------ 1-D functions
def _curve_axes(ctx: Ctx, d: ScenarioData, size=SINGLE):
    pal = ctx.pal
    fig = _figure(ctx, size)
    ax = fig.add_subplot()
    ax.plot(d["curve_x"], d["curve_f"], color=pal.foreground, lw=figstyle.stroke(pal, "curve") * 0.55,
            gid="curve", zorder=2)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    ax.grid(True)
    ax.set_title(rf"${d.meta['formula']}$", fontsize=figstyle.fontsize(pal, "small_size") * 1.1,
                 fontweight="normal", color=pal.muted)
    fig.suptitle(ctx.spec.title)
    return fig, ax


def _minimum_markers(ax, pal, d):
    """Global minima as stars, local minima as diamonds, on the curve (heights read off the curve)."""
    cx, cf = d["curve_x"], d["curve_f"]
    for key, color, marker, label in (("global_minima", pal.minimum_global, "*", "global minimum"),
                                      ("local_minima", pal.minimum_local, "D", "local minimum")):
        m = d[key][:, 0]
        if m.size:
            ax.plot(m, np.interp(m, cx, cf), ls="none", marker=marker, ms=14 if marker == "*" else 8,
                    color=color, mec=pal.foreground, mew=0.8, zorder=8, gid=key.replace("_", "-"),
                    label=label)


def multiple_minima(ctx: Ctx) -> Figure:
    """The double well: every start's path, coloured by the minimum it ends in."""
    pal, d = ctx.pal, ctx.data("multiple-minima-1d")
    fig, ax = _curve_axes(ctx, d)
    pos, losses = d["positions"][:, :, 0], d["losses"]
    minima = np.concatenate([d["global_minima"][:, 0], d["local_minima"][:, 0]])
    is_global = np.arange(minima.size) < d["global_minima"].shape[0]
    for i in range(pos.shape[1]):
        nearest = int(np.argmin(np.abs(minima - pos[-1, i])))  # which basin the path ended in
        color = pal.minimum_global if is_global[nearest] else pal.minimum_local
        ax.plot(pos[:, i], losses[:, i], color=color, lw=1.0, marker="o", ms=3.0, alpha=0.85,
                mec=pal.background, mew=0.3, gid=f"path-{i}", zorder=4)
        ax.plot(pos[0, i], losses[0, i], "o", ms=8, mfc=pal.background, mec=color, mew=1.8, zorder=6,
                gid=f"path-{i}-start")
    _minimum_markers(ax, pal, d)
    handles = _legend_handles(pal, [
        ("line", pal.minimum_global, "path ending in a global minimum"),
        ("line", pal.minimum_local, "path ending in the local minimum"),
        ("start", pal.muted, "start"),
        ("marker", pal.minimum_global, "global minimum", "*"),
        ("marker", pal.minimum_local, "local minimum", "D")])
    ax.legend(handles=handles, loc="upper center", ncols=2, fontsize=figstyle.fontsize(pal, "small_size") * 0.95)
    ymax = float(d["curve_f"].max())
    ax.set_ylim(-0.08 * ymax, ymax * 1.45)
    return fig


def convex(ctx: Ctx) -> Figure:
    """The parabola: the descent path with each step, and the derivative it steps against."""
    pal, d = ctx.pal, ctx.data("convex-1d")
    fig, ax = _curve_axes(ctx, d)
    x, fx, g = d["positions"][:, 0, 0], d["losses"][:, 0], d["grads"][:, 0, 0]
    lr = d.meta["params"]["lr"]
    ax.plot(x, fx, ls="none", marker="o", ms=5.5, color=pal.point, mec=pal.background, mew=0.6,
            zorder=6, gid="path-0")
    ax.plot(x[0], fx[0], "o", ms=9, mfc=pal.background, mec=pal.point, mew=1.8, zorder=7,
            gid="path-0-start")
    n_arrows = min(6, x.size - 1)
    for k in range(n_arrows):  # the step from x_k to x_{k+1}, along the curve
        ax.annotate("", (x[k + 1], fx[k + 1]), (x[k], fx[k]), zorder=5,
                    arrowprops=dict(arrowstyle="-|>", color=pal.step, lw=1.6, shrinkA=4, shrinkB=4,
                                    connectionstyle="arc3,rad=0.25", mutation_scale=12))
    # The derivative f'(x_k) as a horizontal arrow (blue, as in the video), scaled by α like the step.
    for k in range(3):
        ax.annotate("", (x[k] + lr * g[k], fx[k]), (x[k], fx[k]), zorder=5,
                    arrowprops=dict(arrowstyle="-|>", color=pal.derivative, lw=1.8, shrinkA=0,
                                    shrinkB=0, mutation_scale=12))
    ax.annotate(rf"start $x_0 = {_fmt(x[0])}$", (x[0], fx[0]), xytext=(-10, 10), textcoords="offset points",
                ha="right", va="bottom", color=pal.foreground, fontsize=figstyle.fontsize(pal, "small_size"))
    _minimum_markers(ax, pal, d)
    handles = _legend_handles(pal, [("marker", pal.point, rf"$x_k$ ({x.size - 1} steps, $\alpha = {_fmt(lr)}$)", "o")])
    handles += [Line2D([], [], color=pal.step, lw=1.8, marker=">", ms=5, markevery=[1],
                       label=r"step $x_{k+1} - x_k$"),
                Line2D([], [], color=pal.derivative, lw=1.8, marker=">", ms=5, markevery=[1],
                       label=r"derivative $\alpha f'(x_k)$"),
                Line2D([], [], ls="none", marker="*", ms=12, color=pal.minimum_global,
                       mec=pal.foreground, mew=0.8, label="global minimum")]
    ax.legend(handles=handles, loc="upper center")
    ymax = float(d["curve_f"].max())
    ax.set_ylim(-0.05 * ymax, ymax * 1.12)
    cx = d["curve_x"]
    reach = max(float(cx.max()), float(np.max(x[:3] + lr * g[:3])))  # keep the derivative arrows in
    ax.set_xlim(float(cx.min()) - 0.03 * (reach - cx.min()), reach + 0.03 * (reach - cx.min()))
    return fig


# ------------------------------------------------------------------------------------ optimizer races
# Six optimizers from one start on a classic surface (positions (T+1, 6, 2), in meta["runs"] order).
# Everything drawn comes from the file: the runs' names and rates, their status steps, the grid, the
# minima and the saddle points; the only geometry here is where a path crosses the view's border.
OPTIMIZER_NAMES = {"gd": "GD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "AdaGrad",
                   "rmsprop": "RMSProp", "adam": "Adam"}
RACE_SIZE = (12.6, 6.5)
# Where a run leaves the view: a triangle on the border, pointing the way it went.
_EXIT_MARKERS = {"top": "^", "bottom": "v", "left": "<", "right": ">"}


def run_colour(pal, run: dict, i: int) -> str:
    """The colour of run ``i`` (its ``meta["runs"]`` record): the theme's colour for its optimizer
    (the race videos use the same), else by position."""
    colour = pal.optimizer_colours.get(run["name"])
    return colour if colour is not None else pal.paths[i % len(pal.paths)]


def run_label(run: dict) -> str:
    """A run's legend entry from its ``meta["runs"]`` record: ``Adam  α = 0.5``."""
    return rf"{OPTIMIZER_NAMES.get(run['name'], run['name'])}  $\alpha = {run['lr']:g}$"


def view_exit(pts: np.ndarray, domain) -> tuple[int, np.ndarray, str] | None:
    """Where a path first leaves the box ``domain``: (step, border point, edge), or None if never.

    ``step`` is the first point outside; the border point is where the straight segment from the
    point before crosses the box (the line is drawn straight, so that is where it visibly leaves).
    """
    (x0, x1), (y0, y1) = np.asarray(domain, dtype=float)
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    if inside.all():
        return None
    k = int(np.argmin(inside))
    if k == 0:
        return 0, pts[0].copy(), "start"
    a, b = pts[k - 1], pts[k]
    crossings = []  # (fraction of the segment, edge) for every side the segment crosses
    for axis, (lo, hi), (low_edge, high_edge) in ((0, (x0, x1), ("left", "right")),
                                                 (1, (y0, y1), ("bottom", "top"))):
        if b[axis] > hi:
            crossings.append(((hi - a[axis]) / (b[axis] - a[axis]), high_edge))
        elif b[axis] < lo:
            crossings.append(((lo - a[axis]) / (b[axis] - a[axis]), low_edge))
    if not crossings:  # a non-finite point (the runner freezes diverged runs, but be safe)
        return k, a.copy(), "lost"
    t, edge = min(crossings)
    point = a + t * (b - a)
    point[0] = min(max(point[0], x0), x1)  # exactly on the border despite round-off
    point[1] = min(max(point[1], y0), y1)
    return k, point, edge


def _race_levels(gf: np.ndarray, saddle: bool):
    """Contour levels and norm: symmetric about 0 for the saddle, log-spaced for the minimisation
    surfaces (their interesting structure sits decades below the walls)."""
    if saddle:
        m = float(np.abs(gf).max())
        return np.linspace(-m, m, 17), mpl.colors.Normalize(-m, m)
    hi = float(gf.max())
    pos = gf[gf > 0]
    lo = max(float(pos.min()) if pos.size else hi * 1e-4, hi * 1e-4)
    levels = np.geomspace(lo, hi, 19)
    return levels, LogNorm(levels[0], levels[-1])


def _race_landscape(fig, ax, pal, d, saddle: bool):
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    levels, norm = _race_levels(gf, saddle)
    cmap = figstyle.surface_cmap(pal) if saddle else figstyle.landscape_cmap(pal)
    # The few grid values below the lowest log level (0 at a minimum) are drawn in its colour.
    shown = gf if saddle else np.maximum(gf, levels[0])
    cs = ax.contourf(gx, gy, shown, levels=levels, cmap=cmap, norm=norm, alpha=0.8, zorder=0)
    cs.set_gid("landscape")
    ax.contour(gx, gy, shown, levels=levels[1:-1], colors=[pal.background], linewidths=0.45, alpha=0.55,
               negative_linestyles="solid", zorder=1)
    if saddle:  # the two lines through the saddle point where f = 0
        ax.contour(gx, gy, gf, levels=[0.0], colors=[pal.muted], linewidths=0.9,
                   linestyles="dashed", zorder=1)
    cb = fig.colorbar(cs, ax=ax, shrink=0.9, pad=0.02, aspect=30)
    cb.set_label(r"$f(x, y)$" + ("" if saddle else "  (log scale)"))
    if not saddle:
        cb.set_ticks(mpl.ticker.LogLocator(subs=(1.0,)))
        cb.ax.yaxis.set_major_formatter(mpl.ticker.LogFormatterMathtext())
        cb.ax.yaxis.set_minor_formatter(mpl.ticker.NullFormatter())
    cb.outline.set_edgecolor(pal.grid)
    return cs


def _race_loss_scale(ax, losses):
    """symlog when some loss is negative (the saddle falls without bound), log when the positive
    losses span more than two decades, linear (from 0) otherwise. Returns the scale's name."""
    if (losses < 0).any():
        ax.set_yscale("symlog", linthresh=1.0, linscale=1.0)
        # One tick per decade would be ~25 labels: thin them to at most six below -1.
        n = int(np.ceil(np.log10(-losses.min())))
        every = next(s for s in (1, 2, 5, 10, 20, 50) if n / s <= 6)
        ticks = [-(10.0 ** k) for k in range(every, n + 1, every)] + [-1.0, 0.0]
        if losses.max() > 1.0:
            ticks.append(1.0)
        ax.yaxis.set_major_locator(mpl.ticker.FixedLocator(ticks))
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
        return "symlog"
    if losses.max() / losses[losses > 0].min() > 100:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(mpl.ticker.LogLocator(numticks=8))
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
        return "log"
    ax.set_ylim(bottom=0.0)
    return "linear"


def _end_groups(ends: dict, domain, tol=0.02) -> list[list[int]]:
    """Runs whose end points (in view) lie within ``tol`` of the view's size of each other."""
    span = float(np.max(np.diff(np.asarray(domain, dtype=float), axis=1)))
    groups: list[list[int]] = []
    for i, p in ends.items():
        for g in groups:
            if np.hypot(*(ends[g[0]] - p)) <= tol * span:
                g.append(i)
                break
        else:
            groups.append([i])
    return groups


def _label_side(p, text: str, size: float, points: np.ndarray, domain, axes_inches=4.3):
    """The side of point ``p`` where a label ``text`` covers the fewest ``points`` (and stays in the
    view): ((sx, sy), covered). The label's extent is estimated from its length and font size."""
    (x0, x1), (y0, y1) = np.asarray(domain, dtype=float)
    per_inch = max(x1 - x0, y1 - y0) / axes_inches  # data units per inch (square view)
    w = (len(text) * 0.62 + 0.8) * size / 72 * per_inch  # the text and its box's padding
    h = 2.0 * size / 72 * per_inch
    gap = 11 / 72 * per_inch
    best = None
    for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)):
        cx = p[0] + sx * (gap + w / 2)
        cy = p[1] + sy * (gap + h / 2)
        lo_x, hi_x, lo_y, hi_y = cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2
        covered = int(np.count_nonzero((points[:, 0] >= lo_x) & (points[:, 0] <= hi_x)
                                       & (points[:, 1] >= lo_y) & (points[:, 1] <= hi_y)))
        outside = lo_x < x0 or hi_x > x1 or lo_y < y0 or hi_y > y1
        score = (outside, covered)
        if best is None or score < best[0]:
            best = (score, (sx, sy))
    return best[1], best[0][1]


def _race_figure(ctx: Ctx, scenario: str) -> Figure:
    pal, d = ctx.pal, ctx.data(scenario)
    runs = d.meta["runs"]
    pos, losses = d["positions"], d["losses"]
    conv, div = d["converged_step"], d["diverged_step"]
    steps = d.meta["steps"]
    domain = d["domain"]
    saddle_points = d.arrays.get("saddle_points", np.empty((0, 2)))
    saddle = bool((d["grid_f"] < 0).any())  # a surface without a floor: diverging colours about 0
    small = figstyle.fontsize(pal, "small_size")
    lw = figstyle.stroke(pal, "path") * 0.45
    names = [OPTIMIZER_NAMES.get(r["name"], r["name"]) for r in runs]
    colours = [run_colour(pal, r, i) for i, r in enumerate(runs)]

    fig = _figure(ctx, RACE_SIZE)
    ax, axl = fig.subplots(1, 2, width_ratios=(1.0, 1.0))

    # -- the map: landscape, landmarks in neutral ink (the six colours belong to the runs)
    _race_landscape(fig, ax, pal, d, saddle)
    # Local minima small and under the paths; global minima and saddle points over the lines (the
    # end dots of the runs that reach them sit on top).
    for key, color, marker, ms in (("local_minima", pal.muted, "D", 3.4),
                                   ("global_minima", pal.foreground, "*", 15),
                                   ("saddle_points", pal.foreground, "P", 10)):
        pts = saddle_points if key == "saddle_points" else d[key]
        if pts.size:
            ax.plot(pts[:, 0], pts[:, 1], ls="none", marker=marker, ms=ms, color=color,
                    mec=pal.background, mew=0.5 if ms < 5 else 0.9, zorder=3 if ms < 5 else 5.5,
                    gid=key.replace("_", "-"))

    # -- each run: the path (the whole run, clipped to the view), then where it ends or leaves
    status = []  # per run: (last step drawn, exit (step, point, edge) or None)
    ends = {}  # run -> end point, for the runs that end inside the view
    for i in range(len(runs)):
        kdiv = int(div[i])
        last = kdiv - 1 if kdiv >= 0 else pos.shape[0] - 1  # frozen after divergence: what ran
        p = pos[:last + 1, i]
        out = view_exit(p, domain)
        status.append((last, out))
        ax.plot(p[:, 0], p[:, 1], color=colours[i], lw=lw, gid=f"path-{i}", zorder=4 + 0.1 * i,
                path_effects=_halo(pal, lw), solid_capstyle="round", solid_joinstyle="round")
        if out is None:
            ends[i] = p[-1]
            ax.plot(p[-1, 0], p[-1, 1], "X" if kdiv >= 0 else "o", ms=10 if kdiv >= 0 else 6.5,
                    color=colours[i], mec=pal.background, mew=0.9, zorder=6 + 0.1 * i,
                    gid=f"path-{i}-end")
        else:
            k, xy, edge = out
            ax.plot(xy[0], xy[1], ls="none", marker=_EXIT_MARKERS.get(edge, "o"), ms=9,
                    color=colours[i], mec=pal.background, mew=0.9, zorder=7, clip_on=False,
                    gid=f"path-{i}-exit")
    ax.plot(*pos[0, 0], "o", ms=10, mfc=pal.background, mec=pal.foreground, mew=2.0, zorder=8,
            gid="start")
    # Runs that end on the same spot hide each other: name them there, on the side of the spot
    # that the paths cross least.
    (x0, x1), (y0, y1) = domain
    drawn = np.concatenate([pos[:last + 1, i] for i, (last, _) in enumerate(status)])
    for g in _end_groups(ends, domain):
        if len(g) < 2:
            continue
        text = ", ".join(names[i] for i in g)
        (sx, sy), _ = _label_side(ends[g[0]], text, small * 0.85, drawn, domain)
        ax.annotate(text, ends[g[0]], xytext=(9 * sx, 9 * sy), textcoords="offset points",
                    ha={1: "left", -1: "right", 0: "center"}[sx],
                    va={1: "bottom", -1: "top", 0: "center"}[sy], fontsize=small * 0.85,
                    color=pal.foreground, zorder=9, gid=f"end-label-{g[0]}",
                    bbox=dict(boxstyle="round,pad=0.25", fc=pal.background, ec="none", alpha=0.85))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(rf"${d.meta['formula']}$", pad=12)  # clear of exit marks on the top edge

    # -- the loss per step, one curve per run, the same marks at the same steps
    for i, (last, out) in enumerate(status):
        lo = losses[:last + 1, i]
        axl.plot(np.arange(last + 1), lo, color=colours[i], lw=figstyle.stroke(pal, "path") * 0.4,
                 gid=f"loss-{i}", zorder=4 + 0.1 * i)
        if int(conv[i]) >= 0:
            k = int(conv[i])
            axl.plot(k, lo[k], "o", ms=6.5, color=colours[i], mec=pal.background, mew=0.9,
                     zorder=6, gid=f"loss-{i}-converged")
        if out is not None:
            k, _, edge = out
            axl.plot(k, lo[k], ls="none", marker=_EXIT_MARKERS.get(edge, "o"), ms=8, color=colours[i],
                     mec=pal.background, mew=0.9, zorder=6, gid=f"loss-{i}-exit")
        if int(div[i]) >= 0:
            axl.plot(last, lo[last], "X", ms=10, color=colours[i], mec=pal.background, mew=0.9,
                     zorder=6, gid=f"loss-{i}-diverged")
    scale = _race_loss_scale(axl, np.concatenate([losses[:last + 1, i]
                                                  for i, (last, _) in enumerate(status)]))
    axl.set_xlim(-0.01 * steps, steps * 1.01)
    axl.set_xlabel("step")
    axl.set_ylabel(r"loss $f(x, y)$" + {"log": "  (log scale)",
                                        "symlog": "  (log scale beyond ±1)"}.get(scale, ""))
    axl.grid(True, which="major")
    axl.set_title(f"Loss over {steps} steps", pad=12)
    if scale == "symlog":
        axl.axhline(0.0, color=pal.muted, lw=0.9, ls=(0, (4, 3)), zorder=2)

    # -- legends below: one entry per run (name and rate from meta.runs, its fate from the data),
    # and what the marks mean
    labels = []
    for i, run in enumerate(runs):
        last, out = status[i]
        fate = (f"diverged at step {int(div[i])}" if div[i] >= 0 else
                f"leaves the view at step {out[0]}" if out is not None else
                f"converged at step {int(conv[i])}" if conv[i] >= 0 else "")
        labels.append(run_label(run) + (f",  {fate}" if fate else ""))
    handles = [Line2D([], [], color=c, lw=2.4, label=lab) for c, lab in zip(colours, labels)]
    fig.legend(handles=handles, loc="outside lower left", ncols=2, title="optimizers, from one start",
               alignment="left").set_gid("runs-legend")
    key = [("start", pal.foreground, "start")]
    if (conv >= 0).any():
        key.append(("marker", pal.muted,
                    rf"converged ($\|\nabla f\| \leq {_fmt(d.meta['params']['tol'])}$)", "o"))
    if any(out is not None for _, out in status):
        key.append(("marker", pal.muted, "leaves the view", "^"))
    if (div >= 0).any():
        key.append(("marker", pal.muted, "diverged", "X"))
    for k_, color, label, marker in (("global_minima", pal.foreground, "global minimum", "*"),
                                     ("local_minima", pal.muted, "local minima", "D")):
        if d[k_].size:
            key.append(("marker", color, label, marker))
    if saddle_points.size:
        key.append(("marker", pal.foreground, "saddle point", "P"))
    fig.legend(handles=_legend_handles(pal, key), loc="outside lower right", ncols=2).set_gid("key-legend")
    fig.suptitle(ctx.spec.title)
    return fig


def race_rosenbrock(ctx: Ctx) -> Figure:
    return _race_figure(ctx, "race-rosenbrock")


def race_himmelblau(ctx: Ctx) -> Figure:
    return _race_figure(ctx, "race-himmelblau")


def race_rastrigin(ctx: Ctx) -> Figure:
    return _race_figure(ctx, "race-rastrigin")


def race_saddle(ctx: Ctx) -> Figure:
    return _race_figure(ctx, "race-saddle")


# ------------------------------------------------------------------------------------ registry
FIGURES: dict[str, FigureSpec] = {f.name: f for f in [
    FigureSpec("true-line-and-noisy-points", "True Line and Noisy Points", ("linear-regression",),
               "The true line y = 2x + 1 and the 100 noisy samples of the linear dataset.",
               true_line_and_noisy_points),
    FigureSpec("example-result", "Example Result Plot", ("linear-regression",),
               "True line (dashed), the samples, and the line predicted after training.", example_result),
    FigureSpec("gradient-field-with-paths", "Gradient Field with Paths", ("gradient-field",),
               "The gradient vector field of sin x sin y with the descent paths against it.",
               gradient_field_with_paths),
    FigureSpec("hill-paths", "Descent on the Hill", ("hill",),
               "The hill sin x sin y in 3-D with the descent paths, and the top-down view beside it.",
               hill_paths),
    FigureSpec("regression-loss-landscape", "Loss Landscapes over (w, b)",
               ("linear-regression", "parabolic-regression"),
               "The (w, b) loss landscapes of the linear and parabolic datasets with their trajectories.",
               regression_loss_landscape),
    FigureSpec("comparison-of-losses", "Comparison of Losses", ("linear-regression", "parabolic-regression"),
               "Slices along the valleys of both loss landscapes: the parabolic minimum is far higher.",
               comparison_of_losses),
    FigureSpec("lr-slow-and-steady", "Slow and Steady", ("lr-small",),
               "Learning rate too small on the bowl (5x² + y²)/2: the path and the loss curve.",
               lr_slow_and_steady),
    FigureSpec("lr-adequately-fast", "Adequately Fast", ("lr-good",),
               "A good learning rate on the bowl: fast convergence, the path and the loss curve.",
               lr_adequately_fast),
    FigureSpec("lr-a-bit-unstable", "A Bit Unstable", ("lr-large",),
               "A large learning rate on the bowl: oscillations as it settles.", lr_a_bit_unstable),
    FigureSpec("lr-unusable", "Unusable", ("lr-unstable",),
               "A learning rate far too large: the path leaves the view and the loss diverges.", lr_unusable),
    FigureSpec("multiple-minima", "Multiple Minima Function", ("multiple-minima-1d",),
               "Starts on the double well, coloured by the minimum they end in (global or local).",
               multiple_minima),
    FigureSpec("convex", "Convex Function", ("convex-1d",),
               "A point descending the parabola x²: each step against the derivative.", convex),
    FigureSpec("race-rosenbrock", "Optimizer Race: Rosenbrock", ("race-rosenbrock",),
               "Six optimizers from (-1.2, 1) down Rosenbrock's banana valley: paths and loss per step.",
               race_rosenbrock),
    FigureSpec("race-himmelblau", "Optimizer Race: Himmelblau", ("race-himmelblau",),
               "Six optimizers from beside Himmelblau's summit into its minima: paths and loss per step.",
               race_himmelblau),
    FigureSpec("race-rastrigin", "Optimizer Race: Rastrigin", ("race-rastrigin",),
               "Six optimizers on Rastrigin's egg crate, trapped in local minima: paths and loss per step.",
               race_rastrigin),
    FigureSpec("race-saddle", "Optimizer Race: Saddle", ("race-saddle",),
               "Six optimizers off the ridge of the saddle x² − y²: where each leaves the view, the loss.",
               race_saddle),
]}


class FigureError(ValueError):
    """Bad input: the message names what was wrong and what is valid."""


def spec(name: str) -> FigureSpec:
    try:
        return FIGURES[name]
    except KeyError:
        raise FigureError(f"unknown figure {name!r}; valid: {', '.join(FIGURES)}") from None


def build(name: str, theme: str | None = None) -> Figure:
    """Draw figure ``name`` in ``theme`` (default ``$GD_THEME`` or light) and return it."""
    s = spec(name)
    try:
        theme = figstyle.theme_name(theme)
    except ValueError as e:
        raise FigureError(str(e)) from None
    with mpl.rc_context(figstyle.rc(theme)):
        return s.draw(Ctx(figstyle.palette(theme), s))


def render(name: str, out_dir=DEFAULT_OUT, theme: str | None = None) -> tuple[Path, Path]:
    """Draw figure ``name`` and write ``<out_dir>/<name>.png`` and ``.svg``."""
    theme = figstyle.theme_name(theme)
    fig = build(name, theme)
    with mpl.rc_context(figstyle.rc(theme)):
        png, svg = figstyle.save(fig, Path(out_dir) / name)
    state = pipeline.git_state()  # the manifest's commit for the figure (its bytes do not have it)
    for path in (png, svg):
        pipeline.record_provenance(path, {"theme": theme, **state})
    return png, svg


# ------------------------------------------------------------------------------------ CLI
class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse would print the usage too)
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv=None) -> int:
    p = _Parser(prog="python -m render.figures",
                description="Draw the post's stills from build/data/*.npz into PNG + SVG.")
    p.add_argument("names", nargs="*", metavar="NAME", help="figures to draw (default: all)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help="output directory (default media/figures)")
    p.add_argument("--theme", default=None, help="light or dark (default $GD_THEME or light)")
    p.add_argument("--list", action="store_true", help="list the figures with a description")
    args = p.parse_args(argv)
    err = f"{p.prog}: error:"
    if args.list:
        width = max(map(len, FIGURES))
        for f in FIGURES.values():
            print(f"{f.name:<{width}}  {f.description}")
        return 0
    try:
        theme = figstyle.theme_name(args.theme)
        names = args.names or list(FIGURES)
        for n in names:
            spec(n)
    except ValueError as e:
        print(f"{err} {e}", file=sys.stderr)
        return 2
    for n in names:
        try:
            png, svg = render(n, args.out, theme)
        except FileNotFoundError as e:
            print(f"{err} {e}", file=sys.stderr)
            return 1
        print(f"{png}  (+ .svg)")
    return 0


if __name__ == "__main__":
    pipeline.unwind_on_termination()  # a killed build leaves no temporary file
    sys.exit(main())
