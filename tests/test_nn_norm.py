"""BatchNorm1d and LayerNorm (and their functions): values by hand and PyTorch's, running
statistics (biased vs unbiased variance, momentum, None), train/eval, buffers saved and
restored, gradients to second order, errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import nn
from autograd_core import Tensor
from autograd_core.testing import gradcheck, gradgradcheck
from nn import functional as F

BATCH = np.array([[1.0, 2.0], [3.0, 6.0]])  # channel means 2 and 4, biased variances 1 and 4


def wave(*shape: int, phase: float = 0.0) -> np.ndarray:
    return np.sin(np.arange(math.prod(shape)) * 0.7 + phase).reshape(shape)


def test_batch_norm_training_by_hand() -> None:
    bn = nn.BatchNorm1d(2, eps=0.0)
    y = bn(Tensor(BATCH))
    assert y.data.tolist() == [[-1.0, -1.0], [1.0, 1.0]]  # biased variance normalises
    # running = 0.9 * initial + 0.1 * batch; the variance's update is the unbiased one
    # (n / (n - 1) = 2 times the biased): 2 and 8.
    np.testing.assert_allclose(bn.running_mean.data, [0.2, 0.4], rtol=1e-15)
    np.testing.assert_allclose(bn.running_var.data, [1.1, 1.7], rtol=1e-15)
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    y = bn(Tensor(BATCH))
    want = (BATCH - [0.2, 0.4]) / np.sqrt([1.1, 1.7])
    np.testing.assert_allclose(y.data, want, rtol=1e-15)
    assert bn.num_batches_tracked.item() == 1  # eval moves nothing


def test_batch_norm_three_axes_weight_bias_and_pytorchs_figures() -> None:
    # torch 2.13: BatchNorm1d(3) with this weight and bias, two training steps, then eval.
    bn = nn.BatchNorm1d(3)
    bn.weight.data[...] = [1.5, -0.5, 2.0]
    bn.bias.data[...] = [0.1, 0.2, -0.3]
    x = Tensor(wave(4, 3, 2) * 2 + 1)
    y = bn(x)
    bn(x * 0.5)
    np.testing.assert_allclose(y.data[2, 1, 0], 0.6052873005866852, rtol=BLAS_RTOL)
    running_mean = [0.16334777837192999, 0.20385349799022495, 0.13835821486323974]
    running_var = [1.0311855301549424, 1.0928169500266747, 1.0217209508852638]
    np.testing.assert_allclose(bn.running_mean.data, running_mean, rtol=BLAS_RTOL)
    np.testing.assert_allclose(bn.running_var.data, running_var, rtol=BLAS_RTOL)
    bn.eval()
    np.testing.assert_allclose(bn(x).data[2, 1, 0], 0.16977748587909214, rtol=BLAS_RTOL)


def test_momentum_none_is_a_cumulative_average() -> None:
    bn = nn.BatchNorm1d(2, momentum=None)
    bn(Tensor(BATCH))
    bn(Tensor(BATCH + 10.0))
    np.testing.assert_allclose(bn.running_mean.data, [7.0, 9.0], rtol=1e-15)  # mean of means
    np.testing.assert_allclose(bn.running_var.data, [2.0, 8.0], rtol=1e-15)
    assert bn.num_batches_tracked.item() == 2


def test_without_running_statistics_or_affine() -> None:
    bn = nn.BatchNorm1d(2, affine=False, track_running_stats=False, eps=0.0)
    assert bn.parameters() == [] and bn.running_mean is None and bn.state_dict() == {}
    bn.eval()  # still the batch's statistics: there are no others
    assert bn(Tensor(BATCH)).data.tolist() == [[-1.0, -1.0], [1.0, 1.0]]
    no_bias = nn.BatchNorm1d(2, bias=False)
    assert [name for name, _ in no_bias.named_parameters()] == ["weight"]


def test_batch_norm_gradients() -> None:
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 3, 2)), rng.standard_normal(3), rng.standard_normal(3)

    def train(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
        return F.batch_norm(x, None, None, w, b, training=True)

    assert gradcheck(train, x, w, b)
    assert gradgradcheck(train, x[:, :2, :1], w[:2], b[:2])
    mean, var = Tensor(rng.standard_normal(3)), Tensor(rng.uniform(0.5, 2.0, 3))
    assert gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b), x, w, b)


def test_layer_norm_by_hand_gradients_and_pytorchs_figure() -> None:
    ln = nn.LayerNorm(2, eps=0.0)
    assert ln(Tensor([[1.0, 3.0], [5.0, 4.0]])).data.tolist() == [[-1.0, 1.0], [1.0, -1.0]]
    # torch 2.13: LayerNorm((3, 2)) with these weight and bias.
    ln = nn.LayerNorm((3, 2))
    ln.weight.data[...] = wave(3, 2, phase=1.0)
    ln.bias.data[...] = wave(3, 2, phase=2.0)
    y = ln(Tensor(wave(4, 3, 2) * 2 + 1))
    np.testing.assert_allclose(y.data[3, 2, 1], 0.9121655591774182, rtol=BLAS_RTOL)
    rng = np.random.default_rng(1)
    x, w, b = (
        rng.standard_normal((2, 3, 4)),
        rng.standard_normal((3, 4)),
        rng.standard_normal((3, 4)),
    )
    assert gradcheck(lambda x, w, b: F.layer_norm(x, (3, 4), w, b), x, w, b)
    assert gradgradcheck(lambda x: F.layer_norm(x, 4), x[:, :2])


def test_reprs_as_pytorch() -> None:
    assert repr(nn.BatchNorm1d(3)) == (
        "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )
    assert repr(nn.LayerNorm(4, bias=False)) == (
        "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=False)"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nn.BatchNorm1d(3)(Tensor(np.ones((2, 4)))),
            r"BatchNorm1d\(3\): expects input of shape \(N, 3\) or \(N, 3, L\), "
            r"got shape \(2, 4\)",
        ),
        (lambda: nn.BatchNorm1d(3)(Tensor(np.ones((2, 3, 4, 5)))), r"got shape \(2, 3, 4, 5\)"),
        (lambda: nn.BatchNorm1d(3)(Tensor(np.ones((1, 3)))), "more than 1 value per channel"),
        (
            lambda: nn.LayerNorm((2, 3))(Tensor(np.ones((3, 2)))),
            r"LayerNorm: normalized_shape \(2, 3\) expects input of shape \(\*, 2, 3\), "
            r"got shape \(3, 2\)",
        ),
        (lambda: F.batch_norm(Tensor(np.ones((2, 3))), None, None), "needed when not training"),
        (
            lambda: F.batch_norm(Tensor(np.ones((2, 3))), Tensor(np.zeros(2)), None, training=True),
            r"running_mean must be a Tensor of shape \(3,\)",
        ),
        (lambda: nn.LayerNorm(0), "normalized_shape"),
    ],
)
def test_errors(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------ buffers
def trained_model() -> nn.Sequential:
    model = nn.Sequential(
        nn.Linear(2, 3, init="xavier", rng=np.random.default_rng(0)), nn.BatchNorm1d(3)
    )
    model(Tensor(np.random.default_rng(1).standard_normal((5, 2))))
    return model


def test_running_statistics_are_buffers_in_the_state_dict() -> None:
    model = trained_model()
    bn = model[1]
    assert [name for name, _ in model.named_buffers()] == [
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert all(b is not p for b in model.buffers() for p in model.parameters())
    assert "1.running_mean" not in dict(model.named_parameters())
    state = model.state_dict()
    assert list(state) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    np.testing.assert_array_equal(state["1.running_var"], bn.running_var.data)
    assert state["1.num_batches_tracked"].dtype == np.int64
    state["1.running_mean"][...] = 99.0  # a copy: the module keeps its own numbers
    assert not np.any(bn.running_mean.data == 99.0)


def test_load_state_dict_and_files_restore_the_buffers(tmp_path: Path) -> None:
    source = trained_model()
    fresh = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    kept = fresh[1].running_mean
    fresh.load_state_dict(source.state_dict())
    assert fresh[1].running_mean is kept  # loaded in place
    for name, array in source.state_dict().items():
        np.testing.assert_array_equal(fresh.state_dict()[name], array)
    path = tmp_path / "model.npz"
    nn.save(source, path)
    again = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    nn.load(again, path)
    x = Tensor(np.random.default_rng(2).standard_normal((4, 2)))
    source.eval(), again.eval()
    np.testing.assert_array_equal(again(x).data, source(x).data)
    state = source.state_dict()
    del state["1.running_var"]
    with pytest.raises(ValueError, match="missing keys: 1.running_var"):
        again.load_state_dict(state)


def test_register_buffer_rules() -> None:
    module = nn.Module()
    module.register_buffer("count", Tensor(np.zeros(2)))
    module.register_buffer("scratch", Tensor(np.ones(1)), persistent=False)
    module.register_buffer("empty", None)
    assert list(module.state_dict()) == ["count"]  # not persistent, not None: left out
    assert [name for name, _ in module.named_buffers()] == ["count", "scratch"]
    module.count = Tensor(np.ones(2))  # a Tensor replaces the buffer
    assert module.state_dict()["count"].tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="registered buffer: assign a Tensor or None"):
        module.count = np.ones(2)
    with pytest.raises(TypeError, match="expected a Tensor or None"):
        module.register_buffer("raw", np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="use register_parameter"):
        module.register_buffer("p", nn.Parameter(np.ones(1)))
    module.w = nn.Parameter(np.ones(1))
    with pytest.raises(KeyError, match="already exists"):
        module.register_buffer("w", Tensor(np.ones(1)))
    del module.count
    assert "count" not in module.state_dict() and module.parameters() == [module.w]
