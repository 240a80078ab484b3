"""One adapter per contender, each exposing the workloads it can run.

An adapter module imports its library at the top, so a library that is not installed
shows up as an ``ImportError`` here and the peer is reported as 'not installed'.
Workloads look adapters up by function name (``xor_trainer``, ``mlp_trainer``, ...) and
skip a peer that lacks one: micrograd, for instance, has no arrays.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["PEER_MODULES", "load_peers", "load_ours"]

# Display name -> adapter module, in the order peers appear in the tables.
PEER_MODULES = {
    "micrograd": "benchmarks.adapters.micrograd_peer",
    "PyTorch": "benchmarks.adapters.torch_peer",
    "MyGrad": "benchmarks.adapters.mygrad_peer",
    "autograd": "benchmarks.adapters.autograd_peer",
}


def load_peers(
    threads: int = 1, modules: dict[str, str] | None = None
) -> tuple[dict[str, ModuleType], dict[str, str]]:
    """(adapters of the installed peers, {peer: why it is missing}) for the others.

    ``modules`` defaults to every peer in ``PEER_MODULES``; pass a subset to load fewer.
    """
    loaded: dict[str, ModuleType] = {}
    missing: dict[str, str] = {}
    for name, path in (PEER_MODULES if modules is None else modules).items():
        try:
            module = importlib.import_module(path)
        except ImportError as exc:
            missing[name] = f"not installed ({exc.name or exc})"
            continue
        configure = getattr(module, "configure_threads", None)
        if configure is not None:
            configure(threads)
        loaded[name] = module
    return loaded, missing


def load_ours() -> ModuleType:
    """Our engine's adapter (imported lazily, like the peers, so errors are reported)."""
    return importlib.import_module("benchmarks.adapters.ours")
