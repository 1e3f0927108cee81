"""Baseline methods for the rate tables, compiled, with the trace layout of
:mod:`numeric.trace` (identity metric). One module per method states its step
(and is the step's compiled code); :mod:`numeric.baselines.kernel` is the loop they
share.

* :func:`gradient_method` (:mod:`~numeric.baselines.gradient`): gradient steps with
  Armijo backtracking. Monotone.
* :func:`fast_gradient_method` (:mod:`~numeric.baselines.fast_gradient`): Nesterov's
  accelerated gradient method with backtracking on ``L``. Not monotone.
* :func:`cubic_newton` (:mod:`~numeric.baselines.cubic_newton`): cubic-regularized
  Newton with adaptive ``M`` and the exact cubic subproblem. Monotone.
* :func:`super_universal_newton` (:mod:`~numeric.baselines.super_universal`):
  regularized Newton with ``lambda = H_k ||g||^alpha``. Monotone.
* :func:`damped_newton` (:mod:`~numeric.baselines.damped_newton`): Newton direction
  (regularized when needed) with Armijo backtracking. Monotone.

Common stopping: ``||g|| <= gtol``, ``f - f* <= ftol`` (when ``f*`` is known),
``max_iter`` accepted steps, ``max_trials`` rejected trials in one iteration
(``search_exhausted``), and the stall rule (``stalled``: a rejected trial whose
predicted decrease is below the rounding of ``f``; :mod:`numeric.baselines._trial`).
``BASELINES`` maps a name to its function.
"""
from __future__ import annotations

import math

import numpy as np


from numeric._checks import check_count, check_f_star, check_real, resolve_hessian
from numeric.baselines import kernel as _k
from numeric.problems.base import Problem, check_point
from numeric.hessians import hessian_rule
from numeric._record import trace_from_fields
from numeric.trace import STATUSES, Result

_MESSAGES = {
    "converged_gnorm": "gradient norm <= gtol",
    "converged_fgap": "f - f* <= ftol",
    "max_iter": "iteration budget used up",
    "search_exhausted": "step-size search hit max_trials without acceptance",
    "non_finite": "an oracle returned a non-finite value at x0 or at H(x_k)",
    "step_failed": "no descent direction could be formed",
    "stalled": "no progress representable: a rejected trial predicted a decrease of f "
               "below the rounding of f",
}


def _run(method, name, problem, x0, hessian, par0, alpha, par_min, max_iter, max_trials, gtol,
         ftol, f_star, options):
    """Validate the common arguments, run the kernel and assemble a :class:`Result`."""
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a numeric Problem, got {type(problem).__name__}.")
    x0 = check_point(problem, problem.x0 if x0 is None else x0).copy()
    r = hessian_rule("zero") if hessian is None else resolve_hessian(problem, hessian)   # first-order: H unused
    par0 = check_real(options["par_name"], par0, strict=True)
    par_min = check_real("par_min", par_min)
    max_iter = check_count("max_iter", max_iter, 0)
    max_trials = check_count("max_trials", max_trials, 1)
    gtol = check_real("gtol", gtol)
    ftol = check_real("ftol", ftol)
    f_star = check_f_star(problem, f_star)
    x, P, S, T, K, status = _k.run_kernel(method, problem.kind, problem.data, r.code, r.data,
                                          x0, par0, alpha, par_min, max_iter, max_trials,
                                          gtol, ftol, f_star)
    trace = trace_from_fields(P, S, T)
    st = STATUSES[int(status)]
    opts = dict(options, max_iter=max_iter, max_trials=max_trials, gtol=gtol, ftol=ftol,
                f_star=None if math.isnan(f_star) else f_star)
    opts.pop("par_name")
    jac = problem.grad(x) if np.all(np.isfinite(x)) else None  # one more call, not counted in njev
    return Result(x=x, fun=float(P[0, -1]), gnorm=float(P[1, -1]), nit=int(K), status=st,
                  message=_MESSAGES[st], trace=trace, method=name,
                  hessian="none" if hessian is None else r.name, options=opts, jac=jac)


def gradient_method(problem, x0=None, *, t0=1.0, max_iter=1000, max_trials=60, gtol=1e-8,
                    ftol=0.0, f_star=None) -> Result:
    """Gradient method with Armijo backtracking (``gamma`` = step size ``t``, ``lam = 1/t``)."""
    return _run(_k.STEPS["gradient"], "gradient", problem, x0, None, t0, 0.0, 0.0, max_iter, max_trials,
                gtol, ftol, f_star, dict(par_name="t0", t0=t0))


def fast_gradient_method(problem, x0=None, *, L0=1.0, max_iter=1000, max_trials=60, gtol=1e-8,
                         ftol=0.0, f_star=None) -> Result:
    """Nesterov's fast gradient method with backtracking (``gamma = 1/L``, ``lam = L``)."""
    return _run(_k.STEPS["fast_gradient"], "fast_gradient", problem, x0, None, L0, 0.0, 0.0, max_iter,
                max_trials, gtol, ftol, f_star, dict(par_name="L0", L0=L0))


def cubic_newton(problem, x0=None, *, hessian="exact", M0=1.0, M_min=1e-12, max_iter=1000,
                 max_trials=60, gtol=1e-8, ftol=0.0, f_star=None) -> Result:
    """Adaptive cubic-regularized Newton (``gamma = M``, ``lam = M ||h|| / 2``)."""
    return _run(_k.STEPS["cubic_newton"], "cubic_newton", problem, x0, hessian, M0, 0.0, M_min, max_iter,
                max_trials, gtol, ftol, f_star, dict(par_name="M0", M0=M0, M_min=M_min))


def super_universal_newton(problem, x0=None, *, hessian="exact", H0=1.0, alpha=2.0 / 3.0,
                           H_min=1e-12, max_iter=1000, max_trials=60, gtol=1e-8, ftol=0.0,
                           f_star=None) -> Result:
    """Super-universal regularized Newton (``gamma = H_k``, ``lam = H_k ||g||^alpha``)."""
    a = check_real("alpha", alpha)
    if a > 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}.")
    return _run(_k.STEPS["super_universal"], "super_universal", problem, x0, hessian, H0, a, H_min,
                max_iter, max_trials, gtol, ftol, f_star,
                dict(par_name="H0", H0=H0, alpha=a, H_min=H_min))


def damped_newton(problem, x0=None, *, hessian="exact", max_iter=1000, max_trials=60, gtol=1e-8,
                  ftol=0.0, f_star=None) -> Result:
    """Damped Newton with Armijo backtracking (``gamma`` = step length, ``lam`` = added
    regularization)."""
    return _run(_k.STEPS["damped_newton"], "damped_newton", problem, x0, hessian, 1.0, 0.0, 0.0, max_iter,
                max_trials, gtol, ftol, f_star, dict(par_name="t0"))


BASELINES = {
    "gradient": gradient_method,
    "fast_gradient": fast_gradient_method,
    "cubic_newton": cubic_newton,
    "super_universal": super_universal_newton,
    "damped_newton": damped_newton,
}

__all__ = ["BASELINES", *[f.__name__ for f in BASELINES.values()]]
