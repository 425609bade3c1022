"""The regression stills: the linear dataset, the fitted line, both (w, b) loss landscapes and the
slices along their valleys."""

from __future__ import annotations

import numpy as np

from render.figures import style
from render.figures.common import SINGLE, Ctx, fmt, legend_handles, mark_start_end, new_figure

import matplotlib as mpl
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from core.datafile import ScenarioData

def _true_line(d: ScenarioData):
    ds = d.meta["params"]["dataset"]
    return ds["w"], ds["b"]


def true_line_and_noisy_points(ctx: Ctx) -> Figure:
    """The linear dataset: true line y = 2x + 1 and the 100 samples with N(0, σ²) noise."""
    pal, d = ctx.pal, ctx.data("linear-regression")
    ds = d.meta["params"]["dataset"]
    x, y = d["x"], d["y"]
    w, b = _true_line(d)
    fig = new_figure(ctx, SINGLE)
    ax = fig.add_subplot()
    ax.plot(x, w * x + b, color=pal.true_line, lw=style.stroke(pal, "curve") * 0.7,
            label=rf"True line  $y = {fmt(w)}x + {fmt(b)}$", gid="true-line", zorder=3)
    ax.scatter(x, y, s=22, color=pal.samples, alpha=0.7, edgecolors="none", zorder=2,
               label=rf"Samples  ($N = {ds['n']}$, noise $\mathcal{{N}}(0, {fmt(ds['sigma'])}^2)$)",
               gid="samples")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(True)
    ax.legend(loc="upper left")
    fig.suptitle(ctx.entry.title)
    return fig


def example_result(ctx: Ctx) -> Figure:
    """True line dashed, the samples, and the line the trained (w, b) predicts."""
    pal, d = ctx.pal, ctx.data("linear-regression")
    x, y = d["x"], d["y"]
    w, b = _true_line(d)
    wt, bt = d["positions"][-1, 0]
    steps, lr, loss = d.meta["steps"], d.meta["params"]["lr"], d["losses"][-1, 0]
    fig = new_figure(ctx, SINGLE)
    ax = fig.add_subplot()
    ax.plot(x, w * x + b, color=pal.true_line, ls=(0, (5, 3)), lw=style.stroke(pal, "curve") * 0.6,
            label=rf"True  $y = {fmt(w)}x + {fmt(b)}$", gid="true-line", zorder=3)
    ax.scatter(x, y, s=22, color=pal.samples, alpha=0.5, edgecolors="none", zorder=2,
               label="Samples", gid="samples")
    ax.plot(x, wt * x + bt, color=pal.prediction, lw=style.stroke(pal, "curve") * 0.7, zorder=4,
            label=rf"Predicted line  $\hat{{y}} = {wt:.2f}x + {bt:.2f}$", gid="prediction")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(True)
    ax.legend(loc="upper left")
    ax.text(0.98, 0.04, rf"after {steps} steps at $\alpha = {fmt(lr)}$:  MSE $= {loss:.3f}$",
            transform=ax.transAxes, ha="right", va="bottom", color=pal.muted,
            fontsize=style.fontsize(pal, "small_size"))
    fig.suptitle(ctx.entry.title)
    return fig


def _regression_panel(fig, ax, pal, d, title, key):
    gw, gb, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    levels = np.geomspace(float(gf.min()), float(gf.max()), 18)
    cmap = style.landscape_cmap(pal)
    cs = ax.contourf(gw, gb, gf, levels=levels, cmap=cmap, norm=LogNorm(levels[0], levels[-1]))
    cs.set_gid(f"landscape-{key}")
    ax.contour(gw, gb, gf, levels=levels[1:-1], colors=[pal.grid], linewidths=0.45, alpha=0.7)
    pts = d["positions"][:, 0, :]
    ax.plot(pts[:, 0], pts[:, 1], color=pal.point, lw=style.stroke(pal, "path") * 0.4, marker="o",
            ms=2.0, gid=f"path-{key}", zorder=6)
    mark_start_end(ax, pts, pal.point, pal, gid=f"path-{key}")
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
            transform=ax.transAxes, color=pal.foreground, fontsize=style.fontsize(pal, "small_size"),
            bbox=dict(boxstyle="round,pad=0.3", fc=pal.background, ec=pal.grid, alpha=0.9))


def regression_loss_landscape(ctx: Ctx) -> Figure:
    """The (w, b) loss landscapes of the linear and parabolic datasets with their trajectories."""
    pal = ctx.pal
    lin, par = ctx.data("linear-regression"), ctx.data("parabolic-regression")
    fig = new_figure(ctx, (12.0, 5.4))
    axes = fig.subplots(1, 2)
    ds = par.meta["params"]["dataset"]
    lw, lb = _true_line(lin)
    _regression_panel(fig, axes[0], pal, lin, rf"Linear data  $y = {fmt(lw)}x + {fmt(lb)}$ + noise",
                      "linear")
    _regression_panel(fig, axes[1], pal, par,
                      rf"Parabolic data  $y = {'' if ds['a'] == 1 else fmt(ds['a'])}x^2"
                      rf"{'' if ds['c'] == 0 else ' + ' + fmt(ds['c'])}$ + noise", "parabolic")
    axes[1].legend(handles=legend_handles(pal, [
        ("line", pal.point, "descent path"), ("start", pal.point, "start"), ("end", pal.point, "end"),
        ("marker", pal.minimum_global, "minimum", "*")]), loc="lower right")
    fig.suptitle(ctx.entry.title)
    return fig


def comparison_of_losses(ctx: Ctx) -> Figure:
    """Slices along the valley of minima (best b for every w) of both loss landscapes."""
    pal = ctx.pal
    fig = new_figure(ctx, SINGLE)
    ax = fig.add_subplot()
    runs = (("linear-regression", "linear data", pal.paths[1], "linear"),
            ("parabolic-regression", "parabolic data", pal.paths[0], "parabolic"))
    offsets = {"linear": (40, 38), "parabolic": (-40, 58)}
    for scenario, label, color, key in runs:
        d = ctx.data(scenario)
        vw, vl = d["valley_w"], d["valley_loss"]
        ax.plot(vw, vl, color=color, lw=style.stroke(pal, "curve") * 0.6, label=label,
                gid=f"valley-{key}")
        i = int(np.argmin(vl))
        ax.plot(vw[i], vl[i], "o", ms=7, color=color, mec=pal.background, mew=1.0, zorder=5,
                gid=f"valley-{key}-min")
        ax.axhline(vl[i], color=color, ls=":", lw=1.0, alpha=0.8, zorder=1)
        ax.annotate(rf"minimum $L = {vl[i]:.2f}$ at $w = {vw[i]:.2f}$", (vw[i], vl[i]),
                    xytext=offsets[key], textcoords="offset points", ha="center", va="bottom",
                    color=color, fontsize=style.fontsize(pal, "small_size"),
                    arrowprops=dict(arrowstyle="-", color=color, lw=0.9, shrinkA=2, shrinkB=5),
                    bbox=dict(boxstyle="round,pad=0.25", fc=pal.background, ec="none", alpha=0.9))
    ax.set_xlabel("weight $w$  (bias at its best value $b^*(w)$)")
    ax.set_ylabel(r"loss $L(w, b^*(w))$")
    ax.set_ylim(bottom=-0.03 * ax.get_ylim()[1])
    ax.grid(True)
    ax.legend(loc="upper center")
    fig.suptitle(ctx.entry.title)
    return fig
