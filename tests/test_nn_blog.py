"""The seed blog's networks, built with ``nn`` and trained by ``backward()``, give its numbers.

The blog lays data out as (features, examples) and computes ``W @ X + b``; ``nn`` is
batch-first (``X @ W.T + b``), so the data here is the blog's transposed. Every dot product
has the same terms in the same order, and the reductions (the cost's sum, the bias
gradient) add the examples in the same order. The matrix products run on the CPU's BLAS
kernels, whose rounding differs between machines (AVX2, AVX-512, ...), so the blog's
printed costs are matched to ``BLAS_RTOL`` (relative 1e-12), not to the last bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import nn
from autograd_core import Tensor

# The blog's X_train columns (0,0), (0,1), (1,0), (1,1), as rows.
X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])
Y_OR = np.array([[0.0], [1.0], [1.0], [1.0]])


def train(model: nn.Module, x: np.ndarray, y: np.ndarray, epochs: int) -> dict[int, float]:
    """The blog's loop: full batch, cost logged every 100 epochs *before* the update."""
    optimiser = nn.SGD(model.parameters(), lr=1)
    inputs = Tensor(x)
    costs = {}
    for epoch in range(epochs):
        cost = nn.squared_error(model(inputs), y)
        if epoch % 100 == 0:
            costs[epoch] = cost.item()
        optimiser.zero_grad()
        cost.backward()
        optimiser.step()
    return costs


def test_xor_2_3_1_xavier_network_reproduces_the_blog() -> None:
    np.random.seed(48)
    model = nn.Sequential(
        nn.Linear(2, 3, init="xavier"),
        nn.Sigmoid(),
        nn.Linear(3, 1, init="xavier"),
        nn.Sigmoid(),
    )
    costs = train(model, X, Y_XOR, 5000)

    assert costs[0] == pytest.approx(0.12926510193084198, rel=BLAS_RTOL)
    # The blog's last printed costs (Fig. 92's output).
    assert costs[4600] == pytest.approx(0.001018305488651183, rel=BLAS_RTOL)
    assert costs[4700] == pytest.approx(0.000983783942124411, rel=BLAS_RTOL)
    assert costs[4800] == pytest.approx(0.0009514180100050973, rel=BLAS_RTOL)
    assert costs[4900] == pytest.approx(0.0009210166430616655, rel=BLAS_RTOL)
    predictions = (model(Tensor(X)).data > 0.5).astype(int).ravel()
    assert predictions.tolist() == [0, 1, 1, 0]


def test_xavier_weights_are_the_blogs_initial_weights() -> None:
    np.random.seed(48)
    first, second = nn.Linear(2, 3, init="xavier"), nn.Linear(3, 1, init="xavier")
    np.random.seed(48)
    w1 = np.random.randn(3, 2) / np.sqrt(2)  # initialize_parameters(2, 3, 'xavier')
    w2 = np.random.randn(1, 3) / np.sqrt(3)
    assert np.array_equal(first.weight.data, w1)
    assert np.array_equal(second.weight.data, w2)
    assert first.bias is not None and np.array_equal(first.bias.data, np.zeros(3))


def test_xor_with_feature_cross_reproduces_the_blog() -> None:
    np.random.seed(48)
    crossed = np.hstack([X, X[:, :1] * X[:, 1:]])  # third feature x1 * x2
    model = nn.Sequential(nn.Linear(3, 1, init="plain"), nn.Sigmoid())
    costs = train(model, crossed, Y_XOR, 5000)

    assert costs[0] == pytest.approx(0.12480797532784463, rel=BLAS_RTOL)
    assert costs[4900] == pytest.approx(0.0016049339955154555, rel=BLAS_RTOL)
    predictions = (model(Tensor(crossed)).data > 0.5).astype(int).ravel()
    assert predictions.tolist() == [0, 1, 1, 0]


def test_or_gate_vectorised_step_matches_the_blog() -> None:
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    model.load_state_dict({"0.weight": [[0.1, 0.6]], "0.bias": [0.0]})
    optimiser = nn.SGD(model.parameters(), lr=1)
    inputs = Tensor(X)

    cost = nn.squared_error(model(inputs), Y_OR)
    assert round(cost.item(), 3) == 0.089
    cost.backward()
    optimiser.step()

    optimiser.zero_grad()
    cost = nn.squared_error(model(inputs), Y_OR)
    assert round(cost.item(), 3) == 0.084
    cost.backward()
    layer = model[0]
    assert isinstance(layer, nn.Linear) and layer.bias is not None
    assert np.round(layer.weight.grad, 3).tolist() == [[-0.044, -0.035]]
    assert np.round(layer.bias.grad, 3).tolist() == [-0.031]


def test_or_gate_gradients_equal_the_blogs_hand_derivation() -> None:
    """dCost/dW = dZ @ X and dCost/db = sum(dZ), dZ = -(1/m)(Y - A) * A(1 - A) (the blog's
    vectorised formulas), against what backward() computes."""
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    model.load_state_dict({"0.weight": [[0.1, 0.6]], "0.bias": [0.0]})
    cost = nn.squared_error(model(Tensor(X)), Y_OR)
    cost.backward()

    a = 1 / (1 + np.exp(-(X @ np.array([[0.1], [0.6]]))))
    dz = -(1 / 4) * (Y_OR - a) * a * (1 - a)
    layer = model[0]
    assert isinstance(layer, nn.Linear) and layer.bias is not None
    np.testing.assert_allclose(layer.weight.grad, dz.T @ X, rtol=1e-14)
    np.testing.assert_allclose(layer.bias.grad, dz.sum(axis=0), rtol=1e-14)
