"""The compiled tape interpreter agrees with the plain-Python tape evaluation."""
import numpy as np
import pytest
import sympy as sp

from numeric.problems.expression import expression_problem
from theory.tape import compile_tape

x, y = sp.symbols("x y")
F = sp.log(1 + sp.exp(x - y)) + x**4 / 4 + sp.sqrt(1 + y**2) * sp.cosh(x / 3) + sp.atan(x * y)


def _problem(f=F, x0=(0.3, -0.7)):
    V = [x, y]
    g = [sp.diff(f, v) for v in V]
    H = [sp.diff(f, a, b) for a in V for b in V]
    vg, h = compile_tape([f, *g], V), compile_tape(H, V)
    return expression_problem(vg.to_dict(), h.to_dict(), np.array(x0)), vg, h


@pytest.mark.parametrize("pt", [(0.3, -0.7), (2.0, 1.5), (-3.0, 0.25)])
def test_compiled_tape_matches_python_tape(pt):
    p, vg, h = _problem()
    ref_vg, ref_h = vg.evaluate(pt), h.evaluate(pt)
    assert p.value(pt) == pytest.approx(ref_vg[0], rel=1e-14)
    np.testing.assert_allclose(p.grad(pt), ref_vg[1:], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(p.hess(pt), np.reshape(ref_h, (2, 2)), rtol=1e-13, atol=1e-15)


def test_domain_errors_become_nan_not_crashes():
    p, _, _ = _problem(sp.log(x) + y**2, (1.0, 0.0))
    assert np.isnan(p.value(np.array([-1.0, 0.0])))


def test_bad_tapes_are_rejected():
    _, vg, h = _problem()
    with pytest.raises(ValueError, match="x0"):
        expression_problem(vg.to_dict(), h.to_dict(), np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match="hess_tape"):
        expression_problem(vg.to_dict(), vg.to_dict(), np.zeros(2))
