"""Per-thread recording state: grad mode, scopes and anomaly detection.

All three live in one ``ContextVar`` so that creating a node reads the state once;
``contextvars`` make every setting local to its thread (and asyncio task).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "scope",
    "ScopeName",
    "current_scope",
    "call_in_scope",
    "detect_anomaly",
    "is_anomaly_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


class _State(NamedTuple):
    grad_enabled: bool
    scope: tuple[str, ...]
    anomaly: bool
    # The state to go back to when the current with-block ends. Keeping it here, inside the
    # context variable, makes one no_grad()/scope() object safe to share between threads
    # and asyncio tasks: each context unwinds its own chain.
    previous: _State | None = None


_new_tuple = tuple.__new__

# The state outside every with-block: recording, no scope, no anomaly detection. Node
# creation tests ``state is PLAIN`` to skip the three checks in the common case.
PLAIN = _State(True, (), False)

# _State is an immutable NamedTuple, so sharing the default is safe.
_STATE: ContextVar[_State] = ContextVar("autograd_core_state", default=PLAIN)


def state() -> _State:
    """The calling thread's recording state (grad mode, scope path, anomaly flag)."""
    return _STATE.get()


def _enter(**changes: Any) -> _State:
    current = _STATE.get()
    state = current._replace(previous=current, **changes)
    _STATE.set(state)
    return state


def _leave() -> None:
    previous = _STATE.get().previous
    if previous is None:
        raise RuntimeError("autograd_core: a with-block was exited more often than entered")
    _STATE.set(previous)


class _GradMode:
    """Context manager and decorator that sets grad mode for its body."""

    _enabled: bool

    def __enter__(self) -> None:
        _enter(grad_enabled=self._enabled)

    def __exit__(self, *exc: object) -> None:
        _leave()

    def __call__(self, func: F) -> F:
        enabled = self._enabled

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _enter(grad_enabled=enabled)
            try:
                return func(*args, **kwargs)
            finally:
                _leave()

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Operations inside record no graph: results are constants. Context manager or decorator."""

    _enabled = False


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` region. Context manager or decorator."""

    _enabled = True


def is_grad_enabled() -> bool:
    """Whether new operations in this thread record a graph."""
    return _STATE.get().grad_enabled


class ScopeName(str):
    """A scope's name with a description for drawings: ``ScopeName("layer1", "Linear(2→3)")``
    is the string ``"layer1"`` everywhere (paths compare and hash as their names), and viz
    draws it as ``layer1: Linear(2→3)``. nn's modules open their scopes with one."""

    description: str

    def __new__(cls, name: str, description: str = "") -> ScopeName:
        self = super().__new__(cls, name)
        self.description = description
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (ScopeName, (str(self), self.description))


class scope:
    """Nodes created inside carry the scope path extended by ``name`` (viz clusters by it).

    ``with scope("layer1") as path:`` gives the new path. (A small class rather than a
    generator: nn opens one per module call, so it must be cheap.)
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope(name): name must be a non-empty string, got {name!r}")
        self.name = name

    def __enter__(self) -> tuple[str, ...]:
        current = _STATE.get()
        path = current.scope + (self.name,)
        # Built directly rather than with _replace(): nn opens a scope per module call.
        _STATE.set(_State(current.grad_enabled, path, current.anomaly, current))
        return path

    def __exit__(self, *exc: object) -> None:
        _leave()


def call_in_scope(name: str, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` inside ``with scope(name):`` (what nn does per module call).

    The same state changes as the with-block, at a fraction of its cost.
    """
    if (type(name) is not str and not isinstance(name, str)) or not name:
        raise ValueError(f"call_in_scope(name): name must be a non-empty string, got {name!r}")
    current = _STATE.get()
    # tuple.__new__ skips the NamedTuple's Python-level __new__ (a third of this call's cost).
    _STATE.set(_new_tuple(_State, (current[0], current[1] + (name,), current[2], current)))
    try:
        return func(*args, **kwargs)
    finally:
        _leave()  # one level up, as scope.__exit__ does (even if func left a block open)


def current_scope() -> tuple[str, ...]:
    """The scope path that new nodes in this thread record."""
    return _STATE.get().scope


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``FloatingPointError`` at the first op whose forward or backward is non-finite."""
    _enter(anomaly=True)
    try:
        yield
    finally:
        _leave()


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is active in this thread."""
    return _STATE.get().anomaly
