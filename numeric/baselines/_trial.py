"""What every baseline's step shares: one trial evaluated and recorded, and the
outcome codes a step hands back to the loop (:mod:`numeric.baselines.kernel`).

A step function of a baseline has the signature

    step(kind, data, hcode, hdata, x, f, g, gn, par, v, A, alpha, par_min, max_trials,
         k, T, cnt, nv, ng, nh)
    -> (outcome, xn, fn, gn_vec, gamma, lam, par, v, A, T, cnt, nv, ng, nh)

``par`` is the method's adaptive parameter (step size, Lipschitz estimate, cubic or
regularization constant), ``v``, ``A`` the estimate sequence of the fast gradient
method (unused by the others), ``alpha`` the super-universal exponent. ``outcome`` is
:data:`ACCEPTED` or a status code of :mod:`numeric._record` (``search_exhausted``,
``stalled``, ``step_failed``, ``non_finite``).

**Strict decrease.** Every baseline's acceptance test implies ``f_trial < f_ref`` in
exact arithmetic (``x_ref`` is the point the trial steps from: ``x``, or ``y`` for the
fast gradient method). In floating point a threshold ``f_ref - c * decrease`` can
round to ``f_ref`` and let a trial without any decrease through; such a trial is
rejected (:func:`decreased`).

**Stall rule** (``stall_rule``, docs/theory.md section 1): every baseline backtracks by
shortening its trial, so a rejected trial whose predicted decrease
``||g_ref|| ||x_trial - x_ref||`` is at most ``STALL_RESOLUTION |f_ref|`` ends the run
with status ``stalled`` (the trial is recorded, not taken): no later trial can show a
decrease that a difference of computed values resolves.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric import oracles as _or
from numeric._linalg import all_finite
from numeric._record import below_resolution, push_trial

ACCEPTED = -1


@jit
def hessian(kind, data, hcode, hdata, x, g, gn, nh):
    """``(H(x), finite, nh + 1)``: the Hessian of the rule, formed once per iteration by
    the Newton-type baselines (a non-finite one ends the run as ``non_finite``)."""
    Hm = _or.hess(kind, data, hcode, hdata, x, g, gn)
    return Hm, all_finite(Hm.ravel()), nh + 1


@jit
def evaluate(kind, data, xt, nv, ng):
    """``(f(xt), g(xt), ||g(xt)||, finite, nv + 1, ng + 1)`` (Euclidean norm)."""
    ft, gt = _or.value_grad(kind, data, xt)
    gtn = np.sqrt(np.dot(gt, gt))
    return ft, gt, gtn, bool(np.isfinite(ft) and all_finite(gt)), nv + 1, ng + 1


@jit
def record(T, cnt, k, par, ok, ft, gtn, xt, xref):
    """Record the trial (its parameter, decision, value, gradient norm and
    ``||x_trial - x_ref||``); returns ``(T, cnt, ||x_trial - x_ref||)``."""
    d = xt - xref
    dist = np.sqrt(np.dot(d, d))
    T, cnt = push_trial(T, cnt, k, par, ok, ft, gtn, dist)
    return T, cnt, dist


@jit
def record_failed(T, cnt, k, par):
    """Record a trial whose step could not be computed (no value, no step length)."""
    return push_trial(T, cnt, k, par, False, np.nan, np.nan, np.nan)


@jit
def stalled(finite, gref_norm, dist, fref):
    """The stall rule for a rejected trial (see the module docstring)."""
    return finite and below_resolution(gref_norm, dist, fref)


@jit
def decreased(ft, fref):
    """``f_trial < f_ref`` (false for NaN): the part of every baseline's acceptance
    test that rounding could otherwise waive (see the module docstring)."""
    return ft < fref
