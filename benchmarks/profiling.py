"""``--profile``: cProfile of our side of a workload, to find what to fix when a target is missed.

cProfile adds a fixed cost per Python call, so it inflates call-heavy code (the scalar
engine) more than NumPy-heavy code; read the ranking, not the absolute times.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from typing import Any

import numpy as np

from .adapters import load_ours
from .data import mlp_problem, scalar_mlp_init, two_moons, xor_user_written
from .workloads.common import Config

__all__ = ["PROFILABLE", "profile_ours"]


def _s1(cfg: Config) -> Callable[[], Any]:
    step, _ = load_ours().scalar_mlp_trainer(scalar_mlp_init(), *two_moons(100))
    return lambda: [step() for _ in range(cfg.pick(1, 2, 5))]


def _s2(cfg: Config) -> Callable[[], Any]:
    ours = load_ours()
    return lambda: ours.chain(cfg.pick(1000, 100_000, 100_000))


def _p0(cfg: Config) -> Callable[[], Any]:
    step = load_ours().sum_add_step()  # the form the target judges
    return lambda: [step() for _ in range(cfg.pick(100, 20_000, 100_000))]


def _t1(cfg: Config) -> Callable[[], Any]:
    step = load_ours().xor_user_trainer(*xor_user_written(), 1.0)  # the targets' form
    return lambda: [step() for _ in range(cfg.pick(20, 2000, 5000))]


def _t2(cfg: Config) -> Callable[[], Any]:
    step = load_ours().mlp_trainer(mlp_problem().astype(np.float64))
    return lambda: [step() for _ in range(cfg.pick(1, 10, 30))]


PROFILABLE: dict[str, Callable[[Config], Callable[[], Any]]] = {
    "S1": _s1,
    "S2": _s2,
    "P0": _p0,
    "T1": _t1,
    "T2": _t2,
}


def profile_ours(name: str, cfg: Config, top: int = 15) -> str:
    """The ``top`` functions by own time while our side of workload ``name`` runs."""
    work = PROFILABLE[name](cfg)
    work()  # warm up outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()
