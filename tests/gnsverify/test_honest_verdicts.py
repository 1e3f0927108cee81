"""A PASS needs something that could have failed: NOT CLAIMED where the theory makes no
claim, INCONCLUSIVE (with what is missing) where a claim cannot be decided, and no
conclusion drawn outside the region the constants were derived on."""
import math

import numpy as np
import pytest

from gnsverify import catalog, cli
from gnsverify import explore as X
from gnsverify.verdict import FAIL, INCONCLUSIVE, NOT_CLAIMED, PASS, decide, worst
from gnsverify.verify import verify


def test_decide_never_passes_on_nothing_and_not_claimed_wins():
    assert decide("c", "k", tried=0, what="none").verdict == INCONCLUSIVE
    assert decide("c", "k", tried=3, what="3 held").verdict == PASS
    v = decide("c", "k", tried=3, what="3 held", not_claimed="indefinite H")
    assert v.verdict == NOT_CLAIMED and "indefinite H" in v.detail
    assert worst([NOT_CLAIMED, PASS]) == PASS
    assert worst([NOT_CLAIMED]) == NOT_CLAIMED
    assert worst([]) == INCONCLUSIVE
    assert worst([PASS, INCONCLUSIVE, NOT_CLAIMED]) == INCONCLUSIVE


def test_rate_claims_for_an_indefinite_hessian_rule_are_not_claimed():
    case = catalog.get_case("synthetic_indefinite")
    rep = verify(case, budget="quick")
    by = {v.claim: v for v in rep.verdicts}
    for claim in ("global_bound", "order"):
        assert by[claim].verdict == NOT_CLAIMED, by[claim]
        assert "Lemma 1" in by[claim].detail
    # what is claimed for every H (the audit, the algorithm's guarantees) is still checked
    assert by["audit:trace"].verdict == PASS and by["audit:trace"].tried > 0
    assert by["invariant:acceptance"].verdict == PASS


def test_x0_outside_the_box_is_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match="must lie in the box"):
        X.explore("x**4/4 + x**2/2", ["x"], box=[(-1, 1)], x0=[5.0], convex=True, f_star=0.0,
                  samples=4, budget="quick")
    code = cli.main(["explore", "x**4/4 + x**2/2", "--vars", "x", "--box=-1,1", "--x0", "5",
                     "--convex", "--f-star", "0", "--quiet", "--out", str(tmp_path / "o")])
    assert code == 2 and "must lie in the box" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_without_a_derived_class_or_convexity_nothing_is_passed():
    """sin has its Lipschitz-Hessian constant on the box, but is not convex there: the
    rate claims rest on a PSD H, so they are not decided; the overall is not PASS."""
    res = X.explore("sin(x)", ["x"], samples=6, budget="quick")
    assert not res["convex"]
    assert res["overall"] != PASS
    rate = [r for r in res["records"] if r["claim"] in ("global_bound", "order")]
    assert rate and all(r["verdict"] == INCONCLUSIVE and "--convex" in r["detail"] for r in rate)


def test_claims_at_iterates_outside_the_box_are_undecided_not_failed():
    """From x0 = 0.9 in [-1, 1], the ball of radius pi(|g(x0)|) leaves the box: the
    constants derived on the box say nothing there."""
    res = X.explore("x**4/4 + x**2/2", ["x"], box=[(-1, 1)], x0=[0.9], convex=True, f_star=0.0,
                    samples=6, budget="quick")
    recs = res["records"]
    assert not [r for r in recs if r["verdict"] == FAIL]
    rate = [r for r in recs if r["claim"] == "global_bound"]
    assert rate and all(r["verdict"] == INCONCLUSIVE and "leaves the region" in r["detail"]
                        for r in rate)


@pytest.mark.parametrize("expr, box, convex", [
    ("x**4/4 + x**2/2", [(-1, 1)], True),
    ("x**4 - x**2", [(-2, 2)], False),          # f''(0) = -2
    ("sin(x)", [(-2, 2)], False),
    ("x0**2 + x0*x1 + x1**2 + x0**4", [(-1, 1), (-1, 1)], True),   # diagonally dominant
])
def test_convexity_is_certified_only_where_it_holds(expr, box, convex):
    from theory.constants import convexity_certificate
    from theory.expr import SymbolicFunction
    names = "x" if len(box) == 1 else "x0,x1"
    cert = convexity_certificate(SymbolicFunction.parse(expr, names), box)
    assert cert["convex"] is convex
    if convex:
        assert cert["lower"] >= 0 and math.isfinite(cert["lower"])
    # the certificate is a lower bound of the sampled Gershgorin margin
    assert cert["lower"] <= cert["sampled"] + 1e-12 or not math.isfinite(cert["lower"])


def test_undeclared_convexity_is_decided_on_the_box():
    res = X.explore("x**4/4 + x**2/2", ["x"], box=[(-1, 1)], x0=[0.2], samples=4, budget="quick",
                    verify_claims=False)
    assert res["convex"] and res["convex_how"].endswith("(Gershgorin)")
    res = X.explore("x**4 - x**2", ["x"], samples=4, budget="quick", verify_claims=False)
    assert not res["convex"] and res["convex_how"] is None
