"""The methods compared: per case, every run's cost to each ``eps`` of the ladder (the
GNS method with each step rule beside the baselines), and Dolan-Moré performance
profiles over the catalog.

**Performance profile** (Dolan and Moré, Math. Program. 91, 2002). For a cost ``t_{p,s}``
of method ``s`` on case ``p`` (iterations, oracle calls, or wall time to the case's
*target*), the ratio ``r_{p,s} = t_{p,s} / min_s t_{p,s}`` (``inf`` when ``s`` did not
reach the target or did not run) and ``rho_s(tau) = |{p : r_{p,s} <= tau}| / |P|``, the
fraction of cases ``s`` solves within a factor ``tau`` of the best method. ``rho_s(1)``
is how often ``s`` is the cheapest, ``rho_s(inf)`` how often it reaches the target at
all. The target of a case is the smallest ``eps`` of its ladder that some method
reached (so every case in the profile is solved by at least one method); cases where
no method reached any ``eps`` are left out and counted.
"""
from __future__ import annotations

import math
from pathlib import Path

from gnsverify.report.format import fmt, markdown_table, write_csv

COSTS = {"iterations": "iterations", "calls": "oracle calls (values + gradients + Hessians)",
         "time_s": "wall time (s)"}
#: the smallest cost a ratio divides by, per cost (a target met at ``x_0`` costs 0): one
#: iteration, one call, the clock's microsecond
FLOORS = {"iterations": 1.0, "calls": 1.0, "time_s": 1e-6}


def _label(row: dict) -> str:
    """``gns theory``, ``gns adaptive``, ``gns ideal`` or the baseline's name."""
    run = row["run"]
    return run.split(":", 1)[1] if run.startswith("baseline:") else f"gns {run}"


def _cost(hit: dict | None, name: str):
    if hit is None or hit.get("k") is None:
        return None
    return hit["k"] if name == "iterations" else hit[name]


def _cell(hit: dict) -> str:
    if hit["k"] is None:
        return "—"
    return f"{hit['k']} · {hit['calls']} · {fmt(hit['time_s'], 2)}"


def case_table(rep, fmt_name: str = "md") -> str | None:
    """One row per run of a case: status, totals, and ``k · calls · seconds`` to each eps."""
    rows = getattr(rep, "methods", None) or []
    if not rows:
        return None
    ladder = [h["eps"] for h in rows[0]["to_eps"]]
    header = (["method", "status", "iterations", "nfev / njev / nhev", "wall (s)"]
              + [f"to {fmt(e, 2)}" for e in ladder])
    body = [[_label(r), r["status"], r["iterations"], f"{r['nfev']} / {r['njev']} / {r['nhev']}",
             fmt(r["wall_s"], 2)] + [_cell(h) for h in r["to_eps"]] for r in rows]
    return markdown_table(header, body)


def _target(rows: list[dict]) -> float | None:
    """The smallest ladder ``eps`` some run reached."""
    reached = [h["eps"] for r in rows for h in r["to_eps"] if h["k"] is not None]
    return min(reached) if reached else None


def profile(reports, cost: str = "iterations") -> dict:
    """The Dolan-Moré profile of ``cost`` (a key of :data:`COSTS`) over ``reports``.

    Returns ``{"cost", "methods", "cases", "left_out", "ratios": {method: [r_p ...]},
    "curves": {method: {"tau": [...], "rho": [...]}}}`` where each curve is the step
    function ``rho(tau)`` at its jumps (``tau`` ascending, the ratios attained).
    """
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(COSTS)}, got {cost!r}.")
    per_case, left_out = {}, []
    for rep in reports:
        rows = getattr(rep, "methods", None) or []
        target = _target(rows)
        if target is None:
            if rows:
                left_out.append(rep.case.name)
            continue
        costs = {}
        for r in rows:
            hit = next(h for h in r["to_eps"] if h["eps"] == target)
            c = _cost(hit, cost)
            costs[_label(r)] = c
        per_case[rep.case.name] = costs
    methods = sorted({m for c in per_case.values() for m in c})
    ratios = {m: [] for m in methods}
    for costs in per_case.values():
        done = [c for c in costs.values() if c is not None]
        # a zero cost (the target met at x_0) is floored at the cost's unit (FLOORS), so
        # ratios stay finite and a tie at 0 is a tie
        floor = FLOORS[cost]
        best = max(min(done), floor)
        for m in methods:
            c = costs.get(m)
            ratios[m].append(math.inf if c is None else max(c, floor) / best)
    n = len(per_case)
    curves = {}
    for m, rs in ratios.items():
        taus = sorted({r for r in rs if math.isfinite(r)})
        curves[m] = {"tau": taus, "rho": [sum(r <= t for r in rs) / n for t in taus]}
    return {"cost": cost, "label": COSTS[cost], "methods": methods, "cases": list(per_case),
            "left_out": left_out, "ratios": ratios, "curves": curves}


def profile_table(prof: dict) -> str:
    """Per method: ``rho(1)`` (cheapest), ``rho(2)``, ``rho(10)`` and ``rho(inf)`` (solved)."""
    taus = (1.0, 2.0, 10.0, math.inf)
    n = max(len(prof["cases"]), 1)
    body = [[m] + [fmt(sum(r <= t and math.isfinite(r) for r in prof["ratios"][m]) / n, 3) for t in taus]
            for m in prof["methods"]]
    return markdown_table(["method", "rho(1)", "rho(2)", "rho(10)", "rho(inf)"], body)


def section(reports, figure: str | None = None) -> str | None:
    """The REPORT.md section: the profiles, then one table per case."""
    tables = [(rep.case.name, case_table(rep)) for rep in reports]
    tables = [(n, t) for n, t in tables if t]
    if not tables:
        return None
    lines = ["## Methods compared", "",
             "Every run of each case: the GNS method with each step rule (`gns theory`: "
             "`gamma_k = pi(||g_k||_*)`; `gns adaptive`: the halving search; `gns ideal`: "
             "the numerical `gamma(x_k)`) beside the baselines, with scipy's oracle counts "
             "(`nfev / njev / nhev`: values, gradients, Hessian-rule evaluations, rejected "
             "trials included) and, for each `eps` of the ladder, `k · calls · seconds`: the "
             "first iterate at or below `eps`, the value + gradient + Hessian evaluations and "
             "the wall time spent by then, counted from the evaluation of `x_0` (`—`: not "
             "reached within the run's budget). Each "
             "`eps` bounds the case's measure (the rate table's `in f - f*` or `in ||g||_*`).",
             ""]
    profs = [profile(reports, c) for c in COSTS]
    if profs[0]["cases"]:
        lines += ["### Performance profiles", "",
                  f"Dolan-Moré profiles over {len(profs[0]['cases'])} cases (target: the smallest "
                  "`eps` of the case's ladder some method reached): `rho(tau)` is the fraction of "
                  "cases a method reaches the target within `tau` times the cheapest method's cost; "
                  "`rho(1)` = cheapest, `rho(inf)` = reached at all. Methods that do not apply to a "
                  "case (a baseline needing the exact Hessian, the ideal step above its size limit) "
                  "count as not reaching it there.", ""]
        if profs[0]["left_out"]:
            lines += [f"Left out (no method reached an `eps` of the ladder): "
                      f"{', '.join(profs[0]['left_out'])}.", ""]
        for p in profs:
            lines += [f"**{p['label']}**", "", profile_table(p), ""]
        if figure:
            lines += [f"![performance profiles]({figure})", ""]
    for name, t in tables:
        lines += [f"### {name}: methods", "", t, ""]
    return "\n".join(lines).rstrip()


def summary(reports) -> dict | None:
    """``summary.json["methods"]``: the profiles (ratios and curves per cost)."""
    if not any(getattr(rep, "methods", None) for rep in reports):
        return None
    return {"profiles": {c: profile(reports, c) for c in COSTS}}


METHOD_COLUMNS = ["case", "method", "run", "hessian", "status", "iterations", "nfev", "njev",
                  "nhev", "wall_s", "measure", "eps", "k", "calls", "time_s"]


def write_methods(out: Path, reports) -> Path | None:
    """``methods.csv``: one row per case, run and ``eps`` (the data of the tables)."""
    rows = []
    for rep in reports:
        for r in getattr(rep, "methods", None) or []:
            for h in r["to_eps"]:
                rows.append([rep.case.name, _label(r), r["run"], r["hessian"], r["status"],
                             r["iterations"], r["nfev"], r["njev"], r["nhev"], r["wall_s"],
                             r["measure"], h["eps"], h["k"], h["calls"], h["time_s"]])
    if not rows:
        return None
    path = Path(out) / "methods.csv"
    write_csv(path, METHOD_COLUMNS, rows)
    return path
