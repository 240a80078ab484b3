"""Building the ONNX graph: a name for every value, parameters and constants as
initialisers, and the checks that every number baked into the graph holds for any input.

A translation (``ops``) asks the builder for its operands by node (``value``), adds ONNX
nodes (``node``) and constants (``scalar``, ``ints``, ``constant``), and reads shapes with
the axes that follow the batch marked (``varying``): those are the axes whose lengths
differ between the two runs (``trace``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np
import onnx
from onnx import helper, numpy_helper

from ..tensor import Tensor
from .trace import ExportError, Pairing

__all__ = ["Builder", "INT64_MAX", "INT64_MIN", "same_numbers"]

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def same_numbers(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shapes and numbers, NaN equal to NaN."""
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc":
        return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))
    return bool(np.all(a == b))


def _repeated(a: np.ndarray, axes: Sequence[int]) -> np.ndarray | None:
    """``a`` cut to length 1 along ``axes``, if its numbers repeat along them (a broadcast)."""
    first = a[tuple(slice(0, 1) if i in axes else slice(None) for i in range(a.ndim))]
    return first if same_numbers(np.broadcast_to(first, a.shape), a) else None


class Builder:
    """The ONNX nodes and initialisers of one export, built node by node."""

    def __init__(self, pairing: Pairing, opset: int, names: dict[int, str]) -> None:
        self.pairing = pairing
        self.opset = opset
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.values: dict[Tensor, str] = {}  # a node of the first run -> its ONNX value
        self.current: Tensor | None = None  # the node being translated (for messages)
        self._names = names  # id of a parameter or buffer -> the name it is exported as
        self._taken: set[str] = set()
        self._cache: dict[Any, str] = {}

    # ------------------------------------------------------------------ names and messages
    def fresh(self, hint: str) -> str:
        """A value name not used yet, from ``hint`` (prefixed by the current scope)."""
        scope = "/".join(self.current._scope) if self.current is not None else ""
        base = f"{scope}/{hint}" if scope else hint
        name, k = base, 1
        while name in self._taken:
            name, k = f"{base}_{k}", k + 1
        self._taken.add(name)
        return name

    def claim(self, name: str) -> str:
        """Reserve ``name`` exactly (an input's or parameter's); an ExportError if taken."""
        if name in self._taken:
            raise ExportError(f"export: the name {name!r} is given to two values")
        self._taken.add(name)
        return name

    def fail(self, message: str) -> NoReturn:
        """An ExportError naming the operation being translated and where it stands."""
        node = self.current
        if node is None:
            raise ExportError(f"export: {message}")
        shapes = ", ".join(str(p.shape) for p in node._parents)
        raise ExportError(
            f"export: operation {node._rule.name!r} ({self.pairing.where(node)}, inputs of "
            f"shapes {shapes}): {message}"
        )

    # ------------------------------------------------------------------ shapes
    def twin(self, t: Tensor) -> Tensor:
        """``t``'s counterpart in the second run."""
        return self.pairing.twin[t]

    def varying(self, t: Tensor) -> list[bool]:
        """Per axis of ``t``: whether its length follows the batch."""
        return [a != b for a, b in zip(t.shape, self.twin(t).shape)]

    # ------------------------------------------------------------------ nodes
    def node(
        self, op_type: str, inputs: Sequence[str], hint: str | None = None, **attributes: Any
    ) -> str:
        """Add one ONNX node with one output; returns the output's name."""
        out = self.fresh(hint or op_type)
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], name=out, **attributes))
        return out

    def constant(self, array: np.ndarray, hint: str = "constant") -> str:
        """A new initialiser holding ``array``."""
        name = self.fresh(hint)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def scalar(self, value: float, dtype: Any) -> str:
        """A 0-d initialiser of ``dtype`` (one per value and dtype)."""
        key = ("scalar", float(value), np.dtype(dtype).str)
        if key not in self._cache:
            saved, self.current = self.current, None  # shared constants sit at the top
            self._cache[key] = self.constant(np.asarray(value, dtype=dtype), "scalar")
            self.current = saved
        return self._cache[key]

    def ints(self, values: Sequence[int]) -> str:
        """A 1-D int64 initialiser (axes, shapes, slice bounds)."""
        return self.constant(np.asarray(list(values), dtype=np.int64), "ints")

    # ------------------------------------------------------------------ operands
    def value(self, t: Tensor, dtype: Any = None, batch_free: bool = False) -> str:
        """The ONNX value of ``t`` (in ``dtype`` if given). A leaf becomes an initialiser;
        with ``batch_free`` (an operand that broadcasts) a constant that repeats along the
        batch axes is kept once along them."""
        if self.is_constant(t):
            return self._constant_leaf(t, dtype, batch_free)
        name = self.values.get(t)
        if name is None:
            name = self._parameter(t)
        if dtype is not None and t.dtype != np.dtype(dtype):
            key = ("cast", name, np.dtype(dtype).str)
            if key not in self._cache:
                to = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
                self._cache[key] = self.node("Cast", [name], "cast", to=to)
            name = self._cache[key]
        return name

    def is_constant(self, t: Tensor) -> bool:
        """Whether ``t`` is a leaf baked in as numbers: not an input, not a parameter (a
        leaf both runs share that requires grad) and not a named buffer."""
        if t in self.values or t._parents or id(t) in self._names:
            return False
        return not (t.requires_grad and t is self.twin(t))

    def baked(self, t: Tensor, batch_free: bool = False) -> np.ndarray:
        """The numbers of a constant leaf, checked to be the same in both runs."""
        return self.settled(t.data, self.twin(t).data, f"a constant of shape {t.shape}", batch_free)

    def settled(
        self, first: np.ndarray, second: np.ndarray, what: str, batch_free: bool = False
    ) -> np.ndarray:
        """Numbers the graph keeps (a constant, a mask, an index), checked to be the same in
        both runs; with ``batch_free`` (they broadcast) cut to length 1 along the axes that
        follow the batch, if they repeat along them."""
        a, b = first, second
        if a.shape != b.shape and batch_free and a.ndim == b.ndim:
            axes = [i for i, (m, n) in enumerate(zip(a.shape, b.shape)) if m != n]
            cut_a, cut_b = _repeated(a, axes), _repeated(b, axes)
            if cut_a is not None and cut_b is not None:
                a, b = cut_a, cut_b
        if a.shape != b.shape:
            integer = (
                "; integer results are not recorded (nothing differentiates them), so "
                "integer arithmetic on an input (idx + 1) belongs outside the exported "
                "function"
                if a.dtype.kind in "iub"
                else ""
            )
            self.fail(
                f"{what} has the batch's length: it was made from the input's shape "
                "(np.ones((len(x), 1)); make it broadcast instead, np.ones((1, 1))) or values "
                "(a mask x.data > 0: use where() on Tensors, or relu), or pass "
                f"dynamic_batch=False{integer}"
            )
        if not same_numbers(a, b):
            self.fail(
                f"{what} was computed from the input's values (a comparison used as a mask, "
                "an index found in the data such as t.max(dim)'s, an integer input in "
                "arithmetic, or Dropout in training mode), so the exported model could not "
                "follow its input; compute it with Tensor operations (t.max(axis=...) for "
                "values), or call model.eval()"
            )
        return a

    def input_name(self, t: Tensor) -> str:
        """The graph input's name of an input Tensor of the first run."""
        return self.values[t]

    def _parameter(self, t: Tensor) -> str:
        """A parameter or named buffer as an initialiser of its own name and dtype."""
        key = ("parameter", id(t))
        if key not in self._cache:
            named = self._names.get(id(t))
            name = self.claim(named) if named is not None else self._parameter_name(t)
            self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(t.data), name))
            self._cache[key] = name
        return self._cache[key]

    def _constant_leaf(self, t: Tensor, dtype: Any, batch_free: bool) -> str:
        array = self.baked(t, batch_free)
        if dtype is not None:
            array = array.astype(dtype)  # a constant is converted here, not by a Cast node
        key = ("constant", id(t), array.shape, array.dtype.str)
        if key not in self._cache:
            self._cache[key] = self.constant(array)
        return self._cache[key]

    def _parameter_name(self, t: Tensor) -> str:
        if t.label and t.label not in self._taken:
            return self.claim(t.label)
        saved, self.current = self.current, None
        name = self.fresh("parameter")
        self.current = saved
        return name

    def operands(self, node: Tensor, dtype: Any = None, *extra: tuple[int, ...]) -> list[str]:
        """The values of a broadcasting operation's parents, in its output's dtype; constants
        that repeat along the batch are kept once, if the operands (and ``extra`` shapes)
        still broadcast to the output's shape."""
        dtype = node.dtype if dtype is None else dtype
        names = [self.value(p, dtype, batch_free=True) for p in node._parents]
        shapes = [
            self.baked(p, True).shape if self.is_constant(p) else p.shape for p in node._parents
        ]
        if np.broadcast_shapes(*shapes, *extra) != node.shape:
            self.fail(
                f"a constant has the batch's length, and no other operand gives the output its "
                f"shape {node.shape} along the batch; pass dynamic_batch=False"
            )
        return names
