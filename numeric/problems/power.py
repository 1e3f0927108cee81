"""Power of a linear residual ``f(x) = (1/p) ||Ax - b||^p``, ``p >= 2`` (convex).

Residual form ``u(x) = Ax - b`` (affine), so the Gauss-Newton matrix
``||u||^(p-2) A^T A + (p-2) ||u||^(p-4) (A^T u)(A^T u)^T`` *is* the exact Hessian.
The one-dimensional family ``|x|^(2+nu) / (2+nu)``, ``nu in [0, 1]``, is the
instance ``A = [[1]]``, ``b = 0``, ``p = 2 + nu`` (builder :func:`power_1d`): its
Hessian ``(1+nu) |x|^nu`` is ``nu``-Hölder with constant ``1+nu`` (``nu > 0``).

Data layout: ``A`` (``m x n``), ``b`` (``m``), ``fp = [p]``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems import _powernorm as PN
from numeric.problems.base import Problem, check_int, check_matrix, check_power, check_vector, pack

KIND = 1
RULES = ("exact", "gauss_newton", "fisher_term", "perturbed", "perturbed_psd", "zero")


@jit
def _value_grad(data, x):
    A = data[0]
    u = A @ x - data[1]
    return PN.value_grad(u, A.T @ u, data[4][0])


@jit
def _parts(data, x):
    A = data[0]
    u = A @ x - data[1]
    return u, A.copy(), A.T @ u, data[4][0]


@jit
def _hess(data, x):
    A = data[0]
    u = A @ x - data[1]
    return PN.gauss_newton(u, A, A.T @ u, data[4][0])


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
        name="power", kind=KIND, data=pack(A=A, b=b, fp=[p]), n=n, x0=x_star + 1.0,
        convex=True, f_star=f_star, x_star=x_star, rules=RULES,
        params=dict(n=n, m=m, p=p, seed=seed),
    )


def power_1d(nu: float = 1.0) -> Problem:
    """``|x|^(2+nu) / (2+nu)`` on the real line, ``nu in [0, 1]``: ``x* = 0``, ``f* = 0``, ``x0 = 1``."""
    nu_f = float(nu)
    if not (np.isfinite(nu_f) and 0.0 <= nu_f <= 1.0):
        raise ValueError(f"nu must lie in [0, 1], got {nu!r}.")
    prob = power(A=np.ones((1, 1)), b=np.zeros(1), p=2.0 + nu_f)
    return Problem(
        name="power_1d", kind=KIND, data=prob.data, n=1, x0=np.ones(1), convex=True,
        f_star=0.0, x_star=np.zeros(1), rules=RULES, params=dict(nu=nu_f),
    )
