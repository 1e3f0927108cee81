"""The tightness table (:mod:`gnsverify.tightness`): per class, setting and step rule, the
predicted exponent, the exponent fitted on the worst-case family and the best
``observed / K(eps)``; in the terminal, REPORT.md and summary.json (``"tightness"``)."""
from __future__ import annotations

from gnsverify.report.format import fmt, jsonable, markdown_table, text_table

COLUMNS = ("class", "setting", "rule", "instance", "predicted exponent", "fitted exponent",
           "best K_last/K", "derived limit", "targets", "verdict")


def _body(rows: list[dict]) -> list[list]:
    return [[r["class"], r["setting"], r["rule"], r["instance"], fmt(r["predicted_exponent"], 3),
             "n/a" if r["fitted_exponent"] is None else fmt(r["fitted_exponent"], 3),
             "n/a" if r["best_ratio"] is None else fmt(r["best_ratio"], 3),
             "" if r.get("limit_ratio") is None else fmt(r["limit_ratio"], 3),
             "met" if r["target_met"] else "missed", r["verdict"]] for r in rows]


def table(tight: dict, fmt_name: str = "text") -> str:
    rows = tight["rows"]
    return (markdown_table if fmt_name == "md" else text_table)(list(COLUMNS), _body(rows))


def headline(tight: dict) -> str:
    t = tight["targets"]
    return (f"targets (fitted exponent within {t['exponent_tolerance']:.0%} of the predicted one "
            f"and best K_last/K(eps) >= {t['ratio']:g}) met on {len(t['classes_met'])} classes: "
            + (", ".join(t["classes_met"]) or "none"))


def summary(tight: dict | None) -> list | None:
    """summary.json's ``"tightness"``: the rows (with their rungs: eps, observed, K)."""
    return None if not tight else jsonable(tight["rows"])


def section(tight: dict | None) -> str:
    if not tight:
        return ""
    lines = ["## Tightness: worst-case instances", "",
             "How close each rate theorem comes to binding. Per class (constant 1) and setting, "
             "a family of instances built against the theory step (the ramp "
             "`-a x + c max(x, 0)^p`, one instance per `eps`, docs/theory.md 5.5) is run to "
             "each `eps` of three decades (non-convex: `||g|| <= eps` at `F0 = 1`; convex: "
             "`f - f* <= eps` at `D = 1`) with the theory step and with the adaptive search. "
             "`fitted exponent`: least-squares log-log slope of the iteration counts; "
             "`best K_last/K`: the largest ratio of `K_last` (the last iteration still above "
             "`eps`, the quantity the theorem bounds) to the theorem's `K(eps)`; `derived limit`: what the derivation says that ratio tends to on the "
             "ramp. A verdict FAILs if any instance needs more than `K(eps)` iterations "
             "or a theory step fails the acceptance test.", "",
             headline(tight) + ".", "", table(tight, "md"), ""]
    notes = [r for r in tight["rows"] if r["note"]]
    if notes:
        lines += ["Shortfalls:", ""]
        lines += [f"- {r['class']}, {r['setting']}, {r['rule']}: {r['note']}." for r in notes]
    return "\n".join(lines)
