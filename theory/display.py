"""Formulas as a reader of a paper expects them: the one place where the theory layer's
sympy expressions become text or LaTeX for tables and listings.

Three rewrites, each stated where it applies (:func:`notes`):

* **named constants**: a transcendental constant of a derivation is shown as its name
  and defined once (``z_Q = -1/2 - W_{-1}(-e^{-1/2}/2) ≈ 1.2564``, the positive root of
  ``e^z = 1 + 2 z``, from the QSC bound) instead of an unevaluated Lambert W;
* **generic branch**: ``Piecewise((a, Eq(nu, 0)), (b, True))`` (a constant continuous
  at ``nu = 0``) is shown as ``b``, with the note that ``nu = 0`` is its limit;
* ``log(x)/log(2)`` is shown as ``log2(x)``, and a monomial ``M t^(-0)`` as ``M``.

The expressions themselves are never changed: only their display.
"""
from __future__ import annotations

import sympy as sp

from theory.classes.qsc import QSC_ROOT
from theory.symbols import eps, f_star

_Z_Q = sp.Symbol("z_Q", positive=True)
#: named constant: (the atom it is built from, that atom in terms of its symbol, the
#: definition in words); the atom is replaced wherever simplification moved it
NAMED = [(sp.LambertW(-1 / (2 * sp.sqrt(sp.E)), -1), -_Z_Q - sp.Rational(1, 2),
          f"z_Q = -1/2 - W_-1(-e^(-1/2)/2) = {float(QSC_ROOT):.6f}, the positive root of "
          "e^z = 1 + 2 z (z* of docs/theory.md 3.4, the QSC bound)")]
LATEX_NAMES = {eps: r"\varepsilon", _Z_Q: "z_Q", f_star: "f^*"}
_LOG2 = sp.Function("log2")


def _generic_branch(expr: sp.Expr) -> tuple[sp.Expr, list[str]]:
    notes = []

    def pick(*args):
        generic = args[-1][0]
        for value, cond in args[:-1]:
            notes.append(f"{sp.sstr(generic)} is shown for the generic case; at {sp.sstr(cond).replace('Eq(', '').replace(', ', ' = ').rstrip(')')} "
                         f"the constant is its limit {sp.sstr(value)}")
        return generic
    return expr.replace(sp.Piecewise, pick), notes


def _log2(expr: sp.Expr) -> sp.Expr:
    """``log(x)/log(2)`` -> ``log2(x)`` (display only)."""
    two = sp.log(2)

    def fold(e):
        if e.is_Mul and sp.Pow(two, -1) in e.args:
            rest = [a for a in e.args if a != sp.Pow(two, -1)]
            logs = [a for a in rest if isinstance(a, sp.log)]
            if len(logs) == 1:
                others = [a for a in rest if a is not logs[0]]
                return sp.Mul(*others, _LOG2(logs[0].args[0]), evaluate=False)
        return e
    return expr.replace(lambda e: e.is_Mul, fold)


def shown(expr) -> tuple[sp.Expr, list[str]]:
    """``(display expression, notes)`` for ``expr`` (see the module docstring)."""
    e = sp.sympify(expr)
    notes = []
    for atom, in_symbol, text in NAMED:
        if e.has(atom):
            e = sp.factor_terms(e.xreplace({atom: in_symbol}))
            notes.append(text)
    e, more = _generic_branch(e)
    return _log2(e), notes + more


def text(expr) -> str:
    """Plain-text form (``sympy.sstr`` of :func:`shown`)."""
    return sp.sstr(shown(expr)[0])


def latex(expr) -> str:
    """LaTeX form of :func:`shown` (``log2`` as ``\\log_2``, ``eps`` as ``\\varepsilon``)."""
    s = sp.latex(shown(expr)[0], symbol_names=LATEX_NAMES)
    return s.replace(r"\operatorname{log}_{2}", r"\log_2").replace(r"\operatorname{log2}", r"\log_2")


def notes(*exprs) -> list[str]:
    """The notes of :func:`shown` for every expression, each once, in order."""
    out: list[str] = []
    for e in exprs:
        for n in shown(e)[1]:
            if n not in out:
                out.append(n)
    return out


def monomial_text(M, alpha) -> str:
    """``M*t^(-alpha)``, or ``M`` alone when ``alpha = 0``."""
    a = sp.sympify(alpha)
    return text(M) if a.is_zero else f"{text(M)}*t^(-{sp.sstr(a)})"
