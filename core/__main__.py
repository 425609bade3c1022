"""``python -m core list | run NAME [--out FILE] [--lr X] [--steps N] [--start X[,Y]]
[--layers 1,16,16,1] [--activation tanh] | data | check [--data-dir DIR] | makefile --out FILE``."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from . import datafile, mlp, scenarios


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse would print the usage too)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(2)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"invalid learning rate {text!r}; valid: a finite number > 0")
    return value


def _steps(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid steps {text!r}; valid: an integer >= 1")
    return value


def _start(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = [math.nan]
    if not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"invalid start {text!r}; valid: finite numbers separated by commas")
    return values


def _layers(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) < 2 or min(values) < 1:
        raise argparse.ArgumentTypeError(
            f"invalid layers {text!r}; valid: two or more integers >= 1 separated by commas, "
            "e.g. 1,16,16,1")
    return values


def _activation(text: str) -> str:
    if text not in mlp.ACTIVATIONS:
        raise argparse.ArgumentTypeError(
            f"unknown activation {text!r}; valid: {', '.join(mlp.ACTIVATIONS)}")
    return text


def _scenario_name(text: str) -> str:
    if text not in scenarios.SCENARIOS:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {text!r}; valid: {', '.join(scenarios.SCENARIOS)}")
    return text


def check(data_dir: Path) -> int:
    """Every scenario file in ``data_dir`` that cannot be read or has another schema is removed
    with its stamp (make recomputes it), one line each on stderr; never a traceback."""
    for name in scenarios.SCENARIOS:
        path = data_dir / f"{name}.npz"
        if not path.exists():
            continue
        wrong = datafile.problem(path, name, scenarios.SCHEMA)
        if wrong:
            sys.stderr.write(f"{path}: {wrong}; recomputing it\n")
            path.unlink(missing_ok=True)
            (data_dir / f".{name}.stamp").unlink(missing_ok=True)
    return 0


def main(argv=None) -> int:
    parser = _Parser(prog="python -m core", description="Gradient descent scenarios")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="list the scenarios")
    p_run = sub.add_parser("run", help="run one scenario and write its data file")
    p_run.add_argument("name", type=_scenario_name)
    p_run.add_argument("--out", type=Path, help="output .npz (default: build/data/NAME.npz)")
    p_run.add_argument("--lr", type=_positive_float, help="learning rate override (> 0)")
    p_run.add_argument("--steps", type=_steps, help="number of steps override (>= 1)")
    p_run.add_argument("--start", type=_start, help="one start point, e.g. 1.5,-2 (replaces the starts)")
    p_run.add_argument("--layers", type=_layers,
                       help="a network scenario's layer sizes, e.g. 1,16,16,1")
    p_run.add_argument("--activation", type=_activation,
                       help=f"a network scenario's hidden activation: {', '.join(mlp.ACTIVATIONS)}")
    p_data = sub.add_parser("data", help="write every scenario's data file")
    p_data.add_argument("--outdir", type=Path, default=None)
    p_check = sub.add_parser("check", help="remove damaged data files (and their stamps), saying so")
    p_check.add_argument("--data-dir", type=Path, default=None)
    p_mk = sub.add_parser("makefile", help="write the scenario list for the Makefile")
    p_mk.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.command == "list":
        width = max(map(len, scenarios.SCENARIOS))
        for sc in scenarios.SCENARIOS.values():
            print(f"{sc.name:<{width}}  {sc.description}")
        return 0
    if args.command == "run":
        try:
            arrays, meta = scenarios.compute(args.name, lr=args.lr, steps=args.steps, start=args.start,
                                             layers=args.layers, activation=args.activation)
        except scenarios.ScenarioError as exc:
            parser.error(str(exc))
        out = args.out or datafile.data_dir() / f"{args.name}.npz"
        changed = datafile.save(out, arrays, meta)
        print(f"{out}: {'written' if changed else 'unchanged'}")
        return 0
    if args.command == "check":
        return check(args.data_dir or datafile.data_dir())
    if args.command == "makefile":
        text = ("# Generated from core/scenarios.py by `python -m core makefile`; do not edit.\n"
                f"SCENARIOS := {' '.join(scenarios.SCENARIOS)}\n")
        datafile.write_atomic(args.out, text.encode(), always=True)  # its time tells make it is new
        return 0
    outdir = args.outdir or datafile.data_dir()
    for name in scenarios.SCENARIOS:
        arrays, meta = scenarios.compute(name)
        changed = datafile.save(outdir / f"{name}.npz", arrays, meta)
        print(f"{outdir / (name + '.npz')}: {'written' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
