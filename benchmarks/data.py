"""Inputs and initial weights shared by every contender of a workload.

Each contender receives copies of the same arrays, so every one of them computes the
same numbers and the first losses can be compared exactly.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ScalarMLPInit",
    "two_moons",
    "scalar_mlp_init",
    "xor_problem",
    "xor_init",
    "xor_user_written",
    "MLPProblem",
    "mlp_problem",
]

# micrograd's demo network: 2 inputs, two hidden layers of 16 ReLU units, one linear output.
SCALAR_MLP_SIZES = (2, 16, 16, 1)
# Layers as (weights per neuron, bias per neuron), the layout micrograd's Neuron uses.
ScalarMLPInit = list[tuple[list[list[float]], list[float]]]


def two_moons(
    n: int = 100, noise: float = 0.1, seed: int = 1
) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with labels -1/+1, as in micrograd's demo.

    Plain Python floats: the scalar engines get numbers, not NumPy scalars.
    """
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0.0, math.pi, n_outer)
    t_inner = np.linspace(0.0, math.pi, n_inner)
    points = np.concatenate(
        [
            np.stack([np.cos(t_outer), np.sin(t_outer)], axis=1),
            np.stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)], axis=1),
        ]
    )
    points += rng.normal(scale=noise, size=points.shape)
    labels = [-1.0] * n_outer + [1.0] * n_inner
    return points.tolist(), labels


def scalar_mlp_init(sizes: tuple[int, ...] = SCALAR_MLP_SIZES, seed: int = 1337) -> ScalarMLPInit:
    """Weights uniform in [-1, 1] and zero biases, micrograd's initialisation."""
    rng = random.Random(seed)
    layers: ScalarMLPInit = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights = [[rng.uniform(-1.0, 1.0) for _ in range(n_in)] for _ in range(n_out)]
        layers.append((weights, [0.0] * n_out))
    return layers


def xor_problem() -> tuple[np.ndarray, np.ndarray]:
    """The blog's XOR data, features x examples: X is (2, 4), Y is (1, 4)."""
    x = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    return x, y


def xor_init(seed: int = 48) -> list[np.ndarray]:
    """[W1 (3, 2), b1 (3, 1), W2 (1, 3), b2 (1, 1)]: the blog's Xavier start.

    ``RandomState(seed)`` yields the same numbers as the blog's ``np.random.seed(seed)``
    followed by ``np.random.randn``, without touching NumPy's global generator.
    """
    rng = np.random.RandomState(seed)
    params: list[np.ndarray] = []
    for n_in, n_out in ((2, 3), (3, 1)):
        params.append(rng.randn(n_out, n_in) / np.sqrt(n_in))
        params.append(np.zeros((n_out, 1)))
    return params


def xor_user_written() -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """(params, X, Y): the same problem laid out as PyTorch users write it.

    Examples in rows, X (4, 2) and Y (4, 1); each W (out, in), as ``nn.Linear`` stores it,
    and each b of shape (out,), so a layer is ``X @ W.T + b``. Same numbers as the blog's.
    """
    x, y = xor_problem()
    w1, b1, w2, b2 = xor_init()
    return [w1, b1[:, 0], w2, b2[:, 0]], x.T.copy(), y.T.copy()


@dataclass
class MLPProblem:
    """One batch and the initial weights of the T2 network, batch-first.

    ``params`` is [W1, b1, W2, b2, W3, b3] with W of shape (in, out), so every contender
    computes ``x @ W + b`` with no transpose.
    """

    x: np.ndarray
    labels: np.ndarray
    onehot: np.ndarray
    params: list[np.ndarray]
    lr: float

    def astype(self, dtype: type) -> MLPProblem:
        """The same problem in another float dtype (labels stay integers)."""
        return MLPProblem(
            self.x.astype(dtype),
            self.labels,
            self.onehot.astype(dtype),
            [p.astype(dtype) for p in self.params],
            self.lr,
        )


def mlp_problem(
    sizes: tuple[int, ...] = (784, 256, 256, 10), batch: int = 256, seed: int = 0
) -> MLPProblem:
    """A synthetic MNIST-shaped batch (pixels in [0, 1), random labels), He-initialised."""
    rng = np.random.default_rng(seed)
    x = rng.random((batch, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=batch)
    onehot = np.zeros((batch, sizes[-1]))
    onehot[np.arange(batch), labels] = 1.0
    params: list[np.ndarray] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append(rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in))
        params.append(np.zeros(n_out))
    return MLPProblem(x, labels, onehot, params, lr=0.01)
