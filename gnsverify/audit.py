"""The trace audit: re-derive every decision a run recorded, from the recorded numbers
and from fresh oracle calls, independently of the solver's code (docs/theory.md
section 1, ``trace_audit``).

For a run of the GNS method (any step rule) the audit checks, with the tolerances of
:data:`TOLERANCES` (each derived from rounding, below):

* **oracles** (``audit_oracle``): at every recorded iterate ``x_k``, ``f_k`` and
  ``||g_k||_*`` equal the problem's oracles evaluated afresh;
* **steps** (``audit_step``): ``x_{k+1} = x_k - h`` with ``h = (H(x_k) + lam_k B)^-1 g_k``
  solved afresh (NumPy/LAPACK, not the solver's factorization), and the recorded
  ``||h_k||`` is ``||x_{k+1} - x_k||``;
* **trials** (``audit_trials``): the trial sequence of every iteration follows the rule
  (first trial ``gamma_0`` or ``max(2 gamma_{k-1}, gamma_min)``, halving; one trial per
  iteration for the theory and ideal steps); each trial's recorded decision is the
  acceptance inequality evaluated on its recorded numbers; the trial's value and
  gradient norm are those of the fresh trial point ``x_k - h(gamma)``; the accepted
  trial is the last of its iteration and its numbers are the next iterate's; no
  iteration advances without an accepted (theory, ideal: taken) trial;
* **status** (``audit_status``): the stopping status agrees with the trace and the
  run's options (a converged run meets its tolerance and no earlier iterate did; an
  exhausted search made ``max_trials`` rejected trials; a stall is justified by the
  stall rule; ``max_iter`` means ``max_iter`` steps).

**Tolerances** (relative to the magnitudes named; ``u = 2^-53``):

* two evaluations of the same oracle at the same point run the same compiled code and
  differ at most by the reduction order of a BLAS call: ``AUDIT_ORACLE = 2^-40``
  (4096 ulps) of ``max(|recorded|, |fresh|)`` for ``f`` and for ``||g||_*`` (whose two
  computations differ by ``(n + 2) u`` relatively);
* a linear solve of ``M h = g`` by two backward-stable methods differs by at most about
  ``n u cond(M) ||h||`` (``cond`` the Euclidean condition number, bounded by the one in
  the metric times ``cond(B)``); the audit allows ``AUDIT_SOLVE n u cond(M) ||h||`` with
  ``AUDIT_SOLVE = 64``, plus ``4 u (|x_k| + |x_{k+1}|)`` for the rounding of the update
  itself; a trial's value may then differ by ``||g(x_t)||_*`` times that distance, plus
  the oracle tolerance, plus (the two trial points being different points) twice the
  rounding noise of ``f`` there: where ``f`` is computed with cancellation (``log`` of a
  sum near 1, ``f`` near 0) that noise is ``u`` times the size of the terms, not of
  ``f``. It is *measured* only where the check would otherwise fail:
  ``AUDIT_NOISE = 4`` times the largest deviation of ``f(x_t +- s)`` from its linear
  model ``f(x_t) +- <g(x_t), s>`` over ``s = 4^i`` ulps of ``x_t`` per coordinate,
  ``i = 0..6`` (the second-order term is far below rounding at those distances).

A finding is a :class:`gnsverify.verdict.Counterexample`: the quantity, the iteration,
the recorded and the recomputed number and the tolerance. The baselines record no
iterates; their audit (:func:`audit_baseline`) checks the trial/iterate consistency
and the status their traces allow.
"""
from __future__ import annotations

import math

import numpy as np

from gnsverify.verdict import Counterexample

U = 2.0 ** -53
AUDIT_ORACLE = 2.0 ** -40
AUDIT_SOLVE = 64.0
AUDIT_NOISE = 4.0
TOLERANCES = {"oracle": AUDIT_ORACLE, "solve": AUDIT_SOLVE}
#: the named parts of the audit (docs/theory.md)
PARTS = ("audit_oracle", "audit_step", "audit_trials", "audit_status")


class _Findings:
    def __init__(self, run: str, instance: dict):
        self.run, self.instance, self.items, self.tried = run, instance, [], 0

    def check(self, ok: bool, part: str, what: str, k, recorded, recomputed, tol=0.0):
        self.tried += 1
        if not ok:
            self.items.append(Counterexample(
                inequality=part, statement=what, lhs=_f(recorded), rhs=_f(recomputed),
                instance=self.instance, run=self.run, iteration=None if k is None else int(k),
                extra={"tolerance": _f(tol)}))


def _f(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return v
    return v if math.isfinite(v) else str(v)


def _close(a, b, rtol) -> bool:
    if not (np.isfinite(a) and np.isfinite(b)):
        return (np.isnan(a) and np.isnan(b)) or a == b
    return abs(a - b) <= rtol * max(abs(a), abs(b))


class Metric:
    """The norms of the metric ``B`` (``None``: identity) as the audit recomputes them:
    its Cholesky factor ``L``, ``dual(s) = ||L^-1 s||``, ``primal(h)``, ``matrix()`` and
    the Euclidean ``cond`` of ``B`` (also used by :mod:`gnsverify.rounding`)."""

    def __init__(self, B, n):
        self.B = None if B is None else np.asarray(B, dtype=float)
        self.L = None if B is None else np.linalg.cholesky(self.B)
        self.n = n
        # cond_2(M) <= cond_B(M) cond_2(B) for M = H + lam B: the solve's forward error in
        # Euclidean coordinates needs the Euclidean condition number
        ev = None if B is None else np.linalg.eigvalsh(self.B)
        self.cond = 1.0 if ev is None else float(ev[-1] / ev[0])

    def dual(self, s):
        if self.B is None:
            return float(np.linalg.norm(s))
        from scipy.linalg import solve_triangular
        return float(np.linalg.norm(solve_triangular(self.L, s, lower=True)))

    def primal(self, h):
        if self.B is None:
            return float(np.linalg.norm(h))
        return float(np.sqrt(max(h @ (self.B @ h), 0.0)))

    def matrix(self):
        return np.eye(self.n) if self.B is None else self.B


def _spectrum(H, metric):
    """Eigenvalues of ``H`` in the metric (``B^-1/2 H B^-1/2``), once per iterate."""
    Hs = 0.5 * (H + H.T)
    if metric.B is None:
        return np.linalg.eigvalsh(Hs)
    from scipy.linalg import solve_triangular
    Li = solve_triangular(metric.L, np.eye(metric.n), lower=True)
    return np.linalg.eigvalsh(Li @ Hs @ Li.T)


def _solve(H, ev, lam, metric):
    """``(factor, cond)`` of ``H + lam B`` (``cond`` an upper bound on its Euclidean condition
    number: the ``B``-relative one from the spectrum ``ev`` of ``H`` in the metric, times
    ``cond(B)``), or ``None`` where it is not positive definite (the solver's factorization
    fails there)."""
    M = H + lam * metric.matrix()
    if not np.all(np.isfinite(M)):
        return None
    try:
        from scipy.linalg import cho_factor
        c = cho_factor(M, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    lo, hi = ev[0] + lam, ev[-1] + lam
    return c, (float(hi / lo) * metric.cond if lo > 0 else math.inf)


def _pi(t, bound):
    alphas, Ms = bound["alphas"], bound["Ms"]
    inv = sum(M * t ** (-a) for a, M in zip(alphas, Ms) if M != 0.0)
    return math.inf if inv == 0.0 else 1.0 / inv


def audit_gns(problem, hessian_rule, B, result, *, run: str, instance: dict | None = None):
    """Findings and the number of audited quantities of one GNS run (module docstring)."""
    from numeric._record import STALL_RESOLUTION
    from scipy.linalg import cho_solve
    F = _Findings(run, instance or {})
    tr, opts = result.trace, result.options
    step = opts["step"]
    K = tr.n_steps
    X = None if tr.x is None else np.asarray(tr.x, float)
    if X is None:
        F.check(False, "audit_oracle", "the run recorded its iterates", None, 0, 1)
        return F.items, F.tried
    n = problem.n
    metric = Metric(B, n)
    f, gn = np.asarray(tr.f, float), np.asarray(tr.gnorm, float)
    F.check(X.shape == (K + 1, n) and f.shape == gn.shape == (K + 1,), "audit_trials",
            "one recorded iterate, f and ||g|| per step plus the start", None, X.shape[0], K + 1)
    kern = problem.type.kernels
    fresh_g = []
    # -- oracles at every iterate
    for k in range(min(K + 1, X.shape[0])):
        fk, gk = kern["value_grad"](problem.data, X[k])
        fresh_g.append(gk)
        F.check(_close(f[k], fk, AUDIT_ORACLE), "audit_oracle", "f_k = f(x_k)", k, f[k], fk,
                AUDIT_ORACLE)
        gd = metric.dual(gk)
        F.check(_close(gn[k], gd, AUDIT_ORACLE), "audit_oracle", "||g_k||_* = ||grad f(x_k)||_*", k,
                gn[k], gd, AUDIT_ORACLE)
    # -- trials and steps
    it = np.asarray(tr.trial_iter, np.int64)
    tg = np.asarray(tr.trial_gamma, float)
    acc = np.asarray(tr.trial_accepted, bool)
    t_f, t_gn, t_step = (np.asarray(a, float) for a in (tr.trial_f, tr.trial_gnorm, tr.trial_step))
    F.check(bool(np.all(np.diff(it) >= 0)), "audit_trials", "trials are grouped by iteration", None,
            0, 0)
    last_k = int(it[-1]) if it.size else -1
    F.check(last_k in (K - 1, K), "audit_trials", "trials end at the last iterate or the step before it",
            None, last_k, K)
    gamma_prev = math.nan
    for k in range(min(last_k, K) + 1):
        idx = np.flatnonzero(it == k)
        F.check(idx.size >= 1, "audit_trials", "every iteration has a trial", k, idx.size, 1)
        if not idx.size:
            continue
        x, g = X[k], fresh_g[k]
        H = _hess(problem, x, g, hessian_rule, metric)
        ev = _spectrum(H, metric)
        # the rule's trial sequence
        if step == "adaptive":
            first = opts["gamma0"] if k == 0 else max(2.0 * gamma_prev, opts["gamma_min"])
            F.check(tg[idx[0]] == first, "audit_trials", "first trial gamma_0 or max(2 gamma_{k-1}, gamma_min)",
                    k, tg[idx[0]], first)
            F.check(bool(np.all(tg[idx[1:]] == 0.5 * tg[idx[:-1]])), "audit_trials",
                    "every further trial halves gamma", k, 0, 0)
            F.check(idx.size <= opts["max_trials"], "audit_trials", "at most max_trials trials", k,
                    idx.size, opts["max_trials"])
        else:
            F.check(idx.size == 1, "audit_trials", "one trial per iteration (theory, ideal)", k, idx.size, 1)
            if step == "theory":
                want = _pi(gn[k], opts["bound"])
                F.check(_close(tg[idx[0]], want, 4 * U), "audit_trials", "gamma_k = pi(||g_k||_*)", k,
                        tg[idx[0]], want, 4 * U)
        for pos, j in enumerate(idx):
            last = pos == idx.size - 1
            lam = gn[k] / tg[j] if tg[j] > 0 else math.nan
            if np.isfinite(t_f[j]):
                with np.errstate(all="ignore"):
                    holds = bool(f[k] - t_f[j] >= t_gn[j] * t_gn[j] / (8.0 * lam))
                F.check(holds == bool(acc[j]), "audit_trials",
                        "the recorded decision is the acceptance test on the recorded numbers",
                        k, float(acc[j]), float(holds))
            else:
                F.check(not acc[j], "audit_trials", "a trial without a finite value is not accepted",
                        k, float(acc[j]), 0.0)
            taken = k < K and last
            if step == "adaptive":
                F.check(bool(acc[j]) == taken, "audit_trials",
                        "the accepted trial is the last of its iteration, and only it", k,
                        float(acc[j]), float(taken))
            if not (np.isfinite(lam) or tg[j] == math.inf):
                continue
            solved = _solve(H, ev, 0.0 if tg[j] == math.inf else lam, metric)
            if solved is None:
                F.check(not np.isfinite(t_step[j]), "audit_trials",
                        "H + lambda B is not positive definite: the trial failed", k, t_step[j], math.nan)
                continue
            c, cond = solved
            h = cho_solve(c, g, check_finite=False)
            xt = x - h
            tol_x = (AUDIT_SOLVE * n * U * cond + 4 * U) * float(np.linalg.norm(h)) \
                + 4 * U * float(np.abs(x).max(initial=0.0) + np.abs(xt).max(initial=0.0))
            if not np.isfinite(t_step[j]):
                F.check(cond > 1.0 / (AUDIT_SOLVE * n * U), "audit_trials",
                        "a failed factorization only where H + lambda B is singular to working precision",
                        k, t_step[j], cond)
                continue
            hn = metric.primal(h)
            F.check(abs(t_step[j] - hn) <= metric_scale(metric) * tol_x + AUDIT_ORACLE * hn, "audit_step",
                    "the trial's ||h|| is that of (H + lambda B)^-1 g", k, t_step[j], hn, tol_x)
            if np.isfinite(t_f[j]):
                ft, gt = kern["value_grad"](problem.data, xt)
                gtd = metric.dual(gt)
                # first order in the distance of the two trial points (a factor 2 for the
                # second-order term at these distances), plus the oracle tolerance
                tol_f = 2 * gtd * metric_scale(metric) * tol_x + AUDIT_ORACLE * max(abs(ft), abs(t_f[j]))
                if abs(t_f[j] - ft) > tol_f:
                    tol_f += AUDIT_NOISE * value_noise(kern["value_grad"], problem.data, xt, ft, gt)
                F.check(abs(t_f[j] - ft) <= tol_f, "audit_trials",
                        "the trial's f is f(x_k - h) evaluated afresh", k, t_f[j], ft, tol_f)
            if taken:
                F.check(t_f[j] == f[k + 1] and t_gn[j] == gn[k + 1], "audit_trials",
                        "the taken trial's f and ||g|| are the next iterate's", k, t_f[j], f[k + 1])
                d = float(np.linalg.norm(X[k + 1] - xt))
                F.check(d <= tol_x, "audit_step", "x_{k+1} = x_k - (H + lambda_k B)^-1 g_k", k,
                        d, 0.0, tol_x)
                sk = float(tr.step[k])
                F.check(abs(sk - t_step[j]) <= AUDIT_ORACLE * max(sk, t_step[j]) + 1e-300,
                        "audit_step", "step_k is the taken trial's ||h||", k, sk, t_step[j])
                gamma_prev = tg[j]
        if k < K and step == "adaptive":
            F.check(bool(acc[idx].any()), "audit_trials", "no iteration advances without an accepted trial",
                    k, 0.0, 1.0)
    _audit_status(F, result, f, gn, it, acc, tg, t_step, K, STALL_RESOLUTION)
    return F.items, F.tried


def value_noise(value_grad, data, x, fx, gx) -> float:
    """The rounding noise of ``f`` at ``x``: the largest deviation of ``f(x +- s)`` from
    ``f(x) +- <g(x), s>`` over ``s = 4^i`` ulps of ``x`` per coordinate, ``i = 0..6``
    (at most ``4096`` ulps away, where the second-order term is far below rounding)."""
    ulp = np.spacing(np.maximum(np.abs(x), np.finfo(float).tiny))
    dev = 0.0
    for i in range(7):
        s = ulp * 4.0 ** i
        lin = float(gx @ s)
        for sign in (-1.0, 1.0):
            fj, _ = value_grad(data, x + sign * s)
            dev = max(dev, abs(float(fj) - fx - sign * lin))
    return dev


def metric_scale(metric) -> float:
    """``||h||_B <= sqrt(lambda_max(B)) ||h||_2``."""
    if metric.B is None:
        return 1.0
    return float(np.sqrt(np.linalg.eigvalsh(metric.B)[-1]))


def _hess(problem, x, g, hessian_rule, metric):
    """Dense ``H(x)`` of the rule (the perturbation scaled by ``||g||_*`` in the metric)."""
    return problem.type.kernels["hess"](problem.data, hessian_rule.code, hessian_rule.data, x, g,
                                        metric.dual(g))


def _audit_status(F, result, f, gn, it, acc, tg, t_step, K, stall_resolution):
    opts, status = result.options, result.status
    gtol, ftol = opts["gtol"], opts["ftol"]
    f_star = opts.get("f_star")
    for k in range(K):        # no earlier iterate met a stopping test
        F.check(not gn[k] <= gtol, "audit_status", "no step after ||g_k||_* <= gtol", k, gn[k], gtol)
        if f_star is not None:
            F.check(not f[k] - f_star <= ftol, "audit_status", "no step after f_k - f* <= ftol", k,
                    f[k] - f_star, ftol)
    last = np.flatnonzero(it == K)
    if status == "converged_gnorm":
        F.check(gn[K] <= gtol, "audit_status", "converged_gnorm: ||g_K||_* <= gtol", K, gn[K], gtol)
    elif status == "converged_fgap":
        F.check(f_star is not None and f[K] - f_star <= ftol, "audit_status",
                "converged_fgap: f_K - f* <= ftol", K, f[K] - (f_star or 0.0), ftol)
    elif status == "max_iter":
        F.check(K == opts["max_iter"] or "callback" in result.message, "audit_status",
                "max_iter: max_iter steps", K, K, opts["max_iter"])
    elif status == "search_exhausted":
        F.check(last.size == opts["max_trials"] and not acc[last].any(), "audit_status",
                "search_exhausted: max_trials rejected trials at the last iterate", K, last.size,
                opts["max_trials"])
    elif status == "stalled":
        if opts["step"] == "adaptive" and last.size:
            j = int(last[-1])
            F.check(not acc[j] and gn[K] * t_step[j] <= stall_resolution * abs(f[K]), "audit_status",
                    "stalled: a rejected trial below the resolution of f", K, gn[K] * t_step[j],
                    stall_resolution * abs(f[K]))
    elif status in ("non_finite", "step_failed"):
        F.check(last.size >= 1 or not np.isfinite(f[K]), "audit_status",
                f"{status}: the failing trial is recorded", K, last.size, 1)
    if status not in ("search_exhausted", "stalled", "non_finite", "step_failed"):
        F.check(last.size == 0, "audit_status", "no trial after the final iterate of a finished run", K,
                last.size, 0)


def audit_baseline(result, *, run: str, instance: dict | None = None):
    """Findings of a baseline run: trials grouped by iteration, the accepted trial last
    and its numbers the next iterate's, no step after a stopping test, and the status."""
    F = _Findings(run, instance or {})
    tr, opts = result.trace, result.options
    K = tr.n_steps
    f, gn = np.asarray(tr.f, float), np.asarray(tr.gnorm, float)
    it = np.asarray(tr.trial_iter, np.int64)
    acc = np.asarray(tr.trial_accepted, bool)
    t_f, t_gn = np.asarray(tr.trial_f, float), np.asarray(tr.trial_gnorm, float)
    F.check(bool(np.all(np.diff(it) >= 0)), "audit_trials", "trials are grouped by iteration", None, 0, 0)
    F.check(int(acc.sum()) == K, "audit_trials", "one accepted trial per step", None, int(acc.sum()), K)
    for k in range(K):
        idx = np.flatnonzero(it == k)
        ok = idx.size >= 1 and acc[idx[-1]] and not acc[idx[:-1]].any()
        F.check(bool(ok), "audit_trials", "the accepted trial is the last of its iteration", k, 0, 0)
        if ok:
            j = idx[-1]
            F.check(t_f[j] == f[k + 1] and t_gn[j] == gn[k + 1], "audit_trials",
                    "the accepted trial's f and ||g|| are the next iterate's", k, t_f[j], f[k + 1])
    gtol = opts["gtol"]
    for k in range(K):
        F.check(not gn[k] <= gtol, "audit_status", "no step after ||g_k|| <= gtol", k, gn[k], gtol)
    if result.status == "converged_gnorm":
        F.check(gn[K] <= gtol, "audit_status", "converged_gnorm: ||g_K|| <= gtol", K, gn[K], gtol)
    if result.status == "max_iter":
        F.check(K == opts["max_iter"], "audit_status", "max_iter: max_iter steps", K, K, opts["max_iter"])
    return F.items, F.tried
