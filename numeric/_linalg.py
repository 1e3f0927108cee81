"""Compiled linear algebra for the regularized Newton system, with info codes.

The solver needs ``h = -(H + lambda B)^-1 g`` and must treat a failed
factorization (``H + lambda B`` not positive definite) as a rejected trial, so
nothing here raises: every routine returns ``(ok, result)``.

* :func:`cholesky_inplace` calls LAPACK ``dpotrf`` through numba's helper library
  (an external symbol, so kernels using it are served from numba's disk cache).
  On return the lower triangle of the C-ordered array holds ``L`` with
  ``A = L L^T``; ``info != 0`` means ``A`` is not (numerically) positive definite.
* :func:`cho_solve` does the two triangular solves ``L y = b``, ``L^T x = y``
  (``O(n^2)``, row-contiguous access).
* :func:`solve_shifted` solves ``(H + lambda B) h = r`` for a dense ``H`` and the
  metric ``(mode, B, L)`` (identity fast path: ``lambda`` is added to the diagonal);
  :func:`solve_shifted_into` does the same in caller-provided work arrays (the
  solver's inner loop allocates nothing).
* :func:`solve_lowrank` solves ``(tridiag(d, e) + U^T diag(w) U + lambda I) h = r`` (``e``
  the off-diagonal, empty for ``diag(d)``) by the Sherman-Morrison-Woodbury identity in
  ``O(n k^2 + k^3)``: with ``D = tridiag(d, e) + lambda I`` positive definite (factored
  as ``L diag(p) L^T``, ``L`` unit bidiagonal, in ``O(n)``) and ``w >= 0``, ``W = diag(w)``,

      (D + U^T W U)^-1 = D^-1 - D^-1 U^T W^(1/2) S^-1 W^(1/2) U D^-1,
      S = I_k + W^(1/2) U D^-1 U^T W^(1/2)   (symmetric positive definite).

  ``D`` positive definite suffices for the matrix to be (given ``w >= 0``), so a
  non-positive pivot of ``D`` is the failure code (the caller then tries the dense
  factorization, which decides). Negative weights or a dense
  metric are not handled here: the solver forms the dense matrix instead
  (``tridiag(d, e) + U^T W U``) and goes through :func:`solve_shifted`.
"""
from __future__ import annotations

import numpy as np
from numba import types
from numba.np import linalg as _nb_linalg

from numeric._jit import jit

_nb_linalg.ensure_lapack()
_dpotrf = _nb_linalg._LAPACK().numba_xxpotrf(types.float64)
_KIND_D = ord("d")
_UPLO_U = ord("U")

# Below this order the factorization, the Gram products and the inner products are
# plain loops: a LAPACK or BLAS call costs more in call overhead than the work.
SMALL_N = 8


@jit(inline="always")
def dot(a, b):
    """``<a, b>`` for vectors; a plain loop below ``SMALL_N`` entries (a BLAS call
    costs more than the work there), BLAS ``ddot`` above."""
    n = a.shape[0]
    if n <= SMALL_N:
        s = 0.0
        for i in range(n):
            s += a[i] * b[i]
        return s
    return np.dot(a, b)


@jit(inline="always")
def all_finite(v):
    """Whether every entry of the vector ``v`` is finite."""
    for i in range(v.shape[0]):
        if not np.isfinite(v[i]):
            return False
    return True


@jit(inline="always")
def _cholesky_small(A):
    """Lower Cholesky factor in the lower triangle of ``A`` by loops; LAPACK's ``info``."""
    n = A.shape[0]
    for j in range(n):
        s = A[j, j]
        for q in range(j):
            s -= A[j, q] * A[j, q]
        if not (s > 0.0):
            return j + 1
        d = np.sqrt(s)
        A[j, j] = d
        for i in range(j + 1, n):
            t = A[i, j]
            for q in range(j):
                t -= A[i, q] * A[j, q]
            A[i, j] = t / d
    return 0


@jit(inline="always")
def cholesky_inplace(A):
    """Overwrite the lower triangle of the C-ordered SPD ``A`` with its Cholesky factor.

    Returns the LAPACK ``info`` (0 = success; ``> 0`` = leading minor not positive
    definite; the array content is then unspecified). Also returns a non-zero code
    when ``A`` has a non-finite entry (LAPACK's behaviour on NaN is not specified).
    LAPACK sees the C array as its transpose; since ``A`` is symmetric, asking it for
    the *upper* factor ``U`` (``A = U^T U``) in Fortran order leaves ``L = U^T`` in the
    C lower triangle. Orders ``n <= SMALL_N`` are factored by loops (same contract).
    """
    n = A.shape[0]
    for i in range(n):
        for j in range(i + 1):
            if not np.isfinite(A[i, j]):
                return -1
    if n == 0:
        return 0
    if n <= SMALL_N:
        return _cholesky_small(A)
    return _dpotrf(_KIND_D, _UPLO_U, n, A.ctypes, n)


@jit
def lower_solve(Lf, b):
    """Forward substitution ``L y = b``, ``L`` the lower triangle of ``Lf``."""
    return _lower_solve_into(Lf, b, np.empty(b.shape[0]))


@jit(inline="always")
def _lower_solve_into(Lf, b, y):
    for i in range(b.shape[0]):
        acc = b[i]
        for j in range(i):
            acc -= Lf[i, j] * y[j]
        y[i] = acc / Lf[i, i]
    return y


@jit
def cho_solve(Lf, b):
    """Solve ``L L^T x = b`` where ``L`` is the lower triangle of ``Lf``."""
    return cho_solve_into(Lf, b, np.empty(b.shape[0]))


@jit(inline="always")
def cho_solve_into(Lf, b, y):
    """:func:`cho_solve` writing the solution into ``y`` (``y`` may not alias ``b``);
    returns ``y``."""
    _lower_solve_into(Lf, b, y)
    # back substitution L^T x = y, column-oriented so that rows of L are read
    for i in range(b.shape[0] - 1, -1, -1):
        xi = y[i] / Lf[i, i]
        y[i] = xi
        for j in range(i):
            y[j] -= Lf[i, j] * xi
    return y


@jit
def solve_shifted(H, lam, mode, B, r):
    """``(ok, h)`` with ``(H + lam B) h = r``; ``B = I`` when ``mode == 0``.

    ``ok`` is false when the Cholesky factorization of ``H + lam B`` fails (the
    matrix is not numerically positive definite or has a non-finite entry); ``h``
    is then a vector of NaN.
    """
    n = r.shape[0]
    h = np.empty(n)
    ok = solve_shifted_into(H, lam, mode, B, r, np.empty((n, n)), h)
    return ok, h


@jit(inline="always")
def solve_shifted_into(H, lam, mode, B, r, A, h):
    """:func:`solve_shifted` with work arrays: ``A`` (``n x n``) receives the factor,
    ``h`` the solution (NaN on failure); returns ``ok``."""
    n = r.shape[0]
    if mode == 0:
        for i in range(n):
            for j in range(n):
                A[i, j] = H[i, j]
            A[i, i] += lam
    else:
        for i in range(n):
            for j in range(n):
                A[i, j] = H[i, j] + lam * B[i, j]
    if cholesky_inplace(A) != 0:
        h[:] = np.nan
        return False
    cho_solve_into(A, r, h)
    return True


@jit(inline="always")
def _factor_base(d, e, lam):
    """``(ok, pinv, m)``: ``D = tridiag(d + lam, e) = L diag(p) L^T`` with ``L`` unit lower
    bidiagonal (subdiagonal ``m``), ``pinv = 1/p``; a diagonal ``D`` when ``e`` is empty
    (``m`` empty). ``ok`` is false unless every pivot ``p_i`` is positive and finite
    (``D`` positive definite; ``O(n)``)."""
    n = d.shape[0]
    pinv = np.empty(n)
    m = np.empty(e.shape[0])
    prev = 0.0                       # m_(i-1) e_(i-1), the update of pivot i
    for i in range(n):
        p = d[i] + lam - prev
        if not (p > 0.0) or not np.isfinite(p):
            return False, pinv, m
        pinv[i] = 1.0 / p
        if e.shape[0] and i < n - 1:
            m[i] = e[i] * pinv[i]
            prev = m[i] * e[i]
    return True, pinv, m


@jit(inline="always")
def _solve_base(pinv, m, r):
    """``D^-1 r`` from :func:`_factor_base` (a fresh array)."""
    if m.shape[0] == 0:
        return r * pinv
    n = r.shape[0]
    y = r.copy()
    for i in range(1, n):            # L z = r
        y[i] -= m[i - 1] * y[i - 1]
    for i in range(n):               # diag(p) t = z
        y[i] *= pinv[i]
    for i in range(n - 2, -1, -1):   # L^T y = t
        y[i] -= m[i] * y[i + 1]
    return y


@jit
def solve_lowrank(d, e, U, w, lam, r):
    """``(ok, h)`` with ``(tridiag(d, e) + U^T diag(w) U + lam I) h = r`` by Woodbury.

    ``e`` is the sub- and superdiagonal (length ``n - 1``) or empty (``diag(d)``).
    Requires ``w >= 0`` (checked: a negative weight returns ``ok = False`` so that
    the caller can fall back to the dense path). ``ok`` is also false when
    ``D = tridiag(d + lam, e)`` is not positive definite (:func:`_factor_base`) or
    when the ``k x k`` capacitance matrix fails to factor. Cost ``O(n k^2 + k^3)``.
    """
    n = r.shape[0]
    k = U.shape[0]
    nan = np.full(n, np.nan)
    for j in range(k):
        if not (w[j] >= 0.0):
            return False, nan
    ok, pinv, m = _factor_base(d, e, lam)
    if not ok:
        return False, nan
    y = _solve_base(pinv, m, r)        # D^-1 r
    if k == 0:
        return True, y
    sw = np.sqrt(w)
    V = np.empty((k, n))               # W^(1/2) U
    for j in range(k):
        for i in range(n):
            V[j, i] = sw[j] * U[j, i]
    VD = np.empty((k, n))              # W^(1/2) U D^-1, row by row
    for j in range(k):
        VD[j] = _solve_base(pinv, m, V[j])
    S = VD @ V.T                       # W^(1/2) U D^-1 U^T W^(1/2)
    for j in range(k):
        S[j, j] += 1.0
    if cholesky_inplace(S) != 0:
        return False, nan
    z = cho_solve(S, V @ y)            # S^-1 W^(1/2) U D^-1 r
    h = y - (VD.T @ z)                 # D^-1 r - D^-1 U^T W^(1/2) z
    return True, h
