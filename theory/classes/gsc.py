"""Generalized self-concordant ``f`` (Sun–Tran-Dinh) with a global Hessian bound.

Condition: ``|D^3 f(x)[v,u,u]| <= M_f ||u||_x^2 ||v||_x^(nu-2) ||v||^(3-nu)``,
``nu in [2, 3]``, ``||u||_x = <hess f(x) u, u>^(1/2)``, and ``hess f(x) <= L B``.

`gsc_to_qsc`: ``||v||_x <= sqrt(L) ||v||`` and ``nu - 2 >= 0`` give
``|D^3 f(x)[v,u,u]| <= M_f L^((nu-2)/2) ||v|| <hess f(x) u, u>``: ``f`` is QSC with
``Q = M_f L^((nu-2)/2)``; the QSC bound applies: ``alpha = 0``,
``M = M_f L^((nu-2)/2) / z*``.

This is *not* the bound with ``alpha in (0, 1/2]`` listed in THEORY.md (which needs
no global Hessian bound); that one is not derived here (docs/theory.md section 3.6).
"""
from __future__ import annotations

from .base import FunctionClass
from .qsc import QSC_ROOT


class GeneralizedSelfConcordant(FunctionClass):
    name = "generalized_self_concordant"
    title = "generalized self-concordant (bounded Hessian)"
    convex_required = True
    region = "O"
    param_ranges = {"nu": (2, 3, False), "M_f": (0, None, False), "L": (0, None, False)}
    defaults = {"nu": 3, "M_f": 1, "L": 1}
    condition = ("|D^3 f(x)[v,u,u]| <= M_f ||u||_x^2 ||v||_x^(nu-2) ||v||^(3-nu) "
                 "and hess f(x) <= L B")
    derivation = "gsc_to_qsc, qsc_hessian_sandwich, qsc_residual, o_curvature, gns_worst_radius, qsc_root"

    def monomial_exprs(self):
        nu, Mf, L = self.symbols["nu"], self.symbols["M_f"], self.symbols["L"]
        return [(0, Mf * L ** ((nu - 2) / 2) / QSC_ROOT, "smoothness")]
