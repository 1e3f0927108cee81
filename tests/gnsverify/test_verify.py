"""verify / campaign: verdicts, report shape, provenance and bad input."""
import json

import numpy as np
import pytest

from gnsverify.cases import Case, TheoryRate
from gnsverify.catalog import holder_1d_case
from gnsverify.verdict import FAIL, INCONCLUSIVE, PASS
from gnsverify.checks.order import fit_order
from gnsverify.verify import campaign, resolve_budget, verify
from numeric.problems import power_1d
from theory.classes import FirstOrder, HolderHessian
from theory.rates import RateTheorem

ROW_KEYS = {"case", "class", "exponent", "predicted_order", "predicted_K", "observed_K", "ratio",
            "fitted_exponent", "predicted_exponent", "verdict", "run", "theory_not_shown", "measure"}


def _claims(rep):
    return {v.claim: v for v in rep.verdicts}


@pytest.fixture(scope="module")
def cubic_report():
    return verify(holder_1d_case(dict(nu=1.0, x0=1.0)), budget="quick", runs=("theory", "adaptive"))


def test_true_claim_passes_every_check(cubic_report):
    rep = cubic_report
    assert rep.verdict == PASS, [(v.claim, v.detail) for v in rep.verdicts]
    claims = _claims(rep)
    for name in ("invariant:acceptance", "invariant:step_bound", "invariant:no_rejection_below_pi",
                 "invariant:lemma1_decrease", "invariant:convex_gap", "global_bound", "order",
                 "falsify:gamma_lower_bound"):
        assert claims[name].verdict == PASS and claims[name].tried > 0


def test_report_is_json_ready_and_has_the_documented_shape(cubic_report):
    rep = cubic_report
    d = json.loads(json.dumps(rep.to_dict()))
    assert set(rep.row) == ROW_KEYS and rep.row["verdict"] == PASS and rep.row["run"] == "theory"
    assert rep.row["theory_not_shown"] is None          # the row shows the theory run itself
    assert set(rep.runs) == {"theory", "adaptive"}
    assert d["curves"]["measure"] == rep.row["measure"] == "f - f*"
    run = d["curves"]["runs"]["theory"]
    assert len(run["k"]) == len(run["value"]) == rep.runs["theory"].trace.f.shape[0]
    assert len(d["curves"]["bound"]["theory"]["eps"]) == len(d["curves"]["bound"]["theory"]["K"])
    # Lipschitz Hessian, convex: K(eps) = O(eps^-1/2), and the run is no slower
    assert rep.row["predicted_exponent"] == pytest.approx(0.5)
    assert rep.row["observed_K"] <= rep.row["predicted_K"]


def test_estimated_constant_and_missing_D_make_dependent_claims_inconclusive():
    case = Case(name="cubic_est", problem=power_1d(1.0), claim=HolderHessian(nu=1, L_nu=2),
                convex=True, constants_how={"M": "estimated"}, max_iter=30)
    rep = verify(case, budget="quick", runs=("theory", "adaptive"))
    c = _claims(rep)
    assert c["global_bound"].verdict == INCONCLUSIVE
    assert "estimated" in c["global_bound"].detail and "D is unknown" in c["global_bound"].detail
    assert c["invariant:lemma1_decrease"].verdict == INCONCLUSIVE
    # the guaranteed facts of the algorithm are still decided
    assert c["invariant:step_bound"].verdict == PASS
    assert rep.verdict == INCONCLUSIVE


class SmallConstantRate(TheoryRate):
    """The convex theorem with the decrease constant 16 replaced by 1e-9 (far too strong)."""

    def __init__(self, bound):
        super().__init__(bound, convex=True)
        self.theorem = RateTheorem(bound=bound, setting="convex", step="theory", constant=1e-9)


def test_global_bound_fails_when_the_run_needs_more_than_K():
    # gradient method on |x|^3/3 (first-order class, L = 2 on the sublevel set) is
    # sublinear (about 1000 iterations to the last rung); K(eps) with the constant 1e-9
    # is only its logarithmic terms (< 100) and must be contradicted
    def case(rate=None):
        return Case(name="gd_cubic", problem=power_1d(1.0), claim=FirstOrder(L=2), hessian="zero",
                    convex=True, D=1.0, D_how="construction", max_iter=3000, rate_model=rate)
    good = _claims(verify(case(), budget="quick", runs=("theory",)))["global_bound"]
    assert good.verdict == PASS
    c = case()
    v = _claims(verify(case(SmallConstantRate(c.bound())), budget="quick", runs=("theory",)))["global_bound"]
    assert v.verdict == FAIL
    cx = v.counterexample
    assert cx["lhs"] > cx["rhs"] and cx["inequality"] == "global_bound"


def test_fit_order_recovers_exponent_and_never_fails_on_quantization():
    eps = 10.0 ** -np.arange(1, 7)
    K = np.ceil(3.0 * eps ** -0.5)
    fit = fit_order(eps, K, "sublinear")
    assert fit["slope"] == pytest.approx(0.5, abs=0.02)
    assert fit["slope_min"] <= 0.5 <= fit["slope"] + 0.02
    lin = fit_order(eps, np.ceil(4.0 * np.log(1 / eps)), "linear")
    assert lin["slope"] == pytest.approx(4.0, abs=0.2) and lin["slope_min"] <= 4.0


def test_campaign_runs_cases_in_order_with_progress():
    events = []
    cases = [holder_1d_case(dict(nu=1.0, x0=1.0)), holder_1d_case(dict(nu=0.5, x0=-2.0))]
    reps = campaign(cases, budget="quick", progress=events.append)
    assert [r.case.name for r in reps] == ["holder_1d_nu1", "holder_1d_nu0.5"]
    assert {e["index"] for e in events} == {0, 1} and all(e["n_cases"] == 2 for e in events)
    assert events[-1]["stage"] == "done" and events[-1]["done"] == events[-1]["total"]


@pytest.mark.parametrize("kwargs, match", [
    (dict(budget="huge"), "budget must be one of"),
    (dict(budget=0), "budget must be one of"),
    (dict(runs=("theory", "newton")), "runs must be a subset"),
    (dict(seed=-1), "seed must be an integer"),
    (dict(eps=[1e-3, -1.0]), "eps must be a non-empty list"),
    (dict(progress=3), "progress must be callable"),
])
def test_bad_arguments_raise_one_clear_sentence(kwargs, match, rejects_on_cubic):
    rejects_on_cubic(verify, kwargs, match)


def test_bad_case_and_budget_inputs():
    with pytest.raises(ValueError, match="case must be a gnsverify Case"):
        verify("holder_1d_nu1")
    with pytest.raises(ValueError, match="cases must contain"):
        campaign([1])
    assert resolve_budget(7)["instances"] == 7
    with pytest.raises(ValueError, match="D_how must be one of"):
        Case(name="x", problem=power_1d(1.0), claim=HolderHessian(), D=1.0, D_how="guessed")
    with pytest.raises(ValueError, match="claim must be a function class"):
        Case(name="x", problem=power_1d(1.0), claim=3)
    with pytest.raises(ValueError, match="max_iter must be an integer"):
        Case(name="x", problem=power_1d(1.0), claim=HolderHessian(), max_iter=0)


def test_phase_experiment_plain_data_and_order_claim():
    from gnsverify.phase_experiment import phase_experiment
    d = phase_experiment(nus=(1.0,), betas=(0.0, 1.0), rungs=6, max_iter=300)
    assert json.loads(json.dumps(d))["C1"] == 0.0
    pts = {p["beta"]: p for p in d["points"]}
    assert pts[0.0]["predicted_exponent"] == pytest.approx(0.5)       # alpha = 1/(1+nu)
    assert pts[0.0]["dominant"] == "smoothness" and pts[1.0]["dominant"] == "approximation"
    assert pts[1.0]["predicted_exponent"] == pytest.approx(1.0)
    for p in pts.values():                     # never slower than the predicted order
        assert p["observed_exponent"] is not None and p["observed_exponent"] <= p["predicted_exponent"]
    # the approximation-dominated point is visibly slower than the smoothness-dominated one
    assert pts[1.0]["observed_exponent"] > pts[0.0]["observed_exponent"]
    # the worst-case family beside each point exhibits the predicted exponent (the ramp's
    # steps are pi-sized, docs/theory.md 5.5; the two monomials of pi mix over the three
    # decades, hence the 15% of the tightness target rather than the limit)
    for p in pts.values():
        assert p["worst_verdict"] == "PASS"
        assert abs(p["worst_exponent"] - p["predicted_exponent"]) <= 0.15 * p["predicted_exponent"]
        assert 0 < p["worst_ratio"] <= 1


@pytest.mark.parametrize("kwargs, match", [
    (dict(nus=(1.5,)), "nus must be"), (dict(betas=()), "betas must be"),
    (dict(C2=0.0), "C2 must be"), (dict(step="ideal"), "step must be one of"),
    (dict(rungs=2), "rungs must be"),
])
def test_phase_experiment_bad_input(kwargs, match):
    from gnsverify.phase_experiment import phase_experiment
    with pytest.raises(ValueError, match=match):
        phase_experiment(**kwargs)
