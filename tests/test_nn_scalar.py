"""Scalar networks (Neuron/Layer/MLP on Values) share Module, init, losses and optimisers."""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import nn
from autograd_core import Tensor, Value, topological_order

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])
Y_OR = np.array([[0.0], [1.0], [1.0], [1.0]])


def rings(n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy concentric rings: not linearly separable."""
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, n)
    label = np.arange(n) % 2
    radius = np.where(label == 0, 0.5, 1.5) + rng.uniform(-0.2, 0.2, n)
    return np.c_[radius * np.cos(angle), radius * np.sin(angle)], label.astype(float)


def test_micrograd_style_mlp_reaches_full_accuracy_on_rings() -> None:
    points, labels = rings()
    model = nn.MLP(2, [8, 1], init="he", rng=np.random.default_rng(0))  # ReLU, linear out
    optimiser = nn.Adam(model.parameters(), lr=0.05)
    accuracy = 0.0
    for _ in range(100):
        logits = [model(p) for p in points]  # one output: the Value itself
        accuracy = float(np.mean([(z.data > 0) == (y == 1) for z, y in zip(logits, labels)]))
        if accuracy == 1.0:
            break
        loss = nn.binary_cross_entropy_with_logits(logits, labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert accuracy == 1.0
    assert len(model.parameters()) == 8 * 3 + 9


def test_scalar_mlp_follows_the_tensor_network_step_for_step() -> None:
    """MLP(2, [3, 1]) draws the same xavier weights as Linear(2, 3), Linear(3, 1), adds in
    the same order and so trains along the same path as the blog's network. The scalar one
    multiplies and adds in Python floats, the Tensor one in the CPU's BLAS kernels (with or
    without fused multiply-adds, by machine): the same numbers up to rounding."""
    np.random.seed(48)
    scalar = nn.MLP(2, [3, 1], "sigmoid", "sigmoid", init="xavier")
    np.random.seed(48)
    tensor = nn.Sequential(
        nn.Linear(2, 3, init="xavier"), nn.Sigmoid(), nn.Linear(3, 1, init="xavier"), nn.Sigmoid()
    )
    first_rows = [[n.w[0].data, n.w[1].data] for n in scalar.layers[0].neurons]
    first = tensor[0]
    assert isinstance(first, nn.Linear) and np.array_equal(first_rows, first.weight.data)

    sgd_scalar, sgd_tensor = nn.SGD(scalar.parameters(), lr=1), nn.SGD(tensor.parameters(), lr=1)
    for epoch in range(301):
        cost_scalar = nn.squared_error([scalar(x) for x in X], Y_XOR.ravel())  # a Value each
        cost_tensor = nn.squared_error(tensor(Tensor(X)), Y_XOR)
        if epoch == 0:  # the blog's first cost
            assert cost_scalar.data == pytest.approx(0.12926510193084198, rel=BLAS_RTOL)
        if epoch % 100 == 0:
            assert cost_scalar.data == pytest.approx(cost_tensor.item(), rel=1e-13)
        for cost, optimiser in ((cost_scalar, sgd_scalar), (cost_tensor, sgd_tensor)):
            optimiser.zero_grad()
            cost.backward()
            optimiser.step()


def test_blog_part_one_neuron_or_gate_step() -> None:
    """The OR-gate step from W = [0.1, 0.6], b = 0, one example at a time, node by node."""
    neuron = nn.Neuron(2, activation="sigmoid")
    neuron.load_state_dict({"w.0": 0.1, "w.1": 0.6, "b": 0.0})
    optimiser = nn.SGD(neuron.parameters(), lr=1)
    cost = nn.squared_error([neuron(x) for x in X], Y_OR.ravel())
    assert round(cost.item(), 3) == 0.089
    cost.backward()
    optimiser.step()
    optimiser.zero_grad()
    cost = nn.squared_error([neuron(x) for x in X], Y_OR.ravel())
    assert round(cost.item(), 3) == 0.084
    cost.backward()
    assert [round(w.grad, 3) for w in neuron.w] == [-0.044, -0.035]
    assert round(neuron.b.grad, 3) == -0.031
    # Every multiply and add is its own node, ready to be drawn.
    ops = [node.op for node in topological_order(cost) if not node.is_leaf]
    assert ops.count("sigmoid") == 4 and ops.count("*") >= 8


def test_layer_and_neuron_shapes_and_errors() -> None:
    layer = nn.Layer(3, 2, activation=None, rng=np.random.default_rng(0))
    out = layer([1.0, Value(2.0), np.float64(3.0)])
    assert len(out) == 2 and all(isinstance(v, Value) for v in out)
    # micrograd's order: each neuron's weights, then its bias (a plain Module lists its own
    # parameters, the bias, before its sub-modules', as PyTorch does).
    assert [n for n, _ in layer.named_parameters()][:5] == [
        "neurons.0.w.0",
        "neurons.0.w.1",
        "neurons.0.w.2",
        "neurons.0.b",
        "neurons.1.w.0",
    ]
    with pytest.raises(ValueError, match="3 inputs"):
        layer([1.0, 2.0])
    with pytest.raises(ValueError, match="at least one"):
        nn.MLP(2, [])


def test_fused_mlp_trains_along_exactly_the_same_path_as_the_node_per_op_one() -> None:
    points, labels = rings()
    models = [
        nn.MLP(2, [6, 6, 1], "tanh", None, rng=np.random.default_rng(3), fused=fused)
        for fused in (False, True)
    ]
    optimisers = [nn.SGD(model.parameters(), lr=0.1, momentum=0.9) for model in models]
    for _ in range(5):
        results = []
        for model, optimiser in zip(models, optimisers):
            loss = nn.binary_cross_entropy_with_logits([model(p) for p in points], labels)
            optimiser.zero_grad()
            loss.backward()
            results.append((loss.data, [p.grad for p in model.parameters()]))
            optimiser.step()
        assert results[0] == results[1]  # exactly: dot sums in the chain's order


def test_fused_neuron_is_one_dot_node_with_the_same_parameters_and_state() -> None:
    plain = nn.Neuron(3, "relu", rng=np.random.default_rng(0))
    fused = nn.Neuron(3, "relu", rng=np.random.default_rng(0), fused=True)
    assert fused.state_dict().keys() == plain.state_dict().keys()
    fused.load_state_dict(plain.state_dict())
    x = [0.5, -1.0, 2.0]
    out = fused(x)
    (z,) = out.parents
    assert out.op == "relu" and z.op == "dot"
    assert z.parents[0] is fused.b and [z.parents[i] for i in (1, 3, 5)] == list(fused.w)
    assert z.scope == ("Neuron",)
    assert out.data == plain(x).data
    nodes = {len(topological_order(m(x))) for m in (plain, fused)}
    # leaves (3 weights, 3 constant inputs, bias), then 3 * and 3 + or one dot, then relu
    assert nodes == {7 + 3 + 3 + 1, 7 + 1 + 1}
    assert "fused=True" in repr(fused) and "fused" not in repr(plain)
    with pytest.raises(ValueError, match=r"Neuron\(3 inputs\): got an input of length 2"):
        fused([1.0, 2.0])
