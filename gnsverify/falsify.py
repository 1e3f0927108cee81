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
from gnsverify.thresholds import attach, bisect
from gnsverify.verdict import FAIL, INCONCLUSIVE, Counterexample, Verdict, decide, worst

WHATS = ("gamma", "instances", "both")
#: ``pi = inf`` claims ``gamma(x) = inf``; such a claim is tested at this radius.
RADIUS_CAP = 1e8
#: the full sample set per point (directions beyond the structured ones, radii)
FULL_SEARCH = dict(n_dirs=16, n_radii=24)


def _region(case: Case) -> str:
    return "O" if getattr(case.bound(), "region", "ball") == "O" else "ball"


def worst_step(case: Case, x, *, seed: int = 0, n_dirs: int = FULL_SEARCH["n_dirs"],
               n_radii: int = FULL_SEARCH["n_radii"], scale: float = 1.0):
    """The searcher's worst step for the claim ``gamma(x) >= scale * pi(||g(x)||_*)`` at
    ``x`` (a :class:`numeric.gamma.Violation`), or ``None`` when there is nothing to
    test (``g(x) = 0`` or not finite, ``pi = 0``)."""
    from numeric.gamma import find_violation
    p = case.get_problem()
    x = np.asarray(x, dtype=float)
    g = p.grad(x)
    _, dual = case.metric_norms()
    gn = dual(g)
    if not (math.isfinite(gn) and gn > 0):
        return None
    radius = float(min(scale * case.bound().pi(gn), RADIUS_CAP))
    if not radius > 0:
        return None
    return find_violation(p, x, radius, hessian=case.hessian_rule(), B=case.B, region=_region(case),
                          n_dirs=n_dirs, n_radii=n_radii, seed=int(seed))


def counterexample(case: Case, x, v) -> dict:
    """The counterexample dict of a violated :func:`worst_step`."""
    return Counterexample(
        inequality="gamma_lower_bound",
        statement="||r_x(h)||_* <= ||g(x)||_* ||h|| / pi(||g(x)||_*) for ||h|| <= pi",
        lhs=float(v.residual - v.noise), rhs=float(v.bound), instance=case.params,
        x=np.asarray(x, float).tolist(),
        extra=dict(gnorm=float(v.gnorm), radius=float(v.radius), h=np.asarray(v.h).tolist(),
                   step=float(v.step))).to_dict()


def violation_at(case: Case, x, *, seed: int = 0, n_dirs: int = FULL_SEARCH["n_dirs"],
                 n_radii: int = FULL_SEARCH["n_radii"]) -> dict | None:
    """A counterexample to ``gamma(x) >= pi(||g(x)||_*)`` at ``x`` (a dict), or ``None``."""
    v = worst_step(case, x, seed=seed, n_dirs=n_dirs, n_radii=n_radii)
    return counterexample(case, x, v) if v is not None and v.violated else None


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
                label: str | None = None, climb: int = 0, admissible=None,
                center=None, bisections: int | None = None) -> Verdict:
    """Verdict of the numerical ``gamma`` search at the given points, then at ``climb``
    points chosen adversarially (:func:`climb_points`: a local search from the worst
    point maximizing the searcher's ratio ``pi / gamma_est``, over the points
    ``admissible(x)`` accepts, default all; ``center`` is where radial moves start).

    ``search`` (``n_dirs``, ``n_radii``) sets the sample set per point (default: the
    full search of :func:`violation_at`); ``label`` names it in the verdict, whose
    detail always says how many points and what sample set were tried. A PASS carries
    its detection threshold (:func:`gamma_threshold`, ``bisections`` refinement steps,
    default :data:`gnsverify.thresholds.BISECTIONS`).
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
    state = dict(tried=0, worst=None, climbed=0)

    def test(x, s):
        state["tried"] += 1
        v = worst_step(case, x, seed=s, **search)
        if v is not None and v.violated:
            return v
        if v is not None and (state["worst"] is None or v.ratio > state["worst"][0]):
            state["worst"] = (float(v.ratio), np.asarray(x, float), s, float(v.radius))
        return None

    def fail(x, v, where):
        cx = counterexample(case, x, v)
        cx["search"] = what
        detail = (f"gamma(x) < pi(||g(x)||_*) = {cx['radius']:.4g}: a step of norm "
                  f"{cx['step']:.3g} has residual {cx['lhs']:.4g} > {cx['rhs']:.4g} "
                  f"({where}; {what})")
        return decide(case.name, claim, tried=state["tried"], what=what, violation=cx,
                      violation_detail=detail, undecided=reasons, observed=cx["lhs"],
                      predicted=cx["rhs"])

    for i, x in enumerate(points):
        v = test(x, seed + i)
        if v is not None:
            return fail(x, v, f"point {state['tried']}")
    sampled = state["tried"]
    if climb > 0 and state["worst"] is not None:
        for x, s in climb_points(state, climb, admissible, seed + sampled, center):
            v = test(x, s)
            state["climbed"] += 1
            if v is not None:
                return fail(x, v, f"adversarial point {state['climbed']}")
    tried = state["tried"]
    where = f"{sampled} sampled points" + (f" and {state['climbed']} chosen adversarially "
                                            "(local search maximizing pi / gamma_est)"
                                            if state["climbed"] else "")
    verdict = decide(case.name, claim, tried=tried, undecided=reasons,
                     what=(f"no violation of gamma(x) >= pi(||g(x)||_*) at {where} ({what})"
                           if tried else f"no point to test: neither the runs nor the sublevel-set "
                                         f"sampling gave a point ({what})"))
    return attach(verdict, *gamma_threshold(case, state["worst"], search, bisections))


#: the adversarial local search: first step length relative to ``1 + ||x||``, its
#: growth on success and shrinkage on failure (a (1+1) evolution strategy), and the
#: factors of the radial moves away from / towards ``center``
CLIMB = dict(sigma0=0.1, grow=2.0, shrink=0.6, radial=(1.5, 1 / 1.5))


def climb_points(state: dict, steps: int, admissible, seed: int, center=None):
    """Yield ``(x, seed)`` proposals of a local search maximizing the searcher's ratio
    ``q(x) = max_h pi (||r_x(h)||_* - tau) / (||g||_* ||h||)`` (``1/q`` is the
    candidate detection threshold at ``x``), from the worst point found so far in
    ``state["worst"]`` (updated by the caller's test): Gaussian moves of adaptive length
    and, every third proposal, a radial move (``center + t (x - center)``), where the
    worst cases of gradient-dependent bounds often are. Proposals ``admissible``
    rejects are skipped (they do not count)."""
    rng = np.random.default_rng(seed)
    best_q = state["worst"][0]
    x = state["worst"][1]
    sigma = CLIMB["sigma0"] * (1.0 + float(np.linalg.norm(x)))
    c = None if center is None else np.asarray(center, float)
    made, attempts = 0, 0
    while made < steps and attempts < 20 * steps:
        attempts += 1
        if c is not None and attempts % 3 == 0:
            t = CLIMB["radial"][int(rng.integers(2))]
            y = c + t * (x - c)
        else:
            d = rng.standard_normal(x.shape[0])
            y = x + sigma * d / max(float(np.linalg.norm(d)), 1e-300)
        if admissible is not None and not admissible(y):
            sigma *= CLIMB["shrink"]
            continue
        made += 1
        yield y, seed + made
        q, xw = state["worst"][0], state["worst"][1]
        if q > best_q:
            best_q, x = q, xw
            sigma *= CLIMB["grow"]
        else:
            sigma *= CLIMB["shrink"]
            sigma = max(sigma, 1e-8 * (1.0 + float(np.linalg.norm(x))))


def gamma_threshold(case: Case, worst_pt, search: dict,
                    bisections: int | None = None) -> tuple[float | None, str]:
    """The detection threshold of a passed gamma search (:mod:`gnsverify.thresholds`):
    bisection with the same searcher at the point of largest ratio
    ``q = pi (||r_x(h)||_* - tau) / (||g||_* ||h||)``, from the candidate ``1/q``."""
    if worst_pt is None:
        return None, "no point with a nonzero gradient was tested"
    q, x, seed, radius = worst_pt
    if radius >= RADIUS_CAP:
        return None, (f"pi is at the search's radius cap {RADIUS_CAP:.0e} there: a strengthened "
                      "claim is searched at the same radius")
    if not q > 0:
        return None, ("no tried step has a residual above the rounding guard (gamma(x) = inf as "
                      "far as the search can tell, e.g. a quadratic with its exact Hessian): "
                      "every strengthening of pi is true here, there is nothing false to catch")
    start = 1.0 / q * (1.0 + 2.0 ** -10) if math.isfinite(q) else 2.0

    def caught(s):
        v = worst_step(case, x, seed=seed, scale=s, **search)
        return v is not None and v.violated

    s, how = bisect(caught, start, **({} if bisections is None else dict(steps=bisections)))
    where = (f"at the point of largest ratio pi / gamma_est among those tried "
             f"(ratio {q:.3g}, candidate 1/ratio = {1 / q:.4g})")
    return s, f"{how}; {where}"


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
