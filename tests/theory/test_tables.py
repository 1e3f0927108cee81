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
    notes = {note for r in rows for note in r["notes"]}
    assert len(notes) == 1 and "z_Q" in next(iter(notes))     # the QSC constant, named once
    md = render(rows, "md").strip().splitlines()
    assert len(md) == n + 2 + 1 + len(notes) and md[1].startswith("|---")
    tex = render(rows, "latex")
    assert all(k in tex for k in (r"\toprule", r"\midrule", r"\bottomrule"))
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    # the parameters differ between the rows (L2=1, Q=1): they keep their column
    main = ("class", "params", "hessian", "setting", "order", "leading_terms")
    assert len(body) == n and all(line.count("&") == len(main) - 1 for line in body)
    assert r"\varepsilon^{-\frac{1}{2}}" in tex and r"\log(1/\varepsilon)" in tex
    back = list(csv.DictReader(io.StringIO(render(rows, "csv"))))
    assert [b["order"] for b in back] == [r["order"] for r in rows]
    txt = render(rows, "text").splitlines()
    assert len(txt) == n + 2 + 1 + len(notes)


def _at(expr, values):
    return complex(sp.N(expr.subs(values), 30))


@pytest.mark.parametrize("cls", CATALOG, ids=lambda c: c.name)
def test_symbolic_table_is_the_numeric_one_with_the_parameters_left_free(cls):
    """Substituting the class's parameter values into the symbolic bound gives the
    numeric one (orders and K(eps)), at a generic point (eps, F0, G0, D)."""
    from theory.rates import theorem
    from theory.symbols import D, F0, G0, eps
    point = {eps: sp.Rational(1, 1000), F0: 2, G0: 3, D: sp.Rational(3, 2)}
    values = {cls.symbols[k]: v for k, v in cls.params.items()}
    for convex in ((True,) if cls.convex_required else (True, False)):
        sym, num = theorem(cls.bound(symbolic=True), convex=convex), theorem(cls.bound(), convex=convex)
        assert _at(sym.K_upper(), {**values, **point}) == pytest.approx(_at(num.K_upper(), point), rel=1e-20)
        e = sym.order()["exponent"]
        assert float(sp.sympify(e).subs(values)) == pytest.approx(num.order()["exponent"], abs=1e-15)


def test_symbolic_rows_keep_the_parameters_and_name_the_constants():
    rows = {(r["class_name"], r["hessian"], r["setting"]): r
            for r in rate_table(symbolic=True, approximations=["fisher_logistic", "synthetic"])}
    h = rows[("holder_hessian", "exact", "nonconvex")]
    assert h["order"] == "eps^(-((nu + 2)/(nu + 1)))" and "L_nu" in h["leading_terms"]
    assert rows[("holder_hessian", "fisher_logistic", "nonconvex")]["order"] == "eps^(-2)"
    assert rows[("lipschitz_hessian", "synthetic", "convex")]["order"] == "eps^(-1)"  # C1 t^-1 dominates
    for r in rows.values():
        assert r["params"] == "symbolic"
        for key in ("leading_terms", "bound", "leading_terms_latex", "bound_latex", "order"):
            assert "LambertW" not in r[key] and "Piecewise" not in r[key] and "Max(" not in r[key], (key, r)
    third = rows[("holder_third", "exact", "convex")]
    assert any("at nu = 0 the constant is its limit" in n for n in third["notes"])
    with pytest.raises(ValueError, match="approximation must be one of"):
        rate_table(approximations=["no_such_model"])


def test_latex_is_a_complete_ascii_table_that_compiles(tmp_path):
    import shutil
    import subprocess
    rows = rate_table(symbolic=True, approximations=["fisher_logistic"])
    tex = render(rows, "latex")
    assert tex.isascii()
    for env in ("table", "tabular"):
        assert tex.count(rf"\begin{{{env}}}") == tex.count(rf"\end{{{env}}}") == 2
    assert tex.count(r"\caption{") == 2 and r"\label{tab:gns-rates}" in tex and "H\\\"older" in tex
    body = tex.split(r"\midrule")[1].split(r"\bottomrule")[0]
    assert max(len(line) for line in body.splitlines()) < 400     # the long K(eps) in table 2
    with pytest.raises(ValueError, match="no ASCII form"):
        from theory.tables import _tex_text
        _tex_text("Lipschitz \u2207")                              # an unmapped character is refused
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed: structure checked, compilation not")
    doc = tmp_path / "t.tex"
    doc.write_text("\\documentclass{article}\\usepackage{booktabs}\\usepackage{amsmath}"
                   "\\begin{document}\n" + tex + "\\end{document}\n")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", doc.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "t.pdf").stat().st_size > 1000


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


def test_symbolic_order_keeps_equal_exponents_written_differently():
    # 1/(nu + 1) and 2/(2 nu + 2) are one value: neither may drop the other, and both
    # dominate 1/(nu + 2) (found by review: the order came out as 1/(nu + 2))
    from theory.monomials import ClassBound, Monomial
    from theory.rates import theorem
    nu = sp.Symbol("nu", nonnegative=True)
    b = ClassBound((Monomial(1 / (nu + 2), 1, "smoothness"), Monomial(1 / (nu + 1), 1, "a"),
                    Monomial(2 / (2 * nu + 2), 1, "b")), "test", {}, "ball")
    o = theorem(b, convex=True).order()
    assert sp.simplify(sp.sympify(o["exponent"]) - 1 / (nu + 1)) == 0
    assert o["dominant"] == ["a", "b"]
