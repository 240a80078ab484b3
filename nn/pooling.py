"""2-D pooling: ``max_pool2d`` / ``MaxPool2d`` and ``avg_pool2d`` / ``AvgPool2d``.

Max pooling finds each window's maximum on a strided view, then picks it out with
``max_pool2d``, one differentiable operation whose rule sends each output's gradient to
the element that was picked (the first maximum in row-major order, as PyTorch; the last
NaN if the window holds NaN). Its rule's own rule picks again, so every order of
derivative comes free. Average pooling is a convolution with a window of ones (the
``conv2d`` operation) divided by PyTorch's count of each window's elements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Union

import numpy as np

from autograd_core import Tensor, differentiable, on_data

from .arguments import Pair, pair, positive_int
from .conv import Geometry, _conv2d
from .module import Module
from .windows import as_image_batch, image, out_size, windows

__all__ = ["max_pool2d", "avg_pool2d", "MaxPool2d", "AvgPool2d"]

Size2 = Union[int, tuple[int, int]]


class _Windows(NamedTuple):
    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    out: Pair
    # (top, bottom, left, right): the padding plus, with ceil_mode, room for the last window.
    sides: tuple[int, int, int, int]


def _geometry(
    shape: tuple[int, ...],
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    name: str,
) -> _Windows:
    """The windows pooling (N, C, H, W) makes, checked as PyTorch checks them."""
    kernel = pair(kernel_size, "kernel_size", name)
    steps = kernel if stride is None or stride == () else pair(stride, "stride", name)
    pads = pair(padding, "padding", name, minimum=0)
    spread = pair(dilation, "dilation", name)
    if any(2 * p > k for p, k in zip(pads, kernel)):
        raise ValueError(
            f"{name}: padding {pads} must be at most half of kernel_size {kernel} (as PyTorch)"
        )
    out = tuple(
        out_size(n, k, s, p, p, d, ceil_mode)
        for n, k, s, p, d in zip(shape[-2:], kernel, steps, pads, spread)
    )
    if min(out) < 1:
        raise ValueError(
            f"{name}: input of shape {shape} is too small for kernel_size {kernel} with "
            f"padding {pads} and dilation {spread} (output size would be {out})"
        )
    extra = [
        max(0, (o - 1) * s + d * (k - 1) + 1 - (n + 2 * p))
        for n, k, s, p, d, o in zip(shape[-2:], kernel, steps, pads, spread, out)
    ]
    sides = (pads[0], pads[0] + extra[0], pads[1], pads[1] + extra[1])
    return _Windows(kernel, steps, pads, spread, (out[0], out[1]), sides)


# ------------------------------------------------------------------ max pooling
@differentiable(name="max_pool2d", formula="g at the picked maximum")
def _pick(
    x: np.ndarray, picks: Any = None, size: Pair = (1, 1), window: _Windows | None = None
) -> np.ndarray:
    """The elements of each (H, W) plane of ``x`` at the flat indices ``picks`` (N, C, Ho, Wo).
    ``window`` is the pooling's geometry, kept for exporters (``autograd_core.onnx``): the
    picks alone do not say which windows they came from."""
    lead = picks.shape[:-2]
    flat = np.take_along_axis(x.reshape(*lead, -1), picks.reshape(*lead, -1), axis=-1)
    return flat.reshape(picks.shape)  # type: ignore[no-any-return]


@differentiable(name="max_pool2d_input_grad", formula="h at the picked maximum")
def _unpick(g: np.ndarray, picks: Any = None, size: Pair = (1, 1)) -> np.ndarray:
    """``g`` added into zeros of (N, C) + ``size`` at the flat indices ``picks`` (windows may
    overlap, so an element picked twice collects both)."""
    planes, area = int(np.prod(g.shape[:-2])), size[0] * size[1]
    where = (np.arange(planes)[:, None] * area + picks.reshape(planes, -1)).ravel()
    total = np.bincount(where, weights=g.ravel(), minlength=planes * area)
    return total.astype(g.dtype, copy=False).reshape(*g.shape[:-2], *size)


_pick.vjp(lambda g, out, x, picks, size, window: _unpick(g, picks=picks, size=size))
_unpick.vjp(lambda h, out, g, picks, size: _pick(h, picks=picks, size=size))


def _first(start: np.ndarray, step: int) -> np.ndarray:
    """The first of ``start, start + step, ...`` that is not negative (inside the input)."""
    behind = np.maximum(-start, 0)
    return start + -(-behind // step) * step  # type: ignore[no-any-return]


def _maxima(x: np.ndarray, geo: _Windows) -> np.ndarray:
    """Flat index into each (H, W) plane of every window's maximum (PyTorch's indices)."""
    top, bottom, left, right = geo.sides
    padded = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=-np.inf)
    kh, kw = geo.kernel
    view = windows(padded, geo.kernel, geo.stride, geo.dilation, geo.out)
    flat = view.reshape(*view.shape[:-2], kh * kw)
    best = flat.argmax(axis=-1)  # the first maximum, as PyTorch
    if np.isnan(x).any():  # PyTorch keeps the last NaN it meets
        nan = np.isnan(flat)
        last = kh * kw - 1 - nan[..., ::-1].argmax(axis=-1)
        best = np.where(nan.any(axis=-1), last, best)
    a, b = np.divmod(best, kw)
    rows = np.arange(geo.out[0])[:, None] * geo.stride[0] - top
    cols = np.arange(geo.out[1])[None, :] * geo.stride[1] - left
    row, col = rows + a * geo.dilation[0], cols + b * geo.dilation[1]
    # A window of -inf (or of padding only) has no maximum above the padding's -inf:
    # PyTorch then names the window's first element inside the input.
    outside = (row < 0) | (col < 0) | (row >= x.shape[2]) | (col >= x.shape[3])
    if outside.any():
        row = np.where(outside, _first(rows, geo.dilation[0]), row)
        col = np.where(outside, _first(cols, geo.dilation[1]), col)
    return row * x.shape[3] + col  # type: ignore[no-any-return]


def max_pool2d(
    input: Any,  # noqa: A002  # PyTorch's name
    kernel_size: Size2,
    stride: Size2 | None = None,
    padding: Size2 = 0,
    dilation: Size2 = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """The maximum of each window of (N, C, H, W) or (C, H, W) input (``stride`` defaults to
    ``kernel_size``; padding counts as -inf). With ``return_indices``, also each maximum's
    flat index into its (H, W) plane, as PyTorch."""
    name = "max_pool2d"
    x, unbatched = as_image_batch(input, name)
    geo = _geometry(x.shape, kernel_size, stride, padding, dilation, ceil_mode, name)
    picks = on_data(_maxima, x, geo)  # found again on every replay of a traced function
    y = _pick(x, picks=picks, size=x.shape[-2:], window=geo)
    indices = Tensor(picks)
    if unbatched:
        y, indices = y.reshape(y.shape[1:]), indices.reshape(indices.shape[1:])
    return (y, indices) if return_indices else y


# ------------------------------------------------------------------ average pooling
def _counts(size: int, kernel: int, stride: int, pad: int, out: int, include_pad: bool) -> Any:
    """PyTorch's divisor along one axis: each window's length, clipped to the padded input
    (``include_pad``) or to the input itself."""
    start = np.arange(out) * stride - pad
    end = np.minimum(start + kernel, size + pad)
    if include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def avg_pool2d(
    input: Any,  # noqa: A002  # PyTorch's name
    kernel_size: Size2,
    stride: Size2 | None = None,
    padding: Size2 = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each window of (N, C, H, W) or (C, H, W) input (``stride`` defaults to
    ``kernel_size``; zero padding, counted in the mean unless ``count_include_pad=False``;
    ``divisor_override`` divides every sum by that number instead)."""
    name = "avg_pool2d"
    x, unbatched = as_image_batch(input, name)
    geo = _geometry(x.shape, kernel_size, stride, padding, 1, ceil_mode, name)
    if divisor_override is not None:
        divisor_override = positive_int(divisor_override, "divisor_override", name)
    n, c, height, width = x.shape
    ones = np.ones((1, 1, *geo.kernel), dtype=x.dtype)
    window = Geometry(stride=geo.stride, padding=geo.sides)
    flat = x.reshape(n * c, 1, height, width)
    zero = np.zeros(1, dtype=x.dtype)
    sums = _conv2d(flat, ones, zero, geometry=window).reshape(n, c, *geo.out)
    if divisor_override is not None:
        divisor: Any = float(divisor_override)
    else:
        along = [
            _counts(size, k, s, p, o, count_include_pad)
            for size, k, s, p, o in zip(
                (height, width), geo.kernel, geo.stride, geo.padding, geo.out
            )
        ]
        divisor = (along[0][:, None] * along[1][None, :]).astype(x.dtype)
    y = sums / divisor
    return y.reshape(y.shape[1:]) if unbatched else y


# ------------------------------------------------------------------ the layers
class _Pool2d(Module):
    """A pooling layer: its arguments kept as attributes (PyTorch's names), passed on to
    its function by name on every call."""

    _function: Callable[..., Any]
    _shown: tuple[str, ...]  # the arguments its repr shows, as PyTorch's

    def _keep(self, kernel_size: Size2, stride: Size2 | None, **options: Any) -> None:
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride  # as PyTorch stores it
        for name, value in options.items():
            setattr(self, name, value)
        self._arguments = ("kernel_size", "stride", *options)

    def forward(self, x: Any) -> Any:
        """The pooled windows of (N, C, H, W) or (C, H, W) input."""
        chosen = {name: getattr(self, name) for name in self._arguments}
        return type(self)._function(image(x, type(self).__name__), **chosen)

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in self._shown)


class MaxPool2d(_Pool2d):
    """Max pooling over (N, C, H, W) or (C, H, W) input (PyTorch's ``MaxPool2d``; note its
    argument order: ``return_indices`` comes before ``ceil_mode``)."""

    _function = staticmethod(max_pool2d)
    _shown = ("kernel_size", "stride", "padding", "dilation", "ceil_mode")

    def __init__(
        self,
        kernel_size: Size2,
        stride: Size2 | None = None,
        padding: Size2 = 0,
        dilation: Size2 = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self._keep(
            kernel_size,
            stride,
            padding=padding,
            dilation=dilation,
            return_indices=return_indices,
            ceil_mode=ceil_mode,
        )


class AvgPool2d(_Pool2d):
    """Average pooling over (N, C, H, W) or (C, H, W) input (PyTorch's ``AvgPool2d``)."""

    _function = staticmethod(avg_pool2d)
    _shown = ("kernel_size", "stride", "padding")

    def __init__(
        self,
        kernel_size: Size2,
        stride: Size2 | None = None,
        padding: Size2 = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self._keep(
            kernel_size,
            stride,
            padding=padding,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
            divisor_override=divisor_override,
        )
