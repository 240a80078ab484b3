"""The speed targets, as data: which contender is judged against which, the bound, its direction.

A target is judged from the medians of one run of its workload, so both figures come from
the same interleaved samples. Rows are found by contender name and by a piece of the case
text. A contender that did not run (a peer not installed, a variant not written yet) makes
the target "not measured", never a failure: so a target can name a contender before it
exists, and is judged as soon as a workload reports a row under that name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .report import Row, WorkloadResult

__all__ = ["Target", "Verdict", "TARGETS", "TRACED", "judge", "summary_lines"]

# The name a traced-replay contender reports its rows under (see README: adding a contender).
TRACED = "ours-traced"


@dataclass(frozen=True)
class Target:
    """``judged`` against ``against`` in the cases of ``workload`` whose text contains ``case``.

    ``faster``: ``against``'s median / ``judged``'s is at least ``bound``. ``within``:
    ``judged``'s median / ``against``'s is at most ``bound``; with ``against=None`` the bound
    is absolute, in the row's unit. ``absent`` says why ``judged`` may have no row.
    """

    workload: str
    case: str
    judged: str
    against: str | None
    bound: float
    direction: Literal["faster", "within"]
    absent: str = ""

    def describe(self) -> str:
        """The target in words: 'ours >= 10x faster than micrograd'."""
        if self.direction == "faster":
            return f"{self.judged} >= {self.bound:.3g}x faster than {self.against}"
        if self.against is None:
            return f"{self.judged} <= {self.bound:.3g}"
        return f"{self.judged} <= {self.bound:.3g}x {self.against}"


# Issue 15's targets first, then those of earlier rounds that still hold.
TARGETS: tuple[Target, ...] = (
    Target("S1", "node per op", "ours", "micrograd", 10, "faster"),
    Target("S1", "node per op", "ours", "micrograd (GC off, collection included)", 3, "faster"),
    Target("S2", "", "ours", "micrograd (limit raised, GC off)", 1.5, "faster"),
    Target("S2", "", "ours", "PyTorch 0-d", 4, "faster"),
    Target("P0", "(a + b).sum()", "ours", "NumPy by hand", 3, "within"),
    Target("T1", "user-written", "ours", "NumPy by hand", 2.0, "within"),
    Target("T1", "user-written", TRACED, "NumPy by hand", 1.2, "within", "no traced contender"),
    Target("T2", "", "ours", "NumPy by hand", 1.05, "within"),
    # earlier rounds
    Target("S1", "fused neurons", "ours, fused neurons", "micrograd", 10, "faster"),
    Target("S1", "fused neurons", "ours, fused neurons", "micrograd (GC off)", 3, "faster"),
    Target("S3", "built", "ours", "micrograd", 1 / 3, "within"),
    Target("P0", "out.backward()", "ours", "NumPy by hand", 4, "within"),
    Target("T1", "blog's layout", "ours", "NumPy by hand", 2.5, "within"),
    Target("V1", "chain", "ours (viz.to_dot)", None, 2.0, "within"),
)


@dataclass
class Verdict:
    """A target judged in one case: the measured figure, or why there is none."""

    target: Target
    case: str
    value: float | None = None  # speedup ('faster'), ratio or absolute figure ('within')
    unit: str = "x"
    reason: str = ""

    @property
    def met(self) -> bool | None:
        """Whether the bound holds; None when not measured."""
        if self.value is None:
            return None
        if self.target.direction == "faster":
            return self.value >= self.target.bound
        return self.value <= self.target.bound

    @property
    def gap(self) -> float | None:
        """How many times faster (or smaller) ``judged`` must get to meet the bound."""
        if self.value is None or self.value <= 0:
            return None
        if self.target.direction == "faster":
            return self.target.bound / self.value
        return self.value / self.target.bound

    @property
    def status(self) -> str:
        """MET, MISSED, or '-' when not measured."""
        return {True: "MET", False: "MISSED", None: "-"}[self.met]

    def text(self) -> str:
        """The target and what this run measured: '...: 3.80x, gap 2.63x'."""
        words = self.target.describe()
        if self.target.against is None:
            words += f" {self.unit}"
        if self.value is None:
            return f"{words}: not measured ({self.reason})"
        figure = f"{self.value:.2f}{'x' if self.unit == 'x' else ' ' + self.unit}"
        gap = f", gap {self.gap:.2f}x" if self.met is False and self.gap is not None else ""
        return f"{words}: {figure}{gap}"


def _verdict(target: Target, case: str, judged: Row | None, against: Row | None) -> Verdict:
    if judged is None:
        return Verdict(target, case, reason=target.absent or f"no {target.judged} row")
    if judged.median is None:
        return Verdict(target, case, reason=f"{target.judged}: {judged.note or 'no figure'}")
    if target.against is None:
        return Verdict(target, case, judged.median, judged.unit)
    if against is None:
        return Verdict(target, case, reason=f"no {target.against} row")
    if against.median is None or against.median <= 0 or judged.median <= 0:
        return Verdict(target, case, reason=f"{target.against}: {against.note or 'no figure'}")
    if target.direction == "faster":
        return Verdict(target, case, against.median / judged.median)
    return Verdict(target, case, judged.median / against.median)


def judge(result: WorkloadResult, targets: Sequence[Target] = TARGETS) -> list[Verdict]:
    """Every target of ``result``'s workload, once per case that has its reference row.

    The reference is ``against`` (``judged`` for absolute bounds), so a judged contender
    that did not run still gets a "not measured" line; a target whose rows are missing
    altogether gets one line saying so.
    """
    verdicts = []
    for target in targets:
        if target.workload != result.name:
            continue
        rows = [r for r in result.rows if target.case in r.case]
        reference = target.judged if target.against is None else target.against
        cases = list(dict.fromkeys(r.case for r in rows if r.contender == reference))
        if not cases:
            cases = list(dict.fromkeys(r.case for r in rows if r.contender == target.judged))
        if not cases:
            verdicts.append(Verdict(target, target.case, reason=f"no {reference} row"))
            continue
        for case in cases:
            found = {r.contender: r for r in rows if r.case == case}
            verdicts.append(
                _verdict(target, case, found.get(target.judged), found.get(target.against or ""))
            )
    return verdicts


def summary_lines(verdicts: Sequence[Verdict], with_workload: bool = True) -> list[str]:
    """One aligned line per verdict: [workload] case, MET/MISSED/-, the target and figure."""
    width = max((len(v.case) for v in verdicts), default=0)
    lines = []
    for v in verdicts:
        name = f"{v.target.workload:3} " if with_workload else ""
        lines.append(f"{name}{v.case:{width}}  {v.status:6}  {v.text()}")
    return lines
