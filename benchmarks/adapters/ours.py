"""Our engine: ``Value`` for the scalar workloads, plain ``Tensor`` ops for the array ones.

The Tensor workloads use no ``nn``: parameters are Tensors with ``requires_grad=True``,
updated in place through ``.data`` and zeroed by setting ``.grad = None``, so the figures
measure the engine alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core.engine import topological_order
from autograd_core.value import Value
from nn import MLP

from ..data import MLPProblem, ScalarMLPInit
from ..scalar_mlp import ScalarMLP, demo_step

__all__ = [
    "NAME",
    "TENSOR_ERROR",
    "scalar_mlp_trainer",
    "fused_mlp_trainer",
    "count_nodes",
    "chain_graph",
    "chain",
    "add_step",
    "sum_add_step",
    "xor_trainer",
    "xor_user_trainer",
    "mlp_trainer",
]

NAME = "ours"

try:
    from autograd_core import Tensor
except ImportError as exc:  # the Tensor lands after Value; report instead of failing
    Tensor = None  # type: ignore[assignment,misc]
    TENSOR_ERROR: str | None = f"Tensor not available ({exc})"
else:
    TENSOR_ERROR = None

Step = Callable[[], Any]


def scalar_mlp_trainer(
    init: ScalarMLPInit, points: list[list[float]], labels: list[float]
) -> tuple[Step, ScalarMLP]:
    """micrograd's demo step on our ``Value`` (S1)."""
    model = ScalarMLP(Value, init)
    return demo_step(Value, model, model.parameters(), points, labels), model


def fused_mlp_trainer(
    init: ScalarMLPInit, points: list[list[float]], labels: list[float]
) -> tuple[Step, MLP]:
    """The same step on ``nn.MLP(..., fused=True)``: one ``dot`` node per neuron (S1)."""
    sizes = [len(init[0][0][0])] + [len(biases) for _, biases in init]
    # Any generator will do (the weights are overwritten): it keeps NumPy's global stream as is.
    model = MLP(sizes[0], sizes[1:], "relu", None, rng=np.random.default_rng(0), fused=True)
    for layer, (weights, biases) in zip(model.layers, init):
        for neuron, row, bias in zip(layer.neurons, weights, biases):
            for w, number in zip(neuron.w, row):
                w.data = number
            neuron.b.data = bias
    params = list(model.parameters())
    return demo_step(Value, model, params, points, labels), model


def count_nodes(root: Value) -> int:
    """Nodes in the graph of ``root``, constants included (micrograd counts them too)."""
    return len(topological_order(root))


def chain_graph(n: int) -> tuple[Value, Value]:
    """(x, y) with y = n steps of x -> x*1.0001 + 0.0001 from x = 1, not differentiated."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.0001
    return x, y


def chain(n: int) -> tuple[Value, Value]:
    """S2: build the chain and backpropagate; returns (x, y), so the graph is freed later."""
    x, y = chain_graph(n)
    y.backward()
    return x, y


def _need_tensor() -> None:
    if TENSOR_ERROR is not None:
        raise RuntimeError(TENSOR_ERROR)


def _leaves() -> tuple[Tensor, Tensor]:
    """P0's two 1-element leaves, a = [1] and b = [2]."""
    _need_tensor()
    return Tensor(np.ones(1), requires_grad=True), Tensor(np.full(1, 2.0), requires_grad=True)


# How a step's forward and backward are run: as they are (this adapter), or recorded and
# replayed (ours_traced's ``traced``). Zeroing and updates stay outside.
Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]


def _as_is(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn


def add_step(wrap: Wrap = _as_is) -> Step:
    """P0: one add of 1-element Tensors, forward and backward, grads zeroed each call."""
    a, b = _leaves()

    @wrap
    def forward_backward() -> Any:
        out = a + b
        out.backward()
        return out

    def step() -> Any:
        a.grad = None
        b.grad = None
        return forward_backward()

    return step


def sum_add_step(wrap: Wrap = _as_is) -> Step:
    """P0 as users write it: two leaves, ``(a + b).sum().backward()``; returns
    (total, a.grad, b.grad)."""
    a, b = _leaves()

    @wrap
    def forward_backward() -> Any:
        total = (a + b).sum()
        total.backward()
        return total

    def step() -> Any:
        a.grad = None
        b.grad = None
        return forward_backward(), a.grad, b.grad

    return step


Layer = Callable[[Any, Any, Any], Any]


def _sgd(ps: list[Tensor], lr: float, forward_backward: Callable[[], Any]) -> Step:
    """A training step: zero the gradients, ``forward_backward()``, update in place."""

    def step() -> Any:
        for p in ps:
            p.grad = None
        loss = forward_backward()
        for p in ps:
            p.data -= lr * p.grad
        return loss

    return step


def _xor_sgd(
    params: list[np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    lr: float,
    layer: Layer,
    wrap: Wrap = _as_is,
) -> Step:
    """T1's training step with ``layer(a, W, b)`` as each layer; the layouts differ only there."""
    _need_tensor()
    ps = [Tensor(p.copy(), requires_grad=True) for p in params]
    w1, b1, w2, b2 = ps
    # Wrap the data once: a bare array would be wrapped as a constant on every use.
    xt, yt = Tensor(x), Tensor(y)
    half_inv_m = 1.0 / (2 * y.size)  # y holds one number per example in either layout

    @wrap
    def forward_backward() -> Any:
        a2 = layer(layer(xt, w1, b1), w2, b2)
        cost = ((yt - a2) ** 2).sum() * half_inv_m
        cost.backward()
        return cost

    return _sgd(ps, lr, forward_backward)


def _blog_layer(a: Any, w: Any, b: Any) -> Any:
    """The blog's layout, examples in columns: ``(W @ X + b).sigmoid()``."""
    return (w @ a + b).sigmoid()


def _user_layer(a: Any, w: Any, b: Any) -> Any:
    """As users write it, examples in rows: ``(x @ W.T + b).sigmoid()``."""
    return (a @ w.T + b).sigmoid()


def xor_trainer(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float, wrap: Wrap = _as_is
) -> Step:
    """T1: the blog's XOR network on plain Tensor ops, in the blog's layout (W @ X + b)."""
    return _xor_sgd(params, x, y, lr, _blog_layer, wrap)


def xor_user_trainer(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float, wrap: Wrap = _as_is
) -> Step:
    """T1 as users write it: examples in rows, ``(x @ W.T + b).sigmoid()`` per layer."""
    return _xor_sgd(params, x, y, lr, _user_layer, wrap)


def mlp_trainer(problem: MLPProblem, wrap: Wrap = _as_is) -> Step:
    """T2: the ReLU MLP with log-softmax cross-entropy (one-hot product), SGD."""
    _need_tensor()
    ps = [Tensor(p.copy(), requires_grad=True) for p in problem.params]
    w1, b1, w2, b2, w3, b3 = ps
    xt, onehot = Tensor(problem.x), Tensor(problem.onehot)
    scale = -1.0 / problem.x.shape[0]

    @wrap
    def forward_backward() -> Any:
        a1 = (xt @ w1 + b1).relu()
        a2 = (a1 @ w2 + b2).relu()
        logp = (a2 @ w3 + b3).log_softmax(axis=-1)
        loss = (logp * onehot).sum() * scale
        loss.backward()
        return loss

    return _sgd(ps, problem.lr, forward_backward)
