"""The tilted Hölder power ``f(x) = |x|^(2+nu) / ((1+nu)(2+nu)) + a x`` on the real line,
``nu in [0, 1]``, ``a != 0`` (convex): the extremal instance of the Hölder-Hessian class.

``f'(x) = |x|^(1+nu) sign(x) / (1+nu) + a`` and ``f''(x) = |x|^nu``, which is
``nu``-Hölder with constant ``L_nu = 1`` (``||x|^nu - |y|^nu| <= |x - y|^nu``). At the
kink ``x = 0`` the second-order remainder is ``r(h) = |h|^(1+nu) sign(h) / (1+nu)``,
i.e. the Hölder remainder bound ``|r(h)| <= L_nu |h|^(1+nu) / (1+nu)`` holds with
equality for every ``h``: the gradient-normalized smoothness there is exactly the class
bound, ``gamma(0) = ((1+nu) |a|)^(1/(1+nu)) = pi(|a|)`` (for ``nu > 0``; at ``nu = 0``
``f`` is the quadratic ``x^2/2 + a x``, in the class but not extremal).

Minimizer ``x* = -sign(a) ((1+nu)|a|)^(1/(1+nu))``, ``f* = -(1+nu)/(2+nu) |a| |x*|``;
``x0 = 0``. The sublevel set ``{f <= f(0) = 0}`` is the interval between ``0`` and
``t0 = (2+nu)^(1/(1+nu)) x*`` (``|t0| <= 2 |x*|``), so every point of it is within
``|x*|`` of ``x*``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems.base import FLOAT, Hessian, Layout, Problem, ProblemType

LAYOUT = Layout(nu=FLOAT, a=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    nu, a = _unpack(data)
    t = x[0]
    s = np.abs(t)
    g = np.empty(1)
    g[0] = s ** (1.0 + nu) * np.sign(t) / (1.0 + nu) + a
    return s ** (2.0 + nu) / ((1.0 + nu) * (2.0 + nu)) + a * t, g


@jit
def _hess(data, x):
    nu = _unpack(data)[0]
    H = np.empty((1, 1))
    H[0, 0] = np.abs(x[0]) ** nu
    return H


def tilted_power_1d(nu: float = 1.0, a: float = 1.0) -> Problem:
    """``|x|^(2+nu) / ((1+nu)(2+nu)) + a x``, ``nu in [0, 1]``, ``a != 0``; ``x0 = 0``."""
    nu_f, a_f = float(nu), float(a)
    if not (np.isfinite(nu_f) and 0.0 <= nu_f <= 1.0):
        raise ValueError(f"nu must lie in [0, 1], got {nu!r}.")
    if not (np.isfinite(a_f) and a_f != 0.0):
        raise ValueError(f"a must be a finite nonzero number, got {a!r}.")
    x_star = -np.sign(a_f) * ((1.0 + nu_f) * abs(a_f)) ** (1.0 / (1.0 + nu_f))
    f_star = -(1.0 + nu_f) / (2.0 + nu_f) * abs(a_f) * abs(x_star)
    return Problem(
        name="tilted_power_1d", kind=PROBLEM.kind, data=LAYOUT.pack(nu=nu_f, a=a_f), n=1,
        x0=np.zeros(1), convex=True, f_star=float(f_star), x_star=np.array([x_star]),
        params=dict(nu=nu_f, a=a_f),
    )


PROBLEM = ProblemType("tilted_power", 11, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess)})
BUILDERS = {"tilted_power_1d": tilted_power_1d}
