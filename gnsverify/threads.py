"""One BLAS thread for the checker's numerical work.

The compiled kernels call scipy's OpenBLAS (LAPACK through ``cython_lapack``) and
numpy carries its own OpenBLAS; both start one thread per core. The checker's
matrices are small to moderate (n <= 640 in the catalog) and are factorized many
times in a row, where thread start-up and synchronization dominate: on a 2-core
machine small matrix operations were measured 10-100x slower threaded (the exact
Hessian of ``softmax_digits``: 6.9 s with 2 threads, 51 ms with one). So every CLI
command and :func:`gnsverify.campaign` run inside :func:`single_threaded_blas`.
"""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def single_threaded_blas():
    """Limit every loaded BLAS/OpenMP pool to one thread while the block runs.

    threadpoolctl only acts on libraries already loaded, so numpy and scipy's LAPACK
    (the library the compiled kernels call) are imported first. Nesting is harmless;
    the previous limits are restored on exit.
    """
    import numpy  # noqa: F401  (loads numpy's OpenBLAS)
    import scipy.linalg  # noqa: F401  (loads scipy's OpenBLAS, used by the kernels)
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1):
        yield
