"""Losses, as functions and as Modules, for Tensor predictions and for Values.

A prediction is a ``Tensor``, a ``Value``, or a (nested) list of Values; the target has
the same shape (numbers, an array or a Tensor). Shapes must match exactly: a (4, 1)
prediction against a (4,) target would silently broadcast to (4, 4), so it is an error.
Each loss is written once, elementwise, with operations Tensors and Values share.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Union

import numpy as np

from autograd_core import Tensor, Value

from .module import Module

__all__ = [
    "squared_error",
    "mse",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "SquaredErrorLoss",
    "MSELoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
]

Prediction = Union[Tensor, Value, Sequence[Any]]
Node = Union[Tensor, Value]


class _Pair(NamedTuple):
    pred: Any  # a Tensor, or a flat list of Values
    target: Any  # an array or Tensor of pred's shape, or a flat list of numbers/Values
    examples: int  # m: size of the first axis (1 for a single number)
    elements: int  # number of elements


def _value_array(x: Any, name: str) -> np.ndarray:
    """A Value or nested list of Values as an object array (for its shape)."""
    array = np.empty((), dtype=object)
    array[()] = x
    if not isinstance(x, Value):
        try:
            array = np.array(x, dtype=object)
        except ValueError as exc:
            raise ValueError(f"{name}: predictions must form a regular array: {exc}") from None
    for item in array.flat:
        if not isinstance(item, Value):
            raise TypeError(
                f"{name}: predictions must be a Tensor, a Value or a list of Values, found "
                f"{type(item).__name__}"
            )
    return array


def _mismatch(name: str, pred_shape: tuple[int, ...], target_shape: tuple[int, ...]) -> ValueError:
    return ValueError(
        f"{name}: prediction shape {pred_shape} and target shape {target_shape} differ; "
        "reshape one so they match exactly (no broadcasting between them)"
    )


def _empty(name: str, what: str, shape: tuple[int, ...]) -> ValueError:
    return ValueError(
        f"{name}: {what} of shape {shape} hold no elements, and a loss over an empty batch is "
        "undefined (a mean of nothing); pass at least one example"
    )


def _pair(pred: Prediction, target: Any, name: str) -> _Pair:
    """Prediction and target checked to have one shape, in the form the loss needs."""
    if isinstance(pred, Tensor):
        if isinstance(target, Value):
            raise TypeError(f"{name}: a Tensor prediction needs an array target, not a Value")
        tgt = target if isinstance(target, Tensor) else np.asarray(target, dtype=pred.dtype)
        if tgt.shape != pred.shape:
            raise _mismatch(name, pred.shape, tgt.shape)
        if pred.size == 0:
            raise _empty(name, "predictions", pred.shape)
        return _Pair(pred, tgt, pred.shape[0] if pred.ndim else 1, pred.size)
    preds = _value_array(pred, name)
    if isinstance(target, Tensor):
        target = target.data
    targets = _value_array(target, name) if _has_value(target) else np.asarray(target, dtype=float)
    if targets.shape != preds.shape:
        raise _mismatch(name, preds.shape, targets.shape)
    if preds.size == 0:
        raise _empty(name, "predictions", preds.shape)
    flat_targets = [t if isinstance(t, Value) else float(t) for t in targets.flat]
    return _Pair(list(preds.flat), flat_targets, preds.shape[0] if preds.ndim else 1, preds.size)


def _has_value(x: Any) -> bool:
    if isinstance(x, Value):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_value(item) for item in x)
    return False


def _total(pair: _Pair, element: Callable[[Any, Any], Any]) -> Node:
    """Sum of ``element(prediction, target)`` over all elements."""
    if isinstance(pair.pred, Tensor):
        return element(pair.pred, pair.target).sum()  # type: ignore[no-any-return]
    # Left to right from the first term: no extra constant-zero node in a drawn graph.
    return functools.reduce(operator.add, (element(p, t) for p, t in zip(pair.pred, pair.target)))


def _mean(pair: _Pair, element: Callable[[Any, Any], Any]) -> Node:
    if isinstance(pair.pred, Tensor):
        return element(pair.pred, pair.target).mean()  # type: ignore[no-any-return]
    return _total(pair, element) / pair.elements


def _square_diff(p: Any, t: Any) -> Any:
    return (t - p) ** 2


def squared_error(pred: Prediction, target: Any) -> Node:
    """The blog's cost ``(1 / (2m)) * sum((target - pred) ** 2)``, m = number of examples
    (the first axis: batch-first)."""
    pair = _pair(pred, target, "squared_error")
    return (1 / (2 * pair.examples)) * _total(pair, _square_diff)


def mse(pred: Prediction, target: Any) -> Node:
    """Mean squared error: the mean over all elements of ``(target - pred) ** 2``."""
    return _mean(_pair(pred, target, "mse"), _square_diff)


def _log(x: Any) -> Any:
    if isinstance(x, Tensor):
        # Keep log finite (and warning-free) at probabilities of exactly 0 or 1 by squeezing
        # [0, 1] into [eps, 1 - eps]: unlike clipping, this keeps a gradient there, so a
        # confidently wrong prediction (sigmoid saturated at 1.0) still learns.
        eps = float(np.finfo(x.dtype).eps)
        return (x * (1 - 2 * eps) + eps).log()
    return x.log()


def _bce(p: Any, t: Any) -> Any:
    return -(t * _log(p) + (1 - t) * _log(1 - p))


def binary_cross_entropy(pred: Prediction, target: Any) -> Node:
    """Mean of ``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` in (0, 1).

    Tensor probabilities are squeezed into [eps, 1 - eps] inside the logs; a Value of exactly
    0 or 1 is a ValueError. From logits, ``binary_cross_entropy_with_logits`` is stabler.
    """
    return _mean(_pair(pred, target, "binary_cross_entropy"), _bce)


def _bce_logits(x: Any, t: Any) -> Any:
    # softplus(x) - x*t, with softplus(x) = max(x, 0) + log(1 + exp(-|x|)) so that exp never
    # overflows. max(x, 0) - x*t is written x*(0.5 - t) + |x|*0.5: no intermediate exceeds
    # |x| (x + |x| overflows at x = 1e308), and abs's derivative of 0 at x = 0 makes the
    # gradient there the true sigmoid(0) - t. log(1 + e) rather than a log1p, which Value
    # and Tensor lack: its absolute error stays below one ulp of 1, and its gradient
    # e / (1 + e) is accurate, so d/dx is sigmoid(x) - t for every finite x.
    a = abs(x)
    return x * (0.5 - t) + a * 0.5 + (1 + (-a).exp()).log()


def binary_cross_entropy_with_logits(logits: Prediction, target: Any) -> Node:
    """Binary cross-entropy of ``sigmoid(logits)``, stable for every finite logit (no
    overflow or warning at +-1e308)."""
    return _mean(_pair(logits, target, "binary_cross_entropy_with_logits"), _bce_logits)


def _class_indices(target: Any, examples: int, classes: int) -> np.ndarray:
    raw = np.asarray(target.data if isinstance(target, Tensor) else target)
    if raw.dtype.kind == "f" and np.all(raw == np.round(raw)):
        raw = raw.astype(np.int64)
    if raw.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: targets must be integer class indices, got dtype {raw.dtype}"
        )
    if raw.shape != (examples,):
        raise ValueError(
            f"cross_entropy: logits of shape ({examples}, {classes}) need targets of shape "
            f"({examples},) (one class index per example), got {raw.shape}"
        )
    if raw.size and (raw.min() < 0 or raw.max() >= classes):
        raise ValueError(f"cross_entropy: class indices must lie in [0, {classes}), got {raw}")
    return raw


def cross_entropy(logits: Prediction, target: Any) -> Node:
    """Softmax cross-entropy: mean over examples of ``-log softmax(logits)[target]``.

    ``logits`` has shape (N, C) (or (C,) for one example) and ``target`` holds N integer
    class indices. Stable for large logits.
    """
    if isinstance(logits, Tensor):
        x = logits if logits.ndim == 2 else logits.reshape(1, -1) if logits.ndim == 1 else None
        if x is None:
            raise ValueError(
                f"cross_entropy: logits must have shape (N, C) or (C,), got {logits.shape}"
            )
        n, c = x.shape
        if n == 0 or c == 0:
            raise _empty("cross_entropy", "logits", logits.shape)
        index = _class_indices(np.reshape(target, -1) if logits.ndim == 1 else target, n, c)
        return -(x.log_softmax(axis=-1)[np.arange(n), index].mean())
    rows = _value_array(logits, "cross_entropy")
    if rows.size == 0:
        raise _empty("cross_entropy", "logits", rows.shape)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
        target = np.reshape(np.asarray(target), -1)
    if rows.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (N, C) or (C,), got {rows.shape}")
    n, c = rows.shape
    index = _class_indices(target, n, c)
    losses = []
    for row, k in zip(rows, index):
        # Shift by the largest logit (a constant) so exp never overflows, and subtract the
        # shifted target logit: log(sum) + top - row[k] would lose log(sum) to rounding
        # when top is large (at 1e308 it is absorbed whole).
        top = max(v.data for v in row)
        shifted = [v - top for v in row]
        total = functools.reduce(operator.add, (v.exp() for v in shifted))
        losses.append(total.log() - shifted[k])
    return functools.reduce(operator.add, losses) / n


class _Loss(Module):
    """A loss function as a Module: ``loss(pred, target)``; its nodes carry the loss's scope."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """The loss of ``pred`` against ``target``."""
        raise NotImplementedError


class SquaredErrorLoss(_Loss):
    """``squared_error`` as a Module (the blog's cost)."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """``squared_error(pred, target)``."""
        return squared_error(pred, target)


class MSELoss(_Loss):
    """``mse`` as a Module."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """``mse(pred, target)``."""
        return mse(pred, target)


class BCELoss(_Loss):
    """``binary_cross_entropy`` as a Module."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """``binary_cross_entropy(pred, target)``."""
        return binary_cross_entropy(pred, target)


class BCEWithLogitsLoss(_Loss):
    """``binary_cross_entropy_with_logits`` as a Module."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """``binary_cross_entropy_with_logits(pred, target)``."""
        return binary_cross_entropy_with_logits(pred, target)


class CrossEntropyLoss(_Loss):
    """``cross_entropy`` as a Module."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """``cross_entropy(pred, target)``."""
        return cross_entropy(pred, target)
