"""The list of demos and how to run one: ``run(name, out, plots)`` -> ``DemoResult``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import (
    digits,
    export,
    hand_calculation,
    learning_rate,
    linear_regression,
    moons,
    or_gate,
    relu_fit,
    xor_feature_cross,
    xor_network,
)
from .common import DemoContext, DemoResult

__all__ = ["Demo", "DEMOS", "NOTEBOOK", "names", "run"]

NOTEBOOK = Path(__file__).with_name("geometric_intuition.ipynb")


@dataclass(frozen=True)
class Demo:
    """A registered demo: its name, a one-line summary and its ``run(ctx) -> values``."""

    name: str
    summary: str
    run: Callable[[DemoContext], dict[str, Any]]


DEMOS: dict[str, Demo] = {
    module.NAME: Demo(module.NAME, module.SUMMARY, module.run)
    for module in (
        hand_calculation,
        or_gate,
        xor_feature_cross,
        xor_network,
        learning_rate,
        linear_regression,
        relu_fit,
        moons,
        digits,
        export,
    )
}


def names() -> list[str]:
    """The demos in the order the blog and the notebook tell them."""
    return list(DEMOS)


def run(
    name: str,
    out: str | Path = "demo-output",
    plots: bool = True,
    echo: Callable[[str], None] = print,
    progress_every: int = 1000,
    quick: bool = False,
    redraw: Callable[[str], None] | None = None,
    trace: bool = False,
) -> DemoResult:
    """Run one demo, writing its pictures into ``out`` (none with ``plots=False``).

    ``quick`` shortens the demos that have a shorter run (the tests'); ``redraw`` rewrites
    the current output line, for progress bars on a terminal; ``trace`` trains with the
    traced step where a demo offers it."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; the demos are: {', '.join(DEMOS)}")
    demo = DEMOS[name]
    ctx = DemoContext(
        name,
        Path(out),
        plots=plots,
        echo=echo,
        progress_every=progress_every,
        quick=quick,
        redraw=redraw,
        trace=trace,
    )
    echo(f"== {name}: {demo.summary}")
    start = time.perf_counter()
    values = demo.run(ctx)
    seconds = time.perf_counter() - start
    return DemoResult(name, values, ctx.comparisons, dict(ctx.files), seconds)
