"""Claim kind ``order``: the observed iterations-to-``eps`` curve is never slower than
the theorem's order (docs/theory.md section 5).

The curve is fitted (:func:`fit_order`: log-log slope for a sublinear prediction
``eps^-e``; slope in ``log(1/eps)``, i.e. a contraction factor, for a linear one) and
must not be slower than predicted. Counts are integers, so the fit is compared by its
*smallest* value over the quantization box ``true count in [K - 1, K]`` of every rung:
a FAIL is never a rounding artefact of the counts.
"""
from __future__ import annotations

import math

import numpy as np

from gnsverify.checks.base import Check
from gnsverify.checks.global_bound import GlobalBoundCheck
from gnsverify.context import RATE_RUNS
from gnsverify.thresholds import attach, order_threshold
from gnsverify.verdict import Counterexample, decide


def fit_order(eps, counts, kind: str) -> dict:
    """Fit the iterations-to-``eps`` curve.

    ``x = ln(1/eps)``; sublinear: ``y = ln K`` (slope = fitted exponent), linear:
    ``y = K`` (slope = iterations per unit of ``ln(1/eps)``, contraction factor
    ``exp(-1/slope)``). Returns the least-squares slope and its smallest value over
    the quantization box (each true count in ``[K - 1, K]``, ``K - 1`` floored at 1/2).
    """
    x = np.log(1.0 / np.asarray(eps, float))
    K = np.asarray(counts, float)
    lo = np.maximum(K - 1.0, 0.5)
    f = (np.log if kind == "sublinear" else (lambda v: v))
    xc = x - x.mean()
    w = xc / np.sum(xc * xc)
    slope = float(np.sum(w * f(K)))
    slope_min = float(np.sum(np.where(w > 0, w * f(lo), w * f(K))))
    return {"slope": slope, "slope_min": slope_min}


def reached_points(rows, run) -> list[tuple[float, int]]:
    """``(eps, iterations)`` of the rungs a run reached with at least 2 iterations."""
    return [(r["eps"], r["observed"]) for r in rows
            if r["run"] == run and r["reached"] and r["observed"] and r["observed"] >= 2]


def fits(ctx) -> dict:
    """``{"kind", "predicted_exponent", "fits": {run: fit}}`` for the runs with at least
    three reached rungs (what the order claim and the report show)."""
    o = ctx.case.rate("theory").order()
    kind, e_pred = o["kind"], float(o["exponent"])
    info = dict(kind=kind, predicted_exponent=e_pred, fits={})
    if ctx.rate_blocker():
        return info
    rows = ctx.rungs()
    for run in RATE_RUNS:
        pts = reached_points(rows, run)
        if len(pts) < 3:
            continue
        eps, K = map(np.array, zip(*pts))
        fit = fit_order(eps, K, kind)
        if kind == "sublinear":
            pred_slope = e_pred
        else:
            rate = ctx.case.rate(run)
            e1, e2 = float(eps[-2]), float(eps[-1])
            d = ctx.rate_data()
            pred_slope = (rate.K(e2, d) - rate.K(e1, d)) / math.log(e1 / e2)
        fit.update(predicted_slope=pred_slope, ratio=(fit["slope"] / pred_slope if pred_slope > 0 else None),
                   eps=eps.tolist(), counts=K.tolist(), slower=fit["slope_min"] > pred_slope)
        if kind == "linear":
            fit["contraction"] = math.exp(-1 / fit["slope"]) if fit["slope"] > 0 else 0.0
            fit["predicted_contraction"] = math.exp(-1 / pred_slope) if pred_slope > 0 else 0.0
        info["fits"][run] = fit
    return info


class OrderCheck(Check):
    name = "order"
    claims = ("order",)
    needs = RATE_RUNS
    applies = GlobalBoundCheck.applies

    def run(self, ctx):
        info = fits(ctx)
        kind, e_pred = info["kind"], info["predicted_exponent"]
        case = ctx.case
        status, reason = ctx.lemma1_status()
        if status != "claimed":
            return [decide(case.name, "order", tried=0, what="no fit", predicted=e_pred,
                           not_claimed=reason if status == "not claimed" else "",
                           undecided=[reason])]
        if ctx.rate_blocker():
            return [decide(case.name, "order", tried=0, what="no fit", predicted=e_pred,
                           undecided=[ctx.rate_blocker()])]
        if not info["fits"]:
            return [decide(case.name, "order", tried=0, predicted=e_pred,
                           what="fewer than 3 reached eps rungs with >= 2 iterations: no fit")]
        missing = [ctx.undecided[d] for d in ("constants",) if d in ctx.undecided] if kind == "linear" else []
        outside = [f"the {r} run leaves the region the constants hold on at iteration {k}"
                   for r in info["fits"] if (k := ctx.leaves_region(r)) is not None]
        missing += outside
        main = info["fits"].get("theory") or next(iter(info["fits"].values()))
        slow = [(r, f) for r, f in info["fits"].items() if f["slower"]]
        what = f"{kind}: fitted slope {main['slope']:.3g} vs predicted {main['predicted_slope']:.3g}"
        if not slow:
            v = decide(case.name, "order", tried=len(info["fits"]), what=what, undecided=outside,
                       observed=main["slope"], predicted=main["predicted_slope"])
            return [attach(v, *order_threshold(info["fits"]))]
        run, fit = slow[0]
        cx = Counterexample(
            inequality="order", statement="fitted slope (smallest over count quantization) <= predicted slope",
            lhs=fit["slope_min"], rhs=fit["predicted_slope"], instance=case.params, run=run,
            extra={"eps": fit["eps"], "counts": fit["counts"]})
        detail = (f"{run} run slower than predicted: slope >= {fit['slope_min']:.3g} > "
                  f"{fit['predicted_slope']:.3g} ({kind})")
        return [decide(case.name, "order", tried=len(info["fits"]), what=what, violation=cx,
                       violation_detail=detail, undecided=missing, observed=fit["slope"],
                       predicted=fit["predicted_slope"])]
