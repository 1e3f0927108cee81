"""A monotonic clock callable from compiled (and disk-cached) code.

numba offers no clock in nopython mode. :func:`monotonic` is an intrinsic that
emits a call to the C library's ``clock_gettime(CLOCK_MONOTONIC, &ts)`` and returns
``ts.tv_sec + 1e-9 ts.tv_nsec`` seconds. The symbol is resolved by name when the
machine code is loaded, so kernels that use it are still served from the cache
(a ctypes function pointer held as a global would prevent caching).
Linux/glibc layout: ``struct timespec {int64 tv_sec; int64 tv_nsec}``,
``CLOCK_MONOTONIC = 1``.
"""
from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from numeric._jit import jit

CLOCK_MONOTONIC = 1


@intrinsic
def _clock_gettime(typingctx):
    sig = types.float64()

    def codegen(context, builder, signature, args):
        i32, i64 = ir.IntType(32), ir.IntType(64)
        timespec = ir.LiteralStructType([i64, i64])
        fnty = ir.FunctionType(i32, [i32, timespec.as_pointer()])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "clock_gettime")
        ts = cgutils.alloca_once(builder, timespec)
        builder.call(fn, [ir.Constant(i32, CLOCK_MONOTONIC), ts])
        sec = builder.load(cgutils.gep_inbounds(builder, ts, 0, 0))
        nsec = builder.load(cgutils.gep_inbounds(builder, ts, 0, 1))
        dbl = ir.DoubleType()
        fsec = builder.sitofp(sec, dbl)
        fnsec = builder.sitofp(nsec, dbl)
        return builder.fadd(fsec, builder.fmul(fnsec, ir.Constant(dbl, 1e-9)))

    return sig, codegen


@jit
def monotonic():
    """Seconds on the monotonic clock (same clock as ``time.monotonic`` on Linux)."""
    return _clock_gettime()
