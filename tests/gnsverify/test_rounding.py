"""The rounding allowance of the rejection certificate (gnsverify.rounding): the declared
residual bounds hold against exact rational arithmetic, the allowance is negligible away
from the floor (it does not blind the check), and at the floor of a residual problem it
keeps rounding noise from being reported as a counterexample."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from gnsverify import invariants as INV
from gnsverify.rounding import ResidualRounding


def _exact_power_residual(A, b, x):
    return [sum(Fraction(a) * Fraction(xi) for a, xi in zip(row, x)) - Fraction(bi)
            for row, bi in zip(A, b)]


def _err(computed, exact):
    return float(sum((Fraction(c) - e) ** 2 for c, e in zip(computed, exact))) ** 0.5


def test_power_residual_bound_holds_exactly_near_the_floor():
    """``||fl(Ax - b) - (Ax - b)|| <= e`` at points where ``Ax - b`` is pure cancellation."""
    from numeric.problems import power
    rng = np.random.default_rng(0)
    A = rng.uniform(-1, 1, (6, 12))
    x_star = rng.uniform(-1, 1, 12)
    b = A @ x_star
    p = power(A=A, b=b, p=4.0)
    parts = p.type.kernels["residual_parts"]
    for scale in (1e-15, 1e-10, 1e-3, 1.0):
        x = x_star + scale * rng.standard_normal(12)
        u = parts(p.data, x)[0]
        e, jf = p.residual_error(x)
        assert _err(u, _exact_power_residual(A, b, x)) <= e
        assert jf >= np.linalg.norm(A)


def test_chebyshev_and_rosenbrock_residual_bounds_hold():
    from numeric.problems import chebyshev_rosenbrock, rosenbrock, rosenbrock_equations
    rng = np.random.default_rng(1)
    ch = chebyshev_rosenbrock(n=8, p=4.0)
    ro = rosenbrock_equations(5.0)
    for _ in range(20):
        x = rng.uniform(-2, 2, 8)
        u = ch.type.kernels["residual_parts"](ch.data, x)[0]
        X = [Fraction(v) for v in x]
        exact = [Fraction(1, 2) * (1 - X[0])] + [X[i] - 2 * X[i - 1] ** 2 + 1 for i in range(1, 8)]
        assert _err(u, exact) <= ch.residual_error(x)[0]
        y = x[:2]
        for prob in (ro, rosenbrock()):                 # s = 1 and s = fl(sqrt(2))
            sv = Fraction(float(prob.type.layout.fields(prob.data)["s"]))
            u = prob.type.kernels["residual_parts"](prob.data, y)[0]
            Y = [Fraction(v) for v in y]
            exact = [sv * 10 * (Y[1] - Y[0] ** 2), sv * (1 - Y[0])]
            assert _err(u, exact) <= prob.residual_error(y)[0]


def _linear_equations():
    from gnsverify.experiments import linear_equations_instance
    return linear_equations_instance("small")


def _full_budget_run(inst, hessian):
    """The notebook's run: its whole budget, into the rounding floor (f ~ 1e-60)."""
    from numeric.solver import minimize_gns
    return minimize_gns(inst.problem, inst.x0, hessian=hessian, B=inst.B, max_iter=100,
                        record_x=True, ftol=0.0, gtol=0.0, f_star=inst.f_star)


def _certificate(case, res, s=1.0, with_allowance=True):
    pi = lambda t: s * case.bound().pi(t)              # noqa: E731
    base = INV.RunContext(step="adaptive", pi=pi, psd=True, convex=False)
    rows, iters = INV.rejected_rows(res.trace, base)
    allowance = None
    if with_allowance:
        rr = ResidualRounding.of(case.get_problem(), case.hessian_rule(), case.B)
        allowance = rr.acceptance_allowance(rows, np.asarray(res.trace.x), iters)
    ctx = INV.RunContext(step="adaptive", pi=pi, psd=True, convex=False, rejected_allowance=allowance)
    ev = [e for e in INV.evaluate_run(res, ctx) if e.inequality == "rejection_certificate"][0]
    return ev, rows, allowance


@pytest.mark.parametrize("hessian", ["exact", "fisher_term"])
def test_the_allowance_is_negligible_away_from_the_floor(hessian):
    """Where ``f_k > 1e-12`` (``||u|| > 1.4e-3``, against ``e ~ 1e-13`` here) the allowance
    is a relative ``~ 10 e/||u|| < 1e-8`` of the acceptance test's terms, far below the
    size of any miss that decides the claim: the check keeps its power there."""
    inst = _linear_equations()
    res = _full_budget_run(inst, hessian)
    _, rows, allowance = _certificate(inst.cases[hessian], res)
    from theory import inequalities as TI
    _, _, arhs = TI.evaluate(TI.get("acceptance"), rows, slack=0.0, respect_when=False)
    scale = np.abs(rows["f_k"]) + np.abs(rows["f_next"]) + np.abs(arhs)
    above = (rows["f_k"] > 1e-12) & np.isfinite(allowance)
    assert above.sum() >= 5
    assert np.all(allowance[above] <= 1e-6 * scale[above])
    assert np.all(np.isfinite(allowance[np.isfinite(rows["f_next"])]))


@pytest.mark.parametrize("hessian", ["exact", "fisher_term"])
def test_the_floor_of_a_full_budget_run_raises_no_alarm(hessian):
    """The control at the floor: the notebook's full-budget runs, true claim, no FAIL of
    the certificate (rejections there are excused, and not counted as tried)."""
    inst = _linear_equations()
    res = _full_budget_run(inst, hessian)
    assert res.trace.f[-1] < 1e-40                     # the run did reach the floor
    ev, _, _ = _certificate(inst.cases[hessian], res)
    assert ev.bad.size == 0


def test_a_false_claim_is_still_caught_by_the_certificate_itself():
    """The broken variant: ``gamma >= 100 pi`` on the full-budget exact run; the
    rejection certificate (not only the search floor) FAILs it, above the floor."""
    inst = _linear_equations()
    res = _full_budget_run(inst, "exact")
    ev, rows, _ = _certificate(inst.cases["exact"], res, s=100.0)
    assert ev.bad.size and rows["f_k"][ev.bad].max() > 1.0


def test_a_rejection_in_rounding_noise_is_not_a_certificate():
    """At the floor of ``(1/4)||Ax - b||^4`` (``f ~ 1e-56``) a rejected trial below ``pi``
    whose acceptance inequality misses by noise is borderline with the allowance, and a
    certificate with the relative slack alone (the false alarm the allowance removes)."""
    inst = _linear_equations()
    p = inst.problem
    x = p.x_star + 1e-14 * np.random.default_rng(2).standard_normal(p.n)
    f_k = p.value(x)
    g_k = float(np.linalg.norm(np.linalg.solve(np.linalg.cholesky(inst.B), p.grad(x))))
    rows = dict(trial_gamma=np.array([1e-15]), gamma_k=np.array([1e-15]), g_k=np.array([g_k]),
                pi_k=np.array([1e-14]), f_k=np.array([f_k]), f_next=np.array([f_k * 1.5]),
                g_next=np.array([g_k]), lam_k=np.array([g_k / 1e-15]), step_k=np.array([1e-15]))
    rr = ResidualRounding.of(p, p.hessian_rule("exact"), inst.B)
    allowance = rr.acceptance_allowance(rows, x[None, :], np.array([0]))
    arhs = 1e-15 * g_k ** 2 / (8 * g_k)
    miss = abs((f_k - 1.5 * f_k) - arhs)
    assert miss > INV.SLACK * (2.5 * f_k + arhs)        # a certificate by the relative slack
    assert np.isfinite(allowance[0]) and miss <= allowance[0]   # noise by the allowance


def test_no_declared_bound_means_no_allowance():
    from numeric.problems import logsumexp
    p = logsumexp(n=3)
    assert ResidualRounding.of(p, p.hessian_rule("exact")) is None


@pytest.mark.parametrize("name", ["power", "chebyshev_rosenbrock", "rosenbrock"])
def test_residual_problems_declare_their_rounding(name):
    from numeric.problems import REGISTRY
    assert REGISTRY[name]().type.residual_error is not None
