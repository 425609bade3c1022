import re
import subprocess
import sys

import pytest

from conftest import ROOT


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT)


def test_list_names_every_scenario():
    from core import scenarios

    out = cli("list")
    assert out.returncode == 0
    rows = [line.split(None, 1) for line in out.stdout.splitlines()]
    assert [name for name, _ in rows] == list(scenarios.SCENARIOS)
    assert [desc for _, desc in rows] == [s.description for s in scenarios.SCENARIOS.values()]


def test_makefile_lists_every_scenario(tmp_path):
    from core import scenarios

    out = tmp_path / "scenarios.mk"
    res = cli("makefile", "--out", str(out))
    assert res.returncode == 0, res.stderr
    (line,) = [ln for ln in out.read_text().splitlines() if ln.startswith("SCENARIOS :=")]
    assert line.split()[2:] == list(scenarios.SCENARIOS)
    assert not re.search(r"^SCENARIOS\s*:?=", (ROOT / "Makefile").read_text(), re.M), "a copied list"


def test_run_writes_the_file(tmp_path):
    out = tmp_path / "x.npz"
    res = cli("run", "convex-1d", "--out", str(out), "--lr", "0.2", "--steps", "5")
    assert res.returncode == 0, res.stderr
    from core import datafile
    data = datafile.load(out)
    assert data.meta["params"]["lr"] == 0.2 and data["positions"].shape == (6, 1, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["x.npz"]  # no temp files left


@pytest.mark.parametrize("args,needle", [
    (["run", "nope"], "valid: convex-1d"),
    (["run", "hill", "--lr", "0"], "finite number > 0"),
    (["run", "hill", "--lr", "-1"], "finite number > 0"),
    (["run", "hill", "--lr", "nan"], "finite number > 0"),
    (["run", "hill", "--lr", "inf"], "finite number > 0"),
    (["run", "hill", "--steps", "0"], "integer >= 1"),
    (["run", "hill", "--steps", "x"], "integer >= 1"),
    (["run", "hill", "--start", "nan,1"], "finite"),
    (["run", "hill", "--start", "1,inf"], "finite"),
    (["run", "hill", "--start", "1,2,3"], "2 finite number"),
])
def test_bad_input_exits_2_with_one_line_and_no_file(tmp_path, args, needle):
    out = tmp_path / "bad.npz"
    res = cli(*args, "--out", str(out))
    assert res.returncode == 2, res
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], res.stderr
    assert list(tmp_path.iterdir()) == []
