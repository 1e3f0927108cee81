"""Rosenbrock's function in two dimensions, as nonlinear equations ``f = (1/p) ||u||^p``:

    u(x) = s (10 (x_2 - x_1^2), 1 - x_1).

``p = 2``, ``s = sqrt(2)`` is the classic ``100 (x_2 - x_1^2)^2 + (1 - x_1)^2``
(builder :func:`rosenbrock`); :func:`rosenbrock_equations` takes any ``p >= 2``
with ``s = 1``. ``x* = (1, 1)``, ``f* = 0``; non-convex. The only second derivative
of ``u`` is ``d^2 u_1 / dx_1^2 = -20 s``, so ``sum_i u_i hess u_i = -20 s u_1 e_1 e_1^T``.

Data layout: ``fp = [p, s]`` (no arrays).
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems import _powernorm as PN
from numeric.problems.base import Problem, check_power, pack

KIND = 7
RULES = ("exact", "gauss_newton", "fisher_term", "perturbed", "perturbed_psd", "zero")


@jit
def _residual(data, x):
    s = data[4][1]
    u = np.empty(2)
    u[0] = s * 10.0 * (x[1] - x[0] * x[0])
    u[1] = s * (1.0 - x[0])
    return u


@jit
def _jacobian(data, x):
    s = data[4][1]
    J = np.empty((2, 2))
    J[0, 0] = -20.0 * s * x[0]
    J[0, 1] = 10.0 * s
    J[1, 0] = -s
    J[1, 1] = 0.0
    return J


@jit
def _jtv(data, x, v):
    s = data[4][1]
    r = np.empty(2)
    r[0] = -20.0 * s * x[0] * v[0] - s * v[1]
    r[1] = 10.0 * s * v[0]
    return r


@jit
def _curvature(data, x, u):
    S = np.zeros((2, 2))
    S[0, 0] = -20.0 * data[4][1] * u[0]
    return S


@jit
def _value_grad(data, x):
    u = _residual(data, x)
    return PN.value_grad(u, _jtv(data, x, u), data[4][0])


@jit
def _hess(data, x):
    u = _residual(data, x)
    return PN.exact(u, _jacobian(data, x), _jtv(data, x, u), data[4][0], _curvature(data, x, u))


def _make(name, p, s):
    return Problem(
        name=name, kind=KIND, data=pack(fp=[p, s]), n=2, x0=np.array([-1.2, 1.0]),
        convex=False, f_star=0.0, x_star=np.ones(2), rules=RULES, params=dict(p=p),
    )


def rosenbrock() -> Problem:
    """Classic ``100 (x_2 - x_1^2)^2 + (1 - x_1)^2``; ``x0 = (-1.2, 1)``."""
    return _make("rosenbrock", 2.0, float(np.sqrt(2.0)))


def rosenbrock_equations(p: float = 2.0) -> Problem:
    """``(1/p) ||(10 (x_2 - x_1^2), 1 - x_1)||^p``, ``p >= 2``; ``x0 = (-1.2, 1)``."""
    return _make("rosenbrock_equations", check_power("p", p), 1.0)
