"""Export a function of Tensors, or a model, as an ONNX graph (``export``).

``export(fn, x)`` calls ``fn`` on the example, walks the graph it records from the outputs
back to the inputs, and writes each operation as ONNX nodes: the inputs and outputs named,
every parameter and constant an initialiser, and (``dynamic_batch``) the first axis of the
inputs and outputs symbolic, so the model runs on any batch size. The file opens in any
ONNX runtime (``onnxruntime``) and in Netron (https://netron.app).

This module needs the ``onnx`` package (``pip install "autograd-core[onnx]"``); importing
``autograd_core`` alone never imports it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

try:
    import onnx
    from onnx import helper
except ImportError:  # pragma: no cover - the message is the point
    raise ImportError(
        'autograd_core.onnx needs the onnx package: pip install "autograd-core[onnx]" (or '
        "pip install onnx onnxruntime)"
    ) from None

import numpy as np

from ..tensor import Tensor
from .graph import Builder
from .ops import REFUSED, TRANSLATIONS, translate
from .trace import ExportError, Pairing, pair, record, twin_arrays

__all__ = ["export", "ExportError", "DEFAULT_OPSET", "OPSETS", "TRANSLATIONS", "REFUSED"]

DEFAULT_OPSET = 18
OPSETS = range(18, 22)  # the opsets these translations are written and tested for
BATCH = "batch"  # the symbolic length of the first axis with dynamic_batch


def _example(x: Any, k: int) -> np.ndarray:
    array = np.array(x.data if isinstance(x, Tensor) else x)
    if array.dtype.kind not in "biuf":
        raise ExportError(f"export: example input {k} must be numbers, got dtype {array.dtype}")
    return array


def _names(given: Sequence[str] | None, count: int, stem: str) -> list[str]:
    if given is None:
        return [stem] if count == 1 else [f"{stem}_{k}" for k in range(count)]
    names = [str(n) for n in given]
    if len(names) != count or len(set(names)) != count:
        raise ExportError(f"export: {stem}_names must be {count} distinct names, got {given!r}")
    return names


def _value_info(name: str, t: Tensor, dims: Sequence[int | str]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(t.dtype), list(dims))


def _output_dims(pairing: Pairing, out: Tensor, name: str, batch: int | None) -> list[int | str]:
    twin = pairing.twin[out]
    dims: list[int | str] = []
    for i, (m, n) in enumerate(zip(out.shape, twin.shape)):
        if m == n:
            dims.append(m)
        elif batch is not None and (m, n) == (batch, batch + 1):
            dims.append(BATCH)
        else:
            dims.append(f"{name}_axis{i}")  # follows the batch, at another length
    return dims


def _rename(b: Builder, old: str, new: str) -> None:
    """Make the node that produces ``old`` produce ``new`` instead (an output's name)."""
    for node in b.nodes:
        node.output[:] = [new if o == old else o for o in node.output]
        node.input[:] = [new if i == old else i for i in node.input]


def export(
    fn: Callable[..., Any],
    *example_inputs: Any,
    path: str | os.PathLike[str] | None = None,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    dynamic_batch: bool = True,
    opset: int = DEFAULT_OPSET,
    initializer_names: Mapping[str, Tensor] | None = None,
) -> onnx.ModelProto:
    """The ONNX model computing ``fn`` (a function of Tensors returning a Tensor or a tuple
    of them), saved to ``path`` if given.

    ``fn`` runs twice, on the example inputs (arrays or Tensors) and on a twin (rows
    rolled, one row more with ``dynamic_batch``): axes whose lengths differ follow the batch
    (symbolic in the model), and numbers baked into the graph must not differ. Parameters
    are named by ``initializer_names`` (name -> Tensor), else by their label; an operation
    with no ONNX form raises an ExportError naming it and where it stands.
    """
    if opset not in OPSETS:
        raise ExportError(
            f"export: opset {opset} is not supported; choose one of {list(OPSETS)} "
            f"(default {DEFAULT_OPSET})"
        )
    if not example_inputs:
        raise ExportError("export: give at least one example input (export(fn, x, path=...))")
    arrays = [_example(x, k) for k, x in enumerate(example_inputs)]
    batch = None
    if dynamic_batch:
        lengths = [a.shape[0] if a.ndim else None for a in arrays]
        if None in lengths or len(set(lengths)) != 1:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ExportError(
                f"export: with dynamic_batch every input's first axis is the batch, of one "
                f"length; got shapes {shapes}. Pass dynamic_batch=False for fixed shapes"
            )
        batch = int(arrays[0].shape[0])
    pairing = pair(record(fn, arrays), record(fn, twin_arrays(arrays, dynamic_batch)))
    first = pairing.first
    names = {id(t): name for name, t in (initializer_names or {}).items()}
    b = Builder(pairing, opset, names)
    inputs = _names(input_names, len(arrays), "input")
    outputs = _names(output_names, len(first.outputs), "output")
    for name in inputs + outputs:
        b.claim(name)
    for name, t in zip(inputs, first.inputs):
        b.values[t] = name
    for node in first.order:
        if node._parents:
            b.current = node
            b.values[node] = translate(b, node)
    b.current = None
    graph_inputs = [
        _value_info(name, t, [BATCH, *t.shape[1:]] if dynamic_batch else t.shape)
        for name, t in zip(inputs, first.inputs)
    ]
    graph_outputs = []
    produced: dict[str, str] = {}  # a value -> the output name its node now produces
    for name, out in zip(outputs, first.outputs):
        value = b.value(out)
        constants = {init.name for init in b.initializers}
        if value in produced or value in inputs or value in constants:
            source = produced.get(value, value)
            b.nodes.append(helper.make_node("Identity", [source], [name], name=name))
        else:
            _rename(b, value, name)
            produced[value] = name
        graph_outputs.append(_value_info(name, out, _output_dims(pairing, out, name, batch)))
    title = getattr(fn, "__name__", type(fn).__name__)
    graph = helper.make_graph(b.nodes, title, graph_inputs, graph_outputs, b.initializers)
    opsets = [helper.make_opsetid("", opset)]
    model = helper.make_model(
        graph,
        opset_imports=opsets,
        ir_version=helper.find_min_ir_version_for(opsets),
        producer_name="autograd_core",
        doc_string=f"Exported by autograd_core.onnx.export from {title}",
    )
    onnx.checker.check_model(model)
    if path is not None:
        onnx.save(model, os.fspath(path))
    return model
