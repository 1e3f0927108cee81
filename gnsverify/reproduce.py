"""Reproduce a published experiment (:mod:`gnsverify.experiments`) and check it.

:func:`reproduce` builds the experiment's instance, runs every method of its plot
(the compiled solver and baselines), times each run after a one-iteration warm-up
(so the time is the run's, not the loading of compiled code), runs the plain NumPy
reference of Algorithm 1 (:mod:`numeric.reference`) on the same instance in the
same process for every GNS method, and decides the claims on every GNS run with the
checker's own checks (trace audit, per-step invariants, global bound, order) through
:func:`gnsverify.pipeline.check_case`. Both timed runs use one BLAS thread
(:mod:`gnsverify.threads`). The published times come from the authors' machine: they
are quoted beside ours, never divided by them.

The result is a :class:`Reproduction`; :mod:`gnsverify.report.reproduction` writes it
(figure, REPRODUCTION.md, reproduction.json).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from gnsverify.experiments import EXPERIMENTS, NOT_DERIVED, SEED, SIZES, get_experiment

#: the checks decided on a reproduction's runs (the gamma search and the instance
#: falsification sample the problem and are left to ``gnsverify verify``)
CHECK_NAMES = ("trace audit", "invariants", "global bound", "order")
#: the claims decided whatever the class constants: what the algorithm itself guarantees
GUARANTEED = ("audit:trace", "invariant:acceptance", "invariant:step_bound")
#: what is left undecided on a run whose class constants are not derived
UNDECIDED_WITHOUT_CONSTANTS = ("invariant:no_rejection_below_pi", "invariant:lemma1_decrease",
                               "global_bound", "order")


@dataclass
class MethodRun:
    """One method's run: the compiled solver's (or baseline's) result and timing, the
    NumPy reference's for GNS methods, and the verdicts of its claim."""

    method: Any
    result: Any
    seconds: float
    reference: Any = None
    reference_seconds: float | None = None
    verdicts: list = field(default_factory=list)

    def row(self, f_star: float, eps: float = 1e-8) -> dict:
        m, r = self.method, self.result
        gap = float(r.fun) - f_star
        out = dict(method=m.label, published_label=m.published_label or m.label,
                   solver=m.solver, hessian=m.hessian if m.solver != "gradient" else "none",
                   status=r.status, iterations=int(r.nit), final_gap=gap,
                   iterations_to_eps=iterations_to(r, f_star, eps),
                   reference_iterations_to_eps=None if self.reference is None
                   else iterations_to(self.reference, f_star, eps),
                   nfev=int(r.nfev), nhev=int(r.nhev), seconds=self.seconds,
                   reference_seconds=self.reference_seconds,
                   reference_iterations=None if self.reference is None else int(self.reference.nit),
                   reference_final_gap=None if self.reference is None
                   else float(self.reference.fun) - f_star,
                   published_s=m.published_s)
        return out


@dataclass
class Reproduction:
    experiment: Any
    size: str
    instance: Any
    runs: list
    wall_time: float
    seed: int = 0

    @property
    def verdicts(self) -> list:
        return [v for r in self.runs for v in r.verdicts]

    def to_dict(self) -> dict:
        e = self.experiment
        return {
            "experiment": e.name, "title": e.title, "notebook_section": e.section,
            "size": self.size, "seed": SEED, "check_seed": self.seed, "note": e.note,
            "f_star": self.instance.f_star, "facts": _jsonable(self.instance.facts),
            "eps": e.ftol, "stops_at_eps": e.stops_at_eps,
            "methods": [r.row(self.instance.f_star, e.ftol) for r in self.runs],
            "verdicts": [v.to_dict() for v in self.verdicts],
            "wall_time": self.wall_time,
        }


def _jsonable(d: dict) -> dict:
    return {k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in d.items()}


def stopping(exp, inst) -> dict:
    """The notebook's stopping test: ``f - f* < eps`` when it gives the methods ``f*``;
    otherwise the notebook's methods run their whole iteration budget, and ours run it
    too unless nothing is left to gain (``f <= f*``, ``||g|| = 0``, or a stall: no
    representable decrease)."""
    if exp.stops_at_eps:
        return dict(ftol=exp.ftol, f_star=inst.f_star)
    return dict(ftol=0.0, f_star=inst.f_star, gtol=0.0)


def _solve(method, inst, stop: dict, max_iter: int | None = None):
    """One run of ``method`` on the instance (compiled solver or baseline)."""
    n_iter = method.max_iter if max_iter is None else max_iter
    if method.solver == "gns":
        from numeric.solver import minimize_gns
        return minimize_gns(inst.problem, inst.x0, hessian=method.hessian, step="adaptive",
                            B=inst.B if method.metric else None, max_iter=n_iter,
                            record_x=True, **stop, **method.options)
    from numeric.baselines import BASELINES
    fn = BASELINES[method.solver]
    kw = dict(method.options)
    if method.solver not in ("gradient", "fast_gradient"):
        kw["hessian"] = method.hessian
    return fn(inst.problem, inst.x0, max_iter=n_iter, **stop, **kw)


def _reference(method, inst, stop: dict, max_iter: int | None = None):
    from numeric.reference import minimize_reference
    return minimize_reference(inst.problem, inst.x0, hessian=method.hessian, step="adaptive",
                              B=inst.B if method.metric else None,
                              max_iter=method.max_iter if max_iter is None else max_iter,
                              **stop, **method.options)


def iterations_to(result, f_star: float, eps: float) -> int | None:
    """The first ``k`` with ``f(x_k) - f* < eps`` (``None``: never)."""
    hit = np.flatnonzero(np.asarray(result.trace.f, float) - f_star < eps)
    return int(hit[0]) if hit.size else None


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


#: the checks are decided on a run up to its resolution: while the residual's rounding
#: bound is at most this fraction of ||u|| (gnsverify.rounding; f then rounds by at most
#: about p times it, relative)
RESOLUTION = 1e-8


def resolved_iterations(case, result) -> int | None:
    """The first iterate ``k`` where the residual's rounding bound ``e(x_k)`` exceeds
    :data:`RESOLUTION` ``||u(x_k)||`` (``None``: every iterate is resolved, or the
    problem declares no residual rounding). Beyond it the relative slack of the checks
    cannot separate a violation from rounding (docs/theory.md finding 19)."""
    p = case.get_problem()
    X = result.trace.x
    if p.type.residual_error is None or X is None:
        return None
    pw = float(p.type.kernels["residual_parts"](p.data, np.asarray(X[0], float))[3])
    for k, (x, f) in enumerate(zip(np.asarray(X), np.asarray(result.trace.f, float))):
        U = (pw * max(float(f), 0.0)) ** (1.0 / pw)
        if p.residual_error(np.abs(x))[0] > RESOLUTION * U:
            return k
    return None


def truncated(result, K: int):
    """``result`` as if a callback had stopped it at iterate ``K`` (the trace's prefix)."""
    import dataclasses
    tr = result.trace
    keep = np.asarray(tr.trial_iter) < K
    cut = {}
    for name in ("f", "gnorm", "n_value", "n_grad", "n_hess", "time"):
        cut[name] = np.asarray(getattr(tr, name))[:K + 1]
    for name in ("gamma", "lam", "step"):
        cut[name] = np.asarray(getattr(tr, name))[:K]
    for name in ("trial_iter", "trial_gamma", "trial_accepted", "trial_f", "trial_gnorm",
                 "trial_step"):
        cut[name] = np.asarray(getattr(tr, name))[keep]
    if tr.x is not None:
        cut["x"] = np.asarray(tr.x)[:K + 1]
    t = dataclasses.replace(tr, **cut)
    x = np.asarray(tr.x)[K] if tr.x is not None else result.x
    return dataclasses.replace(result, trace=t, x=x, fun=float(t.f[-1]), gnorm=float(t.gnorm[-1]),
                               nit=K, status="callback", message="checked up to its resolution",
                               nfev=int(t.n_value[-1]), njev=int(t.n_grad[-1]),
                               nhev=int(t.n_hess[-1]), jac=None)


def constants_derived(case) -> bool:
    """Whether the case's class constants are derived (not :data:`NOT_DERIVED`)."""
    return NOT_DERIVED not in case.provenance()["constants"].values()


def check_run(case, result, *, seed: int = 0) -> list:
    """The verdicts of ``case``'s claim on an adaptive ``result`` (:data:`CHECK_NAMES`).

    A run of a residual problem is decided up to its resolution
    (:func:`resolved_iterations`: the trace's prefix, as if a callback had stopped it).
    Without derived constants only what the algorithm guarantees is decided
    (:data:`GUARANTEED`: the trace audit, acceptance and descent, the step
    definitions); the claimed inequalities and the rate claims are left out, not
    reported as PASS (:data:`UNDECIDED_WITHOUT_CONSTANTS` names them in the report).
    """
    from gnsverify.checks import CHECKS
    from gnsverify.pipeline import check_case
    derived = constants_derived(case)
    names = CHECK_NAMES if derived else ("trace audit", "invariants")
    checks = [c for c in CHECKS if c.name in names]
    K = resolved_iterations(case, result)
    if K is not None and K < result.nit:
        result = truncated(result, K)
    rep = check_case(case, checks, budget="default", seed=seed,
                     given_runs=lambda ctx: {"adaptive": result})
    out = [v for v in rep.verdicts if derived or v.claim in GUARANTEED]
    if K is not None:
        for v in out:
            v.detail += (f" [decided on iterations 0..{K}: beyond, the residual's rounding "
                         f"bound exceeds {RESOLUTION:g} ||u||]")
    return out


def reproduce(name: str, *, size: str = "paper", reference: bool = True, seed: int = 0,
              progress: Callable[[str], Any] | None = None) -> Reproduction:
    """Run the experiment ``name`` of :data:`gnsverify.experiments.EXPERIMENTS`.

    ``size``: ``"paper"`` (the published size) or ``"small"``; ``reference``: also
    run (and time) the NumPy reference of every GNS method; ``progress(text)`` is told
    each stage.
    """
    from gnsverify.threads import single_threaded_blas
    exp = get_experiment(name)
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}.")
    say = progress or (lambda text: None)
    t0 = time.perf_counter()
    with single_threaded_blas():
        say(f"{name}: building the instance ({size})")
        inst = exp.build(size)
        stop = stopping(exp, inst)
        runs = []
        for m in exp.methods:
            say(f"{name}: {m.label}")
            _solve(m, inst, stop, max_iter=1)                 # load the compiled code first
            res, secs = _timed(lambda: _solve(m, inst, stop))
            run = MethodRun(m, res, secs)
            if m.solver == "gns" and reference:
                say(f"{name}: {m.label} (NumPy reference)")
                _reference(m, inst, stop, max_iter=1)
                run.reference, run.reference_seconds = _timed(lambda: _reference(m, inst, stop))
            case = inst.cases.get(m.hessian) if m.solver == "gns" and m.metric else None
            if case is not None:
                say(f"{name}: {m.label}: checking the claim")
                run.verdicts = check_run(case, res, seed=seed)
            runs.append(run)
    return Reproduction(exp, size, inst, runs, time.perf_counter() - t0, seed)


__all__ = ["reproduce", "check_run", "Reproduction", "MethodRun", "EXPERIMENTS", "CHECK_NAMES"]
