"""``(L0, L1)``-smooth ``f`` with ``H = 0``: ``||hess f(x)|| <= L0 + L1 ||grad f(x)||_*``.

Result: ``gamma(x) >= pi(||g(x)||_*) = ln(2) t / (L0 + L1 t)``, i.e. two monomials
``c L0 t^-1`` and ``c L1 t^0`` with ``c = 1/ln 2``. Derivation (docs/theory.md
section 3.5), ``r = ||h||``, ``t = ||g||_*``:

1. `l0l1_gradient_growth`: ``e(s) = ||grad f(x+sh) - g||_*`` satisfies
   ``e(s) <= int_0^s (L0 + L1 t + L1 e(c)) r dc``, so by Grönwall
   ``e(s) <= (L0/L1 + t)(e^(L1 r s) - 1)``.
2. `l0l1_residual`: with ``H = 0``, ``||r_x(h)||_* = e(1) <= (L0 + L1 t) r E(L1 r)``,
   ``E(z) = (e^z - 1)/z`` increasing (``E(0) = 1``).
3. `l0l1_radius`: for ``gamma = ln2 t/(L0 + L1 t)``, ``L1 gamma <= ln 2`` hence
   ``E(L1 r) <= E(ln 2) = 1/ln 2`` for ``r <= gamma`` and
   ``||r_x(h)||_* <= (L0 + L1 t) r / ln 2 = t r / gamma``.

``c = 1/ln 2`` is the smallest constant valid for all ``t`` given only step 2: as
``L0/t -> 0`` the condition becomes ``e^z - 1 <= 1`` at ``z = L1 gamma``. Proven
on the ball.
"""
from __future__ import annotations

import sympy as sp

from .base import FunctionClass

#: `l0l1_radius`: the constant ``c`` of both monomials.
L0L1_CONSTANT = 1 / sp.log(2)


class L0L1Smooth(FunctionClass):
    name = "l0l1"
    title = "(L0, L1)-smooth (H = 0)"
    hessian = "zero"
    param_ranges = {"L0": (0, None, False), "L1": (0, None, False)}
    defaults = {"L0": 1, "L1": 1}
    condition = "||hess f(x)|| <= L0 + L1 ||grad f(x)||_*"
    derivation = "l0l1_gradient_growth, l0l1_residual, l0l1_radius"

    def monomial_exprs(self):
        L0, L1 = self.symbols["L0"], self.symbols["L1"]
        return [(1, L0L1_CONSTANT * L0, "smoothness"), (0, L0L1_CONSTANT * L1, "smoothness")]
