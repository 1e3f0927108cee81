"""Power of a linear residual ``f(x) = (1/p) ||Ax - b||^p``, ``p >= 2`` (convex).

Residual form ``u(x) = Ax - b`` (affine), so the Gauss-Newton matrix
``||u||^(p-2) A^T A + (p-2) ||u||^(p-4) (A^T u)(A^T u)^T`` *is* the exact Hessian.
The one-dimensional family ``|x|^(2+nu) / (2+nu)``, ``nu in [0, 1]``, is the
instance ``A = [[1]]``, ``b = 0``, ``p = 2 + nu`` (builder :func:`power_1d`): its
Hessian ``(1+nu) |x|^nu`` is ``nu``-Hölder with constant ``1+nu`` (``nu > 0``).

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems import _powernorm as PN
from numeric.problems.base import (FLOAT, MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_int, check_matrix, check_power, check_vector)

LAYOUT = Layout(A=MATRIX, b=VECTOR, p=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    A, b, p = _unpack(data)
    u = A @ x - b
    return PN.value_grad(u, A.T @ u, p)


@jit
def _parts(data, x):
    A, b, p = _unpack(data)
    u = A @ x - b
    return u, A.copy(), A.T @ u, p


@jit
def _hess(data, x):
    A, b, p = _unpack(data)
    u = A @ x - b
    return PN.gauss_newton(u, A, A.T @ u, p)


@jit
def _hess_lowrank(data, x):
    """The exact Hessian in its Gauss-Newton form (``u`` is affine)."""
    u, J, jtu, p = _parts(data, x)
    return PN.gauss_newton_lowrank(u, J, jtu, p)


def _residual_error(data, xabs):
    """``||fl(Ax - b) - (Ax - b)|| <= gamma_(n+1) || |A| xabs + |b| ||`` (a dot product of
    length ``n`` and one subtraction per row; the magnitudes, a sum of nonnegative terms,
    are inflated by ``1 + gamma_(n+1)``); ``||J||_F = ||A||_F``."""
    d = LAYOUT.fields(data)
    A, b = d["A"], d["b"]
    g = PN.gamma(A.shape[1] + 1)
    mag = np.abs(A) @ xabs + np.abs(b)
    return g * (1 + g) * float(np.linalg.norm(mag)) * (1 + g), float(np.linalg.norm(A)) * (1 + g)


def power(n: int = 5, m: int | None = None, p: float = 3.0, seed: int = 0, A=None, b=None) -> Problem:
    """``(1/p) ||Ax - b||^p`` with a seeded Gaussian ``A`` (``m x n``, ``m = n`` by default).

    Generated instances take ``b = A x*`` for a seeded ``x*``, so ``f* = 0``. With a
    given ``A`` and ``b``, ``x*`` is the least-squares solution (``t -> t^p / p`` is
    increasing) and ``f* = (1/p) ||A x* - b||^p``. Default ``x0 = x* + 1``.
    """
    p = check_power("p", p)
    f_star = x_star = None
    if A is None:
        if b is not None:
            raise ValueError("b must be given together with A (or neither).")
        n = check_int("n", n, 1)
        m = n if m is None else check_int("m", m, 1)
        rng = np.random.default_rng(seed)
        A = rng.standard_normal((m, n))
        x_star = rng.standard_normal(n)
        b, f_star = A @ x_star, 0.0
    A = check_matrix("A", A)
    m, n = A.shape
    b = check_vector("b", np.zeros(m) if b is None else b, m)
    if f_star is None:
        x_star = np.linalg.lstsq(A, b, rcond=None)[0]
        f_star = float(np.linalg.norm(A @ x_star - b) ** p / p)
    return Problem(
        name="power", kind=PROBLEM.kind, data=LAYOUT.pack(A=A, b=b, p=p), n=n, x0=x_star + 1.0,
        convex=True, f_star=f_star, x_star=x_star,
        params=dict(n=n, m=m, p=p, seed=seed),
    )


def power_1d(nu: float = 1.0) -> Problem:
    """``|x|^(2+nu) / (2+nu)`` on the real line, ``nu in [0, 1]``: ``x* = 0``, ``f* = 0``, ``x0 = 1``."""
    nu_f = float(nu)
    if not (np.isfinite(nu_f) and 0.0 <= nu_f <= 1.0):
        raise ValueError(f"nu must lie in [0, 1], got {nu!r}.")
    prob = power(A=np.ones((1, 1)), b=np.zeros(1), p=2.0 + nu_f)
    return Problem(
        name="power_1d", kind=PROBLEM.kind, data=prob.data, n=1, x0=np.ones(1), convex=True,
        f_star=0.0, x_star=np.zeros(1), params=dict(nu=nu_f),
    )


PROBLEM = ProblemType("power", 1, LAYOUT, _value_grad,
                      {"exact": Hessian(dense=_hess, lowrank=_hess_lowrank)}, residual=_parts,
                      residual_error=_residual_error)
BUILDERS = {"power": power, "power_1d": power_1d}
