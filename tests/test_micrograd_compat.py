"""micrograd's API on our engine: ``nn.micrograd`` and the micrograd defaults of ``nn``.

What micrograd's three artefacts use, exercised here in our own words: ``test/test_engine.py``
(two expressions checked against PyTorch: the numbers below are PyTorch 2.13's, float64),
``trace_graph.ipynb`` (a drawing that walks ``v._prev`` and reads ``v._op``, ``v.data``,
``v.grad``; and ``viz.draw_dot``) and ``demo.ipynb`` (an MLP trained on moons with the
max-margin loss, L2 regularisation and SGD with a decaying learning rate).
"""

from __future__ import annotations

import importlib.util
import random

import numpy as np
import pytest

import nn
from autograd_core import Value
from autograd_core.engine import topological_order
from demos.moons import make_moons
from nn.micrograd import nn as mg_nn
from nn.micrograd.engine import Value as MicrogradValue
from nn.micrograd.nn import MLP, Layer, Module, Neuron

needs_graphviz = pytest.mark.skipif(
    importlib.util.find_spec("graphviz") is None,
    reason='draw_dot needs the graphviz Python package (pip install -e ".[viz]")',
)


# ---------------------------------------------------------------------------- engine
def test_the_engine_is_ours() -> None:
    assert MicrogradValue is Value
    assert mg_nn.MLP is MLP and issubclass(MLP, nn.MLP) and issubclass(Neuron, nn.Neuron)
    assert issubclass(Module, nn.Module)


def test_sanity_check_expression_matches_pytorch() -> None:
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0 and x.grad == 46.0  # PyTorch: -20.0, 46.0


def test_more_ops_expression_with_updates_in_place_matches_pytorch() -> None:
    # micrograd's test writes c += ...: here that updates c in place, as PyTorch would, and
    # the operand computed from c reads c's numbers from before the update.
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    # PyTorch 2.13 (float64), the same expression written out of place:
    assert g.data == pytest.approx(24.70408163265306, rel=1e-14)
    assert a.grad == pytest.approx(138.83381924198252, rel=1e-14)
    assert b.grad == pytest.approx(645.5772594752186, rel=1e-14)


def test_prev_and_op_read_as_micrograds() -> None:
    x = Value(1.0)
    two_x = x * 2
    y = (two_x + 1).relu()
    y.backward()
    assert y._op == "relu" and isinstance(y._op, str) and y.op == "relu"
    assert two_x._op == "*" and "node " + two_x._op == "node *"
    assert x._op == "" and not x._op  # a leaf: made by no operation
    (constant,) = [p for p in two_x._prev if p is not x]
    assert constant.data == 2.0 and constant._op == "" and constant.op == "const"
    assert isinstance(y._prev, set) and y._prev == set(y.parents)
    assert (x * x)._prev == {x}  # a set: one entry per distinct parent
    assert x._prev == set() and y.data == 3.0 and y.grad == 1.0 and x.grad == 2.0
    with pytest.raises(AttributeError):
        y._prev = set()  # type: ignore[misc]


def trace(root: Value) -> tuple[set[Value], set[tuple[Value, Value]]]:
    """Every node and edge behind ``root``, found through ``_prev`` (without recursion)."""
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v in nodes:
            continue
        nodes.add(v)
        for child in v._prev:
            edges.add((child, v))
            stack.append(child)
    return nodes, edges


def test_a_trace_through_prev_finds_a_neurons_whole_graph() -> None:
    random.seed(1337)
    neuron = Neuron(2)
    y = neuron([Value(1.0), Value(-2.0)])
    y.backward()
    nodes, edges = trace(y)
    assert nodes == set(topological_order(y))
    labels = sorted(n._op for n in nodes if n._op)
    assert labels == ["*", "*", "+", "+", "relu"]
    assert len(edges) == sum(len(n._prev) for n in nodes) == 9  # 2 per * and +, 1 for relu
    for n in nodes:  # the notebook prints each as "{ data %.4f | grad %.4f }"
        assert type(n.data) is float and type(n.grad) is float


def test_value_with_children_and_op_says_operations_make_nodes() -> None:
    a = Value(1.0)
    with pytest.raises(TypeError, match="label must be a string.*operations"):
        Value(2.0, (a,))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Value(2.0, (a,), "+")  # type: ignore[call-arg]


# ---------------------------------------------------------------------------- draw_dot
@needs_graphviz
def test_draw_dot_on_a_neuron_is_a_digraph_with_data_and_grads() -> None:
    import graphviz

    import viz

    random.seed(1337)
    neuron = Neuron(2)
    y = neuron([Value(1.0), Value(-2.0)])
    y.backward()
    dot = viz.draw_dot(y)
    assert isinstance(dot, graphviz.Digraph)
    assert dot.format == "svg" and "rankdir=LR" in dot.source
    # micrograd's weights after random.seed(1337): 0.2355..., 0.06653...; x = (1, -2)
    assert [round(p.data, 4) for p in neuron.w] == [0.2355, 0.0665]
    for text in ("data 0.2355", "data 0.06653", "data -2<", "data 0.1024", "<I>relu</I>"):
        assert text in dot.source, text
    for text in ("grad -2<", "grad 0.06653", "grad 0.2355"):  # dy/dw1 = x1, dy/dx1 = w1, ...
        assert text in dot.source, text
    png = viz.draw_dot(y, format="png", rankdir="TB", show_grad=False)
    assert png.format == "png" and "rankdir=TB" in png.source
    assert png.source != dot.source
    with pytest.raises(ValueError):
        viz.draw_dot(y, format="no-such-format")


# ---------------------------------------------------------------------------- nn.micrograd.nn
def test_micrograd_networks_draw_micrograds_weights_from_python_random() -> None:
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    stream = random.Random(1337)
    # micrograd: each neuron draws random.uniform(-1, 1) per weight, layer after layer
    expected = []
    for nin, nout in ((2, 16), (16, 16), (16, 1)):
        for _ in range(nout):
            expected += [stream.uniform(-1, 1) for _ in range(nin)] + [0.0]
    params = model.parameters()
    assert len(params) == 337  # the notebook's "number of parameters 337"
    assert [p.data for p in params] == expected  # weights, then the bias, neuron by neuron
    random.seed(1337)
    again = MLP(2, [16, 16, 1])
    assert [p.data for p in again.parameters()] == expected


def test_micrograd_printing_and_flags() -> None:
    model = MLP(2, [3, 1])
    assert repr(model) == (
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], "
        "Layer of [LinearNeuron(3)]]"
    )
    assert repr(Neuron(4, nonlin=False)) == "LinearNeuron(4)"
    assert repr(Layer(2, 2, nonlin=False)) == "Layer of [LinearNeuron(2), LinearNeuron(2)]"
    neuron = Neuron(2)
    assert neuron.nonlin is True and neuron.activation == "relu"
    neuron.nonlin = False
    assert neuron.activation is None and repr(neuron) == "LinearNeuron(2)"
    with pytest.raises(TypeError):
        Layer(2, 2, activation="tanh")  # micrograd's Layer passes only nonlin on
    with pytest.raises(ValueError, match="at least one"):
        MLP(2, [])
    with pytest.raises(ValueError, match="nout must be a positive integer"):
        Layer(2, 0)


def test_micrograd_calls_give_a_value_for_one_output_and_train_with_zero_grad() -> None:
    random.seed(0)
    model = MLP(3, [4, 1])
    x = [Value(1.0), Value(-1.0), Value(0.5)]
    out = model(x)
    assert isinstance(out, Value)
    layer_out = model.layers[0](x)
    assert isinstance(layer_out, list) and len(layer_out) == 4
    (out * out).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_moons_training_loop_reaches_high_accuracy() -> None:
    """demo.ipynb's loop, on 40 moons and 40 steps (the demo test runs the full 100 x 100)."""
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(40, 0.1)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1])
    steps, history = 40, []
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]  # NumPy ints * Values
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)
        model.zero_grad()
        total.backward()
        learning_rate = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total.data, accuracy))
    assert history[0][1] < 0.8 and history[-1][1] >= 0.95
    assert history[-1][0] < 0.1 < history[0][0] / 5


# ---------------------------------------------------------------------------- nn's defaults
def test_nn_scalar_networks_have_micrograds_defaults() -> None:
    np.random.seed(3)
    model = nn.MLP(2, [16, 16, 1])
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "relu", None]
    weights = np.array([p.data for n, p in model.named_parameters() if not n.endswith(".b")])
    assert weights.min() >= -1.0 and weights.max() < 1.0 and weights.std() > 0.5  # U(-1, 1)
    np.random.seed(3)
    assert [p.data for p in nn.MLP(2, [16, 16, 1]).parameters()] == [
        p.data for p in model.parameters()
    ]
    drawn = np.random.RandomState(3).uniform(-1, 1, (16, 2))
    assert [[w.data for w in n.w] for n in model.layers[0].neurons] == drawn.tolist()
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1"] + [
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert isinstance(model([0.5, -0.5]), Value)


def test_nn_networks_take_any_random_stream() -> None:
    from_generator = nn.Neuron(3, rng=np.random.default_rng(7))
    expected = np.random.default_rng(7).uniform(-1, 1, 3).tolist()
    assert [w.data for w in from_generator.w] == expected
    stream = random.Random(11)
    python = nn.Layer(2, 2, rng=random.Random(11))
    assert [w.data for n in python.neurons for w in n.w] == [stream.uniform(-1, 1) for _ in "abcd"]
    gauss = nn.init.xavier(2, 3, random.Random(5))
    stream = random.Random(5)
    assert gauss.tolist() == [[stream.gauss(0.0, 1.0) / np.sqrt(3) for _ in "abc"] for _ in "ab"]
    with pytest.raises(TypeError, match="random.Random"):
        nn.Neuron(2, rng=42)  # type: ignore[arg-type]


def test_nn_neuron_takes_micrograds_nonlin() -> None:
    assert nn.Neuron(2, False).activation is None  # micrograd's Neuron(nin, nonlin)
    assert nn.Neuron(2, True).activation == "relu"
    assert nn.Neuron(2, nonlin=False).activation is None
    assert nn.Layer(2, 3, nonlin=False).neurons[2].activation is None
    with pytest.raises(TypeError, match="not both"):
        nn.Neuron(2, "tanh", nonlin=True)
    with pytest.raises(TypeError, match="twice"):
        nn.Neuron(2, True, nonlin=True)
    with pytest.raises(ValueError, match="nout must be a positive integer"):
        nn.Layer(2, 0)


def test_a_single_neuron_layer_feeds_the_next_layer() -> None:
    first, second = nn.Layer(2, 1, rng=np.random.default_rng(0)), nn.Layer(1, 2)
    out = second(first([1.0, 2.0]))  # a lone Value is a one-input example
    assert isinstance(out, list) and len(out) == 2
    model = nn.MLP(2, [1, 3], rng=np.random.default_rng(0))
    assert len(model([1.0, 2.0])) == 3
