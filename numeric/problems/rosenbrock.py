"""Rosenbrock's function in two dimensions, as nonlinear equations ``f = (1/p) ||u||^p``:

    u(x) = s (10 (x_2 - x_1^2), 1 - x_1).

``p = 2``, ``s = sqrt(2)`` is the classic ``100 (x_2 - x_1^2)^2 + (1 - x_1)^2``
(builder :func:`rosenbrock`); :func:`rosenbrock_equations` takes any ``p >= 2``
with ``s = 1``. ``x* = (1, 1)``, ``f* = 0``; non-convex. The only second derivative
of ``u`` is ``d^2 u_1 / dx_1^2 = -20 s``, so ``sum_i u_i hess u_i = -20 s u_1 e_1 e_1^T``.

"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems import _powernorm as PN
from numeric.problems.base import FLOAT, Hessian, Layout, Problem, ProblemType, check_power

LAYOUT = Layout(p=FLOAT, s=FLOAT)     # f = (1/p) ||s (10 (x2 - x1^2), 1 - x1)||^p
_unpack = LAYOUT.unpack


@jit
def _residual(s, x):
    u = np.empty(2)
    u[0] = s * 10.0 * (x[1] - x[0] * x[0])
    u[1] = s * (1.0 - x[0])
    return u


@jit
def _jacobian(s, x):
    J = np.empty((2, 2))
    J[0, 0] = -20.0 * s * x[0]
    J[0, 1] = 10.0 * s
    J[1, 0] = -s
    J[1, 1] = 0.0
    return J


@jit
def _jtv(s, x, v):
    r = np.empty(2)
    r[0] = -20.0 * s * x[0] * v[0] - s * v[1]
    r[1] = 10.0 * s * v[0]
    return r


@jit
def _value_grad(data, x):
    """``(f, grad f)`` in closed form (no intermediate arrays: on a problem this small
    the calls and allocations of the generic residual path cost more than the work);
    the same floating-point operations as ``PN.value_grad`` on ``_residual``, ``_jtv``."""
    p, s = _unpack(data)
    u0 = s * 10.0 * (x[1] - x[0] * x[0])
    u1 = s * (1.0 - x[0])
    s2 = 0.0 + u0 * u0 + u1 * u1
    a = PN.norm_power(s2, p)[1]
    g = np.empty(2)
    g[0] = -20.0 * s * x[0] * u0 - s * u1
    g[1] = 10.0 * s * u0
    if a == 1.0:
        return s2 / p, g
    g[0] *= a
    g[1] *= a
    return a * s2 / p, g


@jit
def _parts(data, x):
    p, s = _unpack(data)
    u = _residual(s, x)
    return u, _jacobian(s, x), _jtv(s, x, u), p


@jit
def _hess(data, x):
    """Exact Hessian in closed form, the same floating-point operations as ``PN.exact``
    on :func:`_parts` and ``S = sum_i u_i hess u_i = -20 s u_1 e_1 e_1^T``
    (``a J^T J + c v v^T + a S`` entrywise)."""
    p, s = _unpack(data)
    u0 = s * 10.0 * (x[1] - x[0] * x[0])
    u1 = s * (1.0 - x[0])
    j00, j01, j10 = -20.0 * s * x[0], 10.0 * s, -s
    nu, a = PN.norm_power(0.0 + u0 * u0 + u1 * u1, p)
    v0 = v1 = c = 0.0
    if not (nu == 0.0 or p == 2.0):
        v0 = (j00 * u0 + j10 * u1) / nu
        v1 = (j01 * u0) / nu
        c = (p - 2.0) * a
    H = np.empty((2, 2))
    H[0, 0] = a * (0.0 + j00 * j00 + j10 * j10) + c * v0 * v0 + a * (-20.0 * s * u0)
    h01 = a * (0.0 + j00 * j01 + j10 * 0.0) + c * v0 * v1 + a * 0.0
    H[0, 1] = h01
    H[1, 0] = h01
    H[1, 1] = a * (0.0 + j01 * j01 + 0.0 * 0.0) + c * v1 * v1 + a * 0.0
    return H


def _residual_error(data, xabs):
    """``|fl(u_1) - u_1| <= gamma_4 10 s (|x_2| + x_1^2)``, ``|fl(u_2) - u_2| <= gamma_2
    s (1 + |x_1|)`` (the products by ``s`` and ``10`` and the square each round once);
    ``||J||_F^2 = s^2 (400 x_1^2 + 101)``. Plain NumPy."""
    d = LAYOUT.fields(data)
    s = abs(float(d["s"]))
    x = np.asarray(xabs, dtype=np.float64)
    g = PN.gamma(4)
    e = g * float(np.hypot(10.0 * s * (x[1] + x[0] * x[0]), s * (1.0 + x[0])))
    return e * (1 + g) ** 2, s * float(np.sqrt(400.0 * x[0] * x[0] + 101.0)) * (1 + g)


def _make(name, p, s):
    return Problem(
        name=name, kind=PROBLEM.kind, data=LAYOUT.pack(p=p, s=s), n=2, x0=np.array([-1.2, 1.0]),
        convex=False, f_star=0.0, x_star=np.ones(2), params=dict(p=p),
    )


def rosenbrock() -> Problem:
    """Classic ``100 (x_2 - x_1^2)^2 + (1 - x_1)^2``; ``x0 = (-1.2, 1)``."""
    return _make("rosenbrock", 2.0, float(np.sqrt(2.0)))


def rosenbrock_equations(p: float = 2.0) -> Problem:
    """``(1/p) ||(10 (x_2 - x_1^2), 1 - x_1)||^p``, ``p >= 2``; ``x0 = (-1.2, 1)``."""
    return _make("rosenbrock_equations", check_power("p", p), 1.0)


PROBLEM = ProblemType("rosenbrock", 7, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess)},
                      residual=_parts, residual_error=_residual_error)
BUILDERS = {"rosenbrock": rosenbrock, "rosenbrock_equations": rosenbrock_equations}
