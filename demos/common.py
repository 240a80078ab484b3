"""What every demo shares: its context (output folder, printing, pictures) and its result.

A demo is a function ``run(ctx) -> dict`` of the numbers it computed. Through ``ctx`` it
prints the blog's figure beside ours (``ctx.compare``), shows progress on long runs
(``ctx.progress``) and writes pictures (``ctx.figure`` / ``ctx.save_figure`` for plots,
``ctx.save_graph`` for computation graphs). Missing optional tools (matplotlib, the
Graphviz program) never stop a demo: it prints its numbers and says how to get pictures.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "BLAS_RTOL",
    "Comparison",
    "DemoContext",
    "DemoResult",
    "Tools",
    "tools",
    "PLOTS_HINT",
    "GRAPHVIZ_HINT",
    "OR_X",
    "OR_Y",
    "XOR_X",
    "XOR_Y",
]

PLOTS_HINT = 'matplotlib is not installed, so no plots; for plots: pip install -e ".[demos]"'
VIZ_HINT = 'the graphviz Python package is not installed, so no graphs: pip install -e ".[demos]"'
GRAPHVIZ_HINT = (
    "Graphviz's `dot` program is not on PATH, so graphs are written as .dot text; for SVG/PNG "
    "install it (Debian/Ubuntu: sudo apt-get install graphviz, macOS: brew install graphviz, "
    "conda: conda install -c conda-forge graphviz) or paste the .dot text into any DOT viewer"
)

# How closely a figure that went through matrix products must match the blog's: relative
# 1e-12. NumPy's matrix products run OpenBLAS kernels chosen for the CPU (AVX2, AVX-512, ...),
# which round differently, so the last digits of a cost after thousands of epochs differ
# between machines (by about 1e-15 relative); 12 significant digits agree on every machine.
BLAS_RTOL = 1e-12

# The blog's data, one example per row (batch-first; the blog stores examples as columns).
OR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
OR_Y = np.array([[0.0], [1.0], [1.0], [1.0]])
XOR_X = OR_X.copy()
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@dataclass(frozen=True)
class Tools:
    """Which optional tools are present: matplotlib, viz (graphviz package), Graphviz's dot."""

    matplotlib: bool
    viz: bool
    dot: bool


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@cache
def _cached_tools(path_env: str | None) -> Tools:
    return Tools(
        matplotlib=_importable("matplotlib"),
        viz=_importable("graphviz"),  # viz imports it only when drawing
        dot=shutil.which("dot") is not None,
    )


def tools() -> Tools:
    """Detect the optional tools (cached per PATH)."""
    return _cached_tools(os.environ.get("PATH"))


@dataclass
class Comparison:
    """One figure: what the blog states, what we computed, and whether they agree."""

    quantity: str
    blog: str
    ours: str
    agrees: bool | None  # None where the blog states no figure
    note: str = ""
    tolerance: str = ""  # how agreement was judged ("exact", "relative 1e-12", "3 d.p.", ...)


@dataclass
class DemoResult:
    """What a demo returns: its numbers, its blog comparisons and the pictures it wrote."""

    name: str
    values: dict[str, Any]
    comparisons: list[Comparison]
    files: dict[str, Path]
    seconds: float = 0.0

    @property
    def agrees(self) -> bool:
        """True when every figure the blog states is matched."""
        return all(c.agrees is not False for c in self.comparisons)


_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(m) for m in _NUMBER.findall(text)]


def _flat(ours: Any) -> list[float]:
    return [float(v) for v in np.ravel(np.asarray(ours, dtype=float))]


def _show(values: list[float], digits: int | None) -> str:
    if len(values) > 1 and digits is None and all(v.is_integer() for v in values):
        return "[" + ", ".join(str(int(v)) for v in values) + "]"  # class labels
    shown = [repr(v) if digits is None else f"{v:.{digits}f}" for v in values]
    return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"


def _tolerance(mode: str, arg: float) -> str:
    """How ``_agree`` judges a figure, in words for the printed row."""
    if mode == "exact":
        return "exact"
    if mode == "rel":
        return f"relative {arg:g}"
    if mode == "places":
        return f"{int(arg)} d.p."
    return f"truncated to {int(arg)} d.p."


def _agree(blog: list[float], ours: list[float], mode: str, arg: float) -> bool:
    if len(blog) != len(ours):
        return False
    for b, o in zip(blog, ours):
        if mode == "exact":
            ok = o == b
        elif mode == "rel":
            ok = math.isclose(o, b, rel_tol=arg, abs_tol=0.0)
        elif mode == "places":
            ok = abs(o - b) <= 0.5 * 10 ** -int(arg) + 1e-12
        else:  # "truncate": the blog cuts digits instead of rounding
            ok = math.trunc(o * 10 ** int(arg)) == round(b * 10 ** int(arg))
        if not ok:
            return False
    return True


@dataclass
class DemoContext:
    """Where a demo writes, how it prints, and what it has reported so far."""

    name: str
    out: Path
    plots: bool = True
    echo: Callable[[str], None] = print
    progress_every: int = 1000
    quick: bool = False  # the test suite's shorter runs, where a demo has one
    redraw: Callable[[str], None] | None = None  # rewrites the current line (a terminal)
    trace: bool = False  # train with autograd_core.traced steps, where a demo offers them
    comparisons: list[Comparison] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    _hinted: set[str] = field(default_factory=set)

    # ------------------------------------------------------------------ printing
    def say(self, text: str = "") -> None:
        """Print a line of the demo's narrative."""
        self.echo(text)

    def hint(self, text: str) -> None:
        """Print a hint once per demo (missing tools)."""
        if text not in self._hinted:
            self._hinted.add(text)
            self.echo(f"  note: {text}")

    def compare(
        self,
        quantity: str,
        blog: str | None,
        ours: float | Sequence[float] | np.ndarray,
        *,
        exact: bool = False,
        rel: float | None = None,
        places: int | None = None,
        truncate: int | None = None,
        note: str = "",
    ) -> Comparison:
        """Print the blog's figure beside ours and record whether they agree.

        ``blog`` is the text as the blog states it (None: the blog gives no figure). Agreement
        is ``exact``, within relative ``rel``, equal when rounded to ``places`` decimals (the
        default, 3), or, where the blog cuts digits off, equal when truncated to ``truncate``;
        the printed row says which. A figure that went through matrix products takes
        ``rel=BLAS_RTOL``: its last digits depend on the CPU. ``exact`` is for figures that are
        exact by construction (Value arithmetic, class labels).
        """
        values = _flat(ours)
        mode, arg = "places", 3.0 if places is None else float(places)
        if exact:
            mode, arg = "exact", 0.0
        elif rel is not None:
            mode, arg = "rel", rel
        elif truncate is not None:
            mode, arg = "truncate", float(truncate)
        decimals = places if places is not None else truncate
        shown = _show(values, None if decimals is None else decimals + 2)
        if blog is None:
            return self._record(Comparison(quantity, "-", shown, None, note))
        agrees = _agree(_numbers(blog), values, mode, arg)
        return self._record(
            Comparison(quantity, blog, shown, agrees, note, tolerance=_tolerance(mode, arg))
        )

    def compare_text(self, quantity: str, blog: str, ours: str) -> Comparison:
        """Like ``compare`` for words (what happened) rather than numbers."""
        return self._record(Comparison(quantity, blog, ours, ours == blog))

    def _record(self, row: Comparison) -> Comparison:
        self.comparisons.append(row)
        mark = {True: "ok", False: "DIFFERS", None: ""}[row.agrees]
        if mark and row.tolerance:
            mark += f" ({row.tolerance})"
        self.echo(f"  {row.quantity:<36} blog {row.blog:<24} ours {row.ours:<24} {mark}".rstrip())
        if row.note:
            self.echo(f"  {'':<36} ({row.note})")
        return row

    def progress(self, epoch: int, total: int, cost: float) -> None:
        """Print the epoch and current cost every ``progress_every`` epochs (and the last)."""
        if epoch % self.progress_every == 0 or epoch == total - 1:
            self.echo(f"    epoch {epoch:>5}/{total}  cost {cost:.10f}")

    def bar(self, label: str, done: int, total: int, note: str = "") -> None:
        """A progress bar, ``done`` of ``total``: redrawn in place where ``redraw`` is set (a
        terminal), and printed as a line once full, so a log has one line per bar."""
        width = 24
        filled = width * done // total
        line = f"    {label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        line = f"{line}  {note}" if note else line
        if done < total:
            if self.redraw is not None:
                self.redraw(line)
        elif self.redraw is not None:
            self.redraw(line + "\n")
        else:
            self.echo(line)

    # ------------------------------------------------------------------ pictures
    @property
    def can_plot(self) -> bool:
        """Whether plots will be written (asked for, and matplotlib present)."""
        if not self.plots:
            return False
        if not tools().matplotlib:
            self.hint(PLOTS_HINT)
            return False
        return True

    def figure(self, ncols: int = 1, nrows: int = 1, size: tuple[float, float] = (5, 4)) -> Any:
        """A new matplotlib Figure on the Agg canvas (no pyplot, no global state), or None."""
        if not self.can_plot:
            return None
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
        FigureCanvasAgg(fig)
        return fig

    def save_figure(self, fig: Any, key: str, filename: str) -> Path:
        """Save ``fig`` as ``out/filename`` and record it under ``key``."""
        path = self.out / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        from .plots import DPI

        fig.savefig(path, dpi=DPI)
        self.files[key] = path
        return path

    def save_graph(self, root: Any, key: str, filename: str, **options: Any) -> Path | None:
        """Render the computation graph of ``root`` with ``viz.render`` into ``out/filename``.

        Without the Graphviz program the graph is written as ``.dot`` text instead, with a
        hint on how to install Graphviz; without the graphviz package it is skipped.
        """
        if not self.plots:
            return None
        if not tools().viz:
            self.hint(VIZ_HINT)
            return None
        import viz

        path = self.out / filename
        if not tools().dot:
            self.hint(GRAPHVIZ_HINT)
            path = path.with_suffix(".dot")
        missing = getattr(viz, "GraphvizNotFoundError", None)
        try:
            written = Path(viz.render(root, path, **options))
        except RuntimeError as exc:
            if missing is None or not isinstance(exc, missing):
                raise
            self.hint(GRAPHVIZ_HINT)
            written = Path(viz.render(root, path.with_suffix(".dot"), **options))
        self.files[key] = written
        return written
