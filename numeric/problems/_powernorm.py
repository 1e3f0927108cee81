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

A residual problem module provides ``_residual(data, x) -> u``,
``_jacobian(data, x) -> J`` (shape ``(m, n)``), ``_jtv(data, x, v) -> J^T v`` and
``_curvature(data, x, u) -> sum_i u_i hess u_i``; ``p`` is ``data[4][0]``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._gram import lowrank_dense


@jit
def value(u, p):
    """``(1/p) ||u||^p``."""
    return np.sqrt(np.dot(u, u)) ** p / p


@jit
def grad(u, jtu, p):
    """``||u||^(p-2) J^T u`` from ``jtu = J^T u``."""
    return np.sqrt(np.dot(u, u)) ** (p - 2.0) * jtu


@jit
def rank_one(u, jtu, p):
    """``(v, c)`` with ``(p-2) ||u||^(p-4) (J^T u)(J^T u)^T = c v v^T``, ``c >= 0``."""
    nu = np.sqrt(np.dot(u, u))
    if nu == 0.0 or p == 2.0:
        return np.zeros(jtu.shape[0]), 0.0
    return jtu / nu, (p - 2.0) * nu ** (p - 2.0)


@jit
def gauss_newton_lowrank(u, J, jtu, p):
    """``(d, U, w)``: ``U`` stacks ``J`` and ``v^T``; ``w = (nu^(p-2), ..., c)``."""
    m, n = J.shape
    v, c = rank_one(u, jtu, p)
    U = np.empty((m + 1, n))
    U[:m] = J
    U[m] = v
    w = np.full(m + 1, np.sqrt(np.dot(u, u)) ** (p - 2.0))
    w[m] = c
    return np.zeros(n), U, w


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
def exact(u, J, jtu, p, S):
    """Dense exact Hessian: Gauss-Newton plus ``||u||^(p-2) S``, ``S = sum_i u_i hess u_i``."""
    H = gauss_newton(u, J, jtu, p)
    a = np.sqrt(np.dot(u, u)) ** (p - 2.0)
    if a != 0.0:
        H += a * S
    return H
