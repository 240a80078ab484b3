"""The package as it is installed: its metadata and contents, the extras CI installs, and
``viz`` without the optional graphviz package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Runs code as if the graphviz Python package were not installed.
WITHOUT_GRAPHVIZ = """
import sys
class _NoGraphviz:
    def find_spec(self, name, path=None, target=None):
        if name == "graphviz" or name.startswith("graphviz."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoGraphviz())
"""


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_GRAPHVIZ + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_viz_imports_without_graphviz_and_its_drawing_functions_say_how_to_install_it(
    tmp_path: Path,
) -> None:
    code = f"""
import viz
from autograd_core import Value
assert "graphviz" not in sys.modules
y = Value(2.0) * 3
calls = {{
    "to_dot": lambda: viz.to_dot(y),
    "render": lambda: viz.render(y, {str(tmp_path / "g.dot")!r}),
    "draw_dot": lambda: viz.draw_dot(y),
    "backprop_steps": lambda: viz.backprop_steps(y, {str(tmp_path / "s.html")!r}),
}}
for name, call in calls.items():
    try:
        call()
    except viz.GraphvizPackageNotFoundError as exc:
        assert isinstance(exc, ModuleNotFoundError) and exc.name == "graphviz"
        print(name, "|", str(exc).splitlines()[0])
    else:
        raise AssertionError(name + " drew without graphviz")
"""
    done = _python(code)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" | ")[0] for line in lines] == [
        "to_dot",
        "render",
        "draw_dot",
        "backprop_steps",
    ]
    for line in lines:
        name = line.split(" | ")[0]
        assert f"viz.{name} needs the graphviz Python package" in line
        assert "pip install graphviz" in line
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_demos_without_graphviz_print_their_numbers_and_a_hint(tmp_path: Path) -> None:
    code = f"""
from demos.cli import main
raise SystemExit(main(["hand_calculation", "--out", {str(tmp_path)!r}]))
"""
    done = _python(code)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the graphviz Python package is not installed" in done.stdout
    assert "blog 0.125" in done.stdout
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob("*.dot"))


def test_license_is_mit() -> None:
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 the autograd-core authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11")
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def test_the_package_holds_the_library_and_its_metadata() -> None:
    config = _pyproject()
    project = config["project"]
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == [
        "autograd_core*",
        "nn*",
        "viz*",
    ]  # demos and benchmarks run from the checkout
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert project["authors"] and project["urls"]
    assert "micrograd" in project["keywords"] and "autodiff" in project["keywords"]
    assert "Typing :: Typed" in project["classifiers"]
    assert project["dependencies"] == ["numpy>=1.24"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0] for r in requirements}


def test_extras_hold_what_the_tests_ci_and_the_notebook_need() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    test = _names(extras["test"])
    # the suite's imports: hypothesis, graphviz, matplotlib, selenium, the headless notebook
    assert {"pytest", "hypothesis", "graphviz", "matplotlib", "selenium"} <= test
    assert {"nbclient", "nbformat", "ipykernel", "ipywidgets"} <= test
    assert _names(extras["dev"]) == {"ruff", "mypy"} and not {"ruff", "mypy"} & test
    assert {"jupyterlab", "ipywidgets", "matplotlib"} <= _names(extras["notebook"])
    assert _names(extras["onnx"]) == {"onnx", "onnxruntime"}
    # a range, not a pin (.ci/run pins the CPU build); the tests skip without it
    assert extras["torch"] == ["torch>=2.1,<3"]


def test_ci_installs_test_and_dev_and_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    install = re.search(r'pip install -q -e "\.\[([\w,]+)\]"', ci)
    assert install is not None
    assert {"test", "dev", "torch", "onnx"} <= set(install.group(1).split(","))
    # the CPU build of torch, pinned, before the extra (whose range would pull CUDA's)
    assert ci.index("pip install -q torch==2.13.0") < install.start()
    last = ci.strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.splitlines()]
    assert last in commands  # the README's test command is the one CI runs
    assert "python -m demos" in commands
    assert any(c.startswith("git clone") for c in commands)
    assert "python3 -m venv .venv && . .venv/bin/activate" in commands
    assert "jupyter lab demos/geometric_intuition.ipynb" in commands
    assert (ROOT / "demos" / "geometric_intuition.ipynb").is_file()
