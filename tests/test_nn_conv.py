"""Conv2d and F.conv2d: values by the definition and by hand, PyTorch's numbers, gradients
to second order, one graph node, padding modes, initialisation and errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from tolerance import BLAS_RTOL

import nn
from autograd_core import REGISTRY, Tensor, manual_seed
from autograd_core.testing import gradcheck, gradgradcheck
from nn import functional as F


def wave(*shape: int, phase: float = 0.0) -> np.ndarray:
    """Deterministic, varied numbers (the probes that gave PyTorch's figures used them too)."""
    return np.sin(np.arange(math.prod(shape)) * 0.7 + phase).reshape(shape)


def by_definition(
    x: np.ndarray,
    w: np.ndarray,
    stride: tuple[int, int],
    pad: tuple[int, int, int, int],
    dilation: tuple[int, int],
    groups: int,
) -> np.ndarray:
    """out[n, o, i, j] = sum over c, a, b of xp[n, g*Cg + c, i*s + a*d, j*s + b*d] w[o, c, a, b],
    one output element at a time."""
    top, bottom, left, right = pad
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    n, _, height, width = xp.shape
    o, cg, kh, kw = w.shape
    ho = (height - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (width - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, ho, wo))
    per_group = o // groups
    for b_ in range(n):
        for oc in range(o):
            first = (oc // per_group) * cg
            for i in range(ho):
                for j in range(wo):
                    rows = i * stride[0] + dilation[0] * np.arange(kh)
                    cols = j * stride[1] + dilation[1] * np.arange(kw)
                    patch = xp[b_, first : first + cg][:, rows][:, :, cols]
                    out[b_, oc, i, j] = np.sum(patch * w[oc])
    return out


CASES = [
    # (in, out, kernel, stride, padding, dilation, groups, sides the padding means)
    (2, 3, (3, 3), 1, 0, 1, 1, (0, 0, 0, 0)),
    (2, 4, (2, 3), (2, 1), (1, 2), 1, 2, (1, 1, 2, 2)),
    (4, 2, (3, 2), 2, 1, (2, 1), 2, (1, 1, 1, 1)),
    (3, 3, (2, 2), 1, "same", 1, 3, (0, 1, 0, 1)),  # an even kernel: one more at the end
    (1, 2, (3, 3), 1, "same", 2, 1, (2, 2, 2, 2)),
    (2, 2, (3, 3), 3, "valid", 1, 1, (0, 0, 0, 0)),
]


@pytest.mark.parametrize("case", CASES)
def test_conv2d_equals_the_definition(case: Any) -> None:
    cin, cout, kernel, stride, padding, dilation, groups, sides = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, cin, 7, 6))
    w = rng.standard_normal((cout, cin // groups, *kernel))
    b = rng.standard_normal(cout)
    got = F.conv2d(Tensor(x), Tensor(w), Tensor(b), stride, padding, dilation, groups).data
    s = (stride, stride) if isinstance(stride, int) else stride
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    want = by_definition(x, w, s, sides, d, groups) + b.reshape(-1, 1, 1)
    np.testing.assert_allclose(got, want, rtol=BLAS_RTOL, atol=1e-13)


def test_conv2d_by_hand() -> None:
    # out[i, j] = x[i, j] - x[i+1, j+1] = -5 on a 4x4 ramp of 0..15; bias 1 gives -4.
    x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    w = Tensor(np.array([[[[1.0, 0.0], [0.0, -1.0]]]]))
    assert F.conv2d(x, w).data.tolist() == [[[[-5.0] * 3] * 3]]
    assert F.conv2d(x, w, Tensor([1.0]), stride=2).data.tolist() == [[[[-4.0, -4.0]] * 2]]
    # Padding 1: the top-left window sees only x[0, 0] (under the -1), the bottom-right one
    # only x[3, 3] (under the 1).
    padded = F.conv2d(x, w, padding=1).data[0, 0]
    assert padded.shape == (5, 5) and padded[0, 0] == 0.0 and padded[4, 4] == 15.0


def test_conv2d_matches_pytorch_figures() -> None:
    # torch 2.13 F.conv2d on these inputs (float64), written out by the probe.
    x = Tensor(wave(2, 4, 6, 5), requires_grad=True)
    w = Tensor(wave(6, 2, 3, 2, phase=1.0), requires_grad=True)
    b = Tensor(wave(6, phase=2.0), requires_grad=True)
    y = F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
    assert y.shape == (2, 6, 3, 7)
    close = {"rtol": BLAS_RTOL, "atol": 1e-13}
    np.testing.assert_allclose(y.data[1, 4, 2, 3], -0.6051239195465821, **close)
    np.testing.assert_allclose(y.data.sum(), -59.94812549087891, **close)
    (y * wave(*y.shape, phase=3.0)).sum().backward()
    np.testing.assert_allclose(x.grad[0, 3, 4, 1], 0.671427508492884, **close)
    np.testing.assert_allclose(x.grad.sum(), -20.96435721254656, **close)
    np.testing.assert_allclose(w.grad[5, 1, 2, 0], -0.3910489544709594, **close)
    np.testing.assert_allclose(w.grad.sum(), -0.12014667641506405, **close)
    bias_grad = [
        -3.240015564862534,
        -1.571608825423495,
        4.917187427005778,
        -3.67586004854174,
        -0.994424368628636,
        4.737078682029686,
    ]
    np.testing.assert_allclose(b.grad, bias_grad, **close)


def test_same_padding_matches_pytorch_for_an_even_kernel() -> None:
    y = F.conv2d(
        Tensor(wave(1, 2, 5, 6)),
        Tensor(wave(3, 2, 2, 4, phase=1.0)),
        padding="same",
        dilation=(2, 1),
    )
    assert y.shape == (1, 3, 5, 6)  # "same": the input's size
    np.testing.assert_allclose(y.data[0, 2, 0, 5], 1.28113524034504, rtol=BLAS_RTOL)
    np.testing.assert_allclose(y.data[0, 1, 4, 0], 0.999640013969517, rtol=BLAS_RTOL)


@pytest.mark.parametrize(
    ("mode", "first", "last"),
    [  # torch 2.13 nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode=mode), unbatched input
        ("reflect", 4.623421832410169, 4.1997639458344596),
        ("replicate", 0.0205692813585992, 0.024520133636160735),
        ("circular", 3.6534930605075946, 0.0056906218558784305),
    ],
)
def test_padding_modes_match_pytorch(mode: str, first: float, last: float) -> None:
    conv = nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode=mode, bias=False)
    conv.weight.data[...] = wave(3, 2, 3, 3, phase=1.0)
    y = conv(Tensor(wave(2, 4, 5)))
    assert y.shape == (3, 6, 5)
    np.testing.assert_allclose([y.data[1, 0, 0], y.data[2, 5, 4]], [first, last], rtol=1e-12)


GRAD_CASES = [
    {"stride": 1, "padding": 0},
    {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2), "groups": 2},
    {"padding": "same", "dilation": 2},
    {"stride": 2, "padding": 1, "groups": 4},
]


@pytest.mark.parametrize(
    ("options", "check", "batch", "out_channels"),
    [(options, gradcheck, 2, 4) for options in GRAD_CASES]
    + [(options, gradgradcheck, 1, 2) for options in GRAD_CASES[1:3]],  # second order: smaller
)
def test_conv2d_gradients_against_finite_differences(
    options: dict[str, Any], check: Any, batch: int, out_channels: int
) -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch, 4, 5, 5))
    w = rng.standard_normal((out_channels, 4 // options.get("groups", 1), 3, 2))
    b = rng.standard_normal(out_channels)
    assert check(lambda x, w, b: F.conv2d(x, w, b, **options), x, w, b)


def test_padding_mode_gradients_reach_the_copied_edges() -> None:
    rng = np.random.default_rng(3)
    for mode in ("reflect", "replicate", "circular"):
        conv = nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode=mode)
        assert gradcheck(conv, rng.standard_normal((1, 2, 4, 4)))


def test_the_graph_has_one_conv2d_node() -> None:
    x = Tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    w = Tensor(np.ones((2, 1, 2, 2)), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True)
    y = F.conv2d(x, w, b)
    assert y.op == "conv2d" and y.parents == (x, w, b)


def test_each_input_gets_its_own_gradient_once_per_node() -> None:
    # The rule computes every share together and is asked once per input: the answers must
    # belong to this node and this upstream gradient, also across backward passes.
    rng = np.random.default_rng(4)
    x = Tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w1 = Tensor(rng.standard_normal((2, 2, 3, 3)), requires_grad=True)
    w2 = Tensor(rng.standard_normal((1, 2, 2, 2)), requires_grad=True)
    loss = F.conv2d(F.conv2d(x, w1, padding=1), w2).sum()
    loss.backward()
    first = (x.grad.copy(), w1.grad.copy(), w2.grad.copy())
    for t in (x, w1, w2):
        t.zero_grad()
    loss.backward()
    for got, want in zip((x.grad, w1.grad, w2.grad), first):
        np.testing.assert_array_equal(got, want)
    assert gradcheck(
        lambda x, w1, w2: F.conv2d(F.conv2d(x, w1, padding=1), w2), x.data, w1.data, w2.data
    )


def test_a_backward_pass_convolves_once_per_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    # The registry asks the rule once per input (x, weight, bias); the transposed
    # convolution must still run only once per node, with and without create_graph.
    calls = []
    op = REGISTRY["conv2d_input_grad"]
    forward = op.array
    monkeypatch.setattr(op, "array", lambda *a, **k: calls.append(1) or forward(*a, **k))
    rng = np.random.default_rng(6)
    x = Tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = Tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    F.conv2d(x, w, b).sum().backward()
    assert len(calls) == 1
    for t in (x, w, b):
        t.zero_grad()
    (F.conv2d(x, w, b) ** 2).sum().backward(create_graph=True)
    assert len(calls) == 2 and isinstance(x.grad, Tensor)


def test_unbatched_input_and_float32() -> None:
    conv = nn.Conv2d(3, 4, 3, padding=1, dtype=np.float32)
    x = np.random.default_rng(5).standard_normal((3, 6, 6)).astype(np.float32)
    y = conv(Tensor(x))
    assert y.shape == (4, 6, 6) and y.dtype == np.float32
    batched = conv(Tensor(x[None]))
    np.testing.assert_array_equal(y.data, batched.data[0])
    y.sum().backward()
    assert conv.weight.grad is not None and conv.weight.grad.dtype == np.float32


def test_initialisation_as_pytorch_from_the_global_stream_or_rng() -> None:
    manual_seed(0)
    first = nn.Conv2d(4, 6, (3, 2), groups=2)
    manual_seed(0)
    again = nn.Conv2d(4, 6, (3, 2), groups=2)
    np.testing.assert_array_equal(first.weight.data, again.weight.data)
    assert first.weight.shape == (6, 2, 3, 2) and first.bias is not None
    bound = 1 / math.sqrt(2 * 3 * 2)  # fan_in = in/groups * kH * kW
    for p in (first.weight.data, first.bias.data):
        assert np.all(np.abs(p) <= bound) and np.abs(p).max() > 0.5 * bound
    rng = np.random.default_rng(7)
    drawn = rng.uniform(-bound, bound, (6, 2, 3, 2))
    from_rng = nn.Conv2d(4, 6, (3, 2), groups=2, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(from_rng.weight.data, drawn)
    assert nn.Conv2d(1, 1, 1, bias=False).bias is None


def test_repr_as_pytorch() -> None:
    assert repr(nn.Conv2d(3, 4, 3)) == "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(
        nn.Conv2d(
            2,
            4,
            (3, 2),
            stride=2,
            padding=1,
            dilation=2,
            groups=2,
            bias=False,
            padding_mode="reflect",
        )
    ) == (
        "Conv2d(2, 4, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
        "groups=2, bias=False, padding_mode=reflect"
        ")"
    )
    assert "padding=same" in repr(nn.Conv2d(2, 4, 3, padding="same"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nn.Conv2d(3, 4, 3)(Tensor(np.ones((1, 2, 5, 5)))),
            r"Conv2d: expects 3 input channels .*\(1, 2, 5, 5\)",
        ),
        (
            lambda: nn.Conv2d(3, 4, 3)(Tensor(np.ones((3, 5)))),
            r"Conv2d: expects input of shape \(N, C, H, W\) .*\(3, 5\)",
        ),
        (lambda: nn.Conv2d(3, 4, 3, groups=2), "divisible by groups"),
        (lambda: nn.Conv2d(2, 2, 3, stride=2, padding="same"), "strided"),
        (lambda: nn.Conv2d(2, 2, 3, padding="full"), "'valid' or 'same'"),
        (lambda: nn.Conv2d(2, 2, 3, padding_mode="mirror"), "padding_mode"),
        (lambda: nn.Conv2d(2, 2, 0), "kernel_size"),
        (lambda: nn.Conv2d(1, 1, 5)(Tensor(np.ones((1, 1, 3, 3)))), "kernel cannot be larger"),
        (
            lambda: nn.Conv2d(1, 1, 3, padding=3, padding_mode="reflect")(
                Tensor(np.ones((1, 3, 3)))
            ),
            "padding_mode='reflect' needs padding <",
        ),
        (
            lambda: F.conv2d(Tensor(np.ones((1, 2, 3, 3))), Tensor(np.ones((2, 2, 3)))),
            "weight must be",
        ),
        (
            lambda: F.conv2d(
                Tensor(np.ones((1, 2, 3, 3))), Tensor(np.ones((2, 2, 1, 1))), Tensor(np.ones(3))
            ),
            r"bias must be a Tensor of shape \(2,\)",
        ),
    ],
)
def test_errors_name_the_layer_the_shape_and_the_fix(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_an_integer_tensor_is_refused() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        nn.Conv2d(1, 1, 1)(Tensor(np.ones((1, 1, 2, 2)), dtype=np.int64))
