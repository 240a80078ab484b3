"""The one tolerance for figures whose last digits depend on the machine.

OpenBLAS picks its matrix kernels by CPU (Haswell for AVX2, SkylakeX for AVX-512,
Sandybridge, ...), and they sum the terms of a dot product in different orders, with or
without fused multiply-adds; NumPy likewise picks SIMD versions of some functions (``tanh``,
``exp`` on AVX-512) by CPU. A float that went through a matrix product (``@``, ``np.dot``,
``nn.Linear``) or such a function can differ in its last bits between machines, and a
training run carries that along: the blog's cost at epoch 4900, 0.0009210166430616655, comes
out as ...646 on AVX-512 machines (issue 10) and as ...644 to ...655 with the OpenBLAS kernels
an AVX2 machine can run (OPENBLAS_CORETYPE), a spread of about 1e-15 relative. Comparisons
of such figures use ``BLAS_RTOL``, relative 1e-12: some 1000 times that spread, and still
12 significant digits, so any real change to the numbers (a wrong gradient, a cost logged
after the update instead of before) fails.

Exact comparisons stay where the result is exact by construction: elementwise operations on
the same inputs, Value arithmetic in Python floats, sums of small integers or halves,
copies, and two computations through the identical code path in one process.
"""

from __future__ import annotations

BLAS_RTOL = 1e-12
