"""The symbolic form of every operation's derivative, for explanations and drawings.

``local_formula(op, i)`` is d out / d operand i as a Value sees it (``σ(x)(1-σ(x))``,
``b`` for the first operand of ``a * b``); ``vjp_formula(op, i)`` is what a Tensor sends
operand i from the upstream gradient ``g`` (``g @ b.T``, ``g summed back to a's shape``).
Operands are written ``x`` for one and ``a``, ``b`` for two, the result ``out``.

Operations declared in the registry carry their formula there; this module holds the
formulas of the core operations that the node classes define themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

__all__ = [
    "Formula",
    "CORE_FORMULAS",
    "formula",
    "local_formula",
    "vjp_formula",
    "operand_names",
    "written",
    "infix_symbol",
    "expression",
    "precedence",
    "grouped",
    "broadcasts",
    "ATOM",
]


class Formula(NamedTuple):
    """Per operand: the local derivative ("" where an operation has no scalar form) and the
    vector-Jacobian product in terms of the upstream gradient ``g``; ``operands`` names the
    operands where the usual ``x`` / ``a, b`` would not fit (``linear``'s x, W, b)."""

    local: tuple[str, ...]
    vjp: tuple[str, ...]
    operands: tuple[str, ...] = ()


_IDENTITY = Formula(("1",), ("g",))

# The structural operations (the registry's carry their own formulas).
CORE_FORMULAS: dict[str, Formula] = {
    "identity": _IDENTITY,
    "dot": Formula(("w_i (for x_i), x_i (for w_i), 1 (for the bias)",), ("g * x_i",)),
    "clip": Formula(("1 inside [low, high], else 0",), ("g where low <= x <= high",)),
    "maximum": Formula(
        ("1 where a > b (½ where equal)", "1 where b > a (½ where equal)"),
        ("g where a wins", "g where b wins"),
    ),
    "minimum": Formula(
        ("1 where a < b (½ where equal)", "1 where b < a (½ where equal)"),
        ("g where a wins", "g where b wins"),
    ),
    "where": Formula(
        ("1 where the condition holds", "1 where it does not"),
        ("g where condition", "g where not condition"),
    ),
    "matmul": Formula(("", ""), ("g @ b.T", "a.T @ g")),
    "linear": Formula(
        ("", "", ""), ("g @ W", "g.T @ x", "g summed over the batch axis"), ("x", "W", "b")
    ),
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


# Core operations that work element by element, broadcasting their operands (the registry's
# are all of that kind): an operand of a smaller shape gets its share summed down to it.
_BROADCASTING = {"+", "add", "-", "sub", "*", "mul", "/", "div", "neg", "**", "pow"}
_BROADCASTING |= {"maximum", "minimum", "where", "clip", "identity"}


def broadcasts(op: str) -> bool:
    """Whether ``op`` works element by element with broadcasting, so that the engine sums a
    share down to an operand of a smaller shape (``g * x`` for a scalar weight is a sum)."""
    from .registry import REGISTRY

    return op in _BROADCASTING or op in REGISTRY


def operand_names(arity: int, op: str = "") -> tuple[str, ...]:
    """How the formulas of ``op`` name its operands: ``x`` alone, ``a``, ``b`` for two, else
    ``x1``... (``linear``: x, W, b)."""
    known = CORE_FORMULAS.get(op)
    if known is not None and len(known.operands) == arity:
        return known.operands
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
    declared = REGISTRY.get(op) or _by_value_name(op)
    if declared is None or not declared.formula:
        return None
    locals_ = _per_operand(declared.formula, declared.arity)
    if declared.vjp_formula:
        return Formula(locals_, _per_operand(declared.vjp_formula, declared.arity))
    # An elementwise operation's VJP is the upstream times the local derivative.
    return Formula(locals_, tuple(f"g * {local}" for local in locals_))


def _per_operand(written: str, arity: int) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in written.split(", "))
    return parts if len(parts) == arity else (written,) * arity


def _by_value_name(name: str) -> Any:
    """The registered operation whose Value nodes are called ``name`` ("+" for add)."""
    from .registry import REGISTRY

    return next((d for d in REGISTRY.values() if d.value_name == name), None)


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


# Value operations are named by their symbol; Tensor ones by PyTorch's name for it.
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


def infix_symbol(op: str) -> str:
    """The operator ``op`` is written with between its operands (``+``, ``**``), or ""."""
    if op in ("+", "-", "*", "/", "**"):
        return op
    return _INFIX.get(op, "")


# How tightly each way of writing binds, so that an operand is put in parentheses only
# where it needs them (``0.5 * (y - ŷ)**2``, not ``0.5 * ((y - ŷ)**2)``).
ATOM = 9
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "@": 2, "neg": 3, "**": 4}


def precedence(op: str) -> int:
    """How tightly ``expression(op, ...)`` binds: 1 for ``+``, 4 for ``**``, 9 for a call."""
    symbol = infix_symbol(op) or ("@" if op == "matmul" else op)
    if op == "linear":
        return 1
    return _PRECEDENCE.get(symbol, ATOM)


def expression(op: str, operands: Sequence[str], bindings: Sequence[int] | None = None) -> str:
    """How a node made by ``op`` from ``operands`` is written: ``w1 * x1``, ``(y - ŷ)**2``,
    ``X @ W1.T + b1`` (``linear``), ``sigmoid(z)``.

    ``bindings`` are the operands' own ``precedence`` (default: parenthesise every operand
    that is not a single name or number).
    """
    mine = precedence(op)
    levels = list(bindings) if bindings is not None else [_level(t) for t in operands]

    def part(i: int, needs: bool) -> str:
        return f"({operands[i]})" if needs else operands[i]

    symbol = infix_symbol(op)
    if symbol and len(operands) == 2:
        left, right = levels
        # (a ** b) ** c, a - (b - c) and a / (b * c) keep their parentheses.
        a = part(0, left < mine or (symbol == "**" and left == mine))
        b = part(1, right < mine or (symbol in ("-", "/") and right == mine))
        return f"{a}**{b}" if symbol == "**" else f"{a} {symbol} {b}"
    if op == "neg" and len(operands) == 1:
        return "-" + part(0, levels[0] <= mine)
    if op == "matmul" and len(operands) == 2:
        return f"{part(0, levels[0] < mine)} @ {part(1, levels[1] <= mine)}"
    if op == "linear" and len(operands) in (2, 3):
        x = part(0, levels[0] < _PRECEDENCE["@"])
        weight = part(1, levels[1] < ATOM)
        bias = f" + {operands[2]}" if len(operands) == 3 else ""
        return f"{x} @ {weight}.T{bias}"
    return f"{op}({', '.join(operands)})"


def _level(text: str) -> int:
    """The binding of a bare text: a name or number is atomic, a negative number unary."""
    if text.startswith("-") and grouped(text[1:]) == text[1:]:
        return _PRECEDENCE["neg"]
    return ATOM if grouped(text) == text else 0


def _is_power(op: str) -> bool:
    return op in ("**", "pow")


def _power_rule(exponent: float, base: str) -> str:
    """d a^c / da = c a^(c-1), written out for a known exponent (``2 a`` for c = 2)."""
    c = _number(exponent)
    if exponent == 0:
        return "0"
    if exponent == 1:
        return "1"
    if exponent == 2:
        return f"2 {base}"
    return f"{c} {base}^{_number(exponent - 1)}"


def _number(x: float) -> str:
    return f"{x:g}" if x >= 0 else f"({x:g})"


def _dot_local(index: int, operands: Sequence[str]) -> str:
    # dot(weights, inputs, bias) keeps its parents as (bias, w1, x1, w2, x2, ...).
    if index == 0:
        return "1"
    partner = index + 1 if index % 2 else index - 1
    return operands[partner] if partner < len(operands) else ""


def written(
    op: str,
    index: int,
    operands: Sequence[str],
    *,
    vjp: bool = False,
    upstream: str = "g",
    out: str = "out",
    constants: Mapping[int, float] | None = None,
) -> str:
    """The formula of ``op`` for operand ``index`` with the operands' own names put in.

    ``operands`` are the texts to write for the operands (``["w1", "x1"]``), ``constants``
    the numbers of operands that are constants (an exponent ``2`` gives ``2 a``, not
    ``b a^(b-1)``); ``vjp`` picks the vector-Jacobian form, with ``upstream`` for ``g``.
    "" where the operation has no written formula.
    """
    constants = constants or {}
    if _is_power(op) and index == 0 and 1 in constants:
        local = _power_rule(constants[1], grouped(operands[0]))
        text = f"{upstream} * {local}" if vjp else local
        return text
    if op == "dot" and not vjp:
        return _dot_local(index, operands)
    text = vjp_formula(op, index) if vjp else local_formula(op, index)
    if not text:
        return ""
    names = operand_names(len(operands), op)
    table = {name: grouped(given) for name, given in zip(names, operands)}
    table["out"] = grouped(out)
    if vjp:
        table["g"] = grouped(upstream)

    def put(match: re.Match[str]) -> str:
        name = match.group()
        if name not in table:
            return name
        # Already in parentheses (σ(x)): the operand's own text is enough.
        start, end = match.span()
        enclosed = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
        return raw[name] if enclosed else table[name]

    raw = dict(zip(names, operands), out=out, g=upstream)
    return _TOKEN.sub(put, text)


# A name inside a formula: a run of ASCII letters and digits, not part of a longer word
# (so the x of "exp" or "max" is left alone, and so is the x of "x_i"); "2x" is 2 times x.
_TOKEN = re.compile(r"(?<![A-Za-z_])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9_])")
_SIMPLE = re.compile(r"[\w.·]+|[\w.·]*\(.*\)")


def grouped(text: str) -> str:
    """``text`` in parentheses unless it is one name or number (``(y - ŷ)``, ``w1``)."""
    if _SIMPLE.fullmatch(text):
        inner = text[text.find("(") + 1 : -1] if text.endswith(")") else ""
        if _balanced(inner):
            return text
    return f"({text})"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0
