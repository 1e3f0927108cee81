"""The campaign report: REPORT.md, results.json, results.csv, rates.csv, summary.json and
the terminal summary.

Inputs are :class:`gnsverify.verify.CaseReport` objects (anything with ``case``,
``verdicts``, ``row`` and optionally ``curves``) and, optionally, the phase
experiment's dict. Everything written is derived from the same records, so the
human and the machine-readable outputs always agree.

Files written by :func:`write_campaign` into an output folder:

==================  ==============================================================
``REPORT.md``       rate table, figures, phase diagram, per-claim details,
                    counterexamples
``results.json``    a list of claim records: case, claim, verdict, observed,
                    predicted, detail, tried, counterexample, detection_threshold
                    (null on a PASS where none was determined) and threshold_note
``results.csv``     the same records, one per line (non-scalar cells as JSON)
``rates.csv``       the rate table (one row per case)
``summary.json``    settings, overall verdict, counts, rate table rows, detection
                    thresholds (per case, and the weakly tested claims), the
                    tightness tables (``"tightness"``: worst-case families;
                    ``"instance_constants"``: the flagship cases with instance
                    constants), the code paths the runs covered, the selftest's
                    counts, and the list of files written
``figures/*.png``   convergence figures, the empirical phase diagram and the performance
                    profiles (``.pdf`` or ``.svg`` with ``figure_format``)
``SELFTEST.md``,    the selftest (when run): every broken variant, killed or not
``selftest.json``
``timings.json``    where the time went (when ``timings`` is given):
                    :mod:`gnsverify.report.timings`
==================  ==============================================================

JSON is strict: NaN is written as ``null`` and infinities as ``"inf"``/``"-inf"``.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable

from gnsverify.report.format import (case_name, dumps, fmt, jsonable, markdown_table, slug, text_table,
                                     verdict_records, write_csv)
from gnsverify.report import paths
from gnsverify.report import selftest as selftest_report
from gnsverify.report import instance_constants as instance_report
from gnsverify.report import methods as methods_report
from gnsverify.report import paper as paper_report
from gnsverify.report import tightness as tightness_report
from gnsverify.report import worth
from gnsverify.thresholds import describe
from gnsverify.verdict import FAIL, INCONCLUSIVE, NOT_CLAIMED, PASS, VERDICTS, worst


RECORD_KEYS = ("case", "claim", "verdict", "observed", "predicted", "detail", "tried", "counterexample",
               "detection_threshold", "threshold_note")


RATE_COLUMNS = (
    ("case", "case"),
    ("class", "class"),
    ("exponent", "exponent"),
    ("predicted_order", "predicted order"),
    ("predicted_K", "predicted K(eps)"),
    ("observed_K", "observed K(eps)"),
    ("ratio", "ratio"),
    ("fitted_exponent", "fitted exponent"),
    ("predicted_exponent", "predicted exponent"),
    ("verdict", "verdict"),
)



def records(reports: Iterable) -> list[dict]:
    """One plain dict per claim (keys :data:`RECORD_KEYS`), in report order."""
    out = []
    for rep in reports:
        for rec in verdict_records(getattr(rep, "verdicts", []), RECORD_KEYS):
            if not rec["case"]:
                rec["case"] = case_name(rep)
            out.append(rec)
    return out


def rate_rows(reports: Iterable) -> list[dict]:
    rows = []
    for rep in reports:
        row = dict(getattr(rep, "row", None) or {})
        row.setdefault("case", case_name(rep))
        if "verdict" not in row:
            row["verdict"] = worst(getattr(rep, "verdicts", []))
        rows.append(jsonable(row))
    return rows


def counts(recs: list[dict]) -> dict[str, int]:
    c = {v: 0 for v in VERDICTS}
    for r in recs:
        c[r["verdict"]] = c.get(r["verdict"], 0) + 1
    return c


def counts_text(c: dict) -> str:
    """``"163 PASS, 0 FAIL, 0 INCONCLUSIVE"`` (and the claims not made, when any)."""
    text = f"{c[PASS]} PASS, {c[FAIL]} FAIL, {c[INCONCLUSIVE]} INCONCLUSIVE"
    return text + (f", {c[NOT_CLAIMED]} NOT CLAIMED" if c.get(NOT_CLAIMED) else "")


def overall(recs: list[dict]) -> str:
    return worst([r["verdict"] for r in recs])


DISPLAY_COLUMNS = ("case", "class", "exponent", "predicted order", "predicted K(eps)",
                   "observed K(eps)", "ratio", "fitted vs predicted exponent", "verdict")


def _display_row(row: dict) -> list:
    observed = row.get("observed_K")
    run = row.get("run")
    if observed is not None and run not in (None, "theory"):
        observed = f"{fmt(observed)} ({run} run)"
    fitted, pred = row.get("fitted_exponent"), row.get("predicted_exponent")
    exps = None if fitted is None and pred is None else f"{fmt(fitted, 3)} vs {fmt(pred, 3)}"
    order = row.get("predicted_order")
    if order is not None and row.get("measure"):
        order = f"{order} in {row['measure']}"
    return [row.get("case"), row.get("class"), fmt(row.get("exponent"), 3), order,
            row.get("predicted_K"), observed, fmt(row.get("ratio"), 3), exps, row.get("verdict")]


def rate_table(rows: list[dict], fmt_name: str = "md") -> str:
    header = list(DISPLAY_COLUMNS)
    body = [_display_row(row) for row in rows]
    return markdown_table(header, body) if fmt_name == "md" else text_table(header, body)


def theory_not_shown_note(row: dict) -> str | None:
    """One paragraph: why the row shows the adaptive run (the theory-step run reached no
    eps of the ladder), with the numbers of the class bound and of both runs."""
    w = row.get("theory_not_shown")
    if not w:
        return None
    mono = " + ".join(f"{fmt(m['M'])}" + (f" t^-{fmt(m['alpha'])}" if m["alpha"] else "")
                      + f" ({m['source']})" for m in w.get("monomials", []))
    text = (f"`{row.get('case')}` shows the **{row.get('run')} run**: the theory-step run "
            f"(gamma_k = pi(||g_k||_*)) reached no eps of the ladder in {w['iterations']} iterations "
            f"({w['measure']} from {fmt(w['start'])} to {fmt(w['best'])}; first rung eps = "
            f"{fmt(w['first_eps'])}). Its step size is pi(t) = 1/({mono}), so pi(||g_0||_*) = "
            f"{fmt(w['pi_g0'])} at ||g_0||_* = {fmt(w['G0'])}")
    em = w.get("error_model")
    if em:
        text += (f"; the approximation's monomials come from the {em['name']} error model with "
                 f"C1 = {fmt(em['C1'])}, C2 = {fmt(em['C2'])}, beta = {fmt(em['beta'])}"
                 + (f" (D = {fmt(w['D'])})" if w.get("D") is not None else "")
                 + "; the case description below derives them")
    text += "."
    g = w.get("adaptive_gamma_over_pi")
    if g:
        text += (f" The adaptive search accepted gamma_k = {fmt(g['min'], 3)} to {fmt(g['max'], 3)} "
                 f"times pi(||g_k||_*) (median {fmt(g['median'], 3)})")
        K = w.get("adaptive_K")
        if K:
            text += (f" and reached eps = {fmt(K['eps'])} in {fmt(K['observed'])} iterations, "
                     f"against the theorem's K(eps) = {fmt(K['predicted'])}")
        text += "."
    if row.get("verdict") == PASS:
        text += (" Nothing here contradicts the theorem (every claim of the case passes); the "
                 "finding is how loose the composed bound is on this instance: its pi, and with it "
                 "K(eps), is orders of magnitude more conservative than what the method achieves.")
    return text


def summary_table(reports_or_rows) -> str:
    """The rate table plus claim counts, for the terminal."""
    items = list(reports_or_rows)
    rows = items if items and isinstance(items[0], dict) else rate_rows(items)
    return rate_table(rows, "text")


def write_records(out: Path, recs: list[dict]) -> list[Path]:
    (out / "results.json").write_text(json.dumps(recs, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    write_csv(out / "results.csv", list(RECORD_KEYS), [[r[k] for k in RECORD_KEYS] for r in recs])
    return [out / "results.json", out / "results.csv"]


def write_rates(out: Path, rows: list[dict]) -> Path:
    keys = [k for k, _ in RATE_COLUMNS]
    extra = sorted({k for r in rows for k in r} - set(keys))
    write_csv(out / "rates.csv", keys + extra, [[r.get(k) for k in keys + extra] for r in rows])
    return out / "rates.csv"


def claim_section(name: str, recs: list[dict]) -> str:
    header = ["claim", "verdict", "observed", "predicted", "tried", "detail"]
    body = [[describe(r) if k == "verdict" else r[k] for k in header] for r in recs]
    lines = [f"### {name}", "", markdown_table(header, body)]
    bad = [r for r in recs if r["counterexample"]]
    for r in bad:
        lines += ["", f"Counterexample to `{r['claim']}` ({r['verdict']}):", "",
                  "```json", json.dumps(r["counterexample"], indent=2, allow_nan=False), "```"]
    return "\n".join(lines)


def phase_finding(pts: list[dict]) -> str | None:
    """What the grid shows against the predicted exponents, in plain words (computed)."""
    both = [p for p in pts if isinstance(p.get("observed"), (int, float))
            and isinstance(p.get("predicted"), (int, float)) and p["predicted"] > 0
            and math.isfinite(p["observed"])]
    if not both:
        return None
    r = [p["observed"] / p["predicted"] for p in both]
    above = [p for p in both if p["observed"] > p["predicted"]]
    capped = [p for p in both if p.get("status") == "max_iter"]
    text = (f"**Finding.** On these instances the observed exponents fall well below the predicted "
            f"max(alpha, beta): observed / predicted is between {fmt(min(r), 2)} and "
            f"{fmt(max(r), 2)} on the {len(both)} grid points"
            if not above else
            f"**Finding.** {len(above)} of {len(both)} grid points have an observed exponent above "
            f"the predicted max(alpha, beta) (observed / predicted up to {fmt(max(r), 2)})")
    if not above:
        text += (". The worst case the theorem allows is not exhibited here. That is consistent "
                 "with the theorem: max(alpha, beta) bounds the iteration count from above, for "
                 "the worst function of the class, and these one-dimensional instances are far "
                 "from the worst; an observed exponent above the predicted one would contradict "
                 "it, one below does not.")
        groups: dict = {}
        for p in both:
            if p.get("beta") is not None and p.get("alpha") is not None and p["beta"] > p["alpha"]:
                groups.setdefault(p["alpha"], []).append(p)
        runs = [sorted(g, key=lambda p: p["beta"]) for g in groups.values() if len(g) >= 2]
        if runs:
            grows = all(all(a["observed"] < b["observed"] for a, b in zip(g, g[1:])) for g in runs)
            text += (" The direction of the effect is visible: at fixed alpha the observed exponent "
                     "grows with beta where the approximation dominates (beta > alpha)." if grows else
                     " At fixed alpha the observed exponent does not grow monotonically with beta "
                     "where the approximation dominates (beta > alpha).")
    else:
        text += ": the per-case `order` claims decide whether that contradicts the theorem."
    if capped:
        text += (f" {len(capped)} point(s) stopped at the iteration cap (status max_iter): their "
                 "slope is fitted on the rungs reached.")
    worst = [p for p in both if isinstance(p.get("worst_exponent"), (int, float))]
    if worst:
        rw = [p["worst_exponent"] / p["predicted"] for p in worst]
        text += (f" On the worst-case instances (the ramp with the same perturbation, one "
                 f"instance per eps, docs/theory.md 5.5) the fitted exponents are "
                 f"{fmt(min(rw), 2)} to {fmt(max(rw), 2)} times the predicted max(alpha, beta) "
                 f"on {len(worst)} grid points: the phase diagram the theorem predicts is "
                 "exhibited there.")
    return text


def phase_section(phase: dict | None, figure: str | None) -> str:
    if not phase:
        return ""
    setting = ", ".join(f"{k} = {fmt(phase[k])}" for k in ("C1", "C2", "step", "measure", "x0")
                        if k in phase)
    lines = ["## Empirical phase diagram", "",
             "Synthetic perturbation `H = hess f + E(x)`, `||E(x)|| = C1 + C2 ||g(x)||^(1-beta)`, "
             "over a grid of class exponents `alpha` and approximation exponents `beta`: the "
             "observed exponent of the iterations to `eps` (least-squares log-log slope over the "
             "eps ladder) against the predicted `max(alpha, beta)`. Smoothness dominates "
             "(the approximation costs nothing in the rate) where `beta <= alpha`."
             + (f" Setting: {setting}." if setting else ""), ""]
    if figure:
        lines += [f"![phase diagram]({figure})", ""]
    from gnsverify.figures import phase_points
    pts = phase_points(phase)
    finding = phase_finding(pts)
    if finding:
        lines += [finding, ""]
    if pts:
        header = ["alpha", "beta", "predicted", "observed", "worst_exponent", "worst_ratio",
                  "dominant", "status"]
        lines.append(markdown_table(header, [[p.get(k) for k in header] for p in pts]))
    if phase.get("detail"):
        lines += ["", str(phase["detail"])]
    return "\n".join(lines)


def _extra_records(tightness: dict | None) -> list[dict]:
    """The claim records of the tightness runs (worst cases and instance constants)."""
    if not tightness:
        return []
    return verdict_records([v for part in tightness.values() for v in part["verdicts"]], RECORD_KEYS)


def provenance_section(prov: dict) -> str:
    """Versions, commit, machine, seed, budget and times (``gnsverify.provenance``)."""
    m = prov["machine"]
    blas = "; ".join(f"{b['internal_api']} {b['version']} ({b['architecture']} kernels)" for b in m["blas"])
    vers = ", ".join(f"{k} {v}" for k, v in prov["versions"].items() if v)
    return "\n".join([
        "## Provenance", "",
        f"- command: `{' '.join(prov['command'])}`, started {prov['started_utc']}, seed "
        f"{prov['seed']}, budget `{prov['budget']}`",
        f"- time before the report was written: {prov['wall_s']:.1f} s wall, {prov['cpu_s']:.1f} s "
        f"CPU (this process and its worker processes)",
        f"- code: git commit `{prov['git_commit'] or 'unknown (not a git checkout)'}`",
        f"- machine: {m['platform']}, {m['cpus']} CPUs, load {fmt(m['load_average_1min'])}; BLAS: "
        f"{blas or 'none loaded'}",
        f"- versions: {vers}"])


def report_markdown(reports: list, *, phase: dict | None = None, figures: dict | None = None,
                    meta: dict | None = None, selftest: dict | None = None,
                    tightness: dict | None = None, provenance: dict | None = None) -> str:
    recs = records(reports) + _extra_records(tightness)
    rows = rate_rows(reports)
    c = counts(recs)
    figures = figures or {}
    meta = meta or {}
    lines = ["# gnsverify report", "",
             f"**Overall verdict: {overall(recs) if recs else 'NO CLAIMS'}** — {len(recs)} claims on "
             f"{len(rows)} cases: {counts_text(c)}.", ""]
    if meta:
        lines += ["Settings: " + ", ".join(f"{k} = {fmt(v)}" for k, v in meta.items()) + ".", ""]
    lines += ["## Rate table", "",
              "Per case: the class exponent (smallest smoothness alpha of pi), the theorem's "
              "order with the quantity each `eps` bounds (`f - f*` for the convex theorem, "
              "`||g||_*` for the stationarity theorem) and its iteration bound `K(eps)` against the observed iterations to the "
              "smallest `eps` of the ladder the run reached (`ratio` = observed / predicted, at "
              "most 1 when the global bound holds), and the fitted exponent (least-squares "
              "log-log slope of the observed iteration counts over the eps ladder) beside the "
              "predicted one. The numbers are those of the theory-step run; a row marked "
              "`(adaptive run)` shows the adaptive search because the theory-step run reached "
              "no eps of the ladder (why, with the numbers, below the table).", "",
              rate_table(rows, "md"), ""]
    why = [n for n in (theory_not_shown_note(r) for r in rows) if n]
    if why:
        lines += [f"- {n}" for n in why] + [""]
    w = worth.section(recs)
    if w:
        lines += [w, ""]
    for part, rep_mod in (("worst_cases", tightness_report), ("instance_constants", instance_report)):
        sec = rep_mod.section((tightness or {}).get(part))
        if sec:
            lines += [sec, ""]
    st = selftest_report.section(selftest)
    if st:
        lines += [st, ""]
    if any(getattr(rep, "runs", None) for rep in reports):
        lines += [paths.section(reports), ""]
    mc = methods_report.section(reports, figures.get("performance_profiles"))
    if mc:
        lines += [mc, ""]
    conv = {k: v for k, v in figures.items() if k not in ("phase", "performance_profiles")}
    if conv:
        lines += ["## Convergence figures", "",
                  "Observed curves of each run with the theorem's bound overlaid (dashed).", ""]
        for name, rel in conv.items():
            lines += [f"![{name}]({rel})", ""]
    ph = phase_section(phase, figures.get("phase"))
    if ph:
        lines += [ph, ""]
    fails = [r for r in recs if r["verdict"] == FAIL]
    if fails:
        lines += ["## Failures", ""]
        lines += [f"- `{r['case']}` / `{r['claim']}`: {r['detail'] or 'see counterexample below'}" for r in fails]
        lines.append("")
    pm = paper_report.section(recs)
    if pm:
        lines += [pm, ""]
    if provenance:
        lines += [provenance_section(provenance), ""]
    lines += ["## Claims per case", ""]
    by_case: dict[str, list[dict]] = {}
    for r in recs:
        by_case.setdefault(r["case"], []).append(r)
    about = {case_name(rep): rep for rep in reports}
    for name, rs in by_case.items():
        lines += [claim_section(name, rs), ""]
        rep = about.get(name)
        desc = getattr(getattr(rep, "case", None), "description", "") if rep is not None else ""
        notes = list(getattr(rep, "notes", []) or []) if rep is not None else []
        if desc:
            lines += [f"Case: {desc}", ""]
        if notes:
            lines += ["Notes: " + "; ".join(str(n) for n in notes) + ".", ""]
    return "\n".join(lines).rstrip() + "\n"


FIGURE_FORMATS = ("png", "pdf", "svg")


def write_campaign(out, reports: list, *, phase: dict | None = None, figures: bool = True,
                   meta: dict | None = None, progress=None,
                   selftest: dict | None = None, tightness: dict | None = None,
                   provenance: dict | None = None, figure_workers: int | None = None,
                   figure_format: str = "png", timings: dict | None = None) -> dict[str, Any]:
    """Write every output of a campaign into the (existing, empty) folder ``out``.

    Returns a summary dict (overall verdict, counts, files written relative to ``out``).
    ``tightness``: ``{"worst_cases": gnsverify.tightness.tightness(),
    "instance_constants": gnsverify.instance_constants.instance_constants()}`` (either
    part may be absent). ``provenance``: :func:`gnsverify.provenance.provenance` (into
    summary.json and REPORT.md). ``figure_workers``: processes drawing the figures
    (default: every core; :mod:`gnsverify.figure_pool`); ``figure_format``: one of
    :data:`FIGURE_FORMATS` (the file type matplotlib writes). ``timings``: the
    :func:`gnsverify.report.timings.timings` object, written as ``timings.json`` with
    this function's own time as its ``report`` phase. Callers make ``out`` atomic
    (see :mod:`gnsverify.outdir`).
    """
    from gnsverify.pipeline import StageClock
    clock = StageClock()
    clock.start("report")
    if figure_format not in FIGURE_FORMATS:
        raise ValueError(f"figure_format must be one of {', '.join(FIGURE_FORMATS)}, got {figure_format!r}.")
    out = Path(out)
    recs = records(reports) + _extra_records(tightness)
    rows = rate_rows(reports)
    written = write_records(out, recs) + [write_rates(out, rows)]
    mpath = methods_report.write_methods(out, reports)
    if mpath:
        written.append(mpath)
    fig_paths: dict[str, str] = {}
    if figures:
        from gnsverify.figure_pool import draw_all
        (out / "figures").mkdir(exist_ok=True)
        jobs = []
        for i, rep in enumerate(reports):
            curves = getattr(rep, "curves", None)
            if not curves:
                continue
            rel = f"figures/{slug(case_name(rep))}.{figure_format}"
            if rel in fig_paths.values():                  # two names with the same slug
                rel = f"figures/{slug(case_name(rep))}-{i}.{figure_format}"
            jobs.append(("convergence_figure", (curves, out / rel), {"title": case_name(rep)}))
            fig_paths[case_name(rep)] = rel
        if phase:
            rel = f"figures/phase_diagram.{figure_format}"
            jobs.append(("phase_figure", (phase, out / rel), {}))
            fig_paths["phase"] = rel
        prof = methods_report.summary(reports)
        if prof and len(reports) > 1:
            rel = f"figures/performance_profiles.{figure_format}"
            jobs.append(("profile_figure", (list(prof["profiles"].values()), out / rel), {}))
            fig_paths["performance_profiles"] = rel
        draw_all(jobs, workers=figure_workers, progress=progress)
        written += [out / p for p in fig_paths.values()]
    if phase:
        (out / "phase.json").write_text(dumps(phase) + "\n", encoding="utf-8")
        written.append(out / "phase.json")
    if selftest:
        written += selftest_report.write_selftest(out, selftest)
    (out / "REPORT.md").write_text(report_markdown(reports, phase=phase, figures=fig_paths, meta=meta,
                                                   selftest=selftest, tightness=tightness,
                                                   provenance=provenance),
                                   encoding="utf-8")
    written.append(out / "REPORT.md")
    if timings is not None:
        from gnsverify.report.timings import write_timings
        timings = {**timings, "phases": {**timings.get("phases", {}), **clock.stop()}}
        written.append(write_timings(out, timings))
    summary = {
        "overall": overall(recs) if recs else None,
        "counts": counts(recs),
        "settings": jsonable(meta or {}),
        "provenance": jsonable(provenance) if provenance else None,
        "rates": rows,
        "detection_thresholds": worth.summary(recs),
        "tightness": tightness_report.summary((tightness or {}).get("worst_cases")),
        "instance_constants": instance_report.summary((tightness or {}).get("instance_constants")),
        "paths": paths.summary(reports) if any(getattr(r, "runs", None) for r in reports) else None,
        "methods": jsonable(methods_report.summary(reports)),
        "selftest": None if not selftest else {k: v for k, v in selftest.items() if k != "variants"},
        "files": sorted(str(p.relative_to(out)) for p in written) + ["summary.json"],
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return summary
