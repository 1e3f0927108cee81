"""The one translation of a case into runs of the numeric layer.

:func:`gns_options` turns a case (its Hessian rule, metric, start, claimed bound) and a
step rule into the arguments of :func:`numeric.solver.minimize_gns`; :func:`run_gns`
runs it; :func:`run_case` runs what a verification needs (the theory step, the
adaptive search, the ideal step for small ``n``, and the baselines) into a context;
the CLI's ``run`` command and the catalog use the same functions.
"""
from __future__ import annotations

from typing import Any, Callable

#: the runs a verification can ask for (``baselines`` = every applicable baseline)
RUNS = ("theory", "adaptive", "ideal", "baselines")
#: the step rules of the GNS method (numeric.solver.STEP_CODES)
STEPS = ("adaptive", "theory", "ideal")
#: the ideal step's sample set: radii gamma_hi 2^-j, j < n_radii, reach down to ~1e-9
#: (the solver's defaults, gamma_hi = 1e8 with 48 radii, stop at ~7e-7)
IDEAL_SEARCH = dict(gamma_hi=1e8, n_radii=56, n_dirs=32)


def gns_options(case, step: str, *, max_iter: int | None = None, seed: int = 0,
                stop: dict | None = None, record_x: bool = True) -> dict:
    """Keyword arguments of :func:`numeric.solver.minimize_gns` for ``case`` and ``step``.

    ``stop``: the stopping tolerances (``gtol``, ``ftol``, ``f_star``; default the
    solver's with the case's ``f*``).
    """
    if step not in STEPS:
        raise ValueError(f"step must be one of {STEPS}, got {step!r}.")
    bound = case.bound()
    kw: dict[str, Any] = dict(hessian=case.hessian_rule(), step=step, B=case.B,
                              max_iter=case.max_iter if max_iter is None else max_iter,
                              record_x=record_x, gamma0=case.gamma0,
                              max_trials=case.max_trials)
    if stop is None:
        f_star = case.f_star if case.f_star is not None else case.get_problem().f_star
        stop = dict(f_star=f_star)
    kw.update(stop)
    if step == "theory":
        kw["bound"] = (bound.alphas(), bound.Ms())
    if step == "ideal":
        kw["ideal"] = dict(IDEAL_SEARCH, seed=seed)
    return kw


def run_gns(case, step: str, **options):
    """One run of the GNS method on ``case`` (options: :func:`gns_options`)."""
    from numeric.solver import minimize_gns
    return minimize_gns(case.get_problem(), case.start(), **gns_options(case, step, **options))


def run_baselines(case, max_iter: int) -> dict:
    """``{"baseline:<name>": Result}`` for every baseline that applies to the problem."""
    from numeric.baselines import BASELINES
    out = {}
    problem, x0 = case.get_problem(), case.start()
    for name, fn in BASELINES.items():
        try:
            out[f"baseline:{name}"] = fn(problem, x0, max_iter=max_iter)
        except ValueError:            # a baseline whose Hessian rule the problem lacks
            continue
    return out


def warm_baselines() -> None:
    """Compile the baselines' shared kernel into numba's disk cache: each baseline for one
    iteration on the 2-D Rosenbrock problem (every problem has the kernel's one
    signature). On a cold cache this is what each worker of a campaign would otherwise
    compile at the same time (about 160 s each on this project's 2-core machine);
    ``gnsverify verify`` runs it beside the catalog's build
    (:func:`gnsverify.parallel.warming`)."""
    from numeric.baselines import BASELINES
    from numeric.problems import REGISTRY
    problem = REGISTRY["rosenbrock"]()
    for fn in BASELINES.values():
        fn(problem, max_iter=1)


def run_case(ctx, runs=RUNS, progress: Callable[[str], Any] | None = None) -> dict:
    """Run what ``runs`` names for the context's case into ``ctx.runs`` (and return it).

    The ideal step is skipped above the budget's ``ideal_max_n`` and the baselines when
    the budget says so; each skip is a note of the context.
    """
    bad = [r for r in runs if r not in RUNS]
    if bad:
        raise ValueError(f"runs must be a subset of {RUNS}, got {bad!r}.")
    say = progress or (lambda stage: None)
    b = ctx.budget
    for step in ("theory", "adaptive", "ideal"):
        if step not in runs:
            continue
        say(f"{step} run")
        if step == "ideal" and ctx.problem.n > b["ideal_max_n"]:
            ctx.notes.append(f"ideal run skipped: n = {ctx.problem.n} > {b['ideal_max_n']}")
            continue
        ctx.runs[step] = run_gns(ctx.case, step, max_iter=ctx.max_iter, seed=ctx.seed,
                                 stop=ctx.stop_tols())
    if "baselines" in runs:
        say("baselines")
        if b["baselines"]:
            ctx.runs.update(run_baselines(ctx.case, ctx.max_iter))
        else:
            ctx.notes.append("baselines not run (budget)")
    return ctx.runs
