"""The structural lower bound ``pi(t) = (sum_i M_i t^(-alpha_i))^(-1)``.

A :class:`ClassBound` is a list of :class:`Monomial` terms ``M_i t^(-alpha_i)``
(THEORY.md section 5). It carries each constant as an exact sympy expression (in
the class parameters) and as a float. This is the object theory hands to the
checker.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

t = sp.Symbol("t", positive=True)


@dataclass(frozen=True)
class Monomial:
    """One term ``M t^(-alpha)`` of ``1/pi(t)``; ``source`` says where it comes from
    (e.g. ``"smoothness"``, ``"approximation:C1"``)."""

    alpha: sp.Expr
    M: sp.Expr
    source: str = "smoothness"

    @property
    def alpha_f(self) -> float:
        return float(self.alpha)

    @property
    def M_f(self) -> float:
        return float(self.M)


@dataclass(frozen=True)
class ClassBound:
    """``gamma(x) >= pi(||g(x)||_*)`` with ``1/pi(t) = sum_i M_i t^(-alpha_i)``."""

    monomials: tuple[Monomial, ...]
    name: str = ""
    how: dict = field(default_factory=dict)   # constant name -> "closed form" | "certified" | "estimated"

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
        with np.errstate(divide="ignore"):
            return np.where(inv > 0, 1.0 / np.where(inv > 0, inv, 1.0), np.inf)

    def pi_expr(self) -> sp.Expr:
        """``pi(t)`` as a sympy expression in ``t``."""
        return 1 / sp.Add(*[m.M * t ** (-m.alpha) for m in self.monomials])
