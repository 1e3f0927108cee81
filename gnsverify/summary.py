"""What a report shows of one verified case besides its verdicts: the summary row of the
rate table (:func:`row`), the plot data of its runs and bounds (:func:`curves`) and the
cost of every method to each ``eps`` of the ladder (:func:`methods`)."""
from __future__ import annotations

import math

import numpy as np

from gnsverify.checks.order import fit_order, reached_points
from gnsverify.context import RATE_RUNS, reach
from gnsverify.verdict import worst


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def curves(ctx) -> dict:
    """``{"measure", "eps", "runs": {name: {"k", "value", "calls", "time"}}, "bound": {step:
    {"eps", "K"}}}``: every run's measured sequence with its cumulative oracle calls
    (values + gradients + Hessians) and wall time at each iterate, the ladder, and the
    theorem's ``K(eps)`` on the ladder."""
    out = {"measure": ctx.measure, "eps": ctx.ladder.tolist(), "runs": {}, "bound": {}}
    for name, res in ctx.runs.items():
        seq = ctx.quantity(res)
        out["runs"][name] = {"k": list(range(seq.shape[0])), "value": [_num(v) for v in seq],
                             "calls": _calls(res.trace).tolist(),
                             "time": _elapsed(res.trace).tolist()}
    if ctx.ladder.size and "constants" not in ctx.undecided and ctx.rate_blocker() is None:
        for step in RATE_RUNS:
            try:
                rate = ctx.case.rate(step)
                out["bound"][step] = {"eps": ctx.ladder.tolist(),
                                      "K": [_num(rate.K(float(e), ctx.rate_data())) for e in ctx.ladder]}
            except ValueError:
                pass
    return out


def _calls(tr) -> np.ndarray:
    """Cumulative value + gradient + Hessian evaluations at each iterate."""
    return (np.asarray(tr.n_value, np.int64) + np.asarray(tr.n_grad, np.int64)
            + np.asarray(tr.n_hess, np.int64))


def _elapsed(tr) -> np.ndarray:
    """Wall time at each iterate since ``x_0`` was evaluated: ``time[k] - time[0]``. The
    trace's clock starts before the first call of the compiled kernel, so ``time[0]`` also
    holds the one-off loading of compiled code (0.2 s measured for the first run of a
    process), which is not a cost of the method."""
    t = np.asarray(tr.time, float)
    return t - t[0] if t.size else t


def methods(ctx) -> list[dict]:
    """Per run (the GNS method with each step rule, each baseline): its status, totals
    (``iterations``, scipy's ``nfev``/``njev``/``nhev``, ``wall_s``) and, for each ``eps``
    of the ladder, the first iterate ``k`` at or below it with the oracle calls and wall
    time spent by then (``None``: not reached). Times count from ``x_0`` (:func:`_elapsed`)."""
    out = []
    for name, res in ctx.runs.items():
        seq, tr = ctx.quantity(res), res.trace
        calls, elapsed = _calls(tr), _elapsed(tr)
        to_eps = []
        for e in ctx.ladder:
            K_last, reached = reach(seq, float(e))
            k = K_last + 1 if reached else None
            to_eps.append({"eps": float(e), "k": k, "calls": None if k is None else int(calls[k]),
                           "time_s": None if k is None else float(elapsed[k])})
        out.append({"run": name, "method": res.method, "hessian": res.hessian, "status": res.status,
                    "iterations": int(res.nit), "nfev": int(res.nfev), "njev": int(res.njev),
                    "nhev": int(res.nhev), "wall_s": float(elapsed[-1]) if elapsed.size else 0.0,
                    "measure": ctx.measure, "to_eps": to_eps})
    return out


def row(ctx, verdicts) -> dict:
    """One summary line: the theory run's last reached rung (the adaptive run's when
    the theory run reached none) and the log-log slope of its iterations-to-eps.

    Keys: ``case, class, exponent`` (class exponent: smallest smoothness alpha),
    ``predicted_order``, ``measure`` (what each ``eps`` bounds: ``f - f*`` for the convex
    theorem, ``||g||_*`` for the non-convex one), ``predicted_K, observed_K, ratio`` (at the smallest ``eps`` the run
    reached), ``fitted_exponent``, ``predicted_exponent``, ``verdict``, ``run`` (which
    run the numbers are from) and ``theory_not_shown`` (when the row shows another run:
    the numbers that say why the theory-step run reached no ``eps``).
    """
    o = ctx.case.rate("theory").order()
    rungs = ctx.rungs() if ctx.psd else []
    last = None
    for run in RATE_RUNS:
        reached = [r for r in rungs if r["run"] == run and r["reached"]]
        if reached:
            last = reached[-1]
            break
    fitted = None
    if last is not None:
        pts = reached_points(rungs, last["run"])
        if len(pts) >= 3:
            fitted = fit_order(*map(np.array, zip(*pts)), "sublinear")["slope"]
    smooth = [m.alpha_f for m in ctx.bound.monomials if m.M_f != 0 and "smoothness" in m.source]
    cls = getattr(ctx.case.claim, "name", "") or getattr(ctx.bound, "name", "")
    row_run = None if last is None else last["run"]
    status, _ = ctx.lemma1_status()
    order = o.get("text") or o["kind"]
    if status != "claimed":      # the rate theorems are not claimed, or not decidable, here
        order = f"{order} ({'not claimed' if status == 'not claimed' else 'needs PSD H'})"
    return {
        "case": ctx.case.name,
        "class": cls,
        "exponent": min(smooth) if smooth else None,
        "predicted_order": order,
        "measure": ctx.measure,
        "predicted_K": None if last is None else _num(last["predicted"]),
        "observed_K": None if last is None else last["observed"],
        "ratio": (None if last is None or not last["predicted"] else
                  _num(last["observed"] / last["predicted"])),
        "fitted_exponent": _num(fitted) if fitted is not None else None,
        "predicted_exponent": _num(o["exponent"]),
        "verdict": worst(verdicts),
        "run": row_run,
        "theory_not_shown": (_why_not_theory(ctx, rungs) if row_run not in (None, "theory")
                             and "theory" in ctx.runs else None),
    }


def _why_not_theory(ctx, rungs: list) -> dict:
    """Numbers that say why the theory-step run reached no ``eps`` of the ladder: its
    step size ``pi(||g||)`` (the monomials, ``pi(||g_0||)``), how far it got, and how
    much larger the steps the adaptive search accepted were."""
    th = ctx.runs["theory"]
    seq = ctx.quantity(th)
    fin = seq[np.isfinite(seq)]
    out = {
        "iterations": int(th.nit), "status": th.status, "measure": ctx.measure,
        "start": _num(seq[0]), "best": _num(fin.min()) if fin.size else None,
        "first_eps": _num(ctx.ladder[0]) if ctx.ladder.size else None,
        "pi_g0": _num(ctx.bound.pi(ctx.G0)), "G0": _num(ctx.G0),
        "monomials": [dict(alpha=m.alpha_f, M=m.M_f, source=m.source) for m in ctx.bound.monomials],
        "D": None if ctx.case.D is None else _num(ctx.case.D),
    }
    em = ctx.case.error_model
    if em is not None:
        out["error_model"] = dict(name=getattr(em, "name", ""), C1=_num(em.C1), C2=_num(em.C2),
                                  beta=_num(em.beta))
    ad = ctx.runs.get("adaptive")
    if ad is not None and ad.trace.n_steps > 0:
        gam = np.asarray(ad.trace.gamma, float)
        pi_k = np.asarray(ctx.bound.pi(np.asarray(ad.trace.gnorm, float)[:ad.trace.n_steps]), float)
        ok = np.isfinite(gam) & np.isfinite(pi_k) & (pi_k > 0)
        if ok.any():
            r = gam[ok] / pi_k[ok]
            out["adaptive_gamma_over_pi"] = dict(min=_num(r.min()), median=_num(np.median(r)),
                                                 max=_num(r.max()))
        K = [r for r in rungs if r["run"] == "adaptive" and r["reached"]]
        if K:
            out["adaptive_K"] = dict(eps=K[-1]["eps"], observed=K[-1]["observed"],
                                     predicted=_num(K[-1]["predicted"]))
    return out
