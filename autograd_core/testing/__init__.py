"""Tools to test differentiable code: finite-difference checks and hypothesis strategies.

``gradcheck``, ``gradgradcheck`` and ``numerical_grad`` need only NumPy. The strategies
(``values``, ``tensors``, ``broadcastable_shapes``, ``expressions`` and the domain helpers)
need hypothesis and are imported on first use.
"""

from __future__ import annotations

from typing import Any

from .gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_grad

_STRATEGIES = (
    "finite_floats",
    "positive_floats",
    "away_from",
    "values",
    "tensors",
    "broadcastable_shapes",
    "Expression",
    "expressions",
)

__all__ = ["GradcheckError", "numerical_grad", "gradcheck", "gradgradcheck", *_STRATEGIES]


def __getattr__(name: str) -> Any:
    # Strategies import hypothesis, which users of gradcheck alone need not install.
    if name in _STRATEGIES:
        from . import strategies

        return getattr(strategies, name)
    raise AttributeError(f"module 'autograd_core.testing' has no attribute {name!r}")
