"""Checks of the layers' arguments, with PyTorch's spellings: a positive int, and an int
or a pair of ints (``kernel_size=3`` or ``(3, 2)``). Errors name the layer and argument."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Pair", "pair", "positive_int"]

Pair = tuple[int, int]


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def positive_int(value: Any, what: str, layer: str) -> int:
    """``value`` as an int if it is one >= 1, else a ValueError naming ``layer`` and ``what``."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{layer}: {what} must be a positive int, got {value!r}")
    return int(value)


def pair(value: Any, what: str, layer: str, minimum: int = 1) -> Pair:
    """``(v, v)`` from an int, ``(a, b)`` from a pair; a ValueError naming ``layer`` and the
    argument ``what`` for anything else or a number below ``minimum``."""
    items = (value, value) if isinstance(value, (int, np.integer)) else value
    if (
        not isinstance(items, (tuple, list))
        or len(items) != 2
        or not all(_is_int(v) for v in items)
        or min(items) < minimum
    ):
        raise ValueError(
            f"{layer}: {what} must be an int or a pair of ints >= {minimum}, got {value!r}"
        )
    return int(items[0]), int(items[1])
