"""One look: every colour and font size comes from assets/theme.json by the name of what it shows.

- No colour literal anywhere in core/, scenes/ or render/ (hex strings, manim's colour constants,
  matplotlib's colour names): colours are the theme's concepts.
- No raw font size in scenes/: every text mobject is given a size, and that size is a name of the
  theme's type scale (``pal.fonts.label``), never a number or arithmetic on one. The figures'
  sizes are checked on the drawn artists (tests/test_figures.py).
- The theme file itself: every concept names a hue both themes define, says what it is, and the
  two themes define the same hues and colour maps.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from matplotlib import colors as mcolors

from conftest import ROOT
from core import theme

SOURCES = sorted(p for d in ("core", "scenes", "render") for p in (ROOT / d).rglob("*")
                 if p.suffix in (".py", ".mk", ".sh") and "__pycache__" not in p.parts)
SCENE_SOURCES = sorted((ROOT / "scenes").rglob("*.py"))

HEX = re.compile(r"""["']#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})["']""")
MANIM_COLOURS = re.compile(r"\b(?:WHITE|BLACK|GRAY|GREY|RED|BLUE|GREEN|YELLOW|ORANGE|PURPLE|PINK|TEAL|"
                           r"GOLD|MAROON|LIGHT_GRAY|LIGHT_GREY|DARK_GRAY|DARK_GREY|DARKER_GRAY|"
                           r"LIGHTER_GRAY|PURE_RED|PURE_GREEN|PURE_BLUE|LIGHT_BROWN|DARK_BROWN|"
                           r"GRAY_BROWN|DARK_BLUE|LIGHT_PINK)(?:_[A-E])?\b")
NAMED = {n.lower() for n in [*mcolors.CSS4_COLORS, *mcolors.BASE_COLORS, *mcolors.TABLEAU_COLORS,
                             *mcolors.XKCD_COLORS]} - {"none"}
# a colour keyword given a string: color="red", mec='k', colors=["white"] ...
COLOUR_KWARG = re.compile(r"""\b(?:color|colors|colour|fc|ec|mec|mfc|facecolor|edgecolor|foreground|"""
                          r"""stroke_color|fill_color|background_color)\s*=\s*\[?\s*["']([^"']+)["']""")


def test_the_sources_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"scenes/optimizer_race.py", "render/figures/races.py", "render/videos.mk"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_colour_literal_outside_the_theme(path):
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for m in HEX.finditer(text)]
    found += [m.group(0) for m in MANIM_COLOURS.finditer(text)] if path.suffix == ".py" else []
    found += [m.group(1) for m in COLOUR_KWARG.finditer(text) if m.group(1).lower() in NAMED]
    assert not found, f"{path.relative_to(ROOT)}: colour literals {found}; use a concept of assets/theme.json"


def test_the_colour_check_can_fail():
    bad = ['x = "#D1495B"', "from manim import WHITE", 'ax.plot(x, color="red")', "c = BLUE_E"]
    for line in bad:
        assert HEX.search(line) or MANIM_COLOURS.search(line) or \
            any(m.group(1) in NAMED for m in COLOUR_KWARG.finditer(line)), line


TEXT_MOBJECTS = {"Tex", "MathTex", "Text", "MarkupText", "DecimalNumber", "Integer", "GlyphNumber",
                 "Paragraph", "Title", "BulletedList"}


def _numeric(node) -> bool:
    """Whether an expression contains a number (a raw size, or arithmetic on a named one)."""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, (int, float))
               and not isinstance(n.value, bool) for n in ast.walk(node))


def font_size_problems(source: str) -> list[str]:
    problems = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            sizes = [k for k in node.keywords if k.arg in ("font_size", "note_size")]
            if name in TEXT_MOBJECTS and not any(k.arg == "font_size" for k in node.keywords) \
                    and not any(k.arg is None for k in node.keywords):  # **kwargs passes one on
                problems.append(f"line {node.lineno}: {name}(...) without font_size (manim's 48)")
            for k in sizes:
                if _numeric(k.value):
                    problems.append(f"line {node.lineno}: {k.arg}={ast.unparse(k.value)}")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            defaults = list(zip(args.args[len(args.args) - len(args.defaults):], args.defaults))
            defaults += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            for a, d in defaults:
                if "size" in a.arg and a.arg.endswith(("font_size", "note_size")) and _numeric(d):
                    problems.append(f"line {node.lineno}: {node.name}({a.arg}={ast.unparse(d)})")
        if isinstance(node, ast.Assign) and _numeric(node.value) and any(
                isinstance(t, ast.Name) and t.id in ("fs", "font_size", "size") for t in node.targets) \
                and "fonts" in ast.unparse(node.value):
            problems.append(f"line {node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.BinOp) and "fonts." in ast.unparse(node) and _numeric(node):
            problems.append(f"line {node.lineno}: arithmetic on the type scale: {ast.unparse(node)}")
    return problems


@pytest.mark.parametrize("path", SCENE_SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_raw_font_size_in_scenes(path):
    problems = font_size_problems(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.relative_to(ROOT)}: {problems}; use pal.fonts.<{'|'.join(theme.TYPE_SCALE)}>"


def test_the_font_size_check_can_fail():
    for bad in ['Tex("a", font_size=30)', 'MathTex("a")', 'Tex("a", font_size=pal.fonts.label + 2)',
                "def f(pal, font_size: float = 26): pass", 'fs = pal.fonts.small * 0.8']:
        assert font_size_problems(bad), bad
    for good in ['Tex("a", font_size=pal.fonts.label)', "def f(pal, font_size=None): pass",
                 'MathTex("a", **kw)', "formula.scale(pal.fonts.math / pal.fonts.title)"]:
        assert not font_size_problems(good), good


# --------------------------------------------------------------------- the theme file
def test_every_concept_names_a_hue_of_both_themes_and_says_what_it_is():
    raw = theme.raw()
    light, dark = raw["hues"]["light"], raw["hues"]["dark"]
    assert sorted(light) == sorted(dark), "both themes define the same hues"
    for name, spec in raw["concepts"].items():
        if name.startswith("_"):
            continue
        assert spec["hue"] in light, (name, spec)
        assert len(spec["is"]) > 15, f"{name}: say what it is"
    for name, spec in raw["optimizers"].items():
        if not name.startswith("_"):
            assert spec["hue"] in light and spec["name"], name
    assert all(h in light for h in raw["paths"]["hues"])
    assert sorted(raw["ramps"]["light"]) == sorted(raw["ramps"]["dark"])
    assert sorted(k for k in raw["fonts"] if not k.startswith("_")) == sorted(["typeface", *theme.TYPE_SCALE])


def test_load_resolves_concepts_per_theme():
    light, dark = theme.load("light"), theme.load("dark")
    raw = theme.raw()
    for concept, spec in theme.concepts().items():
        assert light[concept] == raw["hues"]["light"][raw["concepts"][concept]["hue"]]
        assert dark[concept] == raw["hues"]["dark"][raw["concepts"][concept]["hue"]]
    assert light["background"] != dark["background"]
    assert light["optimizer_names"]["rmsprop"] == "RMSProp"
    assert light["fonts"]["label"] < light["fonts"]["math"] < light["fonts"]["title"]
    with pytest.raises(theme.ThemeError, match="valid: light, dark"):
        theme.load("sepia")


def test_no_source_names_a_colour_the_theme_does_not_define():
    """``pal.<name>`` in scenes and figures: every name is a concept, a colour map or one of the
    palette's other entries (a typo would fail only when that scene renders)."""
    known = set(theme.load("light")) | {"fonts", "strokes"}
    used = set()
    for path in [*SCENE_SOURCES, *sorted((ROOT / "render" / "figures").glob("*.py"))]:
        used |= set(re.findall(r"\bpal\.([a-z_]+)\b", path.read_text(encoding="utf-8")))
    assert used - known == set(), used - known
