"""The theme (``assets/theme.json``) as plain values: the one loader the videos and the figures share.

It imports neither manim nor matplotlib: ``scenes.components.style`` turns what :func:`load` returns
into Manim colours, ``render.figures.style`` into rcParams. A theme is ``light`` (the blog) or
``dark`` (the lecture); a video's render process finds its theme in ``GD_THEME``.

``load(name)`` gives, for theme ``name``: every concept of the theme file (``point``, ``gradient``,
``linear_data``, ...) as a hex colour; ``paths`` (the cycle for several named trails);
``landscape``, ``surface``, ``field`` (colour maps, low to high); ``optimizer_colours`` and
``optimizer_names`` (per optimizer); ``fonts`` (``typeface`` and the type scale ``title``,
``math``, ``label``, ``small``); ``strokes``; and ``name``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

THEME_FILE = Path(__file__).resolve().parent.parent / "assets" / "theme.json"
THEMES = ("light", "dark")
TYPE_SCALE = ("title", "math", "label", "small")


class ThemeError(ValueError):
    """An unknown theme name (the message lists the valid ones) or a theme file that is wrong."""


def theme_name(name: str | None = None) -> str:
    """``name``, else ``$GD_THEME``, else ``light``; a ThemeError names the valid ones."""
    name = name or os.environ.get("GD_THEME") or "light"
    if name not in THEMES:
        raise ThemeError(f"unknown theme {name!r}; valid: {', '.join(THEMES)}")
    return name


@lru_cache(maxsize=None)
def raw() -> dict:
    """The theme file as it is written."""
    return json.loads(THEME_FILE.read_text(encoding="utf-8"))


def _entries(section: dict) -> dict:
    return {k: v for k, v in section.items() if not k.startswith("_")}


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    t = raw()
    hues = t["hues"][name]

    def hue(h: str, where: str) -> str:
        try:
            return hues[h]
        except KeyError:
            raise ThemeError(f"{THEME_FILE.name}: {where} names hue {h!r}; valid: "
                             f"{', '.join(hues)}") from None

    pal = {"name": name}
    for concept, spec in _entries(t["concepts"]).items():
        pal[concept] = hue(spec["hue"], f"concept {concept!r}")
    pal["paths"] = [hue(h, "paths") for h in t["paths"]["hues"]]
    pal.update(_entries(t["ramps"])[name])
    optimizers = _entries(t["optimizers"])
    pal["optimizer_colours"] = {k: hue(v["hue"], f"optimizer {k!r}") for k, v in optimizers.items()}
    pal["optimizer_names"] = {k: v["name"] for k, v in optimizers.items()}
    pal["fonts"] = _entries(t["fonts"])
    pal["strokes"] = _entries(t["strokes"])
    return pal


def load(name: str | None = None) -> dict:
    """Theme ``name`` (default: :func:`theme_name`) as a fresh dict of plain values."""
    pal = _load(theme_name(name))
    return {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
            for k, v in pal.items()}


def concepts() -> dict:
    """``{concept: what it is}``: every colour name code may use, from the theme file."""
    return {k: v["is"] for k, v in _entries(raw()["concepts"]).items()}


def optimizer_name(key: str) -> str:
    """The display name of an optimizer (``adam`` -> ``Adam``); an unknown one keeps its key."""
    return _entries(raw()["optimizers"]).get(key, {}).get("name", key)
