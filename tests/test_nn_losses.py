"""Losses: values against NumPy formulas, gradients against finite differences, shape errors."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd_core import Tensor, Value
from autograd_core.testing import gradcheck

shapes = hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)
logits = st.floats(-5.0, 5.0, allow_nan=False, allow_infinity=False)
probabilities = st.floats(0.02, 0.98, allow_nan=False, allow_infinity=False)
labels = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)


def _reference_bce(p: np.ndarray, t: np.ndarray) -> float:
    return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))


def _reference_bce_logits(x: np.ndarray, t: np.ndarray) -> float:
    return float(np.mean(np.logaddexp(0.0, x) - x * t))


# (loss, its NumPy reference, prediction elements, target elements)
ELEMENTWISE: list[tuple[Callable[..., Any], Callable[..., float], Any, Any]] = [
    (
        nn.squared_error,
        lambda p, t: float((1 / (2 * (p.shape[0] if p.ndim else 1))) * np.sum((t - p) ** 2)),
        logits,
        logits,
    ),
    (nn.mse, lambda p, t: float(np.mean((t - p) ** 2)), logits, logits),
    (nn.binary_cross_entropy, _reference_bce, probabilities, labels),
    (nn.binary_cross_entropy_with_logits, _reference_bce_logits, logits, labels),
]


@st.composite
def pair(draw: Any, pred_elements: Any, target_elements: Any) -> tuple[np.ndarray, np.ndarray]:
    shape = draw(shapes)
    pred = draw(hnp.arrays(np.float64, shape, elements=pred_elements))
    target = draw(hnp.arrays(np.float64, shape, elements=target_elements))
    return pred, target


@pytest.mark.parametrize(("loss", "reference", "pred_el", "target_el"), ELEMENTWISE)
def test_tensor_losses_match_numpy_and_pass_gradcheck(
    loss: Any, reference: Any, pred_el: Any, target_el: Any
) -> None:
    @given(pair(pred_el, target_el))
    def check(case: tuple[np.ndarray, np.ndarray]) -> None:
        pred, target = case
        value = loss(Tensor(pred), target)
        assert value.shape == ()
        assert value.item() == pytest.approx(reference(pred, target), rel=1e-12, abs=1e-15)
        assert gradcheck(lambda p: loss(p, target), pred)
        # Against a target that is itself being differentiated (e.g. a teacher network).
        assert gradcheck(lambda p, t: loss(p, t), pred, target)

    check()


@pytest.mark.parametrize(("loss", "reference", "pred_el", "target_el"), ELEMENTWISE)
def test_value_losses_match_tensor_losses_and_pass_gradcheck(
    loss: Any, reference: Any, pred_el: Any, target_el: Any
) -> None:
    @given(pair(pred_el, target_el))
    def check(case: tuple[np.ndarray, np.ndarray]) -> None:
        pred, target = case
        nested = [[Value(x) for x in row] for row in np.atleast_2d(pred)]
        if pred.ndim == 1:
            nested = nested[0]  # type: ignore[assignment]
        value = loss(nested, target.tolist())
        assert isinstance(value, Value)
        assert value.data == pytest.approx(reference(pred, target), rel=1e-12, abs=1e-15)
        flat_target = target.ravel().tolist()

        def f(*ps: Value) -> Any:
            return (
                loss(list(ps), flat_target)
                if pred.ndim == 1
                else loss(np.array(ps, dtype=object).reshape(pred.shape).tolist(), target)
            )

        assert gradcheck(f, *pred.ravel().tolist())

    check()


def test_squared_error_is_the_blogs_cost() -> None:
    y = np.array([[0.0], [1.0], [1.0], [1.0]])
    y_hat = np.array([[0.5], [0.6457], [0.525], [0.6682]])
    # compute_cost(Y, Y_hat) with the blog's (1 x m) layout; exact: the same elementwise
    # operations and a sum of four terms in one order, no BLAS
    blog = (1 / (2 * 4)) * np.sum(np.square(y.T - y_hat.T))
    assert nn.squared_error(Tensor(y_hat), y).item() == blog
    assert nn.SquaredErrorLoss()(Tensor(y_hat), y).item() == blog
    # m is the number of examples (first axis), not the number of elements
    two_outputs = Tensor(np.zeros((4, 2)))
    assert nn.squared_error(two_outputs, np.ones((4, 2))).item() == 8 / 8
    assert nn.mse(two_outputs, np.ones((4, 2))).item() == 1.0


@pytest.mark.parametrize(
    "loss",
    [nn.squared_error, nn.mse, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits],
)
def test_shape_mismatch_is_an_error_naming_both_shapes(loss: Any) -> None:
    with pytest.raises(ValueError, match=r"prediction shape \(4, 1\) and target shape \(4,\)"):
        loss(Tensor(np.full((4, 1), 0.5)), np.ones(4))
    with pytest.raises(ValueError, match=r"prediction shape \(4,\) and target shape \(4, 1\)"):
        loss([Value(0.5)] * 4, np.ones((4, 1)))
    with pytest.raises(TypeError, match="list of Values"):
        loss([0.5, Value(0.5)], [1.0, 1.0])


def test_bce_with_logits_is_stable_at_plus_minus_1000() -> None:
    x = np.array([[-1000.0], [1000.0], [-1000.0], [1000.0], [0.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logit = Tensor(x, requires_grad=True)
        loss = nn.binary_cross_entropy_with_logits(logit, t)
        loss.backward()
        assert loss.item() == pytest.approx((0 + 0 + 1000 + 1000 + np.log(2)) / 5, rel=1e-15)
        # d/dx = (sigmoid(x) - t) / N, also at x = 0 (where |x| and max(x, 0) have kinks)
        expected = (np.array([[0.0], [1.0], [0.0], [1.0], [0.5]]) - t) / 5
        np.testing.assert_allclose(logit.grad, expected, rtol=1e-15)
        values = [Value(v) for v in x.ravel()]
        scalar = nn.binary_cross_entropy_with_logits(values, t.ravel())
        scalar.backward()
        assert scalar.data == pytest.approx(loss.item(), rel=1e-15)
        assert [v.grad for v in values] == pytest.approx(expected.ravel().tolist(), rel=1e-15)


def test_bce_of_probabilities_zero_and_one_stays_finite_for_tensors() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = nn.binary_cross_entropy(Tensor(np.array([0.0, 1.0])), np.array([1.0, 0.0]))
    assert np.isfinite(loss.item()) and loss.item() > 30
    assert nn.BCELoss()(Tensor(np.array([0.5])), [1.0]).item() == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="log"):
        nn.binary_cross_entropy([Value(0.0)], [1.0])


@st.composite
def classification(draw: Any) -> tuple[np.ndarray, np.ndarray]:
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    scores = draw(hnp.arrays(np.float64, (n, c), elements=logits))
    target = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return scores, target


@given(classification())
def test_cross_entropy_matches_numpy_and_passes_gradcheck(
    case: tuple[np.ndarray, np.ndarray],
) -> None:
    scores, target = case
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_probs[np.arange(len(target)), target].mean()
    assert nn.cross_entropy(Tensor(scores), target).item() == pytest.approx(expected, rel=1e-12)
    assert gradcheck(lambda s: nn.cross_entropy(s, target), scores)
    rows = [[Value(x) for x in row] for row in scores]
    assert nn.cross_entropy(rows, target).data == pytest.approx(expected, rel=1e-12)
    n, c = scores.shape

    def f(*xs: Value) -> Any:
        return nn.CrossEntropyLoss()([list(xs[i * c : (i + 1) * c]) for i in range(n)], target)

    assert gradcheck(f, *scores.ravel().tolist())


def test_cross_entropy_is_stable_and_checks_its_targets() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = nn.cross_entropy(Tensor(np.array([[1000.0, -1000.0], [0.0, 0.0]])), [1, 0])
    assert big.item() == pytest.approx((2000 + np.log(2)) / 2)
    assert nn.cross_entropy(Tensor(np.array([0.0, 0.0])), 1).item() == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        nn.cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])
    with pytest.raises(ValueError, match=r"targets of shape \(2,\)"):
        nn.cross_entropy(Tensor(np.zeros((2, 3))), [[0], [1]])
    with pytest.raises(TypeError, match="integer class indices"):
        nn.cross_entropy(Tensor(np.zeros((2, 3))), [0.5, 1.0])
