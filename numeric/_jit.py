"""The one place where numba options are set.

Every compiled kernel of the numeric layer is decorated with :func:`jit`.
``fastmath`` is never enabled: the checker compares inequalities such as
``f(x) - f(x+h) >= ||g(x+h)||^2 / (8 lambda)`` to the last bit that matters, and
fast-math reassociation would change which side wins near equality.
``cache=True`` stores machine code on disk so that a new process does not compile
again. A compiled call boundary costs two atomic reference-count operations per
array argument, so the solver's inner loop calls inlined copies of its helpers
(:func:`inlined`; a few tiny leaf helpers are declared ``jit(inline="always")``
outright), and :func:`borrow` (below) removes the counts for arrays that outlive a
kernel. Kernels take arrays and scalars only (never compiled functions as
arguments): numba cannot cache a kernel that receives a dispatcher.

Cache freshness: numba stamps a cached kernel with its own source file only, but a
kernel links in everything it calls (the oracle dispatch links every problem
module). A cached solver would keep stale oracles after a problem module is
edited. The locators below stamp every kernel of this package with all of the
package's sources, so any edit anywhere in ``numeric/`` invalidates the cache.
"""
from __future__ import annotations

import hashlib
import os
import time
import warnings
from functools import lru_cache

import numba
import numba.extending
from numba.core import caching
from numba.core import event as _event

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


@lru_cache(maxsize=1)
def _package_stamp() -> str:
    """Digest of (path, mtime, size) of every ``.py`` file of the package."""
    h = hashlib.sha256()
    for root, _dirs, files in sorted(os.walk(_PACKAGE_DIR)):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(root, name)
                st = os.stat(path)
                h.update(f"{os.path.relpath(path, _PACKAGE_DIR)}:{st.st_mtime_ns}:{st.st_size};".encode())
    return h.hexdigest()


def _package_locator(base):
    class Locator(base):
        @classmethod
        def from_function(cls, py_func, py_file):
            if not os.path.abspath(py_file).startswith(_PACKAGE_DIR + os.sep):
                return None
            return super().from_function(py_func, py_file)

        def get_source_stamp(self):
            return _package_stamp()

    Locator.__name__ = Locator.__qualname__ = f"Package{base.__name__}"
    return Locator


#: numba versions whose private caching layout the locators were written against
LOCATOR_NUMBA_VERSIONS = ((0, 60), (0, 68))


def _version(text: str) -> tuple[int, int]:
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts + [0] * (2 - len(parts)))


def _install_locators(module=caching, version: str = numba.__version__) -> bool:
    """Put the package locators in front of numba's (module docstring). Returns whether
    they are installed. The hook is numba's private ``CacheImpl._locator_classes``: on a
    numba version outside :data:`LOCATOR_NUMBA_VERSIONS`, or when that attribute is not
    a list, nothing is patched and kernels are cached by numba's own rule (stamped with
    their own file only; a warning says so: after editing one module of ``numeric``,
    clear ``__pycache__``)."""
    lo, hi = LOCATOR_NUMBA_VERSIONS
    impl = getattr(module, "CacheImpl", None)
    names = ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator")
    usable = (lo <= _version(version) <= hi and impl is not None
              and isinstance(getattr(impl, "_locator_classes", None), list)
              and all(hasattr(module, n) for n in names))
    if not usable:
        warnings.warn(f"numba {version}: numeric's cache locators are not installed (tested with "
                      f"numba {lo[0]}.{lo[1]} to {hi[0]}.{hi[1]}); a kernel's disk cache is stamped "
                      "with its own file only.", RuntimeWarning, stacklevel=2)
        return False
    if getattr(impl, "_gnsverify_locators", False):
        return True
    impl._locator_classes = [*(_package_locator(getattr(module, n)) for n in names),
                             *impl._locator_classes]
    impl._gnsverify_locators = True
    return True


LOCATORS_INSTALLED = _install_locators()

# The user-callables problem calls back into Python (object mode) from the same
# dispatch the compiled kernels use; numba notes once per kernel that such code holds
# the GIL despite ``nogil=True``. That is the documented price of that one problem kind.
warnings.filterwarnings("ignore", message="Code running in object mode won't allow parallel",
                        category=numba.NumbaWarning)

JIT_OPTIONS = dict(cache=True, fastmath=False, nogil=True, error_model="numpy")


class _CompileClock(_event.Listener):
    """Seconds this process has spent compiling: the outermost ``numba:compile`` events
    (a kernel compiled while its caller compiles is counted once, inside the caller's
    time). Loading a kernel from the disk cache is not a compile event. numba compiles
    under one global lock, so the events of a process nest."""

    def __init__(self):
        self.depth, self.total, self.t = 0, 0.0, 0.0

    def on_start(self, event):
        if self.depth == 0:
            self.t = time.perf_counter()
        self.depth += 1

    def on_end(self, event):
        self.depth -= 1
        if self.depth == 0:
            self.total += time.perf_counter() - self.t


_COMPILE_CLOCK = _CompileClock()
_event.register("numba:compile", _COMPILE_CLOCK)


def compile_seconds() -> float:
    """Cumulative seconds this process has spent in numba compilation (read it before
    and after a piece of work: the difference is that work's compile time; a forked
    worker starts from its parent's reading)."""
    return _COMPILE_CLOCK.total


def jit(func=None, **overrides):
    """``numba.njit`` with the project's options (overrides only for good reason)."""
    options = {**JIT_OPTIONS, **overrides}
    if func is None:
        return lambda f: numba.njit(**options)(f)
    return numba.njit(**options)(func)


# --- borrowed views -------------------------------------------------------------
# Every array that crosses a compiled call boundary costs numba two atomic reference
# count operations (``lock inc``/``lock dec`` on its memory-info block), and the
# problem data is a tuple of five arrays handed down several calls per oracle
# evaluation. On the 2-D Rosenbrock problem these atomics were over half of the
# solver's time. A *borrowed* view is the same array (same data pointer, shape and
# strides) without a memory-info block: numba skips reference counting for it.
# It is safe exactly when the owner outlives every use of the view, which holds for
# the arguments of a compiled kernel (the caller holds them for the whole call) as
# long as the view is never returned to Python.

@numba.extending.intrinsic
def borrow(typingctx, arr):
    """A view of the array ``arr`` that numba does not reference-count (see above).
    Only for arrays that outlive the kernel using the view; never return it."""
    if not isinstance(arr, numba.types.Array):
        return None

    def codegen(context, builder, signature, args):
        src = context.make_array(arr)(context, builder, value=args[0])
        view = context.make_array(arr)(context, builder)
        view.meminfo = context.get_constant_null(numba.types.MemInfoPointer(numba.types.voidptr))
        view.parent = context.get_constant_null(numba.types.pyobject)
        for name in ("nitems", "itemsize", "data", "shape", "strides"):
            setattr(view, name, getattr(src, name))
        return view._getvalue()

    return arr(arr), codegen


def inlined(dispatcher):
    """A copy of the compiled function ``dispatcher`` that numba inlines into the IR of
    its callers (no call boundary, hence no reference counts on the arguments). For
    the solver's inner loop only: every inlined call site is typed and compiled anew,
    so inlining a function everywhere it is used costs compile time."""
    return jit(inline="always")(dispatcher.py_func)


@jit
def borrow_all(arrays):
    """:func:`borrow` applied to each array of the problem-data tuple ``(A, b, c, ip, fp)``."""
    return (borrow(arrays[0]), borrow(arrays[1]), borrow(arrays[2]), borrow(arrays[3]),
            borrow(arrays[4]))
