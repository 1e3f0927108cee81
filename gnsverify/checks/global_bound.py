"""Claim kind ``global_bound``: the theorem's iteration bound ``K(eps)`` on a ladder of
accuracies (docs/theory.md section 5).

For every ``eps`` of the ladder and every run with a rate theorem (theory step;
adaptive search with the lag count ``n_lag`` read from its trace), the conclusion
"``seq_K <= eps`` for every ``K > K(eps)``" fails iff the last index at which it is
still false exceeds ``K(eps)`` (``seq``: the function gap for a convex claim, the best
gradient norm otherwise; :meth:`gnsverify.context.Context.rungs`). A rung the run did
not reach within its budget and whose ``K(eps)`` exceeds the budget is undecided.
Claimed only for PSD ``H`` (the theorems rest on Lemma 1).
"""
from __future__ import annotations

import numpy as np

from gnsverify.checks.base import Check
from gnsverify.context import RATE_RUNS
from gnsverify.thresholds import attach, rate_threshold
from gnsverify.verdict import Counterexample, decide


class GlobalBoundCheck(Check):
    name = "global bound"
    claims = ("global_bound",)
    needs = RATE_RUNS

    def applies(self, ctx):
        if not any(r in ctx.runs for r in RATE_RUNS):
            return False, "no theory-step or adaptive run"
        if not ctx.ladder.size:
            return False, "the accuracy ladder is empty"
        return True, ""

    def run(self, ctx):
        blocker = ctx.rate_blocker()
        case = ctx.case
        status, reason = ctx.lemma1_status()
        if status != "claimed":
            return [decide(case.name, "global_bound", tried=0, what="K(eps) not evaluated",
                           not_claimed=reason if status == "not claimed" else "",
                           undecided=[reason])]
        if blocker:
            extra = [ctx.undecided["constants"]] if "constants" in ctx.undecided else []
            return [decide(case.name, "global_bound", tried=0, what="K(eps) not evaluable",
                           undecided=[blocker] + extra)]
        rows = ctx.rungs()
        missing = [ctx.undecided[d] for d in ("constants", "f_star") if d in ctx.undecided]
        # the theorem needs the class bound at every iterate: a rung counted past the first
        # iterate the case's region does not cover decides nothing
        out = {run: ctx.leaves_region(run) for run in {r["run"] for r in rows}}
        late = [r for r in rows if out[r["run"]] is not None and r["K_last"] >= out[r["run"]]]
        if late:
            missing.append(f"the {late[0]['run']} run leaves the region the constants hold on at "
                           f"iteration {out[late[0]['run']]}")
        rows = [r for r in rows if r not in late]
        decided = [r for r in rows if r["decided"]]
        fails = [r for r in decided if not r["holds"]]
        if ctx.convex and "D" in ctx.undecided:
            missing.append(ctx.undecided["D"])
        beyond = len(rows) - len(decided)
        what = (f"observed iterations <= K(eps) on {len(decided)} (run, eps) pairs"
                + (f"; {beyond} rung(s) beyond the budget" if beyond else "")
                + ("" if decided else ": no eps of the ladder was decided within the iteration budget"))
        if not fails:
            v = decide(case.name, "global_bound", tried=len(decided), what=what, undecided=missing)
            return [attach(v, *rate_threshold(rows))]
        first = fails[0]
        X = ctx.runs[first["run"]].trace.x
        cx = Counterexample(
            inequality="global_bound", statement=f"{ctx.measure} <= eps for every K > K(eps)",
            lhs=first["K_last"], rhs=first["predicted"], instance=case.params, run=first["run"],
            iteration=first["K_last"], extra={"eps": first["eps"]},
            x=None if X is None else np.asarray(X)[min(first["K_last"], len(X) - 1)].tolist())
        detail = (f"{first['run']} run: {ctx.measure} still > eps = {first['eps']:.3g} at K = "
                  f"{first['K_last']} > K(eps) = {first['predicted']:.4g}")
        return [decide(case.name, "global_bound", tried=len(decided), what=what, violation=cx,
                       violation_detail=detail, undecided=missing, observed=first["K_last"],
                       predicted=first["predicted"])]
