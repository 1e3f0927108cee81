"""The falsification search: reproducible, shrinks to a readable counterexample."""
import numpy as np
import pytest

from gnsverify.cases import Case, Family
from gnsverify.catalog import holder_1d_case
from gnsverify.falsify import check_instance, search
from gnsverify.gamma_search import violation_at
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
def test_bad_arguments(kwargs, match, rejects_on_cubic):
    rejects_on_cubic(search, kwargs, match)


def test_bad_target():
    with pytest.raises(ValueError, match="claim_or_case must be"):
        search("holder")
    fam = Family("f", holder_power_params(), holder_1d_case)
    with pytest.raises(ValueError, match="gamma needs a Case"):
        search(fam, what="gamma")


def test_reduced_gamma_search_at_radius_pi_still_finds_a_genuine_violation():
    """The large-n search (few random directions, the radius pi only) is a subset of the
    full one: on a false claim it must still produce a genuine counterexample."""
    from gnsverify.gamma_search import gamma_check
    case = _optimistic_holder_case(dict(nu=1.0, x0=1.0))
    v = gamma_check(case, [np.array([1.0]), np.array([0.5])], search=dict(n_dirs=2, n_radii=1),
                    label="reduced search")
    assert v.verdict == FAIL and v.tried == 1
    cx = v.counterexample
    assert cx["lhs"] > cx["rhs"] and cx["step"] <= cx["radius"] * (1 + 1e-12)
    assert "reduced search" in cx["search"] and "radius pi(||g||) only" in cx["search"]


def test_verify_runs_the_reduced_gamma_search_above_the_size_limit(monkeypatch):
    """Above the budget's gamma_max_n the gamma claim is decided, not skipped, and the
    verdict says what was tried."""
    import importlib
    V = importlib.import_module("gnsverify.verify")
    monkeypatch.setitem(V.BUDGETS["quick"], "gamma_max_n", 0)
    rep = V.verify(holder_1d_case(dict(nu=1.0, x0=1.0)), budget="quick", runs=("theory", "adaptive"))
    v = {x.claim: x for x in rep.verdicts}["falsify:gamma_lower_bound"]
    red = V.BUDGETS["quick"]["large_n"]
    assert v.verdict == PASS and 1 <= v.tried <= 2 * red["run_points"] + red["random_points"]
    assert f"no violation of gamma(x) >= pi(||g(x)||_*) at {v.tried} sampled points" in v.detail
    assert "reduced search (n = 1 > 0)" in v.detail
    assert f"{red['n_dirs']} random" in v.detail and "radius pi(||g||) only" in v.detail


def test_shrinking_is_bounded_and_the_counterexample_is_one_that_failed():
    """Past the shrink budget no candidate is computed, and what is reported failed when
    checked (so it replays)."""
    from hypothesis import strategies as st
    from gnsverify.falsify import _run_property
    seen = []

    def check(x):
        seen.append(x)
        return {"x": x} if x > 0.5 else None

    cx, calls = _run_property(st.floats(0, 1e6), check, examples=50, seed=0, shrink_budget=3)
    assert cx is not None and cx["x"] > 0.5 and cx["x"] in seen
    first = next(i for i, x in enumerate(seen) if x > 0.5)
    assert calls == len(seen) and len(seen) - (first + 1) <= 3
