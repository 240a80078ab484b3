"""V1: ``viz.to_dot(root).source`` on a 100,000-node chain and on the S1 graph.

micrograd's ``draw_dot`` (from its notebooks; not in the package) walks the graph
recursively and fails on deep graphs, so there is no peer row here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core.engine import topological_order

from ..adapters import load_ours
from ..data import scalar_mlp_init, two_moons
from ..harness import Bench
from ..report import Check, Row, WorkloadResult, row_from
from .common import Config, Peers, run_benches

__all__ = ["run"]

TITLE = "viz.to_dot(root).source (DOT text, no Graphviz program needed)"


def _dot_source(to_dot: Callable[..., Any], root: Any) -> Callable[[], object]:
    def draw() -> object:
        # max_nodes=None: the 100k-node chain is past to_dot's default limit on purpose.
        return to_dot(root, max_nodes=None).source

    return draw


def _edges(root: Any, folded: Callable[[Any], bool]) -> int:
    """The edges a drawing shows: one per operand, except numbers that ``folded`` says are
    written into their operation (``**2``) instead of drawn."""
    return sum(1 for node in topological_order(root) for p in node.parents if not folded(p))


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """Seconds per drawing, with a check that every edge of the graph is in the DOT text."""
    ours = load_ours()
    result = WorkloadResult("V1", TITLE)
    steps = cfg.pick(250, 25_000, 25_000)  # 4 nodes per step: 100,001 nodes
    try:
        import viz
        from viz.plan import is_folded_constant

        to_dot = viz.to_dot
    except Exception as exc:  # viz is optional here and may be half-written: report it
        note = f"viz not available ({exc})"
        result.rows.append(Row("chain", "ours (viz.to_dot)", None, "s", note=note))
        return result

    _, chain_root = ours.chain_graph(steps)
    chain_root.backward()  # drawn with gradients, as a user would after a pass
    s1_step, _ = ours.scalar_mlp_trainer(scalar_mlp_init(), *two_moons(cfg.pick(10, 100, 100)))
    s1_root = s1_step()
    graphs = {
        f"chain, {ours.count_nodes(chain_root):,} nodes": chain_root,
        f"S1 graph, {ours.count_nodes(s1_root):,} nodes": s1_root,
    }
    benches = [Bench(case, _dot_source(to_dot, root)) for case, root in graphs.items()]
    for (case, root), bench in zip(graphs.items(), benches):
        try:
            source = str(bench.fn())
        except Exception as exc:  # reported as a failed check and again as the row's error
            result.checks.append(Check(f"ours, {case}", False, f"{type(exc).__name__}: {exc}"))
            continue
        edges = _edges(root, is_folded_constant)
        drawn = source.count("->")
        result.checks.append(
            Check(f"ours, {case}", drawn >= edges, f"{drawn} edges drawn, graph has {edges}")
        )
    # A drawing takes about a second: its first call (the check above) is the warm-up.
    found = run_benches(cfg, benches, cfg.pick(1, 2, 5), 0)
    for bench in benches:
        m = found[bench.name]
        row = row_from(bench.name, m, "s")
        row.contender = "ours (viz.to_dot)"
        result.rows.append(row)
    return result
