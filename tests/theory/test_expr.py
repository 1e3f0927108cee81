"""SymbolicFunction: validation, parsing, derivatives, generated code."""
import math

import numpy as np
import pytest
import sympy as sp

from theory.expr import SymbolicFunction

x, y = sp.symbols("x y")


def finite_difference_grad(value, z, h=1e-6):
    return np.array([(value(z + h * e) - value(z - h * e)) / (2 * h) for e in np.eye(len(z))])


def test_scalar_derivatives_are_the_calculus_ones():
    f = SymbolicFunction(x ** 4 / 4, x)
    assert f.n == 1
    assert sp.simplify(f.derivative((0,)) - f.x[0] ** 3) == 0
    assert sp.simplify(f.derivative((0, 0)) - 3 * f.x[0] ** 2) == 0
    assert sp.simplify(f.derivative((0, 0, 0)) - 6 * f.x[0]) == 0
    assert f.derivative((0, 0, 0, 0)) == 6


def test_numpy_functions_agree_with_finite_differences_and_symmetry():
    f = SymbolicFunction.parse("log(1+exp(x0))+x1**2*sin(x0)+x0*x1**3", variables="x0,x1")
    fn = f.numpy_functions()
    z = np.array([0.3, -0.7])
    v = fn["value"](z)
    assert v == pytest.approx(math.log(1 + math.exp(0.3)) + 0.49 * math.sin(0.3) + 0.3 * (-0.343))
    assert fn["grad"](z) == pytest.approx(finite_difference_grad(fn["value"], z), rel=1e-7)
    H = fn["hess"](z)
    assert np.array_equal(H, H.T)
    num_H = np.array([finite_difference_grad(lambda w: fn["grad"](w)[i], z) for i in range(2)])
    assert H == pytest.approx(num_H, rel=1e-6, abs=1e-8)
    T = fn["third"](z)
    assert T.shape == (2, 2, 2)
    for p in [(0, 1, 1), (1, 0, 1), (1, 1, 0)]:
        assert T[p] == T[0, 1, 1]
    num_T = np.array([finite_difference_grad(lambda w: fn["hess"](w)[i, j], z)
                      for i in range(2) for j in range(2)]).reshape(2, 2, 2)
    assert T == pytest.approx(num_T, rel=1e-6, abs=1e-7)


def test_params_are_substituted_exactly():
    a = sp.Symbol("a")
    f = SymbolicFunction(a * x ** 2, [x], {a: 0.1})
    assert f.expr == sp.Rational(1, 10) * f.x[0] ** 2
    g = SymbolicFunction.parse("log(1+exp(-b*x))", "x", {"b": 3})
    assert g.numpy_functions()["value"](np.array([0.0])) == pytest.approx(math.log(2))
    assert g.numpy_functions()["grad"](np.array([0.0]))[0] == pytest.approx(-1.5)


def test_source_is_a_plain_module_with_value_grad_hess():
    f = SymbolicFunction.parse("x0**2*x1 + exp(x1)", "x0,x1")
    src = f.source("numba")
    assert "import numba" not in src and "sympy" not in src
    ns = {}
    exec(src, ns)
    z = np.array([1.5, -0.5])
    assert ns["value"](z) == pytest.approx(-1.125 + math.exp(-0.5))
    assert ns["grad"](z) == pytest.approx([2 * 1.5 * -0.5, 2.25 + math.exp(-0.5)])
    assert ns["hess"](z) == pytest.approx(np.array([[-1.0, 3.0], [3.0, math.exp(-0.5)]]))
    assert "numpy.exp" in f.source("numpy") and "math.exp" in src


def test_numba_source_compiles_in_nopython_mode():
    numba = pytest.importorskip("numba")
    f = SymbolicFunction.parse("log(1+exp(x0)) + cosh(x1)*x0**3 + a*x1**2", "x0,x1", {"a": 0.5})
    ns = {}
    exec(f.source("numba"), ns)
    z = np.array([0.2, -1.1])
    ref = f.numpy_functions()
    for name in ("value", "grad", "hess", "third"):
        compiled = numba.njit(ns[name])
        assert np.allclose(compiled(z), ref[name](z), rtol=1e-13, atol=0)


def test_variable_named_x_does_not_clash_with_the_argument():
    f = SymbolicFunction.parse("x**3 + x", "x")
    assert f.numpy_functions()["grad"](np.array([2.0]))[0] == pytest.approx(13.0)


@pytest.mark.parametrize("text, words", [
    ("abs(x)", "Abs, which is not smooth"),
    ("Max(x, 1)", "Max, which is not smooth"),
    ("sign(x)*x", "sign, which is not smooth"),
    ("floor(x)", "floor, which is not smooth"),
    ("Heaviside(x)", "Heaviside, which is not smooth"),
    ("foo(x)", "unknown function foo"),
    ("x + y", "y, which is neither a variable"),
    ("x**", "could not be parsed"),
    ("__import__('os')", "plain arithmetic"),
    ("", "non-empty string"),
])
def test_parse_rejects_with_a_sentence(text, words):
    with pytest.raises(ValueError, match=words):
        SymbolicFunction.parse(text, "x")


def test_constructor_rejections():
    with pytest.raises(ValueError, match="variables must be a sympy Symbol"):
        SymbolicFunction(x ** 2, ["x"])
    with pytest.raises(ValueError, match="distinct"):
        SymbolicFunction(x ** 2, [x, x])
    with pytest.raises(ValueError, match="y, which is neither a variable"):
        SymbolicFunction(x * y, [x])
    with pytest.raises(ValueError, match="Piecewise, which is not smooth"):
        SymbolicFunction(sp.Piecewise((x, x > 0), (0, True)), [x])
    with pytest.raises(ValueError, match="Abs, which is not smooth"):
        SymbolicFunction(sp.Abs(x) ** 3 / 3, [x])
    with pytest.raises(ValueError, match="unknown function g"):
        SymbolicFunction(sp.Function("g")(x), [x])
    with pytest.raises(ValueError, match="real and finite"):
        SymbolicFunction(x + sp.I, [x])
    for bad in (math.inf, math.nan, "abc"):
        with pytest.raises(ValueError, match="parameter a must be a finite real number"):
            SymbolicFunction(x, [x], {"a": bad})
    with pytest.raises(ValueError, match="params must not include the variable"):
        SymbolicFunction(x ** 2, [x], {x: 1.0})
    with pytest.raises(ValueError, match="variables must be identifiers"):
        SymbolicFunction.parse("x", "1x")


def test_numpy_functions_check_the_point_shape():
    fn = SymbolicFunction.parse("x0*x1", "x0,x1").numpy_functions()
    with pytest.raises(ValueError, match="x must be a vector of length 2"):
        fn["grad"](np.zeros(3))


def test_source_kind_is_checked():
    with pytest.raises(ValueError, match="kind must be 'numba' or 'numpy'"):
        SymbolicFunction(x ** 2, x).source("c")


def test_vector_of_symbols_and_tidy_form():
    xs = sp.symbols("x0:3")
    f = SymbolicFunction(xs[0] ** 2 * xs[2] + sp.exp(xs[1]), sp.Matrix(xs))
    assert f.n == 3 and f.variables == xs
    H = f.hessian
    assert H[0, 2] == 2 * f.x[0] and H[1, 1] == sp.exp(f.x[1]) and H[0, 1] == 0
    g = SymbolicFunction.parse("log(1+exp(x))", "x")
    plain, tidy = g.derivative((0,) * 4), g.derivative((0,) * 4, tidy=True)
    assert plain != tidy
    t = sp.Rational(3, 7)
    assert sp.N(plain.subs(g.x[0], t) - tidy.subs(g.x[0], t), 50) == pytest.approx(0, abs=1e-45)
    with pytest.raises(ValueError, match="order must be an integer >= 0"):
        g.derivatives(-1)
