"""Alt text for the posters and figures: a template beside each entry of its registry, filled with
numbers read from the scenario data it shows.

A template is a ``str.format`` string whose fields name a scenario and a fact about it:
``"... with α = {convex-1d.lr}, it ends at x = {convex-1d.end} (f = {convex-1d.final_loss})"``.
The facts (:class:`Facts`) are short strings, so a template needs no format specs; the numbers
have three significant figures, a real minus sign and powers of ten written out (1.2×10⁻⁵), which a
screen reader reads as numbers. No manim, no matplotlib: the manifest is written without them.

Adding a scene or figure stays one file plus one registry entry: the entry's ``alt`` template.
"""

from __future__ import annotations

import math
import string
from pathlib import Path

import numpy as np

from core.datafile import load
from render.pipeline import RenderError

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
TINY = 1e-9


class AltError(RenderError):
    """A template names a scenario or fact that does not exist (the message says which); the
    manifest step reports it in one line, exit status 1."""


def num(value) -> str:
    """A number as a reader would say it: 3 significant figures, −, and ×10ⁿ for the very large
    or small."""
    v = float(value)
    if not math.isfinite(v):
        return "infinity" if v > 0 else "−infinity" if v < 0 else "not a number"
    if abs(v) < TINY:  # rounding noise of a value that is 0 (a minimum reached exactly)
        return "0"
    text = f"{v:.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}×10{str(int(exp)).translate(SUPERSCRIPT)}"
    return text.replace("-", "−")


def point(p) -> str:
    p = np.atleast_1d(np.asarray(p, float))
    return num(p[0]) if p.size == 1 else "(" + ", ".join(num(v) for v in p) + ")"


def span(values) -> str:
    lo, hi = num(np.min(values)), num(np.max(values))
    return lo if lo == hi else f"{lo} to {hi}"


class Facts:
    """What a template may say about one scenario's data (``positions (T+1, B, d)``, ``losses``,
    ``status``, ``meta``...), each as a short string. The first trajectory stands for the scenario
    where one is meant (``start``, ``end``, ``final_loss``)."""

    def __init__(self, data):
        self._d = data
        self._meta = data.meta
        self._params = data.meta.get("params", {})

    def _a(self, key):
        return np.asarray(self._d.arrays[key])

    # --------------------------------------------------------------- the run
    @property
    def lr(self) -> str:
        lr = self._params.get("lr")
        return span(lr) if isinstance(lr, (list, tuple)) else num(lr)

    @property
    def steps(self) -> str:
        return str(self._meta["steps"])

    @property
    def points(self) -> str:
        return str(self._a("positions").shape[1])

    @property
    def start(self) -> str:
        return point(self._a("positions")[0, 0])

    @property
    def end(self) -> str:
        return point(self._a("positions")[-1, 0])

    @property
    def final_loss(self) -> str:
        return num(self._a("losses")[-1, 0])

    @property
    def final_losses(self) -> str:
        """Every trajectory's final loss, lowest to highest: "0 to 1.33"."""
        return span(self._a("losses")[-1])

    @property
    def converged(self) -> str:
        return str(int((self._a("status") == 1).sum()))

    @property
    def diverged(self) -> str:
        return str(int((self._a("status") == 2).sum()))

    @property
    def samples(self) -> str:
        return str(len(self._a("x")))

    @property
    def sigma(self) -> str:
        """The noise of a regression dataset (standard deviation)."""
        return num(self._params["dataset"]["sigma"])

    @property
    def true_line(self) -> str:
        """The curve a regression dataset was sampled from: "y = 2x + 1", "y = x²"."""
        ds = self._params["dataset"]
        if ds["kind"] == "linear":
            terms = [(ds["w"], "x"), (ds["b"], "")]
        else:
            terms = [(ds["a"], "x²"), (ds.get("b", 0.0), "x"), (ds["c"], "")]
        text = ""
        for coef, var in terms:
            if coef == 0:
                continue
            mag = "" if var and abs(coef) == 1 else num(abs(coef))
            sign = ("−" if coef < 0 else "") if not text else (" − " if coef < 0 else " + ")
            text += f"{sign}{mag}{var}"
        return "y = " + (text or "0")

    @property
    def regime(self) -> str:
        return str(self._params.get("regime", ""))

    # --------------------------------------------------------------- where the points end
    @property
    def minima(self) -> str:
        """How many trajectories end at a global and at a local minimum (and elsewhere)."""
        ends = self._a("positions")[-1]
        losses = self._a("losses")[-1]
        groups = {"global": [], "local": [], "other": []}
        kinds = [(k, np.asarray(self._d.arrays.get(f"{k}_minima", np.zeros((0, ends.shape[1])))))
                 for k in ("global", "local")]
        for end, loss in zip(ends, losses):
            kind = next((k for k, m in kinds
                         if len(m) and np.min(np.linalg.norm(m.reshape(len(m), -1) - end, axis=1)) < 0.05),
                        "other")
            groups[kind].append(loss)
        parts = []
        for kind, words in (("global", "at a global minimum"), ("local", "at a local minimum"),
                            ("other", "elsewhere")):
            if groups[kind]:
                n = len(groups[kind])
                parts.append(f"{n} end{'s' if n == 1 else ''} {words} (f = {span(groups[kind])})")
        return _join(parts)

    # --------------------------------------------------------------- races: one run per optimizer
    @property
    def runs(self) -> str:
        """Each optimizer's final loss, in the race's order: "gd 0.369, momentum 1×10⁻⁴, ..."."""
        names = self._names()
        return ", ".join(f"{n} {num(v)}" for n, v in zip(names, self._a("losses")[-1]))

    @property
    def best_run(self) -> str:
        return self._names()[int(np.argmin(self._a("losses")[-1]))]

    @property
    def lowest(self) -> str:
        """Who ends lowest, ties (equal to three figures) included: "adam ends lowest", "gd and
        adam end lowest" or "all six end at f = 0"."""
        final = self._a("losses")[-1]
        best = num(np.min(final))
        names = [n for n, v in zip(self._names(), final) if num(v) == best]
        if len(names) == len(final):
            return f"all {len(final)} end at f = {best}"
        return f"{_join(names)} end{'s' if len(names) == 1 else ''} lowest"

    @property
    def best_loss(self) -> str:
        return num(np.min(self._a("losses")[-1]))

    def _names(self) -> list[str]:
        opt = self._meta.get("optimizer")
        return list(opt) if isinstance(opt, list) else [str(opt)] * self._a("losses").shape[1]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class _Scenarios(dict):
    """``{scenario: Facts}``, loaded when a template first names the scenario."""

    def __init__(self, data_dir: Path, allowed, owner: str):
        super().__init__()
        self._dir, self._allowed, self._owner = Path(data_dir), set(allowed), owner

    def __missing__(self, name):
        if name not in self._allowed:
            raise AltError(f"{self._owner}: alt text names scenario {name!r}, which it does not "
                           f"show; valid: {', '.join(sorted(self._allowed))}")
        path = self._dir / f"{name}.npz"
        if not path.exists():
            raise AltError(f"{self._owner}: alt text needs {path}; run make data")
        self[name] = Facts(load(path))
        return self[name]


def fields(template: str) -> list[str]:
    """The ``scenario.fact`` fields of a template."""
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def fill(template: str, scenarios, data_dir: Path, owner: str) -> str:
    """``template`` with every field filled from the data of ``scenarios`` (the ones the scene or
    figure shows) in ``data_dir``. Raises AltError naming ``owner`` and the bad field."""
    mapping = _Scenarios(data_dir, scenarios, owner)
    try:
        return template.format_map(mapping)
    except AttributeError as exc:
        valid = ", ".join(n for n in dir(Facts) if not n.startswith("_"))
        raise AltError(f"{owner}: alt text field: {exc}; valid facts: {valid}") from None
    except (KeyError, IndexError, ValueError) as exc:
        raise AltError(f"{owner}: alt text template {template!r}: {exc}") from None


def scene_alt(entry, data_dir: Path) -> str:
    """A scene's poster alt text: its registry template filled from its data, or, for an entry
    without one, its description."""
    template = getattr(entry, "alt", "") or ""
    if not template:
        return entry.description
    return fill(template, entry.data, data_dir, f"scene {entry.name}")


def figure_alt(entry, data_dir: Path) -> str:
    """A figure's alt text: its registry template filled from its data, or, for an entry without
    one, its title and description."""
    template = getattr(entry, "alt", "") or ""
    if not template:
        return f"{entry.title}: {entry.description}"
    return fill(template, entry.data, data_dir, f"figure {entry.name}")
