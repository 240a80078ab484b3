"""One adapter per contender, each exposing the workloads it can run.

An adapter module imports its library at the top, so a library that is not installed
shows up as an ``ImportError`` here and the peer is reported as 'not installed'.
Workloads look adapters up by function name (``xor_trainer``, ``mlp_trainer``, ...) and
skip a peer that lacks one: micrograd, for instance, has no arrays. Our own engine may
run as several contenders (eager, and a variant such as a traced replay): each is an
adapter module listed in ``OURS_MODULES``, picked up the same way by function name.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["PEER_MODULES", "OURS_MODULES", "load_peers", "load_ours", "load_own"]

# Display name -> adapter module, in the order peers appear in the tables.
PEER_MODULES = {
    "micrograd": "benchmarks.adapters.micrograd_peer",
    "PyTorch": "benchmarks.adapters.torch_peer",
    "MyGrad": "benchmarks.adapters.mygrad_peer",
    "autograd": "benchmarks.adapters.autograd_peer",
}

# Our contenders: display name -> adapter module. "ours" comes first and is the one the
# scalar workloads use; a variant adds a line here (its rows then carry that name).
OURS_MODULES = {
    "ours": "benchmarks.adapters.ours",
    "ours-traced": "benchmarks.adapters.ours_traced",  # targets.TRACED
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
    return importlib.import_module(OURS_MODULES["ours"])


def load_own() -> dict[str, ModuleType]:
    """Every adapter of ours, by contender name (errors propagate: ours must import)."""
    return {name: importlib.import_module(path) for name, path in OURS_MODULES.items()}
