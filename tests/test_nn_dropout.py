"""Dropout: inverted scaling, train/eval, the edges p = 0 and p = 1, the random stream it
draws from, gradients and bad probabilities."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor, manual_seed
from autograd_core.testing import gradcheck
from nn import functional as F


def test_survivors_are_scaled_by_one_over_one_minus_p() -> None:
    manual_seed(0)
    y = F.dropout(Tensor(np.ones((100, 100))), 0.2).data
    assert set(np.unique(y)) == {0.0, 1.25}
    assert 0.77 < (y != 0).mean() < 0.83  # about 1 - p of 10,000 survive
    assert y.mean() == pytest.approx(1.0, abs=0.04)  # the expectation is unchanged


def test_the_mask_comes_from_the_global_stream_or_a_generator() -> None:
    x = Tensor(np.ones(50))
    manual_seed(3)
    first = F.dropout(x, 0.5).data
    manual_seed(3)
    np.testing.assert_array_equal(F.dropout(x, 0.5).data, first)
    np.random.seed(3)  # manual_seed is NumPy's global stream: the same mask
    np.testing.assert_array_equal(F.dropout(x, 0.5).data, first)
    drawn = np.random.default_rng(5).random(50) >= 0.5
    np.testing.assert_array_equal(F.dropout(x, 0.5, generator=5).data != 0, drawn)
    layer = nn.Dropout(0.5, generator=5)  # a seed becomes one Generator: masks differ per call
    assert not np.array_equal(layer(x).data, layer(x).data)


def test_train_and_eval_modes_and_the_edges() -> None:
    x = Tensor(np.arange(1.0, 7.0), requires_grad=True)
    layer = nn.Dropout(0.5)
    assert layer.training
    layer.eval()
    assert layer(x) is x  # the identity, as PyTorch (the same Tensor)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    zeros = F.dropout(x, 1.0)
    assert zeros.data.tolist() == [0.0] * 6
    zeros.sum().backward()
    assert x.grad.tolist() == [0.0] * 6
    model = nn.Sequential(nn.Linear(6, 2), nn.Dropout(0.3))
    model.eval()
    assert not model[1].training
    model.train()
    assert model[1].training


def test_gradient_follows_the_mask() -> None:
    x = np.random.default_rng(0).standard_normal((4, 5))
    manual_seed(1)
    mask = F.dropout(Tensor(np.ones((4, 5))), 0.4).data

    def same_mask(t: Tensor) -> Tensor:
        manual_seed(1)
        return F.dropout(t, 0.4)

    assert gradcheck(same_mask, x)
    t = Tensor(x, requires_grad=True)
    same_mask(t).sum().backward()
    np.testing.assert_array_equal(t.grad, mask)  # 1 / (1 - p) where kept, 0 where dropped


@pytest.mark.parametrize("p", [-0.1, 1.5, "half", True])
def test_bad_probabilities(p: object) -> None:
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(p)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dropout probability"):
        F.dropout(Tensor(np.ones(2)), p)  # type: ignore[arg-type]


def test_in_place_is_refused_with_the_fix_and_repr() -> None:
    with pytest.raises(ValueError, match="inplace=False"):
        nn.Dropout(0.5, inplace=True)
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25, inplace=False)"
