"""The composite ``f(x) = (1/p) ||u(x)||^p`` (``p >= 2``, Euclidean norm of a residual).

With ``J`` the Jacobian of ``u`` and ``nu = ||u||``:

    grad f = nu^(p-2) J^T u
    hess f = nu^(p-2) J^T J + (p-2) nu^(p-4) (J^T u)(J^T u)^T + nu^(p-2) sum_i u_i hess u_i

Gauss-Newton keeps the first two terms (exact when ``u`` is affine; the dropped
term is ``gauss_newton_gap``); the Fisher
term is the rank-one part ``(p-2) nu^(p-4) (J^T u)(J^T u)^T`` alone (zero for
``p = 2``). The rank-one term is evaluated as ``(p-2) nu^(p-2) v v^T`` with
``v = J^T u / nu`` so that it stays finite as ``u -> 0``; at ``u = 0`` it is zero
(its limit for ``p > 2``; for ``p = 2`` the coefficient is zero).

A residual problem module provides ``_parts(data, x) -> (u, J, J^T u, p)`` (``J``
of shape ``(m, n)``, a fresh array) besides ``_value_grad`` and ``_hess``; its own
helpers take the unpacked data they need, not the data tuple (every array passed
to a compiled call costs two atomic reference counts, which dominated the small
problems).
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric._linalg import SMALL_N, dot
from numeric.problems._gram import lowrank_dense


@jit
def _norm_and_power(u, p):
    """``(||u||^2, ||u||, ||u||^(p-2))``. The power is taken without ``pow`` for the
    integer exponents ``p - 2 in {0, 1, 2}`` (``t^0 = 1``, ``t^1 = t``, ``t^2 = t t``),
    which is exact and saves the call on the small problems where it would dominate;
    short vectors are summed by a loop (a BLAS call costs more than the work)."""
    s = dot(u, u)
    nu, a = norm_power(s, p)
    return s, nu, a


@jit
def norm_power(s, p):
    """``(||u||, ||u||^(p-2))`` from ``s = ||u||^2`` (see :func:`_norm_and_power`)."""
    nu = np.sqrt(s)
    e = p - 2.0
    if e == 0.0:
        a = 1.0
    elif e == 1.0:
        a = nu
    elif e == 2.0:
        a = s
    else:
        a = nu ** e
    return nu, a


@jit
def value(u, p):
    """``(1/p) ||u||^p`` (as ``||u||^(p-2) ||u||^2 / p``)."""
    s, _, a = _norm_and_power(u, p)
    return a * s / p


@jit
def grad(u, jtu, p):
    """``||u||^(p-2) J^T u`` from ``jtu = J^T u``."""
    return _norm_and_power(u, p)[2] * jtu


@jit
def value_grad(u, jtu, p):
    """``((1/p) ||u||^p, ||u||^(p-2) J^T u)`` from ``jtu = J^T u`` (``jtu`` itself is
    returned when the factor is 1, i.e. ``p = 2``)."""
    s, _, a = _norm_and_power(u, p)
    if a == 1.0:
        return s / p, jtu
    return a * s / p, a * jtu


@jit
def _rank_one(nu, a, jtu, p):
    if nu == 0.0 or p == 2.0:
        return np.zeros(jtu.shape[0]), 0.0
    return jtu / nu, (p - 2.0) * a


@jit
def rank_one(u, jtu, p):
    """``(v, c)`` with ``(p-2) ||u||^(p-4) (J^T u)(J^T u)^T = c v v^T``, ``c >= 0``."""
    _, nu, a = _norm_and_power(u, p)
    return _rank_one(nu, a, jtu, p)


@jit
def gauss_newton_lowrank(u, J, jtu, p):
    """``(d, U, w)``: ``U`` stacks ``J`` and ``v^T``; ``w = (nu^(p-2), ..., c)``."""
    m, n = J.shape
    _, nu, a = _norm_and_power(u, p)
    v, c = _rank_one(nu, a, jtu, p)
    U = np.empty((m + 1, n))
    U[:m] = J
    U[m] = v
    w = np.full(m + 1, a)
    w[m] = c
    return np.zeros(n), U, w


@jit
def gauss_newton_bidiagonal(u, jd, je, jtu, p):
    """``(d, e, U, w)`` of the Gauss-Newton matrix ``tridiag(d, e) + U^T diag(w) U`` for a
    square lower-bidiagonal ``J`` (diagonal ``jd``, subdiagonal ``je``:
    ``J[i+1, i] = je[i]``): ``||u||^(p-2) J^T J`` is tridiagonal, with
    ``(J^T J)_ii = jd_i^2 + je_i^2`` (``je_(n-1) = 0``) and
    ``(J^T J)_(i,i+1) = je_i jd_(i+1)``; the rank-one term is ``U = v^T``, ``w = (c,)``."""
    n = jd.shape[0]
    _, nu, a = _norm_and_power(u, p)
    v, c = _rank_one(nu, a, jtu, p)
    d = np.empty(n)
    e = np.empty(n - 1 if n else 0)
    for i in range(n):
        t = jd[i] * jd[i]
        if i < n - 1:
            t += je[i] * je[i]
            e[i] = a * (je[i] * jd[i + 1])
        d[i] = a * t
    U = np.empty((1, n))
    U[0] = v
    return d, e, U, np.array([c])


@jit
def fisher_term_lowrank(u, jtu, p):
    """``(d, U, w)`` of the rank-one Fisher term: ``d = 0``, ``U = v^T``, ``w = (c,)``."""
    n = jtu.shape[0]
    v, c = rank_one(u, jtu, p)
    U = np.empty((1, n))
    U[0] = v
    return np.zeros(n), U, np.array([c])


@jit
def gauss_newton(u, J, jtu, p):
    """Dense Gauss-Newton matrix."""
    d, U, w = gauss_newton_lowrank(u, J, jtu, p)
    return lowrank_dense(d, U, w)


@jit
def _exact_small(u, J, jtu, p, S):
    """:func:`exact` by loops, without the stacked ``U`` (for small ``n``: the
    allocations and the Gram product call would cost more than the work)."""
    m, n = J.shape
    _, nu, a = _norm_and_power(u, p)
    v, c = _rank_one(nu, a, jtu, p)
    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            t = 0.0
            for q in range(m):
                t += J[q, i] * J[q, j]
            h = a * t + c * v[i] * v[j] + a * S[i, j]
            H[i, j] = h
            H[j, i] = h
    return H


@jit
def exact(u, J, jtu, p, S):
    """Dense exact Hessian: Gauss-Newton plus ``||u||^(p-2) S``, ``S = sum_i u_i hess u_i``
    (symmetric ``S``); loops for ``n <= SMALL_N``."""
    if J.shape[1] <= SMALL_N:
        return _exact_small(u, J, jtu, p, S)
    H = gauss_newton(u, J, jtu, p)
    a = _norm_and_power(u, p)[2]
    if a != 0.0:
        n = H.shape[0]
        for i in range(n):
            for j in range(n):
                H[i, j] += a * S[i, j]
    return H


def gamma(k: int) -> float:
    """``gamma_k = k u / (1 - k u)``, ``u = 2^-53``: the relative rounding bound of ``k``
    floating-point operations in sequence (Higham, section 3.1). Plain Python."""
    u = 2.0 ** -53
    return k * u / (1.0 - k * u)
