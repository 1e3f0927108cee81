"""The ``gnsverify`` command: exit codes, output files, atomicity, usage errors.

The cases used here are defined in this module and reached through a
``file.py:object`` reference, as a user would: ``GOOD_CASE`` makes a true claim
(first-order smooth with the true ``L`` of a quadratic), ``WRONG_CASE`` a
deliberately false one (``L`` 400 times too small), which the checker must FAIL.
"""
import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gnsverify import cli, cli_parse, report
from gnsverify.cases import Case
from gnsverify.outdir import leftovers, write_marker
from numeric.problems.quadratic import quadratic
from theory.classes import get_class

HERE = Path(__file__).resolve()
TRUE_L = 4.0          # quadratic(cond=4) has eigenvalues in [1, 4]


def _quadratic():
    return quadratic(n=3, cond=TRUE_L, seed=1)


# The non-convex (stationarity) theorem holds for convex f as well and needs no D.
GOOD_CASE = Case(name="cli_good", problem=_quadratic, claim=get_class("first_order", L=TRUE_L),
                 hessian="zero", convex=False, max_iter=40)
WRONG_CASE = Case(name="cli_wrong", problem=_quadratic, claim=get_class("first_order", L=TRUE_L / 400),
                  hessian="zero", convex=False, max_iter=40)
GOOD = f"{HERE}:GOOD_CASE"
WRONG = f"{HERE}:WRONG_CASE"
QUICK = ["--budget", "quick", "--quiet"]


def run_main(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- verify --------------------------------------------------------------------------

def test_verify_true_claim_exits_0_and_writes_parseable_outputs(tmp_path, capsys):
    out_dir = tmp_path / "rep"
    code, out, err = run_main(["verify", "--case", GOOD, "--out", out_dir, *QUICK], capsys)
    assert code == 0, err
    for name in ("REPORT.md", "results.json", "results.csv", "rates.csv", "summary.json",
                 "figures/cli_good.png"):
        assert (out_dir / name).is_file(), name
    results = json.loads((out_dir / "results.json").read_text())
    assert results and all({"case", "claim", "verdict", "observed", "predicted", "detail"} <= set(r)
                           for r in results)
    assert {r["case"] for r in results} == {"cli_good"}
    assert "FAIL" not in {r["verdict"] for r in results}
    with open(out_dir / "results.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:6] == ["case", "claim", "verdict", "observed", "predicted", "detail"]
    md = (out_dir / "REPORT.md").read_text()
    assert "## Rate table" in md and "| cli_good | first_order |" in md
    assert "predicted K(eps)" in out                  # the summary table on the terminal
    assert str(out_dir) in out and "REPORT.md" in out  # and where things were written
    assert not (out_dir / "figures" / "phase_diagram.png").exists()   # --case: no phase by default
    assert leftovers(out_dir) == []


@pytest.mark.parametrize("kind, magic", [("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_verify_writes_figures_in_the_format_asked_for(tmp_path, capsys, kind, magic):
    out_dir = tmp_path / "rep"
    code, out, err = run_main(["verify", "--case", GOOD, "--out", out_dir, "--figure-format", kind,
                               *QUICK], capsys)
    assert code == 0, err
    fig = out_dir / "figures" / f"cli_good.{kind}"
    assert fig.read_bytes().startswith(magic)
    assert not list((out_dir / "figures").glob("*.png"))
    assert f"](figures/cli_good.{kind})" in (out_dir / "REPORT.md").read_text()


def test_verify_store_and_resume_from_the_command_line(tmp_path, capsys):
    store = tmp_path / "runs.sqlite"
    base = ["verify", "--case", GOOD, "--no-figures", "--store", store, *QUICK]
    code, out, err = run_main(base + ["--out", tmp_path / "a"], capsys)
    assert code == 0, err
    assert "0 of 1 cases taken from it, 1 run and recorded" in out
    code, out, err = run_main(base + ["--out", tmp_path / "b", "--resume", "--jobs", "2"], capsys)
    assert code == 0, err
    assert "1 of 1 cases taken from it, 0 run and recorded" in out
    assert (tmp_path / "a" / "results.json").read_bytes() == (tmp_path / "b" / "results.json").read_bytes()
    for bad, match in (([], "--resume needs --store"), (["--jobs", "0"], "--jobs must be")):
        argv = ["verify", "--case", GOOD, "--out", tmp_path / "c", *QUICK, *bad]
        if not bad:
            argv.append("--resume")
        code, _, err = run_main(argv, capsys)
        assert code == 2 and match in err
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    code, _, err = run_main(["verify", "--case", GOOD, "--out", tmp_path / "d", "--store", notes, *QUICK], capsys)
    assert code == 2 and "not a gnsverify store" in err and notes.read_text() == "mine"


def test_verify_records_its_provenance_outside_the_results(tmp_path, capsys):
    import numpy
    out_dir = tmp_path / "rep"
    argv = ["verify", "--case", GOOD, "--out", out_dir, "--no-figures", "--seed", "3", *QUICK]
    code, out, err = run_main(argv, capsys)
    assert code == 0, err
    prov = json.loads((out_dir / "summary.json").read_text())["provenance"]
    assert prov["command"] == ["gnsverify"] + [str(a) for a in argv]
    assert prov["seed"] == 3 and prov["budget"] == "quick"
    assert prov["versions"]["numpy"] == numpy.__version__ and prov["versions"]["python-flint"]
    assert prov["machine"]["cpus"] >= 1 and prov["machine"]["blas"]
    assert 0 < prov["cpu_s"] and 0 < prov["wall_s"]
    assert f"{prov['wall_s']:.1f} s wall and" in out        # the terminal says which time it is
    md = (out_dir / "REPORT.md").read_text()
    assert "## Provenance" in md and numpy.__version__ in md
    # results.json holds verdicts only: nothing of the machine or the clock
    assert "provenance" not in (out_dir / "results.json").read_text()
    # timings.json: where the time went (phases here, stages in the case's run)
    times = json.loads((out_dir / "timings.json").read_text())
    # (no baselines' warm-up: the quick budget runs no baseline)
    assert set(times["phases"]) == {"cases", "campaign", "report"} and times["jobs"] >= 1
    assert set(times["cases"]) == {"cli_good"} and "gamma lower bound" in times["stages"]
    assert all(0.0 <= t["compile_s"] <= t["wall_s"] for t in times["phases"].values())
    assert "timings.json" in json.loads((out_dir / "summary.json").read_text())["files"]
    assert "wall_s" not in (out_dir / "results.json").read_text()


def test_verify_false_claim_exits_1_with_a_counterexample(tmp_path, capsys):
    out_dir = tmp_path / "rep"
    code, out, err = run_main(["verify", "--case", WRONG, "--out", out_dir, "--no-figures", *QUICK], capsys)
    assert code == 1, err
    results = json.loads((out_dir / "results.json").read_text())
    fails = [r for r in results if r["verdict"] == "FAIL"]
    assert fails and any(r["counterexample"] for r in fails)
    assert "FAIL cli_wrong" in out
    assert "Failures" in (out_dir / "REPORT.md").read_text()
    assert not list(out_dir.rglob("*.png"))


def test_verify_two_cases_one_failing_exits_1(tmp_path, capsys):
    code, out, _ = run_main(["verify", "--case", GOOD, "--case", WRONG, "--out", tmp_path / "r",
                             "--no-figures", *QUICK], capsys)
    assert code == 1
    rows = list(csv.DictReader(open(tmp_path / "r" / "rates.csv", newline="")))
    assert [r["case"] for r in rows] == ["cli_good", "cli_wrong"]
    assert [r["verdict"] for r in rows][1] == "FAIL"


@pytest.mark.parametrize("argv, needle", [
    (["verify", "--case", "no_such_case"], "no_such_case"),
    (["verify", "--case", f"{HERE}:NOPE"], "NOPE"),
    (["verify", "--case", "missing_file.py:CASE"], "missing_file.py"),
    (["verify", "--case", GOOD, "--eps", "abc"], "'abc'"),
    (["verify", "--case", GOOD, "--eps", "1e-3,-1"], "'-1'"),
    (["verify", "--case", GOOD, "--eps", "0"], "'0'"),
    (["verify", "--case", GOOD, "--budget", "huge"], "--budget"),
    (["verify", "--case", GOOD, "--case", GOOD], "twice"),
    (["verify", "--bogus"], "--bogus"),
    (["table", "--format", "docx"], "docx"),
    (["frobnicate"], "frobnicate"),
    ([], "a command is required"),
    (["run"], "CASE"),
    (["run", GOOD, "--step", "magic"], "--step"),
    (["check", GOOD, "--examples", "0"], "--examples"),
    (["explore", "x**4/4", "--vars", "x", "--box", "2,1"], "--box"),
    (["explore", "abs(x)", "--vars", "x"], "Abs"),
], ids=lambda v: " ".join(map(str, v))[:40] if isinstance(v, list) else None)
def test_usage_errors_exit_2_with_one_sentence(tmp_path, capsys, argv, needle):
    argv = list(argv) + (["--out", tmp_path / "o"] if argv and argv[0] in ("verify", "run", "check", "explore")
                         and "--bogus" not in argv else [])
    code, out, err = run_main(argv, capsys)
    assert code == 2
    lines = [l for l in err.strip().splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("gnsverify: error:"), err
    assert needle in lines[0]
    assert not (tmp_path / "o").exists() and leftovers(tmp_path / "o") == []


def test_out_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    f = tmp_path / "taken"
    f.write_text("x")
    code, _, err = run_main(["verify", "--case", GOOD, "--out", f, *QUICK], capsys)
    assert code == 2 and "not a folder" in err
    assert f.read_text() == "x"


@pytest.mark.parametrize("how", ["error", "ctrl-c", "sigterm"])
def test_interrupted_report_leaves_no_partial_folder(tmp_path, capsys, monkeypatch, how):
    real = report.campaign.write_records

    def half_then_die(out, recs):
        real(out, recs)                      # some files are already written ...
        if how == "error":                   # ... when the work dies
            raise RuntimeError("disk full")
        if how == "ctrl-c":
            raise KeyboardInterrupt
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(report.campaign, "write_records", half_then_die)
    out_dir = tmp_path / "rep"
    out_dir.mkdir()
    write_marker(out_dir)                    # an earlier gnsverify output folder
    (out_dir / "previous.txt").write_text("previous complete result")
    argv = [str(a) for a in ["verify", "--case", GOOD, "--out", out_dir, "--no-figures", *QUICK]]
    code = cli.main(argv)
    _, err = capsys.readouterr()
    assert code == {"error": 70, "ctrl-c": 130, "sigterm": 143}[how]
    if how == "error":                       # an unexpected error: one sentence, no traceback
        assert "internal error" in err and "disk full" in err and "Traceback" not in err
    assert sorted(p.name for p in out_dir.iterdir()) == [".gnsverify", "previous.txt"]
    assert leftovers(out_dir) == []
    assert signal.getsignal(signal.SIGTERM) is not cli_parse._on_sigterm     # handler restored


# -- other commands ------------------------------------------------------------------

def test_cases_lists_the_catalog_one_line_per_case(tmp_path, capsys):
    from gnsverify.catalog import NAMES, cases_claiming
    code, out, _ = run_main(["cases"], capsys)
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 2 + len(NAMES)                 # header, rule, one line per case
    assert [ln.split()[0] for ln in lines[2:]] == list(NAMES)
    code, out, _ = run_main(["cases", "--class", "qsc", "--format", "json"], capsys)
    rows = json.loads(out)
    assert code == 0 and [r["name"] for r in rows] == [c.name for c in cases_claiming("qsc")]
    assert all(r["class"] == "qsc" and r["description"] for r in rows)
    digits = next(r for r in rows if r["name"] == "softmax_digits_fisher")
    assert (digits["n"], digits["hessian"], digits["setting"]) == (640, "fisher", "convex")
    code, _, err = run_main(["cases", "--class", "no_such_class"], capsys)
    assert code == 2 and "--class must be one of" in err


def test_classes_lists_the_catalog_in_every_format(tmp_path, capsys):
    code, out, _ = run_main(["classes"], capsys)
    assert code == 0
    for name in ("lipschitz_hessian", "first_order", "qsc", "l0l1"):
        assert name in out
    code, out, _ = run_main(["classes", "--format", "json"], capsys)
    rows = json.loads(out)
    lip = next(r for r in rows if r["name"] == "lipschitz_hessian")
    assert lip["alphas"] == [0.5]
    code, out, _ = run_main(["classes", "--class", "first_order", "--param", "L=3", "--format", "csv",
                             "--out", tmp_path / "c.csv"], capsys)
    assert code == 0 and "wrote" in out and "c.csv" in out
    assert next(csv.reader(open(tmp_path / "c.csv")))[0] == "name"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]     # nothing it was not asked for
    code, out, _ = run_main(["classes", "--class", "first_order", "--param", "L=3", "--format", "json",
                             "--out", tmp_path / "c.csv"], capsys)
    assert code == 0 and "replaced" in out
    assert json.loads((tmp_path / "c.csv").read_text())[0]["Ms"] == [3.0]


def test_table_latex_has_booktabs_rules(tmp_path, capsys):
    pytest.importorskip("theory.tables")
    code, out, _ = run_main(["table", "--format", "latex"], capsys)
    assert code == 0
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert rule in out
    code, out, _ = run_main(["table", "--format", "md", "--out", tmp_path / "rates.md"], capsys)
    assert code == 0 and (tmp_path / "rates.md").read_text().lstrip().startswith("|")
    assert not (tmp_path / "rates.json").exists()
    code, out, _ = run_main(["table", "--format", "json"], capsys)
    assert code == 0 and isinstance(json.loads(out), list)


def test_table_is_symbolic_by_default_numeric_on_request_with_approximations(capsys):
    code, out, _ = run_main(["table", "--format", "json", "--class", "holder_hessian"], capsys)
    rows = json.loads(out)
    assert code == 0 and {r["params"] for r in rows} == {"symbolic"}
    assert any("nu + 1" in r["order"] for r in rows) and all("L_nu" in r["leading_terms"] for r in rows)
    code, out, _ = run_main(["table", "--format", "json", "--class", "holder_hessian", "--numeric"], capsys)
    assert {r["params"] for r in json.loads(out)} == {"nu=1, L_nu=1"}
    code, out, _ = run_main(["table", "--format", "json", "--class", "holder_hessian", "--param", "nu=0",
                             "--param", "L_nu=3"], capsys)
    assert {r["order"] for r in json.loads(out)} == {"eps^(-1)", "eps^(-2)"}     # nu = 0: alpha = 1
    code, out, _ = run_main(["table", "--format", "json", "--class", "lipschitz_hessian",
                             "--approximation", "fisher_logistic"], capsys)
    rows = json.loads(out)
    assert {r["hessian"] for r in rows} == {"exact", "fisher_logistic"}
    assert all("f_star" in r["bound"] for r in rows if r["hessian"] == "fisher_logistic")
    code, _, err = run_main(["table", "--approximation", "bfgs"], capsys)
    assert code == 2 and "--approximation must be one of" in err
    code, out, _ = run_main(["classes"], capsys)
    assert "t^(-0)" not in out and "Piecewise" not in out and "LambertW" not in out and "z_Q" in out


def test_run_writes_trace_and_figure(tmp_path, capsys):
    out_dir = tmp_path / "run"
    code, out, err = run_main(["run", GOOD, "--step", "theory", "--max-iter", "15", "--out", out_dir,
                               "--quiet"], capsys)
    assert code == 0, err
    data = json.loads((out_dir / "run.json").read_text())
    assert data["summary"]["step"] == "theory" and data["summary"]["iterations"] <= 15
    assert len(data["trace"]["f"]) == data["summary"]["iterations"] + 1
    rows = list(csv.DictReader(open(out_dir / "trace.csv", newline="")))
    assert len(rows) == data["summary"]["iterations"] + 1 and float(rows[0]["f"]) == data["trace"]["f"][0]
    assert (out_dir / "run.png").read_bytes()[:4] == b"\x89PNG"
    assert "status" in out and str(out_dir) in out


def test_check_finds_the_false_claim(tmp_path, capsys):
    code, out, err = run_main(["check", WRONG, "--what", "gamma", "--examples", "5", "--out", tmp_path / "c",
                               "--quiet"], capsys)
    assert code == 1, err
    res = json.loads((tmp_path / "c" / "results.json").read_text())
    assert res[0]["verdict"] == "FAIL" and res[0]["counterexample"]
    code, out, err = run_main(["check", GOOD, "--what", "gamma", "--examples", "5", "--out", tmp_path / "g",
                               "--quiet"], capsys)
    assert code == 0, err


def test_console_entry_point_exit_codes(tmp_path):
    """The real process: exit code 1 for a failing claim, 2 for a usage error."""
    cmd = [sys.executable, "-m", "gnsverify.cli", "verify", "--case", WRONG, "--out", str(tmp_path / "r"),
           "--no-figures", *QUICK]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert p.returncode == 1, p.stderr
    p = subprocess.run([sys.executable, "-m", "gnsverify.cli", "verify", "--eps", "x"], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 2 and p.stderr.startswith("gnsverify: error:")


@pytest.mark.slow
def test_full_default_campaign(tmp_path):
    """The main job end to end, in a fresh process: every catalog case, the phase
    diagram, the files it promises, and an exit code that agrees with the verdicts.
    (Its time budget is measured by scripts/bench_campaign.py, not asserted here.)"""
    p = subprocess.run([sys.executable, "-m", "gnsverify.cli", "verify", "--out", str(tmp_path / "report")],
                       capture_output=True, text=True, timeout=1800)
    assert p.returncode in (0, 1), p.stderr
    out = tmp_path / "report"
    results = json.loads((out / "results.json").read_text())
    assert len({r["case"] for r in results}) >= 5
    assert (out / "figures" / "phase_diagram.png").is_file()
    assert (p.returncode == 1) == any(r["verdict"] == "FAIL" for r in results)
    assert "report" in p.stdout and "REPORT.md" in p.stdout
    summary = json.loads((out / "summary.json").read_text())
    # the baselines' kernel was compiled beside the catalog's build when there are workers
    from gnsverify.parallel import default_workers
    phases = json.loads((out / "timings.json").read_text())["phases"]
    assert ("warm-up" in phases) == (default_workers() > 1)
    # every solver path is taken by some run, read from the runs themselves
    assert summary["paths"]["not_covered"] == [], summary["paths"]["not_covered"]
    # every passed class-bound and rate claim says what it is worth
    for r in results:
        if r["verdict"] == "PASS" and r["claim"] in ("falsify:gamma_lower_bound", "global_bound", "order"):
            assert r["detection_threshold"] is not None or r["threshold_note"], r
    # the selftest ran (quick form) and raised no false alarm
    st = summary["selftest"]
    assert st["false_alarms"] == [] and st["instruments_failed"] == [] and st["killed"] > 0
    assert "What this campaign is shown to catch" in (out / "REPORT.md").read_text()
    # the tightness table: every worst-case family, its verdict among the claims, and the
    # targets met where docs/theory.md 5.5 derives them (non-convex theory step: 1/16)
    from gnsverify.tightness import SETTINGS, STEPS, WORST_CASES
    rows = summary["tightness"]
    assert len(rows) == len(WORST_CASES) * len(SETTINGS) * len(STEPS)
    for r in rows:
        assert {"class", "instance", "rule", "predicted_exponent", "fitted_exponent",
                "best_ratio"} <= set(r)
    assert {r["class"] for r in rows if r["target_met"]} == {w.label for w in WORST_CASES}
    assert sum(r["claim"].startswith("tightness:") for r in results) == len(rows)
    assert "## Tightness: worst-case instances" in (out / "REPORT.md").read_text()
    assert "how tight each theorem is" in p.stdout


def test_problem_and_class_references_build_a_case_on_the_fly(tmp_path, capsys):
    base = ["verify", "--problem", f"{HERE}:_quadratic", "--class", "first_order", "--hessian", "zero",
            "--no-figures", *QUICK]
    code, out, err = run_main(base + ["--param", f"L={TRUE_L}", "--out", tmp_path / "a"], capsys)
    assert code == 0, err
    assert json.loads((tmp_path / "a" / "results.json").read_text())[0]["case"] == "quadratic:first_order"
    code, out, err = run_main(base + ["--param", f"L={TRUE_L / 400}", "--out", tmp_path / "b"], capsys)
    assert code == 1
    code, out, err = run_main(["verify", "--problem", f"{HERE}:_quadratic", "--out", tmp_path / "c"], capsys)
    assert code == 2 and "--problem needs --class" in err
