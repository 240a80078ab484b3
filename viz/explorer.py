"""The step-through explorer: one drawing of the graph, every step as data, a script to show it.

Graphviz draws the graph once, each node with room for the widest text it will ever hold;
the page carries, as compact JSON, what every step changes (a value appearing, a gradient
arriving, a parameter moving), and its script (``assets/explorer.js``, inlined) restyles
and relabels the one drawing for the step shown. So the page grows with the number of
nodes plus the number of edges, not with their product. The same page is written to a
file (``backprop_steps``) or shown in a notebook cell (``Explorer._repr_html_``).
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core.formulas import local_formula, vjp_formula

from .describe import SMALL_ARRAY, display_name, html_text, line_text, value_lines, visible
from .dot import Overlay, build_digraph
from .plan import GraphPlan, Options, Rankdir
from .render import run_dot
from .steps import Backward, Update, check_lr, receives_grad, record_steps, record_update

__all__ = ["Explorer", "explorer", "backprop_steps", "STEPS_MAX_NODES", "FULL_VALUES"]

# One drawing serves every step, so the page is small; past this Graphviz takes many
# seconds to lay the graph out and no one steps through a thousand nodes.
STEPS_MAX_NODES = 1000
# Arrays up to this many elements travel in full (tooltips, matrices); larger ones as
# their min/mean/max line, which keeps a page of big Tensors small.
FULL_VALUES = 1024

DATA_PREFIX = "data "
GRAD_PREFIX = "grad "
NO_GRAD_YET = "none yet"  # a Tensor's gradient before its first contribution


class Explorer:
    """A self-contained page stepping through the forward pass, the backward pass and one
    gradient-descent update; ``save(path)`` writes it, and a notebook cell shows it inline.

    ``html`` is the page; ``data`` the per-step record its script draws from (JSON-ready).
    """

    def __init__(self, page: str, data: dict[str, Any], height: int) -> None:
        self.html = page
        self.data = data
        self.height = height

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (parent folders created) and return it as a ``Path``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html, encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        # An iframe keeps the page's script and style apart from the notebook's and runs in a
        # static HTML export too; srcdoc needs only " and & escaped inside the attribute.
        doc = self.html.replace("&", "&amp;").replace('"', "&quot;")
        title = html.escape(str(self.data["title"]), quote=True)
        return (
            '<div class="autograd-explorer" style="width:100%;height:'
            f"{self.height}px;box-sizing:border-box;resize:vertical;overflow:hidden;"
            'border:1px solid #ddd">'
            f'<iframe title="{title}" srcdoc="{doc}" '
            'style="width:100%;height:100%;border:0;display:block"></iframe></div>'
        )

    def __repr__(self) -> str:
        frames = len(self.data["fwd"]) + len(self.data["bwd"]) + 1 + (self.data["upd"] is not None)
        return f"<Explorer {self.data['title']!r}: {len(self.data['nodes'])} nodes, {frames} steps>"


def explorer(
    root: Any,
    *,
    grad: Any = None,
    lr: float | None = 0.1,
    params: Iterable[Any] | None = None,
    show_data: bool = True,
    rankdir: Rankdir = "LR",
    precision: int = 4,
    clusters: bool = True,
    max_nodes: int | None = STEPS_MAX_NODES,
    title: str | None = None,
    height: int = 640,
) -> Explorer:
    """Step through one training step of the graph ending at ``root``: the forward pass node
    by node, the backward pass in the engine's order, then ``p - lr * grad`` for each
    parameter (``params``, e.g. ``model.parameters()``; by default every leaf drawn as a
    parameter; ``lr=None`` leaves the update out). The graph is left as it was.

    Every number comes with its rule (``σ(x)(1-σ(x)) = 0.25``, ``g @ b.T``); a Tensor's
    arrays are laid out as matrices. The page has autoplay with a speed control,
    previous/next, a slider and arrow keys, zoom and pan, a tooltip per node with its full
    value and gradient, and each scope (an ``nn`` module) collapsible. In a notebook, the
    returned ``Explorer`` displays inline (``height`` pixels tall, as wide as the cell).
    ``grad`` seeds a non-scalar root, as in ``backward``. Needs Graphviz's ``dot``.
    """
    options = (grad, lr, params, show_data, rankdir, precision, clusters, max_nodes, title)
    return _build(root, "explorer", *options, height)


def backprop_steps(
    root: Any,
    path: str | os.PathLike[str],
    *,
    grad: Any = None,
    lr: float | None = 0.1,
    params: Iterable[Any] | None = None,
    show_data: bool = True,
    rankdir: Rankdir = "LR",
    precision: int = 4,
    clusters: bool = True,
    max_nodes: int | None = STEPS_MAX_NODES,
    title: str | None = None,
) -> Path:
    """Write the ``explorer`` page of the graph ending at ``root`` to ``path`` (one
    self-contained HTML file, no network needed) and return it as a ``Path``; the options
    are ``explorer``'s."""
    options = (grad, lr, params, show_data, rankdir, precision, clusters, max_nodes, title)
    return _build(root, "backprop_steps", *options, 640).save(path)


def _build(
    root: Any,
    caller: str,
    grad: Any,
    lr: float | None,
    params: Iterable[Any] | None,
    show_data: bool,
    rankdir: Rankdir,
    precision: int,
    clusters: bool,
    max_nodes: int | None,
    title: str | None,
    height: int,
) -> Explorer:
    rate = check_lr(lr, caller)
    if isinstance(height, bool) or not isinstance(height, int) or height < 200:
        raise ValueError(f"{caller}: height must be an int of at least 200 pixels, got {height!r}")
    options = Options(
        show_data=show_data,
        show_grad=True,
        edge_labels="local_grad",
        rankdir=rankdir,
        precision=precision,
        clusters=clusters,
        max_nodes=max_nodes,
    )
    plan = GraphPlan(root, options, collapsible=False, caller=caller)
    backward = record_steps(plan, grad)
    update = None if rate is None else record_update(plan, backward.final, rate, params)
    scopes = _scope_paths(plan)
    overlay = _overlay(plan, backward, update, scopes if clusters else [])
    svg = _svg(plan, overlay)
    name = display_name(root, plan.root_index)
    heading = visible(title) if title else f"Backpropagation through {name}, step by step"
    data = _payload(plan, backward, update, scopes, heading)
    for i, entry in enumerate(data["nodes"]):
        # How many rows of the node's label the script rewrites (the last ones).
        entry["dr"] = len(overlay.data_rows[i]) if show_data else 0
        entry["gr"] = len(overlay.grad_rows.get(i, []))
    return Explorer(_page(heading, svg, data), data, height)


# ---------------------------------------------------------------------- the drawing
def _natural(path: tuple[str, ...]) -> tuple[tuple[tuple[int, str], ...], ...]:
    # "layers.10" after "layers.9": digits compare as numbers.
    return tuple(
        tuple((0, f"{int(p):020d}") if p.isdigit() else (1, p) for p in re.split(r"(\d+)", part))
        for part in path
    )


def _scope_paths(plan: GraphPlan) -> list[tuple[str, ...]]:
    """Every scope path and its prefixes, in natural order (so each after its parent)."""
    seen: set[tuple[str, ...]] = set()
    for path in plan.scopes:
        for k in range(1, len(path) + 1):
            seen.add(path[:k])
    return sorted(seen, key=_natural)


def _rows(prefix: str, variants: list[list[str]], shown: list[str]) -> list[str]:
    """Graphviz rows for ``shown``, each padded to the widest text any variant puts there.

    A monospace font and non-breaking spaces make each node as large as its widest state,
    so the script can change the text without the text leaving its box.
    """
    count = max(1, *(len(v) for v in variants))
    indent = " " * len(prefix)
    rows = []
    for r in range(count):
        lead = prefix if r == 0 else indent
        width = max((len(lead + v[r]) for v in variants if r < len(v)), default=len(lead))
        text = lead + shown[r] if r < len(shown) else ""
        rows.append(html.escape(text).replace(" ", "&#160;") + "&#160;" * (width - len(text)))
    return rows


def _lines(x: Any, precision: int) -> list[str]:
    if x is None:
        return [NO_GRAD_YET]
    return [line_text(line) for line in value_lines(x, precision)]


def _overlay(
    plan: GraphPlan, backward: Backward, update: Update | None, scopes: list[tuple[str, ...]]
) -> Overlay:
    """Ids for every node, edge and cluster, and rows wide enough for every step.

    The drawing shows the first step (leaves with their values, nothing computed yet),
    with the classes the script would give it, so that the script's first pass changes
    nothing and the browser lays the text out once.
    """
    precision = plan.options.precision
    grad_states: list[list[Any]] = [[g] for g in backward.initial]
    for step in backward.steps:
        for flow in step.flows:
            grad_states[flow.parent].append(flow.total)
    overlay = Overlay(name="explorer")
    for i, node in enumerate(plan.order):
        pending = bool(node.parents)
        overlay.node_attrs[i] = {"id": f"n{i}"}
        if pending:
            overlay.node_attrs[i]["class"] = "pending"
        data = _lines(node.data, precision)
        variants = [data, [""]]  # "" : not computed yet (the forward pass)
        if update is not None and i in update.new:
            variants.append(_lines(update.new[i], precision))
        overlay.data_rows[i] = _rows(DATA_PREFIX, variants, [""] if pending else data)
        if receives_grad(node):
            states = [_lines(g, precision) for g in grad_states[i]]
            overlay.grad_rows[i] = _rows(GRAD_PREFIX, [*states, [""]], [""])
    for e in range(len(plan.edges)):
        # Every edge leads to a computed node, none of which is computed yet.
        overlay.edge_attrs[e] = {"id": f"e{e}", "class": "quiet"}
    overlay.cluster_ids = {path: f"sc{k}" for k, path in enumerate(scopes)}
    return overlay


_STRIP = re.compile(
    r'<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->|<title>.*?</title>\n?| font-family="[^"]*"', re.S
)


def _svg(plan: GraphPlan, overlay: Overlay) -> str:
    """The one drawing, without what a page does not need: titles (they would fight the
    tooltip) and a font per text (the page names one for all, which lays out much faster)."""
    svg = run_dot(build_digraph(plan, overlay).source, "svg").decode("utf-8")
    svg = _STRIP.sub("", svg).strip()
    # The page sizes the drawing to its box and zooms through the viewBox.
    return re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg id="graph"', svg)


# ---------------------------------------------------------------------- the data
def _number(x: Any) -> float | str:
    x = float(x)
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _encode(x: Any, precision: int) -> Any:
    """A number as JSON (NaN and infinities as strings), an array as shape, values, summary."""
    if x is None:
        return None
    if not isinstance(x, np.ndarray):
        return _number(x)
    out: dict[str, Any] = {"s": list(x.shape)}
    if x.size <= FULL_VALUES:
        flat = x.astype(np.float64, copy=False).ravel()
        out["v"] = flat.tolist() if np.isfinite(flat).all() else [_number(v) for v in flat]
    if x.size > SMALL_ARRAY:
        (line,) = value_lines(x, precision)
        out["m"] = [line_text(line), any(bad for _, bad in line)]
    return out


def _qualified(plan: GraphPlan, names: list[str]) -> dict[int, str]:
    """Names shared by several nodes, told apart by as much of their scope as it takes
    (``0.weight`` and ``2.weight`` in an ``nn.Sequential``)."""
    count: dict[str, int] = {}
    for name in names:
        count[name] = count.get(name, 0) + 1
    shared = [i for i, name in enumerate(names) if count[name] > 1 and plan.scopes[i]]
    out: dict[int, str] = {}
    for depth in range(1, 1 + max((len(plan.scopes[i]) for i in shared), default=0)):
        for i in shared:
            out[i] = ".".join((*(visible(p) for p in plan.scopes[i][-depth:]), names[i]))
        seen: dict[str, int] = {}
        for i in shared:
            seen[out[i]] = seen.get(out[i], 0) + 1
        shared = [i for i in shared if seen[out[i]] > 1 and len(plan.scopes[i]) > depth]
    return out


def _payload(
    plan: GraphPlan,
    backward: Backward,
    update: Update | None,
    scopes: list[tuple[str, ...]],
    title: str,
) -> dict[str, Any]:
    precision = plan.options.precision
    scope_index = {path: k for k, path in enumerate(scopes)}
    nodes = []
    names = [display_name(node, i) for i, node in enumerate(plan.order)]
    qualified = _qualified(plan, names)
    for i, node in enumerate(plan.order):
        entry: dict[str, Any] = {
            "n": names[i],
            "o": visible(node.op),
            "k": plan.kinds[i],
            "s": scope_index.get(plan.scopes[i], -1),
            "d": _encode(node.data, precision),
            "g": receives_grad(node),
        }
        if i in qualified:
            entry["q"] = qualified[i]  # the explanations' name; the drawing shows the scope
        if isinstance(node.data, np.ndarray):
            entry["t"] = f"{tuple(node.data.shape)} {node.data.dtype}"
        if not node.parents and not node.label and not entry["g"] and np.size(node.data) == 1:
            entry["c"] = True  # an unnamed constant: explanations write its value instead
        if plan.folded[i]:
            entry["f"] = True  # written into its operation (x**2): the drawing has no node
        nodes.append(entry)
    arity: dict[str, int] = {}
    for _, child, k in plan.edges:
        op = plan.order[child].op
        arity[op] = max(arity.get(op, 0), k + 1)
    ops = {
        visible(op): [[local_formula(op, k), vjp_formula(op, k)] for k in range(n)]
        for op, n in arity.items()
    }
    bwd = [
        [
            -1 if step.node is None else step.node,
            _encode(step.upstream, precision),
            [
                [
                    f.edge,
                    f.local if f.local is None else _number(f.local),
                    _encode(f.receives, precision),
                    _encode(f.total, precision),
                ]
                for f in step.flows
            ],
        ]
        for step in backward.steps
    ]
    upd = None
    if update is not None:
        upd = {
            "lr": update.lr,
            "new": [[i, _encode(v, precision)] for i, v in update.new.items()],
            "outside": update.outside,
        }
    return {
        "title": title,
        "prec": precision,
        "root": plan.root_index,
        "clusters": plan.options.clusters,
        "nodes": nodes,
        "edges": [list(edge) for edge in plan.edges],
        "scopes": [
            {"p": [visible(part) for part in path], "up": scope_index.get(path[:-1], -1)}
            for path in scopes
        ],
        "ops": ops,
        "fwd": [i for i, node in enumerate(plan.order) if node.parents],
        "g0": [_encode(g, precision) for g in backward.initial],
        "bwd": bwd,
        "upd": upd,
    }


# ---------------------------------------------------------------------- the page
def _asset(name: str) -> str:
    return (resources.files("viz") / "assets" / name).read_text(encoding="utf-8")


def _script_json(data: dict[str, Any]) -> str:
    # Inside <script>, "</script>" or "<!--" in a label would end or derail the element.
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c")


_SLOT = re.compile(r"\{(title|css|svg|data|js)\}")


def _page(title: str, svg: str, data: dict[str, Any]) -> str:
    parts = {
        "title": html_text(title),
        "css": _asset("explorer.css"),
        "svg": svg,
        "data": _script_json(data),
        "js": _asset("explorer.js"),
    }
    # One pass over the template: a label reading "{js}" stays a label.
    return _SLOT.sub(lambda slot: parts[slot.group(1)], _asset("explorer.html"))
