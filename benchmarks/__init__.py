"""Benchmarks: our engine against its peers and the hand-written NumPy floor.

Run ``python -m benchmarks`` (``--help`` for the flags). This package imports nothing
heavy at import time: ``__main__`` must be able to set the BLAS thread count in the
environment before NumPy is first imported.
"""
