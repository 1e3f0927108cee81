"""The checker's structure: claims as checks run by one pipeline, one verdict rule, no
import cycle."""
import ast
from pathlib import Path


from gnsverify.cases import Case
from gnsverify.checks import CHECKS
from gnsverify.checks.base import Check
from gnsverify.pipeline import check_case
from gnsverify.verdict import FAIL, INCONCLUSIVE, PASS, Counterexample, decide
from numeric.problems.quadratic import quadratic
from theory.classes import get_class

ROOT = Path(__file__).resolve().parents[2]


class FinalGradientCheck(Check):
    """A new claim kind, as a user would add one: the adaptive run ends with a gradient
    norm below its start (one file; the broken variant is the same check asking for
    the impossible)."""

    name = "final gradient"
    needs = ("adaptive",)

    def __init__(self, factor=1.0):
        self.factor = factor

    def run(self, ctx):
        r = ctx.runs["adaptive"]
        g0, g_end = float(r.trace.gnorm[0]), float(r.trace.gnorm[-1])
        bad = g_end > self.factor * g0
        cx = Counterexample("final_gradient", "||g_K|| <= factor ||g_0||", g_end, self.factor * g0,
                            ctx.case.params, run="adaptive", iteration=int(r.nit)) if bad else None
        return [decide(ctx.case.name, "final_gradient", tried=1, what="the last iterate",
                       violation=cx, violation_detail="the gradient grew")]


CASE = Case(name="q", problem=lambda: quadratic(n=3, cond=4.0, seed=1),
            claim=get_class("first_order", L=4.0), hessian="zero", convex=False, max_iter=30)


def test_a_new_claim_kind_is_one_class_run_by_the_pipeline():
    rep = check_case(CASE, [FinalGradientCheck()], budget="quick")
    assert [v.claim for v in rep.verdicts] == ["final_gradient"] and rep.verdict == PASS
    assert set(rep.runs) == {"adaptive"}                      # only what the check needs ran
    broken = check_case(CASE, [FinalGradientCheck(factor=0.0)], budget="quick")
    assert broken.verdict == FAIL and broken.verdicts[0].counterexample["inequality"] == "final_gradient"


def test_a_check_that_does_not_apply_is_a_note_not_a_verdict():
    class Never(FinalGradientCheck):
        def applies(self, ctx):
            return False, "never made for this case"
    rep = check_case(CASE, [Never()], budget="quick")
    assert rep.verdicts == [] and "never made for this case" in rep.notes


def test_the_verdict_rule():
    cx = Counterexample("ineq", "a <= b", 2.0, 1.0)
    assert decide("c", "k", tried=3, what="3 things").verdict == PASS
    assert decide("c", "k", tried=0, what="nothing").verdict == INCONCLUSIVE
    assert decide("c", "k", tried=3, what="x", violation=cx).verdict == FAIL
    v = decide("c", "k", tried=3, what="x", violation=cx, undecided=["f* is only estimated"])
    assert v.verdict == INCONCLUSIVE and v.counterexample["lhs"] == 2.0 and "f*" in v.detail
    assert decide("c", "k", tried=3, what="x", undecided=["D unknown"]).verdict == INCONCLUSIVE


def _calls_named(path: Path, name: str):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "id", getattr(n.func, "attr", None)) == name]


def test_verdicts_are_made_in_one_place():
    sites = {str(p.relative_to(ROOT)): _calls_named(p, "Verdict")
             for p in (ROOT / "gnsverify").rglob("*.py")}
    assert {k for k, v in sites.items() if v} == {"gnsverify/verdict.py"}, sites


def test_every_claim_kind_is_listed_once():
    assert len({type(c) for c in CHECKS}) == len(CHECKS)
    assert all(isinstance(c, Check) for c in CHECKS)


def _module_name(path: Path) -> str:
    mod = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


def _imports(path: Path, known: set) -> set:
    """Project modules a file imports, at top level and inside functions. ``from P import
    m`` depends on the module ``P.m`` when that is a module, else on ``P``."""
    out = set()
    for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
            for a in n.names:
                sub = f"{n.module}.{a.name}"
                out.add(sub if sub in known else n.module)
        elif isinstance(n, ast.Import):
            out.update(a.name for a in n.names)
    return {d for d in out if d in known}


def _graph():
    files = {_module_name(p): p for pkg in ("theory", "numeric", "gnsverify")
             for p in (ROOT / pkg).rglob("*.py")}
    known = set(files)
    return {m: _imports(p, known) - {m} for m, p in files.items()}


def test_no_import_cycle():
    graph = _graph()
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(d):] + [d]))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2
    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_the_layers_point_one_way():
    for m, deps in _graph().items():
        forbidden = {"theory": ("numeric", "gnsverify"), "numeric": ("theory", "gnsverify")}.get(
            m.split(".")[0], ())
        bad = [d for d in deps if d.split(".")[0] in forbidden]
        assert not bad, (m, bad)
