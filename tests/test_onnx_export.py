"""ONNX export (autograd_core.onnx.export, nn.export_onnx): every exported model passes
onnx.checker, and onnxruntime runs it, on a batch of another size than the example's, to
our outputs: within 1e-6 in float32 and 1e-12 in float64, relative to the output's largest
magnitude (onnxruntime's float32 kernels use their own approximations of exp, tanh and
the sigmoid, so an output near 0 that cancelled can differ more relative to itself).

onnxruntime (1.32, CPU) has no float64 kernels for Conv, Erf and the trigonometric and
hyperbolic functions other than sin, cos and tanh: those run in float32 only here (the
exported float64 graphs are valid ONNX; onnxruntime refuses to run them).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import autograd_core as ag  # noqa: E402
import autograd_core.onnx as ag_onnx  # noqa: E402
import nn  # noqa: E402
from autograd_core import Tensor  # noqa: E402
from autograd_core.onnx import ExportError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RTOL = {np.dtype(np.float32): 1e-6, np.dtype(np.float64): 1e-12}
F32, F64 = np.float32, np.float64
RNG = np.random.default_rng(14)


def run(model: Any, *inputs: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), inputs)})


def agree(got: np.ndarray, want: np.ndarray) -> None:
    rtol = RTOL[want.dtype]
    assert got.dtype == want.dtype and got.shape == want.shape
    scale = float(np.abs(want).max()) if want.size else 0.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


def ours(fn: Callable[..., Any], *inputs: np.ndarray) -> list[np.ndarray]:
    result = fn(*(Tensor(x, dtype=x.dtype) for x in inputs))
    return [t.data for t in (result if isinstance(result, tuple) else (result,))]


def exports(
    fn: Callable[..., Any],
    example: tuple[np.ndarray, ...],
    other: tuple[np.ndarray, ...],
    **options: Any,
) -> Any:
    """Export ``fn`` on ``example``, check the model, and compare onnxruntime's outputs on
    ``other`` (another batch size) with ours."""
    if isinstance(fn, nn.Module):
        model = nn.export_onnx(fn, example if len(example) > 1 else example[0], None, **options)
        fn.eval()  # ours to compare with: in eval mode, as exported
    else:
        model = ag_onnx.export(fn, *example, **options)
    onnx.checker.check_model(model, full_check=True)
    for got, want in zip(run(model, *other), ours(fn, *other), strict=True):
        agree(got, want)
    return model


def batches(
    shape: tuple[int, ...], dtype: Any, low: float = -2.0, high: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """An example batch of 4 and another of 7."""
    return tuple(RNG.uniform(low, high, (n, *shape)).astype(dtype) for n in (4, 7))  # type: ignore[return-value]


# ------------------------------------------------------------------ imports
def test_importing_the_library_never_imports_onnx() -> None:
    code = (
        "import sys, autograd_core, nn, viz\n"
        "import nn.onnx_export\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('onnx', 'onnxruntime')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ------------------------------------------------------------------ layers
def _batch_norm(dtype: Any) -> nn.Module:
    bn = nn.BatchNorm1d(3, dtype=dtype)
    bn.running_mean.data[...] = [0.5, -1.0, 2.0]
    bn.running_var.data[...] = [0.25, 2.0, 1.5]
    bn.weight.data[...] = [1.5, -0.5, 2.0]
    bn.bias.data[...] = [0.1, 0.2, -0.3]
    return bn


LAYERS: dict[str, tuple[Callable[[Any], nn.Module], tuple[int, ...]]] = {
    "Linear": (lambda d: nn.Linear(5, 3, dtype=d), (5,)),
    "Linear (batch of sequences)": (lambda d: nn.Linear(5, 3, dtype=d), (2, 5)),
    "Sigmoid": (lambda d: nn.Sigmoid(), (5,)),
    "ReLU": (lambda d: nn.ReLU(), (5,)),
    "Tanh": (lambda d: nn.Tanh(), (5,)),
    "Identity": (lambda d: nn.Sequential(nn.Linear(5, 2, dtype=d), nn.Identity()), (5,)),
    "Softmax": (lambda d: nn.Softmax(dim=1), (5,)),
    "LogSoftmax": (lambda d: nn.LogSoftmax(dim=-1), (2, 5)),
    "Flatten": (lambda d: nn.Flatten(), (2, 3, 3)),
    "Dropout (eval)": (lambda d: nn.Sequential(nn.Linear(5, 4, dtype=d), nn.Dropout(0.5)), (5,)),
    "BatchNorm1d (N, C)": (_batch_norm, (3,)),
    "BatchNorm1d (N, C, L)": (_batch_norm, (3, 4)),
    "LayerNorm": (lambda d: nn.LayerNorm((3, 4), dtype=d), (3, 4)),
    "MaxPool2d": (lambda d: nn.MaxPool2d(2), (2, 6, 6)),
    "MaxPool2d (padding, dilation, ceil_mode)": (
        lambda d: nn.MaxPool2d(3, stride=2, padding=1, dilation=1, ceil_mode=True),
        (2, 6, 7),
    ),
}
# onnxruntime has no float64 Conv: these run in float32 (avg pooling is a convolution here).
CONV_LAYERS: dict[str, tuple[Callable[[Any], nn.Module], tuple[int, ...]]] = {
    "Conv2d": (lambda d: nn.Conv2d(2, 3, 3, dtype=d), (2, 6, 6)),
    "Conv2d (stride, padding, no bias)": (
        lambda d: nn.Conv2d(2, 3, (3, 2), stride=2, padding=(1, 2), bias=False, dtype=d),
        (2, 7, 6),
    ),
    "Conv2d (same, dilation, groups)": (
        lambda d: nn.Conv2d(2, 4, 3, padding="same", dilation=2, groups=2, dtype=d),
        (2, 6, 6),
    ),
    "Conv2d (reflect padding)": (
        lambda d: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect", dtype=d),
        (2, 5, 5),
    ),
    "Conv2d (circular padding)": (
        lambda d: nn.Conv2d(2, 3, 3, padding=2, padding_mode="circular", dtype=d),
        (2, 5, 5),
    ),
    "AvgPool2d": (lambda d: nn.AvgPool2d(2), (2, 6, 6)),
    "AvgPool2d (padding, not counted)": (
        lambda d: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
        (2, 6, 7),
    ),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_run_in_onnxruntime_as_here(name: str, dtype: Any) -> None:
    factory, shape = LAYERS[name]
    ag.manual_seed(3)
    exports(factory(dtype), *zip(batches(shape, dtype)))


@pytest.mark.parametrize("name", list(CONV_LAYERS))
def test_convolution_layers_run_in_onnxruntime_as_here(name: str) -> None:
    factory, shape = CONV_LAYERS[name]
    ag.manual_seed(3)
    exports(factory(F32), *zip(batches(shape, F32)))


@pytest.mark.parametrize("dtype", [F32, F64])
def test_embedding_takes_integer_indices_as_an_input(dtype: Any) -> None:
    ag.manual_seed(5)
    table = nn.Embedding(10, 3, dtype=dtype)
    example, other = RNG.integers(0, 10, (4, 2)), RNG.integers(0, 10, (7, 2))
    model = exports(table, (example,), (other,))
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert [n.op_type for n in model.graph.node] == ["Gather"]
    assert [i.name for i in model.graph.initializer] == ["weight"]


def test_parameters_are_initialisers_named_as_in_the_state_dict() -> None:
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), _batch_norm(F64), nn.Linear(3, 2))
    proto = nn.export_onnx(model, np.ones((2, 3)), None)
    names = [t.name for t in proto.graph.initializer]
    assert {"0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"} <= set(names)
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in proto.graph.initializer}
    assert np.array_equal(weights["0.weight"], model[0].weight.data)  # (out, in), as ours
    # the nodes are named by the scope of the module that made them
    assert any(n.name.startswith("Sequential/2/") for n in proto.graph.node)


def test_a_parameter_used_twice_is_one_initialiser() -> None:
    layer = nn.Linear(3, 3)
    model = exports(lambda x: layer(layer(x)).tanh(), *zip(batches((3,), F64)))
    assert len(model.graph.initializer) == 2


# ------------------------------------------------------------------ the demos' networks
def test_the_blogs_xor_network_runs_in_onnxruntime_as_here(tmp_path: Path) -> None:
    from demos import xor_network
    from demos.common import XOR_X

    model = xor_network.build(xor_network.SIZES)
    grid = np.stack(np.meshgrid(np.linspace(0, 1, 3), np.linspace(0, 1, 3)), -1).reshape(-1, 2)
    proto = nn.export_onnx(model, XOR_X, tmp_path / "xor.onnx")
    onnx.checker.check_model(str(tmp_path / "xor.onnx"), full_check=True)
    (got,) = run(onnx.load(str(tmp_path / "xor.onnx")), grid)
    agree(got, model(Tensor(grid)).data)
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Sigmoid", "Gemm", "Sigmoid"]
    assert [t.name for t in proto.graph.initializer] == [
        "0.0.weight",
        "0.0.bias",
        "1.0.weight",
        "1.0.bias",
    ]


@pytest.mark.parametrize("network", ["mlp", "cnn"])
def test_the_digits_networks_run_in_onnxruntime_as_here(network: str) -> None:
    from demos import digits

    ag.manual_seed(1)
    model = getattr(digits, network)()
    example, other = (RNG.uniform(0, 1, (n, 1, 8, 8)).astype(F32) for n in (8, 3))
    proto = exports(model, (example,), (other,))
    kinds = [n.op_type for n in proto.graph.node]
    assert kinds.count("MaxPool") == (2 if network == "cnn" else 0)


# ------------------------------------------------------------------ operations
def _positive(x: Tensor) -> Tensor:
    return x.abs() + 0.25


ELEMENTWISE = [
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "log1p", "expm1",
    "log2", "log10", "exp2", "square", "reciprocal", "rsqrt", "sign", "floor", "ceil",
    "round", "trunc", "softplus", "silu", "leaky_relu", "elu", "hardtanh", "relu6",
    "hardsigmoid", "hardswish", "softsign", "logsigmoid", "selu", "celu", "mish",
]  # fmt: skip
# No float64 kernel in onnxruntime for these (Erf inside gelu): float32 only.
FLOAT32_ONLY = ["erf", "gelu", "tan", "sinh", "cosh", "arcsin", "arccos", "arctan", "arcsinh"]
NEEDS_POSITIVE = {"log", "sqrt", "log2", "log10", "reciprocal", "rsqrt"}


def _elementwise(name: str) -> Callable[[Tensor], Tensor]:
    f = getattr(ag, name)
    if name in NEEDS_POSITIVE:
        return lambda x: f(_positive(x))
    if name in ("arcsin", "arccos", "log1p"):
        return lambda x: f(x * 0.4)
    return lambda x: f(x * 4.0)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_functions_run_in_onnxruntime_as_here(name: str, dtype: Any) -> None:
    exports(_elementwise(name), *zip(batches((6,), dtype)))


@pytest.mark.parametrize("name", FLOAT32_ONLY)
def test_functions_without_double_kernels_run_in_float32(name: str) -> None:
    exports(_elementwise(name), *zip(batches((6,), F32)))


PARAMETRISED = {
    "leaky_relu(0.2)": lambda x: ag.leaky_relu(x, 0.2),
    "elu(alpha=0.5)": lambda x: ag.elu(x, alpha=0.5),
    "celu(alpha=2)": lambda x: ag.celu(x, alpha=2.0),
    "hardtanh(-0.5, 2)": lambda x: ag.hardtanh(x, -0.5, 2.0),
    "softplus(beta=2, threshold=3)": lambda x: ag.softplus(x * 3, beta=2.0, threshold=3.0),
    "gelu(tanh)": lambda x: ag.gelu(x, approximate="tanh"),
    # where log1p and expm1 written with log and exp would have lost every digit:
    "log1p near 0": lambda x: ag.log1p(x * 1e-10),
    "expm1 near 0": lambda x: ag.expm1(x * 1e-10),
    "softplus far below 0": lambda x: ag.softplus(x - 60.0),
    "logsigmoid far above 0": lambda x: ag.logsigmoid(x + 40.0),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("name", list(PARAMETRISED))
def test_parameters_and_edges_of_elementwise_functions(name: str, dtype: Any) -> None:
    exports(PARAMETRISED[name], *zip(batches((6,), dtype)))


def test_log1p_and_expm1_keep_their_digits_near_zero() -> None:
    for name, far in (("log1p", 1e300), ("expm1", -50.0)):
        x = np.array([[1e-300, -1e-20, 1e-10, 0.5, -0.5, 3.0, 50.0, far]])
        model = ag_onnx.export(getattr(ag, name), x, dynamic_batch=False)
        (got,) = run(model, x)
        np.testing.assert_allclose(got, getattr(np, name)(x), rtol=1e-15, atol=0)


TENSOR_OPERATIONS: dict[str, tuple[Callable[..., Tensor], tuple[int, ...]]] = {
    "arithmetic": (lambda x: (x * 2 - 1) / (x.abs() + 1) + (-x) ** 2 + 2**x, (4,)),
    "power with a Tensor exponent": (lambda x: _positive(x) ** (x * 0.5), (4,)),
    "fmod": (lambda x: ag.fmod(x * 5, 1.5), (4,)),
    "matmul": (lambda x: x @ np.arange(12.0).reshape(4, 3) @ np.ones(3), (4,)),
    "batched matmul": (lambda x: x @ x.transpose(0, 2, 1), (3, 2)),
    "linear without bias": (lambda x: ag.linear(x, Tensor(np.ones((2, 4)))), (3, 4)),
    "sum/mean/max/min": (
        lambda x: x.sum(axis=1) + x.mean(axis=-1) * x.max(axis=1) - x.min(axis=1),
        (5,),
    ),
    "reductions keeping axes": (
        lambda x: x.sum(axis=(1, 2), keepdims=True) * x.mean(axis=0, keepdims=True),
        (2, 3),
    ),
    "reductions over everything": (lambda x: x.sum() + x.max() * x.mean(), (2, 3)),
    "reduction over a length-1 axis": (
        lambda x: x.sum(axis=1) + x.max(axis=(1, 2))[:, None] + x.sum(axis=2),
        (1, 3),
    ),
    "torch's dim/keepdim": (lambda x: x.sum(dim=1, keepdim=True) + x.logsumexp(dim=1), (3,)),
    "logsumexp": (
        lambda x: (x * 300).logsumexp(axis=1) + x.logsumexp(axis=(1, 2))[:, None],
        (2, 3),
    ),
    "softmax/log_softmax": (lambda x: ag.softmax(x, dim=0) * x.log_softmax(axis=1), (3, 4)),
    "prod/cumsum": (lambda x: ag.prod(x, 1, keepdim=True) * ag.cumsum(x, dim=1), (4,)),
    "reshape/flatten": (lambda x: x.reshape(-1, 2, 3).flatten(1).view(x.shape[0], 6), (6,)),
    "transpose/permute/swapaxes": (
        lambda x: x.transpose(1, 2).permute(0, 2, 1).swapaxes(1, 2).transpose((0, 2, 1)),
        (2, 3),
    ),
    "squeeze/unsqueeze": (lambda x: x.unsqueeze(1).squeeze(1).expand_dims(-1).squeeze(), (3,)),
    "broadcast_to/expand": (
        lambda x: (
            x.reshape(x.shape[0], 1, 3).broadcast_to((x.shape[0], 2, 3))
            + ag.expand(x.reshape(x.shape[0], 1, 3), -1, 2, -1)
        ),
        (3,),
    ),
    "basic indexing": (
        lambda x: x[:, 1:4:2, ::-1][..., None, 0] * x[:, -1, 1:3].sum() + x[:, None, 0, -1, None],
        (5, 4),
    ),
    "an index array": (lambda x: x[:, [0, 2, 2, -1]] + x[..., 1:2], (4,)),
    "cat/stack": (
        lambda x: ag.cat([x, x * 2], dim=1) + ag.stack([x, x], axis=1).sum(axis=1).repeat(1, 2),
        (3,),
    ),
    "split/chunk": (
        lambda x: ag.split(x, [1, 3], dim=1)[1] * ag.chunk(x, 2, dim=1)[0][:, :1],
        (4,),
    ),
    "where/maximum/minimum": (
        lambda x: ag.where(np.array([True, False, True]), ag.maximum(x, 0.5), ag.minimum(x, -1)),
        (3,),
    ),
    "a mask that broadcasts over the batch": (lambda x: ag.tril(x) + ag.triu(x, 1) * 2, (3, 3)),
    "clip reaching both bounds": (lambda x: (x * 5).clip(-1.0, 1.5), (6,)),
    "clip with the lower bound only": (lambda x: x.clip(0.0), (6,)),
    "einsum of two and of three operands": (
        lambda x: (
            ag.einsum("bi,ij->bj", x, np.arange(18.0).reshape(6, 3))
            + ag.einsum("bi,bi,i->b", x, x.tanh(), np.linspace(-1, 1, 6))[:, None]
        ),
        (6,),
    ),
    "clip with the upper bound only": (lambda x: x.clip(high=0.25), (6,)),
    "clip reaching neither bound": (lambda x: x.clip(-100.0, 100.0), (6,)),
    "astype": (lambda x: (x.astype(np.float32) * 2).astype(np.float64), (3,)),
    "clone": (lambda x: x.clone() * x, (3,)),
    "var/std/norm": (
        lambda x: ag.var(x, axis=1) + ag.std(x, dim=1) + ag.norm(x, dim=1) + ag.norm(x, p=1),
        (4,),
    ),
}


@pytest.mark.parametrize("name", list(TENSOR_OPERATIONS))
def test_tensor_operations_run_in_onnxruntime_as_here(name: str) -> None:
    fn, shape = TENSOR_OPERATIONS[name]
    exports(fn, *zip(batches(shape, F64)))


def test_float32_operations_with_float64_constants_become_float64() -> None:
    scale = np.array([1.5, 2.0, -1.0], dtype=np.float64)
    model = exports(lambda x: x * scale + 1, *zip(batches((3,), F32)))
    assert model.graph.output[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    assert [n.op_type for n in model.graph.node] == ["Cast", "Mul", "Add"]  # x cast once


# ------------------------------------------------------------------ inputs, outputs, batch
def test_the_batch_axis_is_symbolic_and_any_batch_size_runs() -> None:
    layer = nn.Linear(3, 2)
    model = ag_onnx.export(layer, np.ones((4, 3)), input_names=["x"], output_names=["y"])
    for value, width in ((model.graph.input[0], 3), (model.graph.output[0], 2)):
        dims = value.type.tensor_type.shape.dim
        assert dims[0].dim_param == "batch" and dims[1].dim_value == width
    for n in (1, 4, 9):
        x = RNG.normal(size=(n, 3))
        (got,) = run(model, x)
        agree(got, layer(Tensor(x)).data)


def test_a_batch_of_one_as_the_example_still_gives_a_dynamic_batch() -> None:
    model = exports(
        lambda x: x.reshape(x.shape[0], -1).sum(axis=0, keepdims=True) + x.sum(),
        (RNG.normal(size=(1, 2, 3)),),
        (RNG.normal(size=(5, 2, 3)),),
    )
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_a_fixed_batch_without_dynamic_batch() -> None:
    x = RNG.normal(size=(4, 3))
    model = ag_onnx.export(lambda t: t.reshape(12) * 2, x, dynamic_batch=False)
    assert [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim] == [4, 3]
    assert [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim] == [12]
    agree(run(model, x)[0], x.reshape(12) * 2)


def test_several_inputs_and_outputs_keep_their_names_and_order() -> None:
    table = nn.Embedding(6, 3, dtype=F64)

    def fn(indices: Tensor, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        mixed = table(indices).sum(axis=1) + x
        return mixed, x, mixed.tanh()

    example = (RNG.integers(0, 6, (4, 2)), RNG.normal(size=(4, 3)))
    other = (RNG.integers(0, 6, (7, 2)), RNG.normal(size=(7, 3)))
    model = exports(fn, example, other, input_names=["ids", "x"], output_names=["a", "b", "c"])
    assert [i.name for i in model.graph.input] == ["ids", "x"]
    assert [o.name for o in model.graph.output] == ["a", "b", "c"]


def test_the_model_is_written_to_path_and_the_model_keeps_its_mode(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    model[1].train()  # a sub-module in its own mode
    model[0].eval()
    path = tmp_path / "model.onnx"
    nn.export_onnx(model, np.ones((2, 3)), path)
    assert onnx.load(str(path)).graph.node  # the file holds the graph
    assert model[1].training and not model[0].training


@pytest.mark.parametrize("opset", list(ag_onnx.OPSETS))
def test_every_supported_opset_checks_and_runs(opset: int) -> None:
    ag.manual_seed(2)
    model = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.ReLU(), nn.Softmax(dim=1))
    proto = exports(model, *zip(batches((4,), F64)), opset=opset)
    assert proto.opset_import[0].version == opset


# ------------------------------------------------------------------ what cannot be exported
def _fails(fn: Callable[..., Any], *inputs: Any, **options: Any) -> str:
    with pytest.raises(ExportError) as caught:
        ag_onnx.export(fn, *(inputs or (RNG.normal(size=(4, 3)),)), **options)
    return str(caught.value)


def test_an_operation_without_an_onnx_form_is_named_with_its_place() -> None:
    message = _fails(lambda x: ag.logaddexp(x.tanh(), np.ones(3)))
    assert "operation 'logaddexp'" in message and "node 4 of 4" in message
    assert "inputs of shapes (4, 3), (3,)" in message

    def encoder(x: Tensor) -> Tensor:
        with ag.scope("encoder"):
            return ag.cumprod(x * 2, dim=1)

    message = _fails(encoder)
    assert "operation 'cumprod'" in message and "in scope 'encoder'" in message
    model = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 2))
    with pytest.raises(ExportError, match="operation 'arctan2'"):
        ag_onnx.export(lambda x: ag.arctan2(model(x), 1.0), np.ones((2, 3)))


def test_a_users_operation_is_refused_by_name() -> None:
    @ag.differentiable(name="cube_for_onnx")
    def cube(x: np.ndarray) -> np.ndarray:
        return x**3

    cube.vjp(lambda g, out, x: g * 3 * x * x)
    message = _fails(lambda x: cube(x))
    assert "'cube_for_onnx'" in message and "a user's operation" in message


def test_numbers_computed_from_the_input_are_refused() -> None:
    assert "computed from the input's values" in _fails(
        lambda x: ag.where(x.data > 0, x, 0.0), dynamic_batch=False
    )  # the mask changes with the rows
    assert "the batch's length" in _fails(lambda x: ag.where(x.data > 0, x, 0.0))
    assert "t.max(axis=" in _fails(lambda x: x.max(dim=1).values)
    assert "boolean mask" in _fails(lambda x: x[x.data > 0])
    assert "the batch's length" in _fails(lambda x: x + np.arange(len(x.data))[:, None])
    assert "different graphs" in _fails(lambda x: x * 2 if x.shape[0] == 4 else x - 1)


def test_a_constant_repeated_along_the_batch_is_kept_once() -> None:
    def fn(x: Tensor) -> Tensor:
        return x + np.ones((len(x.data), 1)) * np.array([1.0, 2.0, 3.0])

    model = exports(fn, *zip(batches((3,), F64)))
    assert [list(onnx.numpy_helper.to_array(t).shape) for t in model.graph.initializer] == [[1, 3]]


def test_clip_with_array_bounds_is_refused() -> None:
    assert "clip with array bounds" in _fails(lambda x: x.clip(np.zeros(x.shape[-1]), 1.0))


def test_bad_arguments_are_errors() -> None:
    with pytest.raises(ExportError, match="opset 12"):
        ag_onnx.export(lambda x: x * 2, np.ones((2, 2)), opset=12)
    with pytest.raises(ExportError, match="one length"):
        ag_onnx.export(lambda x, y: x + y, np.ones((2, 2)), np.ones((3, 2)))
    with pytest.raises(ExportError, match="input_names must be 1"):
        ag_onnx.export(lambda x: x * 2, np.ones((2, 2)), input_names=["a", "b"])
    with pytest.raises(ExportError, match="return a Tensor"):
        ag_onnx.export(lambda x: x.data, np.ones((2, 2)))
    with pytest.raises(TypeError, match="scalar Value parameters"):
        nn.export_onnx(nn.MLP(2, [2, 1]), np.ones((2, 2)), None)


def test_integer_arithmetic_on_an_input_says_it_is_not_recorded() -> None:
    # Found in review: the message spoke only of constants made from the input's shape.
    message = _fails(lambda i: i * 2, np.array([[1, 2], [3, 4]]))
    assert "integer results are not recorded" in message
    assert "integer" not in _fails(lambda x: x * np.arange(len(x.data))[:, None])
