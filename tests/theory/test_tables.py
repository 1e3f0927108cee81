"""The rate table: orders computed from class objects match THEORY.md's tables."""
from __future__ import annotations

import csv
import io
import math

import pytest
import sympy as sp

from theory.approximations import ErrorModel
from theory.classes import CATALOG, get_class
from theory.tables import COLUMNS, render, rate_table


def _order(rows, cls, hessian, setting):
    (row,) = [r for r in rows if r["class_name"] == cls and r["hessian"] == hessian
              and r["setting"] == setting]
    return row


# (class, parameters, setting, expected exponent or "linear") as stated in THEORY.md
# sections 5-6 (exact Hessian): the exponent of the convex rate is alpha, the
# non-convex one 1 + alpha.
THEORY_MD = [
    ("lipschitz_hessian", {}, "convex", 0.5),
    ("lipschitz_hessian", {}, "nonconvex", 1.5),
    ("holder_hessian", {"nu": sp.Rational(1, 2)}, "convex", 2 / 3),     # alpha = 1/(1+nu)
    ("holder_hessian", {"nu": 0}, "convex", 1.0),
    ("bounded_hessian_variation", {}, "convex", 1.0),
    ("first_order", {}, "convex", 1.0),
    ("first_order", {}, "nonconvex", 2.0),
    ("holder_third", {"nu": 1}, "convex", 1 / 3),                      # alpha = 1/(2+nu)
    ("holder_third", {"nu": 0}, "convex", 0.5),
    ("qsc", {}, "convex", "linear"),
]


@pytest.mark.parametrize("name, params, setting, expected", THEORY_MD)
def test_orders_match_theory_md(name, params, setting, expected):
    rows = rate_table([get_class(name, **params)])
    row = _order(rows, name, get_class(name).hessian, setting)
    if expected == "linear":
        assert row["kind"] == "linear" and row["order"] == "log(1/eps)"
    else:
        assert row["kind"] == "sublinear" and math.isclose(row["exponent"], expected)


def test_approximation_terms():
    """Smoothness dominates iff beta <= alpha and C1 = 0 (THEORY.md section 5)."""
    lip = get_class("lipschitz_hessian")
    errs = [ErrorModel("beta=1/4", 0, 1, sp.Rational(1, 4)), ErrorModel("beta=3/4", 0, 1, sp.Rational(3, 4)),
            ErrorModel("C1", 1, 0, 0)]
    rows = rate_table([lip], errs)
    assert math.isclose(_order(rows, lip.name, "beta=1/4", "convex")["exponent"], 0.5)
    assert math.isclose(_order(rows, lip.name, "beta=3/4", "convex")["exponent"], 0.75)
    assert math.isclose(_order(rows, lip.name, "beta=3/4", "nonconvex")["exponent"], 1.75)
    assert math.isclose(_order(rows, lip.name, "C1", "convex")["exponent"], 1.0)
    assert _order(rows, lip.name, "beta=3/4", "convex")["dominant"] == "approximation:C2"


def test_row_structure_follows_the_objects():
    err = ErrorModel("approx", 0, 1, sp.Rational(1, 2))
    rows = rate_table(CATALOG, [err])
    for cls in CATALOG:
        mine = [r for r in rows if r["class_name"] == cls.name]
        hess = {r["hessian"] for r in mine}
        assert hess == ({cls.hessian, "approx"} if cls.hessian == "exact" else {cls.hessian})
        settings = {r["setting"] for r in mine}
        assert settings == ({"convex"} if cls.convex_required else {"convex", "nonconvex"})


def test_renderers():
    rows = rate_table([get_class("lipschitz_hessian"), get_class("qsc")])
    n = len(rows)
    md = render(rows, "md").strip().splitlines()
    assert len(md) == n + 2 and md[1].startswith("|---")
    tex = render(rows, "latex")
    assert all(k in tex for k in (r"\toprule", r"\midrule", r"\bottomrule"))
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    assert len(body) == n and all(line.count("&") == len(COLUMNS) - 1 for line in body)
    assert r"\varepsilon^{-\frac{1}{2}}" in tex and r"\log(1/\varepsilon)" in tex
    back = list(csv.DictReader(io.StringIO(render(rows, "csv"))))
    assert [b["order"] for b in back] == [r["order"] for r in rows]
    txt = render(rows, "text").splitlines()
    assert len(txt) == n + 2


def test_bad_input():
    rows = rate_table([get_class("first_order")])
    with pytest.raises(ValueError, match="fmt"):
        render(rows, "html")
    with pytest.raises(ValueError, match="columns"):
        render(rows, "md", columns=("class", "speed"))
    with pytest.raises(ValueError, match="approximations"):
        rate_table([get_class("first_order")], [(0, 1, 0.5)])
    with pytest.raises(ValueError, match="classes"):
        rate_table([42])
