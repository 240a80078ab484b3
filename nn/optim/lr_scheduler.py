"""Learning-rate schedules, as PyTorch's ``torch.optim.lr_scheduler``: ``StepLR``,
``ExponentialLR``, ``CosineAnnealingLR`` and ``LambdaLR``.

A scheduler writes each parameter group's ``"lr"``; call ``scheduler.step()`` once per
epoch, after ``optimizer.step()``. As in PyTorch, constructing one takes the first step
(``last_epoch`` becomes 0), and ``StepLR``, ``ExponentialLR`` and ``CosineAnnealingLR``
update the current ``lr`` recursively (so that they compose with a change made to the
group in between); untouched, they give the closed forms ``base_lr * gamma ** (epoch //
step_size)``, ``base_lr * gamma ** epoch`` and ``eta_min + (base_lr - eta_min) (1 +
cos(pi epoch / T_max)) / 2`` up to rounding.
"""

from __future__ import annotations

import math
import numbers
import types
from collections.abc import Callable, Sequence
from typing import Any, Union

from .optimizer import Optimizer, check_number

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR"]


class LRScheduler:
    """Base of the schedules: ``step()``, ``get_last_lr()``, ``last_epoch``, ``base_lrs``
    (each group's ``"initial_lr"``) and ``state_dict``/``load_state_dict``."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer"
            )
        if not isinstance(last_epoch, int) or last_epoch < -1:
            raise ValueError(
                f"{type(self).__name__}: last_epoch must be an int >= -1, got {last_epoch!r}"
            )
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs "
                    f"param_groups[{i}]['initial_lr'] (the learning rate the schedule started "
                    "from); load the optimiser's state dict first, or pass last_epoch=-1"
                )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True  # PyTorch's first step keeps the learning rates as they are
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for epoch ``last_epoch`` (called by ``step``)."""
        raise NotImplementedError

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and write the new learning rate into every group."""
        if epoch is not None:
            raise TypeError(
                f"{type(self).__name__}.step(epoch) is deprecated in PyTorch and not supported "
                "here; call step() once per epoch (or build the scheduler with last_epoch=...)"
            )
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last ``step`` wrote, one per parameter group."""
        return list(self._last_lr)

    def _current(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimiser (PyTorch's layout)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        self.__dict__.update(state_dict)


def _check_int(name: str, x: Any) -> int:
    if not (isinstance(x, numbers.Integral) and not isinstance(x, bool) and int(x) > 0):
        raise ValueError(f"{name} must be a positive integer, got {x!r}")
    return int(x)


class StepLR(LRScheduler):
    """Multiply each learning rate by ``gamma`` every ``step_size`` epochs."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = _check_int("StepLR step_size", step_size)
        self.gamma = check_number("StepLR gamma", gamma, 0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates, times ``gamma`` at each multiple of ``step_size``."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class ExponentialLR(LRScheduler):
    """Multiply each learning rate by ``gamma`` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_number("ExponentialLR gamma", gamma, 0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current rates times ``gamma``."""
        if self._is_initial:
            return self._current()
        return [lr * self.gamma for lr in self._current()]


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from each group's initial rate down to ``eta_min`` over ``T_max``
    epochs (and back up over the next ``T_max``, as PyTorch's, without restarts)."""

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = _check_int("CosineAnnealingLR T_max", T_max)
        self.eta_min = check_number("CosineAnnealingLR eta_min", eta_min, 0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """PyTorch's recursive form of the cosine schedule."""
        if self._is_initial:
            return self._current()
        t, period, low = self.last_epoch, self.T_max, self.eta_min
        if (t - 1 - period) % (2 * period) == 0:
            # Leaving the bottom of the cosine: the ratio below would divide by 1 + cos(pi) = 0.
            rise = (1 - math.cos(math.pi / period)) / 2
            return [lr + (base - low) * rise for lr, base in zip(self._current(), self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / period)) / (1 + math.cos(math.pi * (t - 1) / period))
        return [ratio * (lr - low) + low for lr in self._current()]


LrLambda = Callable[[int], float]


class LambdaLR(LRScheduler):
    """Each group's rate is its initial rate times ``lr_lambda(epoch)`` (one function for
    every group, or a list with one per group)."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Union[LrLambda, Sequence[LrLambda]],
        last_epoch: int = -1,
    ) -> None:
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(
                    f"LambdaLR: expected {groups} lr_lambdas (one per parameter group), got "
                    f"{len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups  # type: ignore[list-item]
        if not all(callable(f) for f in self.lr_lambdas):
            raise TypeError(
                "LambdaLR: lr_lambda must be a function of the epoch (or a list of them)"
            )
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """``base_lr * lr_lambda(last_epoch)`` for each group."""
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict[str, Any]:
        """As the base, with each lambda's attributes only if it is a callable object (a
        function or lambda cannot be saved), as PyTorch."""
        state = {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}
        state["lr_lambdas"] = [
            None if isinstance(f, types.FunctionType) else dict(vars(f)) for f in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned (the lambdas themselves stay)."""
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        super().load_state_dict(state)
        for f, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                vars(f).update(attributes)
