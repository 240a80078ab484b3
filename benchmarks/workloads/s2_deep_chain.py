"""S2: a deep chain x -> x*1.0001 + 0.0001, N steps, then backward; microseconds per op.

Each step is two operations (a multiply and an add), so a chain of N steps is 2N ops,
forward and backward included. The graph is freed after the clock stops, for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..adapters import load_ours
from ..floors import chain_by_hand
from ..harness import Bench
from ..report import Check, WorkloadResult, row_from
from .common import Config, Peers, as_float, missing_rows, run_benches

__all__ = ["run"]

TITLE = "deep chain x -> x*1.0001 + 0.0001, N steps (2N ops), forward + backward"


def _recording(
    chain: Callable[[int], tuple[Any, Any]], n: int, seen: dict[str, tuple[float, float]], name: str
) -> Callable[[], object]:
    """``chain(n)`` that keeps (y, dy/dx) as floats for the check, and returns the graph."""

    def run() -> object:
        x, y = chain(n)
        seen[name] = (as_float(y), as_float(x.grad))
        return x, y

    return run


def _check(name: str, n: int, got: tuple[float, float] | None, required: bool) -> Check:
    """y and dy/dx equal the plain-float loop, which multiplies in the same order."""
    want = chain_by_hand(n)
    if got is None:
        return Check(name, False, f"N={n}: no result", required)
    ok = all(abs(g - w) <= 1e-12 * abs(w) for g, w in zip(got, want))
    return Check(name, ok, f"N={n}: y={got[0]:.17g}, dy/dx={got[1]:.17g} vs floats", required)


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """Ours (GC on, and off for reference), micrograd as is and with its limit raised, PyTorch."""
    ours = load_ours()
    result = WorkloadResult("S2", TITLE)
    micrograd = peers.loaded.get("micrograd")
    torch = peers.loaded.get("PyTorch")
    sizes = cfg.pick([100], [10**3, 10**4, 10**5, 10**6], [10**3, 10**4, 10**5, 10**6])
    # In quick mode the biggest chain runs once, ours alone: enough to show that it works.
    ours_only_from = cfg.pick(10**9, 10**6, 10**9)

    if micrograd is not None:
        first = micrograd.first_failing_n()
        result.notes.append(
            f"micrograd at the default recursion limit raises RecursionError from N={first}"
            if first is not None
            else "micrograd did not fail up to N=5000 at this recursion limit"
        )

    for n in sizes:
        case = f"N={n:.0e}".replace("e+0", "e")
        seen: dict[str, tuple[float, float]] = {}
        benches = [
            Bench("ours", _recording(ours.chain, n, seen, "ours"), work=2 * n),
            Bench(
                "ours (GC off)", _recording(ours.chain, n, seen, "ours"), work=2 * n, gc_off=True
            ),
        ]
        if n < ours_only_from:
            if micrograd is not None:
                if n == sizes[0]:
                    # As installed (default recursion limit): shows the RecursionError once.
                    benches.append(
                        Bench("micrograd", _recording(micrograd.chain, n, seen, "mg"), work=2 * n)
                    )
                benches += [
                    Bench(
                        "micrograd (limit raised, GC off)",
                        _recording(micrograd.chain_deep, n, seen, "micrograd"),
                        work=2 * n,
                        gc_off=True,
                    ),
                ]
            if torch is not None:
                benches.append(
                    Bench("PyTorch 0-d", _recording(torch.chain, n, seen, "PyTorch"), work=2 * n)
                )
        else:
            benches = benches[:1]
        big = n >= 10**5
        if not big:
            # Short chains take milliseconds: several per sample, so one sample lasts ~50 ms.
            for bench in benches:
                bench.inner = None
        repeats = (
            1 if n >= ours_only_from else cfg.pick(1, 3 if not big else 2, 5 if not big else 3)
        )
        found = run_benches(cfg, benches, repeats, 0 if big else cfg.pick(0, 1, 1))

        reference = found.get("micrograd (limit raised, GC off)")
        result.rows += [row_from(case, found[b.name], "us/op", reference) for b in benches]
        if n < ours_only_from:
            result.rows += missing_rows(case, peers, "us/op", ["micrograd", "PyTorch"])
        result.checks.append(_check("ours", n, seen.get("ours"), required=True))
        for name in ("micrograd", "PyTorch"):
            if name in seen:
                result.checks.append(_check(name, n, seen[name], required=False))
    if cfg.mode == "quick":
        result.notes.append("quick mode: N=1e6 runs once, ours only; the full run times all")
    result.notes.append(
        "ours is judged as users run it (GC on); micrograd needs its recursion limit raised, "
        "a 1 GiB thread stack and the GC off to finish deep chains at all"
    )
    return result
