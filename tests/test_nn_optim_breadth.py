"""Optimisers with PyTorch's options: SGD (dampening, Nesterov, weight decay, maximize),
Adam (AMSGrad, weight decay), AdamW, RMSprop (centered, momentum), parameter groups,
zero_grad(set_to_none), state dicts and closures; Tensor and Value parameters alike.

The trajectories' reference numbers are torch 2.13's (float64), printed by a probe that ran
the same 20 steps; ours agree to within 6e-16 there. Hand-worked steps check the formulas.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor

START = [1.0, -2.0, 0.5]
C = [1.0, 3.0, 0.5]


def loss_tensor(p: Any) -> Any:
    """sum(c p^2) + p0 p1: a quadratic whose coordinates are coupled."""
    return (np.array(C) * p**2).sum() + p[0] * p[1]


def loss_values(ps: list[Any]) -> Any:
    return C[0] * ps[0] ** 2 + C[1] * ps[1] ** 2 + C[2] * ps[2] ** 2 + ps[0] * ps[1]


# (optimiser, options, p after 20 steps from START in torch 2.13)
TORCH_20_STEPS: list[tuple[str, dict[str, Any], list[float]]] = [
    ("SGD", {"lr": 0.05}, [0.21977464671265423, -0.05288344398905689, 0.1792429612042711]),
    (
        "SGD",
        {"lr": 0.05, "momentum": 0.9},
        [0.3689223723953974, -0.5303894270933512, -0.06056526295144467],
    ),
    (
        "SGD",
        {"dampening": 0.3, "lr": 0.05, "momentum": 0.9},
        [0.2798824064373612, 0.49325795552611434, -0.15716427718947915],
    ),
    (
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        [0.18652350804843104, -0.0603356790804724, -0.03453551129979447],
    ),
    (
        "SGD",
        {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1},
        [0.0026356470613731055, -0.00125484114281598, 0.03932386201033384],
    ),
    (
        "SGD",
        {"lr": 0.05, "maximize": True, "momentum": 0.5},
        [0.006695112588006677, -0.0019802842396770925, 0.05233348228146351],
    ),
    ("Adam", {"lr": 0.1}, [0.1092505204871171, -0.2224050156645846, 0.05318764951855047]),
    (
        "Adam",
        {"amsgrad": True, "lr": 0.1},
        [0.1092434076471781, -0.2224050754295553, 0.053157078953178616],
    ),
    (
        "Adam",
        {"lr": 0.1, "weight_decay": 0.1},
        [0.11416415648672819, -0.22230611049330334, 0.053187650832382555],
    ),
    (
        "Adam",
        {"betas": (0.8, 0.9), "eps": 0.001, "lr": 0.1, "maximize": True},
        [0.1177926242521305, -0.23389919242747437, 0.045080659820461895],
    ),
    ("AdamW", {"lr": 0.1}, [0.1011731682848784, -0.20597587035270787, 0.05393584773521627]),
    (
        "AdamW",
        {"amsgrad": True, "lr": 0.1, "weight_decay": 0.3},
        [-0.04642538667294024, 0.0958997103035705, 0.06429141083362833],
    ),
    ("RMSprop", {"lr": 0.01}, [0.6521494444717557, -1.2901752223873009, 0.035901469634166266]),
    (
        "RMSprop",
        {"centered": True, "lr": 0.01},
        [0.6394338442019324, -1.2639183999794763, 0.031785727483768914],
    ),
    (
        "RMSprop",
        {"lr": 0.01, "momentum": 0.9},
        [-0.3651835797599636, 0.7293803917255595, 0.14089097423968835],
    ),
    (
        "RMSprop",
        {"alpha": 0.9, "centered": True, "lr": 0.01, "momentum": 0.5, "weight_decay": 0.1},
        [0.5710900712540136, -1.1849872881119934, 0.02347837419880439],
    ),
]


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    TORCH_20_STEPS,
    ids=[f"{n}-{'-'.join(o)}" for n, o, _ in TORCH_20_STEPS],
)
def test_twenty_steps_follow_torch(
    name: str, options: dict[str, Any], expected: list[float]
) -> None:
    sign = -1 if options.get("maximize") else 1  # maximize climbs -f: the same path
    p = nn.Parameter(np.array(START))
    ps = [nn.ScalarParameter(x) for x in START]
    tensor_opt = getattr(nn.optim, name)([p], **options)
    value_opt = getattr(nn.optim, name)(ps, **options)
    for _ in range(20):
        tensor_opt.zero_grad()
        (sign * loss_tensor(p)).backward()
        tensor_opt.step()
        value_opt.zero_grad()
        (sign * loss_values(ps)).backward()
        value_opt.step()
    # elementwise arithmetic only (no BLAS): rounding-level agreement after 20 steps
    np.testing.assert_allclose(p.data, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([q.data for q in ps], expected, rtol=1e-12, atol=1e-15)


def steps(optimiser: nn.optim.Optimizer, p: Any, grads: list[float]) -> list[float]:
    """Apply the given gradients to the one-number ``p``, a step each; ``p`` after each."""
    out = []
    for g in grads:
        p.grad = np.array([g])
        optimiser.step()
        out.append(float(p.data[0]))
    return out


def test_sgd_dampening_weight_decay_and_nesterov_by_hand() -> None:
    p = nn.Parameter(np.array([1.0]))
    opt = nn.SGD([p], lr=0.1, momentum=0.5, dampening=0.2, weight_decay=0.1)
    # step 1: d = 2 + 0.1 * 1 = 2.1; buf = d (no dampening at the first step); p = 1 - 0.21
    # step 2: d = 1 + 0.1 * 0.79 = 1.079; buf = 0.5 * 2.1 + 0.8 * 1.079 = 1.9132
    assert steps(opt, p, [2.0, 1.0]) == pytest.approx([0.79, 0.79 - 0.19132], rel=1e-15)
    p = nn.Parameter(np.array([1.0]))
    opt = nn.SGD([p], lr=0.1, momentum=0.5, nesterov=True)
    # step 1: buf = 2, d = 2 + 0.5 * 2 = 3; step 2: buf = 0.5 * 2 + 1 = 2, d = 1 + 0.5 * 2 = 2
    assert steps(opt, p, [2.0, 1.0]) == pytest.approx([0.7, 0.5], rel=1e-15)
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        nn.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="zero dampening"):
        nn.SGD([p], lr=0.1, momentum=0.5, dampening=0.1, nesterov=True)
    assert nn.SGD([p]).param_groups[0]["lr"] == 1e-3  # PyTorch's default


def test_adam_amsgrad_keeps_the_largest_second_moment() -> None:
    p = nn.Parameter(np.array([0.0]))
    opt = nn.Adam([p], lr=0.1, betas=(0.0, 0.5), eps=0.0, amsgrad=True)
    # beta1 = 0: m = g. v: 0.5 * 16 = 8, then 0.5 * 8 + 0.5 * 1 = 4.5 (kept: 8).
    # step 2: p -= 0.1 * 1 / (sqrt(8) / sqrt(0.75))
    first, second = steps(opt, p, [4.0, 1.0])
    assert first == pytest.approx(-0.1 * 4 / (math.sqrt(8) / math.sqrt(0.5)), rel=1e-15)
    assert second == pytest.approx(first - 0.1 / (math.sqrt(8) / math.sqrt(0.75)), rel=1e-15)
    assert opt.state[p]["max_exp_avg_sq"].tolist() == [8.0]
    assert opt.state[p]["exp_avg_sq"].tolist() == [4.5]
    assert opt.state[p]["step"] == 2


def test_adamw_decays_the_weights_apart_from_the_gradient() -> None:
    p = nn.Parameter(np.array([2.0]))
    opt = nn.AdamW([p], lr=0.1, eps=0.0)
    assert opt.param_groups[0]["weight_decay"] == 1e-2  # PyTorch's AdamW default
    # p *= 1 - 0.1 * 0.01, then the first Adam step moves it by lr (m_hat / sqrt(v_hat) = 1)
    assert steps(opt, p, [3.0]) == pytest.approx([2.0 * 0.999 - 0.1], rel=1e-15)
    coupled = nn.Parameter(np.array([2.0]))
    # Adam's weight_decay adds to the gradient instead: the first step is lr whatever it is
    adam = nn.Adam([coupled], lr=0.1, eps=0.0, weight_decay=0.5)
    assert steps(adam, coupled, [3.0]) == pytest.approx([1.9], rel=1e-15)


def test_rmsprop_plain_centered_and_momentum_by_hand() -> None:
    p = nn.Parameter(np.array([1.0]))
    # s = 0.01 * 4 = 0.04; p -= 0.01 * 2 / (0.2 + 1e-8)
    assert steps(nn.RMSprop([p]), p, [2.0]) == pytest.approx([1 - 0.02 / (0.2 + 1e-8)])
    p = nn.Parameter(np.array([1.0]))
    opt = nn.RMSprop([p], lr=0.1, alpha=0.5, eps=0.0, centered=True, momentum=0.9)
    # s = 0.5 * 4 = 2, mean = 0.5 * 2 = 1, root = sqrt(2 - 1) = 1; buf = 2 / 1; p -= 0.1 * 2
    # step 2 (g = 2): s = 1 + 2 = 3, mean = 0.5 + 1 = 1.5, root = sqrt(0.75); buf = 1.8 + 2/root
    trajectory = steps(opt, p, [2.0, 2.0])
    assert trajectory == pytest.approx([0.8, 0.8 - 0.1 * (1.8 + 2 / math.sqrt(0.75))], rel=1e-15)
    assert sorted(opt.state[p]) == ["grad_avg", "momentum_buffer", "square_avg", "step"]


def test_zero_grad_sets_none_by_default_for_tensors_and_values() -> None:
    w, v = nn.Parameter(np.array([1.0])), nn.ScalarParameter(2.0)
    opt = nn.SGD([w, v], lr=0.1)
    (w * 3).sum().backward()
    (v * 3).backward()
    opt.zero_grad()
    assert w.grad is None and v.grad is None
    (w * 3).sum().backward()  # a None gradient reads as 0 at the next backward
    (v * 3).backward()
    assert w.grad is not None and w.grad.tolist() == [3.0] and v.grad == 3.0
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.tolist() == [0.0] and v.grad == 0.0


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, 0.1, momentum=0.9), nn.Adam, nn.RMSprop])
def test_step_skips_parameters_no_gradient_reached(make: Any) -> None:
    used, unused = nn.ScalarParameter(1.0), nn.ScalarParameter(1.0)
    tensor_unused = nn.Parameter(np.ones(2))
    opt = make([used, unused, tensor_unused])
    for _ in range(2):
        opt.zero_grad()
        (used * used).backward()
        opt.step()
    assert unused.data == 1.0 and unused.grad is None and unused not in opt.state
    assert tensor_unused.data.tolist() == [1.0, 1.0] and tensor_unused not in opt.state
    assert used.data < 1.0


def test_parameter_groups_and_changing_lr_between_steps() -> None:
    a, b = nn.Parameter(np.array([1.0, -2.0])), nn.Parameter(np.array([0.5]))
    opt = nn.SGD([{"params": [a]}, {"params": [b], "lr": 0.2, "momentum": 0.5}], 0.05, 0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.2]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.5]
    for i in range(10):
        if i == 5:
            opt.param_groups[0]["lr"] = 0.01
        opt.zero_grad()
        ((a**2).sum() * 3 + (b**2).sum() + a[0] * b[0]).backward()
        opt.step()
    # torch 2.13, the same groups and the same change of lr
    np.testing.assert_allclose(a.data, [-0.3199336523427599, 0.646991649728512], rtol=1e-12)
    np.testing.assert_allclose(b.data, [0.2900408305487999], rtol=1e-12)


def test_parameter_group_arguments() -> None:
    a, b = nn.Parameter(np.ones(1)), nn.Parameter(np.ones(2))
    model = nn.Linear(2, 1)
    opt = nn.Adam(model.named_parameters(), lr=0.01)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.params == model.parameters()
    opt.add_param_group({"params": a, "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a, b]})
    with pytest.raises(TypeError, match="not a mix"):
        nn.SGD([a, {"params": [b]}], lr=0.1)
    with pytest.raises(ValueError, match="no 'params' entry"):
        nn.SGD([{"lr": 0.1}])
    with pytest.raises(ValueError, match="SGD lr"):
        nn.SGD([{"params": [a], "lr": -1.0}])
    sgd = nn.SGD([a, a, b], lr=0.1)  # a parameter listed twice is updated once
    assert sgd.params == [a, b]


def test_state_dict_round_trip_continues_the_run() -> None:
    def run(resume_at: int | None) -> list[float]:
        p = nn.Parameter(np.array(START))
        opt = nn.Adam([p], lr=0.1, amsgrad=True)
        for i in range(8):
            if i == resume_at:
                saved = opt.state_dict()
                opt = nn.Adam([p], lr=0.5)  # other settings: the state dict brings them back
                opt.load_state_dict(saved)
            opt.zero_grad()
            loss_tensor(p).backward()
            opt.step()
        return p.data.tolist()  # type: ignore[no-any-return]

    assert run(resume_at=4) == run(resume_at=None)  # exactly: the same numbers flow


def test_state_dict_layout_copies_and_checks() -> None:
    p, v = nn.Parameter(np.array([1.0, 2.0])), nn.ScalarParameter(1.0)
    opt = nn.SGD([p, v], lr=0.1, momentum=0.9)
    p.grad, v.grad = np.array([1.0, 1.0]), 2.0
    opt.step()
    state = opt.state_dict()
    assert state["param_groups"][0]["params"] == [0, 1]
    assert state["param_groups"][0]["lr"] == 0.1
    assert state["state"][0]["momentum_buffer"].tolist() == [1.0, 1.0]
    assert state["state"][1]["momentum_buffer"] == 2.0
    state["state"][0]["momentum_buffer"][0] = 99.0  # a copy: the optimiser is unaffected
    assert opt.state[p]["momentum_buffer"].tolist() == [1.0, 1.0]
    other = nn.SGD([nn.Parameter(np.ones(3)), nn.ScalarParameter(0.0)], lr=0.2, momentum=0.9)
    with pytest.raises(ValueError, match=r"shape \(2,\), the parameter \(3,\)"):
        other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.2 and not other.state  # nothing changed
    with pytest.raises(ValueError, match="holds 2 parameters in the state and 1"):
        nn.SGD([p], lr=0.1).load_state_dict(opt.state_dict())


def test_step_with_a_closure_returns_its_loss() -> None:
    p = nn.Parameter(np.array([3.0]))
    opt = nn.SGD([p], lr=0.25)

    def closure() -> Any:
        opt.zero_grad()
        loss = (p**2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 9.0 and p.data.tolist() == [1.5]


def test_every_update_is_stamped_so_an_older_graph_refuses_backward() -> None:
    for make in (lambda ps: nn.AdamW(ps, lr=0.1), lambda ps: nn.RMSprop(ps, momentum=0.5)):
        p = nn.Parameter(np.array([1.0, 2.0]))
        opt = make([p])
        stale = (p * p).sum()
        (p * p).sum().backward()
        opt.step()
        with pytest.raises(RuntimeError, match="updated in place"):
            stale.backward()


def test_repr_lists_the_groups() -> None:
    text = repr(nn.SGD([nn.Parameter(np.ones(1))], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in text


def test_float32_parameters_stay_float32() -> None:
    for make in (nn.Adam, nn.AdamW, nn.RMSprop, lambda ps: nn.SGD(ps, 0.1, 0.9)):
        p = nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
        array = p.data
        opt = make([p])
        (p * p).sum().backward()
        opt.step()
        assert p.data is array and p.data.dtype == np.float32
        assert isinstance(p, Tensor)
