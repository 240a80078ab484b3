"""The workloads, by name: each is ``run(cfg, peers) -> WorkloadResult``."""

from __future__ import annotations

from collections.abc import Callable

from ..report import WorkloadResult
from . import p0_per_op, s1_scalar_mlp, s2_deep_chain, s3_memory, t1_xor, t2_mlp, v1_viz
from .common import Config, Peers

__all__ = ["WORKLOADS", "Config", "Peers"]

WORKLOADS: dict[str, Callable[[Config, Peers], WorkloadResult]] = {
    "S1": s1_scalar_mlp.run,
    "S2": s2_deep_chain.run,
    "S3": s3_memory.run,
    "P0": p0_per_op.run,
    "T1": t1_xor.run,
    "T2": t2_mlp.run,
    "V1": v1_viz.run,
}
