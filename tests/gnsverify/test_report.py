"""Reports, figures, atomic output folders and progress (no solver runs: small fakes)."""
import csv
import io
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from gnsverify import figures, report
from gnsverify.outdir import MARKER, OutputError, atomic_dir, atomic_file, leftovers, write_marker
from gnsverify.progress import Progress
from gnsverify.verdict import FAIL, INCONCLUSIVE, NOT_CLAIMED, PASS, Verdict

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _fake_report(name, verdicts, curves=None):
    row = dict(case=name, **{"class": "lipschitz_hessian"}, exponent=0.5, predicted_order="eps^-1.5",
               predicted_K=120.5, observed_K=17, ratio=17 / 120.5, fitted_exponent=1.31,
               predicted_exponent=1.5)
    return SimpleNamespace(case=SimpleNamespace(name=name), verdicts=verdicts, row=row, curves=curves)


def _reports():
    ok = _fake_report("good", [
        Verdict("good", "invariant:acceptance", PASS, observed=12, predicted=None, tried=12),
        Verdict("good", "global_bound", INCONCLUSIVE, observed={"1e-3": 9}, predicted={"1e-3": math.inf},
                detail="D is only estimated"),
    ], curves={"panels": [{"ylabel": "f - f*", "series": [
        {"label": "adaptive", "x": [0, 1, 2, 3], "y": [1.0, 0.1, 1e-3, 0.0]},
        {"label": "predicted bound", "kind": "bound", "x": [0, 1, 2, 3], "y": [2.0, 1.0, 0.5, 0.25]}]}]})
    bad = _fake_report("bad|case", [
        Verdict("bad|case", "invariant:C1", FAIL, observed=np.float64(0.3), predicted=np.float64(0.9),
                detail="rejected trial below pi", tried=3,
                counterexample={"iteration": 2, "x": np.array([1.0, np.nan]), "lhs": 0.3, "rhs": 0.9}),
    ])
    return [ok, bad]


def test_jsonable_is_strict_json():
    data = {"a": np.float32(1.5), "b": np.int64(3), "c": np.array([1.0, np.inf, np.nan]),
            "d": (np.bool_(True), -math.inf), "e": Verdict("c", "k", PASS)}
    plain = report.jsonable(data)
    text = json.dumps(plain, allow_nan=False)          # raises if a NaN/inf slipped through
    back = json.loads(text)
    assert back["c"] == [1.0, "inf", None]
    assert back["d"] == [True, "-inf"]
    assert back["e"]["verdict"] == PASS and back["b"] == 3


def test_records_carry_the_contract_keys_and_the_overall_verdict():
    recs = report.records(_reports())
    assert [r["claim"] for r in recs] == ["invariant:acceptance", "global_bound", "invariant:C1"]
    for r in recs:
        assert set(report.RECORD_KEYS) <= set(r)
    assert report.overall(recs) == FAIL
    assert report.overall(recs[:2]) == INCONCLUSIVE
    assert report.overall(recs[:1]) == PASS
    assert report.counts(recs) == {PASS: 1, FAIL: 1, INCONCLUSIVE: 1, NOT_CLAIMED: 0}
    # nothing claimed is not a PASS, and no verdict at all is not one either
    assert report.overall([dict(recs[0], verdict=NOT_CLAIMED)]) == NOT_CLAIMED
    assert report.overall([dict(recs[0], verdict=NOT_CLAIMED)] + recs[:1]) == PASS
    assert report.overall([]) == INCONCLUSIVE


def test_rate_rows_fill_the_verdict_from_the_claims():
    rows = report.rate_rows(_reports())
    assert [r["verdict"] for r in rows] == [INCONCLUSIVE, FAIL]
    text = report.summary_table(_reports())
    assert "predicted K(eps)" in text.splitlines()[0]
    assert "FAIL" in text and "120.5" in text


def test_write_campaign_outputs_parse(tmp_path):
    reps = _reports()
    phase = {"alpha": [0.5, 1.0], "beta": [0.0, 1.0], "observed": [[1.45, 2.1], [1.9, 2.05]]}
    summary = report.write_campaign(tmp_path, reps, phase=phase, meta={"seed": 0})
    assert summary["overall"] == FAIL
    for f in ("REPORT.md", "results.json", "results.csv", "rates.csv", "summary.json", "phase.json",
              "figures/good.png", "figures/phase_diagram.png"):
        assert (tmp_path / f).is_file(), f
        assert f in summary["files"]
    assert (tmp_path / "figures/good.png").read_bytes()[:8] == PNG_MAGIC
    assert (tmp_path / "figures/phase_diagram.png").read_bytes()[:8] == PNG_MAGIC
    results = json.loads((tmp_path / "results.json").read_text())
    assert isinstance(results, list) and len(results) == 3
    assert all({"case", "claim", "verdict", "observed", "predicted", "detail"} <= set(r) for r in results)
    assert results[2]["counterexample"]["x"] == [1.0, None]
    with open(tmp_path / "results.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == report.RECORD_KEYS
    assert len(rows) == 4
    assert json.loads(rows[3][report.RECORD_KEYS.index("counterexample")])["iteration"] == 2
    md = (tmp_path / "REPORT.md").read_text()
    assert "Overall verdict: FAIL" in md
    assert "| case | class | exponent | predicted order | predicted K(eps) | observed K(eps) |" in md
    assert "bad\\|case" in md                              # pipes escaped inside table cells
    assert '"iteration": 2' in md                          # counterexample rendered
    assert "![good](figures/good.png)" in md and "figures/phase_diagram.png" in md
    assert json.loads((tmp_path / "summary.json").read_text())["counts"][FAIL] == 1


def test_write_campaign_without_figures_writes_no_png(tmp_path):
    report.write_campaign(tmp_path, _reports(), figures=False)
    assert not list(tmp_path.rglob("*.png"))
    assert "Convergence figures" not in (tmp_path / "REPORT.md").read_text()


def test_figure_shapes_are_normalized():
    title, panels = figures.normalize({"adaptive": {"k": [0, 1, 2], "gnorm": [1, 0.5, 0.1], "f": [3, 2, 1]},
                                       "theory": {"k": [0, 1], "gnorm": [1, 0.4]}})
    assert title is None
    assert sorted(p["ylabel"] for p in panels) == ["f", "gnorm"]
    gpanel = next(p for p in panels if p["ylabel"] == "gnorm")
    assert len(gpanel["series"]) == 2 and gpanel["series"][0]["x"] == [0, 1, 2]
    assert figures._is_bound({"label": "predicted K(eps)"}) and not figures._is_bound({"label": "adaptive"})
    with pytest.raises(ValueError, match="plot data"):
        figures.normalize([1, 2])


def test_phase_points_from_grid_and_from_points():
    grid = {"alpha": [0.5, 1.0], "beta": [0.0, 0.75], "observed": [[1.4, 1.7], [2.0, 2.1]]}
    pts = figures.phase_points(grid)
    assert len(pts) == 4
    assert pts[1] == {"alpha": 0.5, "beta": 0.75, "predicted": 0.75, "observed": 1.7}
    pts2 = figures.phase_points({"points": [{"alpha": 0.5, "beta": 0.2, "predicted_exponent": 0.5,
                                             "observed_exponent": 0.52}]})
    assert pts2[0]["observed"] == 0.52 and pts2[0]["predicted"] == 0.5


def test_convergence_figure_tolerates_zeros_and_none(tmp_path):
    path = figures.convergence_figure({"series": [{"label": "run", "y": [1.0, 0.0, None, "inf", 1e-5]}]},
                                      tmp_path / "a" / "fig.png", title="t")
    assert path.read_bytes()[:8] == PNG_MAGIC


# -- atomic output ---------------------------------------------------------------------

def test_atomic_dir_publishes_on_success_and_replaces_old(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    write_marker(target)                                 # an earlier gnsverify output
    (target / "old.txt").write_text("old")
    with atomic_dir(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        (tmp / "new.txt").write_text("new")
        assert (target / "old.txt").exists()             # nothing visible until the end
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "new.txt"]
    assert leftovers(target) == []


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_dir_leaves_nothing_half_written(tmp_path, exc):
    target = tmp_path / "out"
    with pytest.raises(type(exc)):
        with atomic_dir(target) as tmp:
            (tmp / "partial.txt").write_text("half")
            raise exc
    assert not target.exists()
    assert leftovers(target) == []
    # a previous complete result survives a failed rewrite
    target.mkdir()
    write_marker(target)
    (target / "keep.txt").write_text("keep")
    with pytest.raises(type(exc)):
        with atomic_dir(target) as tmp:
            (tmp / "partial.txt").write_text("half")
            raise exc
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "keep.txt"]
    assert leftovers(target) == []


def test_atomic_dir_refuses_a_file_target(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        with atomic_dir(f):
            pass


def test_atomic_file(tmp_path):
    p = tmp_path / "t.md"
    with atomic_file(p) as fh:
        fh.write("hello")
    assert p.read_text() == "hello"
    with pytest.raises(RuntimeError):
        with atomic_file(p) as fh:
            fh.write("half")
            raise RuntimeError
    assert p.read_text() == "hello" and leftovers(p) == []


# -- progress -----------------------------------------------------------------------------

class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_progress_is_silent_when_quiet():
    for tty in (False, True):
        stream = _Stream(tty)
        p = Progress(stream=stream, quiet=True)
        p(1, 4, "case a")
        p.close()
        assert stream.getvalue() == ""
        assert p.last == "[1/4] case a"


def test_progress_off_a_terminal_is_one_plain_line_per_case():
    s = _Stream(False)
    with Progress(stream=s) as p:
        p("compiling")
        for i, case in enumerate(("a", "b")):
            for stage in ("theory run", "invariants", "done"):
                p({"case": case, "stage": stage, "done": 0, "total": 3, "index": i, "n_cases": 2})
        p("writing the report")
    lines = s.getvalue().splitlines()
    assert len(lines) == 4 and "\r" not in s.getvalue()
    assert "compiling" in lines[0] and "[1/2] a:" in lines[1] and "[2/2] b:" in lines[2]
    assert "writing the report" in lines[3]


def test_progress_writes_one_status_line_on_a_terminal():
    s = _Stream(True)
    with Progress(stream=s) as p:
        p("compiling")
        p(done=2, total=3, label="case b")
    out = s.getvalue()
    assert "compiling" in out and "[2/3] case b" in out
    assert "\n" not in out and out.endswith("\r")


def test_verify_curves_become_a_convergence_and_a_bound_panel(tmp_path):
    curves = {"measure": "f - f*",
              "runs": {"theory": {"k": [0, 1, 2, 3], "value": [1.0, 0.1, 0.01, 0.001]},
                       "baseline:gradient": {"k": [0, 1], "value": [1.0, 0.5]}},
              "bound": {"theory": {"eps": [0.5, 0.05, 0.005], "K": [2.0, 20.0, 2000.0]}}}
    _, panels = figures.normalize(curves)
    left, right = panels
    assert left["ylabel"] == "f - f*"
    shown = next(s for s in left["series"] if s["kind"] == "bound")
    assert shown["x"] == [2.0, 20.0] and shown["y"] == [0.5, 0.05]     # 2000 > 20 x 4 iterations
    assert "1 of 3" in left["note"]
    observed = next(s for s in right["series"] if s["label"] == "theory (observed)")
    assert observed["x"] == [0.5, 0.05, 0.005] and observed["y"] == [1, 2, 3]
    assert not any("baseline" in s["label"] for s in right["series"])
    bound = next(s for s in right["series"] if s["kind"] == "bound")
    assert bound["y"] == [2.0, 20.0, 2000.0]
    path = figures.convergence_figure(curves, tmp_path / "c.png", title="c")
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_rate_table_marks_a_row_from_the_adaptive_run_and_says_why():
    rep = _fake_report("fisher", [Verdict("fisher", "global_bound", PASS, tried=3)])
    rep.row.update(run="adaptive", verdict=PASS, theory_not_shown=dict(
        iterations=40, status="max_iter", measure="f - f*", start=0.59, best=0.578, first_eps=0.059,
        pi_g0=2.15e-4, G0=1.41, D=10.9,
        monomials=[dict(alpha=1.0, M=43.2, source="approximation:C1"),
                   dict(alpha=0.0, M=4621.0, source="smoothness+approximation:C2")],
        error_model=dict(name="fisher_logistic", C1=43.2, C2=4588.0, beta=0.0),
        adaptive_gamma_over_pi=dict(min=649.0, median=1290.0, max=2.27e4),
        adaptive_K=dict(eps=5.9e-9, observed=25, predicted=1.485e14)))
    table = report.rate_table(report.rate_rows([rep]), "md")
    assert table.splitlines()[0] == "| " + " | ".join(report.DISPLAY_COLUMNS) + " |"
    assert "| 17 (adaptive run) |" in table and "| 1.31 vs 1.5 |" in table
    md = report.report_markdown([rep])
    note = next(line for line in md.splitlines() if line.startswith("- `fisher`"))
    for part in ("**adaptive run**", "no eps of the ladder in 40 iterations", "pi(||g_0||_*) = 0.000215",
                 "4621 (smoothness+approximation:C2)", "C2 = 4588", "K(eps) = 1.485e+14",
                 "median 1.29e+03", "how loose the composed bound is"):
        assert part in note, part
    plain = _fake_report("plain", [Verdict("plain", "global_bound", PASS, tried=3)])
    assert "(adaptive run)" not in report.rate_table(report.rate_rows([plain]), "md")
    assert report.theory_not_shown_note(report.rate_rows([plain])[0]) is None


def test_phase_finding_says_whether_the_worst_case_is_exhibited():
    below = [dict(alpha=0.5, beta=b, predicted=max(0.5, b), observed=o, status="converged")
             for b, o in ((0.0, 0.09), (0.75, 0.19), (1.0, 0.32))]
    text = report.phase_finding(below)
    assert "fall well below" in text and "between 0.18 and 0.32 on the 3 grid points" in text
    assert "not exhibited" in text and "grows with beta" in text
    above = below[:2] + [dict(alpha=0.5, beta=1.0, predicted=1.0, observed=1.2, status="converged")]
    text = report.phase_finding(above)
    assert "1 of 3 grid points have an observed exponent above" in text and "not exhibited" not in text
    flat = below[:1] + [dict(below[1], observed=0.4), dict(below[2], observed=0.3)]
    assert "does not grow monotonically" in report.phase_finding(flat)
