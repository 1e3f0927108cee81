"""``explore``: a function typed as an expression, end to end, with a small budget.

Expected values are derived by hand, not read off a run:

* ``x^4/4``: ``r_x(h) = 3 x h^2 + h^3``. On the ball the worst step is
  ``h = gamma sign(x)``, giving ``gamma_ball(x) = S |x|`` with ``S^3 + 3 S^2 = 1``
  (``S ~ 0.5321``). On ``Ball ∩ O`` the steps are ``h = -t sign(x)``, ``0 < t <= |x|/3``,
  and ``|r|/|h| = 3|x|t - t^2 <= 8|x|^2/9``, so ``gamma(x) = 9|x|/8``. With
  ``|g| = |x|^3`` both are power laws with exponent ``1/3``.
* ``log(1 + e^x)``: ``f''' = s(1-s)(1-2s)`` (``s`` the logistic function) peaks at
  ``1/(6 sqrt 3)``, which every certified Lipschitz-Hessian constant must cover.
"""
import json
import math

import numpy as np
import pytest
import sympy as sp

from gnsverify import cli, explore as X
from theory.expr import SymbolicFunction

S_BALL = float(sp.CRootOf(sp.Symbol("s") ** 3 + 3 * sp.Symbol("s") ** 2 - 1, 2))


def test_fit_power_law_recovers_an_exact_law_and_skips_bad_points():
    g = np.array([1e-3, 1e-2, 0.1, 1.0, 10.0, 0.0, 5.0])
    y = 2.5 * g ** 0.4
    y[-1] = np.inf                       # no violation found: not a point of the law
    fit = X.fit_power_law(g, y)
    assert fit["c"] == pytest.approx(2.5, rel=1e-12) and fit["alpha"] == pytest.approx(0.4, abs=1e-12)
    assert fit["r2"] == pytest.approx(1.0) and fit["used"] == 5 and fit["skipped"] == 2
    assert X.fit_power_law([1.0, 2.0], [1.0, 2.0])["alpha"] is None        # too few points
    assert X.fit_power_law([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])["alpha"] is None   # no spread


def _no_tapes(*a, **k):
    raise ValueError("expression contains erf, which the tape does not support.")


def test_numeric_oracles_agree_with_sympy_on_both_paths(monkeypatch):
    fun = SymbolicFunction.parse("log(1 + exp(x0 - x1)) + x0**4/4 + x1**2", "x0,x1")
    x = np.array([0.3, -0.7])
    xs = dict(zip(fun.x, x))
    f_ref = float(fun.expr.evalf(subs=xs))
    g_ref = np.array([float(e.evalf(subs=xs)) for e in fun.gradient])
    H_ref = np.array([[float(e.evalf(subs=xs)) for e in row] for row in fun.hessian.tolist()])
    problem, path = X._numeric_problem_for(fun, x)
    assert path == "compiled"
    monkeypatch.setattr(X, "_compiled_problem", _no_tapes)
    slow, slow_path = X._numeric_problem_for(fun, x)
    assert slow_path == "callables" and slow.name == "expression"
    for p in (problem, slow):
        assert p.value(x) == pytest.approx(f_ref, rel=1e-13)
        np.testing.assert_allclose(p.grad(x), g_ref, rtol=1e-12)
        np.testing.assert_allclose(p.hess(x), H_ref, rtol=1e-12)
        np.testing.assert_array_equal(p.hess(x, "zero"), np.zeros((2, 2)))


def test_an_expression_the_tapes_cannot_compile_gets_the_whole_pipeline(monkeypatch):
    """erf has no tape instruction: the same pipeline runs on NumPy callables."""
    res = X.explore("x**2 + erf(x)**2", ["x"], box=[(-1, 1)], samples=4, budget="quick")
    assert res["oracles"] == "callables" and "NumPy callables" in res["note"]
    assert res["reports"] and res["records"]
    assert any(c["constant"] == "L2" for c in res["constants"])


@pytest.mark.parametrize("convex, c_expected", [(False, S_BALL), (True, 9 / 8), (None, 9 / 8)])
def test_quartic_gamma_profile_matches_the_hand_derivation(convex, c_expected):
    res = X.explore("x**4/4", ["x"], box=[(-2, 2)], samples=8, convex=convex, verify_claims=False)
    # undeclared (None), convexity is decided on the box: x**4/4 has f'' = 3 x**2 >= 0 there
    assert res["convex"] == (convex is not False)
    assert res["convex_how"] == {True: "declared", False: None}[convex] if convex is not None \
        else res["convex_how"].endswith("on the box (Gershgorin)")
    fit = res["fit"]
    assert fit["alpha"] == pytest.approx(1 / 3, abs=1e-3)
    assert fit["c"] == pytest.approx(c_expected, rel=2e-3)
    # the gamma estimates are upper estimates of the true gamma(x) = c |x|
    for x, gam in zip(res["profile"]["x"], res["profile"]["gamma"]):
        if math.isfinite(gam):
            assert gam >= c_expected * abs(x[0]) * (1 - 1e-9)


def test_explore_quartic_end_to_end_from_the_cli(tmp_path, capsys):
    out = tmp_path / "ex"
    code = cli.main(["explore", "x**4/4", "--vars", "x", "--box", "-2,2", "--convex", "--f-star", "0",
                     "--samples", "8", "--budget", "quick", "--quiet", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    for f in ("explore.json", "gamma_profile.csv", "results.json", "results.csv", "EXPLORE.md",
              "figures/gamma_profile.png"):
        assert (out / f).is_file(), f
    data = json.loads((out / "explore.json").read_text())
    by_const = {c["constant"]: c for c in data["constants"]}
    assert by_const["L2"]["value"] == pytest.approx(12.0)          # sup |6x| on [-2, 2]
    assert by_const["L2"]["how"] == "closed form"
    results = json.loads((out / "results.json").read_text())
    assert results and not [r for r in results if r["verdict"] == "FAIL"]
    gb = [r for r in results if r["claim"] == "global_bound"]
    assert gb and all(r["verdict"] == "PASS" for r in gb)           # decidable: f* = 0 given
    assert "fitted gamma ~" in text and str(out) in text


def test_explore_softplus_end_to_end(tmp_path):
    res = X.explore("log(1+exp(x))", "x", box=[(-3, 3)], samples=8, convex=True, f_star=0.0,
                    budget="quick")
    l2 = next(c for c in res["constants"] if c["constant"] == "L2")
    assert l2["how"] in ("closed form", "certified")
    assert l2["value"] >= 1 / (6 * math.sqrt(3)) * (1 - 1e-9)
    assert l2["value"] <= 1 / (6 * math.sqrt(3)) * 1.05
    # softplus has its infimum at -inf: every run leaves the box [-3, 3] the constants
    # were derived on, and what is claimed there is left undecided, with that reason
    assert res["overall"] == "INCONCLUSIVE"
    recs = res["records"]
    assert not [r for r in recs if r["verdict"] == "FAIL"]
    rate = [r for r in recs if r["claim"] in ("global_bound", "order")]
    assert rate and all(r["verdict"] == "INCONCLUSIVE" and "leaves the region" in r["detail"]
                        for r in rate)
    from gnsverify.report.explore import write_explore
    files = write_explore(tmp_path, res, figures=False)
    assert "EXPLORE.md" in files and not list(tmp_path.rglob("*.png"))
    assert "Predicted rates" in (tmp_path / "EXPLORE.md").read_text()


def test_without_f_star_the_rate_claims_are_inconclusive():
    res = X.explore("log(1+exp(x))", "x", samples=4, convex=True, budget="quick")
    gb = [r for r in res["records"] if r["claim"] == "global_bound"]
    assert gb and all(r["verdict"] == "INCONCLUSIVE" for r in gb)


def test_a_false_convexity_declaration_is_an_input_error(tmp_path, capsys):
    code = cli.main(["explore", "x**4/4 - x**2", "--vars", "x", "--convex", "--samples", "6", "--quiet",
                     "--out", str(tmp_path / "e")])
    err = capsys.readouterr().err
    assert code == 2 and "--convex" in err and "eigenvalue" in err
    assert not (tmp_path / "e").exists()
