"""What every graph node shows the outside world, shared by ``Value`` and ``Tensor``."""

from __future__ import annotations

from typing import Any

from .inplace import update_in_place


class GraphNode:
    """Read access to a node's place in the graph (subclasses hold the slots)."""

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The engine keeps nodes in sets: a node must hash by identity. A class that defines
        # == (Tensor's is elementwise) gets __hash__ = None from Python; give it identity
        # back. A hash of its own would merge distinct nodes, so that is refused.
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("__hash__", object.__hash__)
        if own is None:
            cls.__hash__ = object.__hash__  # type: ignore[method-assign]
        elif own is not object.__hash__:
            raise TypeError(
                f"{cls.__name__} defines __hash__: graph nodes must hash by identity (the "
                "engine keeps them in sets); remove __hash__ (== may stay)"
            )

    _parents: tuple[Any, ...]
    _rule: Any
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
        return self._rule.name  # type: ignore[no-any-return]

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

    # Updates in place, with PyTorch's rules (autograd_core.inplace): the node object stays
    # the same, so a module's registered parameter sees the new numbers.
    def __iadd__(self, other: Any) -> Any:
        return update_in_place(self, other, "+=", "__add__")

    def __isub__(self, other: Any) -> Any:
        return update_in_place(self, other, "-=", "__sub__")

    def __imul__(self, other: Any) -> Any:
        return update_in_place(self, other, "*=", "__mul__")

    def __itruediv__(self, other: Any) -> Any:
        return update_in_place(self, other, "/=", "__truediv__")

    def __ipow__(self, other: Any) -> Any:
        return update_in_place(self, other, "**=", "__pow__")

    # % is torch.remainder (Python's sign rule), declared in elementwise.py for both types.
    def __mod__(self, other: Any) -> Any:
        return _operation("remainder")(self, other)

    def __rmod__(self, other: Any) -> Any:
        return _operation("remainder")(other, self)

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


def _operation(name: str) -> Any:
    """A registered operation (imported here, not at the top: the registry builds on nodes)."""
    from .registry import REGISTRY

    return REGISTRY[name]
