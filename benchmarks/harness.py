"""Timing: interleaved A B A B samples after a warm-up, summarised by median and IQR.

Why interleave: on a shared machine the speed drifts (another process takes a core, the
CPU clocks down). Timing all of A and then all of B puts that drift into the ratio;
alternating spreads it over both, and reversing the order every other round (A B C,
C B A, ...) cancels a steady drift within a round as well.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Bench", "Stats", "Measurement", "summarise", "calibrate", "compare"]


@dataclass
class Bench:
    """One contender: ``fn`` does ``work`` units of work per call (ops, steps, epochs...).

    ``inner`` calls make one sample (``None``: calibrated so that a sample lasts about
    ``target_s``). ``gc_off`` times with the cyclic garbage collector disabled, as
    micrograd's figures are often quoted. ``collect_timed`` ends each sample with a timed
    ``gc.collect()`` after dropping the results: with the collector off, that is what a
    training loop must still pay to free cyclic garbage (micrograd's graphs are cycles).
    """

    name: str
    fn: Callable[[], object]
    work: float = 1.0
    inner: int | None = 1
    gc_off: bool = False
    collect_timed: bool = False


@dataclass
class Stats:
    """Summary of samples, each in seconds per unit of work."""

    samples: list[float]
    median: float
    q1: float
    q3: float
    low: float
    high: float

    @property
    def iqr_rel(self) -> float:
        """Interquartile range relative to the median (0.05 means a 5 % spread)."""
        return (self.q3 - self.q1) / self.median if self.median else 0.0


@dataclass
class Measurement:
    """What ``compare`` found for one ``Bench``: stats, or the error that stopped it."""

    name: str
    stats: Stats | None = None
    error: str | None = None
    inner: int = 1


def summarise(samples: Sequence[float]) -> Stats:
    """Median, quartiles (inclusive method, so 2-3 samples still work) and extremes."""
    data = sorted(samples)
    if len(data) == 1:
        q1 = q3 = data[0]
    else:
        q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return Stats(list(samples), statistics.median(data), q1, q3, data[0], data[-1])


def _time_once(bench: Bench, inner: int, collect: bool = True) -> float:
    """Seconds for ``inner`` calls; the result of the last call is dropped after the clock stops."""
    fn = bench.fn
    if collect:
        # So that garbage left by the previous contender is not charged to this one.
        gc.collect()
    was_enabled = gc.isenabled()
    if bench.gc_off:
        gc.disable()
    try:
        result: object = None
        start = time.perf_counter()
        for _ in range(inner):
            result = fn()
        if bench.collect_timed:
            result = None
            gc.collect()
        elapsed = time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()
    # Freeing a large graph is not part of building and differentiating it.
    del result
    return elapsed


def calibrate(bench: Bench, target_s: float, max_inner: int = 1_000_000) -> int:
    """How many calls make one sample last about ``target_s`` (doubling from one call)."""
    inner = 1
    while True:
        elapsed = _time_once(bench, inner, collect=False)
        if elapsed >= target_s / 2 or inner >= max_inner:
            break
        inner *= 2
    if elapsed <= 0:
        return inner
    return max(1, min(max_inner, round(inner * target_s / elapsed)))


def compare(
    benches: Sequence[Bench],
    repeats: int,
    warmup: int = 1,
    target_s: float = 0.05,
    log: Callable[[str], None] | None = None,
    collect: bool = True,
) -> list[Measurement]:
    """Time every bench ``repeats`` times, interleaved, after ``warmup`` untimed rounds.

    A bench that raises is reported with its error and left out of later rounds, so one
    failing peer does not stop the others. ``collect=False`` skips the full garbage
    collection before each sample (costly in a big process; fine when not timing).
    """
    results = {b.name: Measurement(b.name) for b in benches}
    inners: dict[str, int] = {}
    samples: dict[str, list[float]] = {b.name: [] for b in benches}
    live = list(benches)

    def attempt(bench: Bench, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # a failing peer is a result (e.g. RecursionError), not a crash
            results[bench.name].error = f"{type(exc).__name__}: {exc}"[:200]
            live.remove(bench)

    for bench in list(live):

        def setup(bench: Bench = bench) -> None:
            inners[bench.name] = (
                bench.inner if bench.inner is not None else calibrate(bench, target_s)
            )

        attempt(bench, setup)
    for _ in range(warmup):
        for bench in list(live):

            def warm(bench: Bench = bench) -> None:
                _time_once(bench, inners[bench.name], collect)

            attempt(bench, warm)
    for round_no in range(repeats):
        order = live if round_no % 2 == 0 else live[::-1]
        for bench in list(order):
            if bench not in live:
                continue

            def sample(bench: Bench = bench) -> None:
                n = inners[bench.name]
                samples[bench.name].append(_time_once(bench, n, collect) / (n * bench.work))

            if log is not None:
                log(f"    {bench.name} round {round_no + 1}/{repeats}")
            attempt(bench, sample)
    for bench in benches:
        result = results[bench.name]
        result.inner = inners.get(bench.name, 1)
        if result.error is None and samples[bench.name]:
            result.stats = summarise(samples[bench.name])
    return list(results.values())
