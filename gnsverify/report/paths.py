"""Which code paths the campaign exercised: a bug on a path no run takes leaves every
verdict unchanged, so the report says which paths were covered and by which runs.

Paths, read from the runs themselves (their options, status, linear-solve counts):

* the step rules of the GNS method (``theory``, ``adaptive``, ``ideal``);
* the linear solver of the step: dense Cholesky, and Sherman-Morrison-Woodbury with a
  nonzero rank (counted by the solver per trial, ``Result.linear_solves``);
* the metric: ``B = I`` and a dense ``B``;
* the ways a run ends: converged (gradient or gap test), ``max_iter``, the step-size
  search exhausted, stalled at the precision of ``f``;
* every Hessian rule of :data:`numeric.hessians.HESSIANS`, used on a case where it is
  an approximation (any rule but ``exact``) or the exact Hessian itself;
* every baseline of :data:`numeric.baselines.BASELINES`.
"""
from __future__ import annotations

from gnsverify.report.format import markdown_table, text_table

GNS = ("theory", "adaptive", "ideal")
ENDINGS = (("converged (gradient test)", "converged_gnorm"), ("converged (gap test)", "converged_fgap"),
           ("max_iter", "max_iter"), ("step-size search exhausted", "search_exhausted"),
           ("stalled at the precision of f", "stalled"))


def _expected() -> list[tuple[str, str]]:
    from numeric.baselines import BASELINES
    from numeric.hessians import HESSIANS
    out = [("step rule", s) for s in GNS]
    out += [("linear solver", "dense Cholesky"), ("linear solver", "Woodbury (rank > 0)")]
    out += [("metric", "B = I"), ("metric", "dense B")]
    out += [("run ends", label) for label, _ in ENDINGS]
    out += [("Hessian rule", name) for name in HESSIANS]
    out += [("baseline", name) for name in BASELINES]
    return out


def _hits(report) -> list[tuple[str, str, str]]:
    """``(group, path, run)`` for every path a case's runs took."""
    case = report.case
    out = []
    for name, r in (getattr(report, "runs", None) or {}).items():
        opts = getattr(r, "options", {}) or {}
        if name.startswith("baseline:"):
            out.append(("baseline", name.split(":", 1)[1], name))
        elif name in GNS:
            out.append(("step rule", name, name))
            out.append(("metric", "B = I" if opts.get("metric", "identity") == "identity" else "dense B",
                        name))
            solves = getattr(r, "linear_solves", None) or {}
            if solves.get("dense"):
                out.append(("linear solver", "dense Cholesky", name))
            if solves.get("woodbury"):
                out.append(("linear solver", "Woodbury (rank > 0)", name))
            out.append(("Hessian rule", case.hessian, name))
        for label, status in ENDINGS:
            if r.status == status:
                out.append(("run ends", label, name))
    return out


def coverage(reports) -> list[dict]:
    """Per expected path: the ``case / run`` pairs that took it (empty: not covered)."""
    by: dict = {key: [] for key in _expected()}
    for rep in reports:
        for group, path, run in _hits(rep):
            by.setdefault((group, path), []).append(f"{rep.case.name} / {run}")
    return [dict(group=g, path=p, covered=bool(v), by=v) for (g, p), v in by.items()]


def table(rows: list[dict], fmt_name: str = "md", limit: int = 3) -> str:
    body = [[r["group"], r["path"], "yes" if r["covered"] else "**no**" if fmt_name == "md" else "NO",
             ", ".join(r["by"][:limit]) + (f" (+{len(r['by']) - limit})" if len(r["by"]) > limit else "")]
            for r in rows]
    header = ["group", "path", "covered", "by (case / run)"]
    return markdown_table(header, body) if fmt_name == "md" else text_table(header, body)


def section(reports) -> str:
    rows = coverage(reports)
    if not rows:
        return ""
    missing = [f"{r['group']}: {r['path']}" for r in rows if not r["covered"]]
    lines = ["## Paths covered", "",
             "A bug on a code path no run takes leaves every verdict unchanged. The paths this "
             "campaign's runs took, read from the runs themselves (options, final status, the "
             "solver's own count of dense and Woodbury solves):", "",
             table(rows, "md"), ""]
    lines += ([f"Not covered ({len(missing)}): " + "; ".join(missing) + ".", ""] if missing else
              ["Every listed path was taken by at least one run.", ""])
    return "\n".join(lines)


def summary(reports) -> dict:
    rows = coverage(reports)
    return {"covered": {f"{r['group']}: {r['path']}": r["by"] for r in rows if r["covered"]},
            "not_covered": [f"{r['group']}: {r['path']}" for r in rows if not r["covered"]]}
