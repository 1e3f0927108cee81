"""Arbitrary finite floats as parameters (`float_conversion`, docs/theory.md section 3).

Every class of the catalog, every error-model constructor and the rate theorems
on the composed bounds must return promptly for any float in the valid range
(not only for short decimals such as 0.35), and the float constants must agree
with an independent float computation of the closed forms. The independent
computation works with logarithms so that it does not itself underflow.
"""
from __future__ import annotations

import contextlib
import math
import signal
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from theory import approximations as ap
from theory.classes import CATALOG, NAMES, get_class
from theory.monomials import ClassBound, exact_float
from theory.rates import theorem

#: Time allowed for one example (construction + bound + composition + rates).
BUDGET_S = 5.0
REL = 1e-12
#: Below this the doubles themselves lose relative precision (near-subnormal range).
TINY = 1e-300

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


def _decimals(lo: int, hi: int):
    """Short decimals ``p / 10^k`` (``k <= 6``) in ``[lo, hi]``: exact rationals with
    large numerators and denominators, the other hard case for exact arithmetic."""
    return st.integers(0, 6).flatmap(lambda k: st.integers(lo * 10 ** k, hi * 10 ** k).map(lambda p: p / 10 ** k))


const = st.one_of(st.floats(min_value=0.0, max_value=1e6, exclude_min=True, allow_nan=False),
                  _decimals(1, 10 ** 6))
unit = st.one_of(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), _decimals(0, 1))
gsc_nu = st.one_of(st.floats(min_value=2.0, max_value=3.0, allow_nan=False), _decimals(2, 3))
p_exp = st.one_of(st.floats(min_value=2.0, max_value=10.0, allow_nan=False), _decimals(2, 10))


def _z_star() -> float:
    """Positive root of ``e^z = 1 + 2 z`` by Newton's method in floats."""
    z = 1.5
    for _ in range(60):
        z -= (math.exp(z) - 1 - 2 * z) / (math.exp(z) - 2)
    return z


Z_STAR = _z_star()


@contextlib.contextmanager
def time_budget(seconds: float, what: str):
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""
    def expire(signum, frame):
        raise AssertionError(f"{what} did not return within {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"{what} took {elapsed:.1f} s"


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=TINY)


def _lexp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def expected_class(name: str, p: dict) -> list[tuple[float, float]]:
    """``[(alpha, M)]`` of the class ``name`` from the closed forms, in floats."""
    ln = math.log
    if name == "holder_hessian":
        nu, L = p["nu"], p["L_nu"]
        return [(1 / (1 + nu), _lexp((ln(L) - math.log1p(nu)) / (1 + nu)))]
    if name == "lipschitz_hessian":
        return [(0.5, _lexp((ln(p["L2"]) - ln(2)) / 2))]
    if name == "bounded_hessian_variation":
        return [(1.0, p["L0"])]
    if name == "first_order":
        return [(1.0, p["L"])]
    if name == "holder_third":
        nu, L = p["nu"], p["L_3nu"]
        if nu == 0:
            return [(0.5, math.sqrt(L))]
        return [(1 / (2 + nu), _lexp(nu / (2 + nu) * (math.log1p(nu) - ln(nu)) + ln(L) / (2 + nu)))]
    if name == "qsc":
        return [(0.0, p["Q"] / Z_STAR)]
    if name == "l0l1":
        return [(1.0, p["L0"] / ln(2)), (0.0, p["L1"] / ln(2))]
    if name == "generalized_self_concordant":
        return [(0.0, _lexp(ln(p["M_f"]) + (p["nu"] - 2) / 2 * ln(p["L"]) - ln(Z_STAR)))]
    raise AssertionError(name)


PARAM_STRATEGY = {
    "holder_hessian": {"nu": unit, "L_nu": const},
    "lipschitz_hessian": {"L2": const},
    "bounded_hessian_variation": {"L0": const},
    "first_order": {"L": const},
    "holder_third": {"nu": unit, "L_3nu": const},
    "qsc": {"Q": const},
    "l0l1": {"L0": const, "L1": const},
    "generalized_self_concordant": {"nu": gsc_nu, "M_f": const, "L": const},
}


def test_strategies_cover_the_catalog():
    assert set(PARAM_STRATEGY) == set(NAMES) == {c.name for c in CATALOG}


def _log(x):
    return math.log(x) if x > 0 else -math.inf


def expected_error(kind: str, v: dict) -> tuple[float, float, float]:
    """``(C1, C2, beta)`` of an error model from its closed form, in floats."""
    ln = _log
    if kind == "synthetic":
        return v["C1"], v["C2"], v["beta"]
    if kind == "zero":
        return v["L"], 0.0, 0.0
    if kind in ("fisher_logistic", "fisher_softmax"):
        k = 1.0 if kind == "fisher_logistic" else 2.0
        return (_lexp(ln(k) + 2 * ln(v["R"]) + ln(v["f_star"])),
                _lexp(ln(k) + 2 * ln(v["R"]) + ln(v["D"])), 0.0)
    if kind == "gauss_newton_mu":
        return 0.0, _lexp(ln(v["L_u"]) - ln(v["mu"])), 0.0
    if kind == "gauss_newton_U":
        return _lexp(ln(v["L_u"]) + (v["p"] - 1) * ln(v["U"])), 0.0, 0.0
    if kind == "fisher_term":
        p = v["p"]
        top = float(np.logaddexp(2 * ln(v["S"]), ln(v["U"]) + ln(v["L_u"])))
        return 0.0, _lexp(top - (p - 2) / (p - 1) * ln(v["mu"])), 1 / (p - 1)
    if kind == "weighted_gauss_newton_lse":
        return 0.0, _lexp(ln(v["G"]) - ln(v["mu"])), 0.0
    raise AssertionError(kind)


def build_error(kind: str, v: dict) -> ap.ErrorModel:
    if kind == "synthetic":
        return ap.synthetic(v["C1"], v["C2"], v["beta"])
    if kind == "zero":
        return ap.zero(v["L"])
    if kind == "fisher_logistic":
        return ap.fisher_logistic(v["R"], v["f_star"], v["D"])
    if kind == "fisher_softmax":
        return ap.fisher_softmax(v["R"], v["f_star"], v["D"])
    if kind == "gauss_newton_mu":
        return ap.gauss_newton(v["p"], v["L_u"], mu=v["mu"])
    if kind == "gauss_newton_U":
        return ap.gauss_newton(v["p"], v["L_u"], U=v["U"])
    if kind == "fisher_term":
        return ap.fisher_term(v["p"], v["S"], v["mu"], v["L_u"], v["U"])
    if kind == "weighted_gauss_newton_lse":
        return ap.weighted_gauss_newton_lse(v["mu"], v["G"])
    raise AssertionError(kind)


ERROR_STRATEGY = {
    "synthetic": {"C1": const, "C2": const, "beta": unit},
    "zero": {"L": const},
    "fisher_logistic": {"R": const, "f_star": const, "D": const},
    "fisher_softmax": {"R": const, "f_star": const, "D": const},
    "gauss_newton_mu": {"p": p_exp, "L_u": const, "mu": const},
    "gauss_newton_U": {"p": p_exp, "L_u": const, "U": const},
    "fisher_term": {"p": p_exp, "S": const, "mu": const, "L_u": const, "U": const},
    "weighted_gauss_newton_lse": {"mu": const, "G": const},
}


def test_error_strategies_cover_the_constructors():
    ctors = {n for n in ("synthetic", "zero", "fisher_logistic", "fisher_softmax", "gauss_newton",
                         "fisher_term", "weighted_gauss_newton_lse")}
    covered = {k.replace("_mu", "").replace("_U", "") for k in ERROR_STRATEGY}
    assert ctors == covered
    public = {n for n, f in vars(ap).items()
              if callable(f) and not n.startswith("_") and getattr(f, "__module__", "") == ap.__name__
              and n not in ("apply", "ErrorModel")}
    assert public == ctors


def _rates_promptly(bound: ClassBound):
    for convex in (False, True):
        for rule in ("theory", "adaptive"):
            thm = theorem(bound, convex=convex, step=rule)
            K = thm.K_numeric(np.array([1e-6, 1e-2]), F0=1.0, G0=1.0, D=1.0 if convex else None)
            assert K.shape == (2,) and not np.any(np.isnan(K))
            order = thm.order()
            top = max((m.alpha_f for m in bound.monomials if sp.sympify(m.M).is_zero is not True), default=None)
            if top is not None and not (convex and top == 0.0):
                assert order["exponent"] == pytest.approx(top + (0.0 if convex else 1.0), rel=1e-15)


def _inv_pi(mons, tv: float) -> float:
    return math.fsum(M * tv ** (-a) for a, M in mons)


@pytest.mark.parametrize("name", list(PARAM_STRATEGY))
def test_class_constants_for_arbitrary_floats(name):
    err_kind = st.sampled_from(sorted(ERROR_STRATEGY))

    @SETTINGS
    @given(params=st.fixed_dictionaries(PARAM_STRATEGY[name]), kind=err_kind, data=st.data())
    def run(params, kind, data):
        ev = data.draw(st.fixed_dictionaries(ERROR_STRATEGY[kind]))
        with time_budget(BUDGET_S, f"{name}({params}) with {kind}({ev})"):
            check(params, kind, ev)

    def check(params, kind, ev):
        cls = get_class(name, **params)
        b = cls.bound()
        got = [(m.alpha_f, m.M_f) for m in b.monomials]
        want = expected_class(name, params)
        assert len(got) == len(want)
        for (ga, gM), (wa, wM) in zip(got, want):
            assert _close(ga, wa) and _close(gM, wM), (params, got, want)
        _rates_promptly(b)
        C1, C2, beta = expected_error(kind, ev)
        if not (math.isfinite(C1) and math.isfinite(C2)):
            # a constant beyond the double range is rejected, not silently infinite
            with pytest.raises(ValueError, match="must be finite"):
                build_error(kind, ev)
            return
        err = build_error(kind, ev)
        assert _close(float(err.C1), C1) and _close(float(err.C2), C2) and _close(float(err.beta), beta)
        if cls.hessian == "exact":
            comp = ap.apply(cls, err)
            relax = cls.region == "O" and not err.dominates_hessian
            mons = [(a, M * (2.0 ** (1 - a) if relax else 1.0)) for a, M in want] + [(1.0, C1), (beta, C2)]
            for tv in (0.5, 1.0, 2.0):
                g = _inv_pi([(m.alpha_f, m.M_f) for m in comp.monomials], tv)
                w = _inv_pi(mons, tv)
                assert math.isclose(g, w, rel_tol=4 * REL, abs_tol=TINY), (params, ev, g, w)
            _rates_promptly(comp)

    run()


@pytest.mark.parametrize("name,params", [
    ("holder_hessian", {"nu": 0.35000000000000003, "L_nu": 847433.7111265405}),
    ("holder_third", {"nu": 0.999983, "L_3nu": 999999.999989}),
    ("generalized_self_concordant", {"nu": 2.999983, "M_f": 0.123457, "L": 999999.999989}),
    ("holder_hessian", {"nu": 0.997, "L_nu": 123456.789}),
    ("holder_hessian", {"nu": 0.97, "L_nu": 1234.57}),
])
def test_reported_cases_are_prompt_and_correct(name, params):
    with time_budget(BUDGET_S, f"{name}({params})"):
        cls = get_class(name, **params)
        M = cls.bound().monomials[0].M_f
        comp = ap.apply(cls, ap.fisher_term(2.999983, 0.123457, 999999.999989, 1.5, 2.5))
        _rates_promptly(comp)
    assert _close(M, expected_class(name, params)[0][1])


def test_float_conversion_keeps_short_decimals_exact():
    assert exact_float(0.1) == sp.Rational(1, 10)
    assert exact_float(0.35) == sp.Rational(7, 20)
    assert exact_float(123456.0) == 123456
    assert isinstance(exact_float(123456.789), sp.Float)   # denominator 1000: not short
    long = exact_float(0.35000000000000003)
    assert isinstance(long, sp.Float)
    # the Float is the exact binary value of the double
    assert sp.Rational(long) == sp.Rational(*(0.35000000000000003).as_integer_ratio())
    with pytest.raises(ValueError, match="x must be a finite"):
        exact_float(float("nan"))
