"""Hypothesis strategies for testing differentiable code (needs the ``hypothesis`` package)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - exercised only without hypothesis
    raise ImportError(
        "autograd_core.testing strategies need hypothesis: pip install hypothesis "
        '(or pip install -e ".[test]")'
    ) from exc

import numpy as np

from ..tensor import Tensor
from ..value import Value

__all__ = [
    "finite_floats",
    "positive_floats",
    "away_from",
    "values",
    "tensors",
    "broadcastable_shapes",
    "Expression",
    "expressions",
]


def finite_floats(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[float]:
    """Finite float64 numbers in [min_value, max_value]."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def positive_floats(min_value: float = 0.1, max_value: float = 10.0) -> st.SearchStrategy[float]:
    """Numbers in the domain of log and sqrt, kept away from 0 where finite differences fail."""
    if min_value <= 0:
        raise ValueError("positive_floats: min_value must be > 0")
    return finite_floats(min_value, max_value)


def away_from(
    kinks: Sequence[float] = (0.0,),
    margin: float = 1e-3,
    min_value: float = -10.0,
    max_value: float = 10.0,
) -> st.SearchStrategy[float]:
    """Numbers at least ``margin`` from each kink (relu and abs at 0, clip at its bounds)."""
    return finite_floats(min_value, max_value).filter(
        lambda x: all(abs(x - k) >= margin for k in kinks)
    )


def values(elements: st.SearchStrategy[float] | None = None) -> st.SearchStrategy[Value]:
    """Leaf ``Value`` nodes whose data is drawn from ``elements`` (finite floats by default)."""
    return st.builds(Value, elements if elements is not None else finite_floats())


def tensors(
    shape: tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
    dtype: Any = np.float64,
    elements: st.SearchStrategy[float] | None = None,
    requires_grad: bool = True,
) -> st.SearchStrategy[Tensor]:
    """``Tensor`` leaves of the given (or a drawn, small) shape and dtype."""
    shapes = shape if shape is not None else hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)
    if elements is None:
        bound = 10.0 if np.dtype(dtype) == np.float64 else 4.0
        elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=64)
    width = 32 if np.dtype(dtype) == np.float32 else 64
    element_strategy = (
        elements.map(lambda x: float(np.dtype(dtype).type(x))) if width == 32 else elements
    )
    arrays = hnp.arrays(dtype, shapes, elements=element_strategy)
    return arrays.map(lambda a: Tensor(a, requires_grad=requires_grad, dtype=dtype))


def broadcastable_shapes(
    n: int = 2, min_dims: int = 0, max_dims: int = 3, max_side: int = 4
) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``n`` shapes that broadcast together (NumPy rules), e.g. ((3, 1), (4,))."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, max_side=max_side
    ).map(lambda drawn: drawn.input_shapes)


# ------------------------------------------------------------------ random expressions
# Each step is smooth on all reals, so any composition can be checked by finite differences.
_UNARY: dict[str, Callable[[Any], Any]] = {
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "sin": lambda x: x.sin() if isinstance(x, Value) else (x * 1.0).tanh(),
    "square": lambda x: x * x,
    "log1p_sq": lambda x: (x * x + 1.0).log(),
    "sqrt1p_sq": lambda x: (x * x + 1.0).sqrt(),
    "exp_tanh": lambda x: x.tanh().exp(),
    "neg": lambda x: -x,
    "recip1p_sq": lambda x: 1.0 / (x * x + 1.0),
}
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (b * b + 1.0),
}


@dataclass(frozen=True)
class Expression:
    """A random differentiable function of ``arity`` inputs, as a list of steps.

    Each step applies a unary or binary operation to earlier results (inputs first), so
    results are reused along several paths, as in real graphs. Calling it with Values or
    Tensors builds the graph; ``repr`` shows the formula.
    """

    arity: int
    steps: tuple[tuple[str, tuple[int, ...]], ...]
    inputs: tuple[float, ...] = field(default=())

    def __call__(self, *args: Any) -> Any:
        if len(args) != self.arity:
            raise TypeError(f"Expression takes {self.arity} inputs, got {len(args)}")
        results = list(args)
        for name, operands in self.steps:
            fn: Callable[..., Any] = _UNARY.get(name) or _BINARY[name]
            results.append(fn(*(results[i] for i in operands)))
        out = results[-1]
        return out.sum() if isinstance(out, Tensor) else out

    def __repr__(self) -> str:
        names = [f"x{i}" for i in range(self.arity)]
        for name, operands in self.steps:
            args = [names[i] for i in operands]
            names.append(
                f"({args[0]} {name} {args[1]})" if name in _BINARY else f"{name}({args[0]})"
            )
        return f"Expression({names[-1]}, inputs={self.inputs})"


@st.composite
def expressions(draw: st.DrawFn, max_inputs: int = 3, max_steps: int = 8) -> Expression:
    """A random computation graph over 1..max_inputs inputs, with input values to check it at."""
    arity = draw(st.integers(1, max_inputs))
    steps: list[tuple[str, tuple[int, ...]]] = []
    for k in range(draw(st.integers(1, max_steps))):
        available = arity + k
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(_UNARY)))
            steps.append((name, (draw(st.integers(0, available - 1)),)))
        else:
            name = draw(st.sampled_from(sorted(_BINARY)))
            a = draw(st.integers(0, available - 1))
            b = draw(st.integers(0, available - 1))
            steps.append((name, (a, b)))
    inputs = tuple(draw(st.lists(finite_floats(-2.0, 2.0), min_size=arity, max_size=arity)))
    assert all(math.isfinite(x) for x in inputs)
    return Expression(arity, tuple(steps), inputs)
