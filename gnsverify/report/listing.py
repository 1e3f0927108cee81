"""The listings of ``gnsverify classes`` (one row per function class) and
``gnsverify cases`` (one row per catalog case), and their rendering as text,
Markdown, CSV or JSON."""
from __future__ import annotations

import csv
import io
import json

from gnsverify.report.format import dumps, markdown_table, text_table

CLASS_COLUMNS = ["name", "title", "params", "hessian", "convex_required", "region", "bound",
                 "rate_nonconvex", "rate_convex"]


def class_rows(classes=None) -> list[dict]:
    """One plain row per function class: parameters, bound, exponent, rates."""
    from theory import classes as C
    from theory import display, rates
    out = []
    for cls in (classes if classes is not None else C.CATALOG):
        b = cls.bound()
        sym = cls.bound(symbolic=True)
        row = {
            "name": cls.name, "title": getattr(cls, "title", ""),
            "params": ", ".join(f"{k}={v}" for k, v in getattr(cls, "params", {}).items()),
            "hessian": getattr(cls, "hessian", "exact"),
            "convex_required": bool(getattr(cls, "convex_required", False)),
            "region": getattr(cls, "region", "ball"),
            "bound": " + ".join(display.monomial_text(m.M, m.alpha) for m in sym.monomials),
            "notes": display.notes(*[m.M for m in sym.monomials]),
            "alphas": [m.alpha_f for m in b.monomials],
            "Ms": [m.M_f for m in b.monomials],
        }
        for setting, convex in (("nonconvex", False), ("convex", True)):
            if setting == "nonconvex" and row["convex_required"]:
                row[f"rate_{setting}"] = None
                continue
            try:
                row[f"rate_{setting}"] = rates.theorem(b, convex=convex).order().get("text")
            except ValueError as exc:
                row[f"rate_{setting}"] = f"n/a ({exc})"
        out.append(row)
    return out


CASE_COLUMNS = ["name", "class", "setting", "hessian", "n", "family"]
CASE_COLUMNS_LONG = CASE_COLUMNS + ["description"]


def case_rows(cases) -> list[dict]:
    """One plain row per case: the claimed class, the setting of the claim (the
    theorem's convex or non-convex rate), the Hessian rule, the dimension, the
    instance family the falsification search draws from, and the description."""
    return [{"name": c.name, "class": getattr(c.claim, "name", str(c.claim)),
             "setting": "convex" if c.is_convex else "non-convex", "hessian": c.hessian,
             "n": int(c.get_problem().n), "family": c.family.name if c.family else None,
             "description": c.description} for c in cases]


def render_rows(rows: list[dict], fmt: str, columns: list[str]) -> str:
    """``rows`` as ``json``, ``csv``, ``md`` or ``text`` (the given columns)."""
    if fmt == "json":
        return dumps(rows) + "\n"
    body = [[r.get(c) for c in columns] for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        for r in body:
            w.writerow(["" if c is None else json.dumps(c) if isinstance(c, (list, dict)) else c for c in r])
        return buf.getvalue()
    notes = list(dict.fromkeys(n for r in rows for n in r.get("notes", [])))
    if fmt == "md":
        return markdown_table(columns, body) + "\n" + "".join(f"\n- {n}" for n in notes) + ("\n" if notes else "")
    return text_table(columns, body) + "\n" + "".join(f"\nnote: {n}" for n in notes) + ("\n" if notes else "")
