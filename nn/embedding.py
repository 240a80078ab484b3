"""Embeddings: ``embedding`` (rows of a weight picked by integer indices) and the
``Embedding`` layer.

Picking rows is indexing, so the backward pass adds each output row's gradient into the
row it came from (an index used twice collects both). The ``padding_idx`` row receives no
gradient: its picks are taken from the weight detached from the graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad, on_data, where

from .arguments import positive_int
from .init import RNG, normal
from .module import Module, Parameter

__all__ = ["embedding", "Embedding"]


def _indices(input: Any, count: int, name: str) -> np.ndarray:  # noqa: A002
    """``input`` as an integer array of indices into ``count`` rows, or a clear error."""
    raw = np.asarray(input.data if isinstance(input, Tensor) else input)
    if raw.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: indices must be integers, got dtype {raw.dtype}; convert them with "
            "Tensor(indices, dtype=np.int64)"
        )
    if raw.size and (raw.min() < 0 or raw.max() >= count):
        bad = raw[(raw < 0) | (raw >= count)].ravel()[0]
        raise IndexError(
            f"{name}: index {bad} is out of range for {count} embeddings (indices must lie in "
            f"[0, {count - 1}])"
        )
    return raw


def _padding_row(padding_idx: int | None, count: int, name: str) -> int | None:
    """PyTorch's ``padding_idx``: a row number, negative ones counted from the end."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"{name}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -count <= padding_idx < count:
        raise ValueError(
            f"{name}: padding_idx must be within num_embeddings ({count}), got {padding_idx}"
        )
    return int(padding_idx) % count


def _renormalise(weight: Tensor, picks: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale, in place, the picked rows whose ``norm_type``-norm exceeds ``max_norm`` down
    to it (PyTorch's ``max_norm``; as there, the 1e-7 keeps the division finite)."""
    rows = np.unique(picks)
    norms = np.linalg.norm(weight.data[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    with no_grad():
        weight[rows[over]] = weight.data[rows[over]] * (max_norm / (norms[over] + 1e-7))[:, None]


def _dense_only(scale_grad_by_freq: bool, sparse: bool, name: str) -> None:
    if scale_grad_by_freq or sparse:
        raise ValueError(
            f"{name}: scale_grad_by_freq and sparse gradients are not supported here; pass "
            "scale_grad_by_freq=False, sparse=False (dense gradients)"
        )


def embedding(
    input: Any,  # noqa: A002  # PyTorch's name
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` (num_embeddings, embedding_dim) at the integer ``input``
    indices: shape ``input.shape + (embedding_dim,)``. The ``padding_idx`` row gets no
    gradient; with ``max_norm``, picked rows longer than it are first shortened in place."""
    name = "embedding"
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise ValueError(
            f"{name}: weight must be a Tensor of shape (num_embeddings, embedding_dim), got "
            f"{getattr(weight, 'shape', type(weight).__name__)}"
        )
    _dense_only(scale_grad_by_freq, sparse, name)
    # Checked and read again by every replay of a traced function.
    picks = on_data(_indices, input, weight.shape[0], name)
    padding = _padding_row(padding_idx, weight.shape[0], name)
    if max_norm is not None:
        _renormalise(weight, picks, max_norm, norm_type)
    rows = weight[picks]
    if padding is None:
        return rows
    padded, others = on_data(_other_rows, picks, padding)
    if not padded:
        return rows
    # Equal numbers either way; only the detached picks are cut from the graph.
    return where(others, rows, weight.detach()[picks])


def _other_rows(picks: np.ndarray, padding: int) -> tuple[bool, np.ndarray]:
    """Whether any pick is the padding row, and where the picks are other rows (as a
    mask over the embedding's rows)."""
    others = (picks != padding)[..., None]
    return not others.all(), others


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim`` (PyTorch's
    ``Embedding``): integer indices of any shape in, their rows out.

    ``weight`` is drawn from N(0, 1) (NumPy's global stream, or ``rng``), with the
    ``padding_idx`` row zeroed; that row receives no gradient, so it stays as it is.
    """

    weight: Parameter

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        *,
        rng: RNG = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim", "Embedding")
        self.padding_idx = _padding_row(padding_idx, self.num_embeddings, "Embedding")
        _dense_only(scale_grad_by_freq, sparse, "Embedding")
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        table = normal((self.num_embeddings, self.embedding_dim), rng)
        if self.padding_idx is not None:
            table[self.padding_idx] = 0.0
        self.weight = Parameter(table, dtype=dtype)

    def forward(self, x: Any) -> Tensor:
        """Indices of any shape -> their rows, shape ``x.shape + (embedding_dim,)``."""
        return embedding(
            x,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.sparse,
        )

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2.0:
            text += f", norm_type={self.norm_type}"
        return text
