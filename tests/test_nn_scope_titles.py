"""nn's scopes carry the module's type and shape, which drawings show beside the name."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

import nn
from autograd_core import Tensor, Value
from autograd_core.context import ScopeName, call_in_scope, current_scope

graphviz = pytest.importorskip("graphviz", reason="viz needs the graphviz Python package")
import viz  # noqa: E402


def cluster_labels(source: str) -> list[str]:
    return re.findall(r"graph \[label=<([^>]*)>", source)


def test_a_scope_name_is_its_string_with_a_description() -> None:
    name = ScopeName("layer1", "Linear(2→3)")
    assert name == "layer1" and hash(name) == hash("layer1") and name.description == "Linear(2→3)"
    assert ("net", name) == ("net", "layer1")
    copy = pickle.loads(pickle.dumps(name))
    assert copy == "layer1" and copy.description == "Linear(2→3)"
    assert call_in_scope(name, current_scope) == ("layer1",)
    assert call_in_scope(name, current_scope)[0].description == "Linear(2→3)"


def test_module_calls_open_scopes_with_type_and_shape() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1))
    out = model(Tensor(np.ones((4, 2))))
    assert out.scope == ("Sequential", "2")  # paths compare as before
    assert [part.description for part in out.scope] == ["Sequential", "Linear(3→1)"]
    labels = cluster_labels(viz.to_dot(out.sum()).source)
    assert labels == ["Sequential", "0: Linear(2→3)", "1: Sigmoid", "2: Linear(3→1)"]
    collapsed = viz.to_dot(out.sum(), collapse="scope").source
    assert "<B>Sequential.0: Linear(2→3)</B>" in collapsed


def test_a_root_module_is_drawn_by_its_title_and_a_rename_keeps_it() -> None:
    layer = nn.Linear(2, 3)
    y = layer(Tensor(np.ones((1, 2)))).sum()
    assert cluster_labels(viz.to_dot(y).source) == ["Linear(2→3)"]
    layer.scope_name = "encoder"
    z = layer(Tensor(np.ones((1, 2)))).sum()
    assert cluster_labels(viz.to_dot(z).source) == ["encoder: Linear(2→3)"]


def test_scalar_networks_say_their_sizes() -> None:
    mlp = nn.MLP(2, [3, 1])
    assert mlp.scope_title() == "MLP(2→3→1)"
    assert mlp.layers[0].scope_title() == "Layer(2→3)"
    assert mlp.layers[0].neurons[0].scope_title() == "Neuron(2)"
    out = mlp([Value(1.0), Value(2.0)])  # one output: the Value itself
    labels = cluster_labels(viz.to_dot(out).source)
    assert "MLP(2→3→1)" in labels and "layers.1: Layer(3→1)" in labels
    assert "neurons.0: Neuron(3)" in labels
