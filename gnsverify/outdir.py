"""Safe output: a results folder (or file) appears complete or not at all, and nothing
gnsverify did not write is ever removed.

**Folders.** Work is written into a hidden temporary sibling of the target (same
parent, so the final ``rename`` is atomic on one file system). On success the sibling
is renamed onto the target. An existing target is replaced only when it is empty or
holds the marker file :data:`MARKER` that gnsverify writes into every folder it
creates; a folder holding anything else is refused *before any work starts*
(:class:`OutputError`, one sentence, nothing touched). The current folder and its
parents are refused too (they cannot be renamed away from under the shell). On any
exception, ``KeyboardInterrupt`` included, the temporary sibling is removed and the
previous target (if any) is left untouched.

    with atomic_dir("report") as tmp:
        (tmp / "REPORT.md").write_text(...)
    # now report/ holds exactly what was written into tmp (and the marker)

**Files.** :func:`atomic_file` writes a regular file through a temporary sibling and
``os.replace``; a special file (``/dev/null``, a FIFO, a terminal) is written in place,
never replaced; a folder is refused. Whether an existing file was replaced is
reported beforehand by :func:`will_replace`, so the command can say so.

**Permissions** follow the user's umask, as for any other tool (the temporary
folder and file would otherwise be created with mode 0700 / 0600); a replaced file
keeps its mode.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_TMP_TAG = ".tmp-"
_OLD_TAG = ".old-"
#: the file that marks a folder as written by gnsverify (and so replaceable by it)
MARKER = ".gnsverify"


class OutputError(ValueError):
    """The output location cannot be used (one sentence naming it)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _describe(path) -> str:
    return repr(str(path))


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` is empty or carries gnsverify's marker file."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return False
    return not entries or (folder / MARKER).is_file()


def check_target_dir(path) -> Path:
    """Validate an output folder *before* any work starts (see the module docstring).

    Refuses: an empty name, an existing non-folder, a symbolic link, the current
    folder or one of its parents, a folder holding files gnsverify did not write, and
    a parent that is not a folder or not writable.
    """
    if str(path).strip() == "":
        raise OutputError("the output folder name is empty.")
    target = Path(path)
    shown = _describe(path)
    if target.is_symlink():
        raise OutputError(f"output folder {shown} is a symbolic link; name the folder itself.")
    if target.exists() and not target.is_dir():
        raise OutputError(f"output folder {shown} exists and is not a folder.")
    absolute = Path(os.path.abspath(target))
    cwd = Path(os.path.abspath(os.getcwd()))
    if absolute == cwd or absolute in cwd.parents:
        raise OutputError(f"output folder {shown} is the current folder or one of its parents; "
                          "name a folder below it.")
    if target.exists() and not is_ours(target):
        raise OutputError(f"output folder {shown} holds files gnsverify did not write (it has no "
                          f"{MARKER} marker); name a new or empty folder, or a previous gnsverify "
                          "output folder.")
    parent = absolute.parent
    existing = parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"the parent of output folder {shown} is not a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write output folder {shown}: permission denied in {str(existing)!r}.")
    return target


def check_target_file(path) -> Path:
    """Validate an output file path before any work starts."""
    if str(path).strip() == "":
        raise OutputError("the output file name is empty.")
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"output file {_describe(path)} is a folder.")
    parent = Path(os.path.abspath(target)).parent
    if not parent.is_dir():
        raise OutputError(f"cannot write output file {_describe(path)}: its folder "
                          f"{str(parent)!r} does not exist.")
    if not _special(target) and not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write output file {_describe(path)}: permission denied in "
                          f"{str(parent)!r}.")
    return target


def _special(path: Path) -> bool:
    """An existing file that is neither a regular file nor a folder (device, FIFO, ...)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_marker(folder: Path, **info) -> None:
    """Write :data:`MARKER` into ``folder`` (what wrote it, as JSON)."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        ver = version("gnsverify")
    except PackageNotFoundError:       # pragma: no cover - running from a bare checkout
        ver = "unknown"
    (folder / MARKER).write_text(json.dumps({"written_by": "gnsverify", "version": ver, **info})
                                 + "\n", encoding="utf-8")


@contextmanager
def atomic_dir(path, **marker_info) -> Iterator[Path]:
    """Yield a fresh temporary folder that becomes ``path`` when the block succeeds.

    The folder receives the marker file; ``marker_info`` (e.g. ``command="verify"``) is
    recorded in it.
    """
    target = Path(os.path.abspath(check_target_dir(path)))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}{_TMP_TAG}", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write output folder {_describe(path)}: "
                          f"{exc.strerror or exc}.") from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        write_marker(tmp, **marker_info)
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def will_replace(path) -> bool:
    """Whether writing ``path`` replaces something: a non-empty folder (gnsverify's: any
    other is refused) or an existing regular file."""
    p = Path(path)
    if p.is_dir() and not p.is_symlink():
        try:
            return any(os.scandir(p))
        except OSError:
            return False
    return p.is_file()


def _replace_dir(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` onto ``target``. The earlier folder is checked once more (it may
    have changed since the work started): one that is no longer empty or marked is
    left alone and refused."""
    if not target.exists():
        os.rename(tmp, target)
        return
    if target.is_symlink() or not target.is_dir() or not is_ours(target):
        raise OutputError(f"output folder {_describe(target)} changed while gnsverify was working "
                          "and now holds files it did not write; nothing was replaced.")
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
    """Open ``path`` for writing: a regular file through a temporary sibling that
    replaces it when the block succeeds, a special file (device, FIFO) in place."""
    target = check_target_file(path)
    kwargs = {} if "b" in mode else {"encoding": encoding}
    if _special(target):
        with open(target, mode, **kwargs) as fh:
            yield fh
        return
    target = Path(os.path.abspath(target))
    existed = target.exists()
    file_mode = stat.S_IMODE(os.stat(target).st_mode) if existed else 0o666 & ~_umask()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}{_TMP_TAG}", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write output file {_describe(path)}: "
                          f"{exc.strerror or exc}.") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, file_mode)
        with open(tmp, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def leftovers(path) -> list[Path]:
    """Temporary siblings of ``path`` left behind (empty after any clean exit)."""
    target = Path(os.path.abspath(path))
    if not target.parent.exists():
        return []
    prefixes = (f".{target.name}{_TMP_TAG}", f".{target.name}{_OLD_TAG}")
    return sorted(p for p in target.parent.iterdir() if p.name.startswith(prefixes))
