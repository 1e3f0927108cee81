"""The fast paths of the compiled layer agree with the general code they replace.

* ``numeric._jit.borrow``: a view without reference counting must be the same array
  (same memory, same values) and must not change what a kernel computes.
* ``_linalg.solve_shifted_into`` and ``_linalg.dot``: same results as the allocating
  routine and as a plain sum.
* The closed-form oracles of the 2-D Rosenbrock problem perform the very floating-point
  operations of the generic ``(1/p)||u||^p`` path (``_powernorm`` on the residual,
  its Jacobian and curvature), so the two must agree to the last bit, for the
  classic ``p = 2`` and for other exponents, including at the minimizer (``u = 0``).
"""
import numpy as np
import pytest

from numeric._jit import borrow, borrow_all, jit
from numeric._linalg import SMALL_N, dot, solve_shifted, solve_shifted_into
from numeric.problems import _powernorm as PN
from numeric.problems.rosenbrock import rosenbrock, rosenbrock_equations
import importlib
RB = importlib.import_module("numeric.problems.rosenbrock")
from numeric.problems import REGISTRY
from numeric.solver import minimize_gns


@jit
def _sum_through_borrow(data):
    view = borrow_all(data)
    return view[0].sum() + view[1].sum() + view[4].sum(), view[0].ctypes.data


def test_borrowed_view_is_the_same_memory_and_values():
    rng = np.random.default_rng(0)
    data = (rng.standard_normal((3, 4)), rng.standard_normal(3), np.zeros(0),
            np.zeros(0, dtype=np.int64), rng.standard_normal(2))
    total, address = _sum_through_borrow(data)
    assert total == data[0].sum() + data[1].sum() + data[4].sum()
    assert address == data[0].ctypes.data


@jit
def _write_through(a):
    v = borrow(a)
    v[1] = 7.0


def test_borrowed_view_writes_reach_the_owner():
    a = np.zeros(3)
    _write_through(a)
    assert a.tolist() == [0.0, 7.0, 0.0]


@pytest.mark.parametrize("n", [1, 2, SMALL_N, SMALL_N + 1, 50])
def test_dot_is_the_inner_product(n):
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    assert dot(a, b) == pytest.approx(float(np.dot(a, b)), rel=1e-13, abs=1e-300)
    if n <= SMALL_N:   # the loop path: the sequential sum exactly
        s = 0.0
        for i in range(n):
            s += a[i] * b[i]
        assert dot(a, b) == s


@pytest.mark.parametrize("mode", [0, 1])
def test_solve_shifted_into_matches_the_allocating_routine(mode):
    rng = np.random.default_rng(3)
    n = 6
    M = rng.standard_normal((n, n))
    H = M @ M.T - 0.5 * np.eye(n)
    B = np.eye(n) + 0.1 * np.ones((n, n)) if mode else np.zeros((0, 0))
    r = rng.standard_normal(n)
    for lam in (10.0, 1e-3):          # positive definite, then (likely) not
        ok, h = solve_shifted(H, lam, mode, B, r)
        A, h2 = np.empty((n, n)), np.empty(n)
        ok2 = solve_shifted_into(H, lam, mode, B, r, A, h2)
        assert ok == ok2
        np.testing.assert_array_equal(h, h2)


def _generic_value_grad_hess(prob, x):
    p, s = prob.data[4][0], prob.data[4][1]
    u = RB._residual(s, x)
    jtu = RB._jtv(s, x, u)
    f, g = PN.value_grad(u, jtu, p)
    S = np.zeros((2, 2))
    S[0, 0] = -20.0 * s * u[0]     # sum_i u_i hess u_i (module docstring)
    H = PN.exact(u, RB._jacobian(s, x), jtu, p, S)
    return f, g, H


@pytest.mark.parametrize("p", [2.0, 3.0, 4.0, 2.5])
def test_rosenbrock_closed_form_is_bit_identical_to_the_generic_path(p):
    prob = rosenbrock() if p == 2.0 else rosenbrock_equations(p)
    rng = np.random.default_rng(int(10 * p))
    points = [prob.x0, np.ones(2), np.array([1.0, 1.0 + 1e-9])]
    points += list(rng.uniform(-3, 3, size=(20, 2)))
    for x in points:
        f, g = RB._value_grad(prob.data, x)
        H = RB._hess(prob.data, x)
        f0, g0, H0 = _generic_value_grad_hess(prob, x)
        assert f == f0
        np.testing.assert_array_equal(g, g0)
        np.testing.assert_array_equal(H, H0)


def test_solver_unchanged_by_chunking_with_borrowed_data():
    """The callback path enters the kernel once per iteration (borrowing the data
    anew each time); the trace must equal the single-call run exactly."""
    prob = rosenbrock()
    one = minimize_gns(prob, gtol=1e-10)
    chunked = minimize_gns(prob, gtol=1e-10, callback=lambda r: False)
    np.testing.assert_array_equal(one.trace.f, chunked.trace.f)
    np.testing.assert_array_equal(one.trace.trial_gamma, chunked.trace.trial_gamma)
    np.testing.assert_array_equal(one.x, chunked.x)


def _owns_or_views_owned(a):
    """True for an array that owns its memory or views one that does (numba hands back
    fresh arrays with a memory-info object as base); a borrowed view returned to
    Python would have neither."""
    return a.flags.owndata or a.base is not None


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_solver_never_returns_a_borrowed_view(name):
    prob = REGISTRY[name]()
    for rule in prob.hessians:
        res = minimize_gns(prob, hessian=rule, max_iter=3, record_x=True)
        arrays = [res.x] + [v for v in vars(res.trace).values() if isinstance(v, np.ndarray)]
        assert all(_owns_or_views_owned(a) for a in arrays), (name, rule)
        assert np.all(np.isfinite(res.x))


def test_cache_locators_are_installed_here_and_fall_back_elsewhere():
    """The package locators patch a private numba attribute: on the numba this project
    pins they are installed; on an untested version, or a caching module without the
    attribute, nothing is patched, a warning says so, and caching falls back to numba's
    own rule."""
    import types
    import warnings
    from numba.core import caching
    from numeric import _jit
    assert _jit.LOCATORS_INSTALLED
    assert getattr(caching.CacheImpl, "_gnsverify_locators", False)
    fake = types.SimpleNamespace(CacheImpl=type("CacheImpl", (), {}))   # no _locator_classes
    for module, version in ((fake, "0.65.0"), (caching, "0.99.0"), (caching, "0.59.1")):
        before = list(caching.CacheImpl._locator_classes)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            assert _jit._install_locators(module, version) is False
        assert any("cache locators are not installed" in str(w.message) for w in seen)
        assert caching.CacheImpl._locator_classes == before       # nothing patched


def test_compile_seconds_counts_compilation_once_and_not_calls():
    """``numeric.compile_seconds`` rises while a kernel compiles (a fresh, uncached
    function compiling a nested callee is counted once, not twice) and not on a call."""
    import numba
    from numeric import compile_seconds

    @numba.njit(cache=False)
    def inner(a):
        return np.sum(a * a)

    @numba.njit(cache=False)
    def outer(a):
        return inner(a) + 1.0

    x = np.arange(5.0)
    c0 = compile_seconds()
    t0 = __import__("time").perf_counter()
    assert outer(x) == 31.0
    wall = __import__("time").perf_counter() - t0
    c1 = compile_seconds()
    assert 0.0 < c1 - c0 <= wall          # nested compile inside the outer one: not added twice
    outer(x)
    assert compile_seconds() == c1
