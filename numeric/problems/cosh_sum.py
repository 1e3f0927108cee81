"""Sum of hyperbolic cosines, an ``(L0, L1)``-smooth convex family:

    f(x) = (1/m) sum_j cosh(r_j),   r = Ax - b,
    grad f = (1/m) A^T sinh(r),     hess f = (1/m) A^T diag(cosh r) A.

Since ``cosh <= 1 + |sinh|``, ``||hess f||`` is bounded by an affine function of
the size of ``sinh(r)``, the mechanism behind ``(L0, L1)``-smoothness (the class
constants are derived in the theory layer); ``hess f`` is not globally bounded.
Minimizer by construction: the builder draws ``x*`` and ``r*`` in the null space of
``A^T`` (``A^T sinh(r*) = 0`` needs ``sinh(r*)`` there; the builder takes
``r* = asinh(s)`` with ``s`` in that null space), then ``b = A x* - r*``, so
``grad f(x*) = 0`` and ``f* = (1/m) sum_j cosh(r*_j)``.

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._gram import lowrank_dense
from numeric.problems.base import (MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_int, check_positive)

LAYOUT = Layout(A=MATRIX, b=VECTOR)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    A, b = _unpack(data)
    r = A @ x - b
    m = r.shape[0]
    return np.sum(np.cosh(r)) / m, A.T @ (np.sinh(r) / m)


@jit
def _hess_lowrank(data, x):
    """``(0, A, cosh(r) / m)``."""
    A, b = _unpack(data)
    r = A @ x - b
    return np.zeros(x.shape[0]), A, np.cosh(r) / r.shape[0]


@jit
def _hess(data, x):
    d, U, w = _hess_lowrank(data, x)
    return lowrank_dense(d, U, w)


def cosh_sum(n: int = 5, m: int | None = None, spread: float = 1.0, seed: int = 0) -> Problem:
    """Seeded instance: ``A`` Gaussian ``m x n`` (``m = 2n`` by default), ``x*`` Gaussian,
    ``s`` a Gaussian vector projected on ``null(A^T)`` scaled to ``||s||_inf = spread``
    (``spread = 0``: ``b = A x*``, ``f* = 1``). Default ``x0 = x* + 1``.
    """
    n = check_int("n", n, 1)
    m = 2 * n if m is None else check_int("m", m, 1)
    spread = check_positive("spread", spread, strict=False)
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    x_star = rng.standard_normal(n)
    z = rng.standard_normal(m)
    s = z - A @ np.linalg.lstsq(A, z, rcond=None)[0]
    top = np.max(np.abs(s))
    s = s * (spread / top) if top > 1e-12 * np.max(np.abs(z)) else np.zeros(m)
    r_star = np.arcsinh(s)
    b = A @ x_star - r_star
    return Problem(
        name="cosh_sum", kind=PROBLEM.kind, data=LAYOUT.pack(A=A, b=b), n=n, x0=x_star + 1.0,
        convex=True, f_star=float(np.mean(np.cosh(r_star))), x_star=x_star,
        params=dict(n=n, m=m, spread=spread, seed=seed),
    )


PROBLEM = ProblemType("cosh_sum", 9, LAYOUT, _value_grad,
                      {"exact": Hessian(dense=_hess, lowrank=_hess_lowrank)})
BUILDERS = {"cosh_sum": cosh_sum}
