"""The files of one run (``gnsverify run``): ``run.json`` (summary and trace),
``trace.csv`` (one row per iterate), ``RUN.md`` and the figure ``run.png``."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gnsverify.report.format import dumps, jsonable, markdown_table, write_csv


def run_summary(case, res, step) -> dict:
    """The numbers of one run, as one flat dict."""
    tr = res.trace
    acc = np.asarray(tr.trial_accepted, dtype=bool)
    return {
        "case": case.name, "hessian": case.hessian, "step": step, "status": res.status,
        "iterations": res.nit, "f_final": res.fun, "gnorm_final": res.gnorm,
        "f0": float(tr.f[0]) if len(tr.f) else None,
        "gnorm0": float(tr.gnorm[0]) if len(tr.gnorm) else None,
        "gamma_min": float(np.min(tr.gamma)) if len(tr.gamma) else None,
        "gamma_max": float(np.max(tr.gamma)) if len(tr.gamma) else None,
        "trials": int(acc.size), "rejected_trials": int((~acc).sum()),
        "oracle_values": int(tr.n_value[-1]) if len(tr.n_value) else 0,
        "seconds": float(tr.time[-1]) if len(tr.time) else 0.0, "message": res.message,
    }


def run_curves(res, bound, f_star) -> dict:
    """Backend-neutral plot data of one run (gap or f, gradient norm, gamma vs pi)."""
    tr = res.trace
    k = list(range(len(tr.f)))
    panels = []
    if f_star is not None:
        panels.append({"ylabel": "f(x_k) - f*", "series": [
            {"label": "f(x_k) - f*", "x": k, "y": (np.asarray(tr.f) - f_star).tolist()}]})
    else:
        panels.append({"ylabel": "f(x_k)", "yscale": "linear",
                       "series": [{"label": "f(x_k)", "x": k, "y": np.asarray(tr.f).tolist()}]})
    panels.append({"ylabel": "||g(x_k)||", "series": [{"label": "||g(x_k)||", "x": k,
                                                       "y": np.asarray(tr.gnorm).tolist()}]})
    ks = list(range(len(tr.gamma)))
    pi_k = bound.pi(np.asarray(tr.gnorm[:-1])) if len(ks) else np.zeros(0)
    panels.append({"ylabel": "second-order step size", "series": [
        {"label": "accepted gamma_k", "x": ks, "y": np.asarray(tr.gamma).tolist()},
        {"label": "class bound pi(||g_k||)", "kind": "bound", "x": ks, "y": np.asarray(pi_k).tolist()}]})
    return {"panels": panels}


def write_trace_csv(path: Path, tr) -> None:
    """One row per iterate: ``k, f, gnorm``, the step's ``gamma, lam, step`` (empty on the
    last iterate), the cumulative oracle counts and the time."""
    K = len(tr.gamma)
    header = ["k", "f", "gnorm", "gamma", "lam", "step", "n_value", "n_grad", "n_hess", "time"]
    rows = []
    for k in range(len(tr.f)):
        per_step = [tr.gamma[k], tr.lam[k], tr.step[k]] if k < K else [None, None, None]
        rows.append([k, tr.f[k], tr.gnorm[k], *per_step, tr.n_value[k], tr.n_grad[k], tr.n_hess[k], tr.time[k]])
    write_csv(path, header, [[jsonable(v) for v in r] for r in rows])


def write_run(out: Path, case, res, step: str, *, figures: bool = True) -> tuple[dict, list[str]]:
    """Write the files of one run into ``out``; returns ``(summary, file names)``."""
    out = Path(out)
    summary = run_summary(case, res, step)
    (out / "run.json").write_text(dumps({"summary": summary, "trace": res.trace.to_dict()}) + "\n",
                                  encoding="utf-8")
    write_trace_csv(out / "trace.csv", res.trace)
    files = ["run.json", "trace.csv", "RUN.md"]
    lines = [f"# Run of {summary['case']}", "",
             markdown_table(["quantity", "value"], [[k, v] for k, v in summary.items()]), ""]
    if figures:
        from gnsverify.figures import convergence_figure
        f_star = case.f_star if case.f_star is not None else case.get_problem().f_star
        convergence_figure(run_curves(res, case.bound(), f_star), out / "run.png",
                           title=f"{case.name}: {step} step, Hessian rule {case.hessian}")
        files.append("run.png")
        lines += ["![run](run.png)", ""]
    (out / "RUN.md").write_text("\n".join(lines), encoding="utf-8")
    return summary, files
