"""The shared theme (assets/theme.json), without importing manim, so figures can use it too.

``GD_THEME=light|dark`` chooses the variant (default ``light``: the blog; ``dark``: the lecture).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

THEME_FILE = Path(__file__).resolve().parents[2] / "assets" / "theme.json"
THEMES = ("light", "dark")


class ThemeError(ValueError):
    pass


def theme_name(name: str | None = None) -> str:
    name = name or os.environ.get("GD_THEME") or "light"
    if name not in THEMES:
        raise ThemeError(f"unknown theme {name!r}; valid: {', '.join(THEMES)}")
    return name


@lru_cache(maxsize=None)
def _raw() -> dict:
    return json.loads(THEME_FILE.read_text())


def load(name: str | None = None) -> dict:
    """The palette of theme ``name`` merged with the shared fonts and strokes."""
    raw = _raw()
    name = theme_name(name)
    pal = {"name": name, **raw[name], "fonts": dict(raw["fonts"]), "strokes": dict(raw["strokes"])}
    pal["optimizer_colours"] = {opt: _resolve(pal, ref)
                                for opt, ref in raw["optimizer_colours"].items() if not opt.startswith("_")}
    return pal


def _resolve(pal: dict, ref: str) -> str:
    """A colour reference, ``key`` or ``paths.N``, to its hex value in ``pal``."""
    key, _, index = ref.partition(".")
    return pal[key][int(index)] if index else pal[key]
