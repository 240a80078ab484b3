"""The chain rule for one input, written out: every path from the root down to it.

``explain(root, wrt)`` lists the paths from ``root`` to ``wrt``, each as the product of the
local gradients along it (a ``Value`` graph) or as the chain of vector-Jacobian products it
applies to the seed (a ``Tensor`` graph), with each step's symbolic rule
(``autograd_core.formulas``) and its number; then the sum over all paths, which is the
gradient, beside ``wrt.grad``.

Paths are counted, never enumerated in full: the number of paths and their sum by length
come from one pass over the graph in topological order (dynamic programming), and only the
first ``max_paths`` are listed, so a graph with millions of paths explains in one screen.
Nothing here recurses over the graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_core.engine import gradients, topological_order
from autograd_core.formulas import ATOM, broadcasts, expression, grouped, precedence, written
from autograd_core.inplace import CLOCK, check_unmodified

from .describe import format_number, grad_of, line_text, local_grads, value_lines, visible

__all__ = ["explain", "Explanation", "Path", "Step", "MAX_PATHS", "MAX_STEPS"]

MAX_PATHS = 8  # paths listed in full; the others are counted and summed by length
MAX_STEPS = 12  # steps shown of one path; the middle of a longer one is summarised
# An unlabelled node is named by its expression when that is this short and at most two
# operations deep (``(y - ŷ)**2``); otherwise v1, v2, ...
NAME_WIDTH = 16
NAME_DEPTH = 2
RTOL, ATOL = 1e-9, 1e-12  # the sum over paths adds in another order than backward()


@dataclass(frozen=True)
class Step:
    """One edge of a path: ``child`` computed from operand ``index`` (``parent``).

    ``rule`` is the symbolic local derivative d child / d parent (Values) or the
    vector-Jacobian product that gives the parent's gradient from the child's ``g``
    (Tensors), written with the nodes' names; ``value`` is the local gradient's number
    (Values) or the gradient this path brings to ``parent`` (Tensors, an array).
    """

    child: str
    parent: str
    op: str
    index: int
    rule: str
    value: Any
    shape: tuple[int, ...] | None
    definition: str


@dataclass(frozen=True)
class Path:
    """A path from the root down to ``wrt``: its nodes' names, its steps, what it brings."""

    nodes: tuple[str, ...]
    steps: tuple[Step, ...]
    contribution: Any


@dataclass
class Explanation:
    """The chain rule for ``∂root/∂wrt``; ``str()`` is plain text, Jupyter shows typeset maths.

    ``paths`` are the listed paths, ``path_count`` all of them; ``total`` is the sum over
    all paths, ``grad`` what ``wrt.grad`` holds, ``agrees`` whether they are equal (None
    where ``wrt`` gets no gradient from the engine, a constant); ``by_length`` maps a path
    length to (how many paths, their sum) for the paths not listed (the sum is None for
    Tensors, whose paths are only summed as a whole).
    """

    root: str
    wrt: str
    tensor: bool
    seed: Any
    paths: list[Path]
    path_count: int
    total: Any
    grad: Any
    agrees: bool | None
    by_length: dict[int, tuple[int, Any]] = field(default_factory=dict)
    note: str = ""
    precision: int = 4

    @property
    def rest(self) -> Any:
        """What the paths that are not listed bring together (0 when all are listed)."""
        listed = sum((p.contribution for p in self.paths), 0.0 * np.asarray(self.total))
        rest = self.total - listed
        return float(rest) if not self.tensor else rest

    def __str__(self) -> str:
        return _Text(self).render()

    def __repr__(self) -> str:
        return f"<Explanation of ∂{_d(self.root)}/∂{_d(self.wrt)}: {self.path_count} paths>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython's text view (a terminal): the whole explanation, not the short repr.
        printer.text(str(self))

    def _repr_markdown_(self) -> str:
        return _Markdown(self).render()

    def _repr_latex_(self) -> str:
        return _latex_equations(self)


def explain(
    root: Any,
    wrt: Any,
    *,
    seed: Any = None,
    max_paths: int = MAX_PATHS,
    precision: int = 4,
) -> Explanation:
    """The chain rule for ``∂root/∂wrt`` written out: every path from ``root`` to ``wrt``.

    ``seed`` is d root / d root (1 for a scalar root; for a Tensor of more than one element
    it is required, or taken from ``root.grad``, as backward would need it). At most
    ``max_paths`` paths are listed in full; the rest are counted and summed by length.
    Run ``root.backward()`` first to compare the sum with ``wrt.grad``.
    """
    for what, node in (("root", root), ("wrt", wrt)):
        if not hasattr(node, "_parents") or not hasattr(node, "data"):
            raise TypeError(
                f"explain: {what} must be a Value or Tensor (a node of the graph), got "
                f"{type(node).__name__}"
            )
    if not isinstance(max_paths, int) or isinstance(max_paths, bool) or max_paths < 1:
        raise ValueError(f"explain: max_paths must be a positive int, got {max_paths!r}")
    if not isinstance(precision, int) or isinstance(precision, bool) or precision < 1:
        raise ValueError(f"explain: precision must be a positive int, got {precision!r}")
    return _Builder(root, wrt, seed, max_paths, precision).build()


# ---------------------------------------------------------------------- building
class _Builder:
    def __init__(self, root: Any, wrt: Any, seed: Any, max_paths: int, precision: int) -> None:
        self.root, self.wrt = root, wrt
        self.tensor = isinstance(root.data, np.ndarray)
        self.max_paths, self.precision = max_paths, precision
        self.seed = self._seed(seed)
        self.order = topological_order(root)  # parents before children
        self.reach = self._reaching()
        self._check_unmodified()
        self.names = _Names(self.order, precision)

    def _seed(self, seed: Any) -> Any:
        root = self.root
        if not self.tensor:
            return 1.0 if seed is None else float(seed)
        shape = root.data.shape
        if seed is None:
            if root.data.size == 1:
                return np.ones(shape)
            if root.grad is not None and np.shape(grad_of(root)) == shape:
                return np.array(grad_of(root), dtype=float)
            raise ValueError(
                f"explain: the root has shape {shape}, so the chain rule needs its seed "
                f"d root / d root: pass seed= an array of shape {shape} (what backward(gradient) "
                "would be given)"
            )
        seed = np.asarray(seed, dtype=float)
        if seed.shape != shape:
            raise ValueError(
                f"explain: seed has shape {seed.shape}, but the root has shape {shape}; "
                "pass one of the root's shape"
            )
        return seed

    def _reaching(self) -> set[int]:
        """Ids of the nodes from which ``wrt`` can be reached (``wrt`` included)."""
        wrt = self.wrt
        reach: set[int] = set()
        for node in self.order:
            if node is wrt or any(id(p) in reach for p in node._parents):
                reach.add(id(node))
        return reach

    def _check_unmodified(self) -> None:
        """Refuse, as backward does, a path through a node whose operands were updated in
        place after it was computed: its rule would read the new numbers."""
        clock = CLOCK[0]
        for node in self.order:
            if node._parents and node._born != clock and id(node) in self.reach:
                check_unmodified(node)

    def _edges(self, node: Any) -> list[tuple[int, Any]]:
        """The operand positions of ``node`` that lead to ``wrt``.

        A Tensor's rule pushes into every operand at once, so an operand used twice
        (``x * x``) is one step there; a Value keeps a local gradient per position.
        """
        reach = self.reach
        edges = [(k, p) for k, p in enumerate(node._parents) if id(p) in reach]
        if not self.tensor:
            return edges
        unique: dict[int, tuple[int, Any]] = {}
        for k, p in edges:
            unique.setdefault(id(p), (k, p))
        return list(unique.values())

    def build(self) -> Explanation:
        root, wrt, names = self.root, self.wrt, self.names
        note = self._note()
        if id(root) not in self.reach:
            zero = np.zeros(np.shape(wrt.data)) if self.tensor else 0.0
            absent = f"{names[wrt]} is not in the graph of {names[root]}: no path leads to it"
            return self._result([], 0, zero, {}, note or absent + ", so the derivative is 0")
        counts, sums = self._count_by_length()
        paths = [self._path(edges) for edges in self._first_paths()]
        total: Any
        if self.tensor:
            total = np.asarray(gradients(root, [wrt], self.seed)[0], dtype=float)
        else:
            total = math.fsum(sums[id(wrt)].values())
        listed = {len(p.steps) for p in paths}
        by_length: dict[int, tuple[int, Any]] = {}
        if len(paths) < sum(counts[id(wrt)].values()):
            for length, count in sorted(counts[id(wrt)].items()):
                shown = sum(1 for p in paths if len(p.steps) == length) if length in listed else 0
                if count > shown:
                    rest = None
                    if not self.tensor:
                        listed_sum = sum(p.contribution for p in paths if len(p.steps) == length)
                        rest = sums[id(wrt)][length] - listed_sum
                    by_length[length] = (count - shown, rest)
        return self._result(paths, sum(counts[id(wrt)].values()), total, by_length, note)

    def _result(
        self, paths: list[Path], count: int, total: Any, by_length: dict[int, Any], note: str
    ) -> Explanation:
        grad = None if self.wrt.grad is None else grad_of(self.wrt)
        constant = getattr(self.wrt, "is_constant", False)  # the engine gives it nothing
        return Explanation(
            root=self.names[self.root],
            wrt=self.names[self.wrt],
            tensor=self.tensor,
            seed=self.seed,
            paths=paths,
            path_count=count,
            total=total,
            grad=grad,
            agrees=None if constant else _close(total, grad),
            by_length=by_length,
            note=note,
            precision=self.precision,
        )

    def _note(self) -> str:
        wrt, name = self.wrt, self.names[self.wrt]
        if getattr(wrt, "is_constant", False):
            return (
                f"{name} is a constant: the engine sends it no gradient ({name}.grad stays 0); "
                "the chain rule below is what it would receive"
            )
        if self.tensor and not wrt.requires_grad and wrt is not self.root:
            raise ValueError(
                f"explain: {name} does not require grad, so the engine computes no gradient "
                "for it; create it with requires_grad=True to explain its gradient"
            )
        return ""

    def _count_by_length(self) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, float]]]:
        """For each node on a path: how many paths from the root reach it, by length, and
        (Values) the sum of their products; one pass from the root down (no recursion)."""
        counts: dict[int, dict[int, int]] = {id(self.root): {0: 1}}
        tensor = self.tensor
        sums: dict[int, dict[int, float]] = {} if tensor else {id(self.root): {0: self.seed}}
        for node in reversed(self.order):
            mine = counts.get(id(node))
            if mine is None:
                continue
            local = () if tensor else local_grads(node)
            my_sums = sums.get(id(node), {})
            for k, parent in self._edges(node):
                theirs = counts.setdefault(id(parent), {})
                for length, n in mine.items():
                    theirs[length + 1] = theirs.get(length + 1, 0) + n
                if tensor:
                    continue
                factor = float(local[k]) if k < len(local) else math.nan
                their_sums = sums.setdefault(id(parent), {})
                for length, s in my_sums.items():
                    their_sums[length + 1] = their_sums.get(length + 1, 0.0) + s * factor
        return counts, sums

    def _first_paths(self) -> list[list[tuple[Any, int, Any]]]:
        """The first ``max_paths`` paths, operands in order, as (child, position, parent).

        Depth first with an explicit stack; every node followed leads to ``wrt``, so each
        path costs its length.
        """
        root, wrt = self.root, self.wrt
        if root is wrt:
            return [[]]
        found: list[list[tuple[Any, int, Any]]] = []
        # A frame: (node, its edges towards wrt, the next one to follow).
        stack: list[tuple[Any, list[tuple[int, Any]], int]] = [(root, self._edges(root), 0)]
        trail: list[tuple[Any, int, Any]] = []
        while stack and len(found) < self.max_paths:
            node, edges, nxt = stack.pop()
            if nxt >= len(edges):
                if trail:
                    trail.pop()
                continue
            stack.append((node, edges, nxt + 1))
            k, parent = edges[nxt]
            trail.append((node, k, parent))
            if parent is wrt:
                found.append(list(trail))
                trail.pop()
            else:
                stack.append((parent, self._edges(parent), 0))
        return found

    def _path(self, edges: list[tuple[Any, int, Any]]) -> Path:
        names = self.names
        steps = []
        value: Any = self.seed
        local: Any
        g_name = names.gradient(self.root)
        head, tail = _shown_counts(len(edges))
        for position, (child, k, parent) in enumerate(edges):
            if head <= position < len(edges) - tail:  # summarised: the numbers only
                if self.tensor:
                    value = _edge_vjp(child, parent, value)
                    local = value
                else:
                    grads = local_grads(child)
                    local = float(grads[k]) if k < len(grads) else math.nan
                    value = value * local
                steps.append(Step("", "", child.op, k, "", local, None, ""))
                continue
            operands = [names[p] for p in child._parents]
            constants = {
                i: float(np.asarray(p.data).reshape(-1)[0])
                for i, p in enumerate(child._parents)
                if _is_number_constant(p)
            }
            if self.tensor:
                value = _edge_vjp(child, parent, value)
                # An operand used twice (x * x) gets both shares in one push.
                rule = " + ".join(
                    written(
                        child.op, i, operands, vjp=True, upstream=g_name, out=names[child],
                        constants=constants,
                    )
                    for i, p in enumerate(child._parents)
                    if p is parent
                )  # fmt: skip
                shape = np.shape(parent.data)
                if broadcasts(child.op) and shape != np.shape(child.data):
                    rule += f", summed to shape {shape}"  # the engine un-broadcasts it
                g_name = names.gradient(parent)
                local = value
            else:
                grads = local_grads(child)
                local = float(grads[k]) if k < len(grads) else math.nan
                value = value * local
                rule = written(child.op, k, operands, out=names[child], constants=constants)
            steps.append(
                Step(
                    names[child], names[parent], child.op, k, rule or f"({child.op})", local,
                    tuple(np.shape(parent.data)) if self.tensor else None,
                    names.definition(child),
                )
            )  # fmt: skip
        nodes = (names[self.root],) + tuple(names[parent] for _, _, parent in edges)
        return Path(nodes, tuple(steps), value)


def _is_number_constant(node: Any) -> bool:
    """A number mixed into an expression: a constant with one element."""
    if node._parents:
        return False
    data = node.data
    if type(data) is float:  # a Value
        return bool(node.is_constant)
    return not node.requires_grad and np.size(data) == 1


def _edge_vjp(child: Any, parent: Any, g: Any) -> np.ndarray:
    """The gradient ``child``'s rule sends ``parent`` from ``g`` alone (one path's share).

    Runs the engine's own push for ``child`` (its ``_rule.backprop``, the call every
    backward pass makes) with ``g`` as the child's gradient and its operands' gradients
    emptied, then puts every gradient back.
    """
    operands = list({id(p): p for p in child._parents}.values())
    saved = [(p, p.grad) for p in operands]
    saved_child = child.grad
    try:
        for p in operands:
            p.grad = None
        child.grad = np.asarray(g)
        child._rule.backprop(child, False, False)
        share = parent.grad
    finally:
        for p, old in saved:
            p.grad = old
        child.grad = saved_child
    if share is None:
        return np.zeros(np.shape(parent.data))
    return np.array(share, dtype=float)


def _close(total: Any, grad: Any) -> bool | None:
    if grad is None:
        return False
    try:
        return bool(np.allclose(total, grad, rtol=RTOL, atol=ATOL, equal_nan=True))
    except ValueError:  # shapes differ
        return False


class _Names:
    """A short, unique name per node: its label, its expression when short (``y - ŷ``),
    else v1, v2, ... (c1, c2, ... for unlabelled constants); numbers mixed in are named by
    their value. Every node of the graph is named, so two explanations of one graph agree.
    """

    def __init__(self, order: list[Any], precision: int) -> None:
        self._name: dict[int, str] = {}
        self._level: dict[int, int] = {}
        self._expr: dict[int, str] = {}
        depth: dict[int, int] = {}
        used: set[str] = set()
        computed = constants = 0
        for node in order:  # parents first: an expression needs its operands' names
            key = id(node)
            label = getattr(node, "label", None)
            parents = node._parents
            expr = ""
            if parents:
                operands = [self._name[id(p)] for p in parents]
                # Long operands make a long expression: skip building it.
                if sum(map(len, operands)) <= 4 * NAME_WIDTH:
                    expr = expression(node.op, operands, [self._level[id(p)] for p in parents])
                    self._expr[key] = expr
            level, deep = ATOM, 0
            if parents:
                deep = 1 + max(depth[id(p)] for p in parents)
            if label:
                name = visible(str(label))
            elif _is_number_constant(node):
                name = format_number(float(np.asarray(node.data).reshape(-1)[0]), precision)
                level = precedence("neg") if name.startswith("-") else ATOM
            elif expr and len(expr) <= NAME_WIDTH and deep <= NAME_DEPTH and expr not in used:
                name, level = expr, precedence(node.op)
            elif parents:
                computed += 1
                name = f"v{computed}"
            else:
                constants += 1
                name = f"c{constants}"
            used.add(name)
            self._name[key] = name
            self._level[key] = level
            depth[key] = deep if level != ATOM or name == expr else 0

    def __getitem__(self, node: Any) -> str:
        name = self._name.get(id(node))
        if name is None:  # not in the graph (wrt may be any node)
            label = getattr(node, "label", None)
            return visible(str(label)) if label else "wrt"
        return name

    def definition(self, node: Any) -> str:
        """``z = (w1·x1 + w2·x2) + b``; "" where the name is the expression itself."""
        expr = self._expr.get(id(node), "")
        name = self[node]
        return "" if not expr or expr == name else f"{name} = {expr}"

    def gradient(self, node: Any) -> str:
        """How a Tensor step names the gradient at ``node``: ``g(W1)``."""
        return f"g({self[node]})"


# ---------------------------------------------------------------------- plain text
def _fmt(x: Any, precision: int) -> str:
    """A number, or an array as its rows (``[[1, 2], [3, 4]]``; min/mean/max when large)."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        rows = [line_text(line) for line in value_lines(x, precision)]
        if x.ndim == 1 or len(rows) == 1 and not rows[0].startswith("["):
            return rows[0]
        return "[" + ", ".join(rows) + "]"
    return format_number(float(x), precision)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _shown_counts(length: int) -> tuple[int, int]:
    """How many steps of a path of ``length`` are shown before and after its middle."""
    if length <= MAX_STEPS:
        return length, 0
    head = MAX_STEPS // 2
    return head, MAX_STEPS - head - 1


def _shown_steps(steps: tuple[Step, ...]) -> tuple[list[Step], list[Step]]:
    """The steps shown before and after the summarised middle of a long path."""
    head, tail = _shown_counts(len(steps))
    return list(steps[:head]), list(steps[len(steps) - tail :]) if tail else []


class _Text:
    def __init__(self, e: Explanation) -> None:
        self.e = e
        self.p = e.precision

    def render(self) -> str:
        e = self.e
        lines = [self._headline(), ""]
        if e.note:
            lines += [f"Note: {e.note}.", ""]
        for n, path in enumerate(e.paths, start=1):
            lines += self._path(n, path) + [""]
        lines += self._rest()
        lines.append(self._result())
        return "\n".join(lines)

    def _headline(self) -> str:
        e = self.e
        what = (
            "the gradient each carries down, one vector-Jacobian product per step (g is the "
            "gradient arriving from above)"
            if e.tensor
            else "the product of the local gradients along each"
        )
        return (
            f"∂{_d(e.root)}/∂{_d(e.wrt)} by the chain rule: the sum over the paths from "
            f"{e.root} down to {e.wrt} ({_count(e.path_count, 'path')}) of {what}."
        )

    def _path(self, n: int, path: Path) -> list[str]:
        e = self.e
        head = f"path {n} of {e.path_count:,}: " + " → ".join(_abbreviated(path.nodes))
        first, last = _shown_steps(path.steps)
        hidden = path.steps[len(first) : len(path.steps) - len(last)]
        cells = [self._row(s) for s in first]
        if hidden:
            cells.append(self._hidden(hidden))
        cells += [self._row(s) for s in last]
        rows = _columns(cells)
        if e.tensor:
            seed_row = f"  g({e.root}) = {_fmt(e.seed, self.p)} (the seed)"
            result = f"  {path.nodes[-1]} receives {_fmt(path.contribution, self.p)}"
            return [head, seed_row] + rows + [result]
        factors = [_fmt(s.value, self.p) for s in path.steps]
        if len(factors) > MAX_STEPS:
            factors = factors[: len(first)] + ["…"] + factors[len(factors) - len(last) :]
        if e.seed != 1.0 or not factors:
            factors.insert(0, f"seed {_fmt(e.seed, self.p)}")
        product = f"  product: {' × '.join(factors)} = {_fmt(path.contribution, self.p)}"
        return [head] + rows + [product]

    def _row(self, s: Step) -> list[str]:
        if self.e.tensor:
            return [f"  g({s.parent}) = {s.rule}", str(s.shape), s.definition]
        return [f"  ∂{_d(s.child)}/∂{_d(s.parent)}", f"= {s.rule}", f"= {_fmt(s.value, self.p)}",
                s.definition]  # fmt: skip

    def _hidden(self, hidden: tuple[Step, ...]) -> list[str]:
        text = f"  ⋮ {_count(len(hidden), 'more step')}"
        if not self.e.tensor:
            product = math.prod(s.value for s in hidden)
            text += f" (their local gradients multiply to {_fmt(product, self.p)})"
        return [text]

    def _rest(self) -> list[str]:
        e = self.e
        if not e.by_length:
            return []
        others = sum(n for n, _ in e.by_length.values())
        lines = [f"The other {_count(others, 'path')}, by length:"]
        items = sorted(e.by_length.items())
        if len(items) > 8:  # the shortest and the longest, the middle merged
            merged = items[4:-3]
            n = sum(c for _, (c, _) in merged)
            s = None if e.tensor else math.fsum(v for _, (_, v) in merged)
            items = items[:4] + [(-1, (n, s))] + items[-3:]
            span = (merged[0][0], merged[-1][0])
        for length, (count, total) in items:
            steps = f"{span[0]} to {span[1]} steps" if length == -1 else _count(length, "step")
            row = f"  {steps}: {_count(count, 'path')}"
            if total is not None:
                row += f", together {_fmt(total, self.p)}"
            lines.append(row)
        lines.append(f"  together they bring {_fmt(e.rest, self.p)}")
        lines.append("")
        return lines

    def _result(self) -> str:
        e = self.e
        total = _fmt(e.total, self.p)
        text = f"∂{_d(e.root)}/∂{_d(e.wrt)} = {total} (the sum over {_count(e.path_count, 'path')})"
        grad = f"{e.wrt}.grad"
        if e.agrees is None:
            return text
        if e.agrees:
            return f"{text} = {grad} ✓"
        if e.grad is None:
            return f"{text}; {grad} is None: run {e.root}.backward() to compare"
        return (
            f"{text}, but {grad} = {_fmt(e.grad, self.p)}: it holds the sum of every backward "
            f"pass since it was last zeroed, or backward ran from another root or seed"
        )


def _d(name: str) -> str:
    """A name after ∂: in parentheses when it is an expression (``∂(y - ŷ)``)."""
    return grouped(name)


def _abbreviated(nodes: tuple[str, ...]) -> list[str]:
    if len(nodes) <= MAX_STEPS + 1:
        return list(nodes)
    return list(nodes[:4]) + [f"… ({len(nodes) - 7:,} more)"] + list(nodes[-3:])


def _columns(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines, each column padded to its widest cell."""
    width = max((len(r) for r in rows), default=0)
    sizes = [max((len(r[c]) for r in rows if c < len(r) - 1), default=0) for c in range(width)]
    out = []
    for r in rows:
        cells = [cell.ljust(sizes[c]) if c < len(r) - 1 else cell for c, cell in enumerate(r)]
        out.append("  ".join(cells).rstrip())
    return out


# ---------------------------------------------------------------------- typeset maths
_LATEX_SPECIAL = {
    "\\": r"\backslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}


def _tex(text: str) -> str:
    """Any text as LaTeX upright text (\\text{...}), with the special characters escaped."""
    return r"\text{" + "".join(_LATEX_SPECIAL.get(c, c) for c in visible(text)) + "}"


def _frac(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {_tex(top)}}}{{\partial {_tex(bottom)}}}"


def _latex_path(e: Explanation, path: Path) -> str:
    first, last = _shown_steps(path.steps)
    hidden = len(path.steps) - len(first) - len(last)
    if e.tensor:
        parts = [rf"{_tex(s.rule)}" for s in first]
        if hidden:
            parts.append(r"\cdots")
        parts += [rf"{_tex(s.rule)}" for s in last]
        return (
            r"\text{via } "
            + r" \;\to\; ".join(parts)
            + " = "
            + _tex(_fmt(path.contribution, e.precision))
        )
    factors = [
        rf"\underbrace{{{_frac(s.child, s.parent)}}}_{{{_tex(_fmt(s.value, e.precision))}}}"
        for s in first
    ]
    if hidden:
        factors.append(r"\cdots")
    factors += [
        rf"\underbrace{{{_frac(s.child, s.parent)}}}_{{{_tex(_fmt(s.value, e.precision))}}}"
        for s in last
    ]
    if e.seed != 1.0 or not factors:
        factors.insert(0, _tex(_fmt(e.seed, e.precision)))
    return r" \, ".join(factors) + " = " + _tex(_fmt(path.contribution, e.precision))


def _latex_equations(e: Explanation) -> str:
    lhs = _frac(e.root, e.wrt)
    rows = [rf"{lhs} &= \sum_{{\text{{{_count(e.path_count, 'path')}}}}}"]
    for path in e.paths:
        rows.append(r"&\quad + " + _latex_path(e, path))
    if e.by_length:
        rows.append(r"&\quad + " + _tex(f"the other paths: {_fmt(e.rest, e.precision)}"))
    rows.append(r"&= " + _tex(_fmt(e.total, e.precision)))
    return "$$\\begin{aligned}" + r" \\ ".join(rows) + "\\end{aligned}$$"


class _Markdown:
    def __init__(self, e: Explanation) -> None:
        self.e = e

    def render(self) -> str:
        e = self.e
        text = _Text(e)
        out = [f"**{_md(text._headline())}**", ""]
        if e.note:
            out += [f"*Note: {_md(e.note)}.*", ""]
        for n, path in enumerate(e.paths, start=1):
            out += [
                f"Path {n} of {e.path_count:,}: " + " → ".join(map(_md, _abbreviated(path.nodes))),
                "",
                "$$" + _latex_path(e, path) + "$$",
                "",
            ]
            out += self._table(path) + [""]
        rest = text._rest()
        if rest:
            out += ["    " + line for line in rest[:-1]] + [""]
        out.append(f"**{_md(text._result())}**")
        return "\n".join(out)

    def _table(self, path: Path) -> list[str]:
        e = self.e
        first, last = _shown_steps(path.steps)
        cell: Callable[[Step], str]
        if e.tensor:
            head = ["| gradient | vector-Jacobian product | shape | where |", "|---|---|---|---|"]

            def cell(s: Step) -> str:
                return f"| `g({_code(s.parent)})` | `{_code(s.rule)}` | {s.shape} | " + (
                    f"`{_code(s.definition)}` |" if s.definition else " |"
                )
        else:
            head = ["| factor | rule | value | where |", "|---|---|---|---|"]

            def cell(s: Step) -> str:
                frac = "$" + _frac(s.child, s.parent) + "$"
                value = _fmt(s.value, e.precision)
                where = f"`{_code(s.definition)}`" if s.definition else ""
                return f"| {frac} | `{_code(s.rule)}` | {value} | {where} |"

        rows = head + [cell(s) for s in first]
        hidden = len(path.steps) - len(first) - len(last)
        if hidden:
            rows.append(f"| ⋮ {_count(hidden, 'more step')} | | | |")
        rows += [cell(s) for s in last]
        return rows


def _md(text: str) -> str:
    """Plain text inside Markdown: the characters Markdown would act on escaped."""
    out = visible(text)
    for char in "\\`*_[]<>|$#":
        out = out.replace(char, "\\" + char)
    return out


def _code(text: str) -> str:
    """Text inside a Markdown code span within a table cell."""
    return visible(text).replace("`", "'").replace("|", "\\|")
