"""Every script of scripts/ imports (the README and docs tell users to run them; a
renamed module once left bench_numeric.py unable to start), and the ones with a
command line answer --help."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = sorted((Path(__file__).resolve().parents[2] / "scripts").glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_script_imports(path):
    spec = importlib.util.spec_from_file_location(f"_script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)          # defines, does not run (guarded by __main__)
    assert callable(getattr(module, "main", None))


@pytest.mark.parametrize("path", [p for p in SCRIPTS if "argparse" in p.read_text()],
                         ids=lambda p: p.name)
def test_script_help(path):
    r = subprocess.run([sys.executable, str(path), "--help"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and "usage" in r.stdout.lower(), r.stderr
