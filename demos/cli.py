"""``python -m demos [NAME ...] [--list] [--out DIR] [--no-plots] [--quick] [--trace]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .common import GRAPHVIZ_HINT, PLOTS_HINT, DemoResult, tools
from .registry import DEMOS, NOTEBOOK, run

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demos",
        description="Run the seed blog's and notebooks' examples on our engine: the blog's "
        "figures beside ours, learning curves, decision boundaries and graph images.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="demos to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the demos and exit")
    parser.add_argument(
        "--out", type=Path, default=Path("demo-output"), help="where pictures go (./demo-output)"
    )
    parser.add_argument("--no-plots", action="store_true", help="numbers only, no pictures")
    parser.add_argument(
        "--quick", action="store_true", help="shorter trainings where a demo has them (digits)"
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="train with traced steps (autograd_core.traced: the same numbers, replayed "
        "without building graphs): xor_network, digits and the other training loops",
    )
    return parser


def _list() -> None:
    for demo in DEMOS.values():
        print(f"  {demo.name:<18} {demo.summary}")
    print(f"  {'(notebook)':<18} {NOTEBOOK.name}: sliders for weight and bias on our engine;")
    print(f"  {'':<18} open with: jupyter lab {NOTEBOOK.relative_to(NOTEBOOK.parents[1])}")


def _summary(results: list[DemoResult], out: Path, plots: bool, seconds: float) -> None:
    rows = [c for r in results for c in r.comparisons if c.agrees is not None]
    differ = [(r.name, c) for r in results for c in r.comparisons if c.agrees is False]
    print()
    print(
        f"== {len(results)} demo(s) in {seconds:.1f} s: {len(rows) - len(differ)} of {len(rows)} "
        "figures stated by the seed documents (the blog, the notebook, micrograd's demo) agree "
        "with ours"
    )
    for name, row in differ:
        how = f" ({row.tolerance})" if row.tolerance else ""
        print(f"   DIFFERS  {name}: {row.quantity}: blog {row.blog}, ours {row.ours}{how}")
    files = [path for r in results for path in r.files.values()]
    if files:
        print(f"== Pictures ({len(files)} files) are in {out.resolve()}:")
        for path in files:
            print(f"   {path.name}")
    elif not plots:
        print("== No pictures (--no-plots).")
    else:
        print(f"== No pictures were written: {PLOTS_HINT}")
    if plots and not tools().dot and any(p.suffix == ".dot" for p in files):
        print(f"== Graphs are .dot text: {GRAPHVIZ_HINT}")


def _redraw(text: str) -> None:
    """Rewrite the terminal's current line (progress bars)."""
    sys.stdout.write("\r" + text)
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demos named in ``argv`` (all by default); 0 when every blog figure agrees."""
    args = _parser().parse_args(argv)
    if args.list:
        _list()
        return 0
    unknown = [name for name in args.names if name not in DEMOS]
    if unknown:
        print(f"unknown demo(s): {', '.join(unknown)}; the demos are: {', '.join(DEMOS)}")
        return 2
    plots = not args.no_plots
    if plots and not tools().matplotlib:
        print(f"note: {PLOTS_HINT}")
    start = time.perf_counter()
    results = []
    for name in args.names or list(DEMOS):
        redraw = _redraw if sys.stdout.isatty() else None  # a log gets whole lines only
        result = run(
            name, out=args.out, plots=plots, quick=args.quick, redraw=redraw, trace=args.trace
        )
        print(f"   ({result.seconds:.1f} s)\n")
        results.append(result)
    _summary(results, args.out, plots, time.perf_counter() - start)
    return 0 if all(r.agrees for r in results) else 1
