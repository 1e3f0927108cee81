"""A problem given by the user's own Python callables: ``f``, ``grad f`` and, optionally,
``hess f``.

    from numeric.problems import from_callables
    problem = from_callables(fun, grad, hess, x0=[...])

The callables get the whole pipeline (the compiled solver with every step rule, the
baselines, the ``gamma`` estimator, the checker): every compiled kernel reaches them
through the same dispatch as the built-in problems, whose branch for this kind calls
back into Python (numba's object mode), so an oracle call costs a Python call (about
a microsecond plus the callable's own time) instead of compiled code; numba-compiled
callables (``@njit``) are called the same way. The compiled kernels themselves stay
served from numba's disk cache: the callables are not part of any signature.

The compiled data hold only an integer ``handle`` into a table of this process;
the entry lives as long as its :class:`Problem` (it is dropped when the problem is
garbage-collected). A callable that raises, or returns values of the wrong shape,
stops the run with that exception (a ``ValueError`` naming what was wrong).

Without ``hess`` the problem supports the rule ``zero`` only (first-order methods,
the ``H = 0`` classes); with it, every generic rule (``exact``, ``perturbed``,
``perturbed_psd``, ``zero``).
"""
from __future__ import annotations

import itertools
import weakref

import numba
import numpy as np

from numeric._jit import jit
from numeric.problems.base import (INT, Hessian, Layout, Problem, ProblemType, check_finite)

LAYOUT = Layout(handle=INT)
_unpack = LAYOUT.unpack

_CALLABLES: dict[int, tuple] = {}      # handle -> (fun, grad, hess or None, n)
_HANDLES = itertools.count(1)


def _entry(handle):
    try:
        return _CALLABLES[int(handle)]
    except KeyError:
        raise ValueError(f"the callables of problem handle {int(handle)} are gone (the "
                         "problem was garbage-collected or built in another process).") from None


def _call_value_grad(handle, x):
    fun, grad, _, n = _entry(handle)
    x = np.array(x)                    # the user's callables get a copy they may keep
    v = np.asarray(fun(x), dtype=np.float64)
    if v.size != 1:
        raise ValueError(f"fun must return a number, got {v.size} values.")
    f = float(v.reshape(-1)[0])
    g = np.ascontiguousarray(grad(x), dtype=np.float64).reshape(-1)
    if g.shape != (n,):
        raise ValueError(f"grad must return a vector of length {n}, got {g.size} entries.")
    return f, g


def _call_hess(handle, x):
    _, _, hess, n = _entry(handle)
    if hess is None:
        return np.full((n, n), np.nan)
    H = np.ascontiguousarray(hess(np.array(x)), dtype=np.float64)
    if H.shape != (n, n):
        raise ValueError(f"hess must return an {n} x {n} matrix, got shape {H.shape}.")
    return np.ascontiguousarray(0.5 * (H + H.T))


@jit
def _value_grad(data, x):
    (handle,) = _unpack(data)
    with numba.objmode(f="float64", g="float64[::1]"):
        f, g = _call_value_grad(handle, x)
    return f, g


@jit
def _hess(data, x):
    (handle,) = _unpack(data)
    with numba.objmode(H="float64[:, ::1]"):
        H = _call_hess(handle, x)
    return H


def from_callables(fun, grad, hess=None, *, x0, convex: bool = False, f_star=None, x_star=None,
                   name: str = "callables", params=None) -> Problem:
    """A :class:`Problem` from Python callables (see the module docstring).

    ``fun(x) -> float``, ``grad(x) -> array (n,)``, ``hess(x) -> array (n, n)`` (optional;
    symmetrized); ``x0`` fixes ``n``; ``convex``, ``f_star``, ``x_star`` are what you
    know about ``f`` (``convex=True`` makes the exact Hessian PSD for the checker).
    """
    for label, c in (("fun", fun), ("grad", grad)) + ((("hess", hess),) if hess is not None else ()):
        if not callable(c):
            raise ValueError(f"{label} must be callable, got {type(c).__name__}.")
    x0 = check_finite("x0", x0).reshape(-1).copy()
    if x0.size < 1:
        raise ValueError("x0 must have at least one entry.")
    n = x0.size
    handle = next(_HANDLES)
    _CALLABLES[handle] = (fun, grad, hess, n)
    hessians = PROBLEM.hessian_names if hess is not None else ("zero",)
    problem = Problem(name=name, kind=PROBLEM.kind, data=LAYOUT.pack(handle=handle), n=n, x0=x0,
                      convex=bool(convex), f_star=None if f_star is None else float(f_star),
                      x_star=None if x_star is None else check_finite("x_star", x_star).reshape(-1),
                      hessians=hessians, params=dict(params or {}, callables=getattr(fun, "__name__", "fun")))
    weakref.finalize(problem, _CALLABLES.pop, handle, None)
    return problem


PROBLEM = ProblemType("callables", 101, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess)})
BUILDERS = {}     # built from callables (from_callables), not from keyword arguments
