"""nn.save / nn.load: bit-exact round trips, atomic writes, and bad files leave modules as
they were."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn


def make_model(seed: int) -> nn.Sequential:
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Linear(2, 3, init="xavier", rng=rng), nn.Sigmoid(), nn.Linear(3, 1, rng=rng)
    )


def snapshot(module: nn.Module) -> list[bytes]:
    return [np.asarray(p.data).tobytes() for p in module.parameters()]


def test_round_trip_is_bit_exact(tmp_path: Path) -> None:
    source, target = make_model(0), make_model(1)
    # Awkward numbers survive too: subnormals, -0.0, the largest float.
    first = source[0]
    assert isinstance(first, nn.Linear)
    first.weight.data[0] = [5e-324, -0.0]
    first.weight.data[1, 0] = np.finfo(np.float64).max
    path = tmp_path / "model.npz"
    nn.save(source, path)
    assert snapshot(target) != snapshot(source)
    nn.load(target, path)
    assert snapshot(target) == snapshot(source)
    assert np.signbit(target.state_dict()["0.weight"][0, 1])


def test_round_trip_of_a_scalar_network_and_of_float32(tmp_path: Path) -> None:
    source = nn.MLP(2, [3, 1], rng=np.random.default_rng(0))
    target = nn.MLP(2, [3, 1], rng=np.random.default_rng(1))
    nn.save(source, tmp_path / "mlp.npz")
    nn.load(target, str(tmp_path / "mlp.npz"))
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]
    small = nn.Linear(3, 2, dtype=np.float32, rng=np.random.default_rng(0))
    other = nn.Linear(3, 2, dtype=np.float32)
    nn.save(small, tmp_path / "small.npz")
    nn.load(other, tmp_path / "small.npz")
    assert other.weight.dtype == np.float32 and snapshot(other) == snapshot(small)


def test_the_file_is_a_plain_npz_without_pickle(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    nn.save(make_model(0), path)
    with np.load(path, allow_pickle=False) as archive:
        assert set(archive.files) == {"0.weight", "0.bias", "2.weight", "2.bias", "__nn_format__"}
        assert archive["0.weight"].shape == (3, 2)


def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    nn.save(make_model(0), path)
    nn.save(make_model(1), path)  # overwrite
    assert os.listdir(tmp_path) == ["model.npz"]
    loaded = make_model(2)
    nn.load(loaded, path)
    assert snapshot(loaded) == snapshot(make_model(1))


def test_a_crash_while_writing_keeps_the_old_file(tmp_path: Path, monkeypatch: Any) -> None:
    path = tmp_path / "model.npz"
    nn.save(make_model(0), path)
    before = path.read_bytes()

    def crash(out: Any, *args: Any, **kwargs: Any) -> None:
        out.write(b"\x93NUMPY half an array")
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(KeyboardInterrupt):
        nn.save(make_model(1), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def _corrupt_truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _corrupt_flipped(data: bytes) -> bytes:
    # Flip bytes inside the first array's data: the zip checksum catches it.
    middle = data.index(b"0.weight.npy") + 200
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 8]) + data[middle + 8 :]


@pytest.mark.parametrize(
    "corrupt", [_corrupt_truncated, _corrupt_flipped, lambda d: b"", lambda d: b"not a zip"]
)
def test_damaged_files_raise_and_leave_the_module_untouched(tmp_path: Path, corrupt: Any) -> None:
    path = tmp_path / "model.npz"
    nn.save(make_model(0), path)
    path.write_bytes(corrupt(path.read_bytes()))
    model = make_model(1)
    before = snapshot(model)
    with pytest.raises(ValueError, match="nn.load"):
        nn.load(model, path)
    assert snapshot(model) == before


def test_foreign_and_mismatched_files_raise_and_leave_the_module_untouched(tmp_path: Path) -> None:
    model = make_model(1)
    before = snapshot(model)

    foreign = tmp_path / "foreign.npz"
    arrays: dict[str, Any] = make_model(0).state_dict()
    np.savez(foreign, **arrays)  # the right keys, but not written by nn.save
    with pytest.raises(ValueError, match="not written by nn.save"):
        nn.load(model, foreign)

    npy = tmp_path / "array.npy"
    np.save(npy, np.ones(3))
    with pytest.raises(ValueError, match=".npy"):
        nn.load(model, npy)

    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="nn.load"):
        nn.load(model, pickled)

    wider = tmp_path / "wider.npz"
    nn.save(nn.Sequential(nn.Linear(2, 4), nn.Sigmoid(), nn.Linear(4, 1)), wider)
    with pytest.raises(ValueError, match=r"0.weight: shape \(4, 2\) in the state, \(3, 2\)"):
        nn.load(model, wider)

    other = tmp_path / "other.npz"
    nn.save(nn.Linear(2, 3), other)
    with pytest.raises(ValueError, match="missing keys: 0.weight, 0.bias, 2.weight, 2.bias"):
        nn.load(model, other)

    with pytest.raises(FileNotFoundError):
        nn.load(model, tmp_path / "absent.npz")
    assert snapshot(model) == before


def test_truncated_file_is_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    nn.save(make_model(0), path)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(ValueError, match="corrupted or truncated") as info:
        nn.load(make_model(1), path)
    assert isinstance(info.value.__cause__, type(None))  # a clean message, not a chain
    assert zipfile.is_zipfile(path) is False
