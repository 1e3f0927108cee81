"""The structural lower bound ``pi(t) = (sum_i M_i t^(-alpha_i))^(-1)``.

A :class:`ClassBound` is a list of :class:`Monomial` terms ``M_i t^(-alpha_i)``
(THEORY.md section 5). It carries each constant as an exact sympy expression (in
the class parameters) and as a float. This is the object theory hands to the
checker.

Monomial algebra (docs/theory.md section 3, `harmonic_mean`): if
``1/gamma_a >= ...`` are two lower bounds whose reciprocals add (Taylor error and
Hessian error add up in the same scalar), the combined bound has
``1/pi = 1/pi_a + 1/pi_b``, i.e. the monomial lists are concatenated
(:func:`combine`) and terms with equal exponents are merged by adding their
constants (:func:`simplify`).

``region`` records where the bound was proven: ``"ball"`` means the GNS condition
holds on all of ``Ball(pi(||g||))`` (a bound on ``gamma_ball``); ``"O"`` means it
was proven only on ``Ball ∩ O(x, g)`` using `o_curvature`
(``<hess f(x) h, h> <= ||g||_* ||h||`` on ``O``); see docs/theory.md section 4
(`region_relaxation`) for why the distinction matters when composing with a
Hessian approximation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

t = sp.Symbol("t", positive=True)

REGIONS = ("ball", "O")
PHASE_SMOOTHNESS = "smoothness dominates"
PHASE_APPROXIMATION = "approximation dominates"


#: `float_conversion`: a float is kept as the rational of its shortest decimal
#: representation only when that rational is short (denominator at most
#: ``SHORT_DENOMINATOR``, numerator at most ``SHORT_NUMERATOR`` in absolute value).
SHORT_DENOMINATOR = 100
SHORT_NUMERATOR = 10 ** 6
#: Decimal digits carried by constants computed from floats that are not short
#: rationals (their float values are then rounded to nearest from a 30-digit
#: value; docs/theory.md section 3, `float_conversion`).
FLOAT_DPS = 30


#: The named rules of docs/theory.md section 3 this module implements.
INEQUALITIES = {
    "float_conversion": "a float parameter becomes its short decimal rational, else its exact binary value "
                        "carried at FLOAT_DPS digits; float(M) is M rounded to nearest (within one unit "
                        "in the last place, not rounded upward)",
}


def exact_float(x: float) -> sp.Expr:
    """A finite float as a sympy number (`float_conversion`).

    The rational with the same shortest decimal representation when it is short
    (``0.1 -> 1/10``, ``0.35 -> 7/20``); otherwise the float's exact binary value as
    a sympy ``Float`` carried at ``FLOAT_DPS`` digits (``0.35000000000000003``), so
    that no later step works with huge rationals.
    """
    xf = float(x)
    if not math.isfinite(xf):
        raise ValueError(f"x must be a finite real number, got {x!r}.")
    r = sp.Rational(repr(xf))
    if r.q <= SHORT_DENOMINATOR and abs(r.p) <= SHORT_NUMERATOR:
        return r
    return sp.Float(xf, FLOAT_DPS)


def _is_numeric(x) -> bool:
    return not getattr(sp.sympify(x), "free_symbols", set())


def _check_range(name: str, value, lo: float, hi: float | None) -> sp.Expr:
    """Sympify ``value``; if it is numeric, require ``lo <= value <= hi`` and finite."""
    try:
        ex = exact_float(value) if isinstance(value, float) and math.isfinite(value) else sp.sympify(value)
    except (sp.SympifyError, TypeError) as exc:  # pragma: no cover - defensive
        raise ValueError(f"{name} must be a real number, got {value!r}.") from exc
    if _is_numeric(ex):
        try:
            v = float(ex)
        except TypeError as exc:
            raise ValueError(f"{name} must be a real number, got {value!r}.") from exc
        upper = "infinity)" if hi is None else f"{hi}]"
        if not math.isfinite(v) or v < lo or (hi is not None and v > hi):
            raise ValueError(f"{name} must be finite and in [{lo}, {upper}, got {value!r}.")
    return ex


def float_view(attr: str, doc: str) -> property:
    """A read-only property giving ``float(self.<attr>)`` (the float face of an exact constant)."""
    return property(lambda self: float(getattr(self, attr)), doc=doc)


def tidy(expr) -> sp.Expr:
    """``sp.simplify`` for expressions in symbols; numbers are left as sympy's
    automatic evaluation made them (`float_conversion`: simplifying a number such as
    ``(a/b)^(c/d) 2^(e/f)`` may combine the powers over a common denominator and build
    integers with millions of digits)."""
    ex = sp.sympify(expr)
    return ex if _is_numeric(ex) else sp.simplify(ex)


def _is_zero(M) -> bool:
    ex = sp.sympify(M)
    if _is_numeric(ex):
        return float(ex) == 0.0
    return bool(ex.is_zero)


@dataclass(frozen=True)
class Monomial:
    """One term ``M t^(-alpha)`` of ``1/pi(t)``; ``source`` says where it comes from
    (e.g. ``"smoothness"``, ``"approximation:C1"``).

    ``alpha`` must lie in ``[0, 1]`` and ``M >= 0`` (finite) whenever they are
    numeric; symbolic entries (class parameters as sympy symbols) are accepted.
    """

    alpha: sp.Expr
    M: sp.Expr
    source: str = "smoothness"

    def __post_init__(self):
        object.__setattr__(self, "alpha", _check_range("alpha", self.alpha, 0.0, 1.0))
        object.__setattr__(self, "M", _check_range("M", self.M, 0.0, None))

    alpha_f = float_view("alpha", "``alpha`` as a float.")
    M_f = float_view("M", "``M`` as a float (round to nearest, `float_conversion`).")

    @property
    def from_smoothness(self) -> bool:
        return "smoothness" in self.source


@dataclass(frozen=True)
class ClassBound:
    """``gamma(x) >= pi(||g(x)||_*)`` with ``1/pi(t) = sum_i M_i t^(-alpha_i)``."""

    monomials: tuple[Monomial, ...]
    name: str = ""
    how: dict = field(default_factory=dict)   # constant name -> "closed form" | "derived" | "certified" | "estimated"
    region: str = "ball"                      # "ball" or "O" (see module docstring)

    def __post_init__(self):
        object.__setattr__(self, "monomials", tuple(self.monomials))
        for m in self.monomials:
            if not isinstance(m, Monomial):
                raise ValueError(f"monomials must be Monomial objects, got {type(m).__name__}.")
        if self.region not in REGIONS:
            raise ValueError(f"region must be one of {REGIONS}, got {self.region!r}.")

    def alphas(self) -> np.ndarray:
        return np.array([m.alpha_f for m in self.monomials], dtype=np.float64)

    def Ms(self) -> np.ndarray:
        return np.array([m.M_f for m in self.monomials], dtype=np.float64)

    def pi(self, tval):
        """``pi(t)`` numerically (vectorized); ``inf`` when every ``M_i`` is 0."""
        tv = np.asarray(tval, dtype=np.float64)
        inv = np.zeros_like(tv)
        for a, M in zip(self.alphas(), self.Ms()):
            if M != 0.0:
                inv = inv + M * tv ** (-a)
        with np.errstate(divide="ignore", over="ignore"):  # 1/tiny -> inf is the right pi
            return np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.inf)

    def pi_expr(self) -> sp.Expr:
        """``pi(t)`` as a sympy expression in ``t`` (``oo`` for an empty bound)."""
        inv = sp.Add(*[m.M * t ** (-m.alpha) for m in self.monomials])
        return sp.oo if inv == 0 else 1 / inv

    def scaled(self, s) -> "ClassBound":
        """The bound ``s pi`` (every ``M_i`` divided by ``s > 0``): for ``s > 1`` a
        stronger claim, false wherever ``gamma(x) < s pi(||g(x)||_*)``."""
        s = sp.nsimplify(s) if isinstance(s, (int, float)) and float(s) == int(s) else sp.sympify(s)
        if not (s.is_number and float(s) > 0):
            raise ValueError(f"s must be a positive number, got {s!r}.")
        mons = tuple(Monomial(m.alpha, m.M / s, m.source) for m in self.monomials)
        return ClassBound(mons, f"{self.name} (pi x {float(s):.6g})", dict(self.how), self.region)

    def subs(self, values: dict) -> "ClassBound":
        """The same bound with parameter symbols replaced by ``values``."""
        mons = tuple(Monomial(sp.sympify(m.alpha).subs(values), sp.sympify(m.M).subs(values), m.source)
                     for m in self.monomials)
        return ClassBound(mons, self.name, dict(self.how), self.region)


def combine(*bounds: ClassBound, name: str | None = None) -> ClassBound:
    """`harmonic_mean`: the bound whose ``1/pi`` is the sum of the ``1/pi`` of ``bounds``.

    Monomials are concatenated and then merged by :func:`simplify`. The result's
    region is ``"O"`` if any input was proven only on ``O`` (the weaker statement).
    """
    if not bounds:
        raise ValueError("combine needs at least one ClassBound, got none.")
    for b in bounds:
        if not isinstance(b, ClassBound):
            raise ValueError(f"combine accepts ClassBound objects only, got {type(b).__name__}.")
    mons = tuple(m for b in bounds for m in b.monomials)
    how: dict = {}
    for b in bounds:
        how.update(b.how)
    region = "O" if any(b.region == "O" for b in bounds) else "ball"
    nm = name if name is not None else " + ".join(b.name for b in bounds if b.name)
    return simplify(ClassBound(mons, nm, how, region))


def simplify(bound: ClassBound) -> ClassBound:
    """Merge monomials with equal exponents (adding their ``M``; sources joined by
    ``+``), drop terms with ``M = 0``, and sort by decreasing exponent."""
    merged: dict = {}
    order: list = []
    for m in bound.monomials:
        if _is_zero(m.M):
            continue
        a_ex = sp.sympify(m.alpha)
        key = exact_float(float(a_ex)) if isinstance(a_ex, sp.Float) else a_ex
        if key in merged:
            a, M, src = merged[key]
            srcs = src.split("+")
            total = M + m.M
            merged[key] = (a, tidy(total),
                           src if m.source in srcs else src + "+" + m.source)
        else:
            merged[key] = (m.alpha, m.M, m.source)
            order.append(key)
    mons = [Monomial(*merged[k]) for k in order]
    if all(_is_numeric(m.alpha) for m in mons):
        mons.sort(key=lambda m: -m.alpha_f)
    return ClassBound(tuple(mons), bound.name, dict(bound.how), bound.region)


def _numeric_alpha(m: Monomial) -> float:
    if not _is_numeric(m.alpha):
        raise ValueError("alpha must be numeric to compare exponents; substitute the parameters first.")
    return m.alpha_f


def dominant(bound: ClassBound) -> Monomial | None:
    """The term of ``1/pi(t)`` dominating as ``t -> 0``: the largest ``alpha`` among
    terms with ``M > 0`` (ties: the larger ``M``). ``None`` if every ``M`` is 0
    (then ``pi = inf``)."""
    live = [m for m in bound.monomials if not _is_zero(m.M)]
    if not live:
        return None
    return max(live, key=lambda m: (_numeric_alpha(m), float(m.M) if _is_numeric(m.M) else 0.0))


def class_exponent(bound) -> float | None:
    """The class exponent (THEORY.md section 5): the smallest ``alpha_i`` among the
    monomials coming from the smoothness of ``f`` (``M_i > 0``). ``None`` when no
    smoothness term is present (e.g. a quadratic with exact Hessian).

    Accepts a :class:`ClassBound` or any object with a ``bound()`` method.
    """
    if not isinstance(bound, ClassBound):
        bound = bound.bound()
    al = [_numeric_alpha(m) for m in bound.monomials if m.from_smoothness and not _is_zero(m.M)]
    return min(al) if al else None


def phase(class_alpha, approx_beta, C1) -> str:
    """The paper's phase diagram: ``"smoothness dominates"`` iff the class exponent
    is at least the approximation exponent (``class_alpha >= approx_beta``) and
    ``C1 = 0``; otherwise ``"approximation dominates"``."""
    for nm, v in (("class_alpha", class_alpha), ("approx_beta", approx_beta), ("C1", C1)):
        if not _is_numeric(v):
            raise ValueError(f"{nm} must be a number (substitute the parameters first), got {v!r}.")
    a = float(_check_range("class_alpha", class_alpha, 0.0, 1.0))
    b = float(_check_range("approx_beta", approx_beta, 0.0, 1.0))
    c1 = float(_check_range("C1", C1, 0.0, None))
    return PHASE_SMOOTHNESS if (a >= b and c1 == 0.0) else PHASE_APPROXIMATION
