"""S1: micrograd's demo training step (2-16-16-1 ReLU MLP, 100 points) on scalar Values."""

from __future__ import annotations

from ..adapters import load_ours
from ..data import scalar_mlp_init, two_moons
from ..floors import scalar_mlp_trainer as floor_trainer
from ..harness import Bench
from ..report import Row, WorkloadResult, row_from
from .common import Config, Peers, first_losses, loss_check, run_benches

__all__ = ["run"]

TITLE = "scalar MLP step (micrograd's demo: 2-16-16-1, 100 points, max-margin + L2, SGD)"
CHECK_STEPS = 3
# micrograd's rows: (name, GC off, collection timed). With the GC off micrograd's graphs,
# which are cycles, pile up until collected: "collection included" pays that each step.
MICROGRAD_ROWS = (
    ("micrograd", False, False),
    ("micrograd (GC off)", True, False),
    ("micrograd (GC off, collection included)", True, True),
)


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """ms per step and nodes per second: ours (node per op, and fused neurons) vs micrograd
    (GC on and off) and the NumPy floor."""
    ours = load_ours()
    result = WorkloadResult("S1", TITLE)
    points, labels = two_moons(cfg.pick(10, 100, 100))
    init = scalar_mlp_init()
    n = len(points)

    # Identical results first: our loss must equal the floor's over the first steps.
    reference = first_losses(floor_trainer(init, points, labels), CHECK_STEPS)
    trainers = {
        "ours": ours.scalar_mlp_trainer,
        "ours, fused neurons": ours.fused_mlp_trainer,
    }
    micrograd = peers.loaded.get("micrograd")
    if micrograd is not None:
        trainers["micrograd"] = micrograd.scalar_mlp_trainer
    for name, trainer in trainers.items():
        step, _ = trainer(init, points, labels)
        got = first_losses(step, CHECK_STEPS)
        result.checks.append(loss_check(name, reference, got, required=name.startswith("ours")))

    # Nodes in one step's graph (constants included), for the nodes-per-second figure.
    steps = {name: trainer(init, points, labels)[0] for name, trainer in trainers.items()}
    nodes = {name: ours.count_nodes(steps[name]()) for name in ("ours", "ours, fused neurons")}
    benches = [
        Bench("ours", steps["ours"]),
        Bench("ours (GC off)", steps["ours"], gc_off=True),
        Bench("ours, fused neurons", steps["ours, fused neurons"]),
    ]
    if micrograd is not None:
        benches += [
            Bench(name, steps["micrograd"], gc_off=gc_off, collect_timed=collected)
            for name, gc_off, collected in MICROGRAD_ROWS
        ]
    benches.append(Bench("NumPy by hand (vectorised)", floor_trainer(init, points, labels)))
    found = run_benches(cfg, benches, cfg.pick(1, 3, 7), cfg.pick(0, 1, 2))

    # Two cases, each judged against the same micrograd measurements: the graph micrograd
    # builds (a node per * and +), and nn.MLP(fused=True), one dot node per neuron.
    cases = {
        f"{n} points, node per op": ("ours", ["ours", "ours (GC off)"]),
        f"{n} points, fused neurons": ("ours, fused neurons", ["ours, fused neurons"]),
    }
    reference_m = found.get("micrograd")
    for case, (judged, own_rows) in cases.items():
        for name in own_rows:
            m = found[name]
            note = ""
            if m.stats is not None:
                count = nodes[judged]
                note = f"{count} nodes/step, {count / m.stats.median / 1e6:.2f} M nodes/s"
            result.rows.append(row_from(case, m, "ms/step", reference_m, note))
        for name, _, _ in MICROGRAD_ROWS:
            if micrograd is None:  # one 'not installed' row per micrograd row
                why = peers.missing.get("micrograd", "not loaded")
                result.rows.append(Row(case, name, None, "ms/step", note=why))
            else:
                result.rows.append(row_from(case, found[name], "ms/step", reference_m))
    floor = found["NumPy by hand (vectorised)"]
    result.rows.append(row_from(f"{n} points", floor, "ms/step", reference_m))
    result.notes.append(
        "ours is timed as users run it (GC on); ratios are to micrograd with GC on. "
        "'collection included': micrograd with its GC off, plus the gc.collect() that frees "
        "the step's graph (a cycle), timed. "
        "'node per op' builds micrograd's graph (every * and + a node); 'fused neurons' is "
        "nn.MLP(fused=True), where each neuron's weighted sum is one dot node (same losses). "
        "The vectorised NumPy row is context, not a target."
    )
    return result
