"""``Adam`` and ``AdamW`` (Kingma & Ba; Loshchilov & Hutter), with AMSGrad, L2 or decoupled
weight decay and ``maximize``, in PyTorch's order of operations."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .optimizer import Optimizer, Param, ParamsArg, check_number

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Bias-corrected moment estimates: ``m = lerp(m, g, 1 - beta1)``,
    ``v = beta2 v + (1 - beta2) g^2``, ``p -= lr / (1 - beta1^t) * m / (sqrt(v) /
    sqrt(1 - beta2^t) + eps)`` (with AMSGrad, the largest ``v`` so far). ``weight_decay``
    adds ``weight_decay * p`` to the gradient, or with ``decoupled_weight_decay`` (AdamW)
    scales ``p`` by ``1 - lr * weight_decay`` first."""

    _name = "Adam"

    def __init__(
        self,
        params: ParamsArg,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_number(f"{name} lr", group["lr"], 0.0)
        betas = group["betas"]
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"{name} betas must be a pair (beta1, beta2), got {betas!r}")
        check_number(f"{name} beta1", betas[0], 0.0, 1.0)
        check_number(f"{name} beta2", betas[1], 0.0, 1.0)
        check_number(f"{name} eps", group["eps"], 0.0)
        check_number(f"{name} weight_decay", group["weight_decay"], 0.0)

    def _update(self, p: Param, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        g = -grad if group["maximize"] else grad
        if decay:
            if group["decoupled_weight_decay"]:
                self._scale(p, 1 - lr * decay)
            else:
                g = g + decay * p.data
        if not state:
            zero = np.zeros_like(p.data) if isinstance(p.data, np.ndarray) else 0.0
            state.update(step=0, exp_avg=zero, exp_avg_sq=zero)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zero
        step = state["step"] = state["step"] + 1
        m = state["exp_avg"] = state["exp_avg"] + (1 - beta1) * (g - state["exp_avg"])
        v = state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * (g * g)
        if group["amsgrad"]:
            v = state["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)
        root = np.sqrt(v) if isinstance(v, np.ndarray) else math.sqrt(v)
        denom = root / math.sqrt(1 - beta2**step) + group["eps"]
        self._subtract(p, lr / (1 - beta1**step) * (m / denom))


class AdamW(Adam):
    """Adam with decoupled weight decay (PyTorch's ``torch.optim.AdamW``: default
    ``weight_decay=1e-2``): ``p *= 1 - lr * weight_decay`` before the Adam step."""

    _name = "AdamW"

    def __init__(
        self,
        params: ParamsArg,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )
