"""``SGD``: stochastic gradient descent with momentum, dampening, Nesterov momentum, L2
weight decay and ``maximize``, exactly as PyTorch's ``torch.optim.SGD``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, Param, ParamsArg, check_number

__all__ = ["SGD"]


class SGD(Optimizer):
    """``p -= lr * d`` with ``d = grad + weight_decay * p`` (negated when ``maximize``);
    with momentum, ``buf = d`` at the first step and ``buf = momentum * buf +
    (1 - dampening) * d`` after, and ``d = buf`` (``d + momentum * buf`` for Nesterov)."""

    def __init__(
        self,
        params: ParamsArg,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_number("SGD lr", group["lr"], 0.0)
        # Momentum 1 or more never forgets a gradient and diverges; PyTorch allows it.
        check_number("SGD momentum", group["momentum"], 0.0, 1.0)
        check_number("SGD dampening", group["dampening"], -np.inf)
        check_number("SGD weight_decay", group["weight_decay"], 0.0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p: Param, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        d = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p.data
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                # First step: the buffer is the step itself, copied so it never aliases .grad.
                buf = np.array(d) if isinstance(d, np.ndarray) else d
            else:
                buf = momentum * buf + (1 - group["dampening"]) * d
            state["momentum_buffer"] = buf
            d = d + momentum * buf if group["nesterov"] else buf
        self._subtract(p, group["lr"] * d)
