"""Per-step invariants on hand-made traces: the checker decides from the trace alone."""
import numpy as np
import pytest

from gnsverify.invariants import SLACK, RunContext, check_result, evaluate_run, verdicts
from gnsverify.verdict import FAIL, INCONCLUSIVE, PASS
from numeric.trace import Result, Trace


def _quadratic_gd_trace(K=6, L=2.0, x0=1.0, tweak=None):
    """Exact trace of the gradient method on ``f = L x^2 / 2`` with ``gamma_k = g_k / L``
    (``lambda = L``, ``h = -g/L``): one step to the minimizer, then stalls at 0. We use
    a damped step ``gamma_k = g_k/(2L)`` so the sequence is geometric: ``x_{k+1} = x_k/2``."""
    x = x0 * 0.5 ** np.arange(K + 1)
    f = 0.5 * L * x**2
    g = L * np.abs(x)
    gamma = g[:K] / (2 * L)
    lam = g[:K] / gamma
    step = np.abs(x[1:] - x[:K])
    tr = dict(f=f, gnorm=g, gamma=gamma, lam=lam, step=step)
    if tweak:
        tweak(tr)
    n = K + 1
    trace = Trace(f=tr["f"], gnorm=tr["gnorm"], gamma=tr["gamma"], lam=tr["lam"], step=tr["step"],
                  n_value=np.arange(n), n_grad=np.arange(n), n_hess=np.arange(n), time=np.zeros(n),
                  trial_iter=np.arange(K), trial_gamma=tr["gamma"].copy(),
                  trial_accepted=np.ones(K, bool), trial_f=tr["f"][1:].copy(),
                  trial_gnorm=tr["gnorm"][1:].copy(), trial_step=tr["step"].copy(),
                  x=x[:, None])
    return Result(x=x[-1:], fun=f[-1], gnorm=g[-1], nit=K, status="max_iter", message="",
                  trace=trace, method="hand", hessian="zero")


def _pi_first_order(L):
    return lambda t: np.asarray(t, float) / L


def _claims(vs):
    return {v.claim: v for v in vs}


def test_exact_gradient_trace_passes_every_invariant():
    r = _quadratic_gd_trace()
    vs = check_result(r, step="adaptive", pi=_pi_first_order(2.0), psd=True, convex=True,
                      D=1.0, f_star=0.0)
    assert vs and all(v.verdict == PASS for v in vs), [(v.claim, v.detail) for v in vs]
    assert all(v.tried > 0 for v in vs)


def test_rounding_sized_perturbation_is_tolerated_but_a_real_one_is_not():
    def nudge(rel):
        def t(tr):
            tr["step"] = tr["step"].copy()
            tr["step"][2] = tr["gamma"][2] * (1 + rel)     # ||h|| just above gamma
        return t
    ok = check_result(_quadratic_gd_trace(tweak=nudge(SLACK / 10)), step="adaptive",
                      pi=_pi_first_order(2.0), psd=True)
    bad = check_result(_quadratic_gd_trace(tweak=nudge(1e-6)), step="adaptive",
                       pi=_pi_first_order(2.0), psd=True)
    assert _claims(ok)["invariant:step_bound"].verdict == PASS
    v = _claims(bad)["invariant:step_bound"]
    assert v.verdict == FAIL
    assert v.counterexample["iteration"] == 2 and v.counterexample["inequality"] == "step_bound"
    assert v.counterexample["lhs"] > v.counterexample["rhs"]


def test_accepted_step_violating_the_acceptance_test_fails_with_first_iteration():
    def worse(tr):
        tr["f"] = tr["f"].copy()
        tr["f"][3:] = tr["f"][2]            # no decrease from step 2 on
    vs = _claims(check_result(_quadratic_gd_trace(tweak=worse), step="adaptive",
                              pi=_pi_first_order(2.0), psd=True))
    v = vs["invariant:acceptance"]
    assert v.verdict == FAIL and v.counterexample["iteration"] == 2


def test_claimed_inequality_with_estimated_constant_is_inconclusive_not_fail():
    # pi far too optimistic (L/100): the theory-step Lemma 1 checks fail, but the
    # constant is declared estimated
    r = _quadratic_gd_trace()
    ctx = RunContext(step="theory", pi=lambda t: np.asarray(t, float) / (2 * 2.0), psd=True,
                     convex=False)
    def grow(tr):
        tr["gnorm"] = tr["gnorm"].copy()
        tr["gnorm"][1:] *= 50.0              # gradient jumps: next_gradient must fail
    r = _quadratic_gd_trace(tweak=grow)
    checks = evaluate_run(r, ctx)
    decided = _claims(verdicts("c", checks, {}))
    undecided = _claims(verdicts("c", checks, {"constants": "constant M only estimated"}))
    assert decided["invariant:lemma1_decrease"].verdict == FAIL
    u = undecided["invariant:lemma1_decrease"]
    assert u.verdict == INCONCLUSIVE and "estimated" in u.detail and u.counterexample
    # guaranteed facts do not depend on the constant
    assert undecided["invariant:step_bound"].verdict == decided["invariant:step_bound"].verdict


def test_rejected_trial_below_pi_is_a_certificate():
    r = _quadratic_gd_trace()
    tr = r.trace
    # insert a rejected trial at iteration 1 with gamma = pi/2 whose trial point
    # does not decrease f at all
    tr.trial_iter = np.insert(tr.trial_iter, 1, 1)
    tr.trial_gamma = np.insert(tr.trial_gamma, 1, tr.gnorm[1] / 2.0 / 2)
    tr.trial_accepted = np.insert(tr.trial_accepted, 1, False)
    tr.trial_f = np.insert(tr.trial_f, 1, tr.f[1] + 1.0)
    tr.trial_gnorm = np.insert(tr.trial_gnorm, 1, tr.gnorm[1])
    tr.trial_step = np.insert(tr.trial_step, 1, 0.1)
    v = _claims(check_result(r, step="adaptive", pi=_pi_first_order(2.0), psd=True))
    c1 = v["invariant:no_rejection_below_pi"]
    assert c1.verdict == FAIL and c1.counterexample["iteration"] == 1
    assert c1.counterexample["inequality"] == "rejection_certificate"


def test_non_psd_runs_claim_only_guaranteed_facts():
    vs = _claims(check_result(_quadratic_gd_trace(), step="adaptive", pi=_pi_first_order(2.0),
                              psd=False))
    assert "invariant:acceptance" in vs and "invariant:no_rejection_below_pi" not in vs
    # only the algebraic consequence of the acceptance test is kept in the Lemma 1 group
    assert vs["invariant:lemma1_decrease"].detail.startswith("good_step_decrease hold")


def test_bad_inputs_raise_one_clear_sentence():
    with pytest.raises(ValueError, match="step must be one of"):
        RunContext(step="newton", pi=abs, psd=True, convex=False)
    with pytest.raises(ValueError, match="bound or pi"):
        check_result(_quadratic_gd_trace(), step="adaptive")
