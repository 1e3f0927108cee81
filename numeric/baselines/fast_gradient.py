"""Nesterov's fast gradient method with backtracking on the Lipschitz estimate ``L``
(similar-triangles form).

``a = (1 + sqrt(1 + 4 L A)) / (2L)`` (so ``L a^2 = A + a``), ``y = (A x + a v)/(A + a)``,
trial ``x+ = y - g(y)/L``, accepted when ``f(x+) <= f(y) - ||g(y)||^2/(2L)``; then
``v <- v - a g(y)``, ``A <- A + a`` and the next first trial is ``max(L/2, L_min)``; a
rejection doubles ``L``. For convex ``f``: ``f(x_k) - f* <= ||x_0 - x*||^2 / (2 A_k)``.
Not monotone. Trace: ``gamma_k = 1/L``, ``lam_k = L``; the stall rule measures the
trial from ``y``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric._record import SEARCH_EXHAUSTED, STALLED
from numeric.baselines._trial import ACCEPTED, decreased, evaluate, record, stalled


@jit
def step(kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials, k, T,
         cnt, nv, ng, nh):
    L = par
    for _ in range(max_trials):
        a = (1.0 + np.sqrt(1.0 + 4.0 * L * A)) / (2.0 * L)
        y = (A * x + a * v) / (A + a)
        fy, gy, gyn, _, nv, ng = evaluate(kind, data, y, nv, ng)
        xt = y - gy / L
        ft, gt, gtn, finite, nv, ng = evaluate(kind, data, xt, nv, ng)
        ok = finite and ft <= fy - gyn * gyn / (2.0 * L) and decreased(ft, fy)
        T, cnt, _ = record(T, cnt, k, 1.0 / L, ok, ft, gtn, xt, x)
        if ok:
            return (ACCEPTED, xt, ft, gt, 1.0 / L, L, max(0.5 * L, par_min), v - a * gy, A + a,
                    T, cnt, nv, ng, nh)
        if stalled(finite and np.isfinite(fy), gyn, gyn / L, fy):
            return STALLED, x, f, g, 1.0 / L, L, L, v, A, T, cnt, nv, ng, nh
        L = 2.0 * L
    return SEARCH_EXHAUSTED, x, f, g, 1.0 / L, L, L, v, A, T, cnt, nv, ng, nh
