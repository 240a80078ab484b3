"""The symbolic form of every operation's derivative, for explanations and drawings.

``local_formula(op, i)`` is d out / d operand i as a Value sees it (``σ(x)(1-σ(x))``,
``b`` for the first operand of ``a * b``); ``vjp_formula(op, i)`` is what a Tensor sends
operand i from the upstream gradient ``g`` (``g @ b.T``, ``g summed back to a's shape``).
Operands are written ``x`` for one and ``a``, ``b`` for two, the result ``out``.

Operations declared in the registry carry their formula there; this module holds the
formulas of the core operations that the node classes define themselves.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Formula", "CORE_FORMULAS", "formula", "local_formula", "vjp_formula", "operand_names"]


class Formula(NamedTuple):
    """Per operand: the local derivative ("" where an operation has no scalar form) and the
    vector-Jacobian product in terms of the upstream gradient ``g``."""

    local: tuple[str, ...]
    vjp: tuple[str, ...]


_ADD = Formula(("1", "1"), ("g", "g"))
_SUB = Formula(("1", "-1"), ("g", "-g"))
_MUL = Formula(("b", "a"), ("g * b", "g * a"))
_DIV = Formula(("1/b", "-a/b²"), ("g / b", "-g * out / b"))
_NEG = Formula(("-1",), ("-g",))
_POW = Formula(("b a^(b-1)", "a^b ln a"), ("g * b a^(b-1)", "g * out ln a"))
_IDENTITY = Formula(("1",), ("g",))

# Value operations are named by their symbol, Tensor ones by their PyTorch name.
CORE_FORMULAS: dict[str, Formula] = {
    "+": _ADD,
    "add": _ADD,
    "-": _SUB,
    "sub": _SUB,
    "*": _MUL,
    "mul": _MUL,
    "/": _DIV,
    "div": _DIV,
    "neg": _NEG,
    "**": _POW,
    "pow": _POW,
    "identity": _IDENTITY,
    "dot": Formula(("w_i (for x_i), x_i (for w_i), 1 (for the bias)",), ("g * x_i",)),
    "clip": Formula(("1 inside [low, high], else 0",), ("g where low <= x <= high",)),
    "maximum": Formula(
        ("1 where a > b (½ on a tie)", "1 where b > a (½ on a tie)"),
        ("g where a wins", "g where b wins"),
    ),
    "minimum": Formula(
        ("1 where a < b (½ on a tie)", "1 where b < a (½ on a tie)"),
        ("g where a wins", "g where b wins"),
    ),
    "where": Formula(
        ("1 where the condition holds", "1 where it does not"),
        ("g where condition", "g where not condition"),
    ),
    "matmul": Formula(("", ""), ("g @ b.T", "a.T @ g")),
    "linear": Formula(("", "", ""), ("g @ W", "g.T @ x", "g summed over the batch axis")),
    "sum": Formula(("1",), ("g broadcast back to x's shape",)),
    "mean": Formula(("1/n",), ("g / n broadcast back to x's shape",)),
    "max": Formula(("1 at the maximum",), ("g at the maximum (split on ties)",)),
    "min": Formula(("1 at the minimum",), ("g at the minimum (split on ties)",)),
    "broadcast_to": Formula(("1",), ("g summed over the broadcast axes",)),
    "logsumexp": Formula(("softmax(x)",), ("g * softmax(x)",)),
    "softmax": Formula(("",), ("out * (g - sum(g * out))",)),
    "log_softmax": Formula(("",), ("g - softmax(x) * sum(g)",)),
    "astype": Formula(("1",), ("g cast back to x's dtype",)),
    "reshape": Formula(("1",), ("g reshaped to x's shape",)),
    "transpose": Formula(("1",), ("g with the axes permuted back",)),
    "swapaxes": Formula(("1",), ("g with the two axes swapped back",)),
    "flatten": Formula(("1",), ("g reshaped to x's shape",)),
    "squeeze": Formula(("1",), ("g reshaped to x's shape",)),
    "expand_dims": Formula(("1",), ("g reshaped to x's shape",)),
    "getitem": Formula(
        ("1 at the selected elements",), ("g placed at the selection, 0 elsewhere",)
    ),
    "scatter_add": Formula(("",), ("g at the selection",)),
    "put": Formula(("1 outside the written places",), ("g where not overwritten",)),
    "concatenate": Formula(("1",), ("g's slice for this piece",)),
    "stack": Formula(("1",), ("g's slice for this piece",)),
    "einsum": Formula(("",), ("einsum of g with the other operands",)),
    "cumsum": Formula(("",), ("reverse cumulative sum of g",)),
    "cumprod": Formula(("",), ("reverse cumulative sum of g * out, over x",)),
    "prod": Formula(("out / x_i",), ("g * product of the other elements",)),
}


def operand_names(arity: int) -> tuple[str, ...]:
    """How formulas name the operands: ``x`` alone, ``a``, ``b`` for two, else ``x1``..."""
    if arity == 1:
        return ("x",)
    if arity == 2:
        return ("a", "b")
    return tuple(f"x{i + 1}" for i in range(arity))


def formula(op: str) -> Formula | None:
    """The formula of the operation named ``op`` (a node's ``op``), or None if unknown."""
    from .registry import REGISTRY  # the registry imports the node classes, which import us

    known = CORE_FORMULAS.get(op)
    if known is not None:
        return known
    declared = REGISTRY.get(op)
    if declared is None or not declared.formula:
        return None
    locals_ = tuple(part.strip() for part in declared.formula.split(", "))
    if len(locals_) != declared.arity:
        locals_ = (declared.formula,) * declared.arity
    # An elementwise operation's VJP is the upstream times the local derivative.
    return Formula(locals_, tuple(f"g * {local}" for local in locals_))


def _pick(parts: tuple[str, ...], index: int) -> str:
    # Variadic operations (concatenate, stack, einsum, dot) share one formula.
    return parts[index] if index < len(parts) else parts[-1]


def local_formula(op: str, index: int) -> str:
    """d out / d operand ``index`` of ``op``, written out ("" if it has none)."""
    known = formula(op)
    return _pick(known.local, index) if known else ""


def vjp_formula(op: str, index: int) -> str:
    """The gradient ``op`` sends operand ``index``, in terms of the upstream ``g``."""
    known = formula(op)
    return _pick(known.vjp, index) if known else ""
