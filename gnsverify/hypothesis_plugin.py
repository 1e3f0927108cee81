"""gnsverify's objects for hypothesis users: strategies drawing whole :class:`Case` and
:class:`ErrorModel` objects, and the hook that registers them with hypothesis.

The package declares the ``hypothesis`` entry point ``gnsverify =
"gnsverify.hypothesis_plugin:_hypothesis_setup_hook"``; hypothesis calls the hook when it
is imported, so ``st.from_type(Case)`` and ``st.from_type(ErrorModel)`` work in any test
suite of an environment where gnsverify is installed (the parameter-dict strategies
they build on: :mod:`gnsverify.strategies`).
"""
from __future__ import annotations

from hypothesis import strategies as st


def catalog_cases(names=None):
    """:class:`gnsverify.Case` objects drawn from the catalog's instance families (a
    family, then its parameters; ``names`` restricts the families). Shrinks towards the
    first family in alphabetical order and its simplest instance."""
    from gnsverify.catalog import families
    fams = families()
    chosen = sorted(fams) if names is None else list(names)
    bad = [n for n in chosen if n not in fams]
    if bad:
        raise ValueError(f"names must be families of the catalog ({', '.join(sorted(fams))}); got {bad}.")
    return st.sampled_from(chosen).flatmap(lambda n: fams[n].strategy.map(fams[n].build))


def synthetic_error_models(**ranges):
    """:class:`theory.approximations.ErrorModel` objects of the synthetic perturbation
    (the parameter dicts of :func:`gnsverify.strategies.error_models` with the same
    ``ranges``)."""
    from gnsverify.strategies import error_models
    from theory.approximations import synthetic
    return error_models(**ranges).map(lambda d: synthetic(**d))


def _hypothesis_setup_hook():
    """Called by hypothesis when it is imported (the ``hypothesis`` entry point of this
    package): ``st.from_type(Case)`` draws :func:`catalog_cases` and
    ``st.from_type(ErrorModel)`` :func:`synthetic_error_models`. Importing the types
    costs about 0.5 s once; a failure warns instead of breaking hypothesis."""
    try:
        from gnsverify.cases import Case
        from theory.approximations import ErrorModel
    except Exception as exc:  # pragma: no cover - a broken installation
        import warnings
        warnings.warn(f"gnsverify strategies not registered with hypothesis: {exc}")
        return
    st.register_type_strategy(Case, st.deferred(catalog_cases))
    st.register_type_strategy(ErrorModel, st.deferred(synthetic_error_models))
