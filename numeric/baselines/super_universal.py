"""Super-universal regularized Newton (Doikov, Mishchenko, Nesterov 2024).

``h = -(H + lambda I)^-1 g``, ``lambda = H_k ||g||^alpha`` (default ``alpha = 2/3``);
``H_k`` doubles until ``f(x) - f(x+h) >= ||g(x+h)||^2 / (4 lambda)`` (our acceptance
test: it guarantees monotone decrease; a failed factorization is a rejection); the
next first trial is ``max(H_k/2, H_min)``. Trace: ``gamma_k = H_k``, ``lam_k = lambda``.
The test is strict (``f`` must decrease) unless ``g(x + h) = 0``, so only the
rejected-trial part of the stall rule applies.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric import _linalg
from numeric._record import NON_FINITE, SEARCH_EXHAUSTED, STALLED
from numeric.baselines._trial import ACCEPTED, evaluate, hessian, record, record_failed, stalled

_NO_METRIC = np.zeros((0, 0))


@jit
def step(kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials, k, T,
         cnt, nv, ng, nh):
    Hm, finite, nh = hessian(kind, data, hcode, hdata, x, g, gn, nh)
    if not finite:
        return NON_FINITE, x, f, g, par, np.nan, par, v, A, T, cnt, nv, ng, nh
    Hk = par
    for _ in range(max_trials):
        mu = Hk * gn ** alpha
        sok, h = _linalg.solve_shifted(Hm, mu, 0, _NO_METRIC, -g)
        ok, finite, ft, gt, gtn, xt, dist = False, False, np.nan, g, np.nan, x, np.nan
        if sok:
            xt = x + h
            ft, gt, gtn, finite, nv, ng = evaluate(kind, data, xt, nv, ng)
            ok = finite and f - ft >= gtn * gtn / (4.0 * mu)
            T, cnt, dist = record(T, cnt, k, Hk, ok, ft, gtn, xt, x)
        else:
            T, cnt = record_failed(T, cnt, k, Hk)
        if ok:
            return (ACCEPTED, xt, ft, gt, Hk, mu, max(0.5 * Hk, par_min), v, A, T, cnt, nv, ng,
                    nh)
        if stalled(finite, gn, dist, f):
            return STALLED, x, f, g, Hk, mu, Hk, v, A, T, cnt, nv, ng, nh
        Hk = 2.0 * Hk
    return SEARCH_EXHAUSTED, x, f, g, Hk, np.nan, Hk, v, A, T, cnt, nv, ng, nh
