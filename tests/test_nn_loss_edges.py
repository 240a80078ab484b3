"""Loss edge cases: logits at the ends of the float range, and empty batches."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value
from autograd_core.testing import gradcheck

BIG64 = 1e308
BIG32 = 3e38


def sigmoid(x: float) -> float:
    return 1.0 if x > 0 else 0.0 if x < 0 else 0.5  # at +-1e308 (and 0) exactly


# (logits, targets, loss): every per-element loss and their sum fit in the dtype.
EXTREME_BCE = [
    ([BIG64, -BIG64], [1.0, 0.0], 0.0),
    ([BIG64, -BIG64], [0.25, 0.75], 0.75 * BIG64),
    ([np.finfo(np.float64).max, -np.finfo(np.float64).max], [1.0, 0.0], 0.0),
    ([np.finfo(np.float64).max], [0.0], float(np.finfo(np.float64).max)),
    ([BIG64, -BIG64, 0.0], [1.0, 1.0, 0.5], (BIG64 + math.log(2.0)) / 3),
]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("logits", "targets", "expected"), EXTREME_BCE)
def test_bce_with_logits_is_finite_and_exact_at_extreme_tensor_logits(
    logits: list[float], targets: list[float], expected: float
) -> None:
    x = Tensor(np.array(logits), requires_grad=True)
    loss = nn.binary_cross_entropy_with_logits(x, np.array(targets))
    assert loss.data == pytest.approx(expected, rel=1e-15, abs=0.0)
    loss.backward()
    exact = [(sigmoid(v) - t) / len(logits) for v, t in zip(logits, targets)]
    assert x.grad is not None and x.grad.tolist() == exact


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("logits", "targets", "expected"), EXTREME_BCE)
def test_bce_with_logits_is_finite_and_exact_at_extreme_value_logits(
    logits: list[float], targets: list[float], expected: float
) -> None:
    xs = [Value(v) for v in logits]
    loss = nn.binary_cross_entropy_with_logits(xs, targets)
    assert loss.data == pytest.approx(expected, rel=1e-15, abs=0.0)
    loss.backward()
    assert [x.grad for x in xs] == [(sigmoid(v) - t) / len(logits) for v, t in zip(logits, targets)]


@pytest.mark.filterwarnings("error")
def test_bce_with_logits_in_float32_at_extreme_logits() -> None:
    x = Tensor(np.array([BIG32, -BIG32, BIG32], dtype=np.float32), requires_grad=True)
    loss = nn.binary_cross_entropy_with_logits(x, np.array([1.0, 0.0, 0.5]))
    assert loss.dtype == np.float32
    assert loss.data == pytest.approx(float(np.float32(BIG32)) * 0.5 / 3, rel=1e-6)
    loss.backward()
    assert x.grad is not None and x.grad.tolist() == [0.0, 0.0, np.float32(0.5 / 3)]


def test_bce_with_logits_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(5, 3))
    logits[0, 0] = 0.0  # where |x| has its kink
    targets = rng.uniform(size=(5, 3))
    gradcheck(lambda x: nn.binary_cross_entropy_with_logits(x, targets), logits)
    # The target gets its gradient too (-x / n): soft labels may be learned.
    gradcheck(lambda t: nn.binary_cross_entropy_with_logits(Tensor(logits), t), targets)
    for x0, t0 in [(0.0, 0.3), (2.5, 1.0), (-7.0, 0.0), (30.0, 0.2)]:
        x = Value(x0)
        loss = nn.binary_cross_entropy_with_logits(x, t0)
        loss.backward()
        assert x.grad == pytest.approx(1 / (1 + math.exp(-x0)) - t0, rel=1e-12, abs=1e-15)
        assert loss.data == pytest.approx(
            max(x0, 0) - x0 * t0 + math.log1p(math.exp(-abs(x0))), rel=1e-12
        )


# Cross-entropy at logits near the largest float: the loss of each row is finite.
EXTREME_CE = [
    ([[BIG64, -BIG64], [-BIG64, BIG64]], [0, 1], 0.0, [[0.0, 0.0], [0.0, 0.0]]),
    ([[BIG64, BIG64, -BIG64]], [1], math.log(2.0), [[0.5, -0.5, 0.0]]),
]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("logits", "targets", "expected", "grad"), EXTREME_CE)
def test_cross_entropy_at_extreme_value_logits_warns_nothing(
    logits: list[list[float]], targets: list[int], expected: float, grad: list[list[float]]
) -> None:
    rows = [[Value(v) for v in row] for row in logits]
    loss = nn.cross_entropy(rows, targets)
    assert loss.data == pytest.approx(expected, abs=1e-15)
    loss.backward()
    flat = [v.grad for row in rows for v in row]
    assert flat == pytest.approx([g for row in grad for g in row], abs=1e-15)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("logits", "targets", "expected", "grad"), EXTREME_CE)
def test_cross_entropy_at_extreme_tensor_logits_warns_nothing(
    dtype: Any,
    logits: list[list[float]],
    targets: list[int],
    expected: float,
    grad: list[list[float]],
) -> None:
    big = BIG64 if dtype is np.float64 else BIG32
    x = Tensor(np.array(logits) / BIG64 * big, dtype=dtype, requires_grad=True)
    loss = nn.cross_entropy(x, np.array(targets))
    assert loss.data == pytest.approx(expected, abs=1e-6)
    loss.backward()
    assert x.grad is not None
    assert x.grad.ravel().tolist() == pytest.approx([g for row in grad for g in row], abs=1e-6)


LOSSES: list[Callable[[Any, Any], Any]] = [
    nn.squared_error,
    nn.mse,
    nn.binary_cross_entropy,
    nn.binary_cross_entropy_with_logits,
]


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (4, 0)])
def test_an_empty_tensor_batch_names_the_loss_and_the_shape(
    loss: Callable[[Any, Any], Any], shape: tuple[int, ...]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a NumPy "mean of empty slice" on the way
        with pytest.raises(ValueError, match=rf"^{loss.__name__}: .*shape \({shape[0]}, ?") as info:
            loss(Tensor(np.zeros(shape)), np.zeros(shape))
    assert "empty batch" in str(info.value)


@pytest.mark.parametrize("loss", LOSSES, ids=lambda f: f.__name__)
def test_an_empty_list_of_values_names_the_loss_and_the_shape(
    loss: Callable[[Any, Any], Any],
) -> None:
    with pytest.raises(ValueError, match=rf"^{loss.__name__}: predictions of shape \(0,\)"):
        loss([], [])
    with pytest.raises(ValueError, match=rf"^{loss.__name__}: predictions of shape \(2, 0\)"):
        loss([[], []], [[], []])


@pytest.mark.parametrize(
    "logits", [Tensor(np.zeros((0, 3))), Tensor(np.zeros((2, 0))), Tensor(np.zeros(0)), [], [[]]]
)
def test_cross_entropy_of_an_empty_batch_names_the_shape(logits: Any) -> None:
    shape = logits.shape if isinstance(logits, Tensor) else np.shape(logits)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=rf"^cross_entropy: logits of shape \({shape[0]},"):
            nn.cross_entropy(logits, np.zeros(len(logits), dtype=int))


def test_the_loss_modules_check_empty_batches_too() -> None:
    with pytest.raises(ValueError, match="^mse_loss: "):
        nn.MSELoss()(Tensor(np.zeros(0)), np.zeros(0))
