"""The checker must catch broken methods and broken claims, and pass the correct ones.

Each test builds a deliberately wrong variant (a reference-solver subclass, a claim
with a constant that is too optimistic, an approximation larger than declared, a
rate model with a wrong exponent) and asserts FAIL with a counterexample; the same
instance with the correct code or claim must PASS.
"""
import numpy as np
import pytest
import sympy as sp

from gnsverify.cases import Case, TheoryRate
from gnsverify.invariants import check_result
from gnsverify.verdict import FAIL, PASS
from gnsverify.verify import verify
from numeric.problems import power_1d, quadratic
from numeric.problems.expression import expression_problem
from numeric.reference import GNSReference
from theory.approximations import synthetic
from theory.classes import FirstOrder, HolderHessian
from theory.monomials import ClassBound, Monomial
from theory.tape import compile_tape


def _by_claim(verdicts):
    return {v.claim: v for v in verdicts}


def _caught(mutant, p, kw, *, bound, claim):
    """Run the reference solver and ``mutant`` on ``p`` with ``kw``: every check passes
    on the reference, ``claim`` FAILs on the mutant; return its counterexample."""
    step = kw["step"]
    good = check_result(GNSReference(p, **kw).run(), step=step, bound=bound, psd=True)
    bad = check_result(mutant(p, **kw).run(), step=step, bound=bound, psd=True)
    assert {v.verdict for v in good} == {PASS}
    v = _by_claim(bad)[claim]
    assert v.verdict == FAIL
    return v.counterexample


def _cos_problem(x0=0.1):
    """``f = cos(x)``: non-convex, ``|f''| <= 1`` (first-order class with ``L = 1``,
    tight at the top of the hill, where the gradient grows along the descent step)."""
    x = sp.Symbol("x")
    f = sp.cos(x)
    vg = compile_tape([f, sp.diff(f, x)], [x])
    h = compile_tape([sp.diff(f, x, 2)], [x])
    return expression_problem(vg.to_dict(), h.to_dict(), np.array([x0]), name="cos", f_star=-1.0)


class Accept2(GNSReference):
    """Acceptance test with 2 instead of 8."""

    def accepts(self, f_old, f_new, gnorm_new, lam):
        return bool(f_old - f_new >= gnorm_new * gnorm_new / (2.0 * lam))


class LamQuarter(GNSReference):
    """lambda with a wrong scale: ||g||_* / (4 gamma)."""

    def lam(self, gnorm, gamma):
        return gnorm / (4.0 * gamma)


class EuclideanDual(GNSReference):
    """lambda (and the recorded gradient norm) with the Euclidean norm instead of the dual norm."""

    def dual_norm(self, s):
        return float(np.linalg.norm(s))


def test_acceptance_with_2_instead_of_8_is_caught_by_C1():
    p = _cos_problem()
    bound = FirstOrder(L=1).bound()
    kw = dict(hessian="zero", step="adaptive", gamma0=1.0, max_iter=8, gtol=1e-10, record_x=True)
    cx = _caught(Accept2, p, kw, bound=bound, claim="invariant:no_rejection_below_pi")
    assert cx["inequality"] == "rejection_certificate"
    assert cx["lhs"] <= cx["rhs"]            # a rejected trial gamma <= pi(g_k)
    assert cx["iteration"] == 0 and "x" in cx


@pytest.mark.parametrize("mutant", [LamQuarter, EuclideanDual])
def test_lambda_with_wrong_scale_or_norm_is_caught(mutant):
    Q = np.diag([1.0, 3.0])
    p = quadratic(Q=Q, b=np.array([1.0, -2.0]))
    B = np.diag([0.05, 1.0])
    bound = FirstOrder(L=3.0 / 0.05).bound()       # ||Q||_{B -> B*} = max eig of B^-1 Q = 20 <= 60
    kw = dict(hessian="zero", step="theory", bound=bound, B=B, max_iter=10, gtol=1e-12, record_x=True)
    cx = _caught(mutant, p, kw, bound=bound, claim="invariant:step_bound")
    assert cx["inequality"] in ("lambda_definition", "step_bound") and cx["lhs"] != cx["rhs"]
    # the theorem-level consequence (C3) is violated too, not only the definition
    from gnsverify.invariants import RunContext, evaluate_run
    ctx = RunContext(step="theory", pi=bound.pi, psd=True, convex=False)
    c3 = [c for c in evaluate_run(mutant(p, **kw).run(), ctx) if c.inequality == "step_bound"]
    assert c3[0].bad.size > 0


def _cubic_case(M, name):
    """``|x|^3/3``: ``gamma_ball(x) = sqrt(|g|)`` exactly, i.e. ``M = 1`` is tight."""
    bound = ClassBound((Monomial(sp.Rational(1, 2), sp.nsimplify(M)),), name="claim",
                       how={"M": "closed form"})
    return Case(name=name, problem=power_1d(1.0), claim=bound, hessian="exact", convex=True,
                D=1.0, D_how="construction", max_iter=40)


def test_class_constant_divided_by_4_is_caught():
    good = _by_claim(verify(_cubic_case(1, "cubic"), budget="quick", runs=("theory", "adaptive")).verdicts)
    bad = _by_claim(verify(_cubic_case(sp.Rational(1, 4), "cubic_M/4"), budget="quick",
                           runs=("theory", "adaptive")).verdicts)
    assert all(v.verdict == PASS for v in good.values()), {k: v.detail for k, v in good.items()}
    g = bad["falsify:gamma_lower_bound"]
    assert g.verdict == FAIL
    cx = g.counterexample
    assert cx["lhs"] > cx["rhs"] and abs(cx["h"][0]) <= cx["radius"]
    assert bad["invariant:lemma1_decrease"].verdict == FAIL


def _perturbed_case(declared_C2, actual_C2=2.0):
    return Case(name=f"declared_C2={declared_C2}", problem=power_1d(1.0),
                claim=HolderHessian(nu=1, L_nu=2), error_model=synthetic(0, declared_C2, 0.5),
                hessian="perturbed_psd", hessian_params=dict(C2=actual_C2, beta=0.5), convex=True,
                D=1.0, D_how="construction", max_iter=40)


def test_approximation_error_above_its_declaration_is_caught():
    good = _by_claim(verify(_perturbed_case(2.0), budget="quick", runs=("theory", "adaptive")).verdicts)
    bad = _by_claim(verify(_perturbed_case(0.25), budget="quick", runs=("theory", "adaptive")).verdicts)
    assert all(v.verdict == PASS for v in good.values()), {k: v.detail for k, v in good.items()}
    assert bad["falsify:gamma_lower_bound"].verdict == FAIL
    assert bad["falsify:gamma_lower_bound"].counterexample["lhs"] > \
        bad["falsify:gamma_lower_bound"].counterexample["rhs"]


class WrongExponent(TheoryRate):
    """The right bound K(eps) but an order claim eps^-0.1 (too fast)."""

    def order(self):
        return {"kind": "sublinear", "exponent": 0.1, "text": "eps^(-0.1)"}


def _gradient_cubic_case(rate=None):
    """Gradient method (H = 0) on |x|^3/3 from x0 = 1: |f''| <= 2 on the sublevel set
    and the iterates stay in [0, 1], so the first-order class with L = 2 holds; the
    observed exponent is 1/3 (x_k ~ 2/k) against the predicted 1."""
    return Case(name="gd_cubic", problem=power_1d(1.0), claim=FirstOrder(L=2), hessian="zero",
                convex=True, D=1.0, D_how="construction", max_iter=3000, rate_model=rate,
                eps=tuple(10.0 ** -np.arange(2, 8)))


def test_rate_model_with_wrong_exponent_is_caught():
    case = _gradient_cubic_case()
    good = verify(case, budget="quick", runs=("theory",))
    assert _by_claim(good.verdicts)["order"].verdict == PASS
    wrong = _gradient_cubic_case(WrongExponent(case.bound(), convex=True))
    bad = _by_claim(verify(wrong, budget="quick", runs=("theory",)).verdicts)["order"]
    assert bad.verdict == FAIL
    assert bad.counterexample["lhs"] > bad.counterexample["rhs"] == pytest.approx(0.1)
    assert 0.2 < bad.observed < 0.5          # the true exponent 1/3 shows
