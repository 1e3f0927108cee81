"""One compiled kernel runs every baseline: shared loop, stopping and recording;
the per-iteration step is chosen by ``method`` (codes below).

Per step the trace stores (``gamma``, ``lam``) = the method's own parameters:

=================  ===========================  ====================================
method             ``gamma_k``                  ``lam_k``
=================  ===========================  ====================================
GRADIENT           step size ``t``              ``1/t`` (local Lipschitz estimate)
FAST_GRADIENT      ``1/L``                      ``L`` (Lipschitz estimate)
CUBIC_NEWTON       cubic parameter ``M``        shift ``mu = M ||h|| / 2``
SUPER_UNIVERSAL    adaptive constant ``H_k``    ``lambda = H_k ||g||^alpha``
DAMPED_NEWTON      step length ``t``            regularization added to ``H``
=================  ===========================  ====================================

Trials (``trial_gamma``) carry the same parameter as ``gamma``; ``trial_step`` is
``||x_trial - x_k||`` (for the fast gradient method ``x_trial = y - g(y)/L``). A trial point whose
value or gradient is not finite is a rejection. Oracle counts: each ``value_grad``
counts one value and one gradient; each Hessian formed counts one.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric._clock import monotonic
from numeric import _linalg
from numeric import oracles as _or
from numeric._linalg import all_finite
from numeric._record import (CONTINUE, MAX_ITER, NON_FINITE, SEARCH_EXHAUSTED, STEP_FAILED,
                             fields, push_iterate, push_step, push_trial,
                             stop_status)
from numeric.baselines.cubic import cubic_step

GRADIENT, FAST_GRADIENT, CUBIC_NEWTON, SUPER_UNIVERSAL, DAMPED_NEWTON = range(5)

ARMIJO_GRADIENT = 0.5    # gradient method: f(x - t g) <= f - (1/2) t ||g||^2  (t = 1/L test)
ARMIJO_NEWTON = 1e-4     # damped Newton: f(x + t d) <= f + 1e-4 t <g, d>
N_REG = 60               # damped Newton: at most 60 tenfold increases of the regularization


@jit
def run_kernel(method, kind, data, rule, rdata, x0, par0, alpha, par_min, max_iter,
               max_trials, gtol, ftol, f_star):
    """Run a baseline from ``x0``.

    Returns ``(x, P, S, T, K, status)`` with the records of :mod:`numeric._record` in
    its ``fields`` layout (one row per field): ``P`` has ``K + 1`` iterate columns
    ``[f, gnorm, n_value, n_grad, n_hess, time]``, ``S`` ``K`` step columns
    ``[gamma, lam, step]``, ``T`` the trial columns ``[iter, gamma, accepted, f, gnorm, step]``.
    ``par0`` is the first value of the method's parameter (``t0``, ``L0``, ``M0``, ``H0``;
    unused by damped Newton), ``par_min`` its floor after a successful step, ``alpha``
    the super-universal exponent.
    """
    empty = np.zeros((0, 0))
    P = np.full((max_iter + 1, 6), np.nan)
    S = np.full((max(max_iter, 1), 3), np.nan)
    T = np.empty((16, 6))
    cnt = 0
    t0 = monotonic()
    x = x0.copy()
    f, g = _or.value_grad(kind, data, x)
    nv, ng, nh = 1, 1, 0
    gn = np.sqrt(np.dot(g, g))
    P[0] = np.array([f, gn, nv, ng, nh, monotonic() - t0])
    par = par0
    v = x.copy()          # fast gradient: estimate-sequence point
    A = 0.0               # fast gradient: accumulated weight
    status = MAX_ITER
    k = 0
    if not (np.isfinite(f) and all_finite(g)):
        return x, P, S[:0], T[:0], 0, NON_FINITE
    while True:
        status = stop_status(gn, gtol, f, f_star, ftol, k, max_iter)
        if status != CONTINUE:
            break
        acc = False
        xn, xt = x, x
        fn, gnew, gt, gy = f, g, g, g
        fy, a = f, 0.0
        gam, lam = np.nan, np.nan
        if method == GRADIENT or method == FAST_GRADIENT:
            p = par
            for j in range(max_trials):
                if method == GRADIENT:
                    xt = x - p * g
                    gy, gyn = g, gn
                else:
                    a = (1.0 + np.sqrt(1.0 + 4.0 * p * A)) / (2.0 * p)
                    y = (A * x + a * v) / (A + a)
                    fy, gy = _or.value_grad(kind, data, y)
                    nv += 1
                    ng += 1
                    gyn = np.sqrt(np.dot(gy, gy))
                    xt = y - gy / p
                ft, gt = _or.value_grad(kind, data, xt)
                nv += 1
                ng += 1
                if method == GRADIENT:
                    ok = ft <= f - ARMIJO_GRADIENT * p * gn * gn
                    gpar = p
                else:
                    ok = ft <= fy - gyn * gyn / (2.0 * p)
                    gpar = 1.0 / p
                ok = ok and np.isfinite(ft) and all_finite(gt)
                gtn = np.sqrt(np.dot(gt, gt))
                dx = xt - x
                T, cnt = push_trial(T, cnt, k, gpar, ok, ft, gtn, np.sqrt(np.dot(dx, dx)))
                if ok:
                    acc = True
                    xn, fn, gnew = xt, ft, gt
                    if method == GRADIENT:
                        gam, lam = p, 1.0 / p
                        par = max(2.0 * p, par_min)
                    else:
                        gam, lam = 1.0 / p, p
                        v = v - a * gy
                        A = A + a
                        par = max(0.5 * p, par_min)
                    break
                if method == GRADIENT:
                    p = 0.5 * p
                else:
                    p = 2.0 * p
        else:
            Hm = _or.hess(kind, data, rule, rdata, x, g, gn)
            nh += 1
            if not all_finite(Hm.ravel()):
                status = NON_FINITE
                break
            if method == DAMPED_NEWTON:
                reg = 0.0
                ok, d = _linalg.solve_shifted(Hm, 0.0, 0, empty, -g)
                base = 1e-8 * max(1.0, np.max(np.abs(np.diag(Hm))))
                i = 0
                while (not ok or not (np.dot(g, d) < 0.0)) and i < N_REG:
                    reg = base * 10.0 ** i
                    ok, d = _linalg.solve_shifted(Hm, reg, 0, empty, -g)
                    i += 1
                if not ok or not (np.dot(g, d) < 0.0):
                    status = STEP_FAILED
                    break
                slope = np.dot(g, d)
                tt = 1.0
                for j in range(max_trials):
                    xt = x + tt * d
                    ft, gt = _or.value_grad(kind, data, xt)
                    nv += 1
                    ng += 1
                    ok = np.isfinite(ft) and all_finite(gt) and ft <= f + ARMIJO_NEWTON * tt * slope
                    gtn = np.sqrt(np.dot(gt, gt))
                    T, cnt = push_trial(T, cnt, k, tt, ok, ft, gtn, tt * np.sqrt(np.dot(d, d)))
                    if ok:
                        acc = True
                        xn, fn, gnew = xt, ft, gt
                        gam, lam = tt, reg
                        break
                    tt = 0.5 * tt
            else:
                p = par
                for j in range(max_trials):
                    if method == CUBIC_NEWTON:
                        h, mu = cubic_step(g, Hm, p)
                        model = np.dot(g, h) + 0.5 * np.dot(h, Hm @ h) \
                            + p / 6.0 * np.sqrt(np.dot(h, h)) ** 3
                        sok = all_finite(h)
                    else:
                        mu = p * gn ** alpha
                        sok, h = _linalg.solve_shifted(Hm, mu, 0, empty, -g)
                        model = 0.0
                    hn = np.sqrt(np.dot(h, h)) if sok else np.nan
                    ft, gtn = np.nan, np.nan
                    ok = False
                    if sok:
                        xt = x + h
                        ft, gt = _or.value_grad(kind, data, xt)
                        nv += 1
                        ng += 1
                        gtn = np.sqrt(np.dot(gt, gt))
                        if np.isfinite(ft) and all_finite(gt):
                            if method == CUBIC_NEWTON:
                                ok = ft <= f + model
                            else:
                                ok = f - ft >= gtn * gtn / (4.0 * mu)
                    T, cnt = push_trial(T, cnt, k, p, ok, ft, gtn, hn)
                    if ok:
                        acc = True
                        xn, fn, gnew = xt, ft, gt
                        gam, lam = p, mu
                        par = max(0.5 * p, par_min)
                        break
                    p = 2.0 * p
        if not acc:
            status = SEARCH_EXHAUSTED
            break
        dx = xn - x
        S = push_step(S, k, gam, lam, np.sqrt(np.dot(dx, dx)))
        x, f, g = xn, fn, gnew
        gn = np.sqrt(np.dot(g, g))
        k += 1
        P = push_iterate(P, k, f, gn, nv, ng, nh, monotonic() - t0)
    return x, fields(P, k + 1), fields(S, k), fields(T, cnt), k, status
