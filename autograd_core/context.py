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
    "current_scope",
    "detect_anomaly",
    "is_anomaly_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


class _State(NamedTuple):
    grad_enabled: bool
    scope: tuple[str, ...]
    anomaly: bool


# _State is an immutable NamedTuple, so sharing the default is safe.
_STATE: ContextVar[_State] = ContextVar(
    "autograd_core_state",
    default=_State(True, (), False),  # noqa: B039
)


def state() -> _State:
    """The calling thread's recording state (grad mode, scope path, anomaly flag)."""
    return _STATE.get()


class _GradMode:
    """Context manager and decorator that sets grad mode for its body."""

    _enabled: bool

    def __init__(self) -> None:
        self._tokens: list[Any] = []

    def __enter__(self) -> None:
        self._tokens.append(_STATE.set(_STATE.get()._replace(grad_enabled=self._enabled)))

    def __exit__(self, *exc: object) -> None:
        _STATE.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        enabled = self._enabled

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = _STATE.set(_STATE.get()._replace(grad_enabled=enabled))
            try:
                return func(*args, **kwargs)
            finally:
                _STATE.reset(token)

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


class scope:
    """Nodes created inside carry the scope path extended by ``name`` (viz clusters by it).

    ``with scope("layer1") as path:`` gives the new path. (A small class rather than a
    generator: nn opens one per module call, so it must be cheap.)
    """

    __slots__ = ("name", "_tokens")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope(name): name must be a non-empty string, got {name!r}")
        self.name = name
        self._tokens: list[Any] = []

    def __enter__(self) -> tuple[str, ...]:
        grad_enabled, path, anomaly = _STATE.get()
        path = path + (self.name,)
        self._tokens.append(_STATE.set(_State(grad_enabled, path, anomaly)))
        return path

    def __exit__(self, *exc: object) -> None:
        _STATE.reset(self._tokens.pop())


def current_scope() -> tuple[str, ...]:
    """The scope path that new nodes in this thread record."""
    return _STATE.get().scope


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``FloatingPointError`` at the first op whose forward or backward is non-finite."""
    token = _STATE.set(_STATE.get()._replace(anomaly=True))
    try:
        yield
    finally:
        _STATE.reset(token)


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is active in this thread."""
    return _STATE.get().anomaly
