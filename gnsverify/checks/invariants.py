"""Claim kind ``invariant:*``: the named per-step inequalities on every GNS run
(:mod:`gnsverify.invariants` evaluates them; docs/theory.md section 1).

For an ``H`` not known to be PSD only what the algorithm enforces is checked (the
acceptance test of the adaptive search); Lemma 1 and its corollaries are not claimed,
and the report says so.
"""
from __future__ import annotations

from gnsverify import invariants as INV
from gnsverify.checks.base import Check

STEP_RUNS = ("theory", "adaptive", "ideal")


class InvariantsCheck(Check):
    name = "invariants"
    needs = STEP_RUNS

    def applies(self, ctx):
        if not any(r in ctx.runs for r in STEP_RUNS):
            return False, "no GNS run"
        return True, ""

    def run(self, ctx):
        if not ctx.psd:
            ctx.notes.append("H(x) is not known to be PSD for this rule and instance (a PSD rule, or "
                             "an exact-type rule on a problem declared convex, makes it so): Lemma 1 "
                             "and (C1)-(C5) are not claimed; only the acceptance test is checked")
        evaluations = []
        for step in STEP_RUNS:
            if step in ctx.runs:
                rc = INV.RunContext(step=step, pi=ctx.bound.pi, psd=ctx.psd, convex=ctx.convex,
                                    D=ctx.case.D, f_star=None if ctx.fs is None else ctx.fs[1],
                                    undecided=ctx.undecided, instance=ctx.case.params,
                                    covered=ctx.covered(step))
                evaluations.extend(INV.evaluate_run(ctx.runs[step], rc, run=step))
        return INV.verdicts(ctx.case.name, evaluations, ctx.undecided, ctx.case.params)
