"""nn edge cases found in review: saturated BCE, NumPy hyper-parameters, in-place loading."""

from __future__ import annotations

import numpy as np

import nn
from autograd_core import Tensor


def test_bce_still_has_a_gradient_for_a_confidently_wrong_prediction() -> None:
    p = Tensor([1.0, 0.0, 0.5], requires_grad=True)  # probabilities exactly at the ends
    loss = nn.binary_cross_entropy(p, Tensor([0.0, 1.0, 1.0]))
    loss.backward()
    assert np.isfinite(loss.item()) and p.grad is not None
    assert p.grad[0] > 1e10 and p.grad[1] < -1e10  # clipping would have given exactly 0
    assert abs(p.grad[2] - (-2.0 / 3)) < 1e-12  # and nothing changes away from the ends


def test_optimisers_take_numpy_scalars_as_hyper_parameters() -> None:
    p = nn.Parameter(np.ones(2))
    p.grad = np.ones(2)
    nn.optim.SGD([p], lr=np.float32(0.5)).step()
    np.testing.assert_array_equal(p.data, [0.5, 0.5])


def test_load_state_dict_writes_into_the_existing_arrays() -> None:
    model = nn.Linear(2, 1)
    weight_array = model.weight.data
    state = {k: np.full_like(v, 3.0) for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    assert model.weight.data is weight_array  # optimisers holding the array see the change
    np.testing.assert_array_equal(weight_array, [[3.0, 3.0]])
