"""What each PASS is worth: the detection thresholds of a campaign, per case
(:mod:`gnsverify.thresholds` defines and computes them).

Per case, the **class bound** ``gamma >= pi`` is caught by four channels, each with its
own threshold: the gamma search (``falsify:gamma_lower_bound``), the adaptive search's
rejected trials (``invariant:no_rejection_below_pi``), Lemma 1 on the runs that do
not use ``pi`` (``invariant:lemma1_decrease``) and the gamma search on the generated
instances of the case's family (``falsify:instances``: the class claim over the class,
not one instance); the campaign FAILs ``s pi`` as soon as one channel does, so the class
bound's threshold is their minimum. The **rate
claims** have theirs: ``K(eps) / s`` (``global_bound``) and the exponent ``/ s``
(``order``). A threshold above :data:`gnsverify.thresholds.WEAK` flags the claim as
weakly tested.
"""
from __future__ import annotations

from gnsverify.report.format import fmt, markdown_table, text_table
from gnsverify.thresholds import WEAK
from gnsverify.verdict import PASS, worst

#: the claims of the class bound (pi -> s pi), in the order of their channels
CLASS_CHANNELS = (("gamma search", "falsify:gamma_lower_bound"),
                  ("rejections", "invariant:no_rejection_below_pi"),
                  ("Lemma 1", "invariant:lemma1_decrease"),
                  ("instances", "falsify:instances"))
#: the rate claims (K -> K/s, exponent -> exponent/s)
RATE_CLAIMS = (("K(eps)", "global_bound"), ("order", "order"))
COLUMNS = ("case", "class bound: pi x s", "via", "gamma search", "rejections", "Lemma 1",
           "instances", "K(eps) / s", "order: exponent / s")


def _cell(rec: dict | None):
    if rec is None:
        return "—"
    if rec["verdict"] != "PASS":
        return rec["verdict"]
    t = rec.get("detection_threshold")
    return "n/d" if t is None else fmt(t, 3)


def rows(recs: list[dict]) -> list[dict]:
    """One row per case: each channel's record and the class bound's threshold."""
    by_case: dict[str, dict] = {}
    for r in recs:
        by_case.setdefault(r["case"], {})[r["claim"]] = r
    out = []
    for case, claims in by_case.items():
        chans = [(name, claims.get(c)) for name, c in CLASS_CHANNELS]
        present = [r for _, r in chans if r is not None]
        verdict = worst([r["verdict"] for r in present]) if present else None
        best = min(((r["detection_threshold"], name) for name, r in chans
                    if r is not None and r.get("detection_threshold") is not None),
                   default=(None, None)) if verdict == PASS else (None, None)
        out.append(dict(case=case, class_verdict=verdict, class_threshold=best[0], via=best[1],
                        channels=dict(chans),
                        rates={name: claims.get(c) for name, c in RATE_CLAIMS}))
    return out


def weak(rows_: list[dict]) -> list[dict]:
    """The claims flagged as weakly tested (threshold above WEAK), with the reason."""
    out = []
    for row in rows_:
        t = row["class_threshold"]
        if row["class_verdict"] == "PASS" and (t is None or t > WEAK):
            note = (row["channels"].get("gamma search") or {}).get("threshold_note", "")
            out.append(dict(case=row["case"], claim="class bound", threshold=t,
                            reason=("no channel determined a threshold: " + note) if t is None else
                            f"a pi {fmt(t, 3)} times too large would have passed every channel"))
        for name, r in row["rates"].items():
            if r is None or r["verdict"] != "PASS":
                continue
            t = r.get("detection_threshold")
            if t is None or t > WEAK:
                what = "K(eps)" if r["claim"] == "global_bound" else "exponent"
                out.append(dict(case=row["case"], claim=r["claim"], threshold=t,
                                reason=r.get("threshold_note") if t is None else
                                f"a claimed {what} {fmt(t, 3)} times smaller would have passed"))
    return out


def table(rows_: list[dict], fmt_name: str = "md") -> str:
    body = []
    for row in rows_:
        t = row["class_threshold"]
        cls = (row["class_verdict"] or "—") if row["class_verdict"] != "PASS" else \
            ("n/d" if t is None else fmt(t, 3) + (" (weak)" if t > WEAK else ""))
        body.append([row["case"], cls, row["via"] or "",
                     *[_cell(row["channels"].get(name)) for name, _ in CLASS_CHANNELS],
                     *[_cell(row["rates"].get(name)) for name, _ in RATE_CLAIMS]])
    return markdown_table(list(COLUMNS), body) if fmt_name == "md" else text_table(list(COLUMNS), body)


def summary(recs: list[dict]) -> dict:
    """The thresholds for summary.json: per case, and the weakly tested claims."""
    rs = rows(recs)
    return {
        "weak_above": WEAK,
        "per_case": [dict(case=r["case"], class_bound=r["class_threshold"], via=r["via"],
                          **{name: (c or {}).get("detection_threshold")
                             for name, c in {**r["channels"], **r["rates"]}.items()})
                     for r in rs],
        "weakly_tested": weak(rs),
    }


def section(recs: list[dict]) -> str:
    rs = rows(recs)
    if not rs:
        return ""
    w = weak(rs)
    cls = [r["class_threshold"] for r in rs if r["class_threshold"] is not None]
    lines = ["## What each PASS is worth", "",
             "The detection threshold of a passed claim is the factor by which the claim would "
             "have to be wrong for this same campaign (its runs, points and budget) to stop "
             "passing it. For the class bound `gamma(x) >= pi(||g(x)||_*)`: the smallest `s` "
             "found for which `s pi` is caught, by the gamma search (bisection with the searcher "
             "itself at radius `s pi`, at the worst point found, including the adversarial "
             "ones), by the adaptive search's rejected trials, by Lemma 1 on the runs that do "
             "not use `pi` (both re-evaluated against `s pi`), or by the gamma search on the "
             "generated instances of the case's family (`instances`: the class, not one "
             "instance); the class bound's threshold is the smallest of these. For `global_bound`: the smallest `s` for which `K(eps)/s` "
             "fails on some rung (`min K(eps)/K_last`); for `order`: the smallest `s` for which "
             "the exponent `/ s` fails (`min predicted / smallest fitted slope`). "
             f"Above {fmt(WEAK)} a claim is flagged as weakly tested. `n/d`: not determined "
             "(the reason is in results.json, `threshold_note`).", ""]
    if cls:
        at_most = sum(1 for t in cls if t <= 1.5)
        lines += [f"Class bound: threshold at most 1.5 on {at_most} of {len(cls)} cases "
                  f"(smallest {fmt(min(cls), 4)}, largest {fmt(max(cls), 3)}).", ""]
    lines += [table(rs, "md"), ""]
    if w:
        lines += [f"Weakly tested ({len(w)}):", ""]
        lines += [f"- `{x['case']}` / {x['claim']}: {x['reason']}" for x in w]
        lines.append("")
    return "\n".join(lines)
