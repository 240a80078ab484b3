"""Every registered operation, checked from its entry in the operation table (op_table.py):
first and second derivatives against central differences on Tensor and Value, gradient
dtypes and shapes, broadcasting, PyTorch's values at the edges, and drawing."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import EXTRA_KINKS, TABLE, Entry

from autograd_core import REGISTRY, Tensor, Value
from autograd_core.testing import gradcheck, gradgradcheck

NAMES = sorted(name for name, op in REGISTRY.items() if op.builtin)
CASES = [
    pytest.param(name, params, id=name + "".join(f"-{k}={v}" for k, v in params.items()))
    for name in NAMES
    if name in TABLE
    for params in TABLE[name].params
]
FEW = settings(max_examples=8, deadline=None)


def same(a: float, b: float) -> bool:
    """Equal at limits (0, inf, nan: exact by IEEE rules); elsewhere within 1e-15 relative,
    as PyTorch's C++ and our NumPy may round a formula's last bit differently."""
    if math.isnan(b) or math.isinf(b) or b == 0:
        return (math.isnan(a) and math.isnan(b)) or a == b
    return abs(a - b) <= 1e-15 * abs(b)


def test_every_registered_operation_has_an_entry_and_every_entry_is_registered() -> None:
    assert sorted(TABLE) == NAMES


def _ok(entry: Entry, name: str, xs: list[float]) -> bool:
    """Whether a sample keeps away from the kinks (finite differences fail there)."""
    kinks = entry.kinks + EXTRA_KINKS.get(name, ())
    if any(abs(x - k) < 1e-3 for x in xs for k in kinks):
        return False
    if entry.away_from_integer_ratio:
        ratio = xs[0] / xs[1]
        return abs(ratio - round(ratio)) > 1e-3
    return True


def samples(name: str, shape: Any = None) -> st.SearchStrategy[list[Any]]:
    """Inputs in the operation's domain: arrays of one drawn shape, or floats (shape ())."""
    entry, arity = TABLE[name], REGISTRY[name].arity
    lows = [entry.low, entry.second_low if entry.second_low is not None else entry.low]
    highs = [entry.high, entry.second_high if entry.second_high is not None else entry.high]

    def elements(i: int) -> st.SearchStrategy[float]:
        return st.floats(lows[i], highs[i], allow_nan=False, allow_infinity=False)

    if shape == ():
        drawn: Any = st.tuples(*[elements(i) for i in range(arity)]).map(list)
        return drawn.filter(lambda xs: _ok(entry, name, xs))
    shapes = (
        hnp.array_shapes(min_dims=1, max_dims=2, max_side=3) if shape is None else st.just(shape)
    )

    def arrays(s: tuple[int, ...]) -> Any:
        return st.tuples(*[hnp.arrays(np.float64, s, elements=elements(i)) for i in range(arity)])

    return (
        shapes.flatmap(arrays)
        .map(list)
        .filter(lambda xs: all(_ok(entry, name, list(p)) for p in zip(*[a.flat for a in xs])))
    )


@pytest.mark.parametrize(("name", "params"), CASES)
@FEW
@given(data=st.data())
def test_first_and_second_derivatives_on_tensors(
    name: str, params: dict[str, Any], data: Any
) -> None:
    op, entry = REGISTRY[name], TABLE[name]
    xs = data.draw(samples(name))
    f = lambda *t: op(*t, **params)  # noqa: E731
    if not entry.differentiable:  # a step: recorded, with a zero gradient (PyTorch)
        ts = [Tensor(x, requires_grad=True) for x in xs]
        f(*ts).sum().backward()
        assert all(t.grad is not None and not np.any(t.grad) for t in ts)
        return
    assert gradcheck(f, *xs)
    assert gradgradcheck(f, *xs)


@pytest.mark.parametrize(("name", "params"), CASES)
@FEW
@given(data=st.data())
def test_first_and_second_derivatives_on_values(
    name: str, params: dict[str, Any], data: Any
) -> None:
    op, entry = REGISTRY[name], TABLE[name]
    xs = data.draw(samples(name, ()))
    f = lambda *v: op(*v, **params)  # noqa: E731
    if not entry.differentiable:
        vs = [Value(x) for x in xs]
        out = f(*vs)
        out.backward()
        assert all(v.grad == 0.0 for v in vs)
        return
    assert gradcheck(f, *xs)
    assert gradgradcheck(f, *xs)


@pytest.mark.parametrize(("name", "params"), CASES)
def test_value_local_gradients_are_the_tensor_rule_at_one_point(
    name: str, params: dict[str, Any]
) -> None:
    op, entry = REGISTRY[name], TABLE[name]
    point = [0.6 * entry.low + 0.4 * entry.high + 0.0123 * i for i in range(op.arity)]
    vs = [Value(x) for x in point]
    out = op(*vs, **params)
    ts = [Tensor([x], requires_grad=True) for x in point]
    t_out = op(*ts, **params)
    t_out.sum().backward()
    assert out.data == pytest.approx(float(t_out.data[0]), rel=1e-14, abs=1e-300)
    for local, t in zip(out.local_grads, ts):
        assert local == pytest.approx(float(t.grad[0]), rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradients_keep_the_inputs_dtype_and_shape(name: str, dtype: type) -> None:
    op, entry = REGISTRY[name], TABLE[name]
    mid = [
        0.55 * entry.low + 0.45 * entry.high,
        0.5 * (entry.second_low or entry.low) + 0.5 * entry.high,
    ]
    ts = [Tensor(np.full((2, 3), mid[i], dtype), requires_grad=True) for i in range(op.arity)]
    out = op(*ts)
    assert out.dtype == dtype and out.shape == (2, 3)
    if out.requires_grad:
        out.sum().backward()
    for t in ts:
        assert t.grad is None or (t.grad.dtype == dtype and t.grad.shape == (2, 3))


@pytest.mark.parametrize("name", [n for n in NAMES if REGISTRY[n].arity == 2])
def test_binary_operations_broadcast_and_sum_gradients_back(name: str) -> None:
    op, entry = REGISTRY[name], TABLE[name]
    rng = np.random.default_rng(0)
    a = rng.uniform(entry.low, entry.high, (3, 1)) + 0.01
    b = rng.uniform(entry.second_low or entry.low, entry.high, (4,)) + 0.02
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = op(ta, tb)
    assert out.shape == (3, 4)
    out.sum().backward()
    assert ta.grad.shape == (3, 1) and tb.grad.shape == (4,)
    assert gradcheck(op, a, b)
    full_a = Tensor(np.broadcast_to(a, (3, 4)).copy(), requires_grad=True)
    op(full_a, tb).sum().backward()
    np.testing.assert_allclose(ta.grad, full_a.grad.sum(axis=1, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_edges_have_pytorchs_values(name: str) -> None:
    op = REGISTRY[name]
    for inputs, expected, grads in TABLE[name].edges:
        ts = [Tensor(x, requires_grad=True) for x in inputs]
        with np.errstate(all="ignore"):  # the forward at a pole warns as NumPy does
            out = op(*ts)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the backward reaches the limits silently
            if out.requires_grad:
                out.backward()
        assert same(float(out.data), expected), (inputs, float(out.data), expected)
        for t, want in zip(ts, grads):
            got = 0.0 if t.grad is None else float(t.grad)
            assert same(got, want), (inputs, got, want)
        try:  # a Value follows Python floats: where they raise, its forward raises
            vs = [Value(x) for x in inputs]
            v_out = op(*vs)
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            assert f"Value {name}(" in str(exc)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            v_out.backward()
        assert same(v_out.data, expected)
        assert all(same(v.grad, want) for v, want in zip(vs, grads)), [v.grad for v in vs]


@pytest.mark.parametrize("name", NAMES)
def test_viz_draws_every_operation(name: str) -> None:
    pytest.importorskip("graphviz")
    import viz

    op, entry = REGISTRY[name], TABLE[name]
    point = [0.5 * entry.low + 0.5 * entry.high + 0.1 * i for i in range(op.arity)]
    v_out = op(*[Value(x, label=f"x{i}") for i, x in enumerate(point)])
    t_out = op(*[Tensor([x], requires_grad=True) for x in point])
    for out, shown in ((v_out, op.value_name), (t_out, name)):  # Value: micrograd's "+"
        source = viz.to_dot(out, edge_labels="local_grad").source
        assert shown in source


def test_methods_and_functions_are_the_same_operation() -> None:
    for name in NAMES:
        op = REGISTRY[name]
        x = 0.5 * TABLE[name].low + 0.5 * TABLE[name].high
        if op.arity == 1 and not op.params and hasattr(Value, name):  # not neg: it is -x
            assert getattr(Value(x), name)().data == op(Value(x)).data
            assert getattr(Tensor([x]), name)().data[0] == op(Tensor([x])).data[0]
    with pytest.raises(ValueError, match=r"Value arccosh\(0.5\): 0.5 is outside its domain"):
        Value(0.5).arccosh()


@pytest.mark.parametrize("constant", [None, 0, 1])
@pytest.mark.parametrize("name", ["add", "mul"])
@given(a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6), upstream=st.floats(-10, 10))
@FEW
def test_the_hand_written_value_pushes_of_add_and_mul_equal_their_rules(
    name: str, constant: int | None, a: float, b: float, upstream: float
) -> None:
    from autograd_core import value as engine_value
    from autograd_core.registry import REGISTRY as ops

    xs = [Value(a), Value(b)]
    if constant is not None:
        xs[constant] = Value(xs[constant].data, requires_grad=False)
    y = ops[name](*xs)
    y.grad = upstream
    assert y._rule.backprop is getattr(engine_value, f"_push_{name}")
    y._rule.backprop(y, False, False)  # the speed-only path
    fast = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    ops[name]._value_push({})(y, False, False)  # the registry's per-operand rules
    assert [x.grad for x in xs] == fast


@pytest.mark.parametrize("x", [-1.5, 0.0, -0.0, 2.0, math.nan])
def test_relus_hand_written_value_push_equals_its_rule(x: float) -> None:
    from autograd_core.value import _push_by_rules

    a = Value(x)
    y = a.relu()
    y.grad = 3.0
    y._rule.backprop(y, False, False)  # the speed-only path
    fast, a.grad = a.grad, 0.0
    _push_by_rules(y, False, False)  # the registry's rule
    assert same(fast, a.grad)


def test_the_readme_lists_every_elementwise_operation() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"<!-- elementwise -->(.*?)<!-- /elementwise -->", readme, re.S)
    assert listed, "README.md: the elementwise list is missing its markers"
    assert sorted(re.findall(r"`(\w+)`", listed.group(1))) == NAMES


@pytest.mark.parametrize(("name", "params"), CASES)
def test_the_direct_paths_equal_the_general_rule(name: str, params: dict[str, Any]) -> None:
    # One-input rules are called directly on hot paths; they must give the general path's
    # numbers exactly.
    op, entry = REGISTRY[name], TABLE[name]
    point = [0.3 * entry.low + 0.7 * entry.high - 0.01 * i for i in range(op.arity)]
    merged = {**op.params, **params}  # the defaults, as a call fills them in
    v = op(*[Value(x) for x in point], **params)
    assert v.local_grads == op._value_local(v, merged)
    xs = [np.array([x, x / 2]) for x in point]
    t = op(*[Tensor(x, requires_grad=True) for x in xs], **params)
    g = np.array([1.5, -0.5])
    general = op.shares(g, t.data, tuple(xs), merged)
    for vjp, share in zip(t._rule.vjps, general):
        if t._rule.direct:  # the registry's own rules, called by the engine as they are
            np.testing.assert_array_equal(vjp(g, t.data, *xs), share)
        else:
            np.testing.assert_array_equal(vjp(g, t.data, tuple(xs), t._ctx), share)
