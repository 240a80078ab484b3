"""Weight initialisers, as in the seed blog's ``initialize_parameters``.

Weights have shape (out_features, in_features). With ``rng=None`` they are drawn from
NumPy's global stream (``np.random.randn``), so ``np.random.seed(48)`` followed by the
layers in construction order reproduces the blog's weights exactly; a
``numpy.random.Generator`` (or ``RandomState``) may be passed instead. Biases are zero and
draw nothing, so they never shift the stream.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

import numpy as np

__all__ = ["RNG", "plain", "xavier", "he", "zeros", "weights", "INITIALISERS", "uniform", "normal"]

RNG = Union[np.random.Generator, np.random.RandomState, None]


def _randn(rng: RNG, out_features: int, in_features: int) -> np.ndarray:
    """Standard normal samples of shape (out, in) from ``rng`` or the global stream."""
    # standard_normal draws what np.random.randn does from the same stream: the blog's
    # weights are unchanged.
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


def zeros(*shape: int) -> np.ndarray:
    """Zeros of ``shape`` (float64); draws nothing from any random stream."""
    return np.zeros(shape)


INITIALISERS: dict[str, Callable[[int, int, RNG], np.ndarray]] = {
    "plain": plain,
    "xavier": xavier,
    "he": he,
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


def uniform(shape: tuple[int, ...], bound: float, rng: RNG = None) -> np.ndarray:
    """Samples of U(-bound, bound) of ``shape`` from ``rng`` or NumPy's global stream (PyTorch
    draws convolution weights and biases so, with bound 1/sqrt(fan_in))."""
    return _stream(rng).uniform(-bound, bound, shape)  # type: ignore[no-any-return]


def normal(shape: tuple[int, ...], rng: RNG = None) -> np.ndarray:
    """Standard normal samples of ``shape`` from ``rng`` or NumPy's global stream (PyTorch
    draws embeddings so)."""
    return _stream(rng).standard_normal(shape)  # type: ignore[no-any-return]


def _stream(rng: RNG) -> Any:
    """The object to draw from: NumPy's global stream for None, else ``rng`` itself."""
    if rng is None:
        return np.random
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    raise TypeError(
        f"rng must be None, a numpy.random.Generator or a RandomState, got {type(rng).__name__}"
    )
