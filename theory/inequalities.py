"""The named per-step inequalities of the method (docs/theory.md sections 1 and 5).

Each :class:`Inequality` is a sympy relation over the trace quantities of
:mod:`theory.symbols` (index ``k`` = the step ``x_k -> x_{k+1}``), with

* ``steps``: the step-size rules it is stated for (``"adaptive"``, ``"theory"``,
  ``"ideal"``);
* ``requires``: structural assumptions (``"psd"``: ``H(x_k)`` positive
  semidefinite; ``"convex"``: ``f`` convex and ``D`` a valid distance bound);
* ``when``: a sympy condition on the trace selecting the steps it applies to
  (``sympy.true`` = every step in ``scope``);
* ``scope``: ``"step"`` (one entry per accepted step), ``"rejected_trial"`` (one
  entry per rejected step-size trial; ``g_k``/``pi_k`` are those of its iterate) or
  ``"math"`` (an elementary fact used inside a proof, true for all positive data);
* ``kind``: ``"guaranteed"`` (the algorithm enforces it: a violation means the
  code is wrong), ``"claimed"`` (it follows from the class claim
  ``gamma(x_k) >= pi(g_k)`` through Lemma 1: a violation falsifies the claim or the
  lemma) or ``"math"``; ``guaranteed_for`` lists step rules under which a claimed
  inequality is enforced by the algorithm instead (the acceptance test is enforced by
  the adaptive search and only claimed for the theory step).

No tolerance is built into a relation. :func:`evaluate` takes an explicit ``slack``
relative to the magnitude of the additive terms of both sides; the caller chooses it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from theory.symbols import (
    D, STEPS, f_k, f_next, f_star, g_k, g_next, gamma_k, lam_k, pi_k, pi_next, step_k,
    trial_first, trial_gamma,
)

_ALL_STEPS = frozenset(STEPS)
_SCOPES = ("step", "rejected_trial", "math")
_KINDS = ("guaranteed", "claimed", "math")

#: Condition under which Lemma 1 is known to apply on a trace: the accepted step
#: size does not exceed the claimed lower bound, so ``gamma_k <= pi_k <= gamma(x_k)``.
WITHIN_CLAIM = sp.Le(gamma_k, pi_k)
#: A *lag* iteration of the adaptive search (docs/theory.md section 5).
LAG = sp.Lt(gamma_k, pi_k / 2)


@dataclass(frozen=True)
class Inequality:
    """A named per-step inequality ``lhs (op) rhs``; see the module docstring."""

    name: str
    relation: sp.Basic
    statement: str
    source: str
    kind: str = "claimed"
    steps: frozenset = _ALL_STEPS
    requires: frozenset = frozenset()
    when: sp.Basic = sp.true
    scope: str = "step"
    guaranteed_for: frozenset = frozenset()
    doc: str = field(default="", compare=False)

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {self.kind!r}.")
        if self.scope not in _SCOPES:
            raise ValueError(f"scope must be one of {_SCOPES}, got {self.scope!r}.")
        if not isinstance(self.relation, (sp.Rel, sp.Eq)):
            raise ValueError(f"relation of {self.name!r} must be a sympy relation.")

    @property
    def lhs(self) -> sp.Expr:
        return self.relation.lhs

    @property
    def rhs(self) -> sp.Expr:
        return self.relation.rhs

    @property
    def op(self) -> str:
        return self.relation.rel_op

    @property
    def needs(self) -> tuple[str, ...]:
        """Trace quantities needed to evaluate the relation and its ``when`` condition."""
        syms = set(self.relation.free_symbols)
        if self.when not in (sp.true, True):
            syms |= set(self.when.free_symbols)
        return tuple(sorted(s.name for s in syms))

    def kind_for(self, step: str) -> str:
        """``"guaranteed"`` or ``"claimed"`` for a run with step-size rule ``step``."""
        if step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}, got {step!r}.")
        return "guaranteed" if step in self.guaranteed_for else self.kind

    def applies_to(self, step: str, psd: bool, convex: bool) -> bool:
        """Whether the inequality is stated for this step rule and these structural facts.

        The ``psd`` requirement is waived under the rules in ``guaranteed_for``: the
        adaptive search enforces ``acceptance`` (hence ``descent``) for any ``H``."""
        if step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}, got {step!r}.")
        psd_ok = psd or "psd" not in self.requires or step in self.guaranteed_for
        return step in self.steps and psd_ok and (convex or "convex" not in self.requires)

    def latex(self) -> str:
        return sp.latex(self.relation)


def _ineq(name, relation, statement, source, doc, **kw) -> Inequality:
    return Inequality(name=name, relation=relation, statement=statement, source=source,
                      doc=doc, **kw)


_PSD = frozenset({"psd"})
_PSD_CONVEX = frozenset({"psd", "convex"})

INEQUALITIES: dict[str, Inequality] = {i.name: i for i in (
    _ineq("lambda_definition", sp.Eq(lam_k, g_k / gamma_k),
          "lambda_k = ||g_k||_* / gamma_k", "THEORY.md section 2 (Algorithm 1)",
          "Definition of the regularization parameter of the step.",
          kind="guaranteed"),
    _ineq("gamma_is_pi", sp.Eq(gamma_k, pi_k),
          "theory step: gamma_k = pi(||g_k||_*)", "THEORY.md section 2, rule 2",
          "The theory step uses the class bound as step size.",
          kind="guaranteed", steps=frozenset({"theory"})),
    _ineq("acceptance", sp.Ge(f_k - f_next, g_next**2 / (8 * lam_k)),
          "f(x_k) - f(x_{k+1}) >= ||g_{k+1}||_*^2 / (8 lambda_k)",
          "THEORY.md section 2 (acceptance test) and section 4 (Lemma 1, second inequality)",
          "Enforced by the adaptive search on accepted steps; for the theory and ideal "
          "steps it is the conclusion of Lemma 1 (claimed, PSD H).",
          kind="claimed", requires=_PSD, guaranteed_for=frozenset({"adaptive"})),
    _ineq("descent", sp.Le(f_next, f_k),
          "f(x_{k+1}) <= f(x_k)", "consequence of the acceptance test",
          "Monotonicity of the function values; enforced by the adaptive search.",
          kind="claimed", requires=_PSD, guaranteed_for=frozenset({"adaptive"})),
    _ineq("lemma1_decrease", sp.Ge(f_k - f_next, lam_k / 2 * step_k**2),
          "f(x_k) - f(x_{k+1}) >= (lambda_k/2) ||h_k||^2 when gamma_k <= gamma(x_k)",
          "THEORY.md section 4, Lemma 1 (first inequality)",
          "Applies on steps with gamma_k <= pi_k (then gamma_k <= gamma(x_k) if the "
          "class claim holds); every step of the theory step.",
          requires=_PSD, when=WITHIN_CLAIM),
    _ineq("next_gradient", sp.Le(g_next, 2 * lam_k * step_k),
          "||g_{k+1}||_* <= 2 lambda_k ||h_k|| when gamma_k <= gamma(x_k)",
          "THEORY.md section 4, proof sketch of Lemma 1",
          "g_{k+1} = -lambda_k B h_k + r(h_k) with ||r(h_k)||_* <= lambda_k ||h_k||.",
          requires=_PSD, when=WITHIN_CLAIM),
    _ineq("step_bound", sp.Le(step_k, gamma_k),
          "(C3) ||h_k|| <= gamma_k", "THEORY.md section 4, corollary C3",
          "H + lambda B >= lambda B for PSD H; enforced by linear algebra.",
          kind="guaranteed", requires=_PSD),
    _ineq("grad_growth", sp.Le(g_next, 2 * g_k),
          "(C4) ||g_{k+1}||_* <= 2 ||g_k||_* when gamma_k <= gamma(x_k)",
          "THEORY.md section 4, corollary C4",
          "From next_gradient and step_bound: 2 lambda_k ||h_k|| <= 2 lambda_k gamma_k.",
          requires=_PSD, when=WITHIN_CLAIM),
    _ineq("convex_gap", sp.Le(f_next - f_star, 2 * lam_k * step_k * D),
          "(C5) f(x_{k+1}) - f* <= 2 lambda_k ||h_k|| D",
          "THEORY.md section 4, corollary C5",
          "Convexity gives f(x_{k+1}) - f* <= ||g_{k+1}||_* D; then next_gradient.",
          requires=_PSD_CONVEX, when=WITHIN_CLAIM),
    _ineq("gap_by_gradient", sp.Le(f_k - f_star, D * g_k),
          "f(x_k) - f* <= D ||g_k||_*", "THEORY.md section 6 (convex)",
          "Convexity: f(x_k) - f* <= <g_k, x_k - x*> <= ||g_k||_* ||x_k - x*||.",
          requires=frozenset({"convex"})),
    _ineq("rejection_certificate", sp.Gt(trial_gamma, pi_k),
          "(C1) a rejected trial has gamma > pi(||g_k||_*)",
          "THEORY.md section 4, corollary C1",
          "Any gamma <= gamma(x_k) passes the acceptance test, so a rejected trial at or "
          "below pi_k falsifies the class claim at x_k (or the code).",
          requires=_PSD, steps=frozenset({"adaptive"}), scope="rejected_trial"),
    _ineq("search_floor", sp.Ge(gamma_k, sp.Min(trial_first, pi_k / 2)),
          "(C2) accepted gamma_k >= min(first trial, pi(||g_k||_*)/2)",
          "THEORY.md section 4, corollary C2 with gamma(x_k) >= pi_k",
          "Halving from the first trial, the first trial <= gamma(x_k) is accepted and "
          "exceeds gamma(x_k)/2 >= pi_k/2.",
          requires=_PSD, steps=frozenset({"adaptive"})),
    _ineq("theory_step_decrease", sp.Ge(f_k - f_next, pi_k * g_next**2 / (8 * g_k)),
          "F_k - F_{k+1} >= pi(g_k) g_{k+1}^2 / (8 g_k)",
          "THEORY.md section 6 (per-step decrease of the theory step)",
          "acceptance with lambda_k = g_k / pi_k (gamma_is_pi).",
          requires=_PSD, steps=frozenset({"theory"})),
    _ineq("mild_decrease", sp.Ge(f_k - f_next, pi_next * g_next / 16),
          "mild step (g_k/2 <= g_{k+1} < g_k): F_k - F_{k+1} >= phi(g_{k+1}) / 16",
          "THEORY.md section 6 (mild steps)",
          "theory_step_decrease with g_{k+1}/g_k >= 1/2 and pi increasing.",
          requires=_PSD, steps=frozenset({"theory"}),
          when=sp.And(sp.Ge(2 * g_next, g_k), sp.Lt(g_next, g_k))),
    _ineq("good_step_decrease", sp.Ge(f_k - f_next, pi_k * g_next**2 / (16 * g_k)),
          "adaptive, gamma_k >= pi_k/2: F_k - F_{k+1} >= pi(g_k) g_{k+1}^2 / (16 g_k)",
          "docs/theory.md section 5 (adaptive variant)",
          "acceptance with gamma_k >= pi_k / 2.",
          kind="guaranteed", steps=frozenset({"adaptive"}),
          when=sp.Ge(gamma_k, pi_k / 2)),
    _ineq("log_ratio_bound", sp.Le(sp.log(g_next / g_k, 2), (g_next / g_k)**2),
          "log2 r <= r^2 for r = g_{k+1}/g_k > 0",
          "THEORY.md section 6 (sharp-step count)",
          "max_r (log2 r - r^2) is attained at r^2 = 1/(2 ln 2), where it is negative.",
          kind="math", scope="math"),
)}


def get(name: str) -> Inequality:
    """The inequality called ``name``."""
    try:
        return INEQUALITIES[name]
    except KeyError:
        raise ValueError(f"name must be one of {sorted(INEQUALITIES)}, got {name!r}.") from None


def applicable(step: str, psd: bool, convex: bool, scope: str = "step") -> list[Inequality]:
    """The inequalities stated for a run with this step rule and structure, in ``scope``."""
    if scope not in _SCOPES:
        raise ValueError(f"scope must be one of {_SCOPES}, got {scope!r}.")
    return [i for i in INEQUALITIES.values()
            if i.scope == scope and i.applies_to(step, psd, convex)]


@lru_cache(maxsize=None)
def _compiled(ineq: Inequality):
    syms = sorted(ineq.relation.free_symbols | (set(ineq.when.free_symbols)
                  if ineq.when not in (sp.true, True) else set()), key=lambda s: s.name)
    terms = sp.Add.make_args(ineq.lhs) + sp.Add.make_args(ineq.rhs)
    scale = sp.Add(*[sp.Abs(term) for term in terms])
    f = sp.lambdify(syms, [ineq.lhs, ineq.rhs, scale], modules="numpy")
    w = None if ineq.when in (sp.true, True) else sp.lambdify(syms, ineq.when, modules="numpy")
    return [s.name for s in syms], f, w


def _arrays(names, values):
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"values must contain the trace quantities {missing}.")
    return [np.asarray(values[n], dtype=np.float64) for n in names]


def applies_mask(ineq: Inequality, values: dict, step: str | None = None) -> np.ndarray:
    """Boolean array: where the ``when`` condition of ``ineq`` holds.

    For ``step = "theory"`` the condition ``gamma_k <= pi_k`` (:data:`WITHIN_CLAIM`) holds
    by definition of the rule (``gamma_is_pi``), so it is not re-evaluated: a last-bit
    difference between the run's ``gamma_k`` and the checker's ``pi_k`` must not switch
    Lemma 1 off.
    """
    if step is not None and step not in STEPS:
        raise ValueError(f"step must be one of {STEPS} or None, got {step!r}.")
    names, f, w = _compiled(ineq)
    args = _arrays(names, values)
    shape = np.broadcast_shapes(*[a.shape for a in args]) if args else ()
    if w is None or (step == "theory" and ineq.when == WITHIN_CLAIM):
        return np.ones(shape, dtype=bool)
    with np.errstate(all="ignore"):
        return np.broadcast_to(np.asarray(w(*args), dtype=bool), shape).copy()


def evaluate(ineq: Inequality, values: dict, slack: float = 1e-12, respect_when: bool = True,
             step: str | None = None):
    """Evaluate ``ineq`` elementwise on trace arrays: ``(holds, lhs, rhs)``.

    With ``s = slack * (sum of |additive terms| of both sides)``, a relation
    ``lhs >= rhs`` holds where ``lhs - rhs >= -s`` (``<=``: ``lhs - rhs <= s``;
    ``==``: ``|lhs - rhs| <= s``; strict relations use the same test with a strict
    comparison). Where a side is not finite the plain comparison is used; NaN never
    holds. With ``respect_when`` the entries outside the ``when`` condition hold
    vacuously (``step`` as in :func:`applies_mask`). ``slack`` is the only rounding
    allowance, and ``slack = 0`` is exact.
    """
    if not (np.isfinite(slack) and slack >= 0):
        raise ValueError(f"slack must be a finite number >= 0, got {slack!r}.")
    names, f, _ = _compiled(ineq)
    args = _arrays(names, values)
    shape = np.broadcast_shapes(*[a.shape for a in args]) if args else ()
    with np.errstate(all="ignore"):
        lhs, rhs, scale = (np.broadcast_to(np.asarray(v, dtype=np.float64), shape).copy()
                           for v in f(*args))
        diff = lhs - rhs
        s = slack * scale
        finite = np.isfinite(diff) & np.isfinite(s)
        op = ineq.op
        if op == ">=":
            holds = np.where(finite, diff >= -s, lhs >= rhs)
        elif op == ">":
            holds = np.where(finite, diff > -s, lhs > rhs)
        elif op == "<=":
            holds = np.where(finite, diff <= s, lhs <= rhs)
        elif op == "<":
            holds = np.where(finite, diff < s, lhs < rhs)
        elif op == "==":
            holds = np.where(finite, np.abs(diff) <= s, lhs == rhs)
        else:  # pragma: no cover - Inequality only admits relations
            raise ValueError(f"unsupported relation {op!r} in {ineq.name!r}.")
    holds = holds & ~(np.isnan(lhs) | np.isnan(rhs))
    if respect_when:
        holds = holds | ~applies_mask(ineq, values, step)
    return holds, lhs, rhs
