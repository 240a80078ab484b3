"""What one node shows: its kind, its name and its numbers, for Values and Tensors alike.

Numbers are kept as *lines of pieces* (text, is-non-finite) until the end, so that the same
content can become a Graphviz HTML label (NaN/Inf in red) or plain text, and so that the
step-through can pad a node's text to a constant width from frame to frame.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, Literal

import numpy as np

__all__ = [
    "Kind",
    "Line",
    "SMALL_ARRAY",
    "kind_of",
    "visible",
    "html_text",
    "display_name",
    "format_number",
    "value_lines",
    "shape_text",
    "lines_html",
    "line_text",
    "has_bad",
    "grad_of",
    "rows_html",
    "keeps_numbers",
    "local_grads",
    "scope_text",
]

Kind = Literal["input", "parameter", "intermediate", "output"]
Piece = tuple[str, bool]  # (text, is NaN/Inf)
Line = list[Piece]

SMALL_ARRAY = 12  # arrays with at most this many elements are shown in full
BAD_COLOR = "#d62728"


def kind_of(node: Any, is_root: bool) -> Kind:
    """Input/constant, parameter (a leaf that gets a gradient), intermediate or output."""
    if is_root:
        return "output"
    if node.parents:
        return "intermediate"
    if getattr(node, "is_constant", False):
        return "input"
    # Values have no requires_grad: every non-constant Value leaf receives a gradient.
    return "parameter" if getattr(node, "requires_grad", True) else "input"


# Characters a drawing cannot show: C0/C1 controls and DEL (invisible, and Graphviz's XML
# parser rejects most C0 ones), lone surrogates (not encodable as UTF-8) and U+FFFE/U+FFFF
# (not XML characters).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_invisible(match: re.Match[str]) -> str:
    char = match.group()
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with invisible or undrawable characters written as Python escapes
    (``\\x1b``, ``\\n``, ``\\ud800``), so any label or scope name can be drawn and read."""
    if _INVISIBLE.search(text) is None:
        return text  # the usual case: no copy
    return _INVISIBLE.sub(_escape_invisible, text)


def html_text(text: str) -> str:
    """``text`` for an HTML page or a Graphviz HTML label: ``visible``, then escaped."""
    return html.escape(visible(text), quote=True)


def scope_text(name: str) -> str:
    """A scope's name as drawn: with the description an nn module gives it
    (``layer1: Linear(2→3)``; a root module's own ``Linear(2→3)``), made ``visible``."""
    description = getattr(name, "description", "")
    if not description or description == name:
        return visible(name)
    if description.startswith(name):
        return visible(description)
    return visible(f"{name}: {description}")


def display_name(node: Any, index: int) -> str:
    """The node's label (made ``visible``), or a short automatic name from its index."""
    label = getattr(node, "label", None)
    return visible(str(label)) if label else f"n{index}"


def format_number(x: float, precision: int) -> str:
    """``precision`` significant digits, without a noisy ``-0``."""
    if x == 0:
        return "0"
    return f"{x:.{precision}g}"


def _piece(x: float, precision: int) -> Piece:
    return (format_number(x, precision), not math.isfinite(x))


def grad_of(node: Any) -> Any:
    """The node's gradient as a number or array (a create_graph gradient is a node itself)."""
    grad = node.grad
    if grad is not None and not isinstance(grad, np.ndarray) and hasattr(grad, "data"):
        return grad.data
    return grad


def value_lines(x: Any, precision: int) -> list[Line]:
    """A number or array as lines: small arrays in full, large ones as min/mean/max."""
    if not isinstance(x, np.ndarray):
        return [[_piece(float(x), precision)]]
    if x.size == 0:
        return [[("[] (empty)", False)]]
    if x.size > SMALL_ARRAY:
        return [_summary(x, precision)]
    if x.ndim == 0:
        return [[_piece(float(x), precision)]]
    rows = x.reshape(-1, x.shape[-1])
    lines: list[Line] = []
    for row in rows:
        line: Line = [("[", False)]
        for k, element in enumerate(row):
            if k:
                line.append((", ", False))
            line.append(_piece(float(element), precision))
        line.append(("]", False))
        lines.append(line)
    return lines


def _summary(x: np.ndarray, precision: int) -> Line:
    """min/mean/max over the finite entries, with NaN and Inf counted separately."""
    values = x.astype(np.float64, copy=False)
    finite_mask = np.isfinite(values)
    finite = values[finite_mask]
    line: Line = []
    if finite.size:
        line.append(
            (
                f"min {format_number(float(finite.min()), precision)}  "
                f"mean {format_number(float(finite.mean()), precision)}  "
                f"max {format_number(float(finite.max()), precision)}",
                False,
            )
        )
    else:
        line.append(("no finite values", False))
    if finite.size != values.size:
        nan = int(np.isnan(values).sum())
        inf = values.size - finite.size - nan
        if nan:
            line.append((f"  nan x{nan}", True))
        if inf:
            line.append((f"  inf x{inf}", True))
    return line


def shape_text(node: Any) -> str:
    """``(4, 3)`` for an array node, ``scalar`` for a Value."""
    data = node.data
    if isinstance(data, np.ndarray):
        return str(tuple(data.shape))
    return "scalar"


def has_bad(lines: list[Line]) -> bool:
    """Whether any piece is NaN or Inf."""
    return any(bad for line in lines for _, bad in line)


def line_text(line: Line) -> str:
    """A line as plain text."""
    return "".join(text for text, _ in line)


def _piece_html(text: str, bad: bool) -> str:
    escaped = html.escape(text)
    return f'<FONT COLOR="{BAD_COLOR}"><B>{escaped}</B></FONT>' if bad else escaped


def lines_html(lines: list[Line], prefix: str = "", pad_to: list[int] | None = None) -> list[str]:
    """Each line as Graphviz HTML, the first one after ``prefix``; optionally padded."""
    out = []
    indent = "&#160;" * len(prefix)
    for k, line in enumerate(lines):
        body = "".join(_piece_html(text, bad) for text, bad in line)
        if pad_to is not None:
            # Non-breaking spaces keep their width in the layout, unlike plain ones.
            body += "&#160;" * max(0, pad_to[k] - len(line_text(line)))
        out.append((html.escape(prefix) if k == 0 else indent) + body)
    return out


def rows_html(x: Any, prefix: str, precision: int) -> tuple[list[str], bool]:
    """``x`` as HTML rows after ``prefix``, and whether it holds NaN/Inf.

    Plain numbers take a short path: a 100,000-node graph formats 200,000 of them.
    """
    if not isinstance(x, np.ndarray):
        x = float(x)
        text = "0" if x == 0 else f"{x:.{precision}g}"
        if math.isfinite(x):
            return [prefix + text], False
        return [f'{prefix}<FONT COLOR="{BAD_COLOR}"><B>{text}</B></FONT>'], True
    lines = value_lines(x, precision)
    return lines_html(lines, prefix), has_bad(lines)


def keeps_numbers(node: Any) -> bool:
    """Whether the node records local gradients as numbers (a Value does, a Tensor not)."""
    # Asked of the class: on the instance, hasattr would compute them (and may raise).
    return hasattr(type(node), "local_grads")


def local_grads(node: Any) -> tuple[Any, ...]:
    """A Value's local gradients; empty for Tensors (they keep rules, not numbers)."""
    if not keeps_numbers(node):
        return ()
    try:
        return tuple(node.local_grads)
    except (ArithmeticError, ValueError):
        # e.g. d(a**b)/db with a < 0: the forward exists, the derivative does not.
        return ()
