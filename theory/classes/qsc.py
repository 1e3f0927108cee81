"""Quasi-self-concordant ``f``, exact Hessian: ``|D^3 f(x)[u,h,h]| <= Q ||u|| <hess f(x) h, h>``.

Result: ``gamma(x) >= pi(||g(x)||_*) = z*/Q`` for every ``x``: ``alpha = 0`` and
``M = Q / z*`` where ``z* = -W_{-1}(-1/(2 sqrt(e))) - 1/2 = 1.2564...`` is the
positive root of ``e^z = 1 + 2z`` (`qsc_root`). Derivation (docs/theory.md
section 3.4), ``r = ||h||``, ``t = ||g||_*``, ``A = <hess f(x) h, h>``:

1. `qsc_hessian_sandwich`: ``phi(s) = <hess f(x+sh) h, h>`` has
   ``phi' <= Q r phi``, hence ``phi(s) <= e^(Q r s) A`` (Grönwall).
2. `qsc_residual`: ``<r_x(h), u> = int_0^1 int_0^s D^3 f(x+ch)[u,h,h] dc ds``, so
   ``||r_x(h)||_* <= Q A int_0^1 int_0^s e^(Q r c) dc ds = (A/r) psi(Q r)`` with
   ``psi(z) = (e^z - 1 - z)/z``.
3. `o_curvature`: on ``O(x,g)``, ``A <= t r``, so ``||r_x(h)||_* <= t psi(Q r)``.
4. `gns_worst_radius`: ``psi(z)/z`` increases, so the condition
   ``t psi(Q r) <= t r/gamma`` for all ``r <= gamma`` reduces to ``psi(Q gamma) <= 1``,
   i.e. ``e^z <= 1 + 2z`` at ``z = Q gamma``: ``gamma = z*/Q``.

The bound needs the region ``O`` (on the full ball ``A`` is not controlled by
``t``): ``region = "O"``.
"""
from __future__ import annotations

import sympy as sp

from .base import FunctionClass

#: `qsc_root`: the positive root of ``e^z = 1 + 2 z`` (``psi(z) = 1``).
QSC_ROOT = -sp.LambertW(-1 / (2 * sp.sqrt(sp.E)), -1) - sp.Rational(1, 2)


class QuasiSelfConcordant(FunctionClass):
    name = "qsc"
    title = "quasi-self-concordant"
    convex_required = True
    region = "O"
    param_ranges = {"Q": (0, None, False)}
    defaults = {"Q": 1}
    condition = "|D^3 f(x)[u, h, h]| <= Q ||u|| <hess f(x) h, h>"
    derivation = "qsc_hessian_sandwich, qsc_residual, o_curvature, gns_worst_radius, qsc_root"

    def monomial_exprs(self):
        return [(0, self.symbols["Q"] / QSC_ROOT, "smoothness")]
