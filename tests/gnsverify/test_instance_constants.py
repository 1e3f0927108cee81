"""Instance-certified constants (gnsverify.instance_constants, docs/theory.md 5.6): the
error norm is the one the formula gives, a model below the measured error is caught at
the iterate where it fails, and a flagship row compares both constant sets."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from gnsverify import instance_constants as ic
from gnsverify.catalog import LA_INFLATE, get_case

CASE = "logistic_breast_cancer_fisher"


def test_the_fisher_error_of_logistic_regression_is_the_formula():
    """``F - hess f = (1/m) sum_j s_j (2 s_j - 1) a_j a_j^T`` with ``s_j = sigma(-y_j a_j^T x)``
    (the ridge cancels): the 2-norm ``error_norm`` reports, written out by hand."""
    case = get_case(CASE)
    p = case.get_problem()
    A, y = p.data[0], p.data[1]
    rng = np.random.default_rng(0)
    for x in (np.zeros(p.n), 0.3 * rng.standard_normal(p.n), rng.standard_normal(p.n)):
        s = expit(-y * (A @ x))
        E = (A * (s * (2 * s - 1))[:, None]).T @ A / A.shape[0]
        want = np.max(np.abs(np.linalg.eigvalsh(E)))
        got = ic.error_norm(p, "fisher", {}, x)
        # above the formula, by at most the inflation and the stated rounding allowance
        scale = np.linalg.norm(p.hess(x, "fisher")) + np.linalg.norm(p.hess(x))
        assert want <= got <= want * (1 + 2 * LA_INFLATE) + 32 * p.n * 2.0 ** -53 * scale


@pytest.fixture(scope="module")
def row():
    return ic.flagship_row(CASE)


def test_a_model_below_the_measured_error_is_caught_where_it_fails(row):
    """The broken variant of the certification: a constant half the largest error of the
    run the row certified must fail `instance_error_certified`, at an iterate whose
    measured error exceeds it."""
    r, _ = row
    case = get_case(CASE)
    measure, rel, stop = ic._measure(case, case.get_problem())
    half = ic._model(0.5 * r["error_max_theory"], 0, 1)
    a = ic.certified_run(case, half, r["budget"], stop, rel)
    assert a["bad"] is not None
    assert a["cert"][a["bad"]] > a["allowed"][a["bad"]] == pytest.approx(float(half.C1))


def test_the_row_certifies_its_model_and_compares_both_constant_sets(row):
    r, v = row
    assert v.verdict == "PASS" and r["chosen"] == "instance"
    # replayed, the chosen model covers the error at every iterate of its run
    case = get_case(CASE)
    measure, rel, stop = ic._measure(case, case.get_problem())
    m = r["error_model"]
    a = ic.certified_run(case, ic._model(m["C1"], m["C2"], m["beta"]), r["budget"], stop, rel)
    assert a["certified"] and a["hit"] == r["instance"]["theory_iterations"]
    for label in ("paper", "instance"):
        d = r[label]
        assert d["pi_g0"] > 0 and d["K"] > 0 and d["median_gamma_over_pi"] > 0
    # the paper's model was checked at its own run's iterates too
    assert any(m["paper"] and m["certified"] for m in r["models_tried"])
    assert r["budget"] == ic.ITER_FACTOR * r["pilot_iterations"]


def _third(P, y, u, h, d=1e-4):
    """``D^3 f(y)[u, h, h]`` by a central difference of the exact Hessian along ``u``."""
    return float(h @ (P.hess(y + d * u) - P.hess(y - d * u)) @ h) / (2 * d)


def test_the_chebyshev_region_constant_bounds_the_third_derivative_on_its_balls():
    """`_chebyshev_region_claim`: ``|D^3 f(y)[h]^3| <= L2 ||h||^3`` on the balls it was
    built for (sampled points and directions; the central difference of a polynomial
    Hessian of degree 2 is exact up to rounding)."""
    from gnsverify.catalog import _chebyshev_region_claim
    case = get_case("chebyshev_rosenbrock_gn")
    P = case.get_problem()
    rng = np.random.default_rng(3)
    pts = np.array([case.start(), np.ones(P.n), [0.3, -0.5, 1.2]])
    radii = np.array([0.2, 0.05, 0.4])
    L2 = float(_chebyshev_region_claim(pts, radii).params["L2"])
    worst = 0.0
    for x, r in zip(pts, radii):
        for _ in range(200):
            y = x + r * rng.uniform(-1, 1) * (v := rng.standard_normal(P.n)) / np.linalg.norm(v)
            h = rng.standard_normal(P.n)
            h /= np.linalg.norm(h)
            worst = max(worst, abs(_third(P, y, h, h)))
    assert worst <= L2 * (1 + 1e-6)
    assert worst >= 0.05 * L2          # the constant is of the right size, not vacuous


def test_the_logsumexp_diameter_constant_is_quasi_self_concordant():
    """`_lse_diameter_claim`: ``|D^3 f[u, h, h]| <= (diam/mu) ||u|| <hess f h, h>`` at
    sampled points and directions."""
    from gnsverify.catalog import _lse_diameter_claim
    case = get_case("logsumexp_weighted_gn")
    P = case.get_problem()
    Q = float(_lse_diameter_claim(P.data[0], float(case.params["mu"])).params["Q"])
    rng = np.random.default_rng(4)
    for _ in range(100):
        x = case.start() + rng.standard_normal(P.n)
        u, h = rng.standard_normal(P.n), rng.standard_normal(P.n)
        u /= np.linalg.norm(u)
        lhs = abs(_third(P, x, u, h, d=1e-5))
        rhs = Q * float(h @ P.hess(x) @ h)
        assert lhs <= rhs * (1 + 1e-4) + 1e-9
