"""Import hook benchmarks: the profiler's per-call cost and the import cost of a module.

    python benchmarks/bench_hook.py            # about 1 minute
    python benchmarks/bench_hook.py --quick    # fewer samples
    python benchmarks/bench_hook.py --json out.json

1. Per-call cost of a watched function that never gets hot (target: < 150 ns on top of the
   plain call). Functions are loaded twice from one source: one copy plain, one watched by
   ``jitcy.install`` (with a threshold and time limit never reached, so they stay in the
   profiling state), and called once so they are registered. ``timeit`` of ``f(args)``, 1,000,000 calls per
   sample, plain and watched samples interleaved, median of the samples.
2. Import cost of a module with 1,000 small functions (target: < 2x the plain import). Two
   copies of the generated module (different names, same text, ``.pyc`` compiled first);
   the watched copy is in the hook's ``include``. Each sample deletes both from
   ``sys.modules`` and imports them again (file read, unmarshal, execution, and for the
   watched copy the hook's work); samples interleaved, median. Measured in wall time (the
   target) and in the importing thread's CPU time (``time.thread_time``), which time
   spent preempted by other processes does not inflate.

``--instructions`` adds load-independent figures: the same two measurements counted in CPU
instructions by ``valgrind --tool=callgrind`` (child processes, two sizes, the difference
divided by the size difference, so start-up cancels out). Instructions are not time (the
plain import is memory-bound unmarshalling, the hook's work is interpreter code), but they do
not depend on what else the machine is doing.

Uses the jitcy of this checkout. Runs in a private temporary directory and cache; nothing is compiled (the hook's threshold
is never reached). The machine is shared: the header shows the load average; rerun before
trusting a borderline figure.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pathlib
import platform
import py_compile
import statistics
import sys
import tempfile
import textwrap
import time
import timeit

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent

CALLS = textwrap.dedent("""\
    def ident(x):
        return x

    def add3(a, b, c=1):
        return a + b + c

    def kw(a, *, scale=2):
        return a * scale

    class Point:
        def __init__(self, x):
            self.x = x

        def norm(self):
            return self.x
    """)

CASES = [   # (label, setup in the module namespace M, statement)
    ("def ident(x): return x", "f = M.ident", "f(7)"),
    ("def add3(a, b, c=1)", "f = M.add3", "f(1, 2)"),
    ("def kw(a, *, scale=2)", "f = M.kw", "f(3, scale=4)"),
    ("method p.norm()", "p = M.Point(5)", "p.norm()"),
]


def small_functions(n: int) -> str:
    """``n`` small functions of assorted shapes (a third of them methods)."""
    out = []
    for i in range(n - n // 3):
        shape = i % 4
        if shape == 0:
            out.append(f"def f{i}(x):\n    return x + {i}\n")
        elif shape == 1:
            out.append(f"def f{i}(a{i}, b=2):\n    return a{i} * b - {i}\n")
        elif shape == 2:
            out.append(f"def f{i}(*args, key{i}=None, **kw):\n    return len(args) + {i}\n")
        else:
            out.append(f"def f{i}(s, t):\n    if s:\n        return t\n    return [s, t, {i}]\n")
    methods = n // 3
    for c in range(0, methods, 10):
        body = "".join(f"    def m{c + j}(self, v):\n        return v + {c + j}\n"
                       for j in range(min(10, methods - c)))
        out.append(f"class K{c}:\n{body}")
    return "\n".join(out)


def load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def import_jitcy():
    """This checkout's jitcy (the benchmark measures the code next to it)."""
    sys.path.insert(0, str(ROOT))
    import jitcy
    return jitcy


def bench_calls(jitcy, tmp: pathlib.Path, repeat: int, number: int) -> list:
    (tmp / "calls_plain.py").write_text(CALLS)
    (tmp / "calls_watched.py").write_text(CALLS)
    # never hot: neither the call count nor the cumulative time (timeit's millions of
    # calls would pass the default 0.2 s) is reached, so the profiling cost is what we see
    hook = jitcy.install(include=["calls_watched"], threshold=10**12, time_limit=1e9)
    P = importlib.import_module("calls_plain")
    W = importlib.import_module("calls_watched")
    jitcy.uninstall(hook)
    rows = []
    for label, setup, stmt in CASES:
        timers = {}
        for side, mod in (("plain", P), ("watched", W)):
            ns = {"M": mod}
            exec(setup, ns)
            exec(stmt, ns)          # first call: the function is registered
            timers[side] = timeit.Timer(stmt, globals=ns)
        samples = {"plain": [], "watched": []}
        for _ in range(repeat):
            for side, timer in timers.items():
                samples[side].append(timer.timeit(number) / number * 1e9)
        med = {k: statistics.median(v) for k, v in samples.items()}
        rows.append({"case": label, "plain_ns": med["plain"], "watched_ns": med["watched"],
                     "delta_ns": med["watched"] - med["plain"], "target_ns": 150,
                     "samples": samples})
    states = {name: s["state"] for name, s in jitcy.stats().items()
              if name.startswith("calls_watched.")}
    assert states and all(v == "profiling" for v in states.values()), states
    return rows


def bench_import(jitcy, tmp: pathlib.Path, n: int, repeat: int) -> dict:
    text = small_functions(n)
    for name in ("many_plain", "many_watched"):
        path = tmp / f"{name}.py"
        path.write_text(text)
        py_compile.compile(str(path), doraise=True)
    hook = jitcy.install(include=["many_watched"])
    samples = {"plain": [], "watched": []}
    cpu = {"plain": [], "watched": []}
    watched_before = hook.watched
    try:
        for _ in range(repeat):
            for side in ("plain", "watched"):
                name = f"many_{side}"
                sys.modules.pop(name, None)
                c0, t0 = time.thread_time(), time.perf_counter()
                importlib.import_module(name)
                samples[side].append(time.perf_counter() - t0)
                cpu[side].append(time.thread_time() - c0)
    finally:
        jitcy.uninstall(hook)
    per_import = (hook.watched - watched_before) // repeat
    assert per_import == n, (per_import, n)
    med = {k: statistics.median(v) for k, v in samples.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    return {"functions": n, "watched_per_import": per_import,
            "plain_ms": med["plain"] * 1e3, "watched_ms": med["watched"] * 1e3,
            "ratio": med["watched"] / med["plain"], "target_ratio": 2.0,
            "cpu_plain_ms": med_cpu["plain"] * 1e3, "cpu_watched_ms": med_cpu["watched"] * 1e3,
            "cpu_ratio": med_cpu["watched"] / med_cpu["plain"],
            "samples_ms": {k: [x * 1e3 for x in v] for k, v in samples.items()}}


_CHILD_CALLS = """
import sys, timeit
sys.path.insert(0, {root!r})
ns = {{"__name__": "m"}}
exec(compile("def ident(x):\\n    return x\\n", "m.py", "exec"), ns)
f = ns["ident"]
if {watched!r}:
    import jitcy
    jitcy.hot(f, threshold=10**12, time_limit=1e9)
    f(1)
timeit.timeit("f(7)", globals={{"f": f}}, number={n})
"""
_CHILD_IMPORT = """
import importlib, sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {tmp!r})
import jitcy
if {watched!r}:
    jitcy.install(include=["many_watched"])
name = "many_watched" if {watched!r} else "many_plain"
for _ in range({n}):
    sys.modules.pop(name, None)
    importlib.import_module(name)
"""


def _instructions(code: str) -> int:
    import re
    import shutil
    import subprocess
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", code], capture_output=True, text=True)
    match = re.search(r"Collected : (\d+)", out.stderr)
    if not match:
        raise RuntimeError(out.stderr[-2000:])
    return int(match.group(1))


def bench_instructions(tmp: pathlib.Path) -> dict:
    """Instructions per call and per import (difference of two sizes)."""
    out = {}
    for what, child, sizes in (("call", _CHILD_CALLS, (100_000, 300_000)),
                               ("import", _CHILD_IMPORT, (2, 12))):
        for watched in (False, True):
            counts = [_instructions(child.format(root=str(ROOT), tmp=str(tmp), n=n,
                                                 watched=watched)) for n in sizes]
            out[f"{what}_{'watched' if watched else 'plain'}"] = \
                (counts[1] - counts[0]) / (sizes[1] - sizes[0])
    return out


def render(report) -> str:
    lines = ["jitcy import hook benchmarks",
             f"python {platform.python_version()} | {platform.platform()} | "
             f"{os.cpu_count()} CPUs",
             f"load average at start {report['load_start']}, at end {report['load_end']}", "",
             f"1. Per-call cost of a watched function that is not hot (ns per call, "
             f"median of {report['repeat']} x {report['number']:,} calls)",
             f"{'case':28} {'plain':>8} {'watched':>8} {'delta':>8} {'target':>8}  result"]
    for r in report["calls"]:
        ok = "PASS" if r["delta_ns"] < r["target_ns"] else "MISS"
        lines.append(f"{r['case']:28} {r['plain_ns']:8.1f} {r['watched_ns']:8.1f} "
                     f"{r['delta_ns']:+8.1f} {'< 150':>8}  {ok}")
    imp = report["import"]
    ok = "PASS" if imp["ratio"] < imp["target_ratio"] else "MISS"
    lines += ["", f"2. Import of a module with {imp['functions']:,} small functions "
                  f"(ms, median of {report['import_repeat']} imports, .pyc present)",
              f"{'':12} {'plain':>8} {'watched':>8} {'ratio':>7} {'target':>7}  result",
              f"{'wall time':12} {imp['plain_ms']:8.2f} {imp['watched_ms']:8.2f} "
              f"{imp['ratio']:6.2f}x {'< 2x':>7}  {ok}",
              f"{'thread CPU':12} {imp['cpu_plain_ms']:8.2f} {imp['cpu_watched_ms']:8.2f} "
              f"{imp['cpu_ratio']:6.2f}x   (not preempted: steadier on a loaded machine)"]
    ins = report.get("instructions")
    if ins:
        lines += ["", "3. CPU instructions (valgrind callgrind; load-independent, not time)",
                  f"{'what':34} {'plain':>12} {'watched':>12} {'ratio':>7}",
                  f"{'per call, def ident(x) (timeit)':34} {ins['call_plain']:12,.0f} "
                  f"{ins['call_watched']:12,.0f} {ins['call_watched'] / ins['call_plain']:6.2f}x",
                  f"{'per import, 1,000 functions':34} {ins['import_plain']:12,.0f} "
                  f"{ins['import_watched']:12,.0f} "
                  f"{ins['import_watched'] / ins['import_plain']:6.2f}x"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", metavar="PATH")
    parser.add_argument("--instructions", action="store_true",
                        help="also count CPU instructions under valgrind (slow: minutes)")
    args = parser.parse_args(argv)
    for var in ("JITCY_SYNC", "JITCY_DISABLE", "JITCY_HOOK_THRESHOLD", "JITCY_HOOK_TIME_LIMIT",
                "JITCY_STRICT"):
        os.environ.pop(var, None)
    sys.dont_write_bytecode = False
    with tempfile.TemporaryDirectory(prefix="jitcy-bench-hook-") as tmp:
        tmp = pathlib.Path(tmp)
        cache = tmp / "cache"
        cache.mkdir(mode=0o700)
        os.environ["JITCY_CACHE_DIR"] = str(cache)
        jitcy = import_jitcy()
        sys.path.insert(0, str(tmp))
        repeat = 5 if args.quick else 11
        number = 300_000 if args.quick else 1_000_000
        import_repeat = 11 if args.quick else 31
        report = {"load_start": load_average(), "repeat": repeat, "number": number,
                  "import_repeat": import_repeat}
        report["calls"] = bench_calls(jitcy, tmp, repeat, number)
        report["import"] = bench_import(jitcy, tmp, 1000, import_repeat)
        if args.instructions:
            report["instructions"] = bench_instructions(tmp)
        report["load_end"] = load_average()
    print(render(report))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
