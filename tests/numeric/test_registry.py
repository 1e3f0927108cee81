"""The problem registry: a problem is one module, the dispatch is generated from the
declarations, and each list of names is defined once per layer."""
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from numeric import hessians, oracles
from numeric.problems import PROBLEM_TYPES, REGISTRY, problem_type

ROOT = Path(__file__).resolve().parents[2]

SPHERE = '''
"""f(x) = ||x - c||^2 / 2 + s: a problem added by a test, as one module."""
import numpy as np

from numeric._jit import jit
from numeric.problems.base import FLOAT, VECTOR, Hessian, Layout, Problem, ProblemType

LAYOUT = Layout(c=VECTOR, s=FLOAT)
_unpack = LAYOUT.unpack


@jit
def _value_grad(data, x):
    c, s = _unpack(data)
    d = x - c
    return 0.5 * np.dot(d, d) + s, d


@jit
def _hess(data, x):
    return np.eye(x.shape[0])


@jit
def _diag(data, x):
    return 2.0 * np.eye(x.shape[0])


def sphere(n=3, s=0.5):
    c = np.arange(n, dtype=np.float64)
    return Problem(name="sphere", kind=PROBLEM.kind, data=LAYOUT.pack(c=c, s=s), n=n,
                   x0=np.zeros(n), convex=True, f_star=s, x_star=c)


PROBLEM = ProblemType("sphere", 50, LAYOUT, _value_grad, {"exact": Hessian(dense=_hess),
                                                         "doubled": Hessian(dense=_diag)})
BUILDERS = {"sphere": sphere}
'''


NEW_RULE = ('    HessianSpec("zero", ZERO, PSD_ALWAYS, GENERIC),\n',
            '    HessianSpec("zero", ZERO, PSD_ALWAYS, GENERIC),\n'
            '    HessianSpec("doubled", 8, PSD_ALWAYS, BY_PROBLEM),\n')


def test_a_new_problem_is_one_module_and_a_new_rule_one_row(tmp_path):
    """A copy of the package with one more module and one more row in the rule table
    (``doubled``, provided by the problems that declare it, here the new one): the
    registry finds the builder, the generated dispatch has its branch, and its oracles
    (its own and through the dispatch) compute f, its gradient, every generic rule and
    the new rule; the checker's PSD property is read from the row."""
    shutil.copytree(ROOT / "numeric", tmp_path / "numeric",
                    ignore=shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc"))
    (tmp_path / "numeric" / "problems" / "sphere.py").write_text(SPHERE)
    table = tmp_path / "numeric" / "hessians.py"
    text = table.read_text()
    assert NEW_RULE[0] in text
    table.write_text(text.replace(*NEW_RULE))
    script = textwrap.dedent('''
        import numpy as np
        import numeric.problems as P
        from numeric import oracles
        p = P.REGISTRY["sphere"]()
        from numeric import hessians
        assert p.hessians == ("exact", "perturbed", "perturbed_psd", "zero", "doubled"), p.hessians
        assert hessians.is_psd("doubled", convex=False)
        assert np.array_equal(p.hess(np.zeros(3), "doubled"), 2 * np.eye(3))
        try:
            P.REGISTRY["quadratic"](n=3).hessian_rule("doubled")
            raise AssertionError("a problem that does not declare the rule must refuse it")
        except ValueError:
            pass
        assert "if kind == 50:" in oracles.SOURCE
        x = np.array([1.0, 1.0, 1.0])
        assert p.value(x) == 0.5 * (1 + 0 + 1) + 0.5
        assert np.array_equal(p.grad(x), x - np.arange(3.0))
        assert np.array_equal(p.hess(x), np.eye(3)) and not p.hess(x, "zero").any()
        assert p.fields()["s"] == 0.5
        f, g = oracles.value_grad(p.kind, p.data, x)
        assert f == p.value(x) and np.array_equal(g, p.grad(x))
        print("ok")
    ''')
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600, env={"PYTHONPATH": str(tmp_path),
                                                      "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-3000:]


def test_the_dispatch_covers_every_declared_type_and_function():
    for d in PROBLEM_TYPES:
        for fn in oracles._SIGNATURES:
            assert f"_k{d.kind}_{fn}(" in oracles.SOURCE, (d.name, fn)
        assert problem_type(d.kind) is d
    kinds = [d.kind for d in PROBLEM_TYPES]
    assert len(set(kinds)) == len(kinds)
    assert {b.__module__.rsplit(".", 1)[-1] for b in REGISTRY.values()} <= {d.name for d in PROBLEM_TYPES}


def test_every_problem_supports_what_its_declaration_and_the_rule_table_say():
    for name, builder in REGISTRY.items():
        p = builder()
        d = p.type
        expected = [n for n, spec in hessians.HESSIANS.items()
                    if n in d.hessians or spec.provided_by == hessians.GENERIC
                    or (spec.provided_by == hessians.BY_RESIDUAL and d.residual is not None)]
        assert list(p.hessians) == expected, name
        assert bool(oracles.is_residual(p.kind)) == (d.residual is not None), name


def test_named_fields_round_trip():
    from numeric.problems import logistic
    p = logistic(m=7, n=3, lam=0.25, seed=2)
    f = p.fields()
    assert set(f) == {"A", "y", "lam"} and f["lam"] == 0.25 and f["A"].shape == (7, 3)
    again = p.type.layout.pack(**f)
    for a, b in zip(again, p.data):
        assert np.array_equal(a, b)


def test_each_list_of_step_rules_is_the_same_in_every_layer():
    from gnsverify import runs
    from numeric.solver import STEP_CODES
    from theory.symbols import STEPS
    assert set(STEP_CODES) == set(STEPS) == set(runs.STEPS)


def test_every_generated_kernel_has_its_own_name():
    """numba names a compiled function, and the environment a cached one boxes its
    results with, after its module and qualified name (plus a per-process counter): the
    per-kind kernels generated into one module must not share a name, or kernels
    compiled by different processes can resolve to one another's environment when
    loaded from the cache into one ("'descr' is NULL" on returning an array)."""
    names = [d.py_func.__qualname__ for t in PROBLEM_TYPES for d in t.kernels.values()]
    assert len(names) == len(set(names))
    assert all(n.endswith(f"_k{t.kind}") for t in PROBLEM_TYPES
               for n in (d.py_func.__qualname__ for d in t.kernels.values()))
