"""What gets drawn: the walk over the graph, node kinds, edges, scopes and collapsed groups.

The walk is iterative (a 100,000-node chain must work) and numbers the nodes in its order;
those numbers become the DOT ids, so the same graph always gives the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from autograd_core.formulas import infix_symbol

from .describe import format_number, kind_of, shape_text
from .errors import GraphTooLargeError

__all__ = [
    "Options",
    "GraphPlan",
    "GroupSummary",
    "EdgeLabels",
    "Collapse",
    "Rankdir",
    "EXACT_COUNT",
]

# A graph over its node limit is refused as soon as that is certain; up to this many nodes
# it is counted in full first, so that the message can give the exact number.
EXACT_COUNT = 100_000

EdgeLabels = Literal["local_grad", "rule"] | None
Collapse = Literal["scope"] | None
Rankdir = Literal["LR", "RL", "TB", "BT"]


@dataclass(frozen=True)
class Options:
    """Drawing options shared by ``to_dot``, ``render`` and ``backprop_steps``."""

    show_data: bool = True
    show_grad: bool = True
    edge_labels: EdgeLabels = None
    rankdir: Rankdir = "LR"
    precision: int = 4
    clusters: bool = True
    collapse: Collapse = None
    max_nodes: int | None = None
    legend: bool = False
    fold_constants: bool = True

    def __post_init__(self) -> None:
        if self.edge_labels not in (None, "local_grad", "rule"):
            raise ValueError(
                f"edge_labels must be None, 'local_grad' or 'rule', got {self.edge_labels!r}"
            )
        if self.rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir must be 'LR', 'RL', 'TB' or 'BT', got {self.rankdir!r}")
        if self.collapse not in (None, "scope"):
            raise ValueError(f"collapse must be None or 'scope', got {self.collapse!r}")
        if not _positive_int(self.precision):
            raise ValueError(f"precision must be a positive int, got {self.precision!r}")
        if self.max_nodes is not None and not _positive_int(self.max_nodes):
            raise ValueError(f"max_nodes must be a positive int or None, got {self.max_nodes!r}")


def is_folded_constant(node: Any) -> bool:
    """A number mixed into an expression: an unlabelled constant leaf of one element."""
    if node.parents or node.label:
        return False
    data = node.data
    if type(data) is float:  # a Value
        return bool(getattr(node, "is_constant", False))
    return not getattr(node, "requires_grad", False) and np.size(data) == 1


def op_with_constants(op: str, operands: list[str | None]) -> str:
    """The operation with its constant operands written in: ``**2``, ``0.5 *``, ``+ 10``,
    ``maximum(·, 3)``; ``None`` marks an operand that is drawn."""
    symbol = infix_symbol(op)
    if symbol and len(operands) == 2:
        left, right = operands
        if right is not None and left is None:
            return f"{symbol}{right}" if symbol == "**" else f"{symbol} {right}"
        if left is not None and right is None:
            return f"{left}{symbol}" if symbol == "**" else f"{left} {symbol}"
    shown = ["·" if text is None else text for text in operands]
    return f"{op}({', '.join(shown)})"


def _positive_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x > 0


def _common_prefix(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return a[:n]


@dataclass
class GroupSummary:
    """A collapsed scope: its path, how many ops and parameters, the shapes in and out."""

    scope: tuple[str, ...]
    ops: int = 0
    params: int = 0
    values: int = 0
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    is_output: bool = False


class GraphPlan:
    """The graph as it will be drawn: nodes in traversal order, kinds, edges, scopes, groups.

    Built once per graph; ``viz.dot.build_digraph`` turns it into DOT (the explorer also
    reads its order, edges and scopes), reusing the walk.
    """

    def __init__(
        self, root: Any, options: Options, *, collapsible: bool = True, caller: str = "to_dot"
    ) -> None:
        if not hasattr(root, "_parents") or not hasattr(root, "data"):
            raise TypeError(
                f"{caller}: expected a Value or Tensor as the graph's root, got "
                f"{type(root).__name__}"
            )
        self.root = root
        self.options = options
        self.caller = caller
        if options.max_nodes is not None:
            # Before the walk: a million-node graph must fail in milliseconds, not after
            # seconds of walking (or minutes of building its DOT text).
            self._refuse_early(root, options.max_nodes, collapsible)
        self.order: list[Any] = []
        self.index: dict[int, int] = {}  # id(node) -> position in order
        self.kinds: list[str] = []
        # (parent index, child index, argument position), in the order the parents are used.
        self.edges: list[tuple[int, int, int]] = []
        self._walk(root)
        self.root_index = self.index[id(root)]
        self.kinds[self.root_index] = "output"
        # Numbers mixed into an expression are written into the operation that uses them
        # (``**2``, ``0.5 *``) rather than drawn as inputs with a 0 edge.
        self.folded: list[bool] = [False] * len(self.order)
        self.op_texts: dict[int, str] = {}  # where it differs from node.op
        if options.fold_constants:
            self._fold_constants()
        self.scopes = self._scopes()
        self.group_of: list[int] = [-1] * len(self.order)
        self.groups: list[tuple[str, ...]] = []
        self.note = ""
        self._apply_limits(collapsible)

    def _refuse_early(self, root: Any, limit: int, collapsible: bool) -> None:
        """Raise ``GraphTooLargeError`` if a partial count already proves the graph too large.

        Counts distinct nodes up to ``max(limit, EXACT_COUNT)``. A node outside every scope
        is drawn on its own whatever collapsing does (except a parameter, which joins the
        scope that uses it), so more than ``limit`` of those settles it. A graph counted in
        full is left to ``_apply_limits``, which gives exact numbers.
        """
        budget = max(limit, EXACT_COUNT)
        seen = {id(root)}
        stack: list[Any] = [root]
        loose = 0  # nodes drawn one each even when scopes are collapsed
        scoped = False
        while stack and len(seen) <= budget:
            node = stack.pop()
            parents = node.parents
            path = getattr(node, "scope", None)
            if collapsible and path:
                scoped = True
            elif not collapsible or parents or node is root or kind_of(node, False) != "parameter":
                loose += 1
            for parent in parents:
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
        if not stack or loose <= limit:
            return
        size = f"the graph has more than {len(seen)} nodes (counting stopped there)"
        if not collapsible:
            raise GraphTooLargeError(self._steps_advice(size, limit, None))
        if not scoped and self.options.collapse is None:
            raise GraphTooLargeError(self._no_scopes_advice(size, limit, None))
        raise GraphTooLargeError(
            f"{self.caller}: {size}, more than max_nodes={limit} of them outside any scope, so "
            "even collapse='scope' cannot make it fit; build more of it inside "
            "autograd_core.context.scope(...) blocks, or pass max_nodes=None to draw every node"
        )

    def _steps_advice(self, size: str, limit: int, total: int | None) -> str:
        exact = "" if total is None else f" (or max_nodes={total})"
        return (
            f"{self.caller}: {size}, more than max_nodes={limit}; every frame draws every "
            f"node, so pass max_nodes=None{exact} to draw them all, or step through a smaller "
            "graph"
        )

    def _no_scopes_advice(self, size: str, limit: int, total: int | None) -> str:
        exact = "" if total is None else f" (or max_nodes={total})"
        return (
            f"{self.caller}: {size}, more than max_nodes={limit}. Pass max_nodes=None{exact} "
            "to draw every node, or build the graph inside autograd_core.context.scope(...) "
            "blocks (nn modules open one per layer) and pass collapse='scope' to draw one node "
            "per scope"
        )

    def _walk(self, root: Any) -> None:
        """Number every node after all of its parents, first operands first; no recursion.

        The engine's order would do, but it visits the last operand first; declaring nodes
        in reading order makes Graphviz draw ``w1*x1 + w2*x2`` top to bottom as written.
        Kinds and edges are filled in the same pass (a 100,000-node graph is walked once).
        """
        order, index, kinds, edges = self.order, self.index, self.kinds, self.edges
        # A None on the stack means "the node below me has all its parents done: emit it"
        # (a marker rather than a (node, flag) pair: no allocation per node).
        stack: list[Any] = [root]
        push, pop = stack.append, stack.pop
        while stack:
            node = pop()
            if node is None:
                node = pop()
                i = len(order)
                order.append(node)
                index[id(node)] = i
                parents = node.parents
                if parents:
                    kinds.append("intermediate")
                    for k, parent in enumerate(parents):
                        edges.append((index[id(parent)], i, k))
                else:
                    kinds.append(kind_of(node, False))
                continue
            # Emitted already? (A node being expanded cannot come up again in a DAG: once
            # expanded, it is emitted before anything below it on the stack is looked at.)
            # Keyed by id: Tensor's == is elementwise.
            if id(node) in index:
                continue
            push(node)
            push(None)
            parents = node.parents
            for k in range(len(parents) - 1, -1, -1):
                if id(parents[k]) not in index:
                    push(parents[k])

    def _fold_constants(self) -> None:
        folded, order, kinds = self.folded, self.order, self.kinds
        for i, node in enumerate(order):
            if kinds[i] == "input" and is_folded_constant(node):
                folded[i] = True
        written: dict[int, list[str | None]] = {}  # child -> its operands, constants written
        precision = self.options.precision
        for parent, child, k in self.edges:
            if folded[parent]:
                operands = written.setdefault(child, [None] * len(order[child].parents))
                value = float(np.asarray(order[parent].data).reshape(-1)[0])
                operands[k] = format_number(value, precision)
        for child, operands in written.items():
            self.op_texts[child] = op_with_constants(order[child].op, operands)

    def op_text(self, i: int) -> str:
        """What node ``i``'s header says it was made by: its op, constants written in."""
        text = self.op_texts.get(i)
        return self.order[i].op if text is None else text

    def _scopes(self) -> list[tuple[str, ...]]:
        """Each node's scope; a parameter made outside any scope joins the one it is used in."""
        scopes = [getattr(node, "scope", ()) for node in self.order]
        scopes = [s if type(s) is tuple else tuple(s or ()) for s in scopes]
        # nn creates parameters in __init__, outside the scope of __call__; drawing them
        # inside the layer that uses them is what a reader expects.
        adopted: dict[int, tuple[str, ...]] = {}
        for parent, child, _ in self.edges:
            if self.kinds[parent] == "parameter" and not scopes[parent]:
                used_in = scopes[child]
                seen = adopted.get(parent)
                adopted[parent] = used_in if seen is None else _common_prefix(seen, used_in)
        for node, scope in adopted.items():
            if scope:
                scopes[node] = scope
        return scopes

    @property
    def drawn_count(self) -> int:
        """How many nodes the drawing has (a collapsed scope counts as one)."""
        hidden = sum(1 for g, f in zip(self.group_of, self.folded) if g >= 0 or f)
        return len(self.order) - hidden + len(self.groups)

    def _collapse(self) -> None:
        """Group the nodes of each innermost scope; outer scopes stay clusters."""
        present: set[tuple[str, ...]] = set()
        prefixes: set[tuple[str, ...]] = set()
        for scope in self.scopes:
            if scope and scope not in present:
                present.add(scope)
                prefixes.update(scope[:k] for k in range(1, len(scope)))
        innermost = present - prefixes
        group_ids: dict[tuple[str, ...], int] = {}
        for i, scope in enumerate(self.scopes):
            if scope in innermost:
                self.group_of[i] = group_ids.setdefault(scope, len(group_ids))
        self.groups = list(group_ids)

    def _apply_limits(self, collapsible: bool) -> None:
        opts = self.options
        if opts.collapse == "scope":
            self._collapse()
        limit = opts.max_nodes
        total = len(self.order)
        if limit is None or self.drawn_count <= limit:
            return
        if opts.collapse == "scope":
            raise GraphTooLargeError(
                f"{self.caller}: the graph drawn with collapse='scope' still has "
                f"{self.drawn_count} nodes, more than max_nodes={limit}; pass max_nodes=None "
                f"(or max_nodes={self.drawn_count}) to draw it anyway"
            )
        size = f"the graph has {total} nodes"
        if not collapsible:
            raise GraphTooLargeError(self._steps_advice(size, limit, total))
        if not any(self.scopes):
            raise GraphTooLargeError(self._no_scopes_advice(size, limit, total))
        self._collapse()
        if self.drawn_count > limit:
            raise GraphTooLargeError(
                f"{self.caller}: {size}, more than max_nodes={limit}, and even "
                f"collapse='scope' leaves {self.drawn_count}; pass max_nodes=None to draw "
                f"every node, or collapse='scope', max_nodes={self.drawn_count}"
            )
        self.note = (
            f"{total} nodes is more than max_nodes={limit}, so each scope is drawn as one "
            "node (collapse='scope'); pass max_nodes=None to draw every node"
        )

    def group_summaries(self) -> list[GroupSummary]:
        """For each collapsed scope: its size and the shapes flowing in and out."""
        count = len(self.groups)
        summaries = [GroupSummary(scope) for scope in self.groups]
        inputs: list[dict[int, None]] = [{} for _ in range(count)]  # ordered sets
        outputs: list[dict[int, None]] = [{} for _ in range(count)]
        for i, g in enumerate(self.group_of):
            if g < 0 or self.folded[i]:
                continue
            node = self.order[i]
            if node.parents:
                summaries[g].ops += 1
            else:
                summaries[g].params += 1
                summaries[g].values += int(np.size(node.data))
        for parent, child, _ in self.edges:
            gp, gc = self.group_of[parent], self.group_of[child]
            if gp == gc or self.folded[parent]:
                continue
            if gc >= 0:
                inputs[gc][parent] = None
            if gp >= 0:
                outputs[gp][parent] = None
        root_group = self.group_of[self.root_index]
        if root_group >= 0:
            outputs[root_group][self.root_index] = None
            summaries[root_group].is_output = True
        for g, summary in enumerate(summaries):
            summary.inputs = [shape_text(self.order[i]) for i in inputs[g]]
            summary.outputs = [shape_text(self.order[i]) for i in outputs[g]]
        return summaries
