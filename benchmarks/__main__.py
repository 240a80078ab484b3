"""``python -m benchmarks``: our engine against its peers and the NumPy floor.

BLAS thread counts are read from the environment when NumPy loads, so this module sets
them first and only then imports the suite (which imports NumPy).
"""

from __future__ import annotations

import argparse
import os
import sys

from .threads import apply_thread_env, numpy_already_loaded

NAMES = ("S1", "S2", "S3", "P0", "T1", "T2", "V1")
_REEXEC_MARK = "BENCHMARKS_REEXECUTED"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line; ``--only`` takes names, comma-separated or repeated."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time our engine against micrograd, PyTorch, MyGrad, autograd and "
        "hand-written NumPy, and check each workload's targets.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, fewer repeats (< 3 min)"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these workloads ({', '.join(NAMES)}); comma-separated or repeated",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        metavar="N",
        help="BLAS/OpenMP/PyTorch threads (default 1: a shared 2-core machine makes "
        "multi-threaded ratios noise)",
    )
    parser.add_argument(
        "--write", action="store_true", help="write the table and machine to benchmarks/RESULTS.md"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of timing, print cProfile's top costs of our side of the selected "
        "workloads (S1, S2, P0, T1, T2)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    selected: list[str] = []
    for item in args.only or []:
        for name in item.split(","):
            name = name.strip().upper()
            if name not in NAMES:
                parser.error(f"--only {name}: unknown workload; choose from {', '.join(NAMES)}")
            if name not in selected:
                selected.append(name)
    args.only = [n for n in NAMES if n in selected] if selected else list(NAMES)
    return args


def main(argv: list[str] | None = None) -> int:
    """Set the thread environment, then run the suite; 1 if any loss check failed."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    apply_thread_env(args.threads)
    if numpy_already_loaded() and os.environ.get(_REEXEC_MARK) != "1":
        # Something imported NumPy before us (a sitecustomize, say): its BLAS has already
        # read the old environment. Start over in a fresh interpreter with the new one.
        os.environ[_REEXEC_MARK] = "1"
        os.execv(sys.executable, [sys.executable, "-m", "benchmarks", *argv])
    from .runner import run  # imports NumPy: only now that the environment is set

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
