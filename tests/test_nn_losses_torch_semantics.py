"""Losses with PyTorch's options: reduction, weight, ignore_index, label_smoothing,
class-probability targets, K-dimensional inputs, pos_weight, beta/delta.

Each value is checked against a NumPy formula written out here and, where marked, against
a literal printed by torch 2.13 (float64) in a probe; gradients by gradcheck, for Tensors
and for Values.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value
from autograd_core.testing import gradcheck

X = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 0.3], [2.0, 0.0, -0.5], [0.3, 0.3, 0.9]])
T = np.array([0, 2, -100, 1])  # the third example is ignored (PyTorch's default -100)
W = np.array([1.0, 2.0, 0.5])
P = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
# (2, 3, 4): two examples, three classes, four positions each
XK = np.arange(24.0).reshape(2, 3, 4) % 7 / 3 - 1
TK = np.array([[0, 1, 2, -100], [2, 2, 1, 0]])


def log_softmax(x: np.ndarray, axis: int = 1) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def values(x: np.ndarray) -> list[Any]:
    """``x`` as nested lists of Values."""
    return np.vectorize(Value, otypes=[object])(x).tolist()  # type: ignore[no-any-return]


def flat(nested: Any) -> list[Any]:
    return list(np.array(nested, dtype=object).ravel())


# ---------------------------------------------------------------- cross_entropy, nll_loss
def test_weighted_mean_divides_by_the_weights_of_the_counted_targets() -> None:
    lp = log_softmax(X)
    picked = [(0, 0), (1, 2), (3, 1)]  # the ignored row counts for nothing
    expected = -sum(W[k] * lp[i, k] for i, k in picked) / sum(W[k] for _, k in picked)
    loss = nn.cross_entropy(Tensor(X), T, weight=W)
    assert loss.item() == pytest.approx(expected, rel=1e-13)
    assert loss.item() == pytest.approx(1.2899607507731192, rel=1e-13)  # torch 2.13
    assert nn.nll_loss(Tensor(lp), T, W).item() == pytest.approx(expected, rel=1e-13)
    total = nn.cross_entropy(Tensor(X), T, W, reduction="sum").item()
    assert total == pytest.approx(-sum(W[k] * lp[i, k] for i, k in picked), rel=1e-13)
    assert total == pytest.approx(4.514862627705917, rel=1e-13)  # torch 2.13
    unweighted = -(lp[0, 0] + lp[1, 2] + lp[3, 1]) / 3
    assert nn.cross_entropy(Tensor(X), T).item() == pytest.approx(unweighted, rel=1e-13)


def test_label_smoothing_mixes_in_the_weighted_uniform_target() -> None:
    lp, eps, c = log_softmax(X), 0.2, 3
    rows = [0, 1, 3]
    nll = -sum(W[T[i]] * lp[i, T[i]] for i in rows)
    smooth = -sum((W * lp[i]).sum() for i in rows)
    norm = sum(W[T[i]] for i in rows)
    expected = ((1 - eps) * nll + eps / c * smooth) / norm
    loss = nn.cross_entropy(Tensor(X), T, W, label_smoothing=eps)
    assert loss.item() == pytest.approx(expected, rel=1e-13)
    assert loss.item() == pytest.approx(1.2824504272631974, rel=1e-13)  # torch 2.13
    plain = nn.cross_entropy(Tensor(X), T, label_smoothing=eps).item()
    assert plain == pytest.approx(1.1898694506838277, rel=1e-13)  # torch 2.13
    each = nn.cross_entropy(Tensor(X), T, W, reduction="none", label_smoothing=0.1)
    torch_each = [1.4304415971764106, 0.5114018511610687, 0.0, 2.559876113226075]  # torch 2.13
    assert each.shape == (4,)
    np.testing.assert_allclose(each.data, torch_each, rtol=1e-13)


def test_class_probability_targets() -> None:
    lp = log_softmax(X)
    each = -(P * lp).sum(axis=1)
    loss = nn.cross_entropy(Tensor(X), P)
    assert loss.item() == pytest.approx(each.mean(), rel=1e-13)
    assert loss.item() == pytest.approx(1.462418945576108, rel=1e-13)  # torch 2.13
    # Weights scale the classes, and the mean still divides by N (not by the weights).
    weighted = nn.cross_entropy(Tensor(X), P, weight=W).item()
    assert weighted == pytest.approx(-(P * lp * W).sum() / 4, rel=1e-13)
    assert weighted == pytest.approx(1.2232386213244786, rel=1e-13)  # torch 2.13
    smoothed = nn.cross_entropy(Tensor(X), P, weight=W, label_smoothing=0.3).item()
    assert smoothed == pytest.approx(-((0.7 * P + 0.1) * lp * W).sum() / 4, rel=1e-13)
    assert smoothed == pytest.approx(1.333488665878773, rel=1e-13)  # torch 2.13
    np.testing.assert_allclose(nn.cross_entropy(Tensor(X), P, reduction="none").data, each)
    # One example: a (C,) input with a (C,) distribution, or a 0-d index.
    assert nn.cross_entropy(Tensor(X[0]), P[0]).item() == pytest.approx(each[0], rel=1e-13)
    one = nn.cross_entropy(Tensor(X[0]), np.array(1), reduction="none")
    assert one.shape == () and one.item() == pytest.approx(-lp[0, 1], rel=1e-13)


def test_k_dimensional_inputs_take_the_class_axis_second() -> None:
    lp = log_softmax(XK, axis=1)
    each = np.zeros((2, 4))
    for n in range(2):
        for d in range(4):
            if TK[n, d] != -100:
                each[n, d] = -lp[n, TK[n, d], d]
    loss = nn.cross_entropy(Tensor(XK), TK)
    assert loss.item() == pytest.approx(each.sum() / 7, rel=1e-13)
    assert loss.item() == pytest.approx(1.3149802507006498, rel=1e-13)  # torch 2.13
    none = nn.cross_entropy(Tensor(XK), TK, reduction="none")
    assert none.shape == (2, 4)
    np.testing.assert_allclose(none.data, each, rtol=1e-13)
    smoothed = nn.cross_entropy(Tensor(XK), TK, W, label_smoothing=0.2).item()
    assert smoothed == pytest.approx(1.0868873166474433, rel=1e-13)  # torch 2.13
    # nll_loss on raw scores: -(sum of weighted picks) / (sum of their weights)
    nll = nn.nll_loss(Tensor(XK), TK, weight=W).item()
    assert nll == pytest.approx(-0.04444444444444443, rel=1e-12)  # torch 2.13
    # Class probabilities of the input's shape, K-dimensional too.
    probs = np.exp(log_softmax(XK[::-1], axis=1))
    expected = -(probs * lp).sum(axis=1).mean()
    assert nn.cross_entropy(Tensor(XK), probs).item() == pytest.approx(expected, rel=1e-13)


def test_ignore_index_may_be_a_real_class() -> None:
    lp = log_softmax(X)
    target = np.array([0, 2, 1, 1])
    expected = -(lp[0, 0] + lp[1, 2]) / 2
    loss = nn.cross_entropy(Tensor(X), target, ignore_index=1)
    assert loss.item() == pytest.approx(expected, rel=1e-13)
    assert loss.item() == pytest.approx(1.1010683783725626, rel=1e-13)  # torch 2.13
    nll = nn.nll_loss(Tensor(X), target, ignore_index=1, weight=W).item()
    assert nll == pytest.approx(-(1.0 * 1.0 + 0.5 * 0.3) / 1.5, rel=1e-13)  # torch: -0.7667


@pytest.mark.parametrize(
    ("target", "weight"),
    [(np.full(4, -100), None), (np.zeros(4, dtype=int), np.array([0.0, 1.0, 1.0]))],
    ids=["all ignored", "zero weights"],
)
def test_a_mean_over_nothing_is_an_error_not_nan(target: np.ndarray, weight: Any) -> None:
    # PyTorch returns nan here; a silent nan would poison training, so say what to do.
    with pytest.raises(ValueError, match=r"0 / 0 \(PyTorch returns nan\); use reduction='sum'"):
        nn.cross_entropy(Tensor(X), target, weight)
    with pytest.raises(ValueError, match="nll_loss: every target is ignored"):
        nn.nll_loss(Tensor(X), target, weight)
    assert nn.cross_entropy(Tensor(X), target, weight, reduction="sum").item() == 0.0


def test_gradients_of_cross_entropy_and_nll_loss_pass_gradcheck() -> None:
    for kwargs in (
        {},
        {"weight": W},
        {"weight": W, "label_smoothing": 0.25},
        {"label_smoothing": 0.1, "reduction": "sum"},
        {"weight": W, "reduction": "none", "label_smoothing": 0.3},
    ):
        assert gradcheck(lambda x, kw=kwargs: nn.cross_entropy(x, T, **kw).sum(), X)
        assert gradcheck(lambda x, kw=kwargs: nn.cross_entropy(x, P, **kw).sum(), X)
        assert gradcheck(lambda x, kw=kwargs: nn.cross_entropy(x, TK, **kw).sum(), XK)
    assert gradcheck(lambda x: nn.nll_loss(x, T, W), X)
    assert gradcheck(lambda x: nn.nll_loss(x, TK, W, reduction="sum"), XK)
    # A soft target that is being trained (distillation) gets its gradient too.
    assert gradcheck(lambda x, p: nn.cross_entropy(x, p, W, label_smoothing=0.2), X, P)


def test_ignored_targets_get_no_gradient() -> None:
    x = Tensor(X, requires_grad=True)
    nn.cross_entropy(x, T, W, label_smoothing=0.2).backward()
    assert x.grad is not None
    assert x.grad[2].tolist() == [0.0, 0.0, 0.0]
    assert np.all(x.grad[[0, 1, 3]] != 0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_values_follow_the_tensor_path(reduction: str) -> None:
    cases: list[tuple[Any, np.ndarray, Any, dict[str, Any]]] = [
        (nn.cross_entropy, X, T, {"weight": W, "label_smoothing": 0.2}),
        (nn.cross_entropy, X, P, {"weight": W}),
        (nn.cross_entropy, XK, TK, {"label_smoothing": 0.1}),
        (nn.nll_loss, X, T, {"weight": W}),
        (nn.cross_entropy, X[1], np.array(2), {}),
    ]
    for loss, x, target, kwargs in cases:
        tensor = loss(Tensor(x), target, reduction=reduction, **kwargs)
        nodes = values(x)
        scalar = loss(nodes, target, reduction=reduction, **kwargs)
        if reduction == "none" and x.ndim > 1:
            assert isinstance(scalar, list)  # nested as the prediction's lists
            got = np.array([v.data for v in flat(scalar)]).reshape(tensor.shape)
        else:
            assert isinstance(scalar, Value)
            got = np.array(scalar.data)
        np.testing.assert_allclose(got, tensor.data, rtol=1e-13, atol=1e-15)

        def f(
            *xs: Value, loss: Any = loss, x: Any = x, target: Any = target, kw: Any = kwargs
        ) -> Any:
            nodes = np.array(xs, dtype=object).reshape(x.shape).tolist()
            out = loss(nodes, target, reduction=reduction, **kw)
            return out if isinstance(out, Value) else functools.reduce(operator.add, flat(out))

        assert gradcheck(f, *x.ravel().tolist())


def test_classification_errors_say_what_to_write() -> None:
    with pytest.raises(TypeError, match="must be floating point"):
        nn.cross_entropy(Tensor(X), np.zeros((4, 3), dtype=int))
    with pytest.raises(ValueError, match="ignore_index does not apply"):
        nn.cross_entropy(Tensor(X), P, ignore_index=1)
    with pytest.raises(TypeError, match="integer class indices"):
        nn.nll_loss(Tensor(X), P)
    with pytest.raises(ValueError, match=r"label_smoothing must be a number in \[0, 1\]"):
        nn.cross_entropy(Tensor(X), T, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"\[0, 3\) or equal ignore_index=-100, got \[5\]"):
        nn.cross_entropy(Tensor(X), [0, 5, 1, 1])
    with pytest.raises(ValueError, match=r"one number per class, shape \(3,\)"):
        nn.cross_entropy(Tensor(X), T, weight=np.ones(4))
    with pytest.raises(ValueError, match=r"targets of shape \(2, 4\)"):
        nn.cross_entropy(Tensor(XK), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        nn.cross_entropy(Tensor(X), T, reduction="avg")
    with pytest.raises(TypeError, match="size_average and reduce are deprecated"):
        nn.cross_entropy(Tensor(X), T, None, True)
    with pytest.raises(TypeError, match=r"weight.detach\(\)"):
        nn.cross_entropy(Tensor(X), T, weight=Tensor(W, requires_grad=True))
    with pytest.raises(TypeError, match="size_average and reduce"):
        nn.CrossEntropyLoss(reduce=False)


def test_loss_modules_pass_their_options_on() -> None:
    x = Tensor(X)
    module = nn.CrossEntropyLoss(weight=W, ignore_index=1, reduction="sum", label_smoothing=0.1)
    target = np.where(T == -100, 1, T)
    expected = nn.cross_entropy(x, target, W, ignore_index=1, reduction="sum", label_smoothing=0.1)
    assert module(x, target).item() == expected.item()
    assert (
        nn.NLLLoss(W, reduction="none")(x, T).tolist()
        == nn.nll_loss(x, T, W, reduction="none").tolist()
    )
    assert repr(nn.NLLLoss(reduction="sum")) == "NLLLoss(reduction='sum')"
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"


# ---------------------------------------------------------------- elementwise losses
A = np.array([[0.5, 2.0], [-1.0, 3.0]])
B = np.array([[1.0, 0.0], [0.0, 1.5]])
EW = np.array([[2.0, 0.5], [2.0, 0.5]])  # element weights (mse/l1 need A's shape)


def test_mse_and_l1_weighted_means_divide_by_the_weights() -> None:
    se, ae = (A - B) ** 2, np.abs(A - B)  # [[.25, 4], [1, 2.25]], [[.5, 2], [1, 1.5]]
    assert nn.mse_loss(Tensor(A), B).item() == pytest.approx(se.mean(), rel=1e-15)
    assert nn.mse_loss(Tensor(A), B, weight=EW).item() == pytest.approx(5.625 / 5, rel=1e-15)
    assert nn.mse_loss(Tensor(A), B, reduction="sum", weight=EW).item() == 5.625
    assert nn.l1_loss(Tensor(A), B).item() == 1.25
    assert nn.l1_loss(Tensor(A), B, weight=EW).item() == pytest.approx(4.75 / 5, rel=1e-15)
    assert nn.l1_loss(Tensor(A), B, reduction="none").tolist() == ae.tolist()
    assert nn.MSELoss(reduction="sum")(Tensor(A), B).item() == se.sum()
    assert nn.L1Loss(reduction="none")(Tensor(A), B).tolist() == ae.tolist()
    # The blog's cost and the plain mse keep their forms.
    assert nn.mse(Tensor(A), B).item() == nn.mse_loss(Tensor(A), B).item()
    with pytest.raises(ValueError, match=r"weight of shape \(2,\) must have the prediction's"):
        nn.mse_loss(Tensor(A), B, weight=np.ones(2))
    with pytest.raises(ValueError, match="sum of the weights, which is 0"):
        nn.l1_loss(Tensor(A), B, weight=np.zeros((2, 2)))


def test_huber_and_smooth_l1() -> None:
    # |d| = [[.5, 2], [1, 1.5]]; delta = 0.8: .5 is inside, the rest outside.
    huber = np.array([[0.5 * 0.25, 0.8 * (2 - 0.4)], [0.8 * (1 - 0.4), 0.8 * (1.5 - 0.4)]])
    assert nn.huber_loss(Tensor(A), B, delta=0.8).item() == pytest.approx(huber.mean(), rel=1e-15)
    assert huber.mean() == pytest.approx(0.69125, rel=1e-15)  # torch 2.13
    got = nn.smooth_l1_loss(Tensor(A), B, beta=0.8).item()
    assert got == pytest.approx(huber.mean() / 0.8, rel=1e-15)  # torch 2.13: 0.8640625
    assert nn.smooth_l1_loss(Tensor(A), B, beta=0.0).item() == 1.25  # l1 at beta = 0
    # Huber's weights broadcast and its mean divides by the element count (PyTorch).
    weighted = nn.huber_loss(Tensor(A), B, weight=np.array([2.0, 0.5])).item()
    assert weighted == pytest.approx((2 * 0.125 + 0.5 * 1.5 + 2 * 0.5 + 0.5 * 1.0) / 4, rel=1e-15)
    assert nn.HuberLoss("sum", delta=0.8)(Tensor(A), B).item() == pytest.approx(huber.sum())
    assert nn.SmoothL1Loss(beta=0.8)(Tensor(A), B).item() == pytest.approx(got, rel=1e-15)
    with pytest.raises(ValueError, match="delta must be a positive number"):
        nn.huber_loss(Tensor(A), B, delta=0.0)
    with pytest.raises(ValueError, match="beta must be a non-negative number"):
        nn.smooth_l1_loss(Tensor(A), B, beta=-1.0)


def test_l1_and_huber_slopes_are_zero_where_prediction_equals_target() -> None:
    for loss in (nn.l1_loss, nn.huber_loss, lambda a, b: nn.smooth_l1_loss(a, b, beta=0.0)):
        x = Tensor(np.array([0.0, 0.5, 2.0]), requires_grad=True)
        loss(x, np.zeros(3)).backward()
        assert x.grad is not None and x.grad[0] == 0.0


def test_bce_weight_and_pos_weight() -> None:
    p = np.array([[0.2, 0.9], [0.5, 0.1]])
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    w = np.array([2.0, 0.5])
    each = -(t * np.log(p) + (1 - t) * np.log(1 - p)) * w
    loss = nn.binary_cross_entropy(Tensor(p), t, w)
    assert loss.item() == pytest.approx(each.mean(), rel=1e-13)
    assert loss.item() == pytest.approx(0.4844854948515341, rel=1e-13)  # torch 2.13
    np.testing.assert_allclose(nn.BCELoss(w, reduction="none")(Tensor(p), t).data, each, rtol=1e-13)
    pos = np.array([3.0, 0.5])
    sig = 1 / (1 + np.exp(-A))
    each = -(pos * t * np.log(sig) + (1 - t) * np.log(1 - sig)) * w
    logits = nn.binary_cross_entropy_with_logits(Tensor(A), t, w, pos_weight=pos)
    assert logits.item() == pytest.approx(each.mean(), rel=1e-13)
    assert logits.item() == pytest.approx(2.845937443004291, rel=1e-13)  # torch 2.13
    module = nn.BCEWithLogitsLoss(pos_weight=pos, reduction="sum")
    assert module(Tensor(A), t).item() == pytest.approx((each / w).sum(), rel=1e-13)
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) does not broadcast"):
        nn.binary_cross_entropy(Tensor(p), t, np.ones(3))


def test_pos_weight_stays_finite_at_extreme_logits() -> None:
    x = Tensor(np.array([-1e300, 1e300, 0.0]), requires_grad=True)
    t = np.array([1.0, 0.0, 1.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = nn.binary_cross_entropy_with_logits(x, t, pos_weight=np.array(2.0), reduction="none")
        loss.sum().backward()
    np.testing.assert_allclose(loss.data, [2e300, 1e300, 2 * np.log(2)], rtol=1e-15)
    assert x.grad is not None
    np.testing.assert_allclose(x.grad, [-2.0, 1.0, -1.0], rtol=1e-15)


ELEMENTWISE: list[tuple[Any, np.ndarray, dict[str, Any]]] = [
    (nn.mse_loss, B, {"weight": EW}),
    (nn.l1_loss, B, {"weight": EW}),
    (nn.huber_loss, B, {"delta": 0.8, "weight": np.array([2.0, 0.5])}),
    (nn.smooth_l1_loss, B, {"beta": 0.7}),
    (
        nn.binary_cross_entropy_with_logits,
        np.array([[0.0, 1.0], [0.3, 0.0]]),
        {"weight": np.array([2.0, 0.5]), "pos_weight": np.array([3.0, 0.5])},
    ),
]


@pytest.mark.parametrize(("loss", "target", "kwargs"), ELEMENTWISE)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_elementwise_gradients_and_values_match_tensors(
    loss: Any, target: np.ndarray, kwargs: dict[str, Any], reduction: str
) -> None:
    assert gradcheck(lambda a: loss(a, target, reduction=reduction, **kwargs).sum(), A)
    tensor = loss(Tensor(A), target, reduction=reduction, **kwargs)
    scalar = loss(values(A), target, reduction=reduction, **kwargs)
    if reduction == "none":
        got = [[v.data for v in row] for row in scalar]
        np.testing.assert_allclose(got, tensor.data, rtol=1e-14)
    else:
        assert scalar.data == pytest.approx(tensor.item(), rel=1e-14)

    def f(*xs: Value) -> Any:
        nodes = np.array(xs, dtype=object).reshape(2, 2).tolist()
        out = loss(nodes, target, reduction=reduction, **kwargs)
        return out if reduction != "none" else functools.reduce(operator.add, flat(out))

    assert gradcheck(f, *A.ravel().tolist())
