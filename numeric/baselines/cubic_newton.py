"""Cubic-regularized Newton (Nesterov-Polyak) with adaptive ``M``.

The cubic model ``m(h) = <g, h> + 1/2 <H h, h> + (M/6) ||h||^3`` is minimized exactly
(:func:`numeric.baselines.cubic.cubic_step`, indefinite ``H`` included); the trial
``x + h`` is accepted when ``f(x + h) <= f(x) + m(h)``; a rejection doubles ``M``, an
acceptance halves it for the next iteration (floored at ``M_min``). Monotone. Trace:
``gamma_k = M``, ``lam_k = mu = M ||h|| / 2``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric._linalg import all_finite
from numeric._record import NON_FINITE, SEARCH_EXHAUSTED, STALLED
from numeric.baselines._trial import (ACCEPTED, decreased, evaluate, hessian, record,
                                      record_failed, stalled)
from numeric.baselines.cubic import cubic_step


@jit
def step(kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials, k, T,
         cnt, nv, ng, nh):
    Hm, finite, nh = hessian(kind, data, hcode, hdata, x, g, gn, nh)
    if not finite:
        return NON_FINITE, x, f, g, par, np.nan, par, v, A, T, cnt, nv, ng, nh
    M = par
    for _ in range(max_trials):
        h, mu = cubic_step(g, Hm, M)
        model = np.dot(g, h) + 0.5 * np.dot(h, Hm @ h) + M / 6.0 * np.sqrt(np.dot(h, h)) ** 3
        ok, finite, ft, gt, gtn, xt = False, False, np.nan, g, np.nan, x
        if all_finite(h):
            xt = x + h
            ft, gt, gtn, finite, nv, ng = evaluate(kind, data, xt, nv, ng)
            ok = finite and ft <= f + model and decreased(ft, f)
            T, cnt, dist = record(T, cnt, k, M, ok, ft, gtn, xt, x)
        else:
            T, cnt = record_failed(T, cnt, k, M)
            dist = np.nan
        if ok:
            return (ACCEPTED, xt, ft, gt, M, mu, max(0.5 * M, par_min), v, A, T, cnt, nv, ng, nh)
        if stalled(finite, gn, dist, f):
            return STALLED, x, f, g, M, mu, M, v, A, T, cnt, nv, ng, nh
        M = 2.0 * M
    return SEARCH_EXHAUSTED, x, f, g, M, np.nan, M, v, A, T, cnt, nv, ng, nh
