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
from typing import Union

import numpy as np

__all__ = ["RNG", "plain", "xavier", "he", "uniform", "zeros", "weights", "INITIALISERS"]

RNG = Union[np.random.Generator, np.random.RandomState, random.Random, None]


def _bad_rng(rng: object) -> TypeError:
    return TypeError(
        "rng must be None, a numpy.random.Generator, a RandomState or a random.Random, got "
        f"{type(rng).__name__}"
    )


def _one_at_a_time(draw: Callable[[], float], out_features: int, in_features: int) -> np.ndarray:
    """(out, in) numbers from a Python stream, row by row (micrograd's order)."""
    return np.array(
        [[draw() for _ in range(in_features)] for _ in range(out_features)], dtype=np.float64
    )


def _randn(rng: RNG, out_features: int, in_features: int) -> np.ndarray:
    """Standard normal samples of shape (out, in) from ``rng`` or the global stream."""
    if rng is None:
        return np.random.randn(out_features, in_features)
    if isinstance(rng, np.random.Generator):
        return rng.standard_normal((out_features, in_features))
    if isinstance(rng, np.random.RandomState):
        return rng.randn(out_features, in_features)
    if isinstance(rng, random.Random):
        return _one_at_a_time(lambda: rng.gauss(0.0, 1.0), out_features, in_features)
    raise _bad_rng(rng)


def plain(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """Small random weights: ``randn(out, in) * 0.01``."""
    return _randn(rng, out_features, in_features) * 0.01


def xavier(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """Xavier/Glorot (variance 1/in): ``randn(out, in) / sqrt(in)``."""
    return _randn(rng, out_features, in_features) / np.sqrt(in_features)


def he(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """He/Kaiming (variance 2/in, for ReLU): ``randn(out, in) * sqrt(2 / in)``."""
    return _randn(rng, out_features, in_features) * np.sqrt(2 / in_features)


def uniform(out_features: int, in_features: int, rng: RNG = None) -> np.ndarray:
    """micrograd's weights: uniform on [-1, 1) (``random.uniform(-1, 1)`` per weight)."""
    shape = (out_features, in_features)
    if rng is None:
        return np.random.uniform(-1.0, 1.0, shape)
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng.uniform(-1.0, 1.0, shape)
    if isinstance(rng, random.Random):
        return _one_at_a_time(lambda: rng.uniform(-1.0, 1.0), out_features, in_features)
    raise _bad_rng(rng)


def zeros(*shape: int) -> np.ndarray:
    """Zeros of ``shape`` (float64); draws nothing from any random stream."""
    return np.zeros(shape)


INITIALISERS: dict[str, Callable[[int, int, RNG], np.ndarray]] = {
    "plain": plain,
    "xavier": xavier,
    "he": he,
    "uniform": uniform,
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
