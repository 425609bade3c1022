"""render/alt.py and the registry's alt templates: filled from the data files, checked against
numbers computed here from the same arrays."""

import re

import numpy as np
import pytest

from core.datafile import data_dir, load
from render import alt
from render.figures.registry import FIGURES
from scenes.registry import SCENES, SceneEntry

def data(name):
    """The session's scenario file (tests/conftest.py computes them; ``GD_DATA_DIR`` names it)."""
    return load(data_dir() / f"{name}.npz")


@pytest.mark.parametrize("value, text", [(0.1, "0.1"), (-0.25, "−0.25"), (2.6e-5, "2.6×10⁻⁵"),
                                         (4.63e19, "4.63×10¹⁹"), (1e-30, "0"), (12.93, "12.9"),
                                         (float("inf"), "infinity")])
def test_numbers_read_as_numbers(value, text):
    assert alt.num(value) == text


@pytest.mark.parametrize("name", list(SCENES))
def test_every_scene_has_alt_text_with_the_numbers_of_its_data(name):
    entry = SCENES[name]
    assert entry.alt, f"{name} has no alt template"
    text = alt.scene_alt(entry, data_dir())
    assert "{" not in text and "}" not in text and 60 < len(text) < 500, text
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", text)) <= 2, f"{name}: one or two sentences: {text}"
    for scenario in entry.data:  # at least one number from each scenario it shows
        meta = data(scenario).meta
        lr = meta["params"]["lr"]
        lrs = lr if isinstance(lr, list) else [lr]
        finals = data(scenario).arrays["losses"][-1]
        assert any(f"{v:.3g}" in text for v in [*lrs, *finals]) or str(meta["steps"]) in text, \
            (name, scenario, text)


def test_convex_descent_says_where_the_point_ends():
    d = data("convex-1d")
    text = alt.scene_alt(SCENES["convex-descent"], data_dir())
    x_end, f_end = d.arrays["positions"][-1, 0, 0], d.arrays["losses"][-1, 0]
    assert f"x = {x_end:.3g}" in text and f"f = {f_end:.3g}" in text
    assert f"α = {d.meta['params']['lr']:g}" in text and f"in {d.meta['steps']} steps" in text


def test_where_the_points_end_counted_independently():
    d = data("multiple-minima-1d")
    ends = d.arrays["positions"][-1, :, 0]
    glob = int((np.abs(ends) > 1).sum())  # the two global minima lie at |x| = 2, the local at 0
    loc = int((np.abs(ends) < 0.05).sum())
    assert glob + loc == len(ends) and glob > 0 and loc > 0
    text = alt.Facts(d).minima
    assert text.startswith(f"{glob} end at a global minimum") and f"{loc} end at a local minimum" in text


def test_race_final_losses_in_order():
    d = data("race-rosenbrock")
    facts = alt.Facts(d)
    final = d.arrays["losses"][-1]
    names = d.meta["optimizer"]
    assert facts.runs.split(", ")[0] == f"{names[0]} {alt.num(final[0])}"
    assert facts.lowest == f"{names[int(np.argmin(final))]} ends lowest"


def test_bad_templates_name_the_scene_and_what_is_valid():
    entry = SceneEntry("x", "m", "C", ("convex-1d",), "d", "ends at {convex-1d.nowhere}")
    with pytest.raises(alt.AltError, match=r"scene x: alt text field: .*nowhere.*valid facts: .*final_loss"):
        alt.scene_alt(entry, data_dir())
    entry = entry._replace(alt="{hill.lr}")
    with pytest.raises(alt.AltError, match="names scenario 'hill', which it does not show; valid: convex-1d"):
        alt.scene_alt(entry, data_dir())
    assert alt.scene_alt(entry._replace(alt=""), data_dir()) == "d"  # no template: the description


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_has_alt_text_with_the_numbers_of_its_data(name):
    entry = FIGURES[name]
    assert entry.alt, f"{name} has no alt template"
    text = alt.figure_alt(entry, data_dir())
    assert "{" not in text and 50 < len(text) < 500, text
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", text)) <= 2, f"{name}: one or two sentences: {text}"
    assert re.search(r"\d", text), text


def test_figure_alt_numbers_from_the_data():
    d = data("lr-unstable")
    text = alt.figure_alt(FIGURES["lr-unusable"], data_dir())
    final = d.arrays["losses"][-1, 0]
    mant, exp = f"{final:.2e}".split("e")
    assert f"{float(mant):.3g}×10" in text and f"α = {d.meta['params']['lr']:g}" in text
