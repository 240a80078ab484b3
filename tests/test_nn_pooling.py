"""MaxPool2d / AvgPool2d and their functions: values by hand, PyTorch's index and divisor
rules (ties, NaN, -inf, ceil_mode, count_include_pad), gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor
from autograd_core.testing import gradcheck, gradgradcheck
from nn import functional as F

RAMP = np.arange(16.0).reshape(1, 1, 4, 4)


def test_max_pool_by_hand() -> None:
    y, picks = F.max_pool2d(Tensor(RAMP), 2, return_indices=True)
    assert y.data.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert picks.data.tolist() == [[[[5, 7], [13, 15]]]]  # flat indices into each 4x4 plane
    # stride 1, padding 1 (as -inf), dilation 2: each window holds rows r and r + 2 and
    # columns c and c + 2, from -1; the first row of windows sees input row 1 only.
    y = F.max_pool2d(Tensor(RAMP), 2, stride=1, padding=1, dilation=2)
    assert y.data[0, 0].tolist() == [
        [5.0, 6.0, 7.0, 6.0],
        [9.0, 10.0, 11.0, 10.0],
        [13.0, 14.0, 15.0, 14.0],
        [9.0, 10.0, 11.0, 10.0],
    ]


def test_max_pool_gradient_goes_to_the_first_maximum_and_overlaps_add() -> None:
    # PyTorch's choice among ties: the first in row-major order (probed on torch 2.13).
    x = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert x.grad.tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]
    # Overlapping windows (stride 1) that pick the same element add their gradients.
    x = Tensor([[[[0.0, 9.0, 0.0], [0.0, 0.0, 0.0]]]], requires_grad=True)
    y = F.max_pool2d(x, 2, stride=1)
    (y * Tensor([[[[2.0, 3.0]]]])).sum().backward()
    assert x.grad.tolist() == [[[[0.0, 5.0, 0.0], [0.0, 0.0, 0.0]]]]


def test_max_pool_indices_for_nan_and_minus_infinity_as_pytorch() -> None:
    x = np.array([[[[np.nan, 1.0], [np.nan, 2.0]]]])
    y, picks = F.max_pool2d(Tensor(x), 2, return_indices=True)
    assert np.isnan(y.data).all() and picks.data.tolist() == [[[[2]]]]  # the last NaN
    # All -inf: the window's first element inside the input (not the padding).
    x = np.full((1, 1, 2, 2), -np.inf)
    y, picks = F.max_pool2d(Tensor(x), 2, stride=1, padding=1, return_indices=True)
    assert (y.data == -np.inf).all()
    assert picks.data.tolist() == [[[[0, 0, 1], [0, 0, 1], [2, 2, 3]]]]


@pytest.mark.parametrize(
    ("size", "ceil_mode", "out"),
    # torch 2.13: kernel 3, stride 2, padding 1; ceil_mode keeps a last window that starts
    # inside the input.
    [(4, False, 2), (4, True, 3), (5, True, 3), (6, True, 4), (7, False, 4)],
)
def test_ceil_mode_sizes(size: int, ceil_mode: bool, out: int) -> None:
    x = Tensor(np.zeros((1, 1, size, size)))
    assert F.max_pool2d(x, 3, 2, 1, ceil_mode=ceil_mode).shape[-1] == out
    assert F.avg_pool2d(x, 3, 2, 1, ceil_mode=ceil_mode).shape[-1] == out


def test_avg_pool_by_hand_and_its_divisors() -> None:
    assert F.avg_pool2d(Tensor(RAMP), 2).data.tolist() == [[[[2.5, 4.5], [10.5, 12.5]]]]
    ones = Tensor(np.ones((1, 1, 3, 3)))
    # padding 1, window 2, stride 2: windows at rows (-1, 0), (1, 2); corner window holds
    # one input element and three padding zeros.
    with_pad = F.avg_pool2d(ones, 2, padding=1).data
    assert with_pad.tolist() == [[[[0.25, 0.5], [0.5, 1.0]]]]
    without = F.avg_pool2d(ones, 2, padding=1, count_include_pad=False).data
    assert without.tolist() == [[[[1.0, 1.0], [1.0, 1.0]]]]
    assert F.avg_pool2d(ones, 2, padding=1, divisor_override=1).data.tolist() == [
        [[[1.0, 2.0], [2.0, 4.0]]]
    ]
    # ceil_mode: the last window hangs over the input's end, and the part beyond the
    # padded input is not counted even with count_include_pad (PyTorch's rule).
    ceil = F.avg_pool2d(Tensor(np.ones((1, 1, 3, 3))), 2, ceil_mode=True).data
    assert ceil.tolist() == [[[[1.0, 1.0], [1.0, 1.0]]]]


POOL_OPTIONS = [
    {"kernel_size": 2},
    {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 1), "ceil_mode": True},
]


@pytest.mark.parametrize("options", POOL_OPTIONS)
def test_pool_gradients(options: dict[str, Any]) -> None:
    # Distinct values: max pooling's gradient is a step where two elements tie.
    x = np.random.default_rng(0).permutation(2 * 3 * 5 * 5).reshape(2, 3, 5, 5) / 7.0
    assert gradcheck(lambda t: F.max_pool2d(t, **options, dilation=1), x)
    assert gradcheck(lambda t: F.avg_pool2d(t, **options, count_include_pad=False), x)
    assert gradgradcheck(lambda t: F.max_pool2d(t, **options) ** 2, x[:1, :2])
    assert gradgradcheck(lambda t: F.avg_pool2d(t, **options) ** 2, x[:1, :2])


def test_graph_and_unbatched_input() -> None:
    x = Tensor(np.random.default_rng(1).standard_normal((3, 4, 4)), requires_grad=True)
    y = nn.MaxPool2d(2)(x)
    assert y.shape == (3, 2, 2) and y.parents[0].op == "max_pool2d"
    np.testing.assert_array_equal(y.data, F.max_pool2d(x.data[None], 2).data[0])
    assert nn.AvgPool2d(2)(x).shape == (3, 2, 2)


def test_modules_take_pytorchs_argument_order_and_print_as_it() -> None:
    # MaxPool2d(kernel_size, stride, padding, dilation, return_indices, ceil_mode)
    pool = nn.MaxPool2d(3, 2, 1, 1, True, True)
    assert pool.return_indices and pool.ceil_mode
    y, picks = pool(Tensor(np.zeros((1, 1, 4, 4))))
    assert y.shape == picks.shape == (1, 1, 3, 3)
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert repr(nn.AvgPool2d(3, 2, 1)) == "AvgPool2d(kernel_size=3, stride=2, padding=1)"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nn.MaxPool2d(2)(Tensor(np.ones((4, 4)))),
            r"MaxPool2d: expects input of shape \(N, C, H, W\) or unbatched \(C, H, W\), "
            r"got shape \(4, 4\)",
        ),
        (
            lambda: nn.AvgPool2d(2)(Tensor(np.ones((1, 1, 1, 4, 4)))),
            r"AvgPool2d: expects input .* got shape \(1, 1, 1, 4, 4\)",
        ),
        (
            lambda: F.max_pool2d(Tensor(np.ones((1, 1, 4, 4))), 3, padding=2),
            "at most half of kernel_size",
        ),
        (lambda: F.avg_pool2d(Tensor(np.ones((1, 1, 4, 4))), 5), "too small"),
        (lambda: F.max_pool2d(Tensor(np.ones((1, 1, 4, 4))), 2, stride=0), "stride"),
        (
            lambda: F.avg_pool2d(Tensor(np.ones((1, 1, 4, 4))), 2, divisor_override=0),
            "divisor_override",
        ),
    ],
)
def test_errors(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
