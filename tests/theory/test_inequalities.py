"""The named per-step inequalities: metadata, evaluation, and truth on genuine steps."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from theory import inequalities as I
from theory.symbols import TRACE_NAMES


def test_every_inequality_is_named_and_uses_trace_names():
    for name, ineq in I.INEQUALITIES.items():
        assert ineq.name == name
        assert set(ineq.needs) <= set(TRACE_NAMES), name
        assert ineq.source and ineq.statement
        assert ineq.kind in ("guaranteed", "claimed", "math")


def test_required_names_exist():
    for name in ("acceptance", "lemma1_decrease", "step_bound", "grad_growth", "convex_gap",
                 "gap_by_gradient", "lambda_definition", "rejection_certificate", "gamma_is_pi",
                 "search_floor"):
        assert I.get(name).name == name


def test_applicability_and_kinds():
    acc = I.get("acceptance")
    assert acc.kind_for("adaptive") == "guaranteed"
    assert acc.kind_for("theory") == "claimed"
    assert not acc.applies_to("theory", psd=False, convex=False)    # Lemma 1 needs PSD H
    assert acc.applies_to("adaptive", psd=True, convex=False)
    assert acc.applies_to("adaptive", psd=False, convex=False)      # enforced by the search
    assert not I.get("step_bound").applies_to("adaptive", psd=False, convex=False)
    assert not I.get("gap_by_gradient").applies_to("adaptive", psd=True, convex=False)
    assert not I.get("gamma_is_pi").applies_to("adaptive", psd=True, convex=True)
    names = {i.name for i in I.applicable("adaptive", psd=True, convex=True, scope="rejected_trial")}
    assert names == {"rejection_certificate"}


def test_acceptance_by_hand():
    # f_k - f_next = 0.5 vs g_next^2/(8 lam) = 1/8: holds; 0.01 < 1/8: violated.
    v = dict(f_k=np.array([1.0, 1.0]), f_next=np.array([0.5, 0.99]),
             g_next=np.array([1.0, 1.0]), lam_k=np.array([1.0, 1.0]))
    holds, lhs, rhs = I.evaluate(I.get("acceptance"), v)
    assert holds.tolist() == [True, False]
    np.testing.assert_allclose(lhs, [0.5, 0.01])
    np.testing.assert_allclose(rhs, [0.125, 0.125])


def test_slack_is_explicit_and_relative():
    ineq = I.get("descent")                       # f_next <= f_k
    f = 1e6
    for rel, slack, expected in ((0.0, 0.0, True), (1e-14, 0.0, False),
                                 (1e-14, 1e-12, True), (1e-9, 1e-12, False)):
        holds, _, _ = I.evaluate(ineq, dict(f_k=np.array([f]), f_next=np.array([f * (1 + rel)])),
                                 slack=slack)
        assert holds[0] == expected, (rel, slack)


def test_when_condition_and_nan():
    gg = I.get("grad_growth")                     # claimed only where gamma_k <= pi_k
    v = dict(g_k=np.array([1.0, 1.0, 1.0]), g_next=np.array([3.0, 3.0, np.nan]),
             gamma_k=np.array([2.0, 0.5, 0.5]), pi_k=np.array([1.0, 1.0, 1.0]))
    holds, _, _ = I.evaluate(gg, v)
    assert holds.tolist() == [True, False, False]
    assert I.applies_mask(gg, v).tolist() == [False, True, True]
    holds_all, _, _ = I.evaluate(gg, v, respect_when=False)
    assert holds_all.tolist() == [False, False, False]
    # theory step: gamma_k = pi_k by definition, so Lemma 1 applies on every step
    # even if gamma_k exceeds pi_k in the last bit
    holds, _, _ = I.evaluate(gg, v, step="theory")
    assert holds.tolist() == [False, False, False]
    with pytest.raises(ValueError, match="step"):
        I.applies_mask(gg, v, step="newton")


def test_rejection_certificate_and_search_floor():
    rc = I.get("rejection_certificate")
    holds, _, _ = I.evaluate(rc, dict(trial_gamma=np.array([1.0, 2.0, 5.0]),
                                      pi_k=np.array([2.0, 1.0, np.inf])))
    assert holds.tolist() == [False, True, False]     # pi = inf: every rejection refutes
    sf = I.get("search_floor")
    holds, _, _ = I.evaluate(sf, dict(gamma_k=np.array([1.0, 3.0, 5.0]),
                                      trial_first=np.array([1.0, 4.0, 100.0]),
                                      pi_k=np.array([10.0, 10.0, 10.0])))
    assert holds.tolist() == [True, False, True]


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        I.get("no_such_inequality")
    with pytest.raises(ValueError, match="values"):
        I.evaluate(I.get("acceptance"), dict(f_k=np.ones(2)))
    with pytest.raises(ValueError, match="slack"):
        I.evaluate(I.get("descent"), dict(f_k=np.ones(1), f_next=np.ones(1)), slack=-1.0)
    with pytest.raises(ValueError, match="step"):
        I.get("acceptance").kind_for("newton")
    with pytest.raises(ValueError, match="scope"):
        I.applicable("theory", True, True, scope="everything")


def test_log_ratio_bound_is_true():
    """log2 r <= r^2 for all r > 0: the maximum of log2 r - r^2 is negative."""
    r = sp.Symbol("r", positive=True)
    h = sp.log(r, 2) - r ** 2
    crit = sp.solve(sp.diff(h, r), r)
    assert len(crit) == 1 and sp.diff(h, r, 2).subs(r, crit[0]) < 0
    assert sp.N(h.subs(r, crit[0])) < 0
    grid = np.logspace(-8, 4, 2001)
    holds, _, _ = I.evaluate(I.get("log_ratio_bound"), dict(g_k=np.ones_like(grid), g_next=grid),
                             slack=0.0)
    assert holds.all()


# -------------------------------------------------------- genuine steps
def _quadratic_step(A, x, gamma):
    """One step of the method on f = x^T A x / 2 (exact H = A, B = I); f* = 0, x* = 0."""
    g = A @ x
    gk = np.linalg.norm(g)
    lam = gk / gamma
    h = -np.linalg.solve(A + lam * np.eye(len(x)), g)
    xn = x + h
    f = lambda z: 0.5 * z @ A @ z
    return dict(f_k=f(x), f_next=f(xn), g_k=gk, g_next=np.linalg.norm(A @ xn), gamma_k=gamma,
                lam_k=lam, step_k=np.linalg.norm(h), pi_k=np.inf, D=np.linalg.norm(x), f_star=0.0)


@given(st.integers(0, 10_000), st.floats(1e-3, 1e3), st.integers(1, 5))
def test_lemma1_inequalities_hold_on_quadratic_steps(seed, gamma, n):
    """For a quadratic with exact PSD Hessian gamma(x) = inf, so every claimed
    inequality of Lemma 1 and C3-C5 must hold, for any gamma."""
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal((n, n))
    A = Q @ Q.T + 1e-3 * np.eye(n)
    step = _quadratic_step(A, rng.standard_normal(n), gamma)
    values = {k: np.array([v], dtype=float) for k, v in step.items()}
    for name in ("acceptance", "descent", "lemma1_decrease", "next_gradient", "step_bound",
                 "grad_growth", "convex_gap", "gap_by_gradient", "lambda_definition"):
        holds, lhs, rhs = I.evaluate(I.get(name), values, slack=1e-10)
        assert holds.all(), (name, lhs, rhs)


def test_step_bound_fails_for_indefinite_hessian():
    """Why step_bound requires PSD H: in 1-d with H = -1 and lam = 1.001, the step
    h = -g/(H + lam) has |h| = 1000 |g| while gamma = |g|/lam."""
    g, H, lam = 0.3, -1.0, 1.001
    h = -g / (H + lam)
    holds, lhs, rhs = I.evaluate(I.get("step_bound"), dict(step_k=np.array([abs(h)]),
                                                          gamma_k=np.array([g / lam])))
    assert not holds[0] and lhs[0] > 100 * rhs[0]
