"""Progress on stderr for long work: a status line on a terminal, plain lines elsewhere
(CI logs, ``| tee``), nothing with ``quiet``.

A :class:`Progress` is a callable, so it can be handed to the pipelines as their
``progress=`` argument. It accepts the usual call shapes:

    progress("compiling")                 # a stage message
    progress(3, 10)                       # done, total
    progress(3, 10, "case quadratic")     # done, total, label
    progress(done=3, total=10, label="...")
    progress({"case": "quadratic", "stage": "theory run", "done": 0, "total": 5,
              "index": 2, "n_cases": 12})  # a pipeline event (gnsverify.verify)

On a terminal, messages overwrite one status line (carriage return) and the line is
cleared by :meth:`close` (also on leaving a ``with`` block). Off a terminal every
message becomes a line of its own, except the stages inside one case of a pipeline
event (a campaign prints one line per case, not one per stage).
"""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, *, quiet: bool = False, stream=None, enabled: bool | None = None,
                 prefix: str = "gnsverify"):
        self.stream = sys.stderr if stream is None else stream
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.enabled = (True if enabled is None else bool(enabled)) and not quiet
        self.prefix = prefix
        self.start = time.perf_counter()
        self._width = 0
        self._case = None         # (index, case) of the last pipeline event shown as a line
        self.last = ""            # the last message (kept even when disabled; handy in tests)

    # -- formatting ---------------------------------------------------------
    @staticmethod
    def format(done=None, total=None, label: str = "") -> str:
        parts = []
        if done is not None and total:
            parts.append(f"[{int(done)}/{int(total)}]")
        elif done is not None:
            parts.append(f"[{int(done)}]")
        if label:
            parts.append(str(label))
        return " ".join(parts)

    @staticmethod
    def format_event(ev: dict) -> str:
        """A pipeline event ``{"case", "stage", "done", "total", "index", "n_cases"}``."""
        parts = []
        if ev.get("n_cases"):
            parts.append(f"[{int(ev.get('index', 0)) + 1}/{int(ev['n_cases'])}]")
        if ev.get("case"):
            parts.append(f"{ev['case']}:")
        if ev.get("stage"):
            parts.append(str(ev["stage"]))
        if ev.get("total"):
            parts.append(f"({int(ev.get('done', 0))}/{int(ev['total'])})")
        return " ".join(parts)

    def __call__(self, *args, done=None, total=None, label: str = "", **_ignored) -> None:
        if args and isinstance(args[0], dict):
            ev = args[0]
            key = (ev.get("index"), ev.get("case"))
            if not self.tty and key == self._case:
                self.last = self.format_event(ev)      # same case: no new line
                return
            self._case = key
            self.update(self.format_event(ev))
            return
        if args and isinstance(args[0], str):
            label = args[0]
            rest = args[1:]
        else:
            rest = args
        if len(rest) >= 1 and done is None:
            done = rest[0]
        if len(rest) >= 2 and total is None:
            total = rest[1]
        if len(rest) >= 3 and not label:
            label = str(rest[2])
        self.update(self.format(done, total, label))

    def update(self, message: str) -> None:
        elapsed = time.perf_counter() - self.start
        self.last = message
        if not self.enabled:
            return
        line = f"{self.prefix}: {message} ({elapsed:.0f} s)"
        if not self.tty:
            self.stream.write(line + "\n")
            self.stream.flush()
            return
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self.enabled and self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
        self._width = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
