"""The files of ``gnsverify reproduce``: per experiment ``NAME.json`` (methods, times,
verdicts, instance facts), ``NAME.png`` (the published plots: ``f - f*`` against
iterations and against time, ``gamma_k`` against iterations) and ``NAME_trace_*.csv``
(one per method); one ``REPRODUCTION.md`` for all experiments run."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gnsverify.report.format import dumps, fmt, markdown_table
from gnsverify.report.run import write_trace_csv

TIME_NOTE = ("Published times are those printed in the authors' notebook, measured on their "
             "machine (another CPU, NumPy with its default BLAS threads): quoted, not compared. "
             "Ours and the NumPy reference ran here, one after the other in the same process, "
             "each with one BLAS thread and after a one-iteration warm-up. The NumPy reference "
             "(numeric.reference) is Algorithm 1 in plain NumPy/SciPy on the same compiled "
             "oracles: the difference is the method's own overhead, not the oracles'.")


def _gamma_series(run) -> tuple[np.ndarray, str]:
    """``gamma_k`` of a GNS run; for the gradient method ``||g_k|| t_k`` (its step length
    in the published gamma plot); empty for other baselines."""
    tr, m = run.result.trace, run.method
    if m.solver == "gns":
        return np.asarray(tr.gamma, float), m.label
    if m.solver == "gradient":
        return np.asarray(tr.gnorm[:-1], float) * np.asarray(tr.gamma, float), m.label + " (||g|| t)"
    return np.zeros(0), ""


def curves(rep) -> dict:
    """The published plots of one reproduction as backend-neutral panels."""
    f_star = rep.instance.f_star
    gap_it, gap_t, gam, gn = [], [], [], []
    for run in rep.runs:
        tr = run.result.trace
        k = list(range(len(tr.f)))
        gap = (np.asarray(tr.f, float) - f_star).tolist()
        gap_it.append({"label": run.method.label, "x": k, "y": gap})
        gap_t.append({"label": run.method.label, "x": np.asarray(tr.time, float).tolist(), "y": gap})
        gn.append({"label": run.method.label, "x": k, "y": np.asarray(tr.gnorm, float).tolist()})
        y, label = _gamma_series(run)
        if y.size:
            gam.append({"label": label, "x": list(range(y.size)), "y": y.tolist()})
    shape = rep.instance.facts.get("shape")
    title = f"{rep.experiment.title} ({shape})" if shape else rep.experiment.title
    return {"title": title, "panels": [
        {"ylabel": "f(x_k) - f*", "xlabel": "iteration k", "series": gap_it},
        {"ylabel": "f(x_k) - f*", "xlabel": "time (s, ours)", "series": gap_t},
        {"ylabel": "gamma_k", "xlabel": "iteration k", "series": gam},
        {"ylabel": "||g(x_k)||_* (identity metric for the baselines)", "xlabel": "iteration k",
         "series": gn}]}


def method_rows(rep) -> list[list]:
    rows = []
    eps = rep.experiment.ftol
    for r in rep.runs:
        d = r.row(rep.instance.f_star, eps)
        ref = ("—" if d["reference_seconds"] is None else
               f"{fmt(d['reference_seconds'])} ({fmt(d['reference_iterations_to_eps'])} / "
               f"{d['reference_iterations']} it.)")
        rows.append([d["method"], d["published_label"], d["hessian"], d["status"],
                     fmt(d["iterations_to_eps"]), d["iterations"], fmt(d["final_gap"]),
                     fmt(d["seconds"]), ref, fmt(d["published_s"])])
    return rows


METHOD_HEADER = ["method", "published curve", "Hessian", "status", "it. to f - f* < 1e-8",
                 "iterations", "final f - f*", "ours (s)", "NumPy reference (s; it. to eps / all)",
                 "published (s, their machine)"]


def verdict_rows(rep) -> list[list]:
    rows = []
    for v in rep.verdicts:
        rows.append([v.case, v.claim, v.verdict, v.tried, fmt(v.detection_threshold),
                     (v.detail or "")[:160]])
    return rows


def section(rep) -> list[str]:
    """The REPRODUCTION.md section of one experiment."""
    from gnsverify.experiments import NOT_DERIVED
    from gnsverify.reproduce import UNDECIDED_WITHOUT_CONSTANTS, constants_derived
    e = rep.experiment
    name = e.name
    lines = [f"## {e.title}", "",
             f"Notebook section \"{e.section}\", seed 3124, size `{rep.size}`; "
             f"`gnsverify reproduce {name}" + ("" if rep.size == "paper" else f" --size {rep.size}")
             + f"` ({rep.wall_time:.1f} s here).", ""]
    doc = (e.build.__doc__ or "").strip()
    if doc:
        lines += [" ".join(doc.split()), ""]
    if e.note:
        lines += [e.note, ""]
    stop = ("every method stops at `f - f* < 1e-8` (the notebook gives them `f*`)"
            if e.stops_at_eps else "the notebook gives the methods no `f*`, so they run "
            "their whole iteration budget; ours run it too unless nothing is left to gain "
            "(`f <= f*`, `||g|| = 0` or a stall)")
    lines += [f"Stopping: {stop}.", "", markdown_table(METHOD_HEADER, method_rows(rep)), ""]
    if rep.verdicts:
        lines += ["Claims on the GNS runs (trace audit, per-step invariants, global bound, "
                  "order; detection threshold: the factor by which the claim would have to be "
                  "wrong for the same check to FAIL):", "",
                  markdown_table(["case", "claim", "verdict", "tried", "threshold", "detail"],
                                 verdict_rows(rep)), ""]
    unclaimed = [r.method.label for r in rep.runs if r.method.solver == "gns" and not r.verdicts]
    if unclaimed:
        lines += ["No claim is derived for " + ", ".join(unclaimed) + " on this instance: its run "
                  "is shown, not checked.", ""]
    blind = [c.name for c in rep.instance.cases.values() if not constants_derived(c)]
    if blind:
        lines += [f"Class constants {NOT_DERIVED} ({', '.join(blind)}): only what the algorithm "
                  "guarantees is decided there; " + ", ".join(f"`{c}`" for c in UNDECIDED_WITHOUT_CONSTANTS)
                  + " are not decided (and not reported as PASS).", ""]
    facts = rep.instance.facts
    if facts:
        lines += ["Instance facts: " + "; ".join(f"{k} = {fmt(v)}" for k, v in facts.items()) + ".", ""]
    lines += [f"![{name}]({name}.png)", ""]
    return lines


def write_reproductions(out: Path, reps, *, figures: bool = True) -> list[str]:
    """Write every reproduction of ``reps`` into ``out``; returns the file names."""
    out = Path(out)
    files = []
    lines = ["# Reproductions of the published experiments", "", TIME_NOTE, ""]
    for rep in reps:
        name = rep.experiment.name
        (out / f"{name}.json").write_text(dumps(rep.to_dict()) + "\n", encoding="utf-8")
        files.append(f"{name}.json")
        for r in rep.runs:
            fn = f"{name}_trace_{r.method.key}.csv"
            write_trace_csv(out / fn, r.result.trace)
            files.append(fn)
        if figures:
            from gnsverify.figures import convergence_figure
            convergence_figure(curves(rep), out / f"{name}.png")
            files.append(f"{name}.png")
        sec = section(rep)
        if not figures:
            sec = [ln for ln in sec if not ln.startswith("![")]
        lines += sec
    (out / "REPRODUCTION.md").write_text("\n".join(lines), encoding="utf-8")
    return ["REPRODUCTION.md", *files]
