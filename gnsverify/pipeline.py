"""The loop of a verification: a case, a list of checks, a report.

:func:`check_case` builds the case's :class:`~gnsverify.context.Context`, runs what the
checks need (:mod:`gnsverify.runs`), asks each check whether its claim applies and
collects its verdicts (every verdict made by :func:`gnsverify.verdict.decide`), and
returns a :class:`CaseReport`. It knows no particular check: :func:`gnsverify.verify.verify`
passes the full list (:data:`gnsverify.checks.CHECKS`), the instance search a subset.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from gnsverify import summary
from gnsverify.cases import Case
from gnsverify.context import Context
from gnsverify.runs import RUNS, run_case
from gnsverify.verdict import worst


@dataclass
class CaseReport:
    """Everything a verification found about one case (``to_dict()`` is JSON-ready).

    * ``verdicts``: one :class:`Verdict` per claim; claims that do not apply (e.g.
      Lemma 1 for an indefinite ``H``) are absent and ``notes`` says why;
    * ``runs``: ``"theory"``, ``"adaptive"``, ``"ideal"``, ``"baseline:<name>"`` ->
      numeric ``Result``;
    * ``row``: the rate-table row (:func:`gnsverify.summary.row`);
    * ``curves``: the plot data (:func:`gnsverify.summary.curves`);
    * ``methods``: every run's cost to each ``eps`` (:func:`gnsverify.summary.methods`);
    * ``warnings``: what the user should know before reading the numbers (e.g. an
      ``eps`` below double precision).
    """

    case: Case
    verdicts: list
    runs: dict
    row: dict
    curves: dict
    notes: list = field(default_factory=list)
    wall_time: float = 0.0
    warnings: list = field(default_factory=list)
    #: the cost of every run to each eps of the ladder (:func:`gnsverify.summary.methods`)
    methods: list = field(default_factory=list)
    #: ``stage -> {"wall_s", "compile_s"}``: where the case's time went, by stage (the
    #: runs, then each check; ``compile_s`` the part spent compiling kernels,
    #: :func:`numeric.compile_seconds`). Machine-dependent: never part of results.json.
    timings: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return worst(self.verdicts)

    def to_dict(self) -> dict:
        return {
            "case": self.case.summary(),
            "verdict": self.verdict,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "runs": {k: dict(method=r.method, hessian=r.hessian, status=r.status, nit=int(r.nit),
                             fun=_num(r.fun), gnorm=_num(r.gnorm))
                     for k, r in self.runs.items()},
            "row": self.row, "curves": self.curves, "notes": list(self.notes),
            "warnings": list(self.warnings), "wall_time": self.wall_time,
            "methods": self.methods, "timings": self.timings,
        }


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def check_case(case: Case, checks, *, eps=None, budget="default", seed: int = 0, runs=None,
               progress: Callable[[dict], Any] | None = None,
               given_runs: Callable[[Context], dict] | None = None) -> CaseReport:
    """Verify ``case`` with ``checks`` (see the module docstring).

    ``runs`` (default: what the checks need) is a subset of :data:`gnsverify.runs.RUNS`;
    ``progress`` (optional) is called with ``{"case", "stage", "done", "total"}``.
    ``given_runs(ctx) -> {name: Result}`` supplies the runs instead of the numeric
    layer (``gnsverify selftest`` checks a broken method's runs this way).
    """
    if progress is not None and not callable(progress):
        raise ValueError("progress must be callable or None.")
    t0 = time.monotonic()
    ctx = Context(case, eps=eps, budget=budget, seed=seed)
    if runs is None:
        runs = tuple(r for r in RUNS if any(r in c.needs for c in checks))
    runs = tuple(runs)
    stages = len(runs) + len(checks)
    done = [0]
    clock = StageClock()

    def emit(stage):
        clock.start(stage)
        if progress is not None:
            progress({"case": case.name, "stage": stage, "done": done[0], "total": stages})
        done[0] += 1

    if given_runs is None:
        run_case(ctx, runs, emit)
    else:
        ctx.runs.update(given_runs(ctx))
    verdicts = []
    for check in checks:
        emit(check.name)
        ok, reason = check.applies(ctx)
        if not ok:
            ctx.notes.append(reason)
            continue
        found = check.run(ctx)
        undeclared = sorted({v.claim for v in found} - set(check.claims)) if check.claims else []
        if undeclared:
            raise RuntimeError(f"check {check.name!r} returned the undeclared claim(s) {undeclared}; "
                               "declare them in its `claims` (and map them in gnsverify.paper_map).")
        verdicts.extend(found)
    clock.start("summary")
    rep = CaseReport(case=case, verdicts=verdicts, runs=ctx.runs, row=summary.row(ctx, verdicts),
                     curves=summary.curves(ctx), notes=ctx.notes + ctx.warnings,
                     warnings=list(ctx.warnings), methods=summary.methods(ctx))
    rep.timings = clock.stop()
    rep.wall_time = time.monotonic() - t0
    if progress is not None:
        progress({"case": case.name, "stage": "done", "done": stages, "total": stages})
    return rep


class StageClock:
    """Wall and compile seconds per stage: :meth:`start` closes the running stage and
    opens the next; :meth:`stop` closes the last and returns ``stage -> {"wall_s",
    "compile_s"}`` (a stage started twice adds up)."""

    def __init__(self):
        self.stage, self.times = None, {}

    def _mark(self):
        from numeric import compile_seconds
        return time.perf_counter(), compile_seconds()

    def start(self, stage):
        """Close the running stage (if any) and open ``stage`` (``None``: pause)."""
        now = self._mark()
        if self.stage is not None:
            t = self.times.setdefault(self.stage, {"wall_s": 0.0, "compile_s": 0.0})
            t["wall_s"] += now[0] - self.t[0]
            t["compile_s"] += now[1] - self.t[1]
        self.stage, self.t = stage, now

    def stop(self) -> dict:
        self.start(None)
        return self.times
