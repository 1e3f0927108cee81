"""Compiled oracle dispatch: ``value``, ``value_grad``, ``hess`` for every problem kind
and Hessian rule.

The solver calls these module-level kernels directly (no compiled function is ever
passed as an argument), so the solver is served from numba's disk cache.
Adding a problem: import its module here and add one branch per function.
"""
from __future__ import annotations

import numpy as np

from numeric._jit import jit
from numeric import rules as R
from numeric.problems import quadratic as _quadratic


@jit
def value(kind, data, x):
    """``f(x)``."""
    if kind == _quadratic.KIND:
        return _quadratic._value(data, x)
    return np.nan


@jit
def value_grad(kind, data, x):
    """``(f(x), grad f(x))``."""
    if kind == _quadratic.KIND:
        return _quadratic._value_grad(data, x)
    return np.nan, np.full(x.shape[0], np.nan)


@jit
def exact_hess(kind, data, x):
    """``hess f(x)`` (dense)."""
    if kind == _quadratic.KIND:
        return _quadratic._hess(data, x)
    return np.full((x.shape[0], x.shape[0]), np.nan)


@jit
def hess(kind, data, rule, rdata, x, g, gnorm):
    """Dense ``H(x)`` for Hessian rule ``rule`` (codes in :mod:`numeric.rules`).

    ``g`` is ``grad f(x)`` and ``gnorm`` its dual norm (needed by the perturbation,
    whose size is ``C1 + C2 gnorm^(1 - beta)``).
    """
    n = x.shape[0]
    if rule == R.ZERO:
        return np.zeros((n, n))
    if rule == R.EXACT:
        return exact_hess(kind, data, x)
    if rule == R.PERTURBED or rule == R.PERTURBED_PSD:
        rp, E0 = rdata
        scale = rp[0] + rp[1] * gnorm ** (1.0 - rp[2])
        return exact_hess(kind, data, x) + scale * E0
    return np.full((n, n), np.nan)
