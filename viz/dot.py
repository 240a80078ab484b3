"""A computation graph as a Graphviz ``Digraph`` (DOT text); needs no Graphviz program.

One code path serves Values and Tensors. Node ids come from the plan's walk (``n0``,
``n1``, ...), never from ``id()``, so the same graph always gives byte-identical DOT; the
statements are written by hand (not through ``Digraph.node``) because that is several
times faster on big graphs.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd_core.formulas import written

from ._graphviz import graphviz_package
from .describe import (
    BAD_COLOR,
    display_name,
    format_number,
    grad_of,
    html_text,
    keeps_numbers,
    local_grads,
    rows_html,
    scope_text,
    shape_text,
)
from .plan import Collapse, EdgeLabels, GraphPlan, Options, Rankdir

if TYPE_CHECKING:
    import graphviz

__all__ = ["to_dot", "draw_dot", "build_digraph", "Overlay", "TO_DOT_MAX_NODES"]

# About 1 KB of DOT per node: past this the text runs to megabytes and no layout of it is
# readable, so to_dot refuses (or collapses scopes) unless told otherwise.
TO_DOT_MAX_NODES = 10_000

# Shape and colour per node kind; the legend shows the same table.
STYLE: dict[str, dict[str, str]] = {
    "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#e8e8e8", "color": "#7f7f7f"},
    "parameter": {"shape": "box", "style": "filled", "fillcolor": "#cfe2ff", "color": "#1f4e99"},
    "intermediate": {
        "shape": "box",
        "style": "rounded,filled",
        "fillcolor": "#ffffff",
        "color": "#404040",
    },
    "output": {
        "shape": "box",
        "style": "rounded,filled,bold",
        "fillcolor": "#ffe08a",
        "color": "#b8860b",
        "peripheries": "2",
    },
    "scope": {"shape": "box3d", "style": "filled", "fillcolor": "#e2f0d9", "color": "#38761d"},
}
LEGEND_TEXT = {
    "input": "input / constant",
    "parameter": "parameter (leaf that gets a gradient)",
    "intermediate": "intermediate",
    "output": "output",
    "scope": "scope drawn as one node",
}
LEGEND_SHAPE = {
    "input": "oval",
    "parameter": "box",
    "intermediate": "rounded",
    "output": "double",
    "scope": "3-D box",
}
BAD_NODE = {"color": BAD_COLOR, "penwidth": "2.5"}
CLUSTER_ATTRS = 'style="rounded,dashed" color="#7f7f7f" fontcolor="#404040"'
TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'


@dataclass
class Overlay:
    """What the explorer adds to a drawing: rows, ids, classes and highlight attributes."""

    name: str
    grad_rows: dict[int, list[str]] = field(default_factory=dict)
    bad: set[int] = field(default_factory=set)
    node_attrs: dict[int, dict[str, str]] = field(default_factory=dict)
    edge_attrs: dict[int, dict[str, str]] = field(default_factory=dict)
    fontname: str = "Courier"
    # Rows that replace a node's data rows, and an id per scope's cluster (viz.explorer).
    data_rows: dict[int, list[str]] = field(default_factory=dict)
    cluster_ids: dict[tuple[str, ...], str] = field(default_factory=dict)


def _attrs(attrs: dict[str, str]) -> str:
    """DOT attribute list; values starting with '<' are HTML labels and stay unquoted."""
    parts = []
    for key, value in attrs.items():
        if value.startswith("<"):
            parts.append(f"{key}={value}")
        else:
            quoted = value.replace('"', '\\"')
            parts.append(f'{key}="{quoted}"')
    return " ".join(parts)


STYLE_ATTRS = {kind: _attrs(attrs) for kind, attrs in STYLE.items()}


# Every text in a label goes through here: labels, ops and scope names are the user's and
# may hold characters Graphviz rejects (a raw control character makes dot fail).
_esc = html_text


@functools.lru_cache(maxsize=256)
def _op_html(op: str) -> str:
    """The op's part of a node header (cached: a big graph repeats a few ops)."""
    return f"&#160;&#160;<I>{_esc(op)}</I>" if op else ""


def _html_label(header: str, rows: list[str]) -> str:
    cells = [f"<TR><TD>{header}</TD></TR>"]
    cells += [f'<TR><TD ALIGN="LEFT">{row}</TD></TR>' for row in rows]
    return f"<{TABLE}{''.join(cells)}</TABLE>>"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shape_list(shapes: list[str]) -> str:
    """``(4, 2), 3 x scalar``: repeated shapes counted, at most four kinds listed."""
    counts: dict[str, int] = {}
    for shape in shapes:
        counts[shape] = counts.get(shape, 0) + 1
    parts = [shape if n == 1 else f"{n} x {shape}" for shape, n in counts.items()]
    if len(parts) > 4:
        parts = parts[:4] + [f"+{len(parts) - 4} more"]
    return ", ".join(parts) if parts else "none"


def build_digraph(plan: GraphPlan, overlay: Overlay | None = None) -> graphviz.Digraph:
    """The ``Digraph`` for a plan, with an optional per-frame overlay (the step-through)."""
    opts = plan.options
    font = overlay.fontname if overlay is not None else "Helvetica"
    graph_attr: dict[str, str] = {"rankdir": opts.rankdir, "fontname": font}
    if overlay is not None:
        # The explorer labels every edge; on graphs where one node feeds many, dot's crossing
        # minimisation then grows exponentially (36 s for 151 nodes): bound its passes.
        graph_attr.update(mclimit="0.1", nslimit="2", nslimit1="2")
    if plan.note:
        graph_attr.update(label=f"<{_esc(plan.note)}>", labelloc="t", fontsize="10")
    graph = graphviz_package(plan.caller).Digraph(
        name=overlay.name if overlay is not None else "computation_graph",
        graph_attr=graph_attr,
        node_attr={"fontname": font, "fontsize": "10", "margin": "0.08,0.04"},
        edge_attr={"fontname": font, "fontsize": "9", "color": "#555555"},
    )
    content: dict[tuple[str, ...], list[str]] = {(): []}
    clusters = opts.clusters
    for i, stmt in enumerate(_node_stmts(plan, overlay)):
        if stmt is not None:
            path = plan.scopes[i] if clusters else ()
            content.setdefault(path, []).append(stmt)
    for g, stmt in enumerate(_group_stmts(plan)):
        path = plan.groups[g][:-1] if clusters else ()
        content.setdefault(path, []).append(stmt)
    body = _nest(content, overlay.cluster_ids if overlay is not None else {})
    body += _edge_stmts(plan, overlay)
    if opts.legend:
        body += _legend(plan)
    graph.body.extend(body)
    return graph


def _node_stmts(plan: GraphPlan, overlay: Overlay | None) -> list[str | None]:
    """A statement per node (None for nodes inside a collapsed scope).

    Finite scalar nodes take an inlined path that gives the same text as ``_node_stmt``:
    a 100,000-node graph must convert in well under two seconds.
    """
    opts = plan.options
    fmt = f".{opts.precision}g"
    show_data, show_grad = opts.show_data, opts.show_grad
    isfinite = math.isfinite
    group_of, kinds = plan.group_of, plan.kinds
    stmts: list[str | None] = []
    append = stmts.append
    folded, op_texts = plan.folded, plan.op_texts
    for i, node in enumerate(plan.order):
        if group_of[i] >= 0 or folded[i]:
            append(None)
            continue
        data = node.data
        grad = node.grad
        kind = kinds[i]
        if (
            overlay is not None
            or type(data) is not float
            or not isfinite(data)
            or type(grad) is not float
            or not isfinite(grad)
            or kind == "input"
        ):
            append(_node_stmt(plan, i, overlay))
            continue
        label = node.label
        name = _esc(str(label)) if label else f"n{i}"
        op = op_texts.get(i)
        cells = f"<TR><TD><B>{name}</B>{_op_html(node.op if op is None else op)}</TD></TR>"
        if show_data:
            text = "0" if data == 0 else format(data, fmt)
            cells += f'<TR><TD ALIGN="LEFT">data {text}</TD></TR>'
        if show_grad:
            text = "0" if grad == 0 else format(grad, fmt)
            cells += f'<TR><TD ALIGN="LEFT">grad {text}</TD></TR>'
        append(f"n{i} [label=<{TABLE}{cells}</TABLE>> {STYLE_ATTRS[kind]}]\n")
    return stmts


def _node_stmt(plan: GraphPlan, i: int, overlay: Overlay | None) -> str:
    """The statement of node ``i``: header, shape, data and grad rows, kind style."""
    node = plan.order[i]
    kind = plan.kinds[i]
    opts = plan.options
    precision = opts.precision
    label = node.label
    name = _esc(str(label)) if label else f"n{i}"
    op = plan.op_text(i)
    header = f"<B>{name}</B>{_op_html(op)}"
    rows: list[str] = []
    bad = False
    data = node.data
    if isinstance(data, np.ndarray):
        rows.append(_esc(f"{shape_text(node)} {data.dtype}"))
    if opts.show_data:
        if overlay is not None and i in overlay.data_rows:
            rows += overlay.data_rows[i]
        else:
            data_rows, bad = rows_html(data, "data ", precision)
            rows += data_rows
    # Constants never receive a gradient: a grad row would only ever say 0.
    if opts.show_grad and not (kind == "input" and getattr(node, "is_constant", False)):
        if overlay is not None:
            rows += overlay.grad_rows.get(i, [])
            bad = bad or i in overlay.bad
        else:
            grad = node.grad
            if grad is not None and not isinstance(grad, float):
                grad = grad_of(node)
            if grad is not None:
                grad_rows, grad_bad = rows_html(grad, "grad ", precision)
                rows += grad_rows
                bad = bad or grad_bad
    if bad or (overlay is not None and i in overlay.node_attrs):
        attrs = dict(STYLE[kind])
        if bad:
            attrs.update(BAD_NODE)
        if overlay is not None:
            attrs.update(overlay.node_attrs.get(i, {}))
        style = _attrs(attrs)
    else:
        style = STYLE_ATTRS[kind]  # the common case, formatted once
    return f"n{i} [label={_html_label(header, rows)} {style}]\n"


def _group_stmts(plan: GraphPlan) -> list[str]:
    """One node per collapsed scope: its name, size, and input and output shapes."""
    stmts = []
    for g, summary in enumerate(plan.group_summaries()):
        size = _count(summary.ops, "op")
        if summary.params:
            size += f", {_count(summary.params, 'param')} ({_count(summary.values, 'value')})"
        rows = [
            _esc(size),
            _esc("in: " + _shape_list(summary.inputs)),
            _esc("out: " + _shape_list(summary.outputs)),
        ]
        # The full path: a lone "0" (nn.Sequential's first layer) says too little.
        path = [*summary.scope[:-1], scope_text(summary.scope[-1])]
        header = f"<B>{_esc('.'.join(path))}</B>"
        attrs = {"label": _html_label(header, rows)}
        attrs.update(STYLE["scope"])
        if summary.is_output:
            attrs.update(peripheries="2", style="filled,bold")
        stmts.append(f"s{g} [{_attrs(attrs)}]\n")
    return stmts


def _edge_stmts(plan: GraphPlan, overlay: Overlay | None) -> list[str]:
    label_edges = plan.options.edge_labels is not None
    with_rule = plan.options.edge_labels == "rule"
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    local: tuple[Any, ...] = ()
    local_of = -1  # the child whose local gradients ``local`` holds
    folded = plan.folded
    for e, (parent, child, k) in enumerate(plan.edges):
        if folded[parent]:
            continue  # written into the child's operation
        gp, gc = plan.group_of[parent], plan.group_of[child]
        if gp >= 0 or gc >= 0:
            if gp == gc:
                continue
            ends = (f"s{gp}" if gp >= 0 else f"n{parent}", f"s{gc}" if gc >= 0 else f"n{child}")
            if ends not in seen:
                seen.add(ends)
                lines.append(f"\t{ends[0]} -> {ends[1]}\n")
            continue
        attrs: dict[str, str] = {}
        if label_edges:
            if local_of != child:  # not "k == 0": edge 0 may have gone into a collapsed box
                local, local_of = local_grads(plan.order[child]), child
            attrs["label"] = _edge_label(plan, child, local, k, with_rule)
        if overlay is not None:
            attrs.update(overlay.edge_attrs.get(e, {}))
        stmt = f"\tn{parent} -> n{child}"
        lines.append(f"{stmt} [{_attrs(attrs)}]\n" if attrs else stmt + "\n")
    return lines


def _legend(plan: GraphPlan) -> list[str]:
    """One table node: a swatch and a line of text per node kind."""
    kinds = ["input", "parameter", "intermediate", "output"]
    if plan.groups:
        kinds.append("scope")
    rows = ['<TR><TD COLSPAN="2"><B>legend</B></TD></TR>']
    for kind in kinds:
        style = STYLE[kind]
        rows.append(
            f'<TR><TD BORDER="1" COLOR="{style["color"]}" BGCOLOR="{style["fillcolor"]}">'
            f'{LEGEND_SHAPE[kind]}</TD><TD ALIGN="LEFT">{_esc(LEGEND_TEXT[kind])}</TD></TR>'
        )
    rows.append(
        f'<TR><TD BORDER="1" COLOR="{BAD_COLOR}"><FONT COLOR="{BAD_COLOR}"><B>nan</B>'
        '</FONT></TD><TD ALIGN="LEFT">red: holds NaN or Inf</TD></TR>'
    )
    table = (
        '<TABLE BORDER="1" COLOR="#bbbbbb" CELLBORDER="0" CELLSPACING="3" CELLPADDING="3">'
        + "".join(rows)
        + "</TABLE>"
    )
    return [f"\tlegend [label=<{table}> shape=plain]\n"]


def _edge_label(plan: GraphPlan, i: int, local: tuple[Any, ...], k: int, with_rule: bool) -> str:
    """The local derivative d child / d parent (``with_rule``: its formula too, ``x1 = 0``);
    on a Tensor graph, which keeps rules rather than numbers, the vector-Jacobian product."""
    child = plan.order[i]
    if k < len(local):
        x = float(local[k])
        # digits, sign, 'e', 'nan', 'inf': nothing to escape
        text = format_number(x, plan.options.precision)
        if not math.isfinite(x):
            text = f'<FONT COLOR="{BAD_COLOR}"><B>{text}</B></FONT>'
        rule = _rule_text(plan, i, k, vjp=False) if with_rule else ""
        return f"<{_esc(rule)} = {text}>" if rule and rule != text else f"<{text}>"
    if keeps_numbers(child):
        return "<undefined>"
    return f"<{_esc(_rule_text(plan, i, k, vjp=True) or child.op)}>"


def _rule_text(plan: GraphPlan, i: int, k: int, vjp: bool) -> str:
    """Node ``i``'s formula for operand ``k``, with the operands' drawn names put in."""
    node = plan.order[i]
    operands, constants = [], {}
    for position, parent in enumerate(node.parents):
        j = plan.index[id(parent)]
        if plan.folded[j]:
            constants[position] = float(np.asarray(parent.data).reshape(-1)[0])
            operands.append(format_number(constants[position], plan.options.precision))
        else:
            operands.append(display_name(parent, j))
    return written(node.op, k, operands, vjp=vjp, out=display_name(node, i), constants=constants)


def _nest(content: dict[tuple[str, ...], list[str]], ids: dict[tuple[str, ...], str]) -> list[str]:
    """Statements grouped into nested clusters, one per scope path (no recursion); a path in
    ``ids`` gives its cluster that id in the drawing."""
    lines = [f"\t{stmt}" for stmt in content.get((), [])]
    rank: dict[tuple[str, ...], int] = {}
    for path in content:
        for k in range(1, len(path) + 1):
            rank.setdefault(path[:k], len(rank))
    # Sorting by the ranks of all prefixes lists each cluster right before its children.
    ordered = sorted(rank, key=lambda p: tuple(rank[p[:k]] for k in range(1, len(p) + 1)))
    open_paths: list[tuple[str, ...]] = []
    for path in ordered:
        while open_paths and path[: len(open_paths[-1])] != open_paths[-1]:
            open_paths.pop()
            lines.append("\t" * (len(open_paths) + 1) + "}\n")
        indent = "\t" * (len(open_paths) + 1)
        inner = indent + "\t"
        lines.append(f"{indent}subgraph cluster_{rank[path]} {{\n")
        cluster_id = f' id="{ids[path]}"' if path in ids else ""
        title = _esc(scope_text(path[-1]))
        lines.append(f"{inner}graph [label=<{title}> {CLUSTER_ATTRS}{cluster_id}]\n")
        lines.extend(inner + stmt for stmt in content.get(path, []))
        open_paths.append(path)
    while open_paths:
        open_paths.pop()
        lines.append("\t" * (len(open_paths) + 1) + "}\n")
    return lines


def to_dot(
    root: Any,
    *,
    show_data: bool = True,
    show_grad: bool = True,
    edge_labels: EdgeLabels = None,
    rankdir: Rankdir = "LR",
    precision: int = 4,
    clusters: bool = True,
    collapse: Collapse = None,
    max_nodes: int | None = TO_DOT_MAX_NODES,
    legend: bool = False,
    fold_constants: bool = True,
) -> graphviz.Digraph:
    """The graph that ends at ``root`` (a Value or Tensor) as a ``graphviz.Digraph``.

    ``.source`` is the DOT text (no Graphviz program needed); in Jupyter the returned object
    displays inline as SVG scaled to fit the column (that needs the ``dot`` program; without
    it the cell shows how to install it). Options:

    - ``show_data`` / ``show_grad``: include each node's data / gradient;
    - ``edge_labels="local_grad"``: write d child / d parent on each edge (for Tensor
      graphs, which keep rules rather than numbers, the vector-Jacobian product: ``g @ W``);
      ``"rule"``: its formula too (``x1 = 0``, ``σ(z)(1-σ(z)) = 0.25``);
    - ``rankdir``: layout direction, "LR" (default), "RL", "TB" or "BT";
    - ``precision``: significant digits of the numbers shown;
    - ``clusters``: draw the nodes of each scope inside a box (one per nn layer);
    - ``collapse="scope"``: draw each innermost scope as one node with its input and
      output shapes;
    - ``max_nodes`` (default 10,000): past this many nodes, collapse scopes if that is
      enough (with a warning), otherwise raise ``GraphTooLargeError`` naming the option to
      use, before any DOT is built; ``None`` draws any size;
    - ``legend``: add a key to the node kinds;
    - ``fold_constants`` (default True): write numbers mixed into an expression into the
      operation that uses them (``**2``, ``0.5 *``) instead of drawing each as an input.
    """
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
    plan = GraphPlan(root, options)
    if plan.note:
        _warn(plan.note)
    from .notebook import displayable  # notebook imports render, which imports this module

    return displayable(build_digraph(plan))


def draw_dot(
    root: Any, format: str = "svg", rankdir: Rankdir = "LR", **options: Any
) -> graphviz.Digraph:
    """micrograd's notebook helper, ``draw_dot(root, format="svg", rankdir="LR")``, drawn by
    ``to_dot``: the same ``Digraph`` to display in Jupyter or ``.render("gout")`` (which
    writes ``gout`` and ``gout.svg``), with our labels, operations, data and gradients.
    ``format`` is any Graphviz output format; ``options`` are ``to_dot``'s."""
    graphviz_package("draw_dot")  # to name this function if the package is missing
    graph = to_dot(root, rankdir=rankdir, **options)
    graph.format = format  # graphviz checks the name
    return graph


def _warn(message: str) -> None:
    """Warn on behalf of the public function that called this, pointing at its caller."""
    warnings.warn(message, UserWarning, stacklevel=3)
