"""Rounding allowance of the rejection certificate where ``f`` is computed by
cancellation (docs/theory.md, ``residual_rounding``, finding 19).

The checker's relative slack (:data:`gnsverify.invariants.SLACK`) assumes that a
computed value is accurate relative to its own size. For ``f = (1/p)||u(x)||^p`` near a
zero of ``u`` that fails: ``u = Ax - b`` is a difference of terms of size ``|A||x| + |b|``,
so its rounding ``e`` is absolute, and once ``||u||`` comes down to ``e`` every digit of
``f`` and ``g`` is noise (a rejected trial there proves nothing about ``gamma(x)``).
Problems of that form declare ``residual_error(data, xabs) -> (e, jf)``
(:class:`numeric.problems.base.ProblemType`). From it, at a point ``x`` where the
computed value is ``f`` (``U = (p f)^(1/p)``, the norm of the computed residual):

* ``|fl(f) - f| <= ef = (U + e)^(p-1) e + gamma_(m+8) f`` (mean value theorem on
  ``v -> ||v||^p/p``, whose gradient has norm ``||v||^(p-1)``, plus the rounding of the
  norm and the power);
* ``||fl(g) - g||_* <= eg = K (p-1) (U + e)^(p-2) e + ||L^-1|| jf gamma_(m+8) (U + e)^(p-1)``
  with ``K = ||L^-1 J(x)^T||_2`` (the map ``v -> ||v||^(p-2) v`` is ``(p-1) R^(p-2)``-
  Lipschitz on the ball of radius ``R``; ``J^T v`` rounds by ``gamma_m ||J||_F ||v||``);
  ``K`` is computed at the point (``jf`` for the identity metric), not certified;
* the step is solved with the computed gradient, i.e. it is the step for
  ``f - <dg, x>``, whose gradient at ``x_k`` is the computed one: its decrease differs
  from ``f``'s by at most ``eg_k ||h||`` and its next gradient by at most ``eg_k``.

The trial point of a rejected trial is not recorded: it is rebuilt here, ``x_t = x_k -
h`` with ``h = (H(x_k) + lambda B)^-1 g_k`` solved afresh (as the trace audit does), and
the bounds are evaluated there. A rejected trial at ``gamma <= pi`` counts against the
claim only when the acceptance inequality misses by more than ``ef_k + ef_t +
eg_k ||h|| + (the change of g_t^2/(8 lambda) when g_t moves by eg_t + eg_k)``
(:meth:`ResidualRounding.acceptance_allowance`); such a trial is then not counted as
tried either (gnsverify.invariants). Not covered: the backward error of the solve and
of the dual norm in an ill-conditioned metric (worst-case bounds of ``1e-2`` relative
for ``B = A^T A + 1e-8 I``; the observed differences are ``1e-13``). Problems without
the declaration keep the relative slack alone.
"""
from __future__ import annotations

import numpy as np

from numeric.problems._powernorm import gamma as _gamma

#: the bound of this module, defined in docs/theory.md (finding 19)
RELATIONS = ("residual_rounding",)


class ResidualRounding:
    """The bounds above for one problem, Hessian rule and metric."""

    def __init__(self, problem, rule, B=None):
        self.problem, self.rule = problem, rule
        k = problem.type.kernels
        self._parts, self._hess = k["residual_parts"], k["hess"]
        u, _, _, p = self._parts(problem.data, np.asarray(problem.x0, dtype=np.float64))
        self.p, self.m = float(p), int(np.asarray(u).shape[0])
        from gnsverify.audit import Metric
        self.metric = Metric(None if B is None else 0.5 * (np.asarray(B, float) + np.asarray(B, float).T),
                             problem.n)
        self.L = self.metric.L
        self.linv = 1.0 if self.L is None else 1.0 / float(np.linalg.svd(self.L, compute_uv=False)[-1])

    @classmethod
    def of(cls, problem, rule, B=None):
        """The bounds, or ``None`` when the problem declares no residual rounding."""
        if problem.type.residual_error is None:
            return None
        return cls(problem, rule, B)

    def _K(self, x, jf):
        """``||L^-1 J(x)^T||_2`` (``jf`` for the identity metric)."""
        if self.L is None:
            return jf
        from scipy.linalg import solve_triangular
        J = np.asarray(self._parts(self.problem.data, x)[1], float)
        return float(np.linalg.norm(solve_triangular(self.L, J.T, lower=True), 2))

    def errors(self, x, f):
        """``(ef, eg)``: bounds on the rounding of ``f`` and of ``||g||_*`` at ``x``, where
        the computed value is ``f``."""
        x = np.asarray(x, dtype=np.float64)
        e, jf = self.problem.residual_error(np.abs(x))
        p, gm = self.p, _gamma(self.m + 8)
        U = (p * max(float(f), 0.0)) ** (1.0 / p) * (1 + gm)
        ef = (U + e) ** (p - 1) * e + gm * abs(float(f))
        eg = (self._K(x, jf) * (p - 1) * (U + e) ** (p - 2) * e
              + self.linv * jf * gm * (U + e) ** (p - 1))
        return ef, eg

    def trial_point(self, x, gamma):
        """``x - (H(x) + lambda B)^-1 g(x)`` with ``lambda = ||g||_*/gamma`` (``None`` when
        the factorization fails)."""
        import scipy.linalg as sla
        g = self.problem.grad(x)
        gn = self.metric.dual(g)
        H = self._hess(self.problem.data, self.rule.code, self.rule.data, x, g, gn)
        M = H + (gn / gamma) * self.metric.matrix()
        try:
            c = sla.cho_factor(M, lower=True, check_finite=True)
        except (np.linalg.LinAlgError, ValueError):
            return None
        return x - sla.cho_solve(c, g)

    def acceptance_allowance(self, rows: dict, X: np.ndarray, iters: np.ndarray) -> np.ndarray:
        """Per rejected trial: the absolute allowance of the acceptance inequality
        ``f_k - f_t >= g_t^2 / (8 lambda_k)`` (``lambda_k = g_k/gamma``); ``nan`` where a
        trial value is missing or the trial point cannot be rebuilt (the relative slack
        alone then applies)."""
        out = np.full(len(iters), np.nan)
        if X is None:
            return out
        at_k = {}
        for j, k in enumerate(np.asarray(iters, int)):
            ft, gt, r = rows["f_next"][j], rows["g_next"][j], rows["step_k"][j]
            fk, gk, gam = rows["f_k"][j], rows["g_k"][j], rows["trial_gamma"][j]
            if not all(np.isfinite(v) for v in (ft, gt, r, fk, gk, gam)) or gk <= 0 or gam <= 0:
                continue
            xk = np.asarray(X[k], float)
            if k not in at_k:
                at_k[k] = self.errors(xk, fk)
            ef_k, eg_k = at_k[k]
            xt = self.trial_point(xk, gam)
            if xt is None or not np.all(np.isfinite(xt)):
                continue
            ef_t, eg_t = self.errors(xt, ft)
            rhs = gam * gt * gt / (8.0 * gk)
            dg = eg_t + eg_k
            hi = gam * (gt + dg) ** 2 / (8.0 * gk)
            lo = gam * max(gt - dg, 0.0) ** 2 / (8.0 * gk)
            out[j] = ef_k + ef_t + eg_k * r + max(hi - rhs, rhs - lo)
        return out
