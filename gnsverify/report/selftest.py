"""What the checker is shown to catch: the selftest's section of REPORT.md, its own
SELFTEST.md / selftest.json, and the terminal summary (:mod:`gnsverify.selftest`
runs the variants)."""
from __future__ import annotations

import json
from pathlib import Path

from gnsverify.report.format import fmt, markdown_table

KINDS = (("method", "broken methods (reference-solver variants)"),
         ("trace", "tampered traces of the compiled solver"),
         ("claim", "false claims (strengthened class bounds and rate theorems)"))


def headline(st: dict) -> str:
    rate = st.get("kill_rate")
    parts = [f"{st['by_kind'][k]['killed']}/{st['by_kind'][k]['total']} {k}"
             for k, _ in KINDS if st["by_kind"][k]["total"]]
    return (f"selftest ({'quick' if st.get('quick') else 'full'}): killed {st['killed']} of "
            f"{st['total']} broken variants ({fmt(100 * rate, 3) if rate is not None else '—'}%; "
            + ", ".join(parts) + f"); false claims above their detection threshold: "
            f"{st['claims_above_threshold']['killed']}/{st['claims_above_threshold']['total']} "
            f"killed; false alarms on {len(st['false_alarms'])} of {st['controls']} controls; "
            f"known answers met by {len(st['instruments']) - len(st['instruments_failed'])}/"
            f"{len(st['instruments'])} instruments")


def section(st: dict | None, *, level: int = 2) -> str:
    if not st:
        return ""
    h = "#" * level
    lines = [f"{h} What this campaign is shown to catch", "",
             "`gnsverify selftest` runs broken variants through the same checks as the campaign "
             "and expects FAIL: a variant is *killed* when some check FAILs it, a *survivor* "
             "otherwise. Broken methods are subclasses of the NumPy reference solver with one "
             "piece changed, run on fixed catalog cases in place of the compiled solver; "
             "tampered traces are correct compiled runs with one recorded field changed; false "
             "claims are catalog cases with the class bound claimed as `s pi` or the rate "
             "theorem's `K(eps)` or exponent divided by `s`, for `s` fixed in advance. A "
             "strengthened claim may still be *true* on an instance (the theorems are loose "
             "there); the unmodified claim's detection threshold says which: a variant with "
             "`s` above it must be killed, one below it survives by construction. Controls "
             "(the unbroken reference solver, the untampered runs, the catalog's claims) must "
             "PASS.", "",
             f"**{headline(st)}.**", ""]
    if st.get("false_alarms"):
        lines += ["**False alarms** (a check FAILed something correct: the checker is wrong):", ""]
        lines += [f"- {a['name']}: {a['by']}: {a['detail']}" for a in st["false_alarms"]]
        lines.append("")
    if st.get("instruments_failed"):
        lines += ["**Instruments that missed their known answer** (the checker is weaker than it "
                  "says): " + ", ".join(f"`{u}`" for u in st["instruments_failed"]), ""]
    if st.get("unexpected"):
        lines += ["Variants whose fate disagrees with the detection threshold: "
                  + ", ".join(f"`{u}`" for u in st["unexpected"]), ""]
    for kind, title in KINDS:
        vs = [v for v in st["variants"] if v["kind"] == kind]
        if not vs:
            continue
        lines += [f"{h}# {title.capitalize()}", ""]
        if kind == "claim":
            header = ["variant", "killed", "by", "threshold of the unmodified claim", "as predicted"]
            body = [[v["name"], "yes" if v["killed"] else "no", v["by"] or "—",
                     fmt(v["threshold"], 3) if v["threshold"] is not None else "n/d",
                     {True: "yes", False: "NO", None: "—"}[v["expected"]]] for v in vs]
        else:
            header = ["variant", "what is broken", "killed", "first by", "every check that FAILed"]
            body = [[v["name"], v["doc"], "yes" if v["killed"] else "no", v["by"] or "—",
                     ", ".join(v["all_by"]) or "—"] for v in vs]
        lines += [markdown_table(header, body), ""]
    if st.get("instruments"):
        lines += [f"{h}# Instruments against known answers", "",
                  markdown_table(["instrument", "known answer", "met"],
                                 [[i["name"], i["doc"], "yes" if i["ok"] else f"NO: {i['detail']}"]
                                  for i in st["instruments"]]), ""]
    surv = st.get("survivors") or []
    if surv:
        lines += [f"Survivors ({len(surv)}): " + ", ".join(f"`{s}`" for s in surv) + ".", ""]
    return "\n".join(lines)


def write_selftest(out, st: dict) -> list[Path]:
    out = Path(out)
    (out / "selftest.json").write_text(json.dumps(st, indent=2, allow_nan=False) + "\n",
                                       encoding="utf-8")
    (out / "SELFTEST.md").write_text("# gnsverify selftest\n\n" + section(st, level=2) + "\n",
                                     encoding="utf-8")
    return [out / "selftest.json", out / "SELFTEST.md"]
