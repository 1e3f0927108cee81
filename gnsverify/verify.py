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


class VerifyTask:
    """The campaign's task: ``verify`` one case with the campaign's settings (a plain
    picklable object, so a dask worker can receive it). A case may be given as its
    catalog name with its key (``("catalog", name, key)``: the worker rebuilds it with
    :func:`gnsverify.catalog.get_case` and refuses it if its key differs)."""

    def __init__(self, eps, budget, seed):
        self.eps, self.budget, self.seed = eps, budget, seed

    def __call__(self, case, progress=None):
        from gnsverify.parallel import Extra
        if isinstance(case, Extra):
            return case.timed_run()
        if isinstance(case, tuple):          # ("catalog", name, summary key) from run_tasks
            from gnsverify.catalog import get_case
            from gnsverify.store import task_key
            _, name, key = case
            case = get_case(name)
            if task_key(case, seed=self.seed, budget=self.budget, eps=self.eps) != key:
                raise ValueError(f"case {name!r} differs from the catalog's case of that name "
                                 "(changed after get_case, or another gnsverify version on the "
                                 "worker); it cannot be rebuilt there.")
        return verify(case, eps=self.eps, budget=self.budget, seed=self.seed, progress=progress)


def campaign(cases=None, *, eps=None, budget="default", seed: int = 0,
             progress: Callable[[dict], Any] | None = None, jobs: int = 1, scheduler=None,
             store=None, resume: bool = False, extras=()) -> list[CaseReport]:
    """``verify`` every case (default: the catalog); the reports in the cases' order.

    ``progress`` receives the per-case events of :func:`verify` plus ``"index"`` and
    ``"n_cases"`` (and ``"stored": True`` for a case taken from the store). Runs with one
    BLAS thread (:mod:`gnsverify.threads` says why). ``jobs`` worker processes (or a
    dask ``scheduler``: :mod:`gnsverify.parallel`) run the cases; every report carries a
    :class:`gnsverify.portable.CaseInfo` instead of the case, whatever ``jobs``, as do
    reports taken from ``store`` (a :class:`gnsverify.store.Store`: each finished case is written to it,
    and with ``resume`` a case whose key it holds is not run again). The verdicts are
    the same whatever ``jobs``, ``scheduler`` or ``store``. ``extras``
    (:class:`gnsverify.parallel.Extra`) are independent tasks run by the same executor
    after the cases (the worst-case rows, the instance constants, the selftest): each
    gets its :attr:`~gnsverify.parallel.Extra.result`, and ``progress`` an event
    ``{"stage": "<label> done"}`` when it finishes.
    """
    from gnsverify.parallel import run_tasks
    from gnsverify.threads import single_threaded_blas
    if cases is None:
        from gnsverify.catalog import default_cases
        cases = default_cases()
    cases = list(cases)
    for c in cases:
        if not isinstance(c, Case):
            raise ValueError(f"cases must contain gnsverify Case objects, got {type(c).__name__}.")
    if resume and store is None:
        raise ValueError("resume needs a store.")
    n = len(cases)
    out: list = [None] * n
    keys = []
    if store is not None:
        from gnsverify.store import task_key
        keys = [task_key(c, seed=seed, budget=budget, eps=eps) for c in cases]
        if resume:
            for i, k in enumerate(keys):
                out[i] = store.get(k)
                if out[i] is not None and progress is not None:
                    progress({"case": cases[i].name, "stage": "done (stored)", "done": 1, "total": 1,
                              "index": i, "n_cases": n, "stored": True})
    todo = [i for i in range(n) if out[i] is None]
    extras = list(extras)

    def prog(j, ev):
        if progress is not None and j < len(todo):
            progress({**ev, "index": todo[j], "n_cases": n})

    def done(j, rep):
        if j >= len(todo):
            if progress is not None:
                progress({"stage": f"{extras[j - len(todo)].label} done"})
            return
        if store is not None:
            store.put(keys[todo[j]], rep, seed=seed, budget=budget, eps=eps)

    def size(item):
        return -1 if not isinstance(item, Case) else item.get_problem().n

    with single_threaded_blas():
        results = run_tasks(VerifyTask(eps, budget, seed), [cases[i] for i in todo] + extras,
                            workers=jobs, scheduler=scheduler, progress=prog, done=done, size=size)
    for j, i in enumerate(todo):
        out[i] = results[j]
    for e, r in zip(extras, results[len(todo):]):
        e.result, e.timing = r.value, r.timing
    return out
