"""Nesterov's worst-case chain for second-order methods (convex, Lipschitz Hessian):

    f(x) = (L/6) sum_{i=1}^n |d_i|^3 - x_1,
    d_i = x_i - x_{i+1} (i < n),   d_n = x_n,

i.e. ``d = Dx`` with ``D`` upper bidiagonal (``1`` on the diagonal, ``-1`` above).
Since ``x_1 = sum_i d_i``, ``f = sum_i ((L/6)|d_i|^3 - d_i)`` separates in ``d``:
each term is minimal at ``d_i = sqrt(2/L)``, hence
``x*_i = (n - i + 1) sqrt(2/L)`` and ``f* = -(2n/3) sqrt(2/L)``.
The gradient and Hessian are ``grad f = D^T ((L/2) d |d|) - e_1`` and ``hess f = D^T diag(L |d|) D``
(``t -> (L/6)|t|^3`` has second derivative ``L|t|``, Lipschitz with constant ``L``;
``||D|| <= 2``, so ``hess f`` is Lipschitz with constant at most ``8L``).
Information about coordinate ``i`` reaches a Krylov-type method only after ``i``
steps: the chain structure of Nesterov's lower bounds.

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems.base import (FLOAT, INT, Hessian, Layout, Problem, ProblemType, check_int,
                                   check_positive)

LAYOUT = Layout(n=INT, L=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _chain(x):
    """``d = D x``."""
    n = x.shape[0]
    d = np.empty(n)
    for i in range(n - 1):
        d[i] = x[i] - x[i + 1]
    d[n - 1] = x[n - 1]
    return d


@jit
def _value_grad(data, x):
    L = _unpack(data)[1]
    n = x.shape[0]
    d = _chain(x)
    s = 0.5 * L * d * np.abs(d)
    g = s.copy()                      # D^T s: (D^T s)_i = s_i - s_{i-1}
    for i in range(1, n):
        g[i] -= s[i - 1]
    g[0] -= 1.0
    return L / 6.0 * np.sum(np.abs(d) ** 3) - x[0], g


@jit
def _hess_lowrank(data, x):
    """``(0, D, L |d|)``."""
    L = _unpack(data)[1]
    n = x.shape[0]
    D = np.zeros((n, n))
    for i in range(n):
        D[i, i] = 1.0
        if i + 1 < n:
            D[i, i + 1] = -1.0
    return np.zeros(n), D, L * np.abs(_chain(x))


@jit
def _hess(data, x):
    L = _unpack(data)[1]
    n = x.shape[0]
    w = L * np.abs(_chain(x))
    H = np.zeros((n, n))             # tridiagonal D^T diag(w) D
    for i in range(n):
        H[i, i] = w[i] + (w[i - 1] if i > 0 else 0.0)
        if i > 0:
            H[i, i - 1] = -w[i - 1]
            H[i - 1, i] = -w[i - 1]
    return H


def nesterov_chain(n: int = 5, L: float = 1.0) -> Problem:
    """The chain of length ``n``; ``x0 = 0`` (where only ``x_1`` has a gradient)."""
    n = check_int("n", n, 1)
    L = check_positive("L", L)
    r = np.sqrt(2.0 / L)
    return Problem(
        name="nesterov_chain", kind=PROBLEM.kind, data=LAYOUT.pack(n=n, L=L), n=n, x0=np.zeros(n),
        convex=True, f_star=float(-2.0 * n / 3.0 * r), x_star=r * np.arange(n, 0, -1.0),
        params=dict(n=n, L=L),
    )


PROBLEM = ProblemType("nesterov_chain", 8, LAYOUT, _value_grad,
                      {"exact": Hessian(dense=_hess, lowrank=_hess_lowrank)})
BUILDERS = {"nesterov_chain": nesterov_chain}
