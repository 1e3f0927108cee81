"""``gnsverify.minimize`` behaves like scipy.optimize.minimize on the user's callables:
the same minimizer as scipy's trust-exact on Rosenbrock, scipy's argument conventions
(``args``, ``jac=True``, ``tol``, ``maxiter``, ``callback``), and every method."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize as scipy_minimize, rosen, rosen_der, rosen_hess

import gnsverify
from gnsverify.minimize import METHODS

X0 = np.array([-1.2, 1.0])


def test_gns_finds_scipys_minimizer_with_the_familiar_result():
    ref = scipy_minimize(rosen, X0, jac=rosen_der, hess=rosen_hess, method="trust-exact", tol=1e-10)
    res = gnsverify.minimize(rosen, X0, jac=rosen_der, hess=rosen_hess, tol=1e-8)
    assert res.success and res.status == "converged_gnorm"
    np.testing.assert_allclose(res.x, ref.x, atol=1e-7)
    np.testing.assert_array_equal(res.jac, rosen_der(res.x))
    assert np.linalg.norm(res.jac) <= 1e-8 * (1 + 1e-12)
    assert res.nfev == res.njev >= res.nit + 1 and res.nhev >= res.nit


def test_scipy_argument_conventions():
    calls = []

    def f_and_g(x, scale):
        calls.append(1)
        return scale * rosen(x), scale * rosen_der(x)

    def h(x, scale):
        return scale * rosen_hess(x)
    res = gnsverify.minimize(f_and_g, X0, args=(2.0,), jac=True, hess=h, options={"maxiter": 3})
    assert res.status == "max_iter" and not res.success and res.nit == 3
    assert len(calls) == res.nfev          # fun (returning f and g) called once per evaluation
    assert res.fun == pytest.approx(2.0 * rosen(res.x), rel=1e-15)
    stopped = gnsverify.minimize(rosen, X0, jac=rosen_der, hess=rosen_hess, callback=lambda r: r.nit >= 2)
    assert stopped.status == "callback" and stopped.nit == 2


@pytest.mark.parametrize("method", METHODS)
def test_every_method_decreases_f(method):
    res = gnsverify.minimize(rosen, X0, jac=rosen_der, hess=rosen_hess, method=method,
                             options={"maxiter": 30})
    assert res.fun < rosen(X0) and res.nit >= 1 and res.method.startswith(method[:4])


def test_bad_calls_are_refused():
    for kw, match in ((dict(method="bfgs"), "method must be one of"),
                      (dict(jac=None), "jac must be a callable or True"),
                      (dict(method="cubic_newton"), "needs hess"),
                      (dict(method="gradient", callback=print), "callback is supported")):
        base = dict(jac=rosen_der)
        base.update(kw)
        with pytest.raises(ValueError, match=match):
            gnsverify.minimize(rosen, X0, **base)
