"""nn.Module: registration, dotted names, scopes, modes, repr and state dicts."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value, scope, topological_order


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(2, 3, init="xavier", rng=np.random.default_rng(0))
        self.act = nn.Tanh()
        self.out = nn.Linear(3, 1, rng=np.random.default_rng(1))

    def forward(self, x: Tensor) -> Tensor:
        result: Tensor = self.out(self.act(self.hidden(x)))
        return result


class NoSuperInit(nn.Module):
    """A subclass that forgets super().__init__() still registers its parameters."""

    def __init__(self) -> None:
        self.w = nn.Parameter(np.ones(2))

    def forward(self, x: Tensor) -> Tensor:
        return x * self.w


def test_parameters_and_submodules_register_with_dotted_names() -> None:
    model = TwoLayer()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [p.shape for p in model.parameters()] == [(3, 2), (3,), (1, 3), (1,)]  # type: ignore[union-attr]
    assert [name for name, _ in model.named_modules()] == ["", "hidden", "act", "out"]
    assert [name for name, _ in model.named_children()] == ["hidden", "act", "out"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())
    assert [name for name, _ in NoSuperInit().named_parameters()] == ["w"]


def test_sequential_names_and_nested_names() -> None:
    inner = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    model = nn.Sequential(inner, nn.Linear(2, 1))
    assert [n for n, _ in model.named_parameters()] == [
        "0.0.weight",
        "0.0.bias",
        "1.weight",
        "1.bias",
    ]
    assert len(model) == 2 and model[1] is list(model)[1]


def test_reassigning_or_deleting_an_attribute_unregisters_it() -> None:
    model = TwoLayer()
    model.out = nn.Linear(3, 2)  # replaced: the new one is registered in the same place
    assert [p.shape for _, p in model.named_parameters()][-2:] == [(2, 3), (2,)]  # type: ignore[union-attr]
    model.hidden = None  # type: ignore[assignment]
    assert [n for n, _ in model.named_parameters()] == ["out.weight", "out.bias"]
    del model.out
    assert model.parameters() == []
    layer = nn.Linear(2, 2, bias=False)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_plain_tensors_and_values_are_not_parameters() -> None:
    module = nn.Module()
    module.cache = Tensor(np.ones(2), requires_grad=True)  # intermediate results, inputs...
    module.x = Value(1.0)
    module.w = nn.ScalarParameter(0.5)
    assert [n for n, _ in module.named_parameters()] == ["w"]
    with pytest.raises(TypeError, match="Parameter"):
        module.register_parameter("v", Tensor(np.ones(2), requires_grad=True))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'.'"):
        module.add_module("a.b", nn.ReLU())


def test_shared_parameters_and_modules_are_listed_once() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert len(model.parameters()) == 2
    assert [n for n, _ in model.named_modules()] == ["", "0", "1"]


def test_zero_grad_resets_tensor_and_value_parameters() -> None:
    model = TwoLayer()
    neuron = nn.Neuron(2, "sigmoid")
    model(Tensor(np.ones((4, 2)))).sum().backward()
    neuron([1.0, 2.0]).backward()
    assert all(p.grad is not None for p in model.parameters())
    assert any(p.grad != 0.0 for p in neuron.parameters())
    model.zero_grad()
    neuron.zero_grad()
    # PyTorch's default set_to_none=True: None for Values too (the next backward reads 0.0)
    assert all(p.grad is None for p in model.parameters())
    assert all(p.grad is None for p in neuron.parameters())
    model(Tensor(np.ones((4, 2)))).sum().backward()
    neuron([1.0, 2.0]).backward()
    model.zero_grad(set_to_none=False)
    neuron.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in model.parameters())
    assert all(p.grad == 0.0 for p in neuron.parameters())


def test_train_and_eval_set_the_mode_recursively() -> None:
    model = TwoLayer()
    assert model.training and all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_forward_must_be_defined() -> None:
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        nn.Module()(1.0)


def test_calling_a_module_records_its_path_as_the_scope_of_every_node() -> None:
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
    cost = nn.SquaredErrorLoss()(model(Tensor(np.ones((4, 2)))), np.zeros((4, 1)))
    nodes = topological_order(cost)
    scopes = {node.scope for node in nodes if not node.is_leaf}
    assert scopes == {
        ("Sequential", "0"),
        ("Sequential", "1"),
        ("Sequential", "2"),
        ("Sequential", "3"),
        ("SquaredErrorLoss",),
    }
    first = model[0]
    assert isinstance(first, nn.Linear)
    layer = next(n for n in nodes if n.op == "linear" and n.parents[1] is first.weight)
    assert layer.scope == ("Sequential", "0")
    # Calling a model writes nothing to its (shared) parameters; viz boxes them by use.
    assert first.weight.scope == () and first.bias is not None and first.bias.scope == ()


def test_scope_names_follow_attribute_names_and_can_be_chosen() -> None:
    model = TwoLayer()
    model.scope_name = "net"
    with scope("experiment"):
        y = model(Tensor(np.ones((1, 2))))
    assert y.scope == ("experiment", "net", "out")
    hidden = topological_order(y)
    assert ("experiment", "net", "hidden") in {n.scope for n in hidden}
    assert ("experiment", "net", "act") in {n.scope for n in hidden}
    with pytest.raises(ValueError):
        model.scope_name = ""


def test_scalar_network_scopes_match_parameter_names() -> None:
    mlp = nn.MLP(2, [2, 1], rng=np.random.default_rng(0))
    out = mlp([1.0, -1.0])
    assert out.scope == ("MLP", "layers.1", "neurons.0")
    # the scope path of a neuron's nodes matches its parameters' dotted names
    assert "layers.0.neurons.1.w.0" in dict(mlp.named_parameters())
    assert ("MLP", "layers.0", "neurons.1") in {n.scope for n in topological_order(out)}
    with pytest.raises(TypeError, match="container"):
        mlp.layers(1.0)


def test_repr_is_a_readable_tree() -> None:
    model = nn.Sequential(nn.Linear(2, 3, init="xavier"), nn.Sigmoid(), nn.Linear(3, 1))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True, init='xavier')\n"
        "  (1): Sigmoid()\n"
        "  (2): Linear(in_features=3, out_features=1, bias=True, init='plain')\n"
        ")"
    )
    text = repr(nn.MLP(2, [16, 1], rng=np.random.default_rng(0)))
    assert "(0-15): 16 x Neuron(2 inputs, activation='relu')" in text
    assert "(0): Neuron(16 inputs, activation=None)" in text
    assert text.count("\n") < 20


def test_parameter_wraps_arrays_and_keeps_float32() -> None:
    p = nn.Parameter(np.ones(3, dtype=np.float32))
    assert p.dtype == np.float32 and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter(")
    assert nn.Parameter([1, 2]).dtype == np.float64
    with pytest.raises(TypeError):
        nn.Parameter(np.ones(2, dtype=np.int64), dtype=np.int64)
    s = nn.ScalarParameter(2.0)
    assert isinstance(s, Value) and repr(s).startswith("ScalarParameter(")
    assert nn.Linear(2, 2, dtype=np.float32).weight.dtype == np.float32


def test_state_dict_copies_and_load_state_dict_round_trip_bit_exact() -> None:
    source = TwoLayer()
    state = source.state_dict()
    assert list(state) == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    state["hidden.weight"][0, 0] = 123.0  # a copy: the module is untouched
    assert source.hidden.weight.data[0, 0] != 123.0

    target = TwoLayer()
    for p in target.parameters():
        p.data = p.data + 1.0  # type: ignore[assignment]
    target.load_state_dict(source.state_dict())
    for (name, a), (_, b) in zip(source.named_parameters(), target.named_parameters()):
        assert a.data.tobytes() == b.data.tobytes(), name  # type: ignore[union-attr]
        assert a is not b and a.data is not b.data


def test_scalar_state_dict_round_trip() -> None:
    source = nn.MLP(2, [3, 1], rng=np.random.default_rng(0))
    target = nn.MLP(2, [3, 1], rng=np.random.default_rng(1))
    state = source.state_dict()
    assert state["layers.0.neurons.2.w.1"].shape == ()
    target.load_state_dict(state)
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]


def _snapshot(module: nn.Module) -> list[bytes]:
    return [np.asarray(p.data).tobytes() for p in module.parameters()]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.pop("out.bias"), "missing keys: out.bias"),
        (lambda s: s.update(extra=np.ones(1)), "unexpected keys: extra"),
        (lambda s: s.update({"out.weight": np.ones((3, 1))}), r"out.weight: shape \(3, 1\)"),
        (lambda s: s.update({"out.bias": np.array(["a"])}), "expected numbers"),
    ],
)
def test_load_state_dict_errors_are_clear_and_change_nothing(edit, message) -> None:  # type: ignore[no-untyped-def]
    model = TwoLayer()
    before = _snapshot(model)
    state = {k: v + 1 for k, v in model.state_dict().items()}
    edit(state)
    with pytest.raises(ValueError, match=message) as info:
        model.load_state_dict(state)
    assert "nothing was changed" in str(info.value)
    assert _snapshot(model) == before


def test_non_strict_load_reports_what_it_skipped() -> None:
    model = TwoLayer()
    state = model.state_dict()
    del state["out.bias"]
    state["extra"] = np.zeros(1)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["out.bias"] and result.unexpected_keys == ["extra"]
    with pytest.raises(ValueError, match="shape"):
        model.load_state_dict({"out.bias": np.zeros(2)}, strict=False)
