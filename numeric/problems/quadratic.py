"""Quadratic ``f(x) = 1/2 <Qx, x> - <b, x>``, ``Q`` symmetric positive definite.

The template for every problem module (see :mod:`numeric.problems.base`): a data
:data:`LAYOUT`, private ``@jit`` kernels taking ``(data, x)`` that read the data with
``LAYOUT.unpack``, the declaration :data:`PROBLEM` and the public builders
(:data:`BUILDERS`). With the exact Hessian, ``gamma(x) = inf`` (the residual
``r_x(h)`` is zero).
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from numeric._jit import jit
from numeric.problems.base import (MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_finite, check_positive)

LAYOUT = Layout(Q=MATRIX, b=VECTOR)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    Q, b = _unpack(data)
    Qx = Q @ x
    return 0.5 * np.dot(x, Qx) - np.dot(b, x), Qx - b


@jit
def _hess(data, x):
    return _unpack(data)[0].copy()


#: Householder reflections whose product rotates the generated eigenbasis
N_REFLECTIONS = 6


def _reflect(V, z, reverse=False):
    """``H_k ... H_1 z`` (``reverse``: ``H_1 ... H_k z``) with ``H_i = I - 2 v_i v_i^T``."""
    z = np.array(z, dtype=np.float64)
    for v in (V[::-1] if reverse else V):
        z -= 2.0 * (v @ z) * v
    return z


def _rotated_diagonal(ev, V):
    """``U diag(ev) U^T`` with ``U = H_k ... H_1`` in ``O(k n^2)``: each reflection is the
    rank-two update ``H Q H = Q - 2 (v u^T + u v^T)``, ``u = Q v - (v^T Q v) v``."""
    Q = np.diag(ev)
    for v in V:
        w = Q @ v
        u = w - (v @ w) * v
        Q -= 2.0 * np.outer(v, u)
        Q -= 2.0 * np.outer(u, v)
    return 0.5 * (Q + Q.T)


def quadratic(n: int = 10, cond: float = 100.0, seed: int = 0, Q=None, b=None) -> Problem:
    """Random SPD quadratic with condition number ``cond`` (or the given ``Q``, ``b``).

    Generated: ``Q = U diag(ev) U^T``, ``ev`` geometric on ``[1, cond]``, ``U`` the product
    of :data:`N_REFLECTIONS` seeded Householder reflections (``min(n, 6)``), so building
    costs ``O(n^2)`` (a dense random orthogonal matrix would cost ``O(n^3)``, more than
    the solves the problem serves); ``x* = U diag(1/ev) U^T b`` exactly as constructed.
    Given ``Q``: symmetric positive definiteness is checked by one Cholesky
    factorization, which also gives ``x* = Q^-1 b``. ``f* = -1/2 <b, x*>``; default
    ``x0 = x* + 1``.
    """
    if Q is None:
        n = int(n)
        if n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}.")
        check_positive("cond", cond)
        if not 1 <= cond <= 1e12:
            raise ValueError(f"cond must lie in [1, 1e12], got {cond!r}.")
        rng = np.random.default_rng(seed)
        V = rng.standard_normal((min(n, N_REFLECTIONS), n))
        V /= np.linalg.norm(V, axis=1)[:, None]
        ev = np.geomspace(1.0, cond, n)
        Q = _rotated_diagonal(ev, V)
        b = rng.standard_normal(n) if b is None else check_finite("b", b)
        if b.shape != (n,):
            raise ValueError(f"b must be a vector of length {n}, got shape {b.shape}.")
        x_star = _reflect(V, _reflect(V, b, reverse=True) / ev)
    else:
        Q = check_finite("Q", Q)
        if Q.ndim != 2 or Q.shape[0] != Q.shape[1]:
            raise ValueError(f"Q must be a square matrix, got shape {Q.shape}.")
        n = Q.shape[0]
        b = np.zeros(n) if b is None else check_finite("b", b)
        if b.shape != (n,):
            raise ValueError(f"b must be a vector of length {n}, got shape {b.shape}.")
        if not np.allclose(Q, Q.T):
            raise ValueError("Q must be symmetric positive definite.")
        try:
            c = cho_factor(Q, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            raise ValueError("Q must be symmetric positive definite.") from None
        x_star = cho_solve(c, b, check_finite=False)
    return Problem(
        name="quadratic", kind=PROBLEM.kind, data=LAYOUT.pack(Q=Q, b=b), n=n, x0=x_star + 1.0,
        convex=True, f_star=float(-0.5 * b @ x_star), x_star=x_star,
        params=dict(n=n, cond=cond, seed=seed),
    )


PROBLEM = ProblemType("quadratic", 0, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess)})
BUILDERS = {"quadratic": quadratic}
