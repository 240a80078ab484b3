"""Weight initialisers, as in the seed blog's ``initialize_parameters`` and micrograd.

Weights have shape (out_features, in_features). With ``rng=None`` they are drawn from
NumPy's global stream (``np.random.randn``), so ``np.random.seed(48)`` followed by the
layers in construction order reproduces the blog's weights exactly; a
``numpy.random.Generator`` (or ``RandomState``) may be passed instead, or a Python
``random.Random``, drawn one number at a time in row order as micrograd draws its weights
(``random.Random(1337)`` gives micrograd's weights after ``random.seed(1337)``). Biases are
zero and draw nothing, so they never shift the stream.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Union

import numpy as np

__all__ = [
    "RNG",
    "plain",
    "xavier",
    "he",
    "micrograd",
    "zeros",
    "weights",
    "INITIALISERS",
    "uniform",
    "normal",
]

RNG = Union[np.random.Generator, np.random.RandomState, random.Random, None]


def _draw(
    rng: RNG, shape: tuple[int, ...], numpy_draw: str, python_draw: str, *args: float
) -> np.ndarray:
    """``shape`` samples from NumPy's global stream (``rng`` None), a Generator or a
    RandomState (``numpy_draw``), or a Python ``random.Random`` one number at a time in row
    order (``python_draw``), as micrograd draws its weights."""
    if rng is None:
        rng_np: Any = np.random
    elif isinstance(rng, (np.random.Generator, np.random.RandomState)):
        rng_np = rng
    elif isinstance(rng, random.Random):
        draw = getattr(rng, python_draw)
        count = int(np.prod(shape))
        return np.array([draw(*args) for _ in range(count)], dtype=np.float64).reshape(shape)
    else:
        raise TypeError(
            "rng must be None, a numpy.random.Generator, a RandomState or a random.Random, "
            f"got {type(rng).__name__}"
        )
    if numpy_draw == "uniform":
        return rng_np.uniform(*args, shape)  # type: ignore[no-any-return]
    return rng_np.standard_normal(shape)  # type: ignore[no-any-return]


def uniform(shape: tuple[int, ...], bound: float, rng: RNG = None) -> np.ndarray:
    """Samples of U(-bound, bound) of ``shape`` (PyTorch draws convolution weights and biases
    so, with bound 1/sqrt(fan_in))."""
    return _draw(rng, tuple(shape), "uniform", "uniform", -bound, bound)


def normal(shape: tuple[int, ...], rng: RNG = None) -> np.ndarray:
    """Standard normal samples of ``shape`` (PyTorch draws embeddings so). From NumPy's
    global stream these are ``np.random.randn``'s numbers."""
    return _draw(rng, tuple(shape), "normal", "gauss", 0.0, 1.0)


def _randn(rng: RNG, out_features: int, in_features: int) -> np.ndarray:
    """Standard normal samples of shape (out, in): the blog's weights from the global stream."""
    return normal((out_features, in_features), rng)


def plain(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """Small random weights: ``randn(out, in) * 0.01``."""
    return _randn(rng, out_features, in_features) * 0.01


def xavier(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """Xavier/Glorot (variance 1/in): ``randn(out, in) / sqrt(in)``."""
    return _randn(rng, out_features, in_features) / np.sqrt(in_features)


def he(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """He/Kaiming (variance 2/in, for ReLU): ``randn(out, in) * sqrt(2 / in)``."""
    return _randn(rng, out_features, in_features) * np.sqrt(2 / in_features)


def micrograd(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """micrograd's weights: uniform on [-1, 1) (``random.uniform(-1, 1)`` per weight)."""
    return uniform((out_features, in_features), 1.0, rng)


def zeros(*shape: int) -> np.ndarray:
    """Zeros of ``shape`` (float64); draws nothing from any random stream."""
    return np.zeros(shape)


INITIALISERS: dict[str, Callable[[int, int, RNG], np.ndarray]] = {
    "plain": plain,
    "xavier": xavier,
    "he": he,
    "uniform": micrograd,
}


def weights(name: str, out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """Weights of shape (out, in) from the initialiser called ``name``."""
    try:
        initialiser = INITIALISERS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in INITIALISERS)
        raise ValueError(f"unknown init {name!r}; valid names are {valid}") from None
    for what, n in (("in_features", in_features), ("out_features", out_features)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return initialiser(int(out_features), int(in_features), rng)
