"""The learning-rate stills: one figure per rate on the bowl (5x² + y²)/2, the path on the landscape
and the loss per step, with the regime theory predicts."""

from __future__ import annotations

import numpy as np

from render.figures import style
from render.figures.common import Ctx, domain_limits, fmt, mark_start_end, new_figure

from matplotlib.figure import Figure

from core.datafile import ScenarioData

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
        limits.append(rf"stable for $\alpha < {fmt(params['lr_max'])}$")
    if isinstance(params.get("lr_best"), (int, float)):
        limits.append(rf"best $\alpha^* = {params['lr_best']:.3g}$")
    return f"regime: {regime}" + (f"  ({', '.join(limits)})" if limits else "")

DOUBLE = (11.5, 4.8)  # inches, as common.SINGLE


def loss_axes(ax, pal, losses, color, *, gid="loss-curve", last=None):
    """Loss per step; log scale when the positive losses span more than two decades."""
    steps = np.arange(losses.size)
    if last is not None:
        steps, losses = steps[:last + 1], losses[:last + 1]
    ax.plot(steps, losses, color=color, lw=style.stroke(pal, "path") * 0.8, gid=gid,
            marker="o", ms=2.8)
    pos = losses[losses > 0]
    if pos.size and pos.max() / pos.min() > 100:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(True, which="major")
    ax.set_xlim(-0.5, None)
    return ax


def contour_bowl(ax, pal, d, *, filled_alpha=0.9):
    """The bowl's landscape: filled contours in the theme's landscape map plus thin lines."""
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    levels = float(gf.max()) * np.linspace(0.0, 1.0, 16) ** 2  # evenly spaced ellipses
    cmap = style.landscape_cmap(pal)
    cs = ax.contourf(gx, gy, gf, levels=levels, cmap=cmap, alpha=filled_alpha)
    cs.set_gid("landscape")
    ax.contour(gx, gy, gf, levels=levels[1:], colors=[pal.grid], linewidths=0.5, alpha=0.8)
    return cs


def learning_rate(ctx: Ctx) -> Figure:
    """One learning rate on the bowl (the figure's one scenario): the path on the landscape and the
    loss per step, marked where it converged or diverged."""
    pal, d = ctx.pal, ctx.data(ctx.entry.data[0])
    pos, losses = d["positions"][:, 0, :], d["losses"][:, 0]
    lr, steps = d.meta["params"]["lr"], d.meta["steps"]
    kdiv = int(d["diverged_step"][0])
    kconv = int(d["converged_step"][0])
    last = kdiv - 1 if kdiv >= 0 else pos.shape[0] - 1  # frozen after divergence: show what ran
    shown = pos[:last + 1]

    fig = new_figure(ctx, DOUBLE)
    ax, axl = fig.subplots(1, 2, width_ratios=(1.0, 1.25))

    # -- the path on the landscape
    contour_bowl(ax, pal, d)
    gm = d["global_minima"]
    ax.plot(gm[:, 0], gm[:, 1], ls="none", marker="*", ms=15, color=pal.minimum_global,
            mec=pal.background, mew=0.8, zorder=3, gid="global-minimum")
    # The whole path as one line, clipped to the view (a diverging path visibly leaves it); the
    # step markers only where they are inside, unclipped so a point on the border stays whole.
    ax.plot(shown[:, 0], shown[:, 1], color=pal.point, lw=style.stroke(pal, "path") * 0.4,
            gid="path-0", zorder=4)
    (x0, x1), (y0, y1) = d["domain"]
    inside = (shown[:, 0] >= x0) & (shown[:, 0] <= x1) & (shown[:, 1] >= y0) & (shown[:, 1] <= y1)
    ax.plot(shown[inside, 0], shown[inside, 1], ls="none", marker="o", ms=3.4, color=pal.point,
            mec=pal.background, mew=0.4, zorder=5, clip_on=False, gid="path-0-steps")
    mark_start_end(ax, shown, pal.point, pal, gid="path-0", end=kdiv < 0)
    domain_limits(ax, d, pad=0.0)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(rf"${d.meta['formula']}$,  $\alpha = {fmt(lr)}$")
    small = style.fontsize(pal, "small_size")

    # -- the loss per step
    color = pal.diverged if kdiv >= 0 else pal.point
    loss_axes(axl, pal, losses, color, last=last)
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
        info.append(rf"loss ${fmt(losses[0])} \rightarrow {fmt(losses[last])}$ after {last} steps")
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
                   rf"at step {last}: $(x, y) = ({fmt(far[0])}, {fmt(far[1])})$" "\n" + msg)
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
            axl.annotate(rf"divergence bound ${fmt(bound)}$", (0.02, bound),
                         xycoords=("axes fraction", "data"), xytext=(0, 4), textcoords="offset points",
                         ha="left", va="bottom", color=pal.muted, fontsize=small)
            axl.set_ylim(top=bound * 30)
        axl.set_xlim(-0.5, steps + 0.5)
    fig.suptitle(ctx.entry.title)
    return fig
