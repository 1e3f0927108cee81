"""The default catalog of cases: one or more per function class and per Hessian rule.

Every claimed constant is derived here *for the instance* from the class parameters
(closed form), or certified, and every derivation is stated in the case's
``description``. Conventions:

* Numerical linear-algebra quantities (largest eigenvalue, singular values, row
  norms) are inflated by :data:`LA_INFLATE` (relative): a backward-stable
  eigen/singular value solver errs by at most a small multiple of ``n u ||A||``
  (``u`` = unit roundoff, ``n <= 640`` here, i.e. < 1e-12 relative), so the inflated
  value is a certified bound ("certified").
* ``f*`` "computed": the minimizer is approached by Newton's method with the exact
  Hessian; for a ``lam``-strongly convex ``f`` the gap of the final point obeys
  ``f(x) - f* <= ||g(x)||^2/(2 lam)``, which is the certified error ``f_star_err``
  (plus rounding of the value itself).
* ``D`` for a ``lam``-strongly convex ``f``: ``||x - x*||^2 <= 2 (f(x0) - f*)/lam``
  on the initial sublevel set ("certified" from the certified ``f*`` interval).
* Where ``D`` is not available the claim is made in the non-convex setting
  (stationarity), which needs only ``f*`` (and the theorem holds for convex ``f`` too).
"""
from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

import numpy as np
import sympy as sp

from gnsverify.cases import Case, Family

LA_INFLATE = 1e-10
#: rounding allowance (relative) of a computed objective value
VALUE_ROUNDING = 1e-13


def _up(v: float, digits: int = 9):
    """A certified upper bound from a backward-stable numerical value (module
    docstring), rounded *up* to a short exact rational so that the symbolic layer
    works with small numbers."""
    return _round(float(v) * (1.0 + LA_INFLATE), digits, math.ceil)


def _down(v: float, digits: int = 9):
    """A certified lower bound (rounded *down*), as a short exact rational."""
    return _round(float(v) * (1.0 - LA_INFLATE), digits, math.floor)


def _round(v: float, digits: int, direction):
    import sympy as sp
    if v == 0.0:
        return sp.Integer(0)
    e = digits - 1 - math.floor(math.log10(abs(v)))
    if e >= 0:
        return sp.Rational(int(direction(v * 10 ** e)), 10 ** e)
    return sp.Integer(int(direction(v / 10 ** -e)) * 10 ** -e)


def _classes():
    from theory import classes
    return classes


def _approx():
    from theory import approximations
    return approximations


def _problems():
    from numeric import problems
    return problems


# ----------------------------------------------------------------------- f* and D
@lru_cache(maxsize=None)
def _computed_minimum(builder: str, args: tuple, lam: float):
    """``(f_hi, err, D)`` for a ``lam``-strongly convex registry problem (module docstring)."""
    from numeric.solver import minimize_gns
    p = _problems().REGISTRY[builder](**dict(args))
    r = minimize_gns(p, hessian="exact", step="adaptive", max_iter=200, gtol=1e-13, gamma0=1.0)
    g = float(r.gnorm)
    f_c = float(r.fun)
    rnd = VALUE_ROUNDING * max(1.0, abs(f_c))
    f_hi = f_c + rnd
    err = g * g / (2.0 * lam) + 2.0 * rnd
    F0 = p.value(p.x0) - (f_hi - err)
    D = _up(math.sqrt(2.0 * max(F0, 0.0) / lam))
    return f_hi, err, D


def _max_row_norm(A) -> float:
    return _up(float(np.max(np.linalg.norm(np.asarray(A), axis=1))))


# ----------------------------------------------------------------------- families
def holder_1d_case(params: dict) -> Case:
    """``|x|^(2+nu)/(2+nu)``: Hessian ``(1+nu)|x|^nu`` is ``nu``-Hölder with
    ``L_nu = 1+nu`` (``||x|^nu - |y|^nu| <= |x-y|^nu``); ``f* = 0``; sublevel set
    ``{|x| <= |x0|}`` so ``D = |x0|``."""
    nu, x0 = float(params["nu"]), float(params.get("x0", 1.0))
    if x0 == 0.0:
        raise ValueError("x0 must be nonzero for the Hölder power family.")
    cls = _classes().HolderHessian(nu=nu, L_nu=1.0 + nu)
    return Case(
        name=f"holder_1d_nu{nu:g}", problem=lambda: _problems().power_1d(nu), claim=cls,
        hessian="exact", convex=True, D=abs(x0), D_how="construction", x0=np.array([x0]),
        max_iter=60, params=dict(family="holder_1d", nu=nu, x0=x0),
        description=holder_1d_case.__doc__.split("\n")[0] + f" nu = {nu:g}, x0 = {x0:g}.")


def holder_tilted_case(params: dict) -> Case:
    """``|x|^(2+nu)/((1+nu)(2+nu)) + a x`` from ``x0 = 0``: Hessian ``|x|^nu``, ``nu``-Hölder
    with ``L_nu = 1``; at the kink ``x0 = 0`` the remainder bound holds with equality, so
    ``gamma(x0) = pi(|a|)`` (the extremal instance); ``f*`` in closed form, ``D = |x*|``
    (the sublevel set ``{f <= 0}`` lies within ``|x*|`` of ``x*``)."""
    nu, a = float(params["nu"]), float(params["a"])
    if not 0.0 < nu <= 1.0:
        raise ValueError(f"nu must lie in (0, 1] for the tilted Hölder power; got {nu!r}.")
    p = _problems().tilted_power_1d(nu, a)
    return Case(
        name=f"holder_tilted_nu{nu:g}", problem=p, claim=_classes().HolderHessian(nu=nu, L_nu=1.0),
        hessian="exact", convex=True, D=_up(abs(float(p.x_star[0]))), D_how="construction",
        max_iter=60, params=dict(nu=nu, a=a),
        description=holder_tilted_case.__doc__.split("\n")[0] + f" nu = {nu:g}, a = {a:g}.")


def holder_instance(params: dict) -> Case:
    """An instance of the Hölder class at ``params["nu"]``: the tilted power (extremal, at
    its kink) when ``params`` has ``a``, else the power ``|x|^(2+nu)/(2+nu)`` from ``x0``."""
    return holder_tilted_case(params) if "a" in params else holder_1d_case(params)


def quadratic_zero_case(params: dict) -> Case:
    """SPD quadratic with ``H = 0`` (gradient method): first-order class with
    ``L = lambda_max(Q)`` (certified); ``D = sqrt(2 F0 / lambda_min(Q))``."""
    n, cond, seed = int(params["n"]), float(params["cond"]), int(params["seed"])
    p = _problems().quadratic(n=n, cond=cond, seed=seed)
    Q = p.data[0]
    ev = np.linalg.eigvalsh(Q)
    F0 = p.value(p.x0) - p.f_star
    cls = _classes().FirstOrder(L=_up(ev[-1]))
    return Case(
        name=f"quadratic_zero_n{n}", problem=p, claim=cls, hessian="zero", convex=True,
        D=_up(math.sqrt(2 * F0 / _down(ev[0]))), D_how="certified", max_iter=250,
        constants_how={"M": "certified"}, params=dict(family="quadratic_zero", **params),
        description=quadratic_zero_case.__doc__.split("\n")[0] + f" n = {n}, cond = {cond:g}.")


def quartic_case(params: dict) -> Case:
    """Quartic family: ``D^4 f[h]^4 = 6 sum (a_i^T h)^4``, so ``D^3 f`` is Lipschitz with
    ``L_3 = 6 sum ||a_i||^4``; convex, Hölder-third class (``nu = 1``); ``f*`` by
    construction; ``lam``-strongly convex, so ``D = sqrt(2 F0/lam)``."""
    n, lam, seed = int(params["n"]), float(params["lam"]), int(params["seed"])
    p = _problems().quartic(n=n, lam=lam, seed=seed)
    x0 = _start(p, params)
    A = p.data[0]
    L3 = _up(6.0 * float(np.sum(np.linalg.norm(A, axis=1) ** 4)))
    F0 = p.value(p.x0 if x0 is None else x0) - p.f_star
    cls = _classes().HolderThird(nu=1, L_3nu=L3)
    return Case(
        name=f"quartic_n{n}", problem=p, claim=cls, hessian="exact", convex=True,
        D=_up(math.sqrt(2 * F0 / lam)), D_how="certified", max_iter=60, x0=x0,
        constants_how={"M": "certified"}, params=dict(family="quartic", **params),
        description=quartic_case.__doc__.split("\n")[0] + f" n = {n}, lam = {lam:g}.")


def holder_third_1d_case(params: dict) -> Case:
    """``|x|^(3+nu)/(3+nu)``, ``nu in (0, 1)``: convex, third derivative
    ``(1+nu)(2+nu)|x|^nu sign(x)``, ``nu``-Hölder with ``L_3nu = (1+nu)(2+nu) 2^(1-nu)``
    (`holder_power_across_zero`, docs/theory.md 6.4: attained at ``y = -x``); ``f* = 0``;
    ``D = |x0|``."""
    nu, x0 = float(params["nu"]), float(params.get("x0", 1.0))
    if not 0.0 < nu < 1.0:
        raise ValueError(f"nu must lie in (0, 1) for the third-order Hölder power; got {nu!r}.")
    if x0 == 0.0:
        raise ValueError("x0 must be nonzero for the third-order Hölder power.")
    L3 = _up((1.0 + nu) * (2.0 + nu) * 2.0 ** (1.0 - nu))
    return Case(
        name=f"holder_third_1d_nu{nu:g}",
        problem=lambda: _problems().power(A=np.ones((1, 1)), b=np.zeros(1), p=3.0 + nu),
        claim=_classes().HolderThird(nu=nu, L_3nu=L3), hessian="exact",
        convex=True, D=abs(x0), D_how="construction", x0=np.array([x0]), max_iter=60,
        constants_how={"M": "certified"}, params=dict(nu=nu, x0=x0),
        description=holder_third_1d_case.__doc__.split("\n")[0] + f" nu = {nu:g}, x0 = {x0:g}.")


def synthetic_case(params: dict) -> Case:
    """Synthetic PSD perturbation of ``|x|^3/3`` (Lipschitz Hessian, ``L_2 = 2``):
    ``H = hess f + (C1 + C2 |g|^(1-beta)) E0`` with ``E0 = 1``; error model by
    construction, composed by the harmonic-mean rule."""
    nu = float(params.get("nu", 1.0))
    C1, C2, beta = float(params.get("C1", 0.0)), float(params["C2"]), float(params["beta"])
    x0 = float(params.get("x0", 1.0))
    cls = _classes().HolderHessian(nu=nu, L_nu=1.0 + nu)
    return Case(
        name=f"synthetic_psd_nu{nu:g}_beta{beta:g}", problem=lambda: _problems().power_1d(nu),
        claim=cls, error_model=_approx().synthetic(C1, C2, beta), hessian="perturbed_psd",
        hessian_params=dict(C1=C1, C2=C2, beta=beta, seed=0), convex=True, D=abs(x0),
        D_how="construction", x0=np.array([x0]), max_iter=80,
        params=dict(family="synthetic", nu=nu, C1=C1, C2=C2, beta=beta, x0=x0),
        description=synthetic_case.__doc__.split("\n")[0] + f" nu = {nu:g}, C2 = {C2:g}, beta = {beta:g}.")


def families() -> dict:
    """Instance families for the falsification search (name -> :class:`Family`)."""
    from hypothesis import strategies as st

    from gnsverify import strategies as gs
    holder = gs.holder_power_params
    return {
        # the Hölder class: the power family and its extremal tilted instances
        "holder_1d": Family("holder_1d", st.one_of(holder(), gs.holder_tilted_params()),
                            holder_instance),
        "holder_1d_nu0.5": Family("holder_1d_nu0.5", st.one_of(
            holder(nu=(0.5, 0.5)), gs.holder_tilted_params(nu=(0.5, 0.5))), holder_instance),
        "holder_1d_nu0.25": Family("holder_1d_nu0.25", st.one_of(
            holder(nu=(0.25, 0.25)), gs.holder_tilted_params(nu=(0.25, 0.25))), holder_instance),
        "holder_1d_exhausted": Family("holder_1d_exhausted", holder(nu=(1.0, 1.0)),
                                      _holder_exhausted),
        "quadratic_zero": Family("quadratic_zero", gs.quadratic_params(), quadratic_zero_case),
        "quadratic_newton": Family("quadratic_newton", gs.quadratic_params(cond=(1.0, 100.0)),
                                   _quadratic_exact),
        "holder_third_1d": Family("holder_third_1d", holder().filter(lambda d: d["nu"] < 1.0),
                                  holder_third_1d_case),
        "quartic": Family("quartic", gs.quartic_params().flatmap(
            lambda d: gs.far_starts(3.0).map(lambda e: {**d, **e})), quartic_case),
        "synthetic": Family("synthetic", holder(nu=(1.0, 1.0)).flatmap(
            lambda d: gs.error_models(C2=(0.0, 2.0)).map(lambda e: {**d, **e})), synthetic_case),
        "synthetic_beta0": Family("synthetic_beta0", holder(nu=(1.0, 1.0)).flatmap(
            lambda d: gs.error_models(C2=(0.0, 2.0), beta=(0.0, 0.0)).map(lambda e: {**d, **e})),
            synthetic_case),
        "synthetic_indefinite": Family("synthetic_indefinite", gs.quadratic_params().flatmap(
            lambda d: gs.error_models(C2=(0.0, 1.0)).map(
                lambda e: {**d, "C2": e["C2"], "beta": e["beta"]})), _synthetic_indefinite),
        "power_p3_gauss_newton": Family("power_p3_gauss_newton",
                                        gs.power_params(n=(1, 4), p=(3.0, 3.0)),
                                        lambda d: _power_metric("gauss_newton", d)),
        "power_p3_fisher_term": Family("power_p3_fisher_term",
                                       gs.power_params(n=(1, 4), p=(3.0, 3.0)),
                                       lambda d: _power_metric("fisher_term", d)),
        "logistic_exact": Family("logistic_exact", gs.logistic_data().flatmap(
            lambda d: gs.far_starts(8.0).map(lambda e: {**d, **e})), lambda d: _logistic_exact(**d)),
        "logistic_wide": Family("logistic_wide", gs.logistic_data(m=(2, 4), n=(12, 24)),
                                lambda d: _logistic_exact("logistic_wide_exact_qsc", **d)),
        "log_barrier": Family("log_barrier", st.one_of(
            st.floats(0.05, 0.9), st.floats(1.2, 6.0)).map(lambda v: {"x0": v}), log_barrier_case),
        "chebyshev_fisher": Family("chebyshev_fisher", st.fixed_dictionaries(
            {"x1": st.floats(0.5, 0.95), "dx2": st.floats(-0.2, 0.2)}), chebyshev_fisher_case),
        "separable_logistic": Family("separable_logistic", gs.separable_data(),
                                     separable_logistic_case),
        "logistic_fisher": Family("logistic_fisher", gs.logistic_data(),
                                  _fisher_instance("logistic", "logistic_fisher")),
        "softmax_fisher": Family("softmax_fisher", gs.softmax_data(),
                                 _fisher_instance("softmax", "softmax_fisher")),
        "rosenbrock_equations": Family("rosenbrock_equations", gs.plane_points(),
                                       _rosenbrock_equations),
        "chebyshev_rosenbrock": Family("chebyshev_rosenbrock", gs.chebyshev_params(),
                                       _chebyshev_rosenbrock),
        "cosh_l0l1": Family("cosh_l0l1", gs.cosh_params().flatmap(
            lambda d: gs.far_starts(3.0).map(lambda e: {**d, **e})), _cosh_l0l1),
        "polytope": Family("polytope", gs.polytope_params().flatmap(
            lambda d: gs.far_starts(3.0).map(lambda e: {**d, **e})), _polytope),
        "nesterov_chain": Family("nesterov_chain", gs.nesterov_params().flatmap(
            lambda d: gs.far_starts(3.0).map(lambda e: {**d, **e})), _nesterov_chain),
        "logsumexp": Family("logsumexp", gs.logsumexp_params().flatmap(
            lambda d: gs.far_starts(3.0).map(lambda e: {**d, **e})), _logsumexp),
    }


def _with_family(case: Case, fam: str) -> Case:
    case.family = families()[fam]
    return case


# ----------------------------------------------------------------------- fixed cases
def _logistic_fisher(name, builder, args, lam, max_iter, description):
    """Logistic or softmax regression with the Fisher approximation: QSC (``Q = R``, or
    ``2R`` for softmax, ``R = max ||a_j||``) and the Fisher error model with the computed
    ``f*`` and the certified ``D`` of the instance."""
    P = _problems()
    p = P.REGISTRY[builder](**dict(args))
    f_hi, err, D = _computed_minimum(builder, tuple(sorted(args.items())), lam)
    A = p.data[0]
    if builder.startswith("softmax"):
        R = _max_row_norm(A)
        cls = _classes().QuasiSelfConcordant(Q=2 * R)
        err_model = _approx().fisher_softmax(R, _up(f_hi), D)
    else:
        R = _max_row_norm(A)
        cls = _classes().QuasiSelfConcordant(Q=R)
        err_model = _approx().fisher_logistic(R, _up(f_hi), D)
    return Case(
        name=name, problem=p, claim=cls, error_model=err_model, hessian="fisher", convex=True,
        f_star=f_hi, f_star_how="computed", f_star_err=err, D=D, D_how="certified",
        max_iter=max_iter, constants_how={"M": "certified", "C1": "certified", "C2": "certified"},
        params=dict(builder=builder, **args), description=description)


def _fisher_instance(builder: str, name: str):
    """Builder of the Fisher family of ``builder`` (synthetic data of drawn size)."""
    def build(params: dict) -> Case:
        args = dict(params)
        return _logistic_fisher(name, builder, args, float(args["lam"]), 40,
                                f"Synthetic {builder} regression, Fisher approximation, {args}.")
    return build


def separable_logistic_case(params: dict) -> Case:
    """Unregularized logistic regression on separable data, Fisher approximation: QSC
    (``Q = R``) + the separable error model ``C1 = 0``, ``C2 = R^2/mu`` (margin ``mu``
    of the separating ``w``), ``f* = inf f = 0`` (not attained) and ``D = D_sep`` with
    ``f <= D_sep ||g||`` on the sublevel set (docs/theory.md 5.F,
    `flagship_separable_gap`, `flagship_separable_gradient`): linear for every ``eps``.
    Data: Gaussian rows with ``|<a_j, w>| >= margin``, ``y = sign <a_j, w>``; start
    ``x0 = 2 w``."""
    from theory import fisher_regression as fr
    m, n = int(params["m"]), int(params["n"])
    margin, seed = float(params["margin"]), int(params["seed"])
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(n)
    w /= np.linalg.norm(w)
    rows = []
    while len(rows) < m:
        a = rng.standard_normal(n)
        if abs(a @ w) >= margin:
            rows.append(a)
    A = np.array(rows)
    y = np.where(A @ w > 0, 1.0, -1.0)
    p = _problems().logistic(A=A, y=y, lam=0.0)
    x0 = 2.0 * w
    f0 = _up(float(p.value(x0)) * (1 + VALUE_ROUNDING))
    claim = fr.separable_logistic_claim(A, y, w, float(f0))
    return Case(
        name="logistic_separable_fisher", problem=p, claim=claim.function_class,
        error_model=claim.error_model, hessian="fisher", convex=True, f_star=0.0,
        f_star_how="construction", D=_up(float(claim.D)), D_how="certified", x0=x0,
        max_iter=300, constants_how={"M": "certified", "C2": "certified"},
        params=dict(family="separable_logistic", **params),
        description=" ".join(separable_logistic_case.__doc__.split()) + f" m = {m}, n = {n}.")


def bracket_root(F, lo: float, hi: float) -> tuple[float, float]:
    """A bracket ``[a, b]``, ``b - a <= 1e-14 (1 + |b|)``, of the root of the monotone
    ``F`` on ``[lo, hi]`` (``F(lo)`` and ``F(hi)`` of opposite signs): ``b`` is on the
    side of ``hi``, so it bounds the root from above when ``F`` increases."""
    s = math.copysign(1.0, F(hi))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if s * F(mid) > 0:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-14 * (1 + abs(hi)):
            break
    return lo, hi


def log_barrier_case(params: dict) -> Case:
    """``f(x) = x - 1 - log x`` on ``x > 0`` (``f* = 0`` at ``x* = 1``): self-concordant
    (``nu = 3``, ``M_f = 2``: the third derivative is ``2 x^-3 = 2 (x^-2)^(3/2)``), with
    the Hessian ``x^-2`` unbounded. The claim is the reduction ``gsc_to_qsc`` on the box
    ``[x_l/1.7, x_r + 1]`` around the sublevel set ``[x_l, x_r] = {f <= f(x0)}``
    (``L = (1.7/x_l)^2``; a ball of radius ``pi = z* x_l/3.4`` around a point of the
    sublevel set stays in the box): ``alpha = 0``. Without a Hessian bound no bound with
    ``alpha >= 0`` exists (docs/theory.md 3.6: ``gamma(x) = 2/||g(x)||`` for ``-log x``)."""
    from numeric.problems.expression import expression_problem
    from theory.tape import compile_tape
    x0 = float(params.get("x0", 0.25))
    if not (x0 > 0 and x0 != 1.0):
        raise ValueError(f"x0 must be positive and not the minimizer 1; got {x0!r}.")
    x = sp.Symbol("x")
    f = x - 1 - sp.log(x)
    vg = compile_tape([f, sp.diff(f, x)], [x])
    hs = compile_tape([sp.diff(f, x, 2)], [x])
    p = expression_problem(vg.to_dict(), hs.to_dict(), np.array([x0]), name="log_barrier",
                           convex=True, f_star=0.0, x_star=np.array([1.0]))
    f0 = x0 - 1 - math.log(x0)

    def F(t):
        return t - 1 - math.log(t) - f0

    x_l = x0 if x0 < 1 else bracket_root(F, 1e-300, 1.0)[0]
    x_r = x0 if x0 > 1 else bracket_root(F, 1.0, 4.0 * f0 + 4.0)[1]
    lo = x_l / 1.7
    cls = _classes().GeneralizedSelfConcordant(nu=3, M_f=2, L=_up(1.0 / lo ** 2))
    return Case(
        name="gsc_log_barrier", problem=p, claim=cls, hessian="exact", convex=True,
        D=_up(max(1.0 - x_l, x_r - 1.0)), D_how="construction", x0=np.array([x0]),
        max_iter=300, box=[(lo, x_r + 1.0)], constants_how={"M": "closed form"},
        params=dict(family="log_barrier", x0=x0),
        description=" ".join(log_barrier_case.__doc__.split()) + f" x0 = {x0:g}.")


def chebyshev_fisher_case(params: dict) -> Case:
    """Chebyshev-Rosenbrock chain ``n = 2`` as the non-convex least-squares problem
    ``f = (1/4)||u||^4``, ``u = ((1 - x1)/2, x2 - 2 x1^2 + 1)``, with the rank-one Fisher
    term ``H = 2 (J^T u)(J^T u)^T`` alone: stationarity claim. On the sublevel set
    ``{||u|| <= U = (4 f0)^(1/4)}`` (``x1 in [1 - 2U, 1 + 2U]``,
    ``x2 in [2 x1^2 - 1 - U, 2 x1^2 - 1 + U]``, inside the box ``X``):
    `fisher_term_gap` with ``S >= ||J||_F``, ``mu = |det J|/||J||_F``, ``L_u = 4``;
    ``L_2`` certified on the box by interval branch and bound
    (``theory.constants.hessian_lipschitz_constant``)."""
    from theory.constants import hessian_lipschitz_constant
    from theory.expr import SymbolicFunction
    x1v, dx2 = float(params.get("x1", 0.6)), float(params.get("dx2", 0.1))
    x0 = np.array([x1v, 2 * x1v * x1v - 1 + dx2])
    p = _problems().chebyshev_rosenbrock(n=2, p=4.0)
    f0 = float(p.value(x0))
    if not f0 > 0:
        raise ValueError("x0 must not be the minimizer (1, 1).")
    U = (4 * f0) ** 0.25
    a, b = 1 - 2 * U - 0.05, 1 + 2 * U + 0.05               # x1 on the sublevel set, widened
    sq = max(a * a, b * b)                                   # the largest x1^2 on [a, b]
    sq_min = min(a * a, b * b) if a * b > 0 else 0.0         # the smallest
    box = [(a, b), (2 * sq_min - 1 - U - 0.05, 2 * sq - 1 + U + 0.05)]
    y1, y2 = sp.symbols("x1 x2")
    fsym = (((1 - y1) / 2) ** 2 + (y2 - 2 * y1 ** 2 + 1) ** 2) ** 2 / 4
    L2 = hessian_lipschitz_constant(SymbolicFunction(fsym, [y1, y2]), box)
    if L2.how != "certified":
        raise ValueError(f"L_2 could not be certified on the box {box} ({L2.how}).")
    S = math.sqrt(0.25 + 1 + 16 * sq)
    err = _approx().fisher_term(4, _up(S), _down(0.5 / S), L_u=4, U=_up(U))
    return Case(
        name="chebyshev_fisher_nonconvex", problem=p,
        claim=_classes().lipschitz_hessian(L2=_up(L2.value)), error_model=err,
        hessian="fisher_term", convex=False, x0=x0, box=box, max_iter=2000,
        constants_how={"M": "certified", "C2": "certified"},
        params=dict(family="chebyshev_fisher", x1=x1v, dx2=dx2),
        description=" ".join(chebyshev_fisher_case.__doc__.split()) + f" x0 = {list(x0)}.")


def _direction(n: int, seed: int) -> np.ndarray:
    """A seeded unit vector (the direction of a far starting point)."""
    d = np.random.default_rng([int(seed), 7919]).standard_normal(int(n))
    return d / np.linalg.norm(d)


def _start(p, params: dict):
    """The start ``x0 + x0_scale u`` (``u`` a seeded unit vector), or ``None`` (the
    builder's default) when ``params`` has no nonzero ``x0_scale``."""
    scale = float(params.get("x0_scale", 0.0))
    return None if not scale else p.x0 + scale * _direction(p.n, int(params.get("seed", 0)))


def _logistic_exact(name="logistic_exact_qsc", m=80, n=4, extra="", lam=1e-2, seed=0,
                    x0_scale=0.0):
    """Synthetic logistic regression with its exact Hessian (QSC, ``Q = max ||a_j||``);
    ``x0 = x0_scale u`` for a seeded unit ``u`` (``0``: the origin), far from the
    minimizer where the QSC bound's worst cases live; ``D = sqrt(2 (f(x0) - f_lo)/lam)``
    (strong convexity) from that ``x0``."""
    args = dict(m=int(m), n=int(n), lam=float(lam), seed=int(seed))
    f_hi, err, D = _computed_minimum("logistic", tuple(sorted(args.items())), float(lam))
    p = _problems().logistic(**args)
    x0 = _start(p, dict(x0_scale=x0_scale, seed=seed))      # p.x0 = 0: the origin
    if x0 is not None:
        D = _up(math.sqrt(2.0 * max(p.value(x0) - (f_hi - err), 0.0) / float(lam)))
        args["x0_scale"] = float(x0_scale)
    R = _max_row_norm(p.data[0])
    return Case(
        name=name, problem=p, claim=_classes().QuasiSelfConcordant(Q=R),
        hessian="exact", convex=True, f_star=f_hi, f_star_how="computed", f_star_err=err, D=D,
        D_how="certified", max_iter=40, constants_how={"M": "certified"}, params=args, x0=x0,
        description=("Synthetic logistic regression, exact Hessian: the logistic loss has "
                     "|l'''| <= l'', so f is QSC with Q = max_j ||a_j|| (alpha = 0, linear rate)."
                     + extra))


def _holder_exhausted(params: dict | None = None):
    """The adaptive search made to run out of trials: ``gamma_0 = 10^6`` and 3 trials
    (``10^6, 5 10^5, 2.5 10^5``, all far above ``gamma(x_0) = |x_0|``), so the run
    ends with ``search_exhausted`` at its first iterate; the theory step is unaffected."""
    c = holder_1d_case({**dict(nu=1.0, x0=1.0), **(params or {})})
    return dataclasses.replace(
        c, name="holder_1d_nu1_exhausted", gamma0=1e6, max_trials=3,
        description=c.description + " The adaptive search is made to run out of trials "
                    "(gamma_0 = 1e6, 3 trials, all far above gamma(x_0) = |x_0| <= 4): it ends with "
                    "search_exhausted at its first iterate.")


def _power_metric(hessian: str, params: dict | None = None):
    """``(1/3)||Ax - b||^3`` with ``A`` square: in the metric ``B = A^T A`` it is
    ``(1/3)||x - x*||_B^3`` whose Hessian is Lipschitz with ``L_2 = 2``."""
    args = {**dict(n=3, p=3.0, seed=1), **(params or {})}
    if float(args["p"]) != 3.0:
        raise ValueError(f"p must be 3 for this case (L_2 = 2 is derived for p = 3); got {args['p']!r}.")
    p = _problems().power(n=int(args["n"]), p=3.0, seed=int(args["seed"]))
    A = p.data[0]
    B = A.T @ A
    F0 = p.value(p.x0)
    D = (3.0 * F0) ** (1.0 / 3.0) * (1 + 1e-12)      # {f <= f0} = {||x - x*||_B <= (3 F0)^(1/3)}
    cls = _classes().lipschitz_hessian(L2=2)
    if hessian == "fisher_term":
        # whitened coordinates: J = I, so S = mu = 1 in the metric B
        err = _approx().fisher_term(3, 1, 1)
        name, extra = "power_p3_fisher_term", " H = the rank-one Fisher term alone (S = mu = 1 in B)."
    else:
        err = _approx().gauss_newton(3, 0)
        name, extra = "power_p3_gauss_newton", " Gauss-Newton is exact for affine u."
    return Case(
        name=name, problem=p, claim=cls, error_model=err, hessian=hessian, convex=True, B=B,
        D=D, D_how="construction", max_iter=60, params=dict(args),
        description=_power_metric.__doc__.split("\n")[0].strip() + extra)


def _rosenbrock_equations(params: dict | None = None):
    """Rosenbrock as equations ``u = (10(x2 - x1^2), 1 - x1)``, ``f = ||u||^2/2``
    (non-convex), Gauss-Newton. On ``{f <= f0}``: ``|x1| <= X = 1 + sqrt(2 f0)``;
    ``D^3 f[h]^3 = -60 (10 h2 - 20 x1 h1) h1^2`` gives ``L_2 = 600 + 1200 X'``
    (``X' = X + 1/C2`` covers every step of length ``<= pi <= 1/C2``);
    ``sum w_i hess u_i = -20 w1 e1 e1^T`` (``L_u = 20``) and
    ``sigma_min(J) >= |det J| / ||J||_F = 10/sqrt(400 X^2 + 101)`` (``mu``)."""
    p = _problems().rosenbrock_equations(2.0)
    x0 = np.array((params or {}).get("x0", p.x0), dtype=np.float64)
    f0 = p.value(x0)
    X = 1.0 + math.sqrt(2 * f0)
    mu = 10.0 / math.sqrt(400 * X * X + 101)
    err = _approx().gauss_newton(2, 20, mu=_down(mu))
    C2 = float(err.C2)
    L2 = 600 + 1200 * (X + 1.0 / C2)
    return Case(
        name="rosenbrock_equations_gn", problem=p, claim=_classes().lipschitz_hessian(L2=_up(L2)),
        error_model=err, hessian="gauss_newton", convex=False, max_iter=80, x0=x0,
        params=dict(p=2.0, x0=[float(v) for v in x0]), description=" ".join(_rosenbrock_equations.__doc__.split()))


def _chebyshev_rosenbrock(params: dict | None = None):
    """Chebyshev-Rosenbrock chain ``n = 3``, ``f = ||u||^2/2`` (non-convex), Gauss-Newton.
    On ``{f <= f0}`` (``r = sqrt(2 f0)``): ``|x1| <= 1 + 2r``, ``|x_i| <= r + 2 x_{i-1}^2 + 1``;
    ``D^3 f[h]^3 = -12 sum_i (h_i - 4 x_{i-1} h_{i-1}) h_{i-1}^2`` gives
    ``L_2 = 12 (1 + 4 X')`` (``X'`` the largest bound, enlarged by ``1/C2``);
    ``L_u = 4``; ``sigma_min(J) >= |det J| / ||J||_F^(n-1)`` with ``|det J| = 1/2``."""
    args = {**dict(n=3, x1=-1.0), **(params or {})}
    n = int(args["n"])
    p = _problems().chebyshev_rosenbrock(n=n, p=2.0)
    x0 = p.x0.copy()
    x0[0] = float(args["x1"])
    r = math.sqrt(2 * p.value(x0))
    X = [1 + 2 * r]
    for _ in range(1, n):
        X.append(r + 2 * X[-1] ** 2 + 1)
    JF = math.sqrt(0.25 + (n - 1) + 16 * sum(x * x for x in X[:-1]))
    mu = 0.5 / JF ** (n - 1)
    err = _approx().gauss_newton(2, 4, mu=_down(mu))
    C2 = float(err.C2)
    L2 = 12 * (1 + 4 * (max(X[:-1]) + 1.0 / C2))
    return Case(
        name="chebyshev_rosenbrock_gn", problem=p, claim=_classes().lipschitz_hessian(L2=_up(L2)),
        error_model=err, hessian="gauss_newton", convex=False, max_iter=80, x0=x0,
        region_claim=_chebyshev_region_claim,
        params=dict(n=n, p=2.0, x1=float(args["x1"])),
        description=" ".join(_chebyshev_rosenbrock.__doc__.split()))


def _chebyshev_region_claim(points, radii):
    """The Lipschitz-Hessian claim of the Chebyshev-Rosenbrock chain (``p = 2``) on the
    balls ``B(x_k, r_k)``: ``|D^3 f(y)[h]^3| <= 12 (1 + 4 X) ||h||^3`` with ``X`` the
    largest ``|y_i|``, ``i < n - 1``, on them (the derivation of the docstring above, on
    a region instead of the sublevel set)."""
    P = np.asarray(points, float)
    X = float(np.max(np.abs(P[:, :-1]).max(axis=1) + np.asarray(radii, float)))
    return _classes().lipschitz_hessian(L2=_up(12 * (1 + 4 * X)))


def _logsumexp(params: dict | None = None):
    """LogSumExp ``mu lse((Ax - b)/mu)``, weighted Gauss-Newton. ``|D^3 f[u,h,h]| <=
    (2R/mu) ||u|| <hess f h, h>`` (a centered third moment is at most twice the range
    of ``<a_j,u>`` times the variance): QSC with ``Q = 2R/mu``, ``R = max ||a_j||``;
    error model ``||E|| = ||g||^2/mu <= (R/mu)||g||``. ``D`` unknown: stationarity claim."""
    args = {**dict(n=5, m=12, mu=1.0, seed=0), **(params or {})}
    mu = float(args["mu"])
    p = _problems().logsumexp(n=int(args["n"]), m=int(args["m"]), mu=mu, seed=int(args["seed"]))
    x0 = _start(p, args)
    R = _max_row_norm(p.data[0])
    return Case(
        name="logsumexp_weighted_gn", problem=p, claim=_classes().QuasiSelfConcordant(Q=2 * R / mu),
        error_model=_approx().weighted_gauss_newton_lse(mu, R), hessian="weighted_gn", convex=False,
        max_iter=60, x0=x0, constants_how={"M": "certified", "C2": "certified"},
        region_claim=lambda points, radii: _lse_diameter_claim(p.data[0], mu),
        params=dict(args), description=" ".join(_logsumexp.__doc__.split()))


def _lse_diameter_claim(A, mu: float):
    """QSC for LogSumExp with the data's own constant: the third moment of ``<a_j, u>``
    under the softmax weights is at most its range times its variance, and the range is
    at most ``||u|| diam{a_j}``: ``Q = diam/mu <= 2R/mu`` (everywhere, so on any region)."""
    A = np.asarray(A, float)
    diam = max(float(np.linalg.norm(A[i] - A[j])) for i in range(len(A)) for j in range(i))
    return _classes().QuasiSelfConcordant(Q=_up(diam / mu))


def _cosh_l0l1(params: dict | None = None):
    """``(1/m) sum cosh(a_j^T x - b_j)`` with square full-rank ``A`` (``m = n = 2``), ``H = 0``:
    ``||hess f|| <= (||A||^2/m)(1 + ||sinh r||)`` and ``||g|| >= sigma_min(A) ||sinh r|| / m``,
    so ``(L0, L1) = (||A||^2/m, ||A||^2/sigma_min(A))``. Stationarity claim."""
    args = {**dict(n=2, seed=3), **(params or {})}
    n = int(args["n"])
    p = _problems().cosh_sum(n=n, m=n, spread=0.0, seed=int(args["seed"]))
    x0 = _start(p, args)            # far starts: where the (L0, L1) bound binds
    A = p.data[0]
    s = np.linalg.svd(A, compute_uv=False)
    L0 = _up(s[0] ** 2 / n)
    L1 = _up(s[0] ** 2 / _down(s[-1]))
    return Case(
        name="cosh_l0l1_zero", problem=p, claim=_classes().L0L1Smooth(L0=L0, L1=L1), hessian="zero",
        convex=False, max_iter=400, x0=x0, constants_how={"M": "certified"},
        params={**args, "m": n},
        description=" ".join(_cosh_l0l1.__doc__.split()))


def _polytope(params: dict | None = None):
    """Polytope feasibility, ``p = 2``: ``hess f = A^T diag(1[r > 0]) A`` varies by at most
    ``||A||^2``: bounded Hessian variation with ``L_0 = ||A||^2``. Stationarity claim."""
    args = {**dict(n=3, m=8, seed=0), **(params or {})}
    p = _problems().polytope(n=int(args["n"]), m=int(args["m"]), p=2.0, seed=int(args["seed"]))
    x0 = _start(p, args)
    L0 = _up(np.linalg.norm(p.data[0], 2) ** 2)
    return Case(
        name="polytope_bounded_variation", problem=p,
        claim=_classes().bounded_hessian_variation(L0=L0), hessian="exact", convex=False,
        max_iter=80, x0=x0, constants_how={"M": "certified"}, params=dict(args),
        description=" ".join(_polytope.__doc__.split()))


def _nesterov_chain(params: dict | None = None):
    """Nesterov's chain ``n = 4``: ``hess f = D^T diag(L|d|) D`` with ``||D|| <= 2`` is
    Lipschitz with ``L_2 = 8 L``. Stationarity claim."""
    args = {**dict(n=4, L=1.0), **(params or {})}
    L = float(args["L"])
    p = _problems().nesterov_chain(n=int(args["n"]), L=L)
    x0 = _start(p, args)
    return Case(
        name="nesterov_chain_lipschitz", problem=p,
        claim=_classes().lipschitz_hessian(L2=8 * sp.nsimplify(L)),
        hessian="exact", convex=False, max_iter=80, x0=x0, params=dict(args),
        description=" ".join(_nesterov_chain.__doc__.split()))


def _quadratic_exact(params: dict | None = None):
    args = {**dict(n=4, cond=50.0, seed=2), **(params or {})}
    p = _problems().quadratic(n=int(args["n"]), cond=float(args["cond"]), seed=int(args["seed"]))
    ev = np.linalg.eigvalsh(p.data[0])
    F0 = p.value(p.x0) - p.f_star
    return Case(
        name="quadratic_newton", problem=p, claim=_classes().lipschitz_hessian(L2=sp.Rational(1, 10**6)),
        hessian="exact",
        convex=True, D=_up(math.sqrt(2 * F0 / _down(ev[0]))), D_how="certified", max_iter=10,
        params=dict(args),
        description=("Quadratic, exact Hessian: the residual vanishes and gamma = inf, so every "
                     "L2 >= 0 is a valid Lipschitz constant; L2 = 1e-6 > 0 keeps lambda > 0 (with "
                     "pi = inf the inequalities degenerate to 0/0 once g reaches rounding level)."))


def _synthetic_indefinite(params: dict | None = None):
    args = {**dict(n=3, cond=5.0, seed=4, C2=0.3, beta=0.5), **(params or {})}
    p = _problems().quadratic(n=int(args["n"]), cond=float(args["cond"]), seed=int(args["seed"]))
    ev = np.linalg.eigvalsh(p.data[0])
    F0 = p.value(p.x0) - p.f_star
    C2, beta = float(args["C2"]), float(args["beta"])
    return Case(
        name="synthetic_indefinite", problem=p, claim=_classes().lipschitz_hessian(L2=sp.Rational(1, 10**6)),
        error_model=_approx().synthetic(0, C2, beta), hessian="perturbed",
        hessian_params=dict(C1=0.0, C2=C2, beta=beta, seed=0), convex=True,
        D=_up(math.sqrt(2 * F0 / _down(ev[0]))), D_how="certified", max_iter=60,
        params={k: args[k] for k in ("n", "cond", "seed", "C2", "beta")},
        description=(f"Quadratic with an indefinite synthetic perturbation (C1 = 0, C2 = {C2:g}, "
                     f"beta = {beta:g}): gamma(x) >= ||g||^beta / C2 exactly, but H may be indefinite "
                     "(Lemma 1 not claimed)."))


_BUILDERS = {
    "holder_1d_nu1": lambda: holder_1d_case(dict(nu=1.0, x0=1.0)),
    "holder_1d_nu0.5": lambda: holder_1d_case(dict(nu=0.5, x0=2.0)),
    "holder_1d_nu0.25": lambda: holder_1d_case(dict(nu=0.25, x0=-1.5)),
    "power_p3_gauss_newton": lambda: _power_metric("gauss_newton"),
    "power_p3_fisher_term": lambda: _power_metric("fisher_term"),
    "quartic_n3": lambda: quartic_case(dict(n=3, lam=0.2, seed=0)),
    "quadratic_newton": _quadratic_exact,
    "holder_third_1d_nu0.5": lambda: holder_third_1d_case(dict(nu=0.5, x0=1.5)),
    "quadratic_zero_n4": lambda: quadratic_zero_case(dict(n=4, cond=8.0, seed=1)),
    "nesterov_chain_lipschitz": _nesterov_chain,
    "polytope_bounded_variation": _polytope,
    "cosh_l0l1_zero": _cosh_l0l1,
    "logistic_exact_qsc": _logistic_exact,
    "logistic_wide_exact_qsc": lambda: _logistic_exact(
        "logistic_wide_exact_qsc", m=5, n=20,
        extra=" Five samples in 20 dimensions: the Hessian is lam I plus a rank-5 term, so the "
              "step is solved by Sherman-Morrison-Woodbury (3 k <= n)."),
    "holder_1d_nu1_exhausted": _holder_exhausted,
    "logistic_breast_cancer_fisher": lambda: _logistic_fisher(
        "logistic_breast_cancer_fisher", "logistic_breast_cancer", dict(lam=1e-2), 1e-2, 40,
        "Regularized logistic regression on breast_cancer, Fisher approximation: QSC class "
        "(Q = max ||a_j||) + Fisher error model (C1 = R^2 f*, C2 = R^2 D, beta = 0); f* computed "
        "with a certified strong-convexity error bound."),
    "softmax_wine_fisher": lambda: _logistic_fisher(
        "softmax_wine_fisher", "softmax_wine", dict(lam=1e-2), 1e-2, 40,
        "Softmax regression on wine, Fisher approximation: QSC (Q = 2 max ||a_j||) + Fisher "
        "error model (C1 = 2 R^2 f*, C2 = 2 R^2 D)."),
    "softmax_digits_fisher": lambda: _logistic_fisher(
        "softmax_digits_fisher", "softmax_digits", dict(lam=1e-2), 1e-2, 25,
        "Softmax regression on digits (n = 640), Fisher approximation: QSC (Q = 2 max ||a_j||) "
        "+ Fisher error model (C1 = 2 R^2 f*, C2 = 2 R^2 D)."),
    "gsc_log_barrier": lambda: log_barrier_case(dict(x0=0.25)),
    "chebyshev_fisher_nonconvex": lambda: chebyshev_fisher_case(dict(x1=0.6, dx2=0.1)),
    "logistic_separable_fisher": lambda: separable_logistic_case(
        dict(m=30, n=3, margin=0.3, seed=10)),
    "logsumexp_weighted_gn": _logsumexp,
    "chebyshev_rosenbrock_gn": _chebyshev_rosenbrock,
    "rosenbrock_equations_gn": _rosenbrock_equations,
    "synthetic_psd_nu1_beta0.5": lambda: synthetic_case(dict(C2=1.0, beta=0.5, x0=1.0)),
    "synthetic_psd_nu1_beta0": lambda: synthetic_case(dict(C2=0.5, beta=0.0, x0=1.0)),
    "synthetic_indefinite": _synthetic_indefinite,
}
# the family each catalog case is an instance of (every case has one: the instance search
# runs on the class, not only on the catalog's instance)
FAMILY_OF = {
    "holder_1d_nu1": "holder_1d", "holder_1d_nu0.5": "holder_1d_nu0.5",
    "holder_1d_nu0.25": "holder_1d_nu0.25", "power_p3_gauss_newton": "power_p3_gauss_newton",
    "power_p3_fisher_term": "power_p3_fisher_term", "quartic_n3": "quartic",
    "quadratic_newton": "quadratic_newton", "quadratic_zero_n4": "quadratic_zero",
    "holder_third_1d_nu0.5": "holder_third_1d",
    "nesterov_chain_lipschitz": "nesterov_chain", "polytope_bounded_variation": "polytope",
    "cosh_l0l1_zero": "cosh_l0l1", "logistic_exact_qsc": "logistic_exact",
    "logistic_wide_exact_qsc": "logistic_wide", "holder_1d_nu1_exhausted": "holder_1d_exhausted",
    "logistic_breast_cancer_fisher": "logistic_fisher", "softmax_wine_fisher": "softmax_fisher",
    "softmax_digits_fisher": "softmax_fisher", "logsumexp_weighted_gn": "logsumexp",
    "logistic_separable_fisher": "separable_logistic", "gsc_log_barrier": "log_barrier",
    "chebyshev_fisher_nonconvex": "chebyshev_fisher",
    "chebyshev_rosenbrock_gn": "chebyshev_rosenbrock",
    "rosenbrock_equations_gn": "rosenbrock_equations",
    "synthetic_psd_nu1_beta0.5": "synthetic", "synthetic_psd_nu1_beta0": "synthetic_beta0",
    "synthetic_indefinite": "synthetic_indefinite",
}
NAMES = tuple(_BUILDERS)


def get_case(name: str) -> Case:
    """The catalog case called ``name`` (a fresh object)."""
    if name not in _BUILDERS:
        raise ValueError(f"name must be one of {', '.join(NAMES)}; got {name!r}.")
    case = _with_family(_BUILDERS[name](), FAMILY_OF[name])
    case.catalog_name = name
    return case


def default_cases() -> list[Case]:
    """All catalog cases, in catalog order."""
    return [get_case(n) for n in NAMES]


def cases_claiming(class_name: str) -> list[Case]:
    """Catalog cases whose claim is the class ``class_name``."""
    return [c for c in default_cases() if getattr(c.claim, "name", None) == class_name]
