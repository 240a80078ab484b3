"""Runs the selected workloads, prints their tables and, with --write, updates RESULTS.md."""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import traceback
from pathlib import Path

from .adapters import load_peers
from .machine import describe_machine
from .report import Row, WorkloadResult, format_markdown, format_text, write_results
from .targets import Verdict, judge, summary_lines
from .workloads import WORKLOADS, Config, Peers

__all__ = ["run", "RESULTS_PATH"]

RESULTS_PATH = Path(__file__).with_name("RESULTS.md")


def _ours_version() -> str:
    try:
        import autograd_core

        return str(getattr(autograd_core, "__version__", "unknown"))
    except Exception as exc:  # the engine itself failing to import is worth a line, not a crash
        return f"not importable ({exc})"


def _profile(names: list[str], cfg: Config) -> int:
    """``--profile``: cProfile's top costs of our side of each selected workload."""
    from .profiling import PROFILABLE, profile_ours

    for name in names:
        if name not in PROFILABLE:
            print(f"== {name}: nothing to profile (only {', '.join(PROFILABLE)})\n")
            continue
        print(f"== {name}: cProfile of ours, top functions by own time")
        print(profile_ours(name, cfg))
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``args.only`` in order; returns 1 if our loss differed from the floor's anywhere."""
    cfg = Config("quick" if args.quick else "full", args.threads, args.verbose)
    if args.profile:
        return _profile(args.only, cfg)
    loaded, missing = load_peers(cfg.threads)
    peers = Peers(loaded, missing)
    versions = {"ours": _ours_version()}
    versions.update({name: str(getattr(m, "VERSION", "?")) for name, m in loaded.items()})
    versions.update({name: why for name, why in missing.items()})
    machine = describe_machine(cfg.threads, versions)
    command = "python -m benchmarks " + " ".join(sys.argv[1:])
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"benchmarks ({cfg.mode} run, {stamp})")
    for key, value in machine:
        print(f"  {key:8} {value}")
    print(flush=True)

    results: list[WorkloadResult] = []
    verdicts: list[Verdict] = []
    blocks: dict[str, str] = {}
    start = time.perf_counter()
    for name in args.only:
        began = time.perf_counter()
        cfg.log(f"running {name} ...")
        try:
            result = WORKLOADS[name](cfg, peers)
        except Exception as exc:  # one broken workload must not hide the others' figures
            traceback.print_exc()
            result = WorkloadResult(name, "failed")
            result.rows.append(Row("", "ours", None, "", note=f"{type(exc).__name__}: {exc}"))
        took = time.perf_counter() - began
        judged = judge(result)
        result.targets = summary_lines(judged, with_workload=False)
        verdicts += judged
        print(format_text(result))
        print(f"  ({took:.1f} s)\n", flush=True)
        results.append(result)
        header = f"{cfg.mode} run {stamp}, {took:.0f} s; `{command.strip()}`"
        blocks[name] = format_markdown(result, header)

    print("targets:")
    for line in summary_lines(verdicts):
        print("  " + line)
    failed = [(r.name, c) for r in results for c in r.failed_checks]
    for name, check in failed:
        print(f"!! LOSS MISMATCH in {name}: {check.contender}: {check.detail}", file=sys.stderr)
    print(f"total {time.perf_counter() - start:.0f} s")

    if args.write:
        machine_md = "## Machine\n\n" + "\n".join(f"- {k}: {v}" for k, v in machine)
        machine_md += f"\n\n_last written {stamp} by `{command.strip()}`_\n"
        write_results(RESULTS_PATH, machine_md, blocks)
        print(f"wrote {RESULTS_PATH}")
    return 1 if failed else 0
