#!/usr/bin/env python
"""jitcy benchmarks: kernel speedups, compile latency, cache-hit load time, per-call overhead.

    python benchmarks/bench.py [--quick] [--repeat N] [--json PATH] [--keep]

Every figure comes from this one run. The tables are printed at the end; progress goes to
stderr. See benchmarks/README.md for what each table measures and the targets.

Tables 1 and 4 run in this process, on a private temporary JITCY_CACHE_DIR. Tables 2 and 3
start fresh interpreters (this script with ``--child ...``), each with its own cache dir.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

HERE = pathlib.Path(__file__).resolve().parent
KERNELS_FILE = HERE / "kernels.py"
REPO = HERE.parent

#: jitcy settings that would change what is measured; removed from our environment and
#: from every child's (the benchmarks measure the defaults: background builds, 2 calls).
_NEUTRALIZED_ENV = ("JITCY_SYNC", "JITCY_DISABLE", "JITCY_THRESHOLD", "JITCY_TIME_LIMIT",
                    "JITCY_STRICT", "JITCY_CACHE_DIR")

_extra_pythonpath: list = []


def import_jitcy():
    """Import the jitcy of this checkout, installed or not: an older copy installed in
    site-packages would otherwise be what gets measured (it was, once)."""
    sys.path.insert(0, str(REPO))
    _extra_pythonpath.append(str(REPO))
    import jitcy
    return jitcy


def load_kernels(module_name: str):
    """A fresh module object executed from kernels.py (its own globals)."""
    spec = importlib.util.spec_from_file_location(module_name, KERNELS_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------------------
SIZES = {
    "default": dict(fib=30, int_loop=5_000_000, mandelbrot=(256, 192, 200), nbody=50_000,
                    repeat=7, latency_runs=3, cache_runs=7, timeit_number=1_000_000,
                    latency_kernels=("int_loop", "mandelbrot", "nbody")),
    "quick": dict(fib=25, int_loop=2_000_000, mandelbrot=(160, 120, 100), nbody=20_000,
                  repeat=3, latency_runs=3, cache_runs=5, timeit_number=200_000,
                  latency_kernels=("mandelbrot",)),
}
PREWARM_SLEEP = 3.0        # seconds between decorating and the hot trigger, "prewarmed" case
INNER_MIN_CALLS = 3        # a kernel sample is the fastest of at least this many calls ...
INNER_MIN_SECONDS = 0.05   # ... and of enough calls to last about this long


def inner_calls(seconds_per_call: float) -> int:
    return max(INNER_MIN_CALLS, math.ceil(INNER_MIN_SECONDS / max(seconds_per_call, 1e-9)))


def kernel_specs(K, size):
    """name -> (arguments factory for the timed call, small arguments for the warm-up calls,
    target speedup or None, label)."""
    w, h, it = size["mandelbrot"]
    return {
        "fib": (lambda: (size["fib"],), lambda: (12,), 10.0,
                f"fib({size['fib']})"),
        "int_loop": (lambda: (size["int_loop"],), lambda: (1000,), 10.0,
                     f"int_loop({size['int_loop']:_})"),
        "mandelbrot": (lambda: (w, h, it), lambda: (8, 8, 20), 10.0,
                       f"mandelbrot({w}x{h}, {it} iter)"),
        "mandelbrot_swap": (lambda: (w, h, it), lambda: (8, 8, 20), None,
                            "mandelbrot, tuple-assign update"),
        "nbody": (lambda: (K.make_bodies(), size["nbody"], 0.01),
                  lambda: (K.make_bodies(), 10, 0.01), None,
                  f"nbody(5 bodies, {size['nbody']:_} steps)"),
    }


#: Tiny arguments for the latency and cache children (the trigger call must cost ~nothing).
def small_args(K, name):
    return {
        "int_loop": lambda: (10,),
        "mandelbrot": lambda: (2, 2, 5),
        "mandelbrot_swap": lambda: (2, 2, 5),
        "nbody": lambda: (K.make_bodies(), 1, 0.01),
    }[name]


# --------------------------------------------------------------------------------------
# Table 1: kernels
# --------------------------------------------------------------------------------------
def time_sample(func, make_args, k: int) -> float:
    """One sample: the fastest of ``k`` timed calls, in seconds (arguments built outside the
    timed region). The minimum drops calls that another process interrupted."""
    best = math.inf
    for args in [make_args() for _ in range(k)]:
        t0 = time.perf_counter()
        func(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def make_swapped(jitcy, func, warm_args, threshold=2) -> dict:
    """Decorate ``func``, make it hot, wait until the build is swapped in; return its stats."""
    jitcy.hot(func, threshold=threshold)
    for _ in range(threshold):
        func(*warm_args())
    jitcy.wait()
    return jitcy.stats(func)


def bench_kernels(jitcy, J, P, size, repeat):
    rows = []
    for name, (full, warm, target, label) in kernel_specs(J, size).items():
        jf, pf = getattr(J, name), getattr(P, name)
        log(f"[kernels] {label}: compiling ...")
        st = make_swapped(jitcy, jf, warm)
        row = {"kernel": label, "name": name, "target": target, "state": st["state"],
               "reason": st["reason"], "compile_seconds": st["compile_seconds"]}
        t0 = time.perf_counter()
        expected = pf(*full())
        t_one_py = time.perf_counter() - t0
        t0 = time.perf_counter()
        got = jf(*full())
        t_one_jit = time.perf_counter() - t0
        row["results_equal"] = got == expected
        if st["state"] != "swapped" or not row["results_equal"]:
            row.update(cpython=None, jitcy=None, ratio=None, verdict="MISS")
            if not row["results_equal"]:
                row["reason"] = f"results differ: jitcy {got!r} != CPython {expected!r}"
            log(f"[kernels] {label}: NOT measured ({row['reason']})")
            rows.append(row)
            continue
        k_py = inner_calls(t_one_py)
        k_jit = inner_calls(t_one_jit)
        py, jit = [], []
        log(f"[kernels] {label}: timing {repeat} x (CPython x{k_py}, jitcy x{k_jit}) ...")
        for _ in range(repeat):            # interleaved, so drift hits both sides alike
            py.append(time_sample(pf, full, k_py))
            jit.append(time_sample(jf, full, k_jit))
        st_after = jitcy.stats(jf)
        med_py, med_jit = statistics.median(py), statistics.median(jit)
        ratio = med_py / med_jit
        row.update(cpython=med_py, jitcy=med_jit, ratio=ratio,
                   cpython_samples=py, jitcy_samples=jit, inner_calls=[k_py, k_jit],
                   guard_misses=st_after["guard_misses"], fallbacks=st_after["fallbacks"],
                   verdict="-" if target is None else ("PASS" if ratio >= target else "MISS"))
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------
# Table 4: per-call overhead
# --------------------------------------------------------------------------------------
def bench_overhead(jitcy, J, P, size, repeat):
    from jitcy import pipeline

    log("[overhead] profiling phase and trampoline ...")
    number = size["timeit_number"]
    # (a) the profiling trampoline + probe, kept in the profiling state for good
    profiled = J.ident
    jitcy.hot(profiled, threshold=10**12, time_limit=1e9)
    profiled(1)
    assert jitcy.stats(profiled)["state"] == "profiling"
    # (b) a swapped tiny pure function and its bare compiled entry
    st = make_swapped(jitcy, J.inc, lambda: (1,))
    if st["state"] != "swapped":
        raise SystemExit(f"inc was not compiled: {st}")
    hf = pipeline.lookup(J.inc)
    entry, binding = hf.primary.entry, hf.primary.binding

    x = 7
    assert J.inc(x) == entry(binding, x) == P.inc(x) == 8 and profiled(x) == P.ident(x) == x
    timers = {
        "plain_ident": timeit.Timer("f(x)", globals={"f": P.ident, "x": x}),
        "profiled_ident": timeit.Timer("f(x)", globals={"f": profiled, "x": x}),
        "plain_inc": timeit.Timer("f(x)", globals={"f": P.inc, "x": x}),
        "entry_inc": timeit.Timer("e(b, x)", globals={"e": entry, "b": binding, "x": x}),
        "swapped_inc": timeit.Timer("f(x)", globals={"f": J.inc, "x": x}),
    }
    samples = {k: [] for k in timers}
    for _ in range(repeat):                       # interleaved repeats
        for key, timer in timers.items():
            samples[key].append(timer.timeit(number) / number * 1e9)
    med = {k: statistics.median(v) for k, v in samples.items()}
    still = jitcy.stats(profiled)["state"]
    assert still == "profiling", f"ident left the profiling state: {still}"
    assert jitcy.stats(J.inc)["state"] == "swapped"
    assert jitcy.stats(J.inc)["guard_misses"] == 0

    tramp = med["swapped_inc"] - med["entry_inc"]
    rows = [
        {"what": "(a) profiling: def ident(x): return x",
         "measured": "@hot, still profiling", "ns": med["profiled_ident"],
         "baseline": "plain CPython", "baseline_ns": med["plain_ident"],
         "delta_ns": med["profiled_ident"] - med["plain_ident"], "target": None,
         "verdict": "-"},
        {"what": "(b) swapped: def inc(x): return x + 1",
         "measured": "f(x) via trampoline", "ns": med["swapped_inc"],
         "baseline": "entry(binding, x)", "baseline_ns": med["entry_inc"],
         "delta_ns": tramp, "target": 30.0, "verdict": "PASS" if tramp < 30.0 else "MISS"},
        {"what": "(b) swapped: def inc(x): return x + 1",
         "measured": "f(x) via trampoline", "ns": med["swapped_inc"],
         "baseline": "plain CPython", "baseline_ns": med["plain_inc"],
         "delta_ns": med["swapped_inc"] - med["plain_inc"], "target": None, "verdict": "-"},
    ]
    return {"rows": rows, "samples_ns": samples, "timeit_number": number}


# --------------------------------------------------------------------------------------
# Children (fresh interpreters) for tables 2 and 3
# --------------------------------------------------------------------------------------
def child_main(argv):
    """``--child latency|cachehit KERNEL [--sleep S]``: one hot -> swapped measurement,
    printed as one JSON line. JITCY_CACHE_DIR is set by the parent."""
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=("latency", "cachehit"))
    p.add_argument("kernel")
    p.add_argument("--sleep", type=float, default=0.0)
    a = p.parse_args(argv)
    jitcy = import_jitcy()
    K = load_kernels("jitcy_bench_kernels")
    f = getattr(K, a.kernel)
    args = small_args(K, a.kernel)
    jitcy.hot(f, threshold=2)       # starts the build worker (it warms up in the background)
    if a.sleep:
        time.sleep(a.sleep)         # let the worker finish its warm-up
    f(*args())                      # call 1: profiled
    t0 = time.perf_counter()
    f(*args())                      # call 2: the function is hot, the build is submitted
    jitcy.wait()                    # the background job (lookup or build) is done and swapped
    t_ready = t_swapped = time.perf_counter()
    st = jitcy.stats(f)
    spec = st["specializations"][0] if st["specializations"] else {}
    print(json.dumps({
        "kernel": a.kernel, "kind": a.kind, "sleep": a.sleep, "state": st["state"],
        "reason": st["reason"], "cache": spec.get("cache"),
        "ready_seconds": t_ready - t0, "swapped_seconds": t_swapped - t0,
        "compile_seconds": spec.get("compile_seconds"),
    }))


def child_env(cache_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _NEUTRALIZED_ENV}
    env["JITCY_CACHE_DIR"] = str(cache_dir)
    if _extra_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(_extra_pythonpath
                                            + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def run_child(cache_dir, *child_args) -> dict:
    cmd = [sys.executable, str(pathlib.Path(__file__).resolve()), "--child", *child_args]
    proc = subprocess.run(cmd, env=child_env(cache_dir), capture_output=True, text=True,
                          timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"state": "error", "reason": f"child exit {proc.returncode}: "
                                            f"{proc.stderr.strip()[-800:]}"}
    result = json.loads(lines[-1])
    if proc.stderr.strip():
        result["stderr"] = proc.stderr.strip()[-800:]
    return result


def bench_latency(tmp, size):
    runs, kernels = size["latency_runs"], size["latency_kernels"]
    modes = (("prewarmed", PREWARM_SLEEP), ("cold", 0.0))
    results = {(k, m): [] for k in kernels for m, _ in modes}
    n = 0
    for i in range(runs):
        for kernel in kernels:
            for mode, sleep in modes:
                n += 1
                cache_dir = tmp / f"latency-{n}"        # empty: the build is a cache miss
                log(f"[latency] run {i + 1}/{runs}: {kernel}, {mode} ...")
                r = run_child(cache_dir, "latency", kernel, "--sleep", str(sleep))
                results[(kernel, mode)].append(r)
                shutil.rmtree(cache_dir, ignore_errors=True)
    rows = []
    for kernel in kernels:
        for mode, _ in modes:
            rs = results[(kernel, mode)]
            ok = [r for r in rs if r.get("state") == "swapped" and r.get("cache") == "miss"]
            row = {"kernel": kernel, "mode": mode, "runs": len(rs), "ok_runs": len(ok),
                   "target": 1.5, "raw": rs}
            if len(ok) == len(rs) and ok:
                sw = [r["swapped_seconds"] for r in ok]
                row.update(median=statistics.median(sw), min=min(sw), max=max(sw),
                           compile_median=statistics.median(r["compile_seconds"] for r in ok))
                row["verdict"] = "PASS" if row["median"] < 1.5 else "MISS"
            else:
                bad = next(r for r in rs if r not in ok)
                row.update(median=None, verdict="MISS",
                           reason=f"{bad.get('state')}: {bad.get('reason')}")
            rows.append(row)
    return rows


def bench_cachehit(tmp, size, kernel="mandelbrot"):
    runs = size["cache_runs"]
    cache_dir = tmp / "cachehit"
    log(f"[cache] filling {cache_dir} with {kernel} ...")
    fill = run_child(cache_dir, "latency", kernel)
    rs = []
    for i in range(runs):
        log(f"[cache] fresh process {i + 1}/{runs} ...")
        rs.append(run_child(cache_dir, "cachehit", kernel))
    ok = [r for r in rs if r.get("state") == "swapped" and r.get("cache") == "hit"]
    row = {"kernel": kernel, "runs": len(rs), "ok_runs": len(ok), "target": 0.020,
           "fill": fill, "raw": rs}
    if ok and len(ok) == len(rs):
        sw = [r["swapped_seconds"] for r in ok]
        row.update(median=statistics.median(sw), min=min(sw), max=max(sw),
                   inside_median=statistics.median(r["compile_seconds"] for r in ok))
        row["verdict"] = "PASS" if row["median"] < 0.020 else "MISS"
    else:
        bad = next((r for r in rs if r not in ok), fill)
        row.update(median=None, verdict="MISS",
                   reason=f"{bad.get('state')} cache={bad.get('cache')}: {bad.get('reason')}")
    return row


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------
def table(title, headers, rows, notes=()):
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    # first column left-aligned, the rest right-aligned
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths)))
    out = [title, "=" * len(title), fmt(headers), fmt(["-" * w for w in widths])]
    out += [fmt(r) for r in cells]
    out += ["  " + n for n in notes]
    return "\n".join(out)


def secs(x, digits=4):
    return "n/a" if x is None else f"{x:.{digits}f}"


def ms(x):
    return "n/a" if x is None else f"{x * 1e3:.1f} ms"


def render(report) -> str:
    meta = report["meta"]
    parts = [
        "jitcy benchmarks"
        f" ({'quick' if meta['quick'] else 'default'} mode, {meta['repeat']} repeats)",
        f"python {meta['python']} | jitcy {meta['jitcy']} | Cython {meta['cython']} | "
        f"{meta['cc']} | {meta['platform']} | {meta['cpus']} CPUs",
    ]
    start, end = meta.get("loadavg_start"), meta.get("loadavg_end")
    if start and end:
        busy = start[0] > 0.75 * (meta["cpus"] or 1)
        parts.append(f"load average (1/5/15 min) at start {start}, at end {end} (includes "
                     "this run)" + ("\n  ^ the machine was busy before this run started: "
                                    "expect inflated, noisy timings" if busy else ""))
    parts.append("")
    k_rows = []
    for r in report["kernels"]:
        tgt = "-" if r["target"] is None else f">= {r['target']:g}x"
        k_rows.append([r["kernel"], secs(r["cpython"]), secs(r["jitcy"]),
                       "n/a" if r["ratio"] is None else f"{r['ratio']:.1f}x", tgt, r["verdict"]])
    notes = [f"median of {meta['repeat']} samples per side (CPython and jitcy samples "
             f"interleaved); a sample is the fastest of",
             f">= {INNER_MIN_CALLS} timed calls (more for calls under "
             f"{INNER_MIN_SECONDS * 1e3:g} ms / {INNER_MIN_CALLS}). Results checked equal "
             "to CPython's.",
             "CPython = the same kernels.py loaded a second time, undecorated.",
             "No target: nbody (its list items are objects of unknown type: each run of float "
             "statements is checked once, then C doubles);",
             "mandelbrot, tuple-assign update (informational: `zr, zi = a, b` is assigned "
             "item by item, so the body is pure like the plain one)."]
    for r in report["kernels"]:
        if r["verdict"] == "MISS" and r.get("reason"):
            notes.append(f"{r['name']}: {r['reason']}")
    parts.append(table("1. Kernels (seconds per call)",
                       ["kernel", "CPython s", "jitcy s", "ratio", "target", "result"],
                       k_rows, notes))
    parts.append("")

    l_rows = []
    for r in report["latency"]:
        l_rows.append([f"{r['kernel']} ({r['mode']})", f"{r['ok_runs']}/{r['runs']}",
                       secs(r.get("median"), 3), secs(r.get("min"), 3), secs(r.get("max"), 3),
                       secs(r.get("compile_median"), 3), "< 1.5 s", r["verdict"]])
    notes = ["fresh interpreter per run, empty JITCY_CACHE_DIR; from the call that makes the "
             "function hot (2nd call) until",
             "jitcy.wait() returned with the code swapped in (stats state "
             "'swapped', cache 'miss').",
             f"prewarmed: decorated, slept {PREWARM_SLEEP:g} s, then triggered; cold: "
             "triggered right after decorating.",
             "in jitcy = compile_seconds from jitcy.stats (key, analyze, translate, build, "
             "load on the builder thread)."]
    for r in report["latency"]:
        if r.get("reason"):
            notes.append(f"{r['kernel']} ({r['mode']}): {r['reason']}")
    parts.append(table("2. Compile latency, hot -> swapped (seconds, median over runs)",
                       ["function (worker)", "runs", "median", "min", "max", "in jitcy",
                        "target", "result"], l_rows, notes))
    parts.append("")

    c = report["cache_hit"]
    c_rows = [[c["kernel"], f"{c['ok_runs']}/{c['runs']}", ms(c.get("median")),
               ms(c.get("min")), ms(c.get("max")), ms(c.get("inside_median")), "< 20 ms",
               c["verdict"]]]
    notes = ["a first process filled the cache dir (a build); then each run is a fresh "
             "interpreter on the same dir,",
             "timed from the hot trigger until swapped, stats 'cache' == 'hit'. "
             "in jitcy = compile_seconds (key + lookup + dlopen + bind)."]
    if c.get("reason"):
        notes.append(c["reason"])
    parts.append(table("3. Cache-hit load in a fresh process (median over runs)",
                       ["function", "runs", "median", "min", "max", "in jitcy", "target",
                        "result"], c_rows, notes))
    parts.append("")

    o = report["overhead"]
    o_rows = [[r["what"], r["measured"], f"{r['ns']:.1f}", r["baseline"],
               f"{r['baseline_ns']:.1f}", f"{r['delta_ns']:+.1f}",
               "-" if r["target"] is None else f"< {r['target']:g} ns", r["verdict"]]
              for r in o["rows"]]
    notes = [f"timeit, {o['timeit_number']:_} calls per repeat, median of {meta['repeat']} "
             "repeats (interleaved); ns per call include timeit's loop.",
             "The type guard runs inside the compiled entry, so 'trampoline vs entry' is "
             "the cost of the swapped __code__ itself."]
    parts.append(table("4. Per-call overhead (ns per call)",
                       ["function", "measured", "ns", "baseline", "baseline ns",
                        "delta ns", "target", "result"], o_rows, notes))
    return "\n".join(parts)


def environment(jitcy, args) -> dict:
    import Cython
    from jitcy import builder
    ident = builder.toolchain_identity()
    return {"quick": args.quick, "repeat": args.repeat, "python": platform.python_version(),
            "jitcy": jitcy.__version__, "cython": Cython.__version__,
            "cc": ident.get("compiler_so", "?").split()[0],
            "platform": platform.platform(terse=True), "cpus": os.cpu_count(),
            "loadavg_start": load_average()}


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, finishes in < 60 s")
    p.add_argument("--repeat", type=int, default=None,
                   help="samples per measurement (default 7, --quick 3)")
    p.add_argument("--json", metavar="PATH", help="also write the tables as JSON to PATH")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary cache dirs (to read the generated .pyx)")
    args = p.parse_args(argv)
    size = SIZES["quick" if args.quick else "default"]
    if args.repeat is None:
        args.repeat = size["repeat"]
    if args.repeat < 1:
        p.error("--repeat must be >= 1")

    for var in _NEUTRALIZED_ENV:
        if os.environ.pop(var, None) is not None and var != "JITCY_CACHE_DIR":
            log(f"note: ignoring {var} (the benchmarks measure jitcy's defaults)")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="jitcy-bench-"))
    os.environ["JITCY_CACHE_DIR"] = str(tmp / "main-cache")
    started = time.perf_counter()
    try:
        jitcy = import_jitcy()
        J = load_kernels("jitcy_bench_kernels_jit")     # decorated as we go
        P = load_kernels("jitcy_bench_kernels_plain")   # stays CPython
        report = {"meta": environment(jitcy, args)}
        report["kernels"] = bench_kernels(jitcy, J, P, size, args.repeat)
        report["overhead"] = bench_overhead(jitcy, J, P, size, args.repeat)
        report["latency"] = bench_latency(tmp, size)
        report["cache_hit"] = bench_cachehit(tmp, size)
        report["meta"]["wall_seconds"] = time.perf_counter() - started
        report["meta"]["loadavg_end"] = load_average()
        text = render(report)
        print(text)
        print(f"\n(total wall time {report['meta']['wall_seconds']:.0f} s)", flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(report, f, indent=2, default=str)
            log(f"wrote {args.json}")
    finally:
        if args.keep:
            log(f"kept the cache dirs under {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
