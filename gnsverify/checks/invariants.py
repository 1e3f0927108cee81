"""Claim kind ``invariant:*``: the named per-step inequalities on every GNS run
(:mod:`gnsverify.invariants` evaluates them; docs/theory.md section 1).

For an ``H`` not known to be PSD only what the algorithm enforces is checked (the
acceptance test of the adaptive search); Lemma 1 and its corollaries are not claimed,
and the report says so.
"""
from __future__ import annotations

import numpy as np

from gnsverify import invariants as INV
from gnsverify.checks.base import Check
from gnsverify.thresholds import attach, bisect
from gnsverify.verdict import PASS

STEP_RUNS = ("theory", "adaptive", "ideal")
#: the runs whose steps do not use pi: the claims on them can be re-evaluated against a
#: strengthened pi (the theory step's run would itself change with pi)
PI_FREE_RUNS = ("adaptive", "ideal")
PI_SYMBOLS = {"pi_k", "pi_next"}


class InvariantsCheck(Check):
    name = "invariants"
    claims = tuple(dict.fromkeys(INV.CLAIM_OF.values()))
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
        evaluations = self.evaluate(ctx, STEP_RUNS)
        out = INV.verdicts(ctx.case.name, evaluations, ctx.undecided, ctx.case.params)
        for v in out:
            if v.verdict == PASS:
                attach(v, *self.threshold(ctx, v.claim, evaluations))
        return out

    @staticmethod
    def evaluate(ctx, steps, scale: float = 1.0, claims=None):
        pi = ctx.bound.pi if scale == 1.0 else (lambda t, s=scale: s * ctx.bound.pi(t))
        evaluations = []
        for step in steps:
            if step in ctx.runs:
                rc = INV.RunContext(step=step, pi=pi, psd=ctx.psd, convex=ctx.convex,
                                    D=ctx.case.D, f_star=None if ctx.fs is None else ctx.fs[1],
                                    undecided=ctx.undecided, instance=ctx.case.params,
                                    covered=ctx.covered(step),
                                    rejected_allowance=InvariantsCheck.allowance(ctx, step))
                evaluations.extend(INV.evaluate_run(ctx.runs[step], rc, run=step, claims=claims))
        return evaluations

    @staticmethod
    def allowance(ctx, step):
        """The rejected trials' rounding allowance of the run (:mod:`gnsverify.rounding`),
        computed once per run; ``None`` without a residual rounding bound or iterates."""
        memo = ctx.__dict__.setdefault("_rejected_allowance", {})
        if step not in memo:
            from gnsverify.rounding import ResidualRounding
            res = ctx.runs[step]
            rr = ResidualRounding.of(ctx.problem, ctx.hessian, ctx.case.B)
            if rr is None or res.trace.x is None:
                memo[step] = None
            else:
                rows, iters = INV.rejected_rows(res.trace, INV.RunContext(
                    step=step, pi=ctx.bound.pi, psd=ctx.psd, convex=ctx.convex))
                memo[step] = rr.acceptance_allowance(rows, np.asarray(res.trace.x), iters)
        return memo[step]

    def threshold(self, ctx, claim, evaluations):
        """The detection threshold of a passed invariant claim (:mod:`gnsverify.thresholds`):
        bisection on ``s`` with the claim re-evaluated against ``s pi`` on the runs that
        do not use ``pi``."""
        from theory.inequalities import INEQUALITIES, WITHIN_CLAIM
        testable = [e for e in evaluations if e.claim == claim and e.run in PI_FREE_RUNS
                    and e.tried and (PI_SYMBOLS & set(INEQUALITIES[e.inequality].needs)
                                     or INEQUALITIES[e.inequality].when == WITHIN_CLAIM)]
        if not testable:
            return None, ("no inequality of the claim involves pi on a run that does not use pi "
                          "(the theory-step run's steps are made with pi itself)")

        def caught(s):
            evs = self.evaluate(ctx, PI_FREE_RUNS, scale=s, claims=(claim,))
            return any(e.bad.size or (e.bad_outside is not None and e.bad_outside.size) for e in evs)

        s, how = bisect(caught)
        runs = ", ".join(sorted({e.run for e in testable}))
        return s, f"{how}; the claim re-evaluated against s pi on the {runs} run(s)"
