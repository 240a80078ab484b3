"""Regenerate the README's two pictures: ``python -m demos.readme_images [--out docs/images]``.

- ``xor_decision_boundary.png``: the shaded decision boundary of the blog's 2-3-1 XOR network,
  copied from the ``xor_network`` demo's output;
- ``neuron_graph.png``: the blog's Part I neuron after ``backward()``, drawn by ``viz.render``
  with values, gradients and each edge's local gradient with its rule (``x1 = 0``), as the
  ``hand_calculation`` demo's "before the update" graph, in PNG.

Needs matplotlib and Graphviz's ``dot`` program.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from autograd_core import Value

from .hand_calculation import constant, forward
from .registry import run

__all__ = ["main", "neuron_graph", "xor_decision_boundary"]


def neuron_graph(path: Path) -> Path:
    """The blog's neuron on x = (0, 0), y = 0 with w1 = 0.1, w2 = 0.6, b = 0, after backward."""
    import viz

    x1, x2, y = constant(0.0, "x1"), constant(0.0, "x2"), constant(0.0, "y")
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")
    _, loss = forward(x1, x2, w1, w2, b, y)
    loss.backward()
    return viz.render(loss, path, show_grad=True, edge_labels="rule")


def xor_decision_boundary(path: Path) -> Path:
    """Run the ``xor_network`` demo and keep its shaded decision boundary."""
    with tempfile.TemporaryDirectory() as tmp:
        result = run("xor_network", out=tmp, echo=lambda line: None)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result.files["decision_boundary_shaded"], path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Write both pictures into ``--out`` (default docs/images)."""
    parser = argparse.ArgumentParser(prog="python -m demos.readme_images")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args(argv)
    for written in (
        xor_decision_boundary(args.out / "xor_decision_boundary.png"),
        neuron_graph(args.out / "neuron_graph.png"),
    ):
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
