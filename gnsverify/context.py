"""What every check of one case needs, computed once: :class:`Context`.

A context holds the case's problem, claim (class bound), Hessian rule, start, the
structural facts (convexity of the setting, PSD ``H``), the metric norms, ``f(x0)``,
``||g(x0)||_*``, what is known of ``f*`` and ``D`` (and what is only estimated:
:attr:`Context.undecided`), the accuracy ladder, the budget and seed, and, once
:mod:`gnsverify.runs` has filled it, the runs. Quantities several checks share (the
iterations to each ``eps`` of the ladder, :meth:`Context.rungs`) are computed on first
use and kept.
"""
from __future__ import annotations

import numpy as np

from gnsverify.budgets import resolve_budget
from gnsverify.cases import Case

#: the runs a rate theorem exists for (theory.rates.STEPS)
RATE_RUNS = ("theory", "adaptive")


class Context:
    """Case quantities every check needs (see the module docstring)."""

    def __init__(self, case: Case, *, eps=None, budget="default", seed: int = 0):
        if not isinstance(case, Case):
            raise ValueError(f"case must be a gnsverify Case, got {type(case).__name__}.")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}.")
        self.case = case
        self.budget = resolve_budget(budget)
        self.seed = int(seed)
        self.problem = case.get_problem()
        self.bound = case.bound()
        self.hessian = case.hessian_rule()
        self.x0 = case.start()
        self.convex = case.is_convex
        self.psd = case.psd
        self.primal, self.dual = case.metric_norms()
        self.f0 = self.problem.value(self.x0)
        self.G0 = self.dual(self.problem.grad(self.x0))
        self.fs = case.f_star_bounds()        # (lo, hi) or None
        self.undecided: dict[str, str] = {}
        und = case.undecided_constants()
        if und:
            self.undecided["constants"] = f"constant(s) {', '.join(und)} only estimated"
        if self.fs is None:
            self.undecided["f_star"] = case.f_star_reason()
        if not case.D_decidable():
            self.undecided["D"] = ("D is unknown" if case.D is None
                                   else f"D is only {case.D_how or 'estimated'}")
        self.ladder = self._ladder(eps)
        self.warnings = self._precision_warnings()
        self.max_iter = max(1, int(round(case.max_iter * self.budget["iter_scale"])))
        self.runs: dict = {}
        self.notes: list[str] = []
        self._rungs = None
        self._covered: dict = {}
        self.box = None if case.box is None else np.asarray(case.box, dtype=float).reshape(-1, 2)

    # ------------------------------------------------------------------ measure
    @property
    def measure(self) -> str:
        """``f - f*`` (convex setting, ``f*`` known) else ``||g||_*``."""
        return "f - f*" if self.convex and self.fs is not None else "||g||_*"

    def quantity(self, result) -> np.ndarray:
        """The measured sequence of a run (see :attr:`measure`)."""
        tr = result.trace
        if self.measure == "f - f*":
            return np.asarray(tr.f, float) - self.fs[1]
        return np.asarray(tr.gnorm, float)

    def _ladder(self, eps) -> np.ndarray:
        if eps is None:
            eps = self.case.eps
        if eps is not None:
            e = np.asarray(eps, dtype=float).ravel()
            if e.size == 0 or not np.all(np.isfinite(e) & (e > 0)):
                raise ValueError(f"eps must be a non-empty list of finite numbers > 0, got {eps!r}.")
            return np.sort(e)[::-1]
        if self.measure == "f - f*":
            top = self.f0 - self.fs[1]
            # below ~1e-11 relative to |f*| the gap is rounding noise
            floor = max(top * 1e-8, 1e-11 * max(1.0, abs(self.fs[1])),
                        10.0 * self.case.f_star_err)
        else:
            top = self.G0
            floor = top * 1e-7
        if not top > 0:
            return np.array([])
        rungs = top * 10.0 ** -np.arange(1, 9)
        return rungs[rungs >= floor]

    def precision_floor(self) -> float:
        """About the smallest ``eps`` double precision resolves for the measured quantity
        on this instance: a gap ``f - f*`` carries the rounding of ``f*`` (``4 u |f*|``);
        a gradient computed near the minimizer carries about ``4 u (||g|| + ||H|| ||x||)``,
        estimated at ``x0`` (an order of magnitude, for a warning)."""
        u = 2.0 ** -53
        if self.measure == "f - f*":
            return 4.0 * u * abs(self.fs[1])
        try:
            H = np.asarray(self.problem.hess(self.x0), float)
            Hn = float(np.linalg.norm(H, 2)) if np.all(np.isfinite(H)) else 0.0
        except (ValueError, np.linalg.LinAlgError):
            Hn = 0.0
        return 4.0 * u * (self.G0 + Hn * float(np.linalg.norm(self.x0)))

    def _precision_warnings(self) -> list[str]:
        """One sentence when some ``eps`` of the ladder is below :meth:`precision_floor`."""
        if not self.ladder.size:
            return []
        floor = self.precision_floor()
        low = self.ladder[self.ladder < floor]
        if not low.size:
            return []
        return [f"{self.case.name}: eps = {', '.join(f'{e:.3g}' for e in low)} is below what double "
                f"precision can resolve for {self.measure} on this instance (about {floor:.2g}); "
                "such rungs are not reached, or reached only by rounding"]

    # ------------------------------------------------------------------ region
    def covers(self, X, gnorm) -> np.ndarray:
        """Per point: whether the ball of radius ``pi(||g||)`` around it lies in the case's
        box (all true without a box). Euclidean balls: a box claim is made for ``B = I``."""
        X = np.atleast_2d(np.asarray(X, float))
        if self.box is None:
            return np.ones(X.shape[0], bool)
        with np.errstate(all="ignore"):
            r = np.asarray(self.bound.pi(np.asarray(gnorm, float)), float).reshape(-1)
        lo, hi = self.box[:, 0], self.box[:, 1]
        return np.isfinite(r) & np.all(X - r[:, None] >= lo, axis=1) & np.all(X + r[:, None] <= hi, axis=1)

    def covered(self, run: str) -> np.ndarray | None:
        """:meth:`covers` for every recorded iterate of the run (``None`` without a box)."""
        if self.box is None:
            return None
        if run not in self._covered:
            tr = self.runs[run].trace
            X = np.asarray(tr.x if tr.x is not None else np.empty((0, self.problem.n)), float)
            self._covered[run] = self.covers(X, np.asarray(tr.gnorm, float)[:X.shape[0]])
        return self._covered[run]

    def leaves_region(self, run: str) -> int | None:
        """The first iterate of ``run`` the case's region does not cover (``None``: none)."""
        c = self.covered(run)
        if c is None or c.all():
            return None
        return int(np.flatnonzero(~c)[0])

    # ------------------------------------------------------------------ rates
    def rate_blocker(self) -> str | None:
        """Why ``K(eps)`` cannot even be evaluated (``None`` if it can)."""
        if self.fs is None:
            return f"{self.case.f_star_reason()}: F0 = f(x0) - f* unknown"
        if self.convex and self.case.D is None:
            return "D is unknown: the convex theorem needs it"
        return None

    def lemma1_status(self) -> tuple[str, str]:
        """Whether the claims resting on Lemma 1 (PSD ``H``) are made here:
        ``("claimed", "")``, ``("not claimed", reason)`` for a rule whose ``H(x)`` is
        indefinite in general, or ``("undecided", reason)`` for a rule that is PSD only
        for a convex ``f`` when this problem is not known to be convex."""
        from numeric.hessians import HESSIANS, PSD_NEVER
        if self.psd:
            return "claimed", ""
        if HESSIANS[self.case.hessian].psd == PSD_NEVER:
            return "not claimed", (f"the Hessian rule {self.case.hessian!r} gives an indefinite H(x) "
                                   "in general, and the rate theorems rest on Lemma 1, which needs a "
                                   "PSD H")
        return "undecided", (f"H(x) of the rule {self.case.hessian!r} is PSD only for a convex f, and "
                             "this problem is not known to be convex (declare it convex, e.g. "
                             "explore --convex, if it is): the rate theorems rest on Lemma 1, which "
                             "needs a PSD H")

    def rate_data(self, n_lag=0) -> dict:
        F0 = self.f0 - (self.fs[0] if self.fs is not None else self.f0)
        return {"F0": max(F0, 0.0), "G0": self.G0, "D": self.case.D, "n_lag": n_lag}

    def stop_tols(self) -> dict:
        """Stopping tolerances of the runs: half the smallest ``eps`` of the ladder."""
        e_min = float(self.ladder.min()) if self.ladder.size else 0.0
        if self.measure == "f - f*":
            return dict(gtol=0.0, ftol=0.5 * e_min, f_star=self.fs[1])
        return dict(gtol=0.5 * e_min, ftol=0.0, f_star=None)

    def rungs(self) -> list[dict]:
        """For every run with a rate theorem and every ``eps`` it passed below its start:
        ``K_last`` (the last index with ``min_{j<=k} seq_j > eps``), whether ``eps`` was
        ``reached``, the theorem's ``predicted`` ``K(eps)`` (adaptive runs with the lag
        count of the trace), whether the conclusion ``holds`` (``K_last <= K(eps)``), and
        whether the rung is ``decided`` (reached, or already beyond its bound)."""
        if self._rungs is not None:
            return self._rungs
        rows = []
        if self.rate_blocker() is None and self.ladder.size:
            for run in RATE_RUNS:
                if run not in self.runs:
                    continue
                res = self.runs[run]
                rate = self.case.rate(run)
                seq = self.quantity(res)
                lag = np.zeros(seq.shape[0], dtype=np.int64)
                if run == "adaptive":
                    from theory.rates import cumulative_lag
                    pi_k = self.bound.pi(np.asarray(res.trace.gnorm, float)[:res.trace.n_steps])
                    lag = cumulative_lag(res.trace.gamma, pi_k)
                for e in self.ladder:
                    K_last, reached = reach(seq, e)
                    if K_last < 0:
                        continue
                    K_pred = rate.K(float(e), self.rate_data(int(lag[min(K_last, lag.shape[0] - 1)])))
                    holds = K_last <= K_pred
                    rows.append(dict(run=run, eps=float(e), observed=K_last + 1 if reached else None,
                                     K_last=K_last, predicted=K_pred, reached=reached, holds=holds,
                                     decided=reached or not holds))
        self._rungs = rows
        return rows


def reach(seq: np.ndarray, eps: float) -> tuple[int, bool]:
    """``(K_last, reached)``: ``K_last`` = last index with ``min_{j<=k} seq_j > eps``
    (``-1`` if ``seq_0 <= eps``); ``reached`` whether some index has ``seq <= eps``."""
    above = np.minimum.accumulate(np.where(np.isfinite(seq), seq, np.inf)) > eps
    K_last = int(np.count_nonzero(above)) - 1
    return K_last, K_last < seq.shape[0] - 1
