"""First-order smooth, ``H = 0``: ``grad f`` is ``L``-Lipschitz.

With ``H = 0`` the residual is ``r_x(h) = grad f(x+h) - grad f(x)``, so
`residual_lipschitz_gradient`: ``||r_x(h)||_* <= L ||h||``. The GNS condition
``L ||h|| <= t ||h|| / gamma`` holds for every ``h`` iff ``gamma <= t / L``:
``pi(t) = t / L``, ``alpha = 1``, ``M = L`` (docs/theory.md section 3.2). Proven on the
ball; no convexity needed.
"""
from __future__ import annotations

from .base import FunctionClass


class FirstOrder(FunctionClass):
    name = "first_order"
    title = "first-order smooth (H = 0)"
    hessian = "zero"
    param_ranges = {"L": (0, None, False)}
    defaults = {"L": 1}
    condition = "||grad f(x) - grad f(y)||_* <= L ||x - y||"
    derivation = "residual_lipschitz_gradient"
    provenance = "closed form"

    def monomial_exprs(self):
        return [(1, self.symbols["L"], "smoothness")]
