"""The files of an exploration (``gnsverify explore``): ``explore.json``,
``gamma_profile.csv``, ``results.json``/``.csv``, ``EXPLORE.md`` and the figures, and
the terminal summary."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gnsverify.report import campaign as rep
from gnsverify.report.format import dumps, jsonable, markdown_table, slug, text_table, write_csv


def summary_text(result: dict) -> str:
    lines = [f"f = {result['expr']}  (variables {', '.join(result['variables'])}; oracles: {result['oracles']})"]
    fit = result["fit"]
    if fit["alpha"] is not None:
        lines.append(f"fitted gamma ~ {fit['c']:.4g} ||g||^{fit['alpha']:.4f}  (R^2 = {fit['r2']:.3f}, "
                     f"{fit['used']} points)")
    else:
        lines.append(f"no power law fitted ({fit['used']} usable points)")
    cols = ["source", "alpha", "M", "stationarity", "gap", "how"]
    lines += ["", text_table(cols, [[p.get(c) for c in cols] for p in result["predictions"]])]
    if result["reports"]:
        lines += ["", rep.summary_table(result["reports"])]
        for r in result["reports"]:
            if getattr(r, "notes", None):
                lines.append(f"{rep.case_name(r)}: " + "; ".join(str(n) for n in r.notes))
    if result.get("overall"):
        lines += ["", f"overall: {result['overall']}"]
    if result.get("note"):
        lines += ["", f"note: {result['note']}"]
    return "\n".join(lines)


def profile_plot(result: dict) -> dict:
    """Backend-neutral plot data: the gamma samples, the fit and the derived ``pi``."""
    prof, fit = result["profile"], result["fit"]
    g = np.asarray(prof["gnorm"], dtype=float)
    y = np.asarray(prof["gamma"], dtype=float)
    ok = np.isfinite(g) & np.isfinite(y) & (g > 0) & (y > 0)
    series = [{"label": "estimated gamma(x)", "x": g[ok].tolist(), "y": y[ok].tolist(), "marker": "o",
               "scatter": True, "kind": "observed"}]
    if ok.any():
        t = np.geomspace(g[ok].min(), g[ok].max(), 50)
        if fit["alpha"] is not None:
            series.append({"label": f"fit {fit['c']:.3g} t^{fit['alpha']:.3f}", "x": t.tolist(),
                           "y": (fit["c"] * t ** fit["alpha"]).tolist(), "kind": "fit"})
        for p in result["predictions"][1:]:
            series.append({"label": f"bound pi(t), {p['source']}", "x": t.tolist(),
                           "y": (t ** p["alpha"] / p["M"]).tolist(), "kind": "bound"})
    return {"title": f"gamma profile of f = {result['expr']}",
            "panels": [{"series": series, "xlabel": "||g(x)||", "ylabel": "gamma(x)", "xscale": "log",
                        "yscale": "log"}]}


def write_explore(out, result: dict, *, figures: bool = True) -> list[str]:
    """Write explore.json, gamma_profile.csv, results.json/csv, EXPLORE.md (+ figures)."""
    out = Path(out)
    files = []
    plain = {k: v for k, v in result.items() if k != "reports"}
    plain["rates"] = rep.rate_rows(result["reports"])
    (out / "explore.json").write_text(dumps(plain) + "\n", encoding="utf-8")
    prof = result["profile"]
    n = len(result["variables"])
    write_csv(out / "gamma_profile.csv", [*result["variables"], "gnorm", "gamma"],
                  [[*(x if len(x) == n else [None] * n), g, jsonable(y)]
                   for x, g, y in zip(prof["x"], prof["gnorm"], prof["gamma"])])
    files += ["explore.json", "gamma_profile.csv"]
    files += [p.name for p in rep.write_records(out, result["records"])]
    figs: dict[str, str] = {}
    if figures:
        from gnsverify.figures import convergence_figure
        (out / "figures").mkdir(exist_ok=True)
        if prof["gnorm"]:
            convergence_figure(profile_plot(result), out / "figures" / "gamma_profile.png")
            figs["gamma profile"] = "figures/gamma_profile.png"
        for r in result["reports"]:
            if getattr(r, "curves", None):
                rel = f"figures/{slug(rep.case_name(r))}.png"
                convergence_figure(r.curves, out / rel, title=rep.case_name(r))
                figs[rep.case_name(r)] = rel
        files += list(figs.values())
    (out / "EXPLORE.md").write_text(explore_markdown(result, figs), encoding="utf-8")
    files.append("EXPLORE.md")
    return files


def explore_markdown(result: dict, figs: dict) -> str:
    fit = result["fit"]
    lines = [f"# Exploring f = `{result['expr']}`", "",
             f"Variables {', '.join(result['variables'])}; box {result['box']}; x0 {result['x0']}; "
             f"Hessian rule {result['hessian']}; convex declared: {result['convex']}; oracles: {result['oracles']}.",
             "", "## Derivatives", "", f"- gradient: `{result['gradient']}`",
             f"- Hessian: `{result['hessian_matrix']}`", "", "## Gradient-normalized smoothness", "",
             f"gamma(x) estimated at {len(result['profile']['gnorm'])} sampled points ({result['profile']['how']}). "]
    if fit["alpha"] is not None:
        lines.append(f"Least-squares fit in log-log coordinates: gamma ~ {fit['c']:.4g} ||g||^{fit['alpha']:.4f} "
                     f"(R^2 = {fit['r2']:.3f}; {fit['used']} points, {fit['skipped']} skipped as infinite or zero). "
                     "A fit describes the samples; it is not a bound.")
    lines += [""]
    if "gamma profile" in figs:
        lines += [f"![gamma profile]({figs['gamma profile']})", ""]
    lines += ["## Constants on the box", "",
              "Each constant holds on the box; the class bound it gives is proven at a point x "
              "when the ball of radius pi(||g(x)||) around x lies in the box, so a violation "
              "near the border can be a true statement about the claim outside its region.", "",
              markdown_table(["constant", "class", "value", "how", "lower", "upper", "error"],
                                 [[c.get(k) for k in ("constant", "class", "value", "how", "lower", "upper",
                                                      "error")] for c in result["constants"]]), "",
              "## Predicted rates", "",
              "Iterations to reach `eps`: `stationarity` is the theorem for `min ||g(x_k)|| <= eps` "
              "(every f; the one verified below), `gap` the theorem for `f(x_k) - f* <= eps` "
              "(convex f, needs D).", "",
              markdown_table(["source", "alpha", "M", "stationarity", "gap", "how"],
                                 [[p.get(k) for k in ("source", "alpha", "M", "stationarity", "gap", "how")]
                                  for p in result["predictions"]]), ""]
    if result["reports"]:
        lines += ["## Verification", "", rep.rate_table(rep.rate_rows(result["reports"]), "md"), ""]
        for name, rel in figs.items():
            if name != "gamma profile":
                lines += [f"![{name}]({rel})", ""]
        by_case: dict[str, list] = {}
        for r in result["records"]:
            by_case.setdefault(r["case"], []).append(r)
        notes = {rep.case_name(r): list(getattr(r, "notes", []) or []) for r in result["reports"]}
        for name, rs in by_case.items():
            lines += [rep.claim_section(name, rs), ""]
            if notes.get(name):
                lines += ["Notes: " + "; ".join(str(n) for n in notes[name]) + ".", ""]
    if result.get("note"):
        lines += [f"Note: {result['note']}.", ""]
    return "\n".join(lines)
