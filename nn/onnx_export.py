"""``export_onnx``: a model as an ONNX file, its parameters named as in ``state_dict``.

It calls ``autograd_core.onnx.export`` (which needs the ``onnx`` package, imported only
here, when called) on the model in eval mode, so that Dropout is the identity and
BatchNorm uses its running statistics, as ``torch.onnx.export`` does by default.
"""

from __future__ import annotations

import os
from typing import Any

from autograd_core import Tensor

from .module import Module

__all__ = ["export_onnx"]


def export_onnx(
    model: Module,
    example_input: Any,
    path: str | os.PathLike[str] | None,
    *,
    input_names: list[str] | None = None,
    output_names: list[str] | None = None,
    dynamic_batch: bool = True,
    opset: int | None = None,
) -> Any:
    """Write ``model`` as an ONNX model to ``path`` and return it (an ``onnx.ModelProto``).

    ``example_input`` is one batch (an array or Tensor; a tuple for several inputs). The
    parameters and buffers become initialisers named as in ``model.state_dict()``; with
    ``dynamic_batch`` the first axis of inputs and outputs is symbolic. The model runs in
    eval mode during the export, and gets its modes back afterwards.
    """
    from autograd_core import onnx as exporter  # here: importing nn must not import onnx

    if not isinstance(model, Module):
        raise TypeError(f"export_onnx: expects an nn.Module, got {type(model).__name__}")
    scalar = [name for name, p in model.named_parameters() if not isinstance(p, Tensor)]
    if scalar:
        raise TypeError(
            f"export_onnx: {type(model).__name__} holds scalar Value parameters ({scalar[0]}, "
            "...), which record no array graph; build it from nn.Linear layers to export it"
        )
    inputs = example_input if isinstance(example_input, tuple) else (example_input,)
    state = [*model.named_parameters(), *model.named_buffers()]
    names = {name: t for name, t in state if isinstance(t, Tensor)}
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        return exporter.export(
            model,
            *inputs,
            path=path,
            input_names=input_names,
            output_names=output_names,
            dynamic_batch=dynamic_batch,
            opset=exporter.DEFAULT_OPSET if opset is None else opset,
            initializer_names=names,
        )
    finally:
        for module, training in modes:
            object.__setattr__(module, "training", training)
