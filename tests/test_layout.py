import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

FORBIDDEN = ("manim", "matplotlib")


def test_core_never_imports_manim_or_matplotlib_statically():
    for path in sorted((ROOT / "core").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.split(".")[0] in FORBIDDEN, f"{path.name} imports {name}"


def test_core_at_runtime_loads_neither():
    code = ("import sys, core, core.__main__, core.scenarios, core.datafile;"
            "core.scenarios.compute('hill');"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('manim','matplotlib')];"
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
