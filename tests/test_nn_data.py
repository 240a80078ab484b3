"""TensorDataset and DataLoader: lengths, indexing, stacked batches, drop_last, and
shuffling reproducible from a seed, a numpy Generator or autograd_core.manual_seed."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
import pytest

import autograd_core
import nn
from autograd_core import Tensor
from nn.data import DataLoader, Dataset, TensorDataset, default_collate

X = np.arange(20.0).reshape(10, 2)
Y = np.arange(10)


def test_tensor_dataset_length_indexing_and_mismatch() -> None:
    data = TensorDataset(Tensor(X), Y)  # an array is taken as a Tensor
    assert len(data) == 10
    x, y = data[3]
    assert isinstance(x, Tensor) and x.tolist() == [6.0, 7.0] and y.item() == 3
    xs, ys = data[1:3]
    assert xs.shape == (2, 2) and ys.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match=r"size mismatch between tensors.*\[10, 9\]"):
        TensorDataset(X, Y[:9])
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(np.array(1.0))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()


def batches(loader: DataLoader) -> list[list[float]]:
    """The y values of each batch."""
    return [y.tolist() for _, y in loader]


def test_batches_in_order_stacked_with_a_smaller_last_one() -> None:
    loader = DataLoader(TensorDataset(X, Y), batch_size=4)
    assert len(loader) == 3
    first_x, first_y = next(iter(loader))
    assert first_x.shape == (4, 2) and first_x.tolist() == X[:4].tolist()
    assert batches(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    dropped = DataLoader(TensorDataset(X, Y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and batches(dropped) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    single = DataLoader(TensorDataset(X, Y))  # PyTorch's default batch_size=1
    assert len(single) == 10 and next(iter(single))[0].shape == (1, 2)


def test_shuffling_is_reproducible_from_a_seed_and_differs_each_pass() -> None:
    def two_epochs(generator: Any) -> list[list[float]]:
        loader = DataLoader(TensorDataset(X, Y), batch_size=10, shuffle=True, generator=generator)
        return batches(loader) + batches(loader)

    first, again = two_epochs(7), two_epochs(7)
    assert first == again
    assert first[0] != first[1]  # a new permutation each pass
    assert sorted(first[0]) == list(range(10))
    # A numpy Generator: the same stream as its seed gives
    assert two_epochs(np.random.default_rng(7)) == first
    # No generator: NumPy's global stream, which manual_seed seeds (as torch's global one)
    autograd_core.manual_seed(3)
    global_run = two_epochs(None)
    autograd_core.manual_seed(3)
    assert two_epochs(None) == global_run
    np.random.seed(3)
    assert batches(DataLoader(TensorDataset(X, Y), 10, shuffle=True))[0] == (
        np.random.RandomState(3).permutation(10).tolist()
    )


def test_batches_keep_the_graph_of_a_tensor_that_requires_grad() -> None:
    x = Tensor(X, requires_grad=True)
    (xb,) = next(iter(DataLoader(TensorDataset(x), batch_size=3)))
    (xb * 2).sum().backward()
    assert x.grad is not None and x.grad[:3].tolist() == [[2.0, 2.0]] * 3
    assert x.grad[3:].sum() == 0


class Squares(Dataset):
    """A map-style dataset of (array, number, dict) examples."""

    def __getitem__(self, i: int) -> Any:
        return np.array([i, i * i], dtype=float), float(i), {"label": i, "name": f"n{i}"}

    def __len__(self) -> int:
        return 5


def test_a_custom_dataset_is_collated_as_pytorch_does() -> None:
    loader = DataLoader(Squares(), batch_size=2, sampler=[4, 0, 2])
    assert len(loader) == 2
    features, numbers, extras = next(iter(loader))
    assert isinstance(features, Tensor) and features.tolist() == [[4.0, 16.0], [0.0, 0.0]]
    assert numbers.tolist() == [4.0, 0.0]
    assert extras["label"].tolist() == [4.0, 0.0] and extras["name"] == ["n4", "n0"]
    pairs = DataLoader(Squares(), batch_size=2, collate_fn=list)
    assert [len(b) for b in pairs] == [2, 2, 1]
    assert [float(x) for _, x, _ in DataLoader(Squares(), batch_size=None)] == [0, 1, 2, 3, 4]
    Point = namedtuple("Point", "x y")
    point = default_collate([Point(Tensor([1.0]), 2.0), Point(Tensor([3.0]), 4.0)])
    assert isinstance(point, Point) and point.x.tolist() == [[1.0], [3.0]]


def test_unsupported_options_and_bad_arguments_are_refused_by_name() -> None:
    data = TensorDataset(X, Y)
    with pytest.raises(ValueError, match="num_workers=2 is not supported"):
        DataLoader(data, num_workers=2)
    with pytest.raises(ValueError, match="sampler and shuffle"):
        DataLoader(data, shuffle=True, sampler=[0, 1])
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        DataLoader(data, batch_size=0)
    with pytest.raises(TypeError, match="generator must be"):
        DataLoader(data, shuffle=True, generator="seed")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="__getitem__ and __len__"):
        DataLoader(iter(range(3)))
    with pytest.raises(TypeError, match="collate_fn"):
        default_collate([object(), object()])


def test_a_loader_feeds_a_training_loop() -> None:
    np.random.seed(0)
    x = np.random.randn(64, 2)
    y = (x[:, 0] + x[:, 1] > 0).astype(float).reshape(-1, 1)
    model = nn.Linear(2, 1, rng=np.random.default_rng(0))
    optimiser = nn.Adam(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True, generator=0)
    for _ in range(20):
        for xb, yb in loader:
            loss = nn.binary_cross_entropy_with_logits(model(xb), yb)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    accuracy = ((model(Tensor(x)).data > 0) == (y == 1)).mean()
    assert accuracy >= 0.95


def test_default_collate_keeps_pytorchs_label_dtypes() -> None:
    from nn.data import DataLoader

    pairs = [(np.ones(2, np.float32), 1), (np.zeros(2, np.float32), 0)]
    features, labels = next(iter(DataLoader(pairs, batch_size=2)))
    assert features.dtype == np.float32 and labels.dtype == np.int64  # as torch
    flags = next(iter(DataLoader([True, False], batch_size=2)))
    assert flags.dtype == np.bool_
