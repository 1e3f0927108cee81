"""Bad input raises ``ValueError`` with one sentence that starts with the parameter's name.

All validation happens in the Python builders, before any compiled code runs.
"""
from __future__ import annotations

import numpy as np
import pytest

from numeric.problems import REGISTRY, logsumexp_data
from numeric.hessians import hessian_rule

NAN = float("nan")
INF = float("inf")
A23 = np.arange(6.0).reshape(2, 3) + 1.0

CASES = [
    # (builder, kwargs, parameter named in the message)
    ("quadratic", dict(n=0), "n"),
    ("quadratic", dict(cond=0.5), "cond"),
    ("quadratic", dict(Q=np.array([[1.0, NAN], [NAN, 1.0]])), "Q"),
    ("quadratic", dict(Q=np.ones((2, 3))), "Q"),
    ("quadratic", dict(Q=np.eye(2), b=np.ones(3)), "b"),
    ("quadratic", dict(Q=-np.eye(2)), "Q"),
    ("power", dict(p=1.5), "p"),
    ("power", dict(p=NAN), "p"),
    ("power", dict(n=0), "n"),
    ("power", dict(n=3, m=0), "m"),
    ("power", dict(n=2.5), "n"),
    ("power", dict(A=np.array([[1.0, INF]]), b=np.ones(1)), "A"),
    ("power", dict(A=np.ones(3), b=np.ones(3)), "A"),
    ("power", dict(A=A23, b=np.ones(3)), "b"),
    ("power", dict(A=A23, b=np.array([1.0, NAN])), "b"),
    ("power", dict(b=np.ones(3)), "b"),
    ("power_1d", dict(nu=1.5), "nu"),
    ("power_1d", dict(nu=-0.1), "nu"),
    ("power_1d", dict(nu=NAN), "nu"),
    ("tilted_power_1d", dict(nu=1.5), "nu"),
    ("tilted_power_1d", dict(a=0.0), "a"),
    ("tilted_power_1d", dict(a=NAN), "a"),
    ("ramp_1d", dict(p=1.5), "p"),
    ("ramp_1d", dict(c=0.0), "c"),
    ("ramp_1d", dict(a=-1.0), "a"),
    ("ramp_1d", dict(T=-1.0), "T"),
    ("ramp_1d", dict(a=1.0, b=0.5), "b"),
    ("ramp_1d", dict(omega=NAN), "omega"),
    ("quartic", dict(lam=-1.0), "lam"),
    ("quartic", dict(spread=-0.1), "spread"),
    ("quartic", dict(n=0), "n"),
    ("quartic", dict(A=np.array([[NAN]])), "A"),
    ("quartic", dict(A=A23, b=np.ones(3)), "b"),
    ("quartic", dict(A=A23, x_star=np.ones(2)), "x_star"),
    ("logistic", dict(lam=-1e-3), "lam"),
    ("logistic", dict(lam=NAN), "lam"),
    ("logistic", dict(m=0), "m"),
    ("logistic", dict(noise=-1.0), "noise"),
    ("logistic", dict(A=A23, y=np.array([1.0, 0.0])), "y"),
    ("logistic", dict(A=A23, y=np.array([1.0, -1.0, 1.0])), "y"),
    ("logistic", dict(A=A23 * INF, y=np.array([1.0, -1.0])), "A"),
    ("logistic", dict(A=A23), "y"),
    ("logistic_breast_cancer", dict(lam=-1.0), "lam"),
    ("softmax", dict(K=1), "K"),
    ("softmax", dict(d=0), "d"),
    ("softmax", dict(lam=-1.0), "lam"),
    ("softmax", dict(sep=NAN), "sep"),
    ("softmax", dict(A=A23, y=np.array([0.0, 3.0]), K=3), "y"),
    ("softmax", dict(A=A23, y=np.array([0.0, 0.5]), K=3), "y"),
    ("softmax", dict(A=A23, y=np.array([0.0, 1.0]), K=2.5), "K"),
    ("softmax", dict(A=np.array([[NAN, 1.0]]), y=np.array([0.0]), K=2), "A"),
    ("softmax_wine", dict(lam=INF), "lam"),
    ("softmax_digits", dict(lam=-1.0), "lam"),
    ("logsumexp", dict(mu=0.0), "mu"),
    ("logsumexp", dict(mu=-1.0), "mu"),
    ("logsumexp", dict(mu=INF), "mu"),
    ("logsumexp", dict(n=0), "n"),
    ("logsumexp", dict(m=1), "m"),
    ("chebyshev_rosenbrock", dict(p=1.99), "p"),
    ("chebyshev_rosenbrock", dict(n=0), "n"),
    ("rosenbrock_equations", dict(p=1.0), "p"),
    ("nesterov_chain", dict(L=0.0), "L"),
    ("nesterov_chain", dict(L=-2.0), "L"),
    ("nesterov_chain", dict(n=2.5), "n"),
    ("cosh_sum", dict(spread=-1.0), "spread"),
    ("cosh_sum", dict(n=0), "n"),
    ("cosh_sum", dict(m=0), "m"),
    ("polytope", dict(p=1.9), "p"),
    ("polytope", dict(n=0), "n"),
    ("polytope", dict(m=0), "m"),
]


@pytest.mark.parametrize("name,kwargs,param", CASES,
                         ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_builder_rejects_bad_input(name, kwargs, param):
    with pytest.raises(ValueError, match=rf"^{param} "):
        REGISTRY[name](**kwargs)


def test_every_registry_builder_has_a_bad_input_case():
    assert {c[0] for c in CASES} >= set(REGISTRY) - {"rosenbrock"}  # rosenbrock takes no arguments


@pytest.mark.parametrize("kwargs,param", [
    (dict(A=np.array([[NAN]]), b=np.zeros(1)), "A"),
    (dict(A=A23, b=np.zeros(3)), "b"),
    (dict(A=A23, b=np.zeros(2), mu=0.0), "mu"),
])
def test_logsumexp_data_rejects_bad_input(kwargs, param):
    with pytest.raises(ValueError, match=rf"^{param} "):
        logsumexp_data(**kwargs)


@pytest.mark.parametrize("kwargs,param", [
    (dict(name="bogus"), "hessian"),
    (dict(name="perturbed", n=None, C1=1.0), "n"),
    (dict(name="perturbed", n=3, C1=-1.0), "C1"),
    (dict(name="perturbed_psd", n=3, C2=NAN), "C2"),
    (dict(name="perturbed", n=3, C2=INF), "C2"),
    (dict(name="perturbed", n=3, beta=1.5), "beta"),
    (dict(name="perturbed", n=3, beta=NAN), "beta"),
    (dict(name="perturbed", n=3, seed=-1), "seed"),
    (dict(name="perturbed", n=2, B=-np.eye(2)), "B"),
    (dict(name="perturbed_psd", n=2, B=np.eye(3)), "B"),
])
def test_hessian_rule_rejects_bad_input(kwargs, param):
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=rf"^{param} "):
        hessian_rule(name, **kwargs)


def test_points_are_validated():
    P = REGISTRY["power"](n=3)
    for bad in (np.zeros(2), np.zeros((3, 1)), np.array([0.0, NAN, 0.0]), np.array([INF, 0.0, 0.0])):
        for method in (P.value, P.grad, P.hess, P.hess_lowrank):
            with pytest.raises(ValueError, match=r"^x "):
                method(bad)


def test_unsupported_rule_is_rejected_by_name():
    P = REGISTRY["cosh_sum"](n=2)
    with pytest.raises(ValueError, match=r"^hessian must be one of"):
        P.hess(P.x0, "fisher")
    with pytest.raises(ValueError, match=r"^hessian must be one of"):
        P.hess_lowrank(P.x0, "weighted_gn")
