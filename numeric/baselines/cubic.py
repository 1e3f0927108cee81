"""Exact solution of the cubic-regularized Newton subproblem (Nesterov-Polyak 2006).

    h* = argmin_h  m(h) = <g, h> + 1/2 <H h, h> + (M/6) ||h||^3,      M > 0, H symmetric.

**`cubic_optimality`.** ``h*`` is a global minimizer iff, with ``r = ||h*||`` and
``mu = M r / 2``: ``(H + mu I) h* = -g`` and ``H + mu I`` is positive semidefinite.
With ``H = V diag(w) V^T`` and ``c = V^T g``, for ``mu > mu_lo = max(0, -w_min)``

    h(mu) = -V (c / (w + mu)),      psi(mu) = ||h(mu)|| - 2 mu / M

is strictly decreasing (from ``+inf`` or ``||h(mu_lo+)|| - 2 mu_lo/M`` to ``-inf``); its
root gives ``h*`` (found by bisection to machine precision). **Hard case**: when every
``c_i`` with ``w_i + mu_lo = 0`` vanishes and ``psi(mu_lo+) <= 0``, then
``mu = mu_lo`` and ``h* = h_lo + tau v_min`` with ``h_lo`` the solution on the other
eigenvectors and ``tau >= 0`` chosen so that ``||h*|| = 2 mu_lo / M``.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit


@jit
def _norm_shifted(c, w, mu):
    acc = 0.0
    for i in range(c.shape[0]):
        acc += (c[i] / (w[i] + mu)) ** 2
    return np.sqrt(acc)


@jit
def cubic_step(g, H, M):
    """``(h, mu)``: the global minimizer of the cubic model and its shift ``mu = M ||h|| / 2``."""
    n = g.shape[0]
    w, V = np.linalg.eigh(0.5 * (H + H.T))
    c = V.T @ g
    wmin = w[0]
    mu_lo = max(0.0, -wmin)
    gn = np.sqrt(np.dot(g, g))
    scale = max(1.0, np.max(np.abs(w)))
    sing = np.zeros(n, dtype=np.bool_)
    hard = True
    for i in range(n):
        if w[i] + mu_lo <= 1e-14 * scale:
            sing[i] = True
            if abs(c[i]) > 1e-14 * max(gn, 1e-300):
                hard = False
    if hard:
        acc = 0.0
        for i in range(n):
            if not sing[i]:
                acc += (c[i] / (w[i] + mu_lo)) ** 2
        r_lo = np.sqrt(acc)
        if r_lo <= 2.0 * mu_lo / M and mu_lo > 0.0:
            z = np.zeros(n)
            for i in range(n):
                if not sing[i]:
                    z[i] = -c[i] / (w[i] + mu_lo)
            tau = np.sqrt(max((2.0 * mu_lo / M) ** 2 - r_lo * r_lo, 0.0))
            z[0] += tau
            return V @ z, mu_lo
    if gn == 0.0:
        return np.zeros(n), mu_lo
    # bracket: psi(lo) > 0 > psi(hi)
    lo = mu_lo
    hi = mu_lo + max(np.sqrt(0.5 * M * gn), 1e-300)
    while _norm_shifted(c, w, hi) - 2.0 * hi / M > 0.0:
        lo = hi
        hi = 2.0 * hi
    for it in range(200):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if _norm_shifted(c, w, mid) - 2.0 * mid / M > 0.0:
            lo = mid
        else:
            hi = mid
    mu = hi
    return -(V @ (c / (w + mu))), mu
