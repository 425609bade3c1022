"""The descent stills: the convex parabola and the double well in 1-D, the hill sin x sin y in 3-D and
from above, and its gradient field."""

from __future__ import annotations

import numpy as np

from render.figures import style
from render.figures.common import (SINGLE, Ctx, domain_limits, fmt, halo, legend_handles,
                                   mark_start_end, new_figure, theme_axes_3d)

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from core.datafile import ScenarioData

def hill_paths_2d(ax, pal, d, *, lw=None):
    """Every descent's path in ``descent_path`` ink on a halo, its start ring and its end point,
    as the hill and gradient-field videos draw them."""
    pos = d["positions"]
    lw = lw or style.stroke(pal, "path") * 0.45
    for i in range(pos.shape[1]):
        ax.plot(pos[:, i, 0], pos[:, i, 1], color=pal.descent_path, lw=lw, gid=f"path-{i}", zorder=4,
                path_effects=halo(pal, lw), solid_capstyle="round")
        mark_start_end(ax, pos[:, i, :], pal.point, pal, gid=f"path-{i}", size=7.0)


CONTOUR_LEVELS = (-0.8, -0.5, -0.2, 0.2, 0.5, 0.8)  # the gradient-field video's


def hill_axes_2d(ax, d):
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_aspect("equal")
    domain_limits(ax, d, pad=0.0)
    ticks = np.arange(-1.5, 1.51, 0.5) * np.pi
    ax.set_xticks(ticks, [pi_label(t) for t in ticks])
    ax.set_yticks(ticks, [pi_label(t) for t in ticks])


def pi_label(v: float) -> str:
    k = round(v / (np.pi / 2))
    return {0: "0", 1: r"$\pi/2$", -1: r"$-\pi/2$", 2: r"$\pi$", -2: r"$-\pi$"}.get(
        k, rf"${k}\pi/2$")


def gradient_field_with_paths(ctx: Ctx) -> Figure:
    """∇f of sin x sin y on a grid (arrows point uphill) and the descent paths going against it."""
    pal, d = ctx.pal, ctx.data("gradient-field")
    fig = new_figure(ctx, (7.0, 7.6))
    ax = fig.add_subplot()
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    # Faint contours of f behind the arrows, as in the video.
    cs = ax.contour(gx, gy, gf, levels=CONTOUR_LEVELS, colors=[pal.muted], linewidths=0.6,
                    alpha=0.45, negative_linestyles="solid", zorder=0)
    cs.set_gid("landscape")
    fx, fy, g = d["field_x"], d["field_y"], d["field_grad"]
    X, Y = np.meshgrid(fx, fy)
    size = np.hypot(g[..., 0], g[..., 1])
    spacing = min(np.diff(fx).min(), np.diff(fy).min())
    scale = float(size.max()) / (0.92 * spacing)  # the longest arrow about a cell
    # Each arrow coloured by |∇f| on the theme's field map, as the video colours its arrows.
    q = ax.quiver(X, Y, g[..., 0], g[..., 1], size, angles="xy", scale_units="xy", scale=scale,
                  cmap=style.field_cmap(pal), clim=(0.0, float(size.max())), alpha=0.7,
                  width=0.003, headwidth=3.6, headlength=4.2, zorder=2, gid="field")
    hill_paths_2d(ax, pal, d, lw=style.stroke(pal, "path") * 0.55)
    hill_axes_2d(ax, d)
    cb = fig.colorbar(q, ax=ax, shrink=0.8, pad=0.02, aspect=30)
    cb.set_label(r"$|\nabla f(x, y)|$")
    cb.outline.set_edgecolor(pal.grid)
    fig.suptitle(ctx.entry.title)
    handles = legend_handles(pal, [("line", pal.descent_path, "descent path"),
                                   ("start", pal.start, "start"), ("end", pal.point, "end")])
    handles.insert(0, Line2D([], [], color=pal.field[-1], lw=1.6,
                             label=r"gradient $\nabla f(x, y)$ (uphill)", marker=">", ms=5,
                             markevery=[1]))
    fig.legend(handles=handles, loc="outside lower center", ncols=4)
    return fig


def hill_paths(ctx: Ctx) -> Figure:
    """The hill sin x sin y in 3-D with the descent paths on it, and the top-down view beside it."""
    pal, d = ctx.pal, ctx.data("hill")
    gx, gy, gf = d["grid_x"], d["grid_y"], d["grid_f"]
    pos, losses = d["positions"], d["losses"]
    fig = new_figure(ctx, (12.6, 5.6))
    sub = fig.subfigures(1, 2, width_ratios=(1.15, 1.0), wspace=0.0)
    for s in sub:
        s.set_facecolor(pal.background)
    cmap = style.surface_cmap(pal)

    # -- 3-D view: the surface, then the paths drawn on top of it (computed_zorder off)
    ax3 = sub[0].add_subplot(projection="3d", computed_zorder=False)
    X, Y = np.meshgrid(gx, gy)
    surf = ax3.plot_surface(X, Y, gf, cmap=cmap, vmin=-1, vmax=1, rstride=1, cstride=1,
                            linewidth=0.15, edgecolor=style.with_alpha(pal.background, 0.25),
                            antialiased=True, alpha=0.9, zorder=1)
    surf.set_gid("surface")
    for i in range(pos.shape[1]):  # as the 2-D paths: ink on a halo, start ring, end point
        ax3.plot(pos[:, i, 0], pos[:, i, 1], losses[:, i] + 0.02, color=pal.descent_path, zorder=5,
                 path_effects=halo(pal, style.stroke(pal, "path") * 0.45),
                 lw=style.stroke(pal, "path") * 0.45, gid=f"path3d-{i}")
        ax3.plot([pos[0, i, 0]], [pos[0, i, 1]], [losses[0, i] + 0.02], "o", ms=5, mfc=pal.background,
                 mec=pal.start, mew=1.4, zorder=6)
        ax3.plot([pos[-1, i, 0]], [pos[-1, i, 1]], [losses[-1, i] + 0.02], "o", ms=5, color=pal.point,
                 mec=pal.background, mew=0.6, zorder=6)
    ax3.view_init(elev=48, azim=-60)
    ax3.set_xlabel("$x$", labelpad=0)
    ax3.set_ylabel("$y$", labelpad=0)
    ax3.set_zlabel("$f(x, y)$", labelpad=-4)
    ax3.tick_params(pad=-2)
    ax3.set_zticks([-1, 0, 1])
    ticks = np.array([-1.0, 0.0, 1.0]) * np.pi
    ax3.set_xticks(ticks, [pi_label(t) for t in ticks])
    ax3.set_yticks(ticks, [pi_label(t) for t in ticks])
    theme_axes_3d(ax3, pal, (1, 1, 0.45), 1.08, "3-D view")

    # -- top-down view
    ax = sub[1].add_subplot()
    cs = ax.contourf(gx, gy, gf, levels=np.linspace(-1, 1, 17), cmap=cmap, alpha=0.9)
    cs.set_gid("landscape")
    ax.contour(gx, gy, gf, levels=np.linspace(-0.875, 0.875, 15), colors=[pal.background],
               linewidths=0.4, alpha=0.5, negative_linestyles="solid")
    hill_paths_2d(ax, pal, d)
    hill_axes_2d(ax, d)
    ax.set_title("Top-down view")
    cb = sub[1].colorbar(cs, ax=ax, shrink=0.85, pad=0.02, ticks=[-1, -0.5, 0, 0.5, 1])
    cb.set_label("$f(x, y) = \\sin x \\, \\sin y$")
    cb.outline.set_edgecolor(pal.grid)
    fig.suptitle(ctx.entry.title)
    return fig


def _curve_axes(ctx: Ctx, d: ScenarioData, size=SINGLE):
    pal = ctx.pal
    fig = new_figure(ctx, size)
    ax = fig.add_subplot()
    ax.plot(d["curve_x"], d["curve_f"], color=pal.foreground, lw=style.stroke(pal, "curve") * 0.55,
            gid="curve", zorder=2)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    ax.grid(True)
    ax.set_title(rf"${d.meta['formula']}$", fontsize=style.fontsize(pal, "label"),
                 fontweight="normal", color=pal.muted)
    fig.suptitle(ctx.entry.title)
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
    handles = legend_handles(pal, [
        ("line", pal.minimum_global, "path ending in a global minimum"),
        ("line", pal.minimum_local, "path ending in the local minimum"),
        ("start", pal.start, "start"),
        ("marker", pal.minimum_global, "global minimum", "*"),
        ("marker", pal.minimum_local, "local minimum", "D")])
    ax.legend(handles=handles, loc="upper center", ncols=2)
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
                    arrowprops=dict(arrowstyle="-|>", color=pal.gradient, lw=1.8, shrinkA=0,
                                    shrinkB=0, mutation_scale=12))
    ax.annotate(rf"start $x_0 = {fmt(x[0])}$", (x[0], fx[0]), xytext=(-10, 10), textcoords="offset points",
                ha="right", va="bottom", color=pal.foreground, fontsize=style.fontsize(pal, "small"))
    _minimum_markers(ax, pal, d)
    handles = legend_handles(pal, [("marker", pal.point, rf"$x_k$ ({x.size - 1} steps, $\alpha = {fmt(lr)}$)", "o")])
    handles += [Line2D([], [], color=pal.step, lw=1.8, marker=">", ms=5, markevery=[1],
                       label=r"step $x_{k+1} - x_k$"),
                Line2D([], [], color=pal.gradient, lw=1.8, marker=">", ms=5, markevery=[1],
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
