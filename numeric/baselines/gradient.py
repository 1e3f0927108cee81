"""Gradient method with Armijo backtracking.

Trial ``x - t g``, accepted when ``f(x - t g) <= f(x) - (t/2) ||g||^2`` (the
sufficient-decrease test of an ``L = 1/t`` smooth function); the first trial is
``max(2 t_{k-1}, t_min)``, a rejection halves ``t``. Monotone. Trace:
``gamma_k = t``, ``lam_k = 1/t``.
"""
from __future__ import annotations

from numeric._jit import jit
from numeric._record import SEARCH_EXHAUSTED, STALLED
from numeric.baselines._trial import ACCEPTED, decreased, evaluate, record, stalled

ARMIJO = 0.5


@jit
def step(kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials, k, T,
         cnt, nv, ng, nh):
    t = par
    for _ in range(max_trials):
        xt = x - t * g
        ft, gt, gtn, finite, nv, ng = evaluate(kind, data, xt, nv, ng)
        ok = finite and ft <= f - ARMIJO * t * gn * gn and decreased(ft, f)
        T, cnt, dist = record(T, cnt, k, t, ok, ft, gtn, xt, x)
        if ok:
            return (ACCEPTED, xt, ft, gt, t, 1.0 / t, max(2.0 * t, par_min), v, A, T, cnt,
                    nv, ng, nh)
        if stalled(finite, gn, dist, f):
            return STALLED, x, f, g, t, 1.0 / t, t, v, A, T, cnt, nv, ng, nh
        t = 0.5 * t
    return SEARCH_EXHAUSTED, x, f, g, t, 1.0 / t, t, v, A, T, cnt, nv, ng, nh
