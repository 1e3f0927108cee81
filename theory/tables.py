"""The rate table: class x {exact, approximate Hessian} x {convex, non-convex}.

Every row is computed from objects, never written by hand: a function class (its
``bound()``, ``convex_required``, ``hessian``), optionally composed with an error model
through :func:`theory.approximations.apply`, and the rate theorem of
:mod:`theory.rates` for the theory step. A row states the order of ``K(eps)``
(largest exponent of the active monomials; convex ``alpha = 0``: ``log(1/eps)``), the
leading terms ``M F0 eps^-(1+alpha)`` / ``M D^(1+alpha) eps^-alpha`` and the explicit
bound ``K(eps)`` (convex: its simpler upper bound, :meth:`RateTheorem.K_upper`).

``symbolic=True`` keeps the class parameters (``L_nu``, ``nu``, ``Q``, ``L0``, ``L1``,
...) as symbols, as a paper's table does; the default substitutes each class's
parameter values (shown in the ``params`` column). :data:`APPROXIMATIONS` are the
Hessian approximations in their own symbols (``C1``, ``C2``, ``beta``, ``R``, ``f*``,
``D``, ...), composed with each exact-Hessian class. Formulas are displayed through
:mod:`theory.display` (named constants, generic branches, ``log2``), whose notes are
rendered under the table.
"""
from __future__ import annotations

import csv
import io

import sympy as sp

from theory import display
from theory.monomials import ClassBound
from theory.rates import theorem

FORMATS = ("md", "latex", "text", "csv")
COLUMNS = ("class", "params", "hessian", "setting", "order", "exponent", "leading_terms", "bound")
_HEAD = {"class": "class", "params": "parameters", "hessian": "Hessian", "setting": "setting",
         "order": "order", "exponent": "exponent", "leading_terms": "leading terms",
         "bound": "K(eps) bound"}


def _sym(name: str, positive: bool = False) -> sp.Symbol:
    return sp.Symbol(name, positive=True) if positive else sp.Symbol(name, nonnegative=True)


def _approximations() -> dict:
    from theory import approximations as A
    from theory.symbols import D, f_star as fs     # the rate theorems' own D and f*
    R = _sym("R")
    return {
        "synthetic": lambda: A.synthetic(_sym("C1"), _sym("C2"), _sym("beta")),
        "fisher_logistic": lambda: A.fisher_logistic(R, fs, D),
        "fisher_softmax": lambda: A.fisher_softmax(R, fs, D),
        "weighted_gn_lse": lambda: A.weighted_gauss_newton_lse(_sym("mu", True), _sym("G")),
        "zero": lambda: A.zero(_sym("L")),
    }


#: the Hessian approximations a table can show, each in its own symbols
APPROXIMATIONS = tuple(_approximations())


def approximation(name: str):
    """The error model ``name`` of :data:`APPROXIMATIONS` (symbolic constants)."""
    models = _approximations()
    if name not in models:
        raise ValueError(f"approximation must be one of {', '.join(models)}, got {name!r}.")
    return models[name]()


def _as_class_list(classes):
    if classes is None:
        from theory.classes import CATALOG
        return list(CATALOG)
    return list(classes)


def _identity(obj):
    if isinstance(obj, ClassBound):
        return obj.name or "bound", obj.name or "bound", "exact", False
    return obj.name, getattr(obj, "title", obj.name), obj.hessian, obj.convex_required


def _params(obj, symbolic: bool) -> str:
    if symbolic or isinstance(obj, ClassBound):
        return "symbolic" if symbolic else ""
    return ", ".join(f"{k}={sp.sstr(v)}" for k, v in getattr(obj, "params", {}).items())


def _row(title, name, hessian, bound, convex, params=""):
    thm = theorem(bound, convex=convex)
    order = thm.order()
    lead = thm.leading_terms()
    K = thm.K_upper()
    ex = order["exponent"]
    return {
        "class": title, "class_name": name, "params": params, "hessian": hessian,
        "setting": "convex" if convex else "nonconvex",
        "order": order["text"], "kind": order["kind"],
        "exponent": ex if isinstance(ex, float) else sp.sstr(ex),
        "exponent_latex": sp.latex(sp.nsimplify(ex, rational=True) if isinstance(ex, float) else ex),
        "dominant": "+".join(order["dominant"]),
        "leading_terms": display.text(lead), "leading_terms_latex": display.latex(lead),
        "bound": display.text(K), "bound_latex": display.latex(K),
        "notes": display.notes(lead, K),
        "alphas": [sp.sstr(m.alpha) for m in bound.monomials],
    }


def rate_table(classes=None, approximations=None, symbolic: bool = False) -> list[dict]:
    """Plain rows (dicts of strings and numbers), one per (class, Hessian, setting).

    ``classes``: function classes (default: ``theory.classes.CATALOG``) or
    :class:`ClassBound` objects (treated as exact-Hessian, not convexity-restricted).
    ``approximations``: error models; each is applied to every exact-Hessian class
    (classes with ``hessian = "zero"`` get no approximate rows); names of
    :data:`APPROXIMATIONS` are accepted too. Non-convex rows are produced only for
    classes that do not require convexity. ``symbolic``: the class parameters stay
    symbols (module docstring).
    """
    from theory.approximations import ErrorModel, apply
    errs = [approximation(e) if isinstance(e, str) else e for e in (approximations or [])]
    for e in errs:
        if not isinstance(e, ErrorModel):
            raise ValueError(f"approximations must be ErrorModel objects, got {type(e).__name__}.")
    rows = []
    for obj in _as_class_list(classes):
        if not (isinstance(obj, ClassBound) or hasattr(obj, "bound")):
            raise ValueError(f"classes must be function classes or ClassBound objects, got {type(obj).__name__}.")
        name, title, hessian, convex_only = _identity(obj)
        base = obj if isinstance(obj, ClassBound) else obj.bound(symbolic=symbolic)
        variants = [(hessian, base)]
        if hessian == "exact":
            variants += [(e.name, apply(base, e)) for e in errs]
        for hname, bound in variants:
            for convex in (True, False):
                if convex or not convex_only:
                    rows.append(_row(title, name, hname, bound, convex, _params(obj, symbolic)))
    return rows


def _cell(v) -> str:
    if isinstance(v, float):
        return sp.sstr(sp.nsimplify(v, rational=True)) if float(v).is_integer() or \
            sp.nsimplify(v, rational=True).q <= 12 else f"{v:g}"
    return str(v)


def _notes(rows) -> list[str]:
    out: list[str] = []
    for r in rows:
        for n in r.get("notes", []):
            if n not in out:
                out.append(n)
    return out


def _md(rows, cols):
    out = ["| " + " | ".join(_HEAD[c] for c in cols) + " |",
           "|" + "|".join("---" for _ in cols) + "|"]
    out += ["| " + " | ".join(_cell(r[c]).replace("|", "\\|") for c in cols) + " |" for r in rows]
    notes = _notes(rows)
    if notes:
        out += [""] + [f"- {n}" for n in notes]
    return "\n".join(out) + "\n"


#: LaTeX for text cells: the special characters escaped, and no character outside
#: ASCII (pdflatex without inputenc/fontenc packages reads only ASCII safely)
_LATEX_ESC = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "ö": r'\"o', "é": r"\'e",
              "–": "--", "—": "---", "≈": r"$\approx$", "∩": r"$\cap$", "^": r"\^{}"}
LATEX_PREAMBLE = r"\usepackage{booktabs}, \usepackage{amsmath}"


def _tex_text(s: str) -> str:
    out = "".join(_LATEX_ESC.get(ch, ch) for ch in s)
    bad = sorted({ch for ch in out if ord(ch) > 127})
    if bad:
        raise ValueError(f"no ASCII form for the character(s) {bad} in {s!r}; add them to _LATEX_ESC.")
    return out


def _tex_order(r) -> str:
    if r["kind"] == "linear":
        return r"$\log(1/\varepsilon)$"
    return f"$\\varepsilon^{{-{r['exponent_latex']}}}$" if not any(c in r["exponent_latex"] for c in "+-") else \
        f"$\\varepsilon^{{-\\left({r['exponent_latex']}\\right)}}$"


_TEX_COLUMNS = ("class", "params", "hessian", "setting", "order", "leading_terms")


def _latex(rows, cols, caption: str | None = None, label: str = "tab:gns-rates"):
    """Two ``table`` environments (booktabs): the orders and leading terms, then the
    explicit bounds ``K(eps)`` (long formulas, in a wrapping column), with the notes of
    the displayed formulas under the first. Needs ``\\usepackage{booktabs}`` and
    ``\\usepackage{amsmath}``; ASCII only."""
    main = [c for c in cols if c in _TEX_COLUMNS]
    if "params" in main and len({r["params"] for r in rows}) <= 1:
        main.remove("params")      # the same for every row: said in the caption instead
    long_ = "bound" in cols

    def cell(r, c):
        if c in ("leading_terms", "bound"):
            return f"${r[c + '_latex']}$"
        if c == "order":
            return _tex_order(r)
        return _tex_text(_cell(r[c]))
    cap = caption or (r"Iteration bounds $K(\varepsilon)$ of the gradient-normalized Newton method "
                      r"with the theory step $\gamma_k = \pi(\|g_k\|_*)$: order and leading terms "
                      r"up to absolute constants ($F_0 = f(x_0) - f^*$; convex rows: $f - f^* \le "
                      r"\varepsilon$, $D$ the radius of the initial sublevel set; non-convex rows: "
                      r"$\min_k \|g_k\|_* \le \varepsilon$).")
    shared = {r["params"] for r in rows}
    if len(shared) == 1 and next(iter(shared)):
        p = next(iter(shared))
        cap += (" The class parameters are symbols." if p == "symbolic" else
                f" Parameters: {_tex_text(p)}.")
    widths = {"leading_terms": "p{0.40\\linewidth}", "class": "p{0.17\\linewidth}"}
    spec = "".join(widths.get(c, "l") for c in main)
    lines = ["% gnsverify rate table; needs " + LATEX_PREAMBLE,
             r"\begin{table}[ht]", r"\centering", r"\footnotesize", f"\\caption{{{cap}}}", f"\\label{{{label}}}",
             r"\setlength{\tabcolsep}{3pt}",
             r"\begin{tabular}{" + spec + "}", r"\toprule",
             " & ".join(_tex_text(_HEAD[c]) for c in main) + r" \\", r"\midrule"]
    lines += [" & ".join(cell(r, c) for c in main) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    notes = _notes(rows)
    if notes:
        lines += [r"\par\smallskip\footnotesize"] + [_tex_text(n) + r"\par" for n in notes]
    lines += [r"\end{table}"]
    if long_:
        lines += ["", r"\begin{table}[ht]", r"\centering", r"\footnotesize", r"\setlength{\tabcolsep}{3pt}",
                  f"\\caption{{Explicit bounds $K(\\varepsilon)$ of Table~\\ref{{{label}}} "
                  r"(convex rows: the simpler upper bound valid for $\varepsilon < F_0$; "
                  r"$G_0 = \|g(x_0)\|_*$).}",
                  f"\\label{{{label}-bounds}}",
                  r"\begin{tabular}{p{0.3\linewidth}lp{0.58\linewidth}}", r"\toprule",
                  r"class & setting & $K(\varepsilon)$ \\", r"\midrule"]
        lines += [f"{_tex_text(r['class'])} ({_tex_text(r['hessian'])}) & {_tex_text(r['setting'])} & "
                  f"${r['bound_latex']}$ \\\\" for r in rows]
        lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _text(rows, cols):
    table = [[_HEAD[c] for c in cols]] + [[_cell(r[c]) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(cols))]
    fmt = lambda row: "  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip()
    out = [fmt(table[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in table[1:]]
    notes = _notes(rows)
    if notes:
        out += [""] + [f"note: {n}" for n in notes]
    return "\n".join(out) + "\n"


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
