"""The selftest: broken methods and tampered traces are killed, false claims above the
detection threshold are killed, correct controls pass, and the instruments meet their
known answers; an instrument made weaker (a searcher covering half its radius, a
tolerance loosened 10x) is reported, not silently accepted."""
import json

import numpy as np
import pytest

from gnsverify import audit, cli, gamma_search
from gnsverify import invariants as INV
from gnsverify import selftest as S


@pytest.fixture(scope="module")
def quick():
    return S.selftest(quick=True)


def test_no_false_alarm_and_every_broken_method_and_trace_is_killed(quick):
    assert quick["false_alarms"] == []
    assert quick["controls"] >= 4
    for kind in ("method", "trace"):
        vs = [v for v in quick["variants"] if v["kind"] == kind]
        assert vs and all(v["killed"] for v in vs), [v["name"] for v in vs if not v["killed"]]
        assert all(v["by"] and v["detail"] for v in vs)


def test_false_claims_are_killed_exactly_as_their_thresholds_predict(quick):
    claims = [v for v in quick["variants"] if v["kind"] == "claim"]
    assert claims
    assert quick["unexpected"] == []
    above = [v for v in claims if v["threshold"] is not None and v["factor"] > v["threshold"]]
    assert above and all(v["killed"] for v in above)
    assert quick["claims_above_threshold"] == {"killed": len(above), "total": len(above)}
    # a survivor is named, and its factor is below the unmodified claim's threshold
    for v in claims:
        if not v["killed"]:
            assert v["name"] in quick["survivors"]
            assert v["threshold"] is None or v["factor"] <= v["threshold"]


def test_counts_add_up(quick):
    assert quick["total"] == len(quick["variants"])
    assert quick["killed"] == sum(v["killed"] for v in quick["variants"])
    assert quick["kill_rate"] == pytest.approx(quick["killed"] / quick["total"])
    assert sum(k["total"] for k in quick["by_kind"].values()) == quick["total"]
    json.dumps(quick, allow_nan=False)


def test_the_instruments_meet_their_known_answers(quick):
    assert quick["instruments_failed"] == []
    assert len(quick["instruments"]) == 4


def test_a_searcher_covering_half_its_radius_is_reported(monkeypatch):
    real = gamma_search.worst_step

    def half(case, x, *, scale=1.0, **kw):
        return real(case, x, scale=0.5 * scale, **kw)

    monkeypatch.setattr(gamma_search, "worst_step", half)
    failed = [i.name for i in S.instruments() if not i.ok]
    assert "gamma search covers its radius (full)" in failed
    assert "gamma search covers its radius (reduced)" in failed


def test_a_slack_loosened_10x_lets_a_false_acceptance_through_and_is_reported(monkeypatch):
    monkeypatch.setattr(INV, "SLACK", INV.SLACK * 10)
    failed = [i.name for i in S.instruments() if not i.ok]
    assert failed == ["invariants' slack is as documented"]


def test_an_audit_tolerance_loosened_10x_is_reported(monkeypatch):
    monkeypatch.setattr(audit, "AUDIT_ORACLE", audit.AUDIT_ORACLE * 10)
    failed = [i.name for i in S.instruments() if not i.ok]
    assert failed == ["audit's oracle tolerance is as documented"]


def test_the_cli_writes_the_selftest_and_exits_0(tmp_path, capsys, monkeypatch, quick):
    """The command's wiring (the selftest itself ran in the fixture)."""
    monkeypatch.setattr(S, "selftest", lambda **kw: quick)
    out = tmp_path / "st"
    assert cli.main(["selftest", "--quick", "--quiet", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "selftest (quick): killed" in text and "false alarms on 0" in text
    st = json.loads((out / "selftest.json").read_text())
    assert st["false_alarms"] == [] and st["killed"] >= 1
    assert "What this campaign is shown to catch" in (out / "SELFTEST.md").read_text()


def test_a_false_alarm_or_a_missed_known_answer_makes_the_selftest_exit_1(tmp_path, monkeypatch,
                                                                           capsys, quick):
    """A checker that FAILs correct code, or an instrument that misses its known answer,
    is itself broken: exit 1, named."""
    alarm = S.Outcome("control: reference solver on x", "control", "must pass", True,
                      "x / audit:trace", "boom").to_dict()
    monkeypatch.setattr(S, "selftest", lambda **kw: {**quick, "false_alarms": [alarm]})
    assert cli.main(["selftest", "--quick", "--quiet", "--out", str(tmp_path / "a")]) == 1
    assert "FALSE ALARM control: reference solver on x" in capsys.readouterr().out
    monkeypatch.setattr(S, "selftest", lambda **kw: {**quick, "instruments_failed": ["radius"]})
    assert cli.main(["selftest", "--quick", "--quiet", "--out", str(tmp_path / "b")]) == 1
    assert "MISSED ITS KNOWN ANSWER: radius" in capsys.readouterr().out
