"""Losses, as functions and as Modules, for Tensor predictions and for Values.

A prediction is a ``Tensor``, a ``Value``, or a (nested) list of Values; the target has
the same shape (numbers, an array or a Tensor). Shapes must match exactly: a (4, 1)
prediction against a (4,) target would silently broadcast to (4, 4), so it is an error.
Each loss is written once, elementwise, with operations Tensors and Values share.

The PyTorch-named functions (``mse_loss``, ``l1_loss``, ``smooth_l1_loss``, ``huber_loss``,
``binary_cross_entropy[_with_logits]``, ``nll_loss``, ``cross_entropy``) take PyTorch's
arguments in PyTorch's order: ``reduction`` ("mean", "sum" or "none"), ``weight``,
``ignore_index``, ``label_smoothing``, ``pos_weight``, ``beta``/``delta``. The deprecated
``size_average``/``reduce`` keep their places but are refused with the ``reduction`` to
write instead. Two deliberate differences, both errors rather than silent numbers: a mean
over nothing (an empty batch, every target ignored, or weights summing to 0) is a
ValueError where PyTorch returns nan, and a prediction and target of different shapes are
an error where PyTorch warns and broadcasts.
"""

from __future__ import annotations

import functools
import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Union

import numpy as np

from autograd_core import Tensor, Value, on_data

from .module import Module

__all__ = [
    "squared_error",
    "mse",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "nll_loss",
    "cross_entropy",
    "SquaredErrorLoss",
    "MSELoss",
    "L1Loss",
    "SmoothL1Loss",
    "HuberLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "NLLLoss",
    "CrossEntropyLoss",
]

Prediction = Union[Tensor, Value, Sequence[Any]]
Node = Union[Tensor, Value]
# What a loss returns: a 0-d Tensor or a Value, or for reduction="none" the per-element
# losses (a Tensor, or Values nested as the prediction's lists were).
LossResult = Any
REDUCTIONS = ("mean", "sum", "none")


class _Pair(NamedTuple):
    pred: Any  # a Tensor, or a flat list of Values
    target: Any  # an array or Tensor of pred's shape, or a flat list of numbers/Values
    examples: int  # m: size of the first axis (1 for a single number)
    elements: int  # number of elements
    shape: tuple[int, ...]  # the prediction's shape


def _reduction(name: str, reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    """``reduction`` checked; the deprecated ``size_average``/``reduce`` are refused."""
    if size_average is not None or reduce is not None:
        raise TypeError(
            f"{name}: size_average and reduce are deprecated (in PyTorch too) and not "
            "supported; write reduction='mean', 'sum' or 'none' instead"
        )
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


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
        return _Pair(pred, tgt, pred.shape[0] if pred.ndim else 1, pred.size, pred.shape)
    preds = _value_array(pred, name)
    if isinstance(target, Tensor):
        target = target.data
    targets = _value_array(target, name) if _has_value(target) else np.asarray(target, dtype=float)
    if targets.shape != preds.shape:
        raise _mismatch(name, preds.shape, targets.shape)
    if preds.size == 0:
        raise _empty(name, "predictions", preds.shape)
    flat_targets = [t if isinstance(t, Value) else float(t) for t in targets.flat]
    examples = preds.shape[0] if preds.ndim else 1
    return _Pair(list(preds.flat), flat_targets, examples, preds.size, preds.shape)


def _has_value(x: Any) -> bool:
    if isinstance(x, Value):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_value(item) for item in x)
    return False


def _constant(name: str, what: str, x: Any, dtype: Any) -> np.ndarray:
    """A weight argument as a float array; a Tensor that requires grad is refused, since
    the loss treats its weights as constants."""
    if isinstance(x, Tensor):
        if x.requires_grad:
            raise TypeError(
                f"{name}: {what} is a constant here and gets no gradient; pass "
                f"{what}.detach() (or a plain array)"
            )
        x = x.data
    array = np.asarray(x, dtype=dtype)
    if array.dtype.kind != "f":
        raise TypeError(f"{name}: {what} must be numbers, got dtype {array.dtype}")
    return array


def _dtype(pred: Any) -> Any:
    return pred.dtype if isinstance(pred, Tensor) else np.float64


def _sum(terms: Any) -> Node:
    """Sum of the terms: a Tensor's ``sum()``, or Values added left to right from the first
    term (no extra constant-zero node in a drawn graph)."""
    if isinstance(terms, Tensor):
        return terms.sum()
    return functools.reduce(operator.add, terms)  # type: ignore[no-any-return]


def _terms(pair: _Pair, element: Callable[..., Any], *extras: np.ndarray) -> Any:
    """``element(prediction, target, *extras)`` for every element: a Tensor, or a flat list
    of Values (each extra array broadcast to the prediction's shape)."""
    if isinstance(pair.pred, Tensor):
        return element(pair.pred, pair.target, *extras)
    flat = [np.broadcast_to(e, pair.shape).ravel().tolist() for e in extras]
    return [element(p, t, *e) for p, t, *e in zip(pair.pred, pair.target, *flat)]


def _reduce(pair: _Pair, terms: Any, reduction: str, denominator: float | None = None) -> Any:
    """The terms reduced as ``reduction`` says; the mean divides by the number of elements
    unless a ``denominator`` (a sum of weights) is given."""
    if reduction == "none":
        if isinstance(terms, Tensor):
            return terms
        return _nested(terms, pair.shape)
    if reduction == "mean" and denominator is None and isinstance(terms, Tensor):
        return terms.mean()
    total = _sum(terms)
    if reduction == "sum":
        return total
    return total / (pair.elements if denominator is None else denominator)


def _nested(flat: list[Any], shape: tuple[int, ...]) -> Any:
    """Values in nested lists of ``shape`` (the Value itself for shape ())."""
    array = np.empty(len(flat), dtype=object)
    array[:] = flat
    return array.reshape(shape).tolist() if shape else flat[0]


def _elementwise(
    name: str,
    pred: Prediction,
    target: Any,
    element: Callable[..., Any],
    reduction: str,
    weight: Any = None,
    *,
    weight_shape: str = "broadcast",
    extras: Sequence[tuple[str, Any]] = (),
) -> LossResult:
    """An elementwise loss with PyTorch's weighting and reduction.

    ``weight_shape`` is "broadcast" (BCE, Huber: any shape that broadcasts to the
    prediction's; the mean still divides by the number of elements) or "same" (MSE, L1:
    the prediction's shape, and the mean divides by the sum of the weights), as PyTorch.
    ``extras`` are further arrays handed to ``element`` (``pos_weight``).
    """
    pair = _pair(pred, target, name)
    dtype = _dtype(pair.pred)
    arrays = [
        _broadcastable(name, what, _constant(name, what, x, dtype), pair.shape)
        for what, x in extras
    ]
    denominator = None
    if weight is not None:
        w = _constant(name, "weight", weight, dtype)
        if weight_shape == "same" and w.shape != pair.shape:
            raise ValueError(
                f"{name}: weight of shape {w.shape} must have the prediction's shape "
                f"{pair.shape} (as PyTorch); np.broadcast_to(weight, pred.shape) if meant"
            )
        _broadcastable(name, "weight", w, pair.shape)
        if weight_shape == "same" and reduction == "mean":
            denominator = _weight_total(name, float(w.sum()), "the weights")
        arrays.insert(0, w)
        return _reduce(pair, _terms(pair, _weighted(element), *arrays), reduction, denominator)
    return _reduce(pair, _terms(pair, element, *arrays), reduction, denominator)


def _weighted(element: Callable[..., Any]) -> Callable[..., Any]:
    """``element`` times a weight handed to it before its other extras."""

    def weighted(p: Any, t: Any, w: Any, *rest: Any) -> Any:
        return element(p, t, *rest) * w

    return weighted


def _broadcastable(name: str, what: str, array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    try:
        broadcast = np.broadcast_shapes(array.shape, shape)
    except ValueError:
        broadcast = None
    if broadcast != shape:
        raise ValueError(
            f"{name}: {what} of shape {array.shape} does not broadcast to the prediction's "
            f"shape {shape}"
        )
    return array


def _weight_total(name: str, total: float, what: str) -> float:
    """The denominator of a weighted mean; zero is an error (PyTorch gives nan)."""
    if total == 0:
        raise ValueError(
            f"{name}: the weighted mean divides by the sum of {what}, which is 0 here (PyTorch "
            "returns nan); use reduction='sum' (and your own normaliser), or skip this batch"
        )
    return total


# ---------------------------------------------------------------- the blog's cost and MSE
def _square_diff(p: Any, t: Any) -> Any:
    return (t - p) ** 2


def squared_error(pred: Prediction, target: Any) -> Node:
    """The blog's cost ``(1 / (2m)) * sum((target - pred) ** 2)``, m = number of examples
    (the first axis: batch-first)."""
    pair = _pair(pred, target, "squared_error")
    return (1 / (2 * pair.examples)) * _sum(_terms(pair, _square_diff))


def mse(pred: Prediction, target: Any) -> Node:
    """Mean squared error: the mean over all elements of ``(target - pred) ** 2``
    (``mse_loss`` with its defaults)."""
    return _elementwise("mse", pred, target, _square_diff, "mean")  # type: ignore[no-any-return]


def mse_loss(
    input: Prediction,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Any = None,
) -> LossResult:
    """``(input - target) ** 2``, reduced (PyTorch's ``F.mse_loss``). ``weight`` has the
    input's shape; the weighted mean is ``sum(weight * err) / sum(weight)``."""
    reduction = _reduction("mse_loss", reduction, size_average, reduce)
    return _elementwise(
        "mse_loss", input, target, _square_diff, reduction, weight, weight_shape="same"
    )


def _abs_diff(p: Any, t: Any) -> Any:
    return abs(p - t)


def l1_loss(
    input: Prediction,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Any = None,
) -> LossResult:
    """``|input - target|``, reduced (PyTorch's ``F.l1_loss``); slope 0 where they are
    equal. ``weight`` as in ``mse_loss``."""
    reduction = _reduction("l1_loss", reduction, size_average, reduce)
    return _elementwise("l1_loss", input, target, _abs_diff, reduction, weight, weight_shape="same")


def _huber(delta: float) -> Callable[[Any, Any], Any]:
    def element(p: Any, t: Any) -> Any:
        # 0.5 m^2 + delta (|d| - m) with m = min(|d|, delta): 0.5 d^2 inside [-delta, delta]
        # and delta (|d| - delta / 2) outside, with no branch to pick per element.
        a = abs(p - t)
        m = a.clamp(max=delta) if isinstance(a, Tensor) else (a if a.data < delta else delta)
        return 0.5 * m * m + delta * (a - m)

    return element


def _positive(name: str, what: str, x: float, allow_zero: bool) -> float:
    ok = (
        isinstance(x, numbers.Real)
        and not isinstance(x, bool)
        and (x >= 0 if allow_zero else x > 0)
    )
    if not ok:
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name}: {what} must be a {bound} number, got {x!r}")
    return float(x)


def huber_loss(
    input: Prediction,
    target: Any,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Any = None,
) -> LossResult:
    """``0.5 d^2`` for ``|d| < delta``, else ``delta (|d| - delta / 2)``, with
    ``d = input - target`` (PyTorch's ``F.huber_loss``). ``weight`` broadcasts to the
    input; the weighted mean divides by the number of elements, as PyTorch."""
    reduction = _reduction("huber_loss", reduction)
    delta = _positive("huber_loss", "delta", delta, allow_zero=False)
    return _elementwise("huber_loss", input, target, _huber(delta), reduction, weight)


def smooth_l1_loss(
    input: Prediction,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> LossResult:
    """``0.5 d^2 / beta`` for ``|d| < beta``, else ``|d| - beta / 2`` (PyTorch's
    ``F.smooth_l1_loss``: ``huber_loss / beta``, and ``l1_loss`` at ``beta=0``)."""
    reduction = _reduction("smooth_l1_loss", reduction, size_average, reduce)
    beta = _positive("smooth_l1_loss", "beta", beta, allow_zero=True)
    if beta == 0:
        return _elementwise("smooth_l1_loss", input, target, _abs_diff, reduction)
    huber = _huber(beta)
    return _elementwise("smooth_l1_loss", input, target, lambda p, t: huber(p, t) / beta, reduction)


# ---------------------------------------------------------------- binary cross-entropy
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


def binary_cross_entropy(
    input: Prediction,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> LossResult:
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` in (0, 1), reduced.

    ``weight`` broadcasts to the input and scales each element (the mean still divides by
    the number of elements, as PyTorch). Tensor probabilities are squeezed into
    [eps, 1 - eps] inside the logs (PyTorch clamps each log at -100 instead); a Value of
    exactly 0 or 1 is a ValueError. From logits, ``binary_cross_entropy_with_logits`` is
    stabler.
    """
    name = "binary_cross_entropy"
    reduction = _reduction(name, reduction, size_average, reduce)
    return _elementwise(name, input, target, _bce, reduction, weight)


def _bce_logits(x: Any, t: Any) -> Any:
    # softplus(x) - x*t, with softplus(x) = max(x, 0) + log(1 + exp(-|x|)) so that exp never
    # overflows. max(x, 0) - x*t is written x*(0.5 - t) + |x|*0.5: no intermediate exceeds
    # |x| (x + |x| overflows at x = 1e308), and abs's derivative of 0 at x = 0 makes the
    # gradient there the true sigmoid(0) - t. log(1 + e) rather than log1p: its absolute
    # error stays below one ulp of 1, and its gradient e / (1 + e) is accurate, so d/dx is
    # sigmoid(x) - t for every finite x.
    a = abs(x)
    return x * (0.5 - t) + a * 0.5 + (1 + (-a).exp()).log()


def _bce_logits_pos(x: Any, t: Any, pos_weight: Any) -> Any:
    # -(pw t log sigmoid(x) + (1 - t) log sigmoid(-x)) = (1 - t) x + (1 + (pw - 1) t)
    # softplus(-x), with softplus(-x) = max(-x, 0) + log(1 + exp(-|x|)) written as above.
    a = abs(x)
    softplus_neg = a * 0.5 - x * 0.5 + (1 + (-a).exp()).log()
    return (1 - t) * x + (1 + (pos_weight - 1) * t) * softplus_neg


def binary_cross_entropy_with_logits(
    input: Prediction,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> LossResult:
    """Binary cross-entropy of ``sigmoid(input)``, stable for every finite logit (no
    overflow or warning at +-1e308). ``weight`` as in ``binary_cross_entropy``;
    ``pos_weight`` (broadcast along the input, typically one per class) scales the
    positive term."""
    name = "binary_cross_entropy_with_logits"
    reduction = _reduction(name, reduction, size_average, reduce)
    if pos_weight is None:
        return _elementwise(name, input, target, _bce_logits, reduction, weight)
    return _elementwise(
        name,
        input,
        target,
        _bce_logits_pos,
        reduction,
        weight,
        extras=[("pos_weight", pos_weight)],
    )


# ---------------------------------------------------------------- classification
class _Scores(NamedTuple):
    scores: Any  # a Tensor or an object array of Values, shape (N, C, d1, ...)
    unbatched: bool  # the input was (C,): one example


def _class_scores(input: Prediction, name: str) -> _Scores:
    """The input as (N, C, d1, ...): a (C,) input is one example."""
    if isinstance(input, Tensor):
        scores: Any = input
        shape = input.shape
    else:
        scores = _value_array(input, name)
        shape = scores.shape
    if not shape:
        raise ValueError(f"{name}: logits must have shape (N, C), (C,) or (N, C, d1, ...), got ()")
    if 0 in shape:
        raise _empty(name, "logits", shape)
    unbatched = len(shape) == 1
    return _Scores(scores.reshape(1, -1) if unbatched else scores, unbatched)


def _log_softmax(scores: Any) -> Any:
    """log softmax over axis 1, for a Tensor or an object array of Values."""
    if isinstance(scores, Tensor):
        return scores.log_softmax(axis=1)
    rows = np.moveaxis(scores, 1, -1)
    out = np.empty(rows.shape, dtype=object)
    for index in np.ndindex(*rows.shape[:-1]):
        row = rows[index]
        # Shift by the largest logit (a constant) so exp never overflows, and keep the
        # shifted logits apart from log(sum): log(sum) + top - row[k] would lose log(sum)
        # to rounding when top is large (at 1e308 it is absorbed whole).
        top = max(v.data for v in row)
        shifted = [v - top for v in row]
        log_total = functools.reduce(operator.add, (v.exp() for v in shifted)).log()
        for k, s in enumerate(shifted):
            out[index + (k,)] = s - log_total
    return np.moveaxis(out, -1, 1)


def _index_target(
    raw: np.ndarray, shape: tuple[int, ...], ignore_index: int, name: str
) -> np.ndarray:
    """Class indices of shape (N, d1, ...) for scores of ``shape`` (N, C, d1, ...)."""
    if raw.dtype.kind == "f" and np.all(raw == np.round(raw)):
        raw = raw.astype(np.int64)
    expected = (shape[0], *shape[2:])
    if raw.dtype.kind not in "iu":
        raise TypeError(f"{name}: targets must be integer class indices, got dtype {raw.dtype}")
    if raw.shape != expected:
        raise ValueError(
            f"{name}: logits of shape {shape} need targets of shape {expected} (one class "
            f"index per example) or class probabilities of shape {shape}, got {raw.shape}"
        )
    valid = raw != ignore_index
    bad = valid & ((raw < 0) | (raw >= shape[1]))
    if bad.any():
        raise ValueError(
            f"{name}: class indices must lie in [0, {shape[1]}) or equal ignore_index="
            f"{ignore_index}, got {raw[bad]}"
        )
    return raw


def _class_weight(weight: Any, classes: int, dtype: Any, name: str) -> np.ndarray | None:
    if weight is None:
        return None
    w = _constant(name, "weight", weight, dtype)
    if w.shape != (classes,):
        raise ValueError(
            f"{name}: weight must hold one number per class, shape ({classes},), got {w.shape}"
        )
    return w


def _classification(
    log_probs: Any,
    scores: _Scores,
    target: Any,
    weight: Any,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    name: str,
) -> LossResult:
    """Negative log-likelihood of ``target`` under ``log_probs`` (N, C, d1, ...), with
    PyTorch's class weights, ignored targets, label smoothing and class-probability
    targets (float targets of the scores' shape)."""
    shape = log_probs.shape
    classes = shape[1]
    dtype = _dtype(log_probs)
    class_weight = _class_weight(weight, classes, dtype, name)
    along_classes = (1, classes) + (1,) * (len(shape) - 2)
    raw = target.data if isinstance(target, Tensor) else np.asarray(target)
    if scores.unbatched:
        raw = raw.reshape(1, *raw.shape)
    if raw.shape == shape and raw.dtype.kind == "f":
        if name == "nll_loss":
            raise TypeError(f"{name}: targets must be integer class indices, got dtype {raw.dtype}")
        if ignore_index != -100:
            raise ValueError(f"{name}: ignore_index does not apply to class-probability targets")
        # Class probabilities: -sum_c w_c p_c log q_c per element, the mean over elements.
        if isinstance(target, Tensor) and target.requires_grad:
            probs: Any = target.reshape(shape)  # a target being trained keeps its graph
            if label_smoothing:
                probs = probs * (1 - label_smoothing) + label_smoothing / classes
        else:
            probs = on_data(_probabilities, target, shape, dtype, label_smoothing)
        weighted = log_probs * probs
        if class_weight is not None:
            weighted = weighted * class_weight.reshape(along_classes)
        terms = weighted.sum(axis=1)
        count = float(np.prod(terms.shape))
        return _class_reduce(terms, scores.unbatched, reduction, count, name)
    if raw.shape == shape and raw.dtype.kind in "iu" and name == "cross_entropy":
        raise TypeError(
            f"{name}: a target of the logits' shape {shape} holds class probabilities and must "
            f"be floating point, got dtype {raw.dtype}; class indices have shape "
            f"{(shape[0], *shape[2:])}"
        )
    # What the targets' numbers decide, computed again by every replay of a traced function.
    labels = on_data(
        _class_targets,
        target,
        scores.unbatched,
        shape,
        dtype,
        ignore_index,
        class_weight,
        reduction,
        name,
    )
    grid: tuple[np.ndarray, ...] = tuple(np.indices(labels.picks.shape, sparse=True))
    picked = log_probs[(grid[0], labels.picks) + grid[1:]]
    trivial = class_weight is None and labels.counted
    terms = picked if trivial else picked * labels.weights
    if label_smoothing:
        # PyTorch's smoothing term: -sum_c w_c log q_c, zero at ignored targets, normalised
        # by the same weights as the likelihood term.
        spread = (
            log_probs if class_weight is None else log_probs * class_weight.reshape(along_classes)
        )
        smooth = spread.sum(axis=1)
        if not labels.counted:
            smooth = smooth * labels.valid
        terms = terms * (1 - label_smoothing) + smooth * (label_smoothing / classes)
    total = labels.total if isinstance(terms, Tensor) else float(labels.total)
    return _class_reduce(terms, scores.unbatched, reduction, total, name)


def _probabilities(
    target: Any, shape: tuple[int, ...], dtype: Any, label_smoothing: float
) -> np.ndarray:
    """Class-probability targets in the scores' shape and dtype, smoothed."""
    probs = np.asarray(target).reshape(shape).astype(dtype)
    if label_smoothing:
        probs = probs * (1 - label_smoothing) + label_smoothing / shape[1]
    return probs  # type: ignore[no-any-return]


class _Targets(NamedTuple):
    """What class-index targets decide: each target's class (0 where it is ignored) and
    weight (0 where ignored), 1 or 0 per target in the scores' dtype, whether every
    target counts, and the sum of the weights (0-d, the mean's denominator)."""

    picks: np.ndarray
    weights: np.ndarray
    valid: np.ndarray
    counted: bool
    total: np.ndarray


def _class_targets(
    target: Any,
    unbatched: bool,
    shape: tuple[int, ...],
    dtype: Any,
    ignore_index: int,
    class_weight: np.ndarray | None,
    reduction: str,
    name: str,
) -> _Targets:
    raw = np.asarray(target)
    if unbatched:
        raw = raw.reshape(1, *raw.shape)
    index = _index_target(raw, shape, ignore_index, name)
    valid = index != ignore_index
    safe = np.where(valid, index, 0)
    weights = np.ones(index.shape, dtype) if class_weight is None else class_weight[safe]
    weights = weights * valid
    total = np.asarray(weights.sum())
    if reduction == "mean" and total == 0:
        raise ValueError(
            f"{name}: every target is ignored (ignore_index) or has weight 0, so the mean is "
            "0 / 0 (PyTorch returns nan); use reduction='sum', or skip this batch"
        )
    return _Targets(safe, weights, valid.astype(dtype), bool(valid.all()), total)


def _class_reduce(
    terms: Any, unbatched: bool, reduction: str, denominator: Any, name: str
) -> LossResult:
    """``-terms`` reduced; the mean divides by ``denominator`` (the targets' weights)."""
    if reduction == "none":
        losses = -terms
        if isinstance(losses, Tensor):
            return losses.reshape(()) if unbatched else losses
        return losses[0] if unbatched else losses.tolist()
    total = -(terms.sum())
    if reduction == "sum":
        return total
    return total / denominator


def _check_smoothing(x: float, name: str) -> float:
    if not (isinstance(x, numbers.Real) and not isinstance(x, bool) and 0.0 <= x <= 1.0):
        raise ValueError(f"{name}: label_smoothing must be a number in [0, 1], got {x!r}")
    return float(x)


def nll_loss(
    input: Prediction,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> LossResult:
    """Negative log-likelihood ``-input[n, target[n]]`` of log-probabilities ``input``
    (N, C) or (N, C, d1, ...) or (C,), reduced as PyTorch's ``F.nll_loss``: with class
    ``weight``s the mean divides by the summed weights of the targets; targets equal to
    ``ignore_index`` count for nothing."""
    reduction = _reduction("nll_loss", reduction, size_average, reduce)
    scores = _class_scores(input, "nll_loss")
    return _classification(
        scores.scores, scores, target, weight, ignore_index, reduction, 0.0, "nll_loss"
    )


def cross_entropy(
    input: Prediction,
    target: Any,
    weight: Any = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> LossResult:
    """Softmax cross-entropy, PyTorch's ``F.cross_entropy``: ``nll_loss`` of
    ``log_softmax(input, 1)``. ``target`` holds integer class indices (shape (N,) or
    (N, d1, ...); a 0-d index for a (C,) input) or class probabilities (floats of the
    input's shape). ``label_smoothing`` mixes each target with the uniform distribution.
    Stable for large logits."""
    reduction = _reduction("cross_entropy", reduction, size_average, reduce)
    label_smoothing = _check_smoothing(label_smoothing, "cross_entropy")
    scores = _class_scores(input, "cross_entropy")
    return _classification(
        _log_softmax(scores.scores),
        scores,
        target,
        weight,
        ignore_index,
        reduction,
        label_smoothing,
        "cross_entropy",
    )


# ---------------------------------------------------------------- as Modules
class _Loss(Module):
    """A loss function as a Module: ``loss(pred, target)``; its nodes carry the loss's scope."""

    def forward(self, pred: Prediction, target: Any) -> LossResult:
        """The loss of ``pred`` against ``target``."""
        raise NotImplementedError


class _ReducedLoss(_Loss):
    """A PyTorch loss Module: ``forward`` calls the functional form ``_function`` with the
    options named in ``_options`` (attributes set by each class's PyTorch signature)."""

    _function: Callable[..., LossResult]
    _options: tuple[str, ...] = ("reduction",)

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        self.reduction = _reduction(type(self).__name__, reduction, size_average, reduce)

    def forward(self, input: Prediction, target: Any) -> LossResult:
        """The functional loss of ``input`` against ``target`` with this module's options."""
        options = {name: getattr(self, name) for name in self._options}
        return type(self)._function(input, target, **options)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class _WeightedLoss(_ReducedLoss):
    """A loss that also takes a ``weight``."""

    _options: tuple[str, ...] = ("weight", "reduction")

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = weight


class SquaredErrorLoss(_Loss):
    """``squared_error`` as a Module (the blog's cost)."""

    def forward(self, pred: Prediction, target: Any) -> Node:
        """``squared_error(pred, target)``."""
        return squared_error(pred, target)


class MSELoss(_ReducedLoss):
    """``mse_loss`` as a Module (PyTorch's ``nn.MSELoss``)."""

    _function = staticmethod(mse_loss)


class L1Loss(_ReducedLoss):
    """``l1_loss`` as a Module (PyTorch's ``nn.L1Loss``)."""

    _function = staticmethod(l1_loss)


class SmoothL1Loss(_ReducedLoss):
    """``smooth_l1_loss`` as a Module (PyTorch's ``nn.SmoothL1Loss``)."""

    _function = staticmethod(smooth_l1_loss)
    _options: tuple[str, ...] = ("reduction", "beta")

    def __init__(
        self,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = _positive(type(self).__name__, "beta", beta, allow_zero=True)


class HuberLoss(_ReducedLoss):
    """``huber_loss`` as a Module (PyTorch's ``nn.HuberLoss``)."""

    _function = staticmethod(huber_loss)
    _options: tuple[str, ...] = ("reduction", "delta")

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = _positive(type(self).__name__, "delta", delta, allow_zero=False)


class BCELoss(_WeightedLoss):
    """``binary_cross_entropy`` as a Module (PyTorch's ``nn.BCELoss``)."""

    _function = staticmethod(binary_cross_entropy)


class BCEWithLogitsLoss(_WeightedLoss):
    """``binary_cross_entropy_with_logits`` as a Module (PyTorch's ``nn.BCEWithLogitsLoss``)."""

    _function = staticmethod(binary_cross_entropy_with_logits)
    _options: tuple[str, ...] = ("weight", "reduction", "pos_weight")

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.pos_weight = pos_weight


class NLLLoss(_WeightedLoss):
    """``nll_loss`` as a Module (PyTorch's ``nn.NLLLoss``)."""

    _function = staticmethod(nll_loss)
    _options: tuple[str, ...] = ("weight", "ignore_index", "reduction")

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index


class CrossEntropyLoss(NLLLoss):
    """``cross_entropy`` as a Module (PyTorch's ``nn.CrossEntropyLoss``)."""

    _function = staticmethod(cross_entropy)
    _options: tuple[str, ...] = ("weight", "ignore_index", "reduction", "label_smoothing")

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, ignore_index, reduce, reduction)
        self.label_smoothing = _check_smoothing(label_smoothing, type(self).__name__)
