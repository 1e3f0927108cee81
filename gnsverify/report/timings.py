"""``timings.json``: where a campaign's time went (machine-dependent; never in results.json).

    {"jobs": N,
     "phases": {"cases" | "warm-up" | "campaign" | "report": {"wall_s", "compile_s"}},
     "cases": {case: {stage: {"wall_s", "compile_s"}}},
     "extras": {label: {"wall_s", "compile_s"}},
     "stages": {stage: {"wall_s", "compile_s"}}}

``phases`` are measured in the calling process: ``cases`` builds the cases (the
catalog's, or those named on the command line: their classes' constants by sympy, and
whatever the constants need compiled), ``warm-up`` (with ``jobs > 1``) waits for the
process that compiles the baselines' kernel beside that build
(:func:`gnsverify.runs.warm_baselines`), ``campaign`` runs the cases and the extras on the
workers, ``report`` writes the files and draws the figures. ``cases`` and ``extras`` are
measured where each task ran (a worker, when ``jobs > 1``: their sum is the campaign's
work, not its wall time); a case's stages are its runs (``theory run``, ``adaptive
run``, ``ideal run``, ``baselines``), then its checks by name (``gamma lower bound`` is
the gamma search) and the ``summary``. ``stages`` adds up each stage over the cases.
``compile_s`` is the part spent compiling kernels (:func:`numeric.compile_seconds`); a
case taken from a store carries the times of the run that stored it.
"""
from __future__ import annotations

import json
from pathlib import Path

from gnsverify.report.format import case_name


def _add(into: dict, t: dict) -> None:
    for k in ("wall_s", "compile_s"):
        into[k] = into.get(k, 0.0) + float(t.get(k, 0.0))


def timings(reports, extras=(), phases=None, jobs: int = 1) -> dict:
    """The ``timings.json`` object (module docstring) of a campaign's reports and extras
    (:class:`gnsverify.parallel.Extra` with their ``timing``)."""
    cases = {case_name(r): dict(getattr(r, "timings", {}) or {}) for r in reports}
    stages: dict = {}
    for per in cases.values():
        for stage, t in per.items():
            _add(stages.setdefault(stage, {}), t)
    return {"jobs": int(jobs), "phases": dict(phases or {}), "cases": cases,
            "extras": {e.label: e.timing for e in extras if e.timing is not None},
            "stages": stages}


def write_timings(out, obj: dict) -> Path:
    """Write ``obj`` (:func:`timings`) as ``out/timings.json``; returns its path."""
    path = Path(out) / "timings.json"
    path.write_text(json.dumps(obj, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return path
