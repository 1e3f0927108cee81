"""The command line never destroys what gnsverify did not write, never shows a Python
traceback, and ends every failure with one sentence and a documented exit code
(0 no claim failed, 1 a claim FAILed, 2 usage/input/path error, 130 interrupted)."""
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnsverify import cli
from gnsverify.outdir import MARKER, OutputError, atomic_dir, leftovers, write_marker

HERE = Path(__file__).resolve()
GOOD = f"{HERE.parent / 'test_cli.py'}:GOOD_CASE"
CODES = {0, 1, 2, 130}


def run_main(argv, capsys):
    argv = [str(a) for a in argv]
    if argv and argv[0] in ("run", "verify", "check", "explore"):
        argv.append("--quiet")                  # progress lines would join stderr
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("gnsverify: error:"), err
    return lines[0]


def tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- output folders ---------------------------------------------------------------------

def test_a_folder_with_user_files_is_refused_and_left_untouched(tmp_path, capsys):
    paper = tmp_path / "mypaper"
    paper.mkdir()
    (paper / "draft.tex").write_text("\\section{Results}")
    before = tree(paper)
    code, _, err = run_main(["run", "quartic_n3", "--out", paper, "--no-figures"], capsys)
    assert code == 2 and "did not write" in one_error_line(err) and "mypaper" in err
    assert tree(paper) == before and leftovers(paper) == []


@pytest.mark.parametrize("where", [".", ".."])
def test_the_current_folder_and_its_parents_are_refused(tmp_path, capsys, monkeypatch, where):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    code, _, err = run_main(["run", "quartic_n3", "--out", where, "--no-figures"], capsys)
    assert code == 2 and "current folder" in one_error_line(err)
    assert (work / "notes.txt").read_text() == "mine" and sorted(os.listdir(work)) == ["notes.txt"]


def test_an_earlier_gnsverify_folder_and_an_empty_one_are_replaced(tmp_path, capsys):
    out = tmp_path / "r"
    code, stdout, _ = run_main(["run", "quartic_n3", "--out", out, "--no-figures"], capsys)
    assert code == 0 and (out / MARKER).is_file() and "wrote" in stdout
    code, stdout, _ = run_main(["run", "quartic_n3", "--out", out, "--no-figures"], capsys)
    assert code == 0 and "replaced the earlier gnsverify output" in stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, _ = run_main(["run", "quartic_n3", "--out", empty, "--no-figures"], capsys)
    assert code == 0 and (empty / "run.json").is_file()


def test_a_symbolic_link_is_refused(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    code, _, err = run_main(["run", "quartic_n3", "--out", tmp_path / "link", "--no-figures"], capsys)
    assert code == 2 and "symbolic link" in one_error_line(err)


def test_a_folder_that_gains_user_files_during_the_work_is_not_replaced(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    write_marker(target)
    with pytest.raises(OutputError, match="changed while"):
        with atomic_dir(target) as tmp:
            (tmp / "new.txt").write_text("new")
            (target / MARKER).unlink()                 # someone else takes the folder over
            (target / "theirs.txt").write_text("theirs")
    assert sorted(os.listdir(target)) == ["theirs.txt"] and leftovers(target) == []


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_outputs_follow_the_umask(tmp_path, capsys, mask):
    old = os.umask(mask)
    try:
        code, _, _ = run_main(["run", "quartic_n3", "--out", tmp_path / "r", "--no-figures"], capsys)
        code2, _, _ = run_main(["table", "--out", tmp_path / "t.md"], capsys)
    finally:
        os.umask(old)
    assert code == code2 == 0
    assert stat.S_IMODE(os.stat(tmp_path / "r").st_mode) == 0o777 & ~mask
    assert stat.S_IMODE(os.stat(tmp_path / "r" / "run.json").st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(tmp_path / "t.md").st_mode) == 0o666 & ~mask


def test_a_named_file_is_replaced_with_a_word_and_keeps_its_mode(tmp_path, capsys):
    t = tmp_path / "t.md"
    t.write_text("old")
    os.chmod(t, 0o640)
    code, out, _ = run_main(["table", "--out", t], capsys)
    assert code == 0 and f"replaced {t}" in out
    assert t.read_text() != "old" and stat.S_IMODE(os.stat(t).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.md"]


def test_a_special_file_is_written_in_place_and_never_replaced(tmp_path, capsys):
    code, out, _ = run_main(["table", "--format", "md", "--out", os.devnull], capsys)
    assert code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not os.path.exists(os.devnull + ".json")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", f"print(len(open({str(fifo)!r}).read()))"],
                              stdout=subprocess.PIPE, text=True)
    code, _, _ = run_main(["classes", "--format", "csv", "--out", fifo], capsys)
    assert code == 0 and int(reader.communicate(timeout=60)[0]) > 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


# -- file-system errors -----------------------------------------------------------------

def _unwritable_paths():
    out = [pytest.param(["run", "quartic_n3", "--no-figures", "--out", "/proc/x"], "/proc/x",
                        id="proc")]
    out.append(pytest.param(["table", "--out", "/sys/x.md"], "/sys/x.md", id="sys"))
    out.append(pytest.param(["table", "--out", "/no/such/folder/t.md"], "/no/such/folder", id="missing"))
    return out


@pytest.mark.parametrize("argv, shown", _unwritable_paths())
def test_an_unwritable_path_is_one_sentence_naming_it(capsys, argv, shown):
    if not Path("/" + shown.split("/")[1]).exists() and shown.startswith(("/proc", "/sys")):
        pytest.skip(f"no {shown.split('/')[1]} on this system")
    code, _, err = run_main(argv, capsys)
    assert code == 2 and shown in one_error_line(err)


def test_an_os_error_anywhere_is_one_sentence(capsys, monkeypatch, tmp_path):
    def boom(*a, **k):
        raise OSError(28, "No space left on device", str(tmp_path / "r" / "run.json"))
    import importlib
    monkeypatch.setattr(importlib.import_module("gnsverify.report.run"), "run_summary", boom)
    code, _, err = run_main(["run", "quartic_n3", "--no-figures", "--out", tmp_path / "r"], capsys)
    assert code == 2 and "No space left on device" in one_error_line(err)
    assert not (tmp_path / "r").exists() and leftovers(tmp_path / "r") == []


# -- expressions ---------------------------------------------------------------------------

@pytest.mark.parametrize("expr, needle", [
    ("x**4 + 1e400*x", "not finite"),
    ("x**2 + 9**9**9", "too large"),
    ("x**(10**9)", "power larger"),
    ("x" + " + x" * 3000, "at most"),
])
def test_absurd_expressions_are_refused_before_sympy_evaluates_them(tmp_path, expr, needle):
    """In a fresh process with a time limit: the refusal must not depend on sympy
    finishing an evaluation (9**9**9 has 370 million digits)."""
    p = subprocess.run([sys.executable, "-m", "gnsverify.cli", "explore", expr, "--vars", "x",
                        "--out", str(tmp_path / "e"), "--quiet"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2 and needle in one_error_line(p.stderr), p.stderr
    assert not (tmp_path / "e").exists()


# -- interrupts --------------------------------------------------------------------------

def test_an_interrupt_wrapped_by_compiled_code_exits_130_and_keeps_the_report(tmp_path, capsys,
                                                                              monkeypatch):
    """numba reports an interrupt that arrives while compiled code returns as
    ``SystemError: ... returned a result with an exception set``."""
    import importlib
    V = importlib.import_module("gnsverify.verify")
    out = tmp_path / "rep"
    out.mkdir()
    write_marker(out)
    (out / "REPORT.md").write_text("previous")

    def interrupted(*a, **k):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as e:
            raise SystemError("CPUDispatcher(<function _search>) returned a result with an "
                              "exception set") from e
    monkeypatch.setattr(V, "campaign", interrupted)
    code, _, err = run_main(["verify", "--case", GOOD, "--out", out], capsys)
    assert code == 130 and "interrupted" in err and "Traceback" not in err
    assert (out / "REPORT.md").read_text() == "previous" and leftovers(out) == []


def _signal_masks(pid: int) -> str:
    """The blocked and ignored signal masks of process ``pid`` (Linux), for diagnostics."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "masks unavailable"
    return " ".join(l.replace("\t", "") for l in lines if l.startswith(("SigBlk", "SigIgn")))


def test_ctrl_c_during_a_real_campaign(tmp_path):
    """SIGINT to a real process once its work has started (its first progress line):
    exit 130, one line, the previous report intact."""
    out = tmp_path / "rep"
    out.mkdir()
    write_marker(out)
    (out / "REPORT.md").write_text("previous")
    # several cases of a few seconds each, made of many short compiled calls: the signal
    # arrives while the campaign is at work, and is acted on within one compiled call
    # (softmax_digits_fisher, about 20 s, starts first on a worker when there are several:
    # a worker left running after the interrupt would outlive the deadline below)
    cases = ["chebyshev_rosenbrock_gn", "softmax_wine_fisher", "logistic_breast_cancer_fisher",
             "rosenbrock_equations_gn", "cosh_l0l1_zero", "softmax_digits_fisher"]
    # a terminal's Ctrl-C: SIGINT at its default disposition in the child (a shell runs a
    # background job, such as a CI runner's, with SIGINT ignored, and an ignored signal is
    # inherited: under it the campaign rightly runs to the end)
    p = subprocess.Popen([sys.executable, "-m", "gnsverify.cli", "verify", "--no-figures", "--out",
                          str(out), *[a for c in cases for a in ("--case", c)]],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    first = p.stderr.readline()                  # the campaign has started (any case first:
    assert any(c in first for c in cases), first  # the workers take the largest first)
    time.sleep(0.5)
    masks = _signal_masks(p.pid)
    p.send_signal(signal.SIGINT)
    t_signal = time.monotonic()
    err = first + p.communicate(timeout=300)[1]
    took = time.monotonic() - t_signal
    last = " | ".join(err.strip().splitlines()[-3:])
    assert p.returncode == 130, (f"exit {p.returncode}, {time.monotonic() - t_signal:.1f} s after "
                                 f"the interrupt (child {masks}); last lines: {last}")
    assert "interrupted" in err and "Traceback" not in err
    assert (out / "REPORT.md").read_text() == "previous" and leftovers(out) == []
    # no waiting for the workers' running cases (the digits case alone takes about 20 s)
    assert took < 10, f"exit {took:.1f} s after the interrupt"
    # the worker processes (forked: the same command line) are gone too
    deadline = time.monotonic() + 10
    while _processes_with(str(out)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with(str(out)) == []


def _processes_with(text: str) -> list[int]:
    """Pids of the live processes whose command line contains ``text``."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = (d / "stat").read_text().split()[2]
            except OSError:
                continue
            if text in cmd and state != "Z":
                pids.append(int(d.name))
    return pids


# -- the fuzz test ---------------------------------------------------------------------------

_WORDS = st.sampled_from(["verify", "classes", "table", "run", "check", "explore", "--case",
                          "--class", "--param", "--format", "--out", "--eps", "--budget", "--seed",
                          "--step", "--hessian", "--max-iter", "--examples", "--vars", "--box", "--x0",
                          "--f-star", "--samples", "quartic_n3", "holder_1d_nu1", "qsc", "l0l1",
                          "first_order", "L=2", "nu=x", "Q=-1", "md", "latex", "json", "csv", "docx",
                          "1e-3,1e-6", "0", "-1", "nan", "inf", "1e400", "quick", "theory", "ideal",
                          "exact", "fisher", "x", "x,y", "-2,2", "2,1", "a.py:b", "mod:obj", "", " ",
                          "--no-figures", "--quiet", "--help"])
_EXPRESSIONS = st.one_of(
    st.sampled_from(["x**4/4", "log(1+exp(x))", "x**2 + 9**9**9", "x**4 + 1e400*x", "abs(x)",
                     "x**(10**9)", "sin(", "y**2", "__import__('os')", "x**-2000", "1/x",
                     "exp(10**5)*x", "x*" * 40 + "x", "(x", "x**2 + 1e-400", "10**400*x"]),
    st.text(alphabet="x+-*/()0123456789.e ", min_size=1, max_size=12))


@st.composite
def _argv(draw, tmp):
    if draw(st.booleans()):
        words = draw(st.lists(_WORDS, min_size=0, max_size=6))
        # a command whose work would take minutes is cut down to its parsing: usage
        # errors and file errors are what this part of the search explores
        if words and words[0] in ("verify", "check", "run", "explore"):
            words = words + ["--eps", "x"] if words[0] == "verify" else words + ["--step", "?"] \
                if words[0] == "run" else words + ["--examples", "0"] if words[0] == "check" \
                else words + ["--box", "1,0"]
    else:
        words = ["explore", draw(_EXPRESSIONS), "--vars", "x", "--samples", "3", "--budget",
                 "quick", "--no-figures", "--x0", "0.5", "--box=-1,1", "--out", "o"]
    if "--out" in words:
        i = words.index("--out")
        words[i + 1:i + 2] = [str(tmp / draw(st.sampled_from(["o", "o/p", ""])))]
    return words


@settings(deadline=None)          # example count: the hypothesis profile (ci, dev, heavy)
@given(data=st.data())
def test_fuzz_no_traceback_and_a_documented_exit_code(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("fuzz")
    argv = data.draw(_argv(tmp))
    import contextlib
    import io
    err = io.StringIO()
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp)                  # default output folders land in the scratch folder
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = cli.main(argv)
    finally:
        os.chdir(cwd)
    text = err.getvalue()
    assert code in CODES, (argv, text)
    assert "Traceback" not in text and "internal error" not in text, (argv, text)


# -- accuracies below double precision --------------------------------------------------------

def test_an_accuracy_below_double_precision_is_warned_about(tmp_path, capsys):
    code, _, err = run_main(["verify", "--case", "quartic_n3", "--eps", "1e-3,1e-300", "--no-figures",
                             "--out", tmp_path / "r"], capsys)
    assert code == 0
    warning = [line for line in err.splitlines() if "warning" in line]
    assert len(warning) == 1 and "1e-300" in warning[0] and "double precision" in warning[0]
    code, _, err = run_main(["verify", "--case", "quartic_n3", "--eps", "1e-3", "--no-figures",
                             "--out", tmp_path / "r"], capsys)
    assert code == 0 and "warning" not in err
