"""Taking a model elsewhere: the blog's XOR network, trained here, run by PyTorch and by
onnxruntime, with the three predictions side by side.

The network is ``xor_network``'s (2-3-1, sigmoid, seed 48, Xavier, learning rate 1).
``nn.to_torch`` turns it into a ``torch.nn.Module``; ``nn.export_onnx`` writes it as
``xor.onnx`` (open it in https://netron.app). Without PyTorch or onnxruntime installed, the
demo says how to get them and shows the columns it can.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

import nn

from . import xor_network
from .common import XOR_X, XOR_Y, DemoContext
from .training import predict, train

NAME = "export"
SUMMARY = "The XOR network trained here, then run by PyTorch and by onnxruntime, side by side"

EXTRAS_HINT = (
    "for the PyTorch and onnxruntime columns: pip install torch==2.13.0 (the CPU build), "
    'then pip install -e ".[torch,onnx]"'
)
# Tolerance for ours against theirs in float64: the same formulas, run by other kernels.
AGREEMENT = 1e-12


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in modules)


def _torch_outputs(model: Any) -> np.ndarray:
    import torch

    theirs = nn.to_torch(model).eval()
    with torch.no_grad():
        return np.ravel(theirs(torch.from_numpy(XOR_X)).numpy())


def _onnx_outputs(model: Any, ctx: DemoContext) -> np.ndarray:
    import onnxruntime

    path = ctx.out / "xor.onnx"
    path.parent.mkdir(parents=True, exist_ok=True)
    nn.export_onnx(model, XOR_X, path)
    ctx.files["onnx"] = path
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (scores,) = session.run(None, {session.get_inputs()[0].name: XOR_X})
    return np.ravel(scores)


def run(ctx: DemoContext) -> dict[str, Any]:
    """Train the XOR network, convert and export it, and print the three predictions."""
    epochs = xor_network.EPOCHS  # the blog's 5000 (a few seconds; fewer do not learn XOR)
    model = xor_network.build(xor_network.SIZES)
    ctx.say(f"The blog's 2-3-1 XOR network, trained here for {epochs} epochs:")
    train(model, XOR_X, XOR_Y, epochs=epochs, lr=xor_network.LEARNING_RATE, ctx=ctx)
    columns: dict[str, np.ndarray] = {"ours": predict(model, XOR_X)}
    if _installed("torch"):
        columns["PyTorch"] = _torch_outputs(model)
    if _installed("onnx", "onnxruntime"):
        columns["onnxruntime"] = _onnx_outputs(model, ctx)
    if len(columns) < 3:
        ctx.hint(EXTRAS_HINT)

    ctx.say("  x1  x2  target  " + "".join(f"{name:>22}" for name in columns))
    for i, (x, y) in enumerate(zip(XOR_X, XOR_Y)):
        cells = "".join(f"{values[i]:>22.17f}" for values in columns.values())
        ctx.say(f"  {x[0]:.0f}   {x[1]:.0f}   {y[0]:.0f}     {cells}")
    gaps = {
        name: float(np.max(np.abs(values - columns["ours"])))
        for name, values in columns.items()
        if name != "ours"
    }
    for name, gap in gaps.items():
        verdict = "agree" if gap <= AGREEMENT else "DIFFER"
        ctx.say(f"  {name} and ours {verdict}: largest difference {gap:.1e} (float64)")
    if "onnx" in ctx.files:
        ctx.say(f"  The ONNX file is {ctx.files['onnx']}: open it in https://netron.app")
    return {"outputs": columns, "gaps": gaps, "epochs": epochs}
