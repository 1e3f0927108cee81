"""Certified suprema of smooth expressions on boxes (``docs/theory.md`` section 6).

A *box* is a product of closed intervals ``[a_1, b_1] x ... x [a_n, b_n]``.
For a sympy expression ``q(x)`` this module computes

* an **interval enclosure** ``Q(X) ⊇ {q(x) : x in X}`` of ``q`` on a sub-box
  ``X`` (``interval_enclosure``), by evaluating the expression tree in
  ``mpmath.iv`` interval arithmetic (outward rounding: every operation returns
  an interval containing the exact result of the operation on the operands),
  with ``exp log sqrt sinh cosh tanh`` and non-integer powers enclosed through
  their monotonicity from Arb balls (python-flint) at the end points
  (**`endpoint enclosure`**), and ``sin cos tan`` by ``mpmath.iv`` widened by the
  **`rounding guard`**;
* the **branch-and-bound maximum** (``certified_max``): a priority queue of
  sub-boxes ordered by the upper end of their enclosure; the top box is bisected
  along its relatively widest side until ``upper - lower <= max(atol,
  rtol |lower|)`` (**`enclosure gap`**), where ``lower`` is the largest sampled
  value of ``q``. The returned ``upper`` is the maximum upper end over all
  remaining boxes, so ``sup_box q <= upper`` (**`enclosure bound`**); ``lower``
  is an ordinary floating-point sample (an estimate, ``lower <= sup q`` up to
  float64 evaluation error).

Only the functions in ``ENCLOSABLE`` have interval versions; an expression with
any other function raises :class:`NotEnclosable` and callers fall back to
sampling ("estimated").
"""
from __future__ import annotations

import heapq
import math
import sys
from dataclasses import dataclass, field
from types import SimpleNamespace

import mpmath
import numpy as np
import sympy as sp
from mpmath import iv
from flint import arb
from sympy.printing.pycode import MpmathPrinter

ENCLOSABLE = ("exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "Abs", "sign")
"""Function names (sympy class names) that have a sound interval version
(``sign`` only appears in derivatives of ``Abs``)."""


class NotEnclosable(ValueError):
    """The expression uses a function without an interval version."""


# --- trigonometric functions: mpmath.iv with a guard ------------------------------

GUARD = mpmath.mpf(2) ** -50
"""Relative widening of the trigonometric enclosures (**`rounding guard`**): the
``mpmath.iv`` elementary functions (mpmath 1.3) were found to return degenerate
intervals that miss the true value by one unit in the last place (``iv.exp(2^-24)``),
so each ``sin``/``cos``/``tan`` result ``[a, b]`` is replaced by
``[a, b] * [1 - GUARD, 1 + GUARD]`` (outward rounded): about four units in the last
place at 53-bit precision. The other elementary functions use Arb balls below and
need no guard."""

_WIDEN = iv.mpf([1 - GUARD, 1 + GUARD])


def _guarded(fn):
    def enclose(X):
        return fn(X) * _WIDEN
    enclose.__name__ = fn.__name__ if hasattr(fn, "__name__") else "enclose"
    enclose.__doc__ = f"Guarded interval enclosure of {enclose.__name__}."
    return enclose


iv_sin = _guarded(iv.sin)
iv_cos = _guarded(iv.cos)
iv_tan = _guarded(iv.tan)


# --- elementary functions: Arb balls at the end points ------------------------------

def _float_below(t) -> float:
    """The largest float64 ``<=`` the exact Arb number ``t`` (an end point)."""
    f = float(t)
    if f == math.inf:  # t beyond the largest float (arb(inf) is not comparable)
        return sys.float_info.max
    return math.nextafter(f, -math.inf) if f != -math.inf and arb(f) > t else f


def _float_above(t) -> float:
    """The smallest float64 ``>=`` the exact Arb number ``t`` (an end point)."""
    f = float(t)
    if f == -math.inf:
        return -sys.float_info.max
    return math.nextafter(f, math.inf) if f != math.inf and arb(f) < t else f


def _ball(fn, t: float, limits: tuple[float, float]) -> tuple[float, float]:
    """``(lo, hi)`` floats with ``lo <= fn(t) <= hi``: Arb's ball of ``fn`` at the
    float ``t`` (exact as an Arb number), its ends rounded outward; at ``t = -inf``
    or ``+inf`` the function's limits ``limits``. Raises ValueError where Arb's
    ball is not finite (``t`` outside the domain, or an overflow)."""
    if math.isinf(t):
        v = limits[t > 0]
        return v, v
    B = fn(arb(t))
    if not B.is_finite():
        raise ValueError(f"no finite enclosure of {fn.__name__} at {t!r}")
    return _float_below(B.lower()), _float_above(B.upper())


def _float_ends(X) -> tuple[float, float]:
    """Float64 numbers ``lo <= a`` and ``hi >= b`` around the ends of an ``mpmath.iv``
    interval ``[a, b]``, rounded outward: the ends have 53-bit mantissas but an
    unbounded exponent, so below the subnormal range or above the largest float they
    are not floats. A finite end beyond the float range becomes the largest float of
    its sign (still a bound on the correct side), never an infinity of the wrong side."""
    return lower_end(X), upper_end(X)


def _increasing(fn, limits, X, domain_lo=-math.inf):
    """Enclosure of a function increasing on ``[domain_lo, inf)`` over ``X``:
    ``[lo(fn(a)), hi(fn(b))]`` (**`endpoint enclosure`**). A box reaching below
    the domain raises ValueError (the caller marks it)."""
    a, b = _float_ends(X)
    if a < domain_lo:
        raise ValueError(f"{fn.__name__} is undefined below {domain_lo}")
    lo = limits[0] if a == domain_lo and domain_lo > -math.inf else _ball(fn, a, limits)[0]
    return iv.mpf([lo, _ball(fn, b, limits)[1]])


def iv_exp(X):
    """``exp`` on an interval (increasing)."""
    return _increasing(arb.exp, (0.0, math.inf), X)


def iv_log(X):
    """``log`` on an interval inside ``[0, inf)`` (increasing; ``log 0 = -inf``)."""
    return _increasing(arb.log, (-math.inf, math.inf), X, domain_lo=0.0)


def iv_sqrt(X):
    """``sqrt`` on an interval inside ``[0, inf)`` (increasing; ``sqrt 0 = 0``)."""
    return _increasing(arb.sqrt, (0.0, math.inf), X, domain_lo=0.0)


def iv_sinh(X):
    """``sinh`` on an interval (increasing)."""
    return _increasing(arb.sinh, (-math.inf, math.inf), X)


def iv_tanh(X):
    """``tanh`` on an interval (increasing)."""
    return _increasing(arb.tanh, (-1.0, 1.0), X)


def iv_cosh(X):
    """``cosh`` on an interval: even, increasing in ``|x|``."""
    a, b = _float_ends(X)
    lo, hi = (a, b) if a >= 0 else (-b, -a) if b <= 0 else (0.0, max(-a, b))
    return iv.mpf([_ball(arb.cosh, lo, (math.inf, math.inf))[0],
                   _ball(arb.cosh, hi, (math.inf, math.inf))[1]])


def iv_power(X, Y):
    """``X ** Y`` for a non-integer exponent, ``X`` inside ``[0, inf)``. For ``x > 0``,
    ``x^y`` is monotone in ``x`` for each fixed ``y`` and in ``y`` for each fixed
    ``x``, so its range over the box ``X x Y`` is the hull of its values at the four
    corners (**`endpoint enclosure`**); ``0^y = 0`` for ``y > 0``, ``0^y`` for
    ``y <= 0`` is not finite. Each corner value is an Arb ball."""
    a, b = _float_ends(X)
    ya, yb = _float_ends(Y)
    if a < 0 or (a == 0 and ya <= 0):
        raise ValueError("non-integer power of an interval reaching below 0 (or 0 to a power <= 0)")
    los, his = [], []
    for x in (a, b):
        for y in (ya, yb):
            if x == 0:
                los.append(0.0), his.append(0.0)
                continue
            if math.isinf(x) or math.isinf(y):
                raise ValueError("non-integer power with an infinite end point")
            B = arb(x) ** arb(y)
            if not B.is_finite():
                raise ValueError(f"no finite enclosure of {x!r}**{y!r}")
            los.append(_float_below(B.lower())), his.append(_float_above(B.upper()))
    return iv.mpf([min(los), max(his)])


def iv_sign(X):
    """``sign`` on an interval: ``1`` or ``-1`` off zero, ``[-1, 1]`` otherwise."""
    a, b = _float_ends(X)
    if a > 0:
        return iv.mpf(1)
    if b < 0:
        return iv.mpf(-1)
    return iv.mpf([-1, 1])


_IV_NAMESPACE = SimpleNamespace(
    mpf=iv.mpf, exp=iv_exp, log=iv_log, sqrt=iv_sqrt, sin=iv_sin, cos=iv_cos, tan=iv_tan,
    sinh=iv_sinh, cosh=iv_cosh, tanh=iv_tanh, sign=iv_sign, power=iv_power, pi=iv.pi, e=iv.e,
)


class _IntervalPrinter(MpmathPrinter):
    """Prints every number as an ``iv.mpf`` so constants are enclosed, not rounded."""

    def _print_Float(self, expr):
        r = sp.Rational(expr)
        return f"mpmath.mpf({r.p})/mpmath.mpf({r.q})"

    def _print_Integer(self, expr):
        return f"mpmath.mpf({int(expr)})"

    def _print_Pow(self, expr, rational=False):
        if expr.exp.is_Integer or expr.exp in (sp.S.Half, -sp.S.Half):
            return super()._print_Pow(expr, rational=rational)
        return f"mpmath.power({self._print(expr.base)}, {self._print(expr.exp)})"


def _function_names(expr: sp.Expr) -> set[str]:
    return {type(a).__name__ for a in expr.atoms(sp.Function)} | (
        {"Abs"} if expr.has(sp.Abs) else set())


def interval_enclosure(expr: sp.Expr, variables):
    """Return ``Q(X_1, ..., X_n)``: an ``mpmath.iv`` enclosure of ``expr`` on a box.

    ``Q`` takes one ``iv.mpf`` interval per variable and returns an interval that
    contains ``expr(x)`` for every ``x`` in the box (outward rounding). Raises
    :class:`NotEnclosable` if ``expr`` uses a function outside ``ENCLOSABLE``.
    """
    bad = sorted(_function_names(expr) - set(ENCLOSABLE))
    if bad:
        raise NotEnclosable(
            f"expression uses {', '.join(bad)}, which has no interval version; "
            f"enclosable functions are {', '.join(ENCLOSABLE)}.")
    fn = sp.lambdify(list(variables), expr, modules=[{"mpmath": _IV_NAMESPACE}],
                     printer=_IntervalPrinter)
    return fn


def _mpf_down(v) -> float:
    """The largest float64 ``<=`` the mpmath number ``v`` (exact comparisons; below the
    subnormal range and beyond the largest float as well, where a rounding conversion
    flushes to 0 or overflows)."""
    if mpmath.isnan(v):
        return math.nan
    if mpmath.isinf(v):
        return math.inf if v > 0 else -math.inf
    try:
        f = float(v)
    except OverflowError:  # pragma: no cover - mpmath returns inf instead
        f = math.inf if v > 0 else -math.inf
    if f == math.inf:
        return sys.float_info.max
    return math.nextafter(f, -math.inf) if mpmath.mpf(f) > v else f


def _mpf_up(v) -> float:
    """The smallest float64 ``>=`` the mpmath number ``v`` (see :func:`_mpf_down`)."""
    return -_mpf_down(-v)


def lower_end(X) -> float:
    """A float ``<=`` the lower end of the interval ``X`` (rounded toward -inf)."""
    return _mpf_down(mpmath.mpf(iv.mpf(X).a))


def upper_end(X) -> float:
    """A float ``>=`` the upper end of the interval ``X`` (rounded toward +inf);
    ``inf`` when the enclosure is unbounded or undefined."""
    try:
        u = _mpf_up(mpmath.mpf(iv.mpf(X).b))
    except Exception:  # pragma: no cover - defensive: malformed interval
        return math.inf
    return math.inf if math.isnan(u) else u


def safe_upper(enclose, lo, hi) -> float:
    """Upper end of ``enclose`` on the box ``[lo, hi]``; ``inf`` when the interval
    evaluation fails (division by an interval containing 0, log of an interval
    reaching below 0, ...): such a box is *marked*, never silently dropped."""
    try:
        with np.errstate(all="ignore"):
            X = enclose(*[iv.mpf([float(a), float(b)]) for a, b in zip(lo, hi)])
    except (ArithmeticError, ValueError, TypeError, mpmath.libmp.ComplexResult):
        return math.inf
    return upper_end(X)


def mean_value_enclosure(expr: sp.Expr, variables):
    """``M(X) = q(c) + sum_i [d_i q](X) (X_i - c_i)`` with ``c`` the centre of ``X``:
    an enclosure by the mean value theorem on the convex box (**`mean value form`**),
    whose overestimation shrinks like the square of the box width where the
    natural enclosure's shrinks only linearly. Returns ``None`` if a partial
    derivative has no interval version."""
    variables = list(variables)
    try:
        point = interval_enclosure(expr, variables)
        partials = [interval_enclosure(sp.diff(expr, v), variables) for v in variables]
    except NotEnclosable:
        return None

    def enclose(*X):
        centre = [iv.mpf(Xi.mid) for Xi in X]
        acc = point(*centre)
        for d, Xi, ci in zip(partials, X, centre):
            acc = acc + d(*X) * (Xi - ci)
        return acc
    return enclose


def validate_box(box, n: int) -> np.ndarray:
    """Check a box ``[(a_1, b_1), ..., (a_n, b_n)]`` (or one pair when ``n == 1``)
    and return it as a float64 array of shape ``(n, 2)``."""
    try:
        arr = np.asarray(box, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"box must be {n} pair(s) of finite numbers (lo, hi) with lo < hi.") from None
    if n == 1 and arr.shape == (2,):
        arr = arr.reshape(1, 2)
    if arr.shape != (n, 2):
        raise ValueError(f"box must be {n} pair(s) of finite numbers (lo, hi) with lo < hi, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)) or not np.all(arr[:, 0] < arr[:, 1]):
        raise ValueError(f"box must be {n} pair(s) of finite numbers (lo, hi) with lo < hi.")
    return arr


def sample_points(box: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """Corners (for ``n <= 8``), the centre and ``samples`` uniform points of the box."""
    n = box.shape[0]
    rng = np.random.default_rng(seed)
    pts = [box.mean(axis=1)[None, :], box[:, 0] + (box[:, 1] - box[:, 0]) * rng.random((samples, n))]
    if n <= 8:
        idx = np.array(np.meshgrid(*[[0, 1]] * n, indexing="ij")).reshape(n, -1).T
        pts.append(box[np.arange(n), idx])
    return np.vstack(pts)


def vectorized(expr: sp.Expr, variables):
    """``q(points)`` for an array of points of shape ``(m, n)`` (float64 numpy)."""
    fn = sp.lambdify(list(variables), expr, modules=["numpy", "scipy"])

    def q(points):
        points = np.atleast_2d(points)
        with np.errstate(all="ignore"):
            out = fn(*points.T)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), (points.shape[0],)).copy()
    return q


#: The named inequalities of docs/theory.md section 6.3 this module rests on.
INEQUALITIES = {
    "enclosure bound": "q(X) is contained in Q(X) for every box X, so sup_box q <= max over the leaves of upper(Q(leaf))",
    "endpoint enclosure": "f monotone on X = [a, b]: f(X) lies in the hull of Arb's balls of f at a and b, ends rounded outward to float64",
    "rounding guard": "every sin, cos, tan result [a, b] of mpmath.iv is widened to [a, b] * [1 - 2^-50, 1 + 2^-50]",
    "mean value form": "q(X) is contained in q(c) + sum_i Q_i(X) (X_i - c_i), Q_i an enclosure of dq/dx_i",
    "enclosure gap": "branch and bound stops when upper - lower <= max(atol, rtol |lower|)",
}


class Bracket:
    """Mixin for results with a certified ``upper`` and a sampled ``lower`` end."""

    @property
    def gap(self) -> float:
        """``upper - lower``: how far the certificate is from the sampled estimate."""
        return self.upper - self.lower


@dataclass
class SupBound(Bracket):
    """``lower <= sup_box q <= upper`` (``upper`` certified, ``lower`` sampled)."""

    upper: float
    lower: float
    argmax: np.ndarray
    status: str
    boxes: int
    details: dict = field(default_factory=dict)


def certified_max(expr: sp.Expr, variables, box, *, rtol: float = 1e-3, atol: float = 1e-12,
                  max_boxes: int = 2000, max_depth: int = 40, samples: int = 128,
                  seed: int = 0, enclose=None, centered: bool = True) -> SupBound:
    """Branch and bound for ``sup_{x in box} q(x)`` (the **`enclosure bound`**).

    ``enclose`` defaults to :func:`interval_enclosure` of ``expr``; it is a
    parameter so that a deliberately unsound enclosure can be plugged in by tests.
    With ``centered`` (and no ``enclose`` given) each box's upper end is the
    smaller of the natural and the :func:`mean_value_enclosure` upper ends; both
    are enclosures, so the smaller one is too.
    Stops when the **`enclosure gap`** ``upper - lower <= max(atol, rtol |lower|)``
    (status ``"converged"``), after ``max_boxes`` enclosure evaluations
    (``"box budget"``), or when every box worth splitting is ``max_depth`` deep
    (``"depth budget"``). Raises ValueError if a sampled value of ``q`` is not
    finite (the expression is not defined on the whole box).
    """
    for name, val, least in (("rtol", rtol, 0.0), ("atol", atol, 0.0), ("max_boxes", max_boxes, 1),
                             ("max_depth", max_depth, 0), ("samples", samples, 0)):
        if not (isinstance(val, (int, float)) and math.isfinite(val) and val >= least) or (name == "rtol" and val == 0):
            raise ValueError(f"{name} must be a finite number {'> 0' if name == 'rtol' else f'>= {least}'}, got {val!r}.")
    variables = list(variables)
    box = validate_box(box, len(variables))
    if enclose is None:
        natural = interval_enclosure(expr, variables)
        mvf = mean_value_enclosure(expr, variables) if centered else None

        def box_upper(lo, hi):
            up = safe_upper(natural, lo, hi)
            return up if mvf is None else min(up, safe_upper(mvf, lo, hi))
    else:
        def box_upper(lo, hi):
            return safe_upper(enclose, lo, hi)
    q = vectorized(expr, variables)
    pts = sample_points(box, samples, seed)
    vals = q(pts)
    if not np.all(np.isfinite(vals)):
        bad = pts[np.argmin(np.isfinite(vals))]
        raise ValueError(f"the expression is not finite at the box point {bad.tolist()}; "
                         "choose a box inside its domain.")
    best = int(np.argmax(vals))
    lower, argmax = float(vals[best]), pts[best].copy()
    widths0 = box[:, 1] - box[:, 0]

    counter = 0
    heap = [(-box_upper(box[:, 0], box[:, 1]), counter, box[:, 0].copy(), box[:, 1].copy(), 0)]
    evaluations = 1
    frozen = -math.inf
    status = "converged"
    while True:
        top = -heap[0][0] if heap else -math.inf
        upper_now = max(top, frozen)
        if upper_now - lower <= max(atol, rtol * abs(lower)):
            status = "converged"
            break
        if not heap or top < frozen:
            status = "depth budget"
            break
        if evaluations >= max_boxes:
            status = "box budget"
            break
        neg_u, _, lo, hi, depth = heapq.heappop(heap)
        if depth >= max_depth:
            frozen = max(frozen, -neg_u)
            continue
        k = int(np.argmax((hi - lo) / widths0))
        mid = 0.5 * (lo[k] + hi[k])
        left_hi, right_lo = hi.copy(), lo.copy()
        left_hi[k] = mid
        right_lo[k] = mid
        for clo, chi in ((lo.copy(), left_hi), (right_lo, hi.copy())):
            counter += 1
            centre = 0.5 * (clo + chi)
            v = q(centre[None, :])[0]
            if np.isfinite(v) and v > lower:
                lower, argmax = float(v), centre
            heapq.heappush(heap, (-box_upper(clo, chi), counter, clo, chi, depth + 1))
            evaluations += 1
    upper = max(max((-h[0] for h in heap), default=-math.inf), frozen)
    return SupBound(upper=upper, lower=lower, argmax=argmax, status=status, boxes=evaluations,
                    details={"rtol": rtol, "atol": atol, "max_boxes": max_boxes,
                             "max_depth": max_depth, "samples": int(len(pts))})
