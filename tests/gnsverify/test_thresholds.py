"""Detection thresholds mean what they say: a claim strengthened beyond the threshold
is caught by the same check, and the closed forms are the exact transitions."""
import math

import numpy as np
import pytest

from gnsverify import catalog
from gnsverify import thresholds as T
from gnsverify.cases import Case
from gnsverify.report import worth
from gnsverify.verdict import FAIL, PASS, decide
from gnsverify.verify import verify


@pytest.mark.parametrize("edge", [1.0 + 1e-6, 1.37, 7.9, 3e5])
def test_bisect_brackets_the_transition_of_a_monotone_check(edge):
    calls = []

    def caught(s):
        calls.append(s)
        return s >= edge

    hi, note = T.bisect(caught, start=2.0)
    assert hi >= edge                       # a factor at which the check was seen to catch
    # the doubling bracket spans a factor <= 2, each bisection halves its logarithm
    assert hi <= edge * 2.0 ** (2.0 ** -T.BISECTIONS) * (1 + 1e-12)
    assert "caught at" in note


def test_bisect_says_when_nothing_is_caught():
    hi, note = T.bisect(lambda s: False)
    assert hi is None and "not caught" in note


def test_rate_threshold_is_the_smallest_ratio_of_bound_to_count():
    rows = [dict(predicted=100.0, K_last=10), dict(predicted=50.0, K_last=25),
            dict(predicted=9.0, K_last=0), dict(predicted=math.inf, K_last=3)]
    s, _ = T.rate_threshold(rows)
    assert s == 2.0
    # K(eps)/s with s just above the threshold fails the rung that set it
    assert 25 > 50.0 / (s * (1 + 1e-12))


def test_order_threshold_is_the_predicted_over_the_smallest_fitted_slope():
    fits = {"theory": dict(predicted_slope=1.5, slope_min=0.3), "adaptive": dict(predicted_slope=1.5, slope_min=0.5),
            "ideal": dict(predicted_slope=1.5, slope_min=-0.1)}
    s, _ = T.order_threshold(fits)
    assert s == pytest.approx(3.0)


def test_a_threshold_is_only_attached_to_a_pass():
    v = decide("c", "global_bound", tried=0, what="nothing")
    T.attach(v, 1.3, "x")
    assert v.detection_threshold is None and "INCONCLUSIVE" in v.threshold_note
    v = decide("c", "global_bound", tried=2, what="two")
    T.attach(v, 1.3, "closed form")
    assert v.detection_threshold == 1.3
    assert T.describe(v.to_dict()) == "PASS, would catch K(eps) / 1.3"


def _gamma(rep):
    return {v.claim: v for v in rep.verdicts}["falsify:gamma_lower_bound"]


@pytest.mark.parametrize("name", ["holder_1d_nu0.5", "cosh_l0l1_zero"])
def test_the_gamma_threshold_is_a_factor_the_check_catches(name):
    """Strengthen the claim to s pi just above the reported threshold: the same
    campaign (rerun on the strengthened case) FAILs it."""
    case = catalog.get_case(name)
    v = _gamma(verify(case, budget="quick"))
    assert v.verdict == PASS and v.detection_threshold is not None
    t = v.detection_threshold
    assert t > 1.0
    strong = verify(case.strengthened(t * 1.01), budget="quick")
    assert _gamma(strong).verdict == FAIL
    cx = _gamma(strong).counterexample
    assert cx["lhs"] > cx["rhs"]             # the replayable witness


def test_on_a_tight_instance_the_threshold_is_one_up_to_the_bisection():
    """holder_1d_nu1 is x^3-like: gamma(x) = pi(|g(x)|) exactly (docs/theory.md)."""
    v = _gamma(verify(catalog.get_case("holder_1d_nu1"), budget="quick"))
    assert 1.0 < v.detection_threshold < 1.0 + 1e-4


@pytest.mark.parametrize("nu, a", [(0.25, -2.0), (0.5, 1.0)])
def test_the_tilted_power_is_tight_for_every_nu(nu, a):
    """At its kink the tilted power has gamma(0) = pi(|a|) exactly (docs/theory.md
    finding 13), where the power |x|^(2+nu)/(2+nu) is 1.65 (nu = 1/2) to 3.2 (nu = 1/4)
    from binding; the Hölder families hold both, so the class bound's threshold is 1 up
    to the bisection, and s pi just above it is FAILed at x = 0."""
    case = catalog.holder_tilted_case(dict(nu=nu, a=a))
    v = _gamma(verify(case, budget="quick"))
    assert v.verdict == PASS and 1.0 < v.detection_threshold < 1.0 + 1e-4
    strong = _gamma(verify(case.strengthened(1.001), budget="quick"))
    assert strong.verdict == FAIL


def test_a_quadratic_with_its_exact_hessian_has_nothing_to_catch():
    v = _gamma(verify(catalog.get_case("quadratic_newton"), budget="quick"))
    assert v.verdict == PASS and v.detection_threshold is None
    assert "nothing false to catch" in v.threshold_note


def test_invariant_threshold_is_caught_by_the_reevaluated_rejections():
    """On the adaptive run a rejected trial at gamma certifies gamma(x_k) < gamma: the
    rejection channel catches s pi exactly from min(trial_gamma / pi_k) on."""
    case = catalog.get_case("quadratic_zero_n4")
    rep = verify(case, budget="quick")
    v = {x.claim: x for x in rep.verdicts}["invariant:no_rejection_below_pi"]
    tr = rep.runs["adaptive"].trace
    rej = ~np.asarray(tr.trial_accepted, bool)
    it = np.asarray(tr.trial_iter)[rej]
    pi_k = case.bound().pi(np.asarray(tr.gnorm, float)[it])
    direct = float(np.min(np.asarray(tr.trial_gamma, float)[rej] / pi_k))
    assert v.detection_threshold == pytest.approx(direct, rel=2 ** -7)
    assert v.detection_threshold >= direct * (1 - 1e-12)


def test_worth_rows_take_the_smallest_channel_and_flag_weak_claims():
    recs = [dict(case="a", claim="falsify:gamma_lower_bound", verdict=PASS, detection_threshold=3.0,
                 threshold_note=""),
            dict(case="a", claim="invariant:no_rejection_below_pi", verdict=PASS,
                 detection_threshold=1.2, threshold_note=""),
            dict(case="a", claim="global_bound", verdict=PASS, detection_threshold=500.0,
                 threshold_note=""),
            dict(case="b", claim="falsify:gamma_lower_bound", verdict=FAIL, detection_threshold=None,
                 threshold_note="")]
    rows = worth.rows(recs)
    a, b = rows
    assert a["class_threshold"] == 1.2 and a["via"] == "rejections"
    assert b["class_verdict"] == FAIL and b["class_threshold"] is None
    weak = worth.weak(rows)
    assert [(w["case"], w["claim"]) for w in weak] == [("a", "global_bound")]
