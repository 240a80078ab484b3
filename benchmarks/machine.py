"""A description of the machine a run was made on: ratios mean little without it."""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

__all__ = ["describe_machine", "blas_description"]


def _cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo (Linux), else the platform's guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _usable_cores() -> int | None:
    """Cores this process may run on (the affinity mask), which can be fewer than installed."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count()


def blas_description() -> str:
    """NumPy's BLAS: name, version and the threads it actually runs, or 'unknown'."""
    import numpy as np

    parts: list[str] = []
    try:
        config: Any = np.show_config(mode="dicts")  # NumPy >= 1.26
        blas = config.get("Build Dependencies", {}).get("blas", {})
        if blas.get("name"):
            parts.append(f"{blas['name']} {blas.get('version', '')}".strip())
    except (TypeError, AttributeError, ValueError):
        pass  # older NumPy prints its configuration instead of returning it
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                parts.append(
                    f"runtime {pool.get('internal_api')} {pool.get('version')}, "
                    f"{pool.get('num_threads')} thread(s)"
                )
    except ImportError:
        parts.append("runtime threads: unknown (threadpoolctl not installed)")
    return "; ".join(parts) if parts else "unknown"


def describe_machine(threads: int, peers: dict[str, str]) -> list[tuple[str, str]]:
    """(key, value) lines for the report header; ``peers`` maps each peer to its version."""
    import numpy as np

    env = ", ".join(
        f"{k}={os.environ[k]}"
        for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        if k in os.environ
    )
    return [
        ("CPU", _cpu_model()),
        ("cores", f"{os.cpu_count()} installed, {_usable_cores()} usable"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("NumPy", np.__version__),
        ("BLAS", blas_description()),
        ("threads", f"--threads {threads} ({env or 'environment not set'})"),
        ("peers", ", ".join(f"{k} {v}" for k, v in peers.items()) or "none"),
    ]
