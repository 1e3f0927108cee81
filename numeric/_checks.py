"""Argument checks shared by the solver, the baselines and the gamma estimator.

Each raises ``ValueError`` with one sentence naming the bad argument.
"""
from __future__ import annotations

import math

import numpy as np


def check_real(name, value, *, lo=0.0, strict=False):
    """``float(value)``, finite and ``>= lo`` (``> lo`` when ``strict``)."""
    if type(value) is float and (lo < value if strict else lo <= value) and value < math.inf:
        return value    # the common case, without the conversions below
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or (v <= lo if strict else v < lo):
        raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} {lo}, "
                         f"got {value!r}.")
    return v


def check_count(name, value, lo):
    """``int(value)`` for an integer (not a bool) ``>= lo``."""
    if type(value) is int and value >= lo:
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}.")
    return int(value)


def check_f_star(problem, f_star):
    """The optimal value to stop on: ``f_star`` or ``problem.f_star``; ``nan`` = unknown."""
    if f_star is None:
        f_star = problem.f_star
    return math.nan if f_star is None else check_real("f_star", f_star, lo=-math.inf)


def resolve_hessian(problem, hessian):
    """A :class:`numeric.hessians.HessianRule` of ``problem`` from a name or a rule object
    (:meth:`numeric.problems.base.Problem.hessian_rule` checks it)."""
    from numeric.hessians import HessianRule
    if not isinstance(hessian, (str, HessianRule)):
        raise ValueError(f"hessian must be one of {problem.hessians} for problem {problem.name!r}, "
                         f"got {hessian!r}.")
    return problem.hessian_rule(hessian)
