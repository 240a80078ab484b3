"""Optimisers: ``SGD`` (with momentum) and ``Adam``, for Tensor and Value parameters alike.

Each update is written once on "numbers" (NumPy arrays or Python floats, which share the
arithmetic) and written back in place: ``p.data -= step`` for a Tensor, so arrays keep
their identity, and a new float for a Value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any, Union

import numpy as np

from autograd_core import Tensor, Value
from autograd_core.inplace import mark_updated

__all__ = ["Optimizer", "SGD", "Adam"]

Param = Union[Tensor, Value]


def _check_param(p: Any, index: int) -> Param:
    if isinstance(p, Tensor):
        if not p.requires_grad or not p.is_leaf:
            raise ValueError(
                f"optimiser: parameter {index} must be a leaf Tensor with requires_grad=True "
                f"(got requires_grad={p.requires_grad}, is_leaf={p.is_leaf})"
            )
        return p
    if isinstance(p, Value):
        if not p.is_leaf or p.is_constant:
            raise ValueError(
                f"optimiser: parameter {index} must be a leaf Value, not a computed one"
            )
        return p
    raise TypeError(f"optimiser: parameter {index} is a {type(p).__name__}, not a Tensor or Value")


def _check_number(name: str, x: float, low: float, high: float = math.inf) -> float:
    if not (isinstance(x, numbers.Real) and not isinstance(x, bool) and low <= x < high):
        raise ValueError(f"{name} must be a number in [{low}, {high}), got {x!r}")
    return float(x)


class Optimizer:
    """Base: holds the parameters (each once) and clears their gradients."""

    def __init__(self, params: Iterable[Param]) -> None:
        if isinstance(params, (Tensor, Value)):
            raise TypeError("optimiser: pass an iterable of parameters, e.g. model.parameters()")
        unique: dict[int, Param] = {}
        for i, p in enumerate(params):
            unique.setdefault(id(p), _check_param(p, i))
        if not unique:
            raise ValueError("optimiser: got an empty list of parameters")
        self.params: list[Param] = list(unique.values())

    def zero_grad(self) -> None:
        """Reset every parameter's gradient (Tensor: None, Value: 0.0)."""
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError

    @staticmethod
    def _grad(p: Param) -> Any:
        """The gradient as numbers (array or float), or None if none has reached ``p``."""
        g = p.grad
        if isinstance(g, (Tensor, Value)):  # after backward(create_graph=True)
            g = g.data
        return g

    @staticmethod
    def _subtract(p: Param, step: Any) -> None:
        if isinstance(p, Tensor):
            p.data -= step
        else:
            p.data = float(p.data - step)
        mark_updated(p)  # as PyTorch's version counter: an older graph now refuses backward


class SGD(Optimizer):
    """Gradient descent: ``p -= lr * v`` with ``v = momentum * v + grad`` (``v = grad`` when
    momentum is 0), as in PyTorch."""

    def __init__(self, params: Iterable[Param], lr: float, momentum: float = 0.0) -> None:
        super().__init__(params)
        self.lr = _check_number("SGD lr", lr, 0.0)
        self.momentum = _check_number("SGD momentum", momentum, 0.0, 1.0)
        self._velocity: list[Any] = [None] * len(self.params)

    def step(self) -> None:
        """One update of every parameter that has a gradient."""
        lr, momentum = self.lr, self.momentum
        for i, p in enumerate(self.params):
            g = self._grad(p)
            if g is None:
                continue
            if momentum:
                v = self._velocity[i]
                if v is None:
                    # First step: v = grad, copied so that it never aliases .grad.
                    v = np.array(g) if isinstance(g, np.ndarray) else g
                else:
                    v = momentum * v + g
                self._velocity[i] = g = v
            self._subtract(p, lr * g)


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected moment estimates,
    ``p -= lr * m_hat / (sqrt(v_hat) + eps)``."""

    def __init__(
        self,
        params: Iterable[Param],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params)
        self.lr = _check_number("Adam lr", lr, 0.0)
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"Adam betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _check_number("Adam beta1", betas[0], 0.0, 1.0),
            _check_number("Adam beta2", betas[1], 0.0, 1.0),
        )
        self.eps = _check_number("Adam eps", eps, 0.0)
        n = len(self.params)
        self._m: list[Any] = [0.0] * n
        self._v: list[Any] = [0.0] * n
        self._t: list[int] = [0] * n  # per parameter: one without a gradient does not advance

    def step(self) -> None:
        """One update of every parameter that has a gradient."""
        beta1, beta2 = self.betas
        for i, p in enumerate(self.params):
            g = self._grad(p)
            if g is None:
                continue
            t = self._t[i] = self._t[i] + 1
            m = self._m[i] = beta1 * self._m[i] + (1 - beta1) * g
            v = self._v[i] = beta2 * self._v[i] + (1 - beta2) * (g * g)
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            root = np.sqrt(v_hat) if isinstance(v_hat, np.ndarray) else math.sqrt(v_hat)
            self._subtract(p, self.lr * m_hat / (root + self.eps))
