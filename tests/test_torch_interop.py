"""nn.to_torch / nn.from_torch / nn.torch_state_dict / Module.load_torch_state_dict.

Every layer type both ways in float64: ours -> torch and torch -> ours agree in outputs and
in the gradients of a weighted sum of the outputs (w.r.t. the input and every parameter),
and ours -> torch -> ours gives back identical weights and options. Then the models the
issue names (the blog's XOR network, the digits MLP and CNN, a model with BatchNorm1d,
Dropout and Embedding) with their losses, scalar networks, Modules of one's own, state
dict loading and its errors, and that importing the library never imports torch.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value
from nn.micrograd import nn as micrograd_nn
from nn.torch_interop import _BY_OURS

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
AGREE = 1e-12  # |ours - torch| <= AGREE * max(1, max |torch|), float64 throughout
F64 = torch.float64


def close(ours: Any, theirs: Any) -> float:
    """The largest difference between two arrays (ours first), asserted within AGREE."""
    a = np.asarray(ours.data if isinstance(ours, Tensor) else ours)
    b = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert a.shape == b.shape, (a.shape, b.shape)
    gap = float(np.max(np.abs(a - b), initial=0.0))
    assert gap <= AGREE * max(1.0, float(np.max(np.abs(b), initial=0.0))), gap
    return gap


def weights_for(shape: tuple[int, ...]) -> np.ndarray:
    # Uneven, so that a softmax (whose outputs sum to 1) still has a gradient.
    return np.cos(np.arange(int(np.prod(shape))) * 1.3 + 0.2).reshape(shape)


def agree(
    ours: nn.Module, theirs: Any, x: np.ndarray, loss: Any = None, target: Any = None
) -> float:
    """Run both on ``x``; outputs, input gradient and parameter gradients agree. The
    objective is ``loss(output, target)`` (a pair of loss modules) or a weighted sum."""
    differentiable = x.dtype.kind == "f"
    xo = Tensor(x, requires_grad=True) if differentiable else x
    xt = torch.from_numpy(x.copy()).requires_grad_(differentiable)
    yo, yt = ours(xo), theirs(xt)
    if isinstance(yo, tuple):  # max pooling's (values, indices)
        np.testing.assert_array_equal(yo[1].data, yt[1].numpy())
        yo, yt = yo[0], yt[0]
    gaps = [close(yo, yt)]
    if loss is None:
        w = weights_for(yt.shape)
        (yo * Tensor(w)).sum().backward()
        (yt * torch.from_numpy(w)).sum().backward()
    else:
        ours_loss, their_loss = loss
        lo = ours_loss(yo, target)
        lt = their_loss(yt, torch.from_numpy(np.asarray(target)))
        gaps.append(close(lo, lt))
        lo.backward()
        lt.backward()
    if isinstance(xo, Tensor):
        gaps.append(close(xo.grad, xt.grad))
    their_params = dict(theirs.named_parameters())
    ours_params = dict(ours.named_parameters())
    assert set(ours_params) == set(their_params)
    for name, p in ours_params.items():
        gaps.append(close(p, their_params[name]))  # Embedding's max_norm rescales in place
        gaps.append(close(p.grad, their_params[name].grad))
    for name, b in ours.named_buffers():  # running statistics moved alike
        gaps.append(close(b, dict(theirs.named_buffers())[name]))
    return max(gaps)


def randomised(theirs: Any, seed: int = 0) -> Any:
    """``theirs`` with torch-drawn parameters and running statistics (not ours)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn(p.shape, generator=generator, dtype=p.dtype) * 0.5)
        for name, b in theirs.named_buffers():
            if name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, generator=generator, dtype=b.dtype) + 0.5)
            elif name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, generator=generator, dtype=b.dtype))
    return theirs


def same_state(a: nn.Module, b: nn.Module) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for key in sa:
        assert sa[key].dtype == sb[key].dtype, key
        np.testing.assert_array_equal(sa[key], sb[key])


# ------------------------------------------------------------------ every layer, both ways
class Case(NamedTuple):
    name: str  # the class in nn and in torch.nn
    kwargs: dict[str, Any]
    shape: tuple[int, ...]  # the input's
    training: bool = False
    indices: int = 0  # > 0: integer input below this (Embedding)


WITH_WEIGHTS = {"Linear", "Conv2d", "BatchNorm1d", "LayerNorm", "Embedding"}
CASES = [
    Case("Linear", dict(in_features=5, out_features=3), (4, 5)),
    Case("Linear", dict(in_features=5, out_features=3, bias=False), (4, 5)),
    Case("Conv2d", dict(in_channels=2, out_channels=4, kernel_size=3), (2, 2, 6, 7)),
    Case(
        "Conv2d",
        dict(in_channels=2, out_channels=3, kernel_size=(2, 3), stride=(2, 1), padding=(1, 2)),
        (2, 2, 7, 6),
    ),
    Case(
        "Conv2d",
        dict(in_channels=2, out_channels=2, kernel_size=3, padding="same", dilation=2),
        (1, 2, 7, 7),
    ),
    Case(
        "Conv2d", dict(in_channels=2, out_channels=2, kernel_size=2, padding="valid"), (1, 2, 5, 5)
    ),
    Case(
        "Conv2d",
        dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, bias=False, padding=1),
        (2, 4, 5, 5),
    ),
    *(
        Case(
            "Conv2d",
            dict(in_channels=2, out_channels=3, kernel_size=3, padding=(1, 2), padding_mode=mode),
            (2, 2, 6, 6),
        )
        for mode in ("reflect", "replicate", "circular")
    ),
    Case("Conv2d", dict(in_channels=2, out_channels=3, kernel_size=3), (2, 6, 6)),  # unbatched
    Case("MaxPool2d", dict(kernel_size=2), (2, 3, 6, 6)),
    Case("MaxPool2d", dict(kernel_size=3, stride=2, padding=1, dilation=1), (2, 2, 7, 7)),
    Case("MaxPool2d", dict(kernel_size=2, dilation=2, ceil_mode=True), (1, 2, 7, 7)),
    Case("MaxPool2d", dict(kernel_size=(2, 3), return_indices=True), (1, 2, 6, 6)),
    Case("AvgPool2d", dict(kernel_size=2), (2, 3, 6, 6)),
    Case("AvgPool2d", dict(kernel_size=3, stride=2, padding=1), (2, 2, 7, 7)),
    Case(
        "AvgPool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), (1, 2, 7, 7)
    ),
    Case("AvgPool2d", dict(kernel_size=2, ceil_mode=True, divisor_override=3), (1, 2, 7, 7)),
    Case("BatchNorm1d", dict(num_features=4), (6, 4), training=True),
    Case("BatchNorm1d", dict(num_features=4), (6, 4)),
    Case("BatchNorm1d", dict(num_features=3, momentum=None), (5, 3, 4), training=True),
    Case("BatchNorm1d", dict(num_features=3, affine=False, eps=1e-3), (5, 3), training=True),
    Case("BatchNorm1d", dict(num_features=3, track_running_stats=False), (5, 3)),
    Case("BatchNorm1d", dict(num_features=3, bias=False), (5, 3), training=True),
    Case("LayerNorm", dict(normalized_shape=4), (3, 4)),
    Case("LayerNorm", dict(normalized_shape=(3, 4), eps=1e-3), (2, 3, 4)),
    Case("LayerNorm", dict(normalized_shape=4, elementwise_affine=False), (3, 4)),
    Case("LayerNorm", dict(normalized_shape=4, bias=False), (3, 4)),
    Case("Dropout", dict(p=0.4), (5, 6)),  # eval: the identity
    Case("Dropout", dict(p=0.0), (5, 6), training=True),  # no random numbers drawn
    Case("Dropout", dict(p=1.0), (5, 6), training=True),  # everything dropped
    Case("Embedding", dict(num_embeddings=7, embedding_dim=3), (4, 5), indices=7),
    Case("Embedding", dict(num_embeddings=7, embedding_dim=3, padding_idx=2), (4, 5), indices=7),
    Case("Embedding", dict(num_embeddings=7, embedding_dim=3, max_norm=1.0), (4, 5), indices=7),
    Case("Flatten", {}, (2, 3, 4, 5)),
    Case("Flatten", dict(start_dim=0, end_dim=2), (2, 3, 4, 5)),
    Case("Softmax", dict(dim=1), (3, 4)),
    Case("Softmax", dict(dim=-1), (2, 3, 4)),
    Case("LogSoftmax", dict(dim=1), (3, 4)),
    Case("ReLU", {}, (3, 4)),
    Case("Sigmoid", {}, (3, 4)),
    Case("Tanh", {}, (3, 4)),
    Case("Identity", {}, (3, 4)),
]


def label(case: Case) -> str:
    options = ",".join(f"{k}={v}" for k, v in case.kwargs.items())
    return f"{case.name}({options}){'-train' if case.training else ''}"


def make_input(case: Case, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if case.indices:
        picks = rng.integers(0, case.indices, case.shape)
        picks.flat[0] = case.kwargs.get("padding_idx", 0) or 0  # the padding row is met
        return picks
    return rng.normal(size=case.shape) * 2


def ours_of(case: Case) -> nn.Module:
    module: nn.Module = getattr(nn, case.name)(**case.kwargs)
    if case.name in WITH_WEIGHTS:  # weights drawn for the test (defaults are ones/zeros)
        rng = np.random.default_rng(7)
        for p in module.parameters():
            p.data[...] = rng.normal(size=p.shape)
        if getattr(module, "running_var", None) is not None:
            module.running_mean.data[...] = rng.normal(size=module.running_mean.shape)
            module.running_var.data[...] = rng.uniform(0.5, 1.5, module.running_var.shape)
    return module.train(case.training)


def torch_of(case: Case) -> Any:
    cls = getattr(torch.nn, case.name)
    extra = {"dtype": F64} if case.name in WITH_WEIGHTS else {}
    return randomised(cls(**case.kwargs, **extra)).train(case.training)


@pytest.mark.parametrize("case", CASES, ids=label)
def test_each_layer_goes_to_torch_and_agrees(case: Case) -> None:
    ours = ours_of(case)
    theirs = nn.to_torch(ours)
    assert type(theirs) is getattr(torch.nn, case.name)
    assert theirs.training is case.training
    agree(ours, theirs, make_input(case))


@pytest.mark.parametrize("case", CASES, ids=label)
def test_each_layer_comes_from_torch_and_agrees(case: Case) -> None:
    theirs = torch_of(case)
    ours = nn.from_torch(theirs)
    assert type(ours) is getattr(nn, case.name)
    assert ours.training is case.training
    agree(ours, theirs, make_input(case, seed=2))


@pytest.mark.parametrize("case", CASES, ids=label)
def test_each_layer_round_trips_with_identical_weights_and_options(case: Case) -> None:
    ours = ours_of(case)
    back = nn.from_torch(nn.to_torch(ours))
    assert type(back) is type(ours) and back.training is ours.training
    same_state(ours, back)
    for option in _BY_OURS[type(ours)].options:
        assert option_of(back, option) == option_of(ours, option), option
    x = feed(make_input(case))
    if not case.training:  # the same numbers again (training would move the statistics)
        np.testing.assert_array_equal(_data(back(x)), _data(ours(x)))


def option_of(module: nn.Module, name: str) -> Any:
    value = getattr(module, name)
    return value is not None if name == "bias" else value


def feed(x: np.ndarray) -> Any:
    return Tensor(x) if x.dtype.kind == "f" else x


def _data(y: Any) -> np.ndarray:
    return np.asarray((y[0] if isinstance(y, tuple) else y).data)


# ------------------------------------------------------------------ losses
class LossCase(NamedTuple):
    name: str
    kwargs: dict[str, Any]  # arrays as NumPy; torch gets them as tensors
    target: str  # "real", "probability", "class"


LOSS_CASES = [
    *(LossCase("MSELoss", dict(reduction=r), "real") for r in ("mean", "sum", "none")),
    LossCase("L1Loss", dict(reduction="sum"), "real"),
    LossCase("SmoothL1Loss", dict(beta=0.5), "real"),
    LossCase("HuberLoss", dict(delta=0.7, reduction="sum"), "real"),
    LossCase("BCELoss", dict(weight=np.array([0.5, 1.0, 2.0])), "probability"),
    LossCase(
        "BCEWithLogitsLoss",
        dict(weight=np.array([1.0, 0.5, 2.0]), pos_weight=np.array([2.0, 1.0, 0.5])),
        "probability",
    ),
    LossCase("NLLLoss", dict(weight=np.array([1.0, 2.0, 0.5]), ignore_index=1), "class"),
    LossCase("CrossEntropyLoss", {}, "class"),
    LossCase(
        "CrossEntropyLoss",
        dict(weight=np.array([1.0, 2.0, 0.5]), ignore_index=2, label_smoothing=0.1),
        "class",
    ),
    LossCase("CrossEntropyLoss", dict(reduction="none", label_smoothing=0.2), "class"),
]


def loss_inputs(case: LossCase) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 3))
    if case.target == "class":
        return x, np.array([0, 1, 2, 1, 0])
    if case.target == "probability":
        if case.name == "BCELoss":
            x = 1 / (1 + np.exp(-x))
        return x, rng.uniform(size=(5, 3))
    return x, rng.normal(size=(5, 3))


def torch_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


def loss_agree(ours: nn.Module, theirs: Any, case: LossCase) -> float:
    x, target = loss_inputs(case)
    xo, xt = Tensor(x, requires_grad=True), torch.from_numpy(x.copy()).requires_grad_()
    lo, lt = ours(xo, target), theirs(xt, torch.from_numpy(target))
    gap = close(lo, lt)
    w = weights_for(tuple(lt.shape))
    (lo * Tensor(w)).sum().backward()
    (lt * torch.from_numpy(w)).sum().backward()
    return max(gap, close(xo.grad, xt.grad))


@pytest.mark.parametrize("case", LOSS_CASES, ids=lambda c: f"{c.name}{sorted(c.kwargs)}")
def test_each_loss_both_ways_with_its_options(case: LossCase) -> None:
    ours = getattr(nn, case.name)(**case.kwargs)
    theirs = nn.to_torch(ours)
    assert type(theirs) is getattr(torch.nn, case.name)
    loss_agree(ours, theirs, case)
    native = getattr(torch.nn, case.name)(**torch_kwargs(case.kwargs))
    mine = nn.from_torch(native)
    assert type(mine) is getattr(nn, case.name)
    loss_agree(mine, native, case)
    back = nn.from_torch(theirs)
    for option in _BY_OURS[type(ours)].options:
        np.testing.assert_array_equal(getattr(back, option), getattr(ours, option))


def test_the_blogs_squared_error_cost_has_a_torch_module_of_its_own() -> None:
    from nn._torch_modules import SquaredErrorLoss

    theirs = nn.to_torch(nn.SquaredErrorLoss())
    assert isinstance(theirs, SquaredErrorLoss)
    assert type(nn.from_torch(theirs)) is nn.SquaredErrorLoss
    x, target = np.array([[0.2], [0.9], [0.4]]), np.array([[0.0], [1.0], [1.0]])
    by_hand = (0.2**2 + 0.1**2 + 0.6**2) / (2 * 3)
    assert float(theirs(torch.from_numpy(x), torch.from_numpy(target))) == pytest.approx(
        by_hand, rel=1e-15
    )
    loss_agree(nn.SquaredErrorLoss(), theirs, LossCase("SquaredErrorLoss", {}, "real"))
    with pytest.raises(ValueError, match=r"shape \(3, 1\) and target shape \(3,\)"):
        theirs(torch.from_numpy(x), torch.zeros(3, dtype=F64))


# ------------------------------------------------------------------ the models
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def both_ways(ours: nn.Module, x: np.ndarray, loss: nn.Module, target: np.ndarray) -> None:
    """ours -> torch agrees; back again gives identical weights; a torch-drawn copy comes
    to us and agrees too."""
    theirs = nn.to_torch(ours)
    their_loss = nn.to_torch(loss)
    agree(ours, theirs, x, (loss, their_loss), target)
    back = nn.from_torch(theirs)
    same_state(ours, back)
    drawn = randomised(nn.to_torch(ours), seed=5)
    agree(nn.from_torch(drawn), drawn, x, (nn.from_torch(their_loss), their_loss), target)


def test_the_blogs_xor_network() -> None:
    from demos import xor_network

    model = xor_network.build(xor_network.SIZES)
    assert [type(m).__name__ for m in nn.to_torch(model).modules()] == [
        "Sequential", "Sequential", "Linear", "Sigmoid", "Sequential", "Linear", "Sigmoid",
    ]  # fmt: skip
    both_ways(model, XOR_X, nn.SquaredErrorLoss(), XOR_Y)


@pytest.fixture
def digits_float64(monkeypatch: pytest.MonkeyPatch) -> Any:
    from demos import digits

    monkeypatch.setattr(digits, "DTYPE", "float64")  # the demo trains in float32
    return digits


def test_the_digits_mlp(digits_float64: Any) -> None:
    np.random.seed(0)
    model = digits_float64.mlp()
    x = np.random.default_rng(4).uniform(size=(16, 1, 8, 8))
    both_ways(model, x, nn.CrossEntropyLoss(), np.arange(16) % 10)


def test_the_digits_cnn(digits_float64: Any) -> None:
    np.random.seed(0)
    model = digits_float64.cnn()
    x = np.random.default_rng(4).uniform(size=(8, 1, 8, 8))
    both_ways(model, x, nn.CrossEntropyLoss(), np.arange(8) % 10)


def test_a_model_with_batch_norm_dropout_and_embedding() -> None:
    np.random.seed(1)
    model = nn.Sequential(
        nn.Embedding(12, 4, padding_idx=0),
        nn.Flatten(),
        nn.Linear(20, 8),
        nn.BatchNorm1d(8),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(8, 3),
    )
    tokens = np.random.default_rng(6).integers(0, 12, (10, 5))
    for _ in range(2):  # running statistics away from their start
        model(tokens)
    model.eval()
    theirs = nn.to_torch(model)
    assert not any(m.training for m in theirs.modules())
    both_ways(model, tokens, nn.CrossEntropyLoss(), np.arange(10) % 3)


def test_batch_norm_training_carries_the_same_statistics_through_several_steps() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4, momentum=None), nn.Tanh())
    theirs = nn.to_torch(model)
    rng = np.random.default_rng(8)
    for _ in range(3):
        agree(model, theirs, rng.normal(size=(6, 3)))
    assert int(theirs[1].num_batches_tracked) == 3 == model[1].num_batches_tracked.item()


# ------------------------------------------------------------------ scalar networks
def scalar_layers(model: nn.Module) -> list[Any]:
    if isinstance(model, nn.MLP):
        return list(model.layers)
    return [model]


def scalar_agree(model: nn.Module, theirs: Any, x: np.ndarray) -> None:
    """A scalar network, example by example, against the torch stack on the whole batch:
    outputs, input gradients and weight gradients (neuron j's weights are row j)."""
    xt = torch.from_numpy(x.copy()).requires_grad_()
    yt = theirs(xt)
    w = weights_for(tuple(yt.shape))
    (yt * torch.from_numpy(w)).sum().backward()
    inputs = [[Value(float(v)) for v in row] for row in x]
    outputs = []
    total: Any = Value(0.0)
    for row, weights in zip(inputs, w):
        out = model(row)
        outs = out if isinstance(out, list) else [out]
        outputs.append([v.data for v in outs])
        for v, c in zip(outs, weights):
            total = total + v * float(c)
    total.backward()
    close(outputs, yt)
    close([[v.grad for v in row] for row in inputs], xt.grad)
    linears = [m for m in theirs.modules() if isinstance(m, torch.nn.Linear)]
    layers = scalar_layers(model)
    assert len(linears) == len(layers)
    for layer, linear in zip(layers, linears):
        neurons = [layer] if isinstance(layer, nn.Neuron) else list(layer.neurons)
        close([[p.grad for p in n.w] for n in neurons], linear.weight.grad)
        close([n.b.grad for n in neurons], linear.bias.grad)


def test_the_blogs_network_as_a_scalar_mlp_becomes_linear_layers() -> None:
    np.random.seed(48)
    model = nn.MLP(2, [3, 1], "sigmoid", "sigmoid", init="xavier")
    theirs = nn.to_torch(model)
    assert [type(m).__name__ for m in theirs] == ["Linear", "Sigmoid", "Linear", "Sigmoid"]
    assert list(theirs.state_dict()) == list(nn.torch_state_dict(model))
    scalar_agree(model, theirs, XOR_X)
    # and back into a fresh scalar network: the very same numbers
    other = nn.MLP(2, [3, 1], "sigmoid", "sigmoid", init="xavier")
    other.load_torch_state_dict(theirs.state_dict())
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
    # from_torch gives the array network
    back = nn.from_torch(theirs)
    assert [type(m).__name__ for m in back] == ["Linear", "Sigmoid", "Linear", "Sigmoid"]
    np.testing.assert_array_equal(
        back[0].weight.data, [[p.data for p in n.w] for n in model.layers[0].neurons]
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: micrograd_nn.MLP(3, [4, 4, 2]),  # ReLU, ReLU, linear
        lambda: nn.MLP(3, [4, 2], "tanh", fused=True),
        lambda: nn.Layer(3, 2, "tanh"),
        lambda: nn.Neuron(3, None),
        lambda: nn.Neuron(3),
    ],
    ids=["micrograd-MLP", "fused-tanh-MLP", "Layer", "linear-Neuron", "relu-Neuron"],
)
def test_scalar_networks(build: Any) -> None:
    model = build()
    theirs = nn.to_torch(model)
    scalar_agree(model, theirs, np.random.default_rng(9).normal(size=(5, 3)))
    fresh = build()
    fresh.load_torch_state_dict(nn.to_torch(model).state_dict())
    assert [p.data for p in fresh.parameters()] == [p.data for p in model.parameters()]


def test_scalar_networks_that_pytorch_cannot_stack_are_refused() -> None:
    model = nn.Layer(2, 2)
    model.neurons[1].activation = "sigmoid"
    with pytest.raises(ValueError, match="neurons of layer 0 .* differ .* one activation"):
        nn.to_torch(model)


# ------------------------------------------------------------------ containers and state
def test_converting_draws_nothing_from_either_librarys_random_stream() -> None:
    np.random.seed(11)
    torch.manual_seed(11)
    model = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3), nn.Embedding(5, 2))
    numpy_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state()
    nn.from_torch(nn.to_torch(model))
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_modes_requires_grad_sharing_and_names_are_carried_both_ways() -> None:
    shared = nn.Linear(3, 3)
    model = nn.Sequential(shared, nn.Dropout(0.2), nn.Tanh(), shared)
    model.eval()
    model[1].train()  # one module in training mode
    shared.bias.requires_grad = False
    theirs = nn.to_torch(model)
    assert [m.training for m in theirs] == [False, True, False, False]
    assert theirs[0] is theirs[3] and not theirs[0].bias.requires_grad
    assert list(theirs.state_dict()) == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert list(nn.torch_state_dict(model)) == list(theirs.state_dict())
    back = nn.from_torch(theirs)
    assert back[0] is back[3] and not back[0].bias.requires_grad and back[0].weight.requires_grad
    assert [m.training for m in back] == [False, True, False, False]
    model.load_torch_state_dict(theirs.state_dict())  # a shared layer under both names

    named = torch.nn.Sequential(
        OrderedDict(fc1=torch.nn.Linear(2, 3, dtype=F64), act=torch.nn.ReLU(inplace=True))
    )
    ours = nn.from_torch(named)
    assert list(ours.state_dict()) == ["fc1.weight", "fc1.bias"]
    agree(ours, named, np.random.default_rng(0).normal(size=(4, 2)))


def test_containers_and_float32_come_across() -> None:
    theirs = torch.nn.ModuleDict(
        dict(
            a=torch.nn.Linear(2, 2), b=torch.nn.ModuleList([torch.nn.Tanh(), torch.nn.Linear(2, 1)])
        )
    )
    theirs.register_buffer("scale", torch.tensor([2.0]))
    theirs.extras = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(3))])
    ours = nn.from_torch(theirs)
    assert list(nn.torch_state_dict(ours)) == list(theirs.state_dict())
    assert ours.state_dict()["a.weight"].dtype == np.float32  # torch's default dtype kept
    assert isinstance(ours.b, nn.ModuleList) and isinstance(ours.extras, nn.ParameterList)
    again = nn.to_torch(ours)
    assert isinstance(again.b, torch.nn.ModuleList)
    assert isinstance(again.extras, torch.nn.ParameterList) and len(again.extras) == 1
    assert type(again).__name__ == "ModuleDict"  # a plain container, named as it was
    assert list(again.state_dict()) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert torch.equal(again.state_dict()[key], value)


class Net(nn.Module):
    """A network of one's own: its forward uses only what both libraries have."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.out = nn.Linear(4, 2)
        self.scale = nn.Parameter(np.array([1.5, -0.5]))
        self.power = 2

    def forward(self, x: Any) -> Any:
        return self.squash(self.out(self.hidden(x).tanh())) * self.scale

    def squash(self, y: Any) -> Any:
        return y.sigmoid() ** self.power


class OwnOps(Net):
    def forward(self, x: Any) -> Any:
        return nn.functional.relu(self.out(self.hidden(x)))  # our function: not on torch


def test_a_module_of_ones_own_runs_its_forward_in_torch_once_checked() -> None:
    model = Net()
    x = np.random.default_rng(1).normal(size=(5, 3))
    with pytest.raises(
        ValueError,
        match=r"Net \(the model itself\) defines its own forward.*example_input="
        r".*nn\.torch_state_dict",
    ):
        nn.to_torch(model)
    theirs = nn.to_torch(model, example_input=x)
    assert type(theirs).__name__ == "Net" and isinstance(theirs, torch.nn.Module)
    assert list(theirs.state_dict()) == [
        "scale",
        "hidden.weight",
        "hidden.bias",
        "out.weight",
        "out.bias",
    ]
    agree(model, theirs, np.random.default_rng(2).normal(size=(7, 3)))  # another input
    back = nn.from_torch(theirs, example_input=x)
    assert type(back).__name__ == "Net" and isinstance(back, nn.Module)
    same_state(model, back)


def test_a_forward_that_cannot_run_in_torch_is_refused_with_what_to_do() -> None:
    model = OwnOps()
    grads_before = [p.grad for p in model.parameters()]
    with pytest.raises(
        ValueError,
        match=r"OwnOps .*: its forward must use only operations both libraries have"
        r".*load_state_dict\(nn\.torch_state_dict\(model\)\)",
    ):
        nn.to_torch(model, example_input=np.ones((2, 3)))
    assert [p.grad for p in model.parameters()] == grads_before and model.training


class Sly(Net):
    """Computes something else on torch tensors: other numbers, or no gradient for the
    output, or none for one parameter."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def forward(self, x: Any) -> Any:
        y = self.out(self.hidden(x))
        if isinstance(y, Tensor):
            return y * self.scale
        if self.mode == "numbers":
            return y * self.scale * 1.01
        if self.mode == "output":
            return (y * self.scale).detach()
        return y * self.scale.detach()


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("numbers", r"output 0 on example_input differs .* relative difference 0\.0099"),
        ("output", "output 0 on example_input has a gradient in the nn model only"),
        ("parameter", "on example_input the gradients of scale differ"),
    ],
)
def test_the_check_compares_outputs_and_gradients(mode: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        nn.to_torch(Sly(mode), example_input=np.ones((2, 3)))


class TorchNet(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = torch.nn.Linear(3, 2, dtype=F64)

    def forward(self, x: Any) -> Any:
        return self.fc(x).relu() + 1


class TorchOnly(TorchNet):
    def forward(self, x: Any) -> Any:
        return torch.relu(self.fc(x).view(-1))


def test_torch_modules_of_ones_own_and_unknown_layers() -> None:
    x = np.random.default_rng(3).normal(size=(4, 3))
    with pytest.raises(
        ValueError, match="TorchNet .* defines its own forward.*load_torch_state_dict"
    ):
        nn.from_torch(TorchNet())
    theirs = TorchNet()
    ours = nn.from_torch(theirs, example_input=torch.from_numpy(x))
    agree(ours, theirs, x)
    with pytest.raises(
        ValueError,
        match=r"the nn model failed on example_input .*TorchOnly \(the model itself\): its forward",
    ):
        nn.from_torch(TorchOnly(), example_input=x)
    gelu = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.GELU())
    with pytest.raises(
        ValueError,
        match=r"torch\.nn\.modules\.activation\.GELU at '1' has no nn counterpart.*nn\.functional",
    ):
        nn.from_torch(gelu)


def test_torch_modules_whose_state_or_behaviour_nn_cannot_carry_are_refused() -> None:
    normed = torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(2, 2))
    with pytest.raises(
        ValueError,
        match=r"holds parameters \['bias'\] where nn\.Linear .* holds "
        r"\['bias', 'weight'\] .*remove_parametrizations",
    ):
        nn.from_torch(torch.nn.Sequential(normed))
    hooked = torch.nn.Linear(2, 2)
    hooked.register_forward_hook(lambda module, args, out: out * 2)
    with pytest.raises(ValueError, match="Linear at '1' has hooks"):
        nn.from_torch(torch.nn.Sequential(torch.nn.ReLU(), hooked))
    with pytest.raises(ValueError, match=r"0\.weight \(torch\.bfloat16\) cannot be read"):
        nn.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2).bfloat16()))


def test_every_layer_nn_exports_has_a_torch_counterpart() -> None:
    containers = {nn.Module, nn.Sequential, nn.ModuleList, nn.ParameterList}
    scalar = {nn.Neuron, nn.Layer, nn.MLP}
    for name in nn.__all__:
        cls = getattr(nn, name)
        if isinstance(cls, type) and issubclass(cls, nn.Module):
            assert cls in _BY_OURS or cls in containers | scalar, name


def test_a_layer_of_the_library_without_a_mapping_is_refused() -> None:
    class Unmapped(nn.Module):
        def forward(self, x: Any) -> Any:
            return x

    Unmapped.__module__ = "nn.unmapped"  # as a layer nn might grow without a torch mapping
    with pytest.raises(
        ValueError,
        match=r"nn\.Unmapped at '1' has no PyTorch counterpart.*"
        r"torch_model\.load_state_dict\(nn\.torch_state_dict\(model\)\)",
    ):
        nn.to_torch(nn.Sequential(nn.ReLU(), Unmapped()))


def test_an_option_this_torch_lacks_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class OldBatchNorm1d(torch.nn.BatchNorm1d):  # as torch versions without bias=
        def __init__(
            self,
            num_features: int,
            eps: float = 1e-5,
            momentum: Any = 0.1,
            affine: bool = True,
            track_running_stats: bool = True,
        ) -> None:
            super().__init__(num_features, eps, momentum, affine, track_running_stats)

    monkeypatch.setattr(torch.nn, "BatchNorm1d", OldBatchNorm1d)
    assert isinstance(nn.to_torch(nn.BatchNorm1d(3)), OldBatchNorm1d)
    with pytest.raises(
        ValueError,
        match=r"nn\.BatchNorm1d .* has bias=False, which torch\.nn\.BatchNorm1d of torch "
        r".* does not offer",
    ):
        nn.to_torch(nn.BatchNorm1d(3, bias=False))


# ------------------------------------------------------------------ load_torch_state_dict
def test_load_torch_state_dict_names_the_first_mismatch_and_changes_nothing() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    before = model.state_dict()
    wrong = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    with pytest.raises(ValueError) as info:
        model.load_torch_state_dict(wrong.state_dict())
    message = str(info.value)
    assert "nothing was changed" in message
    assert (
        "First mismatch: 2.weight: shape (1, 4) in the state dict, (1, 3) in the model" in message
    )
    same_state(model, _with(before))
    state = nn.to_torch(model).state_dict()
    state["2.bias"] = torch.tensor([True])
    del state["0.bias"]
    state["extra"] = torch.zeros(1)
    with pytest.raises(
        ValueError,
        match="(?s)2.bias: expected numbers.*missing keys: 0.bias.*unexpected keys: extra",
    ):
        model.load_torch_state_dict(state)
    same_state(model, _with(before))


def test_load_torch_state_dict_into_a_scalar_network_checks_shapes_too() -> None:
    model = nn.MLP(2, [3, 1])
    before = [p.data for p in model.parameters()]
    wrong = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    with pytest.raises(
        ValueError,
        match=r"First mismatch: 0\.weight: shape \(4, 2\) in the "
        r"state dict, \(3, 2\) in the model",
    ):
        model.load_torch_state_dict(wrong.state_dict())
    assert [p.data for p in model.parameters()] == before


def _with(state: dict[str, np.ndarray]) -> nn.Module:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model.load_state_dict(state)
    return model


def test_load_torch_state_dict_non_strict_and_dtypes() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    theirs = randomised(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)))
    state = theirs.state_dict()  # float32
    del state["1.weight"]
    result = model.load_torch_state_dict(state, strict=False)
    assert result.missing_keys == ["1.weight"] and result.unexpected_keys == []
    assert model[0].weight.dtype == np.float64  # copied into our arrays, in place
    np.testing.assert_array_equal(model[0].weight.data, state["0.weight"].double().numpy())
    np.testing.assert_array_equal(model[1].weight.data, np.ones(3))
    assert model[1].num_batches_tracked.dtype == np.int64
    # NumPy arrays do as well (no torch needed)
    model.load_torch_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    with pytest.raises(TypeError, match="expected a dict of tensors"):
        model.load_torch_state_dict([1, 2])  # type: ignore[arg-type]


# ------------------------------------------------------------------ packaging
def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_importing_the_library_never_imports_torch() -> None:
    done = _python(
        "import sys, autograd_core, nn, viz, nn.torch_interop\n"
        "nn.Sequential(nn.Linear(2, 2))(autograd_core.Tensor([[1.0, 2.0]]))\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_torch_the_functions_say_how_to_install_it() -> None:
    done = _python(
        "import sys\n"
        "class NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "import nn\n"
        "try:\n"
        "    nn.to_torch(nn.Linear(2, 2))\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc.name, '|', exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.startswith("torch | ") and "pip install 'autograd-core[torch]'" in done.stdout
    )
