"""Saving and loading parameters as ``.npz`` files, without pickle.

The file is a zip archive of ``.npy`` arrays, as ``np.savez`` writes, so ``np.load(path)``
reads it too: one member per parameter, named by its dotted name, plus ``__nn_format__``
holding the format's version. Format v2 escapes the characters a zip member name or
``np.load`` cannot carry (and names that would collide with the format's own entries) as
``%XX`` percent escapes of their UTF-8 bytes, so any parameter name round-trips; format
v1 files (raw names, written by ``np.savez``) still load.

``save`` takes a module or a state dict (``nn.save(model.state_dict(), path)``, as PyTorch);
``load(path)`` returns the state dict (name -> array) for ``model.load_state_dict``, and
``load(module, path)`` loads into the module directly.

``save`` writes to a temporary file beside the destination and renames it over the
destination (``os.replace`` is atomic), so a crash leaves either the old file or the new
one, never half of one. ``load`` reads and checks the whole file, then hands it to
``load_state_dict``, which checks every entry before changing any parameter: a corrupted,
truncated or foreign file is an error and leaves the module as it was.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import zipfile
from collections.abc import Mapping
from typing import IO, Any, Union, overload
from urllib.parse import unquote

import numpy as np

from autograd_core import Tensor, Value

from .module import LoadResult, Module

__all__ = ["save", "load", "FORMAT_KEY", "FORMAT"]

PathLike = Union[str, "os.PathLike[str]"]

# Stored beside the parameters so that a file from elsewhere is recognised as foreign.
FORMAT_KEY = "__nn_format__"
FORMAT = "autograd_core.nn state_dict v2"
_FORMAT_V1 = "autograd_core.nn state_dict v1"
# Members whose names start so are the format's own; a parameter name that does is escaped.
_RESERVED = "__nn_"
# "%" (the escape itself), "/" and "\\" (folder separators to zip tools), control characters
# (zipfile cuts a name at NUL) and lone surrogates (not encodable as UTF-8).
_UNSAFE = re.compile(r"[%/\\\x00-\x1f\x7f\ud800-\udfff]")
# A fixed time stamp: saving the same parameters twice gives the same bytes.
_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def _escape(name: str) -> str:
    """The member name (without ``.npy``) that stores parameter ``name`` in format v2."""
    escaped = _UNSAFE.sub(
        lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8", "surrogatepass")),
        name,
    )
    if escaped.startswith(_RESERVED):
        escaped = "%5F" + escaped[1:]
    return escaped


def _unescape(member: str) -> str:
    return unquote(member, encoding="utf-8", errors="surrogatepass")


def _state_of(obj: Any) -> dict[str, np.ndarray]:
    """A module's state dict, or a given state dict checked: str keys, arrays of numbers."""
    if isinstance(obj, Module):
        return obj.state_dict()
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"nn.save: expected a Module or a state dict (name -> array), got "
            f"{type(obj).__name__}; this format holds arrays only, not arbitrary objects"
        )
    state: dict[str, np.ndarray] = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"nn.save: state dict keys must be strings, got {key!r}")
        if isinstance(value, Mapping) or (
            isinstance(value, list) and value and isinstance(value[0], Mapping)
        ):
            raise TypeError(
                f"nn.save: entry {key!r} is a nested dict; this format holds a flat dict of "
                "arrays (a module's state_dict()). An optimiser's or scheduler's state_dict() "
                "is nested: save it with pickle (it holds only numbers, lists and arrays)"
            )
        array = np.asarray(value.data if isinstance(value, (Tensor, Value)) else value)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"nn.save: entry {key!r} has dtype {array.dtype}; only arrays of numbers are stored"
            )
        state[key] = array
    return state


def save(obj: Module | Mapping[str, Any], path: PathLike) -> None:
    """Write a module's ``state_dict()``, or a state dict itself, to ``path`` (an ``.npz``
    archive) atomically (PyTorch's ``torch.save(model.state_dict(), path)``).

    Re-saving keeps the existing file's permission bits; saving through a symbolic link
    replaces the file it points to (the link stays a link).
    """
    state = _state_of(obj)
    # The file a link points to is the one to replace; renaming over the link would turn
    # it into a plain file and leave its target stale.
    target = os.path.realpath(os.fspath(path))
    directory, base = os.path.split(target)
    temporary = os.path.join(directory, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None  # a new file: the usual permissions (umask), as open() gives
    try:
        # "xb": a fresh file (never someone else's), created with the usual permissions.
        with open(temporary, "xb") as handle:
            _write(handle, state)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)  # after writing: the old mode may be read-only
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _write(handle: IO[bytes], state: Mapping[str, np.ndarray]) -> None:
    """The archive of format v2: the version, then one ``.npy`` member per entry."""
    entries = [(FORMAT_KEY, np.array(FORMAT))]
    entries += [(_escape(name), array) for name, array in state.items()]
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        for member, array in entries:
            info = zipfile.ZipInfo(member + ".npy", date_time=_TIMESTAMP)
            info.external_attr = 0o644 << 16  # what unzip gives the extracted file
            # force_zip64: the size is not known before writing and may exceed 4 GiB.
            with archive.open(info, "w", force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(array), allow_pickle=False)


@overload
def load(f: Module, path: PathLike, strict: bool = True) -> LoadResult: ...
@overload
def load(
    f: PathLike, map_location: str | None = None, *, weights_only: bool = True
) -> dict[str, np.ndarray]: ...
def load(f: Any, *args: Any, **kwargs: Any) -> Any:
    """``load(path)``: the state dict saved at ``path`` (name -> array), for
    ``model.load_state_dict(nn.load(path))`` as in PyTorch (``map_location`` may be None or
    "cpu"; ``weights_only`` is always true of this format). ``load(module, path,
    strict=True)``: load it into ``module`` (in place) and return the skipped keys.

    Raises FileNotFoundError for a missing file and ValueError for anything that is not a
    complete ``save`` archive (or, loading into a module, one that does not match it); in
    every error case the module is unchanged.
    """
    if isinstance(f, Module):
        return _load_into(f, *args, **kwargs)
    return _load_state(f, *args, **kwargs)


def _load_into(module: Module, path: PathLike, strict: bool = True) -> LoadResult:
    return module.load_state_dict(_read_state(os.fspath(path)), strict=strict)


def _load_state(
    path: PathLike, map_location: str | None = None, *, weights_only: bool = True
) -> dict[str, np.ndarray]:
    if map_location not in (None, "cpu"):
        raise ValueError(
            f"nn.load: map_location={map_location!r}: arrays live in memory here (NumPy, no "
            "devices); leave it out or pass 'cpu'"
        )
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(
            f"nn.load: expected a path (or a module and a path), got {type(path).__name__}"
        )
    return _read_state(os.fspath(path))  # type: ignore[arg-type]


def _read_state(target: str) -> dict[str, np.ndarray]:
    """The state dict in the ``save`` archive at ``target``, checked whole."""
    members = _read(target)
    marker = members.pop(FORMAT_KEY, None)
    version = str(marker) if marker is not None and marker.shape == () else None
    if version is None or not version.startswith("autograd_core.nn state_dict "):
        raise ValueError(
            f"nn.load: {target!r} was not written by nn.save (no {FORMAT_KEY!r} entry); "
            f"its arrays are {sorted(members)}. For a plain dict of arrays use "
            "module.load_state_dict(dict(np.load(path)))"
        )
    if version not in (_FORMAT_V1, FORMAT):
        raise ValueError(
            f"nn.load: {target!r} is in format {version.rsplit(' ', 1)[-1]!r}, from a newer "
            "nn.save; this one reads v1 and v2: upgrade the package to load it"
        )
    if version == _FORMAT_V1:
        state = members  # v1 stored raw names
    else:
        unknown = sorted(m for m in members if m.startswith(_RESERVED))
        if unknown:
            raise ValueError(
                f"nn.load: {target!r} has entries {unknown} that this version of nn.save "
                "does not write (from a newer version?); nothing was loaded"
            )
        state = {_unescape(member): array for member, array in members.items()}
    return state


def _read(target: str) -> dict[str, np.ndarray]:
    """Every array in the archive at ``target`` by member name, or a ValueError saying why.

    Read with ``zipfile`` rather than ``np.load``, which leaves the file open when the zip
    directory is damaged.
    """
    with open(target, "rb") as handle:
        magic = handle.read(6)
        if not magic.startswith(b"PK"):
            # np.load would guess "pickle" for any unknown start; say what it really is.
            kind = "an .npy array" if magic == b"\x93NUMPY" else "not a zip archive"
            kind += f" (starts {magic!r})"
            raise ValueError(f"nn.load: {target!r} is {kind}, not an nn.save .npz archive")
        handle.seek(0)
        try:
            return _members(handle)
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
            raise ValueError(
                f"nn.load: {target!r} is not a readable .npz archive (corrupted or truncated?): "
                f"{type(exc).__name__}: {exc}"
            ) from None


def _members(handle: IO[bytes]) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            name = info.filename
            if not name.endswith(".npy"):
                raise ValueError(f"member {name!r} is not an .npy array")
            key = name[: -len(".npy")]
            if key in arrays:
                raise ValueError(f"member {name!r} appears twice")
            with archive.open(info) as member:
                arrays[key] = np.lib.format.read_array(member, allow_pickle=False)
                # Reading to the end makes zipfile compare the member's checksum.
                if member.read(1):
                    raise ValueError(f"member {name!r} has data after its array")
    return arrays
