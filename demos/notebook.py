"""Run the geometric-intuition notebook top to bottom and keep its outputs:
``python -m demos.notebook`` (needs the ``notebook`` extra).

The notebook's plots are image outputs that its sliders update in place, so the saved
outputs show every plot, the graph and the chain rule where no kernel runs (GitHub,
nbviewer, a static HTML export). Rerun this after editing the notebook to refresh them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .registry import NOTEBOOK

__all__ = ["execute", "main"]


def execute(path: Path = NOTEBOOK, timeout: int = 120) -> Any:
    """The notebook at ``path`` run top to bottom in a fresh kernel, with its outputs."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError if a cell fails (the last one asserts)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps: a diff on every run, no content
    return notebook


def main(argv: Sequence[str] | None = None) -> int:
    """Run the notebook and write it back with its outputs (or to ``--out``)."""
    import nbformat

    parser = argparse.ArgumentParser(prog="python -m demos.notebook")
    parser.add_argument("--out", type=Path, default=NOTEBOOK)
    args = parser.parse_args(argv)
    nbformat.write(execute(), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
