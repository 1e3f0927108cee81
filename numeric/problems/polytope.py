"""Polytope feasibility ``f(x) = (1/p) sum_j max(0, <a_j, x> - b_j)^p``, ``p >= 2`` (convex):

    grad f = A^T r_+^(p-1),   hess f = (p-1) A^T diag(r_+^(p-2)) A,   r = Ax - b,

with ``r_+ = max(0, r)`` and ``r_+^0`` read as the indicator of ``r > 0`` (for
``p = 2`` the Hessian jumps across the facets; the value at ``r_j = 0`` is the
one-sided limit from inside, ``0``). ``f = 0`` exactly on the polytope
``{x : Ax <= b}``; the builder makes it non-empty by drawing ``x_feas`` and
setting ``b = A x_feas + slack`` with seeded ``slack_j in [0, 1]``, so ``f* = 0``
and ``x* = x_feas`` (one minimizer among many).

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems._gram import lowrank_dense
from numeric.problems.base import (FLOAT, MATRIX, VECTOR, Hessian, Layout, Problem, ProblemType,
                                   check_int, check_power)

LAYOUT = Layout(A=MATRIX, b=VECTOR, p=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _violations(data, x):
    """``r_+ = max(0, Ax - b)``."""
    A, b, _ = _unpack(data)
    return np.maximum(A @ x - b, 0.0)


@jit
def _value_grad(data, x):
    A, _, p = _unpack(data)
    rp = _violations(data, x)
    return np.sum(rp ** p) / p, A.T @ (rp ** (p - 1.0))


@jit
def _hess_lowrank(data, x):
    """``(0, A, (p-1) r_+^(p-2))`` with ``0^0 = 0`` (indicator of ``r > 0``)."""
    A, _, p = _unpack(data)
    rp = _violations(data, x)
    w = np.zeros(rp.shape[0])
    for j in range(rp.shape[0]):
        if rp[j] > 0.0:
            w[j] = (p - 1.0) * rp[j] ** (p - 2.0)
    return np.zeros(x.shape[0]), A, w


@jit
def _hess(data, x):
    d, U, w = _hess_lowrank(data, x)
    return lowrank_dense(d, U, w)


def polytope(n: int = 5, m: int | None = None, p: float = 2.0, seed: int = 0) -> Problem:
    """Seeded instance with ``m = 3n`` Gaussian facets by default; ``x0 = x_feas + 3 z``
    for a seeded Gaussian ``z`` (generically outside the polytope).
    """
    n = check_int("n", n, 1)
    m = 3 * n if m is None else check_int("m", m, 1)
    p = check_power("p", p)
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    x_feas = rng.standard_normal(n)
    b = A @ x_feas + rng.uniform(0.0, 1.0, size=m)
    return Problem(
        name="polytope", kind=PROBLEM.kind, data=LAYOUT.pack(A=A, b=b, p=p), n=n,
        x0=x_feas + 3.0 * rng.standard_normal(n), convex=True, f_star=0.0, x_star=x_feas,
        params=dict(n=n, m=m, p=p, seed=seed),
    )


PROBLEM = ProblemType("polytope", 10, LAYOUT, _value_grad,
                      {"exact": Hessian(dense=_hess, lowrank=_hess_lowrank)})
BUILDERS = {"polytope": polytope}
