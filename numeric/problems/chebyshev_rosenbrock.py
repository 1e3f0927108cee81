"""Chebyshev-Rosenbrock chain (Nesterov's non-convex chain), ``f = (1/p) ||u(x)||^p``:

    u_1 = (1 - x_1) / 2,    u_i = x_i - 2 x_{i-1}^2 + 1   (i = 2..n).

``u(x*) = 0`` at ``x* = (1, ..., 1)``, so ``f* = 0``. Non-convex. The Jacobian is
lower bidiagonal: ``du_1/dx_1 = -1/2``, ``du_i/dx_i = 1``,
``du_i/dx_{i-1} = -4 x_{i-1}``; the only second derivatives are
``d^2 u_i / dx_{i-1}^2 = -4``, so ``sum_i u_i hess u_i = diag(-4 u_2, ..., -4 u_n, 0)``.
The Gauss-Newton and Fisher-term rules use the bidiagonal form (``_bidiagonal``):
``O(n)`` per iteration.

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems import _powernorm as PN
from numeric.problems.base import (FLOAT, INT, Hessian, Layout, Problem, ProblemType, check_int,
                                   check_power)

LAYOUT = Layout(n=INT, p=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _residual(x):
    n = x.shape[0]
    u = np.empty(n)
    u[0] = 0.5 * (1.0 - x[0])
    for i in range(1, n):
        u[i] = x[i] - 2.0 * x[i - 1] * x[i - 1] + 1.0
    return u


@jit
def _jacobian(x):
    n = x.shape[0]
    J = np.zeros((n, n))
    J[0, 0] = -0.5
    for i in range(1, n):
        J[i, i] = 1.0
        J[i, i - 1] = -4.0 * x[i - 1]
    return J


@jit
def _jtv(x, v):
    n = x.shape[0]
    r = np.empty(n)
    r[0] = -0.5 * v[0]
    for i in range(1, n):
        r[i] = v[i]
    for i in range(1, n):
        r[i - 1] -= 4.0 * x[i - 1] * v[i]
    return r


@jit
def _curvature(u):
    n = u.shape[0]
    S = np.zeros((n, n))
    for i in range(1, n):
        S[i - 1, i - 1] = -4.0 * u[i]
    return S


@jit
def _value_grad(data, x):
    u = _residual(x)
    return PN.value_grad(u, _jtv(x, u), _unpack(data)[1])


@jit
def _parts(data, x):
    u = _residual(x)
    return u, _jacobian(x), _jtv(x, u), _unpack(data)[1]


@jit
def _bidiagonal(data, x):
    """``(u, jd, je, J^T u, p)``: ``J``'s diagonal ``(-1/2, 1, ..., 1)`` and subdiagonal
    ``J[i+1, i] = -4 x_i``, without forming ``J`` (``O(n)``)."""
    n = x.shape[0]
    u = _residual(x)
    jd = np.ones(n)
    jd[0] = -0.5
    je = np.empty(n - 1 if n else 0)
    for i in range(n - 1):
        je[i] = -4.0 * x[i]
    return u, jd, je, _jtv(x, u), _unpack(data)[1]


@jit
def _hess(data, x):
    u, J, jtu, p = _parts(data, x)
    return PN.exact(u, J, jtu, p, _curvature(u))


def _residual_error(data, xabs):
    """``|fl(u_1) - u_1| <= gamma_2 (1 + |x_1|)/2``, ``|fl(u_i) - u_i| <= gamma_3 (|x_i| +
    2 x_(i-1)^2 + 1)`` (a square, a subtraction, an addition; the doubling is exact);
    ``||J||_F^2 = 1/4 + (n - 1) + 16 sum_(i<n) x_i^2``. Plain NumPy."""
    x = np.asarray(xabs, dtype=np.float64)
    g = PN.gamma(3)
    mag = np.empty(x.shape[0])
    mag[0] = 0.5 * (1.0 + x[0])
    mag[1:] = x[1:] + 2.0 * x[:-1] * x[:-1] + 1.0
    jf = np.sqrt(0.25 + (x.shape[0] - 1) + 16.0 * float(np.sum(x[:-1] * x[:-1])))
    return g * float(np.linalg.norm(mag)) * (1 + g) ** 2, float(jf) * (1 + g)


def chebyshev_rosenbrock(n: int = 4, p: float = 2.0) -> Problem:
    """The chain in dimension ``n >= 1`` with exponent ``p >= 2``; ``x0 = (-1, 1, ..., 1)``."""
    n = check_int("n", n, 1)
    p = check_power("p", p)
    x0 = np.ones(n)
    x0[0] = -1.0
    return Problem(
        name="chebyshev_rosenbrock", kind=PROBLEM.kind, data=LAYOUT.pack(n=n, p=p), n=n, x0=x0,
        convex=False, f_star=0.0, x_star=np.ones(n), params=dict(n=n, p=p),
    )


PROBLEM = ProblemType("chebyshev_rosenbrock", 6, LAYOUT, _value_grad,
                      {"exact": Hessian(dense=_hess)}, residual=_parts,
                      residual_error=_residual_error, residual_bidiagonal=_bidiagonal)
BUILDERS = {"chebyshev_rosenbrock": chebyshev_rosenbrock}
