"""Convex ``f`` with ``nu``-Hölder third derivative, exact Hessian.

Condition: ``||D^3 f(x) - D^3 f(y)|| <= L_{3,nu} ||x - y||^nu``, ``f`` convex.
Result: ``gamma(x) >= pi(||g(x)||_*)`` with ``alpha = 1/(2+nu)`` and

    M = ((1+nu)/nu)^(nu/(2+nu)) * L_{3,nu}^(1/(2+nu))      (M = sqrt(L_{3,0}) at nu = 0)

(Lipschitz third derivative, ``nu = 1``: ``M = (2 L_3)^(1/3)``). Derivation
(docs/theory.md section 3.3), with ``r = ||h||``, ``t = ||g||_*``,
``A = <hess f(x) h, h>``:

1. `residual_third_taylor`: ``||r_x(h) - D^3 f(x)[h,h]/2||_* <= L r^(2+nu)/((1+nu)(2+nu))``.
2. `convex_third_derivative`: convexity (``<hess f(x+su) h, h> >= 0`` for all ``s``)
   and the Hölder Taylor bound of that scalar give, for ``||u|| = 1`` and any ``s > 0``,
   ``|D^3 f(x)[u,h,h]| <= A/s + L s^nu r^2/(1+nu)``; minimizing over ``s``:
   ``||D^3 f(x)[h,h]||_* <= (1+nu) nu^(-nu/(1+nu)) A^(nu/(1+nu)) (L/(1+nu))^(1/(1+nu)) r^(2/(1+nu))``.
3. `o_curvature`: on ``O(x,g)``, ``A <= -<g,h> <= t r``.
4. `gns_worst_radius`: the resulting bound on ``||r_x(h)||_*/r`` increases with
   ``r``, so with ``gamma = s (t/L)^(1/(2+nu))`` the condition reduces to
   ``a s^((2+nu)/(1+nu)) + b s^(2+nu) <= 1``, ``a = ((1+nu)/nu)^(nu/(1+nu))/2``,
   ``b = 1/((1+nu)(2+nu))``; `third_split`: each term ``<= 1/2`` holds for
   ``s = (2a)^(-(1+nu)/(2+nu))`` because ``2a >= 1 >= 2b``.

The bound is proven on ``Ball ∩ O`` only (``region = "O"``).
"""
from __future__ import annotations

import sympy as sp

from .base import FunctionClass


def holder_third_constant(nu, L):
    """``M(nu, L) = ((1+nu)/nu)^(nu/(2+nu)) L^(1/(2+nu))``, continuous at ``nu = 0``."""
    return sp.Piecewise((sp.sqrt(L), sp.Eq(nu, 0)),
                        (((1 + nu) / nu) ** (nu / (2 + nu)) * L ** (1 / (2 + nu)), True))


class HolderThird(FunctionClass):
    name = "holder_third"
    title = "Hölder third derivative (convex)"
    convex_required = True
    region = "O"
    param_ranges = {"nu": (0, 1, False), "L_3nu": (0, None, False)}
    defaults = {"nu": 1, "L_3nu": 1}
    condition = "f convex and ||D^3 f(x) - D^3 f(y)|| <= L_3nu ||x - y||^nu"
    derivation = "residual_third_taylor, convex_third_derivative, o_curvature, gns_worst_radius, third_split"

    def monomial_exprs(self):
        nu, L = self.symbols["nu"], self.symbols["L_3nu"]
        return [(1 / (2 + nu), holder_third_constant(nu, L), "smoothness")]
