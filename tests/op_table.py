"""The operation table (as PyTorch's OpInfo): one entry per registered operation.

``test_op_table.py`` checks every entry: first and second derivatives against central
differences on both node types, dtype and shape of gradients, broadcasting, the edge
samples below and drawing. A registered operation without an entry fails a test. Every other
public operation (operators, reductions, shape, indexing, linear algebra) is in part two,
``op_table_structural.py``.

Edges are PyTorch 2.13's values (float64): ``(inputs, output, gradients)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

INF, NAN = math.inf, math.nan
Edge = tuple[tuple[float, ...], float, tuple[float, ...]]


@dataclass(frozen=True)
class Entry:
    """How to test one operation."""

    low: float = -3.0  # the domain sampled for derivative checks, per operand
    high: float = 3.0
    kinks: tuple[float, ...] = ()  # points where the derivative jumps: samples keep away
    differentiable: bool = True  # False: a step (floor, sign), whose gradient is 0
    params: tuple[dict[str, Any], ...] = ({},)  # keyword arguments to test with
    edges: tuple[Edge, ...] = ()
    second_low: float | None = None  # the second operand's domain, if it differs
    second_high: float | None = None
    away_from_integer_ratio: bool = False  # remainder/fmod jump where a / b is an integer


def entry(*edges: Edge, **options: Any) -> Entry:
    return Entry(edges=edges, **options)


POSITIVE = {"low": 0.2, "high": 4.0}

TABLE: dict[str, Entry] = {
    "exp": entry(((0.0,), 1.0, (1.0,)), ((-INF,), 0.0, (0.0,))),
    "log": entry(((0.0,), -INF, (INF,)), ((1.0,), 0.0, (1.0,)), **POSITIVE),
    "sqrt": entry(((0.0,), 0.0, (INF,)), ((-0.0,), -0.0, (-INF,)), **POSITIVE),
    "abs": entry(((0.0,), 0.0, (0.0,)), ((NAN,), NAN, (0.0,)), kinks=(0.0,)),
    "sin": entry(((0.0,), 0.0, (1.0,))),
    "cos": entry(((0.0,), 1.0, (-0.0,))),
    "tanh": entry(((INF,), 1.0, (0.0,)), ((0.0,), 0.0, (1.0,))),
    "sigmoid": entry(((-800.0,), 0.0, (0.0,)), ((0.0,), 0.5, (0.25,))),
    "relu": entry(((NAN,), NAN, (1.0,)), ((0.0,), 0.0, (0.0,)), kinks=(0.0,)),
    "log1p": entry(((-1.0,), -INF, (INF,)), ((0.0,), 0.0, (1.0,)), low=-0.8),
    "expm1": entry(((0.0,), 0.0, (1.0,))),
    "log2": entry(((0.0,), -INF, (INF,)), ((8.0,), 3.0, (0.18033688011112042,)), **POSITIVE),
    "log10": entry(((0.0,), -INF, (INF,)), ((100.0,), 2.0, (0.0043429448190325185,)), **POSITIVE),
    "exp2": entry(((0.0,), 1.0, (0.6931471805599453,)), ((3.0,), 8.0, (5.545177444479562,))),
    "square": entry(((-3.0,), 9.0, (-6.0,))),
    "reciprocal": entry(
        ((0.0,), INF, (-INF,)), ((-0.0,), -INF, (-INF,)), ((4.0,), 0.25, (-0.0625,)), **POSITIVE
    ),
    "rsqrt": entry(((0.0,), INF, (-INF,)), ((4.0,), 0.5, (-0.0625,)), **POSITIVE),
    "sign": entry(((NAN,), 0.0, (0.0,)), ((-2.0,), -1.0, (0.0,)), differentiable=False),
    "floor": entry(((2.5,), 2.0, (0.0,)), differentiable=False),
    "ceil": entry(((-2.5,), -2.0, (0.0,)), differentiable=False),
    "round": entry(((2.5,), 2.0, (0.0,)), ((3.5,), 4.0, (0.0,)), differentiable=False),
    "trunc": entry(((-2.5,), -2.0, (0.0,)), differentiable=False),
    "sinh": entry(((0.0,), 0.0, (1.0,))),
    "cosh": entry(((0.0,), 1.0, (0.0,))),
    "tan": entry(((0.0,), 0.0, (1.0,)), low=-1.2, high=1.2),
    "arcsin": entry(((1.0,), 1.5707963267948966, (INF,)), low=-0.9, high=0.9),
    "arccos": entry(((1.0,), 0.0, (-INF,)), low=-0.9, high=0.9),
    "arctan": entry(((INF,), 1.5707963267948966, (0.0,))),
    "arcsinh": entry(((0.0,), 0.0, (1.0,))),
    "arccosh": entry(((1.0,), 0.0, (INF,)), low=1.2, high=4.0),
    "arctanh": entry(((1.0,), INF, (INF,)), low=-0.9, high=0.9),
    "erf": entry(((0.0,), 0.0, (1.1283791670955126,)), ((INF,), 1.0, (0.0,))),
    "softplus": entry(
        ((0.0,), 0.6931471805599453, (0.5,)),
        ((30.0,), 30.0, (1.0,)),
        params=({}, {"beta": 2.0, "threshold": 5.0}),
    ),
    "gelu": entry(((0.0,), 0.0, (0.5,)), params=({}, {"approximate": "tanh"})),
    "silu": entry(((0.0,), 0.0, (0.5,))),
    "leaky_relu": entry(
        ((-2.0,), -0.02, (0.01,)), kinks=(0.0,), params=({}, {"negative_slope": 0.2})
    ),
    "elu": entry(
        ((-INF,), -1.0, (0.0,)), ((NAN,), NAN, (1.0,)), kinks=(0.0,), params=({}, {"alpha": 0.5})
    ),
    "hardtanh": entry(
        ((1.0,), 1.0, (0.0,)),
        ((NAN,), NAN, (1.0,)),
        kinks=(-1.0, 1.0),
        params=({}, {"min_val": -2.0, "max_val": 0.5}),
    ),
    # PyTorch 2.13's values, but for hardsigmoid's slope: PyTorch rounds 1/6 to float32's.
    "relu6": entry(
        ((NAN,), NAN, (1.0,)), ((6.0,), 6.0, (0.0,)), ((0.0,), 0.0, (0.0,)), kinks=(0.0, 6.0)
    ),
    "hardsigmoid": entry(
        ((0.0,), 0.5, (1 / 6,)), ((3.0,), 1.0, (0.0,)), ((NAN,), NAN, (0.0,)), kinks=(-3.0, 3.0)
    ),
    "hardswish": entry(
        ((0.0,), 0.0, (0.5,)),
        ((-3.0,), -0.0, (0.0,)),
        ((3.0,), 3.0, (1.0,)),
        ((2.0,), 1.6666666666666667, (1.1666666666666665,)),
        ((NAN,), NAN, (1.0,)),
        kinks=(-3.0, 3.0),
    ),
    "softsign": entry(((0.0,), 0.0, (1.0,)), ((-3.0,), -0.75, (0.0625,)), kinks=(0.0,)),
    "logsigmoid": entry(
        ((0.0,), -0.6931471805599453, (0.5,)), ((-800.0,), -800.0, (1.0,)), ((800.0,), 0.0, (0.0,))
    ),
    "selu": entry(
        ((0.0,), 0.0, (1.7580993408473766,)),
        ((-3.0,), -1.6705687287671118, (0.08753061208026487,)),
        ((NAN,), NAN, (1.0507009873554805,)),
        ((-INF,), -1.7580993408473766, (0.0,)),
        kinks=(0.0,),
    ),
    "celu": entry(
        ((0.0,), 0.0, (1.0,)),
        ((-3.0,), -0.950212931632136, (0.049787068367863944,)),
        ((NAN,), NAN, (1.0,)),
        kinks=(0.0,),
        params=({}, {"alpha": 0.5}),
    ),
    "mish": entry(
        ((0.0,), 0.0, (0.6,)),
        ((-3.0,), -0.1456474612756246, (-0.09339311453232084,)),
        ((800.0,), 800.0, (1.0,)),
        ((INF,), INF, (NAN,)),
    ),
    "logaddexp": entry(((INF, 0.0), INF, (1.0, 0.0)), ((0.0, 0.0), 0.6931471805599453, (0.5, 0.5))),
    "arctan2": entry(
        ((0.0, 0.0), 0.0, (0.0, -0.0)), ((1.0, 1.0), 0.7853981633974483, (0.5, -0.5)), low=0.3
    ),
    "remainder": entry(
        ((5.5, 2.0), 1.5, (1.0, -2.0)),
        ((-5.5, 2.0), 0.5, (1.0, 3.0)),
        second_low=0.5,
        away_from_integer_ratio=True,
    ),
    "fmod": entry(((-5.5, 2.0), -1.5, (1.0, 2.0)), second_low=0.5, away_from_integer_ratio=True),
    # The arithmetic operators (arithmetic.py): the same checks as every other operation.
    "add": entry(((INF, 1.0), INF, (1.0, 1.0)), ((-0.0, 0.0), 0.0, (1.0, 1.0))),
    "sub": entry(((1.0, NAN), NAN, (1.0, -1.0))),
    "mul": entry(((INF, 0.0), NAN, (0.0, INF)), ((-2.0, 3.0), -6.0, (3.0, -2.0))),
    "div": entry(
        ((1.0, 0.0), INF, (INF, -INF)),
        ((0.0, 0.0), NAN, (INF, NAN)),
        ((-1.0, 0.0), -INF, (INF, INF)),
        ((1.0, INF), 0.0, (0.0, -0.0)),
        second_low=0.5,
    ),
    "neg": entry(((0.0,), -0.0, (-1.0,)), ((INF,), -INF, (-1.0,))),
    "pow": entry(
        ((0.0, 0.5), 0.0, (INF, 0.0)),
        ((0.0, 0.0), 1.0, (0.0, 0.0)),
        ((0.0, 2.0), 0.0, (0.0, 0.0)),
        ((0.0, 1.0), 0.0, (1.0, 0.0)),
        ((0.0, -1.0), INF, (-INF, -INF)),
        ((-2.0, 2.0), 4.0, (-4.0, NAN)),
        ((-2.0, 0.5), NAN, (NAN, NAN)),
        ((2.0, 0.0), 1.0, (0.0, 0.6931471805599453)),
        low=0.2,
        high=3.0,
        second_low=-2.0,
        second_high=2.0,
        kinks=(0.0,),  # b == 0: a ** 0 is constant, so its slope in a is 0 (PyTorch's mask)
    ),
}

# Kinks of the parameterised versions too (hardtanh's bounds move with its parameters).
# (softplus switches to x where beta x > threshold: at x = 2.5 for beta 2, threshold 5.)
EXTRA_KINKS: dict[str, tuple[float, ...]] = {"hardtanh": (-2.0, 0.5), "softplus": (2.5,)}
