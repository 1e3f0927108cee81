"""The loop every baseline shares (stopping tests, recording); each method's step is a
function in its own module (:data:`STEPS`), called through one dispatch on ``method``.

Per step the trace stores (``gamma``, ``lam``) = the method's own parameters:

=================  ===========================  ====================================
method             ``gamma_k``                  ``lam_k``
=================  ===========================  ====================================
gradient           step size ``t``              ``1/t`` (local Lipschitz estimate)
fast_gradient      ``1/L``                      ``L`` (Lipschitz estimate)
cubic_newton       cubic parameter ``M``        shift ``mu = M ||h|| / 2``
super_universal    adaptive constant ``H_k``    ``lambda = H_k ||g||^alpha``
damped_newton      step length ``t``            regularization added to ``H``
=================  ===========================  ====================================

Trials (``trial_gamma``) carry the same parameter as ``gamma``; ``trial_step`` is
``||x_trial - x_k||`` (``nan`` when the step could not be computed). A trial point
whose value or gradient is not finite is a rejection. Oracle counts: each
``value_grad`` counts one value and one gradient; each Hessian formed counts one.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric._clock import monotonic
from numeric import oracles as _or
from numeric._linalg import all_finite
from numeric._record import CONTINUE, NON_FINITE, fields, push_iterate, push_step, stop_status
from numeric.baselines import cubic_newton, damped_newton, fast_gradient, gradient, super_universal
from numeric.baselines._trial import ACCEPTED

#: method name -> dispatch code (the order of the branches in :func:`run_kernel`)
STEPS = {"gradient": 0, "fast_gradient": 1, "cubic_newton": 2, "super_universal": 3,
         "damped_newton": 4}


@jit
def _step(method, kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials,
          k, T, cnt, nv, ng, nh):
    args = (kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials, k, T,
            cnt, nv, ng, nh)
    if method == 0:
        return gradient.step(*args)
    if method == 1:
        return fast_gradient.step(*args)
    if method == 2:
        return cubic_newton.step(*args)
    if method == 3:
        return super_universal.step(*args)
    return damped_newton.step(*args)


@jit
def run_kernel(method, kind, data, hcode, hdata, x0, par0, alpha, par_min, max_iter,
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
    P = np.empty((min(max_iter, 63) + 1, 6))
    S = np.empty((min(max_iter, 63) + 1, 3))
    T = np.empty((16, 6))
    cnt = 0
    t0 = monotonic()
    x = x0.copy()
    f, g = _or.value_grad(kind, data, x)
    nv, ng, nh = 1, 1, 0
    gn = np.sqrt(np.dot(g, g))
    P = push_iterate(P, 0, f, gn, nv, ng, nh, monotonic() - t0)
    par = par0
    v = x.copy()          # fast gradient: estimate-sequence point
    A = 0.0               # fast gradient: accumulated weight
    k = 0
    if not (np.isfinite(f) and all_finite(g)):
        return x, fields(P, 1), fields(S, 0), fields(T, 0), 0, NON_FINITE
    while True:
        status = stop_status(gn, gtol, f, f_star, ftol, k, max_iter)
        if status != CONTINUE:
            break
        (out, xn, fn, gnew, gam, lam, par, v, A, T, cnt, nv, ng,
         nh) = _step(method, kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min,
                     max_trials, k, T, cnt, nv, ng, nh)
        if out != ACCEPTED:
            status = out
            break
        dx = xn - x
        S = push_step(S, k, gam, lam, np.sqrt(np.dot(dx, dx)))
        x, f, g = xn, fn, gnew
        gn = np.sqrt(np.dot(g, g))
        k += 1
        P = push_iterate(P, k, f, gn, nv, ng, nh, monotonic() - t0)
    return x, fields(P, k + 1), fields(S, k), fields(T, cnt), k, status
