"""Monomial algebra: harmonic-mean combination, merging, dominant term, phase."""
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from theory.monomials import (PHASE_APPROXIMATION, PHASE_SMOOTHNESS, ClassBound, Monomial, class_exponent,
                              combine, dominant, phase, simplify, t)


def cb(*terms, region="ball", name="b"):
    return ClassBound(tuple(Monomial(a, M, s) for a, M, s in terms), name, {}, region)


TS = np.geomspace(1e-6, 1e6, 61)


def test_pi_closed_form():
    b = cb((sp.Rational(1, 2), 3, "smoothness"), (1, 2, "approximation:C1"))
    expected = 1.0 / (3 * TS ** -0.5 + 2 / TS)
    assert np.allclose(b.pi(TS), expected, rtol=1e-14)
    f = sp.lambdify(t, b.pi_expr())
    assert math.isclose(f(2.0), 1 / (3 / math.sqrt(2) + 1), rel_tol=1e-14)
    assert np.all(np.isinf(ClassBound(()).pi(TS)))
    assert ClassBound(()).pi_expr() == sp.oo


def test_combine_is_harmonic_sum():
    a = cb((sp.Rational(1, 3), 2, "smoothness"), (0, 1, "smoothness"))
    b = cb((1, sp.Rational(1, 2), "approximation:C1"), (0, 4, "approximation:C2"), region="O")
    c = combine(a, b)
    # 1/pi_c = 1/pi_a + 1/pi_b at every t (independent numeric evaluation)
    assert np.allclose(1 / c.pi(TS), 1 / a.pi(TS) + 1 / b.pi(TS), rtol=1e-13)
    # equal exponents merged by adding M
    zero_terms = [m for m in c.monomials if m.alpha == 0]
    assert len(zero_terms) == 1 and zero_terms[0].M == 5
    assert "smoothness" in zero_terms[0].source and "approximation:C2" in zero_terms[0].source
    assert len(c.monomials) == 3
    assert c.region == "O"                      # the weaker statement wins
    assert [m.alpha_f for m in c.monomials] == sorted([m.alpha_f for m in c.monomials], reverse=True)


def test_simplify_drops_zeros_and_keeps_pi():
    b = cb((1, 0, "smoothness"), (sp.Rational(1, 2), 1, "smoothness"), (0.5, 2, "x"))
    s = simplify(b)
    assert len(s.monomials) == 1 and s.monomials[0].M == 3
    assert np.allclose(s.pi(TS), b.pi(TS), rtol=1e-14)


def test_simplify_symbolic():
    L = sp.Symbol("L", positive=True)
    s = simplify(cb((1, L, "smoothness"), (1, 2 * L, "smoothness")))
    assert sp.simplify(s.monomials[0].M - 3 * L) == 0


def test_dominant_and_class_exponent():
    b = cb((0, 10, "smoothness"), (sp.Rational(1, 2), 1, "smoothness"), (1, 0, "approximation:C1"),
           (sp.Rational(3, 4), 1, "approximation:C2"))
    d = dominant(b)
    assert d.alpha == sp.Rational(3, 4)         # largest alpha with M > 0
    # brute force: the dominant term's share of 1/pi tends to 1 as t -> 0
    tt = 1e-12
    assert d.M_f * tt ** -d.alpha_f / (1 / b.pi(tt)) > 0.99
    assert class_exponent(b) == 0.0             # smallest smoothness exponent
    assert class_exponent(cb((1, 1, "approximation:C1"))) is None
    assert dominant(cb((1, 0, "smoothness"))) is None


def test_phase():
    assert phase(0.5, 0.5, 0) == PHASE_SMOOTHNESS
    assert phase(0.5, 0.0, 0) == PHASE_SMOOTHNESS
    assert phase(0.5, 0.75, 0) == PHASE_APPROXIMATION
    assert phase(1.0, 0.0, 1e-9) == PHASE_APPROXIMATION
    with pytest.raises(ValueError, match="class_alpha"):
        phase(1.5, 0, 0)
    with pytest.raises(ValueError, match="approx_beta"):
        phase(0.5, -0.1, 0)
    with pytest.raises(ValueError, match="C1"):
        phase(0.5, 0.1, -1)


@pytest.mark.parametrize("alpha,M,word", [
    (1.5, 1, "alpha"), (-0.1, 1, "alpha"), (float("nan"), 1, "alpha"),
    (0.5, -1, "M"), (0.5, float("inf"), "M"), (0.5, float("nan"), "M"),
])
def test_monomial_validation(alpha, M, word):
    with pytest.raises(ValueError, match=word):
        Monomial(alpha, M)


def test_bound_validation():
    with pytest.raises(ValueError, match="region"):
        ClassBound((), region="disk")
    with pytest.raises(ValueError, match="combine"):
        combine()
    with pytest.raises(ValueError, match="monomials"):
        ClassBound((1, 2))


def test_subs():
    L = sp.Symbol("L", positive=True)
    b = cb((sp.Rational(1, 2), sp.sqrt(L / 2), "smoothness")).subs({L: 8})
    assert b.monomials[0].M == 2


_mon = st.tuples(st.sampled_from([0, sp.Rational(1, 3), sp.Rational(1, 2), 1]),
                 st.floats(0, 10, allow_nan=False), st.sampled_from(["smoothness", "approximation:C2"]))


@given(st.lists(_mon, max_size=4), st.lists(_mon, max_size=4), st.floats(1e-4, 1e4))
def test_combine_property(a_terms, b_terms, tv):
    a, b = cb(*a_terms), cb(*b_terms)
    c = combine(a, b)
    inv = lambda bd: 0.0 if np.isinf(bd.pi(tv)) else 1.0 / float(bd.pi(tv))
    assert math.isclose(inv(c), inv(a) + inv(b), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(inv(combine(b, a)), inv(c), rel_tol=1e-12, abs_tol=1e-300)
    assert len({m.alpha for m in c.monomials}) == len(c.monomials)     # exponents merged
