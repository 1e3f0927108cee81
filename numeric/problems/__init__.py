"""Numeric problems: data plus compiled oracles (see :mod:`numeric.problems.base`).

Every public module of this package is a problem: it declares ``PROBLEM`` (a
:class:`~numeric.problems.base.ProblemType`) and ``BUILDERS`` (builder name ->
function). They are discovered here, in order of their ``kind``:

* ``PROBLEM_TYPES``: the declarations (what :mod:`numeric.oracles` generates the
  compiled dispatch from); :func:`problem_type` looks one up by ``kind``;
* ``REGISTRY``: builder name -> builder; every builder takes keyword arguments with
  defaults, validates them and returns a :class:`Problem`.

Importing this package binds each builder under its name (``numeric.problems.power``
is the builder function); reach a module's kernels with ``importlib.import_module``.
"""
from __future__ import annotations

import importlib
import pkgutil

from numeric.problems.base import Problem, ProblemType, problem_type

_NOT_PROBLEMS = {"base", "datasets"}


def _discover():
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_PROBLEMS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        decl = getattr(module, "PROBLEM", None)
        if not isinstance(decl, ProblemType):
            raise ImportError(f"problem module {module.__name__} must declare PROBLEM (a ProblemType).")
        found.append((decl, getattr(module, "BUILDERS", {})))
    found.sort(key=lambda item: item[0].kind)
    kinds = [decl.kind for decl, _ in found]
    if len(set(kinds)) != len(kinds):
        raise ImportError(f"problem kinds must be unique, got {kinds}.")
    registry = {}
    for _, builders in found:
        for name, builder in builders.items():
            if name in registry:
                raise ImportError(f"builder {name!r} is declared by two problem modules.")
            registry[name] = builder
    return tuple(decl for decl, _ in found), registry


PROBLEM_TYPES, REGISTRY = _discover()


globals().update(REGISTRY)
from numeric.problems.logsumexp import logsumexp_data              # noqa: E402
from numeric.problems.callables import from_callables              # noqa: E402
from numeric.problems.expression import expression_problem         # noqa: E402

__all__ = ["Problem", "ProblemType", "PROBLEM_TYPES", "REGISTRY", "problem_type",
           "logsumexp_data", "from_callables", "expression_problem", *REGISTRY]
