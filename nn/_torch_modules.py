"""The PyTorch modules ``nn.to_torch`` needs that ``torch.nn`` lacks: the blog's cost.

This module imports torch, so only ``nn.torch_interop`` imports it, inside its functions:
importing ``nn`` never imports torch.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["SquaredErrorLoss", "EXTRA"]


class SquaredErrorLoss(torch.nn.Module):  # type: ignore[misc]
    """The blog's cost ``(1 / (2m)) * sum((target - input) ** 2)``, m = ``input.shape[0]``
    (1 for a 0-d input): ``nn.SquaredErrorLoss`` in PyTorch."""

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002  # PyTorch's name
        """The cost of ``input`` against ``target``, which must have the same shape."""
        if input.shape != target.shape:
            raise ValueError(
                f"SquaredErrorLoss: prediction shape {tuple(input.shape)} and target shape "
                f"{tuple(target.shape)} differ; reshape one so they match exactly"
            )
        if input.numel() == 0:
            raise ValueError("SquaredErrorLoss: the cost of an empty batch is undefined")
        examples = input.shape[0] if input.dim() else 1
        return ((target - input) ** 2).sum() / (2 * examples)


# By name, as ``torch.nn`` holds the others.
EXTRA: dict[str, type[Any]] = {"SquaredErrorLoss": SquaredErrorLoss}
