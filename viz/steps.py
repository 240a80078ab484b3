"""A self-contained HTML page that steps through one backward pass, node by node.

The pass is the engine's own (``autograd_core.engine.backward_steps``), one node at a time
in the engine's order, recording after each node what every parent received; the engine
restores the gradients afterwards, so drawing changes nothing.
Each frame is an SVG that Graphviz draws at build time; one ``dot`` run draws them all.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core.engine import backward_steps

from .describe import (
    Line,
    display_name,
    has_bad,
    html_text,
    line_text,
    lines_html,
    local_grads,
    value_lines,
)
from .dot import Overlay, build_digraph
from .plan import GraphPlan, Options, Rankdir
from .render import run_dot

__all__ = ["backprop_steps", "STEPS_MAX_NODES"]

# Every frame draws every node: past this the page gets slow and huge.
STEPS_MAX_NODES = 200

PROCESSED = {"fillcolor": "#ffb366", "color": "#d35400", "penwidth": "3"}
RECEIVING = {"fillcolor": "#b7e4c7", "color": "#2d6a4f", "penwidth": "2"}
CARRYING = {"color": "#d35400", "fontcolor": "#d35400", "penwidth": "2.5"}


@dataclass
class Flow:
    """What crossed one edge during one step."""

    edge: int
    parent: int
    local: float | None  # d node / d parent; None where the node keeps a rule, not a number
    receives: Any  # upstream x local (Values) or the change in the parent's grad; None: nothing
    total: Any  # the parent's gradient after the step


@dataclass
class Step:
    """One frame: the node processed (None for the seed), its upstream gradient, the flows."""

    node: int | None
    upstream: Any
    flows: list[Flow]
    grads: list[Any]  # every node's gradient after this step


def _snapshot(grad: Any) -> Any:
    # The engine may hand the same array on or add to it later: record a copy.
    if isinstance(grad, np.ndarray):
        return grad.copy()
    if grad is not None and hasattr(grad, "data") and not isinstance(grad, (int, float)):
        return _snapshot(grad.data)
    return grad


def _receives_grad(node: Any) -> bool:
    """False for constants and for Tensors that do not require grad."""
    return not getattr(node, "is_constant", False) and bool(getattr(node, "requires_grad", True))


def record_steps(plan: GraphPlan, grad: Any = None) -> list[Step]:
    """Run the backward pass one node at a time, recording every step."""
    order = plan.order
    edges_of: list[list[int]] = [[] for _ in order]
    for e, (_, child, _) in enumerate(plan.edges):
        edges_of[child].append(e)
    steps: list[Step] = []
    current: list[Any] = []
    pending: tuple[int, Any, Any] | None = None  # the node that pushes before the next yield
    # The engine yields each node just before its push, then None when the pass is done.
    # closing(): the engine restores the gradients when the walk ends, even if we raise.
    with contextlib.closing(backward_steps(plan.root, grad)) as walk:
        for node in walk:
            if pending is None:
                # A fresh pass: every gradient starts at zero and the root holds the seed.
                current = [_snapshot(n.grad) for n in order]
                steps.append(Step(None, current[plan.root_index], [], list(current)))
            else:
                i, upstream, local = pending
                flows = []
                counted: set[int] = set()
                for e in edges_of[i]:
                    p, _, k = plan.edges[e]
                    total = _snapshot(order[p].grad)
                    local_k = float(local[k]) if k < len(local) else None
                    receives: Any = None
                    if not _receives_grad(order[p]):
                        pass
                    elif local_k is not None:
                        receives = upstream * local_k
                    elif p not in counted and total is not None:
                        # A Tensor keeps a rule, not a number: what arrived is the change in grad.
                        before = current[p]
                        receives = total - before if before is not None else total
                    counted.add(p)
                    flows.append(Flow(e, p, local_k, receives, total))
                for flow in flows:
                    current[flow.parent] = flow.total
                steps.append(Step(i, upstream, flows, list(current)))
            if node is None:
                break
            pending = (plan.index[id(node)], _snapshot(node.grad), local_grads(node))
    return steps


# ---------------------------------------------------------------------- frames (SVG)
def _grad_lines(grad: Any, precision: int) -> list[Line]:
    # A Tensor's gradient is None until the first contribution arrives.
    return [[("none yet", False)]] if grad is None else value_lines(grad, precision)


def _overlays(plan: GraphPlan, steps: list[Step]) -> list[Overlay]:
    """Highlights per frame, with each node's grad text padded to one width in all frames.

    Equal text widths (in a monospace font) keep node sizes, hence the layout, identical
    from frame to frame, so stepping does not make the picture jump.
    """
    precision = plan.options.precision
    shown = [i for i, node in enumerate(plan.order) if _receives_grad(node)]
    lines = {i: [_grad_lines(step.grads[i], precision) for step in steps] for i in shown}
    widths: dict[int, list[int]] = {}
    for i in shown:
        rows = max(len(frame) for frame in lines[i])
        widths[i] = [
            max((len(line_text(frame[r])) for frame in lines[i] if r < len(frame)), default=0)
            for r in range(rows)
        ]
    overlays = []
    for k, step in enumerate(steps):
        overlay = Overlay(name=f"step_{k}")
        for i in shown:
            # Empty lines up to the most any frame needs keep the node's height constant too.
            frame_lines = lines[i][k] + [[] for _ in range(len(widths[i]) - len(lines[i][k]))]
            overlay.grad_rows[i] = lines_html(frame_lines, "grad ", pad_to=widths[i])
            if has_bad(frame_lines):
                overlay.bad.add(i)
        focus = plan.root_index if step.node is None else step.node
        overlay.node_attrs[focus] = PROCESSED
        for flow in step.flows:
            overlay.edge_attrs[flow.edge] = CARRYING
            if flow.receives is not None and flow.parent != focus:
                overlay.node_attrs[flow.parent] = RECEIVING
        overlays.append(overlay)
    return overlays


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _frames_svg(plan: GraphPlan, steps: list[Step]) -> list[str]:
    """All frames drawn by one ``dot`` run, with ids made unique per frame."""
    sources = [build_digraph(plan, overlay).source for overlay in _overlays(plan, steps)]
    output = run_dot("\n".join(sources), "svg").decode("utf-8")
    svgs = _SVG.findall(output)
    if len(svgs) != len(sources):
        raise RuntimeError(f"dot drew {len(svgs)} frames out of {len(sources)}")
    frames = []
    for k, svg in enumerate(svgs):
        # Inline SVGs share one document, so their ids (and references to them) need a prefix.
        svg = re.sub(r'\bid="', f'id="f{k}_', svg)
        svg = svg.replace('href="#', f'href="#f{k}_').replace("url(#", f"url(#f{k}_")
        frames.append(svg)
    return frames


# ---------------------------------------------------------------------- page (HTML)
def _num(x: Any, precision: int) -> str:
    """A number or array as HTML, NaN/Inf marked."""
    if x is None:
        return "none yet"
    out = []
    for line in value_lines(x, precision):
        out.append(
            "".join(
                f'<span class="bad">{html.escape(t)}</span>' if bad else html.escape(t)
                for t, bad in line
            )
        )
    return "<br>".join(out)


def _explain(plan: GraphPlan, steps: list[Step], k: int) -> str:
    precision = plan.options.precision
    order = plan.order
    names = [html_text(display_name(node, i)) for i, node in enumerate(order)]
    out = names[plan.root_index]
    step = steps[k]
    last = len(steps) - 1
    if step.node is None:
        return (
            f"<h2>Step 0 of {last}: seed the output</h2>"
            f"<p>The output <b>{out}</b> starts with &#8706;{out}/&#8706;{out} = "
            f"<code>{_num(step.upstream, precision)}</code>; every other gradient starts at 0. "
            "The engine then visits each node after every node that uses it, from the output "
            "back to the leaves, and pushes <i>upstream gradient &#215; local gradient</i> "
            "into each parent, where contributions from several paths add up.</p>"
        )
    i = step.node
    node = order[i]
    me = names[i]
    rows = []
    for flow in step.flows:
        parent = order[flow.parent]
        who = names[flow.parent]
        if flow.local is not None:
            local = f"<code>{_num(flow.local, precision)}</code>"
        else:
            local = f"rule of <code>{html_text(node.op)}</code> (vector-Jacobian product)"
        if not _receives_grad(parent):
            receives = "nothing (a constant needs no gradient)"
        elif flow.receives is None:
            receives = "included in the row above (same parent)"
        elif flow.local is not None:
            receives = (
                f"<code>{_num(step.upstream, precision)} &#215; {_num(flow.local, precision)}"
                f" = {_num(flow.receives, precision)}</code>"
            )
        else:
            receives = f"<code>{_num(flow.receives, precision)}</code>"
        total = "&#8212;"
        if _receives_grad(parent):
            total = f"<code>{_num(flow.total, precision)}</code>"
        rows.append(
            f"<tr><td><b>{who}</b></td><td>{local}</td><td>{receives}</td><td>{total}</td></tr>"
        )
    return (
        f"<h2>Step {k} of {last}: node <b>{me}</b> "
        f"(op <code>{html_text(node.op)}</code>)</h2>"
        f"<p>Upstream gradient arriving at {me}: &#8706;{out}/&#8706;{me} = "
        f"<code>{_num(step.upstream, precision)}</code></p>"
        "<table><thead><tr><th>parent</th>"
        f"<th>local gradient &#8706;{me}/&#8706;(parent)</th>"
        "<th>receives = upstream &#215; local</th><th>parent's gradient now</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
h2 { font-size: 1.05rem; margin: .4rem 0; }
#controls { display: flex; align-items: center; gap: .6rem; margin-bottom: .8rem; }
#controls input[type=range] { flex: 1; max-width: 30rem; }
button { font-size: 1rem; padding: .25rem .8rem; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }
code { font-family: monospace, monospace; font-size: .95em; }
.bad { color: #d62728; font-weight: bold; }
.svgbox svg { max-width: 100%; height: auto; }
.key span { display: inline-block; padding: 0 .4rem; margin-right: .6rem; border: 2px solid; }
""".strip()

_JS = """
(function () {
  "use strict";
  var frames = Array.prototype.slice.call(document.querySelectorAll("section.frame"));
  var slider = document.getElementById("slider");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var counter = document.getElementById("counter");
  var current = 0;
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach(function (frame, i) { frame.hidden = i !== k; });
    current = k;
    slider.value = String(k);
    counter.textContent = "frame " + (k + 1) + " / " + frames.length;
    prev.disabled = k === 0;
    next.disabled = k === frames.length - 1;
    document.body.setAttribute("data-frame", String(k));
  }
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (event) {
    if (event.target === slider) { return; }  // the slider moves itself with arrow keys
    if (event.key === "ArrowRight") { show(current + 1); }
    if (event.key === "ArrowLeft") { show(current - 1); }
  });
  show(0);
})();
""".strip()


def _page(title: str, explanations: list[str], svgs: list[str]) -> str:
    sections = []
    for k, (text, svg) in enumerate(zip(explanations, svgs)):
        hidden = "" if k == 0 else " hidden"
        sections.append(
            f'<section class="frame" id="frame-{k}" data-step="{k}"{hidden}>'
            f'<div class="explain">{text}</div><div class="svgbox">{svg}</div></section>'
        )
    last = len(svgs) - 1
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # An empty inline icon: without it the browser asks the network for /favicon.ico.
        '<link rel="icon" href="data:,">\n'
        f"<title>{html_text(title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<h1>{html_text(title)}</h1>\n"
        '<div id="controls">'
        '<button id="prev" type="button" disabled>&#9664; previous</button>'
        f'<input id="slider" type="range" min="0" max="{last}" value="0" step="1" '
        'aria-label="step">'
        '<button id="next" type="button">next &#9654;</button>'
        f'<span id="counter">frame 1 / {len(svgs)}</span></div>\n'
        '<p class="key"><span style="border-color:#d35400;background:#ffb366">node processed'
        '</span><span style="border-color:#2d6a4f;background:#b7e4c7">parent receiving'
        '</span><span style="border-color:#d35400">edge carrying the gradient '
        "(labelled with the local gradient)</span></p>\n"
        '<div id="frames">\n' + "\n".join(sections) + "\n</div>\n"
        f"<script>\n{_JS}\n</script>\n</body>\n</html>\n"
    )


def backprop_steps(
    root: Any,
    path: str | os.PathLike[str],
    *,
    grad: Any = None,
    precision: int = 4,
    rankdir: Rankdir = "LR",
    show_data: bool = True,
    clusters: bool = True,
    max_nodes: int | None = STEPS_MAX_NODES,
    title: str | None = None,
) -> Path:
    """Write one HTML file that steps through the backward pass from ``root``.

    Frame 0 seeds the output; each further frame is one node in the engine's order and
    highlights that node, the edges its gradient flows along (labelled with the local
    gradients) and the parents receiving it; the text beside it gives the upstream
    gradient, each local gradient and what each parent receives. Previous/next buttons, a
    slider and the arrow keys move between frames. The page needs no network. ``grad``
    seeds a non-scalar root, as in ``backward``. The graph's ``.grad`` values are left as
    they were. Needs Graphviz's ``dot`` (``GraphvizNotFoundError`` otherwise).
    """
    options = Options(
        show_data=show_data,
        show_grad=True,
        edge_labels="local_grad",
        rankdir=rankdir,
        precision=precision,
        clusters=clusters,
        max_nodes=max_nodes,
    )
    plan = GraphPlan(root, options, collapsible=False, caller="backprop_steps")
    steps = record_steps(plan, grad)
    svgs = _frames_svg(plan, steps)
    explanations = [_explain(plan, steps, k) for k in range(len(steps))]
    name = display_name(root, plan.root_index)
    page = _page(title or f"Backpropagation through {name}, step by step", explanations, svgs)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target
