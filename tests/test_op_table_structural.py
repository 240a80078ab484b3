"""Checks every entry of ``op_table_structural`` (see its docstring), and that the tables
together cover every public operation."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
from autograd_core import Tensor, Value
from autograd_core.registry import REGISTRY
from autograd_core.testing import gradcheck, gradgradcheck
from tests.op_table_structural import (
    FUNCTIONS,
    METHODS,
    NOT_DIFFERENTIABLE,
    NOT_OPERATIONS,
    Case,
)

FEW = settings(max_examples=3, deadline=None)
CASES = {**{f"Tensor.{k}": v for k, v in METHODS.items()}, **FUNCTIONS}
TENSOR_CASES = sorted(name for name, c in CASES.items() if c.call is not None)
VALUE_CASES = sorted(name for name, c in CASES.items() if c.value is not None)


def _joined(out: Any) -> Any:
    """One output node: the pieces of split/chunk flattened and joined."""
    if isinstance(out, (tuple, list)):
        return ag.concatenate([piece.reshape(-1) for piece in out])
    return out


def _call(c: Case) -> Any:
    assert c.call is not None
    return lambda *ts: _joined(c.call(*ts))


def _inputs(c: Case, data: Any) -> list[Any]:
    def arrays(shape: tuple[int, ...]) -> Any:
        elements = st.floats(c.low, c.high, allow_nan=False, allow_infinity=False)
        return hnp.arrays(np.float64, shape, elements=elements, unique=c.distinct)

    xs = [data.draw(arrays(shape)) for shape in c.shapes]
    if c.distinct:  # ties, which a finite difference steps across, kept apart
        flat = np.concatenate([x.ravel() for x in xs])
        gaps = np.diff(np.sort(flat))
        if gaps.size and gaps.min() < 1e-3:
            # Evenly spaced values in the drawn elements' order (ties broken by position).
            spread = np.empty(flat.size)
            spread[np.argsort(flat, kind="stable")] = np.linspace(c.low, c.high, flat.size)
            cuts = np.cumsum([x.size for x in xs])[:-1]
            xs = [p.reshape(x.shape) for p, x in zip(np.split(spread, cuts), xs)]
    return xs


def _public_functions() -> set[str]:
    return {
        name
        for name in ag.__all__
        if not inspect.ismodule(getattr(ag, name)) and name not in REGISTRY
    }


def _public_methods(cls: type) -> set[str]:
    public = {name for name in dir(cls) if not name.startswith("_")}
    dunders = {n for n in dir(cls) if n.startswith("__") and n not in dir(object)}
    return (public | dunders) - set(REGISTRY)


def _known(name: str) -> bool:
    return name in METHODS or name in NOT_DIFFERENTIABLE or name in NOT_OPERATIONS


def test_every_public_operation_is_in_a_table() -> None:
    missing = sorted(n for n in _public_methods(Tensor) | _public_methods(Value) if not _known(n))
    assert not missing, f"Tensor/Value members in no table: {missing}"
    for name in sorted(_public_functions()):
        fn = getattr(ag, name)
        method = getattr(Tensor, name, None)
        covered = name in FUNCTIONS or name in NOT_OPERATIONS or name in NOT_DIFFERENTIABLE
        assert covered or (method is fn and name in METHODS), f"autograd_core.{name}: no entry"


def test_every_entry_names_a_public_member() -> None:
    for name in METHODS:
        assert hasattr(Tensor, name), name
    for name in FUNCTIONS:
        assert hasattr(ag, name), name
    known = _public_methods(Tensor) | _public_methods(Value) | _public_functions()
    assert not set(NOT_OPERATIONS) - known


@pytest.mark.parametrize("name", TENSOR_CASES)
@FEW
@given(data=st.data())
def test_first_and_second_derivatives_on_tensors(name: str, data: Any) -> None:
    c = CASES[name]
    xs = _inputs(c, data)
    assert gradcheck(_call(c), *xs)
    assert gradgradcheck(_call(c), *xs)


@pytest.mark.parametrize("name", VALUE_CASES)
@FEW
@given(data=st.data())
def test_first_and_second_derivatives_on_values(name: str, data: Any) -> None:
    c = CASES[name]
    assert c.value is not None
    arity = len(inspect.signature(c.value).parameters)
    xs = data.draw(st.lists(st.floats(c.low, c.high), min_size=arity, max_size=arity))
    assert gradcheck(c.value, *xs)
    assert gradgradcheck(c.value, *xs)


def _sample(c: Case, dtype: type) -> list[Tensor]:
    rng = np.random.default_rng(7)
    ts = []
    for shape in c.shapes:
        x = rng.uniform(c.low, c.high, shape) + 0.01 * np.arange(int(np.prod(shape))).reshape(shape)
        ts.append(Tensor(x.astype(dtype), requires_grad=True))
    return ts


@pytest.mark.parametrize("name", TENSOR_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradients_keep_the_inputs_dtype_and_shape(name: str, dtype: type) -> None:
    c = CASES[name]
    ts = _sample(c, dtype)
    out = _call(c)(*ts)
    assert out.dtype == dtype
    out.sum().backward()
    for t in ts:
        assert t.grad is not None and t.grad.shape == t.shape and t.grad.dtype == dtype


@pytest.mark.parametrize("name", TENSOR_CASES)
def test_viz_draws_every_operation(name: str) -> None:
    viz = pytest.importorskip("viz")
    pytest.importorskip("graphviz")
    c = CASES[name]
    out = _call(c)(*_sample(c, np.float64)).sum()
    out.backward()
    source = viz.to_dot(out).source
    assert source.count("->") >= len(c.shapes)


@pytest.mark.parametrize("name", sorted(NOT_DIFFERENTIABLE))
def test_integer_and_boolean_results_are_constants(name: str) -> None:
    t = Tensor(np.array([[0.2, 0.9, 0.4], [0.7, 0.1, 0.6]]), requires_grad=True)
    out = NOT_DIFFERENTIABLE[name](t)
    assert isinstance(out, Tensor) and not out.requires_grad
    assert out.dtype.kind in "biu"


@pytest.mark.parametrize("cast", ["astype", "float", "double", "half", "to", "type"])
def test_casts_send_the_gradient_back_in_the_inputs_dtype(cast: str) -> None:
    t = Tensor(np.array([1.5, -2.0]), requires_grad=True)
    target = {"astype": np.float32, "to": np.float32, "type": np.float32}.get(cast)
    out = getattr(t, cast)(target) if target is not None else getattr(t, cast)()
    (out * 3.0).sum().backward()
    assert t.grad is not None and t.grad.dtype == np.float64
    np.testing.assert_array_equal(t.grad, [3.0, 3.0])
