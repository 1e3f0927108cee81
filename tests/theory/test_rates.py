"""Rate theorems as objects: symbolic vs numeric K(eps), closed forms, orders, inputs."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from theory.monomials import ClassBound, Monomial
from theory.rates import (
    STEPS as RULES, RateTheorem, check_conclusion, cumulative_lag, lag_mask, n_lag, overall_order, theorem,
)
from theory.symbols import D, F0, G0, eps

alpha_st = st.sampled_from([0, sp.Rational(1, 3), sp.Rational(1, 2), 1]) | \
    st.fractions(0, 1, max_denominator=7).map(sp.Rational)
mon_st = st.lists(st.tuples(alpha_st, st.fractions(0, 20, max_denominator=5).map(sp.Rational)),
                  min_size=1, max_size=3)


def _bound(mons, source="smoothness"):
    return ClassBound(tuple(Monomial(a, M, source) for a, M in mons))


@given(mon_st, st.booleans(), st.sampled_from(RULES),
       st.floats(1e-6, 1.0), st.floats(0.01, 100), st.floats(0.01, 100), st.floats(0.1, 10),
       st.integers(0, 50))
def test_symbolic_and_numeric_K_agree(mons, convex, rule, e, F, G, Dv, nl):
    thm = theorem(_bound(mons), convex=convex, step=rule)
    f = sp.lambdify((eps, F0, G0, D, n_lag), thm.K(), modules="mpmath")
    exact = float(f(e, F, G, Dv, nl))
    num = float(thm.K_numeric(np.array([e]), F0=F, G0=G, D=Dv, n_lag=nl)[0])
    assert math.isclose(num, exact, rel_tol=1e-9, abs_tol=1e-9)


@given(mon_st, st.floats(1e-6, 1.0), st.floats(0.01, 100), st.floats(0.1, 10))
def test_convex_closed_form_equals_phase_sum(mons, e, F, Dv):
    """The closed form equals the defining sum of THEORY.md section 6,
    J + log2(G0 D/eps) + 16 sum_{j<J} 2^-j F0 / phi(2^-(j+1) F0/D), phi(t) = t pi(t)."""
    b = _bound(mons)
    G = 2 * F / Dv
    Jv = max(0, math.ceil(math.log2(F / e)))
    phase = sum(2.0 ** -j * F / (t * float(b.pi(t))) for j in range(Jv)
                for t in [2.0 ** -(j + 1) * F / Dv])
    direct = Jv + math.log2(G * Dv / e) + 16 * phase
    got = float(theorem(b, convex=True).K_numeric([e], F, G, Dv)[0])
    assert math.isclose(got, direct, rel_tol=1e-9)


@given(mon_st, st.floats(1e-6, 0.99), st.floats(0.1, 10), st.sampled_from(RULES))
def test_K_upper_bounds_K(mons, frac, Dv, rule):
    thm = theorem(_bound(mons), convex=True, step=rule)
    F, G = 1.0, 3.0
    e = frac * F
    K = float(thm.K_numeric([e], F, G, Dv, n_lag=3)[0])
    up = float(sp.lambdify((eps, F0, G0, D, n_lag), thm.K_upper())(e, F, G, Dv, 3))
    assert up >= K * (1 - 1e-12)


def test_adaptive_is_theory_with_32_and_twice_the_lag():
    b = _bound([(sp.Rational(1, 2), 2)])
    for convex in (False, True):
        t, a = theorem(b, convex, "theory"), theorem(b, convex, "adaptive")
        common = sp.log(G0 / eps, 2) if not convex else sp.log(G0 * D / eps, 2) + \
            sp.Max(0, sp.ceiling(sp.log(F0 / eps, 2)))
        assert sp.simplify((a.K() - 2 * n_lag - common) - 2 * (t.K() - common)) == 0


def test_nonconvex_formula_of_theory_md():
    b = _bound([(sp.Rational(1, 2), 3), (0, 5)])
    K = theorem(b, convex=False).K()
    expected = 16 * F0 * (3 * eps ** sp.Rational(-3, 2) + 5 * eps ** -1) + sp.log(G0 / eps, 2)
    assert sp.simplify(K - expected) == 0


@pytest.mark.parametrize("alphas, convex, kind, exponent", [
    ([sp.Rational(1, 2)], False, "sublinear", 1.5),       # Lipschitz Hessian, non-convex
    ([sp.Rational(1, 2)], True, "sublinear", 0.5),        # Lipschitz Hessian, convex
    ([1], True, "sublinear", 1.0),                        # first-order / bounded variation
    ([sp.Rational(1, 3)], True, "sublinear", 1 / 3),      # Lipschitz third derivative
    ([0], True, "linear", 0.0),                           # QSC
    ([0], False, "sublinear", 1.0),
    ([1, 0], True, "sublinear", 1.0),                     # (L0, L1): the largest exponent wins
])
def test_orders(alphas, convex, kind, exponent):
    thm = theorem(_bound([(a, 1) for a in alphas]), convex)
    o = thm.order()
    assert o["kind"] == kind and math.isclose(o["exponent"], exponent)
    assert math.isclose(thm.predicted_exponent, exponent)


def test_approximation_terms_in_order():
    b = ClassBound((Monomial(sp.Rational(1, 2), 1), Monomial(sp.Rational(3, 4), 2, "approximation:C2"),
                    Monomial(1, 0, "approximation:C1")))
    o = theorem(b, convex=True).order()
    assert math.isclose(o["exponent"], 0.75) and o["dominant"] == ["approximation:C2"]
    assert [t["source"] for t in o["terms"]] == ["smoothness", "approximation:C2"]   # C1 = 0 dropped
    lead = theorem(b, convex=True).leading_terms()
    assert sp.simplify(lead - (D ** sp.Rational(3, 2) * eps ** sp.Rational(-1, 2)
                               + 2 * D ** sp.Rational(7, 4) * eps ** sp.Rational(-3, 4))) == 0


def test_empty_bound_leaves_log_terms():
    thm = theorem(ClassBound(()), convex=False)
    assert thm.order()["kind"] == "linear"
    assert float(thm.K_numeric([0.25], F0=1.0, G0=1.0)[0]) == 2.0


def test_inequalities_of_proofs():
    b = _bound([(1, 1)])
    names = {i.name for i in theorem(b, False, "theory").inequalities}
    assert {"acceptance", "gamma_is_pi", "theory_step_decrease", "log_ratio_bound"} <= names
    names = {i.name for i in theorem(b, True, "adaptive").inequalities}
    assert {"acceptance", "grad_growth", "gap_by_gradient"} <= names and "gamma_is_pi" not in names


def test_lag_helpers_and_conclusion():
    gamma = np.array([1.0, 0.1, 2.0, 0.2])
    pi = np.array([1.0, 1.0, 1.0, 1.0])
    assert lag_mask(gamma, pi).tolist() == [False, True, False, True]
    assert cumulative_lag(gamma, pi).tolist() == [0, 0, 1, 1, 2]
    thm = theorem(_bound([(1, 1)]), convex=False)
    # K(0.5) = 16 * 1 * 1 * 0.5^-2 + log2(1/0.5) = 65; g drops below 0.5 at k = 3.
    ok, K_last, bound = check_conclusion(thm, [1.0, 0.9, 0.8, 0.4], 0.5, F0=1.0, G0=1.0)
    assert ok and K_last == 2 and bound == 65.0
    ok, K_last, _ = check_conclusion(thm, np.ones(100), 0.5, F0=1.0, G0=1.0)
    assert not ok and K_last == 99


def test_bad_input():
    b = _bound([(1, 1)])
    thm = theorem(b, convex=True)
    with pytest.raises(ValueError, match="eps"):
        thm.K_numeric([0.0], 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="F0"):
        thm.K_numeric([0.1], -1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="G0"):
        thm.K_numeric([0.1], 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="D"):
        thm.K_numeric([0.1], 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="n_lag"):
        theorem(b, False, "adaptive").K_numeric([0.1], 1.0, 1.0, n_lag=-1)
    with pytest.raises(ValueError, match="setting"):
        RateTheorem(b, setting="strongly convex")
    with pytest.raises(ValueError, match="step"):
        RateTheorem(b, step="ideal")
    with pytest.raises(ValueError, match="constant"):
        RateTheorem(b, constant=0)
    with pytest.raises(ValueError, match="alphas"):
        overall_order([1.5], "convex")
