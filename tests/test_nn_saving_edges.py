"""nn.save / nn.load edge cases: any parameter name, closed files on every error, file modes
and symlinks kept, files of the first format still readable."""

from __future__ import annotations

import gc
import os
import stat
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
from nn import serialization

# Names np.savez took as its own arguments, the format's own key, and characters that zip
# member names or the escaping itself treat specially.
AWKWARD_NAMES = [
    "file",
    "allow_pickle",
    "args",
    "kwds",
    nn.serialization.FORMAT_KEY,
    "__nn_later__",
    "__nn",
    "%",
    "%41",
    "a/b",
    "/lead",
    "back\\slash",
    "nul\x00byte",
    "esc\x1b[31m",
    "tab\tnew\nline",
    "ŵeight",
    "lone\ud800surrogate",
    "x_npy",
]


def module_with(names: list[str]) -> nn.Module:
    module = nn.Module()
    for k, name in enumerate(names):
        # setattr, not register_parameter: attribute names may hold anything but ".".
        setattr(module, name, nn.Parameter(np.full((2,), float(k))))
    return module


@contextmanager
def no_unclosed_files() -> Iterator[None]:
    """Fail if anything inside leaves a file for the garbage collector to close."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, [str(w.message) for w in leaks]


@pytest.mark.parametrize("name", AWKWARD_NAMES, ids=ascii)
def test_any_parameter_name_saves_and_loads(tmp_path: Path, name: str) -> None:
    source = module_with(["weight", name])
    path = tmp_path / "model.npz"
    nn.save(source, path)
    target = module_with(["weight", name])
    for p in target.parameters():
        p.data[...] = -1.0
    nn.load(target, path)
    assert target.state_dict().keys() == source.state_dict().keys()
    for key, array in source.state_dict().items():
        assert np.array_equal(target.state_dict()[key], array), key


def test_every_awkward_name_in_one_file(tmp_path: Path) -> None:
    source = module_with(AWKWARD_NAMES)
    nn.save(source, tmp_path / "model.npz")
    target = module_with(AWKWARD_NAMES)
    for p in target.parameters():
        p.data[...] = -1.0
    nn.load(target, tmp_path / "model.npz")
    for key, array in source.state_dict().items():
        assert np.array_equal(target.state_dict()[key], array), ascii(key)


def test_plain_names_stay_readable_with_np_load(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    nn.save(model, tmp_path / "model.npz")
    with np.load(tmp_path / "model.npz", allow_pickle=False) as archive:
        assert str(archive[serialization.FORMAT_KEY]) == serialization.FORMAT
        for key, array in model.state_dict().items():
            assert np.array_equal(archive[key], array)


def test_files_of_the_first_format_still_load(tmp_path: Path) -> None:
    # Exactly what nn.save wrote before names were escaped: np.savez of the raw names.
    source = module_with(["weight", "%41"])
    path = tmp_path / "v1.npz"
    arrays: dict[str, Any] = {
        serialization.FORMAT_KEY: np.array("autograd_core.nn state_dict v1"),
        **source.state_dict(),
    }
    np.savez(path, **arrays)
    target = module_with(["weight", "%41"])
    for p in target.parameters():
        p.data[...] = -1.0
    nn.load(target, path)  # "%41" is a name here, not an escape: v1 had none
    assert np.array_equal(target.state_dict()["%41"], source.state_dict()["%41"])


def test_a_newer_format_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "v9.npz"
    np.savez(path, __nn_format__=np.array("autograd_core.nn state_dict v9"), w=np.ones(2))
    with pytest.raises(ValueError, match="v9.*reads v1 and v2"):
        nn.load(module_with(["w"]), path)


def test_an_unknown_reserved_entry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "later.npz"
    nn.save(module_with(["w"]), path)
    with zipfile.ZipFile(path, "a") as archive, archive.open("__nn_manifest__.npy", "w") as out:
        np.lib.format.write_array(out, np.array("from a later version"))
    with pytest.raises(ValueError, match="__nn_manifest__"):
        nn.load(module_with(["w"]), path)


def _not_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 but no archive follows")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-30])


def _flipped(path: Path) -> None:
    data = path.read_bytes()
    middle = data.index(b"w.npy") + 200
    path.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 8]))


def _pickled(path: Path) -> None:
    np.savez(path, __nn_format__=np.array(serialization.FORMAT), w=np.array([{}], dtype=object))


def _not_npy_member(path: Path) -> None:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("notes.txt", b"hello")


def _duplicate_member(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("w.npy")
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        archive.writestr("w.npy", data)


DAMAGES: list[Callable[[Path], None]] = [
    _not_zip,
    _empty,
    _truncated,
    _flipped,
    _pickled,
    _not_npy_member,
    _duplicate_member,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_every_load_error_closes_its_file(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    path = tmp_path / "model.npz"
    nn.save(module_with(["w"]), path)
    damage(path)
    model = module_with(["w"])
    with no_unclosed_files():
        try:
            nn.load(model, path)
        except ValueError as exc:
            assert "nn.load" in str(exc)
        else:
            pytest.fail(f"nn.load accepted a damaged file ({damage.__name__})")
    assert np.array_equal(model.state_dict()["w"], np.zeros(2))


def test_save_errors_close_their_files_and_leave_no_debris(
    tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "model.npz"
    nn.save(module_with(["w"]), path)
    before = path.read_bytes()

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", disk_full)
    with no_unclosed_files(), pytest.raises(OSError, match="No space"):
        nn.save(module_with(["w", "v"]), path)
    monkeypatch.undo()
    with no_unclosed_files(), pytest.raises(IsADirectoryError):
        nn.save(module_with(["w"]), tmp_path)  # a folder where the file should go
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444, 0o755], ids=oct)
def test_resaving_keeps_the_files_permission_bits(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "model.npz"
    nn.save(module_with(["w"]), path)
    os.chmod(path, mode)
    nn.save(module_with(["w", "v"]), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    nn.load(module_with(["w", "v"]), path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        nn.save(module_with(["w"]), tmp_path / "model.npz")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "model.npz").st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_saving_through_a_symlink_writes_its_target(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    real = store / "model.npz"
    nn.save(module_with(["w"]), real)
    link = tmp_path / "latest.npz"
    link.symlink_to(os.path.relpath(real, tmp_path))
    source = module_with(["w"])
    source.w.data[...] = 7.0
    nn.save(source, link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    target = module_with(["w"])
    nn.load(target, real)
    assert np.array_equal(target.state_dict()["w"], np.full(2, 7.0))
    assert sorted(os.listdir(store)) == ["model.npz"]  # the temporary went beside the target
    assert sorted(os.listdir(tmp_path)) == ["latest.npz", "store"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_saving_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "latest.npz"
    link.symlink_to("model.npz")
    nn.save(module_with(["w"]), link)
    assert link.is_symlink() and (tmp_path / "model.npz").is_file()


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    # No timestamps inside: a saved model is reproducible (and diffs cleanly).
    nn.save(module_with(["w", "v"]), tmp_path / "a.npz")
    nn.save(module_with(["w", "v"]), tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
