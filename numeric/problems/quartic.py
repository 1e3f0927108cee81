"""Quartic family (Lipschitz third derivative, convex):

    f(x) = (1/4) sum_i (<a_i, x> - b_i)^4 + (lam/2) ||x||^2 - <q, x>

with residuals ``r = Ax - b``:

    grad f = A^T r^3 + lam x - q,      hess f = 3 A^T diag(r^2) A + lam I,
    D^3 f(x)[h, h, h] = 6 sum_i r_i <a_i, h>^3.

``D^3 f`` is Lipschitz: ``|D^3 f(x) - D^3 f(y)|[h]^3 <= 6 sum_i |<a_i, x - y>| <a_i, h>^3``,
so ``L_3 <= 6 sum_i ||a_i||^4`` (a crude bound; the class constant is derived in
the theory layer). Convex as a sum of convex functions (``lam >= 0``).
The linear term places the minimizer: the builder draws ``x*`` and sets
``q = A^T (A x* - b)^3 + lam x*``, so ``grad f(x*) = 0`` and ``f* = f(x*)``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._gram import lowrank_dense
from numeric.problems.base import (FLOAT, MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_int, check_matrix, check_positive, check_vector)

LAYOUT = Layout(A=MATRIX, b=VECTOR, q=VECTOR, lam=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    A, b, q, lam = _unpack(data)
    r = A @ x - b
    r2 = r * r
    f = 0.25 * np.dot(r2, r2) + 0.5 * lam * np.dot(x, x) - np.dot(q, x)
    return f, A.T @ (r2 * r) + lam * x - q


@jit
def _hess_lowrank(data, x):
    """Exact Hessian as ``(lam 1, A, 3 r^2)``."""
    A, b, _, lam = _unpack(data)
    r = A @ x - b
    return np.full(x.shape[0], lam), A, 3.0 * r * r


@jit
def _hess(data, x):
    d, U, w = _hess_lowrank(data, x)
    return lowrank_dense(d, U, w)


def quartic(n: int = 5, m: int | None = None, lam: float = 0.0, spread: float = 1.0,
            seed: int = 0, A=None, b=None, x_star=None) -> Problem:
    """A seeded quartic instance (``A`` Gaussian ``m x n``, ``m = 2n`` by default).

    ``b = A x* + spread * z`` (``z`` standard normal), so ``spread = 0`` gives a
    pure quartic ``(1/4) sum (a_i^T (x - x*))^4`` with ``f* = (lam/2)||x*||^2 - <q, x*>``.
    ``lam >= 0`` is the weight of the quadratic part. Default ``x0 = x* + 1``.
    """
    lam = check_positive("lam", lam, strict=False)
    spread = check_positive("spread", spread, strict=False)
    rng = np.random.default_rng(seed)
    if A is None:
        n = check_int("n", n, 1)
        m = 2 * n if m is None else check_int("m", m, 1)
        A = rng.standard_normal((m, n))
    A = check_matrix("A", A)
    m, n = A.shape
    x_star = check_vector("x_star", rng.standard_normal(n) if x_star is None else x_star, n)
    if b is None:
        b = A @ x_star + spread * rng.standard_normal(m)
    b = check_vector("b", b, m)
    r = A @ x_star - b
    q = A.T @ r**3 + lam * x_star
    f_star = float(0.25 * np.sum(r**4) + 0.5 * lam * x_star @ x_star - q @ x_star)
    return Problem(
        name="quartic", kind=PROBLEM.kind, data=LAYOUT.pack(A=A, b=b, q=q, lam=lam), n=n,
        x0=x_star + 1.0, convex=True, f_star=f_star, x_star=x_star,
        params=dict(n=n, m=m, lam=lam, spread=spread, seed=seed),
    )


PROBLEM = ProblemType("quartic", 2, LAYOUT, _value_grad,
                      {"exact": Hessian(dense=_hess, lowrank=_hess_lowrank)})
BUILDERS = {"quartic": quartic}
