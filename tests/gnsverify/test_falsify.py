"""The falsification search: reproducible, shrinks to a readable counterexample."""
import numpy as np
import pytest

from gnsverify.cases import Case, Family
from gnsverify.catalog import holder_1d_case
from gnsverify.falsify import check_instance, search, violation_at
from gnsverify.strategies import holder_power_params
from gnsverify.verdict import FAIL, INCONCLUSIVE, PASS
from numeric.problems import power_1d
from theory.classes import HolderHessian


def _optimistic_holder_case(params):
    """The Hölder power family with ``L_nu`` claimed 8 times too small (false)."""
    nu, x0 = float(params["nu"]), float(params["x0"])
    return Case(name="optimistic", problem=power_1d(nu), claim=HolderHessian(nu=nu, L_nu=(1 + nu) / 8),
                convex=True, D=abs(x0), D_how="construction", x0=np.array([x0]), max_iter=30,
                params=dict(nu=nu, x0=x0))


def test_gamma_search_passes_a_true_claim_and_counts_examples():
    v = search(holder_1d_case(dict(nu=1.0, x0=1.0)), examples=6, seed=1, what="gamma")
    assert v.verdict == PASS and v.tried == 6


def test_gamma_search_fails_a_false_claim_with_a_genuine_step():
    case = _optimistic_holder_case(dict(nu=1.0, x0=1.0))
    v = search(case, examples=10, seed=0, what="gamma")
    assert v.verdict == FAIL
    cx = v.counterexample
    assert {"instance", "x", "inequality", "lhs", "rhs", "h", "radius"} <= set(cx)
    assert cx["lhs"] > cx["rhs"] and abs(cx["h"][0]) <= cx["radius"] * (1 + 1e-12)
    # the reported step is a genuine counterexample: recompute the residual directly
    p, x, h = case.get_problem(), np.array(cx["x"]), np.array(cx["h"])
    r = p.grad(x + h) - p.grad(x) - p.hess(x) @ h
    assert abs(r[0]) > abs(p.grad(x)[0]) * abs(h[0]) / cx["radius"]


def test_same_seed_same_verdict():
    case = _optimistic_holder_case(dict(nu=0.5, x0=2.0))
    a = search(case, examples=5, seed=3, what="gamma")
    b = search(case, examples=5, seed=3, what="gamma")
    assert a.to_dict() == b.to_dict()


def test_instance_search_shrinks_a_false_family_claim():
    fam = Family("optimistic_holder", holder_power_params(), _optimistic_holder_case)
    v = search(fam, examples=5, seed=0, what="instances")
    assert v.verdict == FAIL
    cx = v.counterexample
    assert {"instance", "iteration", "inequality", "lhs", "rhs"} <= set(cx)
    # the shrunk instance is a readable one that reproduces the failure on its own
    assert cx["instance"]["x0"] in (1.0, -1.0)
    again = check_instance(_optimistic_holder_case(cx["instance"]))
    assert again is not None and again["inequality"] == cx["inequality"]
    good = Family("holder", holder_power_params(), holder_1d_case)
    assert search(good, examples=4, seed=0, what="instances").verdict == PASS


def test_case_without_family_cannot_be_searched_for_instances():
    v = search(holder_1d_case(dict(nu=1.0, x0=1.0)), examples=2, what="instances")
    assert v.verdict == INCONCLUSIVE and "no instance family" in v.detail


def test_violation_at_returns_none_at_the_minimizer_gradient_zero():
    assert violation_at(holder_1d_case(dict(nu=1.0, x0=1.0)), np.zeros(1)) is None


@pytest.mark.parametrize("kwargs, match", [
    (dict(what="everything"), "what must be one of"),
    (dict(examples=0), "examples must be an integer"),
    (dict(seed=-2), "seed must be an integer"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        search(holder_1d_case(dict(nu=1.0, x0=1.0)), **kwargs)


def test_bad_target():
    with pytest.raises(ValueError, match="claim_or_case must be"):
        search("holder")
    fam = Family("f", holder_power_params(), holder_1d_case)
    with pytest.raises(ValueError, match="gamma needs a Case"):
        search(fam, what="gamma")
