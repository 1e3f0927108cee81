"""Per-step invariants: the named inequalities of :mod:`theory.inequalities` on a trace.

For a run (step rule ``adaptive`` / ``theory`` / ``ideal``) every inequality stated
for that rule and the case's structure (PSD ``H``, convex ``f``) is evaluated on the
trace arrays (index ``k`` = step ``x_k -> x_{k+1}``) and grouped into the checker's
claims:

* ``invariant:acceptance``: ``f_k - f_{k+1} >= g_{k+1}^2/(8 lambda_k)`` and descent
  (enforced by the adaptive search; Lemma 1's conclusion for the theory step);
* ``invariant:step_bound``: ``lambda_k = g_k/gamma_k``, ``gamma_k = pi(g_k)`` (theory
  step) and (C3) ``||h_k|| <= gamma_k`` (PSD ``H``);
* ``invariant:no_rejection_below_pi``: (C1) no rejected trial with
  ``gamma <= pi(g_k)``, and (C2) the accepted ``gamma_k >= min(first trial, pi_k/2)``;
* ``invariant:lemma1_decrease``: Lemma 1 and its consequences on every step with
  ``gamma_k <= pi(g_k)`` (every step of the theory step);
* ``invariant:convex_gap``: (C5) and ``f(x_k) - f* <= D ||g_k||_*`` (convex ``f``).

A theory step whose trial could not be taken (failed factorization, non-finite
value) is appended as one more step with ``NaN`` values: Lemma 1 says it cannot
happen, and ``NaN`` never satisfies an inequality.

Decidability: an inequality the algorithm *guarantees* is always decided. One that is
*claimed* (true if ``gamma(x_k) >= pi(g_k)``) is decided only when the constants of
``pi`` are closed-form or certified; one that uses ``D`` or ``f*`` only when those
are known by construction or certified. A violation of an undecidable check gives
INCONCLUSIVE with the counterexample attached, never FAIL.

Rounding slack: :data:`SLACK`, relative to the sum of the absolute values of the
additive terms of both sides (so ``f_k - f_{k+1}`` is compared with an allowance
``SLACK (|f_k| + |f_{k+1}| + |rhs|)``). Where the problem declares the rounding of its
residual (``f = (1/p)||u||^p`` computed by cancellation), a rejection certificate also
needs the acceptance inequality to miss by more than the absolute allowance of
:mod:`gnsverify.rounding` (``RunContext.rejected_allowance``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from gnsverify.verdict import Counterexample, Verdict, decide

#: Relative rounding allowance. Unit roundoff is 1.1e-16; an oracle value here is a
#: sum over at most a few thousand samples of terms computed with a few flops each,
#: whose accumulated error is bounded by about 1e4 ulps of the sum of absolute terms,
#: i.e. ~1e-12; a factor 10 covers the dual norm and the linear solve that produce
#: ``g_{k+1}`` and ``||h_k||``. Fixed once from this count, never adjusted to a run.
SLACK = 1e-11

CLAIM_OF = {
    "acceptance": "invariant:acceptance",
    "descent": "invariant:acceptance",
    "lambda_definition": "invariant:step_bound",
    "gamma_is_pi": "invariant:step_bound",
    "step_bound": "invariant:step_bound",
    "rejection_certificate": "invariant:no_rejection_below_pi",
    "search_floor": "invariant:no_rejection_below_pi",
    "lemma1_decrease": "invariant:lemma1_decrease",
    "next_gradient": "invariant:lemma1_decrease",
    "grad_growth": "invariant:lemma1_decrease",
    "theory_step_decrease": "invariant:lemma1_decrease",
    "mild_decrease": "invariant:lemma1_decrease",
    "good_step_decrease": "invariant:lemma1_decrease",
    "convex_gap": "invariant:convex_gap",
    "gap_by_gradient": "invariant:convex_gap",
}
CLAIMS = tuple(dict.fromkeys(CLAIM_OF.values()))
#: why a violation at an iterate outside the claim's region decides nothing
OUTSIDE = ("violated only where the claim's constants do not hold (the ball of radius "
           "pi(||g_k||) around x_k leaves the region they were derived on)")


@dataclass
class RunContext:
    """What the invariants need to know about a run besides its trace (plain data).

    ``pi`` maps gradient norms to the claimed ``pi`` (vectorized); ``undecided``
    maps a dependency (``"constants"``, ``"D"``, ``"f_star"``) to the reason it
    cannot be relied on. ``f_star`` is the value used for gaps (the upper end of its
    certified interval, so a FAIL is never caused by the uncertainty of ``f*``).
    """

    step: str
    pi: object
    psd: bool
    convex: bool
    D: float | None = None
    f_star: float | None = None
    undecided: dict = field(default_factory=dict)
    slack: float | None = None         # default: the module's SLACK, read at construction
    instance: dict = field(default_factory=dict)
    covered: np.ndarray | None = None   # per iterate: the claim's constants hold there
    #: per rejected trial, an absolute rounding allowance of the acceptance inequality
    #: added to the relative slack (gnsverify.rounding; None: the relative slack alone)
    rejected_allowance: np.ndarray | None = None

    def __post_init__(self):
        from theory.symbols import STEPS
        if self.slack is None:
            self.slack = SLACK
        if self.step not in STEPS:
            raise ValueError(f"step must be one of {STEPS}, got {self.step!r}.")


@dataclass
class Evaluation:
    """One inequality evaluated on one run."""

    claim: str
    run: str
    inequality: str
    kind: str
    needs: tuple
    tried: int
    bad: np.ndarray            # indices (into the evaluated rows) that violate
    rows: dict                 # the evaluated arrays
    iters: np.ndarray          # iteration index of each row
    x: np.ndarray | None = None
    bad_outside: np.ndarray | None = None   # violations where the claim's region does not reach
    #: rows not counted because they are within rounding of equality (borderline)
    excused: int = 0


def _first_trials(trace, K):
    first = np.full(K, np.nan)
    seen = set()
    for it, g in zip(trace.trial_iter, trace.trial_gamma):
        it = int(it)
        if it < K and it not in seen:
            first[it] = g
            seen.add(it)
    return first


def step_rows(trace, ctx: RunContext) -> tuple[dict, np.ndarray]:
    """Trace quantities per accepted step (plus a failed theory trial, if any)."""
    K = trace.n_steps
    f, gn = np.asarray(trace.f, float), np.asarray(trace.gnorm, float)
    rows = dict(f_k=f[:K], f_next=f[1:K + 1], g_k=gn[:K], g_next=gn[1:K + 1],
                gamma_k=np.asarray(trace.gamma, float), lam_k=np.asarray(trace.lam, float),
                step_k=np.asarray(trace.step, float), trial_first=_first_trials(trace, K))
    iters = np.arange(K)
    if ctx.step != "adaptive":
        tail = np.flatnonzero(np.asarray(trace.trial_iter) == K)
        if tail.size and gn.shape[0] == K + 1:
            t = int(tail[-1])
            g, gam = gn[K], float(trace.trial_gamma[t])
            extra = dict(f_k=f[K], f_next=trace.trial_f[t], g_k=g, g_next=trace.trial_gnorm[t],
                         gamma_k=gam, lam_k=g / gam if gam > 0 else np.nan,
                         step_k=trace.trial_step[t], trial_first=gam)
            rows = {k: np.append(v, extra[k]) for k, v in rows.items()}
            iters = np.append(iters, K)
    rows["pi_k"] = np.asarray(ctx.pi(rows["g_k"]), float)
    with np.errstate(all="ignore"):
        rows["pi_next"] = np.asarray(ctx.pi(np.where(np.isfinite(rows["g_next"]), rows["g_next"], 1.0)), float)
    rows["pi_next"] = np.where(np.isfinite(rows["g_next"]), rows["pi_next"], np.nan)
    n = iters.shape[0]
    rows["D"] = np.full(n, np.nan if ctx.D is None else float(ctx.D))
    rows["f_0"] = np.full(n, f[0])
    rows["f_star"] = np.full(n, np.nan if ctx.f_star is None else float(ctx.f_star))
    return rows, iters


def rejected_rows(trace, ctx: RunContext) -> tuple[dict, np.ndarray]:
    """Trace quantities per rejected step-size trial (adaptive search)."""
    rej = ~np.asarray(trace.trial_accepted, bool)
    it = np.asarray(trace.trial_iter, np.int64)[rej]
    gn = np.asarray(trace.gnorm, float)[it]
    gam = np.asarray(trace.trial_gamma, float)[rej]
    with np.errstate(all="ignore"):
        rows = dict(trial_gamma=gam, gamma_k=gam, g_k=gn, pi_k=np.asarray(ctx.pi(gn), float),
                    f_k=np.asarray(trace.f, float)[it], f_next=np.asarray(trace.trial_f, float)[rej],
                    g_next=np.asarray(trace.trial_gnorm, float)[rej], lam_k=gn / gam,
                    step_k=np.asarray(trace.trial_step, float)[rej])
    return rows, it


def _needs(ineq, kind) -> tuple:
    syms = set(ineq.needs)
    out = []
    if kind == "claimed" and ineq.name != "gap_by_gradient":
        out.append("constants")
    if "D" in syms:
        out.append("D")
    if "f_star" in syms:
        out.append("f_star")
    return tuple(out)


def _applies(ineq, step, ctx) -> bool:
    if step in ineq.guaranteed_for:          # enforced by the algorithm, whatever H is
        return step in ineq.steps and (ctx.convex or "convex" not in ineq.requires)
    if not ineq.applies_to(step, ctx.psd, ctx.convex):
        return False
    if step == "ideal":
        # the ideal step uses an *upper* estimate of gamma(x_k): only guaranteed
        # facts and the steps known to lie within the claim are implied
        from theory.inequalities import WITHIN_CLAIM
        return ineq.kind_for(step) == "guaranteed" or ineq.when == WITHIN_CLAIM \
            or ineq.name == "gap_by_gradient"
    return True


def evaluate_run(result, ctx: RunContext, run: str | None = None, claims=None) -> list[Evaluation]:
    """Evaluate every applicable inequality on one run (of the given ``claims``, default
    all); see the module docstring."""
    from theory import inequalities as TI
    tr = result.trace
    run = run or ctx.step
    srows, siters = step_rows(tr, ctx)
    rrows, riters = rejected_rows(tr, ctx)
    X = None if tr.x is None else np.asarray(tr.x)
    checks = []
    for ineq in TI.INEQUALITIES.values():
        claim = CLAIM_OF.get(ineq.name)
        if claim is None or ineq.scope not in ("step", "rejected_trial"):
            continue
        if claims is not None and claim not in claims:
            continue
        if not _applies(ineq, ctx.step, ctx):
            continue
        kind = ineq.kind_for(ctx.step)
        needs = _needs(ineq, kind)
        if ineq.scope == "step":
            rows, iters = srows, siters
            # the theory step has gamma_k = pi_k by construction (checked by
            # gamma_is_pi): Lemma 1 applies to every step, whatever the last ulp says
            respect = not (ctx.step == "theory" and ineq.when == TI.WITHIN_CLAIM)
            if "D" in ineq.needs and ctx.D is None or "f_star" in ineq.needs and ctx.f_star is None:
                continue
            holds, lhs, rhs = TI.evaluate(ineq, rows, slack=ctx.slack, respect_when=respect)
            mask = TI.applies_mask(ineq, rows) if respect else np.ones(holds.shape[0], bool)
            if "D" in ineq.needs:
                # D bounds ||x - x*|| on the initial sublevel set only: points a run
                # visits outside it (a non-monotone ideal step, say) are not covered
                inside = rows["f_k"] <= rows["f_0"]
                if "f_next" in ineq.needs:
                    inside &= rows["f_next"] <= rows["f_0"]
                holds = holds | ~inside
                mask = mask & inside
            bad = np.flatnonzero(~holds)
        else:
            rows, iters = rrows, riters
            holds, lhs, rhs = TI.evaluate(ineq, rows, slack=ctx.slack)
            # A rejection at gamma <= pi_k is a certificate either way: if the
            # acceptance inequality (re-evaluated on the trial's values) fails, the
            # claim is false at x_k; if it holds, the code's test is wrong. Only a
            # borderline trial, within rounding of equality, proves nothing.
            _, alhs, arhs = TI.evaluate(TI.get("acceptance"), rows, slack=0.0,
                                        respect_when=False)
            with np.errstate(all="ignore"):
                scale = np.abs(rows["f_k"]) + np.abs(rows["f_next"]) + np.abs(arhs)
                extra = 0.0
                if ctx.rejected_allowance is not None:
                    extra = np.nan_to_num(np.asarray(ctx.rejected_allowance, float), nan=0.0)
                borderline = np.abs(alhs - arhs) <= ctx.slack * scale + extra
            bad = np.flatnonzero(~holds & ~borderline)
            # a borderline row decides nothing either way: it is not counted as tried
            mask = ~(borderline & ~holds)
        bad_outside = None
        if ctx.covered is not None and kind == "claimed":
            # a claimed inequality rests on the class bound at x_k, proven only where
            # the case's region covers it: rows elsewhere decide nothing
            out = ~ctx.covered[np.minimum(iters, ctx.covered.shape[0] - 1)]
            bad_outside, bad = bad[out[bad]], bad[~out[bad]]
            mask = mask & ~out
        tried = int(np.count_nonzero(mask))
        rows_out = dict(rows)
        rows_out["_lhs"], rows_out["_rhs"] = lhs, rhs
        checks.append(Evaluation(claim=claim, run=run, inequality=ineq.name, kind=kind, needs=needs,
                                 tried=tried, bad=bad, rows=rows_out, iters=iters, x=X,
                                 bad_outside=bad_outside,
                                 excused=int(np.count_nonzero(~mask)) if ineq.scope == "rejected_trial" else 0))
    return checks


def _counterexample(ev: Evaluation, i: int, instance: dict) -> Counterexample:
    from theory import inequalities as TI
    ineq = TI.get(ev.inequality)
    k = int(ev.iters[i])
    return Counterexample(
        inequality=ev.inequality, statement=ineq.statement, lhs=float(ev.rows["_lhs"][i]),
        rhs=float(ev.rows["_rhs"][i]), instance=instance, run=ev.run, iteration=k,
        x=ev.x[k].tolist() if ev.x is not None and k < ev.x.shape[0] else None,
        extra={"values": {n: float(np.asarray(ev.rows[n])[i]) for n in ineq.needs if n in ev.rows}})


def verdicts(case_name: str, evaluations: list[Evaluation], undecided: dict | None = None,
             instance: dict | None = None, claims=CLAIMS) -> list[Verdict]:
    """One verdict per claim from the evaluations of all runs (:func:`decide`).

    A violated decidable inequality is a FAIL (counterexample: the earliest violation);
    a violated undecidable one (it rests on an estimated constant, ``D`` or ``f*``) is
    INCONCLUSIVE with its counterexample; so is a claim whose inequalities could not be
    decided; one whose evaluations all hold is PASS; one with no evaluation at all is
    INCONCLUSIVE (nothing was checked).
    """
    undecided = undecided or {}
    instance = instance or {}
    out = []
    for claim in claims:
        es = [e for e in evaluations if e.claim == claim]
        if not es:
            continue
        tried = sum(e.tried for e in es)
        fails, blocked, reasons = [], [], []
        for e in es:
            missing = [undecided[d] for d in e.needs if d in undecided]
            if e.bad.size:
                (blocked if missing else fails).append(e)
            reasons.extend(missing)
            if e.bad_outside is not None and e.bad_outside.size:
                reasons.append(OUTSIDE)
                if not e.bad.size:
                    blocked.append(dataclasses.replace(e, bad=e.bad_outside))
        names = ", ".join(sorted({e.inequality for e in es}))
        excused = sum(e.excused for e in es)
        what = f"{names} hold on {tried} evaluations" + (
            f" ({excused} rejected trial(s) below pi within rounding of acceptance not counted)"
            if excused else "")
        if fails:
            e = min(fails, key=lambda e: int(e.iters[e.bad[0]]))
            detail = (f"{e.inequality} violated on the {e.run} run at iteration "
                      f"{int(e.iters[e.bad[0]])} ({sum(x.bad.size for x in fails)} violation(s) among "
                      f"{tried} evaluations of {names})")
            out.append(decide(case_name, claim, tried=tried, what=what,
                              violation=_counterexample(e, int(e.bad[0]), instance),
                              violation_detail=detail))
        elif blocked:
            e = blocked[0]
            out.append(decide(case_name, claim, tried=tried, what=what,
                              violation=_counterexample(e, int(e.bad[0]), instance),
                              violation_detail=f"{e.inequality} violated on the {e.run} run",
                              undecided=sorted(set(reasons))))
        else:
            out.append(decide(case_name, claim, tried=tried, what=what,
                              undecided=sorted(set(reasons))))
    return out


def check_result(result, *, step: str, bound=None, pi=None, psd: bool = True,
                 convex: bool = False, D=None, f_star=None, case_name: str = "run",
                 undecided: dict | None = None) -> list[Verdict]:
    """Verdicts of the invariants on one run (convenience for scripts and tests).

    Give the claimed ``bound`` (an object with ``pi(t)``) or a ``pi`` function.
    """
    if pi is None:
        if bound is None:
            raise ValueError("bound or pi must be given to check the invariants.")
        pi = bound.pi
    ctx = RunContext(step=step, pi=pi, psd=psd, convex=convex, D=D, f_star=f_star)
    return verdicts(case_name, evaluate_run(result, ctx), undecided or {})
