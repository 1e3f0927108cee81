"""Explore a function typed as an expression: derive, measure, predict, verify.

    result = explore("x**4/4", ["x"], box=[(-2, 2)])

1. **Derive** (:class:`theory.expr.SymbolicFunction`): gradient and Hessian.
2. **Numeric oracles** (:func:`_numeric_problem_for`): a compiled problem built from
   instruction tapes (:mod:`theory.tape` -> ``numeric.problems.expression``).
3. **Measure** the gradient-normalized smoothness: ``gamma(x)`` estimated
   (:func:`numeric.gamma.estimate_gamma`, an upper estimate) at sampled points of
   the box, and the power law ``gamma ~ c ||g||^alpha`` fitted by least squares in
   log-log coordinates. The fit is a *description* of the samples, not a bound.
4. **Predict**: the rate implied by the fitted law (``pi(t) = c t^alpha``, i.e.
   ``M = 1/c``) and by each class whose constant :mod:`theory.constants` derives on
   the box (Lipschitz Hessian ``L_2``, bounded Hessian variation ``L_0``; for a
   function declared convex also quasi-self-concordance ``Q`` and the Lipschitz third
   derivative ``L_3``).
5. **Verify** (:func:`gnsverify.verify.verify`): one case per derived class, built on
   the fly. A constant derived on the box proves the class bound at ``x`` only when
   the ball of radius ``pi(||g(x)||)`` around ``x`` lies in the box: a FAIL for a
   point near the border (or outside) may be a true statement about the claim
   *outside its region*, not a flaw of the theory. The default start is well inside
   the box (:func:`default_x0`); the report says which region the constants cover.

Everything is returned as one plain dict; :func:`gnsverify.report.explore.write_explore`
writes it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gnsverify.cases import Case

DEFAULT_BOX = (-2.0, 2.0)


# -- numeric oracles ----------------------------------------------------------------------

def _compiled_problem(fun, x0, *, convex: bool, name: str):
    from numeric.problems.expression import expression_problem
    from theory.tape import compile_tape
    X = list(fun.x)
    vg = compile_tape([fun.expr, *list(fun.gradient)], X)
    hs = compile_tape(list(fun.hessian), X)
    return expression_problem(vg.to_dict(), hs.to_dict(), np.asarray(x0, dtype=np.float64),
                              name=name, convex=convex, params={"expr": str(fun.expr)})


def _callables_problem(fun, x0, *, convex: bool, name: str):
    from numeric.problems import from_callables
    fns = fun.numpy_functions()

    def quiet(fn):
        def call(x):
            with np.errstate(all="ignore"):
                return fn(x)
        return call
    return from_callables(quiet(fns["value"]), quiet(fns["grad"]), quiet(fns["hess"]),
                          x0=np.asarray(x0, dtype=np.float64), convex=convex, name=name,
                          params={"expr": str(fun.expr)})


def _numeric_problem_for(fun, x0, *, convex: bool = False, name: str = "expression"):
    """Numeric oracles for ``fun``: ``(problem, "compiled" | "callables")``.

    The compiled path interprets instruction tapes of the derivatives in compiled code
    (:mod:`numeric.problems.expression`); an expression with a function the tapes do not
    know (``erf``, ``asinh``) runs on NumPy callables of the same derivatives instead
    (:mod:`numeric.problems.callables`: the same pipeline, a Python call per oracle).
    """
    try:
        return _compiled_problem(fun, x0, convex=convex, name=name), "compiled"
    except ValueError:
        return _callables_problem(fun, x0, convex=convex, name=name), "callables"


# -- gamma profile and power-law fit -----------------------------------------------------

def fit_power_law(gnorm, gamma) -> dict:
    """Least squares ``log gamma = log c + alpha log ||g||`` over finite positive pairs.

    Returns ``{"c", "alpha", "r2", "used", "skipped"}`` (``c``/``alpha`` ``None`` when
    fewer than 3 usable points or no spread in ``||g||``).
    """
    g = np.asarray(gnorm, dtype=np.float64)
    y = np.asarray(gamma, dtype=np.float64)
    ok = np.isfinite(g) & np.isfinite(y) & (g > 0) & (y > 0)
    out = {"c": None, "alpha": None, "r2": None, "used": int(ok.sum()), "skipped": int((~ok).sum())}
    if ok.sum() < 3:
        return out
    lx, ly = np.log(g[ok]), np.log(y[ok])
    if np.ptp(lx) <= 1e-12:
        return out
    A = np.vstack([np.ones_like(lx), lx]).T
    (logc, alpha), *_ = np.linalg.lstsq(A, ly, rcond=None)
    resid = ly - (logc + alpha * lx)
    ss = float(np.sum((ly - ly.mean()) ** 2))
    out.update(c=float(np.exp(logc)), alpha=float(alpha),
               r2=float(1.0 - np.sum(resid ** 2) / ss) if ss > 0 else 1.0)
    return out


def sample_box(box: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """``samples`` seeded uniform points of the box (shape ``(samples, n)``)."""
    rng = np.random.default_rng(seed)
    lo, hi = box[:, 0], box[:, 1]
    return lo + (hi - lo) * rng.random((samples, box.shape[0]))


def gamma_profile(problem, points: np.ndarray, *, hessian: str = "exact", seed: int = 0,
                  region: str = "ball", n_dirs: int = 16, n_radii: int = 32) -> dict:
    """``||g(x)||`` and the estimate of ``gamma(x)`` at every point (compiled problems)."""
    from numeric.gamma import estimate_gamma
    gn, gam, pts = [], [], []
    for x in points:
        g = problem.grad(x)
        if not np.all(np.isfinite(g)):
            continue
        gn.append(float(np.linalg.norm(g)))
        gam.append(float(estimate_gamma(problem, x, hessian=hessian, region=region, n_dirs=n_dirs,
                                        n_radii=n_radii, seed=seed)))
        pts.append(np.asarray(x, dtype=float).tolist())
    return {"x": pts, "gnorm": gn, "gamma": gam, "region": region,
            "how": "upper estimate (sampled steps; numeric.gamma)"}


# -- derived constants -> class claims -----------------------------------------------------

def derived_claims(fun, box: np.ndarray, *, convex: bool, hessian: str) -> list[dict]:
    """Class claims with constants derived on ``box`` (one dict per class that applies)."""
    from theory import classes as C
    from theory import constants as K
    plans = []
    if hessian == "exact":
        plans += [("L2", K.hessian_lipschitz_constant, "lipschitz_hessian", "L2"),
                  ("L0", K.hessian_variation_constant, "bounded_hessian_variation", "L0")]
        if convex:
            plans += [("Q", K.qsc_constant, "qsc", "Q"),
                      ("L3", K.third_lipschitz_constant, "holder_third", "L_3nu")]
    out = []
    for const_name, fn, cls_name, param in plans:
        try:
            res = fn(fun, box.tolist())
        except (ValueError, ArithmeticError) as exc:
            out.append({"constant": const_name, "class": cls_name, "error": str(exc)})
            continue
        entry = {"constant": const_name, "class": cls_name, "value": res.value, "how": res.how,
                 "lower": res.lower, "upper": res.upper}
        if not (math.isfinite(res.value) and res.value > 0):
            entry["error"] = f"{const_name} = {res.value} is not a finite positive number on the box"
            out.append(entry)
            continue
        params = {param: res.value}
        if cls_name == "holder_third":
            params["nu"] = 1
        entry["claim"] = C.get_class(cls_name, **params)
        out.append(entry)
    return out


def check_convexity(problem, box: np.ndarray, points) -> None:
    """Raise ``ValueError`` if a sampled Hessian has a clearly negative eigenvalue.

    Sampling cannot prove convexity; it can refute a declaration.
    """
    for x in points:
        H = np.asarray(problem.hess(np.asarray(x, dtype=float)), dtype=float)
        if not np.all(np.isfinite(H)):
            continue
        ev = np.linalg.eigvalsh(0.5 * (H + H.T))
        scale = max(1.0, float(np.max(np.abs(ev))))
        if ev[0] < -1e-10 * scale:
            raise ValueError(f"--convex was declared but the Hessian has the eigenvalue {ev[0]:.3g} at "
                             f"x = {np.round(np.asarray(x, dtype=float), 4).tolist()}.")


def predictions(bound, convex: bool) -> dict:
    """Orders of the rate theorems for ``bound``: stationarity (always; what explore
    verifies) and, for a declared-convex ``f``, the function gap (needs ``D``)."""
    from theory import rates
    o = rates.theorem(bound, convex=False).order()
    out = {"stationarity": o.get("text", ""), "stationarity_exponent": float(o["exponent"])}
    if convex:
        c = rates.theorem(bound, convex=True).order()
        out.update(gap=c.get("text", ""), gap_exponent=float(c["exponent"]))
    else:
        out.update(gap=None, gap_exponent=None)
    return out


def fitted_bound(fit: dict):
    """The class bound ``pi(t) = c t^alpha`` of a power-law fit (``None`` if unusable).

    Exponents outside ``[0, 1]`` are outside the theory: no rate is predicted.
    """
    from theory.monomials import ClassBound, Monomial
    import sympy as sp
    if fit.get("alpha") is None or not (0.0 <= fit["alpha"] <= 1.0):
        return None
    a = sp.Rational(repr(round(fit["alpha"], 6)))
    M = sp.Rational(repr(float(1.0 / fit["c"])))
    return ClassBound((Monomial(a, M, "fitted"),), "fitted", {"M": "estimated"})


def default_x0(box: np.ndarray) -> np.ndarray:
    """Halfway from the centre of the box to its upper corner.

    The derived constants hold on the box; the class bound at ``x`` needs them on the
    ball of radius ``pi(||g(x)||)`` around ``x``, so a start well inside the box keeps
    the method's region (and those balls) covered for typical functions.
    """
    centre = box.mean(axis=1)
    return centre + 0.5 * (box[:, 1] - centre)


# -- the pipeline -----------------------------------------------------------------------

def explore(expr: str, variables, *, box=None, x0=None, params=None, hessian: str = "exact",
            convex: bool | None = None, f_star=None, eps=None, budget=None, seed: int = 0, samples: int = 40,
            verify_claims: bool = True, progress=None) -> dict:
    """Run the whole exploration (see the module docstring); return a plain dict.

    ``box`` is a list of ``(lo, hi)`` (default ``[-2, 2]`` per variable). ``convex`` declares convexity (default
    no: the stationarity theorem, valid for every function, is used).
    ``x0`` defaults to :func:`default_x0` (halfway from the centre to the upper corner).
    ``f_star`` (the infimum of ``f``, when the user knows it) makes the global bound
    and order decidable; without it they are INCONCLUSIVE (``F0`` unknown). A declared
    convex ``f`` is checked against the sampled Hessians (a negative eigenvalue is an
    input error) and makes the exact Hessian PSD for the checker; with ``convex=None``
    (the default) ``f`` is convex for the checker when :func:`theory.constants.convexity_certificate` proves it
    on the box (``convex=False``: not assumed, not decided). ``x0`` must lie in the box, and the claims are decided only where the
    constants derived on the box hold (the ball of radius ``pi(||g(x)||)`` around ``x``
    in the box); elsewhere they are INCONCLUSIVE with that reason.
    """
    from theory.expr import SymbolicFunction
    from theory.interval import validate_box
    say = progress or (lambda *a, **k: None)
    names = [v.strip() for v in (variables.split(",") if isinstance(variables, str) else variables)]
    fun = SymbolicFunction.parse(expr, ",".join(names), params or {})
    n = fun.n
    box_arr = validate_box(box if box is not None else [DEFAULT_BOX] * n, n)
    x0_arr = default_x0(box_arr) if x0 is None else np.asarray(x0, dtype=np.float64).reshape(-1)
    if x0_arr.shape != (n,) or not np.all(np.isfinite(x0_arr)):
        raise ValueError(f"x0 must be {n} finite numbers.")
    if np.any(x0_arr < box_arr[:, 0]) or np.any(x0_arr > box_arr[:, 1]):
        raise ValueError(f"x0 = {x0_arr.tolist()} must lie in the box {box_arr.tolist()}: the "
                         "constants are derived there, and nothing is claimed outside it.")
    if isinstance(samples, bool) or int(samples) < 3:
        raise ValueError(f"samples must be an integer >= 3, got {samples!r}.")
    if hessian not in ("exact", "zero"):
        raise ValueError(f"hessian must be 'exact' or 'zero' for an expression, got {hessian!r}.")
    convex_how = "declared" if convex else None
    decide_convexity = convex is None
    convex = bool(convex)
    if decide_convexity:
        from theory.constants import convexity_certificate
        say("deciding convexity on the box")
        try:
            cert = convexity_certificate(fun, box_arr.tolist())
        except (ValueError, ArithmeticError):
            cert = {"convex": False}
        if cert["convex"]:
            convex, convex_how = True, f"{cert['how']} on the box (Gershgorin)"
    say("deriving and building oracles")
    problem, path = _numeric_problem_for(fun, x0_arr, convex=convex)
    f0 = problem.value(x0_arr)
    if not math.isfinite(f0):
        raise ValueError(f"the function is not finite at x0 = {x0_arr.tolist()}.")

    result: dict[str, Any] = {
        "expr": str(fun.expr), "input": expr, "variables": names, "params": dict(params or {}),
        "box": box_arr.tolist(), "x0": x0_arr.tolist(), "hessian": hessian, "convex": convex,
        "convex_how": convex_how,
        "oracles": path, "gradient": [str(e) for e in fun.gradient],
        "hessian_matrix": [[str(e) for e in row] for row in fun.hessian.tolist()],
    }

    # measure
    say("estimating gamma at sampled points")
    pts = sample_box(box_arr, int(samples), seed)
    prof = gamma_profile(problem, pts, hessian=hessian, seed=seed, region="O" if convex else "ball")
    fit = fit_power_law(prof["gnorm"], prof["gamma"])
    result["profile"] = prof
    result["fit"] = fit
    if convex_how == "declared":
        check_convexity(problem, box_arr, prof["x"] or sample_box(box_arr, int(samples), seed).tolist())
    if f_star is not None:
        f_star = float(f_star)
        if not math.isfinite(f_star) or f_star > f0:
            raise ValueError(f"f_star must be a finite number <= f(x0) = {f0:.6g}, got {f_star!r}.")
    result["f_star"] = f_star

    # predict
    say("deriving class constants on the box")
    fb = fitted_bound(fit)
    result["predictions"] = [{"source": "fitted", "alpha": fit["alpha"], "M": None if fb is None else fb.Ms()[0],
                              "how": "estimated", **(predictions(fb, convex) if fb is not None else
                                                     {"stationarity": "no rate (fit unusable or alpha "
                                                                      "outside [0, 1])"})}]
    claims = derived_claims(fun, box_arr, convex=convex, hessian=hessian)
    for c in claims:
        if "claim" in c:
            b = c["claim"].bound()
            result["predictions"].append({"source": f"{c['constant']} ({c['how']})", "class": c["class"],
                                          "alpha": float(min(b.alphas())), "M": float(b.Ms()[0]),
                                          "how": c["how"], **predictions(b, convex)})
    result["constants"] = [{k: v for k, v in c.items() if k != "claim"} for c in claims]

    # verify
    reports = []
    if verify_claims:
        from gnsverify.verify import verify
        for c in claims:
            if "claim" not in c:
                continue
            case = make_case(fun, problem, c, hessian=hessian, convex=convex, f_star=f_star,
                             box=box_arr.tolist())
            say(f"verifying {case.name}")
            kw = dict(seed=seed, progress=progress)
            if eps:
                kw["eps"] = eps
            if budget:
                kw["budget"] = budget
            reports.append(verify(case, **kw))
    result["reports"] = reports
    from gnsverify import report as rep
    recs = rep.records(reports)
    result["records"] = recs
    result["overall"] = rep.overall(recs) if recs else None
    if path != "compiled":
        result["note"] = ("the expression uses a function the compiled tapes do not know: it ran on "
                          "NumPy callables (same pipeline, slower oracles)")
    return result


@dataclass
class ExploreCase(Case):
    """A case whose rates are always the stationarity theorem (valid for every ``f``; it
    needs no ``D``), while a declared-convex ``f`` with the exact Hessian still counts as
    PSD, so Lemma 1 and its corollaries are checked."""

    psd_declared: bool = False

    @property
    def psd(self) -> bool:
        return self.psd_declared or Case.psd.fget(self)


def make_case(fun, problem, claim_entry: dict, *, hessian: str, convex: bool, f_star=None,
              box=None):
    """A case for one derived class claim, decided on the box (see :class:`ExploreCase`)."""
    how = claim_entry["how"]
    return ExploreCase(
        name=f"explore:{claim_entry['class']}", problem=problem, claim=claim_entry["claim"], hessian=hessian,
        convex=False, psd_declared=bool(convex and hessian in ("exact", "zero")),
        f_star=None if f_star is None else float(f_star),
        f_star_how=None if f_star is None else "construction",
        max_iter=200, constants_how={claim_entry["constant"]: how},
        description=(f"f = {fun.expr}; {claim_entry['constant']} = {claim_entry['value']:.6g} ({how}) "
                     "on the box: the claim is proven at x when the ball of radius pi(||g(x)||) "
                     "around x lies in the box"),
        params={"expr": str(fun.expr)}, box=box,
    )
