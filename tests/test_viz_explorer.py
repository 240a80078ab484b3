"""viz.explorer and backprop_steps: the record of every step, the one drawing, the page.

What the page's script does with them is tested in a real browser in
``test_viz_browser.py``.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip(
    "graphviz", reason='viz needs the graphviz Python package (pip install -e ".[viz]")'
)

import nn  # noqa: E402
import viz  # noqa: E402
from autograd_core import Tensor, Value, scope  # noqa: E402
from autograd_core.engine import topological_order  # noqa: E402
from autograd_core.formulas import local_formula, vjp_formula  # noqa: E402
from viz.describe import line_text, value_lines  # noqa: E402
from viz.explorer import FULL_VALUES  # noqa: E402

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot program is not installed (apt-get install graphviz)",
)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def neuron(x1: float = 1.0) -> dict[str, Value]:
    """The blog's Part I neuron with constant inputs: loss = 0.5 (y - σ(w1 x1 + w2 x2 + b))²."""
    x1_, x2 = (
        Value(x1, label="x1", requires_grad=False),
        Value(0.0, label="x2", requires_grad=False),
    )
    w1, w2, b = Value(0.1, label="w1"), Value(0.6, label="w2"), Value(0.0, label="b")
    y = Value(0.0, label="y", requires_grad=False)
    w1x1, w2x2 = w1 * x1_, w2 * x2
    w1x1.label, w2x2.label = "w1·x1", "w2·x2"
    s = w1x1 + w2x2
    s.label = "s"
    z = s + b
    z.label = "z"
    y_hat = z.sigmoid()
    y_hat.label = "ŷ"
    d = y - y_hat
    d.label = "d"
    d2 = d**2
    d2.label = "d²"
    loss = 0.5 * d2
    loss.label = "loss"
    return dict(x1=x1_, x2=x2, w1=w1, w2=w2, b=b, y=y, z=z, y_hat=y_hat, loss=loss)


def engine_steps(root: Any) -> list[Any]:
    """The nodes the engine's backward pass processes, in its order."""
    return [node for node in reversed(topological_order(root)) if node.parents]


def page_data(text: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="explorer-data">(.*?)</script>', text, re.S
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def names(data: dict[str, Any], indices: list[int]) -> list[str]:
    return [data["nodes"][i]["n"] for i in indices]


def mlp_loss(sizes: list[int], fused: bool = False) -> tuple[Value, nn.MLP]:
    np.random.seed(1)
    model = nn.MLP(2, sizes, "sigmoid", "sigmoid", fused=fused)  # the blog's kind
    return (model([0.5, 1.0]) - 1.0) ** 2, model


# ---------------------------------------------------------------------- the page
@needs_dot
def test_the_page_is_one_drawing_and_its_data_and_fetches_nothing(tmp_path: Path) -> None:
    g = neuron()
    g["loss"].backward()
    before = {name: (v.data, v.grad) for name, v in g.items()}
    page = viz.backprop_steps(g["loss"], tmp_path / "out" / "steps.html")
    assert page == tmp_path / "out" / "steps.html"
    text = page.read_text(encoding="utf-8")
    assert {name: (v.data, v.grad) for name, v in g.items()} == before  # the graph as it was
    # Nothing to fetch: no external scripts, styles, images or links.
    assert re.findall(r'(?:src|href)\s*=\s*"(?!#|data:)', text) == []
    assert "<script src" not in text and "@import" not in text
    assert text.count("<svg") == 1  # one drawing for every step
    data = page_data(text)
    order = topological_order(g["loss"])
    assert len(data["nodes"]) == len(order)
    folded = {k for k, node in enumerate(data["nodes"]) if node.get("f")}
    assert folded  # the loss's ** 2: its exponent is written into the operation
    for k in range(len(data["nodes"])):
        assert (f'id="n{k}"' in text) is (k not in folded)
    for k, (parent, _, _) in enumerate(data["edges"]):
        assert (f'id="e{k}"' in text) is (parent not in folded)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    for word in ('id="prev"', 'id="next"', 'id="play"', 'id="speed"', 'id="slider"'):
        assert word in text
    assert "<title>" not in text.split("<svg")[1]  # no titles in the drawing: the tooltip


@needs_dot
def test_forward_steps_follow_the_drawing_and_backward_steps_the_engine() -> None:
    g = neuron()
    data = viz.explorer(g["loss"]).data
    computed = names(data, data["fwd"])
    # In reading order: operands first, first operands before later ones.
    assert computed == ["w1·x1", "w2·x2", "s", "z", "ŷ", "d", "d²", "loss"]
    # Every node is computed after its operands.
    position = {i: k for k, i in enumerate(data["fwd"])}
    for parent, child, _ in data["edges"]:
        assert position.get(parent, -1) < position[child]
    # Backward: the seed, then the engine's order.
    assert data["bwd"][0][0] == -1
    assert names(data, [s[0] for s in data["bwd"][1:]]) == [
        n.label for n in engine_steps(g["loss"])
    ]


@needs_dot
def test_the_sigmoid_step_carries_the_blogs_numbers() -> None:
    # x1 = 0: z = 0, ŷ = 0.5; dloss/dŷ = ŷ - y = 0.5, σ'(0) = 0.25, so z receives 0.125.
    data = viz.explorer(neuron(x1=0.0)["loss"]).data
    steps = {data["nodes"][s[0]]["n"]: s for s in data["bwd"][1:]}
    node, upstream, flows = steps["ŷ"]
    assert upstream == 0.5
    ((edge, local, receives, total),) = flows
    assert data["nodes"][data["edges"][edge][0]]["n"] == "z"
    assert (local, receives, total) == (0.25, 0.125, 0.125)
    assert data["ops"]["sigmoid"] == [[local_formula("sigmoid", 0), vjp_formula("sigmoid", 0)]]
    # A constant operand receives nothing.
    _, _, flows = steps["d"]  # y - ŷ
    y_flow = next(f for f in flows if data["nodes"][data["edges"][f[0]][0]]["n"] == "y")
    assert y_flow[2] is None


@needs_dot
def test_the_update_step_is_p_minus_lr_times_grad_and_changes_nothing() -> None:
    g = neuron(x1=1.0)
    lr = 0.5
    data = viz.explorer(g["loss"], lr=lr).data
    # By hand: z = 0.1, ŷ = σ(0.1), dloss/dz = (ŷ - 0) σ(0.1)(1 - σ(0.1)); dz/dw1 = x1 = 1,
    # dz/dw2 = x2 = 0, dz/db = 1.
    s = sigmoid(0.1)
    dz = s * s * (1 - s)
    new = {data["nodes"][i]["n"]: v for i, v in data["upd"]["new"]}
    assert data["upd"]["lr"] == lr
    assert set(new) == {"w1", "w2", "b"}  # the constants are no parameters
    assert new["w1"] == pytest.approx(0.1 - lr * dz, rel=1e-12)
    assert new["w2"] == 0.6
    assert new["b"] == pytest.approx(-lr * dz, rel=1e-12)
    assert (g["w1"].data, g["w1"].grad) == (0.1, 0.0)  # the graph is not updated
    # params picks the parameters, as torch.optim.SGD(params, lr): others stay.
    other = Value(3.0)
    data = viz.explorer(g["loss"], lr=lr, params=[g["w1"], other]).data
    assert names(data, [i for i, _ in data["upd"]["new"]]) == ["w1"]
    assert data["upd"]["outside"] == 1
    assert viz.explorer(g["loss"], lr=None).data["upd"] is None
    # lr=0 is allowed, as in torch.optim.SGD: nothing moves.
    still = viz.explorer(g["loss"], lr=0).data["upd"]["new"]
    assert sorted(value for _, value in still) == [0.0, 0.1, 0.6]


@pytest.mark.parametrize(
    ("lr", "error", "message"),
    [
        (-0.1, ValueError, r"lr must be a finite number >= 0 \(as torch.optim.SGD\)"),
        (float("nan"), ValueError, "lr must be a finite number >= 0"),
        (float("inf"), ValueError, "lr must be a finite number >= 0"),
        (True, TypeError, r"lr must be a number or None \(no update step\)"),
        ("0.1", TypeError, "lr must be a number or None"),
    ],
)
def test_a_bad_learning_rate_is_refused_by_name(lr: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=f"^explorer: {message}"):
        viz.explorer(neuron()["loss"], lr=lr)
    with pytest.raises(error, match=f"^backprop_steps: {message}"):
        viz.backprop_steps(neuron()["loss"], "never-written.html", lr=lr)
    assert not Path("never-written.html").exists()


@needs_dot
def test_params_must_be_leaves() -> None:
    g = neuron()
    with pytest.raises(ValueError, match=r"^explorer: params holds 'sigmoid'.*updates leaves"):
        viz.explorer(g["loss"], params=[g["y_hat"]])


@needs_dot
def test_tensor_steps_carry_shapes_values_and_the_rules() -> None:
    w = Tensor(np.array([[0.1, 0.6]]), requires_grad=True, label="W")
    x = Tensor(np.array([[0.0], [1.0]]), label="X")
    big = Tensor(np.linspace(-1, 1, 25).reshape(5, 5), requires_grad=True, label="big")
    huge = Tensor(np.ones(FULL_VALUES + 1), requires_grad=True, label="huge")
    cost = (w @ x).sigmoid().sum() + big.sum() + huge.mean()
    data = viz.explorer(cost).data
    by_name = {node["n"]: node for node in data["nodes"]}
    assert by_name["W"]["d"] == {"s": [1, 2], "v": [0.1, 0.6]}
    assert by_name["W"]["t"] == "(1, 2) float64"
    assert by_name["big"]["d"]["m"] == [line_text(value_lines(big.data, 4)[0]), False]
    assert len(by_name["big"]["d"]["v"]) == 25  # kept in full for tooltips and matrices
    assert "v" not in by_name["huge"]["d"]  # too large: its summary line only
    assert data["ops"]["matmul"] == [["", "g @ b.T"], ["", "a.T @ g"]]
    assert by_name["X"]["g"] is False  # needs no gradient
    assert w.grad is None  # left as it was: no backward was called
    outer = x @ w  # (2, 2): a non-scalar root needs an explicit seed, as in backward()
    with pytest.raises(RuntimeError, match="pass grad="):
        viz.explorer(outer)
    seeded = viz.explorer(outer, grad=np.ones((2, 2))).data
    assert seeded["bwd"][0][1] == {"s": [2, 2], "v": [1.0, 1.0, 1.0, 1.0]}


@needs_dot
def test_nan_and_infinity_travel_as_strings() -> None:
    a = Value(float("inf"), label="a")
    out = a * 0.0
    data = viz.explorer(out).data
    assert data["nodes"][0]["d"] == "Infinity"
    assert page_data(viz.explorer(out).html)["nodes"][-1]["d"] == "NaN"


# ---------------------------------------------------------------------- the drawing
def svg_rows(text: str, k: int) -> list[str]:
    """The label rows of node ``k`` in the page's drawing, as text."""
    group = re.search(rf'<g id="n{k}" class="[^"]*">(.*?)</g>', text, re.S)
    assert group is not None
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", group.group(1))]


@needs_dot
def test_the_drawing_shows_the_first_step_with_room_for_every_later_one() -> None:
    loss, model = mlp_loss([4, 4, 1])
    explorer = viz.explorer(loss, params=model.parameters())
    text, data = explorer.html, explorer.data
    grads: dict[int, list[Any]] = {i: [g] for i, g in enumerate(data["g0"])}
    for _, _, flows in data["bwd"]:
        for edge, _, _, total in flows:
            grads[data["edges"][edge][0]].append(total)
    new = dict(data["upd"]["new"])
    for k, node in enumerate(data["nodes"]):
        if node.get("f"):
            continue  # a constant written into its operation: not drawn
        computed = k in data["fwd"]
        assert re.search(rf'<g id="n{k}" class="node{" pending" if computed else ""}">', text)
        rows = svg_rows(text, k)[-(node["dr"] + node["gr"]) :]
        data_row, grad_rows = rows[0], rows[node["dr"] :]
        # Leaves show their values from the start; computed nodes wait for their step.
        shown = "data" if computed else f"data {node['d']:.4g}".replace("-0 ", "0 ")
        assert data_row.replace("\xa0", " ").rstrip() == shown.rstrip()
        widths = [f"data {node['d']:.4g}", f"data {new[k]:.4g}" if k in new else ""]
        widths += [f"grad {g:.4g}" for g in grads[k]] if node["g"] else []
        # Monospace rows padded to the widest text any step writes there.
        assert len(data_row) >= max(len(w) for w in widths[:2])
        assert all(len(grad_rows[0]) >= len(w) for w in widths[2:])
        if node["g"]:
            assert grad_rows[0].replace("\xa0", " ").rstrip() == "grad"
    drawn = [e for e in data["edges"] if not data["nodes"][e[0]].get("f")]
    assert text.count('class="edge quiet"') == len(drawn)


@needs_dot
def test_scopes_are_clusters_in_natural_order() -> None:
    x = Value(1.0, label="x")
    for k in (10, 2, 9):
        with scope(f"layers.{k}"):
            x = x * 2.0
    data = viz.explorer(x).data
    assert [s["p"] for s in data["scopes"]] == [["layers.2"], ["layers.9"], ["layers.10"]]
    text = viz.explorer(x).html
    assert all(f'<g id="sc{k}" class="cluster">' in text for k in range(3))
    assert 'class="cluster"' not in viz.explorer(x, clusters=False).html


# ---------------------------------------------------------------------- the page's safety
@needs_dot
def test_labels_cannot_end_the_script_or_fill_the_templates_slots() -> None:
    a = Value(2.0, label="</script><script>alert(1)</script>")
    b = a * 3.0
    b.label = "{js} {data} {svg}"
    text = viz.explorer(b, title="{css}").html
    assert text.count("</script>") == 2  # the data's and the script's own
    data = page_data(text)
    shown = [node["n"] for node in data["nodes"]]
    assert "</script><script>alert(1)</script>" in shown and "{js} {data} {svg}" in shown
    assert text.count("window.explorer = {") == 1  # the script once, not again for "{js}"
    assert "<title>{css}</title>" in text


@needs_dot
def test_in_a_notebook_the_page_is_an_iframe_as_wide_as_the_cell() -> None:
    explorer = viz.explorer(neuron()["loss"], height=480)
    shown = explorer._repr_html_()
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == explorer.html
    assert "width:100%;height:480px" in shown
    assert repr(explorer).startswith("<Explorer 'Backpropagation through loss, step by step': ")
    with pytest.raises(ValueError, match="height must be an int of at least 200"):
        viz.explorer(neuron()["loss"], height=50)


@needs_dot
def test_the_issues_networks_give_small_pages(tmp_path: Path) -> None:
    # Per-frame SVGs made these 10.7 MB and 44.6 MB; one drawing and its data stay small.
    loss, model = mlp_loss([4, 4, 1])
    small = viz.backprop_steps(loss, tmp_path / "small.html", params=model.parameters())
    assert small.stat().st_size < 1_000_000
    loss, model = mlp_loss([16, 16, 1], fused=True)
    fused = viz.backprop_steps(loss, tmp_path / "fused.html", params=model.parameters())
    assert fused.stat().st_size < 3_000_000


def test_backprop_steps_refuse_large_graphs(tmp_path: Path) -> None:
    x = Value(1.0)
    for _ in range(1000):
        x = -x
    with pytest.raises(viz.GraphTooLargeError, match="max_nodes=None"):
        viz.backprop_steps(x, tmp_path / "big.html")


@needs_dot
def test_shared_names_are_told_apart_by_their_scope() -> None:
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    loss = nn.mse(model(Tensor(np.ones((4, 2)))), Tensor(np.zeros((4, 1))))
    qualified = sorted(n["q"] for n in viz.explorer(loss).data["nodes"] if "q" in n)
    assert qualified == ["0.bias", "0.weight", "2.bias", "2.weight"]
    loss, _ = mlp_loss([2, 1])
    shown = {n.get("q", n["n"]) for n in viz.explorer(loss).data["nodes"] if n["n"] == "b"}
    # neurons.1 is found once; neurons.0 twice, so its layer tells them apart.
    assert shown == {"neurons.1.b", "layers.0.neurons.0.b", "layers.1.neurons.0.b"}


@needs_dot
def test_a_graph_where_one_node_feeds_many_is_laid_out_with_bounded_passes() -> None:
    # Every step of y = y * 1.0001 + x reads x: with a label on each edge, dot's crossing
    # minimisation took 36 s for this 151-node graph before its passes were bounded.
    x = Value(1.0, label="x")
    y = x
    for _ in range(50):
        y = y * 1.0001 + x
    y.backward()
    from viz.dot import Overlay, build_digraph
    from viz.plan import GraphPlan, Options

    plan = GraphPlan(y, Options(edge_labels="local_grad"))
    assert "mclimit=0.1" in build_digraph(plan, Overlay("steps")).source  # the explorer's
    assert "mclimit" not in build_digraph(plan).source  # to_dot's keeps dot's defaults
    page = viz.explorer(y)
    assert len(page.data["nodes"]) == 151 and page.html.count('class="node') >= 101
