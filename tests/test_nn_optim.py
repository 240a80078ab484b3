"""Optimisers: two steps against updates worked out by hand, for Tensor and Value parameters.

The loss is sum(p ** 2) from p = [1, -2], so the gradient is 2p at every step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value

START = [1.0, -2.0]


def run_tensor(
    make: Callable[[list[Any]], nn.optim.Optimizer], steps: int = 2
) -> list[list[float]]:
    p = nn.Parameter(np.array(START))
    optimiser = make([p])
    trajectory = []
    for _ in range(steps):
        optimiser.zero_grad()
        (p**2).sum().backward()
        optimiser.step()
        trajectory.append(p.data.tolist())
    return trajectory


def run_values(
    make: Callable[[list[Any]], nn.optim.Optimizer], steps: int = 2
) -> list[list[float]]:
    ps = [nn.ScalarParameter(x) for x in START]
    optimiser = make(ps)
    trajectory = []
    for _ in range(steps):
        optimiser.zero_grad()
        (ps[0] ** 2 + ps[1] ** 2).backward()
        optimiser.step()
        trajectory.append([p.data for p in ps])
    return trajectory


RUNNERS = [run_tensor, run_values]


@pytest.mark.parametrize("run", RUNNERS)
def test_sgd_two_steps(run: Any) -> None:
    # p1 = p0 - 0.1 * 2 p0 = 0.8 p0;  p2 = 0.8 p1 = 0.64 p0
    trajectory = run(lambda ps: nn.SGD(ps, lr=0.1))
    assert trajectory[0] == pytest.approx([0.8, -1.6], rel=1e-15)
    assert trajectory[1] == pytest.approx([0.64, -1.28], rel=1e-15)


@pytest.mark.parametrize("run", RUNNERS)
def test_sgd_with_momentum_two_steps(run: Any) -> None:
    # step 1: v = g = [2, -4];                      p = [1, -2] - 0.1 v = [0.8, -1.6]
    # step 2: g = [1.6, -3.2]; v = 0.9 v + g = [3.4, -6.8]; p = [0.8, -1.6] - 0.1 v
    trajectory = run(lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9))
    assert trajectory[0] == pytest.approx([0.8, -1.6], rel=1e-15)
    assert trajectory[1] == pytest.approx([0.46, -0.92], rel=1e-14)


@pytest.mark.parametrize("run", RUNNERS)
def test_adam_two_steps(run: Any) -> None:
    # step 1: m = 0.1 g, v = 0.001 g^2, so m_hat = g, v_hat = g^2 and each coordinate moves
    #         by lr * g / (|g| + eps) = 0.1 (less a hair for eps): p = [0.9, -1.9]
    # step 2: g = [1.8, -3.8]; m = [0.36, -0.74]; v = [0.007236, 0.030424];
    #         m_hat = m / 0.19, v_hat = v / 0.001999, p -= 0.1 m_hat / (sqrt(v_hat) + eps)
    trajectory = run(lambda ps: nn.Adam(ps, lr=0.1))
    eps = 1e-8
    assert trajectory[0] == pytest.approx(
        [1 - 0.1 * 2 / (2 + eps), -2 + 0.1 * 4 / (4 + eps)], rel=1e-15
    )
    p1 = np.array(trajectory[0])
    g1, g2 = np.array([2.0, -4.0]), 2 * p1
    m = 0.9 * (0.1 * g1) + 0.1 * g2
    v = 0.999 * (0.001 * g1**2) + 0.001 * g2**2
    expected = p1 - 0.1 * (m / 0.19) / (np.sqrt(v / (1 - 0.999**2)) + eps)
    assert trajectory[1] == pytest.approx(expected.tolist(), rel=1e-14)
    assert trajectory[1] == pytest.approx([0.8004122287, -1.8001664861], rel=1e-10)


def test_tensor_and_value_parameters_follow_the_same_path() -> None:
    for make in (
        lambda ps: nn.SGD(ps, lr=0.05, momentum=0.5),
        lambda ps: nn.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6),
    ):
        np.testing.assert_allclose(run_tensor(make, 10), run_values(make, 10), rtol=1e-14)


def test_updates_are_in_place_and_keep_float32() -> None:
    p = nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
    array = p.data
    optimiser = nn.Adam([p], lr=0.1)
    (p * p).sum().backward()
    optimiser.step()
    assert p.data is array and p.data.dtype == np.float32
    assert p.grad is not None and p.grad.tolist() == [2.0, 4.0]  # the gradient is not consumed


def test_parameters_without_gradient_are_skipped() -> None:
    used, unused = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    for optimiser in (nn.SGD([used, unused], lr=0.1, momentum=0.9), nn.Adam([used, unused])):
        optimiser.zero_grad()
        used.sum().backward()
        optimiser.step()
        assert unused.data.tolist() == [1.0, 1.0]
        assert used.data[0] < 1.0


def test_zero_grad_and_duplicates() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    optimiser = nn.SGD([*model.parameters(), shared.weight], lr=0.1)
    assert len(optimiser.params) == 2  # a parameter listed twice is updated once
    model(Tensor(np.ones((1, 2)))).sum().backward()
    optimiser.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_one_optimiser_trains_mixed_parameters() -> None:
    w, s = nn.Parameter(np.array([3.0])), nn.ScalarParameter(-3.0)
    optimiser = nn.SGD([w, s], lr=0.25)
    for _ in range(20):
        optimiser.zero_grad()
        (w**2).sum().backward()
        (s * s).backward()
        optimiser.step()
    assert abs(w.data[0]) < 1e-5 and abs(s.data) < 1e-5 and isinstance(s.data, float)


def test_bad_arguments_are_clear_errors() -> None:
    p = nn.Parameter(np.ones(1))
    with pytest.raises(ValueError, match="lr"):
        nn.SGD([p], lr=-1.0)
    with pytest.raises(ValueError, match="momentum"):
        nn.SGD([p], lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="beta2"):
        nn.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty"):
        nn.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="leaf Tensor"):
        nn.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="requires_grad"):
        nn.SGD([Tensor(np.ones(1))], lr=0.1)
    with pytest.raises(ValueError, match="leaf Value"):
        nn.SGD([Value(1.0) * 2], lr=0.1)
    with pytest.raises(TypeError, match="iterable"):
        nn.SGD(p, lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a Tensor or Value"):
        nn.SGD([1.0], lr=0.1)  # type: ignore[list-item]
