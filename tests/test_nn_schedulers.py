"""Learning-rate schedules: PyTorch's values (the recursive forms agree with the closed
forms), last_epoch, get_last_lr, resuming, state dicts, and that the optimiser uses them.

Literal sequences were printed by torch 2.13 for the same schedules (ours matched them bit
for bit: the same float operations in the same order).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import nn
from nn.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, StepLR


def two_groups() -> nn.optim.SGD:
    a, b = nn.Parameter(np.zeros(1)), nn.Parameter(np.zeros(1))
    return nn.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=0.1)


def run(scheduler: Any, epochs: int) -> list[list[float]]:
    """The learning rates at epochs 0 .. epochs, stepping as a training loop does."""
    rates = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        rates.append(scheduler.get_last_lr())
    return rates


def test_step_lr() -> None:
    rates = run(StepLR(two_groups(), step_size=3, gamma=0.5), 7)
    assert rates == [[0.1, 0.3]] * 3 + [[0.05, 0.15]] * 3 + [[0.025, 0.075]] * 2  # torch 2.13


def test_exponential_lr_is_base_times_gamma_to_the_epoch() -> None:
    scheduler = ExponentialLR(two_groups(), gamma=0.9)
    rates = run(scheduler, 25)
    closed = [[base * 0.9**e for base in (0.1, 0.3)] for e in range(26)]
    np.testing.assert_allclose(rates, closed, rtol=1e-14)
    assert scheduler.last_epoch == 25
    assert scheduler.base_lrs == [0.1, 0.3]


def test_cosine_annealing_recursion_gives_the_closed_form() -> None:
    scheduler = CosineAnnealingLR(two_groups(), T_max=10, eta_min=0.01)
    rates = np.array(run(scheduler, 25))
    closed = [
        [0.01 + (base - 0.01) * (1 + math.cos(math.pi * e / 10)) / 2 for base in (0.1, 0.3)]
        for e in range(26)
    ]
    np.testing.assert_allclose(rates, closed, rtol=1e-13)  # torch's recursion: 1.2e-15 apart
    torch_first = [  # torch 2.13, group 0, epochs 0..12: down to eta_min at T_max, then up
        0.1, 0.09779754323328192, 0.09140576474687263, 0.08145033635316129,
        0.06890576474687264, 0.05500000000000001, 0.04109423525312737, 0.028549663646838717,
        0.01859423525312737, 0.012202456766718092, 0.01, 0.012202456766718092,
        0.0185942352531274,
    ]  # fmt: skip
    assert rates[:13, 0].tolist() == torch_first


def test_cosine_annealing_follows_a_change_made_in_between() -> None:
    # The recursive form scales the current rate: halving it mid-way halves what follows
    # (towards eta_min = 0), as in PyTorch; a closed form would ignore the change.
    optimiser = two_groups()
    scheduler = CosineAnnealingLR(optimiser, T_max=10)
    run(scheduler, 4)
    optimiser.param_groups[0]["lr"] /= 2
    scheduler.step()
    assert scheduler.get_last_lr()[0] == pytest.approx(0.1 * (1 + math.cos(math.pi / 2)) / 4)


def test_lambda_lr_with_one_function_per_group() -> None:
    optimiser = two_groups()
    scheduler = LambdaLR(optimiser, [lambda e: 1 / (e + 1), lambda e: 0.95**e])
    rates = run(scheduler, 5)
    expected = [[0.1 / (e + 1), 0.3 * 0.95**e] for e in range(6)]
    np.testing.assert_allclose(rates, expected, rtol=1e-15)
    assert [g["lr"] for g in optimiser.param_groups] == rates[-1]
    assert [g["initial_lr"] for g in optimiser.param_groups] == [0.1, 0.3]
    # One function serves every group; its value at epoch 0 applies at once.
    single = LambdaLR(two_groups(), lambda e: 0.5)
    assert single.get_last_lr() == [0.05, 0.15]
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        LambdaLR(two_groups(), [lambda e: 1.0])


def test_the_optimiser_steps_with_the_scheduled_rate() -> None:
    p = nn.Parameter(np.array([0.0]))
    optimiser = nn.SGD([p], lr=1.0)
    scheduler = StepLR(optimiser, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = np.array([-1.0])
        optimiser.step()
        scheduler.step()
    assert p.data.tolist() == [1.0 + 0.5 + 0.25]


def test_resuming_needs_initial_lr_and_step_epoch_is_refused() -> None:
    optimiser = two_groups()
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(optimiser, 2, last_epoch=4)
    first = StepLR(optimiser, 2, 0.5)
    run(first, 3)
    state = first.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    resumed = StepLR(optimiser, 5)
    resumed.load_state_dict(state)
    assert resumed.step_size == 2 and resumed.last_epoch == 3
    resumed.step()
    assert resumed.get_last_lr() == pytest.approx([0.025, 0.075])
    with pytest.raises(TypeError, match="step\\(epoch\\) is deprecated"):
        resumed.step(7)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="step_size must be a positive integer"):
        StepLR(two_groups(), 0)
    with pytest.raises(ValueError, match="T_max must be a positive integer"):
        CosineAnnealingLR(two_groups(), 2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="is not an Optimizer"):
        ExponentialLR([1.0], 0.9)  # type: ignore[arg-type]
