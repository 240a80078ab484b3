"""Linear algebra: ``einsum`` (with its rule), ``tensordot`` (an einsum), ``cumsum``,
``cumprod`` and ``prod`` (with their rules), ``norm``, and ``linear``, the fused layer
``x @ W.T + b``. (The ``@`` operator itself is Tensor's, in ``tensor``.)

einsum's rule is einsum again: the share of operand i contracts the upstream gradient with
the other operands back to operand i's subscripts, so second derivatives come free.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from .shape import concatenate, stack
from .tensor import (
    Operand,
    Tensor,
    _as_tensor,
    _describe,
    _norm_axis,
    _Op,
    _result,
    install_methods,
    where,
)

__all__ = ["einsum", "tensordot", "cumsum", "cumprod", "prod", "norm", "linear"]


# ------------------------------------------------------------------ einsum
def _parse(subscripts: str, ndims: list[int]) -> tuple[list[str], str]:
    """Operand and output subscripts, with ``...`` spelled out in letters of its own; the
    output of the implicit form is the broadcast axes, then the letters used once, in
    order (NumPy's rules)."""
    spec = subscripts.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: {subscripts!r} names {len(terms)} operands, got {len(ndims)}")
    spare = iter(c for c in string.ascii_letters if c not in spec)
    named = [len(t.replace("...", "")) for t in terms]
    widest = max([n - k for t, n, k in zip(terms, ndims, named) if "..." in t], default=0)
    broadcast = "".join(next(spare) for _ in range(max(widest, 0)))
    for k, (term, n) in enumerate(zip(terms, ndims)):
        if "..." in term:
            width = n - named[k]
            if width < 0:
                raise ValueError(f"einsum: {term!r} names more axes than the shape's {n}")
            terms[k] = term.replace("...", broadcast[len(broadcast) - width :])
    if not arrow:
        letters = "".join(terms)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in broadcast)
        output = broadcast + "".join(once)
    output = output.replace("...", broadcast)
    if "." in "".join(terms) + output:
        raise ValueError(f"einsum: {subscripts!r}: write the broadcast axes as '...'")
    return terms, output


def _without_repeats(term: str, node: Tensor) -> tuple[str, Tensor]:
    """A letter repeated within one operand (``'ii'``) reads its diagonal: taken first, as a
    recorded operation, so the contraction itself sees each letter once."""
    from .compose import diagonal  # compose builds on this module's neighbours

    while len(set(term)) != len(term):
        ch = next(c for c in term if term.count(c) > 1)
        p = term.index(ch)
        q = term.index(ch, p + 1)
        if node.shape[p] != node.shape[q]:
            raise ValueError(
                f"einsum: {ch!r} is repeated over axes of lengths {node.shape[p]} and "
                f"{node.shape[q]}; a diagonal needs equal lengths"
            )
        node = diagonal(node, 0, p, q)  # the diagonal becomes the last axis (NumPy)
        term = term[:p] + term[p + 1 : q] + term[q + 1 :] + ch
    return term, node


def _share(i: int, terms: list[str], output: str, sizes: dict[str, int]) -> Any:
    def vjp(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
        target = terms[i]
        others = [(terms[j], x[j]) for j in range(len(terms)) if j != i]
        present = set(output).union(*(set(t) for t, _ in others))
        # Letters summed away in operand i alone come back as a broadcast of ones.
        missing = "".join(ch for ch in target if ch not in present)
        parts = [output] + [t for t, _ in others]
        operands = [g] + [v for _, v in others]
        if missing:
            parts.append(missing)
            operands.append(np.ones([sizes[ch] for ch in missing], dtype=np.asarray(_raw(g)).dtype))
        spec = ",".join(parts) + "->" + target
        if any(isinstance(v, Tensor) for v in operands):
            return einsum(spec, *operands)
        return np.einsum(spec, *operands)

    return vjp


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, as ``numpy.einsum`` and ``torch.einsum``: explicit and implicit
    forms, ``...`` for broadcast axes, a repeated letter for a diagonal (``'ii->'``)."""
    anchor = next((o for o in operands if isinstance(o, Tensor)), None)
    if anchor is None:
        raise TypeError("einsum: give at least one Tensor operand")
    nodes = tuple(_as_tensor(o, "einsum", anchor) for o in operands)
    terms, output = _parse(subscripts, [n.ndim for n in nodes])
    if len(set(output)) != len(output):
        raise ValueError(f"einsum: {subscripts!r} repeats a letter in the output")
    pairs = [_without_repeats(term, node) for term, node in zip(terms, nodes)]
    terms, nodes = [t for t, _ in pairs], tuple(n for _, n in pairs)
    sizes: dict[str, int] = {}
    for term, node in zip(terms, nodes):
        if len(term) != node.ndim:
            raise ValueError(f"einsum: {term!r} names {len(term)} axes, shape is {node.shape}")
        for ch, n in zip(term, node.shape):
            if sizes.setdefault(ch, n) != n and n != 1 and sizes[ch] != 1:
                raise ValueError(f"einsum: axis {ch!r} has sizes {sizes[ch]} and {n}")
    spec = ",".join(terms) + "->" + output
    data = np.einsum(spec, *[n.data for n in nodes])
    op = _Op("einsum", *(_share(i, terms, output, sizes) for i in range(len(nodes))))
    # ctx: the explicit subscripts (repeated letters already taken out), for readers of the
    # graph (the ONNX export); the shares need none.
    return _result(data, nodes, op, spec)


def tensordot(
    a: Tensor, b: Any, axes: int | Sequence[Any] = 2, *, dims: int | Sequence[Any] | None = None
) -> Tensor:
    """``numpy.tensordot``: the last ``axes`` axes of ``a`` against the first of ``b`` (or
    the listed pairs), as an einsum; ``dims=`` is PyTorch's name."""
    axes = axes if dims is None else dims
    b = _as_tensor(b, "tensordot", a)
    if isinstance(axes, (int, np.integer)):
        a_axes = list(range(a.ndim - int(axes), a.ndim))
        b_axes = list(range(int(axes)))
    else:
        first, second = axes
        a_axes = [int(first)] if isinstance(first, (int, np.integer)) else list(first)
        b_axes = [int(second)] if isinstance(second, (int, np.integer)) else list(second)
    a_axes = [_norm_axis(x, a.ndim, "tensordot") for x in a_axes]
    b_axes = [_norm_axis(x, b.ndim, "tensordot") for x in b_axes]
    if len(a_axes) != len(b_axes):
        raise ValueError("tensordot: the two lists of axes must have the same length")
    letters = iter(string.ascii_letters)
    a_terms = [next(letters) for _ in range(a.ndim)]
    b_terms = [next(letters) for _ in range(b.ndim)]
    for x, y in zip(a_axes, b_axes):
        b_terms[y] = a_terms[x]
    out = [c for i, c in enumerate(a_terms) if i not in a_axes]
    out += [c for i, c in enumerate(b_terms) if i not in b_axes]
    return einsum(f"{''.join(a_terms)},{''.join(b_terms)}->{''.join(out)}", a, b)


# ------------------------------------------------------------------ running sums and norms
def _reversed_cumsum(v: Any, axis: int) -> Any:
    """Running sums from the end: element i is the sum of v[i:] (for arrays and Tensors)."""
    if isinstance(v, Tensor):
        return cumsum(v.flip(axis), axis).flip(axis)
    return np.flip(np.cumsum(np.flip(v, axis), axis=axis), axis)


def _cumsum_share(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
    # Each input feeds every later output: the share is the reversed running sum of g.
    return _reversed_cumsum(g, c)


CUMSUM = _Op("cumsum", _cumsum_share)


def cumsum(t: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Running sums along ``dim`` (PyTorch) or ``axis`` (NumPy); flattened without either."""
    chosen = dim if dim is not None else axis
    if chosen is None:
        return cumsum(t.reshape(-1), 0)
    a = _norm_axis(chosen, t.ndim, "cumsum")
    if not t.ndim:
        return t * 1.0  # a 0-d Tensor is its own running sum, as in PyTorch
    return _result(np.cumsum(t.data, axis=a), (t,), CUMSUM, a)


def _cumprod_share(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
    """d out_j / d x_i is the product of x_0..x_j without x_i. Where no factor is 0 that is
    out_j / x_i, so the share is the reversed running sum of g * out, over x. Otherwise
    share_i = (x_0 ... x_{i-1}) * s_i, where s_i = g_i + x_{i+1} s_{i+1} runs from the end:
    exact, and made of products and sums, so it serves arrays and nodes (every order)."""
    axis, t = c, x[0]
    data = t.data if isinstance(t, Tensor) else t
    nodes = isinstance(t, Tensor) or isinstance(g, Tensor)
    # The common case, as PyTorch computes it, where every running product is a normal
    # number (a 0, an underflow or an overflow would spoil out / x).
    magnitude = np.abs(out)
    if not nodes and np.all((magnitude >= np.finfo(data.dtype).tiny) & (magnitude < np.inf)):
        return _reversed_cumsum(g * out, axis) / t
    # Nodes always take the exact form: differentiating out / x again would cancel two
    # huge terms where x is tiny.

    def at(v: Any, i: Any) -> Any:
        return v[(slice(None),) * axis + (i,)]

    n = data.shape[axis]
    suffix = [at(g, n - 1)]
    for i in range(n - 2, -1, -1):
        suffix.append(at(g, i) + at(t, i + 1) * suffix[-1])
    suffix.reverse()
    one = np.ones_like(np.take(data, [0], axis=axis))
    before = [one, at(t, slice(0, n - 1))]
    if nodes:
        return cumprod(concatenate(before, axis), axis) * stack(suffix, axis)
    return np.cumprod(np.concatenate(before, axis), axis) * np.stack(suffix, axis)


CUMPROD = _Op("cumprod", _cumprod_share)


def cumprod(t: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Running products along ``dim`` (PyTorch) or ``axis`` (NumPy); flattened without
    either. The gradient is exact where a factor is 0."""
    chosen = dim if dim is not None else axis
    if chosen is None:
        return cumprod(t.reshape(-1), 0)
    a = _norm_axis(chosen, t.ndim, "cumprod")
    if not t.ndim:
        return t * 1.0  # a 0-d Tensor is its own running product, as in PyTorch
    return _result(np.cumprod(t.data, axis=a), (t,), CUMPROD, a)


def _others_product(x: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of the others along ``axis`` (exact with zeros):
    the running product before it times the running product after it."""

    def exclusive(a: np.ndarray) -> np.ndarray:  # [1, a0, a0 a1, ...]
        ones = np.ones_like(np.take(a, [0], axis=axis))
        shifted = np.concatenate([ones, np.delete(a, -1, axis=axis)], axis=axis)
        return np.cumprod(shifted, axis=axis)  # type: ignore[no-any-return]

    return exclusive(x) * np.flip(exclusive(np.flip(x, axis)), axis)  # type: ignore[no-any-return]


def _others_product_nodes(t: Tensor, axis: int) -> Tensor:
    """``_others_product`` as recorded operations: running products before and after."""
    n = t.shape[axis]
    one = np.ones_like(np.take(t.data, [0], axis=axis))

    def exclusive(v: Tensor) -> Tensor:  # [1, v0, v0 v1, ...]
        return cumprod(
            concatenate([one, v[(slice(None),) * axis + (slice(0, n - 1),)]], axis), axis
        )

    return exclusive(t) * exclusive(t.flip(axis)).flip(axis)


def _prod_share(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
    axis, keepdims = c
    if x[0].shape[axis] == 0:
        return np.zeros_like(x[0].data)  # an empty product has no factors to send shares to
    if isinstance(g, Tensor):
        # The same products, from recorded running products (exact to every order).
        g_node = g if keepdims else g.expand_dims(axis)
        return g_node * _others_product_nodes(x[0], axis)
    g_array = g if keepdims else np.expand_dims(g, axis)
    return g_array * _others_product(x[0], axis)


PROD = _Op("prod", _prod_share)


def prod(
    t: Tensor, dim: int | None = None, keepdim: bool = False, *, axis: int | None = None
) -> Tensor:
    """The product along ``dim`` (or ``axis``), of all elements without either; its
    gradients, of every order, are exact where a factor is 0."""
    chosen = dim if dim is not None else axis
    if chosen is None:
        if keepdim:
            raise TypeError("prod: keepdim needs a dim (the product of everything is a number)")
        return prod(t.reshape(-1), 0)
    a = _norm_axis(chosen, t.ndim, "prod")
    if not t.ndim:
        return t * 1.0  # a 0-d Tensor is its own product, as in PyTorch
    data = np.prod(t.data, axis=a, keepdims=keepdim)
    return _result(data, (t,), PROD, (a, keepdim))


def norm(t: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """The ``p``-norm over ``dim`` (all axes by default), with ``torch.norm``'s arguments:
    ``"fro"`` or 2 (Euclidean; its gradient at the zero vector is 0, as PyTorch), 1, inf,
    -inf, or any other positive number."""
    if p in ("fro", 2, 2.0):
        squares = (t * t).sum(axis=dim, keepdims=keepdim)
        zero = squares.data == 0
        # sqrt of a safe 1 where the norm is 0: finite slopes there, which `where` drops.
        safe = where(zero, np.ones_like(squares.data), squares)
        return where(zero, np.zeros_like(squares.data), safe.sqrt())
    if p in (1, 1.0):
        return t.abs().sum(axis=dim, keepdims=keepdim)
    if p == np.inf:
        return t.abs().max(axis=dim, keepdims=keepdim)
    if p == -np.inf:
        return t.abs().min(axis=dim, keepdims=keepdim)
    if isinstance(p, (int, float)) and p > 0:
        return (t.abs() ** p).sum(axis=dim, keepdims=keepdim) ** (1.0 / p)
    raise ValueError(f"norm: p must be 'fro', a positive number, inf or -inf, got {p!r}")


# ------------------------------------------------------------------ fused layer
# x @ W.T + b as one node (PyTorch's addmm): a layer costs one forward and one backward
# step instead of three (transpose, matmul, add). Batch axes of x are flattened for W and b.
def _linear_weight_grad(g: Any, out: Any, x: tuple[Any, ...], c: Any) -> Any:
    n_out, n_in = x[1].shape
    return g.reshape(-1, n_out).T @ x[0].reshape(-1, n_in)


LINEAR = _Op(
    "linear",
    lambda g, out, x, c: g @ x[1],
    _linear_weight_grad,
    lambda g, out, x, c: g.reshape(-1, x[1].shape[0]).sum(axis=0),
)


def linear(x: Operand, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` as one node; x is (..., in), weight (out, in), bias (out,)."""
    if not isinstance(weight, Tensor) or weight.ndim != 2:
        raise TypeError(
            f"linear: weight must be a 2-D Tensor of shape (out, in), got {_describe(weight)}"
        )
    x = _as_tensor(x, "linear", weight)
    n_out, n_in = weight.shape
    if x.ndim == 0 or x.shape[-1] != n_in:
        raise ValueError(
            f"linear: input of shape {x.shape} needs last axis {n_in} "
            f"to match weight {weight.shape}"
        )
    data = x.data @ weight.data.T
    if bias is None:
        return _result(data, (x, weight), LINEAR)
    bias = _as_tensor(bias, "linear", weight)
    if bias.shape != (n_out,):
        raise ValueError(f"linear: bias has shape {bias.shape}, expected ({n_out},)")
    return _result(data + bias.data, (x, weight, bias), LINEAR)


install_methods(globals(), "tensordot", "cumsum", "cumprod", "prod", "norm")
