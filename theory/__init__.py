"""Symbolic layer: what the theory predicts.

Function classes with their lower bound ``gamma(x) >= pi(||g(x)||_*)``
(:mod:`theory.classes`), Hessian approximations as error models composed by the
harmonic-mean rule (:mod:`theory.approximations`), the named per-step inequalities
(:mod:`theory.inequalities`), the rate theorems (:mod:`theory.rates`), rate tables and
the phase diagram (:mod:`theory.tables`, :mod:`theory.phase`), constants of sympy
expressions (:mod:`theory.expr`, :mod:`theory.constants`) and the flagship
logistic/softmax statement with the Fisher approximation (:mod:`theory.fisher_regression`). Derivations: ``docs/theory.md``.
"""
from theory.monomials import ClassBound, Monomial, combine
from theory.classes import CATALOG, get_class
from theory.classes.base import FunctionClass
from theory.approximations import ErrorModel, apply
from theory.inequalities import INEQUALITIES
from theory.rates import theorem
from theory.tables import rate_table, render
from theory.phase import phase_grid
from theory.expr import SymbolicFunction

__all__ = ["ClassBound", "Monomial", "combine", "CATALOG", "get_class", "FunctionClass",
           "ErrorModel", "apply", "INEQUALITIES", "theorem", "rate_table", "render",
           "phase_grid", "SymbolicFunction"]
