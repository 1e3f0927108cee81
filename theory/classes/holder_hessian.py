"""Hölder continuous Hessian, exact Hessian: ``||hess f(x) - hess f(y)|| <= L_nu ||x-y||^nu``.

`residual_holder`: ``||r_x(h)||_* <= L_nu ||h||^(1+nu) / (1+nu)``
(integrate ``(hess f(x+sh) - hess f(x)) h`` over ``s in [0,1]``).
`gns_worst_radius`: the ratio ``||r_x(h)||_*/||h||`` bound is increasing in
``||h||``, so the GNS condition on ``Ball(gamma)`` holds iff it holds at
``||h|| = gamma``: ``L_nu gamma^(1+nu)/(1+nu) <= t``. Hence
``pi(t) = t^(1/(1+nu)) / M`` with ``M = (L_nu/(1+nu))^(1/(1+nu))``, ``alpha = 1/(1+nu)``
(docs/theory.md section 3.1). Proven on the ball; no convexity needed.
"""
from __future__ import annotations

import sympy as sp

from .base import FunctionClass


class HolderHessian(FunctionClass):
    name = "holder_hessian"
    title = "Hölder Hessian"
    param_ranges = {"nu": (0, 1, False), "L_nu": (0, None, False)}
    defaults = {"nu": 1, "L_nu": 1}
    condition = "||hess f(x) - hess f(y)|| <= L_nu ||x - y||^nu"
    derivation = "residual_holder, gns_worst_radius"
    provenance = "closed form"

    @staticmethod
    def holder_monomial(nu, L):
        """``(alpha, M) = (1/(1+nu), (L/(1+nu))^(1/(1+nu)))`` (docs/theory.md 3.1)."""
        nu = sp.sympify(nu)
        return [(1 / (1 + nu), (L / (1 + nu)) ** (1 / (1 + nu)), "smoothness")]

    def monomial_exprs(self):
        return self.holder_monomial(self.symbols["nu"], self.symbols["L_nu"])


class LipschitzHessian(HolderHessian):
    """``nu = 1`` with its own parameter ``L2``: ``alpha = 1/2``, ``M = sqrt(L2/2)``."""

    name = "lipschitz_hessian"
    title = "Lipschitz Hessian"
    param_ranges = {"L2": (0, None, False)}
    defaults = {"L2": 1}
    condition = "||hess f(x) - hess f(y)|| <= L2 ||x - y||"

    def monomial_exprs(self):
        return self.holder_monomial(1, self.symbols["L2"])


class BoundedHessianVariation(HolderHessian):
    """``nu = 0`` with its own parameter ``L0``: ``alpha = 1``, ``M = L0``."""

    name = "bounded_hessian_variation"
    title = "bounded Hessian variation"
    param_ranges = {"L0": (0, None, False)}
    defaults = {"L0": 1}
    condition = "||hess f(x) - hess f(y)|| <= L0"

    def monomial_exprs(self):
        return self.holder_monomial(0, self.symbols["L0"])


def lipschitz_hessian(L2=1) -> LipschitzHessian:
    """Lipschitz Hessian (``nu = 1``): ``alpha = 1/2``, ``M = sqrt(L2/2)``."""
    return LipschitzHessian(L2=L2)


def bounded_hessian_variation(L0=1) -> BoundedHessianVariation:
    """Bounded Hessian variation (``nu = 0``): ``alpha = 1``, ``M = L0``."""
    return BoundedHessianVariation(L0=L0)
