"""Write a graph to a file; the format comes from the file's suffix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._graphviz import graphviz_package
from .dot import _warn, build_digraph
from .errors import GraphvizFailedError, GraphvizNotFoundError
from .plan import Collapse, EdgeLabels, GraphPlan, Options, Rankdir

__all__ = ["render", "run_dot", "FORMATS", "RENDER_MAX_NODES"]

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
# Laying out thousands of nodes takes Graphviz minutes and gives an unreadable picture,
# so render refuses (or collapses scopes) past this unless told otherwise.
RENDER_MAX_NODES = 2000


def run_dot(source: str, fmt: str) -> bytes:
    """Run Graphviz's ``dot`` on DOT text: ``GraphvizNotFoundError`` when it is missing,
    ``GraphvizFailedError`` (with dot's message) when it fails."""
    what = f"writing {fmt.upper()} output"
    graphviz = graphviz_package("render")
    try:
        # quiet: dot's message goes into the error rather than onto the caller's stderr.
        data: bytes = graphviz.pipe("dot", fmt, source.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizNotFoundError(what) from exc
    except graphviz.CalledProcessError as exc:
        stderr = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else ""
        raise GraphvizFailedError(what, exc.returncode, stderr) from None
    return data


def render(
    root: Any,
    path: str | os.PathLike[str],
    *,
    show_data: bool = True,
    show_grad: bool = True,
    edge_labels: EdgeLabels = None,
    rankdir: Rankdir = "LR",
    precision: int = 4,
    clusters: bool = True,
    collapse: Collapse = None,
    max_nodes: int | None = RENDER_MAX_NODES,
    legend: bool = False,
    fold_constants: bool = True,
) -> Path:
    """Draw the graph ending at ``root`` into ``path`` and return it as a ``Path``.

    The suffix picks the format: ``.svg``, ``.png``, ``.pdf`` (these need Graphviz's ``dot``
    program) or ``.dot``/``.gv`` (DOT text, needs nothing). Missing parent folders are
    created. Options are those of ``to_dot``; ``max_nodes`` defaults to 2000 here because
    Graphviz cannot usefully lay out more (pass ``max_nodes=None`` to insist).
    """
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        known = ", ".join(FORMATS)
        raise ValueError(f"render: cannot tell the format of {str(target)!r}; use one of {known}")
    options = Options(
        show_data=show_data,
        show_grad=show_grad,
        edge_labels=edge_labels,
        rankdir=rankdir,
        precision=precision,
        clusters=clusters,
        collapse=collapse,
        max_nodes=max_nodes,
        legend=legend,
        fold_constants=fold_constants,
    )
    plan = GraphPlan(root, options, caller="render")
    if plan.note:
        _warn(plan.note)
    source = build_digraph(plan).source
    # Run dot before touching the file system, so that a missing program leaves no debris.
    payload = source.encode("utf-8") if fmt == "dot" else run_dot(source, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(payload)
    return target
