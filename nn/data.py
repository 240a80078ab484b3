"""Datasets and mini-batches, as PyTorch's ``torch.utils.data``: ``Dataset``,
``TensorDataset`` and ``DataLoader``.

A ``DataLoader`` over a ``TensorDataset`` takes each batch with one fancy index per tensor
(no Python loop over examples); over any other dataset it collates examples as PyTorch's
``default_collate`` does: Tensors and arrays are stacked along a new first axis, numbers
become a Tensor, tuples and lists of fields become a list of collated fields, dicts a dict.
Shuffling draws a fresh permutation at the start of every pass, from ``generator`` (a
``numpy.random.Generator``, or a seed for one) or, without one, from NumPy's global stream,
which ``autograd_core.manual_seed`` seeds (as PyTorch's global generator).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Union

import numpy as np

from autograd_core import Tensor, stack, tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader", "default_collate"]

Generator = Union[np.random.Generator, int, None]


class Dataset:
    """A map-style dataset: subclass it and define ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} does not define __len__")


class TensorDataset(Dataset):
    """Examples along the first axis of each of ``tensors``: ``dataset[i]`` is the tuple
    ``(t[i] for t in tensors)``. Arrays and nested lists are taken as Tensors."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: pass at least one tensor, e.g. TensorDataset(x, y)")
        converted = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors)
        for i, t in enumerate(converted):
            if t.ndim == 0:
                raise ValueError(
                    f"TensorDataset: tensor {i} is 0-d; each needs a first axis of examples"
                )
        lengths = [t.shape[0] for t in converted]
        if len(set(lengths)) > 1:
            raise ValueError(
                f"TensorDataset: size mismatch between tensors: their first axes have lengths "
                f"{lengths}; every tensor needs one entry per example"
            )
        self.tensors = converted

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def default_collate(batch: Sequence[Any]) -> Any:
    """Examples made into one batch (PyTorch's ``default_collate``): Tensors and arrays
    stacked along a new first axis, numbers as a Tensor, fields of tuples/lists as a list,
    of dicts as a dict, strings as a list."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if isinstance(first, (np.ndarray, numbers.Number, np.generic)):
        # PyTorch's dtypes: integer labels int64, booleans bool, arrays their own.
        stacked = np.stack([np.asarray(x) for x in batch])
        if not isinstance(first, (np.ndarray, np.generic)) and stacked.dtype.kind in "iu":
            stacked = stacked.astype(np.int64)
        return tensor(stacked)
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        return {key: default_collate([example[key] for example in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        sizes = {len(example) for example in batch}
        if len(sizes) > 1:
            raise ValueError(
                f"default_collate: examples have different numbers of fields {sorted(sizes)}"
            )
        fields = [default_collate(list(column)) for column in zip(*batch)]
        if isinstance(first, tuple) and hasattr(first, "_fields"):  # a namedtuple
            return type(first)(*fields)
        return fields
    raise TypeError(
        f"default_collate: cannot batch examples of type {type(first).__name__}; pass "
        "collate_fn=... to DataLoader"
    )


def _generator(generator: Generator) -> Any:
    if generator is None:
        return None
    if isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return np.random.default_rng(int(generator))
    raise TypeError(
        f"DataLoader: generator must be a numpy.random.Generator, a seed (int) or None, got "
        f"{type(generator).__name__}"
    )


class DataLoader:
    """Batches of ``batch_size`` examples of ``dataset`` (the last one smaller unless
    ``drop_last``), in order or, with ``shuffle``, in a new random order each pass.

    PyTorch's arguments in PyTorch's order; ``sampler`` may be any iterable of indices,
    ``batch_size=None`` yields single examples, and the multi-process options
    (``batch_sampler``, ``num_workers``, ``pin_memory``, ``timeout``, ``worker_init_fn``,
    ``multiprocessing_context``) must keep their defaults: batches are made here, in this
    process. ``generator`` is a ``numpy.random.Generator`` or a seed.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool = False,
        sampler: Iterable[int] | None = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Any = None,
        multiprocessing_context: Any = None,
        generator: Generator = None,
    ) -> None:
        unsupported = {
            "batch_sampler": (batch_sampler, None),
            "num_workers": (num_workers, 0),
            "pin_memory": (pin_memory, False),
            "timeout": (timeout, 0),
            "worker_init_fn": (worker_init_fn, None),
            "multiprocessing_context": (multiprocessing_context, None),
        }
        for name, (given, default) in unsupported.items():
            if given != default:
                raise ValueError(
                    f"DataLoader: {name}={given!r} is not supported (batches are made in this "
                    f"process, one at a time); leave it at {default!r}"
                )
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(
                f"DataLoader: the dataset ({type(dataset).__name__}) needs __getitem__ and "
                "__len__ (a map-style dataset, e.g. TensorDataset(x, y))"
            )
        if batch_size is not None and not (
            isinstance(batch_size, (int, np.integer))
            and not isinstance(batch_size, bool)
            and batch_size > 0
        ):
            raise ValueError(
                f"DataLoader: batch_size must be a positive integer or None, got {batch_size!r}"
            )
        if batch_size is None and drop_last:
            raise ValueError(
                "DataLoader: drop_last needs a batch_size (batch_size=None yields single examples)"
            )
        if sampler is not None and shuffle:
            raise ValueError(
                "DataLoader: sampler and shuffle cannot both be given; shuffle in the sampler"
            )
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.sampler = sampler
        self.collate_fn = collate_fn
        self.drop_last = bool(drop_last)
        self.generator = _generator(generator)

    def _order(self) -> Sequence[int]:
        """The indices of one pass (a fresh permutation when shuffling)."""
        n = len(self.dataset)
        if self.sampler is not None:
            return [int(i) for i in self.sampler]
        if not self.shuffle:
            return range(n)
        source = np.random if self.generator is None else self.generator
        return source.permutation(n)  # type: ignore[no-any-return]

    def _batch(self, indices: Sequence[int]) -> Any:
        if self.collate_fn is None and isinstance(self.dataset, TensorDataset):
            index = np.asarray(indices, dtype=np.intp)
            return [t[index] for t in self.dataset.tensors]  # one fancy index per tensor
        collate = default_collate if self.collate_fn is None else self.collate_fn
        return collate([self.dataset[int(i)] for i in indices])

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        if self.batch_size is None:
            for i in order:
                yield self.dataset[int(i)]
            return
        size = self.batch_size
        for start in range(0, len(order), size):
            indices = order[start : start + size]
            if self.drop_last and len(indices) < size:
                return
            yield self._batch(indices)

    def __len__(self) -> int:
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)  # type: ignore[arg-type]
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
