"""The benchmark targets table and its verdicts, on hand-made medians (never on timings)."""

from __future__ import annotations

from benchmarks.report import Row, WorkloadResult, format_markdown, format_text
from benchmarks.targets import TARGETS, TRACED, Target, judge, summary_lines
from benchmarks.workloads import WORKLOADS
from benchmarks.workloads.p0_per_op import CASES as P0_CASES
from benchmarks.workloads.t1_xor import CASES as T1_CASES


def _result(name: str, *rows: tuple[str, str, float | None]) -> WorkloadResult:
    result = WorkloadResult(name, "synthetic")
    for case, contender, median in rows:
        note = "not installed (micrograd)" if median is None else ""
        result.rows.append(Row(case, contender, median, "us/op", note=note))
    return result


def test_the_table_names_known_workloads_once_each_with_a_valid_bound() -> None:
    keys = [(t.workload, t.case, t.judged, t.against) for t in TARGETS]
    assert len(keys) == len(set(keys))
    for target in TARGETS:
        assert target.workload in WORKLOADS, target
        assert target.bound > 0 and target.direction in ("faster", "within"), target
        assert target.against is not None or target.direction == "within", target
    # The case pieces of T1 and P0 pick exactly one of their cases.
    for name, cases in (("T1", T1_CASES), ("P0", P0_CASES)):
        for target in (t for t in TARGETS if t.workload == name):
            assert sum(target.case in case for case in cases) == 1, target


def test_the_issue_targets_are_all_in_the_table() -> None:
    bounds = {(t.workload, t.case, t.judged, t.against): (t.bound, t.direction) for t in TARGETS}
    floor = "NumPy by hand"
    assert bounds["S1", "node per op", "ours", "micrograd"] == (10, "faster")
    gc_off = "micrograd (GC off, collection included)"
    assert bounds["S1", "node per op", "ours", gc_off] == (3, "faster")
    assert bounds["S2", "", "ours", "micrograd (limit raised, GC off)"] == (1.5, "faster")
    assert bounds["S2", "", "ours", "PyTorch 0-d"] == (4, "faster")
    assert bounds["P0", "(a + b).sum()", "ours", floor] == (3, "within")
    assert bounds["T1", "user-written", "ours", floor] == (2.0, "within")
    assert bounds["T1", "user-written", TRACED, floor] == (1.2, "within")
    assert bounds["T2", "", "ours", floor] == (1.05, "within")


def test_met_missed_and_the_gap_on_hand_made_medians() -> None:
    speedups = (
        Target("S1", "node per op", "ours", "micrograd", 10, "faster"),
        Target("S1", "node per op", "ours", "micrograd (GC off)", 3, "faster"),
    )
    result = _result(
        "S1",
        ("100 points, node per op", "ours", 20.0),
        ("100 points, node per op", "micrograd", 100.0),
        ("100 points, node per op", "micrograd (GC off)", 90.0),
    )
    missed, met = judge(result, speedups)
    assert (missed.value, missed.met, missed.gap) == (5.0, False, 2.0)
    assert missed.text() == "ours >= 10x faster than micrograd: 5.00x, gap 2.00x"
    assert (met.value, met.met, met.status) == (4.5, True, "MET")
    assert met.text() == "ours >= 3x faster than micrograd (GC off): 4.50x"

    within = (Target("T1", "user-written", "ours", "NumPy by hand", 2.0, "within"),)
    result = _result("T1", ("user-written, 5 epochs", "NumPy by hand", 40.0))
    result.rows.append(Row("user-written, 5 epochs", "ours", 116.0, "us/epoch"))
    (verdict,) = judge(result, within)
    assert verdict.value == 2.9 and verdict.status == "MISSED"
    assert verdict.text() == "ours <= 2x NumPy by hand: 2.90x, gap 1.45x"


def test_a_traced_contender_is_not_measured_until_it_reports_rows() -> None:
    case = "user-written X @ W.T + b, 5 epochs"
    result = _result("T1", (case, "NumPy by hand", 40.0), (case, "ours", 80.0))
    traced = [v for v in judge(result) if v.target.judged == TRACED]
    assert [v.text() for v in traced] == [
        "ours-traced <= 1.2x NumPy by hand: not measured (no traced contender)"
    ]
    assert traced[0].met is None and traced[0].status == "-"
    # A contender reporting under the traced name is picked up with no other change.
    result.rows.append(Row(case, TRACED, 44.0, "us/op"))
    (verdict,) = [v for v in judge(result) if v.target.judged == TRACED]
    assert verdict.status == "MET" and verdict.text().endswith(": 1.10x")


def test_a_missing_peer_or_workload_row_is_not_measured_never_a_failure() -> None:
    target = (Target("S2", "", "ours", "micrograd", 1.5, "faster"),)
    result = _result("S2", ("N=1e3", "ours", 2.0), ("N=1e3", "micrograd", None))
    (verdict,) = judge(result, target)
    assert verdict.met is None
    assert verdict.text().endswith("not measured (micrograd: not installed (micrograd))")
    # Only the judged row: one line per case it has.
    (verdict,) = judge(_result("S2", ("N=1e3", "ours", 2.0)), target)
    assert verdict.case == "N=1e3" and verdict.text().endswith("(no micrograd row)")
    # A failed workload (no rows at all) still gets its line.
    (verdict,) = judge(WorkloadResult("S2", "failed"), target)
    assert verdict.text().endswith("not measured (no micrograd row)")


def test_an_absolute_bound_is_in_the_rows_unit() -> None:
    target = (Target("V1", "chain", "ours (viz.to_dot)", None, 2.0, "within"),)
    result = WorkloadResult("V1", "synthetic")
    result.rows.append(Row("chain, 100,001 nodes", "ours (viz.to_dot)", 2.5, "s"))
    (verdict,) = judge(result, target)
    assert verdict.text() == "ours (viz.to_dot) <= 2 s: 2.50 s, gap 1.25x"


def test_summary_lines_align_and_blocks_carry_the_targets() -> None:
    result = _result(
        "S2",
        ("N=1e3", "ours", 1.0),
        ("N=1e3", "PyTorch 0-d", 5.0),
        ("N=1e4", "ours", 2.0),
        ("N=1e4", "PyTorch 0-d", 5.0),
    )
    verdicts = judge(result, (Target("S2", "", "ours", "PyTorch 0-d", 4, "faster"),))
    assert summary_lines(verdicts) == [
        "S2  N=1e3  MET     ours >= 4x faster than PyTorch 0-d: 5.00x",
        "S2  N=1e4  MISSED  ours >= 4x faster than PyTorch 0-d: 2.50x, gap 1.60x",
    ]
    result.targets = summary_lines(verdicts, with_workload=False)
    assert "  target: N=1e4  MISSED  ours >= 4x" in format_text(result)
    assert "- target: `N=1e3  MET     ours >= 4x" in format_markdown(result, "header")
