"""Gradient clipping: the joint norm (PyTorch's numbers), scaling, skipped parameters,
Values beside Tensors, non-finite norms, and clip_grad_value_."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from nn.utils import clip_grad_norm_, clip_grad_value_

GA = [3.0, -4.0]  # norm 5
GB = [[1.0, 2.0], [0.5, -2.0]]  # norm sqrt(9.25)


def params() -> list[nn.Parameter]:
    a, b, c = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros((2, 2))), nn.Parameter(np.zeros(1))
    a.grad, b.grad = np.array(GA), np.array(GB)  # c has no gradient: skipped
    return [a, b, c]


@pytest.mark.parametrize(
    ("norm_type", "total"),
    [(2.0, math.sqrt(25 + 9.25)), (1.0, 12.5), (math.inf, 4.0), ("inf", 4.0), (3.0, None)],
)
def test_the_joint_norm_and_the_scaling(norm_type: float | str, total: float | None) -> None:
    a, b, c = params()
    if total is None:  # the 3-norm of the per-parameter 3-norms
        total = (sum(abs(x) ** 3 for x in GA) + sum(abs(x) ** 3 for row in GB for x in row)) ** (
            1 / 3
        )
    result = clip_grad_norm_([a, b, c], 2.5, norm_type)
    assert isinstance(result, Tensor) and result.shape == ()
    assert result.item() == pytest.approx(total, rel=1e-15)
    coef = 2.5 / (total + 1e-6)
    assert a.grad is not None and b.grad is not None and c.grad is None
    np.testing.assert_allclose(a.grad, np.array(GA) * coef, rtol=1e-15)
    np.testing.assert_allclose(b.grad, np.array(GB) * coef, rtol=1e-15)


def test_torch_numbers_for_the_two_norm() -> None:
    a, b, _ = params()
    total = clip_grad_norm_([a, b], 2.5)
    assert total.item() == pytest.approx(5.852349955359813, rel=1e-15)  # torch 2.13
    assert a.grad is not None
    np.testing.assert_allclose(a.grad, [1.2815362675970765, -1.7087150234627688], rtol=1e-15)


def test_small_gradients_are_left_alone_and_values_join_the_norm() -> None:
    a = nn.Parameter(np.zeros(2))
    a.grad = np.array(GA)
    assert clip_grad_norm_(a, 10.0).item() == 5.0  # a single parameter is accepted
    assert a.grad.tolist() == GA  # coefficient clamped at 1
    v = nn.ScalarParameter(0.0)
    v.grad = 12.0  # joint norm with a: 13
    total = clip_grad_norm_([a, v], 1.3)
    assert total.item() == 13.0
    assert isinstance(v.grad, float) and v.grad == pytest.approx(12.0 * 1.3 / (13 + 1e-6))
    assert clip_grad_norm_([nn.Parameter(np.zeros(1))], 1.0).item() == 0.0  # no gradients


def test_float32_gradients_stay_float32() -> None:
    a = nn.Parameter(np.zeros(2, dtype=np.float32))
    a.grad = np.array(GA, dtype=np.float32)
    total = clip_grad_norm_([a], 1.0)
    assert total.dtype == np.float32 and a.grad.dtype == np.float32


def test_a_non_finite_norm_warns_or_raises() -> None:
    a = nn.Parameter(np.zeros(2))
    a.grad = np.array([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="total norm of the gradients is inf"):
        clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    assert a.grad.tolist() == [np.inf, 1.0]  # untouched
    with pytest.warns(RuntimeWarning, match="as PyTorch does"):
        total = clip_grad_norm_([a], 1.0)
    assert total.item() == np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.array([np.inf, 1.0]) * 0.0  # PyTorch: [nan, 0]
    np.testing.assert_array_equal(a.grad, expected)


def test_clip_grad_value() -> None:
    a, b, c = params()
    v = nn.ScalarParameter(0.0)
    v.grad = -7.0
    assert clip_grad_value_([a, b, c, v], 1.5) is None
    assert a.grad is not None and a.grad.tolist() == [1.5, -1.5]
    assert b.grad is not None and b.grad.tolist() == [[1.0, 1.5], [0.5, -1.5]]
    assert c.grad is None and v.grad == -1.5


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="max_norm must be non-negative"):
        clip_grad_norm_(params(), -1.0)
    with pytest.raises(ValueError, match="norm_type must be a number or 'inf'"):
        clip_grad_norm_(params(), 1.0, "two")
    with pytest.raises(TypeError, match="parameter 0 is a float"):
        clip_grad_value_([1.0], 1.0)  # type: ignore[list-item]
