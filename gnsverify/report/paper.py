"""The REPORT.md section mapping each claim of the campaign to the statement of the
paper it checks, and each finding of docs/theory.md section 7 to the claims that
exhibit it (the map itself: :mod:`gnsverify.paper_map`)."""
from __future__ import annotations

from gnsverify.paper_map import CLAIMS, FINDINGS, findings_of, statement
from gnsverify.report.format import markdown_table


def section(recs: list[dict]) -> str | None:
    """Two tables: claim -> paper statement, finding -> claims (only claims present)."""
    present: dict[str, int] = {}
    for r in recs:
        present[r["claim"]] = present.get(r["claim"], 0) + 1
    if not present:
        return None
    rows = []
    for claim, n in present.items():
        if claim not in CLAIMS:      # a claim kind defined outside gnsverify
            rows.append([f"`{claim}`", n, "not mapped (a claim kind defined outside gnsverify)",
                         "—", "—", "—"])
            continue
        s = statement(claim)
        rows.append([f"`{claim}`", n, s.statement, s.checks, s.theory_md,
                     ", ".join(str(f) for f in findings_of(claim)) or "—"])
    frows = [[n, title, ", ".join(f"`{c}`" for c in claims if c in present) or "—", where]
             for n, (title, claims, where) in FINDINGS.items()]
    return "\n".join([
        "## What each claim checks in the paper", "",
        "Each claim kind of this campaign, the statement of the paper it checks (as THEORY.md "
        "restates it, by section), what is evaluated, and the findings of docs/theory.md "
        "section 7 it exhibits.", "",
        markdown_table(["claim", "records", "paper statement", "what is checked", "THEORY.md",
                        "findings"], rows), "",
        "The findings of docs/theory.md section 7 and the claims of this campaign that exhibit "
        "them:", "",
        markdown_table(["finding", "title", "claims", "where"], frows)])
