"""Edge cases found in review: dtypes, interop, failed passes, pow at 0, shared contexts."""

from __future__ import annotations

import asyncio
import threading
import warnings

import numpy as np
import pytest

from autograd_core import Tensor, Value, detect_anomaly, is_grad_enabled, no_grad, scope
from autograd_core.context import current_scope


def test_numbers_mixed_with_masks_and_integer_tensors_promote_like_numpy() -> None:
    t = Tensor([1.0, -1.0, 2.0])
    mask = t > 0
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal((mask * 2.5).data, [2.5, 0.0, 2.5])
    np.testing.assert_array_equal((mask + 1).data, [2, 1, 2])
    np.testing.assert_array_equal((Tensor([1, 2], dtype=np.int64) + 0.5).data, [1.5, 2.5])
    assert (Tensor([1.0], dtype=np.float32) * 2.5).dtype == np.float32  # floats keep theirs


def test_bool_data_stays_a_mask_and_float_indices_are_refused() -> None:
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    m = Tensor(np.array([True, False, True]))
    assert m.dtype == np.bool_
    np.testing.assert_array_equal(x[m].data, [10.0, 30.0])
    with pytest.raises(IndexError, match="integers or booleans"):
        x[Tensor([0.0, 1.0])]
    x[Tensor([0, 0], dtype=np.int64)].sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 0.0])


def test_a_backward_that_fails_midway_leaves_leaf_grads_as_they_were() -> None:
    x, n = Value(3.0), Value(2.0)
    y = x * 2 + Value(-2.0) ** n  # d/dn = 4 log(-2) is nan: the pass raises after x's share
    x.grad = 1.0
    with detect_anomaly(), pytest.raises(FloatingPointError, match="non-finite"):
        y.backward()
    assert x.grad == 1.0 and n.grad == 0.0
    t = Tensor([1.0, 0.0], requires_grad=True)
    with detect_anomaly(), pytest.raises(FloatingPointError):
        (t.sqrt() * 2).sum().backward()  # sqrt'(0) = inf
    assert t.grad is None


@pytest.mark.parametrize("make", [lambda a: Value(a), lambda a: Tensor([a], requires_grad=True)])
def test_pow_at_base_zero_has_the_limits_as_gradients(make: object) -> None:
    def grad_of(fn: object, a: float) -> float:
        x = make(a)  # type: ignore[operator]
        out = fn(x)  # type: ignore[operator]
        (out if isinstance(out, Value) else out.sum()).backward()
        return float(np.asarray(x.grad).reshape(-1)[0])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert grad_of(lambda x: x**0, 0.0) == 0.0  # a constant
        assert grad_of(lambda x: x**0.5, 0.0) == np.inf  # vertical slope, as sqrt
        assert grad_of(lambda x: x.sqrt(), 0.0) == np.inf
        assert grad_of(lambda x: x**2.0, 0.0) == 0.0
        assert grad_of(lambda x: x**1.0, 0.0) == 1.0
        assert grad_of(lambda x: 0.0**x if isinstance(x, Value) else Tensor([0.0]) ** x, 2.0) == 0.0


def test_one_no_grad_or_scope_object_can_be_shared_between_threads_and_tasks() -> None:
    shared, named = no_grad(), scope("layer")
    barrier = threading.Barrier(2)
    seen: dict[str, object] = {}

    def worker(name: str) -> None:
        with shared, named:
            barrier.wait()  # both threads inside the same objects at once
            seen[name] = (is_grad_enabled(), current_scope())
            barrier.wait()
        seen[name + " after"] = (is_grad_enabled(), current_scope())

    threads = [threading.Thread(target=worker, args=(n,)) for n in "AB"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["A"] == seen["B"] == (False, ("layer",))
    assert seen["A after"] == seen["B after"] == (True, ())

    async def task() -> tuple[str, ...]:
        with named:
            await asyncio.sleep(0)
            return current_scope()

    async def both() -> list[tuple[str, ...]]:
        return list(await asyncio.gather(task(), task()))

    assert asyncio.run(both()) == [("layer",), ("layer",)]


def test_detect_anomaly_catches_value_overflow_in_forward() -> None:
    a = Value(1e200)
    assert (a * a).data == np.inf  # IEEE arithmetic outside detect_anomaly
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"'\*'"):
        a * a


def test_matmul_names_the_batch_axes_when_only_they_differ() -> None:
    with pytest.raises(ValueError, match=r"batch axes \(2,\) and \(5,\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 6)))


def test_tensor_works_with_numpy_and_python_conversions() -> None:
    t = Tensor([1.0, 2.0])
    assert np.asarray(t).dtype == np.float64 and np.asarray(t).tolist() == [1.0, 2.0]
    assert [x.item() for x in t] == [1.0, 2.0]
    with pytest.raises(TypeError, match="0-d"):
        list(Tensor(3.0))
    assert float(Tensor([1.5])) == 1.5 and int(Tensor([2.0])) == 2


def test_leaves_copy_and_pickle_and_computed_nodes_refuse_without_recursing() -> None:
    import copy
    import pickle

    import nn

    w = Value(2.0, label="w")
    w.grad = 3.0
    c = pickle.loads(pickle.dumps(w))
    assert (c.data, c.grad, c.label, c.requires_grad) == (2.0, 3.0, "w", True)
    assert copy.deepcopy(Value(1.0, requires_grad=False)).is_constant
    p = nn.Parameter(np.ones(2), label="weight")
    p.grad = np.full(2, 5.0)
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q.requires_grad and q.label == "weight"
    assert q.data is not p.data and q.grad.tolist() == [5.0, 5.0]
    deep = w
    for _ in range(200_000):
        deep = deep * 1.0
    for attempt in (copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="computed Value"):
            attempt(deep)
    model = nn.Linear(2, 1)
    assert copy.deepcopy(model).weight.data.tolist() == model.weight.data.tolist()


def test_gradcheck_is_exact_enough_next_to_large_outputs() -> None:
    from autograd_core.testing import gradcheck

    # exp(10) ~ 22026 elsewhere in the output: differencing the projected sum lost digits.
    x = np.full((3, 4, 4), 10.0)
    x[0, 0, 0] = -1.0
    assert gradcheck(lambda t: t.exp(), x)


def test_value_and_tensor_share_the_elementwise_functions() -> None:
    from autograd_core.testing import gradcheck, gradgradcheck

    x = np.array([-1.3, 0.4, 2.2])
    for name in ("sin", "cos", "abs", "exp", "tanh", "sigmoid"):
        assert gradcheck(lambda t, n=name: getattr(t, n)(), x)
        assert gradcheck(lambda v, n=name: getattr(v, n)(), 0.7)
    assert gradgradcheck(lambda t: t.sin() * t.cos(), x)
    np.testing.assert_allclose(Tensor(x).sin().data, np.sin(x), rtol=0, atol=0)
    assert Value(-2.0).abs().data == 2.0
