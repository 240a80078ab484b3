"""Smoke test of benchmarks/: every workload once at tiny size, for correctness only.

Nothing here asserts on timing (that would be flaky on a shared machine). No peer is
required: one that is not installed is reported and skipped by the suite itself. PyTorch is
left out even when installed, because importing it alone takes seconds.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from benchmarks import floors
from benchmarks.adapters import PEER_MODULES, load_ours, load_peers
from benchmarks.data import mlp_problem, scalar_mlp_init, two_moons, xor_init, xor_problem
from benchmarks.harness import Bench, compare, summarise
from benchmarks.report import WorkloadResult, format_markdown, format_text, write_results
from benchmarks.workloads import WORKLOADS, Config, Peers
from benchmarks.workloads.common import first_losses, loss_check

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
    assert all(c.ok for c in result.checks if c.contender.startswith("ours")), result.checks
    text = format_text(result)
    assert name in text


def test_a_missing_peer_is_reported_not_raised() -> None:
    loaded, missing = load_peers(modules={"nothing": "benchmarks.adapters._no_such_peer"})
    assert not loaded
    assert missing["nothing"].startswith("not installed")


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
