"""Benchmark of the interval engine behind the certified constants (docs/theory.md 6).

Compares, in one process and interleaved, the engine in use (``mpmath.iv``
arithmetic with Arb end-point balls for ``exp log sqrt`` and non-integer powers:
the **endpoint enclosure**) against the engine it replaced (``mpmath.iv``'s own
``exp log sqrt`` and powers, each widened by the rounding guard), on branch and
bound for suprema of the kind the certified constants need (third and fourth
derivatives, the quasi-self-concordance ratio) at a tight enclosure gap. Reports,
per quantity, the median wall time of ``--repeat`` samples for each engine, their
ratio, both certified upper ends and the boxes used.

    python scripts/bench_interval.py            # readable table
    python scripts/bench_interval.py --json     # one JSON object
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from types import SimpleNamespace

import sympy as sp
from mpmath import iv

import theory.interval as interval

x = sp.Symbol("x", real=True)
_lse = sp.log(1 + sp.exp(x))
CASES = [  # (name, quantity q whose supremum is certified, box)
    ("|d3| log(1+exp(x))", sp.Abs(sp.diff(_lse, x, 3)), (-6.0, 6.0)),
    ("|d3|/d2 log(1+exp(x))", sp.Abs(sp.diff(_lse, x, 3) / sp.diff(_lse, x, 2)), (-6.0, 6.0)),
    ("|d3| (1+x^2)^(3/4)", sp.Abs(sp.diff((1 + x**2) ** sp.Rational(3, 4), x, 3)), (-3.0, 3.0)),
    ("|d4| sqrt(1+x^2)", sp.Abs(sp.diff(sp.sqrt(1 + x**2), x, 4)), (-3.0, 3.0)),
    ("|d3| x log x + exp(-x)", sp.Abs(sp.diff(x * sp.log(x) + sp.exp(-x), x, 3)), (0.5, 3.0)),
]


def _guarded(fn):
    return lambda *X: fn(*X) * interval._WIDEN


GUARDED_MPMATH = SimpleNamespace(**{
    **vars(interval._IV_NAMESPACE),
    "exp": _guarded(iv.exp), "log": _guarded(iv.log), "sqrt": _guarded(iv.sqrt),
    "power": _guarded(lambda X, Y: X ** Y),
})
ENGINES = {"arb": interval._IV_NAMESPACE, "mpmath": GUARDED_MPMATH}


def run(engine, q, box, rtol):
    """Certify ``sup_box q`` with ``engine``'s elementary functions."""
    saved = interval._IV_NAMESPACE
    interval._IV_NAMESPACE = engine
    try:
        t = time.perf_counter()
        r = interval.certified_max(q, [x], [box], rtol=rtol, max_boxes=20000)
        return time.perf_counter() - t, r
    finally:
        interval._IV_NAMESPACE = saved


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rtol", type=float, default=1e-9, help="the enclosure gap to reach")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = []
    for name, q, box in CASES:
        times = {e: [] for e in ENGINES}
        res = {}
        for _ in range(args.repeat):
            for e, ns in ENGINES.items():
                dt, res[e] = run(ns, q, box, args.rtol)
                times[e].append(dt)
        med = {e: statistics.median(v) for e, v in times.items()}
        rows.append({"quantity": name, "box": list(box),
                     **{f"{e}_s": med[e] for e in ENGINES}, "ratio": med["mpmath"] / med["arb"],
                     **{f"{e}_upper": res[e].upper for e in ENGINES},
                     **{f"{e}_boxes": res[e].boxes for e in ENGINES},
                     **{f"{e}_status": res[e].status for e in ENGINES}})
    out = {"rows": rows, "load": os.getloadavg()[0], "repeat": args.repeat, "rtol": args.rtol}
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print(f"load {out['load']:.2f}, median of {args.repeat}, enclosure gap rtol {args.rtol:g}")
        print(f"{'sup of':24s} {'arb s':>7s} {'mpmath s':>8s} {'ratio':>6s}  upper (arb / mpmath), boxes")
        for r in rows:
            print(f"{r['quantity']:24s} {r['arb_s']:7.3f} {r['mpmath_s']:8.3f} {r['ratio']:6.2f}  "
                  f"{r['arb_upper']:.12g} / {r['mpmath_upper']:.12g}, {r['arb_boxes']} / {r['mpmath_boxes']}")
    return out


if __name__ == "__main__":
    main()
