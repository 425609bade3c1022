"""``python -m render.figures``: draw the stills, list them, or write their make rules.

    python -m render.figures [--out media/figures] [--theme light|dark] [NAME ...]
    python -m render.figures --list
    python -m render.figures --makefile build/figures.mk

Bad input prints one line and exits 2, before anything is drawn or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from render.figures import DEFAULT_OUT, FIGURES, get, registry


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
    p.add_argument("--makefile", metavar="OUT", help="write the per-figure make rules to OUT")
    args = p.parse_args(argv)
    err = f"{p.prog}: error:"
    if args.list:
        width = max(map(len, FIGURES))
        for f in FIGURES.values():
            print(f"{f.name:<{width}}  {f.description}")
        return 0
    if args.makefile:
        from render.pipeline import write_text_atomic
        write_text_atomic(Path(args.makefile), registry.makefile_text())
        return 0
    from render import figures
    from render.figures import style
    try:
        theme = style.theme_name(args.theme)
        names = args.names or list(FIGURES)
        for n in names:
            get(n)
    except ValueError as e:
        print(f"{err} {e}", file=sys.stderr)
        return 2
    for n in names:
        try:
            png, svg = figures.render(n, args.out, theme)
        except FileNotFoundError as e:
            print(f"{err} {e}", file=sys.stderr)
            return 1
        print(f"{png}  (+ .svg)")
    return 0
