"""One matplotlib style for every still, built from the theme the Manim scenes use.

``assets/theme.json`` (through :func:`scenes.components.theme.load`, which never imports manim) gives
the colours, fonts and strokes; this module turns them into rcParams, colour maps and the save
options that make a figure reproducible byte for byte. ``GD_THEME=light|dark`` (or the ``theme``
argument) picks the variant.

The theme's font sizes and strokes are in Manim's units (sizes for a 1080p frame); a figure is read
at roughly 40 % of that, so both are scaled by ``FONT_SCALE`` and ``STROKE_SCALE``.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")  # headless and deterministic; must come before pyplot is imported anywhere

from cycler import cycler  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, to_rgba  # noqa: E402

from render.pipeline import atomic_output  # noqa: E402
from scenes.components import theme as _theme  # noqa: E402

FONT_SCALE = 0.4  # theme sizes (Manim px on a 1080p frame) -> points
STROKE_SCALE = 0.5  # theme stroke widths (Manim) -> points
DPI = 200  # PNG resolution: 2x the 100-dpi layout size
SVG_HASHSALT = "gd-media"  # fixed salt: clip-path and gradient ids are the same on every run

# Metadata without dates or versions: two runs (or two machines) write identical bytes.
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


def theme_name(name: str | None = None) -> str:
    """``name``, else ``$GD_THEME``, else light; a ThemeError names the valid ones."""
    return _theme.theme_name(name)


def palette(name: str | None = None) -> SimpleNamespace:
    """The theme as attributes: ``pal.prediction``, ``pal.paths[i]``, ``pal.fonts['label_size']``."""
    return SimpleNamespace(**_theme.load(name))


def fontsize(pal: SimpleNamespace, which: str) -> float:
    """A theme font size (``math_size``, ``label_size``, ``small_size``) in points."""
    return round(pal.fonts[which] * FONT_SCALE, 1)


def stroke(pal: SimpleNamespace, which: str) -> float:
    """A theme stroke width (``axis``, ``path``, ``arrow``, ``curve``, ``contour``) in points."""
    return pal.strokes[which] * STROKE_SCALE


def landscape_cmap(pal: SimpleNamespace) -> LinearSegmentedColormap:
    """Low to high loss, the theme's ``landscape`` stops (as the scenes colour their surfaces)."""
    return LinearSegmentedColormap.from_list(f"landscape-{pal.name}", pal.landscape)


def surface_cmap(pal: SimpleNamespace) -> LinearSegmentedColormap:
    """The diverging map for the hill's surface: valleys blue, peaks red."""
    return LinearSegmentedColormap.from_list(f"surface-{pal.name}", pal.surface)


def rc(name: str | None = None) -> dict:
    """rcParams for theme ``name``: colours, fonts, strokes, reproducible output."""
    pal = palette(name)
    fg, bg, muted, grid = pal.foreground, pal.background, pal.muted, pal.grid
    label, small, title = fontsize(pal, "label_size"), fontsize(pal, "small_size"), fontsize(pal, "math_size")
    return {
        # output
        "savefig.dpi": DPI,
        "savefig.facecolor": bg,
        "savefig.edgecolor": bg,
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "path",  # text as paths: the SVG looks the same without the fonts
        "path.simplify": True,
        # colours
        "figure.facecolor": bg,
        "figure.edgecolor": bg,
        "axes.facecolor": bg,
        "axes.edgecolor": pal.axis,
        "axes.labelcolor": fg,
        "axes.titlecolor": fg,
        "axes.prop_cycle": cycler(color=pal.paths),
        "text.color": fg,
        "xtick.color": pal.axis,
        "ytick.color": pal.axis,
        "xtick.labelcolor": fg,
        "ytick.labelcolor": fg,
        "grid.color": grid,
        "grid.linewidth": 0.8,
        "grid.alpha": 1.0,
        "legend.facecolor": bg,
        "legend.edgecolor": grid,
        "legend.labelcolor": fg,
        "legend.framealpha": 0.92,
        "legend.fancybox": False,
        "image.cmap": "viridis",  # overridden per plot with the theme's maps
        "patch.edgecolor": fg,
        # fonts
        "font.family": "sans-serif",
        "font.sans-serif": [pal.fonts["text"], "DejaVu Sans"],
        "mathtext.fontset": "dejavusans",
        "font.size": small,
        "axes.titlesize": label,
        "axes.titleweight": "normal",
        "axes.labelsize": label * 0.9,
        "xtick.labelsize": small,
        "ytick.labelsize": small,
        "legend.fontsize": small,
        "legend.title_fontsize": small,
        "figure.titlesize": title,
        "figure.titleweight": "bold",
        # strokes
        "axes.linewidth": stroke(pal, "axis") * 0.5,
        "lines.linewidth": stroke(pal, "curve"),
        "lines.markersize": 5.0,
        "xtick.major.width": stroke(pal, "axis") * 0.5,
        "ytick.major.width": stroke(pal, "axis") * 0.5,
        "contour.linewidth": stroke(pal, "contour"),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.grid": False,
        # layout
        "figure.constrained_layout.use": True,
        "figure.constrained_layout.h_pad": 0.06,
        "figure.constrained_layout.w_pad": 0.06,
        "figure.dpi": 100,
        "axes.xmargin": 0.02,
        "axes.ymargin": 0.04,
    }


def with_alpha(color: str, alpha: float) -> tuple:
    return to_rgba(color, alpha)


def save(fig, stem: Path) -> tuple[Path, Path]:
    """Write ``<stem>.png`` (at ``DPI``) and ``<stem>.svg`` atomically and reproducibly.

    Both are drawn into temporary files under ``build/render/tmp`` (``render.pipeline``'s
    ``atomic_output``, as every video is), never beside the targets, and renamed over them once
    both are complete: a failed, interrupted or killed render leaves no half-written figure, and
    no temporary file, in ``media/``.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(stem.with_suffix(".png")) as png, atomic_output(stem.with_suffix(".svg")) as svg:
        fig.savefig(png, format="png", dpi=DPI, metadata=PNG_METADATA)
        fig.savefig(svg, format="svg", metadata=SVG_METADATA)
    return stem.with_suffix(".png"), stem.with_suffix(".svg")
