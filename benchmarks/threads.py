"""Pin BLAS and PyTorch thread counts; must run before NumPy is imported.

OpenBLAS, MKL and OpenMP read their thread counts from the environment once, when the
library loads, so the only reliable way to set them is before the first ``import numpy``.
"""

from __future__ import annotations

import os
import sys

__all__ = ["THREAD_ENV_VARS", "apply_thread_env", "numpy_already_loaded"]

THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def apply_thread_env(threads: int) -> None:
    """Set every BLAS/OpenMP thread variable to ``threads`` for this process and its children."""
    for name in THREAD_ENV_VARS:
        os.environ[name] = str(threads)


def numpy_already_loaded() -> bool:
    """True when NumPy was imported before us, so the environment can no longer take effect."""
    return "numpy" in sys.modules
