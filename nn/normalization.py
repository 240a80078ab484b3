"""Normalisation: ``batch_norm`` / ``BatchNorm1d`` (per channel, over the batch) and
``layer_norm`` / ``LayerNorm`` (per example, over its last axes).

Both are composed of recorded Tensor operations (mean, subtraction, ``rsqrt``), so their
gradients, and the gradients of those, need no rule of their own. As in PyTorch the
batch's variance is the biased one (divided by n) for normalising, and the unbiased one
(divided by n - 1) for updating ``running_var``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad, rsqrt

from .arguments import positive_int
from .module import Module, Parameter

__all__ = ["batch_norm", "layer_norm", "BatchNorm1d", "LayerNorm"]


def _as_tensor(x: Any, name: str) -> Tensor:
    t = x if isinstance(x, Tensor) else Tensor(x)
    if t.dtype.kind != "f":
        raise TypeError(f"{name}: expects floating-point input, got dtype {t.dtype}")
    return t


def _statistics(x: Tensor, axes: tuple[int, ...]) -> tuple[Tensor, Tensor]:
    """The mean and the biased variance over ``axes`` (kept as size-1 axes)."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    return mean, (centred * centred).mean(axis=axes, keepdims=True)


def _scaled(y: Tensor, weight: Tensor | None, bias: Tensor | None, shape: Sequence[int]) -> Tensor:
    """``y * weight + bias``, each (if given) reshaped to ``shape`` to broadcast."""
    if weight is not None:
        y = y * weight.reshape(tuple(shape))
    if bias is not None:
        y = y + bias.reshape(tuple(shape))
    return y


def _check_vector(t: Any, what: str, size: int, name: str) -> None:
    if t is not None and (not isinstance(t, Tensor) or t.shape != (size,)):
        raise ValueError(
            f"{name}: {what} must be a Tensor of shape ({size},) (one per channel) or None, "
            f"got {getattr(t, 'shape', type(t).__name__)}"
        )


def batch_norm(
    input: Any,  # noqa: A002  # PyTorch's name
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (axis 1) of (N, C, ...) input by the batch's statistics
    (``training``, which also moves the running statistics, in place, by ``momentum``
    towards the batch's) or by the running ones; then ``* weight + bias`` per channel."""
    name = "batch_norm"
    x = _as_tensor(input, name)
    if x.ndim < 2:
        raise ValueError(f"{name}: expects input of shape (N, C, ...), got shape {x.shape}")
    channels = x.shape[1]
    for what, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        _check_vector(t, what, channels, name)
    axes = (0, *range(2, x.ndim))
    shape = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // channels
        if count < 2:
            raise ValueError(
                f"{name}: expected more than 1 value per channel when training, got input of "
                f"shape {x.shape}; use a larger batch, or eval() mode"
            )
        mean, var = _statistics(x, axes)
        with no_grad():
            unbiased = var.data.reshape(channels) * (count / (count - 1))
            if running_mean is not None:
                batch_mean = mean.data.reshape(channels)
                running_mean[...] = (1 - momentum) * running_mean.data + momentum * batch_mean
            if running_var is not None:
                running_var[...] = (1 - momentum) * running_var.data + momentum * unbiased
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                f"{name}: running_mean and running_var are needed when not training (or pass "
                "training=True to use the batch's statistics)"
            )
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    return _scaled((x - mean) * rsqrt(var + eps), weight, bias, shape)


def _normalized_shape(shape: Any, name: str) -> tuple[int, ...]:
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not dims or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in dims):
        raise ValueError(f"{name}: normalized_shape must be positive ints, got {shape!r}")
    return tuple(int(n) for n in dims)


def _check_trailing(x: Tensor, dims: tuple[int, ...], name: str) -> None:
    if x.ndim < len(dims) or x.shape[x.ndim - len(dims) :] != dims:
        raise ValueError(
            f"{name}: normalized_shape {dims} expects input of shape (*, "
            f"{', '.join(map(str, dims))}), got shape {x.shape}"
        )


def layer_norm(
    input: Any,  # noqa: A002  # PyTorch's name
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each example over its last axes (``normalized_shape``) by their mean and
    biased variance; then ``* weight + bias`` (both of ``normalized_shape``)."""
    name = "layer_norm"
    x = _as_tensor(input, name)
    dims = _normalized_shape(normalized_shape, name)
    _check_trailing(x, dims, name)
    for what, t in (("weight", weight), ("bias", bias)):
        if t is not None and (not isinstance(t, Tensor) or t.shape != dims):
            raise ValueError(
                f"{name}: {what} must be a Tensor of normalized_shape {dims} or None, got "
                f"{getattr(t, 'shape', type(t).__name__)}"
            )
    axes = tuple(range(x.ndim - len(dims), x.ndim))
    mean, var = _statistics(x, axes)
    return _scaled((x - mean) * rsqrt(var + eps), weight, bias, dims)


class BatchNorm1d(Module):
    """Batch normalisation of (N, C) or (N, C, L) input (PyTorch's ``BatchNorm1d``).

    In training mode each channel is normalised by the batch's mean and variance and the
    running statistics (buffers, saved in ``state_dict``) move towards them by
    ``momentum`` (None: a cumulative average over ``num_batches_tracked``); in eval mode
    the running statistics are used. ``affine`` adds the learnt ``weight`` (ones) and
    ``bias`` (zeros).
    """

    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_features = positive_int(num_features, "num_features", "BatchNorm1d")
        self.eps, self.momentum = eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = Parameter(np.ones(num_features), dtype=dtype) if affine else None
        self.bias = Parameter(np.zeros(num_features), dtype=dtype) if affine and bias else None
        if track_running_stats:
            floating = np.float64 if dtype is None else dtype
            self.register_buffer("running_mean", Tensor(np.zeros(num_features), dtype=floating))
            self.register_buffer("running_var", Tensor(np.ones(num_features), dtype=floating))
            self.register_buffer("num_batches_tracked", Tensor(0, dtype=np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def forward(self, x: Any) -> Tensor:
        """(N, C) or (N, C, L) -> the same shape, normalised per channel."""
        t = _as_tensor(x, "BatchNorm1d")
        if t.ndim not in (2, 3) or t.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}): expects input of shape (N, "
                f"{self.num_features}) or (N, {self.num_features}, L), got shape {t.shape}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        training = self.is_training()
        if training and self.num_batches_tracked is not None:
            with no_grad():
                self.num_batches_tracked += 1
            if self.momentum is None:  # a cumulative average over the batches so far
                factor = 1.0 / float(self.num_batches_tracked.item())
        use_batch = training or self.running_mean is None
        keep = not training or self.track_running_stats
        return batch_norm(
            t,
            self.running_mean if keep else None,
            self.running_var if keep else None,
            self.weight,
            self.bias,
            use_batch,
            factor,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """Layer normalisation over the last axes (``normalized_shape``), PyTorch's
    ``LayerNorm``; ``elementwise_affine`` adds ``weight`` (ones) and, with ``bias``,
    ``bias`` (zeros), both of ``normalized_shape``."""

    weight: Parameter | None
    bias: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _normalized_shape(normalized_shape, "LayerNorm")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        shape = self.normalized_shape
        affine = elementwise_affine
        self.weight = Parameter(np.ones(shape), dtype=dtype) if affine else None
        self.bias = Parameter(np.zeros(shape), dtype=dtype) if affine and bias else None

    def forward(self, x: Any) -> Tensor:
        """Any (*, normalized_shape) input -> the same shape, normalised per example."""
        t = _as_tensor(x, "LayerNorm")
        _check_trailing(t, self.normalized_shape, "LayerNorm")
        return layer_norm(t, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
