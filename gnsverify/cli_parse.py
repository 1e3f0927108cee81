"""The command line's grammar and its error policy: the argument parser, the parsers of
option values (one sentence naming the bad input), and :func:`run_main`, which turns
every way a command can end into a documented exit code (:mod:`gnsverify.cli`)."""
from __future__ import annotations

import argparse
import math
import os
import re
import signal
import sys
import threading
import warnings

PROG = "gnsverify"
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
EXIT_INTERNAL = 70     # EX_SOFTWARE: an unexpected error inside gnsverify (a bug)
STEPS = ("adaptive", "theory", "ideal")


class UsageError(ValueError):
    """A bad command-line input (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so :func:`run_main` owns the exit code."""

    def error(self, message):
        raise UsageError(message.rstrip(".") + ".")


# -- option values ------------------------------------------------------------------------

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
    pairs = []
    for p in (p for p in str(text).split(";") if p.strip()):
        lo_hi = parse_floats(p, "--box")
        if len(lo_hi) != 2 or not lo_hi[0] < lo_hi[1]:
            raise UsageError(f"--box part {p.strip()!r} must be two numbers lo,hi with lo < hi.")
        pairs.append((lo_hi[0], lo_hi[1]))
    if len(pairs) == 1:
        pairs = pairs * n
    if len(pairs) != n:
        raise UsageError(f"--box has {len(pairs)} intervals but there are {n} variables.")
    return pairs


def check_budget(budget: str | None) -> str | None:
    from gnsverify.budgets import BUDGETS
    if budget is not None and budget not in BUDGETS:
        raise UsageError(f"--budget must be one of {', '.join(BUDGETS)}, got {budget!r}.")
    return budget


# -- the parser --------------------------------------------------------------------------------

def _add_common(p, *, out_help: str | None):
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    if out_help:
        p.add_argument("--out", metavar="DIR", default=None, help=out_help)


def _add_claim_refs(p):
    p.add_argument("--problem", metavar="NAME|REF", help="a problem (registry name or module:object)")
    p.add_argument("--class", dest="cls", metavar="NAME|REF", help="a function class (catalog name or module:object)")
    p.add_argument("--param", action="append", metavar="K=V", help="a class parameter (repeatable)")


def build_parser(commands: dict) -> argparse.ArgumentParser:
    """The parser; ``commands`` maps each command name to its function."""
    from gnsverify.budgets import BUDGETS
    p = _Parser(prog=PROG, description="Check convergence theorems for Newton-type methods with "
                                       "gradient-normalized smoothness on real instances.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    budgets = ", ".join(BUDGETS)

    v = sub.add_parser("verify", help="run the verification campaign and write a report folder")
    v.add_argument("--case", action="append", metavar="NAME|REF",
                   help="a catalog case or module:object / file.py:object (repeatable; default: all)")
    _add_claim_refs(v)
    v.add_argument("--hessian", default=None, help="Hessian rule for a --problem/--class case")
    v.add_argument("--eps", action="append", metavar="E1,E2,...",
                   help="accuracy ladder (comma-separated or repeated; default: per case)")
    v.add_argument("--budget", default=None, help=f"effort of runs and searches ({budgets})")
    v.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes for the cases and the figures (default: one per core)")
    v.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the cases on a dask.distributed scheduler (host:port) instead")
    v.add_argument("--store", default=None, metavar="FILE",
                   help="record every finished case in this SQLite file (a results store)")
    v.add_argument("--resume", action="store_true",
                   help="with --store: take the cases the store already holds for the same "
                        "code, case, seed, budget and eps instead of running them again")
    v.add_argument("--no-figures", action="store_true", help="skip the figures")
    v.add_argument("--figure-format", choices=("png", "pdf", "svg"), default="png",
                   help="file type of the figures (default png; REPORT.md links them)")
    ph = v.add_mutually_exclusive_group()
    ph.add_argument("--phase", dest="phase", action="store_true", default=None,
                    help="include the empirical phase diagram (default: only for the full campaign)")
    ph.add_argument("--no-phase", dest="phase", action="store_false", help="skip the phase diagram")
    tg = v.add_mutually_exclusive_group()
    tg.add_argument("--tightness", dest="tightness", action="store_true", default=None,
                    help="run the worst-case families of every class (the tightness table; "
                         "default: only for the full campaign)")
    tg.add_argument("--no-tightness", dest="tightness", action="store_false",
                    help="skip the tightness table")
    v.add_argument("--selftest", choices=("quick", "full", "none"), default=None,
                   help="run the checker's selftest into the report (default: quick for the full "
                        "campaign, none with --case)")
    _add_common(v, out_help="output folder (default: report)")
    v.set_defaults(func=commands["verify"], out_default="report")

    for name, help_, formats, default in (
            ("classes", "the catalog of function classes with bounds and rates",
             ("text", "md", "csv", "json"), "text"),
            ("table", "the theory rate table", ("md", "latex", "text", "csv", "json"), "md")):
        c = sub.add_parser(name, help=help_)
        c.add_argument("--format", choices=formats, default=default)
        c.add_argument("--class", dest="cls", action="append", metavar="NAME|REF",
                       help="only these classes (repeatable; catalog name or module:object)")
        c.add_argument("--param", action="append", metavar="K=V", help="parameters for --class")
        if name == "table":
            c.add_argument("--numeric", action="store_true",
                           help="fill in each class's parameter values (default: symbolic, as in a "
                                "paper; --param implies numeric values for its class)")
            c.add_argument("--approximation", action="append", metavar="NAME",
                           help="add rows for a Hessian approximation, in its own symbols "
                                "(repeatable): synthetic, fisher_logistic, fisher_softmax, "
                                "weighted_gn_lse, zero")
        c.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal (replaced "
                                                     "if it exists; --format json for the rows)")
        c.set_defaults(func=commands[name])

    c = sub.add_parser("cases", help="the catalog of cases: one line per case (what `verify` runs)")
    c.add_argument("--format", choices=("text", "md", "csv", "json"), default="text",
                   help="text: the short columns; md, csv, json also give each description")
    c.add_argument("--class", dest="cls", action="append", metavar="NAME",
                   help="only the cases claiming this class (repeatable)")
    c.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal (replaced "
                                                 "if it exists)")
    c.set_defaults(func=commands["cases"])

    r = sub.add_parser("run", help="one solve of a case: trace summary and figure")
    r.add_argument("case_name", nargs="?", metavar="CASE", help="catalog case or module:object")
    _add_claim_refs(r)
    r.add_argument("--step", default="adaptive", choices=STEPS, help="step-size rule (default adaptive)")
    r.add_argument("--hessian", default=None, help="Hessian rule (default: the case's)")
    r.add_argument("--max-iter", type=int, default=None, help="iteration cap (default: the case's)")
    r.add_argument("--no-figures", action="store_true")
    _add_common(r, out_help="output folder (default: report-run-CASE)")
    r.set_defaults(func=commands["run"])

    k = sub.add_parser("check", help="falsification search only")
    k.add_argument("case_name", nargs="?", metavar="CASE",
                   help="catalog case, or module:object naming a case or an instance family")
    _add_claim_refs(k)
    k.add_argument("--hessian", default=None, help=argparse.SUPPRESS)
    k.add_argument("--examples", type=int, default=50, help="generated examples (default 50)")
    k.add_argument("--what", choices=("gamma", "instances", "both"), default="both")
    _add_common(k, out_help="output folder (default: report-check-NAME)")
    k.set_defaults(func=commands["check"])

    t = sub.add_parser("selftest", help="broken methods, tampered traces and false claims: what "
                                        "the checker catches")
    t.add_argument("--quick", action="store_true", help="a fixed subset of cases (as in CI)")
    t.add_argument("--budget", default=None, help=f"effort of the checks (default quick; {budgets})")
    _add_common(t, out_help="output folder (default: report-selftest)")
    t.set_defaults(func=commands["selftest"])

    rp = sub.add_parser("reproduce", help="the paper authors' published experiments, rerun and "
                                          "checked (plots, times, verdicts)")
    rp.add_argument("names", nargs="*", metavar="NAME",
                    help="experiment(s) of gnsverify.experiments, or all (--list shows them)")
    rp.add_argument("--list", action="store_true", help="list the experiments and exit")
    rp.add_argument("--size", choices=("paper", "small"), default="paper",
                    help="the published size (default) or a small one that runs in seconds")
    rp.add_argument("--no-reference", action="store_true",
                    help="skip the NumPy reference runs (and their times)")
    rp.add_argument("--no-figures", action="store_true")
    _add_common(rp, out_help="output folder (default: report-reproduce-NAME, or report-reproduce)")
    rp.set_defaults(func=commands["reproduce"])

    e = sub.add_parser("explore", help="a function typed as an expression: derive, measure, predict, verify")
    e.add_argument("expr", metavar="EXPR", help='a sympy expression, e.g. "x**4/4"')
    e.add_argument("--vars", required=True, help="variable names, comma-separated (e.g. x0,x1)")
    e.add_argument("--box", default=None, help='sampling box: "lo,hi" or "lo,hi;lo,hi;..." (default -2,2)')
    e.add_argument("--x0", default=None, help="starting point, comma-separated (default: halfway from "
                                              "the box centre to its upper corner)")
    e.add_argument("--param", action="append", metavar="K=V", help="expression parameters (repeatable)")
    e.add_argument("--hessian", default="exact", help="Hessian rule (default exact)")
    e.add_argument("--convex", action="store_true", default=None,
                   help="declare f convex (checked on the sampled Hessians; makes H = hess f PSD); "
                        "undeclared, convexity is decided on the box by a Gershgorin certificate")
    e.add_argument("--f-star", type=float, default=None,
                   help="the infimum of f, if known (makes the global bound and order decidable)")
    e.add_argument("--eps", action="append", metavar="E1,E2,...", help="accuracy ladder")
    e.add_argument("--budget", default=None, help=f"effort level ({budgets})")
    e.add_argument("--samples", type=int, default=40, help="points where gamma is estimated (default 40)")
    e.add_argument("--no-figures", action="store_true")
    _add_common(e, out_help="output folder (default: report-explore)")
    e.set_defaults(func=commands["explore"])
    # let values such as "-2,2" (box) and "-1,0.5" (x0) through without the "=" form
    e._negative_number_matcher = re.compile(r"^-\.?\d")
    return p


# -- running a command ------------------------------------------------------------------------

class Terminated(BaseException):
    """SIGTERM turned into an exception, so output folders are cleaned up as on Ctrl-C."""


def _on_sigterm(signum, frame):
    raise Terminated()


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


def _stopped(kind: str, code: int) -> int:
    print(f"\n{PROG}: {kind}; no partial output was left.", file=sys.stderr)
    return code


def run_main(parser, argv=None) -> int:
    """Parse ``argv`` and run its command; every ending is a documented exit code
    (:mod:`gnsverify.cli`). SIGTERM is handled like Ctrl-C while the command runs."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        try:
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError):          # pragma: no cover - exotic platforms
            previous = None
    try:
        return _run(parser, argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(parser, argv) -> int:
    from gnsverify.extend import ExtensionError
    from gnsverify.outdir import OutputError
    from gnsverify.threads import single_threaded_blas
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:          # --help
            return int(exc.code or 0)
        args.argv = [PROG] + [str(a) for a in (sys.argv[1:] if argv is None else argv)]
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
        return _stopped("interrupted", EXIT_INTERRUPTED)
    except Terminated:
        return _stopped("terminated", EXIT_TERMINATED)
    except Exception as exc:               # noqa: BLE001 - the last line of defence
        # numba's dispatcher turns an interrupt that arrives while compiled code
        # returns into "SystemError: ... returned a result with an exception set"
        if _caused_by(exc, KeyboardInterrupt):
            return _stopped("interrupted", EXIT_INTERRUPTED)
        if _caused_by(exc, Terminated):
            return _stopped("terminated", EXIT_TERMINATED)
        if os.environ.get("GNSVERIFY_DEBUG"):
            raise
        print(f"{PROG}: internal error (a bug in gnsverify; please report it with the command "
              f"line): {type(exc).__name__}: {exc}".rstrip() + " (GNSVERIFY_DEBUG=1 shows the "
              "traceback)", file=sys.stderr)
        return EXIT_INTERNAL
