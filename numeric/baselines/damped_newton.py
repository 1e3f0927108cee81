"""Damped Newton with Armijo backtracking.

Direction ``d = -H^-1 g`` when the Cholesky factorization of ``H`` succeeds and ``d``
is a descent direction; otherwise ``d = -(H + tau I)^-1 g`` with
``tau = 1e-8 max(1, max_i |H_ii|) 10^i``, ``i = 0, 1, ...`` (at most :data:`N_REG`
increases, then status ``step_failed``); step length ``t = 1, 1/2, ...`` until Armijo
``f(x + t d) <= f(x) + 1e-4 t <g, d>``. Monotone. Trace: ``gamma_k = t``,
``lam_k = tau`` (the regularization added to ``H``).
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric import _linalg
from numeric._record import NON_FINITE, SEARCH_EXHAUSTED, STALLED, STEP_FAILED
from numeric.baselines._trial import ACCEPTED, decreased, evaluate, hessian, record, stalled

ARMIJO = 1e-4
N_REG = 60
_NO_METRIC = np.zeros((0, 0))


@jit
def step(kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials, k, T,
         cnt, nv, ng, nh):
    Hm, finite, nh = hessian(kind, data, hcode, hdata, x, g, gn, nh)
    if not finite:
        return NON_FINITE, x, f, g, np.nan, np.nan, par, v, A, T, cnt, nv, ng, nh
    reg = 0.0
    ok, d = _linalg.solve_shifted(Hm, 0.0, 0, _NO_METRIC, -g)
    base = 1e-8 * max(1.0, np.max(np.abs(np.diag(Hm))))
    i = 0
    while (not ok or not (np.dot(g, d) < 0.0)) and i < N_REG:
        reg = base * 10.0 ** i
        ok, d = _linalg.solve_shifted(Hm, reg, 0, _NO_METRIC, -g)
        i += 1
    if not ok or not (np.dot(g, d) < 0.0):
        return STEP_FAILED, x, f, g, np.nan, reg, par, v, A, T, cnt, nv, ng, nh
    slope = np.dot(g, d)
    t = 1.0
    for _ in range(max_trials):
        xt = x + t * d
        ft, gt, gtn, finite, nv, ng = evaluate(kind, data, xt, nv, ng)
        ok = finite and ft <= f + ARMIJO * t * slope and decreased(ft, f)
        T, cnt, dist = record(T, cnt, k, t, ok, ft, gtn, xt, x)
        if ok:
            return ACCEPTED, xt, ft, gt, t, reg, par, v, A, T, cnt, nv, ng, nh
        if stalled(finite, gn, dist, f):
            return STALLED, x, f, g, t, reg, par, v, A, T, cnt, nv, ng, nh
        t = 0.5 * t
    return SEARCH_EXHAUSTED, x, f, g, t, reg, par, v, A, T, cnt, nv, ng, nh
