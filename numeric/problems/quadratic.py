"""Quadratic ``f(x) = 1/2 <Qx, x> - <b, x>``, ``Q`` symmetric positive definite.

The template for every problem module: ``KIND``, private ``@jit`` kernels
``_value_grad``, ``_hess`` taking ``(data, x)``, and a public builder.
With the exact Hessian, ``gamma(x) = inf`` (the residual ``r_x(h)`` is zero).
Data layout: ``A = Q``, ``b = b``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems.base import Problem, check_finite, check_positive, pack

KIND = 0


@jit
def _value_grad(data, x):
    Q, b = data[0], data[1]
    Qx = Q @ x
    return 0.5 * np.dot(x, Qx) - np.dot(b, x), Qx - b


@jit
def _hess(data, x):
    return data[0].copy()


def quadratic(n: int = 10, cond: float = 100.0, seed: int = 0, Q=None, b=None) -> Problem:
    """Random SPD quadratic with condition number ``cond`` (or the given ``Q``, ``b``).

    ``f* = -1/2 <b, Q^-1 b>`` at ``x* = Q^-1 b``; default ``x0`` is the zero vector
    shifted by ones.
    """
    if Q is None:
        n = int(n)
        if n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}.")
        check_positive("cond", cond)
        if cond < 1:
            raise ValueError(f"cond must be >= 1, got {cond!r}.")
        rng = np.random.default_rng(seed)
        U, _ = np.linalg.qr(rng.standard_normal((n, n)))
        ev = np.geomspace(1.0, cond, n)
        Q = (U * ev) @ U.T
        Q = 0.5 * (Q + Q.T)
        b = rng.standard_normal(n) if b is None else b
    Q = check_finite("Q", Q)
    if Q.ndim != 2 or Q.shape[0] != Q.shape[1]:
        raise ValueError(f"Q must be a square matrix, got shape {Q.shape}.")
    n = Q.shape[0]
    b = np.zeros(n) if b is None else check_finite("b", b)
    if b.shape != (n,):
        raise ValueError(f"b must be a vector of length {n}, got shape {b.shape}.")
    if not np.allclose(Q, Q.T) or np.linalg.eigvalsh(Q)[0] <= 0:
        raise ValueError("Q must be symmetric positive definite.")
    x_star = np.linalg.solve(Q, b)
    return Problem(
        name="quadratic", kind=KIND, data=pack(A=Q, b=b), n=n, x0=x_star + 1.0,
        convex=True, f_star=float(-0.5 * b @ x_star), x_star=x_star,
        params=dict(n=n, cond=cond, seed=seed),
    )
