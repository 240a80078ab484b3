"""What every graph node shows the outside world, shared by ``Value`` and ``Tensor``."""

from __future__ import annotations

from typing import Any


class GraphNode:
    """Read access to a node's place in the graph (subclasses hold the slots)."""

    __slots__ = ()

    _parents: tuple[Any, ...]
    _op: Any
    _scope: tuple[str, ...]

    @property
    def parents(self) -> tuple[Any, ...]:
        """The operands this node was computed from, in argument order."""
        return self._parents

    @property
    def op(self) -> str:
        """Name of the operation that made this node.

        '' for a leaf; 'const' for a number mixed into a Value expression.
        """
        return self._op.name  # type: ignore[no-any-return]

    @property
    def scope(self) -> tuple[str, ...]:
        """The scope path under which this node was created (settable, e.g. by nn)."""
        return self._scope

    @scope.setter
    def scope(self, path: tuple[str, ...]) -> None:
        self._scope = tuple(path)  # type: ignore[misc]  # the slot lives in the subclass

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants (nodes with no recorded parents)."""
        return not self._parents
