"""The numerical search for a violation of a class bound ``gamma(x) >= pi(||g(x)||_*)``
(claim ``falsify:gamma_lower_bound``; docs/theory.md ``adversarial_points``,
``threshold_gamma``).

At a point ``x`` the searcher of the numeric layer (:func:`numeric.gamma.find_violation`)
looks for a step ``h`` with ``||h|| <= pi(||g(x)||_*)`` (and ``h`` in ``O(x, g)`` when
the class bound is proven on that region) and
``||r_x(h)||_* > ||g(x)||_* ||h|| / pi(||g(x)||_*)``. It samples, so it can only *miss*
violations, never invent one: a reported ``h`` is a genuine counterexample to
``gamma(x) >= pi``. :func:`gamma_check` tests points along the runs and in the initial
sublevel set (:func:`sample_points`), then points chosen adversarially
(:func:`climb_points`), and gives a PASS its detection threshold
(:func:`gamma_threshold`).
"""
from __future__ import annotations

import math

import numpy as np

from gnsverify.cases import Case
from gnsverify.thresholds import attach, bisect
from gnsverify.verdict import Counterexample, Verdict, decide

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
