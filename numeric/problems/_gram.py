"""Weighted Gram products shared by the problem kernels.

* :func:`weighted_gram` forms ``A^T diag(w) A`` with one BLAS matrix product (loops
  for ``n <= SMALL_N``, where the call overhead would dominate),
  skipping the rows whose weight is exactly zero (LogSumExp flushes tiny softmax
  weights to zero so that they are skipped here; subnormal operands can slow a
  BLAS product down on some CPUs).
* :func:`lowrank_dense` turns the diagonal-plus-low-rank form
  ``H = diag(d) + U^T diag(w) U`` into a dense matrix, :func:`structured_dense` the
  tridiagonal-plus-low-rank form ``tridiag(d, e) + U^T diag(w) U`` of the solver
  (``e`` the off-diagonal, empty for a diagonal).
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric._linalg import SMALL_N   # below it: loops, not BLAS


@jit
def symmetrize(H):
    """In place ``H <- (H + H^T) / 2`` (BLAS products are symmetric only up to rounding)."""
    n = H.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            s = 0.5 * (H[i, j] + H[j, i])
            H[i, j] = s
            H[j, i] = s
    return H


@jit
def _weighted_gram_small(A, w):
    """``A^T diag(w) A`` by loops (upper triangle computed, mirrored: exactly symmetric)."""
    m, n = A.shape
    H = np.zeros((n, n))
    for j in range(m):
        wj = w[j]
        if wj == 0.0:
            continue
        for a in range(n):
            t = wj * A[j, a]
            for b in range(a, n):
                H[a, b] += t * A[j, b]
    for a in range(n):
        for b in range(a + 1, n):
            H[b, a] = H[a, b]
    return H


@jit
def weighted_gram(A, w):
    """``A^T diag(w) A`` (``A`` of shape ``(m, n)``), symmetric to the last bit."""
    m, n = A.shape
    k = 0
    for j in range(m):
        if w[j] != 0.0:
            k += 1
    if k == 0:
        return np.zeros((n, n))
    if n <= SMALL_N:
        return _weighted_gram_small(A, w)
    S = np.empty((k, n))
    W = np.empty((k, n))
    r = 0
    for j in range(m):
        if w[j] != 0.0:
            for i in range(n):
                S[r, i] = A[j, i]
                W[r, i] = w[j] * A[j, i]
            r += 1
    return symmetrize(np.dot(S.T, W))


@jit
def lowrank_dense(d, U, w):
    """Dense ``diag(d) + U^T diag(w) U``."""
    n = d.shape[0]
    if U.shape[0] == 0:
        H = np.zeros((n, n))
    else:
        H = weighted_gram(U, w)
    for i in range(n):
        H[i, i] += d[i]
    return H


@jit
def structured_dense(d, e, U, w):
    """Dense ``tridiag(d, e) + U^T diag(w) U`` (``e`` of length ``n - 1``, or empty)."""
    H = lowrank_dense(d, U, w)
    for i in range(e.shape[0]):
        H[i, i + 1] += e[i]
        H[i + 1, i] += e[i]
    return H
