"""``RMSprop`` (Hinton), plain or centered, with momentum, weight decay and ``maximize``,
in PyTorch's order of operations."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Param, ParamsArg, check_number

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """``s = alpha s + (1 - alpha) g^2``; ``p -= lr * g / (sqrt(s) + eps)``. ``centered``
    subtracts the square of the running mean gradient from ``s`` inside the root;
    ``momentum`` keeps ``buf = momentum buf + g / (...)`` (from zero) and steps by it."""

    def __init__(
        self,
        params: ParamsArg,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_number("RMSprop lr", group["lr"], 0.0)
        check_number("RMSprop alpha", group["alpha"], 0.0)
        check_number("RMSprop eps", group["eps"], 0.0)
        check_number("RMSprop weight_decay", group["weight_decay"], 0.0)
        check_number("RMSprop momentum", group["momentum"], 0.0)

    def _update(self, p: Param, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        g = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        if not state:
            zero = np.zeros_like(p.data) if isinstance(p.data, np.ndarray) else 0.0
            state.update(step=0, square_avg=zero)
            if momentum > 0:
                state["momentum_buffer"] = zero
            if group["centered"]:
                state["grad_avg"] = zero
        state["step"] += 1
        s = state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * (g * g)
        if group["centered"]:
            mean = state["grad_avg"] = state["grad_avg"] + (1 - alpha) * (g - state["grad_avg"])
            s = s - mean * mean
        denom = np.sqrt(s) + group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"] = momentum * state["momentum_buffer"] + g / denom
            self._subtract(p, group["lr"] * buf)
        else:
            self._subtract(p, group["lr"] * (g / denom))
