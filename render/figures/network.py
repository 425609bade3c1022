"""The neural-network stills: the trained network's loss landscape on two filter-normalised
directions (the post's "Neural Net Loss Landscape", computed), and its fit to the parabolic data
beside the line's."""

from __future__ import annotations

import numpy as np

from render.figures import style
from render.figures.common import SINGLE, Ctx, new_figure, run_colour, theme_axes_3d

import matplotlib as mpl
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

LANDSCAPE_SIZE = (12.6, 5.4)
LEVELS = 30  # log-spaced contour levels from the lowest loss in view (θ*) to the highest
TICKS = (0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 50, 100)  # the colour bar's, where in range


def _network_text(params: dict) -> str:
    return f"{'-'.join(map(str, params['layers']))} {params['activation']} network"


def neural_net_loss_landscape(ctx: Ctx) -> Figure:
    """L(θ* + α d₁ + β d₂) over [−1, 1]² (Li et al. 2018): a 3-D surface coloured on a log scale
    and log-spaced contour lines, θ* at the centre."""
    pal, d = ctx.pal, ctx.data("nn-landscape")
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    params = d.meta["params"]
    lo, hi = float(gf.min()), float(gf.max())
    norm = LogNorm(lo, hi)
    cmap = style.surface_cmap(pal)
    fig = new_figure(ctx, LANDSCAPE_SIZE)
    sub = fig.subfigures(1, 2, width_ratios=(1.1, 1.0), wspace=0.0)
    for s in sub:
        s.set_facecolor(pal.background)

    ax3 = sub[0].add_subplot(projection="3d", computed_zorder=False)
    X, Y = np.meshgrid(gx, gy)
    surf = ax3.plot_surface(X, Y, gf, facecolors=cmap(norm(gf)), rstride=1, cstride=1,
                            linewidth=0.1, edgecolor=style.with_alpha(pal.background, 0.2),
                            antialiased=True, shade=False)
    surf.set_gid("surface")
    ax3.view_init(elev=38, azim=-58)
    ax3.set_xlabel(r"$\alpha$ (along $d_1$)", labelpad=0)
    ax3.set_ylabel(r"$\beta$ (along $d_2$)", labelpad=0)
    ax3.set_zlabel(r"loss $L$", labelpad=-2)
    ax3.tick_params(pad=-2)
    theme_axes_3d(ax3, pal, (1, 1, 0.6), 1.05, "surface")

    ax = sub[1].add_subplot()
    cs = ax.contour(gx, gy, gf, levels=np.geomspace(lo, hi, LEVELS), cmap=cmap, norm=norm,
                    linewidths=style.stroke(pal, "contour") * 1.5)
    cs.set_gid("contours")
    ax.plot([0.0], [0.0], "o", ms=6, color=pal.foreground, mec=pal.background, mew=0.8, zorder=5,
            gid="theta-star")
    ax.annotate(r"$\theta^*$", (0.0, 0.0), xytext=(6, -12), textcoords="offset points",
                color=pal.foreground)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\alpha$ (along $d_1$)")
    ax.set_ylabel(r"$\beta$ (along $d_2$)")
    ax.set_title("contours (log-spaced)")
    cb = sub[1].colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.85,
                         pad=0.03, aspect=30)
    cb.set_label(r"loss $L(\theta^* + \alpha d_1 + \beta d_2)$ (log scale)")
    ticks = [t for t in TICKS if lo <= t <= hi]
    cb.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    cb.ax.yaxis.set_minor_formatter(mpl.ticker.NullFormatter())
    cb.outline.set_edgecolor(pal.grid)
    fig.suptitle(ctx.entry.title)
    fig.supxlabel(rf"{_network_text(params)} trained on the parabolic data, "
                  rf"$L(\theta^*) = {lo:.3f}$;  $d_1, d_2$: filter-normalised random directions "
                  "(Li et al. 2018)", color=pal.muted, fontsize=style.fontsize(pal, "small"))
    return fig


def neural_net_fit(ctx: Ctx) -> Figure:
    """The parabolic samples, the true parabola, parabolic-regression's best line and the network's
    final fit after each optimizer, with their losses."""
    pal, d = ctx.pal, ctx.data("nn-landscape")
    line = ctx.data("parabolic-regression")
    ds = d.meta["params"]["dataset"]
    x, y, fx = d["x"], d["y"], d["fit_x"]
    fig = new_figure(ctx, SINGLE)
    ax = fig.add_subplot()
    ax.scatter(x, y, s=22, color=pal.samples, alpha=0.55, edgecolors="none", zorder=2,
               label="Samples", gid="samples")
    ax.plot(fx, ds["a"] * fx * fx + ds["c"], color=pal.true_line, ls=(0, (5, 3)),
            lw=style.stroke(pal, "curve") * 0.55, zorder=3, label=r"True  $y = x^2$", gid="true-curve")
    w, b = line["positions"][-1, 0]
    ax.plot(fx, w * fx + b, color=pal.muted, lw=style.stroke(pal, "curve") * 0.6, zorder=3,
            label=rf"Best line  $\hat y = {w:.2f}x + {b:.2f}$,  $L = {line['losses'][-1, 0]:.2f}$",
            gid="line")
    for i, run in enumerate(d.meta["runs"]):
        name = pal.optimizer_names.get(run["name"], run["name"])
        ax.plot(fx, d["fit_y"][-1, i], color=run_colour(pal, run, i),
                lw=style.stroke(pal, "curve") * 0.7, zorder=4 + i,
                label=rf"Network, {name}  $L = {d['losses'][-1, i]:.3f}$",
                gid=f"network-{run['name']}")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(True)
    ax.set_ylim(min(float(y.min()), 0.0) - 0.5, float(y.max()) + 2.2)  # room for the legend
    ax.legend(loc="upper center", fontsize=style.fontsize(pal, "small"))
    ax.text(0.98, 0.04, rf"{_network_text(d.meta['params'])}, {d.meta['steps']} steps",
            transform=ax.transAxes, ha="right", va="bottom", color=pal.muted,
            fontsize=style.fontsize(pal, "small"))
    fig.suptitle(ctx.entry.title)
    return fig
