"""How graphs and explanations show in Jupyter: SVG that fits the column, our install hint
without Graphviz's dot program, typeset maths for explain."""

from __future__ import annotations

import re
import shutil

import pytest

graphviz = pytest.importorskip("graphviz", reason="viz needs the graphviz Python package")

import viz  # noqa: E402
from autograd_core import Value  # noqa: E402
from viz.notebook import fit_column  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def small() -> Value:
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    y.label = "y"
    y.backward()
    return y


def test_fit_column_scales_the_root_svg_down_only() -> None:
    svg = '<?xml version="1.0"?>\n<svg width="900pt" height="60pt" viewBox="0 0 900 60"><g/></svg>'
    fitted = fit_column(svg)
    root = '<svg width="900pt" height="60pt" viewBox="0 0 900 60"'
    assert root + ' style="max-width: 100%; height: auto;">' in fitted
    assert fitted.count("max-width") == 1


@needs_dot
def test_a_graph_in_a_notebook_is_svg_that_fits_the_column() -> None:
    bundle = viz.to_dot(small())._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html", "text/plain"}
    (root,) = re.findall(r"<svg\b[^>]*>", bundle["image/svg+xml"])
    assert "max-width: 100%" in root and "height: auto" in root and "viewBox" in root
    assert bundle["text/html"].startswith('<div style="max-width: 100%; overflow-x: auto;"><svg')
    only = viz.to_dot(small())._repr_mimebundle_(include=["image/svg+xml"])
    assert list(only) == ["image/svg+xml"]


def test_without_dot_a_notebook_shows_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = viz.to_dot(small())
    monkeypatch.setenv("PATH", "")  # no dot program to be found
    bundle = graph._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    for text in bundle.values():
        assert "apt-get install graphviz" in text and "brew install graphviz" in text
    assert bundle["text/html"].startswith("<pre>")


def test_ipython_asks_the_graph_and_the_explanation_for_what_we_give() -> None:
    formatters = pytest.importorskip("IPython.core.formatters", reason="needs IPython")
    y = small()
    data, _ = formatters.DisplayFormatter().format(viz.explain(y, y.parents[0]))
    assert "text/markdown" in data and "text/latex" in data and "text/plain" in data
    assert "$$" in data["text/markdown"] and data["text/plain"].startswith("∂y/∂(x * x) by")
    if shutil.which("dot"):
        shown, _ = formatters.DisplayFormatter().format(viz.to_dot(y))
        assert "max-width: 100%" in shown["image/svg+xml"]
