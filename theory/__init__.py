"""Symbolic layer: what the theory predicts.

Function classes with their lower bound ``gamma(x) >= pi(||g(x)||_*)``
(:mod:`theory.classes`), Hessian approximations as error models composed by the
harmonic-mean rule (:mod:`theory.approximations`), the named per-step inequalities
(:mod:`theory.inequalities`), the rate theorems (:mod:`theory.rates`), rate tables and
the phase diagram (:mod:`theory.tables`, :mod:`theory.phase`), constants of sympy
expressions (:mod:`theory.expr`, :mod:`theory.constants`) and the flagship
logistic/softmax statement (:mod:`theory.flagship`). Derivations: ``docs/theory.md``.

The names below are imported on first use.
"""
from importlib import import_module

_WHERE = {
    "CATALOG": "theory.classes", "get_class": "theory.classes", "FunctionClass": "theory.classes.base",
    "Monomial": "theory.monomials", "ClassBound": "theory.monomials", "combine": "theory.monomials",
    "ErrorModel": "theory.approximations", "apply": "theory.approximations",
    "INEQUALITIES": "theory.inequalities", "theorem": "theory.rates",
    "rate_table": "theory.tables", "render": "theory.tables", "phase_grid": "theory.phase",
    "SymbolicFunction": "theory.expr",
}

__all__ = list(_WHERE)


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'theory' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
