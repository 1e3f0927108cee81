"""Every named inequality in code is defined (in bold) in docs/theory.md."""
from __future__ import annotations

from pathlib import Path

import pytest

from theory import approximations, constants, fisher_regression, inequalities, interval, monomials
from theory.classes import DERIVATION_STEPS
from gnsverify import experiments, instance_constants, rounding, tightness

DOC = (Path(__file__).resolve().parents[2] / "docs" / "theory.md").read_text(encoding="utf-8")

SOURCES = {
    "theory.inequalities": tuple(inequalities.INEQUALITIES),
    "theory.approximations": tuple(approximations.INEQUALITIES),
    "theory.classes": DERIVATION_STEPS,
    "theory.fisher_regression": tuple(fisher_regression.INEQUALITIES),
    "theory.constants": tuple(constants.INEQUALITIES),
    "theory.interval": tuple(interval.INEQUALITIES),
    "theory.monomials": tuple(monomials.INEQUALITIES),
    "gnsverify.tightness": tightness.RELATIONS,
    "gnsverify.instance_constants": instance_constants.RELATIONS,
    "gnsverify.experiments": experiments.RELATIONS,
    "gnsverify.rounding": rounding.RELATIONS,
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



def test_constants_table_matches_code():
    """The table at the top of docs/theory.md section 3: region and provenance per class."""
    from theory import approximations as ap
    from theory.classes import CATALOG
    section = DOC[DOC.index("## 3. Class bounds"):DOC.index("### 3.1")]
    rows = {line.split("|")[1].strip().split("(")[0].strip("` "): [c.strip() for c in line.split("|")[1:-1]]
            for line in section.splitlines() if line.startswith("| `")}
    for cls in CATALOG:
        row = rows[cls.name]
        assert row[1] == cls.region, cls.name
        assert row[3].startswith(cls.how()["M"]), cls.name
    models = {"synthetic": ap.synthetic(1, 1, 0.5), "zero": ap.zero(1), "fisher_logistic": ap.fisher_logistic(1, 1, 1),
              "fisher_softmax": ap.fisher_softmax(1, 1, 1), "fisher_term": ap.fisher_term(3, 1, 1),
              "weighted_gauss_newton_lse": ap.weighted_gauss_newton_lse(1, 1)}
    for name, model in models.items():
        assert rows[name][3].split(" (")[0] in set(model.how.values()), name
