"""The strategies reach hypothesis users: ``st.from_type`` draws gnsverify objects once
the entry point's hook has run (hypothesis runs it at import in an installed
environment), and the entry point is declared where pip installs it from."""
from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from hypothesis import given, settings, strategies as st

from gnsverify import FAIL, Case, verify
from gnsverify.hypothesis_plugin import _hypothesis_setup_hook
from theory.approximations import ErrorModel

ROOT = Path(__file__).resolve().parents[2]

_hypothesis_setup_hook()      # what the entry point does (idempotent)


def test_the_entry_point_is_declared_and_installed():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["hypothesis"]
    assert declared == {"gnsverify": "gnsverify.hypothesis_plugin:_hypothesis_setup_hook"}
    installed = {ep.value for ep in metadata.entry_points(group="hypothesis") if ep.name == "gnsverify"}
    assert installed == {"gnsverify.hypothesis_plugin:_hypothesis_setup_hook"}, (
        "the package's metadata lacks the hypothesis entry point: reinstall (pip install -e .)")


@settings(max_examples=3, deadline=None, database=None)
@given(st.from_type(Case))
def test_the_documented_example_runs(case):
    assert isinstance(case, Case)
    assert verify(case, budget="quick").verdict != FAIL     # no catalog instance refutes its claim


@settings(max_examples=10, deadline=None, database=None)
@given(st.from_type(ErrorModel))
def test_error_models_are_drawn(err):
    assert err.name == "synthetic" and 0 <= float(err.beta) <= 1 and float(err.C2) >= 0
