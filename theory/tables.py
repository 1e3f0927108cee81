"""The rate table: class x {exact, approximate Hessian} x {convex, non-convex}.

Every row is computed from objects, never written by hand: a function class (its
``bound()``, ``convex_required``, ``hessian``), optionally composed with an error model
through :func:`theory.approximations.apply`, and the rate theorem of
:mod:`theory.rates` for the theory step. A row states the order of ``K(eps)``
(largest exponent of the active monomials; convex ``alpha = 0``: ``log(1/eps)``), the
leading terms ``M F0 eps^-(1+alpha)`` / ``M D^(1+alpha) eps^-alpha`` and the explicit
bound ``K(eps)`` (convex: its simpler upper bound, :meth:`RateTheorem.K_upper`).
"""
from __future__ import annotations

import csv
import io

import sympy as sp

from theory.monomials import ClassBound
from theory.rates import theorem
from theory.symbols import eps

_TEX_NAMES = {eps: r"\varepsilon"}

FORMATS = ("md", "latex", "text", "csv")
COLUMNS = ("class", "hessian", "setting", "order", "exponent", "leading_terms", "bound")
_HEAD = {"class": "class", "hessian": "Hessian", "setting": "setting", "order": "order",
         "exponent": "exponent", "leading_terms": "leading terms", "bound": "K(eps) bound"}


def _as_class_list(classes):
    if classes is None:
        from theory.classes import CATALOG
        return list(CATALOG)
    return list(classes)


def _identity(obj):
    if isinstance(obj, ClassBound):
        return obj.name or "bound", obj.name or "bound", "exact", False
    return obj.name, getattr(obj, "title", obj.name), obj.hessian, obj.convex_required


def _row(title, name, hessian, bound, convex):
    thm = theorem(bound, convex=convex)
    order = thm.order()
    lead = thm.leading_terms()
    K = thm.K_upper()
    return {
        "class": title, "class_name": name, "hessian": hessian,
        "setting": "convex" if convex else "nonconvex",
        "order": order["text"], "kind": order["kind"], "exponent": order["exponent"],
        "dominant": "+".join(order["dominant"]),
        "leading_terms": sp.sstr(lead), "leading_terms_latex": sp.latex(lead, symbol_names=_TEX_NAMES),
        "bound": sp.sstr(K), "bound_latex": sp.latex(K, symbol_names=_TEX_NAMES),
        "alphas": [sp.sstr(m.alpha) for m in bound.monomials],
    }


def rate_table(classes=None, approximations=None) -> list[dict]:
    """Plain rows (dicts of strings and numbers), one per (class, Hessian, setting).

    ``classes``: function classes (default: ``theory.classes.CATALOG``) or
    :class:`ClassBound` objects (treated as exact-Hessian, not convexity-restricted).
    ``approximations``: error models; each is applied to every exact-Hessian class
    (classes with ``hessian = "zero"`` get no approximate rows). Non-convex rows are
    produced only for classes that do not require convexity.
    """
    from theory.approximations import ErrorModel, apply
    errs = list(approximations or [])
    for e in errs:
        if not isinstance(e, ErrorModel):
            raise ValueError(f"approximations must be ErrorModel objects, got {type(e).__name__}.")
    rows = []
    for obj in _as_class_list(classes):
        if not (isinstance(obj, ClassBound) or hasattr(obj, "bound")):
            raise ValueError(f"classes must be function classes or ClassBound objects, got {type(obj).__name__}.")
        name, title, hessian, convex_only = _identity(obj)
        base = obj if isinstance(obj, ClassBound) else obj.bound()
        variants = [(hessian, base)]
        if hessian == "exact":
            variants += [(e.name, apply(base if isinstance(obj, ClassBound) else obj, e)) for e in errs]
        for hname, bound in variants:
            for convex in (True, False):
                if convex or not convex_only:
                    rows.append(_row(title, name, hname, bound, convex))
    return rows


def _cell(v) -> str:
    if isinstance(v, float):
        return sp.sstr(sp.nsimplify(v, rational=True)) if float(v).is_integer() or \
            sp.nsimplify(v, rational=True).q <= 12 else f"{v:g}"
    return str(v)


def _md(rows, cols):
    out = ["| " + " | ".join(_HEAD[c] for c in cols) + " |",
           "|" + "|".join("---" for _ in cols) + "|"]
    out += ["| " + " | ".join(_cell(r[c]).replace("|", "\\|") for c in cols) + " |" for r in rows]
    return "\n".join(out) + "\n"


_LATEX_ESC = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_"}


def _tex_text(s: str) -> str:
    return "".join(_LATEX_ESC.get(ch, ch) for ch in s)


def _latex(rows, cols):
    def cell(r, c):
        if c in ("leading_terms", "bound"):
            return f"${r[c + '_latex']}$"
        if c == "order":
            return "$\\log(1/\\varepsilon)$" if r["kind"] == "linear" else \
                f"$\\varepsilon^{{-{sp.latex(sp.nsimplify(r['exponent'], rational=True))}}}$"
        return _tex_text(_cell(r[c]))
    lines = [r"\begin{tabular}{" + "l" * len(cols) + "}", r"\toprule",
             " & ".join(_tex_text(_HEAD[c]) for c in cols) + r" \\", r"\midrule"]
    lines += [" & ".join(cell(r, c) for c in cols) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def _text(rows, cols):
    table = [[_HEAD[c] for c in cols]] + [[_cell(r[c]) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
    fmt = lambda row: "  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip()
    return "\n".join([fmt(table[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in table[1:]]) + "\n"


def _csv(rows, cols):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r[c]) for c in cols])
    return buf.getvalue()


def render(rows, fmt: str = "md", columns=COLUMNS) -> str:
    """Render rows of :func:`rate_table` as Markdown, LaTeX (booktabs), text or CSV."""
    renderers = {"md": _md, "latex": _latex, "text": _text, "csv": _csv}
    if fmt not in renderers:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}.")
    cols = tuple(columns)
    bad = [c for c in cols if c not in _HEAD]
    if bad:
        raise ValueError(f"columns must be among {COLUMNS}, got {bad}.")
    return renderers[fmt](list(rows), cols)
