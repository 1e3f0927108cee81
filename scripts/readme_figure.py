"""Regenerate the README's figure, docs/figures/logistic_breast_cancer_fisher.png.

Runs ``gnsverify verify --case logistic_breast_cancer_fisher`` (default budget, seed 0)
into a temporary folder and copies that case's convergence figure over the README's.

    python scripts/readme_figure.py
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

CASE = "logistic_breast_cancer_fisher"
TARGET = Path(__file__).resolve().parents[1] / "docs" / "figures" / f"{CASE}.png"


def main() -> int:
    from gnsverify import cli
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        code = cli.main(["verify", "--case", CASE, "--out", str(out), "--quiet"])
        if code not in (0, 1):
            return code
        shutil.copyfile(out / "figures" / f"{CASE}.png", TARGET)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
