"""Claim kind ``audit:trace``: every run's recorded decisions re-derived from its numbers
and from fresh oracle calls (:mod:`gnsverify.audit`). A finding is a FAIL of the code,
not of the theory: the trace does not describe what the method must have done."""
from __future__ import annotations

from gnsverify import audit
from gnsverify.checks.base import Check
from gnsverify.verdict import decide

GNS_RUNS = ("theory", "adaptive", "ideal")


class AuditCheck(Check):
    name = "trace audit"
    claims = ("audit:trace",)
    needs = GNS_RUNS

    def applies(self, ctx):
        if not ctx.runs:
            return False, "no run to audit"
        return True, ""

    def run(self, ctx):
        findings, tried, audited = [], 0, []
        for name, res in ctx.runs.items():
            if name in GNS_RUNS:
                f, t = audit.audit_gns(ctx.problem, ctx.hessian, ctx.case.B, res, run=name,
                                       instance=ctx.case.params)
            else:
                f, t = audit.audit_baseline(res, run=name, instance=ctx.case.params)
            findings += f
            tried += t
            audited.append(name)
        first = min(findings, key=lambda c: (c.iteration is None, c.iteration or 0), default=None)
        detail = "" if first is None else (
            f"{first.inequality} on the {first.run} run at iteration {first.iteration}: "
            f"{first.statement} (recorded {first.lhs}, recomputed {first.rhs}; "
            f"{len(findings)} finding(s))")
        return [decide(ctx.case.name, "audit:trace", tried=tried, violation=first,
                       violation_detail=detail,
                       what=f"{tried} recorded quantities of {len(audited)} runs "
                            f"({', '.join(audited)}) re-derived")]
