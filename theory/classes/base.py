"""The abstract function class: parameters, a Hessian rule and a class bound.

A function class ``C`` with a Hessian rule (``hessian = "exact"``: ``H = hess f``;
``"zero"``: ``H = 0``) is captured by a lower bound
``gamma(x) >= pi(||g(x)||_*)`` with ``1/pi(t) = sum_i M_i t^(-alpha_i)``
(THEORY.md section 5). Subclasses give the monomials as sympy expressions in the
parameter symbols (:meth:`FunctionClass.monomial_exprs`); :meth:`bound` returns them
either symbolically or with the parameter values substituted exactly.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import sympy as sp

from ..monomials import ClassBound, Monomial, class_exponent, exact_float, tidy

HESSIAN_RULES = ("exact", "zero")


def _finite(x: float) -> bool:
    return x == x and x not in (float("inf"), float("-inf"))


def exact_value(name: str, value, lo: float, hi: float | None, *, lo_open: bool = False) -> sp.Expr:
    """Validate a numeric parameter and return it as a sympy number.

    Floats follow `float_conversion` (:func:`theory.monomials.exact_float`: a short
    decimal becomes its rational, ``0.1 -> 1/10``; any other float its exact binary
    value as a 30-digit ``Float``); sympy numbers are kept. Raises ``ValueError``
    naming ``name`` and the accepted range.
    """
    lo_b = "(" if lo_open else "["
    rng = f"{lo_b}{lo}, " + ("infinity)" if hi is None else f"{hi}]")
    try:
        ex = exact_float(value) if isinstance(value, float) and _finite(value) else sp.sympify(value)
        v = float(ex)
    except (TypeError, ValueError, sp.SympifyError):
        raise ValueError(f"{name} must be a finite real number in {rng}, got {value!r}.") from None
    if not _finite(v) or (v <= lo if lo_open else v < lo) \
            or (hi is not None and v > hi):
        raise ValueError(f"{name} must be a finite real number in {rng}, got {value!r}.")
    return ex


class FunctionClass(ABC):
    """A function class with a Hessian rule and its structural lower bound.

    Class attributes: ``name`` (identifier), ``title`` (human), ``convex_required``,
    ``hessian`` (``"exact"`` or ``"zero"``), ``region`` (``"ball"`` or ``"O"``: where
    the bound is proven), ``param_ranges`` (name -> ``(lo, hi, lo_open)``).
    Instance attributes: ``params`` (name -> exact sympy value) and ``symbols``
    (name -> sympy symbol).
    """

    name: str = ""
    title: str = ""
    convex_required: bool = False
    hessian: str = "exact"
    region: str = "ball"
    param_ranges: dict = {}
    condition: str = ""        # the defining inequality, in words
    derivation: str = ""       # the names of the inequalities the constant rests on
    provenance: str = "derived"  # how the constant M was obtained (docs/theory.md section 3)

    defaults: dict = {}        # parameter name -> default value

    def __init__(self, *args, **params):
        """Parameters by keyword, or positionally in the order of ``param_ranges``;
        those not given take ``defaults``."""
        names = list(self.param_ranges)
        if len(args) > len(names):
            raise ValueError(f"class {self.name} takes at most {len(names)} positional parameter(s) "
                             f"({', '.join(names)}), got {len(args)}.")
        for k, v in zip(names, args):
            if k in params:
                raise ValueError(f"parameter {k} of class {self.name} was given twice.")
            params[k] = v
        params = {**self.defaults, **params}
        unknown = set(params) - set(self.param_ranges)
        if unknown:
            raise ValueError(f"unknown parameter(s) {sorted(unknown)} for class {self.name}; "
                             f"accepted: {sorted(self.param_ranges)}.")
        missing = set(self.param_ranges) - set(params)
        if missing:
            raise ValueError(f"missing parameter(s) {sorted(missing)} for class {self.name}.")
        self.params = {}
        for k, (lo, hi, lo_open) in self.param_ranges.items():
            self.params[k] = exact_value(k, params[k], lo, hi, lo_open=lo_open)
        self.symbols = {k: sp.Symbol(k, nonnegative=True) for k in self.param_ranges}

    @abstractmethod
    def monomial_exprs(self) -> list[tuple[sp.Expr, sp.Expr, str]]:
        """``[(alpha_i, M_i, source_i)]`` as sympy expressions in ``self.symbols``."""

    def how(self) -> dict:
        """Constant name -> provenance (``"closed form"``, ``"derived"``, ...)."""
        return {"M": self.provenance}

    def bound(self, symbolic: bool = False) -> ClassBound:
        """The class bound: exact sympy constants with the parameter values
        substituted (default), or as expressions in the parameter symbols."""
        key = bool(symbolic)
        cache = self.__dict__.setdefault("_bound_cache", {})
        if key in cache:
            return cache[key]
        sub = {} if symbolic else {self.symbols[k]: v for k, v in self.params.items()}
        mons = []
        for a, M, src in self.monomial_exprs():
            a2, M2 = sp.sympify(a).subs(sub), sp.sympify(M).subs(sub)
            if not symbolic:
                a2, M2 = tidy(a2), tidy(M2)
            mons.append(Monomial(a2, M2, src))
        cache[key] = ClassBound(tuple(mons), self.name, self.how(), self.region)
        return cache[key]

    @property
    def alpha(self) -> float | None:
        """The class exponent (smallest smoothness exponent, THEORY.md section 5)."""
        return class_exponent(self.bound())

    def describe(self) -> str:
        """One paragraph: the class, its parameters, the bound and its provenance."""
        ps = ", ".join(f"{k} = {v}" for k, v in self.params.items())
        terms = " + ".join(f"{sp.sstr(m.M)} t^(-{sp.sstr(m.alpha)})" for m in self.bound(symbolic=True).monomials)
        return (f"{self.title} ({self.name}; {ps}). Condition: {self.condition}. "
                f"Hessian rule: {self.hessian}; convexity required: {self.convex_required}; "
                f"bound proven on: {self.region}. 1/pi(t) = {terms}. From: {self.derivation}.")

    def __repr__(self) -> str:
        ps = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{type(self).__name__}({ps})"
