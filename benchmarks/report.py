"""Rows, loss checks and target verdicts of a run, printed as a table and written to RESULTS.md.

RESULTS.md keeps one marked block per workload, so ``--only S1 --write`` replaces the S1
block and leaves the others (and any hand-written notes outside the blocks) alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .harness import Measurement

__all__ = [
    "Row",
    "Check",
    "WorkloadResult",
    "UNIT_SCALE",
    "row_from",
    "format_text",
    "format_markdown",
    "write_results",
]

# Seconds (or bytes) per unit of work -> the unit printed.
UNIT_SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9, "B": 1.0}


@dataclass
class Row:
    """One line of the table: a contender's figure for one case of a workload.

    ``note`` is free text: why there is no figure (not installed, the error), or extras.
    """

    case: str
    contender: str
    median: float | None
    unit: str
    spread: str = ""
    ratio: float | None = None
    note: str = ""

    def figure(self) -> str:
        """The median in its unit, or '-' (the note says why)."""
        if self.median is None:
            return "-"
        return f"{_num(self.median)} {self.unit}"


@dataclass
class Check:
    """Whether a contender's first losses equal the floor's (or reference's)."""

    contender: str
    ok: bool
    detail: str
    required: bool = True  # ours must match; a peer's mismatch is only reported


@dataclass
class WorkloadResult:
    """Everything one workload produced; ``targets`` are lines written by ``benchmarks.targets``."""

    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[Check]:
        """Required checks that did not pass: our numbers differ from the floor's."""
        return [c for c in self.checks if c.required and not c.ok]


def _num(x: float) -> str:
    """A compact number: 3 significant digits, no exponent for ordinary magnitudes."""
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 0.01:
        return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"
    return f"{x:.2e}"


def row_from(
    case: str,
    m: Measurement,
    unit: str,
    reference: Measurement | None = None,
    note: str = "",
) -> Row:
    """A row from a timing: median and IQR in ``unit``, ratio to ``reference``'s median."""
    if m.stats is None:
        return Row(case, m.name, None, unit, note=m.error or note or "no samples")
    scale = UNIT_SCALE[unit.split("/")[0]]
    st = m.stats
    spread = f"{_num(st.q1 * scale)}-{_num(st.q3 * scale)} ({len(st.samples)}x)"
    ratio = None
    if reference is not None and reference.stats is not None and reference.stats.median > 0:
        ratio = st.median / reference.stats.median
    return Row(case, m.name, st.median * scale, unit, spread, ratio, note=note)


_COLUMNS = ("case", "contender", "median", "spread (IQR, n)", "x ref", "notes")


def _cells(row: Row) -> list[str]:
    return [
        row.case,
        row.contender,
        row.figure(),
        row.spread,
        f"{row.ratio:.2f}x" if row.ratio is not None else "",
        row.note,
    ]


def format_text(result: WorkloadResult) -> str:
    """The workload's table as aligned plain text for the terminal."""
    table = [list(_COLUMNS)] + [_cells(r) for r in result.rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(_COLUMNS))]
    lines = [f"== {result.name}: {result.title}"]
    for i, line in enumerate(table):
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        if i == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    for check in result.checks:
        flag = "ok" if check.ok else ("MISMATCH" if check.required else "differs")
        lines.append(f"  check {check.contender}: {flag} ({check.detail})")
    lines.extend(f"  target: {t}" for t in result.targets)
    lines.extend(f"  note: {n}" for n in result.notes)
    return "\n".join(lines)


def format_markdown(result: WorkloadResult, header: str) -> str:
    """The workload's block for RESULTS.md: a heading, the table, checks and notes."""
    lines = [f"### {result.name}: {result.title}", "", f"_{header}_", ""]
    lines.append("| " + " | ".join(_COLUMNS) + " |")
    lines.append("|" + "---|" * len(_COLUMNS))
    for row in result.rows:
        lines.append("| " + " | ".join(c.replace("|", "/") for c in _cells(row)) + " |")
    lines.append("")
    for check in result.checks:
        flag = "ok" if check.ok else ("**MISMATCH**" if check.required else "differs")
        lines.append(f"- check, {check.contender}: {flag} ({check.detail})")
    lines.extend(f"- target: `{t}`" for t in result.targets)
    lines.extend(f"- {n}" for n in result.notes)
    return "\n".join(lines).rstrip() + "\n"


_PREAMBLE = """# Benchmark results

Written by `python -m benchmarks --write` (one block per workload; `--only NAME --write`
replaces just that block). Text outside the marked blocks is kept, so causes of missed
targets and before/after figures can be recorded by hand below the blocks.
"""

_ORDER = ("machine", "S1", "S2", "S3", "P0", "T1", "T2", "V1")


def _block(name: str, body: str) -> str:
    return f"<!-- bench:{name} -->\n{body.rstrip()}\n<!-- /bench:{name} -->"


def write_results(path: Path, machine_md: str, blocks: dict[str, str]) -> None:
    """Replace the machine block and the given workload blocks in ``path``, keep the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else _PREAMBLE
    existing = dict(re.findall(r"<!-- bench:(\w+) -->\n(.*?)\n<!-- /bench:\1 -->", text, re.S))
    pattern = re.compile(r"<!-- bench:(\w+) -->\n.*?\n<!-- /bench:\1 -->\n?", re.S)
    # Where the generated blocks start: keep whatever precedes them and follows them.
    first = pattern.search(text)
    head = text[: first.start()] if first else text.rstrip() + "\n\n"
    tail = pattern.sub("", text[first.start() :]) if first else ""
    merged = {**existing, "machine": machine_md, **blocks}
    names = [n for n in _ORDER if n in merged] + sorted(set(merged) - set(_ORDER))
    body = "\n\n".join(_block(n, merged[n]) for n in names)
    out = head + body + "\n" + (("\n" + tail.lstrip("\n")) if tail.strip() else "")
    path.write_text(out, encoding="utf-8")
