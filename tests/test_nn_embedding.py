"""Embedding: rows by index, gradients added into the rows (repeats collect), the padding
row left untrained, max_norm, initialisation and errors."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor, manual_seed
from autograd_core.testing import gradcheck, gradgradcheck
from nn import functional as F

TABLE = np.arange(12.0).reshape(4, 3)


def test_rows_by_index_for_any_index_shape() -> None:
    y = F.embedding(np.array([[2, 0], [2, 3]]), Tensor(TABLE))
    assert y.shape == (2, 2, 3)
    assert y.data[0].tolist() == [[6.0, 7.0, 8.0], [0.0, 1.0, 2.0]]
    assert F.embedding(Tensor([1], dtype=np.int64), Tensor(TABLE)).data.tolist() == [[3, 4, 5]]


def test_gradients_add_into_the_rows_and_skip_the_padding_row() -> None:
    weight = Tensor(TABLE, requires_grad=True)
    F.embedding(np.array([1, 3, 1]), weight).sum().backward()
    assert weight.grad[:, 0].tolist() == [0.0, 2.0, 0.0, 1.0]  # row 1 used twice
    weight.zero_grad()
    y = F.embedding(np.array([[0, 2], [2, 1]]), weight, padding_idx=2)
    np.testing.assert_array_equal(y.data[0, 1], TABLE[2])  # its numbers are still there
    y.sum().backward()
    assert weight.grad[:, 0].tolist() == [1.0, 1.0, 0.0, 0.0]
    picks = np.array([[0, 2], [2, 2]])
    assert gradcheck(lambda w: F.embedding(picks, w), TABLE)
    # With a padding row: the same gradient, with that row's zeroed (on purpose, not the
    # derivative: finite differences would see the row's numbers move the output).
    cot = np.random.default_rng(0).standard_normal((2, 2, 3))
    full, padded = Tensor(TABLE, requires_grad=True), Tensor(TABLE, requires_grad=True)
    (F.embedding(picks, full) * cot).sum().backward()
    (F.embedding(picks, padded, padding_idx=2) * cot).sum().backward()
    np.testing.assert_array_equal(padded.grad, np.where(np.arange(4)[:, None] == 2, 0, full.grad))
    assert gradgradcheck(lambda w: F.embedding(np.array([3, 3, 1]), w) ** 2, TABLE)


def test_layer_initialisation_padding_and_training() -> None:
    manual_seed(0)
    layer = nn.Embedding(5, 3, padding_idx=-1)
    assert layer.padding_idx == 4 and layer.weight.shape == (5, 3)
    manual_seed(0)
    drawn = np.random.standard_normal((5, 3))  # N(0, 1) from the global stream, as PyTorch
    drawn[4] = 0.0
    np.testing.assert_array_equal(layer.weight.data, drawn)
    from_rng = nn.Embedding(5, 3, rng=np.random.default_rng(2))
    np.testing.assert_array_equal(
        from_rng.weight.data, np.random.default_rng(2).standard_normal((5, 3))
    )
    optimizer = nn.optim.SGD(layer.parameters(), lr=0.5)
    layer(np.array([4, 0, 4])).sum().backward()
    optimizer.step()
    assert layer.weight.data[4].tolist() == [0.0, 0.0, 0.0]  # the padding row stays zero
    assert repr(layer) == "Embedding(5, 3, padding_idx=4)"


def test_max_norm_shortens_the_picked_rows_in_place() -> None:
    weight = Tensor(np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]))
    y = F.embedding(np.array([0, 1]), weight, max_norm=1.0)
    # Row 0 (norm 5) is scaled to norm 1 (PyTorch divides by norm + 1e-7); row 1 (0.5) and
    # row 2 (not picked) stay.
    np.testing.assert_allclose(weight.data[0], [0.6, 0.8], rtol=1e-6)
    assert weight.data[1].tolist() == [0.3, 0.4] and weight.data[2].tolist() == [6.0, 8.0]
    np.testing.assert_array_equal(y.data[0], weight.data[0])


@pytest.mark.parametrize(
    ("indices", "error", "message"),
    [
        (np.array([0.0, 1.0]), TypeError, "indices must be integers, got dtype float64"),
        (Tensor([0.0, 2.0]), TypeError, "dtype=np.int64"),
        (
            np.array([0, 4]),
            IndexError,
            r"index 4 is out of range for 4 embeddings "
            r"\(indices must lie in \[0, 3\]\)",
        ),
        (np.array([-1]), IndexError, "index -1 is out of range"),
    ],
)
def test_bad_indices(indices: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        nn.Embedding(4, 2)(indices)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="padding_idx must be within num_embeddings"):
        nn.Embedding(4, 2, padding_idx=4)
    with pytest.raises(ValueError, match="sparse=False"):
        nn.Embedding(4, 2, sparse=True)
    with pytest.raises(ValueError, match="weight must be a Tensor of shape"):
        F.embedding(np.array([0]), Tensor(np.ones(3)))
