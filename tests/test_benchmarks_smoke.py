"""Smoke test of benchmarks/: every workload once at tiny size, for correctness only.

Nothing here asserts on timing (that would be flaky on a shared machine). No peer is
required: one that is not installed is reported and skipped by the suite itself. PyTorch is
left out of the workload runs even when installed, because importing it alone takes
seconds; one test imports it (if installed) to check that its contender computes what the
floor computes.
"""

from __future__ import annotations

import gc
import importlib.util
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks import floors
from benchmarks.adapters import PEER_MODULES, load_ours, load_peers
from benchmarks.data import (
    mlp_problem,
    scalar_mlp_init,
    two_moons,
    xor_init,
    xor_problem,
    xor_user_written,
)
from benchmarks.harness import Bench, _time_once, compare, summarise
from benchmarks.report import WorkloadResult, format_markdown, format_text, write_results
from benchmarks.targets import TARGETS, judge
from benchmarks.workloads import WORKLOADS, Config, Peers
from benchmarks.workloads.common import first_losses, loss_check
from benchmarks.workloads.p0_per_op import check_sum

# The peers that import in a fraction of a second; the rest are reported as skipped,
# exactly as the suite reports a peer that is not installed.
LIGHT = {k: v for k, v in PEER_MODULES.items() if k in ("micrograd", "MyGrad", "autograd")}


@pytest.fixture(scope="module")
def peers() -> Peers:
    loaded, missing = load_peers(modules=LIGHT)
    missing.update({n: "skipped in the smoke test" for n in PEER_MODULES if n not in LIGHT})
    return Peers(loaded, missing)


@pytest.mark.parametrize("name", list(WORKLOADS))
def test_workload_runs_and_matches_the_floor(name: str, peers: Peers) -> None:
    result = WORKLOADS[name](Config(mode="tiny"), peers)
    assert result.rows, "every workload reports at least one row"
    unavailable = [r.note for r in result.rows if r.note.startswith("viz not available")]
    if name == "V1" and unavailable and importlib.util.find_spec("graphviz") is None:
        pytest.skip(f"V1 draws with viz, which needs the graphviz package: {unavailable[0]}")
    assert not unavailable, unavailable  # with graphviz installed, viz must import
    assert not result.failed_checks, [c.detail for c in result.failed_checks]
    # The peers too: every contender computes what the floor computes.
    assert all(c.ok for c in result.checks), [c for c in result.checks if not c.ok]
    text = format_text(result)
    assert name in text
    # Every target of this workload names contenders that report rows, except one that
    # says why it may be absent (a variant not written yet) or a peer skipped here.
    contenders = {row.contender for row in result.rows}
    for target in (t for t in TARGETS if t.workload == name):
        for contender in (target.judged, target.against):
            if contender is None or (contender == target.judged and target.absent):
                continue
            skipped = any(contender.startswith(peer) for peer in peers.missing)
            assert contender in contenders or skipped, (target, sorted(contenders))
        verdicts = [v for v in judge(result) if v.target == target]
        assert verdicts and all(target.case in v.case for v in verdicts), target


def test_a_missing_peer_is_reported_not_raised() -> None:
    loaded, missing = load_peers(modules={"nothing": "benchmarks.adapters._no_such_peer"})
    assert not loaded
    assert missing["nothing"].startswith("not installed")


def test_the_user_written_xor_is_the_blog_network_in_rows() -> None:
    """Both layouts train the same numbers: the floors agree, and ours equals its floor."""
    blog = first_losses(floors.xor_trainer(xor_init(), *xor_problem(), 1.0), 10)
    user = first_losses(floors.xor_user_trainer(*xor_user_written(), 1.0), 10)
    assert loss_check("floor, rows", blog, user).ok
    ours = first_losses(load_ours().xor_user_trainer(*xor_user_written(), 1.0), 10)
    assert loss_check("ours", user, ours).ok


def test_the_pytorch_contender_computes_what_the_floor_computes() -> None:
    pytest.importorskip("torch", reason="PyTorch is not installed")
    loaded, _ = load_peers(modules={"PyTorch": PEER_MODULES["PyTorch"]})
    torch_peer = loaded["PyTorch"]
    problem = xor_user_written()
    reference = first_losses(floors.xor_user_trainer(*problem, 1.0), 10)
    assert loss_check(
        "PyTorch", reference, first_losses(torch_peer.xor_user_trainer(*problem, 1.0), 10)
    ).ok
    assert check_sum("PyTorch", torch_peer.sum_add_step()).ok
    assert check_sum("NumPy by hand", floors.sum_add_by_hand(np.ones(1), np.full(1, 2.0))).ok
    assert check_sum("ours", load_ours().sum_add_step()).ok


class _Cycle:
    """A reference cycle, as micrograd's graph is: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_collection_included_frees_the_cyclic_garbage_inside_the_sample() -> None:
    refs: list[Any] = []

    def make() -> _Cycle:
        cycle = _Cycle()
        refs.append(weakref.ref(cycle))
        return cycle

    was_enabled = gc.isenabled()
    gc.disable()  # so that no automatic collection frees the cycle behind the test's back
    try:
        _time_once(Bench("GC off", make, gc_off=True), 1, collect=False)
        assert refs[0]() is not None
        _time_once(Bench("collected", make, gc_off=True, collect_timed=True), 1, collect=False)
        # That sample's own cycle is freed before it returns (and the older one with it).
        assert refs[1]() is None and refs[0]() is None
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()


def test_ours_matches_the_floor_on_the_blog_xor() -> None:
    ours = load_ours()
    if ours.TENSOR_ERROR is not None:
        pytest.skip(ours.TENSOR_ERROR)
    x, y = xor_problem()
    reference = first_losses(floors.xor_trainer(xor_init(), x, y, 1.0), 5)
    got = first_losses(ours.xor_trainer(xor_init(), x, y, 1.0), 5)
    assert loss_check("ours", reference, got).ok
    # The blog's first cost with seed 48 is about a quarter: a sanity check on the data.
    assert 0.05 < reference[0] < 0.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ours_matches_the_floor_on_the_mlp(dtype: type) -> None:
    ours = load_ours()
    if ours.TENSOR_ERROR is not None:
        pytest.skip(ours.TENSOR_ERROR)
    problem = mlp_problem((12, 8, 8, 10), batch=6).astype(dtype)
    reference = first_losses(floors.mlp_trainer(problem), 3)
    got = first_losses(ours.mlp_trainer(problem), 3)
    rtol = 1e-12 if dtype is np.float64 else 1e-5
    assert loss_check("ours", reference, got, rtol).ok


def test_scalar_floor_matches_ours() -> None:
    points, labels = two_moons(12)
    init = scalar_mlp_init()
    reference = first_losses(floors.scalar_mlp_trainer(init, points, labels), 3)
    step, _ = load_ours().scalar_mlp_trainer(init, points, labels)
    assert loss_check("ours", reference, first_losses(step, 3)).ok


def test_harness_interleaves_and_reports_failures() -> None:
    calls: list[str] = []

    def failing() -> None:
        raise RecursionError("too deep")

    benches = [
        Bench("a", lambda: calls.append("a")),
        Bench("b", lambda: calls.append("b"), inner=None),
        Bench("c", failing),
    ]
    measured = compare(benches, repeats=2, warmup=1, target_s=0.001, collect=False)
    found = {m.name: m for m in measured}
    assert found["a"].stats is not None and len(found["a"].stats.samples) == 2
    assert found["c"].stats is None and "RecursionError" in (found["c"].error or "")
    stats = summarise([3.0, 1.0, 2.0])
    assert stats.median == 2.0 and stats.low == 1.0 and stats.high == 3.0


def test_results_file_keeps_other_blocks_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    s1 = WorkloadResult("S1", "one")
    s2 = WorkloadResult("S2", "two")
    write_results(
        path, "machine A", {"S1": format_markdown(s1, "h"), "S2": format_markdown(s2, "h")}
    )
    path.write_text(path.read_text() + "\nHand-written note.\n")
    write_results(path, "machine B", {"S1": format_markdown(WorkloadResult("S1", "uno"), "h")})
    text = path.read_text()
    assert "machine B" in text and "machine A" not in text
    assert "uno" in text and "two" in text and "one" not in text.split("S1:")[1].split("\n")[0]
    assert "Hand-written note." in text
