"""S1: micrograd's demo training step (2-16-16-1 ReLU MLP, 100 points) on scalar Values."""

from __future__ import annotations

from ..adapters import load_ours
from ..data import scalar_mlp_init, two_moons
from ..floors import scalar_mlp_trainer as floor_trainer
from ..harness import Bench
from ..report import WorkloadResult, row_from
from .common import (
    Config,
    Peers,
    first_losses,
    loss_check,
    missing_rows,
    run_benches,
    speedup_target,
)

__all__ = ["run"]

TITLE = "scalar MLP step (micrograd's demo: 2-16-16-1, 100 points, max-margin + L2, SGD)"
CHECK_STEPS = 3


def run(cfg: Config, peers: Peers) -> WorkloadResult:
    """ms per step and nodes per second: ours vs micrograd (GC on and off) and the NumPy floor."""
    ours = load_ours()
    result = WorkloadResult("S1", TITLE)
    points, labels = two_moons(cfg.pick(10, 100, 100))
    init = scalar_mlp_init()
    case = f"{len(points)} points"

    # Identical results first: our loss must equal the floor's over the first steps.
    reference = first_losses(floor_trainer(init, points, labels), CHECK_STEPS)
    ours_step, _ = ours.scalar_mlp_trainer(init, points, labels)
    result.checks.append(loss_check("ours", reference, first_losses(ours_step, CHECK_STEPS)))
    micrograd = peers.loaded.get("micrograd")
    if micrograd is not None:
        mg_step, _ = micrograd.scalar_mlp_trainer(init, points, labels)
        result.checks.append(
            loss_check("micrograd", reference, first_losses(mg_step, CHECK_STEPS), required=False)
        )

    # Nodes in one step's graph (constants included), for the nodes-per-second figure.
    ours_step, _ = ours.scalar_mlp_trainer(init, points, labels)
    nodes = ours.count_nodes(ours_step())
    benches = [Bench("ours", ours_step), Bench("ours (GC off)", ours_step, gc_off=True)]
    if micrograd is not None:
        mg_step, _ = micrograd.scalar_mlp_trainer(init, points, labels)
        benches += [
            Bench("micrograd", mg_step),
            Bench("micrograd (GC off)", mg_step, gc_off=True),
        ]
    benches.append(Bench("NumPy by hand (vectorised)", floor_trainer(init, points, labels)))
    found = run_benches(cfg, benches, cfg.pick(1, 3, 7), cfg.pick(0, 1, 2))

    reference_m = found.get("micrograd")
    for bench in benches:
        m = found[bench.name]
        note = ""
        if m.stats is not None and bench.name.startswith("ours"):
            note = f"{nodes} nodes/step, {nodes / m.stats.median / 1e6:.2f} M nodes/s"
        row = row_from(case, m, "ms/step", reference_m, note)
        if bench.name == "micrograd":
            row.target, row.met = speedup_target(found["ours"], m, 10, "micrograd")
        elif bench.name == "micrograd (GC off)":
            row.target, row.met = speedup_target(found["ours"], m, 3, "micrograd with GC off")
        result.rows.append(row)
    for row in missing_rows(case, peers, "ms/step", ["micrograd"]):
        row.target = "ours >= 10x (GC on) and >= 3x (GC off) faster than micrograd"
        result.rows.append(row)
    result.notes.append(
        "ours is timed as users run it (GC on); ratios are to micrograd with GC on. "
        "The vectorised NumPy row is context, not a target."
    )
    return result
