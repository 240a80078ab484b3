"""Sliding windows over an image's last two axes, shared by convolution and pooling: the
output size a window makes, a strided view of every window (no copy, no Python loop over
pixels), and the check of an image batch's rank and channels."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd_core import Tensor

from .arguments import Pair

__all__ = ["out_size", "windows", "image", "as_image_batch"]


def out_size(
    size: int,
    kernel: int,
    stride: int,
    before: int,
    after: int,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """How many windows fit along one axis of ``size`` padded by ``before`` and ``after``
    (PyTorch's formula; with ``ceil_mode`` a last partial window counts if it starts
    inside the input or its leading padding); 0 or less when no window fits."""
    room = size + before + after - dilation * (kernel - 1) - 1
    count = (room + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (count - 1) * stride >= size + before:
        count -= 1
    return count


def windows(x: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out: Pair) -> np.ndarray:
    """A read-only view of shape ``x.shape[:-2] + out + kernel``: element
    ``[..., i, j, a, b]`` is ``x[..., i * stride + a * dilation, j * stride + b * dilation]``."""
    *_, step_h, step_w = x.strides
    return as_strided(  # type: ignore[no-any-return]
        x,
        shape=(*x.shape[:-2], *out, *kernel),
        strides=(
            *x.strides[:-2],
            step_h * stride[0],
            step_w * stride[1],
            step_h * dilation[0],
            step_w * dilation[1],
        ),
        writeable=False,
    )


def image(x: Any, layer: str, channels: int | None = None) -> Tensor:
    """``x`` as a Tensor of shape (N, C, H, W) or unbatched (C, H, W), as PyTorch accepts;
    a ValueError naming ``layer`` for another rank or channel count."""
    t = x if isinstance(x, Tensor) else Tensor(x)
    if t.dtype.kind != "f":
        raise TypeError(f"{layer}: expects floating-point input, got dtype {t.dtype}")
    if t.ndim not in (3, 4):
        raise ValueError(
            f"{layer}: expects input of shape (N, C, H, W) or unbatched (C, H, W), got shape "
            f"{t.shape}"
        )
    if channels is not None and t.shape[-3] != channels:
        layout = "(C, H, W)" if t.ndim == 3 else "(N, C, H, W)"
        raise ValueError(
            f"{layer}: expects {channels} input channels (C in {layout}), got shape {t.shape}"
        )
    return t


def as_image_batch(x: Any, layer: str, channels: int | None = None) -> tuple[Tensor, bool]:
    """``image(x)`` as (N, C, H, W), and whether it came unbatched (then N is 1)."""
    t = image(x, layer, channels)
    return (t.reshape(1, *t.shape), True) if t.ndim == 3 else (t, False)
