"""Instance-certified constants beside the paper's (docs/theory.md 5.6).

The error models of the paper's Hessian approximations are worst cases over all data
(Fisher: ``C1 = kappa R^2 f*``, ``C2 = kappa R^2 D``); on one instance the error
``||H(x) - hess f(x)||`` is far smaller. For each case of :data:`FLAGSHIP`:

1. a pilot run (adaptive search) to the target ``REL_TARGET`` (relative gap
   ``(f - f*)/(f0 - f*)`` when ``f*`` is known, else ``||g||/||g0||``);
2. the **instance error models** (:func:`candidate`, one per level of :data:`LEVELS`): ``C1 + C2 ||g||^(1-beta)``
   covering every ``(||E(x_k)||, ||g_k||)`` seen, with :data:`MARGIN`, for three levels
   of ``C1`` (the largest error seen, the last one, none), plus the paper's own model
   (with the case's class constant and, where the case has one, a class constant
   certified on the region, ``Case.region_claim``); ``E = H - hess f`` from the
   problem's own oracles (:func:`error_norm`);
3. the theory step with that bound, for at most ``ITER_FACTOR`` times the pilot's
   iterations;
4. **`instance_error_certified`**: ``||E(x_k)|| <= C1 + C2 ||g_k||^(1-beta)`` at *every*
   iterate of that theory run (the composed bound ``gamma(x_k) >= pi(g_k)`` needs the
   error only at ``x_k``, where ``H`` is evaluated), so the rate theorem applies to the
   run. A run that leaves the region seen so far adds its errors and the model is
   rebuilt (at most ``ROUNDS`` times; then the constants are not certified and the
   verdict is INCONCLUSIVE with the iterate). The verdict also checks the theorem's
   conclusion at the target, in the theorem's own measure (:func:`_theorem_at_target`).
   The certified candidate whose theory step gets furthest is the row's instance claim.

The row compares the paper's and the instance's ``pi(g_0)``, ``K(eps)`` at the target,
the theory-step run of each (how far it got in the same iteration budget) and the
median of ``gamma(x_k)/pi(g_k)`` at iterates of the instance run (``gamma`` by the
numerical estimator on the region ``O``, an upper estimate; ``n <= GAMMA_MAX_N``).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from gnsverify.verdict import Counterexample, decide

FLAGSHIP = ("logistic_breast_cancer_fisher", "softmax_wine_fisher", "softmax_digits_fisher",
            "chebyshev_rosenbrock_gn", "logsumexp_weighted_gn")
#: the cases of the default campaign: softmax on digits (n = 640) takes about 200 s
#: (dense 640 x 640 error norms at every iterate of four runs) and runs with
#: ``--budget thorough``
DEFAULT_CASES = tuple(c for c in FLAGSHIP if c != "softmax_digits_fisher")
REL_TARGET = 1e-6
MARGIN = 1.25
ITER_FACTOR = 10
PILOT_MAX_ITER = 500
#: rounds of the constant's fixed point (a run that leaves the region seen so far
#: enlarges it) and the points and largest dimension of the gamma estimates
ROUNDS, GAMMA_POINTS, GAMMA_MAX_N = 3, 15, 100
#: the targets of issue "tightness" B: median gamma/pi, theory iterations / pilot's
TARGETS = dict(median_gamma_over_pi=10.0, iterations_factor=ITER_FACTOR)
RELATIONS = ("instance_error_certified",)


#: unit roundoff of float64
UNIT = 2.0 ** -53


def error_norm(problem, hessian: str, params: dict, x) -> float:
    """``||H(x) - hess f(x)||_2`` for the rule ``hessian``, an upper bound in the
    catalog's certified convention: the backward-stable eigensolver's value inflated by
    ``LA_INFLATE``, plus ``16 n u (||H||_F + ||hess f||_F)`` for the rounding of the two
    matrices and of their difference (each entry is a sum of at most ``O(n)`` rounded
    terms; the allowance matters where ``E`` is nearly 0, e.g. Fisher at ``x = 0``)."""
    from gnsverify.catalog import LA_INFLATE
    Hr, He = problem.hess(x, hessian, **params), problem.hess(x, "exact")
    E = 0.5 * ((Hr - He) + (Hr - He).T)
    if not E.size:
        return 0.0
    slack = 16.0 * E.shape[0] * UNIT * (np.linalg.norm(Hr) + np.linalg.norm(He))
    return float(np.max(np.abs(np.linalg.eigvalsh(E)))) * (1.0 + LA_INFLATE) + float(slack)


def _measure(case, problem):
    """``(name, seq(result) -> relative values)``: relative gap when ``f*`` is known."""
    f_star = case.f_star if case.f_star is not None else problem.f_star
    x0 = case.start()
    if f_star is not None and math.isfinite(f_star):
        F0 = float(problem.value(x0)) - f_star
        return "(f - f*)/(f0 - f*)", lambda r: (np.asarray(r.trace.f, float) - f_star) / F0, \
            dict(gtol=0.0, ftol=REL_TARGET * F0, f_star=f_star)
    G0 = float(np.linalg.norm(problem.grad(x0)))
    return "||g||/||g0||", lambda r: np.asarray(r.trace.gnorm, float) / G0, \
        dict(gtol=REL_TARGET * G0, ftol=0.0, f_star=None)


def _first_below(seq, level) -> int | None:
    hit = np.flatnonzero(np.asarray(seq) <= level)
    return int(hit[0]) if hit.size else None


def instance_case(case, err, claim=None):
    """``case`` claiming its own class (or ``claim``, its class with constants certified
    on a region) with the instance error model ``err``."""
    return dataclasses.replace(case, name=f"{case.name} (instance constants)", error_model=err,
                               claim=case.claim if claim is None else claim, rate_model=None,
                               family=None)


def _region_need(case, inst, th):
    """The class claim the run needs (``case.region_claim`` on the balls of radius
    ``pi(g_k)`` around its iterates), or ``None`` when the case has no region claim."""
    if case.region_claim is None:
        return None
    radii = np.asarray(inst.bound().pi(np.asarray(th.trace.gnorm, float)), float)
    return case.region_claim(th.trace.x, radii)


def _covers(used, need) -> bool:
    """``used`` claims no more than ``need`` allows: same exponents, constants ``>=``."""
    bu, bn = used.bound(), need.bound()
    return (np.array_equal(bu.alphas(), bn.alphas())
            and bool(np.all(np.asarray(bu.Ms()) >= np.asarray(bn.Ms()))))


def _model(C1: float, C2: float, beta: float):
    from theory.approximations import ErrorModel
    return ErrorModel("instance error", C1, C2, beta,
                      how={"C1": "certified along the run", "C2": "certified along the run"},
                      assumptions=("||H(x_k) - hess f(x_k)|| <= C1 + C2 ||g_k||^(1-beta) at every "
                                   "iterate x_k of the run (instance_error_certified).",))


#: the levels of ``C1`` of the instance error models (:func:`candidate`)
LEVELS = ("largest", "last", "none")


def candidate(case, errs, gnorms, level: str):
    """The instance error model ``C1 + C2 ||g||^q`` of ``level`` (``q = 1 - beta``,
    ``beta`` the paper's when its model has a gradient term, else ``q = 1``) covering
    every ``(||E(x_k)||, ||g_k||)`` seen, with :data:`MARGIN`: ``C1 = MARGIN l`` for the
    level ``l`` (the largest error seen, the error at the last point seen, which is near
    ``x*``, or 0) and the smallest ``C2`` covering the rest,
    ``C2 = MARGIN max_k (e_k - l)_+ / g_k^q``; ``None`` when a ``g_k = 0`` would need it."""
    e = np.asarray(errs, float)
    g = np.asarray(gnorms, float)
    paper = case.error_model
    beta = (float(paper.beta) if paper is not None and float(paper.C2) > 0
            and float(paper.beta) < 1 else 0.0)
    level_value = {"largest": float(e.max()), "last": float(e[-1]), "none": 0.0}[level]
    excess = np.maximum(e - level_value, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(excess > 0, excess / g ** (1.0 - beta), 0.0)
    if not np.all(np.isfinite(need)):
        return None
    C2 = MARGIN * float(need.max())
    return _model(MARGIN * level_value, C2, beta if C2 > 0 else 1.0)


def _summary(bound):
    return [dict(alpha=m.alpha_f, M=m.M_f, source=m.source) for m in bound.monomials]


def _gamma_medians(case, bounds: dict, xs, n_points: int = GAMMA_POINTS) -> dict:
    """Median of ``gamma(x_k)/pi(g_k)`` (``gamma`` by the numerical estimator, an upper
    estimate, on the method's region ``O``) at up to ``n_points`` iterates."""
    from numeric.gamma import estimate_gamma
    p = case.get_problem()
    idx = np.unique(np.linspace(0, len(xs) - 1, min(n_points, len(xs))).astype(int))
    ratios = {k: [] for k in bounds}
    for i in idx:
        x = xs[i]
        gn = float(np.linalg.norm(p.grad(x)))
        gam = estimate_gamma(p, x, hessian=p.hessian_rule(case.hessian, **case.hessian_params),
                             region="O")
        for k, b in bounds.items():
            ratios[k].append(gam / float(b.pi(gn)))
    return {k: float(np.median(v)) for k, v in ratios.items()}


def _theorem_at_target(case, bound, F0, G0):
    """The case's rate theorem for the theory step, the target in *its* measure
    (``f - f* <= REL_TARGET F0`` convex, ``||g|| <= REL_TARGET G0`` non-convex) and its
    ``K(eps)`` there (``None`` without ``F0`` or, convex, without ``D``)."""
    from theory.rates import theorem
    thm = theorem(bound, convex=bool(case.is_convex) and F0 is not None, step="theory")
    if thm.setting == "convex":
        eps = REL_TARGET * F0
        K = float(thm.K_numeric(np.array([eps]), F0=F0, G0=G0, D=case.D)[0]) if case.D else None
    else:
        eps = REL_TARGET * G0
        K = (None if F0 is None else
             float(thm.K_numeric(np.array([eps]), F0=max(F0, 0.0), G0=G0)[0]))
    return thm, eps, K


def certified_run(case, err, budget: int, stop: dict, rel, claim=None) -> dict:
    """The theory step of ``case`` with the error model ``err`` (and the class claim
    ``claim``, default the case's) and the certification `instance_error_certified` at
    each of its iterates: ``{"err", "claim", "inst", "th", "cert", "allowed", "bad",
    "region_ok", "need", "best", "hit"}`` (``bad``: the first iterate where the error
    exceeds the model, ``None`` if certified; ``region_ok``: a region claim covers the
    balls the run used, ``need`` the claim they need)."""
    from gnsverify.runs import run_gns
    p = case.get_problem()
    inst = instance_case(case, err, claim)
    th = run_gns(inst, "theory", max_iter=budget, stop=stop, record_x=True)
    cert = [error_norm(p, case.hessian, case.hessian_params, x) for x in th.trace.x]
    allowed = np.broadcast_to(np.asarray(err.norm_bound(np.asarray(th.trace.gnorm, float)),
                                         float), (len(cert),))
    bad = next((k for k, e in enumerate(cert) if not e <= allowed[k]), None)
    need = _region_need(case, inst, th) if claim is not None else None
    region_ok = need is None or _covers(claim, need)
    return dict(err=err, claim=claim, inst=inst, th=th, cert=cert, allowed=allowed, bad=bad,
                region_ok=region_ok, need=need, certified=bad is None and region_ok,
                best=float(np.min(rel(th))), hit=_first_below(rel(th), REL_TARGET))


def flagship_row(name: str) -> tuple[dict, Any]:
    """The row of one flagship case and the verdict of its instance claim."""
    from gnsverify.catalog import get_case
    from gnsverify.runs import run_gns
    from theory.rates import check_conclusion, theorem
    case = get_case(name)
    p = case.get_problem()
    measure, rel, stop = _measure(case, p)
    pilot = run_gns(case, "adaptive", max_iter=PILOT_MAX_ITER, stop=stop, record_x=True)
    budget = ITER_FACTOR * max(pilot.nit, 1)
    pilot_e = [error_norm(p, case.hessian, case.hessian_params, x) for x in pilot.trace.x]
    pilot_g = list(np.asarray(pilot.trace.gnorm, float))
    pilot_max = max(pilot_e)

    claim0 = (None if case.region_claim is None else
              case.region_claim(pilot.trace.x, np.full(pilot.trace.x.shape[0],
                                                       float(np.max(pilot.trace.step)))))

    def until_certified(model, claim, fixed: bool) -> dict | None:
        """Run the theory step with ``model(errors, gnorms seen)`` and ``claim`` until
        certified: a run that leaves what was seen adds its errors (and, for a region
        claim, the claim its balls need) and is repeated, at most ``ROUNDS`` times; a
        ``fixed`` model (the paper's) is not rebuilt, so only the claim can grow."""
        seen_e, seen_g = list(pilot_e), list(pilot_g)
        for rnd in range(ROUNDS):
            err = model(seen_e, seen_g)
            if err is None:
                return None
            a = certified_run(case, err, budget, stop, rel, claim)
            a["rounds"] = rnd + 1
            if a["certified"] or (fixed and a["region_ok"]):
                return a
            seen_e += a["cert"]
            seen_g += list(np.asarray(a["th"].trace.gnorm, float))
            if not a["region_ok"]:
                claim = a["need"]
        return a

    tried = [until_certified(lambda e, g, lv=lv: candidate(case, e, g, lv), claim0, False)
             for lv in LEVELS]
    paper_attempt = None
    if case.error_model is not None:      # the paper's model: derived a priori, checked here
        paper_attempt = until_certified(lambda e, g: case.error_model, None, True)
        paper_attempt["paper"] = True
        tried.append(paper_attempt)
        if claim0 is not None:            # ... and with the instance's class constant
            a = until_certified(lambda e, g: case.error_model, claim0, True)
            a["paper_error_model"] = True
            tried.append(a)
    tried = [a for a in tried if a is not None]
    # the best certified model by the theory step's own progress
    tried = sorted(tried, key=lambda a: (not a["certified"],
                                         a["hit"] if a["hit"] is not None else math.inf,
                                         a["best"]))
    a = tried[0]
    err, inst, th, cert, allowed, bad, rnd = (a["err"], a["inst"], a["th"], a["cert"],
                                             a["allowed"], a["bad"], a["rounds"] - 1)
    region_ok = a["region_ok"]
    paper_run = run_gns(case, "theory", max_iter=budget, stop=stop)
    runs = {"paper": paper_run, "instance": th}
    g_pilot = np.asarray(pilot.trace.gnorm, float)
    G0, x0 = float(g_pilot[0]), case.start()
    f_star = case.f_star if case.f_star is not None else p.f_star
    F0 = None if f_star is None else float(p.value(x0)) - f_star
    out = dict(case=name, n=int(p.n), measure=measure, target=REL_TARGET,
               pilot_iterations=int(pilot.nit), pilot_status=pilot.status, budget=budget,
               rounds=rnd + 1, error_model=dict(C1=float(err.C1), C2=float(err.C2),
                                                beta=float(err.beta)),
               models_tried=[dict(C1=float(t["err"].C1), C2=float(t["err"].C2),
                                  beta=float(t["err"].beta), certified=t["certified"],
                                  paper=bool(t.get("paper")),
                                  theory_iterations=t["hit"], theory_best=t["best"])
                             for t in tried],
               error_max_pilot=pilot_max, error_max_theory=max(cert),
               chosen=("paper" if a.get("paper") else
                       "paper error model" if a.get("paper_error_model") else "instance"))
    cases = {"paper": case, "instance": inst}
    medians = (_gamma_medians(case, {k: c.bound() for k, c in cases.items()}, th.trace.x)
               if p.n <= GAMMA_MAX_N else {})
    theorems = {}
    for label, c in cases.items():
        b = c.bound()
        seq = rel(runs[label])
        thm, eps_thm, K = _theorem_at_target(c, b, F0, G0)
        theorems[label] = (thm, eps_thm)
        out[label] = dict(
            monomials=_summary(b), pi_g0=float(b.pi(G0)), K=K, K_measure=(
                "f - f*" if thm.setting == "convex" else "||g||"), K_eps=eps_thm,
            theory_iterations=_first_below(seq, REL_TARGET), theory_best=float(np.min(seq)),
            median_gamma_over_pi=medians.get(label))
    k_inst = out["instance"]["theory_iterations"]
    med = out["instance"]["median_gamma_over_pi"]
    out["targets_met"] = bool(med is not None and med <= TARGETS["median_gamma_over_pi"]
                              and k_inst is not None)     # reached within the budget
    # the verdict: the instance constants held at every iterate of the theory run (else
    # they are not certified: INCONCLUSIVE), and the theorem's conclusion holds there
    violation, undecided = None, []
    if paper_attempt is not None and paper_attempt["bad"] is not None:
        k = paper_attempt["bad"]
        violation = Counterexample(
            inequality="error_model", statement="the paper's ||H(x) - hess f(x)|| <= C1 + C2 ||g||^(1-beta)",
            lhs=paper_attempt["cert"][k], rhs=float(paper_attempt["allowed"][k]),
            instance=dict(case=name), run="theory (paper constants)", iteration=k,
            x=list(map(float, paper_attempt["th"].trace.x[k])))
    elif not region_ok:
        undecided = [f"no instance constants certified after {ROUNDS} rounds"]
        violation = Counterexample(
            inequality="instance_error_certified", statement="the class constant on the balls "
            "B(x_k, pi(g_k)) of the run", lhs=[m.M_f for m in a["need"].bound().monomials],
            rhs=[m.M_f for m in inst.bound().monomials], instance=dict(case=name), run="theory")
    elif bad is not None:
        undecided = [f"no instance constants certified after {ROUNDS} rounds"]
        violation = Counterexample(
            inequality="instance_error_certified",
            statement="||H(x_k) - hess f(x_k)|| <= C1 + C2 ||g_k||^(1-beta)",
            lhs=cert[bad], rhs=float(allowed[bad]), instance=dict(case=name), run="theory",
            iteration=bad, x=list(map(float, th.trace.x[bad])))
    elif out["instance"]["K"] is None:
        undecided = ["f* unknown: no F0 for the theorem's K(eps)"]
    else:
        thm, eps_thm = theorems["instance"]
        seq = (np.asarray(th.trace.f, float) - f_star if thm.setting == "convex"
               else np.asarray(th.trace.gnorm, float))
        ok, K_last, Kb = check_conclusion(thm, seq, eps_thm, max(F0, 0.0), G0, D=inst.D)
        if not ok:
            violation = Counterexample(
                inequality=thm.name, statement=thm.conclusion, lhs=K_last, rhs=Kb,
                instance=dict(case=name, **out["error_model"]), run="theory")
    v = decide(f"{name} (instance constants)", "instance_constants", tried=len(cert),
               what=(f"the instance error model certified at the {len(cert)} iterates of the "
                     f"theory-step run and its K(eps) at the target"),
               violation=violation, undecided=undecided,
               violation_detail="the theorem fails with the instance constants",
               observed=dict(iterations=k_inst, median_gamma_over_pi=med),
               predicted=dict(K=out["instance"]["K"]))
    out["verdict"] = v.verdict
    return out, v


def instance_constants(cases=DEFAULT_CASES, progress=None) -> dict:
    """Every flagship row: ``{"rows": [...], "verdicts": [...], "targets": TARGETS}``."""
    results = []
    for i, name in enumerate(cases):
        if progress is not None:
            progress(i + 1, len(cases), f"instance constants {name}")
        results.append(flagship_row(name))
    return collect(results)


def collect(results) -> dict:
    """The result of :func:`instance_constants` from the ``(row, verdict)`` of every case
    (each ``flagship_row(name)`` is an independent task)."""
    return {"rows": [r for r, _ in results], "verdicts": [v for _, v in results],
            "targets": dict(TARGETS)}
