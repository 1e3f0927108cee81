"""Atomic output: a results folder (or file) appears complete or not at all.

Work is written into a hidden temporary sibling of the target (same parent, so the
final ``rename`` is atomic on one file system). On success the sibling is renamed
onto the target; an existing target folder is replaced only at that moment. On any
exception, ``KeyboardInterrupt`` included, the temporary sibling is removed and the
previous target (if any) is left untouched.

    with atomic_dir("report") as tmp:
        (tmp / "REPORT.md").write_text(...)
    # now report/ holds exactly what was written into tmp
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_TMP_TAG = ".tmp-"
_OLD_TAG = ".old-"


class OutputError(ValueError):
    """The output location cannot be used (one sentence naming it)."""


def check_target_dir(path) -> Path:
    """Validate an output folder *before* any work starts.

    The folder may exist (it will be replaced) but must not be a file, and its
    parent must be creatable.
    """
    target = Path(path)
    if str(path).strip() == "":
        raise OutputError("the output folder name is empty.")
    if target.exists() and not target.is_dir():
        raise OutputError(f"output folder {str(path)!r} exists and is not a folder.")
    parent = target.absolute().parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"the parent of output folder {str(path)!r} is not a folder.")
    return target


def check_target_file(path) -> Path:
    """Validate an output file path before any work starts."""
    target = Path(path)
    if str(path).strip() == "":
        raise OutputError("the output file name is empty.")
    if target.exists() and target.is_dir():
        raise OutputError(f"output file {str(path)!r} is a folder.")
    return target


@contextmanager
def atomic_dir(path) -> Iterator[Path]:
    """Yield a fresh temporary folder that becomes ``path`` when the block succeeds."""
    target = check_target_dir(path).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}{_TMP_TAG}", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _replace_dir(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}{_OLD_TAG}", dir=target.parent))
    os.rmdir(old)                      # only the unique name is wanted
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(old, target)         # put the previous results back
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_file(path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator:
    """Open a temporary sibling for writing; it replaces ``path`` when the block succeeds."""
    target = check_target_file(path).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}{_TMP_TAG}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        kwargs = {} if "b" in mode else {"encoding": encoding}
        with open(tmp, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def leftovers(path) -> list[Path]:
    """Temporary siblings of ``path`` left behind (empty after any clean exit)."""
    target = Path(path).absolute()
    if not target.parent.exists():
        return []
    prefixes = (f".{target.name}{_TMP_TAG}", f".{target.name}{_OLD_TAG}")
    return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefixes))
