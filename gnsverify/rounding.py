"""Rounding allowance of the rejection certificate where ``f`` is computed by
cancellation (docs/theory.md, ``residual_rounding``).

The checker's relative slack (:data:`gnsverify.invariants.SLACK`) assumes that a
computed value is accurate relative to its own size. For ``f = (1/p)||u(x)||^p`` near a
zero of ``u`` that fails: ``u = Ax - b`` is a difference of terms of size ``|A||x| + |b|``,
so its rounding ``e`` is absolute, and once ``||u||`` comes down to ``e`` every digit of
``f`` and ``g`` is noise (a rejected trial there proves nothing about ``gamma(x)``).
Problems of that form declare ``residual_error(data, xabs) -> (e, jf)``
(:class:`numeric.problems.base.ProblemType`); from it, with ``U = (p f)^(1/p)`` the
norm of the computed residual:

* ``|fl(f) - f| <= ef = (U + e)^(p-1) e + gamma_(m+8) f`` (mean value theorem on
  ``v -> ||v||^p/p``, whose gradient has norm ``||v||^(p-1)``, plus the rounding of the
  norm and the power);
* ``||fl(g) - g||_2 <= jf ((p-1) (U + e)^(p-2) e + gamma_(m+8) (U + e)^(p-1))`` (the map
  ``v -> ||v||^(p-2) v`` is ``(p-1) R^(p-2)``-Lipschitz on the ball of radius ``R``,
  and ``J^T v`` rounds by ``gamma_m ||J||_F ||v||``), and in the dual norm of ``B = L L^T``
  at most ``||L^-1||_2`` times that;
* the step is solved with the computed gradient, i.e. it is the exact step for
  ``f - <dg, x>``: its decrease differs from ``f``'s by at most ``eg_k ||h||`` and its
  next gradient by at most ``eg_k``.

A rejected trial at ``gamma <= pi`` counts against the claim only when the acceptance
inequality misses by more than the sum of these (:func:`acceptance_allowance`); at the
trial point, whose ``x`` is not recorded, the bounds are taken over the box
``|x| <= |x_k| + ||h||_2`` (``||h||_2 <= ||h||_B ||L^-T||_2``). Problems without the
declaration keep the relative slack alone.
"""
from __future__ import annotations

import numpy as np

from numeric.problems._powernorm import gamma as _gamma

#: the bound of this module, defined in docs/theory.md (finding 19)
RELATIONS = ("residual_rounding",)


class ResidualRounding:
    """The bounds above for one problem and metric (see the module docstring)."""

    def __init__(self, problem, B=None):
        self.problem = problem
        x0 = np.asarray(problem.x0, dtype=np.float64)
        u, _, _, p = problem.type.kernels["residual_parts"](problem.data, x0)
        self.p, self.m = float(p), int(np.asarray(u).shape[0])
        if B is None:
            self.linv = 1.0
        else:
            L = np.linalg.cholesky(0.5 * (np.asarray(B, float) + np.asarray(B, float).T))
            smin = float(np.linalg.svd(L, compute_uv=False)[-1])
            self.linv = np.inf if smin <= 0 else (1.0 / smin) * (1 + 1e-8)

    @classmethod
    def of(cls, problem, B=None):
        """The bounds, or ``None`` when the problem declares no residual rounding."""
        if problem.type.residual_error is None:
            return None
        return cls(problem, B)

    def errors(self, xabs, f):
        """``(ef, eg)``: bounds on the rounding of ``f`` and of ``||g||_*`` at every ``x``
        with ``|x| <= xabs``, where the computed value is ``f``."""
        e, jf = self.problem.residual_error(xabs)
        p, gm = self.p, _gamma(self.m + 8)
        U = (p * max(float(f), 0.0)) ** (1.0 / p)
        ef = (U + e) ** (p - 1) * e + gm * abs(float(f))
        eg2 = jf * ((p - 1) * (U + e) ** (p - 2) * e + gm * (U + e) ** (p - 1))
        return ef, eg2 * self.linv

    def acceptance_allowance(self, rows: dict, X: np.ndarray, iters: np.ndarray) -> np.ndarray:
        """Per rejected trial: the absolute allowance of the acceptance inequality
        ``f_k - f_t >= g_t^2 / (8 lambda_k)`` (``lambda_k = g_k/gamma``); ``nan`` where a
        trial value is missing (the relative slack alone then applies)."""
        out = np.full(len(iters), np.nan)
        if X is None:
            return out
        cache = {}
        for j, k in enumerate(np.asarray(iters, int)):
            ft, gt, r = rows["f_next"][j], rows["g_next"][j], rows["step_k"][j]
            fk, gk, gam = rows["f_k"][j], rows["g_k"][j], rows["trial_gamma"][j]
            if not all(np.isfinite(v) for v in (ft, gt, r, fk, gk, gam)):
                continue
            xk = np.abs(np.asarray(X[k], float))
            if k not in cache:
                cache[k] = self.errors(xk, fk)
            ef_k, eg_k = cache[k]
            ef_t, eg_t = self.errors(xk + r * self.linv, ft)
            rhs = gam * gt * gt / (8.0 * gk)
            lo_g = gk - eg_k
            if lo_g <= 0:
                out[j] = np.inf
                continue
            dg = eg_t + eg_k
            hi = gam * (gt + dg) ** 2 / (8.0 * lo_g)
            lo = gam * max(gt - dg, 0.0) ** 2 / (8.0 * (gk + eg_k))
            out[j] = ef_k + ef_t + eg_k * r + max(hi - rhs, rhs - lo)
        return out
