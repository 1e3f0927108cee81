"""Plain NumPy/SciPy reference of Algorithm 1 (the compiled solver's specification).

Same method, same step rules (``"adaptive"`` and ``"theory"``; the ideal step is
left to the compiled solver), same trace as :func:`numeric.solver.minimize_gns`,
written for reading rather than speed:

    lambda = lam(||g||_*, gamma) = ||g||_* / gamma
    h      = -(H + lambda B)^-1 g                       (Cholesky; failure = rejection)
    accept iff accepts(f(x), f(x+h), ||g(x+h)||_*, lambda):
           f(x) - f(x+h) >= ||g(x+h)||_*^2 / (8 lambda)  (no tolerance)
    stop (status "stalled") on a rejected trial with ||g||_* ||h|| <= STALL_RESOLUTION |f(x)|
           (stall_rule), or on a theory step that leaves x unchanged

The pieces are methods of :class:`GNSReference` so that a subclass can change one of
them (the checker's tests build deliberately wrong methods this way, e.g. an
acceptance test with 2 instead of 8, or ``lambda`` with a wrong norm).
Oracle values come from the problem's compiled oracles (the reference is about the
algorithm, not the problem); the Hessian is always formed densely.
"""
from __future__ import annotations

import math
import time

import numpy as np
import scipy.linalg as sla

from numeric import oracles
from numeric._record import STALL_RESOLUTION
from numeric.metric import make_metric
from numeric.problems.base import Problem
from numeric.hessians import HessianRule, hessian_rule
from numeric.trace import Result, Trace


class GNSReference:
    """Algorithm 1 in NumPy. ``run(x0)`` returns a :class:`numeric.trace.Result`.

    Arguments as in :func:`numeric.solver.minimize_gns` (``step`` is ``"adaptive"`` or
    ``"theory"``); they are validated by the compiled solver's entry, not here again,
    except for the step name and the bound.
    """

    def __init__(self, problem: Problem, *, hessian="exact", step="adaptive", B=None, bound=None,
                 gamma0=1.0, gamma_min=0.0, max_trials=60, max_iter=1000, gtol=1e-8,
                 ftol=0.0, f_star=None, record_x=False):
        if step not in ("adaptive", "theory"):
            raise ValueError(f"step must be 'adaptive' or 'theory', got {step!r}.")
        self.problem = problem
        self.hessian_rule = (hessian if isinstance(hessian, HessianRule)
                             else hessian_rule(hessian, problem.n))
        self.step = step
        self.metric = make_metric(B, problem.n)
        if step == "theory":
            if bound is None:
                raise ValueError('bound (alphas, Ms) is required for step="theory".')
            if hasattr(bound, "alphas") and callable(bound.alphas):
                bound = (bound.alphas(), bound.Ms())
            self.alphas = np.asarray(bound[0], dtype=float).reshape(-1)
            self.Ms = np.asarray(bound[1], dtype=float).reshape(-1)
        self.gamma0, self.gamma_min = float(gamma0), float(gamma_min)
        self.max_trials, self.max_iter = int(max_trials), int(max_iter)
        self.gtol, self.ftol = float(gtol), float(ftol)
        f_star = problem.f_star if f_star is None else f_star
        self.f_star = math.nan if f_star is None else float(f_star)
        self.record_x = bool(record_x)

    # ---- the overridable pieces -------------------------------------------------
    def lam(self, gnorm, gamma):
        """``lambda = ||g||_* / gamma``."""
        return gnorm / gamma

    def accepts(self, f_old, f_new, gnorm_new, lam):
        """The acceptance test ``f_old - f_new >= gnorm_new^2 / (8 lam)``."""
        return bool(f_old - f_new >= gnorm_new * gnorm_new / (8.0 * lam))

    def pi(self, t):
        """``pi(t) = (sum_i M_i t^-alpha_i)^-1`` (``inf`` if every ``M_i`` is 0)."""
        inv = sum(M * t ** (-a) for a, M in zip(self.alphas, self.Ms) if M != 0.0)
        return math.inf if inv == 0.0 else 1.0 / inv

    def first_trial(self, k, gnorm, gamma_last):
        """The first ``gamma`` tried at iteration ``k``."""
        if self.step == "theory":
            return self.pi(gnorm)
        if gamma_last is None:
            return self.gamma0
        return max(2.0 * gamma_last, self.gamma_min)

    def dual_norm(self, s):
        """``||s||_* = <s, B^-1 s>^(1/2)``."""
        if self.metric.mode == 0:
            return float(np.sqrt(s @ s))
        y = sla.solve_triangular(self.metric.L, s, lower=True)
        return float(np.sqrt(y @ y))

    def primal_norm(self, h):
        """``||h|| = <B h, h>^(1/2)``."""
        if self.metric.mode == 0:
            return float(np.sqrt(h @ h))
        return float(np.sqrt(max(h @ (self.metric.B @ h), 0.0)))

    def hessian(self, x, g, gnorm):
        """Dense ``H(x)`` of the rule."""
        p, r = self.problem, self.hessian_rule
        return oracles.hess(p.kind, p.data, r.code, r.data, x, g, gnorm)

    def newton_step(self, H, lam, g):
        """``h = -(H + lam B)^-1 g``, or ``None`` when the Cholesky factorization fails."""
        Bm = np.eye(len(g)) if self.metric.mode == 0 else self.metric.B
        A = H + lam * Bm
        self._solves = getattr(self, "_solves", 0) + 1
        if not np.all(np.isfinite(A)):
            return None
        try:
            c = sla.cho_factor(A, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return None
        return -sla.cho_solve(c, g, check_finite=False)

    def value_grad(self, x):
        return oracles.value_grad(self.problem.kind, self.problem.data, x)

    # ---- the loop -----------------------------------------------------------------
    def run(self, x0=None) -> Result:
        t0 = time.monotonic()
        self._solves = 0
        x = np.array(self.problem.x0 if x0 is None else x0, dtype=float)
        it = {k: [] for k in ("f", "gnorm", "n_value", "n_grad", "n_hess", "time", "x")}
        st = {k: [] for k in ("gamma", "lam", "step")}
        tr = {k: [] for k in ("trial_iter", "trial_gamma", "trial_accepted", "trial_f",
                              "trial_gnorm", "trial_step")}
        nv = ng = nh = 0
        f, g = self.value_grad(x)
        nv, ng = nv + 1, ng + 1
        gn = self.dual_norm(g)
        gamma_last = None
        k = 0
        while True:
            for name, v in (("f", f), ("gnorm", gn), ("n_value", nv), ("n_grad", ng),
                            ("n_hess", nh), ("time", time.monotonic() - t0), ("x", x.copy())):
                it[name].append(v)
            if not (math.isfinite(f) and math.isfinite(gn)):
                status = "non_finite"
                break
            if gn <= self.gtol:
                status = "converged_gnorm"
                break
            if math.isfinite(self.f_star) and f - self.f_star <= self.ftol:
                status = "converged_fgap"
                break
            if k >= self.max_iter:
                status = "max_iter"
                break
            H = self.hessian(x, g, gn)
            nh += 1
            gamma = self.first_trial(k, gn, gamma_last)
            n_trials = self.max_trials if self.step == "adaptive" else 1
            took, status = False, "search_exhausted"
            for _ in range(n_trials):
                lam = self.lam(gn, gamma)
                h = None
                if gamma > 0 and math.isfinite(lam):
                    h = self.newton_step(H, lam, g)
                row = dict(trial_iter=k, trial_gamma=gamma, trial_accepted=False,
                           trial_f=math.nan, trial_gnorm=math.nan, trial_step=math.nan)
                if h is not None and np.all(np.isfinite(h)):
                    row["trial_step"] = self.primal_norm(h)
                    xn = x + h
                    if np.all(np.isfinite(xn)):
                        fn, gnew = self.value_grad(xn)
                        nv, ng = nv + 1, ng + 1
                        gnn = self.dual_norm(gnew)
                        if math.isfinite(fn) and math.isfinite(gnn):
                            row.update(trial_f=fn, trial_gnorm=gnn)
                            row["trial_accepted"] = self.accepts(f, fn, gnn, lam)
                            took = row["trial_accepted"] or self.step != "adaptive"
                if not took and self.step != "adaptive":
                    status = "step_failed" if h is None else "non_finite"
                for name, v in row.items():
                    tr[name].append(v)
                if took and self.step != "adaptive" and np.array_equal(xn, x):
                    took, status = False, "stalled"
                    break
                if (not took and self.step == "adaptive" and math.isfinite(row["trial_f"])
                        and gn * row["trial_step"] <= STALL_RESOLUTION * abs(f)):
                    status = "stalled"
                    break
                if took:
                    st["gamma"].append(gamma)
                    st["lam"].append(lam)
                    st["step"].append(row["trial_step"])
                    x, f, g, gn, gamma_last = xn, fn, gnew, gnn, gamma
                    break
                gamma = 0.5 * gamma
            if not took:
                break
            k += 1
        trace = Trace(
            f=np.array(it["f"], float), gnorm=np.array(it["gnorm"], float),
            gamma=np.array(st["gamma"], float), lam=np.array(st["lam"], float),
            step=np.array(st["step"], float),
            n_value=np.array(it["n_value"], np.int64), n_grad=np.array(it["n_grad"], np.int64),
            n_hess=np.array(it["n_hess"], np.int64), time=np.array(it["time"], float),
            trial_iter=np.array(tr["trial_iter"], np.int64),
            trial_gamma=np.array(tr["trial_gamma"], float),
            trial_accepted=np.array(tr["trial_accepted"], bool),
            trial_f=np.array(tr["trial_f"], float), trial_gnorm=np.array(tr["trial_gnorm"], float),
            trial_step=np.array(tr["trial_step"], float),
            x=np.array(it["x"]) if self.record_x else None,
        )
        return Result(x=x, fun=float(f), gnorm=float(gn), nit=trace.n_steps, status=status,
                      message=f"reference run: {status}", trace=trace,
                      method=f"reference_{self.step}", hessian=self.hessian_rule.name,
                      options=self.options(), linear_solves=dict(woodbury=0, dense=self._solves),
                      nfev=nv, njev=ng, nhev=nh, jac=np.asarray(g, float).copy())

    def options(self) -> dict:
        """The run's options, as :func:`numeric.solver.minimize_gns` records them."""
        return dict(step=self.step, gamma0=self.gamma0, gamma_min=self.gamma_min,
                    max_trials=self.max_trials, max_iter=self.max_iter, gtol=self.gtol,
                    ftol=self.ftol, f_star=None if math.isnan(self.f_star) else self.f_star,
                    metric="identity" if self.metric.mode == 0 else "dense",
                    bound=None if self.step != "theory" else
                    dict(alphas=self.alphas.tolist(), Ms=self.Ms.tolist()),
                    ideal=None, blas_threads=None)


def minimize_reference(problem: Problem, x0=None, **kwargs) -> Result:
    """``GNSReference(problem, **kwargs).run(x0)``."""
    return GNSReference(problem, **kwargs).run(x0)
