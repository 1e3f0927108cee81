"""The rate theorems tested as proofs: adversarial sequences that satisfy exactly the
per-step inequalities a proof uses must satisfy the theorem's conclusion.

Sequences are built step by step: a control chooses the gradient ratio
``r = g_{k+1}/g_k`` (sharp, mild, up, or "hug": keep ``g`` just above ``eps``; for
the adaptive search also lag iterations, ``gamma_k < pi_k/2`` with ``r <= 2``), and
the function decrease is the *smallest* the inequality allows (often with equality),
so the budget ``F0`` lasts as long as possible. Every generated sequence is first
checked against the named inequalities with :func:`theory.inequalities.evaluate`, so
the generator and the proof talk about the same relations. Finally, a theorem with a
broken constant must be refuted by the same generators.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import Phase, find, given, settings, strategies as st
from hypothesis.errors import NoSuchExample

import sympy as sp
from theory import inequalities as I
from theory.monomials import ClassBound, Monomial
from theory.rates import RateTheorem, check_conclusion, cumulative_lag, theorem

MAX_STEPS = 1500
SLACK = 1e-9   # rounding of the generator's own arithmetic (f_next = f_k - d)

alphas = st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 1.0]) | st.floats(0.0, 1.0)
monomials = st.lists(st.tuples(alphas, st.floats(0.05, 20.0)), min_size=1, max_size=3)
# a control per step: (mode, ratio parameter, extra decrease factor)
modes = st.sampled_from(["hug", "hug", "up", "mild", "sharp", "one", "lag", "lag_hug"])
# special values: 0 and 1 are the ends of every mode's range; 1/2 makes a lag step keep g
ratio_params = st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0.0, 1.0)


def controls(max_size=12):
    """Per-step controls, cycled; short lists are periodic adversaries."""
    return st.lists(st.tuples(modes, ratio_params, st.sampled_from([0.0, 0.0, 1e-3, 0.5])),
                    min_size=1, max_size=max_size)


def _bound(mons):
    return ClassBound(tuple(Monomial(sp.Float(a), sp.Float(M)) for a, M in mons))


def _pi(mons):
    return lambda t: 1.0 / sum(M * t ** (-a) for a, M in mons) if t > 0 else 0.0


def _ratio(mode, u, g, eps_value, rmax=3.0):
    if mode == "hug":
        return max(eps_value * (1 + 1e-6) / g, 1e-3)
    if mode == "up":
        return 1.0 + u * (rmax - 1.0)
    if mode == "mild":
        return 0.5 + 0.5 * u
    if mode == "sharp":
        return 1e-3 + u * (0.5 - 1e-3)
    return 1.0


def _run(mons, F0, G0, eps_value, ctrl, N, rule="theory", D=None):
    """A sequence (f_k - f*, g_k, gamma_k, pi_k) built from the controls.

    Theory step: gamma = pi. Adaptive: good iterations gamma >= pi/2, lag iterations
    gamma < pi/2 with g growing by at most 2 (grad_growth). The decrease is the
    smallest the acceptance inequality allows (times 1 + w). Convex (``D`` given):
    also f_k - f* <= D g_k; when that binds, the step hugs it.
    """
    pi = _pi(mons)
    f, g = [F0], [G0]
    gam, pis = [], []
    level = eps_value if D is None else eps_value / D
    for k in range(N):
        mode, u, w = ctrl[k % len(ctrl)]
        gk, fk = g[-1], f[-1]
        p = pi(gk)
        if rule == "adaptive" and mode in ("lag", "lag_hug"):   # lag: gamma < pi/2,
            gamma = p * 2.0 ** (-1.001 - 10 * u)     # growth up to grad_growth's 2
            r = 2.0 ** (2 * u - 1) if mode == "lag" else max(level * (1 + 1e-6) / gk, 0.5)
        else:                                        # good iteration: gamma >= pi/2
            gamma = p if rule == "theory" else p * (0.5 + 4 * w)
            r = _ratio(mode, u, gk, level)
            if rule == "adaptive" and r > 2 and gamma <= p:
                gamma = 1.001 * p                    # grad_growth binds when gamma <= pi
        gn = r * gk
        fn = fk - gamma * gn * gn / (8 * gk) * (1 + w)
        c = 8 * gk / gamma
        if fn < 0:                                   # budget exhausted: largest g allowed
            fn, gn = 0.0, math.sqrt(c * fk)
        elif D is not None and fn > D * gn:          # gap_by_gradient binds: largest
            fn = 2 * D * D * c * fk / (D * D * c + math.sqrt(D ** 4 * c * c + 4 * D * D * c * fk))
            gn = fn / D                              # f_next with sqrt(c (f_k - f_next)) = f_next / D
        f.append(fn)
        g.append(gn)
        gam.append(gamma)
        pis.append(p)
        if (gn if D is None else fn) <= eps_value:   # conclusion decided: stop
            break
    return np.array(f), np.array(g), np.array(gam), np.array(pis)


def _trace_values(f, g, gam, pis, mons):
    pi = _pi(mons)
    return dict(f_k=f[:-1], f_next=f[1:], g_k=g[:-1], g_next=g[1:], gamma_k=gam,
                lam_k=g[:-1] / gam, pi_k=pis, pi_next=np.array([pi(x) for x in g[1:]]),
                f_star=np.zeros_like(gam))


def _assert_inequalities(thm, values):
    for ineq in thm.inequalities:
        if ineq.scope != "step" or not set(ineq.needs) <= set(values):
            continue
        if ineq.name == "gamma_is_pi" or ineq.relation.rel_op == "==":
            holds, _, _ = I.evaluate(ineq, values, slack=0.0)
        else:
            holds, _, _ = I.evaluate(ineq, values, slack=SLACK)
        assert holds.all(), (ineq.name, np.flatnonzero(~holds)[:5])


@st.composite
def nonconvex_cases(draw, max_controls=12):
    mons = draw(monomials)
    eps_value = draw(st.floats(1e-3, 1.0))
    G0 = eps_value * draw(st.floats(1.0 + 1e-6, 64.0))
    kappa = draw(st.floats(1.0, 400.0))
    phi_eps = 1.0 / sum(M * eps_value ** (-1 - a) for a, M in mons)
    F0 = kappa * phi_eps / 16.0          # so that 16 F0 / phi(eps) = kappa
    return mons, F0, G0, eps_value, draw(controls(max_controls))


def _run_and_check(case, rule, thm_edit=None):
    mons, F0, G0, eps_value, ctrl = case
    thm = theorem(_bound(mons), convex=False, step=rule)
    if thm_edit:
        thm = dataclasses.replace(thm, **thm_edit)
    K = float(thm.K_numeric(np.array([eps_value]), F0=F0, G0=G0, n_lag=0)[0])
    f, g, gam, pis = _run(mons, F0, G0, eps_value, ctrl, min(MAX_STEPS, 3 * int(8 * K) + 2), rule)
    return thm, (f, g, gam, pis), check_conclusion(
        thm, g, eps_value, F0=F0, G0=G0, n_lag_cum=cumulative_lag(gam, pis))


@given(nonconvex_cases())
def test_nonconvex_theory_step(case):
    thm, (f, g, gam, pis), (ok, K_last, bound) = _run_and_check(case, "theory")
    _assert_inequalities(thm, _trace_values(f, g, gam, pis, case[0]))
    assert ok, (K_last, bound)


@given(nonconvex_cases())
def test_nonconvex_adaptive(case):
    thm, (f, g, gam, pis), (ok, K_last, bound) = _run_and_check(case, "adaptive")
    values = _trace_values(f, g, gam, pis, case[0])
    _assert_inequalities(thm, values)
    assert ok, (K_last, bound)


def test_hugging_sequence_is_long():
    """Sanity of the adversary: keeping g just above eps uses the budget slowly, so
    the sequence runs for a constant fraction of K(eps) (the bound is not vacuous)."""
    eps_value, phi_eps = 0.01, 0.01 ** 1.5          # pi(t) = t^(1/2): phi(eps) = eps^(3/2)
    case = ([(0.5, 1.0)], 100 * phi_eps / 16.0, 1.00001 * eps_value, eps_value, [("hug", 0.0, 0.0)])
    thm, _, (ok, K_last, bound) = _run_and_check(case, "theory")
    assert ok and K_last >= 0.4 * bound


# refutation searches: derandomized, no shrinking (the first counterexample is proof enough)
_FIND = settings(max_examples=300, database=None, derandomize=True, phases=[Phase.generate])


def _refuted(rule, edit):
    try:
        find(nonconvex_cases(max_controls=2), lambda c: not _run_and_check(c, rule, edit)[2][0],
             settings=_FIND)
    except NoSuchExample:
        return False
    return True


def test_broken_constant_is_refuted():
    """With 16 replaced by 4 the generators find a sequence violating the conclusion
    (the hugging adversary reaches K = 8 F0/phi(eps), half of the true bound)."""
    assert _refuted("theory", {"constant": 4.0})


def test_broken_adaptive_constant_is_refuted():
    assert _refuted("adaptive", {"constant": 8.0})


def test_uncounted_lag_is_refuted():
    """Lag iterations must be counted: without the lag term the bound is refuted.
    (Whether the weight 2 is tight is not claimed: see docs/theory.md section 5.)"""
    assert _refuted("adaptive", {"lag_weight": 0.0})


# ------------------------------------------------------------------ convex
@st.composite
def convex_cases(draw, max_controls=12):
    mons = draw(monomials)
    eps_value = draw(st.floats(1e-3, 1.0))
    D = draw(st.floats(0.1, 10.0))
    F0 = eps_value * 2.0 ** draw(st.floats(0.1, 12.0))
    G0 = F0 / D * draw(st.floats(1.0, 8.0))
    thm = theorem(_bound(mons), convex=True)
    base = RateTheorem(ClassBound(()), setting="convex")
    phase = float(thm.K_numeric([eps_value], F0, G0, D)[0] - base.K_numeric([eps_value], F0, G0, D)[0])
    scale = draw(st.floats(1.0, 400.0)) / phase        # phase sum rescaled to kappa
    mons = [(a, M * scale) for a, M in mons]
    return mons, F0, G0, D, eps_value, draw(controls(max_controls))


def _convex_check(case, edit=None, rule="theory"):
    mons, F0, G0, D, eps_value, ctrl = case
    thm = theorem(_bound(mons), convex=True, step=rule)
    if edit:
        thm = dataclasses.replace(thm, **edit)
    K = float(thm.K_numeric([eps_value], F0, G0, D)[0])
    f, g, gam, pis = _run(mons, F0, G0, eps_value, ctrl, min(MAX_STEPS, 3 * int(8 * K) + 2), rule, D)
    return thm, (f, g, gam, pis), check_conclusion(
        thm, f, eps_value, F0=F0, G0=G0, D=D, n_lag_cum=cumulative_lag(gam, pis))


@pytest.mark.parametrize("rule", ["theory", "adaptive"])
@given(case=convex_cases())
def test_convex(rule, case):
    thm, run, (ok, K_last, bound) = _convex_check(case, rule=rule)
    values = _trace_values(*run, case[0])
    values["D"] = case[3]
    _assert_inequalities(thm, values)
    assert ok, (K_last, bound)


def test_convex_broken_constant_is_refuted():
    try:
        find(convex_cases(max_controls=2), lambda c: not _convex_check(c, {"constant": 2.0})[2][0],
             settings=_FIND)
    except NoSuchExample:
        pytest.fail("a convex theorem with constant 2 instead of 16 was not refuted")
