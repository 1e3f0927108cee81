"""Every named inequality in code is defined (in bold) in docs/theory.md."""
from __future__ import annotations

from pathlib import Path

import pytest

from theory import approximations, constants, flagship, inequalities, interval, monomials
from theory.classes import DERIVATION_STEPS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "theory.md").read_text(encoding="utf-8")

SOURCES = {
    "theory.inequalities": tuple(inequalities.INEQUALITIES),
    "theory.approximations": tuple(approximations.INEQUALITIES),
    "theory.classes": DERIVATION_STEPS,
    "theory.flagship": tuple(flagship.INEQUALITIES),
    "theory.constants": tuple(constants.INEQUALITIES),
    "theory.interval": tuple(interval.INEQUALITIES),
    "theory.monomials": tuple(monomials.INEQUALITIES),
}


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_every_named_inequality_is_defined_in_the_docs(module):
    names = SOURCES[module]
    assert names, module
    missing = [n for n in names if f"**`{n}`**" not in DOC]
    assert not missing, f"{module}: {missing} are not defined (bold) in docs/theory.md"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_every_name_is_defined_once(module):
    twice = [n for n in SOURCES[module] if DOC.count(f"**`{n}`**") > 1]
    assert not twice, f"{module}: {twice} are defined (bold) more than once in docs/theory.md"


def test_no_name_is_used_by_two_modules():
    seen: dict = {}
    for module, names in SOURCES.items():
        for n in names:
            assert n not in seen, f"{n} is defined both in {seen[n]} and in {module}"
            seen[n] = module

