"""Compiled oracle dispatch: ``value``, ``value_grad``, ``hess`` (dense) and
``hess_lowrank`` for every problem kind and Hessian rule.

The solver calls these module-level kernels directly (no compiled function is ever
passed as an argument), so the solver is served from numba's disk cache.
Adding a problem: import its module here and add one branch per function.

Every problem module provides ``_value_grad`` and ``_hess``; ``value`` is the value
part of ``value_grad``. Return types are uniform across branches: ``value -> float``,
``value_grad -> (float, float64[n])``, ``exact_hess``/``hess -> float64[n, n]``
(C-contiguous, a fresh array the caller may overwrite),
``hess_lowrank -> (d float64[n], U float64[k, n], w float64[k])`` meaning
``H = diag(d) + U^T diag(w) U`` with ``d >= 0`` and ``w >= 0`` (``k`` may be 0).
``U`` may be the problem's own data matrix: treat it as read-only.
An unsupported (kind, rule) pair yields NaN (the Python side rejects it first:
:meth:`numeric.problems.base.Problem.rule`); ``has_lowrank`` says which pairs
have a low-rank form.
"""
from __future__ import annotations

from importlib import import_module

import numpy as np

from numeric._jit import inlined, jit
from numeric import rules as R
from numeric.problems import _powernorm as PN
from numeric.problems._gram import lowrank_dense


def _module(name):
    # The package binds each builder under its module's name (``numeric.problems.power``
    # is the builder function), so the modules are taken from the import system.
    return import_module(f"numeric.problems.{name}")


QD, PW, QR = _module("quadratic"), _module("power"), _module("quartic")
LG, SM, LSE = _module("logistic"), _module("softmax"), _module("logsumexp")
CR, RB = _module("chebyshev_rosenbrock"), _module("rosenbrock")
NC, CH, PT = _module("nesterov_chain"), _module("cosh_sum"), _module("polytope")
EX = _module("expression")


@jit
def value(kind, data, x):
    """``f(x)`` (the value of :func:`value_grad`: the solver always needs both, and one
    code path per problem keeps the two consistent to the last bit)."""
    return value_grad(kind, data, x)[0]


@jit
def value_grad(kind, data, x):
    """``(f(x), grad f(x))``."""
    if kind == QD.KIND:
        return QD._value_grad(data, x)
    if kind == PW.KIND:
        return PW._value_grad(data, x)
    if kind == QR.KIND:
        return QR._value_grad(data, x)
    if kind == LG.KIND:
        return LG._value_grad(data, x)
    if kind == SM.KIND:
        return SM._value_grad(data, x)
    if kind == LSE.KIND:
        return LSE._value_grad(data, x)
    if kind == CR.KIND:
        return CR._value_grad(data, x)
    if kind == RB.KIND:
        return RB._value_grad(data, x)
    if kind == NC.KIND:
        return NC._value_grad(data, x)
    if kind == CH.KIND:
        return CH._value_grad(data, x)
    if kind == PT.KIND:
        return PT._value_grad(data, x)
    if kind == EX.KIND:
        return EX._value_grad(data, x)
    return np.nan, np.full(x.shape[0], np.nan)


@jit
def exact_hess(kind, data, x):
    """``hess f(x)`` (dense)."""
    if kind == QD.KIND:
        return QD._hess(data, x)
    if kind == PW.KIND:
        return PW._hess(data, x)
    if kind == QR.KIND:
        return QR._hess(data, x)
    if kind == LG.KIND:
        return LG._hess(data, x)
    if kind == SM.KIND:
        return SM._hess(data, x)
    if kind == LSE.KIND:
        return LSE._hess(data, x)
    if kind == CR.KIND:
        return CR._hess(data, x)
    if kind == RB.KIND:
        return RB._hess(data, x)
    if kind == NC.KIND:
        return NC._hess(data, x)
    if kind == CH.KIND:
        return CH._hess(data, x)
    if kind == PT.KIND:
        return PT._hess(data, x)
    if kind == EX.KIND:
        return EX._hess(data, x)
    return np.full((x.shape[0], x.shape[0]), np.nan)


@jit
def is_residual(kind):
    """Whether ``f = (1/p) ||u(x)||^p`` (Gauss-Newton and Fisher-term rules apply)."""
    return kind == PW.KIND or kind == CR.KIND or kind == RB.KIND


@jit
def residual_parts(kind, data, x):
    """``(u, J, J^T u, p)`` of a residual problem (NaN ``p`` otherwise)."""
    if kind == PW.KIND:
        return PW._parts(data, x)
    if kind == CR.KIND:
        return CR._parts(data, x)
    if kind == RB.KIND:
        return RB._parts(data, x)
    n = x.shape[0]
    return np.zeros(0), np.zeros((0, n)), np.zeros(n), np.nan


@jit
def has_lowrank(kind, rule):
    """Whether :func:`hess_lowrank` serves ``(kind, rule)``."""
    if rule == R.ZERO:
        return True
    if rule == R.EXACT:
        return (kind == PW.KIND or kind == QR.KIND or kind == LG.KIND or kind == NC.KIND
                or kind == CH.KIND or kind == PT.KIND)
    if rule == R.FISHER:
        return kind == LG.KIND or kind == SM.KIND
    if rule == R.GAUSS_NEWTON or rule == R.FISHER_TERM:
        return is_residual(kind)
    if rule == R.WEIGHTED_GN:
        return kind == LSE.KIND
    return False


@jit
def hess_lowrank(kind, data, rule, rdata, x, g, gnorm):
    """``(d, U, w)`` with ``H(x) = diag(d) + U^T diag(w) U`` for the pairs of :func:`has_lowrank`.

    Exact: logistic ``(lam 1, A, sigma(z) sigma(-z) / m)``, quartic ``(lam 1, A, 3 r^2)``,
    Nesterov chain ``(0, D, L|d|)``, cosh sum ``(0, A, cosh(r) / m)``, polytope
    ``(0, A, (p-1) r_+^(p-2))``, power = its Gauss-Newton form. Fisher: logistic
    ``(lam 1, A, sigma(-z)^2 / m)``, softmax ``(lam 1, [grad l_j]_j, 1/m)``.
    Gauss-Newton: ``(0, [J; v^T], (||u||^(p-2), ..., c))``; Fisher term ``(0, v^T, c)``
    (see :mod:`numeric.problems._powernorm`). Weighted GN: ``(0, A, softmax / mu)``.
    Zero: ``(0, empty, empty)``.
    """
    n = x.shape[0]
    if rule == R.ZERO:
        return np.zeros(n), np.zeros((0, n)), np.zeros(0)
    if rule == R.EXACT:
        if kind == QR.KIND:
            return QR._hess_lowrank(data, x)
        if kind == LG.KIND:
            return LG._lowrank(data, x, False)
        if kind == NC.KIND:
            return NC._hess_lowrank(data, x)
        if kind == CH.KIND:
            return CH._hess_lowrank(data, x)
        if kind == PT.KIND:
            return PT._hess_lowrank(data, x)
    if rule == R.FISHER:
        if kind == LG.KIND:
            return LG._lowrank(data, x, True)
        if kind == SM.KIND:
            return SM._fisher_lowrank(data, x)
    if is_residual(kind) and (rule == R.GAUSS_NEWTON or rule == R.FISHER_TERM
                              or (rule == R.EXACT and kind == PW.KIND)):
        u, J, jtu, p = residual_parts(kind, data, x)
        if rule == R.FISHER_TERM:
            return PN.fisher_term_lowrank(u, jtu, p)
        return PN.gauss_newton_lowrank(u, J, jtu, p)
    if rule == R.WEIGHTED_GN and kind == LSE.KIND:
        return LSE._weighted_gn_lowrank(data, x)
    return np.full(n, np.nan), np.zeros((0, n)), np.zeros(0)


@jit
def hess(kind, data, rule, rdata, x, g, gnorm):
    """Dense ``H(x)`` for Hessian rule ``rule`` (codes in :mod:`numeric.rules`).

    ``g`` is ``grad f(x)`` and ``gnorm`` its dual norm (needed by the perturbation,
    whose size is ``C1 + C2 gnorm^(1 - beta)``: ``H = hess f + (C1 + C2 gnorm^(1-beta)) E0``
    with ``||E0|| = 1``, so ``||H - hess f|| = C1 + C2 gnorm^(1-beta)`` exactly up to
    rounding; ``E0`` PSD for the PSD-preserving variant).
    """
    n = x.shape[0]
    if rule == R.ZERO:
        return np.zeros((n, n))
    if rule == R.EXACT:
        return exact_hess(kind, data, x)
    if rule == R.FISHER:
        if kind == LG.KIND:
            return LG._fisher(data, x)
        if kind == SM.KIND:
            return SM._fisher(data, x)
    if rule == R.WEIGHTED_GN and kind == LSE.KIND:
        return LSE._weighted_gn(data, x)
    if (rule == R.GAUSS_NEWTON or rule == R.FISHER_TERM) and is_residual(kind):
        d, U, w = hess_lowrank(kind, data, rule, rdata, x, g, gnorm)
        return lowrank_dense(d, U, w)
    if rule == R.PERTURBED or rule == R.PERTURBED_PSD:
        rp, E0 = rdata
        scale = rp[0] + rp[1] * gnorm ** (1.0 - rp[2])
        return exact_hess(kind, data, x) + scale * E0
    return np.full((n, n), np.nan)


# Copies inlined into the caller's numba IR (no call boundary, hence no reference
# counts on the arguments), for the solver's inner loop. Only the solver uses them:
# inlining the twelve-way dispatch at every call site of the gamma estimator and the
# baselines would cost compile time for no measurable gain there.
value_grad_inlined = inlined(value_grad)
hess_inlined = inlined(hess)
