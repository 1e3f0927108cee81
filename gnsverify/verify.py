"""``verify(case)``: run the method on a case and decide every claim about it.

Runs (each optional, ``runs=``): the **theory** step ``gamma_k = pi(g_k)``, the
**adaptive** search, the **ideal** step (numerical ``gamma(x_k)``; small ``n`` only)
and the **baselines**. Claims and how each is decided (THEORY.md section 7):

* ``invariant:*``: per-step inequalities on every run (:mod:`gnsverify.invariants`);
* ``global_bound``: for every ``eps`` of the ladder, the observed iterations to
  ``eps`` (function gap for convex ``f``, best gradient norm otherwise) against the
  theorem's ``K(eps)``: the conclusion "holds for every ``K > K(eps)``" fails iff the
  last index ``K`` at which it is still false exceeds ``K(eps)``. Adaptive runs use
  the adaptive theorem with the lag count ``n_lag`` read from the trace. A rung the
  run did not reach within its budget and whose ``K(eps)`` exceeds the budget is
  undecided;
* ``order``: the iterations-to-``eps`` curve is fitted (log-log slope for a sublinear
  prediction ``eps^-e``; slope in ``log(1/eps)``, i.e. a contraction factor, for a
  linear one) and must not be slower than predicted. Counts are integers, so the
  fit is compared by its *smallest* value over the quantization box
  ``true count in [K - 1, K]`` of every rung: a FAIL is never a rounding artefact of
  the counts;
* ``falsify:gamma_lower_bound``: a numerical search for ``h`` with
  ``||h|| <= pi(||g(x)||_*)`` and ``||r_x(h)||_* > ||g(x)||_* ||h|| / pi(...)`` at
  points along the runs and random points of the initial sublevel set. Above the
  budget's ``gamma_max_n`` the search is *reduced* (fewer points, the radius ``pi``
  only): still genuine (a reported ``h`` is a counterexample), only less thorough,
  and the verdict says what was tried;
* ``falsify:instances``: the property-based search of :mod:`gnsverify.falsify`
  over the case's instance family (when the case has one).

Provenance (see :mod:`gnsverify.cases`): claims resting on an estimated constant, or
an undecidable ``f*`` or ``D``, are INCONCLUSIVE with the reason.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from gnsverify import invariants as INV
from gnsverify.cases import Case
from gnsverify.verdict import FAIL, INCONCLUSIVE, PASS, Verdict, worst

BUDGETS = {
    # iteration scale, gamma points (along runs / random), instance examples, baselines,
    # largest n for the ideal step and for the full numerical gamma search (its sample
    # set grows with n: 4n coordinate and eigen-directions times n_radii radii, ~30 s per
    # point at n = 640). Above gamma_max_n the search is reduced, not skipped
    # (``large_n``): fewer points, few random directions and the single radius
    # pi(||g||) (plus the refinement around it), the exact falsification question.
    "quick": dict(iter_scale=0.5, run_points=3, random_points=2, instances=0, baselines=False,
                  ideal_max_n=3, gamma_max_n=16,
                  large_n=dict(run_points=1, random_points=1, n_dirs=4, n_radii=1)),
    "default": dict(iter_scale=1.0, run_points=4, random_points=3, instances=3, baselines=True,
                    ideal_max_n=5, gamma_max_n=64,
                    large_n=dict(run_points=2, random_points=2, n_dirs=8, n_radii=1)),
    "thorough": dict(iter_scale=3.0, run_points=20, random_points=20, instances=40,
                     baselines=True, ideal_max_n=8, gamma_max_n=10**6,
                     large_n=dict(run_points=20, random_points=20, n_dirs=16, n_radii=24)),
}
RUNS = ("theory", "adaptive", "ideal", "baselines")


def resolve_budget(budget) -> dict:
    """A budget preset by name, or ``default`` with ``n`` falsification examples."""
    if isinstance(budget, str):
        if budget not in BUDGETS:
            raise ValueError(f"budget must be one of {sorted(BUDGETS)} or a positive integer, "
                             f"got {budget!r}.")
        return dict(BUDGETS[budget])
    if isinstance(budget, bool) or not isinstance(budget, (int, np.integer)) or budget < 1:
        raise ValueError(f"budget must be one of {sorted(BUDGETS)} or a positive integer, "
                         f"got {budget!r}.")
    b = dict(BUDGETS["default"])
    b.update(run_points=int(budget), random_points=int(budget), instances=int(budget))
    return b


@dataclass
class CaseReport:
    """Everything ``verify`` found about one case (``to_dict()`` is JSON-ready).

    * ``verdicts``: one :class:`Verdict` per claim (``invariant:*``, ``global_bound``,
      ``order``, ``falsify:gamma_lower_bound``, ``falsify:instances``); claims that do
      not apply (e.g. Lemma 1 for an indefinite ``H``) are absent and ``notes`` says why;
    * ``runs``: ``"theory"``, ``"adaptive"``, ``"ideal"``, ``"baseline:<name>"`` ->
      numeric ``Result``;
    * ``row``: ``case, class, exponent`` (class exponent: smallest smoothness alpha),
      ``predicted_order, predicted_K, observed_K, ratio`` (at the smallest ``eps`` the
      run reached), ``fitted_exponent`` (log-log slope of iterations vs ``1/eps``),
      ``predicted_exponent, verdict`` and ``run`` (which run the numbers are from);
      ``theory_not_shown``: when the row shows another run, the numbers that say why
      the theory-step run reached no ``eps`` (its step size ``pi``, its progress);
    * ``curves``: ``{"measure", "runs": {name: {"k", "value"}}, "bound": {rule:
      {"eps", "K"}}}`` (the theorem's ``K(eps)`` for the theory and adaptive rules).
    """

    case: Case
    verdicts: list
    runs: dict
    row: dict
    curves: dict
    notes: list = field(default_factory=list)
    wall_time: float = 0.0
    warnings: list = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return worst(self.verdicts)

    def to_dict(self) -> dict:
        return {
            "case": self.case.summary(),
            "verdict": self.verdict,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "runs": {k: dict(method=r.method, rule=r.rule, status=r.status, nit=int(r.nit),
                             fun=_num(r.fun), gnorm=_num(r.gnorm))
                     for k, r in self.runs.items()},
            "row": self.row, "curves": self.curves, "notes": list(self.notes),
            "warnings": list(self.warnings), "wall_time": self.wall_time,
        }


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def _emit(progress, case, stage, done, total):
    if progress is not None:
        progress({"case": case, "stage": stage, "done": done, "total": total})


# ---------------------------------------------------------------------------- setup
class _Setup:
    """Case quantities every stage needs, computed once."""

    def __init__(self, case: Case, eps):
        self.case = case
        self.problem = case.get_problem()
        self.bound = case.bound()
        self.rule = case.hessian_rule()
        self.x0 = case.start()
        self.convex = case.is_convex
        self.psd = case.psd
        self.primal, self.dual = case.metric_norms()
        f0 = self.problem.value(self.x0)
        self.f0 = f0
        self.G0 = self.dual(self.problem.grad(self.x0))
        self.fs = case.f_star_bounds()        # (lo, hi) or None
        self.undecided = {}
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

    def quantity(self, result) -> tuple[np.ndarray, str]:
        """The measured sequence: ``f - f*`` (convex, ``f*`` known) else ``||g||_*``."""
        tr = result.trace
        if self.convex and self.fs is not None:
            return np.asarray(tr.f, float) - self.fs[1], "f - f*"
        return np.asarray(tr.gnorm, float), "||g||_*"

    @property
    def measure(self) -> str:
        return "f - f*" if self.convex and self.fs is not None else "||g||_*"

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

    def rate_blocker(self) -> str | None:
        """Why ``K(eps)`` cannot even be evaluated (``None`` if it can)."""
        if self.fs is None:
            return f"{self.case.f_star_reason()}: F0 = f(x0) - f* unknown"
        if self.convex and self.case.D is None:
            return "D is unknown: the convex theorem needs it"
        return None

    def rate_data(self, n_lag=0) -> dict:
        F0 = self.f0 - (self.fs[0] if self.fs is not None else self.f0)
        return {"F0": max(F0, 0.0), "G0": self.G0, "D": self.case.D, "n_lag": n_lag}

    def stop_tols(self) -> dict:
        e_min = float(self.ladder.min()) if self.ladder.size else 0.0
        if self.measure == "f - f*":
            return dict(gtol=0.0, ftol=0.5 * e_min, f_star=self.fs[1])
        return dict(gtol=0.5 * e_min, ftol=0.0, f_star=None)


# ---------------------------------------------------------------------------- runs
def _run_gns(s: _Setup, step: str, max_iter: int, seed: int):
    from numeric.solver import minimize_gns
    kw = dict(rule=s.rule, step=step, B=s.case.B, max_iter=max_iter, record_x=True,
              gamma0=s.case.gamma0, **s.stop_tols())
    if step == "theory":
        kw["bound"] = (s.bound.alphas(), s.bound.Ms())
    if step == "ideal":
        # radii gamma_hi 2^-j, j < n_radii: reach down to ~1e-9 (the solver's defaults,
        # gamma_hi = 1e12 with 24 radii, never sample below ~1e5)
        kw["ideal"] = dict(seed=seed, gamma_hi=1e8, n_radii=56, n_dirs=32)
    return minimize_gns(s.problem, s.x0, **kw)


def _run_baselines(s: _Setup, max_iter: int) -> dict:
    try:
        from numeric.baselines import BASELINES
    except ImportError:
        return {}
    out = {}
    for name, fn in BASELINES.items():
        try:
            out[f"baseline:{name}"] = fn(s.problem, s.x0, max_iter=max_iter)
        except (ValueError, TypeError):   # a baseline that does not apply to this problem
            continue
    return out


# ---------------------------------------------------------------------------- rates
def _reach(seq: np.ndarray, eps: float) -> tuple[int, bool]:
    """``(K_last, reached)``: ``K_last`` = last index with ``min_{j<=k} seq_j > eps``
    (``-1`` if ``seq_0 <= eps``); ``reached`` whether some index has ``seq <= eps``."""
    above = np.minimum.accumulate(np.where(np.isfinite(seq), seq, np.inf)) > eps
    K_last = int(np.count_nonzero(above)) - 1
    return K_last, K_last < seq.shape[0] - 1


def _global_bound(s: _Setup, results: dict, case_name: str) -> tuple[Verdict, dict]:
    rows, fails, undecided_rungs, tried = [], [], 0, 0
    blocker = s.rate_blocker()
    if blocker:
        extra = [s.undecided["constants"]] if "constants" in s.undecided else []
        return Verdict(case_name, "global_bound", INCONCLUSIVE,
                       detail=f"cannot decide: {'; '.join([blocker] + extra)}"), {"rungs": []}
    for run, res in results.items():
        rule = "adaptive" if run == "adaptive" else "theory"
        rate = s.case.rate(rule)
        seq, _ = s.quantity(res)
        lag = np.zeros(seq.shape[0], dtype=np.int64)
        if run == "adaptive":
            from theory.rates import cumulative_lag
            pi_k = s.bound.pi(np.asarray(res.trace.gnorm, float)[:res.trace.n_steps])
            lag = cumulative_lag(res.trace.gamma, pi_k)
        for e in s.ladder:
            K_last, reached = _reach(seq, e)
            if K_last < 0:
                continue
            K_pred = rate.K(float(e), s.rate_data(int(lag[min(K_last, lag.shape[0] - 1)])))
            ok = K_last <= K_pred
            decided = reached or not ok
            row = dict(run=run, eps=float(e), observed=K_last + 1 if reached else None,
                       K_last=K_last, predicted=K_pred, reached=reached, holds=ok)
            rows.append(row)
            if not decided:
                undecided_rungs += 1
                continue
            tried += 1
            if not ok:
                fails.append(row)
    missing = [s.undecided[d] for d in ("constants", "f_star") if d in s.undecided]
    if s.convex and "D" in s.undecided:
        missing.append(s.undecided["D"])
    data = dict(rungs=rows)
    if fails:
        first = fails[0]
        cx = dict(instance=s.case.params, run=first["run"], iteration=first["K_last"],
                  inequality="global_bound",
                  statement=f"{s.measure} <= eps for every K > K(eps)", eps=first["eps"],
                  lhs=first["K_last"], rhs=first["predicted"])
        X = results[first["run"]].trace.x
        if X is not None:
            cx["x"] = np.asarray(X)[min(first["K_last"], len(X) - 1)].tolist()
        if missing:
            return Verdict(case_name, "global_bound", INCONCLUSIVE, observed=first["K_last"],
                           predicted=first["predicted"], tried=tried, counterexample=cx,
                           detail=f"bound exceeded but cannot decide: {'; '.join(missing)}"), data
        return Verdict(case_name, "global_bound", FAIL, observed=first["K_last"],
                       predicted=first["predicted"], tried=tried, counterexample=cx,
                       detail=(f"{first['run']} run: {s.measure} still > eps = {first['eps']:.3g} "
                               f"at K = {first['K_last']} > K(eps) = {first['predicted']:.4g}")), data
    if missing:
        return Verdict(case_name, "global_bound", INCONCLUSIVE, tried=tried,
                       detail=f"cannot decide: {'; '.join(missing)}"), data
    if tried == 0:
        return Verdict(case_name, "global_bound", INCONCLUSIVE, tried=0,
                       detail="no eps of the ladder was decided within the iteration budget"), data
    return Verdict(case_name, "global_bound", PASS, tried=tried,
                   detail=f"observed iterations <= K(eps) on {tried} (run, eps) pairs"
                          + (f"; {undecided_rungs} rung(s) beyond the budget" if undecided_rungs else "")), data


def fit_order(eps, counts, kind: str) -> dict:
    """Fit the iterations-to-``eps`` curve.

    ``x = ln(1/eps)``; sublinear: ``y = ln K`` (slope = fitted exponent), linear:
    ``y = K`` (slope = iterations per unit of ``ln(1/eps)``, contraction factor
    ``exp(-1/slope)``). Returns the least-squares slope and its smallest value over
    the quantization box (each true count in ``[K - 1, K]``, ``K - 1`` floored at 1/2).
    """
    x = np.log(1.0 / np.asarray(eps, float))
    K = np.asarray(counts, float)
    lo = np.maximum(K - 1.0, 0.5)
    f = (np.log if kind == "sublinear" else (lambda v: v))
    xc = x - x.mean()
    w = xc / np.sum(xc * xc)
    slope = float(np.sum(w * f(K)))
    slope_min = float(np.sum(np.where(w > 0, w * f(lo), w * f(K))))
    return {"slope": slope, "slope_min": slope_min}


def _order(s: _Setup, results: dict, gb_rows: list, case_name: str) -> tuple[Verdict, dict]:
    o = s.case.rate("theory").order()
    kind, e_pred = o["kind"], float(o["exponent"])
    info = dict(kind=kind, predicted_exponent=e_pred, fits={})
    if s.rate_blocker():
        return Verdict(case_name, "order", INCONCLUSIVE, predicted=e_pred,
                       detail=f"cannot decide: {s.rate_blocker()}"), info
    verdicts = []
    for run in results:
        pts = [(r["eps"], r["observed"]) for r in gb_rows
               if r["run"] == run and r["reached"] and r["observed"] and r["observed"] >= 2]
        if len(pts) < 3:
            continue
        eps, K = map(np.array, zip(*pts))
        fit = fit_order(eps, K, kind)
        if kind == "sublinear":
            pred_slope = e_pred
        else:
            rate = s.case.rate("adaptive" if run == "adaptive" else "theory")
            e1, e2 = float(eps[-2]), float(eps[-1])
            d = s.rate_data()
            pred_slope = (rate.K(e2, d) - rate.K(e1, d)) / math.log(e1 / e2)
        fit.update(predicted_slope=pred_slope, ratio=(fit["slope"] / pred_slope
                                                       if pred_slope > 0 else None),
                   eps=eps.tolist(), counts=K.tolist())
        if kind == "linear":
            fit["contraction"] = math.exp(-1 / fit["slope"]) if fit["slope"] > 0 else 0.0
            fit["predicted_contraction"] = math.exp(-1 / pred_slope) if pred_slope > 0 else 0.0
        info["fits"][run] = fit
        verdicts.append((run, fit, fit["slope_min"] > pred_slope))
    missing = [s.undecided[d] for d in ("constants",) if d in s.undecided]
    if not verdicts:
        return Verdict(case_name, "order", INCONCLUSIVE, predicted=e_pred,
                       detail="fewer than 3 reached eps rungs with >= 2 iterations: no fit"), info
    bad = [(r, f) for r, f, slow in verdicts if slow]
    main = info["fits"].get("theory") or next(iter(info["fits"].values()))
    obs = main["slope"]
    if bad:
        run, fit = bad[0]
        cx = dict(instance=s.case.params, run=run, inequality="order",
                  statement="fitted slope (smallest over count quantization) <= predicted slope",
                  lhs=fit["slope_min"], rhs=fit["predicted_slope"], eps=fit["eps"],
                  counts=fit["counts"])
        v = INCONCLUSIVE if (missing and kind == "linear") else FAIL
        return Verdict(case_name, "order", v, observed=fit["slope"], predicted=fit["predicted_slope"],
                       tried=len(verdicts), counterexample=cx,
                       detail=(f"{run} run slower than predicted: slope >= {fit['slope_min']:.3g} "
                               f"> {fit['predicted_slope']:.3g} ({kind})"
                               + (f"; {'; '.join(missing)}" if v == INCONCLUSIVE else ""))), info
    return Verdict(case_name, "order", PASS, observed=obs, predicted=main["predicted_slope"],
                   tried=len(verdicts),
                   detail=f"{kind}: fitted slope {obs:.3g} vs predicted {main['predicted_slope']:.3g}"), info


# ---------------------------------------------------------------------------- verify
def verify(case: Case, *, eps=None, budget="default", seed: int = 0, runs=RUNS,
           progress: Callable[[dict], Any] | None = None, _falsify: bool = True) -> CaseReport:
    """Run ``case`` and return a :class:`CaseReport` (see the module docstring).

    ``progress`` (optional) is called with ``{"case", "stage", "done", "total"}``.
    (``_falsify=False`` skips the falsification stage; used by the instance search,
    which checks each generated instance by its runs only.)
    """
    if not isinstance(case, Case):
        raise ValueError(f"case must be a gnsverify Case, got {type(case).__name__}.")
    b = resolve_budget(budget)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}.")
    runs = tuple(runs)
    bad = [r for r in runs if r not in RUNS]
    if bad:
        raise ValueError(f"runs must be a subset of {RUNS}, got {bad!r}.")
    if progress is not None and not callable(progress):
        raise ValueError("progress must be callable or None.")
    t0 = time.monotonic()
    s = _Setup(case, eps)
    notes = []
    max_iter = max(1, int(round(case.max_iter * b["iter_scale"])))
    stages = list(runs) + ["invariants", "bounds", "falsify"]
    total, done = len(stages), 0

    results = {}
    for step in ("theory", "adaptive", "ideal"):
        if step not in runs:
            continue
        _emit(progress, case.name, f"{step} run", done, total)
        if step == "ideal" and s.problem.n > b["ideal_max_n"]:
            notes.append(f"ideal run skipped: n = {s.problem.n} > {b['ideal_max_n']}")
        else:
            results[step] = _run_gns(s, step, max_iter, seed)
        done += 1
    if "baselines" in runs:
        _emit(progress, case.name, "baselines", done, total)
        if b["baselines"]:
            results.update(_run_baselines(s, max_iter))
        done += 1

    # per-step invariants
    _emit(progress, case.name, "invariants", done, total)
    checks = []
    for step in ("theory", "adaptive", "ideal"):
        if step in results:
            ctx = INV.RunContext(step=step, pi=s.bound.pi, psd=s.psd, convex=s.convex,
                                 D=case.D, f_star=None if s.fs is None else s.fs[1],
                                 undecided=s.undecided, instance=case.params)
            checks.extend(INV.evaluate_run(results[step], ctx, run=step))
    verdicts = INV.verdicts(case.name, checks, s.undecided, case.params)
    if not s.psd:
        notes.append("H(x) is not known to be PSD for this rule and instance (a PSD rule, or an "
                     "exact-type rule on a problem declared convex, makes it so): Lemma 1 and (C1)-(C5) "
                     "are not claimed; only the acceptance test is checked")
    done += 1

    # global bound and order
    _emit(progress, case.name, "global bound and order", done, total)
    rate_runs = {k: results[k] for k in ("theory", "adaptive") if k in results}
    gb_data, order_info = {"rungs": []}, {}
    if rate_runs and s.ladder.size:
        if s.psd:
            v, gb_data = _global_bound(s, rate_runs, case.name)
            verdicts.append(v)
            ov, order_info = _order(s, rate_runs, gb_data["rungs"], case.name)
            verdicts.append(ov)
        else:
            notes.append("global bound and order not claimed: H(x) is not known to be PSD")
    done += 1

    # falsification
    _emit(progress, case.name, "falsify", done, total)
    if _falsify:
        from gnsverify import falsify
        if s.problem.n > b["gamma_max_n"]:
            red = b["large_n"]
            pts = falsify.sample_points(s, results, red["run_points"], red["random_points"], seed)
            search = dict(n_dirs=red["n_dirs"], n_radii=red["n_radii"])
            why = f"reduced search (n = {s.problem.n} > {b['gamma_max_n']})"
        else:
            pts = falsify.sample_points(s, results, b["run_points"], b["random_points"], seed)
            search, why = None, "full search"
        verdicts.append(falsify.gamma_check(case, pts, undecided=s.undecided, seed=seed,
                                            search=search, label=why))
        if case.family is not None and b["instances"] > 0:
            verdicts.append(falsify.search(case.family, examples=b["instances"], seed=seed,
                                           what="instances"))
            verdicts[-1].case = case.name
        elif case.family is None:
            notes.append("no instance family: falsify:instances not run")
    done += 1
    _emit(progress, case.name, "done", done, total)

    curves = _curves(s, results, gb_data)
    row = _row(s, verdicts, gb_data, order_info, results)
    return CaseReport(case=case, verdicts=verdicts, runs=results, row=row, curves=curves,
                      notes=notes + s.warnings, wall_time=time.monotonic() - t0,
                      warnings=list(s.warnings))


def _curves(s: _Setup, results: dict, gb_data: dict) -> dict:
    out = {"measure": s.measure, "runs": {}, "bound": {}}
    for name, res in results.items():
        if name.startswith("baseline:"):
            tr = res.trace
            seq = (np.asarray(tr.f, float) - s.fs[1]) if s.measure == "f - f*" else np.asarray(tr.gnorm, float)
        else:
            seq, _ = s.quantity(res)
        out["runs"][name] = {"k": list(range(seq.shape[0])), "value": [_num(v) for v in seq]}
    if s.ladder.size and "constants" not in s.undecided and s.rate_blocker() is None:
        for rule in ("theory", "adaptive"):
            try:
                rate = s.case.rate(rule)
                out["bound"][rule] = {"eps": s.ladder.tolist(),
                                      "K": [_num(rate.K(float(e), s.rate_data())) for e in s.ladder]}
            except ValueError:
                pass
    return out


def _row(s: _Setup, verdicts, gb_data, order_info, results: dict) -> dict:
    """One summary line: the theory run's last reached rung (the adaptive run's when
    the theory run reached none) and the log-log slope of its iterations-to-eps."""
    o = s.case.rate("theory").order()
    rungs = gb_data.get("rungs", [])
    last = None
    for run in ("theory", "adaptive"):
        reached = [r for r in rungs if r["run"] == run and r["reached"]]
        if reached:
            last = reached[-1]
            break
    fitted = None
    if last is not None:
        pts = [(r["eps"], r["observed"]) for r in rungs
               if r["run"] == last["run"] and r["reached"] and r["observed"] and r["observed"] >= 2]
        if len(pts) >= 3:
            fitted = fit_order(*map(np.array, zip(*pts)), "sublinear")["slope"]
    smooth = [m.alpha_f for m in s.bound.monomials if m.M_f != 0 and "smoothness" in m.source]
    cls = getattr(s.case.claim, "name", "") or getattr(s.bound, "name", "")
    row_run = None if last is None else last["run"]
    return {
        "case": s.case.name,
        "class": cls,
        "exponent": min(smooth) if smooth else None,
        "predicted_order": o.get("text") or o["kind"],
        "predicted_K": None if last is None else _num(last["predicted"]),
        "observed_K": None if last is None else last["observed"],
        "ratio": (None if last is None or not last["predicted"] else
                  _num(last["observed"] / last["predicted"])),
        "fitted_exponent": _num(fitted) if fitted is not None else None,
        "predicted_exponent": _num(o["exponent"]),
        "verdict": worst(verdicts),
        "run": row_run,
        "theory_not_shown": (_why_not_theory(s, results, rungs) if row_run not in (None, "theory")
                             and "theory" in results else None),
    }


def _why_not_theory(s: _Setup, results: dict, rungs: list) -> dict:
    """Numbers that say why the theory-step run reached no ``eps`` of the ladder: its
    step size ``pi(||g||)`` (the monomials, ``pi(||g_0||)``), how far it got, and how
    much larger the steps the adaptive search accepted were."""
    th = results["theory"]
    seq, _ = s.quantity(th)
    fin = seq[np.isfinite(seq)]
    out = {
        "iterations": int(th.nit), "status": th.status, "measure": s.measure,
        "start": _num(seq[0]), "best": _num(fin.min()) if fin.size else None,
        "first_eps": _num(s.ladder[0]) if s.ladder.size else None,
        "pi_g0": _num(s.bound.pi(s.G0)), "G0": _num(s.G0),
        "monomials": [dict(alpha=m.alpha_f, M=m.M_f, source=m.source) for m in s.bound.monomials],
        "D": None if s.case.D is None else _num(s.case.D),
    }
    em = s.case.error_model
    if em is not None:
        out["error_model"] = dict(name=getattr(em, "name", ""), C1=_num(em.C1), C2=_num(em.C2),
                                  beta=_num(em.beta))
    ad = results.get("adaptive")
    if ad is not None and ad.trace.n_steps > 0:
        gam = np.asarray(ad.trace.gamma, float)
        pi_k = np.asarray(s.bound.pi(np.asarray(ad.trace.gnorm, float)[:ad.trace.n_steps]), float)
        ok = np.isfinite(gam) & np.isfinite(pi_k) & (pi_k > 0)
        if ok.any():
            r = gam[ok] / pi_k[ok]
            out["adaptive_gamma_over_pi"] = dict(min=_num(r.min()), median=_num(np.median(r)),
                                                 max=_num(r.max()))
        K = [r for r in rungs if r["run"] == "adaptive" and r["reached"]]
        if K:
            out["adaptive_K"] = dict(eps=K[-1]["eps"], observed=K[-1]["observed"],
                                     predicted=_num(K[-1]["predicted"]))
    return out


def campaign(cases=None, *, eps=None, budget="default", seed: int = 0,
             progress: Callable[[dict], Any] | None = None) -> list[CaseReport]:
    """``verify`` every case (default: the catalog), in order.

    ``progress`` receives the per-case events of :func:`verify` plus ``"index"`` and
    ``"n_cases"``. Runs with one BLAS thread (:mod:`gnsverify.threads` says why).
    """
    from gnsverify.threads import single_threaded_blas
    with single_threaded_blas():
        return _campaign(cases, eps=eps, budget=budget, seed=seed, progress=progress)


def _campaign(cases, *, eps, budget, seed, progress) -> list[CaseReport]:
    if cases is None:
        from gnsverify.catalog import default_cases
        cases = default_cases()
    cases = list(cases)
    for c in cases:
        if not isinstance(c, Case):
            raise ValueError(f"cases must contain gnsverify Case objects, got {type(c).__name__}.")
    out = []
    for i, c in enumerate(cases):
        def prog(ev, i=i):
            if progress is not None:
                progress({**ev, "index": i, "n_cases": len(cases)})
        out.append(verify(c, eps=eps, budget=budget, seed=seed, progress=prog))
    return out
