"""The graphviz Python package, imported when a graph is first built, so that ``import viz``
works without it and only the functions that need it say how to install it."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import GraphvizPackageNotFoundError

__all__ = ["graphviz_package"]


def graphviz_package(what: str) -> ModuleType:
    """The ``graphviz`` module, or ``GraphvizPackageNotFoundError`` naming ``viz.<what>``."""
    try:
        return importlib.import_module("graphviz")
    except ImportError:
        raise GraphvizPackageNotFoundError(what) from None
