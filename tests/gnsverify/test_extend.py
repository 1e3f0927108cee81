"""``module:object`` and ``file.py:object`` references for cases, classes and problems."""
import sys
import textwrap

import pytest

from gnsverify.extend import (ExtensionError, is_reference, load_object, parse_params, resolve_case,
                              resolve_cases, resolve_class, resolve_problem)

USER_MODULE = textwrap.dedent('''
    from gnsverify.cases import Case
    from numeric.problems.quadratic import quadratic
    from theory.classes import get_class
    from theory.classes.first_order import FirstOrder

    def _case(name, L):
        return Case(name=name, problem=lambda: quadratic(n=3, cond=4.0, seed=1),
                    claim=get_class("first_order", L=L), hessian="zero")

    CASE = _case("user_one", 4.0)
    CASES = [_case("user_a", 4.0), _case("user_b", 5.0)]

    def make_case():
        return _case("user_made", 4.0)

    class Holder:
        inner = _case("user_inner", 4.0)

    def tiny_quadratic(n=2):
        return quadratic(n=n, cond=2.0, seed=3)

    PROBLEM = quadratic(n=2, cond=2.0, seed=4)

    class ScaledFirstOrder(FirstOrder):
        """A user class: first-order smooth with a safety factor on L."""
        name = "scaled_first_order"

    NOT_A_CASE = 42

    def needs_args(a, b):
        return a + b
''')


@pytest.fixture()
def user_file(tmp_path):
    p = tmp_path / "my_cases.py"
    p.write_text(USER_MODULE)
    return p


@pytest.fixture()
def user_module(tmp_path, monkeypatch):
    pkg = tmp_path / "mods"
    pkg.mkdir()
    (pkg / "gns_user_mod.py").write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(pkg))
    yield "gns_user_mod"
    sys.modules.pop("gns_user_mod", None)


def test_reference_syntax():
    assert is_reference("pkg.mod:obj") and is_reference("a/b.py:make.inner")
    assert not is_reference("quadratic_exact") and not is_reference("mod:")
    assert not is_reference("mod:1bad")


def test_cases_by_file_and_by_module(user_file, user_module):
    for base in (str(user_file), user_module):
        assert resolve_case(f"{base}:CASE").name == "user_one"
        assert [c.name for c in resolve_cases(f"{base}:CASES")] == ["user_a", "user_b"]
        assert resolve_case(f"{base}:make_case").name == "user_made"        # factory called
        assert resolve_case(f"{base}:Holder.inner").name == "user_inner"    # dotted attribute


def test_a_file_is_loaded_once(user_file):
    a = load_object(f"{user_file}:CASE")
    b = load_object(f"{user_file}:CASE")
    assert a is b


@pytest.mark.parametrize("suffix, match", [
    (":NOT_A_CASE", "not a case"),
    (":missing", "has no attribute 'missing'"),
    (":needs_args", "not with no arguments"),
])
def test_bad_case_references_name_the_reference(user_file, suffix, match):
    with pytest.raises(ExtensionError, match=match):
        resolve_case(f"{user_file}{suffix}")


def test_more_bad_references(tmp_path, user_file):
    with pytest.raises(ExtensionError, match="does not exist"):
        resolve_case(f"{tmp_path / 'nope.py'}:CASE")
    with pytest.raises(ExtensionError, match="cannot be found"):
        resolve_case("no_such_module_gns:CASE")
    with pytest.raises(ExtensionError, match="2 cases where one is wanted"):
        resolve_case(f"{user_file}:CASES")
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('user bug')\n")
    with pytest.raises(ExtensionError, match="user bug"):
        load_object(f"{broken}:X")


def test_classes_by_name_and_by_reference(user_file):
    c = resolve_class("lipschitz_hessian", L2=2)
    assert c.name == "lipschitz_hessian" and float(c.bound().Ms()[0]) == pytest.approx(1.0)
    u = resolve_class(f"{user_file}:ScaledFirstOrder", L=3)
    assert u.name == "scaled_first_order" and float(u.bound().Ms()[0]) == pytest.approx(3.0)
    with pytest.raises(ExtensionError, match="unknown function class 'nope'"):
        resolve_class("nope")
    with pytest.raises(ExtensionError, match="unknown parameter"):
        resolve_class("lipschitz_hessian", L7=1)
    with pytest.raises(ExtensionError, match="not a function class"):
        resolve_class(f"{user_file}:NOT_A_CASE")


def test_problems_by_name_and_by_reference(user_file):
    assert resolve_problem("quadratic", n=3).n == 3
    assert resolve_problem(f"{user_file}:PROBLEM").n == 2
    assert resolve_problem(f"{user_file}:tiny_quadratic", n=4).n == 4
    with pytest.raises(ExtensionError, match="unknown problem 'nope'"):
        resolve_problem("nope")
    with pytest.raises(ExtensionError, match="takes no parameters"):
        resolve_problem(f"{user_file}:PROBLEM", n=3)


def test_parse_params():
    assert parse_params(["L=2", "nu=0.5", "flag=true", "s=abc"]) == {"L": 2, "nu": 0.5, "flag": True, "s": "abc"}
    assert parse_params(None) == {}
    with pytest.raises(ExtensionError, match="name=value"):
        parse_params(["oops"])
