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

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Copying or pickling a computed node would walk its whole graph recursively (and a
        # graph can be a million nodes deep); like PyTorch, only leaves can be copied.
        if self._parents:
            raise TypeError(
                f"cannot copy or pickle a computed {type(self).__name__} (op {self.op!r}): it "
                "would carry its whole graph; copy .detach() or .data instead"
            )
        return self._leaf_reduce()

    def _leaf_reduce(self) -> Any:
        raise NotImplementedError
