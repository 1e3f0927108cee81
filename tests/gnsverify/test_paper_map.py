"""Every claim a check can return is mapped to the paper's statement it checks, every
finding of docs/theory.md section 7 is mapped to claims that exist, and a check that
returns an undeclared claim is refused."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from gnsverify import paper_map, tightness
from gnsverify.catalog import holder_1d_case
from gnsverify.checks import CHECKS
from gnsverify.checks.base import Check
from gnsverify.pipeline import check_case
from gnsverify.report import paper as paper_report
from gnsverify.verdict import decide

DOCS = Path(__file__).resolve().parents[2] / "docs" / "theory.md"


def test_every_declared_claim_is_mapped():
    declared = {c for check in CHECKS for c in check.claims} | set(tightness.CLAIMS) | {
        "instance_constants", "falsify:both"}
    assert all(check.claims for check in CHECKS)
    assert declared == set(paper_map.CLAIMS)
    for claim in declared:
        s = paper_map.statement(claim)
        assert s.statement and s.checks and re.fullmatch(r"[0-9, ]+", s.theory_md)
    with pytest.raises(ValueError, match="claim must be one of"):
        paper_map.statement("invariant:made_up")


def test_every_finding_of_the_docs_is_mapped_to_existing_claims():
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## 7. Findings"):]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. \*\*", section, flags=re.M)]
    assert numbers == sorted(paper_map.FINDINGS)
    for n, (title, claims, where) in paper_map.FINDINGS.items():
        assert title and where and claims
        assert set(claims) <= set(paper_map.CLAIMS), n


def test_the_campaign_refuses_an_undeclared_claim():
    class Sloppy(Check):
        name = "sloppy"
        claims = ("order",)

        def run(self, ctx):
            return [decide(ctx.case.name, "order:typo", tried=1, what="nothing")]
    with pytest.raises(RuntimeError, match="undeclared claim"):
        check_case(holder_1d_case(dict(nu=1.0, x0=1.0)), (Sloppy(),), budget="quick", runs=("theory",))


def test_report_section_lists_only_the_claims_present():
    recs = [{"claim": "global_bound"}, {"claim": "global_bound"}, {"claim": "order"}]
    text = paper_report.section(recs)
    assert "| `global_bound` | 2 |" in text and "| `order` | 1 |" in text
    assert "`audit:trace` |" not in text.split("The findings")[0]
    assert paper_report.section([]) is None


def test_a_claim_defined_outside_the_package_is_reported_as_not_mapped():
    text = paper_report.section([{"claim": "my_check:final_gradient"}])
    assert "| `my_check:final_gradient` | 1 | not mapped (a claim kind defined outside gnsverify) |" in text
