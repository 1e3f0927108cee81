"""The worked example in docs/examples runs as documented, as a script and from the CLI."""
import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from gnsverify import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "new_function_class.py"


def test_example_script_runs_and_separates_true_from_false(tmp_path):
    out = tmp_path / "quartic_report"
    p = subprocess.run([sys.executable, str(EXAMPLE), str(out)], capture_output=True, text=True,
                       timeout=900, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "true claim: PASS; over-claim: FAIL" in p.stdout
    results = json.loads((out / "results.json").read_text())
    by_case = {}
    for r in results:
        by_case.setdefault(r["case"], set()).add(r["verdict"])
    assert by_case["quartic_1d_c16"] == {"PASS"}
    assert "FAIL" in by_case["quartic_1d_overclaimed_c16"]
    assert (out / "REPORT.md").is_file()


def test_example_constant_is_the_root_it_claims():
    ns = runpy.run_path(str(EXAMPLE), run_name="example_under_test")
    S = float(ns["S"])
    assert abs(S**3 + 3 * S**2 - 1) < 1e-14 and 0.5 < S < 0.55
    b = ns["Quartic1D"](c=8).bound()
    assert b.monomials[0].alpha == sp.Rational(1, 3)
    assert float(b.monomials[0].M) == pytest.approx(2.0 / S)          # c^(1/3) / S with c = 8


def test_example_objects_are_reachable_from_the_cli(tmp_path, capsys):
    code = cli.main(["classes", "--class", f"{EXAMPLE}:Quartic1D", "--param", "c=8", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    row = json.loads(out)[0]
    assert row["name"] == "quartic_1d" and row["alphas"] == [pytest.approx(1 / 3)]
    code = cli.main(["table", "--class", f"{EXAMPLE}:Quartic1D", "--param", "c=8", "--format", "csv"])
    table = capsys.readouterr().out
    assert code == 0 and "eps^(-4/3)" in table and "eps^(-1/3)" in table   # 1 + alpha and alpha
    code = cli.main(["verify", "--case", f"{EXAMPLE}:CASES", "--budget", "quick", "--quiet", "--no-figures",
                     "--out", str(tmp_path / "r")])
    capsys.readouterr()
    assert code == 1                                   # the over-claim fails, so the campaign does
    rows = json.loads((tmp_path / "r" / "summary.json").read_text())["rates"]
    assert [r["verdict"] for r in rows] == ["PASS", "FAIL"]


def test_example_family_is_searchable_from_the_cli(tmp_path, capsys):
    code = cli.main(["check", f"{EXAMPLE}:FAMILY", "--what", "instances", "--examples", "4", "--quiet",
                     "--out", str(tmp_path / "f")])
    capsys.readouterr()
    assert code == 0
    rec = json.loads((tmp_path / "f" / "results.json").read_text())[0]
    assert rec["claim"] == "falsify:instances" and rec["verdict"] == "PASS" and rec["tried"] == 4
