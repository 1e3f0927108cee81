"""``verify(case)``: run the method on a case and decide every claim about it.

Runs (each optional, ``runs=``; :mod:`gnsverify.runs`): the **theory** step
``gamma_k = pi(g_k)``, the **adaptive** search, the **ideal** step (numerical
``gamma(x_k)``; small ``n`` only) and the **baselines**. The claims are the checks of
:data:`gnsverify.checks.CHECKS`, one module each (THEORY.md section 7):

* ``audit:trace``: every run's recorded decisions re-derived from its numbers and
  fresh oracle calls (:mod:`gnsverify.checks.audit`);
* ``invariant:*``: per-step inequalities on every run (:mod:`gnsverify.checks.invariants`);
* ``global_bound``: observed iterations to each ``eps`` against the theorem's ``K(eps)``
  (:mod:`gnsverify.checks.global_bound`);
* ``order``: the iterations-to-``eps`` curve is never slower than the predicted order
  (:mod:`gnsverify.checks.order`);
* ``falsify:gamma_lower_bound``: a numerical search for a violation of
  ``gamma(x) >= pi(||g(x)||_*)`` (:mod:`gnsverify.checks.gamma_bound`);
* ``falsify:instances``: the property-based search over the case's instance family
  (:mod:`gnsverify.checks.instances`).

Provenance (see :mod:`gnsverify.cases`): claims resting on an estimated constant, or
an undecidable ``f*`` or ``D``, are INCONCLUSIVE with the reason.
"""
from __future__ import annotations

from typing import Any, Callable

from gnsverify.budgets import BUDGETS, resolve_budget
from gnsverify.cases import Case
from gnsverify.checks import CHECKS
from gnsverify.pipeline import CaseReport, check_case
from gnsverify.runs import RUNS

__all__ = ["verify", "campaign", "CaseReport", "BUDGETS", "RUNS", "resolve_budget"]


def verify(case: Case, *, eps=None, budget="default", seed: int = 0, runs=RUNS,
           progress: Callable[[dict], Any] | None = None) -> CaseReport:
    """Run ``case`` and decide every claim (see the module docstring).

    ``progress`` (optional) is called with ``{"case", "stage", "done", "total"}``.
    """
    return check_case(case, CHECKS, eps=eps, budget=budget, seed=seed, runs=runs,
                      progress=progress)


def campaign(cases=None, *, eps=None, budget="default", seed: int = 0,
             progress: Callable[[dict], Any] | None = None) -> list[CaseReport]:
    """``verify`` every case (default: the catalog), in order.

    ``progress`` receives the per-case events of :func:`verify` plus ``"index"`` and
    ``"n_cases"``. Runs with one BLAS thread (:mod:`gnsverify.threads` says why).
    """
    from gnsverify.threads import single_threaded_blas
    if cases is None:
        from gnsverify.catalog import default_cases
        cases = default_cases()
    cases = list(cases)
    for c in cases:
        if not isinstance(c, Case):
            raise ValueError(f"cases must contain gnsverify Case objects, got {type(c).__name__}.")
    out = []
    with single_threaded_blas():
        for i, c in enumerate(cases):
            def prog(ev, i=i):
                if progress is not None:
                    progress({**ev, "index": i, "n_cases": len(cases)})
            out.append(verify(c, eps=eps, budget=budget, seed=seed, progress=prog))
    return out
