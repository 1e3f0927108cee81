"""The ``gnsverify`` command: parse, make one library call, hand the result to one writer.

    gnsverify verify   [--case NAME|REF ...] [--eps LIST] [--budget B] [--seed S] [--out DIR]
                       [--jobs N] [--scheduler ADDRESS] [--store FILE [--resume]]
    gnsverify cases    [--format text|md|csv|json] [--class NAME ...] [--out FILE]
    gnsverify classes  [--format text|md|csv|json] [--out FILE]
    gnsverify table    [--format md|latex|text|csv|json] [--out FILE]
    gnsverify run      CASE [--step adaptive|theory|ideal] [--hessian H] [--max-iter N] [--out DIR]
    gnsverify check    CASE | --class NAME|REF [--examples N] [--seed S] [--out DIR]
    gnsverify explore  EXPR --vars x0,x1 [--box ...] [--x0 ...] [--budget B] [--out DIR]
    gnsverify selftest [--quick] [--budget B] [--seed S] [--out DIR]
    gnsverify reproduce NAME ...|all [--size paper|small] [--no-reference] [--out DIR] | --list

Cases, classes and problems are catalog names or ``module:object`` /
``path/to/file.py:object`` references (see :mod:`gnsverify.extend`).

Exit codes: 0 success (no claim failed), 1 a claim FAILed (``selftest``: a check FAILed
a correct control, i.e. the checker raised a false alarm), 2 usage or input error
(one sentence naming the bad input or path on stderr), 130 interrupted (Ctrl-C), 143
terminated (SIGTERM), 70 an internal error (a bug; ``GNSVERIFY_DEBUG=1`` shows the
traceback). Every command runs with one BLAS thread (:mod:`gnsverify.threads`).
Output folders are written atomically and never replace files gnsverify did not write
(:mod:`gnsverify.outdir`). Progress goes to stderr (a status line on a terminal, plain
lines elsewhere; never with ``--quiet``); tables and the written files go to stdout.
"""
from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from gnsverify import report as rep
from gnsverify.cli_parse import (EXIT_FAIL, EXIT_OK, UsageError, build_parser, check_budget,
                                 parse_box, parse_eps, parse_floats, run_main)
from gnsverify.extend import (case_from_refs, family_reference, parse_params, resolve_case,
                              resolve_cases, resolve_class)
from gnsverify.outdir import atomic_dir, atomic_file, check_target_dir, check_target_file, will_replace
from gnsverify.progress import Progress
from gnsverify.verdict import FAIL

PROG = "gnsverify"


def say(msg: str = "") -> None:
    print(msg, flush=True)


def said_files(out: Path, files, replaced: bool = False) -> None:
    """Tell where the results went (figures counted, not listed), and whether they
    replaced an earlier gnsverify output folder."""
    files = [str(f) for f in files]
    figs = [f for f in files if f.startswith("figures/")]
    rest = [f for f in files if not f.startswith("figures/")]
    kinds = "/".join(sorted({Path(f).suffix.lstrip(".").upper() for f in figs}))
    rest += [f"figures/ ({len(figs)} {kinds})"] if len(figs) > 3 else figs
    verb = "replaced the earlier gnsverify output in" if replaced else "wrote"
    say(f"{verb} {out}/: " + ", ".join(rest))


def output_folder(path, command: str):
    """``(folder, replaces, context)`` for an output folder (checked before any work)."""
    out = check_target_dir(path)
    return out, will_replace(out), atomic_dir(out, command=command)


def _progress(args) -> Progress:
    return Progress(quiet=getattr(args, "quiet", False))


def cases_from_args(args) -> list | None:
    """The cases of ``--case`` / ``--problem --class`` (``None``: the default campaign)."""
    cases = []
    for ref in args.case or ():
        cases += resolve_cases(ref)
    if getattr(args, "problem", None):
        if not getattr(args, "cls", None):
            raise UsageError("--problem needs --class (the claim to test on it).")
        cases.append(case_from_refs(args.problem, args.cls, parse_params(args.param),
                                    hessian=getattr(args, "hessian", None)))
    names = [c.name for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise UsageError(f"--case names the case {dup[0]!r} twice.")
    return cases or None


# -- verify -----------------------------------------------------------------------------

def verify_extras(*, with_phase: bool, with_tightness: bool, selftest: str, seed: int,
                  budget) -> dict:
    """The full campaign's tasks besides the cases, as :class:`gnsverify.parallel.Extra`
    (run by the same executor as the cases): the selftest, the phase diagram, the
    instance constants and the worst-case rows, longest first."""
    from gnsverify.parallel import Extra
    out = {"selftest": [], "phase": [], "instance_constants": [], "worst_cases": []}
    if selftest != "none":
        from gnsverify.selftest import selftest as run_selftest
        out["selftest"].append(Extra("selftest", run_selftest,
                                     kwargs=dict(quick=selftest == "quick", seed=seed)))
    if with_phase:
        from gnsverify.phase_experiment import phase_experiment
        out["phase"].append(Extra("phase diagram", phase_experiment, kwargs=dict(seed=seed)))
    if with_tightness:
        from gnsverify.instance_constants import DEFAULT_CASES, FLAGSHIP, flagship_row
        from gnsverify.tightness import family_row, row_jobs
        for name in (FLAGSHIP if budget == "thorough" else DEFAULT_CASES):
            out["instance_constants"].append(Extra(f"instance constants {name}", flagship_row, (name,)))
        for wc, s, st in row_jobs():
            out["worst_cases"].append(Extra(f"worst case {wc.label} ({s}, {st})", family_row, (wc, s, st)))
    return out


def cmd_verify(args) -> int:
    from gnsverify.verify import campaign
    eps, budget = parse_eps(args.eps), check_budget(args.budget)
    out, replaces, writer = output_folder(args.out, "verify")
    from gnsverify.pipeline import StageClock
    clock = StageClock()               # the phases of timings.json
    clock.start("cases")
    cases = cases_from_args(args)
    clock.start(None)
    with_phase = args.phase if args.phase is not None else cases is None
    with_tightness = args.tightness if args.tightness is not None else cases is None
    from gnsverify.parallel import default_workers
    from gnsverify.provenance import cpu_seconds, now_utc, provenance
    jobs = default_workers() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError(f"--jobs must be an integer >= 1, got {jobs}.")
    if args.resume and not args.store:
        raise UsageError("--resume needs --store FILE (the store to resume from).")
    store = None
    if args.store:
        from gnsverify.store import Store
        try:
            store = Store(args.store)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    t0, cpu0, started = time.perf_counter(), cpu_seconds(), now_utc()
    if store is not None:
        store.begin(provenance(seed=args.seed, budget=budget or "default", started=started,
                               command=args.argv, wall_s=0.0, cpu_s=0.0), started)
    from gnsverify.parallel import warming
    from gnsverify.runs import warm_baselines
    from gnsverify.budgets import BUDGETS
    # the baselines' kernel compiles in a process of its own while this one builds the
    # catalog (which compiles the solver): on a cold cache the workers would otherwise
    # each compile it at the same time (README, "where the main job's time goes"); not
    # with one worker, on a cluster, or with a budget that runs no baseline
    warm_up = jobs > 1 and args.scheduler is None and BUDGETS[budget or "default"]["baselines"]
    with warming(warm_baselines, warm_up) as warm, \
            _progress(args) as progress, writer as tmp:
        stored = []

        def case_progress(ev):
            if ev.get("stored"):
                stored.append(ev["case"])
            progress(ev)
        mode = args.selftest or ("quick" if cases is None else "none")
        extras = verify_extras(with_phase=with_phase, with_tightness=with_tightness, selftest=mode,
                               seed=args.seed, budget=budget)
        clock.start("cases")
        if cases is None:
            from gnsverify.catalog import default_cases
            cases = default_cases()
        if warm is not None:
            clock.start("warm-up")
            warm.join()
        clock.start("campaign")
        try:
            reports = campaign(cases, progress=case_progress, eps=eps, seed=args.seed,
                               budget=budget or "default", jobs=jobs, scheduler=args.scheduler,
                               store=store, resume=args.resume,
                               extras=[e for part in extras.values() for e in part])
        finally:
            if store is not None:
                store.close()
        phase = extras["phase"][0].result if extras["phase"] else None
        tight = None
        if with_tightness:
            from gnsverify import instance_constants, tightness
            tight = dict(worst_cases=tightness.collect([e.result for e in extras["worst_cases"]]),
                         instance_constants=instance_constants.collect(
                             [e.result for e in extras["instance_constants"]]))
        st = extras["selftest"][0].result if extras["selftest"] else None
        meta = dict(cases=len(reports), eps=eps if eps else "per case", budget=budget or "default",
                    seed=args.seed, selftest=mode)
        prov = provenance(seed=args.seed, budget=budget or "default", started=started, command=args.argv,
                          wall_s=time.perf_counter() - t0, cpu_s=cpu_seconds() - cpu0)
        from gnsverify.report.timings import timings
        times = timings(reports, [e for part in extras.values() for e in part], clock.stop(), jobs)
        progress("writing the report")
        summary = rep.write_campaign(tmp, reports, phase=phase, figures=not args.no_figures, meta=meta,
                                     progress=progress, selftest=st, tightness=tight,
                                     provenance=prov, figure_format=args.figure_format,
                                     figure_workers=jobs, timings=times)
    if args.store:
        say(f"store {args.store}: {len(stored)} of {len(reports)} cases taken from it, "
            f"{len(reports) - len(stored)} run and recorded")
    say(rep.summary_table(reports))
    say("\nwhat each PASS is worth (detection thresholds; > 2: weakly tested):")
    say(rep.worth.table(rep.worth.rows(rep.records(reports)), "text"))
    for w in (w for r in reports for w in r.warnings):
        print(f"{PROG}: warning: {w}.", file=sys.stderr)
    if tight is not None:
        say("\nhow tight each theorem is (worst-case families, docs/theory.md 5.5):")
        say(rep.tightness.table(tight["worst_cases"], "text"))
        say(rep.tightness.headline(tight["worst_cases"]))
        say("\nthe flagship cases with instance-certified constants (docs/theory.md 5.6):")
        say(rep.instance_constants.table(tight["instance_constants"], "text"))
    if st is not None:
        say("\n" + rep.selftest.headline(st))
    c = summary["counts"]
    where = f"{len(reports)} cases"
    if tight is not None:
        where += (f", {len(tight['worst_cases']['rows'])} worst-case families and "
                  f"{len(tight['instance_constants']['rows'])} instance-constant claims")
    say(f"\noverall: {summary['overall']} ({rep.counts_text(c)} claims on {where}) "
        f"in {time.perf_counter() - t0:.1f} s wall ({prov['wall_s']:.1f} s wall and "
        f"{prov['cpu_s']:.1f} s CPU before the report was written)")
    for r in rep.records(reports):
        if r["verdict"] == FAIL:
            say(f"FAIL {r['case']} / {r['claim']}: {r['detail']}")
    said_files(out, summary["files"], replaces)
    say(f"report: {out / 'REPORT.md'}")
    return EXIT_FAIL if summary["overall"] == FAIL else EXIT_OK


# -- classes and table --------------------------------------------------------------------

def selected_classes(args) -> list | None:
    """The classes of ``--class`` (with ``--param``), or ``None`` for the whole catalog."""
    if args.cls:
        return [resolve_class(ref, **parse_params(args.param)) for ref in args.cls]
    if args.param:
        raise UsageError("--param needs --class (the class the parameters belong to).")
    return None


def emit_listing(out: Path | None, text: str) -> None:
    """Print ``text``, or write it to ``out`` (as named, nothing else) and say so."""
    if not out:
        sys.stdout.write(text)
        return
    replaces = will_replace(out)
    with atomic_file(out) as fh:
        fh.write(text)
    say(f"replaced {out} (it existed)" if replaces else f"wrote {out}")


def cmd_classes(args) -> int:
    from gnsverify.report.listing import CLASS_COLUMNS, class_rows, render_rows
    out = check_target_file(args.out) if args.out else None
    emit_listing(out, render_rows(class_rows(selected_classes(args)), args.format, CLASS_COLUMNS))
    return EXIT_OK


def cmd_cases(args) -> int:
    from gnsverify import catalog
    from gnsverify.report.listing import CASE_COLUMNS, CASE_COLUMNS_LONG, case_rows, render_rows
    from theory.classes import CATALOG
    out = check_target_file(args.out) if args.out else None
    known = sorted({c.name for c in CATALOG})
    for name in args.cls or ():
        if name not in known:
            raise UsageError(f"--class must be one of {', '.join(known)}; got {name!r}.")
    cases = [c for name in (args.cls or [None])
             for c in (catalog.default_cases() if name is None else catalog.cases_claiming(name))]
    columns = CASE_COLUMNS if args.format == "text" else CASE_COLUMNS_LONG
    emit_listing(out, render_rows(case_rows(cases), args.format, columns))
    return EXIT_OK


def cmd_table(args) -> int:
    from theory import tables
    out = check_target_file(args.out) if args.out else None
    approx = args.approximation or []
    for name in approx:
        if name not in tables.APPROXIMATIONS:
            raise UsageError(f"--approximation must be one of {', '.join(tables.APPROXIMATIONS)}; "
                             f"got {name!r}.")
    symbolic = not (args.numeric or args.param)
    rows = tables.rate_table(classes=selected_classes(args), approximations=approx, symbolic=symbolic)
    text = rep.dumps([rep.jsonable(r) for r in rows]) if args.format == "json" \
        else tables.render(rows, fmt=args.format)
    emit_listing(out, text if text.endswith("\n") else text + "\n")
    return EXIT_OK


# -- run --------------------------------------------------------------------------------

def single_case(args):
    """The one case of ``run``/``check``: ``CASE`` or ``--problem`` with ``--class``."""
    if args.case_name and getattr(args, "problem", None):
        raise UsageError("give either CASE or --problem with --class, not both.")
    if args.case_name:
        if args.param:
            raise UsageError("--param applies to --class only.")
        return resolve_case(args.case_name)
    if getattr(args, "problem", None):
        import argparse
        return cases_from_args(argparse.Namespace(**{**vars(args), "case": None}))[0]
    return None


def cmd_run(args) -> int:
    from gnsverify.report.run import write_run
    from gnsverify.runs import run_gns
    if args.max_iter is not None and args.max_iter < 0:
        raise UsageError(f"--max-iter must be >= 0, got {args.max_iter}.")
    case = single_case(args)
    if case is None:
        raise UsageError("run needs a CASE (or --problem with --class).")
    if args.hessian is not None and args.hessian != case.hessian:
        case = dataclasses.replace(case, hessian=args.hessian)
    out, replaces, writer = output_folder(args.out or f"report-run-{rep.slug(case.name)}", "run")
    with _progress(args) as progress, writer as tmp:
        progress(f"solving {case.name} ({args.step} step)")
        res = run_gns(case, args.step, max_iter=args.max_iter)
        summary, files = write_run(tmp, case, res, args.step, figures=not args.no_figures)
    say(rep.text_table(["quantity", "value"], [[k, v] for k, v in summary.items()]))
    said_files(out, files, replaces)
    return EXIT_OK


# -- check ------------------------------------------------------------------------------

def cmd_check(args) -> int:
    from gnsverify import falsify
    from gnsverify.catalog import cases_claiming
    from gnsverify.report.check import write_check
    if args.examples < 1:
        raise UsageError(f"--examples must be >= 1, got {args.examples}.")
    if args.case_name and args.cls and not args.problem:
        raise UsageError("give either CASE or --class, not both.")
    family = family_reference(args.case_name)
    if family is not None:
        targets, label = [family], family.name
    elif args.case_name or args.problem:
        targets = [single_case(args)]
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
        found = {}
        for i, target in enumerate(targets):
            progress(i, len(targets), f"searching for counterexamples: {target.name} ({args.examples} examples)")
            found[target.name] = [falsify.search(target, examples=args.examples, seed=args.seed, what=args.what)]
        recs, files = write_check(tmp, label, found, examples=args.examples, seed=args.seed, what=args.what)
    cols = ["case", "claim", "verdict", "tried", "detail"]
    say(rep.text_table(cols, [[r[c] for c in cols] for r in recs]))
    said_files(out, files, replaces)
    return EXIT_FAIL if rep.overall(recs) == FAIL else EXIT_OK


# -- explore ------------------------------------------------------------------------------

def cmd_explore(args) -> int:
    from gnsverify import explore as X
    from gnsverify.report.explore import summary_text, write_explore
    variables = [v.strip() for v in args.vars.split(",") if v.strip()]
    if not variables:
        raise UsageError("--vars is empty.")
    box = parse_box(args.box, len(variables))
    x0 = parse_floats(args.x0, "--x0") if args.x0 else None
    if x0 is not None and len(x0) != len(variables):
        raise UsageError(f"--x0 has {len(x0)} entries but there are {len(variables)} variables.")
    eps, budget = parse_eps(args.eps), check_budget(args.budget)
    out, replaces, writer = output_folder(args.out or "report-explore", "explore")
    with _progress(args) as progress, writer as tmp:
        result = X.explore(args.expr, variables, box=box, x0=x0, params=parse_params(args.param),
                           hessian=args.hessian, convex=args.convex, f_star=args.f_star, eps=eps,
                           budget=budget, seed=args.seed, samples=args.samples, progress=progress)
        files = write_explore(tmp, result, figures=not args.no_figures)
    say(summary_text(result))
    said_files(out, files, replaces)
    return EXIT_FAIL if result.get("overall") == FAIL else EXIT_OK


# -- selftest -----------------------------------------------------------------------------

def cmd_selftest(args) -> int:
    from gnsverify.selftest import selftest
    out, replaces, writer = output_folder(args.out or "report-selftest", "selftest")
    t0 = time.perf_counter()
    with _progress(args) as progress, writer as tmp:
        st = selftest(quick=args.quick, budget=check_budget(args.budget) or "quick", seed=args.seed,
                      progress=progress)
        files = rep.selftest.write_selftest(tmp, st)
    say(rep.selftest.headline(st) + f" in {time.perf_counter() - t0:.1f} s")
    if st["survivors"]:
        say("survivors: " + "; ".join(st["survivors"]))
    for a in st["false_alarms"]:
        say(f"FALSE ALARM {a['name']}: {a['by']}: {a['detail']}")
    for name in st["instruments_failed"]:
        say(f"INSTRUMENT MISSED ITS KNOWN ANSWER: {name}")
    said_files(out, [f.name for f in files], replaces)
    return EXIT_FAIL if st["false_alarms"] or st["instruments_failed"] else EXIT_OK


# -- reproduce ----------------------------------------------------------------------------

def cmd_reproduce(args) -> int:
    from gnsverify.experiments import EXPERIMENTS
    from gnsverify.report.reproduction import method_rows, write_reproductions
    from gnsverify.reproduce import reproduce
    if args.list:
        say(rep.text_table(["experiment", "notebook section", "title"],
                           [[e.name, e.section, e.title] for e in EXPERIMENTS.values()]))
        return EXIT_OK
    names = list(args.names or [])
    if not names:
        raise UsageError("reproduce needs an experiment NAME (or all); --list shows them.")
    if "all" in names:
        names = list(EXPERIMENTS)
    bad = [n for n in names if n not in EXPERIMENTS]
    if bad:
        raise UsageError(f"unknown experiment {bad[0]!r}; one of {', '.join(EXPERIMENTS)} or all.")
    names = list(dict.fromkeys(names))
    default = f"report-reproduce-{names[0]}" if len(names) == 1 else "report-reproduce"
    out, replaces, writer = output_folder(args.out or default, "reproduce")
    reps = []
    with _progress(args) as progress, writer as tmp:
        for name in names:
            reps.append(reproduce(name, size=args.size, reference=not args.no_reference,
                                  seed=args.seed, progress=progress))
        files = write_reproductions(tmp, reps, figures=not args.no_figures)
    from gnsverify.report.reproduction import METHOD_HEADER
    for r in reps:
        say(f"{r.experiment.name} ({r.size} size, {r.wall_time:.1f} s):")
        say(rep.text_table(METHOD_HEADER, method_rows(r)))
        tally = {}
        for v in r.verdicts:
            tally[v.verdict] = tally.get(v.verdict, 0) + 1
        say("claims: " + (", ".join(f"{k} {n}" for k, n in sorted(tally.items())) or "none checked"))
    said_files(out, files, replaces)
    return EXIT_FAIL if any(v.verdict == FAIL for r in reps for v in r.verdicts) else EXIT_OK


COMMANDS = ("verify", "cases", "classes", "table", "run", "check", "explore", "selftest",
            "reproduce")


def main(argv=None) -> int:
    """The console entry point: the exit code of the command (see the module docstring)."""
    return run_main(build_parser({name: globals()[f"cmd_{name}"] for name in COMMANDS}), argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
