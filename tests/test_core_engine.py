"""The engine's contract: sum over paths, accumulation across backward calls, deep graphs,
grad mode (no_grad / enable_grad, per thread), scopes, detach, constants and seeding."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given

from autograd_core import (
    Tensor,
    Value,
    call_in_scope,
    current_scope,
    enable_grad,
    engine,
    is_grad_enabled,
    no_grad,
    scope,
    topological_order,
)
from autograd_core.testing import finite_floats, tensors


# ---------------------------------------------------------------------------- sum over paths
@given(a=finite_floats())
def test_a_times_a_plus_a_gives_two_a_plus_one(a: float) -> None:
    v = Value(a)
    (v * v + v).backward()
    assert v.grad == pytest.approx(2 * a + 1, rel=1e-15, abs=1e-15)  # only summation order


@given(t=tensors())
def test_a_times_a_plus_a_tensor(t: Tensor) -> None:
    (t * t + t).sum().backward()
    np.testing.assert_allclose(t.grad, 2 * t.data + 1, rtol=1e-15, atol=1e-15)


def test_node_reused_in_three_branches_receives_three_contributions() -> None:
    a = Value(1.5)
    b = a * 2.0  # interior node used by three branches
    y = b * 3.0 + b.tanh() + b * b
    y.backward()
    expected_b = 3.0 + (1 - np.tanh(3.0) ** 2) + 2 * 3.0
    assert b.grad == pytest.approx(expected_b, rel=1e-15)
    assert a.grad == pytest.approx(2.0 * expected_b, rel=1e-15)
    # a leaf reused in three branches: contributions 2 + 3 + 4
    x = Value(7.0)
    (x * 2 + x * 3 + x * 4).backward()
    assert x.grad == 9.0


def test_tensor_reused_in_three_branches() -> None:
    a = Tensor([1.0, -2.0], requires_grad=True)
    b = a * 2.0
    y = (b * 3.0).sum() + b.sum() * 4.0 + (b * b).sum()
    y.backward()
    np.testing.assert_array_equal(b.grad, 3.0 + 4.0 + 2 * b.data)
    np.testing.assert_array_equal(a.grad, 2.0 * (3.0 + 4.0 + 2 * b.data))


def test_diamond_graph() -> None:
    x = Value(0.5)
    left = x.exp()
    right = x.sin()
    top = left * right
    top.backward()
    assert x.grad == pytest.approx(np.exp(0.5) * np.sin(0.5) + np.exp(0.5) * np.cos(0.5))


# ---------------------------------------------------------------------------- accumulation
def test_repeated_backward_accumulates_leaves_and_resets_interior_nodes() -> None:
    x = Value(2.0)
    xx = x * x
    y = xx * 3
    y.backward()
    assert x.grad == 12.0
    assert xx.grad == 3.0 and y.grad == 1.0  # every node keeps its grad after the pass
    y.backward()
    assert x.grad == 24.0  # micrograd gives 36 here
    assert xx.grad == 3.0 and y.grad == 1.0  # interior nodes were reset, not doubled
    x.zero_grad()
    assert x.grad == 0.0
    y.backward()
    assert x.grad == 12.0


def test_repeated_backward_tensor() -> None:
    x = Tensor([2.0, -1.0], requires_grad=True)
    xx = x * x
    y = (xx * 3).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [12.0, -6.0])
    np.testing.assert_array_equal(xx.grad, [3.0, 3.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [24.0, -12.0])
    np.testing.assert_array_equal(xx.grad, [3.0, 3.0])
    assert y.grad == 1.0
    x.zero_grad()
    assert x.grad is None


def test_backward_through_two_graphs_sharing_a_leaf_accumulates() -> None:
    w = Value(3.0)
    (w * 2).backward()
    (w * w).backward()
    assert w.grad == 2.0 + 6.0


def test_leaf_grad_is_not_aliased_to_other_arrays() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    y = x + 0.0
    y.backward(np.array([1.0, 2.0, 3.0]))
    grad_before = x.grad.copy()
    x.grad *= 10  # a user (or optimizer) modifying the leaf's gradient in place
    np.testing.assert_array_equal(y.grad, grad_before)  # must not change another node's grad
    z = Tensor(np.ones(2), requires_grad=True)
    seed = np.array([5.0, 6.0])
    z.backward(seed)  # the root is a leaf
    z.grad += 1
    np.testing.assert_array_equal(seed, [5.0, 6.0])


def test_backward_on_a_leaf() -> None:
    v = Value(4.0)
    v.backward()
    v.backward()
    assert v.grad == 2.0
    t = Tensor(3.0, requires_grad=True)
    t.backward()
    assert float(t.grad) == 1.0


# ---------------------------------------------------------------------------- deep graphs
def test_million_node_value_chain_backward() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + x
    y.backward()
    assert x.grad == 1_000_001.0
    assert y.data == 1_000_001.0


def test_deep_tensor_chain_backward() -> None:
    x = Tensor(np.ones(2), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + x
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [100_001.0, 100_001.0])


def test_deep_unary_chain_of_values() -> None:
    x = Value(0.3)
    y = x
    for _ in range(50_000):
        y = -y.tanh()
    y.backward()
    # d/dx of the composition, computed independently by the chain rule in floats
    value, grad = 0.3, 1.0
    for _ in range(50_000):
        value = np.tanh(value)
        grad *= -(1 - value**2)
        value = -value
    assert y.data == pytest.approx(value, rel=1e-12, abs=1e-300)
    assert x.grad == pytest.approx(grad, rel=1e-9, abs=1e-300)


def test_topological_order_puts_parents_first() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert len(order) == len({id(n) for n in order}) == 5
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is e


# ---------------------------------------------------------------------------- grad mode
def test_no_grad_context_manager_records_nothing() -> None:
    x = Value(2.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = x * x + 1
        u = (t * t).sum()
    assert is_grad_enabled()
    assert y.data == 5.0 and y.parents == () and y.is_constant
    assert u.requires_grad is False and u.parents == ()
    with pytest.raises(RuntimeError):
        y.backward()
    with pytest.raises(RuntimeError):
        u.backward()
    # outside no_grad, recording is back
    z = x * x
    assert z.parents == (x, x)
    z.backward()
    assert x.grad == 4.0


def test_no_grad_as_decorator() -> None:
    @no_grad()
    def step(v: Value, t: Tensor) -> tuple[Value, Tensor]:
        assert not is_grad_enabled()
        return v * 3, t * 3

    x = Value(1.0)
    t = Tensor([1.0], requires_grad=True)
    y, u = step(x, t)
    assert is_grad_enabled()
    assert y.is_constant and y.parents == () and y.data == 3.0
    assert u.requires_grad is False
    assert step.__name__ == "step"


def test_no_grad_restores_mode_after_an_exception() -> None:
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("boom")
    assert is_grad_enabled()

    @no_grad()
    def fails() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    assert is_grad_enabled()


def test_enable_grad_inside_no_grad() -> None:
    x = Value(2.0)
    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            y = x * x
        assert not is_grad_enabled()
        z = x * x
    assert y.parents == (x, x) and not y.is_constant
    assert z.is_constant
    y.backward()
    assert x.grad == 4.0

    @enable_grad()
    def records(v: Value) -> Value:
        return v * 5

    with no_grad():
        w = records(x)
    assert w.parents[0] is x


def test_nested_no_grad_and_reuse_of_one_instance() -> None:
    ng = no_grad()
    with ng:
        with ng:
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def _in_threads(*targets: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None] * len(targets)
    errors: list[BaseException] = []

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(targets)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    if errors:
        raise errors[0]
    return results


def test_no_grad_is_per_thread() -> None:
    barrier = threading.Barrier(2, timeout=10)
    x = Value(3.0)
    t = Tensor([1.0], requires_grad=True)

    def quiet() -> tuple[bool, bool, bool]:
        with no_grad():
            barrier.wait()  # 1: we are inside no_grad
            barrier.wait()  # 2: the other thread has computed
            return is_grad_enabled(), (x * x).is_constant, (t * t).requires_grad

    def recording() -> tuple[bool, bool, bool]:
        barrier.wait()  # 1
        result = is_grad_enabled(), (x * x).is_constant, (t * t).requires_grad
        barrier.wait()  # 2
        return result

    quiet_result, recording_result = _in_threads(quiet, recording)
    assert quiet_result == (False, True, False)
    assert recording_result == (True, False, True)


def test_no_grad_in_main_thread_does_not_reach_a_new_thread() -> None:
    x = Value(2.0)
    with no_grad():
        (inside,) = _in_threads(lambda: (is_grad_enabled(), (x * x).parents == (x, x)))
        assert not is_grad_enabled()
    assert inside == (True, True)


# ---------------------------------------------------------------------------- scopes
def test_scope_records_paths_and_nests() -> None:
    x = Value(1.0)
    t = Tensor([1.0], requires_grad=True)
    assert current_scope() == () and x.scope == ()
    with scope("layer1") as path:
        assert path == ("layer1",) and current_scope() == ("layer1",)
        a = x * 2
        ta = t * 2
        with scope("act"):
            b = a.tanh()
            tb = ta.tanh()
            leaf = Value(0.0)
            assert current_scope() == ("layer1", "act")
        c = b + 1
    d = c * c
    assert a.scope == ("layer1",) and ta.scope == ("layer1",)
    assert b.scope == ("layer1", "act") and tb.scope == ("layer1", "act")
    assert leaf.scope == ("layer1", "act")
    assert c.scope == ("layer1",)
    assert d.scope == () and current_scope() == ()


def test_scope_rejects_bad_names_and_restores_after_exception() -> None:
    with pytest.raises(ValueError):
        with scope(""):
            pass
    with pytest.raises(KeyError):
        with scope("outer"):
            raise KeyError("x")
    assert current_scope() == ()


def test_call_in_scope_records_the_path_and_restores_the_state() -> None:
    def body(x: Value, *, times: float) -> Value:
        assert current_scope() == ("outer", "layer")
        return x * times

    with no_grad(), scope("outer"):
        out = call_in_scope("layer", body, Value(2.0), times=3.0)
        assert current_scope() == ("outer",) and not is_grad_enabled()
    assert out.scope == ("outer", "layer") and out.is_constant  # grad mode is kept too
    with pytest.raises(KeyError):
        call_in_scope("layer", lambda: {}["missing"])
    assert current_scope() == () and is_grad_enabled()

    with pytest.raises(ValueError, match="non-empty string"):
        call_in_scope("", lambda: None)


def test_call_in_scope_unwinds_like_the_with_block_when_the_body_leaves_one_open() -> None:
    # A paused generator holding a with-block: leaving the call and closing the generator
    # later must unwind one level each, as with ``with scope()``, and end balanced.
    def paused() -> Any:
        with no_grad():
            yield

    def body() -> Any:
        generator = paused()
        next(generator)
        return generator

    for call in (
        lambda: call_in_scope("m", body),
        lambda: _with_scope("m", body),
    ):
        with scope("outer"):
            generator = call()
            assert current_scope() == ("outer", "m")  # the generator's block is still open
            generator.close()
            assert current_scope() == ("outer",) and is_grad_enabled()
        assert current_scope() == ()


def _with_scope(name: str, func: Callable[[], Any]) -> Any:
    with scope(name):
        return func()


def test_node_subclasses_that_define_eq_still_backpropagate() -> None:
    class ByValue(Value):
        __slots__ = ()

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Value) and self.data == other.data

    c, d = ByValue(2.0), ByValue(2.0)  # equal, but two different nodes
    out = (c * c) * (d * 2.0)
    assert len(topological_order(out)) == 6
    out.backward()
    assert (c.grad, d.grad) == (2 * 2.0 * 2.0 * 2.0, 2.0 * 2.0 * 2.0)


def test_node_subclasses_may_not_hash_by_value() -> None:
    with pytest.raises(TypeError, match="graph nodes must hash by identity"):

        class Hashed(Tensor):
            def __hash__(self) -> int:
                return 0


def test_sets_of_nodes_never_compare_tensors_with_eq(monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine keys its sets by node; Tensor's == is elementwise and must never be called.
    def refuse(self: Tensor, other: object) -> Tensor:
        raise AssertionError("the engine compared Tensors with ==")

    monkeypatch.setattr(Tensor, "__eq__", refuse)
    tensors_ = [Tensor(np.full(3, float(i)), requires_grad=True) for i in range(50)]
    total = tensors_[0]
    for t in tensors_[1:]:
        total = total * 0.5 + t
    loss = total.sum()
    assert len(topological_order(loss)) > 50
    grads = engine.gradients(loss, tensors_[:10])
    loss.backward()
    assert all(np.array_equal(g, t.grad) for g, t in zip(grads, tensors_[:10]))


def test_scope_is_per_thread() -> None:
    barrier = threading.Barrier(2, timeout=10)

    def scoped() -> tuple[tuple[str, ...], tuple[str, ...]]:
        with scope("A"):
            barrier.wait()
            barrier.wait()
            return current_scope(), (Value(1.0) * 2).scope

    def plain() -> tuple[tuple[str, ...], tuple[str, ...]]:
        barrier.wait()
        with scope("B"):
            result = current_scope(), (Value(1.0) * 2).scope
        barrier.wait()
        return result

    assert _in_threads(scoped, plain) == [(("A",), ("A",)), (("B",), ("B",))]


# ---------------------------------------------------------------------------- detach, constants
def test_detach_cuts_the_graph() -> None:
    x = Value(3.0)
    y = x * x.detach()  # d/dx = x.data, not 2x
    y.backward()
    assert x.grad == 3.0
    d = x.detach()
    assert d.is_constant and d.parents == () and d.data == 3.0
    with pytest.raises(RuntimeError):
        d.backward()

    t = Tensor([1.0, 2.0], requires_grad=True)
    u = (t * t.detach()).sum()
    u.backward()
    np.testing.assert_array_equal(t.grad, [1.0, 2.0])
    td = t.detach()
    assert td.requires_grad is False and td.parents == () and td.grad is None
    np.testing.assert_array_equal(td.data, t.data)


def test_constants_are_not_differentiated() -> None:
    x = Value(2.0)
    y = x * 5 + 1
    y.backward()
    mul = y.parents[0]
    five, one = mul.parents[1], y.parents[1]
    assert five.is_constant and one.is_constant
    assert five.grad == 0.0 and one.grad == 0.0
    assert x.grad == 5.0

    t = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])  # requires_grad=False: a constant
    (t * c).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(t.grad, [3.0, 4.0])


def test_operations_on_constants_only_give_constants() -> None:
    # No differentiable input, no graph: like Tensor, where such results don't require grad.
    c = Value(2.0).detach()
    y = c * 3 + c
    assert y.is_constant, "an expression of constants only should be a constant"
    t = Tensor([1.0]) * 3 + Tensor([2.0])
    assert t.requires_grad is False


def test_grad_mode_does_not_leak_between_tests() -> None:
    assert is_grad_enabled() and current_scope() == ()


# ---------------------------------------------------------------------------- seeding
def test_non_scalar_backward_without_grad_says_what_to_pass() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError) as info:
        y.backward()
    message = str(info.value)
    assert "grad" in message and "(2, 3)" in message


def test_non_scalar_backward_with_explicit_grad() -> None:
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).backward(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])
    x.zero_grad()
    (x * 2).backward(Tensor([1.0, 1.0, 1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


def test_one_element_non_0d_backward_needs_no_grad() -> None:
    x = Tensor([[3.0]], requires_grad=True)
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[6.0]])


def test_explicit_grad_of_wrong_shape() -> None:
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError) as info:
        (x * 2).backward(np.ones((3, 2)))
    assert "(3, 2)" in str(info.value) and "(2, 3)" in str(info.value)


def test_scalar_value_backward_with_explicit_grad() -> None:
    x = Value(3.0)
    (x * x).backward(2.0)
    assert x.grad == 12.0
    with pytest.raises(TypeError):
        (x * x).backward("1")  # type: ignore[arg-type]


def test_backward_on_a_constant_raises() -> None:
    with pytest.raises(RuntimeError):
        Value(1.0).detach().backward()
    with pytest.raises(RuntimeError):
        (Value(1.0).detach() * 2).backward()
    with pytest.raises(RuntimeError):
        Tensor([1.0]).backward()
    with pytest.raises(RuntimeError):
        (Tensor([1.0]) * 2).sum().backward()


def test_value_requires_grad_false_is_a_constant_input() -> None:
    x = Value(3.0, label="x", requires_grad=False)
    w = Value(2.0, label="w")
    assert not x.requires_grad and x.is_constant and w.requires_grad
    y = w * x
    y.backward()
    assert w.grad == 3.0 and x.grad == 0.0
    assert (x * 2.0).is_constant  # nothing to differentiate: the result is a constant too


def test_backward_steps_yields_nodes_before_their_push_and_restores_grads() -> None:
    from autograd_core.engine import backward_steps

    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    a.grad = 5.0  # must be untouched afterwards
    seen = []
    for node in backward_steps(d):
        if node is None:
            assert a.grad == b.data + 1.0 and b.grad == a.data  # the pass is complete here
            break
        seen.append((node, node.grad, a.grad))
    assert [n for n, _, _ in seen] == [d, c]
    assert seen[0][1:] == (1.0, 0.0)  # root seeded, leaves from zero, before d pushes
    assert seen[1][1:] == (1.0, 1.0)  # d has pushed into c and a
    assert a.grad == 5.0 and b.grad == 0.0
