"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and state dicts, as
PyTorch's ``torch.optim.Optimizer``, for Tensor and Value parameters alike.

An optimiser's update is written once on "numbers" (NumPy arrays for Tensors, Python floats
for Values, which share the arithmetic) and written back in place: ``p.data -= step`` for
a Tensor, so arrays keep their identity, and a new float for a Value; either way the
parameter is stamped as updated, so a graph built before the step refuses to backward.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any, Union

import numpy as np

from autograd_core import Tensor, Value, enable_grad
from autograd_core.inplace import mark_updated

from ..module import zero_grads

__all__ = ["Optimizer", "Param", "ParamsArg", "check_number"]

Param = Union[Tensor, Value]
# An iterable of parameters, of (name, parameter) pairs (``named_parameters()``), or of
# parameter-group dicts ({"params": [...], "lr": ...}).
ParamsArg = Union[Iterable[Param], Iterable[tuple[str, Param]], Iterable[dict[str, Any]]]


def _check_param(p: Any, where: str) -> Param:
    if isinstance(p, Tensor):
        if not p.requires_grad or not p.is_leaf:
            raise ValueError(
                f"optimiser: {where} must be a leaf Tensor with requires_grad=True "
                f"(got requires_grad={p.requires_grad}, is_leaf={p.is_leaf})"
            )
        return p
    if isinstance(p, Value):
        if not p.is_leaf or p.is_constant:
            raise ValueError(f"optimiser: {where} must be a leaf Value, not a computed one")
        return p
    raise TypeError(f"optimiser: {where} is a {type(p).__name__}, not a Tensor or Value")


def check_number(name: str, x: Any, low: float, high: float = math.inf) -> float:
    """``x`` as a float if it is a real number in [low, high); else a ValueError naming it."""
    if not (isinstance(x, numbers.Real) and not isinstance(x, bool) and low <= float(x) < high):
        raise ValueError(f"{name} must be a number in [{low}, {high}), got {x!r}")
    return float(x)


def _numbers(x: Any) -> Any:
    """A gradient or state entry as numbers: an array or a float (a copy, never an alias)."""
    if isinstance(x, (Tensor, Value)):  # a gradient after backward(create_graph=True)
        x = x.data
    return np.array(x) if isinstance(x, np.ndarray) else x


class Optimizer:
    """Base of the optimisers: ``param_groups`` (dicts of parameters and hyperparameters,
    which schedulers and users may change between steps), ``state`` (per parameter),
    ``zero_grad``, ``step`` and ``state_dict``/``load_state_dict``.

    Subclasses give their ``defaults``, check a group in ``_check_group`` and update one
    parameter in ``_update``.
    """

    def __init__(self, params: ParamsArg, defaults: dict[str, Any]) -> None:
        if isinstance(params, (Tensor, Value)):
            raise TypeError("optimiser: pass an iterable of parameters, e.g. model.parameters()")
        if isinstance(params, dict):
            raise TypeError("optimiser: pass a list of parameter groups, e.g. [{'params': ...}]")
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Param, dict[str, Any]] = {}
        items = list(params)
        if not items:
            raise ValueError("optimiser: got an empty list of parameters")
        dicts = [isinstance(item, dict) for item in items]
        if any(dicts) and not all(dicts):
            raise TypeError(
                "optimiser: pass either parameters or parameter groups {'params': [...], "
                "'lr': ...}, not a mix"
            )
        groups: list[Any] = items if dicts[0] else [{"params": items}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with hyperparameters that default to the optimiser's."""
        index = len(self.param_groups)
        if not isinstance(param_group, dict):
            raise TypeError(
                f"optimiser: parameter group {index} is a {type(param_group).__name__}; pass "
                "either parameters or dicts {'params': [...], 'lr': ...}, not a mix"
            )
        if "params" not in param_group:
            raise ValueError(f"optimiser: parameter group {index} has no 'params' entry")
        raw = param_group["params"]
        raw = [raw] if isinstance(raw, (Tensor, Value)) else list(raw)
        named = [isinstance(item, tuple) for item in raw]
        if any(named) and not all(named):
            raise TypeError(
                f"optimiser: parameter group {index} mixes (name, parameter) pairs and parameters"
            )
        names = [item[0] for item in raw] if raw and named[0] else None
        params = [item[1] for item in raw] if names is not None else raw
        unique: dict[int, Param] = {}  # a parameter listed twice is updated once
        for i, p in enumerate(params):
            unique.setdefault(id(p), _check_param(p, f"parameter {i} of group {index}"))
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if taken & unique.keys():
            raise ValueError("optimiser: some parameters appear in more than one parameter group")
        group = {**self.defaults, **param_group, "params": list(unique.values())}
        if names is not None:
            group["param_names"] = list(dict.fromkeys(names))
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Raise if one of the group's hyperparameters is out of range."""

    @property
    def params(self) -> list[Param]:
        """Every parameter, group by group."""
        return [p for group in self.param_groups for p in group["params"]]

    # ------------------------------------------------------------------ gradients
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``grad = None``, as PyTorch's default, so that
        ``step`` skips a parameter no gradient reached), or with ``set_to_none=False`` set it
        to zero (a fresh zero array for a Tensor, 0.0 for a Value)."""
        zero_grads(self.params, set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; with ``closure`` (which recomputes and
        backpropagates the loss) call it first and return its loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                g = g.data if isinstance(g, (Tensor, Value)) else g
                self._update(p, g, self.state.setdefault(p, {}), group)
        return loss

    def _update(self, p: Param, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Update ``p`` from its gradient (numbers), its state and its group's settings."""
        raise NotImplementedError

    @staticmethod
    def _subtract(p: Param, step: Any) -> None:
        """``p -= step`` in place, stamped as an in-place update."""
        if isinstance(p, Tensor):
            p.data -= step
        else:
            p.data = float(p.data - step)
        mark_updated(p)  # as PyTorch's version counter: an older graph now refuses backward

    @staticmethod
    def _scale(p: Param, factor: float) -> None:
        """``p *= factor`` in place (decoupled weight decay), stamped as an update."""
        if isinstance(p, Tensor):
            p.data *= factor
        else:
            p.data = float(p.data * factor)
        mark_updated(p)

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """The state and hyperparameters, parameters named by their index (PyTorch's layout:
        ``{"state": {0: {...}}, "param_groups": [{"lr": ..., "params": [0, 1]}]}``); a copy."""
        index = {id(p): i for i, p in enumerate(self.params)}
        groups = []
        for group in self.param_groups:
            entry = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            entry["params"] = [index[id(p)] for p in group["params"]]
            groups.append(entry)
        state = {
            index[id(p)]: {k: _numbers(v) for k, v in entries.items()}
            for p, entries in self.state.items()
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take hyperparameters and state from ``state_dict`` (from ``state_dict()`` of an
        optimiser over parameters of the same shapes). Everything is checked first: on an
        error nothing has changed."""
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= state_dict.keys():
            raise ValueError(
                "load_state_dict: expected a dict with 'state' and 'param_groups', as "
                "optimizer.state_dict() gives"
            )
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"load_state_dict: the state has {len(saved_groups)} parameter groups, this "
                f"optimiser {len(self.param_groups)}"
            )
        by_index: dict[Any, Param] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"load_state_dict: group {i} holds {len(saved['params'])} parameters in the "
                    f"state and {len(group['params'])} in this optimiser"
                )
            by_index.update(zip(saved["params"], group["params"]))
        new_state: dict[Param, dict[str, Any]] = {}
        for key, entries in state_dict["state"].items():
            if key not in by_index:
                raise ValueError(
                    f"load_state_dict: state for parameter {key!r}, which no group has"
                )
            p = by_index[key]
            new_state[p] = {name: _fit(value, p, name, key) for name, value in entries.items()}
        groups = []
        for saved, group in zip(saved_groups, self.param_groups):
            merged = {k: copy.deepcopy(v) for k, v in saved.items() if k != "params"}
            merged["params"] = group["params"]
            self._check_group(merged)
            groups.append(merged)
        self.param_groups = groups
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"


def _fit(value: Any, p: Param, name: str, key: Any) -> Any:
    """A state entry for ``p``: an array of ``p``'s shape and dtype, a float for a Value."""
    value = _numbers(value)
    if not isinstance(value, np.ndarray):
        return value  # a count or a number (Adam's step)
    if isinstance(p, Tensor):
        if value.shape == p.data.shape:
            return value.astype(p.data.dtype, copy=True)
    elif value.shape == ():
        return float(value)
    shape = p.data.shape if isinstance(p, Tensor) else ()
    raise ValueError(
        f"load_state_dict: state {name!r} of parameter {key!r} has shape {value.shape}, the "
        f"parameter {shape}"
    )
