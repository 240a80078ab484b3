"""Objects the cyclic garbage collector tracks, per recorded scalar operation.

A training step on Values builds tens of thousands of nodes; the collector's passes walk
every tracked object alive, so each recorded operation allocates exactly one (the node: its
parents sit in slots, its number is a float, which the collector does not track).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from autograd_core import Value, dot

COUNT = 1000


@contextmanager
def collector_off() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def tracked_per_call(make: Callable[[], object]) -> float:
    """GC-tracked objects alive after ``make()``, per call, over COUNT calls kept alive."""
    kept: list[object] = [None] * COUNT  # allocated before counting
    with collector_off():
        gc.collect()
        before = len(gc.get_objects())
        for i in range(COUNT):
            kept[i] = make()
        after = len(gc.get_objects())
    return (after - before) / COUNT


a, b = Value(2.0), Value(3.0)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("a * b", lambda: a * b),
        ("a + b", lambda: a + b),
        ("a - b", lambda: a - b),
        ("a / b", lambda: a / b),
        ("a ** b", lambda: a**b),
        ("-a", lambda: -a),
        ("a.relu()", lambda: a.relu()),
        ("a.tanh()", lambda: a.tanh()),
        ("a.exp()", lambda: a.exp()),
    ],
)
def test_a_recorded_operation_on_values_allocates_one_tracked_object(
    name: str, make: Callable[[], object]
) -> None:
    assert tracked_per_call(make) == 1.0, name


def test_a_number_operand_adds_its_constant_node() -> None:
    # 2.0 becomes a constant node (drawn, and not differentiated): two objects in all.
    assert tracked_per_call(lambda: a * 2.0) == 2.0


def test_a_fused_neuron_allocates_its_node_and_its_tuple_of_parents() -> None:
    ws, xs = [Value(0.5) for _ in range(4)], [Value(1.5) for _ in range(4)]
    # One node for 2n operations, plus the tuple of its 2n + 1 parents.
    assert tracked_per_call(lambda: dot(ws, xs, b)) == 2.0


def test_the_parents_read_back_in_order_whatever_their_number() -> None:
    ws, xs = [Value(0.5), Value(0.25)], [Value(1.5), Value(2.0)]
    assert (a * b).parents == (a, b)
    assert a.relu().parents == (a,)
    assert a.parents == ()
    assert dot(ws, xs, b).parents == (b, ws[0], xs[0], ws[1], xs[1])
    assert dot(ws[:1], xs[:1]).parents == (ws[0], xs[0])
