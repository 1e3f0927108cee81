"""Exported hypothesis strategies draw valid instances for the builders."""
import numpy as np
import pytest
from hypothesis import given, settings

from gnsverify import strategies as gs
from gnsverify.catalog import holder_1d_case, quadratic_zero_case, quartic_case, synthetic_case

FEW = settings(max_examples=8, database=None, deadline=None, derandomize=True)


@FEW
@given(gs.holder_power_params())
def test_holder_params_build_cases(params):
    assert 0.05 <= params["nu"] <= 1.0 and 0.1 <= abs(params["x0"]) <= 4.0
    case = holder_1d_case(params)
    b = case.bound()
    assert b.alphas()[0] == pytest.approx(1 / (1 + params["nu"]))


@FEW
@given(gs.quadratic_params())
def test_quadratic_params_build_cases(params):
    case = quadratic_zero_case(params)
    assert case.get_problem().n == params["n"] and case.D > 0


@FEW
@given(gs.quartic_params())
def test_quartic_params_build_cases(params):
    case = quartic_case(params)
    assert case.bound().alphas()[0] == pytest.approx(1 / 3)


@FEW
@given(gs.error_models())
def test_error_models_are_in_range_and_compose(err):
    assert err["C1"] == 0.0 and 0 <= err["C2"] <= 2 and 0 <= err["beta"] <= 1
    case = synthetic_case(dict(C2=err["C2"], beta=err["beta"]))
    terms = {m.alpha_f: m.M_f for m in case.bound().monomials if m.M_f > 0}
    expected = {0.5: 1.0}                                   # |x|^3/3: M = sqrt(L2/2) = 1
    if err["C2"] > 0:
        expected[err["beta"]] = expected.get(err["beta"], 0.0) + err["C2"]
    assert terms.keys() == expected.keys()
    assert all(terms[a] == pytest.approx(expected[a]) for a in expected)


@FEW
@given(gs.power_params(), gs.logistic_data())
def test_power_and_logistic_params_are_valid_builder_arguments(pp, lp):
    from numeric.problems import logistic, power
    assert power(**pp).n == pp["n"]
    assert logistic(**lp).n == lp["n"]


@FEW
@given(gs.starting_points(np.array([1.0, -2.0]), radius=0.5))
def test_starting_points_stay_in_the_ball(x):
    assert np.linalg.norm(x - np.array([1.0, -2.0])) <= 0.5 + 1e-12


def test_starting_points_bad_input():
    with pytest.raises(ValueError, match="center must be"):
        gs.starting_points(np.array([np.nan]))
    with pytest.raises(ValueError, match="radius must be"):
        gs.starting_points(np.zeros(2), radius=-1.0)
