"""``gnsverify.minimize``: the method and the baselines behind scipy.optimize's call.

    from gnsverify import minimize
    res = minimize(fun, x0, jac=grad, hess=hess, method="gns",
                   options={"step": "adaptive", "maxiter": 200, "gtol": 1e-8})
    res.x, res.fun, res.jac, res.nit, res.nfev, res.njev, res.nhev, res.success, res.status

As in ``scipy.optimize.minimize``: ``args`` are passed to ``fun``, ``jac`` and ``hess``;
``jac=True`` means ``fun`` returns ``(f, g)``; ``callback(intermediate_result)`` after
each accepted step may return ``True`` to stop (status ``callback``); ``tol`` is the
gradient tolerance unless ``options["gtol"]`` is given. The result is the
:class:`numeric.trace.Result` of the run (scipy's fields plus the full ``trace``).

Methods (:data:`METHODS`): ``"gns"`` (Algorithm 1 with ``options["step"]`` = ``"adaptive"``
(default), ``"theory"`` (needs ``options["bound"] = (alphas, Ms)``) or ``"ideal"``), and
the baselines ``"gradient"``, ``"fast_gradient"``, ``"cubic_newton"``,
``"super_universal"``, ``"damped_newton"``. The callables are wrapped by
:func:`numeric.problems.from_callables` (numba-compiled callables are called the same
way); the ``hessian`` option names the Hessian rule (default ``"exact"`` with ``hess``,
``"zero"`` without).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

#: option names of scipy -> of the solver
_SCIPY_NAMES = {"maxiter": "max_iter"}
METHODS = ("gns", "gradient", "fast_gradient", "cubic_newton", "super_universal", "damped_newton")


def _wrap(fun, jac, hess, args):
    """``(f, g, h)`` callables of ``x`` alone, with scipy's ``jac=True`` convention."""
    if jac is True:
        last = {}              # fun returns (f, g): one call per point, as scipy's MemoizeJac

        def both(x):
            if "x" not in last or not np.array_equal(last["x"], x):
                value, grad = fun(x, *args)
                last.update(x=np.array(x, copy=True), value=value, grad=grad)
            return last["value"], last["grad"]

        def f(x):
            return both(x)[0]

        def g(x):
            return both(x)[1]
    elif callable(jac):
        def f(x):
            return fun(x, *args)

        def g(x):
            return jac(x, *args)
    else:
        raise ValueError("jac must be a callable or True (fun returns (f, g)); gradient-free "
                         "and finite-difference gradients are not supported.")
    h = None
    if hess is not None:
        if not callable(hess):
            raise ValueError(f"hess must be callable or None, got {type(hess).__name__}.")

        def h(x):
            return hess(x, *args)
    return f, g, h


def minimize(fun: Callable, x0, args: tuple = (), method: str = "gns", jac=None, hess=None,
             callback: Callable | None = None, tol: float | None = None,
             options: dict[str, Any] | None = None):
    """Minimize ``fun`` from ``x0`` (see the module docstring)."""
    from numeric.baselines import BASELINES
    from numeric.problems import from_callables
    from numeric.solver import minimize_gns
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}.")
    if not callable(fun):
        raise ValueError(f"fun must be callable, got {type(fun).__name__}.")
    if not isinstance(args, tuple):
        args = (args,)
    opts = {_SCIPY_NAMES.get(k, k): v for k, v in (options or {}).items()}
    if tol is not None:
        opts.setdefault("gtol", float(tol))
    convex = bool(opts.pop("convex", False))
    f_star = opts.pop("f_star", None)
    f, g, h = _wrap(fun, jac, hess, args)
    problem = from_callables(f, g, h, x0=np.asarray(x0, dtype=float), convex=convex,
                             f_star=f_star, name=getattr(fun, "__name__", "fun"))
    asked = opts.get("hessian")
    opts.setdefault("hessian", "exact" if h is not None else "zero")
    if method == "gns":
        return minimize_gns(problem, problem.x0, callback=callback, **opts)
    if callback is not None:
        raise ValueError(f"callback is supported by method 'gns' only, not {method!r}.")
    if method in ("gradient", "fast_gradient"):
        opts.pop("hessian")
    elif h is None and asked != "zero":
        raise ValueError(f"method {method!r} needs hess (or options['hessian'] = 'zero').")
    return BASELINES[method](problem, problem.x0, **opts)
