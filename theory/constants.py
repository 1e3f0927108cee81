"""Class constants of a concrete function on a box (``docs/theory.md`` section 6).

Every constant is the supremum over the box of a *bound quantity* ``q(x)`` built
from the derivatives of a :class:`theory.expr.SymbolicFunction` (Euclidean norm,
``B = I``):

=====================================  =====================================================
constant                               ``q(x)`` (``n = 1`` | ``n > 1``)
=====================================  =====================================================
``L_2``  Lipschitz Hessian             ``|f'''|`` | ``||D^3 f(x)||_F``  (``>= ||D^3 f||_op``)
``L_3``  Lipschitz third derivative    ``|f''''|`` | ``||D^4 f(x)||_F``
``L_0``  Hessian variation (``nu=0``)  ``sup f'' - inf f''`` | ``||(sup H_ij - inf H_ij)||_F``
``L_nu`` Hölder Hessian                ``L_0^(1-nu) L_2^nu`` (**`holder interpolation`**)
``Q``    quasi-self-concordance        ``|f'''/f''|`` | ``||D^3 f||_F / (H_ii - sum_j!=i |H_ij|)``
``L0``   given ``L1`` (``(L0,L1)``)    ``|f''| - L1 |f'|`` | ``||H||_F - L1 ||grad f||``
=====================================  =====================================================

``L_2`` and ``L_3`` are suprema of derivative norms by the **`mean value`**
inequality on the convex box (``||H(x) - H(y)|| <= sup ||D^3 f|| ||x - y||``);
for ``n > 1`` the **`frobenius bound`** ``||T||_op <= ||T||_F`` is certified and
the operator norm itself is only sampled (``lower``).

Each function returns a :class:`ConstantResult`. ``how`` says what ``value`` is:

* ``"closed form"``: the exact supremum (1-D, rational-function quantity: the
  maximum over the endpoints, the real roots of the derivative of each smooth
  piece and the kinks of ``|.|``, all found exactly); ``lower == upper == value``
  (up to outward rounding of the exact value to floats).
* ``"certified"``: ``value == upper`` is a proven upper bound on the constant
  (interval branch and bound, :func:`theory.interval.certified_max`), ``lower`` a
  sampled lower estimate *of the constant itself*.
* ``"estimated"``: sampling only (no interval version of some function, or the
  enclosure stayed unbounded); ``value == lower``, ``upper == inf``. Never a
  bound to rely on.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from theory.expr import SymbolicFunction
from theory.interval import Bracket, NotEnclosable, certified_max, sample_points, validate_box, vectorized

HOWS = ("closed form", "certified", "estimated")
FLOAT_SLACK = 1e-9
"""Relative slack for comparing a float64 sample with an enclosure: the sampled
value itself carries float64 evaluation error (**`sampler rounding`**)."""


#: The named inequalities of docs/theory.md sections 6.2-6.3 this module rests on.
INEQUALITIES = {
    "mean value": "||H(x) - H(y)|| <= sup ||D^3 f|| ||x - y|| on a convex box (likewise D^3 f and D^4 f)",
    "frobenius bound": "||T||_op = max_{||u||=1} |T[u,...,u]| <= ||T||_F for a symmetric tensor T",
    "holder interpolation": "||H(x) - H(y)|| <= min(L_0, L_2 ||x - y||) <= L_0^(1-nu) L_2^nu ||x - y||^nu",
    "gershgorin bound": "<H h, h> >= min_i (H_ii - sum_{j!=i} |H_ij|) ||h||^2",
    "critical point max": "max_[a,b] q is attained at a, b, or a critical point of a smooth piece of q",
    "sampler rounding": "a float64 sample may exceed sup q by its evaluation error; upper < lower - 1e-9 (1 + |lower|) raises",
}


@dataclass(frozen=True)
class ConstantResult(Bracket):
    """A class constant: ``lower <= constant <= upper`` (``lower`` sampled, see ``how``)."""

    name: str
    value: float
    how: str
    lower: float
    upper: float
    details: dict = field(default_factory=dict)


# -- options ---------------------------------------------------------------------

_DEFAULTS = dict(rtol=1e-3, max_boxes=2000, max_depth=40, samples=128, seed=0)


def _options(opts: dict) -> dict:
    unknown = set(opts) - set(_DEFAULTS) - {"closed_form"}
    if unknown:
        raise ValueError(f"options must be among {sorted(_DEFAULTS) + ['closed_form']}, got {sorted(unknown)}.")
    return {**_DEFAULTS, **opts}


def _check_fun(fun) -> SymbolicFunction:
    if not isinstance(fun, SymbolicFunction):
        raise ValueError(f"fun must be a SymbolicFunction, got {type(fun).__name__}.")
    return fun


def _round_up(v: float) -> float:
    return math.nextafter(v, math.inf) if math.isfinite(v) else v


def _add_up(a: float, b: float) -> float:
    """A float ``>= a + b`` (exact sum when it is representable)."""
    s = a + b
    if math.isfinite(s) and Fraction(a) + Fraction(b) > Fraction(s):
        s = _round_up(s)
    return s


# -- closed forms (1-D) -------------------------------------------------------------

def _exact_end(v: float) -> sp.Rational:
    """The exact binary value of a float box end (the box the interval path uses)."""
    num, den = float(v).as_integer_ratio()
    return sp.Rational(num, den)


def _roots_in(e: sp.Expr, x: sp.Symbol, a, b, max_degree: int = 24):
    """Real roots of the rational function ``e`` strictly inside ``(a, b)``, or
    ``None`` when ``e`` is not rational in ``x`` (no closed form attempted)."""
    num = sp.numer(sp.together(e))
    if num.is_zero:
        return set()
    if not num.is_polynomial(x):
        return None
    poly = sp.Poly(sp.expand(num), x)
    if poly.degree() > max_degree:
        return None
    if poly.degree() <= 0:
        return set()
    return {r for r in poly.real_roots() if bool(a < r) and bool(r < b)}


def closed_form_max(q: sp.Expr, x: sp.Symbol, lo: float, hi: float):
    """``(exact, argmax)`` with ``exact = max_{[lo, hi]} q`` for a 1-D quantity that
    is rational in ``x`` up to ``|.|`` of rational pieces, or ``None``.

    The maximum of a piecewise-smooth ``q`` is attained at an endpoint, at a
    critical point of a smooth piece (``q_s' = 0`` with the signs ``s`` of the
    ``|.|`` arguments fixed) or at a kink (an ``|.|`` argument vanishes)
    (**`critical point max`**). Returns ``None`` if any of these is not a
    polynomial equation or a denominator vanishes on the interval.
    """
    a, b = _exact_end(lo), _exact_end(hi)
    absolutes = sorted(q.atoms(sp.Abs), key=sp.default_sort_key)
    if len(absolutes) > 3:
        return None
    candidates = {a, b}
    for A in absolutes:
        roots = _roots_in(A.args[0], x, a, b)
        if roots is None:
            return None
        candidates |= roots
    for signs in itertools.product((1, -1), repeat=len(absolutes)):
        piece = sp.together(q.xreplace({A: s * A.args[0] for A, s in zip(absolutes, signs)}))
        poles = _roots_in(sp.denom(piece), x, a - 1, b + 1)
        if poles is None or any(a <= p <= b for p in poles):
            return None
        roots = _roots_in(sp.diff(piece, x), x, a, b)
        if roots is None:
            return None
        candidates |= roots
    scored = [(sp.N(q.subs(x, c), 40), c) for c in candidates]
    best_val, best_c = max(scored, key=lambda t: t[0])
    exact = q.subs(x, best_c)
    if sp.count_ops(exact) < 60:
        exact = sp.simplify(exact)
    return exact, float(sp.N(best_c, 20))


# -- the generic supremum ------------------------------------------------------------

def _sup(fun: SymbolicFunction, box, q: sp.Expr, opts: dict):
    """``(how, upper, lower, argmax, details)`` for ``sup_box q``."""
    arr = validate_box(box, fun.n)
    if fun.n == 1 and opts.get("closed_form", True):
        try:
            found = closed_form_max(q, fun.x[0], arr[0, 0], arr[0, 1])
        except (NotImplementedError, sp.polys.polyerrors.BasePolynomialError):
            found = None  # e.g. real roots over ZZ[pi]: fall back to certification
        if found is not None:
            exact, xm = found
            v = float(sp.N(exact, 30))
            up = _round_up(v) if sp.N(exact - v, 30) > 0 else v
            lowv = math.nextafter(v, -math.inf) if sp.N(exact - v, 30) < 0 else v
            return "closed form", up, lowv, np.array([xm]), {"exact": exact, "quantity": q}
    kw = {k: opts[k] for k in ("rtol", "max_boxes", "max_depth", "samples", "seed")}
    try:
        res = certified_max(q, fun.x, arr, **kw)
    except NotEnclosable as exc:
        pts = sample_points(arr, 8 * opts["samples"] + 64, opts["seed"])
        vals = vectorized(q, fun.x)(pts)
        if not np.all(np.isfinite(vals)):
            bad = pts[np.argmin(np.isfinite(vals))]
            raise ValueError(f"the expression is not finite at the box point {bad.tolist()}; "
                             "choose a box inside its domain.") from None
        i = int(np.argmax(vals))
        return "estimated", math.inf, float(vals[i]), pts[i], {"reason": str(exc), "quantity": q}
    details = {"quantity": q, "status": res.status, "boxes": res.boxes, "bound_gap": res.gap}
    if res.upper < res.lower - FLOAT_SLACK * (1 + abs(res.lower)):
        raise RuntimeError(f"interval enclosure of {q} is below a sampled value "
                           f"({res.upper} < {res.lower}); the enclosure is unsound.")
    if not math.isfinite(res.upper):
        details["reason"] = "the enclosure stayed unbounded on some sub-box within the budget"
        return "estimated", math.inf, res.lower, res.argmax, details
    return "certified", res.upper, res.lower, res.argmax, details


def _result(name, how, upper, lower, details, true_lower=None) -> ConstantResult:
    """Assemble a result; ``true_lower`` is a sampled lower estimate of the
    constant itself when the bound quantity over-estimates it (``n > 1``)."""
    low = lower if true_lower is None else true_lower
    value = upper if how in ("closed form", "certified") else low
    if how == "closed form" and true_lower is not None:
        how = "certified"  # exact sup of a bound quantity, not of the constant
    return ConstantResult(name=name, value=float(value), how=how, lower=float(low),
                          upper=float(upper), details=details)


# -- tensor norms (sampled lower estimates of operator norms) --------------------------

def _contract(T: np.ndarray, u: np.ndarray, times: int) -> np.ndarray:
    for _ in range(times):
        T = T @ u
    return T


def symmetric_norm_lower(T: np.ndarray, seed: int = 0, iters: int = 30) -> float:
    """A lower estimate of ``||T||_op = max_{||u||=1} |T[u,...,u]|`` of a symmetric
    tensor (equality of the two norms for symmetric tensors): the largest
    ``|T[u,...,u]|`` over coordinate, diagonal and random unit ``u``, each refined by
    the power iteration ``u <- T[., u, ..., u] / ||.||``."""
    k, n = T.ndim, T.shape[0]
    if k == 2:
        return float(np.linalg.norm(T, 2))
    rng = np.random.default_rng(seed)
    starts = list(np.eye(n)) + [np.ones(n) / math.sqrt(n)] + list(rng.standard_normal((4, n)))
    best = 0.0
    for u in starts:
        u = u / np.linalg.norm(u)
        for _ in range(iters):
            best = max(best, abs(float(_contract(T, u, k))))
            w = _contract(T, u, k - 1)
            nw = np.linalg.norm(w)
            if not np.isfinite(nw) or nw == 0:
                break
            u = w / nw
        best = max(best, abs(float(_contract(T, u, k))))
    return best


def _frobenius(fun: SymbolicFunction, order: int) -> sp.Expr:
    """``||D^order f(x)||_F`` as a sympy expression (each symmetric entry counted
    with its number of index permutations): ``||T||_op <= ||T||_F`` (**`frobenius bound`**)."""
    terms = []
    for idx, e in fun.derivatives(order, tidy=True).items():
        mult = len(set(itertools.permutations(idx)))
        terms.append(mult * e ** 2)
    return sp.sqrt(sp.Add(*terms))


def _sampled(fun, box, opts, per_point, extra=()):
    """``max`` of ``per_point(x)`` over sample points of the box (plus ``extra``)."""
    arr = validate_box(box, fun.n)
    pts = list(sample_points(arr, opts["samples"], opts["seed"])) + [np.asarray(e, float) for e in extra]
    vals = [per_point(p) for p in pts]
    vals = [v for v in vals if np.isfinite(v)]
    return max(vals) if vals else -math.inf


# -- the constants ---------------------------------------------------------------------

def _derivative_norm_constant(fun, box, order: int, name: str, opts) -> ConstantResult:
    fun = _check_fun(fun)
    opts = _options(opts)
    if fun.n == 1:
        q = sp.Abs(fun.derivative((0,) * order, tidy=True))
        how, up, low, xm, det = _sup(fun, box, q, opts)
        return _result(name, how, up, low, det)
    how, up, low, xm, det = _sup(fun, box, _frobenius(fun, order), opts)
    if order == 3:
        tensor_at = fun.numpy_functions()["third"]
    else:
        derivs = fun.derivatives(order)
        fns = {k: vectorized(e, fun.x) for k, e in derivs.items()}

        def tensor_at(x):
            T = np.empty((fun.n,) * order)
            for k, f in fns.items():
                val = f(np.asarray(x)[None, :])[0]
                for p in set(itertools.permutations(k)):
                    T[p] = val
            return T
    true_low = _sampled(fun, box, opts, lambda p: symmetric_norm_lower(tensor_at(p)), [xm])
    det["norm"] = "Frobenius norm bound of the operator norm"
    return _result(name, how, up, low, det, true_lower=true_low)


def hessian_lipschitz_constant(fun: SymbolicFunction, box, **opts) -> ConstantResult:
    """``L_2 = sup_box ||D^3 f(x)||_op`` (Lipschitz constant of the Hessian on the
    convex box). ``n > 1``: the certified bound is on ``sup ||D^3 f||_F``."""
    return _derivative_norm_constant(fun, box, 3, "L_2", opts)


def third_lipschitz_constant(fun: SymbolicFunction, box, **opts) -> ConstantResult:
    """``L_3 = sup_box ||D^4 f(x)||_op`` (Lipschitz constant of ``D^3 f`` on the
    box). ``n > 1``: the certified bound is on ``sup ||D^4 f||_F``."""
    return _derivative_norm_constant(fun, box, 4, "L_3", opts)


def _combine_how(*hows: str) -> str:
    if "estimated" in hows:
        return "estimated"
    return "certified" if "certified" in hows else "closed form"


def hessian_variation_constant(fun: SymbolicFunction, box, **opts) -> ConstantResult:
    """``L_0 = sup_{x,y in box} ||hess f(x) - hess f(y)||_op`` (Hölder, ``nu = 0``).

    ``n = 1``: ``sup f'' - inf f''``. ``n > 1``: every entry moves inside
    ``[inf H_ij, sup H_ij]``, so ``||H(x) - H(y)||_op <= ||(sup H_ij - inf H_ij)_ij||_F``.
    """
    fun = _check_fun(fun)
    opts = _options(opts)
    widths, hows, lows, argmaxes = {}, [], {}, []
    for idx, e in fun.derivatives(2, tidy=True).items():
        h1, up1, lo1, x1, _ = _sup(fun, box, e, opts)
        h2, up2, lo2, x2, _ = _sup(fun, box, -e, opts)
        widths[idx] = _add_up(up1, up2)
        lows[idx] = lo1 + lo2
        hows += [h1, h2]
        argmaxes += [x1, x2]
    how = _combine_how(*hows)
    mult = {idx: len(set(itertools.permutations(idx))) for idx in widths}
    upper = _round_up(math.sqrt(sum(mult[i] * w ** 2 for i, w in widths.items())) * (1 + 4e-16))
    if how == "estimated":
        upper = math.inf
    if fun.n == 1:
        (idx,) = widths
        upper = widths[idx] if how != "estimated" else math.inf
        lower = lows[idx]
        return ConstantResult("L_nu", upper if how != "estimated" else lower, how, lower, upper,
                              {"nu": 0.0, "argmax": argmaxes})
    lower = _pair_ratio_lower(fun, box, 0.0, opts, argmaxes)
    how = "estimated" if how == "estimated" else "certified"
    return ConstantResult("L_nu", upper if how != "estimated" else lower, how, lower, upper,
                          {"nu": 0.0, "norm": "Frobenius norm of entrywise ranges",
                           "argmax": argmaxes})


def _pair_ratio_lower(fun, box, nu: float, opts, special=()) -> float:
    """Sampled ``max ||H(x) - H(y)||_op / ||x - y||^nu`` over pairs: random pairs,
    pairs of the given special points (also changed in one coordinate only), and
    close pairs around each special point."""
    arr = validate_box(box, fun.n)
    hess = fun.numpy_functions()["hess"]
    rng = np.random.default_rng(opts["seed"])
    pts = sample_points(arr, opts["samples"], opts["seed"])
    pairs = [(pts[i], pts[j]) for i, j in rng.integers(0, len(pts), (2 * len(pts), 2)) if i != j]
    special = [np.clip(np.asarray(s, float), arr[:, 0], arr[:, 1]) for s in special]
    pairs += [(s, t) for s in special for t in special if np.any(s != t)]
    for s in special:  # pairs that differ in one coordinate only
        for t in special:
            for i in np.flatnonzero(s != t):
                t1 = s.copy()
                t1[i] = t[i]
                pairs.append((s, t1))
    width = arr[:, 1] - arr[:, 0]
    for s in special:
        for delta in 10.0 ** -np.arange(1, 7):
            t = np.clip(s + delta * width, arr[:, 0], arr[:, 1])
            t2 = np.clip(s - delta * width, arr[:, 0], arr[:, 1])
            pairs += [(s, t), (s, t2), (t2, t)]
    best = 0.0
    for p, r in pairs:
        d = float(np.linalg.norm(p - r))
        if d > 0:
            best = max(best, float(np.linalg.norm(hess(p) - hess(r), 2)) / d ** nu)
    return best


def hessian_holder_constant(fun: SymbolicFunction, box, nu: float, **opts) -> ConstantResult:
    """``L_nu = sup_{x != y} ||hess f(x) - hess f(y)|| / ||x - y||^nu``, ``nu in [0, 1]``.

    ``nu = 1`` is ``L_2`` and ``nu = 0`` is :func:`hessian_variation_constant`.
    For ``0 < nu < 1`` the bound is the **`holder interpolation`**
    ``L_nu <= L_0^(1-nu) L_2^nu`` (from ``||H(x)-H(y)|| <= min(L_0, L_2 ||x-y||)``
    and ``min(A, B) <= A^(1-nu) B^nu``); it is a proven upper bound, not the
    supremum, so it is reported as "certified" even when both factors are closed forms.
    """
    fun = _check_fun(fun)
    try:
        nu = float(nu)
    except (TypeError, ValueError):
        raise ValueError(f"nu must be a number in [0, 1], got {nu!r}.") from None
    if not 0.0 <= nu <= 1.0:
        raise ValueError(f"nu must be a number in [0, 1], got {nu!r}.")
    if nu == 1.0:
        r = hessian_lipschitz_constant(fun, box, **opts)
        return ConstantResult("L_nu", r.value, r.how, r.lower, r.upper, {**r.details, "nu": 1.0})
    var = hessian_variation_constant(fun, box, **opts)
    if nu == 0.0:
        return var
    lip = hessian_lipschitz_constant(fun, box, **opts)
    how = "estimated" if "estimated" in (var.how, lip.how) else "certified"
    upper = _round_up(var.upper ** (1 - nu) * lip.upper ** nu * (1 + 1e-15)) if how == "certified" else math.inf
    special = list(var.details.get("argmax", []))
    lower = _pair_ratio_lower(fun, box, nu, _options(opts), special)
    return ConstantResult("L_nu", upper if how == "certified" else lower, how, lower, upper,
                          {"nu": nu, "L_0": var, "L_2": lip, "method": "holder interpolation"})


def qsc_constant(fun: SymbolicFunction, box, **opts) -> ConstantResult:
    """``Q = sup |D^3 f(x)[u,h,h]| / (||u|| <hess f(x) h, h>)`` on the box
    (quasi-self-concordance); needs ``hess f`` positive definite on the box.

    ``n = 1``: ``Q = sup |f'''/f''|``. ``n > 1``: ``|D^3 f[u,h,h]| <=
    ||D^3 f||_op ||u|| ||h||^2`` and ``<hess h,h> >= lambda_min ||h||^2 >=
    min_i (H_ii - sum_{j != i} |H_ij|) ||h||^2`` (**`gershgorin bound`**), so
    ``Q <= max_i sup ||D^3 f||_F / (H_ii - sum_{j != i} |H_ij|)``, valid when each
    denominator is positive on the box.
    """
    fun = _check_fun(fun)
    opts = _options(opts)
    arr = validate_box(box, fun.n)
    hess = fun.numpy_functions()["hess"]
    pts = sample_points(arr, opts["samples"], opts["seed"])
    eig = np.array([np.linalg.eigvalsh(hess(p))[0] for p in pts])
    if not np.all(eig > 0):
        i = int(np.argmin(eig))
        raise ValueError(f"fun must have a positive definite Hessian on the box for a QSC constant; "
                         f"its smallest eigenvalue is {eig[i]:.3g} at x = {pts[i].tolist()}.")
    if fun.n == 1:
        f2, f3 = fun.derivative((0, 0)), fun.derivative((0, 0, 0))
        ratio = sp.cancel(f3 / f2)
        if sp.count_ops(ratio) > 40:
            ratio = sp.together(f3 / f2)
        elif not ratio.is_rational_function(fun.x[0]):
            simpler = sp.simplify(ratio)
            ratio = simpler if sp.count_ops(simpler) <= sp.count_ops(ratio) else ratio
        how, up, low, xm, det = _sup(fun, box, sp.Abs(ratio), opts)
        return _result("Q", how, up, low, det)
    H = sp.Matrix(fun.n, fun.n, lambda i, j: fun.derivative((i, j), tidy=True))
    F = _frobenius(fun, 3)
    gersh = [H[i, i] - sp.Add(*[sp.Abs(H[i, j]) for j in range(fun.n) if j != i]) for i in range(fun.n)]
    gvals = np.array([vectorized(g, fun.x)(pts) for g in gersh])
    parts = []
    if np.all(gvals > 0):
        parts = [_sup(fun, box, F / g, opts) for g in gersh]
    funcs = fun.numpy_functions()

    def true_ratio(x):
        L = np.linalg.cholesky(funcs["hess"](x))
        T = funcs["third"](x)
        rng = np.random.default_rng(opts["seed"])
        best = 0.0
        for u in list(np.eye(fun.n)) + list(rng.standard_normal((4, fun.n))):
            M = np.linalg.solve(L, np.linalg.solve(L, T @ u).T)
            best = max(best, float(np.linalg.norm(M, 2)) / float(np.linalg.norm(u)))
        return best
    true_low = _sampled(fun, box, opts, true_ratio, [p[3] for p in parts])
    if not parts:
        return ConstantResult("Q", true_low, "estimated", true_low, math.inf,
                              {"reason": "the Gershgorin lower bound on lambda_min(hess f) "
                                         "is not positive on the box"})
    how = _combine_how(*[p[0] for p in parts])
    how = "estimated" if how == "estimated" else "certified"
    upper = max(p[1] for p in parts) if how == "certified" else math.inf
    return ConstantResult("Q", upper if how == "certified" else true_low, how, true_low, upper,
                          {"norm": "Frobenius over Gershgorin", "parts": [p[4] for p in parts]})


def l0_constant(fun: SymbolicFunction, box, L1: float, **opts) -> ConstantResult:
    """The smallest ``L0 >= 0`` with ``||hess f(x)|| <= L0 + L1 ||grad f(x)||`` on the
    box: ``L0 = max(0, sup_box (||hess f|| - L1 ||grad f||))``.

    ``n = 1``: ``|f''| - L1 |f'|``. ``n > 1``: ``||hess f||_op <= ||hess f||_F``, so
    the certified bound is on ``sup (||hess f||_F - L1 ||grad f||_2)``.
    """
    fun = _check_fun(fun)
    opts = _options(opts)
    try:
        L1f = float(L1)
    except (TypeError, ValueError):
        raise ValueError(f"L1 must be a finite number >= 0, got {L1!r}.") from None
    if not (math.isfinite(L1f) and L1f >= 0):
        raise ValueError(f"L1 must be a finite number >= 0, got {L1!r}.")
    L1e = sp.Rational(repr(L1f))
    if fun.n == 1:
        q = sp.Abs(fun.derivative((0, 0), tidy=True)) - L1e * sp.Abs(fun.derivative((0,), tidy=True))
        how, up, low, xm, det = _sup(fun, box, q, opts)
        res = _result("L0", how, up, low, det)
    else:
        q = _frobenius(fun, 2) - L1e * sp.sqrt(sp.Add(*[e ** 2 for e in fun.derivatives(1, tidy=True).values()]))
        how, up, low, xm, det = _sup(fun, box, q, opts)
        funcs = fun.numpy_functions()
        true_low = _sampled(fun, box, opts, lambda p: float(np.linalg.norm(funcs["hess"](p), 2))
                            - L1f * float(np.linalg.norm(funcs["grad"](p))), [xm])
        res = _result("L0", how, up, low, det, true_lower=true_low)
    clip = {k: max(getattr(res, k), 0.0) for k in ("value", "lower", "upper")}
    return ConstantResult("L0", clip["value"], res.how, clip["lower"], clip["upper"],
                          {**res.details, "L1": L1f, "sup": res.upper})


def convexity_certificate(fun: SymbolicFunction, box, **opts) -> dict:
    """Whether ``f`` is convex on the box, by the ``gershgorin bound``: ``hess f(x)`` is PSD
    wherever ``m(x) = min_i (H_ii(x) - sum_{j != i} |H_ij(x)|) >= 0`` (``n = 1``:
    ``f''(x) >= 0``). Returns ``{"how", "lower", "sampled", "convex"}``: ``lower`` is a
    closed-form or certified lower bound of ``m`` on the box (``-inf`` when only
    estimated), ``sampled`` its smallest sampled value, and ``convex`` whether
    convexity is proven (``lower >= 0``). A negative ``lower`` decides nothing
    (Gershgorin is only sufficient)."""
    fun = _check_fun(fun)
    opts = _options(opts)
    H = fun.hessian
    n = fun.n
    upper, sampled, hows = -math.inf, -math.inf, []
    for i in range(n):
        q = -(H[i, i] - sum(sp.Abs(H[i, j]) for j in range(n) if j != i))
        how, up, low, _, _ = _sup(fun, box, q, opts)
        hows.append(how)
        upper, sampled = max(upper, up), max(sampled, low)
    how = _combine_how(*hows)
    lower = -upper if how != "estimated" else -math.inf
    return {"how": how, "lower": lower, "sampled": -sampled, "convex": bool(lower >= 0.0)}
