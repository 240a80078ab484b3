"""Saving and loading parameters as ``.npz`` files, without pickle.

``save`` writes to a temporary file in the destination's directory and renames it over the
destination (``os.replace`` is atomic), so a crash leaves either the old file or the new
one, never half of one. ``load`` reads and checks the whole file, then hands it to
``load_state_dict``, which checks every entry before changing any parameter: a corrupted,
truncated or foreign file is an error and leaves the module as it was.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from typing import Any, Union

import numpy as np

from .module import LoadResult, Module

__all__ = ["save", "load", "FORMAT_KEY", "FORMAT"]

PathLike = Union[str, "os.PathLike[str]"]

# Stored beside the parameters so that a file from elsewhere is recognised as foreign.
FORMAT_KEY = "__nn_format__"
FORMAT = "autograd_core.nn state_dict v1"


def save(module: Module, path: PathLike) -> None:
    """Write ``module.state_dict()`` to ``path`` (an ``.npz`` archive) atomically."""
    state = module.state_dict()
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    temporary = os.path.join(
        directory, f".{os.path.basename(target)}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    )
    try:
        # "xb": a fresh file (never someone else's), created with the usual permissions.
        with open(temporary, "xb") as handle:
            arrays: dict[str, Any] = {FORMAT_KEY: np.array(FORMAT), **state}
            np.savez(handle, allow_pickle=False, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def load(module: Module, path: PathLike, strict: bool = True) -> LoadResult:
    """Load parameters saved by ``save`` into ``module`` (in place).

    Raises FileNotFoundError for a missing file and ValueError for anything that is not a
    complete, matching ``save`` archive; in every error case the module is unchanged.
    """
    target = os.fspath(path)
    state = _read(target)
    marker = state.pop(FORMAT_KEY, None)
    if marker is None or marker.shape != () or str(marker) != FORMAT:
        raise ValueError(
            f"nn.load: {target!r} was not written by nn.save (no {FORMAT_KEY!r} entry); "
            f"its arrays are {sorted(state)}. For a plain dict of arrays use "
            "module.load_state_dict(dict(np.load(path)))"
        )
    return module.load_state_dict(state, strict=strict)


def _read(target: str) -> dict[str, np.ndarray]:
    """Every array in the archive at ``target``, or a ValueError saying why not."""
    with open(target, "rb") as handle:
        magic = handle.read(6)
    if not magic.startswith(b"PK"):
        # np.load would guess "pickle" for any unknown start; say what it really is.
        kind = "an .npy array" if magic == b"\x93NUMPY" else f"not a zip archive (starts {magic!r})"
        raise ValueError(f"nn.load: {target!r} is {kind}, not an nn.save .npz archive")
    try:
        with np.load(target, allow_pickle=False) as archive:
            # Reading every member here makes the zip module verify each checksum.
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(
            f"nn.load: {target!r} is not a readable .npz archive (corrupted or truncated?): "
            f"{type(exc).__name__}: {exc}"
        ) from None
