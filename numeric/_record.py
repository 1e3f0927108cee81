"""Row records shared by the compiled solver and the baselines, and their conversion
to a :class:`numeric.trace.Trace`.

Compiled kernels record three growing float arrays (counts and flags are stored as
floats; they are exact below ``2^53``):

* ``P``, one row per iterate: ``[f, gnorm, n_value, n_grad, n_hess, time]``;
* ``S``, one row per accepted step: ``[gamma, lam, step]``;
* ``T``, one row per step-size trial: ``[iter, gamma, accepted, f, gnorm, step]``
  (a non-finite ``f`` or ``gnorm`` is recorded as ``nan``).

A kernel returns each record through :func:`fields` (transposed: one row per field),
which :func:`trace_from_fields` turns into a trace without further copies.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric.trace import STATUSES, Trace

# status codes of the compiled kernels = indices into numeric.trace.STATUSES
(CONVERGED_GNORM, CONVERGED_FGAP, MAX_ITER, SEARCH_EXHAUSTED, NON_FINITE,
 STEP_FAILED, STALLED) = range(7)
CONTINUE = -2
assert STATUSES[SEARCH_EXHAUSTED] == "search_exhausted" and STATUSES[STEP_FAILED] == "step_failed"
assert STATUSES[STALLED] == "stalled" and len(STATUSES) == 8
CALLBACK = 7  # set by numeric.solver.minimize_gns only (the kernels never return it)
assert STATUSES[CALLBACK] == "callback"

#: The ``stall_rule`` (docs/theory.md, section 1): a rejected trial whose predicted
#: decrease ``||g||_* ||x_trial - x||`` (an upper bound on the first-order decrease
#: ``|<g, x_trial - x>|``) is at most ``STALL_RESOLUTION |f|`` cannot be rescued by a
#: shorter step: every later trial of the search is shorter, so its true decrease is
#: below about two units in the last place of ``f``, which no computed difference of
#: values can resolve. ``4 u`` with ``u = 2^-53`` the unit roundoff.
STALL_RESOLUTION = 4.0 * 2.0 ** -53


@jit(inline="always")
def below_resolution(gnorm, step, f):
    """The ``stall_rule`` test: ``gnorm * step <= STALL_RESOLUTION * |f|`` (false when
    any argument is NaN)."""
    return gnorm * step <= STALL_RESOLUTION * abs(f)


@jit
def stop_status(gn, gtol, f, f_star, ftol, k, max_iter):
    """The common stopping tests at ``x_k``, in order: ``||g_k||_* <= gtol``,
    ``f_k - f* <= ftol`` (when ``f*`` is finite), ``k >= max_iter``; ``CONTINUE`` if none."""
    if gn <= gtol:
        return CONVERGED_GNORM
    if np.isfinite(f_star) and f - f_star <= ftol:
        return CONVERGED_FGAP
    if k >= max_iter:
        return MAX_ITER
    return CONTINUE


@jit(inline="always")
def ensure_rows(R, used):
    """``R`` or a copy with more than twice the rows when it is full."""
    if used < R.shape[0]:
        return R
    R2 = np.empty((2 * R.shape[0] + 8, R.shape[1]))
    R2[:used] = R[:used]
    return R2


@jit
def push_iterate(P, i, f, gn, nv, ng, nh, t):
    """Write iterate row ``i`` (grows ``P``); returns ``P``."""
    P = ensure_rows(P, i)
    P[i, 0] = f
    P[i, 1] = gn
    P[i, 2] = nv
    P[i, 3] = ng
    P[i, 4] = nh
    P[i, 5] = t
    return P


@jit
def push_step(S, k, gamma, lam, step):
    """Write step row ``k`` (grows ``S``); returns ``S``."""
    S = ensure_rows(S, k)
    S[k, 0] = gamma
    S[k, 1] = lam
    S[k, 2] = step
    return S


@jit
def push_trial(T, cnt, k, gamma, acc, f, gn, step):
    """Append trial row ``cnt`` (grows ``T``); returns ``(T, cnt + 1)``."""
    T = ensure_rows(T, cnt)
    T[cnt, 0] = k
    T[cnt, 1] = gamma
    T[cnt, 2] = 1.0 if acc else 0.0
    T[cnt, 3] = f if np.isfinite(f) else np.nan
    T[cnt, 4] = gn if np.isfinite(gn) else np.nan
    T[cnt, 5] = step
    return T, cnt + 1


@jit
def fields(R, used):
    """The first ``used`` rows of the record ``R``, transposed into a fresh contiguous
    array with one row per field (what :func:`trace_from_fields` takes)."""
    return np.ascontiguousarray(R[:used].T)


def trace_from_fields(P, S, T, X=None) -> Trace:
    """The :class:`Trace` of the records in :func:`fields` layout (``X``: recorded
    iterates or ``None``). Every trace array is a row of one of them (no copies: on a
    small problem fifteen column copies cost more than the whole run)."""
    counts = P[2:5].astype(np.int64)
    return Trace(
        f=P[0], gnorm=P[1], gamma=S[0], lam=S[1], step=S[2],
        n_value=counts[0], n_grad=counts[1], n_hess=counts[2], time=P[5],
        trial_iter=T[0].astype(np.int64), trial_gamma=T[1], trial_accepted=T[2] > 0.5,
        trial_f=T[3], trial_gnorm=T[4], trial_step=T[5], x=X,
    )
