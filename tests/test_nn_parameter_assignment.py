"""Assigning to a registered parameter attribute follows PyTorch: a Parameter replaces it,
None empties it, anything else is an error that says what to write instead."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value, no_grad


@pytest.mark.parametrize(
    "value",
    [Tensor(np.ones((1, 2))), Tensor(np.ones((1, 2)), requires_grad=True), np.ones((1, 2)), 3.0],
    ids=["tensor", "tensor requiring grad", "array", "number"],
)
def test_assigning_a_non_parameter_to_a_parameter_is_an_error(value: Any) -> None:
    lin = nn.Linear(2, 1)
    weight = lin.weight
    with pytest.raises(TypeError) as info:
        lin.weight = value
    message = str(info.value)
    assert "Linear.weight is a registered parameter" in message
    assert type(value).__name__ in message
    assert "module.weight = nn.Parameter(...)" in message
    assert "no_grad()" in message and "module.weight -= " in message
    assert "module.weight.data[...] = " in message
    assert lin.weight is weight and [n for n, _ in lin.named_parameters()] == ["weight", "bias"]


def test_assigning_the_same_parameter_back_keeps_it_in_its_place() -> None:
    # What ``lin.weight -= step`` does once -= works in place and returns the parameter.
    lin = nn.Linear(2, 1)
    weight = lin.weight
    with no_grad():
        lin.weight = weight
    assert lin.weight is weight
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]  # not moved last


def test_assigning_another_parameter_replaces_it_in_place() -> None:
    lin = nn.Linear(2, 1)
    new = nn.Parameter(np.zeros((1, 2)))
    lin.weight = new
    assert lin.weight is new
    assert [(n, p) for n, p in lin.named_parameters()][0] == ("weight", new)
    assert new.label == "weight"


def test_assigning_none_empties_the_slot_and_keeps_it_a_parameter_slot() -> None:
    lin = nn.Linear(2, 1)
    lin.bias = None
    assert lin.bias is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    assert list(lin.state_dict()) == ["weight"]
    with pytest.raises(TypeError, match="Linear.bias is a registered parameter"):
        lin.bias = Tensor(np.zeros(1))  # still a parameter slot, as in PyTorch
    lin.bias = nn.Parameter(np.zeros(1))
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]
    del lin.bias  # deleting frees the name for anything
    lin.bias = Tensor(np.zeros(1))
    assert [n for n, _ in lin.named_parameters()] == ["weight"]


def test_a_module_cannot_take_a_parameters_place() -> None:
    lin = nn.Linear(2, 1)
    with pytest.raises(TypeError, match="Linear.weight is a registered parameter.*del module"):
        lin.weight = nn.ReLU()


def test_scalar_parameters_follow_the_same_rule() -> None:
    neuron = nn.Neuron(2, "sigmoid")
    bias = neuron.b
    names = [n for n, _ in neuron.named_parameters()]
    for value in [Value(0.5), 0.5]:
        with pytest.raises(TypeError) as info:
            neuron.b = value
        message = str(info.value)
        assert "Neuron.b is a registered parameter" in message
        assert "module.b = nn.ScalarParameter(...)" in message
        assert "module.b.data = " in message
    assert neuron.b is bias
    neuron.b = bias
    assert [n for n, _ in neuron.named_parameters()] == names
    neuron.b = nn.ScalarParameter(1.0)
    assert neuron(np.array([0.0, 0.0]).tolist()).data == pytest.approx(1 / (1 + np.exp(-1.0)))


def test_replacing_a_submodule_keeps_its_place() -> None:
    model = nn.Module()
    model.hidden = nn.Linear(2, 3)
    model.out = nn.Linear(3, 1)
    model.hidden = nn.Linear(2, 3)
    names = ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [n for n, _ in model.named_parameters()] == names


def test_plain_attributes_still_take_anything() -> None:
    lin = nn.Linear(2, 1)
    lin.cache = Tensor(np.ones(2))
    lin.cache = None
    lin.cache = 3
    assert [n for n, _ in lin.named_parameters()] == ["weight", "bias"]
