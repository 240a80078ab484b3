"""viz: DOT text, image files, clusters and collapsing, limits, and the step-through page.

The browser test of the step-through page is in ``test_viz_browser.py``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

graphviz = pytest.importorskip(
    "graphviz", reason='viz needs the graphviz Python package (pip install -e ".[viz]")'
)

import autograd_core as ag  # noqa: E402
import viz  # noqa: E402  (after the skip above)
from autograd_core import Tensor, Value, dot, scope  # noqa: E402
from autograd_core.engine import topological_order  # noqa: E402
from viz.dot import _node_stmt, _node_stmts  # noqa: E402
from viz.plan import GraphPlan, Options  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "viz_small.dot"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot program is not installed (apt-get install graphviz)",
)


# ---------------------------------------------------------------------- helpers
def or_gate_neuron() -> dict[str, Value]:
    """The blog's OR-gate neuron on its first example, after one backward pass."""
    x1, x2 = Value(0.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(0.1, label="w1"), Value(0.6, label="w2")
    b, y = Value(0.0, label="b"), Value(0.0, label="y")
    z = w1 * x1 + w2 * x2 + b
    z.label = "z"
    y_hat = z.sigmoid()
    y_hat.label = "ŷ"
    loss = 0.5 * (y - y_hat) ** 2
    loss.label = "loss"
    loss.backward()
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, y=y, z=z, y_hat=y_hat, loss=loss)


def text_of(label_html: str) -> str:
    """An HTML label as plain text, whitespace collapsed."""
    # A cell, row or paragraph ends: a space.
    rows = re.sub(r"</(?:td|th|p|h2)>|<br>|<br/>", " ", label_html, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", rows)).replace("\xa0", " ")
    return " ".join(text.split())


NODE_RE = re.compile(r"^\t+((?:n|s)\d+) \[label=<(.*)> (\w+=.*)\]$", re.M)
EDGE_RE = re.compile(r"^\t+((?:n|s)\d+) -> ((?:n|s)\d+)(?: \[(.*)\])?$", re.M)


def parse(source: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
    """Nodes by displayed name ({id, text, attrs}) and edges (tail, head, attrs) by name."""
    nodes: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for node_id, label, attrs in NODE_RE.findall(source):
        text = text_of(label)
        name = text.split()[0]
        nodes[name] = {"id": node_id, "text": text, "attrs": attrs}
        names[node_id] = name
    edges = [(names[a], names[b], attrs) for a, b, attrs in EDGE_RE.findall(source)]
    return nodes, edges


def clusters(source: str) -> dict[str, dict[str, Any]]:
    """Each cluster by label: its parent cluster's label and the node ids declared in it."""
    found: dict[str, dict[str, Any]] = {}
    stack: list[str] = []
    lines = source.splitlines()
    for k, line in enumerate(lines):
        if re.match(r"^\t+subgraph cluster_\d+ \{$", line):
            label = text_of(re.search(r"label=<(.*?)>", lines[k + 1]).group(1))  # type: ignore[union-attr]
            found[label] = {"parent": stack[-1] if stack else None, "nodes": set()}
            stack.append(label)
        elif line.strip() == "}" and stack:
            stack.pop()
        else:
            m = re.match(r"^\t+((?:n|s)\d+) \[", line)
            if m and stack:
                found[stack[-1]]["nodes"].add(m.group(1))
    return found


def chain(n: int) -> Value:
    """A chain of ``n`` Values: a leaf and n - 1 negations."""
    x = Value(1.0, label="start")
    for _ in range(n - 1):
        x = -x
    return x


def small_graph() -> Value:
    """The fixed graph of the golden file: a scope, a constant, every kind of node."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    with scope("layer"):
        e = a * b
        e.label = "e"
        d = e + 10.0
        d.label = "d"
    out = d.tanh()
    out.label = "out"
    out.backward()
    return out


# ---------------------------------------------------------------------- DOT content
def test_dot_of_a_times_b_plus_c_shows_labels_ops_data_and_grads() -> None:
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    d.backward()
    graph = viz.to_dot(d)
    assert isinstance(graph, graphviz.Digraph)
    nodes, edges = parse(graph.source)
    assert set(nodes) == {"a", "b", "c", "e", "d"}
    assert nodes["a"]["text"] == "a data 2 grad -3"
    assert nodes["b"]["text"] == "b data -3 grad 2"
    assert nodes["c"]["text"] == "c data 10 grad 1"
    assert nodes["e"]["text"] == "e * data -6 grad 1"
    assert nodes["d"]["text"] == "d + data 4 grad 1"
    assert sorted((t, h) for t, h, _ in edges) == [("a", "e"), ("b", "e"), ("c", "d"), ("e", "d")]


def test_unlabelled_nodes_get_short_names_from_the_traversal() -> None:
    x = Value(3.0, label="x")
    y = (x * x).exp()
    nodes, _ = parse(viz.to_dot(y).source)
    assert set(nodes) == {"x", "n1", "n2"}
    assert nodes["n1"]["text"].startswith("n1 *")
    assert nodes["n2"]["text"].startswith("n2 exp")


def test_node_ids_number_every_node_after_its_parents() -> None:
    x = Value(2.0, label="x")
    square = x * x
    y = (square + x) * square  # shared nodes, and one parent used twice
    source = viz.to_dot(y).source
    edges = EDGE_RE.findall(source)
    assert all(int(tail[1:]) < int(head[1:]) for tail, head, _ in edges)
    assert source.count(" [label=<") == len(topological_order(y)) == 4
    assert [(t, h) for t, h, _ in edges].count(("n0", "n1")) == 2  # x * x: two edges
    single = parse(viz.to_dot(Value(1.0, label="only")).source)[0]
    assert list(single) == ["only"] and 'peripheries="2"' in single["only"]["attrs"]


def test_dot_is_byte_stable_and_matches_the_golden_file() -> None:
    # A Value graph: Python-float arithmetic shown to 4 significant digits, no BLAS, so the
    # same bytes on every machine.
    options: dict[str, Any] = dict(edge_labels="local_grad", legend=True)
    first = viz.to_dot(small_graph(), **options).source
    # A second, separately built graph: ids come from the traversal, never from id().
    second = viz.to_dot(small_graph(), **options).source
    assert first == second
    if os.environ.get("VIZ_UPDATE_GOLDEN"):
        GOLDEN.write_bytes(first.encode("utf-8"))
    assert GOLDEN.read_bytes() == first.encode("utf-8"), (
        "DOT output changed; if on purpose, rerun with VIZ_UPDATE_GOLDEN=1 and review the diff"
    )


def test_to_dot_needs_no_graphviz_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert "digraph" in viz.to_dot(small_graph()).source


def test_node_kinds_differ_in_shape_and_colour_and_the_legend_names_them() -> None:
    g = or_gate_neuron()
    source = viz.to_dot(g["loss"], fold_constants=False).source  # draw the number 0.5 too
    nodes, _ = parse(source)
    constant = next(v for k, v in nodes.items() if "const" in v["text"] and "0.5" in v["text"])

    def look(attrs: str) -> tuple[str, str]:
        shape = re.search(r'shape="(\w+)"', attrs).group(1)  # type: ignore[union-attr]
        fill = re.search(r'fillcolor="(#\w+)"', attrs).group(1)  # type: ignore[union-attr]
        return shape, fill + ("double" if 'peripheries="2"' in attrs else "")

    kinds = {
        "input/constant": look(constant["attrs"]),
        "parameter": look(nodes["w1"]["attrs"]),
        "intermediate": look(nodes["z"]["attrs"]),
        "output": look(nodes["loss"]["attrs"]),
    }
    assert len({shape for shape, _ in kinds.values()}) >= 2
    assert len(set(kinds.values())) == 4, kinds
    assert "legend" not in source
    legend = viz.to_dot(g["loss"], legend=True).source
    for words in ("input / constant", "parameter", "intermediate", "output", "NaN"):
        assert words in legend


def test_tensor_leaves_are_parameters_only_when_they_require_grad() -> None:
    w = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    x = Tensor(np.ones((2, 1)), label="x")
    out = (w @ x).sum()
    out.label = "out"
    out.backward()
    nodes, _ = parse(viz.to_dot(out).source)
    assert 'fillcolor="#cfe2ff"' in nodes["W"]["attrs"]
    assert 'shape="ellipse"' in nodes["x"]["attrs"]
    assert "grad" not in nodes["x"]["text"]  # an input without grad shows none


def test_show_data_and_show_grad_options() -> None:
    loss = or_gate_neuron()["loss"]
    no_grad = viz.to_dot(loss, show_grad=False).source
    no_data = viz.to_dot(loss, show_data=False).source
    assert "grad " not in no_grad and "data " in no_grad
    assert "data " not in no_data and "grad " in no_data


def test_edge_labels_carry_the_local_gradients_of_a_value_graph() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b
    e.label = "e"
    s = e.sigmoid()
    s.label = "s"
    _, edges = parse(viz.to_dot(s, edge_labels="local_grad", precision=3).source)
    labels = {(t, h): text_of(re.search(r"label=<(.*)>", attrs).group(1)) for t, h, attrs in edges}  # type: ignore[union-attr]
    assert labels[("a", "e")] == "-3"  # d(a*b)/da = b
    assert labels[("b", "e")] == "2"
    expected = s.data * (1 - s.data)
    assert labels[("e", "s")] == f"{expected:.3g}"
    assert "label=" not in viz.to_dot(s).source.split("->", 1)[1]  # off by default


def test_a_dot_node_is_drawn_with_one_labelled_edge_per_operand() -> None:
    w = [Value(0.5, label="w0"), Value(-2.0, label="w1")]
    x = [Value(3.0, label="x0"), Value(4.0, label="x1")]
    z = dot(w, x, Value(1.0, label="b"))
    z.label = "z"
    _, edges = parse(viz.to_dot(z, edge_labels="local_grad").source)
    labels = {t: text_of(re.search(r"label=<(.*)>", a).group(1)) for t, h, a in edges}  # type: ignore[union-attr]
    # d z / d w_i = x_i, d z / d x_i = w_i, d z / d b = 1
    assert labels == {"w0": "3", "x0": "0.5", "w1": "4", "x1": "-2", "b": "1"}


def test_edge_labels_write_the_vector_jacobian_product_on_a_tensor_graph() -> None:
    w = Tensor(np.ones((2, 2)), requires_grad=True, label="W")
    x = Tensor(np.ones((2, 1)), label="x")
    h = w @ x
    h.label = "h"
    _, edges = parse(viz.to_dot(h, edge_labels="local_grad").source)
    labels = {t: text_of(re.search(r"label=<(.*)>", a).group(1)) for t, _, a in edges}  # type: ignore[union-attr]
    assert labels == {"W": "g @ x.T", "x": "W.T @ g"}  # what each operand receives from g


def test_rule_edge_labels_write_the_formula_beside_the_number() -> None:
    g = or_gate_neuron()
    _, edges = parse(viz.to_dot(g["loss"], edge_labels="rule").source)
    labels = {(t, h): text_of(re.search(r"label=<(.*)>", a).group(1)) for t, h, a in edges}  # type: ignore[union-attr]
    assert labels[("z", "ŷ")] == "σ(z)(1-σ(z)) = 0.25"
    assert labels[("w1", "n4")] == "x1 = 0"  # d(w1*x1)/dw1 = x1, the blog's point
    assert labels[("x1", "n4")] == "w1 = 0.1"
    assert labels[("b", "z")] == "1"  # not "1 = 1"
    with pytest.raises(ValueError, match="'local_grad' or 'rule'"):
        viz.to_dot(g["loss"], edge_labels="formula")  # type: ignore[arg-type]


def test_numbers_mixed_in_are_written_into_their_operation() -> None:
    g = or_gate_neuron()
    source = viz.to_dot(g["loss"], edge_labels="local_grad").source
    nodes, edges = parse(source)
    # loss = 0.5 * (y - ŷ) ** 2: no node for 0.5 or 2, and no edge with the exponent's 0
    assert not any("const" in v["text"] for v in nodes.values())
    assert nodes["loss"]["text"].startswith("loss 0.5 *")
    square = next(v for v in nodes.values() if "**2" in v["text"])
    assert square["text"].split()[1] == "**2"
    assert len(edges) == len(nodes) - 1 == 13
    drawn = parse(viz.to_dot(g["loss"], fold_constants=False).source)[0]
    assert len(drawn) == len(nodes) + 2 and sum("const" in v["text"] for v in drawn.values()) == 2


def test_only_unlabelled_numbers_are_folded() -> None:
    x = Value(2.0, label="x")
    y = Value(3.0, label="y").detach()  # data: a labelled constant stays an input
    three = Value(3.0, requires_grad=False)  # an unlabelled number folds
    out = x * y + three
    out.label = "out"
    nodes, _ = parse(viz.to_dot(out).source)
    assert "y" in nodes and nodes["out"]["text"].startswith("out + 3")
    t = Tensor(np.ones((2, 2)), requires_grad=True, label="t")
    data = Tensor(np.full((2, 2), 2.0))  # an array of data stays drawn, even unlabelled
    cost = (ag.maximum(t * data, 1.0) ** 2).sum() / 8
    cost.label = "cost"
    tnodes, _ = parse(viz.to_dot(cost).source)
    assert tnodes["cost"]["text"].startswith("cost / 8")
    assert any(v["text"].startswith("n1 (2, 2) float64") for v in tnodes.values())
    assert any(v["text"].split()[1:3] == ["maximum(·,", "1)"] for v in tnodes.values())


def test_an_undefined_local_gradient_is_drawn_as_a_red_nan() -> None:
    a, b = Value(-2.0, label="a"), Value(2.0, label="b")
    p = a**b  # defined, but d(a**b)/db = a**b * log(a) is not for a < 0: nan, as PyTorch
    p.label = "p"
    assert "<B>nan</B>" in viz.to_dot(p, edge_labels="local_grad").source


def test_rankdir_and_precision() -> None:
    x = Value(1.0, label="x")
    y = x / 3.0
    y.label = "y"
    assert "rankdir=LR" in viz.to_dot(y).source
    assert "rankdir=TB" in viz.to_dot(y, rankdir="TB").source
    nodes, _ = parse(viz.to_dot(y, precision=2).source)
    assert "data 0.33" in nodes["y"]["text"] and "0.333" not in nodes["y"]["text"]
    nodes, _ = parse(viz.to_dot(y, precision=6).source)
    assert "data 0.333333" in nodes["y"]["text"]


@pytest.mark.parametrize(
    "options",
    [
        {"edge_labels": "numbers"},
        {"rankdir": "diagonal"},
        {"precision": 0},
        {"precision": True},
        {"collapse": "layer"},
        {"max_nodes": 0},
    ],
)
def test_invalid_options_are_rejected(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(options))):
        viz.to_dot(small_graph(), **options)


def test_a_root_that_is_not_a_node_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Value or Tensor"):
        viz.to_dot(3.0)


def test_gradients_made_with_create_graph_are_shown_as_numbers() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    nodes, _ = parse(viz.to_dot(y).source)
    assert nodes["x"]["text"] == "x data 3 grad 6"


def test_non_finite_values_are_highlighted() -> None:
    x = Value(float("inf"), label="x")
    y = x * 0.0  # inf * 0 = nan
    y.label = "y"
    nodes, _ = parse(viz.to_dot(y).source)
    assert "nan" in nodes["y"]["text"] and "inf" in nodes["x"]["text"]
    for name in ("x", "y"):
        assert 'color="#d62728"' in nodes[name]["attrs"]
    assert '<FONT COLOR="#d62728"><B>nan</B></FONT>' in viz.to_dot(y).source


def test_the_fast_path_for_scalars_writes_what_the_general_path_writes() -> None:
    g = or_gate_neuron()
    for options in (Options(), Options(show_data=False), Options(show_grad=False, precision=2)):
        plan = GraphPlan(g["loss"], options)
        general = [
            None if plan.folded[i] else _node_stmt(plan, i, None) for i in range(len(plan.order))
        ]
        assert _node_stmts(plan, None) == general


# ---------------------------------------------------------------------- Tensor nodes
def test_tensor_nodes_show_shape_dtype_and_small_values() -> None:
    w = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, label="W")
    x = Tensor(np.array([1.0, 0.5, -1.0], dtype=np.float64), label="x")
    h = w @ x
    h.label = "h"
    out = h.sum()
    out.label = "out"
    out.backward()
    nodes, _ = parse(viz.to_dot(out).source)
    w_text = "W (2, 3) float64 data [1, 2, 3] [4, 5, 6] grad [1, 0.5, -1] [1, 0.5, -1]"
    assert nodes["W"]["text"] == w_text
    assert nodes["h"]["text"] == "h matmul (2,) float64 data [-1, 0.5] grad [1, 1]"
    assert nodes["out"]["text"].startswith("out sum () float64 data -0.5 grad 1")
    f32 = Tensor(np.ones(3, dtype=np.float32), requires_grad=True, label="f")
    assert "(3,) float32" in viz.to_dot(f32 * 2.0).source


def test_large_tensors_show_min_mean_max() -> None:
    t = Tensor(np.arange(100.0).reshape(10, 10), requires_grad=True, label="big")
    nodes, _ = parse(viz.to_dot(t).source)
    assert nodes["big"]["text"] == "big (10, 10) float64 data min 0 mean 49.5 max 99"
    # Twelve elements are still shown in full.
    nodes, _ = parse(viz.to_dot(Tensor(np.arange(12.0), label="twelve")).source)
    assert "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]" in nodes["twelve"]["text"]


def test_nan_and_inf_in_tensors_are_highlighted() -> None:
    small = Tensor([1.0, np.nan, 3.0], requires_grad=True, label="small")
    big = Tensor(np.r_[np.arange(18.0), np.nan, np.inf, -np.inf], requires_grad=True, label="big")
    source = viz.to_dot(small + big[:3]).source
    nodes, _ = parse(source)
    assert "[1, nan, 3]" in nodes["small"]["text"]
    assert nodes["big"]["text"] == "big (21,) float64 data min 0 mean 8.5 max 17 nan x1 inf x2"
    for name in ("small", "big"):
        assert 'color="#d62728"' in nodes[name]["attrs"]
    assert '<FONT COLOR="#d62728"><B>nan</B></FONT>' in source
    assert '<FONT COLOR="#d62728"><B>  inf x2</B></FONT>' in source
    clean = Tensor(np.arange(3.0), label="clean")
    assert 'color="#d62728"' not in parse(viz.to_dot(clean).source)[0]["clean"]["attrs"]


# ---------------------------------------------------------------------- scopes
def scoped_network() -> Value:
    """Two nested scopes inside one outer scope, the way nn records a model."""
    x = Value(1.0, label="x")
    w1, w2 = Value(0.5, label="w1"), Value(-1.0, label="w2")
    with scope("net"):
        with scope("layer1"):
            h = (w1 * x).tanh()
            h.label = "h"
        with scope("layer2"):
            o = (w2 * h).sigmoid()
            o.label = "o"
    loss = (o - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss


def test_scopes_are_drawn_as_nested_clusters() -> None:
    source = viz.to_dot(scoped_network()).source
    nodes, _ = parse(source)
    found = clusters(source)
    assert set(found) == {"net", "layer1", "layer2"}
    assert found["net"]["parent"] is None
    assert found["layer1"]["parent"] == "net" and found["layer2"]["parent"] == "net"
    ids = {name: node["id"] for name, node in nodes.items()}
    assert ids["h"] in found["layer1"]["nodes"] and ids["o"] in found["layer2"]["nodes"]
    # Parameters made outside any scope are drawn in the one scope that uses them.
    assert ids["w1"] in found["layer1"]["nodes"] and ids["w2"] in found["layer2"]["nodes"]
    outside = set(ids.values()) - set().union(*(c["nodes"] for c in found.values()))
    assert ids["loss"] in outside
    assert "subgraph" not in viz.to_dot(scoped_network(), clusters=False).source


def test_collapse_scope_draws_each_innermost_scope_as_one_node() -> None:
    source = viz.to_dot(scoped_network(), collapse="scope", legend=True).source
    nodes, edges = parse(source)
    groups = {name: node for name, node in nodes.items() if node["id"].startswith("s")}
    assert set(groups) == {"net.layer1", "net.layer2"}
    # w1 and x are used only in layer1, so they are drawn in it: layer1 has no inputs.
    layer1 = "net.layer1 2 ops, 2 params (2 values) in: none out: scalar"
    layer2 = "net.layer2 2 ops, 1 param (1 value) in: scalar out: scalar"
    assert groups["net.layer1"]["text"] == layer1
    assert groups["net.layer2"]["text"] == layer2
    assert "h" not in nodes and "o" not in nodes
    assert ("net.layer1", "net.layer2") in {(t, h) for t, h, _ in edges}
    assert len(edges) == len(set(edges))
    assert clusters(source)["net"]["nodes"] == {g["id"] for g in groups.values()}
    assert "scope drawn as one node" in source


def test_collapse_shows_input_and_output_shapes_of_a_tensor_scope() -> None:
    w = Tensor(np.ones((3, 2)), requires_grad=True, label="W")
    x = Tensor(np.ones((4, 2)), label="x")
    with scope("dense"):
        h = (x @ w.T).sigmoid()
    out = h.sum()
    nodes, _ = parse(viz.to_dot(out, collapse="scope").source)
    assert nodes["dense"]["text"] == "dense 3 ops, 1 param (6 values) in: (4, 2) out: (4, 3)"


def test_nn_sequential_shows_one_cluster_per_layer_and_collapses_to_one_node_per_layer() -> None:
    nn = pytest.importorskip("nn", reason="the nn package is not available")
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(2, 3, rng=rng), nn.Sigmoid(), nn.Linear(3, 1, rng=rng))
    out = model(Tensor(np.ones((4, 2)))).sum()
    out.backward()
    found = clusters(viz.to_dot(out).source)
    layers = {name for name, c in found.items() if c["parent"] is not None}
    assert len(layers) == len(model) == 3
    assert all(found[name]["nodes"] for name in layers)
    nodes, _ = parse(viz.to_dot(out, collapse="scope").source)
    groups = [node for node in nodes.values() if node["id"].startswith("s")]
    assert len(groups) == len(model)
    assert any("in: (4, 2)" in g["text"] and "out: (4, 3)" in g["text"] for g in groups)


# ---------------------------------------------------------------------- large graphs
def test_a_100000_node_chain_converts_to_dot_without_recursing() -> None:
    # Its speed is the benchmark suite's V1 workload: timing never decides a test.
    root = chain(100_000)
    source = viz.to_dot(root, max_nodes=None).source  # past the default limit
    assert source.count(" [label=<") == 100_000
    assert source.count(" -> ") == 99_999


def test_max_nodes_refuses_a_graph_without_scopes_and_names_the_options() -> None:
    with pytest.raises(viz.GraphTooLargeError) as info:
        viz.to_dot(chain(50), max_nodes=10)
    message = str(info.value)
    assert "50 nodes" in message and "max_nodes=10" in message
    assert "max_nodes=None" in message and "collapse='scope'" in message
    assert isinstance(info.value, ValueError)
    assert viz.to_dot(chain(50), max_nodes=50).source  # at the limit is fine


def test_max_nodes_collapses_scopes_when_that_is_enough() -> None:
    root = scoped_network()
    count = len(topological_order(root)) - 2  # the numbers 1.0 and 2 are written in their ops
    with pytest.warns(UserWarning, match="max_nodes=None") as record:
        source = viz.to_dot(root, max_nodes=count - 1).source
    assert record[0].filename == __file__  # the warning points at the caller
    nodes, _ = parse(source)
    assert {"net.layer1", "net.layer2"} <= set(nodes)
    assert "collapse=&#x27;scope&#x27;" in source  # the note on the drawing says why
    with pytest.raises(viz.GraphTooLargeError, match="even collapse='scope' leaves"):
        viz.to_dot(root, max_nodes=3)
    with pytest.raises(viz.GraphTooLargeError, match="still has"):
        viz.to_dot(root, max_nodes=3, collapse="scope")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        viz.to_dot(root, max_nodes=count)  # within the limit: no warning, no collapse


def test_render_refuses_thousands_of_nodes_by_default(tmp_path: Path) -> None:
    with pytest.raises(viz.GraphTooLargeError, match="max_nodes=2000"):
        viz.render(chain(2500), tmp_path / "big.dot")
    assert viz.render(chain(2500), tmp_path / "big.dot", max_nodes=None).stat().st_size > 0


# ---------------------------------------------------------------------- files
@needs_dot
def test_or_gate_neuron_renders_to_valid_svg_png_and_pdf(tmp_path: Path) -> None:
    loss = or_gate_neuron()["loss"]
    assert loss.data == 0.125
    svg = viz.render(loss, tmp_path / "new" / "dir" / "or.svg", edge_labels="local_grad")
    assert svg == tmp_path / "new" / "dir" / "or.svg" and svg.is_file()
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for label in ("x1", "x2", "w1", "w2", "b", "y", "z", "ŷ", "loss"):
        assert label in texts, label
    assert "grad 0.125" in texts  # dloss/db, as the blog computes it
    png = viz.render(loss, tmp_path / "or.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    pdf = viz.render(loss, tmp_path / "or.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 3_000
    dot = viz.render(loss, tmp_path / "or.dot").read_text(encoding="utf-8")
    assert dot == viz.to_dot(loss).source


def test_render_rejects_an_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.dot"):
        viz.render(small_graph(), tmp_path / "graph.jpeg")


def test_missing_dot_program_gives_the_install_hint_and_dot_output_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    root = small_graph()
    for suffix in (".svg", ".png", ".pdf"):
        with pytest.raises(viz.GraphvizNotFoundError) as info:
            viz.render(root, tmp_path / f"graph{suffix}")
        assert isinstance(info.value, RuntimeError)
        message = str(info.value)
        assert "apt-get install graphviz" in message and "brew install graphviz" in message
        assert ".dot" in message
        assert not (tmp_path / f"graph{suffix}").exists()
    with pytest.raises(viz.GraphvizNotFoundError):
        viz.backprop_steps(root, tmp_path / "steps.html")
    dot = viz.render(root, tmp_path / "sub" / "graph.dot")
    assert dot.read_text(encoding="utf-8").startswith("digraph")


@needs_dot
def test_the_digraph_displays_inline_in_jupyter() -> None:
    bundle = viz.to_dot(small_graph())._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_graphviz_is_imported_only_by_viz() -> None:
    code = "import sys, autograd_core, autograd_core.engine; print('graphviz' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "False", result.stderr


# The step-through explorer (viz.explorer, backprop_steps): test_viz_explorer.py.


def test_edge_labels_stay_right_when_a_first_edge_leaves_a_collapsed_scope() -> None:
    a, b, q, r, c9 = (
        Value(v, label=n) for v, n in [(2, "a"), (3, "b"), (7, "q"), (1, "r"), (9, "c")]
    )
    with scope("blk"):
        p = a * b  # p = 6: edge 0 of p*q comes from the collapsed box
    pq = p * q
    pq.label = "pq"
    y = (r * c9) + pq  # r*c9 is drawn just before, with local gradients (9, 1)
    source = viz.to_dot(y, edge_labels="local_grad", collapse="scope").source
    _, edges = parse(source)
    labels = {(t, h): attrs for t, h, attrs in edges}
    q_edge = labels[("q", "pq")]
    assert text_of(re.search(r"label=<(.*)>", q_edge).group(1)) == "6"  # type: ignore[union-attr]
