"""Constants of concrete functions: closed forms, certified bounds, estimates.

Expected values are derived by hand in the comments, never copied from a run.
The soundness property (certified upper bound >= every sampled value) is checked
against a dense sample evaluated independently in 40-digit mpmath arithmetic, and
a deliberately broken enclosure shows that the check can fail.
"""
import math
import sys

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st
from mpmath import iv

from theory.constants import (ConstantResult, hessian_holder_constant, hessian_lipschitz_constant,
                              hessian_variation_constant, l0_constant, qsc_constant,
                              symmetric_norm_lower, third_lipschitz_constant)
from theory.expr import SymbolicFunction
from theory.interval import (certified_max, interval_enclosure, iv_cos, iv_cosh, iv_exp, iv_log, iv_power,
                             lower_end, upper_end,
                             iv_sin, iv_sinh, iv_sqrt, safe_upper,
                             iv_tan, iv_tanh)

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)
SMALL = dict(rtol=1e-2, max_boxes=200, samples=48)


def dense_max(expr, variables, box, points=301):
    """Independent check: max of ``expr`` on a grid, in 40-digit arithmetic."""
    fn = sp.lambdify(list(variables), expr, modules="mpmath")
    axes = [np.linspace(lo, hi, points if len(box) == 1 else 21) for lo, hi in box]
    with mpmath.workdps(40):
        vals = [fn(*map(mpmath.mpf, p)) for p in np.array(np.meshgrid(*axes)).reshape(len(box), -1).T]
        return max(vals)


def is_sound(upper, expr, variables, box):
    """``upper >= sampled max`` up to 1e-25 (the 40-digit evaluation error)."""
    m = dense_max(expr, variables, box)
    return upper >= m - mpmath.mpf("1e-25") * (1 + abs(m))


# -- closed forms ---------------------------------------------------------------------

def test_quartic_third_derivative_lipschitz_is_6():
    # f = x^4/4: f'''' = 6 everywhere.
    r = third_lipschitz_constant(SymbolicFunction.parse("x**4/4", "x"), (-2, 3))
    assert isinstance(r, ConstantResult)
    assert (r.how, r.value, r.lower, r.upper) == ("closed form", 6.0, 6.0, 6.0)
    assert r.details["exact"] == 6


def test_cubic_hessian_lipschitz_is_2_away_from_the_kink():
    # |x|^3/3 is x^3/3 on [0.1, 3]: f''' = 2.
    r = hessian_lipschitz_constant(SymbolicFunction.parse("x**3/3", "x"), (0.1, 3))
    assert (r.how, r.value) == ("closed form", 2.0)


def test_closed_form_finds_an_interior_critical_point():
    # f = x^5/20 - x^4/4: f''' = 3x^2 - 6x, minimum -3 at x = 1; on [0.5, 1.8]
    # the endpoints give -2.25 and -1.08, so sup |f'''| = 3 at x = 1.
    r = hessian_lipschitz_constant(SymbolicFunction.parse("x**5/20 - x**4/4", "x"), (0.5, 1.8))
    assert (r.how, r.value, r.details["exact"]) == ("closed form", 3.0, 3)


def test_qsc_closed_form_is_sqrt6():
    # f = x^4 + x^2: f'''/f'' = 12x/(6x^2+1), extremal at x = 1/sqrt(6): sqrt(6).
    r = qsc_constant(SymbolicFunction.parse("x**4 + x**2", "x"), (-1, 2))
    assert r.how == "closed form"
    assert sp.simplify(r.details["exact"] - sp.sqrt(6)) == 0
    assert r.lower <= math.sqrt(6) <= r.upper and r.upper - r.lower <= 4.5e-16


def test_irrational_coefficients_fall_back_to_certification():
    # f = pi x^5 - x^4: f''' = 60 pi x^2 - 24 x; on [-1, 0.7] |f'''| is largest at
    # x = -1: 60 pi + 24 (the interior extremum at x = 1/(5 pi) has |.| = 12/(5 pi)).
    r = hessian_lipschitz_constant(SymbolicFunction.parse("pi*x**5 - x**4", "x"), (-1, 0.7))
    assert r.how == "certified"
    assert 60 * math.pi + 24 <= r.upper <= (60 * math.pi + 24) * (1 + 1e-3)


def test_l0_closed_form_with_kinks():
    # f = x^4/4, L1 = 1: 3x^2 - |x|^3 on [-2, 2] has maximum 4 (at x = +-2).
    r = l0_constant(SymbolicFunction.parse("x**4/4", "x"), (-2, 2), L1=1)
    assert (r.how, r.value) == ("closed form", 4.0)
    # With L1 = 2, 3x^2 - 2|x|^3 peaks at |x| = 1 with value 1: a kink-free interior max.
    r2 = l0_constant(SymbolicFunction.parse("x**4/4", "x"), (-2, 2), L1=2)
    assert (r2.how, r2.value) == ("closed form", 1.0)


def test_l0_is_clipped_at_zero():
    # f = exp(x) on [0, 1], L1 = 2: f'' - 2|f'| = -e^x < 0, so L0 = 0.
    r = l0_constant(SymbolicFunction.parse("exp(x)", "x"), (0, 1), L1=2, **SMALL)
    assert r.value == 0.0 and r.details["sup"] < 0


def test_holder_constants_of_the_quartic():
    f = SymbolicFunction.parse("x**4/4", "x")
    # nu = 0: f'' = 3x^2 ranges over [0, 3] on [-1, 1].
    r0 = hessian_holder_constant(f, (-1, 1), 0)
    assert (r0.how, r0.value) == ("closed form", 3.0)
    assert hessian_variation_constant(f, (-1, 1)).value == 3.0
    # nu = 1/2: interpolation bound sqrt(3 * 6) = sqrt(18); the pair (1, 0)
    # gives |3 - 0| / 1 = 3, a lower bound of the true constant.
    r = hessian_holder_constant(f, (-1, 1), 0.5)
    assert r.how == "certified" and r.details["method"] == "holder interpolation"
    assert math.sqrt(18) <= r.upper <= math.sqrt(18) * (1 + 1e-12)
    assert 3.0 <= r.lower <= r.upper
    r1 = hessian_holder_constant(f, (-1, 1), 1)
    assert r1.value == 6.0


# -- certified bounds -----------------------------------------------------------------

def test_softplus_is_qsc_with_q_at_most_one():
    # f'''/f'' = 1 - 2 sigma(x) = -tanh(x/2): Q = tanh(5/2) on [-5, 5], and <= 1.
    r = qsc_constant(SymbolicFunction.parse("log(1+exp(x))", "x"), (-5, 5))
    assert r.how in ("certified", "closed form")
    assert math.tanh(2.5) <= r.upper <= 1.0
    assert r.lower <= math.tanh(2.5) * (1 + 1e-12)
    assert r.gap <= 1e-3 * r.lower + 1e-12


def test_logistic_loss_qsc():
    # f = log(1 + exp(-a x)), a = 2: |f'''/f''| = a |tanh(a x / 2)| <= a;
    # on [-3, 4] the sup is 2 tanh(4).
    f = SymbolicFunction.parse("log(1+exp(-a*x))", "x", {"a": 2})
    r = qsc_constant(f, (-3, 4))
    assert 2 * math.tanh(4) <= r.upper <= 2.0
    assert r.lower <= 2 * math.tanh(4) * (1 + 1e-12)


def test_cosh_is_l0l1_smooth_with_l0_one():
    # cosh'' = cosh <= 1 + |sinh| since cosh - |sinh| = exp(-|x|) <= 1 (= 1 at 0).
    r = l0_constant(SymbolicFunction.parse("cosh(x)", "x"), (-3, 3), L1=1)
    assert r.how == "certified"
    assert 1.0 <= r.upper <= 1.0 + 1e-3 and r.lower <= 1.0
    assert r.details["status"] == "converged"


def test_multivariate_frobenius_bound_and_operator_lower_estimate():
    # f = (x0^3 + x1^3)/6: D^3 f = e0^{x3} + e1^{x3}; operator norm 1, Frobenius sqrt(2).
    f = SymbolicFunction.parse("(x0**3 + x1**3)/6", "x0,x1")
    r = hessian_lipschitz_constant(f, [(-1, 1), (-1, 1)], **SMALL)
    assert r.how == "certified"
    assert math.sqrt(2) <= r.upper <= math.sqrt(2) * (1 + 1e-12)
    assert 1 - 1e-12 <= r.lower <= 1 + 1e-12
    assert "Frobenius" in r.details["norm"]


def test_multivariate_third_lipschitz():
    # f = x0^4/24 + x0 x1^3/6: D^4 f has d0000 = 1, d0111 = 1 (4 permutations):
    # Frobenius sqrt(1 + 4) = sqrt(5) everywhere, operator norm >= 1.
    f = SymbolicFunction.parse("x0**4/24 + x0*x1**3/6", "x0,x1")
    r = third_lipschitz_constant(f, [(-1, 1), (0, 1)], **SMALL)
    assert math.sqrt(5) <= r.upper <= math.sqrt(5) * (1 + 1e-12)
    assert 1.0 <= r.lower <= r.upper


def test_multivariate_qsc_of_separable_softplus():
    # f = softplus(x0) + softplus(x1): H = diag(s''), D^3 f = diag(s'''):
    # Q = max_i sup |s'''/s''| = tanh(1) on [-2, 2]^2.
    f = SymbolicFunction.parse("log(1+exp(x0)) + log(1+exp(x1))", "x0,x1")
    r = qsc_constant(f, [(-2, 2), (-2, 2)], **SMALL)
    assert r.how == "certified"
    assert r.lower <= math.tanh(1) * (1 + 1e-12) <= r.upper < math.inf


def test_multivariate_l0():
    # f = cosh(x0) + cosh(x1), L1 = 1: ||H|| - ||g|| <= cosh(x0) - |sinh(x0)| <= 1 (= 1 at 0);
    # the Frobenius bound is sqrt(2) at 0.
    f = SymbolicFunction.parse("cosh(x0) + cosh(x1)", "x0,x1")
    r = l0_constant(f, [(-1, 1), (-1, 1)], L1=1, **SMALL)
    assert r.lower == pytest.approx(1.0, abs=1e-12)
    assert r.upper >= math.sqrt(2)


def test_multivariate_holder_interpolation():
    f = SymbolicFunction.parse("x0**4/4 + x1**2", "x0,x1")
    r = hessian_holder_constant(f, [(-1, 1), (-1, 1)], 0.5, **SMALL)
    # ||H(x) - H(y)|| = 3 |x0^2 - y0^2|: the pair x0 = 1, y0 = 0 gives 3 / 1.
    assert r.how == "certified" and 3.0 - 1e-12 <= r.lower <= r.upper
    r0 = hessian_variation_constant(f, [(-1, 1), (-1, 1)], **SMALL)
    assert r0.upper >= 3.0 and r0.lower == pytest.approx(3.0)


def test_estimated_when_no_interval_version():
    # atan has no interval version here: sampling only, upper = inf.
    r = hessian_lipschitz_constant(SymbolicFunction.parse("atan(x)*exp(x)", "x"), (-1, 1), **SMALL)
    assert r.how == "estimated" and r.upper == math.inf and r.value == r.lower > 0
    assert "atan" in r.details["reason"]


def test_unbounded_enclosure_boxes_are_marked_and_split():
    # exp(x) - x >= 1, but its natural enclosure on [-2, 2] contains 0.
    q = 1 / (sp.exp(X) - X)
    res = certified_max(q, [X], [(-2, 2)], rtol=1e-3, max_boxes=400)
    assert res.status == "converged" and res.upper >= 1.0 and is_sound(res.upper, q, [X], [(-2, 2)])


def test_depth_budget_keeps_the_root_enclosure():
    res = certified_max(sp.sin(3 * X) * sp.exp(X), [X], [(-1, 2)], max_depth=0)
    assert res.status == "depth budget" and res.boxes == 1 and res.upper >= res.lower


# -- soundness property ----------------------------------------------------------------

def _grammar(symbols=(X,)):
    leaf = st.one_of(st.sampled_from(symbols), st.integers(-3, 3).map(sp.Integer))
    unary = [sp.exp, sp.sin, sp.cos, lambda e: sp.log(1 + sp.exp(e)), lambda e: e ** 2, lambda e: e ** 3]

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(unary), children).map(lambda t: t[0](t[1])),
            st.tuples(children, children).map(lambda t: t[0] + t[1]),
            st.tuples(children, children).map(lambda t: t[0] * t[1]),
        )
    return st.recursive(leaf, extend, max_leaves=4).filter(lambda e: e.has(*symbols))


@st.composite
def boxes(draw):
    c = draw(st.floats(-1, 1))
    w = draw(st.floats(0.05, 1))
    return [(c - w / 2, c + w / 2)]


@given(_grammar(), boxes(), st.integers(0, 2))
def test_certified_bound_is_never_below_a_sample(expr, box, order):
    q = sp.diff(expr, X, order)
    res = certified_max(q, [X], box, rtol=1e-3, max_boxes=60, samples=16)
    assert is_sound(res.upper, q, [X], box)
    if res.status == "converged":
        assert res.gap <= max(1e-12, 1e-3 * abs(res.lower))


@given(_grammar((X, Y)), boxes(), boxes())
def test_two_dimensional_certified_bound_is_never_below_a_sample(expr, box0, box1):
    q = sp.diff(expr, X) * sp.diff(expr, Y) + expr
    res = certified_max(q, [X, Y], box0 + box1, rtol=1e-2, max_boxes=40, samples=16)
    assert is_sound(res.upper, q, [X, Y], box0 + box1)


@given(_grammar(), boxes())
def test_hessian_lipschitz_bound_is_never_below_a_sample(expr, box):
    f = SymbolicFunction(expr, [X])
    r = hessian_lipschitz_constant(f, box, rtol=1e-2, max_boxes=40, samples=16)
    assert r.lower <= r.upper
    if r.how != "estimated":
        assert is_sound(r.upper, sp.Abs(sp.diff(expr, X, 3)), [X], box)


def test_the_soundness_check_has_teeth():
    # An "enclosure" that evaluates q at the box midpoint only is not an
    # enclosure: the maximum of -(x - 0.3)^2 at 0.3 is never a dyadic midpoint
    # of [0, 1], so the result sits below the sampled maximum 0.
    q = -(X - sp.Rational(3, 10)) ** 2
    point = sp.lambdify([X], q, modules="mpmath")

    def midpoint_only(Xi):
        return iv.mpf(point(Xi.mid))
    broken = certified_max(q, [X], [(0, 1)], enclose=midpoint_only, samples=64)
    assert not is_sound(broken.upper, q, [X], [(0, 1)])
    honest = certified_max(q, [X], [(0, 1)], samples=64)
    assert is_sound(honest.upper, q, [X], [(0, 1)])


def _power(y):
    def fn(X):
        return iv_power(X, iv.mpf(y.p) / iv.mpf(y.q))

    def ref(t):
        return mpmath.power(t, mpmath.mpf(y.p) / y.q)
    return fn, ref


ELEMENTARY = [(iv_cosh, mpmath.cosh), (iv_sinh, mpmath.sinh), (iv_tanh, mpmath.tanh),
              (iv_exp, mpmath.exp), (iv_sin, mpmath.sin), (iv_cos, mpmath.cos),
              (iv_tan, mpmath.tan), (iv_log, mpmath.log), (iv_sqrt, mpmath.sqrt),
              _power(sp.Rational(3, 2)), _power(sp.Rational(-1, 3)), _power(sp.Rational(5, 7))]
POSITIVE = {mpmath.log, mpmath.sqrt} | {ref for _, ref in ELEMENTARY[-3:]}


@given(st.floats(-4, 4), st.one_of(st.just(0.0), st.integers(1, 60).map(lambda k: 2.0 ** -k),
                                   st.floats(0, 1)))
def test_elementary_enclosures_contain_the_values(a, w):
    for fn, ref in ELEMENTARY:
        lo = abs(a) + 0.5 if ref in POSITIVE else a
        if ref is mpmath.tan:
            lo = a / 4  # stay inside (-pi/2, pi/2)
        I = iv.mpf([lo, lo + w])
        E = fn(I)
        for t in np.linspace(lo, lo + w, 5):
            with mpmath.workdps(40):
                v = ref(mpmath.mpf(t))
            assert mpmath.mpf(E.a) <= v <= mpmath.mpf(E.b), (ref, t)


def test_endpoint_enclosure_of_exp_at_a_tiny_argument():
    # exp(2^-24) = 1 + 2^-24 + 2^-49 + 2^-72/6 + ...: above the 53-bit number
    # 1 + 2^-24 + 2^-49 that mpmath's unguarded iv.exp returns as both ends (the
    # broken engine this test exists to catch); the Arb ball contains it.
    p = mpmath.mpf(2) ** -24
    with mpmath.workdps(40):
        v = mpmath.exp(p)

    def contains(E):
        return mpmath.mpf(E.a) <= v <= mpmath.mpf(E.b)
    assert not contains(iv.exp(iv.mpf(p)))
    assert contains(iv_exp(iv.mpf(p)))
    res = certified_max(sp.cosh(X), [X], [(0.0, 2.0 ** -24)], rtol=1e-15, max_boxes=50)
    assert is_sound(res.upper, sp.cosh(X), [X], [(0.0, 2.0 ** -24)])


def test_symmetric_norm_lower_is_exact_on_rank_one():
    v = np.array([1.0, 2.0, -2.0])  # ||v|| = 3: ||v (x) v (x) v||_op = 27
    T = np.einsum("i,j,k->ijk", v, v, v)
    assert symmetric_norm_lower(T) == pytest.approx(27.0, rel=1e-12)


# -- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize("box", [(1, 1), (2, 1), (0, math.inf), [(0, 1), (0, 1)], "ab"])
def test_bad_box(box):
    with pytest.raises(ValueError, match="box must be 1 pair"):
        hessian_lipschitz_constant(SymbolicFunction.parse("x**4", "x"), box)


def test_bad_arguments():
    f = SymbolicFunction.parse("x**4", "x")
    for nu in (-0.1, 1.5, "a"):
        with pytest.raises(ValueError, match=r"nu must be a number in \[0, 1\]"):
            hessian_holder_constant(f, (0, 1), nu)
    for L1 in (-1, math.nan, None):
        with pytest.raises(ValueError, match="L1 must be a finite number >= 0"):
            l0_constant(f, (0, 1), L1)
    with pytest.raises(ValueError, match="fun must be a SymbolicFunction"):
        hessian_lipschitz_constant("x**4", (0, 1))
    with pytest.raises(ValueError, match="options must be among"):
        hessian_lipschitz_constant(f, (0, 1), tolerance=1)
    with pytest.raises(ValueError, match="rtol must be a finite number > 0"):
        certified_max(X ** 2, [X], (0, 1), rtol=0)
    with pytest.raises(ValueError, match="max_boxes must be a finite number >= 1"):
        certified_max(X ** 2, [X], (0, 1), max_boxes=0)


def test_qsc_needs_a_positive_definite_hessian():
    with pytest.raises(ValueError, match="positive definite Hessian"):
        qsc_constant(SymbolicFunction.parse("x**3", "x"), (-1, 1))
    with pytest.raises(ValueError, match="positive definite Hessian"):
        qsc_constant(SymbolicFunction.parse("log(1+exp(x0+x1))", "x0,x1"), [(-1, 1), (-1, 1)])


def test_expression_undefined_on_the_box():
    with pytest.raises(ValueError, match="not finite at the box point"):
        hessian_lipschitz_constant(SymbolicFunction.parse("log(x)", "x"), (-1, 1), closed_form=False)


def test_estimated_path_also_checks_the_domain():
    with pytest.raises(ValueError, match="not finite at the box point"):
        hessian_lipschitz_constant(SymbolicFunction.parse("atan(x)*log(x)", "x"), (-1, 1))


def test_endpoint_enclosures_at_domain_edges_and_overflow():
    assert (iv_sqrt(iv.mpf([0, 4])).a, iv_sqrt(iv.mpf([0, 4])).b) == (0, 2)
    assert iv_log(iv.mpf([0, 1])).a == -mpmath.inf
    P = iv_power(iv.mpf([0, 4]), iv.mpf(3) / iv.mpf(2))
    assert P.a == 0 and P.b >= 8
    for bad in ((iv_log, [-1, 1]), (iv_sqrt, [-1e-300, 1])):
        with pytest.raises(ValueError):
            bad[0](iv.mpf(bad[1]))
    with pytest.raises(ValueError):
        iv_power(iv.mpf([-1, 1]), iv.mpf(1) / iv.mpf(3))
    # exp(750) overflows float64: the upper end is +inf and the lower end stays a
    # lower bound (the largest float, not +inf), so -exp(x) keeps a sound upper end
    E = iv_exp(iv.mpf([750, 800]))
    assert E.b == mpmath.inf and E.a <= mpmath.mpf(sys.float_info.max)
    assert (-E).b < 0


def test_a_box_where_log_is_undefined_is_marked_not_dropped():
    # log(x) on [-1, 1]: every box reaching x <= 0 has no enclosure (upper +inf)
    res = certified_max(sp.log(X + 2), [X], [(-1.0, 1.0)], rtol=1e-6, max_boxes=200)
    assert is_sound(res.upper, sp.log(X + 2), [X], [(-1.0, 1.0)])
    assert safe_upper(interval_enclosure(sp.log(X), [X]), [-1.0], [1.0]) == math.inf


def test_ends_beyond_the_float_range_are_rounded_outward():
    # mpmath.iv ends have an unbounded exponent: values below the subnormal range (or
    # above the largest float) are not floats, and rounding them to nearest (or flushing
    # them to 0) gave an "enclosure" [0, 0] of sinh near 2^-1076 and a certified
    # supremum 0 of sqrt(x^4 + x^5) on [1e-101, 1e-100], whose true value is ~1e-200
    tiny = iv.mpf([mpmath.mpf(2) ** -1076, mpmath.mpf(2) ** -1075])
    S = iv_sinh(tiny)
    assert S.a <= 0 and S.b >= mpmath.mpf(2) ** -1075
    res = certified_max(sp.sqrt(X ** 4 + X ** 5), [X], [(1e-101, 1e-100)])
    with mpmath.workdps(40):
        top = mpmath.sqrt(mpmath.mpf(1e-100) ** 4 + mpmath.mpf(1e-100) ** 5)
    assert res.upper >= top > 0
    huge = iv.mpf(1e200) * iv.mpf(1e200)                    # [1e400, 1e400]
    assert lower_end(huge) == sys.float_info.max and upper_end(huge) == math.inf
    assert lower_end(-huge) == -math.inf and upper_end(-huge) == -sys.float_info.max
