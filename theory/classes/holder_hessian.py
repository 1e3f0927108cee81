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

from .base import FunctionClass, exact_value


class HolderHessian(FunctionClass):
    name = "holder_hessian"
    title = "Hölder Hessian"
    param_ranges = {"nu": (0, 1, False), "L_nu": (0, None, False)}
    defaults = {"nu": 1, "L_nu": 1}
    condition = "||hess f(x) - hess f(y)|| <= L_nu ||x - y||^nu"
    derivation = "residual_holder, gns_worst_radius"
    provenance = "closed form"

    def __init__(self, *args, name=None, title=None, **params):
        super().__init__(*args, **params)
        if name is not None:
            self.name = name
        if title is not None:
            self.title = title

    def monomial_exprs(self):
        nu, L = self.symbols["nu"], self.symbols["L_nu"]
        return [(1 / (1 + nu), (L / (1 + nu)) ** (1 / (1 + nu)), "smoothness")]


def lipschitz_hessian(L2=1) -> HolderHessian:
    """Lipschitz Hessian (``nu = 1``): ``alpha = 1/2``, ``M = sqrt(L2/2)``."""
    L2 = exact_value("L2", L2, 0, None)
    return HolderHessian(nu=1, L_nu=L2, name="lipschitz_hessian", title="Lipschitz Hessian")


def bounded_hessian_variation(L0=1) -> HolderHessian:
    """Bounded Hessian variation (``nu = 0``): ``alpha = 1``, ``M = L0``."""
    L0 = exact_value("L0", L0, 0, None)
    return HolderHessian(nu=0, L_nu=L0, name="bounded_hessian_variation",
                         title="bounded Hessian variation")
