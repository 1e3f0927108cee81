"""The ramp ``f(x) = -a x + c max(x, 0)^p + w(x)`` on the real line, ``p >= 2``,
``a, c > 0``, started at ``x0 = -T`` (``T >= 0``): the worst case of the theory step
(docs/theory.md 5.5), with an optional washboard ``w`` left of the kink.

``f'(x) = -a + c p x_+^(p-1)``, ``f''(x) = c p (p-1) x_+^(p-2)`` (``0`` for ``x <= 0``,
also at ``p = 2``) without the washboard: convex. Left of the kink ``f`` is then
linear, ``H = 0``, and the theory step moves by exactly ``pi(a)`` per iteration at the
gradient ``a``: the smallest progress a step of its length can make. The constants of
its classes (``u = x_+``, ``v = y_+``, ``|u^q - v^q| <= |u - v|^q <= |x - y|^q`` for
``q in [0, 1]``):

* ``p = 2 + nu``: ``f''`` is ``nu``-Hölder with ``L_nu = c (2+nu)(1+nu)``
  (``nu = 0``: the jump of ``f''`` is ``2c``);
* ``p = 2``: ``f'`` is Lipschitz with ``L = 2c``;
* ``p = 3 + nu``: ``f'''`` is ``nu``-Hölder with ``L_3nu = c (3+nu)(2+nu)(1+nu)``.

The washboard (amplitude ``0 <= b < a/2``, frequency ``omega > 0``; ``w = 0`` for
``x > 0``): ``w(x) = b (x - sin(omega x)/omega)``, ``w' = b (1 - cos(omega x))``,
``w'' = b omega sin(omega x)``, ``w''' = b omega^2 cos(omega x)``. ``w``, ``w'`` and
``w''`` vanish at ``0``, so ``f`` stays twice continuously differentiable; ``f`` is
non-convex, ``f'`` lies in ``[-a, -a + 2b]`` left of the kink (negative), and for
``p = 3`` the Hessian is Lipschitz with ``L_1 = max(b omega^2, 6 c)``
(``|f'''| <= L_1`` on each side and ``f''(0) = 0``).

Minimizer ``x* = u* = (a/(c p))^(1/(p-1))``, ``f* = -a u* (p-1)/p`` (with or without
the washboard: ``f' < 0`` for ``x <= 0``).
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.problems.base import FLOAT, Hessian, Layout, Problem, ProblemType

LAYOUT = Layout(p=FLOAT, c=FLOAT, a=FLOAT, b=FLOAT, omega=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    p, c, a, b, om = _unpack(data)
    t = x[0]
    g = np.empty(1)
    if t > 0.0:
        g[0] = c * p * t ** (p - 1.0) - a
        return c * t ** p - a * t, g
    if b == 0.0:
        g[0] = -a
        return -a * t, g
    g[0] = -a + b * (1.0 - np.cos(om * t))
    return -a * t + b * (t - np.sin(om * t) / om), g


@jit
def _hess(data, x):
    p, c, a, b, om = _unpack(data)
    H = np.empty((1, 1))
    t = x[0]
    if t > 0.0:
        H[0, 0] = c * p * (p - 1.0) * t ** (p - 2.0)
    elif b != 0.0:
        H[0, 0] = b * om * np.sin(om * t)
    else:
        H[0, 0] = 0.0
    return H


def ramp_minimizer(p: float, c: float, a: float) -> tuple[float, float]:
    """``(x*, f*)`` of ``-a x + c x_+^p`` (also with a washboard)."""
    u = (a / (c * p)) ** (1.0 / (p - 1.0))
    return u, -a * u * (p - 1.0) / p


def ramp_1d(p: float = 3.0, c: float = 1.0 / 6.0, a: float = 1e-2, T: float = 1.0,
            b: float = 0.0, omega: float = 1.0) -> Problem:
    """``-a x + c max(x, 0)^p + w(x)``, ``p >= 2``, ``a, c > 0``, from ``x0 = -T``,
    ``T >= 0``; washboard amplitude ``0 <= b < a/2``, frequency ``omega > 0``."""
    p_f, c_f, a_f, T_f, b_f, om_f = map(float, (p, c, a, T, b, omega))
    if not (np.isfinite(p_f) and p_f >= 2.0):
        raise ValueError(f"p must be a finite number >= 2, got {p!r}.")
    for name, v in (("c", c_f), ("a", a_f), ("omega", om_f)):
        if not (np.isfinite(v) and v > 0.0):
            raise ValueError(f"{name} must be a finite number > 0, got {v!r}.")
    if not (np.isfinite(T_f) and T_f >= 0.0):
        raise ValueError(f"T must be a finite number >= 0, got {T!r}.")
    if not (np.isfinite(b_f) and 0.0 <= 2.0 * b_f < a_f):
        raise ValueError(f"b must lie in [0, a/2) with a = {a_f!r}, got {b!r}.")
    x_star, f_star = ramp_minimizer(p_f, c_f, a_f)
    return Problem(
        name="ramp_1d", kind=PROBLEM.kind,
        data=LAYOUT.pack(p=p_f, c=c_f, a=a_f, b=b_f, omega=om_f), n=1,
        x0=np.array([-T_f]), convex=b_f == 0.0, f_star=float(f_star), x_star=np.array([x_star]),
        params=dict(p=p_f, c=c_f, a=a_f, T=T_f, b=b_f, omega=om_f),
    )


PROBLEM = ProblemType("ramp", 12, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess)})
BUILDERS = {"ramp_1d": ramp_1d}
