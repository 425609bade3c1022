"""The optimizer races: six optimizers from one start on a classic surface, their paths on the map
and their loss per step."""

from __future__ import annotations

import numpy as np

from render.figures import style
from render.figures.common import Ctx, fmt, halo, legend_handles, new_figure, run_colour, run_label

import matplotlib as mpl
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from core.view import fate, view_exit

# Six optimizers from one start on a classic surface (positions (T+1, 6, 2), in meta["runs"] order).
# Everything drawn comes from the file: the runs' names and rates, their status steps, the grid, the
# minima and the saddle points; where a path crosses the view's border is core.view's (as in the
# video).
RACE_SIZE = (12.6, 6.5)
# Where a run leaves the view: a triangle on the border, pointing the way it went.
_EXIT_MARKERS = {"top": "^", "bottom": "v", "left": "<", "right": ">"}


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
    cmap = style.surface_cmap(pal) if saddle else style.landscape_cmap(pal)
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


def race(ctx: Ctx) -> Figure:
    """The race of the figure's one scenario: the paths on the map, each run's loss per step, and
    legends naming each run's rate and fate."""
    pal, d = ctx.pal, ctx.data(ctx.entry.data[0])
    runs = d.meta["runs"]
    pos, losses = d["positions"], d["losses"]
    conv, div = d["converged_step"], d["diverged_step"]
    steps = d.meta["steps"]
    domain = d["domain"]
    saddle_points = d.arrays.get("saddle_points", np.empty((0, 2)))
    saddle = bool((d["grid_f"] < 0).any())  # a surface without a floor: diverging colours about 0
    small = style.fontsize(pal, "small")
    lw = style.stroke(pal, "path") * 0.45
    names = [pal.optimizer_names.get(r["name"], r["name"]) for r in runs]
    colours = [run_colour(pal, r, i) for i, r in enumerate(runs)]

    fig = new_figure(ctx, RACE_SIZE)
    ax, axl = fig.subplots(1, 2, width_ratios=(1.0, 1.0))

    # -- the map: landscape, landmarks in neutral ink (the six colours belong to the runs)
    _race_landscape(fig, ax, pal, d, saddle)
    # Local minima small and under the paths; global minima and saddle points over the lines (the
    # end dots of the runs that reach them sit on top).
    for key, color, marker, ms in (("local_minima", pal.muted, "D", 3.4),
                                   ("global_minima", pal.minimum_global, "*", 15),
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
                path_effects=halo(pal, lw), solid_capstyle="round", solid_joinstyle="round")
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
    ax.plot(*pos[0, 0], "o", ms=10, mfc=pal.background, mec=pal.start, mew=2.0, zorder=8,
            gid="start")
    # Runs that end on the same spot hide each other: name them there, on the side of the spot
    # that the paths cross least.
    (x0, x1), (y0, y1) = domain
    drawn = np.concatenate([pos[:last + 1, i] for i, (last, _) in enumerate(status)])
    for g in _end_groups(ends, domain):
        if len(g) < 2:
            continue
        text = ", ".join(names[i] for i in g)
        (sx, sy), _ = _label_side(ends[g[0]], text, small, drawn, domain)
        ax.annotate(text, ends[g[0]], xytext=(9 * sx, 9 * sy), textcoords="offset points",
                    ha={1: "left", -1: "right", 0: "center"}[sx],
                    va={1: "bottom", -1: "top", 0: "center"}[sy], fontsize=small,
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
        axl.plot(np.arange(last + 1), lo, color=colours[i], lw=style.stroke(pal, "path") * 0.4,
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
                                        "symlog": r"  (log scale beyond $\pm 1$)"}.get(scale, ""))
    axl.grid(True, which="major")
    axl.set_title(f"Loss over {steps} steps", pad=12)
    if scale == "symlog":
        axl.axhline(0.0, color=pal.muted, lw=0.9, ls=(0, (4, 3)), zorder=2)

    # -- legends below: one entry per run (name and rate from meta.runs, its fate from the data),
    # and what the marks mean
    labels = []
    for i, run in enumerate(runs):
        last, out = status[i]
        end = fate(pos[:last + 1, i], domain, int(conv[i]), int(div[i]))  # as the video words it
        labels.append(run_label(pal, run) + (f",  {end.text}" if end else ""))
    handles = [Line2D([], [], color=c, lw=2.4, label=lab) for c, lab in zip(colours, labels)]
    fig.legend(handles=handles, loc="outside lower left", ncols=2, title="optimizers, from one start",
               alignment="left").set_gid("runs-legend")
    key = [("start", pal.start, "start")]
    if (conv >= 0).any():
        key.append(("marker", pal.muted,
                    rf"converged ($\|\nabla f\| \leq {fmt(d.meta['params']['tol'])}$)", "o"))
    if any(out is not None for _, out in status):
        key.append(("marker", pal.muted, "left the view", "^"))
    if (div >= 0).any():
        key.append(("marker", pal.muted, "diverged", "X"))
    for k_, color, label, marker in (("global_minima", pal.minimum_global, "global minimum", "*"),
                                     ("local_minima", pal.muted, "local minima", "D")):
        if d[k_].size:
            key.append(("marker", color, label, marker))
    if saddle_points.size:
        key.append(("marker", pal.foreground, "saddle point", "P"))
    fig.legend(handles=legend_handles(pal, key), loc="outside lower right", ncols=2).set_gid("key-legend")
    fig.suptitle(ctx.entry.title)
    return fig
