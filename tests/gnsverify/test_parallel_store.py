"""Campaigns on several processes, on a dask cluster, and through the results store give
the verdicts of the one-process campaign, byte for byte; an interrupted campaign
resumes; the store opens in pandas; a file that is not a store is refused; a warm-up
process runs beside and never outlives its context."""
from __future__ import annotations

import functools
import os
import sqlite3
import time
from pathlib import Path

import pytest

from gnsverify import campaign, get_case
from gnsverify.report import dumps, records
from gnsverify.store import Store, task_key

NAMES = ["quartic_n3", "logistic_exact_qsc", "holder_1d_nu1"]


def _cases():
    return [get_case(n) for n in NAMES]


@pytest.fixture(scope="module")
def serial():
    return dumps(records(campaign(_cases(), budget="quick", jobs=1)))


def test_two_workers_give_the_same_results_with_progress_from_the_workers(serial):
    events = []
    reps = campaign(_cases(), budget="quick", jobs=2, progress=events.append)
    assert dumps(records(reps)) == serial
    assert [r.case.name for r in reps] == NAMES                 # the campaign's order
    assert {e["index"] for e in events} == {0, 1, 2}            # every task reported progress
    assert any(e["stage"] == "done" for e in events)


def test_store_resume_and_interruption(tmp_path, serial):
    path = tmp_path / "store.sqlite"
    with Store(path) as store:
        first = campaign(_cases(), budget="quick", jobs=2, store=store)
    assert dumps(records(first)) == serial
    # an interruption after two of the three cases: drop the third task
    key3 = task_key(get_case(NAMES[2]), seed=0, budget="quick", eps=None)
    db = sqlite3.connect(path)
    with db:
        assert db.execute("DELETE FROM tasks WHERE key = ?", (key3,)).rowcount == 1
    db.close()
    events = []
    with Store(path) as store:
        again = campaign(_cases(), budget="quick", store=store, resume=True, progress=events.append)
    stored = {e["case"] for e in events if e.get("stored")}
    ran = {e["case"] for e in events if not e.get("stored")}
    assert stored == set(NAMES[:2]) and ran == {NAMES[2]}       # only the missing case ran
    assert dumps(records(again)) == serial
    with Store(path) as store:
        assert len(store.keys()) == 3
    with pytest.raises(ValueError, match="resume needs a store"):
        campaign(_cases(), budget="quick", resume=True)


def test_the_store_opens_in_pandas(tmp_path):
    pd = pytest.importorskip("pandas")
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        reps = campaign([get_case("quartic_n3")], budget="quick", store=store)
    db = sqlite3.connect(path)
    claims = pd.read_sql("SELECT * FROM claims", db)
    trace = pd.read_sql("SELECT * FROM trace WHERE run = 'theory'", db)
    db.close()
    assert len(claims) == len(reps[0].verdicts) and set(claims["verdict"]) <= {"PASS", "NOT CLAIMED"}
    assert len(trace) == len(reps[0].runs["theory"].trace.f)
    assert list(trace["f"]) == pytest.approx(list(reps[0].runs["theory"].trace.f), rel=0, abs=0)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    mine = tmp_path / "notes.sqlite"
    mine.write_text("my notes\n")
    with pytest.raises(ValueError, match="is not a gnsverify store"):
        Store(mine)
    assert mine.read_text() == "my notes\n"


def test_a_dask_cluster_gives_the_same_results(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        reps = campaign(_cases(), budget="quick", scheduler=client)
    assert dumps(records(reps)) == serial


def _write_pid(path):
    Path(path).write_text(str(os.getpid()))


def _fail():
    raise RuntimeError("broken warm-up")


def _sleep():
    time.sleep(60)


def test_warm_up_runs_beside_and_never_outlives_its_context(tmp_path):
    from gnsverify.parallel import warming
    with warming(functools.partial(_write_pid, tmp_path / "pid")) as proc:
        proc.join()
    assert proc.exitcode == 0 and int((tmp_path / "pid").read_text()) != os.getpid()
    with warming(_fail) as proc:          # a failed warm-up costs its time, nothing else
        proc.join()
    assert proc.exitcode == 1
    t = time.perf_counter()
    with warming(_sleep) as proc:         # left running: stopped on the way out
        pass
    assert not proc.is_alive() and time.perf_counter() - t < 10
    with warming(_sleep, enabled=False) as proc:
        assert proc is None


def test_reports_have_the_same_types_whatever_the_executor():
    from gnsverify.portable import CaseInfo
    one = campaign([get_case("quartic_n3")], budget="quick", jobs=1)
    two = campaign(_cases(), budget="quick", jobs=2)
    assert {type(r.case) for r in one + two} == {CaseInfo}


def test_extras_run_beside_the_cases_with_the_sequential_results():
    from gnsverify.parallel import Extra
    from gnsverify.tightness import collect, family_row, row_jobs
    jobs = row_jobs()[:2]
    extras = [Extra(f"row {i}", family_row, job) for i, job in enumerate(jobs)]
    events = []
    reps = campaign([get_case("quartic_n3")], budget="quick", jobs=2, extras=extras,
                    progress=events.append)
    assert [r.case.name for r in reps] == ["quartic_n3"]
    pooled = collect([e.result for e in extras])
    alone = collect([family_row(*job) for job in jobs])
    assert dumps(pooled) == dumps(alone)
    assert {"row 0 done", "row 1 done"} <= {e.get("stage") for e in events}
    # each extra's time, measured in the worker that ran it
    assert all(0.0 <= e.timing["compile_s"] <= e.timing["wall_s"] for e in extras)
    # and each case's, per stage: the runs, every check, the summary
    t = reps[0].timings
    assert {"theory run", "adaptive run", "trace audit", "gamma lower bound", "summary"} <= set(t)
    assert all(0.0 <= v["compile_s"] <= v["wall_s"] for v in t.values())
    assert sum(v["wall_s"] for v in t.values()) <= reps[0].wall_time


def test_a_foreign_sqlite_file_is_not_written_into(tmp_path):
    # someone's own database, even with a table called "tasks" (found by review)
    theirs = tmp_path / "todo.sqlite"
    db = sqlite3.connect(theirs)
    db.execute("CREATE TABLE tasks (id INTEGER, title TEXT)")
    db.execute("INSERT INTO tasks VALUES (1, 'buy milk')")
    db.commit()
    db.close()
    before = theirs.read_bytes()
    with pytest.raises(ValueError, match="is not a gnsverify store"):
        Store(theirs)
    assert theirs.read_bytes() == before


def test_the_key_sees_every_setting_of_the_run():
    base = get_case("quartic_n3")
    key = task_key(base, seed=0, budget="quick", eps=None)
    assert key == task_key(get_case("quartic_n3"), seed=0, budget="quick", eps=None)
    for field, value in (("max_iter", 7), ("gamma0", 2.0), ("max_trials", 5)):
        changed = get_case("quartic_n3")
        setattr(changed, field, value)
        assert task_key(changed, seed=0, budget="quick", eps=None) != key, field
    assert task_key(base, seed=1, budget="quick", eps=None) != key
    assert task_key(base, seed=0, budget="default", eps=None) != key
    assert task_key(base, seed=0, budget="quick", eps=[1e-3]) != key


def _dispositions(item, progress):
    import signal
    return (signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
            signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)


def test_forked_workers_leave_interrupts_to_the_parent():
    """A worker ignores SIGINT and dies at once on the parent's SIGTERM, whatever
    handler the parent installed (the CLI's raises an exception, which a worker inside
    a long compiled call or a numba compilation would run only when it returns: the
    parent's exit would then wait for it)."""
    import signal
    from gnsverify.parallel import run_tasks
    old = signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        got = run_tasks(_dispositions, [0, 1, 2], workers=2)
    finally:
        signal.signal(signal.SIGTERM, old)
    assert got == [(True, True)] * 3
