"""Falsification: try hard to break a claim, and shrink what breaks it.

Two searches, usable outside any test runner:

* **gamma** (``falsify:gamma_lower_bound``): at a point ``x`` of the initial sublevel
  set, look for a step ``h`` with ``||h|| <= pi(||g(x)||_*)`` (and ``h`` in ``O(x, g)``
  when the class bound is proven on that region) and
  ``||r_x(h)||_* > ||g(x)||_* ||h|| / pi(||g(x)||_*)``, using the numerical searcher of
  the numeric layer (it samples, so it can only *miss* violations, never invent one:
  a reported ``h`` is a genuine counterexample to ``gamma(x) >= pi``).
* **instances** (``falsify:instances``): property-based generation of instances of
  the case's family and starting points; each is run with the theory step and the
  adaptive search and checked (per-step invariants and the global bound). A FAIL is
  shrunk by hypothesis to a minimal instance.

:func:`search` drives both with hypothesis (explicit seed, no example database), so
a result is reproducible from ``(examples, seed)``.
"""
from __future__ import annotations

import math

import numpy as np

from gnsverify.cases import Case, Family
from gnsverify.verdict import FAIL, INCONCLUSIVE, Counterexample, Verdict, decide, worst

WHATS = ("gamma", "instances", "both")
#: ``pi = inf`` claims ``gamma(x) = inf``; such a claim is tested at this radius.
RADIUS_CAP = 1e8
#: the full sample set per point (directions beyond the structured ones, radii)
FULL_SEARCH = dict(n_dirs=16, n_radii=24)


def _region(case: Case) -> str:
    return "O" if getattr(case.bound(), "region", "ball") == "O" else "ball"


def violation_at(case: Case, x, *, seed: int = 0, n_dirs: int = FULL_SEARCH["n_dirs"],
                 n_radii: int = FULL_SEARCH["n_radii"]) -> dict | None:
    """A counterexample to ``gamma(x) >= pi(||g(x)||_*)`` at ``x`` (a dict), or ``None``."""
    from numeric.gamma import find_violation
    p = case.get_problem()
    x = np.asarray(x, dtype=float)
    g = p.grad(x)
    _, dual = case.metric_norms()
    gn = dual(g)
    if not (math.isfinite(gn) and gn > 0):
        return None
    radius = float(min(case.bound().pi(gn), RADIUS_CAP))
    if not radius > 0:
        return None
    v = find_violation(p, x, radius, hessian=case.hessian_rule(), B=case.B, region=_region(case),
                       n_dirs=n_dirs, n_radii=n_radii, seed=int(seed))
    if not v.violated:
        return None
    return Counterexample(
        inequality="gamma_lower_bound",
        statement="||r_x(h)||_* <= ||g(x)||_* ||h|| / pi(||g(x)||_*) for ||h|| <= pi",
        lhs=float(v.residual - v.noise), rhs=float(v.bound), instance=case.params, x=x.tolist(),
        extra=dict(gnorm=float(gn), radius=radius, h=np.asarray(v.h).tolist(),
                   step=float(v.step))).to_dict()


def sample_points(setup, results: dict, run_points: int, random_points: int, seed: int) -> list:
    """Points along the runs (evenly spaced iterates) and random points of the initial
    sublevel set ``{f <= f(x_0)}`` (rejection sampling in a ball around the last iterate)."""
    pts = []
    for name in ("theory", "adaptive"):
        r = results.get(name)
        if r is None or r.trace.x is None or run_points <= 0:
            continue
        X = np.asarray(r.trace.x)
        idx = np.unique(np.linspace(0, X.shape[0] - 1, min(run_points, X.shape[0])).astype(int))
        pts.extend(X[i] for i in idx)
    if random_points > 0:
        p, x0, f0 = setup.problem, setup.x0, setup.f0
        center = next((np.asarray(r.x) for r in results.values()), x0)
        R = 1.5 * float(np.linalg.norm(x0 - center)) + 1e-3 * (1.0 + float(np.linalg.norm(x0)))
        rng = np.random.default_rng(seed)
        found, tries = 0, 0
        while found < random_points and tries < 20 * random_points:
            tries += 1
            z = rng.standard_normal(p.n)
            x = center + R * rng.uniform() ** (1.0 / p.n) * z / np.linalg.norm(z)
            fx = p.value(x)
            if math.isfinite(fx) and fx <= f0:
                pts.append(x)
                found += 1
    return pts


def search_description(n: int, n_dirs: int, n_radii: int) -> str:
    """What the numerical searcher samples per point, in words (``numeric.gamma``
    documents the order): structured directions (``-B^-1 g``, saddle-free Newton, the
    method's path, +- eigenvectors, +- coordinate axes), ``n_dirs`` random ones, and
    the radii ``pi 2^-j`` (``j < n_radii``), then local refinement of the best steps."""
    from numeric.gamma import N_PATH
    structured = 2 + (N_PATH + 2 * n if n > 1 else 0) + 2 * n
    if n_radii <= 1:
        radii = ("the radius pi(||g||) only (largest admissible radius <= pi), then refinement "
                 "on [pi/2, pi] around the best steps")
    else:
        radii = (f"{n_radii} radii pi 2^-j, then refinement around the best steps (radius within "
                 f"a factor 2, at most pi)")
    return f"up to {structured + n_dirs} directions ({structured} structured + {n_dirs} random) x {radii}"


def gamma_check(case: Case, points, *, undecided: dict | None = None, seed: int = 0,
                claim: str = "falsify:gamma_lower_bound", search: dict | None = None,
                label: str | None = None) -> Verdict:
    """Verdict of the numerical ``gamma`` search at the given points.

    ``search`` (``n_dirs``, ``n_radii``) sets the sample set per point (default: the
    full search of :func:`violation_at`); ``label`` names it in the verdict, whose
    detail always says how many points and what sample set were tried.
    """
    if undecided is None:
        und = case.undecided_constants()
        undecided = {"constants": f"constant(s) {', '.join(und)} only estimated"} if und else {}
    search = dict(FULL_SEARCH if search is None else search)
    n = case.get_problem().n
    what = search_description(n, search["n_dirs"], search["n_radii"])
    if label:
        what = f"{label}: {what}"
    reasons = [undecided["constants"]] if "constants" in undecided else []
    tried = 0
    for i, x in enumerate(points):
        tried += 1
        cx = violation_at(case, x, seed=seed + i, **search)
        if cx is not None:
            cx["search"] = what
            detail = (f"gamma(x) < pi(||g(x)||_*) = {cx['radius']:.4g}: a step of norm "
                      f"{cx['step']:.3g} has residual {cx['lhs']:.4g} > {cx['rhs']:.4g} "
                      f"(point {tried}; {what})")
            return decide(case.name, claim, tried=tried, what=what, violation=cx,
                          violation_detail=detail, undecided=reasons, observed=cx["lhs"],
                          predicted=cx["rhs"])
    return decide(case.name, claim, tried=tried, undecided=reasons,
                  what=(f"no violation of gamma(x) >= pi(||g(x)||_*) at {tried} points ({what})"
                        if tried else f"no point to test: neither the runs nor the sublevel-set "
                                      f"sampling gave a point ({what})"))


# ------------------------------------------------------------------------- hypothesis
class _Found(Exception):
    """Raised inside a property to hand a counterexample to hypothesis for shrinking."""


def _run_property(strategy, check, examples: int, seed: int):
    """Run ``check`` on ``examples`` draws of ``strategy`` (hypothesis, seeded, no
    database); return ``(counterexample or None, number of calls)``."""
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis import seed as hseed
    calls = [0]

    @hseed(int(seed))
    @settings(max_examples=int(examples), database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
              verbosity=Verbosity.quiet, print_blob=False)
    @given(strategy)
    def prop(arg):
        calls[0] += 1
        cx = check(arg)
        if cx is not None:
            raise _Found(cx)

    try:
        prop()
    except _Found as e:
        return e.args[0], calls[0]
    return None, calls[0]


def _gamma_search(case: Case, examples: int, seed: int) -> Verdict:
    from hypothesis import strategies as st
    p = case.get_problem()
    x0 = case.start()
    f0 = p.value(x0)
    xs = p.x_star if getattr(p, "x_star", None) is not None else x0
    R = float(np.linalg.norm(x0 - xs)) + 1e-3

    def point(arg):
        """Draw -> a point of the sublevel set: ``t`` along the segment x* -> x0 plus a
        seeded random offset of relative size ``s``, pulled back until ``f <= f(x0)``."""
        t, s, k = arg
        z = np.random.default_rng(k).standard_normal(p.n)
        x = xs + t * (x0 - xs) + s * R * z / max(np.linalg.norm(z), 1e-300)
        for _ in range(40):
            fx = p.value(x)
            if math.isfinite(fx) and fx <= f0:
                return x
            x = xs + 0.5 * (x - xs)
        return None

    strat = st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 2**16))

    def check(arg):
        x = point(arg)
        return None if x is None else violation_at(case, x, seed=seed)

    cx, calls = _run_property(strat, check, examples, seed)
    und = case.undecided_constants()
    return decide(case.name, "falsify:gamma_lower_bound", tried=calls,
                  what=f"no violation at {calls} generated points", violation=cx,
                  violation_detail="minimal point violating gamma(x) >= pi(||g(x)||_*)",
                  undecided=[f"constant(s) {', '.join(und)} only estimated"] if und else [],
                  observed=None if cx is None else cx["lhs"],
                  predicted=None if cx is None else cx["rhs"])


def check_instance(case: Case) -> dict | None:
    """Run one instance (theory step and adaptive search) and return the counterexample
    of the first decidable FAIL among its invariants and global bound, or ``None``."""
    from gnsverify.checks.global_bound import GlobalBoundCheck
    from gnsverify.checks.invariants import InvariantsCheck
    from gnsverify.pipeline import check_case
    rep = check_case(case, [InvariantsCheck(), GlobalBoundCheck()], budget="quick",
                     runs=("theory", "adaptive"))
    for v in rep.verdicts:
        if v.verdict == FAIL:
            cx = dict(v.counterexample or {})
            cx.setdefault("instance", case.params)
            cx["claim"] = v.claim
            return cx
    return None


def instances_search(family: Family, name: str, examples: int, seed: int) -> Verdict:
    """The instance search over ``family`` (verdicts named for the case ``name``)."""
    def check(params):
        return check_instance(family.build(params))

    cx, calls = _run_property(family.strategy, check, examples, seed)
    detail = "" if cx is None else (f"minimal failing instance of family {family.name}: "
                                    f"{cx.get('claim')} ({cx.get('inequality')}) at iteration "
                                    f"{cx.get('iteration')}")
    return decide(name, "falsify:instances", tried=calls, violation=cx, violation_detail=detail,
                  what=f"{calls} generated instances of family {family.name} pass")


def search(claim_or_case, *, examples: int = 20, seed: int = 0, what: str = "both") -> Verdict:
    """Falsification search on a :class:`Case` (``gamma`` and/or its family's
    ``instances``) or a :class:`Family` (``instances`` only).

    Returns a Verdict: FAIL with the shrunk counterexample (instance parameters, point
    ``x``, iteration, inequality name, ``lhs``, ``rhs``), PASS with the number of
    examples tried, or INCONCLUSIVE with the reason.
    """
    if what not in WHATS:
        raise ValueError(f"what must be one of {WHATS}, got {what!r}.")
    if isinstance(examples, bool) or not isinstance(examples, (int, np.integer)) or examples < 1:
        raise ValueError(f"examples must be an integer >= 1, got {examples!r}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}.")
    if isinstance(claim_or_case, Family):
        if what == "gamma":
            raise ValueError("what must be 'instances' or 'both' for a Family (gamma needs a Case).")
        return instances_search(claim_or_case, claim_or_case.name, examples, seed)
    if not isinstance(claim_or_case, Case):
        raise ValueError(f"claim_or_case must be a gnsverify Case or Family, "
                         f"got {type(claim_or_case).__name__}.")
    case = claim_or_case
    out = []
    if what in ("gamma", "both"):
        out.append(_gamma_search(case, examples, seed))
    if what in ("instances", "both"):
        if case.family is None:
            out.append(decide(case.name, "falsify:instances", tried=0,
                              what="the case has no instance family to generate from"))
        else:
            out.append(instances_search(case.family, case.name, examples, seed))
    if len(out) == 1:
        return out[0]
    w = worst(out)
    chosen = next(v for v in out if v.verdict == w)
    return decide(case.name, "falsify:both", tried=sum(v.tried for v in out),
                  what="; ".join(f"{v.claim}: {v.verdict} ({v.detail})" for v in out),
                  violation=chosen.counterexample if w != "PASS" else None,
                  violation_detail="; ".join(f"{v.claim}: {v.verdict} ({v.detail})" for v in out),
                  undecided=[chosen.detail] if w == INCONCLUSIVE else [])
