"""The ``gnsverify`` command.

    gnsverify verify   [--case NAME|REF ...] [--eps LIST] [--budget B] [--seed S] [--out DIR]
    gnsverify classes  [--format text|md|csv|json] [--out FILE]
    gnsverify table    [--format md|latex|text|csv] [--out FILE]
    gnsverify run      CASE [--step adaptive|theory|ideal] [--rule R] [--max-iter N] [--out DIR]
    gnsverify check    CASE | --class NAME|REF [--examples N] [--seed S] [--out DIR]
    gnsverify explore  EXPR --vars x0,x1 [--box ...] [--x0 ...] [--budget B] [--out DIR]

Cases, classes and problems are catalog names or ``module:object`` /
``path/to/file.py:object`` references (see :mod:`gnsverify.extend`).

Exit codes: 0 success (no claim failed), 1 a claim FAILed, 2 usage or input error
(one sentence naming the bad input or path on stderr), 130 interrupted (Ctrl-C), 143
terminated (SIGTERM), 70 an internal error (a bug; ``GNSVERIFY_DEBUG=1`` shows the
traceback). Every command runs with one BLAS thread
(:mod:`gnsverify.threads`). Result folders are
written atomically (complete or absent). Progress goes to stderr when it is a
terminal (never with ``--quiet``); tables and the list of written files go to
stdout.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from gnsverify import report as rep
from gnsverify.extend import ExtensionError, parse_params, resolve_case, resolve_cases, resolve_class, \
    resolve_problem
from gnsverify.outdir import (OutputError, atomic_dir, atomic_file, check_target_dir, check_target_file,
                              will_replace)
from gnsverify.progress import Progress
from gnsverify.threads import single_threaded_blas
from gnsverify.verdict import FAIL

PROG = "gnsverify"
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
EXIT_INTERNAL = 70     # EX_SOFTWARE: an unexpected error inside gnsverify (a bug)
STEPS = ("adaptive", "theory", "ideal")


class UsageError(ValueError):
    """A bad command-line input (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so ``main`` owns the exit code."""

    def error(self, message):
        raise UsageError(message.rstrip(".") + ".")


# -- input parsing ------------------------------------------------------------------

def parse_floats(text: str, what: str, *, positive: bool = False) -> list[float]:
    """``"1e-2,1e-4"`` -> ``[0.01, 0.0001]``; one sentence naming ``what`` on error."""
    out = []
    for item in str(text).replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            v = float(item)
        except ValueError:
            raise UsageError(f"{what} value {item!r} is not a number.") from None
        if not math.isfinite(v) or (positive and v <= 0):
            raise UsageError(f"{what} value {item!r} must be a finite number"
                             + (" > 0." if positive else "."))
        out.append(v)
    if not out:
        raise UsageError(f"{what} is empty.")
    return out


def parse_eps(values) -> list[float] | None:
    if not values:
        return None
    ladder: list[float] = []
    for v in values:
        ladder += parse_floats(v, "--eps", positive=True)
    return sorted(set(ladder), reverse=True)


def parse_box(text: str | None, n: int) -> list[tuple[float, float]] | None:
    """``"-2,2"`` (every variable) or ``"-2,2;-1,3"`` (one pair per variable)."""
    if text is None:
        return None
    parts = [p for p in str(text).split(";") if p.strip()]
    pairs = []
    for p in parts:
        lo_hi = parse_floats(p, "--box")
        if len(lo_hi) != 2 or not lo_hi[0] < lo_hi[1]:
            raise UsageError(f"--box part {p.strip()!r} must be two numbers lo,hi with lo < hi.")
        pairs.append((lo_hi[0], lo_hi[1]))
    if len(pairs) == 1:
        pairs = pairs * n
    if len(pairs) != n:
        raise UsageError(f"--box has {len(pairs)} intervals but there are {n} variables.")
    return pairs


def _budget_names() -> tuple[str, ...]:
    try:
        from gnsverify.verify import BUDGETS as b
    except ImportError:
        return ()
    return tuple(b) if b else ()


def check_budget(budget: str | None) -> str | None:
    if budget is None:
        return None
    names = _budget_names()
    if names and budget not in names:
        raise UsageError(f"--budget must be one of {', '.join(names)}, got {budget!r}.")
    return budget


# -- shared helpers -----------------------------------------------------------------

def say(msg: str = "") -> None:
    print(msg, flush=True)


def said_files(out: Path, files, replaced: bool = False) -> None:
    """Tell where the results went (figures counted per folder, not listed), and
    whether they replaced an earlier gnsverify output folder."""
    files = [str(f) for f in files]
    figs = [f for f in files if f.startswith("figures/")]
    rest = [f for f in files if not f.startswith("figures/")]
    if len(figs) > 3:
        rest.append(f"figures/ ({len(figs)} PNG)")
    else:
        rest += figs
    verb = "replaced the earlier gnsverify output in" if replaced else "wrote"
    say(f"{verb} {out}/: " + ", ".join(rest))


def output_folder(path, command: str):
    """``(folder, replaces, context)``: the checked output folder, whether it replaces an
    earlier gnsverify output, and the atomic context that writes it
    (:mod:`gnsverify.outdir`: user files are never replaced)."""
    out = check_target_dir(path)
    return out, will_replace(out), atomic_dir(out, command=command)


def _case_on_the_fly(problem_ref: str, class_ref: str, params: dict, *, rule: str | None, name: str | None):
    """A :class:`gnsverify.cases.Case` from ``--problem`` and ``--class`` references."""
    from gnsverify.cases import Case
    problem = resolve_problem(problem_ref)
    cls = resolve_class(class_ref, **params)
    rule = rule or getattr(cls, "hessian", "exact")
    return Case(name=name or f"{getattr(problem, 'name', 'problem')}:{cls.name}", problem=problem,
                claim=cls, rule=rule, f_star=None,
                description=f"problem {problem_ref} with the claim {class_ref}")


def cases_from_args(args) -> list | None:
    """The cases of ``--case`` / ``--problem --class`` (``None``: the default campaign)."""
    cases = []
    for ref in args.case or ():
        cases += resolve_cases(ref)
    if getattr(args, "problem", None):
        if not getattr(args, "cls", None):
            raise UsageError("--problem needs --class (the claim to test on it).")
        cases.append(_case_on_the_fly(args.problem, args.cls, parse_params(args.param),
                                      rule=getattr(args, "rule", None), name=None))
    names = [c.name for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UsageError(f"--case names the case {dup[0]!r} twice.")
    return cases or None


def _progress(args) -> Progress:
    return Progress(quiet=getattr(args, "quiet", False))


# -- verify ---------------------------------------------------------------------------

def cmd_verify(args) -> int:
    from gnsverify.verify import campaign
    eps = parse_eps(args.eps)
    budget = check_budget(args.budget)
    out, replaces, writer = output_folder(args.out, "verify")
    cases = cases_from_args(args)
    with_phase = args.phase if args.phase is not None else cases is None
    t0 = time.perf_counter()
    kwargs: dict[str, Any] = dict(eps=eps, seed=args.seed)
    if budget is not None:
        kwargs["budget"] = budget
    with _progress(args) as progress, writer as tmp:
        reports = campaign(cases, progress=progress, **kwargs)
        phase = None
        if with_phase:
            from gnsverify.phase_experiment import phase_experiment
            progress("phase diagram")
            phase = phase_experiment(seed=args.seed, progress=progress)
        meta = dict(cases=len(reports), eps=eps if eps else "per case", budget=budget or "default",
                    seed=args.seed, seconds=round(time.perf_counter() - t0, 1))
        progress("writing the report")
        summary = rep.write_campaign(tmp, reports, phase=phase, figures=not args.no_figures, meta=meta,
                                     progress=progress)
    say(rep.summary_table(reports))
    for r in reports:
        for w in r.warnings:
            print(f"{PROG}: warning: {w}.", file=sys.stderr)
    c = summary["counts"]
    say("")
    say(f"overall: {summary['overall']} ({c['PASS']} PASS, {c['FAIL']} FAIL, {c['INCONCLUSIVE']} "
        f"INCONCLUSIVE claims on {len(reports)} cases) in {time.perf_counter() - t0:.1f} s")
    for r in rep.records(reports):
        if r["verdict"] == FAIL:
            say(f"FAIL {r['case']} / {r['claim']}: {r['detail']}")
    said_files(out, summary["files"], replaces)
    say(f"report: {out / 'REPORT.md'}")
    return EXIT_FAIL if summary["overall"] == FAIL else EXIT_OK


# -- classes and table ------------------------------------------------------------------

def class_rows(classes=None) -> list[dict]:
    """One plain row per function class: parameters, bound, exponent, rates."""
    import sympy as sp
    from theory import classes as C
    from theory import rates
    out = []
    for cls in (classes if classes is not None else C.CATALOG):
        b = cls.bound()
        sym = cls.bound(symbolic=True)
        row = {
            "name": cls.name, "title": getattr(cls, "title", ""),
            "params": ", ".join(f"{k}={v}" for k, v in getattr(cls, "params", {}).items()),
            "hessian": getattr(cls, "hessian", "exact"),
            "convex_required": bool(getattr(cls, "convex_required", False)),
            "region": getattr(cls, "region", "ball"),
            "bound": " + ".join(f"{sp.sstr(m.M)}*t^(-{sp.sstr(m.alpha)})" for m in sym.monomials),
            "alphas": [m.alpha_f for m in b.monomials],
            "Ms": [m.M_f for m in b.monomials],
        }
        for setting, convex in (("nonconvex", False), ("convex", True)):
            if setting == "nonconvex" and row["convex_required"]:
                row[f"rate_{setting}"] = None
                continue
            try:
                row[f"rate_{setting}"] = rates.theorem(b, convex=convex).order().get("text")
            except ValueError as exc:
                row[f"rate_{setting}"] = f"n/a ({exc})"
        out.append(row)
    return out


def _render_rows(rows: list[dict], fmt: str, columns: list[str]) -> str:
    if fmt == "json":
        return rep.dumps(rows) + "\n"
    body = [[r.get(c) for c in columns] for r in rows]
    if fmt == "csv":
        import csv
        import io
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        for r in body:
            w.writerow(["" if c is None else json.dumps(c) if isinstance(c, (list, dict)) else c for c in r])
        return buf.getvalue()
    if fmt == "md":
        return rep.markdown_table(columns, body) + "\n"
    return rep.text_table(columns, body) + "\n"


def _write_listing(path: Path, text: str) -> str:
    """Write ``text`` to ``path`` (atomically for a regular file, in place for a device or
    FIFO); returns what to tell the user."""
    replaces = will_replace(path)
    with atomic_file(path) as fh:
        fh.write(text)
    return f"replaced {path} (it existed)" if replaces else f"wrote {path}"


def selected_classes(args) -> list | None:
    """The classes of ``--class`` (with ``--param``), or ``None`` for the whole catalog."""
    if args.cls:
        return [resolve_class(ref, **parse_params(args.param)) for ref in args.cls]
    if args.param:
        raise UsageError("--param needs --class (the class the parameters belong to).")
    return None


def _emit_listing(out: Path | None, text: str) -> None:
    """Print ``text``, or write it to ``out`` and say so (the rows as JSON are
    ``--format json``; no file the user did not name is written)."""
    if out:
        say(_write_listing(out, text))
    else:
        sys.stdout.write(text)


def cmd_classes(args) -> int:
    out = check_target_file(args.out) if args.out else None
    classes = selected_classes(args)
    rows = class_rows(classes)
    cols = ["name", "title", "params", "hessian", "convex_required", "region", "bound",
            "rate_nonconvex", "rate_convex"]
    _emit_listing(out, _render_rows(rows, args.format, cols))
    return EXIT_OK


TABLE_FORMATS = ("md", "latex", "text", "csv", "json")


def cmd_table(args) -> int:
    from theory import tables
    out = check_target_file(args.out) if args.out else None
    classes = selected_classes(args)
    rows = tables.rate_table(classes=classes)
    if args.format == "json":
        text = rep.dumps([dict(r) if isinstance(r, dict) else rep.jsonable(r) for r in rows])
    else:
        text = tables.render(rows, fmt=args.format)
    if not text.endswith("\n"):
        text += "\n"
    _emit_listing(out, text)
    return EXIT_OK


# -- run ----------------------------------------------------------------------------------

def _single_case(args):
    if args.case_name and getattr(args, "problem", None):
        raise UsageError("give either CASE or --problem with --class, not both.")
    if args.case_name:
        if args.param:
            raise UsageError("--param applies to --class only.")
        return resolve_case(args.case_name)
    if getattr(args, "problem", None):
        return cases_from_args(argparse.Namespace(case=None, problem=args.problem, cls=args.cls,
                                                  param=args.param, rule=args.rule))[0]
    return None


def run_one(case, *, step: str, rule: str | None, max_iter: int | None):
    """One solve of ``case`` with the given step rule: ``(result, bound, case)``."""
    from numeric.solver import minimize_gns
    if rule is not None and rule != case.rule:
        case = dataclasses.replace(case, rule=rule)
    problem = case.get_problem()
    bound = case.bound()
    res = minimize_gns(problem, case.start(), rule=case.hessian_rule(), step=step, B=case.B,
                       bound=(bound.alphas(), bound.Ms()), gamma0=case.gamma0,
                       max_iter=max_iter if max_iter is not None else case.max_iter,
                       f_star=case.f_star if case.f_star is not None else problem.f_star)
    return res, bound, case


def run_curves(res, bound, f_star) -> dict:
    """Backend-neutral plot data of one run (gap or f, gradient norm, gamma vs pi)."""
    import numpy as np
    tr = res.trace
    k = list(range(len(tr.f)))
    panels = []
    if f_star is not None:
        panels.append({"ylabel": "f(x_k) - f*", "series": [
            {"label": "f(x_k) - f*", "x": k, "y": (np.asarray(tr.f) - f_star).tolist()}]})
    else:
        panels.append({"ylabel": "f(x_k)", "yscale": "linear",
                       "series": [{"label": "f(x_k)", "x": k, "y": np.asarray(tr.f).tolist()}]})
    panels.append({"ylabel": "||g(x_k)||", "series": [{"label": "||g(x_k)||", "x": k,
                                                       "y": np.asarray(tr.gnorm).tolist()}]})
    ks = list(range(len(tr.gamma)))
    pi_k = bound.pi(np.asarray(tr.gnorm[:-1])) if len(ks) else np.zeros(0)
    panels.append({"ylabel": "second-order step size", "series": [
        {"label": "accepted gamma_k", "x": ks, "y": np.asarray(tr.gamma).tolist()},
        {"label": "class bound pi(||g_k||)", "kind": "bound", "x": ks, "y": np.asarray(pi_k).tolist()}]})
    return {"panels": panels}


def cmd_run(args) -> int:
    if args.step not in STEPS:
        raise UsageError(f"--step must be one of {', '.join(STEPS)}, got {args.step!r}.")
    if args.max_iter is not None and args.max_iter < 0:
        raise UsageError(f"--max-iter must be >= 0, got {args.max_iter}.")
    case = _single_case(args)
    if case is None:
        raise UsageError("run needs a CASE (or --problem with --class).")
    out, replaces, writer = output_folder(args.out or f"report-run-{rep.slug(case.name)}", "run")
    with _progress(args) as progress, writer as tmp:
        progress(f"solving {case.name} ({args.step} step)")
        res, bound, case = run_one(case, step=args.step, rule=args.rule, max_iter=args.max_iter)
        summary = run_summary(case, res, args.step)
        (tmp / "run.json").write_text(rep.dumps({"summary": summary, "trace": res.trace.to_dict()}) + "\n",
                                      encoding="utf-8")
        _trace_csv(tmp / "trace.csv", res.trace)
        files = ["run.json", "trace.csv"]
        (tmp / "RUN.md").write_text(_run_markdown(summary, figure=None if args.no_figures else "run.png"),
                                    encoding="utf-8")
        files.append("RUN.md")
        if not args.no_figures:
            from gnsverify.figures import convergence_figure
            f_star = case.f_star if case.f_star is not None else case.get_problem().f_star
            convergence_figure(run_curves(res, bound, f_star), tmp / "run.png",
                               title=f"{case.name}: {args.step} step, rule {case.rule}")
            files.append("run.png")
    say(rep.text_table(["quantity", "value"], [[k, v] for k, v in summary.items()]))
    said_files(out, files, replaces)
    return EXIT_OK


def run_summary(case, res, step) -> dict:
    import numpy as np
    tr = res.trace
    acc = np.asarray(tr.trial_accepted, dtype=bool)
    return {
        "case": case.name, "rule": case.rule, "step": step, "status": res.status, "iterations": res.nit,
        "f_final": res.fun, "gnorm_final": res.gnorm, "f0": float(tr.f[0]) if len(tr.f) else None,
        "gnorm0": float(tr.gnorm[0]) if len(tr.gnorm) else None,
        "gamma_min": float(np.min(tr.gamma)) if len(tr.gamma) else None,
        "gamma_max": float(np.max(tr.gamma)) if len(tr.gamma) else None,
        "trials": int(acc.size), "rejected_trials": int((~acc).sum()),
        "oracle_values": int(tr.n_value[-1]) if len(tr.n_value) else 0,
        "seconds": float(tr.time[-1]) if len(tr.time) else 0.0, "message": res.message,
    }


def _trace_csv(path: Path, tr) -> None:
    K = len(tr.gamma)
    header = ["k", "f", "gnorm", "gamma", "lam", "step", "n_value", "n_grad", "n_hess", "time"]
    rows = []
    for k in range(len(tr.f)):
        per_step = [tr.gamma[k], tr.lam[k], tr.step[k]] if k < K else [None, None, None]
        rows.append([k, tr.f[k], tr.gnorm[k], *per_step, tr.n_value[k], tr.n_grad[k], tr.n_hess[k], tr.time[k]])
    rep.write_csv(path, header, [[rep.jsonable(v) for v in r] for r in rows])


def _run_markdown(summary: dict, figure: str | None) -> str:
    lines = [f"# Run of {summary['case']}", "",
             rep.markdown_table(["quantity", "value"], [[k, v] for k, v in summary.items()]), ""]
    if figure:
        lines += [f"![run]({figure})", ""]
    return "\n".join(lines)


# -- check ------------------------------------------------------------------------------

def cmd_check(args) -> int:
    from gnsverify import falsify
    if args.examples < 1:
        raise UsageError(f"--examples must be >= 1, got {args.examples}.")
    if args.case_name and args.cls and not args.problem:
        raise UsageError("give either CASE or --class, not both.")
    family = _family_reference(args.case_name)
    if family is not None:
        targets, label = [family], family.name
    elif args.case_name or args.problem:
        targets = [_single_case(args)]
        label = targets[0].name
    elif args.cls:
        params = parse_params(args.param)
        cls = resolve_class(args.cls, **params)
        label = cls.name
        targets = cases_claiming(cls.name)
        if params:     # the catalog instances, with the class claimed at the given parameters
            targets = [dataclasses.replace(c, name=f"{c.name}[{','.join(args.param)}]", claim=cls)
                       for c in targets]
        if not targets:
            raise UsageError(f"no catalog case claims the class {cls.name!r}; give --problem too "
                             f"(a problem on which to test it).")
    else:
        raise UsageError("check needs a CASE or --class NAME.")
    out, replaces, writer = output_folder(args.out or f"report-check-{rep.slug(label)}", "check")
    with _progress(args) as progress, writer as tmp:
        holder = []
        for i, target in enumerate(targets):
            progress(i, len(targets), f"searching for counterexamples: {target.name} ({args.examples} examples)")
            v = falsify.search(target, examples=args.examples, seed=args.seed, what=args.what)
            holder.append(argparse.Namespace(case=target.name, verdicts=v if isinstance(v, list) else [v],
                                             row=None))
        recs = rep.records(holder)
        rep.write_records(tmp, recs)
        sections = [rep.claim_section(h.case, [r for r in recs if r["case"] == h.case]) for h in holder]
        (tmp / "CHECK.md").write_text(f"# Falsification search: {label}\n\n"
                                      f"{args.examples} examples per case, seed {args.seed}, what = {args.what}."
                                      "\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8")
    cols = ["case", "claim", "verdict", "tried", "detail"]
    say(rep.text_table(cols, [[r[c] for c in cols] for r in recs]))
    said_files(out, ["results.json", "results.csv", "CHECK.md"], replaces)
    return EXIT_FAIL if rep.overall(recs) == FAIL else EXIT_OK


def _family_reference(text: str | None):
    """The :class:`gnsverify.cases.Family` a ``check`` reference names, else ``None``."""
    from gnsverify.cases import Family
    from gnsverify.extend import is_reference, load_object
    if not text or not is_reference(text):
        return None
    obj = load_object(text)
    return obj if isinstance(obj, Family) else None


def cases_claiming(class_name: str) -> list:
    """Catalog cases whose claim is the class ``class_name``."""
    from gnsverify.catalog import default_cases
    return [c for c in default_cases() if getattr(c.claim, "name", None) == class_name]


# -- explore ------------------------------------------------------------------------------

def cmd_explore(args) -> int:
    from gnsverify import explore as X
    variables = [v.strip() for v in args.vars.split(",") if v.strip()]
    if not variables:
        raise UsageError("--vars is empty.")
    box = parse_box(args.box, len(variables))
    x0 = parse_floats(args.x0, "--x0") if args.x0 else None
    if x0 is not None and len(x0) != len(variables):
        raise UsageError(f"--x0 has {len(x0)} entries but there are {len(variables)} variables.")
    eps = parse_eps(args.eps)
    budget = check_budget(args.budget)
    params = parse_params(args.param)
    out, replaces, writer = output_folder(args.out or "report-explore", "explore")
    with _progress(args) as progress, writer as tmp:
        result = X.explore(args.expr, variables, box=box, x0=x0, params=params, rule=args.rule,
                           convex=args.convex, f_star=args.f_star, eps=eps, budget=budget, seed=args.seed,
                           samples=args.samples, progress=progress)
        files = X.write_explore(tmp, result, figures=not args.no_figures)
    say(X.summary_text(result))
    said_files(out, files, replaces)
    return EXIT_FAIL if result.get("overall") == FAIL else EXIT_OK


# -- parser --------------------------------------------------------------------------------

def _add_common(p, *, out_help: str | None):
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    if out_help:
        p.add_argument("--out", metavar="DIR", default=None, help=out_help)


def _add_claim_refs(p):
    p.add_argument("--problem", metavar="NAME|REF", help="a problem (registry name or module:object)")
    p.add_argument("--class", dest="cls", metavar="NAME|REF", help="a function class (catalog name or module:object)")
    p.add_argument("--param", action="append", metavar="K=V", help="a class parameter (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Check convergence theorems for Newton-type methods with "
                                       "gradient-normalized smoothness on real instances.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    v = sub.add_parser("verify", help="run the verification campaign and write a report folder")
    v.add_argument("--case", action="append", metavar="NAME|REF",
                   help="a catalog case or module:object / file.py:object (repeatable; default: all)")
    _add_claim_refs(v)
    v.add_argument("--rule", default=None, help="Hessian rule for a --problem/--class case")
    v.add_argument("--eps", action="append", metavar="E1,E2,...",
                   help="accuracy ladder (comma-separated or repeated; default: per case)")
    v.add_argument("--budget", default=None, help="effort level of runs and searches (e.g. quick)")
    v.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    ph = v.add_mutually_exclusive_group()
    ph.add_argument("--phase", dest="phase", action="store_true", default=None,
                    help="include the empirical phase diagram (default: only for the full campaign)")
    ph.add_argument("--no-phase", dest="phase", action="store_false", help="skip the phase diagram")
    _add_common(v, out_help="output folder (default: report)")
    v.set_defaults(func=cmd_verify, out_default="report")

    for name, help_, formats, default, func in (
            ("classes", "the catalog of function classes with bounds and rates",
             ("text", "md", "csv", "json"), "text", cmd_classes),
            ("table", "the theory rate table", TABLE_FORMATS, "md", cmd_table)):
        c = sub.add_parser(name, help=help_)
        c.add_argument("--format", choices=formats, default=default)
        c.add_argument("--class", dest="cls", action="append", metavar="NAME|REF",
                       help="only these classes (repeatable; catalog name or module:object)")
        c.add_argument("--param", action="append", metavar="K=V", help="parameters for --class")
        c.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal (replaced "
                                                     "if it exists; --format json for the rows)")
        c.set_defaults(func=func)

    r = sub.add_parser("run", help="one solve of a case: trace summary and figure")
    r.add_argument("case_name", nargs="?", metavar="CASE", help="catalog case or module:object")
    _add_claim_refs(r)
    r.add_argument("--step", default="adaptive", help="adaptive | theory | ideal (default adaptive)")
    r.add_argument("--rule", default=None, help="Hessian rule (default: the case's)")
    r.add_argument("--max-iter", type=int, default=None, help="iteration cap (default: the case's)")
    r.add_argument("--no-figures", action="store_true")
    _add_common(r, out_help="output folder (default: report-run-CASE)")
    r.set_defaults(func=cmd_run)

    k = sub.add_parser("check", help="falsification search only")
    k.add_argument("case_name", nargs="?", metavar="CASE",
                   help="catalog case, or module:object naming a case or an instance family")
    _add_claim_refs(k)
    k.add_argument("--rule", default=None, help=argparse.SUPPRESS)
    k.add_argument("--examples", type=int, default=50, help="generated examples (default 50)")
    k.add_argument("--what", choices=("gamma", "instances", "both"), default="both")
    _add_common(k, out_help="output folder (default: report-check-NAME)")
    k.set_defaults(func=cmd_check)

    e = sub.add_parser("explore", help="a function typed as an expression: derive, measure, predict, verify")
    e.add_argument("expr", metavar="EXPR", help='a sympy expression, e.g. "x**4/4"')
    e.add_argument("--vars", required=True, help="variable names, comma-separated (e.g. x0,x1)")
    e.add_argument("--box", default=None, help='sampling box: "lo,hi" or "lo,hi;lo,hi;..." (default -2,2)')
    e.add_argument("--x0", default=None, help="starting point, comma-separated (default: halfway from the box centre to its upper corner)")
    e.add_argument("--param", action="append", metavar="K=V", help="expression parameters (repeatable)")
    e.add_argument("--rule", default="exact", help="Hessian rule (default exact)")
    e.add_argument("--convex", action="store_true", default=None,
                   help="declare f convex (checked on the sampled Hessians; makes H = hess f PSD)")
    e.add_argument("--f-star", type=float, default=None,
                   help="the infimum of f, if known (makes the global bound and order decidable)")
    e.add_argument("--eps", action="append", metavar="E1,E2,...", help="accuracy ladder")
    e.add_argument("--budget", default=None, help="effort level (e.g. quick)")
    e.add_argument("--samples", type=int, default=40, help="points where gamma is estimated (default 40)")
    e.add_argument("--no-figures", action="store_true")
    _add_common(e, out_help="output folder (default: report-explore)")
    e.set_defaults(func=cmd_explore)
    # let values such as "-2,2" (box) and "-1,0.5" (x0) through without the "=" form
    e._negative_number_matcher = re.compile(r"^-\.?\d")
    return p


class Terminated(BaseException):
    """SIGTERM turned into an exception, so output folders are cleaned up as on Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


def _install_sigterm():
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):          # pragma: no cover - exotic platforms
        return None


def main(argv=None) -> int:
    import signal
    previous = _install_sigterm()
    try:
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv) -> int:
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:          # --help
            return int(exc.code or 0)
        if not getattr(args, "func", None):
            raise UsageError("a command is required: verify, classes, table, run, check or explore "
                             "(gnsverify --help for details).")
        if getattr(args, "out", None) is None and getattr(args, "out_default", None):
            args.out = args.out_default
        with single_threaded_blas(), warnings.catch_warnings():
            # floating-point RuntimeWarnings (overflow in a norm, ...) say nothing a
            # verdict does not; the checks treat non-finite numbers themselves
            warnings.simplefilter("ignore", RuntimeWarning)
            return args.func(args)
    except (UsageError, ExtensionError, OutputError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:                # stdout closed early (e.g. piped into head)
        sys.stdout = open(os.devnull, "w")
        return EXIT_OK
    except OSError as exc:
        print(f"{PROG}: error: {os_error_sentence(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return _interrupted()
    except Terminated:
        print(f"\n{PROG}: terminated; no partial output was left.", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as exc:               # noqa: BLE001 - the last line of defence
        if _caused_by(exc, KeyboardInterrupt):
            # numba's dispatcher turns an interrupt that arrives while compiled code
            # returns into "SystemError: ... returned a result with an exception set"
            return _interrupted()
        if _caused_by(exc, Terminated):
            print(f"\n{PROG}: terminated; no partial output was left.", file=sys.stderr)
            return EXIT_TERMINATED
        if os.environ.get("GNSVERIFY_DEBUG"):
            raise
        print(f"{PROG}: internal error (a bug in gnsverify; please report it with the command "
              f"line): {type(exc).__name__}: {exc}".rstrip() + " (GNSVERIFY_DEBUG=1 shows the "
              "traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def _interrupted() -> int:
    print(f"\n{PROG}: interrupted; no partial output was left.", file=sys.stderr)
    return EXIT_INTERRUPTED


def _caused_by(exc: BaseException, kind) -> bool:
    """Whether ``exc`` or an exception in its ``__cause__``/``__context__`` chain is a ``kind``."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def os_error_sentence(exc: OSError) -> str:
    """One sentence for a failed file operation, naming the path."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None:
        return f"cannot use {str(exc.filename)!r}: {reason}."
    return f"{reason}."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
