"""What every workload shares: the run configuration, loss checks, 'not installed' rows."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

from ..adapters import load_own
from ..harness import Bench, Measurement, compare
from ..report import Check, Row, row_from

__all__ = [
    "Config",
    "Peers",
    "as_float",
    "first_losses",
    "loss_check",
    "missing_rows",
    "run_benches",
    "contenders",
    "rows_against_floor",
    "FLOOR",
]

T = TypeVar("T")

# The contender every array workload is measured against: the network written by hand.
FLOOR = "NumPy by hand"

# RTOL: identical results first: in float64 our loss must equal the floor's this closely.
RTOL_FLOAT64 = 1e-12


@dataclass
class Config:
    """How big and how long: ``tiny`` (smoke test), ``quick`` (< 3 min) or ``full``."""

    mode: str = "full"
    threads: int = 1
    verbose: bool = False

    def pick(self, tiny: T, quick: T, full: T) -> T:
        """The setting for this mode."""
        return {"tiny": tiny, "quick": quick, "full": full}[self.mode]

    def log(self, message: str) -> None:
        """Progress on stderr (only with --verbose), so stdout stays the table."""
        if self.verbose:
            print(message, file=sys.stderr, flush=True)


@dataclass
class Peers:
    """The installed peers' adapters and, for the others, why they are missing."""

    loaded: dict[str, ModuleType]
    missing: dict[str, str]

    def having(self, function: str) -> list[tuple[str, Any]]:
        """(name, adapter function) for each installed peer that implements ``function``."""
        return [
            (name, getattr(module, function))
            for name, module in self.loaded.items()
            if hasattr(module, function)
        ]


def as_float(x: Any) -> float:
    """A loss as a Python float, whatever the library returned (Tensor, array, Value, float)."""
    item = getattr(x, "item", None)
    if callable(item):
        return float(item())
    if hasattr(x, "data") and not isinstance(x, (int, float)):
        return as_float(x.data)
    return float(x)


def first_losses(step: Callable[[], Any], count: int) -> list[float]:
    """The losses of the first ``count`` training steps of a fresh trainer."""
    return [as_float(step()) for _ in range(count)]


def loss_check(
    contender: str,
    reference: Sequence[float],
    got: Sequence[float],
    rtol: float = RTOL_FLOAT64,
    required: bool = True,
    against: str = "floor",
) -> Check:
    """Whether ``got`` equals ``reference`` step by step to ``rtol`` relative."""
    worst = 0.0
    for ref, value in zip(reference, got):
        if not (math.isfinite(ref) and math.isfinite(value)):
            worst = math.inf
            break
        worst = max(worst, abs(value - ref) / max(abs(ref), 1e-300))
    ok = len(reference) == len(got) and worst <= rtol
    detail = f"{len(got)} steps vs {against}, max rel diff {worst:.1e} (tolerance {rtol:.0e})"
    return Check(contender, ok, detail, required)


def missing_rows(case: str, peers: Peers, unit: str, names: Sequence[str]) -> list[Row]:
    """A 'not installed' row for each of ``names`` that is missing."""
    return [
        Row(case, name, None, unit, note=peers.missing[name])
        for name in names
        if name in peers.missing
    ]


def run_benches(
    cfg: Config, benches: Sequence[Bench], repeats: int, warmup: int, target_s: float = 0.05
) -> dict[str, Measurement]:
    """``compare`` the benches, keyed by name."""
    log = cfg.log if cfg.verbose else None
    # The smoke test (tiny) checks results, not times: skip the costly collections there.
    found = compare(benches, repeats, warmup, target_s, log, collect=cfg.mode != "tiny")
    return {m.name: m for m in found}


def contenders(function: str, floor: Any, peers: Peers) -> list[tuple[str, Any]]:
    """(name, factory): the floor first, then each of our adapters (``OURS_MODULES``) and
    each installed peer that implements ``function``."""
    own = [(n, getattr(m, function)) for n, m in load_own().items() if hasattr(m, function)]
    return [(FLOOR, floor), *own, *peers.having(function)]


def rows_against_floor(
    case: str,
    found: dict[str, Measurement],
    names: Sequence[str],
    unit: str,
    peers: Peers,
    peer_names: Sequence[str],
) -> list[Row]:
    """One row per contender with its ratio to the floor, then rows for missing peers."""
    rows = [row_from(case, found[name], unit, found[FLOOR]) for name in names]
    return rows + missing_rows(case, peers, unit, peer_names)
