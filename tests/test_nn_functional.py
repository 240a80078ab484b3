"""nn.functional (F) under PyTorch's names, and Softmax, LogSoftmax and Flatten."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ag
import nn
from autograd_core import Tensor
from autograd_core.testing import gradcheck
from nn import functional as F


def test_the_namespace() -> None:
    names = [
        "relu",
        "sigmoid",
        "tanh",
        "softmax",
        "log_softmax",
        "dropout",
        "linear",
        "conv2d",
        "max_pool2d",
        "avg_pool2d",
        "batch_norm",
        "layer_norm",
        "embedding",
        "flatten",
        "cross_entropy",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "mse_loss",
        "l1_loss",
        "smooth_l1_loss",
        "huber_loss",
        "nll_loss",
    ]
    assert sorted(F.__all__) == sorted(names + F.ACTIVATIONS)
    for name in F.ACTIVATIONS:
        assert getattr(F, name) is getattr(ag, name)
    assert F.cross_entropy is nn.cross_entropy and F.nll_loss is nn.losses.nll_loss
    x = Tensor([[-1.0, 2.0]])
    assert F.relu(x).data.tolist() == [[0.0, 2.0]]
    assert F.tanh(x).data.tolist() == np.tanh(x.data).tolist()
    assert F.sigmoid(x).data.tolist() == x.sigmoid().data.tolist()
    w, b = Tensor([[1.0, 1.0]]), Tensor([0.5])
    assert F.linear(x, w, b).data.tolist() == [[1.5]]
    with pytest.raises(ValueError, match=r"F.relu\(x\)"):
        F.relu(x, inplace=True)


def test_softmax_and_log_softmax_along_dim() -> None:
    x = Tensor([[0.0, np.log(3.0)], [1000.0, 1000.0]])
    assert np.allclose(F.softmax(x, dim=1).data, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)
    assert np.allclose(nn.LogSoftmax(dim=0)(x).data[:, 0], [-1000.0, 0.0])
    assert F.softmax(Tensor(2.0), dim=0).data.tolist() == 1.0  # a 0-d input: one class
    assert F.softmax(x, 1, dtype=np.float32).dtype == np.float32
    rng = np.random.default_rng(0)
    assert gradcheck(lambda t: nn.Softmax(1)(t), rng.standard_normal((3, 4)))
    assert gradcheck(lambda t: F.log_softmax(t, 0), rng.standard_normal((3, 4)))


@pytest.mark.parametrize(
    ("shape", "axis"), [((4,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)]
)
def test_softmax_without_dim_warns_and_picks_pytorchs_legacy_axis(
    shape: tuple[int, ...], axis: int
) -> None:
    # torch 2.13: a UserWarning, then axis 0 for 0-, 1- and 3-d input, axis 1 otherwise.
    x = Tensor(np.random.default_rng(1).standard_normal(shape))
    with pytest.warns(UserWarning, match="implicit dimension choice for softmax"):
        y = nn.Softmax()(x)
    np.testing.assert_array_equal(y.data, F.softmax(x, dim=axis).data)
    with pytest.warns(UserWarning, match="include dim=X"):
        F.log_softmax(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmax(x, dim=-1)  # no warning with a dim
    assert (
        repr(nn.Softmax()) == "Softmax(dim=None)" and repr(nn.LogSoftmax(1)) == "LogSoftmax(dim=1)"
    )


def test_flatten_layer_and_function() -> None:
    x = Tensor(np.zeros((2, 3, 4, 5)), requires_grad=True)
    assert nn.Flatten()(x).shape == (2, 60)  # the batch axis stays
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert F.flatten(x).shape == (120,)  # torch.flatten's default: everything
    assert F.flatten(x, 1, 2).shape == (2, 12, 5)
    nn.Flatten()(x).sum().backward()
    assert x.grad.shape == (2, 3, 4, 5)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_a_small_convolutional_network_trains() -> None:
    rng = np.random.default_rng(0)
    images = Tensor(rng.standard_normal((8, 1, 6, 6)))
    labels = (images.data.mean(axis=(1, 2, 3)) > 0).astype(np.int64)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, rng=rng),
        nn.ReLU(),
        nn.AvgPool2d(1),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(36, 8, init="xavier", rng=rng),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.LayerNorm(8),
        nn.Linear(8, 2, init="xavier", rng=rng),
    )
    optimizer = nn.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(30):
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    model.eval()  # the running statistics and no dropout
    accuracy = (model(images).data.argmax(axis=1) == labels).mean()
    assert accuracy >= 0.75
