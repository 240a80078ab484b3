"""Layers and initialisers: shapes, errors, and gradients against finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd_core import Tensor, Value
from autograd_core.testing import gradcheck

floats = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
# ReLU's kink at 0 defeats finite differences: keep inputs away from it.
off_kink = floats.filter(lambda x: abs(x) > 1e-3)


@st.composite
def linear_case(draw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 4))
    fan_in, fan_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    x = draw(hnp.arrays(np.float64, (n, fan_in), elements=floats))
    w = draw(hnp.arrays(np.float64, (fan_out, fan_in), elements=floats))
    b = draw(hnp.arrays(np.float64, (fan_out,), elements=floats))
    return x, w, b


def with_parameters(layer: nn.Linear, w: Tensor, b: Tensor | None) -> nn.Linear:
    """The layer computing with ``w`` and ``b`` in place of its parameters (for gradcheck,
    which differentiates with respect to Tensors of its own)."""
    object.__setattr__(layer, "weight", w)
    object.__setattr__(layer, "bias", b)
    return layer


@given(linear_case())
def test_linear_gradients_pass_gradcheck(case: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, w, b = case
    layer = nn.Linear(w.shape[1], w.shape[0])
    assert gradcheck(lambda x, w, b: with_parameters(layer, w, b)(x), x, w, b)
    no_bias = nn.Linear(w.shape[1], w.shape[0], bias=False)
    assert gradcheck(lambda x, w: with_parameters(no_bias, w, None)(x), x, w)


@given(linear_case())
def test_linear_fills_its_parameter_gradients(case: tuple[np.ndarray, ...]) -> None:
    x, w, b = case
    layer = nn.Linear(w.shape[1], w.shape[0])
    layer.load_state_dict({"weight": w, "bias": b})
    upstream = np.arange(1.0, 1.0 + x.shape[0] * w.shape[0]).reshape(x.shape[0], w.shape[0])
    (layer(Tensor(x)) * upstream).sum().backward()
    assert layer.bias is not None
    np.testing.assert_allclose(layer.weight.grad, upstream.T @ x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.bias.grad, upstream.sum(axis=0), rtol=1e-12, atol=1e-12)


def test_linear_forward_is_batch_first_x_at_w_transposed_plus_b() -> None:
    layer = nn.Linear(2, 3, rng=np.random.default_rng(0))
    assert layer.bias is not None
    layer.bias.data[:] = [1.0, 2.0, 3.0]
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    y = layer(Tensor(x))
    assert y.shape == (4, 3)
    # Exact: the layer evaluates this very expression, the same BLAS call in this process.
    np.testing.assert_array_equal(y.data, x @ layer.weight.data.T + layer.bias.data)
    assert layer(x[0]).shape == (3,)  # one example, and a plain array is accepted


def test_linear_rejects_the_features_by_examples_layout() -> None:
    layer = nn.Linear(2, 3)
    with pytest.raises(ValueError, match=r"shape \(2, 4\).*batch-first"):
        layer(Tensor(np.ones((2, 4))))


activations = [
    (nn.Sigmoid, lambda a: 1 / (1 + np.exp(-a)), floats),
    (nn.Tanh, np.tanh, floats),
    (nn.ReLU, lambda a: np.maximum(a, 0), off_kink),
    (nn.Identity, lambda a: a, floats),
]


@pytest.mark.parametrize(("layer", "reference", "elements"), activations)
def test_activation_layers_on_tensors(layer: Any, reference: Any, elements: Any) -> None:
    @given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4), elements=elements))
    def check(x: np.ndarray) -> None:
        module = layer()
        np.testing.assert_allclose(module(Tensor(x)).data, reference(x), rtol=1e-12, atol=1e-15)
        assert gradcheck(module, x)

    check()


@pytest.mark.parametrize(("layer", "reference", "elements"), activations)
def test_activation_layers_on_values_and_lists(layer: Any, reference: Any, elements: Any) -> None:
    @given(st.lists(elements, min_size=1, max_size=4))
    def check(xs: list[float]) -> None:
        module = layer()
        out = module([Value(x) for x in xs])
        np.testing.assert_allclose([v.data for v in out], reference(np.array(xs)), rtol=1e-12)
        assert gradcheck(lambda v: module(v), xs[0])

    check()


@given(
    st.lists(off_kink, min_size=2, max_size=2),
    st.lists(off_kink, min_size=2, max_size=2),
    off_kink,
    st.sampled_from(["sigmoid", "tanh", "relu", None]),
)
def test_scalar_neuron_gradients_pass_gradcheck(
    x: list[float], w: list[float], b: float, activation: str | None
) -> None:
    neuron = nn.Neuron(2, activation=activation)
    if activation == "relu" and abs(w[0] * x[0] + w[1] * x[1] + b) < 1e-3:
        return  # on the kink

    def f(x0: Value, x1: Value, w0: Value, w1: Value, b: Value) -> Value:
        object.__setattr__(neuron, "b", b)
        object.__setattr__(neuron, "w", [w0, w1])
        return neuron([x0, x1])

    assert gradcheck(f, *x, *w, b)


def test_initialisers_follow_the_blogs_formulas() -> None:
    for name, scale in [("plain", 0.01), ("xavier", 1 / np.sqrt(5)), ("he", np.sqrt(2 / 5))]:
        np.random.seed(7)
        expected = np.random.randn(3, 5)
        np.random.seed(7)
        got = nn.init.weights(name, 3, 5)
        np.testing.assert_allclose(got, expected * scale, rtol=1e-15)
    np.random.seed(7)
    assert np.array_equal(nn.init.xavier(3, 5), np.random.RandomState(7).randn(3, 5) / np.sqrt(5))
    assert np.array_equal(nn.init.zeros(3), np.zeros(3))


def test_initialisers_accept_a_generator_and_leave_the_global_stream_alone() -> None:
    np.random.seed(3)
    expected_next = np.random.randn()
    np.random.seed(3)
    a = nn.Linear(4, 2, init="he", rng=np.random.default_rng(11))
    b = nn.Linear(4, 2, init="he", rng=np.random.default_rng(11))
    assert np.array_equal(a.weight.data, b.weight.data)
    assert np.array_equal(
        a.weight.data, np.random.default_rng(11).standard_normal((2, 4)) * 0.5 * np.sqrt(2)
    )
    assert np.random.randn() == expected_next


def test_biases_draw_nothing_and_scalar_layers_draw_what_linear_draws() -> None:
    np.random.seed(48)
    linear = nn.Linear(2, 3, init="xavier")
    np.random.seed(48)
    layer = nn.Layer(2, 3, "sigmoid", init="xavier")
    drawn = [[n.w[0].data, n.w[1].data] for n in layer.neurons]
    assert np.array_equal(np.array(drawn), linear.weight.data)
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_unknown_init_and_activation_names_list_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="'plain', 'xavier', 'he'"):
        nn.Linear(2, 3, init="glorot")
    with pytest.raises(ValueError, match="'sigmoid'"):
        nn.Neuron(2, activation="softsign")
    with pytest.raises(ValueError, match="positive integer"):
        nn.Linear(0, 3)
    with pytest.raises(TypeError, match="Generator"):
        nn.Linear(2, 3, rng=42)  # type: ignore[arg-type]


@given(hnp.arrays(np.float64, (3, 2), elements=floats))
def test_sequential_network_passes_gradcheck(x: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    model = nn.Sequential(
        nn.Linear(2, 4, init="he", rng=rng), nn.Tanh(), nn.Linear(4, 2, rng=rng), nn.Sigmoid()
    )
    assert gradcheck(model, x)
    target = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    first = model[0]
    assert isinstance(first, nn.Linear)

    def loss_of_first_weight(w: Tensor) -> Tensor | Value:
        object.__setattr__(first, "weight", w)
        return nn.squared_error(model(Tensor(x)), target)

    assert gradcheck(loss_of_first_weight, first.weight.data.copy())
