"""Tapes evaluate exactly what sympy evaluates (random expressions from a small grammar)."""
import math

import pytest
import sympy as sp
from hypothesis import given, strategies as st

from theory.tape import compile_tape, derivative_tape

x, y = sp.symbols("x y")
LEAVES = st.sampled_from([x, y, sp.Integer(2), sp.Rational(1, 3), sp.Float(0.7)])


def _grow(children):
    un = st.sampled_from([sp.exp, sp.sin, sp.cos, sp.atan, sp.tanh, lambda e: sp.log(1 + sp.exp(e)),
                          lambda e: sp.sqrt(1 + e**2), lambda e: e**3, lambda e: 1 / (2 + e**2)])
    return st.one_of(
        st.tuples(un, children).map(lambda t: t[0](t[1])),
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        st.tuples(children, children).map(lambda t: t[0] - t[1]),
    )


EXPRS = st.recursive(LEAVES, _grow, max_leaves=6)
POINT = st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))


@given(EXPRS, POINT)
def test_tape_matches_sympy_value_gradient_hessian(f, pt):
    tape = derivative_tape(f, [x, y])
    got = tape.evaluate(pt)
    exprs = [f, sp.diff(f, x), sp.diff(f, y)] + [sp.diff(f, a, b) for a in (x, y) for b in (x, y)]
    sub = {x: pt[0], y: pt[1]}
    for g, e in zip(got, exprs):
        want = float(sp.N(e.subs(sub), 30))
        if not math.isfinite(want):
            continue
        assert g == pytest.approx(want, rel=1e-9, abs=1e-9 * (1 + abs(want)))


def test_shared_subexpressions_are_computed_once():
    e = sp.exp(x * y)
    tape = compile_tape([e + 1, e * 2], [x, y])
    assert sum(1 for ins in tape.instructions if ins[0] == "exp") == 1


@pytest.mark.parametrize("bad, word", [(sp.Abs(x), "Abs"), (sp.floor(x), "floor")])
def test_unsupported_function_is_named(bad, word):
    with pytest.raises(ValueError, match=word):
        compile_tape([bad], [x])


def test_foreign_symbol_is_rejected():
    with pytest.raises(ValueError, match="not variables"):
        compile_tape([x + sp.Symbol("z")], [x])
