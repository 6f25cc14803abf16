#!/usr/bin/env python
"""jitcy vs CPython vs hand-typed Cython on the pyperformance programs and typical user kernels.

    python benchmarks/bench_kernels.py [--quick] [--repeat N] [--only NAME,...] [--json PATH]
                                       [--keep] [--cache-dir DIR]

One run prints, per kernel: CPython time, jitcy time (``jitcy.hot`` applied to the unmodified
Python code, measured once compiled and swapped in), the hand-typed Cython ceiling's time, the
ratios and the geometric means, with the targets of issue 3 beside them. It also checks that
jitcy's result (and the ceiling's) equals CPython's. See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import importlib.util
import json
import math
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import types
import warnings

# No kernel calls BLAS (the NumPy kernels loop over elements), but OpenBLAS's worker
# threads, started when NumPy is imported, showed in perf profiles of the object kernels
# (blas_thread_server, 0.6-1.7% of the samples) on this 2-core machine: one thread, before
# NumPy is imported, for every side alike. A value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
CEILING_DIR = HERE / "ceiling"
PROGRAMS_DIR = HERE / "programs"

NUMERIC, OBJECTS, OTHER = "numeric", "object", "other"
TARGET_NUMERIC_OF_CEILING = 0.8     # jitcy speedup >= 0.8 x the ceiling's (within 1.25x)
TARGET_GEOMEAN = 20.0               # geometric mean over all kernels, x CPython
TARGET_OBJECTS = 3.0                # object-heavy kernels, x CPython
_NEUTRALIZED_ENV = ("JITCY_SYNC", "JITCY_DISABLE", "JITCY_THRESHOLD", "JITCY_TIME_LIMIT",
                    "JITCY_STRICT", "JITCY_CACHE_DIR")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# The kernels
# --------------------------------------------------------------------------------------
class Kernel:
    """One benchmark: ``entry`` in ``source`` (a file under benchmarks/), its ceiling
    ``ceiling/<ceiling>.pyx`` defining the same ``entry``, the argument factories."""

    def __init__(self, name, category, source, entry, ceiling, full, warm, label):
        self.name, self.category, self.source, self.entry = name, category, source, entry
        self.ceiling, self.full, self.warm, self.label = ceiling, full, warm, label


def _rng_floats(n, seed=0):
    import random
    r = random.Random(seed)
    return [r.uniform(-1.0, 1.0) for _ in range(n)]


def _text(words, seed=1):
    import random
    r = random.Random(seed)
    vocab = ["The", "quick", "brown", "fox,", "jumps", "over", "the", "lazy", "dog.",
             "Lorem", "ipsum", "dolor", "sit", "amet;", "42", "x1", "Py3", "data!", "and"]
    return " ".join(r.choice(vocab) for _ in range(words))


def _np():
    try:
        import numpy
        return numpy
    except ImportError:
        return None


def kernel_list(quick: bool):
    q = quick
    K = "kernels.py"
    np = _np()
    xs = _rng_floats(200_000 if q else 1_000_000)
    sm = _rng_floats(50_000 if q else 200_000)
    text = _text(50_000 if q else 200_000)
    chars = _text(40_000 if q else 150_000, seed=2)
    from kernels import make_bodies  # noqa: E402  (benchmarks/ is on sys.path)
    ks = [
        Kernel("fib", NUMERIC, K, "fib", "fib", lambda: (25 if q else 30,), lambda: (12,),
               f"fib({25 if q else 30})"),
        Kernel("int_loop", NUMERIC, K, "int_loop", "int_loop",
               lambda: (1_000_000 if q else 5_000_000,), lambda: (1000,), "int_loop"),
        Kernel("sieve", NUMERIC, K, "sieve", "sieve",
               lambda: (300_000 if q else 2_000_000,), lambda: (1000,), "sieve (list of bools)"),
        Kernel("mandelbrot", NUMERIC, K, "mandelbrot", "mandelbrot",
               lambda: (120, 90, 100) if q else (256, 192, 200), lambda: (8, 8, 20),
               "mandelbrot"),
        Kernel("mandelbrot_swap", NUMERIC, K, "mandelbrot_swap", "mandelbrot",
               lambda: (120, 90, 100) if q else (256, 192, 200), lambda: (8, 8, 20),
               "mandelbrot, tuple-assign"),
        Kernel("trapezoid_sin", NUMERIC, K, "trapezoid_sin", "trapezoid_sin",
               lambda: (0.0, 10.0, 200_000 if q else 1_000_000), lambda: (0.0, 1.0, 100),
               "trapezoid sin*exp (math)"),
        Kernel("nbody_lists", NUMERIC, K, "nbody", "nbody_lists",
               lambda: (make_bodies(), 10_000 if q else 50_000, 0.01),
               lambda: (make_bodies(), 10, 0.01), "nbody, bodies as lists"),
        Kernel("list_stats", NUMERIC, K, "list_stats", "list_stats", lambda: (xs,),
               lambda: (xs[:100],), "list of floats: stats"),
        Kernel("list_smooth", NUMERIC, K, "list_smooth", "list_smooth", lambda: (sm, 5),
               lambda: (sm[:100], 2), "list of floats: smooth"),
    ]
    if np is not None:
        a = np.random.default_rng(0).random(200_000 if q else 1_000_000)
        n = 40 if q else 70
        ma = np.random.default_rng(1).random((n, n))
        mb = np.random.default_rng(2).random((n, n))
        ks += [
            Kernel("np_sum_sq", NUMERIC, K, "np_sum_sq", "np_sum_sq", lambda: (a,),
                   lambda: (a[:100],), "numpy 1-D loop"),
            Kernel("np_matmul", NUMERIC, K, "np_matmul", "np_matmul",
                   lambda: (ma, mb, np.zeros((n, n))),
                   lambda: (ma[:4, :4].copy(), mb[:4, :4].copy(), np.zeros((4, 4))),
                   f"numpy matmul loops {n}x{n}"),
        ]
    ks += [
        Kernel("word_count", OTHER, K, "word_count", "word_count", lambda: (text,),
               lambda: (text[:500],), "str/dict: word count"),
        Kernel("char_classes", OTHER, K, "char_classes", "char_classes", lambda: (chars,),
               lambda: (chars[:500],), "str: char classes"),
    ]
    P = "programs/bm_{}.py".format
    ks += [
        Kernel("nbody", NUMERIC, P("nbody"), "run", "bm_nbody",
               lambda: (10_000 if q else 50_000,), lambda: (10,), "pyperformance nbody"),
        Kernel("spectral_norm", NUMERIC, P("spectral_norm"), "run", "bm_spectral_norm",
               lambda: (60 if q else 130,), lambda: (8,), "pyperformance spectral_norm"),
        Kernel("fannkuch", NUMERIC, P("fannkuch"), "run", "bm_fannkuch",
               lambda: (8 if q else 9,), lambda: (5,), "pyperformance fannkuch"),
        Kernel("nqueens", OTHER, P("nqueens"), "run", "bm_nqueens",
               lambda: (7 if q else 8,), lambda: (4,), "pyperformance nqueens"),
        Kernel("float", OBJECTS, P("float"), "run", "bm_float",
               lambda: (20_000 if q else 100_000,), lambda: (50,), "pyperformance float"),
        Kernel("richards", OBJECTS, P("richards"), "run", "bm_richards",
               lambda: (1 if q else 2,), lambda: (1,), "pyperformance richards"),
        Kernel("raytrace", OBJECTS, P("raytrace"), "run", "bm_raytrace",
               lambda: (40, 40) if q else (100, 100), lambda: (6, 6), "pyperformance raytrace"),
        Kernel("chaos", OBJECTS, P("chaos"), "run", "bm_chaos",
               lambda: (2_000 if q else 10_000,), lambda: (20,), "pyperformance chaos"),
    ]
    return ks


# --------------------------------------------------------------------------------------
# Loading: plain copy, jitcy copy (every function and method decorated), ceiling module
# --------------------------------------------------------------------------------------
_counter = [0]


def load_source(rel: str, tag: str):
    """A fresh module executed from benchmarks/<rel> (its own globals)."""
    _counter[0] += 1
    name = f"jitcy_bk_{tag}_{pathlib.Path(rel).stem}_{_counter[0]}"
    spec = importlib.util.spec_from_file_location(name, HERE / rel)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def module_functions(module):
    """Every Python function defined in ``module``: top level and in its classes."""
    seen, out = set(), []

    def add(f):
        if isinstance(f, (staticmethod, classmethod)):
            f = f.__func__
        if isinstance(f, types.FunctionType) and f.__module__ == module.__name__ \
                and id(f) not in seen:
            seen.add(id(f))
            out.append(f)

    for obj in list(vars(module).values()):
        if isinstance(obj, type) and obj.__module__ == module.__name__:
            for attr in vars(obj).values():
                add(attr)
        else:
            add(obj)
    return out


def build_ceilings(build_dir: pathlib.Path, names) -> dict:
    """Compile ceiling/<name>.pyx into build_dir (once; reused while the .pyx is unchanged)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    names = [n for n in names if (CEILING_DIR / f"{n}.pyx").exists()]
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    digest = {n: hashlib.sha256((CEILING_DIR / f"{n}.pyx").read_bytes()).hexdigest()
              for n in names}
    stamp = lambda n: build_dir / f"{n}.sha256"  # noqa: E731  (the .pyx the .so was built from)
    todo = [n for n in names
            if not (build_dir / (n + suffix)).exists() or not stamp(n).exists()
            or stamp(n).read_text() != digest[n]]
    if todo:
        log(f"[ceiling] compiling {len(todo)} hand-typed Cython module(s) in {build_dir} ...")
        for n in todo:
            shutil.copy2(CEILING_DIR / f"{n}.pyx", build_dir / f"{n}.pyx")
        setup = textwrap.dedent(f"""
            from setuptools import setup, Extension
            from Cython.Build import cythonize
            exts = [Extension(n, [n + ".pyx"]) for n in {todo!r}]
            setup(name="jitcy_ceilings", script_args=["build_ext", "--inplace", "-q", "-j", "2"],
                  ext_modules=cythonize(exts, quiet=True, nthreads=2))
            """)
        (build_dir / "setup_ceilings.py").write_text(setup)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "setup_ceilings.py"], cwd=build_dir,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"building the ceilings failed:\n{proc.stdout[-3000:]}\n"
                             f"{proc.stderr[-3000:]}")
        for n in todo:
            stamp(n).write_text(digest[n])
        log(f"[ceiling] built in {time.perf_counter() - t0:.1f} s")
    mods = {}
    for n in names:
        path = build_dir / (n + suffix)
        spec = importlib.util.spec_from_file_location(n, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mods[n] = mod
    return mods


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------
def same(a, b, strict=True) -> bool:
    """Exact equality, floats included; NumPy arrays element-wise with the same dtype.
    ``strict``: the types must match too (jitcy must return what CPython returns; the
    ceiling may return a float where CPython returns numpy.float64)."""
    if strict and type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, strict) for x, y in zip(a, b))
    if hasattr(a, "dtype") and hasattr(a, "shape"):
        np = _np()
        return a.dtype == b.dtype and bool(np.array_equal(a, b))
    return a == b


def time_sample(func, make_args, k: int) -> float:
    """The fastest of ``k`` timed calls (arguments built outside the timed region)."""
    best = math.inf
    for args in [make_args() for _ in range(k)]:
        t0 = time.perf_counter()
        func(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def inner_calls(seconds_per_call: float, min_calls: int, min_seconds: float) -> int:
    return max(min_calls, math.ceil(min_seconds / max(seconds_per_call, 1e-9)))


def compile_kernel(jitcy, J, kernel, rounds=3):
    """Decorate every function of the jitcy copy, run the warm-up arguments until no new
    build appears, and return (entry function, per-function stats)."""
    funcs = module_functions(J)
    for f in funcs:
        jitcy.hot(f)
    entry = getattr(J, kernel.entry)
    t0 = time.perf_counter()
    for _ in range(rounds):
        before = {f: jitcy.stats(f)["state"] for f in funcs}
        entry(*kernel.warm())
        entry(*kernel.warm())
        jitcy.wait()
        after = {f: jitcy.stats(f)["state"] for f in funcs}
        if after == before:
            break
    # Keep only what pays: right after a swap jitcy times a window of calls, compiled and
    # interpreted in random pairs. Finish every window with the small arguments, so the timed
    # calls below run what jitcy finally kept.
    from jitcy import pipeline
    for _ in range(200):
        if not any(getattr(pipeline.lookup(f), "measuring", None) is not None for f in funcs):
            break
        entry(*kernel.warm())
    jitcy.wait()
    per_func = {}
    for f in funcs:
        st = jitcy.stats(f)
        if st["state"] in ("cold", "profiling") and not st["calls"]:
            continue            # never called: not part of this kernel's run
        per_func[f.__qualname__] = {
            "state": st["state"], "reason": st["reason"], "calls": st["calls"],
            "compile_seconds": st["compile_seconds"], "fallbacks": st["fallbacks"],
            "guard_misses": st["guard_misses"]}
    return entry, funcs, per_func, time.perf_counter() - t0


def dump_generated(funcs, out_dir: pathlib.Path) -> None:
    """For each compiled function: the .pyx jitcy generated, each local's inferred type and
    the analyzer's notes (why a line stays slow). Re-runs analyze + translate as
    ``jitcy.explain`` does (debug aid: the code a build would make now, with the direct
    calls of the functions compiled by then)."""
    from jitcy import pipeline
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in funcs:
        hf = pipeline.lookup(f)
        if hf is None:
            continue
        for n, spec in enumerate(hf.specializations):
            stem = f"{f.__qualname__}" + (f"-{n}" if n else "")
            try:
                explained = pipeline.explain(hf, spec.arg_types)
                typed, pyx = explained["typed"], explained["pyx"]
                if explained["error"]:
                    raise RuntimeError(explained["error"])
            except Exception as exc:            # the dump must never stop the benchmark
                (out_dir / f"{stem}.txt").write_text(f"analyze/emit failed: {exc!r}\n")
                continue
            (out_dir / f"{stem}.pyx").write_text(pyx)
            lines = [f"{f.__qualname__} {[t.__name__ for t in spec.arg_types]}",
                     f"c_ints={typed.c_ints} return={typed.return_type}", "types:"]
            lines += [f"  {k}: {v}" for k, v in sorted(typed.types.items())]
            lines += ["notes:"] + [f"  line {ln}: {why}" for ln, why in typed.notes]
            (out_dir / f"{stem}.txt").write_text("\n".join(lines) + "\n")


def bench_one(jitcy, kernel, ceilings, repeat, quick, dump=None):
    log(f"[{kernel.name}] loading and compiling (jitcy) ...")
    P = load_source(kernel.source, "plain")
    J = load_source(kernel.source, "jit")
    C = ceilings.get(kernel.ceiling)
    pf = getattr(P, kernel.entry)
    cf = getattr(C, kernel.entry) if C is not None else None
    jf, funcs, per_func, warm_s = compile_kernel(jitcy, J, kernel)
    if dump:
        dump_generated(funcs, pathlib.Path(dump) / kernel.name)
    row = {"name": kernel.name, "label": kernel.label, "category": kernel.category,
           "warmup_seconds": warm_s, "functions": per_func}
    t0 = time.perf_counter()
    expected = pf(*kernel.full())
    one_py = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = jf(*kernel.full())
    one_jit = time.perf_counter() - t0
    row["jitcy_same"] = same(got, expected)
    if not row["jitcy_same"]:
        row["mismatch"] = f"jitcy {got!r:.300} != CPython {expected!r:.300}"
        log(f"[{kernel.name}] RESULT MISMATCH: {row['mismatch']}")
    one_c = None
    if cf is not None:
        t0 = time.perf_counter()
        ceil = cf(*kernel.full())
        one_c = time.perf_counter() - t0
        row["ceiling_same"] = same(ceil, expected, strict=False)
    min_calls, min_s = (1, 0.02) if quick else (3, 0.05)
    sides = [("cpython", pf, one_py), ("jitcy", jf, one_jit)]
    if cf is not None:
        sides.append(("ceiling", cf, one_c))
    ks = {s: inner_calls(t, min_calls, min_s) for s, f, t in sides}
    samples = {s: [] for s, _, _ in sides}
    log(f"[{kernel.name}] timing {repeat} x {ks} ...")
    for _ in range(repeat):                     # interleaved: drift hits every side alike
        for s, f, _ in sides:
            samples[s].append(time_sample(f, kernel.full, ks[s]))
    for s in samples:
        row[s] = statistics.median(samples[s])
    row["samples"] = samples
    row.setdefault("ceiling", None)
    for f in funcs:             # after timing: specializations built for the full-size call
        st = jitcy.stats(f)
        q = f.__qualname__
        if q in per_func:
            per_func[q]["specializations"] = [s["types"] for s in st["specializations"]]
            per_func[q]["fallbacks"] = st["fallbacks"]
    es = jitcy.stats(jf)
    row["entry_state"], row["entry_reason"] = es["state"], es["reason"]
    row["entry_fallbacks"], row["entry_guard_misses"] = es["fallbacks"], es["guard_misses"]
    row["compile_seconds"] = sum(v["compile_seconds"] or 0 for v in per_func.values())
    row["swapped"] = sum(1 for v in per_func.values() if v["state"] == "swapped")
    row["called"] = len(per_func)
    row["speedup"] = row["cpython"] / row["jitcy"]
    row["ceiling_speedup"] = row["cpython"] / row["ceiling"] if row["ceiling"] else None
    row["of_ceiling"] = row["ceiling"] / row["jitcy"] if row["ceiling"] else None
    row["verdict"] = verdict(row)
    return row


def run_one(jitcy, kernel, ceilings, repeat, quick, dump):
    """bench_one, but an exception (a jitcy crash, a broken ceiling) becomes an ERROR row
    instead of ending the run: the other kernels still get measured."""
    try:
        return bench_one(jitcy, kernel, ceilings, repeat, quick, dump)
    except Exception as exc:        # noqa: BLE001  (reported in the table)
        import traceback
        log(traceback.format_exc())
        return {"name": kernel.name, "label": kernel.label, "category": kernel.category,
                "error": f"{type(exc).__name__}: {exc}", "verdict": "ERROR",
                "cpython": None, "jitcy": None, "ceiling": None, "speedup": None,
                "ceiling_speedup": None, "of_ceiling": None, "jitcy_same": None,
                "functions": {}, "swapped": 0, "called": 0, "compile_seconds": 0.0,
                "entry_fallbacks": 0, "entry_guard_misses": 0}


def verdict(row):
    if not row["jitcy_same"]:
        return "WRONG"
    if row["category"] == NUMERIC and row["of_ceiling"] is not None:
        return "PASS" if row["of_ceiling"] >= TARGET_NUMERIC_OF_CEILING else "MISS"
    if row["category"] == OBJECTS:
        return "PASS" if row["speedup"] >= TARGET_OBJECTS else "MISS"
    return "-"


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------
def table(headers, rows):
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths)))
    return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells])


def x(v, d=1):
    return "n/a" if v is None else f"{v:.{d}f}x"


def s4(v):
    return "n/a" if v is None else f"{v:.4f}"


def target_of(row):
    if row["category"] == NUMERIC:
        return f">= {TARGET_NUMERIC_OF_CEILING:g} of ceil"
    if row["category"] == OBJECTS:
        return f">= {TARGET_OBJECTS:g}x CPy"
    return "-"


def render(report) -> str:
    meta, rows = report["meta"], report["rows"]
    out = [f"jitcy vs CPython vs hand-typed Cython ({'quick' if meta['quick'] else 'default'} "
           f"mode, median of {meta['repeat']} samples)",
           f"python {meta['python']} | Cython {meta['cython']} | {meta['cpus']} CPUs | load "
           f"average at start {meta['loadavg_start']}, at end {meta.get('loadavg_end')}", ""]
    body = []
    for r in rows:
        body.append([r["name"], r["category"], s4(r["cpython"]), s4(r["jitcy"]),
                     s4(r["ceiling"]), x(r["speedup"]), x(r["ceiling_speedup"]),
                     x(r["of_ceiling"], 2), target_of(r), r["verdict"],
                     {True: "yes", False: "NO", None: "-"}[r["jitcy_same"]],
                     {True: "yes", False: "no", None: "-"}[r.get("ceiling_same")],
                     f"{r['swapped']}/{r['called']}", f"{r['compile_seconds']:.1f}"])
    out.append(table(["kernel", "kind", "CPython s", "jitcy s", "ceiling s", "jitcy/CPy",
                      "ceil/CPy", "jitcy of ceil", "target", "result", "same", "ceil same",
                      "swapped", "compile s"], body))
    g_all = geomean([r["speedup"] for r in rows])
    g_num = geomean([r["speedup"] for r in rows if r["category"] == NUMERIC])
    g_obj = geomean([r["speedup"] for r in rows if r["category"] == OBJECTS])
    g_ceil = geomean([r["ceiling_speedup"] for r in rows])
    g_of = geomean([r["of_ceiling"] for r in rows if r["category"] == NUMERIC])
    out += ["", table(["geometric mean", "jitcy/CPy", "ceil/CPy", "target", "result"], [
        ["all kernels", x(g_all), x(g_ceil), f">= {TARGET_GEOMEAN:g}x CPy",
         "n/a" if g_all is None else ("PASS" if g_all >= TARGET_GEOMEAN else "MISS")],
        ["numeric kernels", x(g_num),
         x(geomean([r["ceiling_speedup"] for r in rows if r["category"] == NUMERIC])),
         f"jitcy of ceil {x(g_of, 2)} (>= {TARGET_NUMERIC_OF_CEILING:g} each)", "-"],
        ["object-heavy kernels", x(g_obj),
         x(geomean([r["ceiling_speedup"] for r in rows if r["category"] == OBJECTS])),
         f">= {TARGET_OBJECTS:g}x CPy each", "-"],
    ])]
    out += ["",
            "jitcy/CPy = CPython time / jitcy time; ceil/CPy = CPython / hand-typed Cython; "
            "jitcy of ceil = ceiling time / jitcy time",
            "(1.00x = as fast as the hand-typed version; the numeric target 0.8 = within "
            "1.25x). same = jitcy's result equals CPython's",
            "exactly; swapped = functions of the kernel that jitcy compiled and swapped in / "
            "functions the kernel called; compile s = jitcy's compile seconds for them (sum)."]
    notes = []
    for r in rows:
        if r.get("error"):
            notes.append(f"{r['name']}: ERROR {r['error'][:300]}")
        elif not r["jitcy_same"]:
            notes.append(f"{r['name']}: RESULT MISMATCH {r['mismatch']}")
        bad = {q: v for q, v in r["functions"].items() if v["state"] != "swapped"}
        for q, v in bad.items():
            notes.append(f"{r['name']}: {q} {v['state']}: {(v['reason'] or '')[:150]}")
        if r["entry_fallbacks"] or r["entry_guard_misses"]:
            notes.append(f"{r['name']}: entry fallbacks {r['entry_fallbacks']}, guard misses "
                         f"{r['entry_guard_misses']}")
    if notes:
        out += ["", "Not compiled / fell back:"] + ["  " + n for n in notes]
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, 3 samples")
    p.add_argument("--repeat", type=int, default=None, help="samples per side (default 5, "
                   "--quick 3)")
    p.add_argument("--only", help="comma-separated kernel names")
    p.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (generated .pyx)")
    p.add_argument("--dump", metavar="DIR", help="write each compiled function's .pyx, "
                   "inferred types and analyzer notes under DIR/<kernel>/")
    p.add_argument("--cache-dir", help="jitcy cache and ceiling build dir to reuse across runs "
                   "(default: a fresh temp dir)")
    args = p.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 5)
    for var in _NEUTRALIZED_ENV:
        if os.environ.pop(var, None) is not None and var != "JITCY_CACHE_DIR":
            log(f"note: ignoring {var} (the benchmark measures jitcy's defaults)")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="jitcy-bk-"))
    base = pathlib.Path(args.cache_dir).resolve() if args.cache_dir else tmp
    os.environ["JITCY_CACHE_DIR"] = str(base / "jitcy-cache")
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(REPO))     # this checkout's jitcy, not an older installed copy
    import jitcy
    from jitcy.errors import JitcyWarning
    warnings.simplefilter("ignore", JitcyWarning)
    import Cython
    started = time.perf_counter()
    try:
        kernels = kernel_list(args.quick)
        if args.only:
            want = set(args.only.split(","))
            unknown = want - {k.name for k in kernels}
            if unknown:
                p.error(f"unknown kernel(s) {sorted(unknown)}; known: "
                        f"{', '.join(k.name for k in kernels)}")
            kernels = [k for k in kernels if k.name in want]
        ceilings = build_ceilings(base / "ceiling-build",
                                  sorted({k.ceiling for k in kernels}))
        meta = {"quick": args.quick, "repeat": repeat, "python": sys.version.split()[0],
                "cython": Cython.__version__, "cpus": os.cpu_count(),
                "loadavg_start": [round(v, 2) for v in os.getloadavg()]}
        rows = [run_one(jitcy, k, ceilings, repeat, args.quick, args.dump) for k in kernels]
        meta["loadavg_end"] = [round(v, 2) for v in os.getloadavg()]
        meta["wall_seconds"] = time.perf_counter() - started
        report = {"meta": meta, "rows": rows}
        print(render(report))
        print(f"\n(total wall time {meta['wall_seconds']:.0f} s)", flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(report, f, indent=2, default=str)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
