"""nn.save of a state dict and nn.load(path), as torch.save(model.state_dict(), path) and
model.load_state_dict(torch.load(path)); the nn.load(module, path) form stays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from autograd_core import Tensor


def make_model(seed: int) -> nn.Sequential:
    rng = np.random.default_rng(seed)
    return nn.Sequential(nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, 1, rng=rng))


def test_pytorch_idiom_round_trip(tmp_path: Path) -> None:
    source, target = make_model(0), make_model(1)
    path = tmp_path / "model.npz"
    nn.save(source.state_dict(), path)
    state = nn.load(path)
    assert isinstance(state, dict) and sorted(state) == sorted(source.state_dict())
    assert all(isinstance(v, np.ndarray) for v in state.values())
    target.load_state_dict(nn.load(path, map_location="cpu", weights_only=True))
    for (name, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
        assert a.data.tobytes() == b.data.tobytes(), name  # bit-exact
    x = Tensor(np.ones((2, 3)))
    assert source(x).tolist() == target(x).tolist()


def test_the_module_and_its_state_dict_give_the_same_file(tmp_path: Path) -> None:
    model = make_model(0)
    nn.save(model, tmp_path / "a.npz")
    nn.save(model.state_dict(), tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    other = make_model(2)
    result = nn.load(other, tmp_path / "b.npz")  # the older form still loads in place
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert other[0].weight.data.tolist() == model[0].weight.data.tolist()


def test_any_flat_dict_of_arrays_and_tensors(tmp_path: Path) -> None:
    path = tmp_path / "state.npz"
    nn.save({"w": Tensor([[1.0, 2.0]]), "n": 3, "mask": np.array([True, False])}, path)
    state = nn.load(path)
    assert state["w"].tolist() == [[1.0, 2.0]] and state["n"].item() == 3
    assert state["mask"].dtype == bool


def test_what_the_format_cannot_hold_is_refused(tmp_path: Path) -> None:
    optimiser = nn.SGD(make_model(0).parameters(), lr=0.1, momentum=0.9)
    with pytest.raises(TypeError, match="nested dict.*save it with pickle"):
        nn.save(optimiser.state_dict(), tmp_path / "opt.npz")
    with pytest.raises(TypeError, match="keys must be strings"):
        nn.save({0: np.ones(1)}, tmp_path / "x.npz")  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="dtype <U1"):
        nn.save({"s": np.array(["a"])}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="a Module or a state dict"):
        nn.save([np.ones(1)], tmp_path / "x.npz")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())  # nothing written
    nn.save(make_model(0), tmp_path / "m.npz")
    with pytest.raises(ValueError, match="map_location='cuda'"):
        nn.load(tmp_path / "m.npz", map_location="cuda")
    with pytest.raises(TypeError, match="expected a path"):
        nn.load(3.5)  # type: ignore[call-overload]
