"""The files of a falsification search (``gnsverify check``): ``results.json``,
``results.csv`` and ``CHECK.md``."""
from __future__ import annotations

from pathlib import Path

from gnsverify.report.campaign import claim_section, records, write_records


def write_check(out: Path, label: str, verdicts_by_case: dict, *, examples: int, seed: int,
                what: str) -> tuple[list[dict], list[str]]:
    """Write the search's verdicts (``{case name: [Verdict]}``); returns ``(records, files)``."""
    out = Path(out)
    holders = [_Holder(name, vs) for name, vs in verdicts_by_case.items()]
    recs = records(holders)
    write_records(out, recs)
    sections = [claim_section(h.case, [r for r in recs if r["case"] == h.case]) for h in holders]
    (out / "CHECK.md").write_text(f"# Falsification search: {label}\n\n{examples} examples per case, "
                                  f"seed {seed}, what = {what}.\n\n" + "\n\n".join(sections) + "\n",
                                  encoding="utf-8")
    return recs, ["results.json", "results.csv", "CHECK.md"]


class _Holder:
    """What :func:`records` reads of a report: the case name and its verdicts."""

    def __init__(self, case: str, verdicts: list):
        self.case, self.verdicts, self.row = case, verdicts, None
