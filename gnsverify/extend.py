"""User extensions without touching the package: ``module:object`` references.

Every command that takes a case, a function class or a problem accepts, besides a
catalog name, a reference of one of two forms:

* ``package.module:object`` — an importable module (on ``sys.path``);
* ``path/to/file.py:object`` — a Python file, loaded by path.

``object`` may be dotted (``module:Factory.default``). When the object found is
not of the wanted kind but is callable with no arguments (a factory function, a
class with default parameters), it is called once and the result is used; so
``mycases:make_case`` and ``mycases:CASE`` both work. A module may also expose a
list (or tuple) of cases: ``mycases:CASES`` selects all of them.

Every failure raises :class:`ExtensionError` (a ``ValueError``) with one sentence
naming the reference.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any, Callable


class ExtensionError(ValueError):
    """A reference could not be resolved to an object of the wanted kind."""


_REF = re.compile(r"^(?P<mod>.+?):(?P<obj>[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$")


def is_reference(text: str) -> bool:
    """True for ``module:object`` / ``file.py:object`` (a bare catalog name is not)."""
    return isinstance(text, str) and _REF.match(text.strip()) is not None


def split_reference(text: str) -> tuple[str, str]:
    m = _REF.match(text.strip())
    if m is None:
        raise ExtensionError(f"reference {text!r} is not of the form module:object or file.py:object.")
    return m.group("mod"), m.group("obj")


def _module_from_file(path_text: str, ref: str):
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise ExtensionError(f"file {path_text!r} in reference {ref!r} does not exist.")
    path = path.resolve()
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    name = f"gnsverify_user_{stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ExtensionError(f"file {path_text!r} in reference {ref!r} cannot be loaded as Python.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module            # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        del sys.modules[name]
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise ExtensionError(f"loading {path_text!r} for reference {ref!r} failed: "
                             f"{type(exc).__name__}: {exc}") from exc
    return module


def _import_module(mod_text: str, ref: str):
    if mod_text.endswith(".py") or "/" in mod_text or "\\" in mod_text:
        return _module_from_file(mod_text, ref)
    try:
        return importlib.import_module(mod_text)
    except ModuleNotFoundError as exc:
        if exc.name and (mod_text == exc.name or mod_text.startswith(exc.name + ".")):
            raise ExtensionError(f"module {mod_text!r} in reference {ref!r} cannot be found.") from exc
        raise ExtensionError(f"importing module {mod_text!r} for reference {ref!r} failed: {exc}.") from exc
    except Exception as exc:
        raise ExtensionError(f"importing module {mod_text!r} for reference {ref!r} failed: "
                             f"{type(exc).__name__}: {exc}") from exc


def load_object(ref: str) -> Any:
    """The object a ``module:object`` or ``file.py:object`` reference names."""
    mod_text, obj_text = split_reference(ref)
    obj = _import_module(mod_text, ref)
    for part in obj_text.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ExtensionError(f"reference {ref!r}: {mod_text!r} has no attribute {obj_text!r}.") from None
    return obj


def _call_factory(obj: Callable, ref: str, kind: str, params: dict) -> Any:
    """``obj(**params)``; a signature mismatch becomes one sentence naming ``ref``."""
    try:
        return obj(**params)
    except TypeError as exc:
        if params:
            raise ExtensionError(f"reference {ref!r} does not accept the parameters "
                                 f"{sorted(params)}: {exc}.") from exc
        raise ExtensionError(f"reference {ref!r} is callable but not with no arguments "
                             f"(wanted a {kind}): {exc}.") from exc


def _coerce(obj: Any, ref: str, accept: Callable[[Any], bool], kind: str, params: dict,
            already: str) -> Any:
    """``obj`` itself when ``accept`` takes it (then ``params`` must be empty), else what
    calling it with ``params`` gives, when ``accept`` takes that."""
    if accept(obj):
        if params:
            raise ExtensionError(f"reference {ref!r} is already {already}; it takes no parameters.")
        return obj
    if callable(obj):
        obj = _call_factory(obj, ref, kind, params)
        if accept(obj):
            return obj
    raise ExtensionError(f"reference {ref!r} gives a {type(obj).__name__}, not a {kind}.")


# -- cases ------------------------------------------------------------------------

def _is_case(obj) -> bool:
    try:
        from gnsverify.cases import Case
    except ImportError:                      # pragma: no cover - while the core lands
        Case = None
    if Case is not None and isinstance(obj, Case):
        return True
    return hasattr(obj, "name") and hasattr(obj, "problem") and not isinstance(obj, type)


def resolve_cases(ref_or_name: str) -> list:
    """One or more cases for a ``--case`` value: a catalog name or a reference.

    A reference may name a case, a no-argument factory of one, or a list/tuple of
    cases (or a factory returning such a list).
    """
    text = str(ref_or_name).strip()
    if not is_reference(text):
        from gnsverify import catalog
        try:
            return [catalog.get_case(text)]
        except (KeyError, ValueError) as exc:
            names = _catalog_names()
            hint = f" (known: {', '.join(names)})" if names else ""
            raise ExtensionError(f"unknown case {text!r}{hint}; use a catalog name or module:object.") from exc
    obj = load_object(text)
    if not _is_case(obj) and callable(obj) and not isinstance(obj, (list, tuple)):
        obj = _call_factory(obj, text, "case", {})
    if isinstance(obj, (list, tuple)):
        if not obj or not all(_is_case(c) for c in obj):
            raise ExtensionError(f"reference {text!r} gives a list that is not a non-empty list of cases.")
        return list(obj)
    if _is_case(obj):
        return [obj]
    raise ExtensionError(f"reference {text!r} gives a {type(obj).__name__}, not a case.")


def resolve_case(ref_or_name: str):
    """Exactly one case (see :func:`resolve_cases`)."""
    cases = resolve_cases(ref_or_name)
    if len(cases) != 1:
        raise ExtensionError(f"reference {ref_or_name!r} gives {len(cases)} cases where one is wanted.")
    return cases[0]


def _catalog_names() -> list[str]:
    try:
        from gnsverify import catalog
        return [c.name for c in catalog.default_cases()]
    except Exception:
        return []


# -- function classes -------------------------------------------------------------

def _is_class(obj) -> bool:
    return (not isinstance(obj, type)) and callable(getattr(obj, "bound", None)) and hasattr(obj, "name")


def resolve_class(ref_or_name: str, **params):
    """A function class: a catalog name (with ``params``) or a reference.

    A referenced object that is not yet a class instance is called with ``params``
    (a factory or a class type), so ``myclasses:MyClass`` with ``--param L=2`` works.
    """
    text = str(ref_or_name).strip()
    if not is_reference(text):
        from theory import classes
        names = tuple(getattr(classes, "NAMES", ()))
        if names and text not in names:
            raise ExtensionError(f"unknown function class {text!r} (known: {', '.join(names)}); "
                                 f"use a catalog name or module:object.")
        try:
            return classes.get_class(text, **params)
        except (KeyError, ValueError) as exc:
            raise ExtensionError(str(exc)) from exc
    return _coerce(load_object(text), text, _is_class,
                   "function class (an object with name and bound())", params, "a class instance")


# -- problems ---------------------------------------------------------------------

def _is_problem(obj) -> bool:
    try:
        from numeric.problems.base import Problem
    except ImportError:                      # pragma: no cover
        Problem = None
    if Problem is not None and isinstance(obj, Problem):
        return True
    return all(callable(getattr(obj, m, None)) for m in ("value", "grad", "hess")) and not isinstance(obj, type)


def resolve_problem(ref_or_name: str, **params):
    """A numeric problem: a name in ``numeric.problems.REGISTRY`` or a reference.

    A referenced builder is called with ``params``.
    """
    text = str(ref_or_name).strip()
    if not is_reference(text):
        import numeric.problems as problems
        registry = getattr(problems, "REGISTRY", {})
        if text not in registry:
            raise ExtensionError(f"unknown problem {text!r} (known: {', '.join(sorted(registry))}).")
        return registry[text](**params)
    return _coerce(load_object(text), text, _is_problem,
                   "problem (an object with value, grad and hess)", params, "a problem")


def parse_params(items) -> dict[str, Any]:
    """``["L=2", "nu=0.5", "name=x"]`` -> ``{"L": 2, "nu": 0.5, "name": "x"}``.

    Values are read as int, then float, then ``true``/``false``, else kept as text.
    """
    out: dict[str, Any] = {}
    for item in items or ():
        key, sep, val = str(item).partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ExtensionError(f"parameter {item!r} is not of the form name=value.")
        val = val.strip()
        for conv in (int, float):
            try:
                out[key] = conv(val)
                break
            except ValueError:
                continue
        else:
            low = val.lower()
            out[key] = True if low == "true" else False if low == "false" else val
    return out


# -- cases built from references ----------------------------------------------------

def case_from_refs(problem_ref: str, class_ref: str, params: dict | None = None, *,
                   hessian: str | None = None, name: str | None = None):
    """A :class:`gnsverify.cases.Case` claiming the class ``class_ref`` (at ``params``) on
    the problem ``problem_ref``, with the class's Hessian rule unless ``hessian`` says
    otherwise (``f*`` unknown: the stationarity claims)."""
    from gnsverify.cases import Case
    problem = resolve_problem(problem_ref)
    cls = resolve_class(class_ref, **(params or {}))
    return Case(name=name or f"{getattr(problem, 'name', 'problem')}:{cls.name}", problem=problem,
                claim=cls, hessian=hessian or getattr(cls, "hessian", "exact"), f_star=None,
                description=f"problem {problem_ref} with the claim {class_ref}")


def family_reference(text: str | None):
    """The :class:`gnsverify.cases.Family` a reference names, else ``None``."""
    from gnsverify.cases import Family
    if not text or not is_reference(text):
        return None
    obj = load_object(text)
    return obj if isinstance(obj, Family) else None
